//! The decisions the tree sanitizer and the fast path both make, in one
//! place so the two cannot disagree: the parser state kept ancestors
//! imply and what it makes the parser close (`context`), which attributes
//! a kept element keeps (`attributes`), which comments are kept, and what
//! the lexical step does with each tag under a policy (`lexing`).

mod attributes;
mod context;
mod lexing;

pub(crate) use attributes::kept_attributes;
pub(crate) use context::{A_OPEN, child_bits, misnested, uncontained};

/// A comment that re-parses to the same comment, cannot be read as a
/// downlevel-revealed conditional comment, and holds no `<`. A page may
/// show a post inside a raw-text or escapable raw-text element
/// (`noscript` with scripting on, `textarea`, `title`, `xmp`): there a
/// comment is not a comment, and `<!--</noscript><img onerror=…>-->`
/// would end the page's element and run the script after it. Without a
/// `<`, no end tag (nor `<!`) can hide in a kept comment.
pub(crate) fn comment_is_safe(text: &str) -> bool {
    !(text.contains("--")
        || text.contains('<')
        || text.starts_with('>')
        || text.starts_with('-')
        || text.ends_with('-')
        || text.starts_with('['))
}
