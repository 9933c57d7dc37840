//! Fragment parsing: html5ever in a `<div>` context, fed in chunks so the
//! limits can stop it.

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{ParseOpts, QualName, local_name, ns};

use crate::dom::{Dom, Sink};
use crate::limits::{Limit, Limits};

/// Small enough that a limit crossed inside a chunk costs little extra work
/// (html5ever's per-tag cost grows with depth), large enough to keep the
/// per-call overhead out of profiles.
const CHUNK_BYTES: usize = 1024;

/// Parses `input`, which the caller has checked against
/// [`Limits::max_input_bytes`] before the lexical step (whose escapes can
/// make it longer).
/// With `spans`, start tags carry the lexer's span marker.
pub(crate) fn parse_fragment(input: &str, limits: &Limits, spans: bool) -> Result<Dom, Limit> {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            // Scripting on: `noscript` content is raw text, as in the
            // browsers that will render the output. It is never kept.
            scripting_enabled: true,
            ..TreeBuilderOpts::default()
        },
        tokenizer: TokenizerOpts {
            // A leading U+FEFF in a &str is text the author sent, not a
            // byte order mark; keep it (the serializer escapes it).
            discard_bom: false,
            ..TokenizerOpts::default()
        },
    };
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let mut parser =
        html5ever::parse_fragment(Sink::new(limits, spans), opts, context, Vec::new(), true);
    parser.tokenizer.sink.sink.start_counting();
    let mut rest = input;
    while !rest.is_empty() {
        let mut end = rest.len().min(CHUNK_BYTES);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (chunk, tail) = rest.split_at(end);
        parser.process(StrTendril::from_slice(chunk));
        if let Some(limit) = parser.tokenizer.sink.sink.exceeded() {
            return Err(limit);
        }
        rest = tail;
    }
    let parsed = parser.finish();
    match parsed.exceeded {
        Some(limit) => Err(limit),
        None => Ok(parsed.dom),
    }
}
