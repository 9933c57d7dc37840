//! The allowlist pass: one iterative walk over the parsed tree that keeps,
//! unwraps, drops or escapes each element, filters attributes and URLs, and
//! moves or unwraps whatever a browser would parse differently from the
//! tree we are about to write (so the output re-parses to itself).

use std::borrow::Cow;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

use crate::dom::{Dom, Name, NodeData, NodeId};
use crate::limits::Limit;
use crate::links;
use crate::policy::{Policy, TagAction};
use crate::report::{ChangeKind, Report, Rule};
use crate::tags;
use crate::url::{self, UrlKind};
use crate::{css, ids};

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

const P_IN_BUTTON_SCOPE: u16 = 1 << 0;
pub(crate) const A_OPEN: u16 = 1 << 1;
const LI_OPEN: u16 = 1 << 2;
const DD_DT_OPEN: u16 = 1 << 3;
const RUBY_IN_SCOPE: u16 = 1 << 4;
const NOBR_IN_SCOPE: u16 = 1 << 5;
const BUTTON_IN_SCOPE: u16 = 1 << 6;
const FORM_OPEN: u16 = 1 << 7;
/// A kept `ul`, `ol` or `menu` is an ancestor (never cleared).
const IN_LIST: u16 = 1 << 8;
/// A kept `dl` is an ancestor (never cleared).
const IN_DL: u16 = 1 << 9;

/// The parser state bits inside an element `name` whose parent's bits are
/// `bits` (shared with the fast path, which tracks them on its own stack).
pub(crate) fn child_bits(mut bits: u16, name: &LocalName) -> u16 {
    // Each bit is tested before the name: clearing a clear bit changes
    // nothing, and the name tests are what costs.
    let scoped = P_IN_BUTTON_SCOPE | RUBY_IN_SCOPE | NOBR_IN_SCOPE | BUTTON_IN_SCOPE;
    if bits & scoped != 0 && tags::is_scope_boundary(name) {
        bits &= !scoped;
    }
    if *name == local_name!("button") {
        bits &= !P_IN_BUTTON_SCOPE;
    }
    if bits & A_OPEN != 0 && tags::is_formatting_marker(name) {
        bits &= !A_OPEN;
    }
    if bits & (LI_OPEN | DD_DT_OPEN) != 0
        && tags::is_special(name)
        && !matches!(
            *name,
            local_name!("address") | local_name!("div") | local_name!("p")
        )
    {
        bits &= !(LI_OPEN | DD_DT_OPEN);
    }
    bits |= match *name {
        local_name!("p") => P_IN_BUTTON_SCOPE,
        local_name!("a") => A_OPEN,
        local_name!("li") => LI_OPEN,
        local_name!("dd") | local_name!("dt") => DD_DT_OPEN,
        local_name!("ruby") => RUBY_IN_SCOPE,
        local_name!("nobr") => NOBR_IN_SCOPE,
        local_name!("button") => BUTTON_IN_SCOPE,
        local_name!("form") => FORM_OPEN,
        local_name!("ul") | local_name!("ol") | local_name!("menu") => IN_LIST,
        local_name!("dl") => IN_DL,
        _ => 0,
    };
    bits
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

/// Whether the parser, meeting this start tag with `parent` as the current
/// node, would first close something (so the element would not end up
/// where it is now).
pub(crate) fn misnested(bits: u16, parent_name: &LocalName, name: &LocalName) -> bool {
    let has = |flag: u16| bits & flag != 0;
    // The common case first: nothing open that a start tag can close but
    // a heading.
    if bits == 0 {
        return tags::is_heading(name) && tags::is_heading(parent_name);
    }
    // The bits first: they are cheaper to test than the names.
    (has(P_IN_BUTTON_SCOPE) && tags::closes_p(name))
        || (has(A_OPEN) && *name == local_name!("a"))
        || (has(LI_OPEN) && *name == local_name!("li"))
        || (has(DD_DT_OPEN) && matches!(*name, local_name!("dd") | local_name!("dt")))
        || (tags::is_heading(name) && tags::is_heading(parent_name))
        || (has(RUBY_IN_SCOPE)
            && matches!(*name, local_name!("rb") | local_name!("rtc"))
            && tags::has_implied_end(parent_name))
        || (has(RUBY_IN_SCOPE)
            && matches!(*name, local_name!("rt") | local_name!("rp"))
            && tags::has_implied_end(parent_name)
            && *parent_name != local_name!("rtc"))
        || (has(NOBR_IN_SCOPE) && *name == local_name!("nobr"))
        || (has(BUTTON_IN_SCOPE) && *name == local_name!("button"))
        || (has(FORM_OPEN) && *name == local_name!("form"))
}

/// Whether a kept `li`, `dd` or `dt` would reach out of the output on a
/// page. At an `<li>` start tag the tree builder walks up the open
/// elements past `div`, `p`, `address` and anything not special, and
/// closes the first `li` it meets: in a page that lists comments as
/// `<li><div>{post}</div></li>`, a post's bare `<li>` closes the page's
/// item and becomes one of its own, a spoofed comment. `dd` and `dt` do
/// the same in a page's `<dl>`. Inside a list the output opens itself the
/// walk stops at that list (every `ul`, `ol`, `menu` and `dl` is
/// special), so an item is kept only there.
pub(crate) fn uncontained(bits: u16, name: &LocalName) -> bool {
    match *name {
        local_name!("li") => bits & IN_LIST == 0,
        local_name!("dd") | local_name!("dt") => bits & IN_DL == 0,
        _ => false,
    }
}

fn is_ascii_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'))
}

