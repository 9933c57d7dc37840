//! Fragment parsing: html5ever in a `<div>` context, fed in chunks so the
//! limits can stop it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink, create_element};
use html5ever::{LocalName, QualName, TokenizerResult, local_name, ns};

mod sink;

use crate::dom::Dom;
use crate::lexer::{Lexed, StartTag};
use crate::limits::{Limit, Limits};
use crate::tags;
use sink::{Handle, Sink};

/// Small enough that a limit crossed inside a chunk costs little extra work
/// (html5ever's per-tag cost grows with depth), large enough to keep the
/// per-call overhead out of profiles.
const CHUNK_BYTES: usize = 1024;

/// The token sink between the tokenizer and the tree builder. When the
/// policy reports spans, it pairs each start tag token with the lexical
/// step's list of start tags, in order, and tells the sink the span of the
/// one the tree builder is handling. The two agree on every tag but in
/// foreign content, where `<![CDATA[` hides tags from the tokenizer and
/// `<style>` does not hide them: at the first name that differs, spans
/// stop, rather than name the wrong tag.
///
/// It also joins runs of character tokens into one before the tree builder
/// sees them. The tokenizer emits a character of its own for each `<` or
/// `&` that starts no tag or reference, and the tree builder's cost is per
/// token: a megabyte of `<` cost 12 times the diary corpus per byte. The
/// tree builder treats text the same however it is split (the standard
/// defines it per character), so the run is flushed before any other
/// token, before the tokenizer asks about the current node, and at the end
/// of the input; not at the end of a chunk, since text adds one node at
/// most, which the sink counts when the run arrives. Parse errors stop
/// here: the sink ignores them.
///
/// Each token it passes on is charged to the nesting budget
/// ([`Limits::max_nesting_per_byte`]): the depth of the node last inserted
/// into, roughly how many open elements the tree builder looks through
/// for it. An end tag that closes the last start tag not yet closed (as
/// the tokens alone tell) costs 1: the tree builder finds that element on
/// top. Each start tag allows one such end tag and pays for its own
/// search, so where the tree builder's current node is another, the end
/// tag's search is paid for all the same, within a factor of two. Once
/// any limit is crossed, it passes on nothing more: the tree will not be
/// used, and the rest of the chunk costs only the tokenizer's work.
struct Tokens<'a> {
    tree: TreeBuilder<Handle, Sink>,
    starts: &'a [StartTag],
    next: Cell<usize>,
    text: RefCell<Run>,
    /// What the input may still spend on nesting.
    nesting_left: Cell<usize>,
    /// The names of the start tags not yet closed, as the tokens alone
    /// tell (void elements aside): the last `max_unclosed` of them, so
    /// that posts full of `<p>` without `</p>` cannot grow the list with
    /// the input. Forgetting the oldest, rather than the newest, keeps the
    /// last ones the same whatever came before: a start of the input that
    /// the fast path cleaned can only make the rest cheaper here (an end
    /// tag may close one of its start tags), never dearer.
    unclosed: RefCell<VecDeque<LocalName>>,
    max_unclosed: usize,
}

/// A run of character tokens not yet passed on. The tokenizer ends a token
/// at every newline, so most runs have several. The first is kept as the
/// tokenizer gave it (a slice of its chunk, which the sink copies to its
/// exact size); from the second on, they are joined in `joined`, a buffer
/// reused for every run, and passed on as one exact copy. Joining them in
/// the first tendril instead would grow it to the next power of two, and
/// the tree would keep it at that size: a third more than the text, on
/// average, at the peak.
#[derive(Default)]
struct Run {
    first: Option<(StrTendril, u64)>,
    joined: String,
    is_joined: bool,
}

