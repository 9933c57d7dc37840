//! Paragraphs from blank lines, on the clean tree.
//!
//! A container whose own text holds a blank line has each run of inline
//! content between blank lines and blocks wrapped in a `p`. Only inline
//! content that cannot hold a block is wrapped: a `p` around a block would
//! be closed by the parser on re-parse, so the output would not be stable.

use html5ever::tendril::StrTendril;
use html5ever::{LocalName, local_name};

use crate::dom::{Dom, Name, NodeData, NodeId};
use crate::report::{ChangeKind, Report, Rule};
use crate::tags;

/// Elements whose inline content is paragraphed.
fn is_container(name: &Name) -> bool {
    name.is_html() && is_container_name(&name.local)
}

/// [`is_container`], by an HTML element's local name (the fast path's
/// model of the transform asks too).
pub(crate) fn is_container_name(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("div")
            | local_name!("blockquote")
            | local_name!("li")
            | local_name!("dd")
            | local_name!("td")
            | local_name!("th")
            | local_name!("section")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("main")
            | local_name!("nav")
            | local_name!("figure")
            | local_name!("figcaption")
            | local_name!("details")
            | local_name!("center")
    )
}

/// Where blank lines are content, not paragraph breaks.
fn is_preformatted(name: &Name) -> bool {
    matches!(
        name.local,
        local_name!("pre") | local_name!("listing") | local_name!("textarea")
    )
}

fn is_p(dom: &Dom, id: NodeId) -> bool {
    dom.element(id)
        .is_some_and(|e| e.name.is_html() && e.name.local == local_name!("p"))
}

/// Whether a whitespace run holds a blank line (two line breaks). The
/// parser has already turned CR and CRLF into LF; in raw input, where the
/// fast path asks, CR is whitespace like any other.
///
/// It looks only between line breaks, so that a long post costs little
/// more than a search for them.
pub(crate) fn has_blank_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut breaks = memchr::memchr_iter(b'\n', bytes);
    let Some(mut last) = breaks.next() else {
        return false;
    };
    breaks.any(|k| {
        let blank = bytes[last + 1..k].iter().all(u8::is_ascii_whitespace);
        last = k;
        blank
    })
}

/// The pieces of `text` between blank-line whitespace runs.
pub(crate) fn split_blank_lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while i < bytes.len() {
            if bytes[i].is_ascii_whitespace() {
                let run = i;
                let mut newlines = 0;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    newlines += usize::from(bytes[i] == b'\n');
                    i += 1;
                }
                if newlines >= 2 {
                    let piece = &text[start..run];
                    start = i;
                    return Some(piece);
                }
            } else {
                i += 1;
            }
        }
        done = true;
        Some(&text[start..])
    })
}

fn text_of(dom: &Dom, id: NodeId) -> Option<&str> {
    match &dom.node(id).data {
        NodeData::Text(t) => Some(t),
        _ => None,
    }
}

fn set_text(dom: &mut Dom, id: NodeId, text: &str) {
    if let NodeData::Text(t) = &mut dom.node_mut(id).data {
        *t = StrTendril::from(text);
    }
}

/// Whether `id` must not go inside a `p`: a block, or an inline element
/// with a block somewhere inside (not counting inside a `button`, which
/// the parser's "p in button scope" does not see through).
fn is_block(dom: &Dom, id: NodeId) -> bool {
    let mut stack = vec![id];
    while let Some(n) = stack.pop() {
        let Some(e) = dom.element(n) else { continue };
        if e.name.is_html() {
            if tags::closes_p(&e.name.local) {
                return true;
            }
            if e.name.local == local_name!("button") {
                continue;
            }
        }
        let mut child = dom.first_child(n);
        while let Some(c) = child {
            stack.push(c);
            child = dom.next_sibling(c);
        }
    }
    false
}

