//! [`Report`]: what cleaning removed or changed, and why.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::limits::Limit;

/// What kind of thing a [`Change`] is about.
///
/// ```
/// use safe_markup::{ChangeKind, Policy};
///
/// let report = Policy::ugc().clean_report("<!-- hi -->").report;
/// assert_eq!(report.changes()[0].kind, ChangeKind::Comment);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// An element (its tag, and with [`Rule::Dropped`] its content).
    Element,
    /// An attribute.
    Attribute,
    /// A URL inside an attribute.
    Url,
    /// A comment.
    Comment,
    /// Text moved to keep the output stable.
    Text,
    /// The whole input.
    Input,
    /// A declaration in a `style` attribute; [`Change::name`] is its
    /// property (empty if it had none).
    Declaration,
    /// A class name in a `class` attribute; [`Change::name`] is the class.
    Class,
}

/// The rule behind a [`Change`].
///
/// ```
/// use safe_markup::{Policy, Rule};
///
/// let report = Policy::ugc().clean_report(r#"<a href="javascript:x()">x</a>"#).report;
/// assert_eq!(report.changes()[0].rule, Rule::UrlScheme);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// The tag is not allowed; its content was kept.
    Unwrapped,
    /// The element is dropped with its content (`script`, `style`, …).
    Dropped,
    /// The tag was shown as text.
    Escaped,
    /// An SVG or MathML element; foreign content is never kept.
    Foreign,
    /// An allowed tag in a place where a browser would parse it
    /// differently (`<p>` inside `<p>`, `<a>` inside `<a>`, a `<td>`
    /// outside a row), or where it would close an element of the page
    /// around the output (an `<li>` outside a kept list, a `<dd>` or
    /// `<dt>` outside a kept `<dl>`); unwrapped so the output re-parses
    /// the same in its page.
    Misnested,
    /// Content that a browser would move out of a table
    /// (foster-parenting); moved to just before the table.
    Fostered,
    /// The attribute is not allowed on this element.
    AttributeNotAllowed,
    /// The attribute is allowed on this element only with certain values
    /// ([`attr_values`](crate::PolicyBuilder::attr_values)), and this
    /// value is not one of them.
    AttributeValueNotAllowed,
    /// A class name the element's
    /// [`allowed_classes`](crate::PolicyBuilder::allowed_classes) do not
    /// list ([`ChangeKind::Class`]).
    ClassNotAllowed,
    /// The URL's scheme is not allowed (`javascript:`, `data:`, …).
    UrlScheme,
    /// The URL is relative and the policy denies relative URLs.
    UrlRelative,
    /// The URL does not parse.
    UrlInvalid,
    /// A relative URL was resolved against the policy's base.
    UrlRewritten,
    /// Comments are removed by the policy.
    Comment,
    /// A kept comment that would not re-parse the same (`--`), or holds a
    /// `<` (which could end a raw-text element the page shows it in).
    UnsafeComment,
    /// A `style` declaration whose property the policy does not list, or
    /// text in a `style` attribute that is not a `name: value` declaration.
    StyleProperty,
    /// A `style` declaration whose value holds something never kept:
    /// `url(…)`, a function other than `rgb`, `rgba`, `hsl` and `hsla`,
    /// `!important`, a comment, a block or an at-keyword. A backslash
    /// escape anywhere removes the whole attribute
    /// ([`ChangeKind::Attribute`]).
    StyleValue,
    /// A tag, comment or declaration still open at the end of the input,
    /// which the parser would have thrown away with everything after it:
    /// shown as text.
    Unterminated,
    /// A special tag (`<person>`, …) whose content its rules refuse: shown
    /// as text.
    InvalidSpecialTag,
    /// An element with nothing but whitespace in it, removed (paragraphs);
    /// or a `class` attribute with no allowed class left in it, removed
    /// ([`ChangeKind::Attribute`]).
    Empty,
    /// A limit was crossed; the whole input was shown as text (for
    /// [`Limit::Attributes`], only the tag past it).
    LimitExceeded(Limit),
}

/// One thing cleaning removed or changed.
///
/// ```
/// use safe_markup::{ChangeKind, Policy, Rule};
///
/// let report = Policy::ugc().clean_report("<p style='x'>t</p>").report;
/// let change = &report.changes()[0];
/// assert_eq!((change.kind, change.name.as_str(), change.rule),
///            (ChangeKind::Attribute, "style", Rule::AttributeNotAllowed));
/// assert_eq!(change.element.as_deref(), Some("p"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// What was changed.
    pub kind: ChangeKind,
    /// The tag or attribute name (empty for comments and text).
    pub name: String,
    /// Why.
    pub rule: Rule,
    /// For attributes and URLs, the element they were on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// For URLs, the URL refused or rewritten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Where in the input the change applies, as a byte range: for tags
    /// the lexical step showed as text (escaped, unterminated, invalid
    /// special tags, too many attributes) always; for an element and its
    /// attributes and URLs, the element's start tag when the policy has
    /// [`report_spans`](crate::PolicyBuilder::report_spans) on (elements
    /// the parser made up, such as an implied `tbody` or a reopened `b`,
    /// have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<std::ops::Range<usize>>,
}

