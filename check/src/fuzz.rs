//! The bodies of the cargo-fuzz targets in `fuzz/`, in stable code so that
//! `cargo test` runs exactly what the fuzzers run (over the seeds and every
//! saved regression), and each target is one line.
//!
//! Each target has a `try_` form that returns the [`Failure`], a `check_`
//! form that passes over [`known_issues`], and a panicking form of that for
//! libFuzzer, which reports the panic as a crash:
//!
//! - [`clean`]: the input (bytes, lossily UTF-8) under every
//!   [`named_policies`] policy, all invariants;
//! - [`policy`]: a policy built from the first [`KNOB_BYTES`] bytes
//!   ([`PolicySpec::from_knobs`]; a build error is fine and skips), all
//!   invariants on the rest of the input as HTML;
//! - [`roundtrip`]: the input under every named policy, invariants 1, 3
//!   and 4 only (re-parse stability, idempotence, containment), so more
//!   executions go to the parser's odd corners;
//! - [`fastpath`]: the input under every [`fastpath_policies`] policy:
//!   wherever the fast path answers (`Policy::clean_fast`), its answer is
//!   the full pipeline's (`Policy::clean_full`), byte for byte.
//!
//! ```
//! safe_markup_check::fuzz::clean(b"<p>Hi <a href=javascript:x()>there</a>");
//! assert!(safe_markup_check::fuzz::try_roundtrip(b"<b><i>x</b>").is_ok());
//! ```

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use safe_markup::{Limits, Policy, PolicyError, RelativeUrls, TagAction};

use crate::invariants::{Checker, Expect, Invariant, Violation};
use crate::text::snippet;

/// What a target found: the policy, the input and each broken invariant.
#[derive(Clone, Debug)]
pub struct Failure {
    /// `clean`, `policy` or `roundtrip`.
    pub target: &'static str,
    /// The policy: a preset's name, or the builder calls that made it.
    pub policy: String,
    /// The HTML input.
    pub input: String,
    /// The policy's output for it, unless cleaning panicked.
    pub output: Option<String>,
    /// The policy's limits.
    pub limits: Limits,
    /// What broke.
    pub violations: Vec<Violation>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} target: {} invariant violation(s)",
            self.target,
            self.violations.len()
        )?;
        writeln!(f, "  policy: {}", self.policy)?;
        writeln!(f, "  input:  {}", snippet(&self.input, 2000))?;
        match &self.output {
            Some(output) => writeln!(f, "  output: {}", snippet(output, 2000))?,
            None => writeln!(f, "  output: (clean panicked)")?,
        }
        for v in &self.violations {
            writeln!(f, "  - {v}")?;
        }
        Ok(())
    }
}

/// A policy with a name and what the checker should expect of it.
pub struct NamedPolicy {
    /// `ugc`, `strict`, `text` or `maximal`.
    pub name: &'static str,
    /// The policy.
    pub policy: Policy,
    /// Stated, not probed.
    pub expect: Expect,
}

/// The presets (`ugc`, `strict`, `text`), [`maximal`] and
/// [`diary_everything`], built once.
///
/// ```
/// let names: Vec<_> = safe_markup_check::fuzz::named_policies().iter().map(|p| p.name).collect();
/// assert_eq!(names, ["ugc", "strict", "text", "maximal", "diary"]);
/// ```
pub fn named_policies() -> &'static [NamedPolicy] {
    static POLICIES: OnceLock<Vec<NamedPolicy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let parsing = |comments| Expect {
            text_only: false,
            comments,
            relative_urls: Some(true),
        };
        vec![
            NamedPolicy {
                name: "ugc",
                policy: Policy::ugc(),
                expect: parsing(false),
            },
            NamedPolicy {
                name: "strict",
                policy: Policy::strict(),
                expect: parsing(false),
            },
            NamedPolicy {
                name: "text",
                policy: Policy::text(),
                expect: Expect {
                    text_only: true,
                    comments: false,
                    relative_urls: Some(false),
                },
            },
            NamedPolicy {
                name: "maximal",
                policy: maximal(),
                expect: parsing(true),
            },
            NamedPolicy {
                name: "diary",
                policy: diary_everything(),
                expect: parsing(false),
            },
        ]
    })
}

/// The `diary-untrusted` preset with every diary feature on: special tags,
/// paragraphs, line breaks, bare-URL links, external links in a new tab,
/// report spans.
///
/// ```
/// let policy = safe_markup_check::fuzz::diary_everything();
/// assert_eq!(policy.clean("a\nb http://x.test/"), "a<br>b <a href=\"http://x.test/\" rel=\"nofollow ugc noopener noreferrer\" target=\"_blank\">http://x.test/</a>");
/// ```
pub fn diary_everything() -> Policy {
    Policy::diary_untrusted()
        .to_builder()
        .line_breaks(true)
        .linkify(true)
        .external_links_new_tab(true)
        .site_hosts(["diary.example"])
        .report_spans(true)
        .build()
        .unwrap_or_else(|_| Policy::diary_untrusted())
}

