//! The lexical step before parsing. It finds every `<` that the HTML
//! tokenizer would read as the start of a tag, a comment or a declaration,
//! and writes `&lt;` instead where that markup should be shown as text:
//!
//! - in escape mode (a policy that escapes some tags), tags the policy
//!   escapes, declarations (`<!DOCTYPE`, `<?php`) and stray end tags, so
//!   `#include <stdio.h>` and `if x<y and y>z` come out as typed rather than
//!   as html5ever's reinterpretation of them;
//! - always, a tag or comment that is still open at the end of the input
//!   (the parser would throw it and everything after it away) and a tag
//!   with more attributes than the policy's limit (html5ever checks each
//!   new attribute against all earlier ones, so their cost is quadratic);
//! - special tags (`<person>`, `<proj>`, `<wiki>`) whose content is not
//!   valid for them.
//!
//! It only ever turns markup into text, never text into markup, so it
//! cannot weaken the sanitizer that runs after it: every element that
//! reaches the tree is still checked against the policy.
//!
//! It follows the tokenizer's tag, attribute and comment states exactly,
//! so it agrees with the parser about where each tag ends (a `>` inside a
//! quoted attribute value does not end it). It skips the content of
//! raw-text elements it lets through (`script`, `style`, `textarea`, …)
//! as the parser does. It does not track foreign content (`svg`, `math`);
//! the only effect is that less is escaped lexically there, and the
//! sanitizer still applies the policy to whatever the parser builds.

mod scan;

use std::borrow::Cow;
use std::ops::Range;

pub(crate) use scan::{Ends, comment_len};
use scan::{Tag, scan_tag};

/// A start tag the lexical step passed on to the parser: its name as the
/// tokenizer reads it, and its byte range in the input.
pub(crate) type StartTag = (String, (u32, u32));

/// What the lexer does with one tag, as the caller's policy decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Leave it for the parser.
    Pass,
    /// Show it as text.
    Escape,
    /// A special tag (`<person>` …): passed when its content is valid.
    Special(Special),
}

/// The special tags of the legacy diary markup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Special {
    Person,
    Project,
    Wiki,
}

/// Why the lexer turned a tag into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The policy escapes this tag.
    Policy,
    /// A tag, comment or declaration still open at the end of the input.
    Unterminated,
    /// More attributes than the policy's limit.
    TooManyAttributes,
    /// A special tag with markup inside, no end tag, or an invalid name.
    InvalidSpecial,
}

/// One place where markup became text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Escaped {
    /// The byte range of the tag (or comment) in the input.
    pub(crate) span: Range<usize>,
    /// The tag name, lower-cased as the parser would (`!--` for a comment,
    /// `!` for a declaration).
    pub(crate) name: String,
    pub(crate) reason: Reason,
}

/// The lexer's output: the text to parse and what it escaped.
pub(crate) struct Lexed<'a> {
    /// The input. The parser reads it with each `<` at `lt_escapes` as
    /// `&lt;` (see [`Lexed::text`]); writing that out as a second copy of
    /// the input would add its size to the peak memory.
    pub(crate) input: &'a str,
    /// The `<` shown as text, in order.
    pub(crate) lt_escapes: Vec<usize>,
    pub(crate) escaped: Vec<Escaped>,
    /// Special tags passed on to the parser (so the tree transform that
    /// expands them can be skipped when there are none).
    pub(crate) specials: usize,
    /// With [`Rules::mark_spans`], every start tag passed on to the
    /// parser, in order, with its span.
    pub(crate) starts: Vec<StartTag>,
    /// How many `<` are text because no tag, comment or declaration
    /// follows them: each is a parse error to the tokenizer.
    pub(crate) stray_lt: usize,
    /// How many `<` the input holds, as tags, comments or text.
    pub(crate) lt: usize,
}

/// What the lexer needs from a policy.
pub(crate) trait Rules {
    /// Whether tags are escaped by default and declarations shown as text.
    fn escape_mode(&self) -> bool;
    /// The decision for a tag name, already lower-cased.
    fn decide(&self, name: &str) -> Decision;
    /// The most attributes one tag may have.
    fn max_attributes(&self) -> usize;
    /// Whether the special tags' content is valid.
    fn special_valid(&self, special: Special, body: &str) -> bool;
    /// Whether to list the start tags passed on with their spans in the
    /// input, for the report (see `parse::Tokens`).
    fn mark_spans(&self) -> bool;
}

pub(crate) fn lex<'a>(input: &'a str, rules: &impl Rules) -> Lexed<'a> {
    let mut lexer = Lexer::new(input);
    lexer.run(rules);
    Lexed {
        input,
        lt_escapes: lexer.lt_escapes,
        escaped: lexer.escaped,
        specials: lexer.specials,
        starts: lexer.starts,
        stray_lt: lexer.stray_lt,
        lt: lexer.lt,
    }
}