/// Element depths in the clean tree (the fragment root is 0), so that a
/// new `p` never takes content past the depth limit: the output must
/// clean again to itself.
struct Depths {
    /// Depth of each node, by index.
    depth: Vec<u32>,
    /// Deepest element depth in each node's subtree, by index.
    deepest: Vec<u32>,
}

pub(super) fn paragraphs(dom: &mut Dom, root: NodeId, max_depth: usize, report: &mut Report) {
    let mut containers = vec![root];
    let mut ps = Vec::new();
    let mut depths = Depths {
        depth: vec![0; dom.len()],
        deepest: vec![0; dom.len()],
    };
    let mut order = Vec::new();
    let mut stack = vec![(root, 0u32)];
    while let Some((id, depth)) = stack.pop() {
        depths.depth[id.index()] = depth;
        depths.deepest[id.index()] = depth;
        order.push(id);
        if let Some(e) = dom.element(id) {
            if is_preformatted(&e.name) {
                continue;
            }
            if is_container(&e.name) {
                containers.push(id);
            } else if is_p(dom, id) {
                ps.push(id);
            }
        }
        let mut child = dom.first_child(id);
        while let Some(c) = child {
            let child_depth = if dom.element(c).is_some() {
                depth + 1
            } else {
                depth
            };
            stack.push((c, child_depth));
            child = dom.next_sibling(c);
        }
    }
    // Children come after their parent in `order`: walk it backwards.
    for &id in order.iter().rev() {
        if let Some(parent) = dom.parent(id)
            && parent.index() < depths.deepest.len()
        {
            let d = depths.deepest[id.index()];
            let p = &mut depths.deepest[parent.index()];
            *p = (*p).max(d);
        }
    }
    for p in ps {
        split_paragraph(dom, p, report);
    }
    // An empty `p` removed just now leaves its neighbours' text side by
    // side.
    dom.merge_adjacent_text(root);
    for container in containers {
        let blank = dom
            .children(container)
            .into_iter()
            .any(|c| text_of(dom, c).is_some_and(has_blank_line));
        if blank {
            wrap_runs(dom, container, &depths, max_depth);
        }
    }
}

/// Splits a `p` at the blank lines in its own text into several, and
/// removes one that holds nothing but whitespace.
fn split_paragraph(dom: &mut Dom, p: NodeId, report: &mut Report) {
    let children = dom.children(p);
    let empty = children
        .iter()
        .all(|&c| text_of(dom, c).is_some_and(|t| t.trim_ascii().is_empty()));
    if empty {
        dom.detach(p);
        report.push(ChangeKind::Element, "p", Rule::Empty);
        return;
    }
    if !children
        .iter()
        .any(|&c| text_of(dom, c).is_some_and(has_blank_line))
    {
        trim_run(dom, &children);
        return;
    }
    let runs = runs(dom, &children);
    let mut after = p;
    let mut first = true;
    for run in runs {
        let run = trim_run(dom, &run);
        if run.is_empty() {
            continue;
        }
        if first {
            first = false;
            continue;
        }
        let new_p = new_paragraph(dom, p);
        dom.insert_after(after, new_p);
        for node in run {
            dom.append(new_p, node);
        }
        after = new_p;
    }
}

/// Wraps each run of inline content of `container` in a new `p`.
fn wrap_runs(dom: &mut Dom, container: NodeId, depths: &Depths, max_depth: usize) {
    let children = dom.children(container);
    let blocks: Vec<bool> = children.iter().map(|&c| is_block(dom, c)).collect();
    // Nodes made by splitting or merging text are not in `depths`; a text
    // node sits at its container's depth.
    let deepest = |id: NodeId| {
        depths
            .deepest
            .get(id.index())
            .copied()
            .filter(|_| dom.element(id).is_some())
            .unwrap_or(depths.depth[container.index()])
    };
    let inline_deepest = children
        .iter()
        .zip(&blocks)
        .filter(|&(_, &block)| !block)
        .map(|(&c, _)| deepest(c))
        .max()
        .unwrap_or(0);
    if inline_deepest as usize >= max_depth {
        return;
    }
    let mut inline = Vec::new();
    let mut all_runs = Vec::new();
    for (child, block) in children.into_iter().zip(blocks) {
        if block {
            all_runs.extend(runs(dom, &inline));
            inline.clear();
        } else {
            inline.push(child);
        }
    }
    all_runs.extend(runs(dom, &inline));
    for run in all_runs {
        let run = trim_run(dom, &run);
        let Some(&first) = run.first() else { continue };
        let p = dom.new_element(local_name!("p"), Vec::new());
        dom.insert_before(first, p);
        for node in run {
            dom.append(p, node);
        }
    }
}

