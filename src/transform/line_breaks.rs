//! `<br>` for single line breaks in text (blank lines are paragraphs).

use html5ever::local_name;
use html5ever::tendril::StrTendril;

use crate::dom::{Dom, NodeData, NodeId};
use crate::tags;
use crate::transform::walk::text_nodes;

/// Whether `id` ends a line by itself, so a line break beside it is
/// layout, not content: none (the edge of the parent), a block, a `br`.
fn is_line_edge(dom: &Dom, id: Option<NodeId>) -> bool {
    match id.and_then(|id| dom.element(id)) {
        None => id.is_none(),
        Some(e) => tags::closes_p(&e.name.local) || e.name.local == local_name!("br"),
    }
}

pub(crate) fn line_breaks(dom: &mut Dom, root: NodeId, max_depth: usize) {
    for text in text_nodes(dom, root) {
        // A `br` sits one level below the text's parent.
        if text.parent_depth + 1 > max_depth {
            continue;
        }
        let id = text.id;
        let value = match &dom.node(id).data {
            NodeData::Text(t) if t.contains('\n') && !t.trim_ascii().is_empty() => t.to_string(),
            _ => continue,
        };
        let lead_edge = is_line_edge(dom, dom.prev_sibling(id));
        let trail_edge = is_line_edge(dom, dom.next_sibling(id));
        let first_content = value.len() - value.trim_ascii_start().len();
        let last_content = value.trim_ascii_end().len();
        // Cut points: each newline between the first and last non-space
        // characters, and those before or after them unless a block, a
        // `br` or the parent's edge already ends the line there.
        let cuts: Vec<usize> = value
            .match_indices('\n')
            .map(|(i, _)| i)
            .filter(|&i| (i >= first_content || !lead_edge) && (i < last_content || !trail_edge))
            .collect();
        if cuts.is_empty() {
            continue;
        }
        let mut pieces = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for &cut in &cuts {
            pieces.push(&value[from..cut]);
            from = cut + 1;
        }
        pieces.push(&value[from..]);
        let mut anchor = id;
        for (k, piece) in pieces.iter().enumerate() {
            if k == 0 {
                if let NodeData::Text(t) = &mut dom.node_mut(id).data {
                    *t = StrTendril::from(*piece);
                }
                continue;
            }
            let br = dom.new_element(local_name!("br"), Vec::new());
            dom.insert_after(anchor, br);
            anchor = br;
            if !piece.is_empty() {
                let t = dom.push(NodeData::Text(StrTendril::from(*piece)));
                dom.insert_after(anchor, t);
                anchor = t;
            }
        }
        if pieces.first().is_some_and(|p| p.is_empty()) {
            dom.detach(id);
        }
    }
}
