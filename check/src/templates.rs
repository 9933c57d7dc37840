//! Containment in page templates. A fragment context (`<div>`) has no
//! ancestors, but a real page puts a post inside its own markup: a list
//! item, a link card, a table cell, a `noscript`. There the tree builder
//! can reach past the output to the page's elements (an `<li>` closes the
//! page's `li`, an `<a>` runs the adoption agency against the page's `a`).
//! Each template here is a whole document with the output in a marked
//! wrapper and a probe element right after it; the output is contained
//! when, parsed as a document, the probe is still the wrapper's next
//! sibling and the wrapper holds exactly the output.

use html5ever::local_name;
use markup5ever_rcdom::{Handle, NodeData};

use crate::dom::{self, attr, children, descendants, element_name};
use crate::invariants::{Invariant, Violation};
use crate::serialize::{serialize_children, serialize_nodes};
use crate::text::first_difference;

/// The attribute that marks a template's wrapper and probe: no policy
/// keeps an attribute of that name, so the output cannot forge one.
const MARK: &str = "data-sm-template";

/// Which outputs a template is documented as safe for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SafeFor {
    /// Every output of every policy.
    Any,
    /// Outputs with no `a` element (a link inside the page's link runs
    /// the adoption agency against it).
    LinkFree,
    /// Outputs with no element that closes a `p` (a block inside the
    /// page's paragraph ends it).
    Phrasing,
}

/// One page template: the markup before and after the output. `before`
/// ends inside the wrapper (marked `data-sm-template=wrap`); `after`
/// closes it and puts the probe (`data-sm-template=probe`) right after it.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    /// A short name, as SECURITY.md's table lists it.
    pub name: &'static str,
    before: &'static str,
    after: &'static str,
    /// The outputs this template is documented as safe for.
    pub safe_for: SafeFor,
    /// The wrapper's content is raw text (`noscript` with scripting on).
    raw_text: bool,
}

/// The templates the containment check uses, as SECURITY.md lists them.
///
/// ```
/// let names: Vec<&str> = safe_markup_check::templates().iter().map(|t| t.name).collect();
/// assert!(names.contains(&"ul>li>div"));
/// ```
pub fn templates() -> &'static [Template] {
    const fn t(
        name: &'static str,
        before: &'static str,
        after: &'static str,
        safe_for: SafeFor,
    ) -> Template {
        Template {
            name,
            before,
            after,
            safe_for,
            raw_text: false,
        }
    }
    static TEMPLATES: [Template; 11] = [
        t(
            "div",
            "<div data-sm-template=wrap>",
            "</div><p data-sm-template=probe>after</p>",
            SafeFor::Any,
        ),
        t(
            "article",
            "<main><article data-sm-template=wrap>",
            "</article><article data-sm-template=probe>next</article></main>",
            SafeFor::Any,
        ),
        t(
            "td",
            "<table><tbody><tr><td data-sm-template=wrap>",
            "</td><td data-sm-template=probe>next</td></tr></tbody></table>",
            SafeFor::Any,
        ),
        t(
            "ul>li>div",
            "<ul><li class=comment><div data-sm-template=wrap>",
            "</div><b data-sm-template=probe>posted by alice</b></li><li>next</li></ul>",
            SafeFor::Any,
        ),
        t(
            "ol>li",
            "<ol><li data-sm-template=wrap>",
            "</li><li data-sm-template=probe>next</li></ol>",
            SafeFor::Any,
        ),
        t(
            "dl>dd",
            "<dl><dt>alice</dt><dd data-sm-template=wrap>",
            "</dd><dt data-sm-template=probe>bob</dt><dd>next</dd></dl>",
            SafeFor::Any,
        ),
        t(
            "blockquote",
            "<blockquote data-sm-template=wrap>",
            "</blockquote><p data-sm-template=probe>after</p>",
            SafeFor::Any,
        ),
        t(
            "a>div",
            "<a href=/post/7><div data-sm-template=wrap>",
            "</div><span data-sm-template=probe>read more</span></a>",
            SafeFor::LinkFree,
        ),
        t(
            "p",
            "<p data-sm-template=wrap>",
            "</p><p data-sm-template=probe>after</p>",
            SafeFor::Phrasing,
        ),
        Template {
            name: "noscript",
            before: "<noscript data-sm-template=wrap>",
            after: "</noscript><p data-sm-template=probe>after</p>",
            safe_for: SafeFor::Any,
            raw_text: true,
        },
        t(
            "template",
            "<template data-sm-template=wrap>",
            "</template><p data-sm-template=probe>after</p>",
            SafeFor::Any,
        ),
    ];
    &TEMPLATES
}

