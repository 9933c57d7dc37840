//! The html5ever `TreeSink` that builds the arena [`Dom`], and counts the
//! parse limits (nodes, depth) as it goes.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, QualName, ns};

use crate::dom::{Dom, Element, Name, NodeData, NodeId, Ns};
use crate::limits::{Limit, Limits};

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
            self.dom.borrow_mut().set_span(id, span);
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
            self.dom.borrow_mut().set_template_contents(id, contents);
        }
        if flags.mathml_annotation_xml_integration_point {
            self.dom.borrow_mut().mark_mathml_point(id);
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
        let contents = self.dom.borrow().template_contents(target.id);
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
        self.dom.borrow().is_mathml_point(handle.id)
    }
}
