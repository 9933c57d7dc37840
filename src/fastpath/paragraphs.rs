//! Paragraphs from blank lines (`transform/paragraphs.rs`), applied to the
//! fast path's output, for the cases posts are made of: each kept `p`
//! trimmed, or removed if it holds only whitespace, and the top level
//! where its text holds a blank line (`<p>…</p>\n\n<p>…</p>`, or text
//! between blank lines), whose runs of inline content become paragraphs.
//!
//! The output is the clean tree, serialized: text and attribute values
//! have every `<` and `>` escaped, so tags and comments are all that
//! starts with `<`, and each tag ends at the first `>`. That is all the
//! reading here needs. Anything else the transform would change (a blank
//! line in a `p` or in any element's text, a `p` in `pre`) is for the full
//! pipeline: `None`.

use std::ops::Range;

use html5ever::{LocalName, local_name};

use crate::tags;
use crate::transform::{has_blank_line, is_container_name, split_blank_lines};

/// One piece of an output, by its range in it.
enum Piece {
    Text,
    Comment,
    /// A start tag, with the element's name.
    Start(LocalName),
    End(LocalName),
}

/// The pieces of `html`, an output of the serializer, in order; `None`
/// for what the transform's model here does not cover (raw text and
/// foreign elements, whose content is not read that way).
fn pieces(html: &str) -> Option<Vec<(Piece, std::ops::Range<usize>)>> {
    let bytes = html.as_bytes();
    let mut all = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let Some(lt) = memchr::memchr(b'<', &bytes[pos..]) else {
            all.push((Piece::Text, pos..bytes.len()));
            break;
        };
        if lt > 0 {
            all.push((Piece::Text, pos..pos + lt));
        }
        let at = pos + lt;
        if bytes[at..].starts_with(b"<!--") {
            let len = memchr::memmem::find(&bytes[at + 4..], b"-->")?;
            pos = at + 4 + len + 3;
            all.push((Piece::Comment, at..pos));
            continue;
        }
        let end = at + memchr::memchr(b'>', &bytes[at..])? + 1;
        let (closing, from) = match bytes.get(at + 1) {
            Some(b'/') => (true, at + 2),
            _ => (false, at + 1),
        };
        let len = bytes[from..end]
            .iter()
            .take_while(|&&b| !matches!(b, b' ' | b'>' | b'/'))
            .count();
        let name = LocalName::from(html.get(from..from + len)?);
        if matches!(
            name,
            local_name!("svg")
                | local_name!("math")
                | local_name!("textarea")
                | local_name!("title")
                | local_name!("xmp")
                | local_name!("plaintext")
                | local_name!("script")
                | local_name!("style")
        ) {
            return None;
        }
        all.push((
            if closing {
                Piece::End(name)
            } else {
                Piece::Start(name)
            },
            at..end,
        ));
        pos = end;
    }
    Some(all)
}

/// Where blank lines are content, not paragraph breaks.
fn preformatted(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("pre") | local_name!("listing") | local_name!("textarea")
    )
}

/// `html` with the paragraph transform applied, or `None` where that is
/// not modelled here; `levels` is the most elements open at once in it,
/// plus one. Most outputs have no `p` and no blank line, and cost only
/// the look for them.
pub(super) fn apply(html: String, levels: usize, max_depth: usize) -> Option<String> {
    let html = if memchr::memmem::find(html.as_bytes(), b"<p").is_some() {
        trim_paragraphs(&html)?
    } else {
        html
    };
    // (A `p` removed may leave a blank line between the texts beside it.)
    if !has_blank_line(&html) {
        return Some(html);
    }
    containers(&html, levels, max_depth)
}

