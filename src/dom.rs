//! The arena DOM: every node lives in one `Vec` and links to its relatives
//! by index, so no walk, move or drop ever recurses. [`Sink`] is the
//! html5ever `TreeSink` that builds it, counting nodes and depth as it goes
//! so the parser driver can stop an adversarial input early.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::num::NonZeroU32;

use html5ever::interface::ElemName;
use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, Namespace, QualName};

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

pub(crate) struct Element {
    pub(crate) name: QualName,
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) template_contents: Option<NodeId>,
    pub(crate) mathml_integration_point: bool,
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
}

impl Dom {
    pub(crate) fn new() -> Dom {
        let mut dom = Dom { nodes: Vec::new() };
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
        let id = self.push(NodeData::Text(text));
        self.append(parent, id);
    }

    fn insert_text_before(&mut self, sibling: NodeId, text: StrTendril) {
        if let Some(prev) = self.node(sibling).prev
            && let NodeData::Text(t) = &mut self.node_mut(prev).data
        {
            t.push_tendril(&text);
            return;
        }
        let id = self.push(NodeData::Text(text));
        self.insert_before(sibling, id);
    }
}

/// An element's name, owned so that no borrow of the arena outlives the
/// call (the tree builder holds names while it calls back into the sink).
#[derive(Debug)]
pub(crate) struct OwnedName {
    ns: Namespace,
    local: LocalName,
}

impl ElemName for OwnedName {
    fn ns(&self) -> &Namespace {
        &self.ns
    }
    fn local_name(&self) -> &LocalName {
        &self.local
    }
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
}

impl Sink {
    pub(crate) fn new(limits: &Limits) -> Sink {
        Sink {
            dom: RefCell::new(Dom::new()),
            max_nodes: limits.max_nodes,
            max_depth: u32::try_from(limits.max_depth).unwrap_or(u32::MAX),
            exceeded: Cell::new(None),
            base: Cell::new(0),
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

    fn new_node(&self, data: NodeData) -> NodeId {
        let mut dom = self.dom.borrow_mut();
        if self.over_node_limit(&dom) {
            self.exceeded.set(Some(Limit::Nodes));
        }
        dom.push(data)
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
    type Handle = NodeId;
    type Output = Parsed;
    type ElemName<'a> = OwnedName;

    fn finish(self) -> Parsed {
        Parsed {
            exceeded: self.exceeded.get(),
            dom: self.dom.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        self.dom.borrow().document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> OwnedName {
        match self.dom.borrow().element(*target) {
            Some(e) => OwnedName {
                ns: e.name.ns.clone(),
                local: e.name.local.clone(),
            },
            // html5ever only asks about elements; answer with a name that
            // matches no rule rather than panic.
            None => OwnedName {
                ns: Namespace::from(""),
                local: LocalName::from(""),
            },
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let template_contents = flags.template.then(|| self.new_node(NodeData::Root));
        self.new_node(NodeData::Element(Element {
            name,
            attrs,
            template_contents,
            mathml_integration_point: flags.mathml_annotation_xml_integration_point,
        }))
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.new_node(NodeData::Comment(text))
    }

    fn create_pi(&self, _target: StrTendril, data: StrTendril) -> NodeId {
        // HTML parsing never makes processing instructions; keep the data
        // as a comment so the sanitizer reports and removes it.
        self.new_node(NodeData::Comment(data))
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let mut dom = self.dom.borrow_mut();
        match child {
            NodeOrText::AppendNode(node) => {
                dom.append(*parent, node);
                self.check_depth(&dom, node);
            }
            NodeOrText::AppendText(text) => {
                dom.append_text(*parent, text);
                self.count_text(&dom);
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let has_parent = self.dom.borrow().parent(*element).is_some();
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.dom
            .borrow()
            .element(*target)
            .and_then(|e| e.template_contents)
            .unwrap_or(*target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &NodeId, child: NodeOrText<NodeId>) {
        let mut dom = self.dom.borrow_mut();
        match child {
            NodeOrText::AppendNode(node) => {
                dom.insert_before(*sibling, node);
                self.check_depth(&dom, node);
            }
            NodeOrText::AppendText(text) => {
                dom.insert_text_before(*sibling, text);
                self.count_text(&dom);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        let mut dom = self.dom.borrow_mut();
        if let Some(e) = dom.element_mut(*target) {
            for attr in attrs {
                if !e.attrs.iter().any(|a| a.name == attr.name) {
                    e.attrs.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.dom.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut dom = self.dom.borrow_mut();
        while let Some(child) = dom.first_child(*node) {
            dom.append(*new_parent, child);
            self.check_depth(&dom, child);
        }
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.dom
            .borrow()
            .element(*handle)
            .is_some_and(|e| e.mathml_integration_point)
    }
}