impl<'a> Lexed<'a> {
    /// The text the parser reads.
    pub(crate) fn text(&self) -> Cow<'a, str> {
        if self.lt_escapes.is_empty() {
            return Cow::Borrowed(self.input);
        }
        let mut text = String::with_capacity(self.len());
        self.write_text(0..self.input.len(), &mut text);
        Cow::Owned(text)
    }

    /// The length of [`Lexed::text`].
    pub(crate) fn len(&self) -> usize {
        self.input.len() + 3 * self.lt_escapes.len()
    }

    /// Appends the part of [`Lexed::text`] that comes from
    /// `self.input[range]` to `out`.
    pub(crate) fn write_text(&self, range: Range<usize>, out: &mut String) {
        let first = self.lt_escapes.partition_point(|&at| at < range.start);
        let mut copied = range.start;
        for &at in self.lt_escapes[first..]
            .iter()
            .take_while(|&&at| at < range.end)
        {
            out.push_str(&self.input[copied..at]);
            out.push_str("&lt;");
            copied = at + 1;
        }
        out.push_str(&self.input[copied..range.end]);
    }
}

/// Where the content of the raw-text or RCDATA element `name` ends, its
/// start tag ending at `from`: the `<` of its end tag, or the end of the
/// input; `None` if `name` is not such an element. The same reading the
/// lexical step makes, for the fast path.
pub(crate) fn raw_text_content_end(input: &str, from: usize, name: &str) -> Option<usize> {
    let close = raw_text_end(name)?;
    let lexer = Lexer::new(input);
    Some(match close {
        "script" => lexer.skip_script(from),
        _ => lexer.skip_raw_text(from, close),
    })
}

/// A byte range as the `u32` pair the parser keeps (the input limit keeps
/// offsets far below `u32::MAX`; saturating keeps this total anyway).
fn span32(range: Range<usize>) -> (u32, u32) {
    let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    (at(range.start), at(range.end))
}

struct Lexer<'a> {
    input: &'a str,
    bytes: &'a [u8],
    lt_escapes: Vec<usize>,
    escaped: Vec<Escaped>,
    specials: usize,
    /// The start tags passed on, with their spans, when the policy
    /// reports spans.
    starts: Vec<StartTag>,
    stray_lt: usize,
    lt: usize,
    /// The decisions made so far, by name (see `decide`).
    decided: Vec<(u64, Decision)>,
    ends: Ends,
}

/// Elements whose content the tokenizer reads as text up to their end tag
/// (scripting is on, so `noscript` is one of them).
fn raw_text_end(name: &str) -> Option<&'static str> {
    Some(match name {
        "script" => "script",
        "style" => "style",
        "xmp" => "xmp",
        "iframe" => "iframe",
        "noembed" => "noembed",
        "noframes" => "noframes",
        "noscript" => "noscript",
        "textarea" => "textarea",
        "title" => "title",
        "plaintext" => "",
        _ => return None,
    })
}