/// Every element of the HTML standard, current and obsolete, and a few the
/// parser treats specially.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "isindex",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "menuitem",
    "meta",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "selectedcontent",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// Attributes for [`maximal`] (those the builder accepts) and the
/// `policy` target (including some it rejects).
const ATTRS: &[&str] = &[
    "abbr",
    "accesskey",
    "action",
    "align",
    "alt",
    "archive",
    "autocomplete",
    "autofocus",
    "background",
    "bgcolor",
    "border",
    "char",
    "charoff",
    "checked",
    "cite",
    "class",
    "classid",
    "codebase",
    "color",
    "cols",
    "colspan",
    "content",
    "contenteditable",
    "coords",
    "crossorigin",
    "data",
    "data-x",
    "datetime",
    "dir",
    "disabled",
    "download",
    "draggable",
    "dynsrc",
    "face",
    "for",
    "form",
    "formaction",
    "formmethod",
    "headers",
    "height",
    "hidden",
    "href",
    "hreflang",
    "http-equiv",
    "icon",
    "id",
    "imagesrcset",
    "inert",
    "is",
    "ismap",
    "itemid",
    "itemprop",
    "itemscope",
    "itemtype",
    "label",
    "lang",
    "longdesc",
    "lowsrc",
    "manifest",
    "max",
    "media",
    "method",
    "name",
    "nonce",
    "onclick",
    "onerror",
    "open",
    "pattern",
    "ping",
    "popover",
    "popovertarget",
    "poster",
    "profile",
    "rel",
    "rowspan",
    "scope",
    "shadowrootmode",
    "shape",
    "size",
    "sizes",
    "slot",
    "span",
    "src",
    "srcdoc",
    "srclang",
    "srcset",
    "start",
    "style",
    "summary",
    "tabindex",
    "target",
    "title",
    "type",
    "usemap",
    "value",
    "width",
    "xlink:href",
    "xml:base",
    "xml:lang",
    "xmlns",
];

/// URL schemes for [`maximal`] and the `policy` target; the builder
/// rejects the script ones.
const SCHEMES: &[&str] = &[
    "http",
    "https",
    "mailto",
    "ftp",
    "tel",
    "data",
    "blob",
    "file",
    "about",
    "irc",
    "ws",
    "urn",
    "javascript",
    "vbscript",
    "x-custom+v1.0",
    "1bad",
];

/// CSS properties for [`maximal`] and the `policy` target: common ones,
/// and ones whose values could load things (`background`, `cursor`,
/// `list-style`), where only the value filter stands in the way.
///
/// ```
/// use safe_markup_check::fuzz::{STYLE_PROPERTIES, maximal};
///
/// assert!(STYLE_PROPERTIES.iter().all(|p| maximal().allows_style_property(p)));
/// ```
pub const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background",
    "background-color",
    "background-image",
    "border",
    "cursor",
    "font",
    "font-family",
    "font-size",
    "font-weight",
    "list-style",
    "margin",
    "text-align",
    "width",
];

/// Tags the builder accepts as kept (table parts given their table).
fn keepable(tag: &str) -> bool {
    Policy::builder()
        .allow_tags([tag, "table", "tbody", "tr", "td", "colgroup"])
        .build()
        .is_ok()
}

/// Everything the builder accepts: every keepable HTML element, every
/// accepted attribute on all of them (`style` too, with
/// [`STYLE_PROPERTIES`]), every accepted scheme, comments, relative URLs
/// passed, a link rel. Not safe to deploy (it keeps forms and `data:` URLs,
/// for a start); it is the widest surface for the invariants.
///
/// ```
/// let policy = safe_markup_check::fuzz::maximal();
/// assert_eq!(policy.tag_action("button"), safe_markup::TagAction::Keep);
/// assert_eq!(policy.tag_action("script"), safe_markup::TagAction::Drop);
/// ```
pub fn maximal() -> Policy {
    Policy::builder()
        .allow_tags(keepable_tags())
        .allow_generic_attrs(accepted_attrs())
        .allow_style_properties(STYLE_PROPERTIES)
        .allow_generic_attrs(["style"])
        .url_schemes(accepted_schemes())
        .comments(true)
        .link_rel("noopener")
        .build()
        .expect("maximal is built from parts the builder accepted one by one")
}

fn lossy(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// What `policy` made of `input`, unless that panics.
fn output_of(policy: &Policy, input: &str) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| policy.clean(input))).ok()
}