impl Run {
    fn push(&mut self, text: StrTendril, line_number: u64) {
        if self.is_joined {
            self.joined.push_str(&text);
        } else if let Some((first, _)) = &mut self.first {
            if first.is_shared()
                && text.is_shared()
                && first.as_bytes().as_ptr_range().end == text.as_ptr()
            {
                // The next slice of the same chunk (the usual case at a
                // newline): the tendril widens its slice, copying nothing.
                first.push_tendril(&text);
                return;
            }
            self.joined.clear();
            self.joined.push_str(first);
            self.joined.push_str(&text);
            self.is_joined = true;
        } else {
            self.first = Some((text, line_number));
        }
    }

    fn take(&mut self) -> Option<(StrTendril, u64)> {
        let (first, line_number) = self.first.take()?;
        if std::mem::take(&mut self.is_joined) {
            Some((StrTendril::from_slice(&self.joined), line_number))
        } else {
            Some((first, line_number))
        }
    }
}

impl Tokens<'_> {
    /// What `token` costs toward the nesting budget.
    fn nesting_cost(&self, token: &Token) -> usize {
        let mut unclosed = self.unclosed.borrow_mut();
        if let Token::TagToken(tag) = token {
            match tag.kind {
                TagKind::EndTag if unclosed.back() == Some(&tag.name) => {
                    unclosed.pop_back();
                    return 1;
                }
                TagKind::StartTag if !tags::is_void(&tag.name) => {
                    if unclosed.len() >= self.max_unclosed {
                        unclosed.pop_front();
                    }
                    unclosed.push_back(tag.name.clone());
                }
                _ => {}
            }
        }
        self.tree.sink.insertion_depth()
    }

    /// Charges the next token `cost` toward the nesting budget: whether
    /// the tree builder is to see it.
    fn charge(&self, cost: usize) -> bool {
        let sink = &self.tree.sink;
        if sink.exceeded().is_some() {
            return false;
        }
        match self.nesting_left.get().checked_sub(cost) {
            Some(left) => {
                self.nesting_left.set(left);
                true
            }
            None => {
                sink.exceed(Limit::Nesting);
                false
            }
        }
    }

    fn flush(&self) {
        let run = self.text.borrow_mut().take();
        if let Some((text, line_number)) = run
            && self.charge(self.tree.sink.insertion_depth())
        {
            let result = self
                .tree
                .process_token(Token::CharacterTokens(text), line_number);
            // Only tags switch the tokenizer's state or pause it.
            debug_assert!(matches!(result, TokenSinkResult::Continue));
        }
    }
}

impl TokenSink for Tokens<'_> {
    type Handle = Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Handle> {
        match token {
            Token::ParseError(_) => return TokenSinkResult::Continue,
            Token::CharacterTokens(text) => {
                self.text.borrow_mut().push(text, line_number);
                return TokenSinkResult::Continue;
            }
            _ => self.flush(),
        }
        if !self.charge(self.nesting_cost(&token)) {
            return TokenSinkResult::Continue;
        }
        let mut tracked = false;
        if let Token::TagToken(tag) = &token
            && tag.kind == TagKind::StartTag
            && let Some((name, span)) = self.starts.get(self.next.get())
        {
            if *name == *tag.name {
                self.next.set(self.next.get() + 1);
                self.tree.sink.begin_start_tag(tag.name.clone(), *span);
                tracked = true;
            } else {
                self.next.set(usize::MAX);
            }
        }
        let result = self.tree.process_token(token, line_number);
        if tracked {
            self.tree.sink.end_start_tag();
        }
        result
    }

    fn end(&self) {
        self.flush();
        self.tree.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.flush();
        self.tree
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// How the tokenizer words its parse errors, which the sink ignores: a
/// matter of cost only, the tree is the same.
///
/// html5ever formats a message for each bad character (`Saw < in state
/// TagOpen`) unless `exact_errors` is set, and setting it turns off its
/// fast paths for plain text. A `<` that opens nothing is such an error,
/// so a run of them cost 12 times the diary corpus per byte; with exact
/// errors, 6 times. Plain text pays three times as much with exact errors,
/// so they are chosen only where at least one byte in four is a stray `<`
/// (where the two costs cross, measured with callgrind on `1<`, `11<`,
/// `111<`, … runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Errors {
    Fast,
    Exact,
}

