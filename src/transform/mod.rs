//! The diary features, applied to the tree, never to raw text: special
//! tags expanded into links (before the sanitizer, so the links it makes
//! go through the same URL and `rel` checks as the author's) and
//! paragraphs from blank lines (after it, on the clean tree).

mod line_breaks;
mod linkify;
mod paragraphs;
mod special_tags;
mod walk;

pub(crate) use paragraphs::{has_blank_line, is_container_name, split_blank_lines};
pub(crate) use special_tags::{expand, special_kind, valid_body};

use html5ever::local_name;

use crate::dom::{Dom, NodeId};
use crate::policy::Policy;
use crate::report::Report;

/// The transforms that work on the clean tree, in order: paragraphs
/// first (they consume blank lines), then line breaks for the single
/// newlines left, then links. Each makes only elements the policy keeps.
pub(crate) fn after_sanitize(dom: &mut Dom, root: NodeId, policy: &Policy, report: &mut Report) {
    let t = &policy.transforms;
    let max_depth = policy.limits.max_depth;
    // Unwrapped elements, escaped tags and removed empty paragraphs leave
    // text beside text; a re-parse of the output joins them, so the
    // transforms must see them joined too, or a second clean would find
    // blank lines, line breaks and URLs the first did not.
    if t.paragraphs && policy.is_kept(&local_name!("p")) {
        dom.merge_adjacent_text(root);
        paragraphs::paragraphs(dom, root, max_depth, report);
    }
    if t.line_breaks || t.linkify {
        dom.merge_adjacent_text(root);
    }
    if t.line_breaks && policy.is_kept(&local_name!("br")) {
        line_breaks::line_breaks(dom, root, max_depth);
    }
    if t.linkify
        && policy.is_kept(&local_name!("a"))
        && policy.attr_allowed(&local_name!("a"), &local_name!("href"))
    {
        linkify::linkify(dom, root, policy);
    }
}