fn over_named(
    target: &'static str,
    input: &str,
    check: impl Fn(&Checker<'_>, &str) -> Vec<Violation>,
) -> Result<(), Box<Failure>> {
    for named in named_policies() {
        let checker = Checker::with_expect(&named.policy, named.expect.clone());
        let violations = check(&checker, input);
        if !violations.is_empty() {
            return Err(Box::new(Failure {
                target,
                policy: named.name.to_owned(),
                input: input.to_owned(),
                output: output_of(&named.policy, input),
                limits: *named.policy.limits(),
                violations,
            }));
        }
    }
    Ok(())
}

/// The `clean` target: every invariant, every named policy.
pub fn try_clean(data: &[u8]) -> Result<(), Box<Failure>> {
    over_named("clean", &lossy(data), |c, input| c.check(input))
}

/// [`try_clean`] less [`known_issues`].
pub fn check_clean(data: &[u8]) -> Result<(), Box<Failure>> {
    unless_known(try_clean(data))
}

/// [`check_clean`], panicking with the failure: the fuzz target.
pub fn clean(data: &[u8]) {
    if let Err(failure) = check_clean(data) {
        panic!("{failure}");
    }
}

/// The `roundtrip` target: total, stable and contained, every named
/// policy.
pub fn try_roundtrip(data: &[u8]) -> Result<(), Box<Failure>> {
    over_named("roundtrip", &lossy(data), |c, input| c.check_stable(input))
}

/// [`try_roundtrip`] less [`known_issues`].
pub fn check_roundtrip(data: &[u8]) -> Result<(), Box<Failure>> {
    unless_known(try_roundtrip(data))
}

/// [`check_roundtrip`], panicking with the failure: the fuzz target.
pub fn roundtrip(data: &[u8]) {
    if let Err(failure) = check_roundtrip(data) {
        panic!("{failure}");
    }
}

/// The policies the `fastpath` target runs: the presets, [`maximal`], and
/// a `ugc` variant that turns on what the fast path borrows from the
/// sanitizer (URL rewriting, link `rel` and `target`, id prefixes, inline
/// CSS, dropped elements), and one with value lists, classes per tag
/// and attribute prefixes, which both paths decide in one function. The
/// diary presets check escape mode and the paragraphs the fast path makes
/// of its output; `text` checks that it declines; the two with small
/// limits, its answer past a limit.
///
/// ```
/// let policies = safe_markup_check::fuzz::fastpath_policies();
/// let names: Vec<_> = policies.iter().map(|(n, _)| *n).collect();
/// assert!(names.contains(&"ugc") && names.contains(&"maximal"));
/// // The refined policy is built as written, not the ugc fallback.
/// let refined = &policies.iter().find(|(n, _)| *n == "ugc-refined").unwrap().1;
/// assert_eq!(refined.clean(r#"<p data-x="1">x</p>"#), r#"<p data-x="1">x</p>"#);
/// ```
pub fn fastpath_policies() -> &'static [(&'static str, Policy)] {
    static POLICIES: OnceLock<Vec<(&'static str, Policy)>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let variant = Policy::ugc()
            .to_builder()
            .allow_attrs("a", ["rel", "target"])
            .allow_generic_attrs(["id", "class", "style", "name"])
            .allow_style_properties(["color", "text-align", "width"])
            .id_prefix("uc-")
            .external_link_rel("nofollow ugc")
            .external_links_new_tab(true)
            .site_hosts(["diary.example"])
            .relative_urls(RelativeUrls::Rewrite("https://diary.example/x/".into()))
            .drop_tags(["aside", "small"])
            .build()
            .unwrap_or_else(|_| Policy::ugc());
        // Value lists, classes and prefixes, which the fast path follows
        // (forced attributes make it decline, so they are left out).
        let refined = Policy::ugc()
            .to_builder()
            .attr_values("ol", "type", ["1", "a", "i"])
            .attr_values("a", "target", ["_blank"])
            .allowed_classes("code", ["language-*", "hljs"])
            .allowed_classes("span", ["spoiler"])
            .allow_generic_attrs(["class"])
            .allow_attr_prefixes(["data-", "aria-"])
            .build()
            .unwrap_or_else(|_| Policy::ugc());
        // Limits a short input can reach, where the fast path answers
        // with the input as text.
        let mut limits = Limits::default();
        limits.max_depth = 12;
        limits.max_nodes = 200;
        let limited = |policy: Policy| {
            policy
                .to_builder()
                .limits(limits)
                .build()
                .unwrap_or_else(|_| Policy::ugc())
        };
        vec![
            ("ugc", Policy::ugc()),
            ("strict", Policy::strict()),
            ("ugc-small-limits", limited(Policy::ugc())),
            ("strict-small-limits", limited(Policy::strict())),
            ("text", Policy::text()),
            ("diary", Policy::diary()),
            ("diary-untrusted", Policy::diary_untrusted()),
            ("maximal", maximal()),
            ("ugc-variant", variant),
            ("ugc-refined", refined),
        ]
    })
}