impl Errors {
    pub(crate) fn for_stray_lt(stray_lt: usize, len: usize) -> Errors {
        if stray_lt.saturating_mul(4) >= len && stray_lt > 0 {
            Errors::Exact
        } else {
            Errors::Fast
        }
    }
}

/// Parses `input`, which the caller has checked against
/// [`Limits::max_input_bytes`] before the lexical step (whose escapes can
/// make it longer). `starts` are the start tags the lexical step passed
/// on, when the policy reports spans (else empty). `nesting` is what the
/// input may spend on nesting.
pub(crate) fn parse_fragment(
    lexed: &Lexed<'_>,
    limits: &Limits,
    nesting: usize,
) -> Result<Dom, Limit> {
    let input = lexed.input;
    let starts = &lexed.starts[..];
    let errors = Errors::for_stray_lt(lexed.stray_lt, lexed.len());
    // About one element and one text node for every two `<` (a start tag
    // and an end tag), and a little more: the arena is sized once, rather
    // than doubled (and copied) as it grows, which sets the peak memory.
    let nodes = lexed.lt.saturating_add(lexed.lt / 2).saturating_add(2);
    let sink = Sink::new(limits, nodes.min(limits.max_nodes.saturating_add(2)));
    let context = create_element(
        &sink,
        QualName::new(None, ns!(html), local_name!("div")),
        Vec::new(),
    );
    let tree_opts = TreeBuilderOpts {
        // Scripting on: `noscript` content is raw text, as in the browsers
        // that will render the output. It is never kept.
        scripting_enabled: true,
        ..TreeBuilderOpts::default()
    };
    let tree = TreeBuilder::new_for_fragment(sink, context, None, tree_opts);
    let tokenizer_opts = TokenizerOpts {
        initial_state: Some(tree.tokenizer_state_for_context_elem(true)),
        // A leading U+FEFF in a &str is text the author sent, not a byte
        // order mark; keep it (the serializer escapes it).
        discard_bom: false,
        exact_errors: errors == Errors::Exact,
        ..TokenizerOpts::default()
    };
    let tokenizer = Tokenizer::new(
        Tokens {
            tree,
            starts,
            next: Cell::new(0),
            text: RefCell::new(Run::default()),
            nesting_left: Cell::new(nesting),
            unclosed: RefCell::new(VecDeque::new()),
            // Twice the depth an output can have: its end tags all close
            // the last start tag (see `nesting`).
            max_unclosed: limits.max_depth.saturating_mul(2),
        },
        tokenizer_opts,
    );
    tokenizer.sink.tree.sink.start_counting();
    let queue = BufferQueue::default();
    let mut rest = input;
    while !rest.is_empty() {
        let mut end = rest.len().min(CHUNK_BYTES);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (chunk, tail) = rest.split_at(end);
        let at = input.len() - rest.len();
        if lexed.lt_escapes.is_empty() {
            queue.push_back(StrTendril::from_slice(chunk));
        } else {
            let mut text = String::with_capacity(chunk.len() + 16);
            lexed.write_text(at..at + chunk.len(), &mut text);
            queue.push_back(StrTendril::from(text));
        }
        // The tokenizer pauses for a script to run or at a `<meta charset>`
        // (an encoding change); neither applies to a &str: go on to the
        // end of the chunk.
        while !matches!(tokenizer.feed(&queue), TokenizerResult::Done) {}
        if let Some(limit) = tokenizer.sink.tree.sink.exceeded() {
            return Err(limit);
        }
        rest = tail;
    }
    tokenizer.end();
    let parsed = tokenizer.sink.tree.sink.finish();
    match parsed.exceeded {
        Some(limit) => Err(limit),
        None => Ok(parsed.dom),
    }
}