/// Everything one clean removed or changed, in document order.
///
/// ```
/// use safe_markup::Policy;
///
/// let cleaned = Policy::ugc().clean_report("<b onclick=x>a</b><script>b</script>");
/// assert_eq!(cleaned.html, "<b>a</b>");
/// assert_eq!(cleaned.report.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    changes: Vec<Change>,
    /// Set where nobody will read the report ([`Policy::clean`]): pushes
    /// are dropped, so a post with many removals does not pay for (or
    /// hold) a record of each.
    ///
    /// [`Policy::clean`]: crate::Policy::clean
    #[serde(skip)]
    discard: bool,
}

/// How often one (kind, name, rule) occurred; see [`Report::counts`].
///
/// ```
/// use safe_markup::Policy;
///
/// let report = Policy::ugc().clean_report("<font>a</font><font>b</font>").report;
/// assert_eq!(report.counts()[0].count, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Count {
    /// What was changed.
    pub kind: ChangeKind,
    /// The tag or attribute name.
    pub name: String,
    /// Why.
    pub rule: Rule,
    /// How many times.
    pub count: usize,
}

impl Report {
    /// Every change, in document order.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let report = Policy::ugc().clean_report("<u>fine</u>").report;
    /// assert!(report.changes().is_empty());
    /// ```
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Number of changes.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(Policy::ugc().clean_report("<x-a>1</x-a>").report.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether nothing was removed or changed.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert!(Policy::ugc().clean_report("plain").report.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changes grouped by kind, name and rule, with counts, sorted.
    ///
    /// ```
    /// use safe_markup::{Policy, Rule};
    ///
    /// let report = Policy::ugc().clean_report("<i onclick=a onclick2=b>x</i><script></script>").report;
    /// let counts = report.counts();
    /// assert_eq!(counts.len(), 3);
    /// assert!(counts.iter().any(|c| c.name == "script" && c.rule == Rule::Dropped));
    /// ```
    pub fn counts(&self) -> Vec<Count> {
        let mut map: BTreeMap<(ChangeKind, &str, Rule), usize> = BTreeMap::new();
        for c in &self.changes {
            *map.entry((c.kind, c.name.as_str(), c.rule)).or_default() += 1;
        }
        map.into_iter()
            .map(|((kind, name, rule), count)| Count {
                kind,
                name: name.to_owned(),
                rule,
                count,
            })
            .collect()
    }

    /// The limit that made the whole input fall back to plain text, if
    /// any. A tag past [`Limits::max_attributes`](crate::Limits) is shown
    /// as text on its own and does not count: the rest was cleaned.
    ///
    /// ```
    /// use safe_markup::{Limit, Limits, Policy};
    ///
    /// let mut limits = Limits::default();
    /// limits.max_depth = 2;
    /// let policy = Policy::ugc().to_builder().limits(limits).build().unwrap();
    /// let report = policy.clean_report("<b><i><u>x</u></i></b>").report;
    /// assert_eq!(report.limit_exceeded(), Some(Limit::Depth));
    ///
    /// let many = format!("<p {}>x</p><b>y</b>", "a ".repeat(300));
    /// assert_eq!(Policy::ugc().clean_report(&many).report.limit_exceeded(), None);
    /// ```
    pub fn limit_exceeded(&self) -> Option<Limit> {
        self.changes.iter().find_map(|c| match c.rule {
            Rule::LimitExceeded(l) if c.kind == ChangeKind::Input => Some(l),
            _ => None,
        })
    }

    /// A report that records nothing.
    pub(crate) fn discarding() -> Report {
        Report {
            changes: Vec::new(),
            discard: true,
        }
    }

    pub(crate) fn push(&mut self, kind: ChangeKind, name: &str, rule: Rule) {
        if self.discard {
            return;
        }
        self.changes.push(Change {
            kind,
            name: name.to_owned(),
            rule,
            element: None,
            url: None,
            span: None,
        });
    }

    pub(crate) fn push_attr(
        &mut self,
        kind: ChangeKind,
        name: &str,
        rule: Rule,
        element: &str,
        url: Option<String>,
    ) {
        if self.discard {
            return;
        }
        self.changes.push(Change {
            kind,
            name: name.to_owned(),
            rule,
            element: Some(element.to_owned()),
            url,
            span: None,
        });
    }

    /// Gives the changes pushed since `from` that have no span this one.
    pub(crate) fn set_spans_from(&mut self, from: usize, span: std::ops::Range<usize>) {
        for change in self.changes.iter_mut().skip(from) {
            if change.span.is_none() {
                change.span = Some(span.clone());
            }
        }
    }

    pub(crate) fn push_span(
        &mut self,
        kind: ChangeKind,
        name: &str,
        rule: Rule,
        span: std::ops::Range<usize>,
    ) {
        if self.discard {
            return;
        }
        self.push(kind, name, rule);
        if let Some(change) = self.changes.last_mut() {
            change.span = Some(span);
        }
    }
}
