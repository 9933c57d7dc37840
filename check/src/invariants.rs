//! The invariant checker: [`Checker`] for one policy, [`Violation`]s as
//! typed results, [`Stats`] of what was checked.

use std::cell::{Cell, OnceCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::OnceLock;

use html5ever::ns;
use markup5ever_rcdom::{Handle, NodeData};
use safe_markup::{Limit, Limits, Policy, TagAction};

use crate::dom::{self, Fragment};
use crate::serialize::{serialize_children, serialize_nodes};
use crate::text::{first_difference, snippet};
use crate::urls::url_values;

/// Appended to the output for the containment check.
const SENTINEL: &str = "<p id=sentinel></p>";

/// The relative URL the probes write (see [`Expect::relative_urls`]).
const PROBE_URL: &str = "safe-markup-check-probe";

/// Which invariant (and which part of it) an output broke. [`name`] is the
/// text the test messages start with.
///
/// [`name`]: Invariant::name
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Invariant {
    /// 1: cleaning panicked.
    Total,
    /// 2: an element that is not a kept HTML element.
    AllowlistElement,
    /// 2: an attribute the policy does not allow on that element.
    AllowlistAttribute,
    /// 2: a URL with a scheme the policy does not allow, a relative URL
    /// where the policy does not pass them, or one that does not parse.
    AllowlistUrl,
    /// 2: a `style` value with a declaration whose property the policy
    /// does not list, or with anything that loads or runs (`url(`,
    /// `expression(`, an escape, a comment, `!important`, an at-rule).
    AllowlistStyle,
    /// 2: a comment, where the policy removes comments.
    AllowlistComment,
    /// 2: a doctype.
    AllowlistDoctype,
    /// 2: a processing instruction.
    AllowlistProcessingInstruction,
    /// 2: a document node.
    AllowlistDocument,
    /// 3: the re-parse, serialized, is not the output.
    StableReparse,
    /// 3: `clean(clean(x)) != clean(x)`.
    StableIdempotent,
    /// 3, text-only policies: `clean(text(clean(x))) != clean(x)`.
    StableTextIdempotent,
    /// 4: markup after the output ends up inside it.
    Contained,
    /// 4: the output is parsed differently when markup follows it.
    ContainedReparse,
    /// 4: in a page template the documentation calls safe for it
    /// ([`templates`](crate::templates)), the output reaches out of its
    /// wrapper or is parsed differently.
    ContainedTemplate,
    /// 5: a text node of the input (outside dropped elements) is missing.
    FaithfulTextLost,
    /// 5, text-only policies: the output's text is not the input.
    FaithfulText,
    /// 5: past a limit, the output is not the input as text.
    FaithfulLimit,
    /// Not one of docs/DESIGN.md's five: the fast path answered with other
    /// bytes than the full pipeline (the `fastpath` fuzz target).
    FastPath,
}

impl Invariant {
    /// The invariant's name, as failure messages start with it.
    ///
    /// ```
    /// use safe_markup_check::Invariant;
    ///
    /// assert_eq!(Invariant::AllowlistUrl.name(), "allowlist (URL)");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Invariant::Total => "total",
            Invariant::AllowlistElement => "allowlist (element)",
            Invariant::AllowlistAttribute => "allowlist (attribute)",
            Invariant::AllowlistUrl => "allowlist (URL)",
            Invariant::AllowlistStyle => "allowlist (style)",
            Invariant::AllowlistComment => "allowlist (comment)",
            Invariant::AllowlistDoctype => "allowlist (doctype)",
            Invariant::AllowlistProcessingInstruction => "allowlist (processing instruction)",
            Invariant::AllowlistDocument => "allowlist (document)",
            Invariant::StableReparse => "stable (re-parse and serialize)",
            Invariant::StableIdempotent => "stable (clean(clean(x)) == clean(x))",
            Invariant::StableTextIdempotent => "stable (clean(text(clean(x))) == clean(x))",
            Invariant::Contained => "contained",
            Invariant::ContainedReparse => {
                "contained (output parsed differently when followed by markup)"
            }
            Invariant::ContainedTemplate => "contained (in a page template)",
            Invariant::FaithfulTextLost => "faithful (text lost)",
            Invariant::FaithfulText => "faithful (text of output == input)",
            Invariant::FaithfulLimit => "faithful (limit exceeded: output is the text preset's)",
            Invariant::FastPath => "fast path (output == full pipeline's)",
        }
    }

    /// The invariant's number in docs/DESIGN.md (1 total, 2 allowlist, 3
    /// stable, 4 contained, 5 faithful; 0 for the fast path's agreement
    /// with the full pipeline, which is not one of them).
    ///
    /// ```
    /// use safe_markup_check::Invariant;
    ///
    /// assert_eq!(Invariant::ContainedReparse.number(), 4);
    /// ```
    pub const fn number(self) -> u8 {
        match self {
            Invariant::Total => 1,
            Invariant::AllowlistElement
            | Invariant::AllowlistAttribute
            | Invariant::AllowlistUrl
            | Invariant::AllowlistStyle
            | Invariant::AllowlistComment
            | Invariant::AllowlistDoctype
            | Invariant::AllowlistProcessingInstruction
            | Invariant::AllowlistDocument => 2,
            Invariant::StableReparse
            | Invariant::StableIdempotent
            | Invariant::StableTextIdempotent => 3,
            Invariant::Contained | Invariant::ContainedReparse | Invariant::ContainedTemplate => 4,
            Invariant::FaithfulTextLost | Invariant::FaithfulText | Invariant::FaithfulLimit => 5,
            Invariant::FastPath => 0,
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken invariant: which, and what was seen. Displays as
/// `"<invariant name>: <detail>"`.
///
/// ```
/// use safe_markup::Policy;
/// use safe_markup_check::{Checker, Invariant};
///
/// let policy = Policy::ugc();
/// let found = Checker::new(&policy).check_output("", "<script>x()</script>", false);
/// assert_eq!(found[0].invariant, Invariant::AllowlistElement);
/// assert_eq!(found[0].to_string(), "allowlist (element): <script> has action Drop");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant broken.
    pub invariant: Invariant,
    /// What was seen, for a human.
    pub detail: String,
}

impl Violation {
    pub(crate) fn new(invariant: Invariant, detail: impl Into<String>) -> Violation {
        Violation {
            invariant,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.invariant, self.detail)
    }
}

/// What the checker needs to know about a policy beyond its public
/// accessors ([`Policy::tag_action`], [`Policy::allows_attr`],
/// [`Policy::allows_scheme`]). [`Expect::probe`] finds it out by cleaning
/// small probes; a caller that built the policy can state it instead (the
/// `policy` fuzz target does, so that a policy bug cannot hide behind a
/// probe that shares it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The policy shows every input as escaped text, without parsing it
    /// (`Policy::text()` and builders derived from it).
    pub text_only: bool,
    /// Comments may appear in the output.
    pub comments: bool,
    /// Relative URLs may appear in the output (the policy passes them
    /// as written). `None`: find out with a probe the first time a relative
    /// URL is seen: an `<a href>` if the policy keeps one, else the element
    /// and attribute it was seen on.
    pub relative_urls: Option<bool>,
}

