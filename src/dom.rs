//! The arena DOM: every node lives in one `Vec` and links to its relatives
//! by index, so no walk, move or drop ever recurses. [`Sink`] is the
//! html5ever `TreeSink` that builds it, counting nodes and depth as it goes
//! so the parser driver can stop an adversarial input early.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::num::NonZeroU32;
use std::rc::Rc;

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, Namespace, QualName, ns};

use crate::limits::{Limit, Limits};

/// Index of a node in its [`Dom`]; stored as index + 1 so `Option<NodeId>`
/// stays four bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub(crate) struct NodeId(NonZeroU32);

impl NodeId {
    fn new(index: usize) -> NodeId {
        // The node limit keeps the arena far below u32::MAX; saturating
        // keeps this total even if a caller configures absurd limits.
        let raw = u32::try_from(index + 1).unwrap_or(u32::MAX);
        NodeId(NonZeroU32::MIN.saturating_add(raw - 1))
    }

    pub(crate) fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// What a `template`'s contents or a MathML `annotation-xml` integration
/// point would add is kept beside the tree (`Dom::templates`,
/// `Dom::mathml_points`): both are rare, and every node pays for what an
/// element holds.
pub(crate) struct Element {
    pub(crate) name: Name,
    /// A boxed slice: the list never grows once the element is made.
    pub(crate) attrs: Box<[Attribute]>,
}

/// An element's name. html5ever's `QualName` also has a prefix, which the
/// tree builder never gives an element (only foreign attributes have one),
/// and an interned namespace, where a byte tells the three it uses: both
/// make every node smaller.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Name {
    pub(crate) ns: Ns,
    pub(crate) local: LocalName,
}

impl Name {
    pub(crate) fn html(local: LocalName) -> Name {
        Name {
            ns: Ns::Html,
            local,
        }
    }

    /// Whether the element is in the HTML namespace.
    pub(crate) fn is_html(&self) -> bool {
        self.ns == Ns::Html
    }
}

/// The namespace of an element.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ns {
    Html,
    Svg,
    MathMl,
    /// Any other: the tree builder makes none, and it counts as foreign.
    Other,
}

impl Ns {
    fn of(ns: &Namespace) -> Ns {
        match *ns {
            ns!(html) => Ns::Html,
            ns!(svg) => Ns::Svg,
            ns!(mathml) => Ns::MathMl,
            _ => Ns::Other,
        }
    }
}

pub(crate) enum NodeData {
    /// The document, or a template's contents fragment.
    Root,
    Element(Element),
    Text(StrTendril),
    Comment(StrTendril),
}

pub(crate) struct Node {
    pub(crate) parent: Option<NodeId>,
    pub(crate) prev: Option<NodeId>,
    pub(crate) next: Option<NodeId>,
    pub(crate) first_child: Option<NodeId>,
    pub(crate) last_child: Option<NodeId>,
    /// Depth when the node was attached (the root is 0). Only the parse
    /// limits use it; it is not updated when a subtree moves.
    pub(crate) depth: u32,
    pub(crate) data: NodeData,
}

pub(crate) struct Dom {
    nodes: Vec<Node>,
    /// Where each element's start tag was in the input, for the report,
    /// when the policy asks for spans (see `parse::Tokens`).
    spans: std::collections::HashMap<NodeId, (u32, u32)>,
    /// Each `template` element's contents fragment (a `Root` node).
    templates: std::collections::HashMap<NodeId, NodeId>,
    /// The `annotation-xml` elements that are HTML integration points.
    mathml_points: std::collections::HashSet<NodeId>,
}

// One per node in the arena, which is a third of the full pipeline's peak
// memory on the diary corpus.
const _: () = assert!(std::mem::size_of::<Node>() <= 56);

/// `text` in a buffer of its own. The tokenizer's text is a slice of the
/// chunk it was read from, and a text node holding that slice would keep
/// the whole chunk, tags and all, alive as long as the tree: most of the
/// input's size again at the peak.
fn own(text: StrTendril) -> StrTendril {
    if text.is_shared() {
        StrTendril::from_slice(&text)
    } else {
        text
    }
}

impl Dom {
    pub(crate) fn new() -> Dom {
        Dom::with_capacity(1)
    }

    /// A document with room for `nodes` nodes before it grows.
    pub(crate) fn with_capacity(nodes: usize) -> Dom {
        let mut dom = Dom {
            nodes: Vec::with_capacity(nodes),
            spans: std::collections::HashMap::new(),
            templates: std::collections::HashMap::new(),
            mathml_points: std::collections::HashSet::new(),
        };
        dom.push(NodeData::Root);
        dom
    }

