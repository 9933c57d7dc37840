//! The arena DOM: every node lives in one `Vec` and links to its relatives
//! by index, so no walk, move or drop ever recurses. [`Sink`] is the
//! html5ever `TreeSink` that builds it, counting nodes and depth as it goes
//! so the parser driver can stop an adversarial input early.

use std::num::NonZeroU32;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, Namespace, ns};

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
    pub(crate) fn of(ns: &Namespace) -> Ns {
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

    /// Records where element `id`'s start tag was in the input.
    pub(crate) fn set_span(&mut self, id: NodeId, span: (u32, u32)) {
        self.spans.insert(id, span);
    }

    /// Marks `annotation-xml` element `id` as an HTML integration point.
    pub(crate) fn mark_mathml_point(&mut self, id: NodeId) {
        self.mathml_points.insert(id);
    }

    /// Records `contents` as the contents fragment of template `id`.
    pub(crate) fn set_template_contents(&mut self, id: NodeId, contents: NodeId) {
        self.templates.insert(id, contents);
    }

    pub(crate) fn template_contents(&self, id: NodeId) -> Option<NodeId> {
        self.templates.get(&id).copied()
    }

    pub(crate) fn is_mathml_point(&self, id: NodeId) -> bool {
        self.mathml_points.contains(&id)
    }

    /// Appends text to `parent`, joined to a text node already last there
    /// (as the tree builder expects of a sink).
    pub(crate) fn append_text(&mut self, parent: NodeId, text: StrTendril) {
        if let Some(last) = self.node(parent).last_child
            && let NodeData::Text(t) = &mut self.node_mut(last).data
        {
            t.push_tendril(&text);
            return;
        }
        let id = self.push(NodeData::Text(own(text)));
        self.append(parent, id);
    }

    /// Inserts text before `sibling`, joined to a text node already there.
    pub(crate) fn insert_text_before(&mut self, sibling: NodeId, text: StrTendril) {
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
