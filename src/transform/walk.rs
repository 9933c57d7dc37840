//! The text nodes the inline transforms (line breaks, links) may work on,
//! with the depth of their parent.

use html5ever::local_name;

use crate::dom::{Dom, NodeData, NodeId};

/// A text node and the element depth of its parent (the root is 0).
pub(crate) struct TextAt {
    pub(crate) id: NodeId,
    pub(crate) parent_depth: usize,
}

/// Every text node under `root` outside `pre`, `listing`, `textarea`,
/// `code`, `a`, `button` and foreign content: where a line break or a link
/// would change preformatted text, nest a link in a link, or not survive a
/// re-parse.
pub(crate) fn text_nodes(dom: &Dom, root: NodeId) -> Vec<TextAt> {
    let mut out = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let mut child = dom.first_child(id);
        while let Some(c) = child {
            match &dom.node(c).data {
                NodeData::Text(_) => out.push(TextAt {
                    id: c,
                    parent_depth: depth,
                }),
                NodeData::Element(e) => {
                    let skip = !e.name.is_html()
                        || matches!(
                            e.name.local,
                            local_name!("pre")
                                | local_name!("listing")
                                | local_name!("textarea")
                                | local_name!("code")
                                | local_name!("a")
                                | local_name!("button")
                        );
                    if !skip {
                        stack.push((c, depth + 1));
                    }
                }
                _ => {}
            }
            child = dom.next_sibling(c);
        }
    }
    out
}