    pub(crate) fn document(&self) -> NodeId {
        NodeId::new(0)
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn push(&mut self, data: NodeData) -> NodeId {
        let id = NodeId::new(self.nodes.len());
        self.nodes.push(Node {
            parent: None,
            prev: None,
            next: None,
            first_child: None,
            last_child: None,
            depth: 0,
            data,
        });
        id
    }

    /// The byte range of the start tag that made element `id`, if known.
    pub(crate) fn span(&self, id: NodeId) -> Option<std::ops::Range<usize>> {
        self.spans
            .get(&id)
            .map(|&(start, end)| start as usize..end as usize)
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id.index()]
    }

    pub(crate) fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.node(id).data {
            NodeData::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn element_mut(&mut self, id: NodeId) -> Option<&mut Element> {
        match &mut self.node_mut(id).data {
            NodeData::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).parent
    }

    pub(crate) fn first_child(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).first_child
    }

    pub(crate) fn next_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).next
    }

    pub(crate) fn prev_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).prev
    }

    /// Unlinks `id` from its parent and siblings; its own subtree stays.
    pub(crate) fn detach(&mut self, id: NodeId) {
        let (parent, prev, next) = {
            let n = self.node_mut(id);
            (n.parent.take(), n.prev.take(), n.next.take())
        };
        match prev {
            Some(p) => self.node_mut(p).next = next,
            None => {
                if let Some(parent) = parent {
                    self.node_mut(parent).first_child = next;
                }
            }
        }
        match next {
            Some(n) => self.node_mut(n).prev = prev,
            None => {
                if let Some(parent) = parent {
                    self.node_mut(parent).last_child = prev;
                }
            }
        }
    }

    pub(crate) fn append(&mut self, parent: NodeId, child: NodeId) {
        self.detach(child);
        let last = self.node(parent).last_child;
        let depth = self.node(parent).depth.saturating_add(1);
        {
            let c = self.node_mut(child);
            c.parent = Some(parent);
            c.prev = last;
            c.depth = depth;
        }
        match last {
            Some(l) => self.node_mut(l).next = Some(child),
            None => self.node_mut(parent).first_child = Some(child),
        }
        self.node_mut(parent).last_child = Some(child);
    }

    pub(crate) fn insert_before(&mut self, sibling: NodeId, child: NodeId) {
        self.detach(child);
        let Some(parent) = self.node(sibling).parent else {
            return;
        };
        let prev = self.node(sibling).prev;
        let depth = self.node(sibling).depth;
        {
            let c = self.node_mut(child);
            c.parent = Some(parent);
            c.prev = prev;
            c.next = Some(sibling);
            c.depth = depth;
        }
        self.node_mut(sibling).prev = Some(child);
        match prev {
            Some(p) => self.node_mut(p).next = Some(child),
            None => self.node_mut(parent).first_child = Some(child),
        }
    }

    /// A new HTML element, not yet in the tree.
    pub(crate) fn new_element(&mut self, local: LocalName, attrs: Vec<Attribute>) -> NodeId {
        self.push(NodeData::Element(Element {
            name: Name::html(local),
            attrs: attrs.into_boxed_slice(),
        }))
    }

    /// Puts `node` just after `sibling`.
    pub(crate) fn insert_after(&mut self, sibling: NodeId, node: NodeId) {
        match (self.next_sibling(sibling), self.parent(sibling)) {
            (Some(next), _) => self.insert_before(next, node),
            (None, Some(parent)) => self.append(parent, node),
            (None, None) => {}
        }
    }

    /// Joins every run of adjacent text nodes under `root` into one.
    pub(crate) fn merge_adjacent_text(&mut self, root: NodeId) {
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            let mut child = self.first_child(id);
            while let Some(c) = child {
                let next = self.next_sibling(c);
                if let Some(n) = next
                    && let NodeData::Text(more) = &self.node(n).data
                    && matches!(self.node(c).data, NodeData::Text(_))
                {
                    let more = more.clone();
                    if let NodeData::Text(t) = &mut self.node_mut(c).data {
                        t.push_tendril(&more);
                    }
                    self.detach(n);
                    continue;
                }
                if self.element(c).is_some() {
                    stack.push(c);
                }
                child = next;
            }
        }
    }

    /// Moves every child of `node`, in order, to just before `node`.
    pub(crate) fn hoist_children(&mut self, node: NodeId) {
        while let Some(child) = self.node(node).first_child {
            self.insert_before(node, child);
        }
    }

    /// Ids of the children of `id`, in order.
    pub(crate) fn children(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut next = self.node(id).first_child;
        while let Some(c) = next {
            out.push(c);
            next = self.node(c).next;
        }
        out
    }

    /// The fragment's root: the `html` element that `parse_fragment` puts
    /// under the document.
    pub(crate) fn fragment_root(&self) -> NodeId {
        let doc = self.document();
        let mut next = self.first_child(doc);
        while let Some(c) = next {
            if self.element(c).is_some() {
                return c;
            }
            next = self.next_sibling(c);
        }
        doc
    }

    fn append_text(&mut self, parent: NodeId, text: StrTendril) {
        if let Some(last) = self.node(parent).last_child
            && let NodeData::Text(t) = &mut self.node_mut(last).data
        {
            t.push_tendril(&text);
            return;
        }
        let id = self.push(NodeData::Text(own(text)));
        self.append(parent, id);
    }

    fn insert_text_before(&mut self, sibling: NodeId, text: StrTendril) {
        if let Some(prev) = self.node(sibling).prev
            && let NodeData::Text(t) = &mut self.node_mut(prev).data
        {
            t.push_tendril(&text);
            return;
        }
        let id = self.push(NodeData::Text(own(text)));
        self.insert_before(sibling, id);
    }
}