impl<'a> Lexer<'a> {
    fn new(input: &'a str) -> Lexer<'a> {
        Lexer {
            input,
            bytes: input.as_bytes(),
            lt_escapes: Vec::new(),
            escaped: Vec::new(),
            specials: 0,
            starts: Vec::new(),
            stray_lt: 0,
            lt: 0,
            decided: Vec::new(),
            ends: Ends::new(),
        }
    }

    /// `rules.decide(name)`, remembered for the first names met: a post
    /// uses few, and each decision costs interning the name and a look in
    /// the policy's map, which in tag-dense input was a third of the
    /// lexical step's cost.
    fn decide(&mut self, rules: &impl Rules, name: &str) -> Decision {
        // Names of up to 8 bytes, packed; none holds a NUL (read as
        // U+FFFD), so the padding is no name's.
        let key = (name.len() <= 8).then(|| {
            let mut packed = [0u8; 8];
            packed[..name.len()].copy_from_slice(name.as_bytes());
            u64::from_le_bytes(packed)
        });
        let Some(key) = key else {
            return rules.decide(name);
        };
        if let Some(&(_, decision)) = self.decided.iter().find(|(k, _)| *k == key) {
            return decision;
        }
        let decision = rules.decide(name);
        if self.decided.len() < 16 {
            self.decided.push((key, decision));
        }
        decision
    }

    fn run(&mut self, rules: &impl Rules) {
        let escape_mode = rules.escape_mode();
        let mut i = 0;
        while let Some(offset) = memchr::memchr(b'<', &self.bytes[i..]) {
            let lt = i + offset;
            self.lt += 1;
            let next = self.bytes.get(lt + 1).copied();
            i = match next {
                Some(b) if b.is_ascii_alphabetic() => self.start_tag(lt, rules),
                Some(b'/') => self.end_tag(lt, rules, escape_mode),
                Some(b'!') if self.input[lt..].starts_with("<!--") => self.comment(lt),
                Some(b'!' | b'?') => self.declaration(lt, escape_mode),
                // A `<` before anything else is text to the tokenizer too.
                _ => {
                    self.stray_lt += 1;
                    lt + 1
                }
            };
        }
    }

    /// Writes `&lt;` for every `<` in `range`, so the whole range is text
    /// to the parser (a `<` inside an escaped tag's attribute value must
    /// not start a tag of its own).
    fn escape_range(&mut self, range: Range<usize>) {
        let from = range.start;
        self.lt_escapes
            .extend(memchr::memchr_iter(b'<', &self.bytes[range]).map(|k| from + k));
    }

    fn record(&mut self, span: Range<usize>, name: &str, reason: Reason) {
        self.escaped.push(Escaped {
            span,
            name: name.to_owned(),
            reason,
        });
    }

    fn name(&self, tag: &Tag) -> Cow<'a, str> {
        // The tokenizer lower-cases ASCII letters and reads NUL as U+FFFD.
        let raw = &self.input[tag.name.clone()];
        if raw.bytes().any(|b| b.is_ascii_uppercase() || b == 0) {
            Cow::Owned(raw.to_ascii_lowercase().replace('\0', "\u{FFFD}"))
        } else {
            Cow::Borrowed(raw)
        }
    }

    fn start_tag(&mut self, lt: usize, rules: &impl Rules) -> usize {
        let tag = scan_tag(self.bytes, lt + 1);
        let name = self.name(&tag);
        let Some(end) = tag.end else {
            self.escape_range(lt..self.bytes.len());
            self.record(lt..self.bytes.len(), &name, Reason::Unterminated);
            return self.bytes.len();
        };
        if tag.attributes > rules.max_attributes() {
            self.escape_range(lt..end);
            self.record(lt..end, &name, Reason::TooManyAttributes);
            return end;
        }
        match self.decide(rules, &name) {
            Decision::Escape => {
                self.escape_range(lt..end);
                self.record(lt..end, &name, Reason::Policy);
                end
            }
            Decision::Special(special) => self.special(lt, &tag, end, &name, special, rules),
            Decision::Pass => {
                if rules.mark_spans() {
                    self.starts
                        .push((name.clone().into_owned(), span32(lt..end)));
                }
                match raw_text_end(&name) {
                    Some("script") => self.skip_script(end),
                    Some(close) => self.skip_raw_text(end, close),
                    None => end,
                }
            }
        }
    }

    /// A special tag passes only as `<name>body</name>` with a body of
    /// plain text that its rules accept; anything else is shown as text
    /// (its end tag, met later on its own, is escaped as a stray).
    fn special(
        &mut self,
        lt: usize,
        tag: &Tag,
        end: usize,
        name: &str,
        special: Special,
        rules: &impl Rules,
    ) -> usize {
        let body_end =
            memchr::memchr(b'<', &self.bytes[end..]).map_or(self.bytes.len(), |p| end + p);
        let close_len = name.len() + 3;
        let closed = self
            .input
            .get(body_end..body_end + close_len)
            .is_some_and(|close| {
                close.starts_with("</")
                    && close.ends_with('>')
                    && close[2..close_len - 1].eq_ignore_ascii_case(name)
            });
        let valid = closed
            && tag.attributes == 0
            && !tag.self_closing
            && rules.special_valid(special, &self.input[end..body_end]);
        if valid {
            self.specials += 1;
            if rules.mark_spans() {
                self.starts.push((name.to_owned(), span32(lt..end)));
            }
            body_end + close_len
        } else {
            self.escape_range(lt..end);
            self.record(lt..end, name, Reason::InvalidSpecial);
            end
        }
    }