/// The `fastpath` target: under every [`fastpath_policies`] policy, the
/// fast path's answer, where it gives one, is the full pipeline's; and so
/// is the fast path's for a start of the input joined to the full
/// pipeline's for the rest, where `Policy::clean` does that.
///
/// ```
/// assert!(safe_markup_check::fuzz::try_fastpath(b"<p>Hi <a href=/x>there</a>").is_ok());
/// ```
pub fn try_fastpath(data: &[u8]) -> Result<(), Box<Failure>> {
    let input = lossy(data);
    for (name, policy) in fastpath_policies() {
        // The whole input through the fast path, or else a start of it
        // through the fast path and the rest through the full pipeline.
        let fast = catch_unwind(AssertUnwindSafe(|| {
            policy
                .clean_fast(&input)
                .map(|html| (html, "fast path"))
                .or_else(|| {
                    policy
                        .clean_resumed(&input)
                        .map(|html| (html, "fast path then full pipeline"))
                })
        }));
        // The full pipeline costs most of an execution; it is only needed
        // to compare with an answer.
        let detail = match &fast {
            Ok(None) => continue,
            Err(_) => "the fast path panicked".to_owned(),
            Ok(Some((f, how))) => {
                match catch_unwind(AssertUnwindSafe(|| policy.clean_full(&input))) {
                    Ok(g) if *f == g => continue,
                    Ok(g) => format!(
                        "{how} and full pipeline differ: {}",
                        crate::text::first_difference(&g, f)
                    ),
                    Err(_) => "the full pipeline panicked".to_owned(),
                }
            }
        };
        return Err(Box::new(Failure {
            target: "fastpath",
            policy: (*name).to_owned(),
            input: input.clone(),
            output: fast.ok().flatten().map(|(html, _)| html),
            limits: *policy.limits(),
            violations: vec![Violation::new(Invariant::FastPath, detail)],
        }));
    }
    Ok(())
}

/// [`try_fastpath`] less [`known_issues`].
pub fn check_fastpath(data: &[u8]) -> Result<(), Box<Failure>> {
    unless_known(try_fastpath(data))
}

/// [`check_fastpath`], panicking with the failure: the fuzz target.
pub fn fastpath(data: &[u8]) {
    if let Err(failure) = check_fastpath(data) {
        panic!("{failure}");
    }
}

/// The `policy` target: a policy from the first [`KNOB_BYTES`] bytes, every
/// invariant on the rest as HTML. A policy the builder rejects is skipped
/// (`Ok`).
///
/// ```
/// use safe_markup_check::fuzz::{KNOB_BYTES, try_policy};
///
/// let mut data = vec![0u8; KNOB_BYTES];
/// data[0] = 1; // on top of ugc
/// data.extend_from_slice(b"<p>Hi <a href=/x>there</a>");
/// assert!(try_policy(&data).is_ok());
/// ```
pub fn try_policy(data: &[u8]) -> Result<(), Box<Failure>> {
    let (knobs, html) = data.split_at(data.len().min(KNOB_BYTES));
    let spec = PolicySpec::from_knobs(knobs);
    let Ok(policy) = spec.build() else {
        return Ok(());
    };
    let input = lossy(html);
    let violations = Checker::with_expect(&policy, spec.expect()).check(&input);
    if violations.is_empty() {
        return Ok(());
    }
    Err(Box::new(Failure {
        target: "policy",
        policy: spec.to_rust(),
        output: output_of(&policy, &input),
        limits: *policy.limits(),
        input,
        violations,
    }))
}

/// [`try_policy`] less [`known_issues`].
pub fn check_policy(data: &[u8]) -> Result<(), Box<Failure>> {
    unless_known(try_policy(data))
}

/// [`check_policy`], panicking with the failure: the fuzz target.
pub fn policy(data: &[u8]) {
    if let Err(failure) = check_policy(data) {
        panic!("{failure}");
    }
}

// ---------------------------------------------------------------------------
// Known issues

/// A finding not fixed yet. The fuzz targets (and the seed tests) pass over
/// failures it explains, so the fuzzers go on looking for others; its
/// minimized input is saved as `fuzz/regressions/<target>/open-<id>…`, which
/// `cargo test` checks still fails and is still explained by it. When the
/// library is fixed, that test says so: remove the entry and the `open-`
/// prefix.
pub struct KnownIssue {
    /// Short name, as in the regression file's name.
    pub id: &'static str,
    /// What is wrong.
    pub what: &'static str,
    /// Whether a violation of a failure (with the policy's limits) is this
    /// issue.
    explains: fn(&Limits, &Violation) -> bool,
}

impl KnownIssue {
    /// Whether every violation of `failure` is this issue.
    pub fn explains(&self, failure: &Failure) -> bool {
        !failure.violations.is_empty()
            && failure
                .violations
                .iter()
                .all(|v| (self.explains)(&failure.limits, v))
    }
}

/// The findings not fixed yet (none now).
///
/// An entry names its `id`, says `what` is wrong and gives a predicate on
/// each violation (with the policy's limits). The last one,
/// `max-nodes-counts-fixed-nodes` (`max_nodes` counted the parser's own
/// document, root and context nodes, so with `max_nodes <= 3` the text
/// fallback crossed the limit again and `clean(clean(x))` escaped twice),
/// was fixed; its input is `fuzz/regressions/policy/max-nodes-counts-fixed-nodes`.
///
/// ```
/// for issue in safe_markup_check::fuzz::known_issues() {
///     assert!(!issue.id.is_empty() && !issue.what.is_empty());
/// }
/// ```
pub fn known_issues() -> &'static [KnownIssue] {
    &[]
}

/// The known issue that explains `failure`, if one does.
pub fn known_issue(failure: &Failure) -> Option<&'static KnownIssue> {
    known_issues().iter().find(|k| k.explains(failure))
}