/// Text with each CR as LF. The tokenizer turns raw CRs into LF; one that
/// is left came from `&#13;`. A browser would write it back raw when it
/// serializes the DOM and read that as LF, and the transforms and the
/// serializer's `pre` rule look for LF: so it is LF from the start.
fn without_cr(text: StrTendril) -> StrTendril {
    if text.contains('\r') {
        StrTendril::from(text.replace('\r', "\n"))
    } else {
        text
    }
}

/// What html5ever holds for a node: its index, and its name (shared with
/// every clone of the handle). The tree builder asks for the name of every
/// open element on each scope check, so a deep stack means many look-ups
/// per tag; answering from the handle itself costs nothing, where looking
/// the node up in the arena meant a `RefCell` borrow and two atom clones
/// each time (about twice ammonia's cost per level of depth). The name
/// never changes after the element is made, so the copy cannot go stale.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    id: NodeId,
    /// Empty for nodes that are not elements; html5ever only asks about
    /// elements, and an empty name matches no rule.
    name: Rc<QualName>,
}

/// Builds a [`Dom`] for html5ever and watches the parse limits.
pub(crate) struct Sink {
    dom: RefCell<Dom>,
    max_nodes: usize,
    max_depth: u32,
    exceeded: Cell<Option<Limit>>,
    /// Nodes the parser makes for itself (document, context element,
    /// fragment root); they do not count toward the node limit.
    base: Cell<usize>,
    /// The name of handles that are not elements.
    no_name: Rc<QualName>,
    /// While the tree builder handles a start tag whose span is known.
    start_tag: RefCell<Option<OpenStartTag>>,
    /// The depth of the node the parser last inserted a node into: about
    /// as many open elements as the tree builder looks through for the
    /// next token (see [`Limits::max_nesting_per_byte`]). It starts at the
    /// fragment root's.
    insertion_depth: Cell<u32>,
}

/// A start tag the tree builder is handling: its name, its span in the
/// input, and the last element of that name made for it so far.
type OpenStartTag = (LocalName, (u32, u32), Option<NodeId>);

impl Sink {
    /// A sink whose document has room for `nodes` nodes.
    pub(crate) fn new(limits: &Limits, nodes: usize) -> Sink {
        Sink {
            dom: RefCell::new(Dom::with_capacity(nodes)),
            max_nodes: limits.max_nodes,
            max_depth: u32::try_from(limits.max_depth).unwrap_or(u32::MAX),
            exceeded: Cell::new(None),
            base: Cell::new(0),
            no_name: Rc::new(QualName::new(None, ns!(), html5ever::local_name!(""))),
            start_tag: RefCell::new(None),
            insertion_depth: Cell::new(1),
        }
    }

    /// What the next token costs toward the nesting budget.
    pub(crate) fn insertion_depth(&self) -> usize {
        self.insertion_depth.get() as usize
    }

    /// Stops the parse at the next chunk boundary, for `limit`.
    pub(crate) fn exceed(&self, limit: Limit) {
        self.exceeded.set(Some(limit));
    }

