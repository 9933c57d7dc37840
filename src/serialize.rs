//! The serializer: HTML syntax, every element closed, text and attribute
//! values escaped, written by walking sibling links (no recursion, no
//! stack).

use crate::dom::{Dom, NodeData, NodeId};
use crate::tags;

/// Writes the children of `root`; returns the most elements open at once
/// (the nesting budget's check uses it, `nesting`).
pub(crate) fn serialize(dom: &Dom, root: NodeId, out: &mut String) -> usize {
    // The elements open at the current node, and the most at once.
    let mut depth = 0;
    let mut deepest = 0;
    let mut next = dom.first_child(root);
    // Set while nothing but line feeds has been written in a `pre`,
    // `listing` or `textarea` (see `open`): at its first child, and at
    // each later one while the text before it was only line feeds (the
    // sanitizer leaves text nodes side by side where it removed a node
    // between them).
    let mut first_in_pre = false;
    while let Some(id) = next {
        let at_start = std::mem::take(&mut first_in_pre);
        open(dom, id, out, at_start);
        if at_start
            && let NodeData::Text(t) = &dom.node(id).data
            && t.bytes().all(|b| b == b'\n' || b == b'\r')
        {
            first_in_pre = true;
        }
        let element = dom.element(id);
        let descend = element.is_some_and(|e| !tags::is_void(&e.name.local));
        if descend {
            deepest = deepest.max(depth + 1);
            if let Some(child) = dom.first_child(id) {
                depth += 1;
                first_in_pre = element.is_some_and(|e| tags::eats_leading_newline(&e.name.local));
                next = Some(child);
                continue;
            }
        }
        // Close this node and every ancestor we finish, then move on.
        let mut cur = id;
        next = loop {
            close(dom, cur, out);
            if let Some(sibling) = dom.next_sibling(cur) {
                break Some(sibling);
            }
            // Out of the element: what follows is not in it.
            first_in_pre = false;
            match dom.parent(cur) {
                Some(p) if p != root => {
                    cur = p;
                    depth -= 1;
                }
                _ => break None,
            }
        };
    }
    deepest
}

/// `first_in_pre`: nothing but line feeds comes before `id` in its `pre`,
/// `listing` or `textarea`. The parser drops a newline right after those start tags,
/// and a browser's own serializer (`innerHTML` in Chromium) does not write
/// one back, so content that starts with a newline loses one on every
/// round trip through the browser: an unstable output, the class mutation
/// XSS lives in. No written form survives that round trip, so line feeds
/// at the very start of such an element are not written at all.
fn open(dom: &Dom, id: NodeId, out: &mut String, first_in_pre: bool) {
    match &dom.node(id).data {
        NodeData::Text(t) if first_in_pre => escape_text(t.trim_start_matches(['\n', '\r']), out),
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

/// Bytes that may start a character `escape` rewrites: ASCII ones, and
/// the lead bytes of U+00A0 (`C2 A0`) and U+FEFF (`EF BB BF`).
const fn escape_stops() -> [bool; 256] {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[0] = true;
    t[0xC2] = true;
    t[0xEF] = true;
    t
}

static ESCAPE_STOPS: [bool; 256] = escape_stops();

/// Byte by byte rather than char by char: every character it rewrites
/// starts with a byte in `ESCAPE_STOPS`, and no such byte occurs inside
/// another character, so the slices it copies are whole characters.
fn escape(text: &str, out: &mut String, attr: bool) {
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(k) = find_stop::<true>(&bytes[i..], &ESCAPE_STOPS) {
        i += k;
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attr => ("&quot;", 1),
            // A browser writes a CR back raw when it serializes the DOM
            // (`innerHTML`), and reads a raw CR as LF: written as `&#13;`
            // it would change on that round trip. LF renders the same.
            b'\r' => ("\n", 1),
            0 => ("\u{fffd}", 1),
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            0xEF if !attr && bytes.get(i + 1..i + 3) == Some(&[0xBB, 0xBF]) => ("&#xFEFF;", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[start..i]);
        out.push_str(rep);
        i += len;
        start = i;
    }
    out.push_str(&text[start..]);
}

/// The first byte of `bytes` that `stops` marks, for a table that marks
/// only controls, `&`, `<`, `>`, DEL, non-ASCII bytes and, if `QUOTE`,
/// `"`. Eight bytes at a time: a word with none of those is skipped
/// whole, any other is looked at byte by byte. (Each test is the exact
/// "has a byte less than / equal to" word trick: it may not say which
/// byte, but never misses one.)
pub(crate) fn find_stop<const QUOTE: bool>(bytes: &[u8], stops: &[bool; 256]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let byte = |b: u8| u64::from_ne_bytes([b; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_ne_bytes(word);
        let mut maybe = (w.wrapping_sub(byte(0x20)) & !w)
            | has_zero(w ^ byte(b'<'))
            | has_zero(w ^ byte(b'&'))
            | has_zero(w ^ byte(b'>'))
            | has_zero(w ^ byte(0x7F))
            | w;
        if QUOTE {
            maybe |= has_zero(w ^ byte(b'"'));
        }
        if maybe & HIGH != 0
            && let Some(k) = chunk.iter().position(|&b| stops[usize::from(b)])
        {
            return Some(at + k);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    rest.iter()
        .position(|&b| stops[usize::from(b)])
        .map(|k| at + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The char-by-char definition the byte scan must match.
    fn reference(text: &str, attr: bool) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' if attr => out.push_str("&quot;"),
                '\u{a0}' => out.push_str("&nbsp;"),
                '\r' => out.push('\n'),
                '\0' => out.push('\u{fffd}'),
                '\u{feff}' if !attr => out.push_str("&#xFEFF;"),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn byte_scan_matches_the_char_definition() {
        let cases = [
            "",
            "plain",
            "a & b < c > d \" e",
            "\u{a0}\u{a0}x\u{a0}",
            "\u{feff}bom\u{feff}",
            "\r\n\0",
            "\u{c2}\u{ef}\u{efbb}\u{fefe}\u{ffff}\u{2028}é€😀",
            "\u{80}\u{9f}\u{a1}",
        ];
        // Every rewritten character, and some that are not, at every
        // offset in and across the eight-byte words the scan reads.
        let mut long: Vec<String> = Vec::new();
        for c in [
            "&", "<", ">", "\"", "\r", "\0", "\u{a0}", "\u{feff}", "\t", "\n", "\u{7f}", "é",
            "\u{c2}",
        ] {
            for offset in 0..17 {
                long.push(format!("{}{c}{}", "a".repeat(offset), "b".repeat(9)));
            }
        }
        for text in cases.iter().copied().chain(long.iter().map(String::as_str)) {
            for attr in [false, true] {
                let mut out = String::new();
                escape(text, &mut out, attr);
                assert_eq!(out, reference(text, attr), "{text:?} attr={attr}");
            }
        }
    }
}
