//! `is_html`: whether a string holds any markup, by running html5ever's
//! tokenizer over it and watching for a token other than text.

use std::cell::Cell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

struct Detector {
    found: Cell<bool>,
}

impl TokenSink for Detector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            // Text, however malformed ("a < b" is a parse error but text).
            Token::CharacterTokens(_)
            | Token::NullCharacterToken
            | Token::EOFToken
            | Token::ParseError(_) => TokenSinkResult::Continue,
            Token::TagToken(_) => {
                self.found.set(true);
                // Pauses the tokenizer: the answer is known, and a large
                // input need not be read to its end. Only a tag may pause
                // it: html5ever asserts `Continue` for every other token.
                TokenSinkResult::Script(())
            }
            Token::CommentToken(_) | Token::DoctypeToken(_) => {
                self.found.set(true);
                TokenSinkResult::Continue
            }
        }
    }
}

pub(crate) fn is_html(input: &str) -> bool {
    let tokenizer = Tokenizer::new(
        Detector {
            found: Cell::new(false),
        },
        TokenizerOpts::default(),
    );
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    // The result says only whether a tag paused it; `found` says more.
    let _ = tokenizer.feed(&queue);
    if !tokenizer.sink.found.get() {
        tokenizer.end();
    }
    tokenizer.sink.found.get()
}
