//! The allowlist pass: one iterative walk over the parsed tree that keeps,
//! unwraps, drops or escapes each element, filters attributes and URLs, and
//! moves or unwraps whatever a browser would parse differently from the
//! tree we are about to write (so the output re-parses to itself).

use html5ever::tendril::StrTendril;
use html5ever::{LocalName, local_name};

use crate::dom::{Dom, Name, NodeData, NodeId};
use crate::limits::Limit;
use crate::policy::{Policy, TagAction};
use crate::report::{ChangeKind, Report, Rule};
use crate::rules::{child_bits, comment_is_safe, kept_attributes, misnested, uncontained};
use crate::tags;

/// Parser state that the kept ancestors of a node imply, as bits: whether
/// a `p` is open in button scope, an `a` is open since the last marker, and
/// so on. A kept element that the parser would close or move given this
/// state is unwrapped instead.
#[derive(Clone, Copy, Default)]
struct Ctx {
    bits: u16,
    depth: u32,
    table: Option<NodeId>,
}

fn child_ctx(parent: Ctx, name: &LocalName, id: NodeId) -> Ctx {
    Ctx {
        bits: child_bits(parent.bits, name),
        depth: parent.depth.saturating_add(1),
        table: if *name == local_name!("table") {
            Some(id)
        } else {
            parent.table
        },
    }
}

struct Sanitizer<'a> {
    dom: &'a mut Dom,
    policy: &'a Policy,
    report: &'a mut Report,
    ctx: Vec<Ctx>,
    stack: Vec<NodeId>,
    /// Nodes from here on were created by the sanitizer (wrappers, text).
    first_new: usize,
}

/// Sanitizes the children of `root` in place.
pub(crate) fn sanitize(
    dom: &mut Dom,
    root: NodeId,
    policy: &Policy,
    report: &mut Report,
) -> Result<(), Limit> {
    let first_new = dom.len();
    let mut s = Sanitizer {
        ctx: vec![Ctx::default(); dom.len()],
        stack: Vec::new(),
        first_new,
        dom,
        policy,
        report,
    };
    s.push_children(root);
    while let Some(id) = s.stack.pop() {
        let Some(parent) = s.dom.parent(id) else {
            continue;
        };
        match &s.dom.node(id).data {
            NodeData::Text(text) => {
                if s.in_table_context(parent) && !text.bytes().all(|b| b.is_ascii_whitespace()) {
                    s.report.push(ChangeKind::Text, "", Rule::Fostered);
                    s.foster(id, parent);
                }
            }
            NodeData::Comment(text) => {
                if !s.policy.comments {
                    s.report.push(ChangeKind::Comment, "", Rule::Comment);
                    s.dom.detach(id);
                } else if !comment_is_safe(text) {
                    s.report.push(ChangeKind::Comment, "", Rule::UnsafeComment);
                    s.dom.detach(id);
                }
            }
            NodeData::Root => s.dom.detach(id),
            NodeData::Element(_) => s.element(id, parent)?,
        }
    }
    Ok(())
}