    /// The tree builder is about to handle a start tag named `name` that
    /// was at `span` in the input.
    pub(crate) fn begin_start_tag(&self, name: LocalName, span: (u32, u32)) {
        *self.start_tag.borrow_mut() = Some((name, span, None));
    }

    /// The tree builder has handled that start tag: the element it made for
    /// it, if any, is the last one of its name (reconstructed formatting
    /// elements, made first, are copies of earlier tags).
    pub(crate) fn end_start_tag(&self) {
        if let Some((_, span, Some(id))) = self.start_tag.borrow_mut().take() {
            self.dom.borrow_mut().spans.insert(id, span);
        }
    }

    /// Starts counting nodes toward the limit from here on.
    pub(crate) fn start_counting(&self) {
        self.base.set(self.dom.borrow().len());
        self.exceeded.set(None);
    }

    fn over_node_limit(&self, dom: &Dom) -> bool {
        dom.len().saturating_sub(self.base.get()) > self.max_nodes
    }

    /// Makes a node and counts it, as `count_text` counts a new text
    /// node: a limit of `n` allows `n` nodes, whichever kind comes last.
    /// (Counting before the push let an element be the `n + 1`th, so a
    /// tree whose parse made an element last fitted and the same tree
    /// written out, whose parse made a text node last, did not.)
    fn new_node(&self, data: NodeData) -> NodeId {
        let mut dom = self.dom.borrow_mut();
        let id = dom.push(data);
        if self.over_node_limit(&dom) {
            self.exceeded.set(Some(Limit::Nodes));
        }
        id
    }

    /// A handle for a node that is not an element.
    fn handle(&self, id: NodeId) -> Handle {
        Handle {
            id,
            name: Rc::clone(&self.no_name),
        }
    }

    fn check_depth(&self, dom: &Dom, id: NodeId) {
        if dom.node(id).depth > self.max_depth.saturating_add(1) {
            // The fragment root `html` sits at depth 1, so user elements
            // start at 2; compare against max_depth + 1.
            self.exceeded.set(Some(Limit::Depth));
        }
    }

    fn count_text(&self, dom: &Dom) {
        if self.over_node_limit(dom) {
            self.exceeded.set(Some(Limit::Nodes));
        }
    }
}

/// What the driver gets back once html5ever is done.
pub(crate) struct Parsed {
    pub(crate) dom: Dom,
    pub(crate) exceeded: Option<Limit>,
}