/// Start tags that close an open `p` (the tree builder's "close a p
/// element" list): an output with none of these is phrasing content.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dd"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
    )
}

impl Template {
    /// Whether the documentation calls this template safe for `output`
    /// (a fragment parse of it decides what elements it holds).
    pub fn applies_to(&self, output: &str) -> bool {
        let names = || {
            let parsed = dom::parse_fragment(output);
            descendants(&parsed.root())
                .iter()
                .filter_map(|n| element_name(n).map(|q| q.local.to_string()))
                .collect::<Vec<_>>()
        };
        match self.safe_for {
            SafeFor::Any => true,
            SafeFor::LinkFree => !names().iter().any(|n| n == "a"),
            SafeFor::Phrasing => !names().iter().any(|n| closes_p(n)),
        }
    }

    /// The whole page with `output` in this template.
    pub fn page(&self, output: &str) -> String {
        format!(
            "<!DOCTYPE html><html><head><title>t</title></head><body>{}{output}{}</body></html>",
            self.before, self.after
        )
    }

    /// Checks that `output`, in this template, stays in its wrapper and
    /// leaves the probe right after it. `reserialized` is the output's own
    /// fragment parse, serialized: what the wrapper must hold.
    pub fn check(&self, output: &str, reserialized: &str) -> Option<Violation> {
        let fail = |detail: String| {
            Some(Violation::new(
                Invariant::ContainedTemplate,
                format!("template {}: {detail}", self.name),
            ))
        };
        let document = dom::parse_document(&self.page(output));
        let marked = |value: &str| -> Vec<Handle> {
            let mut found: Vec<Handle> = Vec::new();
            let mut stack = vec![document.document.clone()];
            while let Some(node) = stack.pop() {
                if attr(&node, MARK).as_deref() == Some(value) {
                    found.push(node.clone());
                }
                // Template contents are searched too (`children` gives
                // them): the output may sit in one.
                stack.extend(children(&node).into_iter().rev());
            }
            found
        };
        let (wraps, probes) = (marked("wrap"), marked("probe"));
        let ([wrap], [probe]) = (&wraps[..], &probes[..]) else {
            return fail(format!(
                "{} wrappers and {} probes in the page",
                wraps.len(),
                probes.len()
            ));
        };
        let Some(parent) = parent_of(wrap) else {
            return fail("the wrapper has no parent".to_owned());
        };
        let siblings = parent.children.borrow().clone();
        let at = siblings.iter().position(|s| std::rc::Rc::ptr_eq(s, wrap));
        let next = at.and_then(|i| siblings.get(i + 1));
        if !next.is_some_and(|n| std::rc::Rc::ptr_eq(n, probe)) {
            let where_ = parent_of(probe)
                .and_then(|p| element_name(&p).map(|q| q.local.to_string()))
                .unwrap_or_else(|| "?".to_owned());
            return fail(format!(
                "the probe is not the wrapper's next sibling (its parent is <{where_}>)"
            ));
        }
        let held = if self.raw_text {
            let mut text = String::new();
            for child in children(wrap) {
                if let NodeData::Text { contents } = &child.data {
                    text.push_str(&contents.borrow());
                }
            }
            if text != output {
                return fail(format!(
                    "the raw text differs: {}",
                    first_difference(output, &text)
                ));
            }
            return None;
        } else if *element_name(wrap)?.local == *local_name!("template") {
            serialize_nodes(&children(wrap))
        } else {
            serialize_children(wrap)
        };
        if held != reserialized {
            return fail(format!(
                "the wrapper holds other markup: {}",
                first_difference(reserialized, &held)
            ));
        }
        None
    }
}

/// Checks `output` in every template the documentation calls safe for
/// it; `reserialized` is its fragment parse, serialized.
///
/// ```
/// use safe_markup_check::{check_templates, parse_fragment, serialize_children};
///
/// let out = "<li>fake comment</li>";
/// let again = serialize_children(&parse_fragment(out).root());
/// let found = check_templates(out, &again);
/// assert!(found.iter().any(|v| v.detail.starts_with("template ul>li>div")));
/// assert!(check_templates("<ul><li>x</li></ul>", "<ul><li>x</li></ul>").is_empty());
/// ```
pub fn check_templates(output: &str, reserialized: &str) -> Vec<Violation> {
    templates()
        .iter()
        .filter(|t| t.applies_to(output))
        .filter_map(|t| t.check(output, reserialized))
        .collect()
}

fn parent_of(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take()?;
    let strong = weak.upgrade();
    node.parent.set(Some(weak));
    strong
}