impl Expect {
    /// Finds out by cleaning small probes with `policy` (with default
    /// limits, so a tiny limit cannot hide the answer).
    ///
    /// ```
    /// use safe_markup::Policy;
    /// use safe_markup_check::Expect;
    ///
    /// let text = Expect::probe(&Policy::text());
    /// assert!(text.text_only && !text.comments);
    /// let comments = Policy::builder().comments(true).build().unwrap();
    /// assert!(Expect::probe(&comments).comments);
    /// ```
    pub fn probe(policy: &Policy) -> Expect {
        let probe = probe_policy(policy);
        Expect {
            text_only: probe.clean("&lt;") == "&amp;lt;",
            comments: probe.clean("a<!--probe-->b").contains("<!--"),
            relative_urls: None,
        }
    }
}

/// `policy` with default limits, for probes.
fn probe_policy(policy: &Policy) -> Policy {
    if *policy.limits() == Limits::default() {
        return policy.clone();
    }
    policy
        .to_builder()
        .limits(Limits::default())
        .build()
        .unwrap_or_else(|_| policy.clone())
}

/// Whether `policy` passes a relative URL in `attr` on `tag`: `None` if the
/// probe element itself did not come out.
fn probe_relative(policy: &Policy, tag: &str, attr: &str) -> Option<bool> {
    let element = format!("<{tag} {attr}=\"{PROBE_URL}\"></{tag}>");
    // Table parts only parse in their table context.
    let input = match tag {
        "td" | "th" => format!("<table><tbody><tr>{element}</tr></tbody></table>"),
        "tr" => format!("<table><tbody>{element}</tbody></table>"),
        "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => format!("<table>{element}</table>"),
        "col" => format!("<table><colgroup>{element}</colgroup></table>"),
        _ => element,
    };
    let output = policy.clean(&input);
    let parsed = dom::parse_fragment(&output);
    let found = dom::descendants(&parsed.root())
        .into_iter()
        .find(|n| dom::element_name(n).is_some_and(|q| &*q.local == tag))?;
    Some(dom::attr(&found, attr).as_deref() == Some(PROBE_URL))
}