/// Whether `SAFE_MARKUP_FUZZ_STRICT` is set (to anything but `0`): then the
/// targets stop on known issues too, e.g. to minimize one with `cargo fuzz
/// tmin`.
fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("SAFE_MARKUP_FUZZ_STRICT").is_some_and(|v| v != "0"))
}

fn unless_known(result: Result<(), Box<Failure>>) -> Result<(), Box<Failure>> {
    match result {
        Err(failure) if !strict() && known_issue(&failure).is_some() => Ok(()),
        other => other,
    }
}

// ---------------------------------------------------------------------------
// Policies from bytes

/// How many leading bytes of a `policy` input are policy knobs.
pub const KNOB_BYTES: usize = 48;

/// Tag names for the `policy` target: [`HTML_TAGS`] plus names the builder
/// rejects or normalizes.
const EXTRA_TAGS: &[&str] = &[
    "x-custom",
    "my-el",
    "annotation-xml",
    "foreignobject",
    "mglyph",
    "B",
    " em ",
    "",
    "1a",
    "a b",
    "a<b",
];

/// Extra attribute names the builder rejects or normalizes.
const EXTRA_ATTRS: &[&str] = &["HREF", "", "a b", "on", "x\"y", " title "];

/// `link_rel` values, including ones the builder rejects.
const RELS: &[&str] = &[
    "",
    "nofollow",
    "noopener noreferrer",
    "nofollow ugc noopener noreferrer",
    "NoFollow  Author",
    "\tnext\n",
    "a\"b",
    "x<y",
];

/// Rewrite bases, including ones the builder rejects.
const BASES: &[&str] = &[
    "https://example.org/diary/",
    "http://x.test",
    "https://example.org/a?b#c",
    "https://example.org/diary/",
    "http://x.test/a/b/",
    "file:///tmp/",
    "mailto:x@y.test",
    "not a url",
];

const MAX_INPUT_BYTES: &[usize] = &[1, 8, 64, 512, 4096, 4 << 20, 0, 100];
const MAX_DEPTH: &[usize] = &[1, 2, 3, 5, 16, 512, 0, 8];
const MAX_NODES: &[usize] = &[1, 2, 5, 50, 1000, 200_000, 0, 20];
const MAX_NESTING_PER_BYTE: &[usize] = &[1, 2, 4, 8, 64, 0, 4, 1];

const ACTIONS: [TagAction; 4] = [
    TagAction::Keep,
    TagAction::Unwrap,
    TagAction::Drop,
    TagAction::Escape,
];

/// The preset a [`PolicySpec`] starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// `Policy::builder()`.
    Empty,
    /// `Policy::ugc().to_builder()`.
    Ugc,
    /// `Policy::strict().to_builder()`.
    Strict,
    /// `Policy::text().to_builder()`: text-only, whatever is added.
    Text,
}

/// A policy as builder calls, made from fuzzer bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySpec {
    /// The starting point.
    pub base: Base,
    /// Tag actions, in order (a later one for the same tag wins).
    pub tags: Vec<(String, TagAction)>,
    /// Allowed attributes: on a tag, or (`None`) on every kept tag.
    pub attrs: Vec<(Option<String>, String)>,
    /// `url_schemes`, if called.
    pub schemes: Option<Vec<String>>,
    /// `relative_urls`, if called.
    pub relative: Option<RelativeUrls>,
    /// `link_rel`, if called.
    pub link_rel: Option<String>,
    /// `comments`, if called.
    pub comments: Option<bool>,
    /// `other_tags`, if called.
    pub other: Option<TagAction>,
    /// `limits`, if called.
    pub limits: Option<Limits>,
    /// `allow_style_properties` with [`STYLE_PROPERTIES`], and whether
    /// `style` is also allowed on every kept tag, if called.
    pub style: Option<bool>,
    /// `id_prefix`, if called.
    pub id_prefix: Option<String>,
    /// `attr_values` calls: tag, attribute, values.
    pub attr_values: Vec<(String, String, Vec<String>)>,
    /// `allowed_classes` calls: tag, classes.
    pub classes: Vec<(String, Vec<String>)>,
    /// `allow_attr_prefixes`, if called.
    pub attr_prefixes: Option<Vec<String>>,
    /// `force_attr` calls: tag, attribute, value.
    pub forced: Vec<(String, String, String)>,
}

/// Reads knobs from fixed positions, so a mutated byte changes one knob;
/// past the end every byte is 0 (the default choice).
struct Knobs<'a>(&'a [u8]);

impl Knobs<'_> {
    fn at(&self, i: usize) -> usize {
        self.0.get(i).copied().unwrap_or(0) as usize
    }

    fn pick<T: Copy>(&self, i: usize, list: &[T]) -> T {
        list[self.at(i) % list.len()]
    }
}

/// A tag name: seven in eight from the elements the builder can keep, the
/// rest from every name, including ones the builder rejects.
fn tag_name(byte: usize) -> &'static str {
    if byte < 224 {
        return keepable_tags()[byte % keepable_tags().len()];
    }
    let i = byte % (HTML_TAGS.len() + EXTRA_TAGS.len());
    HTML_TAGS
        .get(i)
        .unwrap_or_else(|| &EXTRA_TAGS[i - HTML_TAGS.len()])
}