impl Sanitizer<'_> {
    fn ctx(&self, id: NodeId) -> Ctx {
        self.ctx.get(id.index()).copied().unwrap_or_default()
    }

    fn set_ctx(&mut self, id: NodeId, ctx: Ctx) {
        if self.ctx.len() <= id.index() {
            self.ctx.resize(id.index() + 1, Ctx::default());
        }
        self.ctx[id.index()] = ctx;
    }

    fn push_children(&mut self, id: NodeId) {
        let start = self.stack.len();
        let mut next = self.dom.first_child(id);
        while let Some(c) = next {
            self.stack.push(c);
            next = self.dom.next_sibling(c);
        }
        self.stack[start..].reverse();
    }

    fn local_name(&self, id: NodeId) -> Option<LocalName> {
        self.dom.element(id).map(|e| e.name.local.clone())
    }

    fn in_table_context(&self, parent: NodeId) -> bool {
        self.dom
            .element(parent)
            .is_some_and(|e| tags::is_table_context(&e.name.local))
    }

    /// Moves `id` to just before the table its parent belongs to, where the
    /// parser's foster-parenting would put it on the next parse.
    fn foster(&mut self, id: NodeId, parent: NodeId) -> NodeId {
        let table = self.ctx(parent).table.or_else(|| {
            let mut cur = Some(parent);
            while let Some(c) = cur {
                if self
                    .dom
                    .element(c)
                    .is_some_and(|e| e.name.local == local_name!("table"))
                {
                    return Some(c);
                }
                cur = self.dom.parent(c);
            }
            None
        });
        match table {
            Some(t) => {
                self.dom.insert_before(t, id);
                self.dom.parent(t).unwrap_or(parent)
            }
            None => parent,
        }
    }

    /// Handles one element; what it reports gets the span of the
    /// element's start tag, where known.
    fn element(&mut self, id: NodeId, parent: NodeId) -> Result<(), Limit> {
        let from = self.report.len();
        let result = self.element_changes(id, parent);
        if self.report.len() > from
            && let Some(span) = self.dom.span(id)
        {
            self.report.set_spans_from(from, span);
        }
        result
    }

    fn element_changes(&mut self, id: NodeId, mut parent: NodeId) -> Result<(), Limit> {
        let Some(elem) = self.dom.element(id) else {
            return Ok(());
        };
        let name = elem.name.clone();
        let local = name.local.clone();
        let foreign = !name.is_html();
        let mut action = if local == local_name!("template") {
            // Template contents live outside the tree; never emitted.
            TagAction::Drop
        } else {
            self.policy.action_for_element(&name.local, name.is_html())
        };
        let mut rule = match action {
            TagAction::Drop => Rule::Dropped,
            TagAction::Escape => Rule::Escaped,
            _ if foreign => Rule::Foreign,
            _ => Rule::Unwrapped,
        };

        if action == TagAction::Keep {
            let parent_name = self.local_name(parent).unwrap_or(local_name!(""));
            if tags::is_table_context(&parent_name)
                && !tags::valid_in_table_context(&parent_name, &local)
            {
                if let Some(wrapper) = tags::implied_wrapper(&parent_name, &local)
                    && self.policy.is_kept(&wrapper)
                {
                    self.wrap(id, wrapper);
                    return Ok(());
                }
                self.report
                    .push(ChangeKind::Element, &local, Rule::Fostered);
                parent = self.foster(id, parent);
            }
            let parent_name = self.local_name(parent).unwrap_or(local_name!(""));
            let parent_ctx = self.ctx(parent);
            let wrong_parent =
                tags::required_parents(&local).is_some_and(|req| !req.contains(&parent_name));
            if wrong_parent
                || misnested(parent_ctx.bits, &parent_name, &local)
                || uncontained(parent_ctx.bits, &local)
            {
                action = TagAction::Unwrap;
                rule = Rule::Misnested;
            } else {
                let ctx = child_ctx(parent_ctx, &local, id);
                if ctx.depth as usize > self.policy.limits.max_depth {
                    return Err(Limit::Depth);
                }
                self.set_ctx(id, ctx);
                self.keep(id, &local);
                return Ok(());
            }
        }

        self.report.push(ChangeKind::Element, &local, rule);
        match action {
            TagAction::Drop => self.dom.detach(id),
            TagAction::Escape => self.escape(id),
            TagAction::Keep | TagAction::Unwrap => {
                let children = self.dom.children(id);
                // Inside table structure the cells and rows keep words apart
                // already, and text there would be foster-parented.
                let separate = tags::breaks_line(&local) && !self.in_table_context(parent);
                if separate && self.needs_separator(self.dom.prev_sibling(id), false) {
                    self.insert_separator(id);
                }
                self.dom.hoist_children(id);
                if separate
                    && self.needs_separator(self.dom.next_sibling(id), true)
                    && self.needs_separator(self.dom.prev_sibling(id), false)
                {
                    self.insert_separator(id);
                }
                self.dom.detach(id);
                self.stack.extend(children.into_iter().rev());
            }
        }
        Ok(())
    }

    /// Whether the neighbour of an unwrapped block would run into its text:
    /// it exists and is not text already separated by whitespace.
    fn needs_separator(&self, neighbour: Option<NodeId>, after: bool) -> bool {
        let Some(n) = neighbour else { return false };
        match &self.dom.node(n).data {
            NodeData::Text(t) => {
                let edge = if after {
                    t.bytes().next()
                } else {
                    t.bytes().last()
                };
                !edge.is_some_and(|b| b.is_ascii_whitespace())
            }
            _ => true,
        }
    }

    /// A newline before `id`, so that unwrapping `<div>a</div><div>b</div>`
    /// gives "a\nb" (which reads as two words), not "ab".
    fn insert_separator(&mut self, id: NodeId) {
        let sep = self.dom.push(NodeData::Text(StrTendril::from_slice("\n")));
        self.dom.insert_before(id, sep);
    }

    /// Puts `id` inside a new `wrapper` element (or the one just made for
    /// its previous sibling), as the parser would (`<table><tr>` gains a
    /// `tbody`).
    fn wrap(&mut self, id: NodeId, wrapper: LocalName) {
        if let Some(prev) = self.dom.prev_sibling(id)
            && prev.index() >= self.first_new
            && self
                .dom
                .element(prev)
                .is_some_and(|e| e.name.local == wrapper)
        {
            self.dom.append(prev, id);
            self.stack.push(id);
            return;
        }
        let w = self.dom.push(NodeData::Element(crate::dom::Element {
            name: Name::html(wrapper),
            attrs: Box::default(),
        }));
        self.dom.insert_before(id, w);
        self.dom.append(w, id);
        self.stack.push(w);
    }

    fn keep(&mut self, id: NodeId, local: &LocalName) {
        let attrs = match self.dom.element_mut(id) {
            Some(e) => std::mem::take(&mut e.attrs),
            None => return,
        };
        let kept = kept_attributes(self.policy, local, attrs.into_vec(), self.report);
        if let Some(e) = self.dom.element_mut(id) {
            // Shrunk to its length: the tokenizer's list had room for four
            // or more, and the tree keeps this one until the output is
            // written.
            e.attrs = kept.into_boxed_slice();
        }
        self.push_children(id);
    }

    /// Replaces the element with its tags as text around its content.
    fn escape(&mut self, id: NodeId) {
        let Some(e) = self.dom.element(id) else {
            return;
        };
        let mut open = format!("<{}", e.name.local);
        for a in &e.attrs {
            // Quote the way the author most likely did, so the text reads
            // as valid markup.
            let quote = if a.value.contains('"') && !a.value.contains('\'') {
                '\''
            } else {
                '"'
            };
            open.push(' ');
            open.push_str(&a.name.local);
            open.push('=');
            open.push(quote);
            open.push_str(&a.value);
            open.push(quote);
        }
        open.push('>');
        let close = (!tags::is_void(&e.name.local)).then(|| format!("</{}>", e.name.local));
        let children = self.dom.children(id);
        let open_id = self.dom.push(NodeData::Text(StrTendril::from(open)));
        self.dom.insert_before(id, open_id);
        self.dom.hoist_children(id);
        let mut pending = Vec::with_capacity(children.len() + 2);
        if let Some(close) = close {
            let close_id = self.dom.push(NodeData::Text(StrTendril::from(close)));
            self.dom.insert_before(id, close_id);
            pending.push(close_id);
        }
        self.dom.detach(id);
        pending.extend(children.into_iter().rev());
        pending.push(open_id);
        self.stack.extend(pending);
    }
}