/// How many cases each invariant was checked on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Inputs cleaned.
    pub cases: usize,
    /// Inputs whose cleaning panicked (invariant 1); nothing else is
    /// checked for them.
    pub panicked: usize,
    /// Outputs re-parsed and checked against the allowlist.
    pub allowlist: usize,
    /// Elements checked in those outputs.
    pub elements: usize,
    /// URL values checked in those outputs.
    pub urls: usize,
    /// Outputs checked to re-serialize byte for byte.
    pub reserialized: usize,
    /// Outputs cleaned again.
    pub idempotent: usize,
    /// Of those, outputs longer than the policy's input limit, whose second
    /// clean falls back to text by design.
    pub again_past_limit: usize,
    /// Outputs checked with markup appended.
    pub contained: usize,
    /// Faithful, by text nodes of the input (policies that parse).
    pub faithful_nodes: usize,
    /// Text nodes of inputs found in the outputs.
    pub text_nodes: usize,
    /// Faithful, as whole text (text-only policies).
    pub faithful_text: usize,
    /// Inputs past a limit: output compared with the input as text.
    pub limit_fallback: usize,
}

impl Stats {
    /// Adds `other`'s counts to these.
    ///
    /// ```
    /// let mut a = safe_markup_check::Stats { cases: 1, ..Default::default() };
    /// a.add(&a.clone());
    /// assert_eq!(a.cases, 2);
    /// ```
    pub fn add(&mut self, other: &Stats) {
        self.cases += other.cases;
        self.panicked += other.panicked;
        self.allowlist += other.allowlist;
        self.elements += other.elements;
        self.urls += other.urls;
        self.reserialized += other.reserialized;
        self.idempotent += other.idempotent;
        self.again_past_limit += other.again_past_limit;
        self.contained += other.contained;
        self.faithful_nodes += other.faithful_nodes;
        self.text_nodes += other.text_nodes;
        self.faithful_text += other.faithful_text;
        self.limit_fallback += other.limit_fallback;
    }

    /// Outputs checked for invariant 5, by any of its three forms.
    ///
    /// ```
    /// let s = safe_markup_check::Stats { faithful_nodes: 2, limit_fallback: 1, ..Default::default() };
    /// assert_eq!(s.faithful(), 3);
    /// ```
    pub fn faithful(&self) -> usize {
        self.faithful_nodes + self.faithful_text + self.limit_fallback
    }
}

/// Which invariants a run checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// All five.
    All,
    /// Total, stable and contained (the `roundtrip` fuzz target).
    Stable,
    /// Allowlist, stable and contained: for output forms that leave
    /// content out by design (excerpts), where faithful does not apply.
    Derived,
}

/// Checks the output invariants of one policy.
///
/// ```
/// use safe_markup::Policy;
/// use safe_markup_check::{Checker, Invariant};
///
/// let policy = Policy::strict();
/// let checker = Checker::new(&policy);
/// assert!(checker.check("<h1>Big <i>news</i></h1>").is_empty());
/// // A hand-written bad output for the same input:
/// let found = checker.check_output("<h1>Big <i>news</i></h1>", "<h1>Big <i>news</i>", false);
/// let broken: Vec<Invariant> = found.iter().map(|v| v.invariant).collect();
/// assert!(broken.contains(&Invariant::AllowlistElement));
/// assert!(broken.contains(&Invariant::StableReparse));
/// ```
pub struct Checker<'p> {
    policy: &'p Policy,
    expect: Expect,
    /// `policy` with default limits, made on the first probe.
    probe: OnceCell<Policy>,
    /// The relative-URL answer once probed.
    relative: Cell<Option<bool>>,
}