/// A comment that re-parses to the same comment, cannot be read as a
/// downlevel-revealed conditional comment, and holds no `<`. A page may
/// show a post inside a raw-text or escapable raw-text element
/// (`noscript` with scripting on, `textarea`, `title`, `xmp`): there a
/// comment is not a comment, and `<!--</noscript><img onerror=…>-->`
/// would end the page's element and run the script after it. Without a
/// `<`, no end tag (nor `<!`) can hide in a kept comment.
pub(crate) fn comment_is_safe(text: &str) -> bool {
    !(text.contains("--")
        || text.contains('<')
        || text.starts_with('>')
        || text.starts_with('-')
        || text.ends_with('-')
        || text.starts_with('['))
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
                if s.in_table_context(parent) && !is_ascii_whitespace(text) {
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

/// The attributes a kept element `local` keeps, in order, with the
/// policy's `rel` and `target` added to links; reports each one removed or
/// changed. Shared by the sanitizer and the fast path (`fastpath`), so the
/// two cannot disagree about an attribute.
pub(crate) fn kept_attributes(
    policy: &Policy,
    local: &LocalName,
    attrs: Vec<Attribute>,
    report: &mut Report,
) -> Vec<Attribute> {
    let is_link = matches!(*local, local_name!("a") | local_name!("area"));
    let mut author_rel: Option<StrTendril> = None;
    let mut author_target: Option<Attribute> = None;
    // In place: the tree keeps the parser's list rather than a copy (the
    // copies were a twentieth of the peak memory).
    let mut kept = attrs;
    kept.retain_mut(|attr| {
        let attr_name = &attr.name.local;
        if attr.name.ns != ns!() || !policy.attr_allowed(local, attr_name) {
            report.push_attr(
                ChangeKind::Attribute,
                attr_name,
                Rule::AttributeNotAllowed,
                local,
                None,
            );
            return false;
        }
        // Against DOM clobbering (see `ids`). Before the URL check, so
        // a fragment link rewritten against the base keeps its prefix.
        if let Some(prefix) = &policy.id_prefix
            && let Some(v) = ids::prefixed(prefix, local, attr_name, &attr.value)
        {
            attr.value = StrTendril::from(v);
        }
        if is_link && *attr_name == local_name!("rel") && policy.forces_rel() {
            author_rel = Some(std::mem::take(&mut attr.value));
            return false;
        }
        // A link that leaves the site in a new tab gets our `target`,
        // not the author's.
        if is_link && *attr_name == local_name!("target") && policy.links.new_tab {
            author_target = Some(Attribute {
                name: attr.name.clone(),
                value: std::mem::take(&mut attr.value),
            });
            return false;
        }
        // Inline CSS: allowed only with a list of properties (a build
        // check), and then only listed, inert declarations survive.
        if *attr_name == local_name!("style") {
            return match style(policy, report, local, &attr.value) {
                Some(value) => {
                    attr.value = value;
                    true
                }
                None => false,
            };
        }
        let Some(kind) = url::url_kind(attr_name) else {
            return true;
        };
        let checked = url::check(policy, kind, &attr.value);
        for r in checked.refused {
            report.push_attr(ChangeKind::Url, attr_name, r.rule, local, Some(r.url));
        }
        match checked.value {
            Some(Cow::Borrowed(_)) => true,
            Some(Cow::Owned(v)) => {
                if kind == UrlKind::Single {
                    report.push_attr(
                        ChangeKind::Url,
                        attr_name,
                        Rule::UrlRewritten,
                        local,
                        Some(attr.value.to_string()),
                    );
                }
                attr.value = StrTendril::from(v);
                true
            }
            None => false,
        }
    });
    let has_href = kept.iter().any(|a| a.name.local == local_name!("href"));
    if !has_href && let Some(value) = author_rel.take() {
        // Not a link after all: the forced tokens do not apply, and the
        // author's (allowed) rel stays as written.
        kept.push(Attribute {
            name: QualName::new(None, ns!(), local_name!("rel")),
            value,
        });
    }
    if is_link && has_href {
        links::finish_link(policy, &mut kept, author_rel, author_target);
    } else if let Some(target) = author_target {
        kept.push(target);
    }
    kept
}

/// The canonical `style` value to keep on `local`, if any declaration
/// survives; reports each one dropped.
fn style(
    policy: &Policy,
    report: &mut Report,
    local: &LocalName,
    value: &str,
) -> Option<StrTendril> {
    let filtered = css::filter(&policy.style_properties, value);
    for d in filtered.dropped {
        // A value refused with no property is the whole attribute,
        // refused for a backslash escape; the rest name a declaration.
        let (kind, name) = if d.property.is_empty() && d.rule == Rule::StyleValue {
            (ChangeKind::Attribute, "style")
        } else {
            (ChangeKind::Declaration, d.property.as_str())
        };
        report.push_attr(kind, name, d.rule, local, None);
    }
    filtered.value.map(StrTendril::from)
}