/// An attribute name, in the same way as [`tag_name`].
fn attr_name(byte: usize) -> &'static str {
    if byte < 224 {
        return accepted_attrs()[byte % accepted_attrs().len()];
    }
    let i = byte % (ATTRS.len() + EXTRA_ATTRS.len());
    ATTRS
        .get(i)
        .unwrap_or_else(|| &EXTRA_ATTRS[i - ATTRS.len()])
}

/// [`HTML_TAGS`] the builder accepts as kept.
fn keepable_tags() -> &'static [&'static str] {
    static TAGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    TAGS.get_or_init(|| HTML_TAGS.iter().copied().filter(|t| keepable(t)).collect())
}

/// [`ATTRS`] the builder accepts.
fn accepted_attrs() -> &'static [&'static str] {
    static ATTRS_OK: OnceLock<Vec<&'static str>> = OnceLock::new();
    ATTRS_OK.get_or_init(|| {
        ATTRS
            .iter()
            .copied()
            .filter(|a| Policy::builder().allow_generic_attrs([*a]).build().is_ok())
            .collect()
    })
}

/// [`SCHEMES`] the builder accepts.
fn accepted_schemes() -> &'static [&'static str] {
    static SCHEMES_OK: OnceLock<Vec<&'static str>> = OnceLock::new();
    SCHEMES_OK.get_or_init(|| {
        SCHEMES
            .iter()
            .copied()
            .filter(|s| Policy::builder().url_schemes([*s]).build().is_ok())
            .collect()
    })
}