/// Each kept `p` with the whitespace at the start of its first text and
/// the end of its last dropped, and a `p` of only whitespace removed.
fn trim_paragraphs(html: &str) -> Option<String> {
    let pieces = pieces(html)?;
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    // Open elements, for the `pre` a `p` may be in (the transform leaves
    // that alone), and the start of the open `p`'s content.
    let mut open: Vec<LocalName> = Vec::new();
    let mut p: Option<(usize, usize)> = None;
    for (piece, range) in &pieces {
        match piece {
            Piece::Start(name) if *name == local_name!("p") => {
                let in_pre = open.iter().any(preformatted);
                if p.is_some() || in_pre {
                    return None;
                }
                p = Some((range.start, range.end));
                open.push(name.clone());
            }
            Piece::End(name) if *name == local_name!("p") => {
                let (tag_start, content_start) = p.take()?;
                open.pop();
                let content = &html[content_start..range.start];
                // Comments are neither text nor elements to the trim.
                if content.contains("<!--") || has_blank_line(content) {
                    return None;
                }
                out.push_str(&html[copied..tag_start]);
                copied = range.end;
                if content.trim_ascii().is_empty() {
                    continue;
                }
                // Whitespace at either end is text (every tag ends with
                // `>`), the first or last child.
                out.push_str(&html[tag_start..content_start]);
                out.push_str(content.trim_ascii());
                out.push_str(&html[range.clone()]);
            }
            Piece::Start(name) if !tags::is_void(name) => open.push(name.clone()),
            Piece::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    if p.is_some() {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// What a child of a container is to the transform.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Child {
    Text,
    Comment,
    /// An element that may go in a `p`.
    Inline,
    /// A block, or an element with one inside (the transform's
    /// `is_block`).
    Block,
}

/// An element open in the reading of an output (the top level first).
struct Open {
    /// Where its start tag begins.
    start: usize,
    /// Whether the transform paragraphs its inline content: a container
    /// not in a `pre`.
    container: bool,
    /// Whether its text is a `pre`'s (it is one, or in one).
    pre: bool,
    /// Whether a block is open or was inside it.
    has_block: bool,
    /// For a container, its children so far, and whether its text holds
    /// a blank line.
    children: Vec<(Child, Range<usize>)>,
    blank: bool,
}

/// A change to an output: `cut` bytes at `at` replaced by `put`.
struct Edit {
    at: usize,
    cut: usize,
    put: &'static str,
}

/// Each container whose text holds a blank line, as the transform leaves
/// it: each run of inline content between its blocks and blank lines,
/// trimmed, in a new `p`, and a run of only whitespace dropped. `levels`
/// bounds the output's depth (the transform wraps nothing in a container
/// whose inline content reaches the depth limit).
fn containers(html: &str, levels: usize, max_depth: usize) -> Option<String> {
    let mut open = vec![Open {
        start: 0,
        container: true,
        pre: false,
        has_block: false,
        children: Vec::new(),
        blank: false,
    }];
    let mut edits = Vec::new();
    for (piece, range) in pieces(html)? {
        let parent = open.last_mut()?;
        match piece {
            Piece::Text => {
                if parent.container {
                    parent.blank |= has_blank_line(&html[range.clone()]);
                    parent.children.push((Child::Text, range));
                }
            }
            Piece::Comment => parent.children.push((Child::Comment, range)),
            Piece::Start(name) => {
                // The transform does not look for blocks inside a
                // `button`, as the parser does not.
                if name == local_name!("button") {
                    return None;
                }
                let block = tags::closes_p(&name);
                if tags::is_void(&name) {
                    parent.has_block |= block;
                    let kind = if block { Child::Block } else { Child::Inline };
                    parent.children.push((kind, range));
                    continue;
                }
                let pre = parent.pre || preformatted(&name);
                open.push(Open {
                    container: !pre && is_container_name(&name),
                    pre,
                    has_block: block,
                    start: range.start,
                    children: Vec::new(),
                    blank: false,
                });
            }
            Piece::End(_) => {
                let element = open.pop()?;
                if element.blank {
                    wrap_runs(html, &element.children, &mut edits)?;
                }
                let parent = open.last_mut()?;
                let kind = if element.has_block {
                    Child::Block
                } else {
                    Child::Inline
                };
                parent.has_block |= element.has_block;
                parent.children.push((kind, element.start..range.end));
            }
        }
    }
    let top = open.pop()?;
    if !open.is_empty() {
        return None;
    }
    if top.blank {
        wrap_runs(html, &top.children, &mut edits)?;
    }
    if edits.is_empty() {
        return Some(html.to_owned());
    }
    // An inline child as deep as the limit would stop the wrapping.
    if levels > max_depth {
        return None;
    }
    // Each container's edits are among its own children, between those
    // of the containers inside them: sorted by place, none overlaps. At
    // one place, a `</p>` goes before the whitespace after it is cut.
    edits.sort_by_key(|e| (e.at, e.cut));
    let mut out = String::with_capacity(html.len() + 7 * edits.len());
    let mut copied = 0;
    for edit in edits {
        out.push_str(html.get(copied..edit.at)?);
        out.push_str(edit.put);
        copied = edit.at + edit.cut;
    }
    out.push_str(html.get(copied..)?);
    Some(out)
}

/// The edits that make paragraphs of one container's `children`.
fn wrap_runs(html: &str, children: &[(Child, Range<usize>)], edits: &mut Vec<Edit>) -> Option<()> {
    let mut run: Vec<(bool, Range<usize>)> = Vec::new();
    for (kind, range) in children {
        match kind {
            Child::Block => wrap_run(html, &mut run, edits),
            // Left in place beside a run of only whitespace; not
            // followed here.
            Child::Comment => return None,
            Child::Inline => run.push((false, range.clone())),
            Child::Text => {
                let text = &html[range.clone()];
                if !has_blank_line(text) {
                    run.push((true, range.clone()));
                    continue;
                }
                // The pieces between blank lines; the blank lines go.
                let mut end = range.start;
                for (k, piece) in split_blank_lines(text).enumerate() {
                    let start = range.start + (piece.as_ptr() as usize - text.as_ptr() as usize);
                    if k > 0 {
                        wrap_run(html, &mut run, edits);
                        edits.push(Edit {
                            at: end,
                            cut: start - end,
                            put: "",
                        });
                    }
                    end = start + piece.len();
                    run.push((true, start..end));
                }
            }
        }
    }
    wrap_run(html, &mut run, edits);
    Some(())
}

/// The edits for one run of inline nodes (`true`: text), which it
/// empties: its first and last text trimmed, and the run put in a new `p`
/// if anything but whitespace is left, else its text dropped.
fn wrap_run(html: &str, run: &mut Vec<(bool, Range<usize>)>, edits: &mut Vec<Edit>) {
    let trim = |range: &Range<usize>, start: bool| {
        let text = &html[range.clone()];
        let kept = if start {
            text.trim_ascii_start()
        } else {
            text.trim_ascii_end()
        };
        let cut = text.len() - kept.len();
        if start {
            range.start + cut..range.end
        } else {
            range.start..range.end - cut
        }
    };
    let mut nodes = std::mem::take(run);
    if let Some(first) = nodes.first_mut()
        && first.0
    {
        let kept = trim(&first.1, true);
        edits.push(Edit {
            at: first.1.start,
            cut: kept.start - first.1.start,
            put: "",
        });
        first.1 = kept;
    }
    if let Some(last) = nodes.last_mut()
        && last.0
    {
        let kept = trim(&last.1, false);
        edits.push(Edit {
            at: kept.end,
            cut: last.1.end - kept.end,
            put: "",
        });
        last.1 = kept;
    }
    let content = nodes
        .iter()
        .any(|(text, range)| !text || !html[range.clone()].trim_ascii().is_empty());
    if !content {
        for (_, range) in nodes.iter().filter(|(text, _)| *text) {
            edits.push(Edit {
                at: range.start,
                cut: range.len(),
                put: "",
            });
        }
        return;
    }
    let first = nodes.iter().find(|(_, range)| !range.is_empty());
    let last = nodes.iter().rev().find(|(_, range)| !range.is_empty());
    if let (Some(first), Some(last)) = (first, last) {
        edits.push(Edit {
            at: first.1.start,
            cut: 0,
            put: "<p>",
        });
        edits.push(Edit {
            at: last.1.end,
            cut: 0,
            put: "</p>",
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_removes_paragraphs() {
        let apply = |html: &str| apply(html.to_owned(), 3, 512);
        assert_eq!(
            apply("<p> a <b>b</b> </p><p> </p><p></p>x").as_deref(),
            Some("<p>a <b>b</b></p>x")
        );
        assert_eq!(
            apply("<p class=\"c\">\n<br> </p>").as_deref(),
            Some("<p class=\"c\"><br></p>")
        );
        // In `pre` a `p` is left alone; a blank line in one splits it; a
        // comment is neither text nor element to the trim.
        assert_eq!(apply("<pre><p> a</p></pre>"), None);
        assert_eq!(apply("<p>a\n\nb</p>"), None);
        assert_eq!(apply("<p> <!--c--> </p>"), None);
    }

    #[test]
    fn blocks_between_blank_lines() {
        let apply = |html: &str| apply(html.to_owned(), 3, 512);
        assert_eq!(
            apply("<p>a </p>\n\n<ul><li>b</li></ul>\n \n<div>c</div>\n").as_deref(),
            Some("<p>a</p><ul><li>b</li></ul><div>c</div>")
        );
        // No blank line at the top level: its whitespace stays.
        assert_eq!(
            apply("<p>a</p>\n<p>b</p>\n").as_deref(),
            Some("<p>a</p>\n<p>b</p>\n")
        );
    }

    #[test]
    fn runs_of_inline_content_become_paragraphs() {
        let apply = |html: &str| apply(html.to_owned(), 3, 512);
        assert_eq!(
            apply(" a <b>b</b>\n\n c\n<br>d\n\n<p>e</p>f").as_deref(),
            Some("<p>a <b>b</b></p><p>c\n<br>d</p><p>e</p><p>f</p>")
        );
        // An inline element with a block inside is a block.
        assert_eq!(
            apply("x\n\n<b><div>y</div></b>").as_deref(),
            Some("<p>x</p><b><div>y</div></b>")
        );
        // Each container by its own text; not a `ul`, which is none.
        assert_eq!(
            apply("<div>a\n\n<blockquote> b\n\nc</blockquote></div><ul>\n\n<li>d</li></ul>")
                .as_deref(),
            Some(
                "<div><p>a</p><blockquote><p>b</p><p>c</p></blockquote></div><ul>\n\n<li>d</li></ul>"
            )
        );
        // A comment beside a blank line stays unwrapped; at the depth
        // limit nothing is wrapped.
        assert_eq!(apply("<!--c-->\n\n<p>b</p>"), None);
        assert_eq!(super::apply("a\n\nb".to_owned(), 3, 2), None);
        // In `pre` blank lines are content.
        assert_eq!(
            apply("<pre>a\n\n<b>b\n\nc</b></pre>\n\nd").as_deref(),
            Some("<pre>a\n\n<b>b\n\nc</b></pre><p>d</p>")
        );
    }
}