/// A new `p` like `model` (same attributes), not yet in the tree.
fn new_paragraph(dom: &mut Dom, model: NodeId) -> NodeId {
    let attrs = dom
        .element(model)
        .map(|e| e.attrs.to_vec())
        .unwrap_or_default();
    dom.new_element(local_name!("p"), attrs)
}

/// Splits a sequence of sibling inline nodes into runs at the blank lines
/// in their text: each text node holding blank lines is cut into one node
/// per piece (the blank-line whitespace itself is dropped).
fn runs(dom: &mut Dom, nodes: &[NodeId]) -> Vec<Vec<NodeId>> {
    let mut out = vec![Vec::new()];
    for &node in nodes {
        let pieces: Vec<String> = match text_of(dom, node) {
            Some(t) if has_blank_line(t) => split_blank_lines(t).map(str::to_owned).collect(),
            _ => {
                if let Some(run) = out.last_mut() {
                    run.push(node);
                }
                continue;
            }
        };
        let mut current = node;
        for (k, piece) in pieces.iter().enumerate() {
            if k == 0 {
                set_text(dom, node, piece);
            } else {
                let next = dom.push(NodeData::Text(StrTendril::from(piece.as_str())));
                dom.insert_after(current, next);
                current = next;
                out.push(Vec::new());
            }
            if let Some(run) = out.last_mut() {
                run.push(current);
            }
        }
    }
    out
}

/// Trims whitespace at the two ends of a run and drops text nodes left
/// empty. Returns the nodes still in the tree if anything but whitespace
/// is left (an element counts), else removes the whitespace and returns
/// nothing.
fn trim_run(dom: &mut Dom, run: &[NodeId]) -> Vec<NodeId> {
    if let Some(&first) = run.first()
        && let Some(t) = text_of(dom, first)
    {
        let trimmed = t.trim_ascii_start().to_owned();
        set_text(dom, first, &trimmed);
    }
    if let Some(&last) = run.last()
        && let Some(t) = text_of(dom, last)
    {
        let trimmed = t.trim_ascii_end().to_owned();
        set_text(dom, last, &trimmed);
    }
    let mut content = false;
    let mut left = Vec::with_capacity(run.len());
    for &node in run {
        match text_of(dom, node) {
            Some("") => {
                dom.detach(node);
                continue;
            }
            Some(t) if t.trim_ascii().is_empty() => {}
            Some(_) => content = true,
            None => content |= dom.element(node).is_some(),
        }
        left.push(node);
    }
    if !content {
        for &node in &left {
            if text_of(dom, node).is_some() {
                dom.detach(node);
            }
        }
        left.clear();
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_split_text() {
        let pieces: Vec<&str> = split_blank_lines("a\n\nb \n \t\n c\nd\n\n").collect();
        assert_eq!(pieces, ["a", "b", "c\nd", ""]);
        assert!(!has_blank_line("a\nb\n"));
        assert!(has_blank_line("a\n   \nb"));
        // The same answer as a split, the transform's own test.
        for text in [
            "",
            "\n",
            "\n\n",
            "a\n \x0c\t\nb",
            "a\nb\nc",
            "\r\n\r\n",
            " \n x \n ",
            "é\n\u{a0}\n",
        ] {
            assert_eq!(
                has_blank_line(text),
                split_blank_lines(text).nth(1).is_some(),
                "{text:?}"
            );
        }
    }
}