impl Sink {
    pub(crate) fn exceeded(&self) -> Option<Limit> {
        self.exceeded.get()
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Parsed;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Parsed {
        Parsed {
            exceeded: self.exceeded.get(),
            dom: self.dom.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        let document = self.dom.borrow().document();
        self.handle(document)
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        &target.name
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let template_contents = flags.template.then(|| self.new_node(NodeData::Root));
        let shared = Rc::new(name.clone());
        let id = self.new_node(NodeData::Element(Element {
            name: Name {
                ns: Ns::of(&name.ns),
                local: name.local,
            },
            attrs: attrs.into_boxed_slice(),
        }));
        if let Some(contents) = template_contents {
            self.dom.borrow_mut().templates.insert(id, contents);
        }
        if flags.mathml_annotation_xml_integration_point {
            self.dom.borrow_mut().mathml_points.insert(id);
        }
        if let Some((token, _, made)) = &mut *self.start_tag.borrow_mut() {
            // SVG names come case-adjusted (`clipPath`); `<image>` makes an
            // `img`.
            let local: &str = &shared.local;
            if local.eq_ignore_ascii_case(token) || (&**token == "image" && local == "img") {
                *made = Some(id);
            }
        }
        Handle { id, name: shared }
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        let id = self.new_node(NodeData::Comment(text));
        self.handle(id)
    }

    fn create_pi(&self, _target: StrTendril, data: StrTendril) -> Handle {
        // HTML parsing never makes processing instructions; keep the data
        // as a comment so the sanitizer reports and removes it.
        let id = self.new_node(NodeData::Comment(data));
        self.handle(id)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        let mut dom = self.dom.borrow_mut();
        self.insertion_depth.set(dom.node(parent.id).depth);
        match child {
            NodeOrText::AppendNode(node) => {
                dom.append(parent.id, node.id);
                self.check_depth(&dom, node.id);
            }
            NodeOrText::AppendText(text) => {
                dom.append_text(parent.id, without_cr(text));
                self.count_text(&dom);
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let has_parent = self.dom.borrow().parent(element.id).is_some();
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        let contents = self.dom.borrow().templates.get(&target.id).copied();
        match contents {
            Some(id) => self.handle(id),
            None => target.clone(),
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, child: NodeOrText<Handle>) {
        let mut dom = self.dom.borrow_mut();
        self.insertion_depth
            .set(dom.node(sibling.id).depth.saturating_sub(1));
        match child {
            NodeOrText::AppendNode(node) => {
                dom.insert_before(sibling.id, node.id);
                self.check_depth(&dom, node.id);
            }
            NodeOrText::AppendText(text) => {
                dom.insert_text_before(sibling.id, without_cr(text));
                self.count_text(&dom);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut dom = self.dom.borrow_mut();
        if let Some(e) = dom.element_mut(target.id) {
            let mut all = std::mem::take(&mut e.attrs).into_vec();
            for attr in attrs {
                if !all.iter().any(|a| a.name == attr.name) {
                    all.push(attr);
                }
            }
            e.attrs = all.into_boxed_slice();
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.dom.borrow_mut().detach(target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut dom = self.dom.borrow_mut();
        while let Some(child) = dom.first_child(node.id) {
            dom.append(new_parent.id, child);
            self.check_depth(&dom, child);
        }
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.dom.borrow().mathml_points.contains(&handle.id)
    }
}

/// One step of a walk in document order ([`Dom::edges`]): a node is
/// opened, its children are walked, then it is closed (text, comments and
/// void elements too, right after their opening).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Edge {
    Open(NodeId),
    Close(NodeId),
}

/// The iterator behind [`Dom::edges`]: it follows the sibling and parent
/// links, so it needs neither recursion nor a stack.
pub(crate) struct Edges<'a> {
    dom: &'a Dom,
    root: NodeId,
    next: Option<Edge>,
}

impl Iterator for Edges<'_> {
    type Item = Edge;

    fn next(&mut self) -> Option<Edge> {
        let edge = self.next?;
        self.next = match edge {
            Edge::Open(id) => Some(match self.dom.first_child(id) {
                Some(child) => Edge::Open(child),
                None => Edge::Close(id),
            }),
            Edge::Close(id) => match (self.dom.next_sibling(id), self.dom.parent(id)) {
                (Some(sibling), _) => Some(Edge::Open(sibling)),
                (None, Some(parent)) if parent != self.root => Some(Edge::Close(parent)),
                _ => None,
            },
        };
        Some(edge)
    }
}

/// Helpers for the output forms derived from the cleaned tree (excerpts,
/// plain text).
impl Dom {
    /// A document holding `text` as its only child, as the text-only policy
    /// and the past-a-limit fallback show their input: newlines normalized
    /// the way the parser would (CRLF and CR become LF) and NUL as U+FFFD
    /// (as the serializer writes it). Returns the dom and its root.
    pub(crate) fn text_fragment(text: &str) -> (Dom, NodeId) {
        let mut normalized = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    chars.next_if_eq(&'\n');
                    normalized.push('\n');
                }
                '\0' => normalized.push('\u{fffd}'),
                c => normalized.push(c),
            }
        }
        let mut dom = Dom::new();
        let root = dom.document();
        let id = dom.push(NodeData::Text(StrTendril::from(normalized)));
        dom.append(root, id);
        (dom, root)
    }

    /// Every node below `root` in document order, as open and close edges.
    pub(crate) fn edges(&self, root: NodeId) -> Edges<'_> {
        Edges {
            dom: self,
            root,
            next: self.first_child(root).map(Edge::Open),
        }
    }

    /// The text of a text node.
    pub(crate) fn text(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).data {
            NodeData::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Replaces the text of a text node (other nodes are left alone).
    pub(crate) fn set_text(&mut self, id: NodeId, text: &str) {
        if let NodeData::Text(t) = &mut self.node_mut(id).data {
            *t = StrTendril::from_slice(text);
        }
    }

    /// Detaches everything that follows `id` in document order below
    /// `root`: the following siblings of `id` and of each of its ancestors
    /// up to `root`. `id` and its ancestors stay.
    pub(crate) fn detach_following(&mut self, id: NodeId, root: NodeId) {
        let mut cur = id;
        loop {
            while let Some(next) = self.next_sibling(cur) {
                self.detach(next);
            }
            match self.parent(cur) {
                Some(parent) if parent != root => cur = parent,
                _ => break,
            }
        }
    }

    /// Detaches every child of `id`.
    pub(crate) fn detach_children(&mut self, id: NodeId) {
        while let Some(child) = self.first_child(id) {
            self.detach(child);
        }
    }
}