impl PolicySpec {
    /// The policy the knob bytes describe. Layout (byte: meaning):
    ///
    /// - 0: base (empty, ugc, strict, text);
    /// - 1: how many of the 8 tag slots are used; 2–17: the slots (tag,
    ///   action); a tag byte of 224 or more names any tag, including ones
    ///   the builder rejects, below that one it can keep;
    /// - 18: how many of the 6 attribute slots are used; 19–30: the slots
    ///   (tag, or generic when a multiple of 4; attribute, as for tags);
    /// - 31 odd: replace the URL schemes with the accepted ones whose bits
    ///   are set in 32; 33 ≡ 15 (mod 16): add any scheme, maybe a rejected
    ///   one;
    /// - 34: relative URLs (keep, deny, pass, rewrite against base 35);
    /// - 36 ≡ 1 (mod 4): link rel (maybe rejected);
    /// - 37: comments (keep, on, off);
    /// - 38: other tags (keep, unwrap, drop, escape, or `Keep`: a build
    ///   error);
    /// - 39 ≡ 3 (mod 4): limits from 40–42 (some zero: a build error);
    /// - 43 ≡ 1 (mod 4): style properties; ≡ 3: and `style` on every
    ///   kept tag;
    /// - 44 ≡ 1 (mod 4): id prefix `user-content-`; ≡ 3: an invalid one
    ///   (a build error);
    /// - 46, two bits each (0: none): a value list (`ol type`, `a target`,
    ///   `dir` on the tag of byte 47), classes (`code`, the tag of byte 47,
    ///   `span`), attribute prefixes (`data-`, `data-` and `aria-`, `x-`),
    ///   a forced attribute (`img loading`, `referrerpolicy` on the tag of
    ///   byte 47, `img decoding`); one that collides with an attribute the
    ///   other knobs allow is a build error (the refused names and
    ///   prefixes have tests of their own, so the knobs keep most
    ///   policies buildable).
    ///
    /// Every byte has a fixed place, so a mutation changes one knob; past
    /// the end every byte is 0, the first choice.
    ///
    /// ```
    /// use safe_markup_check::fuzz::{Base, PolicySpec};
    ///
    /// let spec = PolicySpec::from_knobs(&[2]);
    /// assert_eq!(spec.base, Base::Strict);
    /// assert!(spec.tags.is_empty() && spec.schemes.is_none());
    ///
    /// // Byte 46: a value list, classes, a prefix and a forced attribute.
    /// let mut knobs = [0u8; 48];
    /// knobs[0] = 1;
    /// knobs[46] = 0b01_01_01_01;
    /// let policy = PolicySpec::from_knobs(&knobs).build().unwrap();
    /// assert_eq!(
    ///     policy.clean(r#"<ol type="x" data-n="1"><li><code class="hljs z">c</code><img></li></ol>"#),
    ///     r#"<ol data-n="1"><li><code class="hljs">c</code><img loading="lazy"></li></ol>"#
    /// );
    /// ```
    pub fn from_knobs(bytes: &[u8]) -> PolicySpec {
        let k = Knobs(bytes);
        let base = k.pick(0, &[Base::Empty, Base::Ugc, Base::Strict, Base::Text]);
        let tags = (0..k.at(1) % 9)
            .map(|i| {
                let slot = 2 + 2 * i;
                (tag_name(k.at(slot)).to_owned(), k.pick(slot + 1, &ACTIONS))
            })
            .collect();
        let attrs = (0..k.at(18) % 7)
            .map(|i| {
                let slot = 19 + 2 * i;
                let tag = k.at(slot);
                // One in four is generic.
                let tag = (tag % 4 != 0).then(|| tag_name(tag / 4).to_owned());
                (tag, attr_name(k.at(slot + 1)).to_owned())
            })
            .collect();
        let schemes = (k.at(31) % 2 == 1).then(|| {
            let bits = k.at(32);
            let mut schemes: Vec<String> = accepted_schemes()
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << (i % 8)) != 0)
                .map(|(_, s)| (*s).to_owned())
                .collect();
            // One in sixteen adds a scheme the builder may reject.
            if k.at(33) % 16 == 15 {
                schemes.push(SCHEMES[(k.at(33) / 16) % SCHEMES.len()].to_owned());
            }
            schemes
        });
        let relative = match k.at(34) % 8 {
            0..=3 => None,
            4 | 5 => Some(RelativeUrls::Deny),
            6 => Some(RelativeUrls::Pass),
            _ => Some(RelativeUrls::Rewrite(k.pick(35, BASES).to_owned())),
        };
        let link_rel = (k.at(36) % 4 == 1).then(|| RELS[(k.at(36) / 4) % RELS.len()].to_owned());
        let comments = match k.at(37) % 3 {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
        let other = match k.at(38) % 16 {
            0..=7 => None,
            8..=10 => Some(TagAction::Unwrap),
            11..=12 => Some(TagAction::Drop),
            13..=14 => Some(TagAction::Escape),
            _ => Some(TagAction::Keep),
        };
        let limits = (k.at(39) % 4 == 3).then(|| {
            let mut limits = Limits::default();
            limits.max_input_bytes = k.pick(40, MAX_INPUT_BYTES);
            limits.max_depth = k.pick(41, MAX_DEPTH);
            limits.max_nodes = k.pick(42, MAX_NODES);
            limits.max_nesting_per_byte = k.pick(45, MAX_NESTING_PER_BYTE);
            limits
        });
        let style = match k.at(43) % 4 {
            1 => Some(false),
            3 => Some(true),
            _ => None,
        };
        let id_prefix = match k.at(44) % 4 {
            1 => Some("user-content-".to_owned()),
            3 => Some("user content".to_owned()),
            _ => None,
        };
        let refine = k.at(46);
        let other_tag = tag_name(k.at(47)).to_owned();
        let strings = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let attr_values = match refine & 3 {
            0 => vec![],
            1 => vec![("ol".into(), "type".into(), strings(&["1", "a", "i"]))],
            2 => vec![("a".into(), "target".into(), strings(&["_blank"]))],
            _ => vec![(other_tag.clone(), "dir".into(), strings(&["ltr", "rtl"]))],
        };
        let classes = match (refine >> 2) & 3 {
            0 => vec![],
            1 => vec![("code".into(), strings(&["language-*", "hljs"]))],
            2 => vec![(other_tag.clone(), strings(&["x", "y-*"]))],
            _ => vec![("span".into(), strings(&["spoiler"]))],
        };
        let attr_prefixes = match (refine >> 4) & 3 {
            0 => None,
            1 => Some(strings(&["data-"])),
            2 => Some(strings(&["data-", "aria-"])),
            _ => Some(strings(&["x-"])),
        };
        let forced = match (refine >> 6) & 3 {
            0 => vec![],
            1 => vec![("img".into(), "loading".into(), "lazy".into())],
            2 => vec![(other_tag, "referrerpolicy".into(), "no-referrer".into())],
            _ => vec![("img".into(), "decoding".into(), "async".into())],
        };
        PolicySpec {
            base,
            tags,
            attrs,
            schemes,
            relative,
            link_rel,
            comments,
            other,
            limits,
            style,
            id_prefix,
            attr_values,
            classes,
            attr_prefixes,
            forced,
        }
    }

    /// Builds the policy.
    ///
    /// ```
    /// use safe_markup_check::fuzz::PolicySpec;
    ///
    /// assert!(PolicySpec::from_knobs(&[1]).build().is_ok());
    /// ```
    pub fn build(&self) -> Result<Policy, PolicyError> {
        let mut b = match self.base {
            Base::Empty => Policy::builder(),
            Base::Ugc => Policy::ugc().to_builder(),
            Base::Strict => Policy::strict().to_builder(),
            Base::Text => Policy::text().to_builder(),
        };
        for (tag, action) in &self.tags {
            let one = [tag.as_str()];
            b = match action {
                TagAction::Keep => b.allow_tags(one),
                TagAction::Unwrap => b.unwrap_tags(one),
                TagAction::Drop => b.drop_tags(one),
                TagAction::Escape => b.escape_tags(one),
            };
        }
        for (tag, attr) in &self.attrs {
            b = match tag {
                Some(tag) => b.allow_attrs(tag, [attr]),
                None => b.allow_generic_attrs([attr]),
            };
        }
        if let Some(schemes) = &self.schemes {
            b = b.url_schemes(schemes);
        }
        if let Some(relative) = &self.relative {
            b = b.relative_urls(relative.clone());
        }
        if let Some(rel) = &self.link_rel {
            b = b.link_rel(rel);
        }
        if let Some(comments) = self.comments {
            b = b.comments(comments);
        }
        if let Some(other) = self.other {
            b = b.other_tags(other);
        }
        if let Some(limits) = self.limits {
            b = b.limits(limits);
        }
        if let Some(everywhere) = self.style {
            b = b.allow_style_properties(STYLE_PROPERTIES);
            if everywhere {
                b = b.allow_generic_attrs(["style"]);
            }
        }
        if let Some(prefix) = &self.id_prefix {
            b = b.id_prefix(prefix);
        }
        for (tag, attr, values) in &self.attr_values {
            b = b.attr_values(tag, attr, values);
        }
        for (tag, classes) in &self.classes {
            b = b.allowed_classes(tag, classes);
        }
        if let Some(prefixes) = &self.attr_prefixes {
            b = b.allow_attr_prefixes(prefixes);
        }
        for (tag, attr, value) in &self.forced {
            b = b.force_attr(tag, attr, value);
        }
        b.build()
    }

    /// What the built policy must do, from the spec (not from probes):
    /// every preset removes comments and passes relative URLs.
    ///
    /// ```
    /// use safe_markup_check::fuzz::PolicySpec;
    ///
    /// assert!(PolicySpec::from_knobs(&[3]).expect().text_only);
    /// ```
    pub fn expect(&self) -> Expect {
        Expect {
            text_only: self.base == Base::Text,
            comments: self.comments.unwrap_or(false),
            relative_urls: Some(matches!(self.relative, None | Some(RelativeUrls::Pass))),
        }
    }

    /// The spec as Rust builder calls, for reports.
    ///
    /// ```
    /// use safe_markup_check::fuzz::PolicySpec;
    ///
    /// assert_eq!(PolicySpec::from_knobs(&[1]).to_rust(), "Policy::ugc().to_builder().build()");
    /// ```
    pub fn to_rust(&self) -> String {
        let mut out = match self.base {
            Base::Empty => "Policy::builder()",
            Base::Ugc => "Policy::ugc().to_builder()",
            Base::Strict => "Policy::strict().to_builder()",
            Base::Text => "Policy::text().to_builder()",
        }
        .to_owned();
        for (tag, action) in &self.tags {
            let call = match action {
                TagAction::Keep => "allow_tags",
                TagAction::Unwrap => "unwrap_tags",
                TagAction::Drop => "drop_tags",
                TagAction::Escape => "escape_tags",
            };
            out.push_str(&format!(".{call}([{tag:?}])"));
        }
        for (tag, attr) in &self.attrs {
            match tag {
                Some(tag) => out.push_str(&format!(".allow_attrs({tag:?}, [{attr:?}])")),
                None => out.push_str(&format!(".allow_generic_attrs([{attr:?}])")),
            }
        }
        if let Some(schemes) = &self.schemes {
            out.push_str(&format!(".url_schemes({schemes:?})"));
        }
        if let Some(relative) = &self.relative {
            let relative = match relative {
                RelativeUrls::Rewrite(base) => format!("RelativeUrls::Rewrite({base:?}.into())"),
                other => format!("RelativeUrls::{other:?}"),
            };
            out.push_str(&format!(".relative_urls({relative})"));
        }
        if let Some(rel) = &self.link_rel {
            out.push_str(&format!(".link_rel({rel:?})"));
        }
        if let Some(comments) = self.comments {
            out.push_str(&format!(".comments({comments})"));
        }
        if let Some(other) = self.other {
            out.push_str(&format!(".other_tags(TagAction::{other:?})"));
        }
        if let Some(l) = self.limits {
            out.push_str(&format!(
                ".limits(Limits {{ max_input_bytes: {}, max_depth: {}, max_nodes: {}, max_nesting_per_byte: {} }})",
                l.max_input_bytes, l.max_depth, l.max_nodes, l.max_nesting_per_byte
            ));
        }
        if let Some(everywhere) = self.style {
            out.push_str(".allow_style_properties(STYLE_PROPERTIES)");
            if everywhere {
                out.push_str(r#".allow_generic_attrs(["style"])"#);
            }
        }
        if let Some(prefix) = &self.id_prefix {
            out.push_str(&format!(".id_prefix({prefix:?})"));
        }
        for (tag, attr, values) in &self.attr_values {
            out.push_str(&format!(".attr_values({tag:?}, {attr:?}, {values:?})"));
        }
        for (tag, classes) in &self.classes {
            out.push_str(&format!(".allowed_classes({tag:?}, {classes:?})"));
        }
        if let Some(prefixes) = &self.attr_prefixes {
            out.push_str(&format!(".allow_attr_prefixes({prefixes:?})"));
        }
        for (tag, attr, value) in &self.forced {
            out.push_str(&format!(".force_attr({tag:?}, {attr:?}, {value:?})"));
        }
        out.push_str(".build()");
        out
    }
}