    /// Skips a raw-text element's content to its end tag (`</name`
    /// followed by whitespace, `/` or `>`, any case), which is then read
    /// as a tag. `plaintext` has no end: it runs to the end of the input.
    fn skip_raw_text(&self, from: usize, close: &str) -> usize {
        if close.is_empty() {
            return self.bytes.len();
        }
        let mut i = from;
        while let Some(offset) = memchr::memchr(b'<', &self.bytes[i..]) {
            let at = i + offset;
            let name_end = at + 2 + close.len();
            if self.bytes.get(at + 1) == Some(&b'/')
                && self
                    .input
                    .get(at + 2..name_end)
                    .is_some_and(|n| n.eq_ignore_ascii_case(close))
                && self
                    .bytes
                    .get(name_end)
                    .is_some_and(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
            {
                return at;
            }
            i = at + 1;
        }
        self.bytes.len()
    }

    /// Whether an end tag `</name` (any case) followed by whitespace, `/`
    /// or `>` starts at `at`.
    fn end_tag_at(&self, at: usize, name: &str) -> bool {
        self.bytes.get(at + 1) == Some(&b'/') && self.tag_name_at(at + 2, name)
    }

    /// Whether `name` (any case) followed by whitespace, `/` or `>` starts
    /// at `at`.
    fn tag_name_at(&self, at: usize, name: &str) -> bool {
        self.input
            .get(at..at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && self
                .bytes
                .get(at + name.len())
                .is_some_and(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
    }

    /// Skips a script's content to its end tag through the tokenizer's
    /// script-data escape states: after `<!--`, a `<script>` hides the next
    /// `</script>` until `-->`.
    fn skip_script(&self, from: usize) -> usize {
        let (mut escaped, mut double) = (false, false);
        let mut i = from;
        while let Some(offset) = memchr::memchr2(b'<', b'-', &self.bytes[i..]) {
            let at = i + offset;
            i = at + 1;
            if self.bytes[at] == b'-' {
                if escaped && self.input[at..].starts_with("-->") {
                    (escaped, double) = (false, false);
                    i = at + 3;
                }
                continue;
            }
            if !escaped {
                if self.input[at..].starts_with("<!--") {
                    escaped = true;
                    // The opener's dashes can close it too (`<!-->`).
                    i = at + 2;
                } else if self.end_tag_at(at, "script") {
                    return at;
                }
            } else if double {
                if self.end_tag_at(at, "script") {
                    double = false;
                }
            } else if self.end_tag_at(at, "script") {
                return at;
            } else if self.tag_name_at(at + 1, "script") {
                double = true;
            }
        }
        self.bytes.len()
    }

    fn end_tag(&mut self, lt: usize, rules: &impl Rules, escape_mode: bool) -> usize {
        match self.bytes.get(lt + 2).copied() {
            Some(b) if b.is_ascii_alphabetic() => {}
            // `</>` is dropped by the tokenizer; in escape mode it is
            // shown as typed.
            Some(b'>') => {
                if escape_mode {
                    self.escape_range(lt..lt + 3);
                }
                return lt + 3;
            }
            // `</` at the end, or before anything else: a bogus comment
            // up to the next `>`.
            _ => return self.declaration(lt, escape_mode),
        }
        let tag = scan_tag(self.bytes, lt + 2);
        let name = self.name(&tag);
        let Some(end) = tag.end else {
            self.escape_range(lt..self.bytes.len());
            self.record(lt..self.bytes.len(), &name, Reason::Unterminated);
            return self.bytes.len();
        };
        if tag.attributes > rules.max_attributes() {
            self.escape_range(lt..end);
            self.record(lt..end, &name, Reason::TooManyAttributes);
            return end;
        }
        // A special tag's end tag that was not consumed with a valid
        // start tag is a stray: text.
        if matches!(
            self.decide(rules, &name),
            Decision::Escape | Decision::Special(_)
        ) {
            self.escape_range(lt..end);
        }
        end
    }

    /// `<!--` … `-->`: the tokenizer also ends a comment at `--!>`, and at
    /// once for `<!-->` and `<!--->`. A comment still open at the end of
    /// the input would swallow the rest of it, so that one becomes text.
    fn comment(&mut self, lt: usize) -> usize {
        let body = lt + 4;
        let len = self.ends.comment_len(self.bytes, body);
        match len {
            Some(len) => body + len,
            None => {
                self.escape_range(lt..lt + 1);
                self.record(lt..self.bytes.len(), "!--", Reason::Unterminated);
                lt + 1
            }
        }
    }

    /// `<!…>`, `<?…>` and `</…>` not followed by a letter: a bogus comment
    /// up to the next `>`. In escape mode it is shown as typed; otherwise
    /// the parser makes a comment of it (removed and reported). One that
    /// reaches the end of the input becomes text either way.
    fn declaration(&mut self, lt: usize, escape_mode: bool) -> usize {
        match self.ends.next_gt(self.bytes, lt) {
            Some(gt) if !escape_mode => gt + 1,
            Some(_) => {
                self.escape_range(lt..lt + 1);
                lt + 1
            }
            None => {
                self.escape_range(lt..lt + 1);
                self.record(lt..self.bytes.len(), "!", Reason::Unterminated);
                lt + 1
            }
        }
    }
}

#[cfg(test)]
mod tests;
