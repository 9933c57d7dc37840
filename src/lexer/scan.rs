//! Scanning from a `<`: where a tag ends, through the tokenizer's tag-name,
//! attribute and self-closing states; where a comment ends; and the
//! memory of earlier scans that keeps repeated openers linear.

use std::ops::Range;

/// What scans for the end of a comment or declaration found, kept so that
/// no stretch of the input is scanned twice for the same answer: openers
/// that never end (`<!--x>`, `<?`, `</ ` repeated) each asked to the end
/// of the input, which made those inputs quadratic.
pub(crate) struct Ends {
    /// The first `>` at or after an offset, as last looked up.
    gt: Option<(usize, Option<usize>)>,
    /// No comment whose text starts at or after this offset ends (a scan
    /// from here found no `-->` or `--!>`), or `usize::MAX`.
    open_comments_from: usize,
}

impl Ends {
    pub(crate) fn new() -> Ends {
        Ends {
            gt: None,
            open_comments_from: usize::MAX,
        }
    }

    /// The first `>` in `bytes` at or after `from`. Readers move forward,
    /// so the last answer still holds if it lies at or after `from` (there
    /// is no `>` between the two offsets).
    pub(crate) fn next_gt(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        if let Some((asked, found)) = self.gt
            && asked <= from
            && found.is_none_or(|gt| gt >= from)
        {
            return found;
        }
        let found = memchr::memchr(b'>', bytes.get(from..)?).map(|p| from + p);
        self.gt = Some((from, found));
        found
    }

    /// `comment_len` of the comment whose text starts at `body`. A scan
    /// that found no end from an earlier comment's text holds for every
    /// later one: the end it looks for would have been found then.
    pub(crate) fn comment_len(&mut self, bytes: &[u8], body: usize) -> Option<usize> {
        let rest = bytes.get(body..)?;
        short_comment_len(rest).or_else(|| {
            if body >= self.open_comments_from {
                return None;
            }
            let len = comment_end(rest);
            if len.is_none() {
                self.open_comments_from = body;
            }
            len
        })
    }
}

/// A tag as the tokenizer reads it.
pub(super) struct Tag {
    /// Byte range of the name (after `<` or `</`).
    pub(super) name: Range<usize>,
    /// Index just past the closing `>`, or `None` if the input ends first.
    pub(super) end: Option<usize>,
    pub(super) attributes: usize,
    pub(super) self_closing: bool,
}

/// Reads a tag from its name (at `start`) to its `>`, through the
/// tokenizer's tag-name, attribute and self-closing states.
pub(super) fn scan_tag(bytes: &[u8], start: usize) -> Tag {
    #[derive(Clone, Copy)]
    enum S {
        Name,
        BeforeAttrName,
        AttrName,
        AfterAttrName,
        BeforeValue,
        DoubleQuoted,
        SingleQuoted,
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let mut state = S::Name;
    let mut name_end = bytes.len();
    let mut attributes = 0;
    let mut i = start;
    let done = |name_end: usize, end: usize, attributes: usize, self_closing: bool| Tag {
        name: start..name_end,
        end: Some(end),
        attributes,
        self_closing,
    };
    while let Some(&b) = bytes.get(i) {
        match state {
            S::Name => {
                if b.is_ascii_whitespace() || b == b'/' || b == b'>' {
                    name_end = i;
                    match b {
                        b'>' => return done(name_end, i + 1, 0, false),
                        b'/' => state = S::SelfClosing,
                        _ => state = S::BeforeAttrName,
                    }
                }
            }
            S::BeforeAttrName => match b {
                _ if b.is_ascii_whitespace() => {}
                b'/' | b'>' => {
                    state = S::AfterAttrName;
                    continue;
                }
                _ => {
                    attributes += 1;
                    state = S::AttrName;
                }
            },
            S::AttrName => match b {
                _ if b.is_ascii_whitespace() || b == b'/' || b == b'>' => {
                    state = S::AfterAttrName;
                    continue;
                }
                b'=' => state = S::BeforeValue,
                _ => {}
            },
            S::AfterAttrName => match b {
                _ if b.is_ascii_whitespace() => {}
                b'/' => state = S::SelfClosing,
                b'=' => state = S::BeforeValue,
                b'>' => return done(name_end, i + 1, attributes, false),
                _ => {
                    attributes += 1;
                    state = S::AttrName;
                }
            },
            S::BeforeValue => match b {
                _ if b.is_ascii_whitespace() => {}
                b'"' => state = S::DoubleQuoted,
                b'\'' => state = S::SingleQuoted,
                b'>' => return done(name_end, i + 1, attributes, false),
                _ => {
                    state = S::Unquoted;
                    continue;
                }
            },
            S::DoubleQuoted | S::SingleQuoted => {
                let quote = if matches!(state, S::DoubleQuoted) {
                    b'"'
                } else {
                    b'\''
                };
                match memchr::memchr(quote, &bytes[i..]) {
                    Some(p) => {
                        i += p;
                        state = S::AfterQuoted;
                    }
                    None => break,
                }
            }
            S::Unquoted => match b {
                _ if b.is_ascii_whitespace() => state = S::BeforeAttrName,
                b'>' => return done(name_end, i + 1, attributes, false),
                _ => {}
            },
            S::AfterQuoted => match b {
                _ if b.is_ascii_whitespace() => state = S::BeforeAttrName,
                b'/' => state = S::SelfClosing,
                b'>' => return done(name_end, i + 1, attributes, false),
                _ => {
                    state = S::BeforeAttrName;
                    continue;
                }
            },
            S::SelfClosing => match b {
                b'>' => return done(name_end, i + 1, attributes, true),
                _ => {
                    state = S::BeforeAttrName;
                    continue;
                }
            },
        }
        i += 1;
    }
    Tag {
        name: start..name_end.min(bytes.len()),
        end: None,
        attributes,
        self_closing: false,
    }
}

/// Where a comment whose text starts at `rest` (just past its `<!--`)
/// ends, as the tokenizer ends it: the length up to and including its
/// `-->` or `--!>`, or at once for `<!-->` and `<!--->`; `None` if it is
/// still open at the end of the input.
pub(crate) fn comment_len(rest: &[u8]) -> Option<usize> {
    short_comment_len(rest).or_else(|| comment_end(rest))
}

/// `<!-->` and `<!--->`, which the tokenizer ends at once.
fn short_comment_len(rest: &[u8]) -> Option<usize> {
    if rest.starts_with(b">") {
        return Some(1);
    }
    if rest.starts_with(b"->") {
        return Some(2);
    }
    None
}

/// The length of a comment's text up to and including its `-->` or
/// `--!>`, not counting the two short forms.
fn comment_end(rest: &[u8]) -> Option<usize> {
    // The first `>` after `--` or `--!` ends it. (Searching for `-->` and
    // `--!>` separately would scan to the end of the input for the one
    // that is absent, once per comment; and the matches of `--` do not
    // overlap, so `--->` would hide its end.)
    memchr::memchr_iter(b'>', rest)
        .find(|&p| rest[..p].ends_with(b"--") || rest[..p].ends_with(b"--!"))
        .map(|p| p + 1)
}
