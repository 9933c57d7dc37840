//! The serializer: HTML syntax, every element closed, text and attribute
//! values escaped, written by walking sibling links (no recursion, no
//! stack).

use crate::dom::{Dom, NodeData, NodeId};
use crate::tags;

/// Writes the children of `root`.
pub(crate) fn serialize(dom: &Dom, root: NodeId, out: &mut String) {
    let mut next = dom.first_child(root);
    while let Some(id) = next {
        open(dom, id, out);
        let descend = dom
            .element(id)
            .is_some_and(|e| !tags::is_void(&e.name.local));
        if descend && let Some(child) = dom.first_child(id) {
            next = Some(child);
            continue;
        }
        // Close this node and every ancestor we finish, then move on.
        let mut cur = id;
        next = loop {
            close(dom, cur, out);
            if let Some(sibling) = dom.next_sibling(cur) {
                break Some(sibling);
            }
            match dom.parent(cur) {
                Some(p) if p != root => cur = p,
                _ => break None,
            }
        };
    }
}

fn open(dom: &Dom, id: NodeId, out: &mut String) {
    match &dom.node(id).data {
        NodeData::Text(t) => escape_text(t, out),
        NodeData::Comment(c) => {
            out.push_str("<!--");
            out.push_str(c);
            out.push_str("-->");
        }
        NodeData::Root => {}
        NodeData::Element(e) => {
            out.push('<');
            out.push_str(&e.name.local);
            for a in &e.attrs {
                out.push(' ');
                out.push_str(&a.name.local);
                out.push_str("=\"");
                escape_attr(&a.value, out);
                out.push('"');
            }
            out.push('>');
            // The parser drops a newline right after `<pre>`; write one
            // more so a leading newline in the content survives.
            if tags::eats_leading_newline(&e.name.local)
                && let Some(first) = dom.first_child(id)
                && let NodeData::Text(t) = &dom.node(first).data
                && t.starts_with('\n')
            {
                out.push('\n');
            }
        }
    }
}

fn close(dom: &Dom, id: NodeId, out: &mut String) {
    if let Some(e) = dom.element(id)
        && !tags::is_void(&e.name.local)
    {
        out.push_str("</");
        out.push_str(&e.name.local);
        out.push('>');
    }
}

/// Escapes text content. Besides `& < >`: U+00A0 as `&nbsp;` (visible in
/// the source), CR as LF (the sink already makes text CRs LF; attribute
/// values keep theirs until here), NUL as
/// U+FFFD (the parser drops or replaces it), U+FEFF as `&#xFEFF;` (a
/// leading one would be taken for a byte order mark and dropped).
pub(crate) fn escape_text(text: &str, out: &mut String) {
    escape(text, out, false);
}

pub(crate) fn escape_attr(text: &str, out: &mut String) {
    escape(text, out, true);
}

fn escape(text: &str, out: &mut String, attr: bool) {
    out.reserve(text.len());
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' if attr => "&quot;",
            '\u{a0}' => "&nbsp;",
            // A browser writes a CR back raw when it serializes the DOM
            // (`innerHTML`), and reads a raw CR as LF: written as `&#13;`
            // it would change on that round trip. LF renders the same.
            '\r' => "\n",
            '\0' => "\u{fffd}",
            '\u{feff}' if !attr => "&#xFEFF;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(rep);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
}