/// Checks `input` against every invariant for `policy`, probing what the
/// policy does ([`Expect::probe`]).
///
/// ```
/// use safe_markup::Policy;
///
/// let found = safe_markup_check::check(&Policy::ugc(), "<a href=javascript:x()>l</a>");
/// assert!(found.is_ok());
/// ```
pub fn check(policy: &Policy, input: &str) -> Result<(), Vec<Violation>> {
    let found = Checker::new(policy).check(input);
    if found.is_empty() { Ok(()) } else { Err(found) }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".to_owned())
}

/// The text preset, for the limit fallback.
fn text_policy() -> &'static Policy {
    static TEXT: OnceLock<Policy> = OnceLock::new();
    TEXT.get_or_init(Policy::text)
}

impl<'p> Checker<'p> {
    /// A checker for `policy`, with [`Expect::probe`].
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert!(!safe_markup_check::Checker::new(&policy).expect().text_only);
    /// ```
    pub fn new(policy: &'p Policy) -> Checker<'p> {
        Checker::with_expect(policy, Expect::probe(policy))
    }

    /// A checker for `policy` that takes `expect` as given.
    ///
    /// ```
    /// use safe_markup::Policy;
    /// use safe_markup_check::{Checker, Expect};
    ///
    /// let policy = Policy::ugc().to_builder().comments(true).build().unwrap();
    /// let expect = Expect { text_only: false, comments: true, relative_urls: Some(true) };
    /// assert!(Checker::with_expect(&policy, expect).check("a<!--b-->").is_empty());
    /// ```
    pub fn with_expect(policy: &'p Policy, expect: Expect) -> Checker<'p> {
        Checker {
            policy,
            expect,
            probe: OnceCell::new(),
            relative: Cell::new(None),
        }
    }

    /// What this checker assumes about the policy.
    pub fn expect(&self) -> &Expect {
        &self.expect
    }

    /// The policy checked.
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// Cleans `input` and checks every invariant; empty if all hold.
    pub fn check(&self, input: &str) -> Vec<Violation> {
        self.check_with_stats(input, &mut Stats::default())
    }

    /// As [`Checker::check`], counting what was checked into `stats`.
    ///
    /// ```
    /// use safe_markup::Policy;
    /// use safe_markup_check::{Checker, Stats};
    ///
    /// let policy = Policy::ugc();
    /// let mut stats = Stats::default();
    /// Checker::new(&policy).check_with_stats("<a href=/x>y</a>", &mut stats);
    /// assert_eq!((stats.cases, stats.elements, stats.urls, stats.text_nodes), (1, 1, 1, 1));
    /// ```
    pub fn check_with_stats(&self, input: &str, stats: &mut Stats) -> Vec<Violation> {
        self.run(input, Scope::All, stats)
    }

    /// Cleans `input` and checks invariants 1 (total), 3 (stable) and 4
    /// (contained) only.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert!(safe_markup_check::Checker::new(&policy).check_stable("<b><i>x</b>y").is_empty());
    /// ```
    pub fn check_stable(&self, input: &str) -> Vec<Violation> {
        self.run(input, Scope::Stable, &mut Stats::default())
    }

    fn run(&self, input: &str, scope: Scope, stats: &mut Stats) -> Vec<Violation> {
        stats.cases += 1;
        let cleaned = match catch_unwind(AssertUnwindSafe(|| self.policy.clean_report(input))) {
            Ok(cleaned) => cleaned,
            Err(payload) => {
                stats.panicked += 1;
                return vec![Violation::new(
                    Invariant::Total,
                    format!("clean panicked: {}", panic_message(&*payload)),
                )];
            }
        };
        let limited = cleaned.report.limit_exceeded().is_some();
        let mut found = Vec::new();
        self.output_checks(input, &cleaned.html, limited, scope, stats, &mut found);
        found
    }

    /// Invariants 2 to 4 (allowlist, stable, contained) on `output`, an
    /// output form derived from the policy's cleaned tree that leaves
    /// content out by design, such as [`Policy::excerpt`]: everything but
    /// faithful. Cleaning it again must give it back, as for clean output.
    ///
    /// ```
    /// use safe_markup::Policy;
    /// use safe_markup_check::{Checker, Invariant};
    ///
    /// let policy = Policy::ugc();
    /// let checker = Checker::new(&policy);
    /// let excerpt = policy.excerpt("<ul><li>one two three</li><li>four</li></ul>", 9);
    /// assert_eq!(excerpt, "<ul><li>one two…</li></ul>");
    /// assert!(checker.check_derived(&excerpt).is_empty());
    /// // An excerpt cut as text, not as a tree, would not be closed.
    /// let found = checker.check_derived("<ul><li>one two…");
    /// assert!(found.iter().any(|v| v.invariant == Invariant::Contained));
    /// ```
    ///
    /// [`Policy::excerpt`]: safe_markup::Policy::excerpt
    pub fn check_derived(&self, output: &str) -> Vec<Violation> {
        self.check_derived_with_stats(output, &mut Stats::default())
    }

    /// As [`Checker::check_derived`], counting into `stats`.
    pub fn check_derived_with_stats(&self, output: &str, stats: &mut Stats) -> Vec<Violation> {
        let mut found = Vec::new();
        self.output_checks("", output, false, Scope::Derived, stats, &mut found);
        found
    }

    /// Invariants 2 to 5 on a given `output` of the policy for `input`
    /// (`limited`: the report says a limit was exceeded), for checking the
    /// checks on hand-written outputs.
    pub fn check_output(&self, input: &str, output: &str, limited: bool) -> Vec<Violation> {
        self.check_output_with_stats(input, output, limited, &mut Stats::default())
    }

    /// As [`Checker::check_output`], counting into `stats`.
    pub fn check_output_with_stats(
        &self,
        input: &str,
        output: &str,
        limited: bool,
        stats: &mut Stats,
    ) -> Vec<Violation> {
        let mut found = Vec::new();
        self.output_checks(input, output, limited, Scope::All, stats, &mut found);
        found
    }

    fn output_checks(
        &self,
        input: &str,
        output: &str,
        limited: bool,
        scope: Scope,
        stats: &mut Stats,
        found: &mut Vec<Violation>,
    ) {
        let mut fail = |invariant, detail: String| found.push(Violation::new(invariant, detail));
        let parsed = dom::parse_fragment(output);
        let root = parsed.root();

        // 2. Allowlist.
        if scope != Scope::Stable {
            stats.allowlist += 1;
            self.check_allowlist(&root, stats, &mut fail);
        }

        // 3. Stable.
        stats.reserialized += 1;
        let reserialized = serialize_children(&root);
        if reserialized != output {
            fail(
                Invariant::StableReparse,
                first_difference(output, &reserialized),
            );
        }
        stats.idempotent += 1;
        self.check_idempotent(output, &root, stats, &mut fail);

        // 4. Contained.
        stats.contained += 1;
        check_contained(output, &reserialized, &mut fail);
        for violation in crate::templates::check_templates(output, &reserialized) {
            fail(violation.invariant, violation.detail);
        }

        // 5. Faithful.
        if scope != Scope::All {
            return;
        }
        if limited {
            stats.limit_fallback += 1;
            // The input as text: exactly the text preset's output, or, for
            // a policy that makes paragraphs, line breaks or links, that
            // text in `p`, `br` and `a` elements.
            let as_text = text_policy().clean(input);
            let squeeze =
                |s: &str| -> String { s.chars().filter(|c| !c.is_ascii_whitespace()).collect() };
            let in_paragraphs = squeeze(output) == squeeze(&as_text)
                || (squeeze(&dom::text_content(&root))
                    == squeeze(&dom::text_content(&dom::parse_fragment(&as_text).root()))
                    && dom::descendants(&root)
                        .iter()
                        .filter_map(dom::element_name)
                        .all(|n| matches!(&*n.local, "p" | "br" | "a")));
            if output != as_text && !in_paragraphs {
                fail(Invariant::FaithfulLimit, first_difference(&as_text, output));
            }
        } else if self.expect.text_only {
            stats.faithful_text += 1;
            let want = input
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\0', "\u{fffd}");
            let got = dom::text_content(&root);
            if got != want {
                fail(Invariant::FaithfulText, first_difference(&want, &got));
            }
        } else {
            stats.faithful_nodes += 1;
            self.check_faithful(input, &root, stats, &mut fail);
        }
    }

    /// `clean(clean(x)) == clean(x)`. A text-only policy escapes its
    /// input once more by design; its fixed point is the output's text.
    /// Output longer than the input limit falls back to text by design.
    fn check_idempotent(
        &self,
        output: &str,
        root: &Handle,
        stats: &mut Stats,
        fail: &mut impl FnMut(Invariant, String),
    ) {
        let (again_input, invariant) = if self.expect.text_only {
            (dom::text_content(root), Invariant::StableTextIdempotent)
        } else {
            (output.to_owned(), Invariant::StableIdempotent)
        };
        let again = match catch_unwind(AssertUnwindSafe(|| self.policy.clean_report(&again_input)))
        {
            Ok(again) => again,
            Err(payload) => {
                fail(
                    Invariant::Total,
                    format!("clean of the output panicked: {}", panic_message(&*payload)),
                );
                return;
            }
        };
        if again.html == output {
            return;
        }
        match again.report.limit_exceeded() {
            Some(Limit::InputBytes) if again_input.len() > self.policy.limits().max_input_bytes => {
                stats.again_past_limit += 1;
            }
            Some(limit) => fail(
                invariant,
                format!(
                    "cleaning the output again crossed the {limit} limit: {}",
                    first_difference(output, &again.html)
                ),
            ),
            None => fail(invariant, first_difference(output, &again.html)),
        }
    }

    /// Invariant 2 on the re-parsed output.
    fn check_allowlist(
        &self,
        root: &Handle,
        stats: &mut Stats,
        fail: &mut impl FnMut(Invariant, String),
    ) {
        let policy = self.policy;
        for node in dom::descendants(root) {
            match &node.data {
                NodeData::Text { .. } => {}
                NodeData::Comment { contents } => {
                    if !self.expect.comments {
                        fail(
                            Invariant::AllowlistComment,
                            format!("comment {}", snippet(contents, 60)),
                        );
                    }
                }
                NodeData::Element { name, attrs, .. } => {
                    stats.elements += 1;
                    let tag = &*name.local;
                    let kept = policy.tag_action(tag) == TagAction::Keep;
                    if name.ns != ns!(html) {
                        fail(
                            Invariant::AllowlistElement,
                            format!("<{tag}> in namespace {}", &*name.ns),
                        );
                    } else if !kept {
                        fail(
                            Invariant::AllowlistElement,
                            format!("<{tag}> has action {:?}", policy.tag_action(tag)),
                        );
                    }
                    for a in attrs.borrow().iter() {
                        let attr = &*a.name.local;
                        let shown = match &a.name.prefix {
                            Some(p) => format!("{}:{attr}", &**p),
                            None => attr.to_owned(),
                        };
                        // The policy's link rel goes on kept links, and a
                        // new tab for external links, but only with
                        // `noopener noreferrer` (no reverse tabnabbing).
                        let link = kept && matches!(tag, "a" | "area");
                        let opener_safe = || {
                            attrs.borrow().iter().any(|r| {
                                &*r.name.local == "rel" && {
                                    let tokens: Vec<String> = r
                                        .value
                                        .split_ascii_whitespace()
                                        .map(str::to_ascii_lowercase)
                                        .collect();
                                    tokens.iter().any(|t| t == "noopener")
                                        && tokens.iter().any(|t| t == "noreferrer")
                                }
                            })
                        };
                        let allowed = a.name.ns == ns!()
                            && (policy.allows_attr(tag, attr)
                                || (attr == "rel" && link)
                                || (attr == "target"
                                    && link
                                    && &*a.value == "_blank"
                                    && opener_safe()));
                        if !allowed {
                            fail(
                                Invariant::AllowlistAttribute,
                                format!("<{tag} {shown}={}> not allowed", snippet(&a.value, 60)),
                            );
                        }
                        for url in url_values(attr, &a.value) {
                            stats.urls += 1;
                            if let Some(why) = self.url_refused(tag, attr, url) {
                                fail(
                                    Invariant::AllowlistUrl,
                                    format!("<{tag} {shown}={}>: {why}", snippet(&a.value, 80)),
                                );
                            }
                        }
                        if attr == "style"
                            && let Some(why) = style_refused(self.policy, &a.value)
                        {
                            fail(
                                Invariant::AllowlistStyle,
                                format!("<{tag} style={}>: {why}", snippet(&a.value, 80)),
                            );
                        }
                    }
                }
                NodeData::Doctype { name, .. } => {
                    fail(Invariant::AllowlistDoctype, format!("<!DOCTYPE {name}>"))
                }
                NodeData::ProcessingInstruction { target, .. } => fail(
                    Invariant::AllowlistProcessingInstruction,
                    format!("<?{target}>"),
                ),
                NodeData::Document => {
                    fail(Invariant::AllowlistDocument, "document node".to_owned())
                }
            }
        }
    }

    /// Why a URL in `attr` on `tag` in the output is not acceptable, if it
    /// is not.
    fn url_refused(&self, tag: &str, attr: &str, url: &str) -> Option<String> {
        match url::Url::parse(url) {
            Ok(parsed) if self.policy.allows_scheme(parsed.scheme()) => None,
            Ok(parsed) => Some(format!("scheme `{}` not allowed", parsed.scheme())),
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                if self.relative_allowed(tag, attr) {
                    None
                } else {
                    Some(format!(
                        "relative URL {} where the policy does not pass them",
                        snippet(url, 60)
                    ))
                }
            }
            Err(e) => Some(format!("URL {} does not parse: {e}", snippet(url, 60))),
        }
    }

    /// Whether the policy passes relative URLs (see
    /// [`Expect::relative_urls`]).
    fn relative_allowed(&self, tag: &str, attr: &str) -> bool {
        if let Some(known) = self.expect.relative_urls.or(self.relative.get()) {
            return known;
        }
        let probe = self.probe.get_or_init(|| probe_policy(self.policy));
        let known = [("a", "href"), (tag, attr)]
            .into_iter()
            .filter(|(t, a)| probe.tag_action(t) == TagAction::Keep && probe.allows_attr(t, a))
            .find_map(|(t, a)| probe_relative(probe, t, a));
        if known.is_some() {
            self.relative.set(known);
        }
        known.unwrap_or(false)
    }

    /// Invariant 5 for policies that parse: every non-blank text node of
    /// the input that is not inside a dropped element appears in the
    /// output's text.
    fn check_faithful(
        &self,
        input: &str,
        out_root: &Handle,
        stats: &mut Stats,
        fail: &mut impl FnMut(Invariant, String),
    ) {
        // Whitespace is compared loosely: unwrapping blocks adds line
        // breaks and paragraphs turn blank lines into `</p><p>`.
        let out_text: String = dom::text_content(out_root)
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        // The text the parser sees is the input after the lexical step,
        // which shows some markup as text (escaped tags, a tag left open
        // at the end); what follows such a tag is markup again, as typed.
        let parsed = dom::parse_fragment(&self.policy.lexed_input(input));
        let root = parsed.root();
        // Text order is kept, so search from the last match first: linear on
        // whole pages.
        let mut cursor = 0;
        let mut stack: Vec<(Handle, bool)> = root
            .children
            .borrow()
            .iter()
            .rev()
            .map(|n| (n.clone(), false))
            .collect();
        while let Some((node, dropped)) = stack.pop() {
            match &node.data {
                NodeData::Element { name, .. } => {
                    let action = self.policy.tag_action(&name.local);
                    let dropped = dropped || action == TagAction::Drop;
                    stack.extend(
                        node.children
                            .borrow()
                            .iter()
                            .rev()
                            .map(|n| (n.clone(), dropped)),
                    );
                }
                NodeData::Text { contents } if !dropped => {
                    let contents = contents.borrow();
                    let text: String = contents
                        .chars()
                        .filter(|c| !c.is_ascii_whitespace())
                        .collect();
                    if text.is_empty() {
                        continue;
                    }
                    let text = text.as_str();
                    stats.text_nodes += 1;
                    let found = out_text[cursor..]
                        .find(text)
                        .map(|i| cursor + i + text.len())
                        .or_else(|| out_text.find(text).map(|i| i + text.len()));
                    match found {
                        Some(end) => cursor = end,
                        None => fail(
                            Invariant::FaithfulTextLost,
                            format!("text {} not in the output", snippet(text, 80)),
                        ),
                    }
                }
                _ => {}
            }
        }
    }
}

/// Why a `style` value in the output is not acceptable, if it is not:
/// written from what CSS can do rather than from the library's `css.rs`.
/// Anything that can fetch (`url(`, `image(`, `image-set(`), run
/// (`expression(`, `-moz-binding`), reach outside the declaration (`var(`,
/// `attr(`, at-rules, blocks), override the site (`!important`) or hide
/// any of these (escapes, comments) is refused; every declaration must be
/// `name: value` with a property the policy lists.
fn style_refused(policy: &Policy, value: &str) -> Option<String> {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    for bad in [
        "url(",
        "image(",
        "image-set(",
        "expression(",
        "-moz-binding",
        "var(",
        "attr(",
        "\\",
        "/*",
        "@",
        "!",
        "{",
        "}",
        "javascript:",
    ] {
        if squeezed.contains(bad) {
            return Some(format!("holds `{bad}`"));
        }
    }
    for declaration in value.split(';') {
        let Some((name, v)) = declaration.split_once(':') else {
            return Some(format!("{} is not a declaration", snippet(declaration, 40)));
        };
        let name = name.trim();
        if !policy.allows_style_property(name) {
            return Some(format!("property `{name}` not allowed"));
        }
        if v.trim().is_empty() {
            return Some(format!("property `{name}` has no value"));
        }
    }
    None
}

/// Invariant 4: `output + SENTINEL` parses as the output followed by the
/// sentinel, a childless `p` directly in the fragment root, last.
/// `reserialized` is the output parsed alone and serialized: what precedes
/// the sentinel must serialize to the same (a difference there is a
/// containment failure; one between it and the output is a stability one).
fn check_contained(output: &str, reserialized: &str, fail: &mut impl FnMut(Invariant, String)) {
    let combined = format!("{output}{SENTINEL}");
    let parsed: Fragment = dom::parse_fragment(&combined);
    let root = parsed.root();
    let sentinels: Vec<Handle> = dom::descendants(&root)
        .into_iter()
        .filter(|n| {
            dom::element_name(n).is_some_and(|q| &*q.local == "p")
                && dom::attr(n, "id").as_deref() == Some("sentinel")
        })
        .collect();
    let Some(sentinel) = sentinels.last() else {
        fail(Invariant::Contained, "sentinel <p> not found".to_owned());
        return;
    };
    let kids = root.children.borrow().clone();
    let is_child = kids.iter().any(|k| Rc::ptr_eq(k, sentinel));
    if !is_child {
        let parent = sentinel
            .parent
            .take()
            .and_then(|weak| {
                let strong = weak.upgrade();
                sentinel.parent.set(Some(weak));
                strong
            })
            .and_then(|p| dom::element_name(&p).map(|q| q.local.to_string()))
            .unwrap_or_else(|| "?".to_owned());
        fail(
            Invariant::Contained,
            format!("the sentinel <p> after the output ended up inside <{parent}>"),
        );
        return;
    }
    if !kids.last().is_some_and(|k| Rc::ptr_eq(k, sentinel))
        || !sentinel.children.borrow().is_empty()
    {
        fail(
            Invariant::Contained,
            "the sentinel <p> is not the last, empty child of the root".to_owned(),
        );
        return;
    }
    // What precedes the sentinel is the output, parsed as it was alone.
    let before = serialize_nodes(&kids[..kids.len() - 1]);
    if before != reserialized {
        fail(
            Invariant::ContainedReparse,
            first_difference(reserialized, &before),
        );
    }
}
