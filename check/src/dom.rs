//! The independent parse: html5ever into `markup5ever_rcdom` (not the
//! library's own arena DOM and sink), and tree walks over it, all
//! iterative.

use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{ParseOpts, QualName, local_name, ns};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// An rcdom fragment parse. The `RcDom` must stay alive while its nodes are
/// used: dropping it empties every node's child list.
pub struct Fragment {
    dom: RcDom,
}

impl Fragment {
    /// The fragment root: the `html` element the fragment parser puts the
    /// parsed nodes in.
    ///
    /// ```
    /// let parsed = safe_markup_check::parse_fragment("<b>x</b>");
    /// assert_eq!(safe_markup_check::text_content(&parsed.root()), "x");
    /// ```
    pub fn root(&self) -> Handle {
        self.dom
            .document
            .children
            .borrow()
            .first()
            .cloned()
            .expect("a fragment parse always has an html root")
    }
}

/// Parses `html` the way the library does and a browser would for
/// `div.innerHTML = html`: a fragment in a `<div>` (HTML namespace)
/// context, scripting enabled.
///
/// ```
/// use safe_markup_check::{descendants, element_name, parse_fragment};
///
/// let parsed = parse_fragment("<table><td>1");
/// let names: Vec<String> = descendants(&parsed.root())
///     .iter()
///     .filter_map(|n| element_name(n).map(|q| q.local.to_string()))
///     .collect();
/// assert_eq!(names, ["table", "tbody", "tr", "td"]);
/// ```
pub fn parse_fragment(html: &str) -> Fragment {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: true,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let dom =
        html5ever::parse_fragment(RcDom::default(), opts, context, Vec::new(), true).one(html);
    Fragment { dom }
}

/// An rcdom whole-document parse, scripting enabled (so `noscript` holds
/// raw text, as in a browser with scripts on).
///
/// ```
/// use safe_markup_check::{element_depth, parse_document};
///
/// let doc = parse_document("<p><b>x</b>");
/// // html > body > p > b
/// assert_eq!(element_depth(&doc.document), 4);
/// ```
pub fn parse_document(html: &str) -> RcDom {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: true,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    html5ever::parse_document(RcDom::default(), opts).one(html)
}

/// The most elements open at once below `root` (its deepest element's
/// depth, counting `root`'s children as 1), template contents included.
///
/// ```
/// use safe_markup_check::{element_depth, parse_fragment};
///
/// assert_eq!(element_depth(&parse_fragment("<div><p>x</p></div><b>y</b>").root()), 2);
/// ```
pub fn element_depth(root: &Handle) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(Handle, usize)> = children(root).into_iter().map(|c| (c, 1)).collect();
    while let Some((node, depth)) = stack.pop() {
        if element_name(&node).is_some() {
            deepest = deepest.max(depth);
            stack.extend(children(&node).into_iter().map(|c| (c, depth + 1)));
        }
    }
    deepest
}

/// The children of `node` as the parser sees them: for a `<template>`, the
/// children of its contents.
///
/// ```
/// use safe_markup_check::{children, parse_fragment};
///
/// let parsed = parse_fragment("a<b>b</b>");
/// assert_eq!(children(&parsed.root()).len(), 2);
/// ```
pub fn children(node: &Handle) -> Vec<Handle> {
    if let NodeData::Element {
        template_contents, ..
    } = &node.data
        && let Some(contents) = template_contents.borrow().as_ref()
    {
        return contents.children.borrow().clone();
    }
    node.children.borrow().clone()
}

/// The element's qualified name, if `node` is an element.
///
/// ```
/// use safe_markup_check::{children, element_name, parse_fragment};
///
/// let parsed = parse_fragment("<svg></svg>");
/// let svg = &children(&parsed.root())[0];
/// assert_eq!(&*element_name(svg).unwrap().local, "svg");
/// ```
pub fn element_name(node: &Handle) -> Option<&QualName> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name),
        _ => None,
    }
}

/// The value of attribute `name` (no namespace) on element `node`.
///
/// ```
/// use safe_markup_check::{attr, children, parse_fragment};
///
/// let parsed = parse_fragment("<a HREF='x'>l</a>");
/// assert_eq!(attr(&children(&parsed.root())[0], "href").as_deref(), Some("x"));
/// ```
pub fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| a.name.ns == ns!() && &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// Every node below `root`, in document order (template contents excluded,
/// as they are not children), without recursion.
///
/// ```
/// use safe_markup_check::{descendants, parse_fragment};
///
/// assert_eq!(descendants(&parse_fragment("<p><b>x</b>y</p>").root()).len(), 4);
/// ```
pub fn descendants(root: &Handle) -> Vec<Handle> {
    let mut out = Vec::new();
    let mut stack: Vec<Handle> = root.children.borrow().iter().rev().cloned().collect();
    while let Some(node) = stack.pop() {
        stack.extend(node.children.borrow().iter().rev().cloned());
        out.push(node);
    }
    out
}

/// The concatenated text of every text node below `root` (the DOM's
/// `textContent`, template contents excluded).
///
/// ```
/// use safe_markup_check::{parse_fragment, text_content};
///
/// assert_eq!(text_content(&parse_fragment("a<b>&amp;</b><!--c-->").root()), "a&");
/// ```
pub fn text_content(root: &Handle) -> String {
    let mut out = String::new();
    for node in descendants(root) {
        if let NodeData::Text { contents } = &node.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}
