//! The output invariants of DESIGN.md, checked for every preset (`ugc`,
//! `strict`, `text`) on the shared corpora (`diary/`, `pages/`, `xss/`) and
//! on generated tag soup:
//!
//! 1. total: cleaning does not panic;
//! 2. allowlist: the output, re-parsed by `markup5ever_rcdom`, holds only
//!    kept HTML elements, allowed attributes and URLs with allowed schemes
//!    (or relative), and no comments;
//! 3. stable: the re-parse serializes (with the independent serializer in
//!    `support`) to the output byte for byte, and cleaning the output again
//!    gives it back;
//! 4. contained: markup appended to the output is parsed as if the output
//!    were not there;
//! 5. faithful: the text of kept and unwrapped content survives (for the
//!    text preset: the whole input, as text).
//!
//! Each corpus × preset is one test that lists every failure it found; the
//! work is shared through `OnceLock`s with `case_counts`, which prints how
//! many cases each invariant was checked on (`--nocapture`).

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock};

use markup5ever_rcdom::{Handle, NodeData};
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use safe_markup::{Policy, TagAction};

use crate::support::{self, Fragment};

/// Appended to the output for the containment check.
const SENTINEL: &str = "<p id=sentinel></p>";

/// How many failures a test message lists.
const SHOWN: usize = 20;

/// Generated inputs per preset (`PROPTEST_CASES` overrides).
const GENERATED_CASES: u32 = 256;

/// Attributes holding one URL, a list of URLs, or image candidates.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "longdesc",
    "ping",
    "srcset",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PresetName {
    Ugc,
    Strict,
    Text,
}

impl PresetName {
    const ALL: [PresetName; 3] = [PresetName::Ugc, PresetName::Strict, PresetName::Text];

    fn as_str(self) -> &'static str {
        match self {
            PresetName::Ugc => "ugc",
            PresetName::Strict => "strict",
            PresetName::Text => "text",
        }
    }
}

struct Preset {
    name: PresetName,
    policy: Policy,
    /// The policy writes `rel` on `a` and `area` itself (its link rel).
    adds_rel: bool,
    /// The text preset, for the limit fallback.
    text: Policy,
}

impl Preset {
    fn new(name: PresetName) -> Preset {
        let (policy, adds_rel) = match name {
            PresetName::Ugc => (Policy::ugc(), true),
            PresetName::Strict => (Policy::strict(), true),
            PresetName::Text => (Policy::text(), false),
        };
        Preset {
            name,
            policy,
            adds_rel,
            text: Policy::text(),
        }
    }

    fn is_text(&self) -> bool {
        self.name == PresetName::Text
    }
}

/// How many cases each invariant was checked on.
#[derive(Clone, Debug, Default)]
struct Stats {
    /// Inputs cleaned.
    cases: usize,
    /// Inputs whose cleaning panicked (invariant 1); nothing else is
    /// checked for them.
    panicked: usize,
    /// Outputs re-parsed and checked against the allowlist.
    allowlist: usize,
    /// Elements and URL values checked in those outputs.
    elements: usize,
    urls: usize,
    /// Outputs checked to re-serialize byte for byte.
    reserialized: usize,
    /// Outputs cleaned again.
    idempotent: usize,
    /// Outputs checked with markup appended.
    contained: usize,
    /// Faithful, by text nodes of the input (ugc, strict).
    faithful_nodes: usize,
    /// Text nodes of inputs found in the outputs.
    text_nodes: usize,
    /// Faithful, as whole text (text preset).
    faithful_text: usize,
    /// Inputs past a limit: output compared with the text preset's.
    limit_fallback: usize,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.cases += other.cases;
        self.panicked += other.panicked;
        self.allowlist += other.allowlist;
        self.elements += other.elements;
        self.urls += other.urls;
        self.reserialized += other.reserialized;
        self.idempotent += other.idempotent;
        self.contained += other.contained;
        self.faithful_nodes += other.faithful_nodes;
        self.text_nodes += other.text_nodes;
        self.faithful_text += other.faithful_text;
        self.limit_fallback += other.limit_fallback;
    }

    fn faithful(&self) -> usize {
        self.faithful_nodes + self.faithful_text + self.limit_fallback
    }
}

/// What one corpus × preset run found.
struct Outcome {
    inputs: usize,
    /// How long the run took (on one thread).
    elapsed: std::time::Duration,
    failures: Vec<String>,
    stats: Stats,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".to_owned())
}

/// Checks every invariant on one input; failures are pushed as
/// `"<case> [<preset>] <invariant>: <what>"`.
fn check_case(
    preset: &Preset,
    case: &str,
    input: &str,
    stats: &mut Stats,
    failures: &mut Vec<String>,
) {
    let tag = format!("{case} [{}]", preset.name.as_str());
    let mut fail = |invariant: &str, what: String| {
        failures.push(format!("{tag} {invariant}: {what}"));
    };
    stats.cases += 1;

    // 1. Total.
    let cleaned = match catch_unwind(AssertUnwindSafe(|| preset.policy.clean_report(input))) {
        Ok(cleaned) => cleaned,
        Err(payload) => {
            stats.panicked += 1;
            fail(
                "total",
                format!("clean panicked: {}", panic_message(&*payload)),
            );
            return;
        }
    };
    let limited = cleaned.report.limit_exceeded().is_some();
    check_output(preset, input, &cleaned.html, limited, stats, &mut fail);
}

/// Invariants 2 to 5 on one output of `preset` for `input`; `limited`:
/// the report says a limit was exceeded.
fn check_output(
    preset: &Preset,
    input: &str,
    output: &str,
    limited: bool,
    stats: &mut Stats,
    fail: &mut impl FnMut(&str, String),
) {
    // 2. Allowlist.
    let parsed = support::parse_fragment(output);
    let root = parsed.root();
    stats.allowlist += 1;
    check_allowlist(preset, &root, stats, fail);

    // 3. Stable.
    stats.reserialized += 1;
    let reserialized = support::serialize_children(&root);
    if reserialized != output {
        fail(
            "stable (re-parse and serialize)",
            support::first_difference(output, &reserialized),
        );
    }
    stats.idempotent += 1;
    // For the text preset, cleaning the escaped output again escapes it
    // once more by design; the fixed point there is the output's text.
    let again_input = if preset.is_text() {
        support::text_content(&root)
    } else {
        output.to_owned()
    };
    match catch_unwind(AssertUnwindSafe(|| preset.policy.clean(&again_input))) {
        Ok(again) if again != output => fail(
            if preset.is_text() {
                "stable (clean(text(clean(x))) == clean(x))"
            } else {
                "stable (clean(clean(x)) == clean(x))"
            },
            support::first_difference(output, &again),
        ),
        Ok(_) => {}
        Err(payload) => fail(
            "total",
            format!("clean of the output panicked: {}", panic_message(&*payload)),
        ),
    }

    // 4. Contained.
    stats.contained += 1;
    check_contained(output, &reserialized, fail);

    // 5. Faithful.
    if limited {
        stats.limit_fallback += 1;
        let as_text = preset.text.clean(input);
        if output != as_text {
            fail(
                "faithful (limit exceeded: output is the text preset's)",
                support::first_difference(&as_text, output),
            );
        }
    } else if preset.is_text() {
        stats.faithful_text += 1;
        let want = input
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\0', "\u{fffd}");
        let got = support::text_content(&root);
        if got != want {
            fail(
                "faithful (text of output == input)",
                support::first_difference(&want, &got),
            );
        }
    } else {
        stats.faithful_nodes += 1;
        check_faithful(preset, input, &root, stats, fail);
    }
}

/// Invariant 2 on the re-parsed output.
fn check_allowlist(
    preset: &Preset,
    root: &Handle,
    stats: &mut Stats,
    fail: &mut impl FnMut(&str, String),
) {
    let policy = &preset.policy;
    for node in support::descendants(root) {
        match &node.data {
            NodeData::Text { .. } => {}
            NodeData::Comment { contents } => fail(
                "allowlist (comment)",
                format!("comment {}", support::snippet(contents, 60)),
            ),
            NodeData::Element { name, attrs, .. } => {
                stats.elements += 1;
                let tag = &*name.local;
                if name.ns != html5ever::ns!(html) {
                    fail(
                        "allowlist (element)",
                        format!("<{tag}> in namespace {}", &*name.ns),
                    );
                } else if policy.tag_action(tag) != TagAction::Keep {
                    fail(
                        "allowlist (element)",
                        format!("<{tag}> has action {:?}", policy.tag_action(tag)),
                    );
                }
                for a in attrs.borrow().iter() {
                    let attr = &*a.name.local;
                    let shown = match &a.name.prefix {
                        Some(p) => format!("{}:{attr}", &**p),
                        None => attr.to_owned(),
                    };
                    let allowed = a.name.ns == html5ever::ns!()
                        && (policy.allows_attr(tag, attr)
                            || (preset.adds_rel && attr == "rel" && matches!(tag, "a" | "area")));
                    if !allowed {
                        fail(
                            "allowlist (attribute)",
                            format!(
                                "<{tag} {shown}={}> not allowed",
                                support::snippet(&a.value, 60)
                            ),
                        );
                    }
                    if URL_ATTRS.contains(&attr) {
                        for url in url_values(attr, &a.value) {
                            stats.urls += 1;
                            if let Some(why) = url_refused(preset, url) {
                                fail(
                                    "allowlist (URL)",
                                    format!(
                                        "<{tag} {shown}={}>: {why}",
                                        support::snippet(&a.value, 80)
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            NodeData::Doctype { name, .. } => {
                fail("allowlist (doctype)", format!("<!DOCTYPE {name}>"))
            }
            NodeData::ProcessingInstruction { target, .. } => {
                fail("allowlist (processing instruction)", format!("<?{target}>"))
            }
            NodeData::Document => fail("allowlist (document)", "document node".to_owned()),
        }
    }
}

/// The URLs in one attribute value: the whole value, each entry of a
/// `ping` list, or each `srcset` candidate's URL.
fn url_values<'a>(attr: &str, value: &'a str) -> Vec<&'a str> {
    match attr {
        "ping" => value
            .split([' ', '\t', '\n', '\x0c', '\r'])
            .filter(|s| !s.is_empty())
            .collect(),
        "srcset" => srcset_urls(value),
        _ => vec![value],
    }
}

/// The candidate URLs of a `srcset` value, per the HTML "parse a srcset
/// attribute" steps: skip whitespace and commas, a URL is a run of
/// non-whitespace (trailing commas end the candidate), descriptors run to
/// the next comma outside parentheses.
fn srcset_urls(value: &str) -> Vec<&str> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
    let mut urls = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c| is_space(c) || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        rest = after;
        if url.ends_with(',') {
            urls.push(url.trim_end_matches(','));
            continue;
        }
        urls.push(url);
        // Skip the descriptors, up to a comma outside parentheses.
        let mut in_parens = false;
        let mut stop = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => in_parens = true,
                ')' => in_parens = false,
                ',' if !in_parens => {
                    stop = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[stop..];
    }
}

/// Why a URL in the output is not acceptable, if it is not.
fn url_refused(preset: &Preset, url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Ok(parsed) if preset.policy.allows_scheme(parsed.scheme()) => None,
        Ok(parsed) => Some(format!("scheme `{}` not allowed", parsed.scheme())),
        Err(url::ParseError::RelativeUrlWithoutBase) => None,
        Err(e) => Some(format!(
            "URL {} does not parse: {e}",
            support::snippet(url, 60)
        )),
    }
}

/// Invariant 4: `output + SENTINEL` parses as the output followed by the
/// sentinel, a childless `p` directly in the fragment root, last.
/// `reserialized` is the output parsed alone and serialized: what precedes
/// the sentinel must serialize to the same (a difference there is a
/// containment failure; one between it and the output is a stability one).
fn check_contained(output: &str, reserialized: &str, fail: &mut impl FnMut(&str, String)) {
    let combined = format!("{output}{SENTINEL}");
    let parsed: Fragment = support::parse_fragment(&combined);
    let root = parsed.root();
    let sentinels: Vec<Handle> = support::descendants(&root)
        .into_iter()
        .filter(|n| {
            support::element_name(n).is_some_and(|q| &*q.local == "p")
                && support::attr(n, "id").as_deref() == Some("sentinel")
        })
        .collect();
    let Some(sentinel) = sentinels.last() else {
        fail("contained", "sentinel <p> not found".to_owned());
        return;
    };
    let kids = root.children.borrow().clone();
    let is_child = kids.iter().any(|k| std::rc::Rc::ptr_eq(k, sentinel));
    if !is_child {
        let parent = sentinel
            .parent
            .take()
            .and_then(|weak| {
                let strong = weak.upgrade();
                sentinel.parent.set(Some(weak));
                strong
            })
            .and_then(|p| support::element_name(&p).map(|q| q.local.to_string()))
            .unwrap_or_else(|| "?".to_owned());
        fail(
            "contained",
            format!("the sentinel <p> after the output ended up inside <{parent}>"),
        );
        return;
    }
    if !kids
        .last()
        .is_some_and(|k| std::rc::Rc::ptr_eq(k, sentinel))
        || !sentinel.children.borrow().is_empty()
    {
        fail(
            "contained",
            "the sentinel <p> is not the last, empty child of the root".to_owned(),
        );
        return;
    }
    // What precedes the sentinel is the output, parsed as it was alone.
    let before = support::serialize_nodes(&kids[..kids.len() - 1]);
    if before != reserialized {
        fail(
            "contained (output parsed differently when followed by markup)",
            support::first_difference(reserialized, &before),
        );
    }
}

/// Invariant 5 for ugc and strict: every non-blank text node of the input
/// that is not inside a dropped element appears in the output's text.
fn check_faithful(
    preset: &Preset,
    input: &str,
    out_root: &Handle,
    stats: &mut Stats,
    fail: &mut impl FnMut(&str, String),
) {
    let out_text = support::text_content(out_root);
    let parsed = support::parse_fragment(input);
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
                let dropped = dropped || preset.policy.tag_action(&name.local) == TagAction::Drop;
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
                let text = contents.trim();
                if text.is_empty() {
                    continue;
                }
                stats.text_nodes += 1;
                let found = out_text[cursor..]
                    .find(text)
                    .map(|i| cursor + i)
                    .or_else(|| out_text.find(text));
                match found {
                    Some(i) => cursor = i + text.len(),
                    None => fail(
                        "faithful (text lost)",
                        format!("text {} not in the output", support::snippet(text, 80)),
                    ),
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Runs, shared between the tests through OnceLocks.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Corpus {
    Diary,
    Pages,
    Xss,
    Generated,
}

impl Corpus {
    const ALL: [Corpus; 4] = [Corpus::Diary, Corpus::Pages, Corpus::Xss, Corpus::Generated];

    fn as_str(self) -> &'static str {
        match self {
            Corpus::Diary => "diary",
            Corpus::Pages => "pages",
            Corpus::Xss => "xss",
            Corpus::Generated => "generated",
        }
    }
}

/// `(case name, input)` pairs.
type Inputs = Vec<(String, String)>;

/// The inputs of a file corpus, read once.
fn load(corpus: Corpus) -> &'static Inputs {
    static DIARY: OnceLock<Inputs> = OnceLock::new();
    static PAGES: OnceLock<Inputs> = OnceLock::new();
    static XSS: OnceLock<Inputs> = OnceLock::new();
    match corpus {
        Corpus::Diary => DIARY.get_or_init(|| support::html_files("diary")),
        Corpus::Pages => PAGES.get_or_init(|| support::html_files("pages")),
        Corpus::Xss => XSS.get_or_init(support::xss_vectors),
        Corpus::Generated => unreachable!("generated inputs are not loaded"),
    }
}

fn run_files(corpus: Corpus, preset: &Preset) -> Outcome {
    let start = std::time::Instant::now();
    let inputs = load(corpus);
    let mut stats = Stats::default();
    let mut failures = Vec::new();
    for (case, input) in inputs {
        check_case(preset, case, input, &mut stats, &mut failures);
    }
    Outcome {
        inputs: inputs.len(),
        elapsed: start.elapsed(),
        failures,
        stats,
    }
}

fn run_generated(preset: &Preset) -> Outcome {
    let start = std::time::Instant::now();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(GENERATED_CASES);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let stats = Mutex::new(Stats::default());
    let generated = Mutex::new(0usize);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&support::tag_soup(), |input| {
        *generated.lock().unwrap() += 1;
        let mut failures = Vec::new();
        let mut case_stats = Stats::default();
        check_case(preset, "generated", &input, &mut case_stats, &mut failures);
        stats.lock().unwrap().add(&case_stats);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(failures.join("\n    ")))
        }
    });
    let failures = match result {
        Ok(()) => Vec::new(),
        Err(TestError::Fail(reason, minimal)) => vec![format!(
            "generated [{}]: minimal failing input {minimal:?}; output {:?}:\n    {reason}",
            preset.name.as_str(),
            preset.policy.clean(&minimal)
        )],
        Err(TestError::Abort(reason)) => vec![format!(
            "generated [{}]: proptest aborted: {reason}",
            preset.name.as_str()
        )],
    };
    let inputs = generated.into_inner().unwrap();
    Outcome {
        inputs,
        elapsed: start.elapsed(),
        failures,
        stats: stats.into_inner().unwrap(),
    }
}

fn outcome(corpus: Corpus, preset: PresetName) -> &'static Outcome {
    static RUNS: OnceLock<BTreeMap<(Corpus, PresetName), OnceLock<Outcome>>> = OnceLock::new();
    let runs = RUNS.get_or_init(|| {
        let mut map = BTreeMap::new();
        for c in Corpus::ALL {
            for p in PresetName::ALL {
                map.insert((c, p), OnceLock::new());
            }
        }
        map
    });
    runs[&(corpus, preset)].get_or_init(|| {
        let preset = Preset::new(preset);
        match corpus {
            Corpus::Generated => run_generated(&preset),
            _ => run_files(corpus, &preset),
        }
    })
}

fn assert_clean(corpus: Corpus, preset: PresetName) {
    let outcome = outcome(corpus, preset);
    let failures = &outcome.failures;
    assert!(
        failures.is_empty(),
        "{} invariant failure(s) in {} [{}] (showing {}):\n  - {}",
        failures.len(),
        corpus.as_str(),
        preset.as_str(),
        failures.len().min(SHOWN),
        failures
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n  - ")
    );
}

#[test]
fn diary_ugc() {
    assert_clean(Corpus::Diary, PresetName::Ugc);
}

#[test]
fn diary_strict() {
    assert_clean(Corpus::Diary, PresetName::Strict);
}

#[test]
fn diary_text() {
    assert_clean(Corpus::Diary, PresetName::Text);
}

#[test]
fn pages_ugc() {
    assert_clean(Corpus::Pages, PresetName::Ugc);
}

#[test]
fn pages_strict() {
    assert_clean(Corpus::Pages, PresetName::Strict);
}

#[test]
fn pages_text() {
    assert_clean(Corpus::Pages, PresetName::Text);
}

#[test]
fn xss_ugc() {
    assert_clean(Corpus::Xss, PresetName::Ugc);
}

#[test]
fn xss_strict() {
    assert_clean(Corpus::Xss, PresetName::Strict);
}

#[test]
fn xss_text() {
    assert_clean(Corpus::Xss, PresetName::Text);
}

#[test]
fn generated_ugc() {
    assert_clean(Corpus::Generated, PresetName::Ugc);
}

#[test]
fn generated_strict() {
    assert_clean(Corpus::Generated, PresetName::Strict);
}

#[test]
fn generated_text() {
    assert_clean(Corpus::Generated, PresetName::Text);
}

/// Prints how many cases each invariant was checked on, per corpus and
/// preset (run with `--nocapture`), and checks that every input was
/// checked for every invariant. Shares its runs with the tests above (it
/// walks them in reverse, so two test threads split the work).
#[test]
fn case_counts() {
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    for corpus in Corpus::ALL.into_iter().rev() {
        for preset in PresetName::ALL.into_iter().rev() {
            let o = outcome(corpus, preset);
            let s = &o.stats;
            let name = format!("{} [{}]", corpus.as_str(), preset.as_str());
            lines.push(format!(
                "{name:<18} inputs {:>4}  total {:>4}  allowlist {:>4} ({} elements, {} URLs)  \
                 stable {:>4}+{:>4}  contained {:>4}  faithful {:>4} ({} by text node: {} nodes; \
                 {} as whole text; {} past a limit)  failures {}  ({:.1} s)",
                o.inputs,
                s.cases - s.panicked,
                s.allowlist,
                s.elements,
                s.urls,
                s.reserialized,
                s.idempotent,
                s.contained,
                s.faithful(),
                s.faithful_nodes,
                s.text_nodes,
                s.faithful_text,
                s.limit_fallback,
                o.failures.len(),
                o.elapsed.as_secs_f64(),
            ));
            let checked = s.cases - s.panicked;
            if o.inputs == 0 {
                problems.push(format!("{name}: no inputs"));
            }
            if corpus != Corpus::Generated && s.cases != o.inputs {
                problems.push(format!("{name}: {} inputs, {} cleaned", o.inputs, s.cases));
            }
            for (invariant, count) in [
                ("allowlist", s.allowlist),
                ("stable (re-serialize)", s.reserialized),
                ("stable (clean again)", s.idempotent),
                ("contained", s.contained),
                ("faithful", s.faithful()),
            ] {
                if count != checked {
                    problems.push(format!(
                        "{name}: {invariant} checked on {count} of {checked} cases"
                    ));
                }
            }
        }
    }
    lines.reverse();
    eprintln!("invariant checks per corpus and preset:");
    for line in &lines {
        eprintln!("  {line}");
    }
    let mut totals = Stats::default();
    for corpus in Corpus::ALL {
        for preset in PresetName::ALL {
            totals.add(&outcome(corpus, preset).stats);
        }
    }
    eprintln!(
        "  total: {} cases, {} elements and {} URLs checked, {} text nodes found",
        totals.cases, totals.elements, totals.urls, totals.text_nodes
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Controls: the checks catch what they are meant to catch, so a green run
// means something.

/// Runs invariants 2 to 5 on a hand-written `output` for `input`.
fn failures_for(preset: &Preset, input: &str, output: &str, limited: bool) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail = |invariant: &str, what: String| failures.push(format!("{invariant}: {what}"));
    check_output(
        preset,
        input,
        output,
        limited,
        &mut Stats::default(),
        &mut fail,
    );
    failures
}

#[test]
fn checks_catch_bad_outputs() {
    let ugc = Preset::new(PresetName::Ugc);
    let strict = Preset::new(PresetName::Strict);
    let text = Preset::new(PresetName::Text);
    // (preset, input, output, limit exceeded, the invariant that must fail)
    let bad: &[(&Preset, &str, &str, bool, &str)] = &[
        (
            &ugc,
            "",
            "<script>x()</script>",
            false,
            "allowlist (element)",
        ),
        (&ugc, "", "<font>x</font>", false, "allowlist (element)"),
        (
            &ugc,
            "",
            "<svg><desc>x</desc></svg>",
            false,
            "allowlist (element)",
        ),
        (&strict, "", "<p>x</p>", false, "allowlist (element)"),
        (
            &ugc,
            "",
            r#"<p onclick="x()">t</p>"#,
            false,
            "allowlist (attribute)",
        ),
        (
            &strict,
            "",
            r#"<a rel="x" hreflang="en">t</a>"#,
            false,
            "allowlist (attribute)",
        ),
        (
            &ugc,
            "",
            r#"<a href="javascript:alert(1)">t</a>"#,
            false,
            "allowlist (URL)",
        ),
        (
            &ugc,
            "",
            r#"<a href=" java&#9;script:alert(1)">t</a>"#,
            false,
            "allowlist (URL)",
        ),
        (
            &strict,
            "",
            r#"<a href="ftp://x.test/">t</a>"#,
            false,
            "allowlist (URL)",
        ),
        (
            &ugc,
            "",
            r#"<img src="http://[::1">"#,
            false,
            "allowlist (URL)",
        ),
        (
            &ugc,
            "",
            r#"<img srcset="a.png 1x, data:x 2x">"#,
            false,
            "allowlist (URL)",
        ),
        (&ugc, "", "a<!--c-->", false, "allowlist (comment)"),
        (&ugc, "", "<b>x", false, "stable (re-parse and serialize)"),
        (
            &ugc,
            "",
            "<table><tr><td>x</td></tr></table>",
            false,
            "stable (re-parse and serialize)",
        ),
        (
            &ugc,
            "",
            "<p title='t'>x</p>",
            false,
            "stable (re-parse and serialize)",
        ),
        (
            &ugc,
            "",
            "<br></br>",
            false,
            "stable (re-parse and serialize)",
        ),
        (
            &ugc,
            "",
            "\u{feff}x",
            false,
            "stable (re-parse and serialize)",
        ),
        (
            &ugc,
            "",
            "<pre>\nx</pre>",
            false,
            "stable (re-parse and serialize)",
        ),
        (
            &ugc,
            "",
            "<b><i>x</b></i>",
            false,
            "stable (clean(clean(x)) == clean(x))",
        ),
        (&ugc, "", r#"<a href="x">t"#, false, "contained"),
        (&ugc, "", "<table><tbody><tr><td>x", false, "contained"),
        (&ugc, "", "<textarea>x", false, "contained"),
        (&ugc, "", "x <a", false, "contained"),
        (
            &ugc,
            "hello <b>world</b>",
            "hello ",
            false,
            "faithful (text lost)",
        ),
        (&ugc, "a<font>b</font>", "a", false, "faithful (text lost)"),
        (
            &text,
            "a<b>",
            "a",
            false,
            "faithful (text of output == input)",
        ),
        (
            &text,
            "a<b>",
            "a&lt;b&gt;&amp;",
            false,
            "faithful (text of output == input)",
        ),
        (
            &text,
            "a<",
            "a&#60;",
            false,
            "stable (clean(text(clean(x))) == clean(x))",
        ),
        (&ugc, "<b>x</b>", "x", true, "faithful (limit exceeded"),
    ];
    let mut missed = Vec::new();
    for (preset, input, output, limited, invariant) in bad {
        let failures = failures_for(preset, input, output, *limited);
        if !failures.iter().any(|f| f.starts_with(invariant)) {
            missed.push(format!(
                "[{}] input {input:?}, output {output:?}: expected a `{invariant}` failure, got {failures:?}",
                preset.name.as_str()
            ));
        }
    }
    let good: &[(&Preset, &str, &str)] = &[
        (&ugc, "<b>a</b><script>x</script>", "<b>a</b>"),
        (
            &ugc,
            "<a href=/x>l</a>",
            r#"<a href="/x" rel="noopener noreferrer">l</a>"#,
        ),
        (
            &ugc,
            "<table><td>1",
            "<table><tbody><tr><td>1</td></tr></tbody></table>",
        ),
        (&strict, "<h1>Big <i>news</i></h1>", "Big <i>news</i>"),
        (&text, "a <b>\r\n&\0", "a &lt;b&gt;\n&amp;\u{fffd}"),
        (&text, "\u{feff}x", "&#xFEFF;x"),
    ];
    for (preset, input, output) in good {
        let failures = failures_for(preset, input, output, false);
        if !failures.is_empty() {
            missed.push(format!(
                "[{}] input {input:?}, output {output:?}: expected no failure, got {failures:?}",
                preset.name.as_str()
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn independent_serializer_round_trips() {
    let canonical = concat!(
        r#"<p title="&amp;&quot;&lt;&gt;&nbsp;&#13;'">a&amp;&lt;&gt;&nbsp;&#13;&#xFEFF;"'</p>"#,
        "<pre>\n\nx</pre><pre>y\n</pre><br><img alt=\"\"><hr><wbr>",
        "<table><tbody><tr><td>1</td></tr></tbody></table><ul><li></li></ul>",
    );
    let parsed = support::parse_fragment(canonical);
    assert_eq!(support::serialize_children(&parsed.root()), canonical);
    let messy = "<P TITLE=a&amp;b>x<br/>y</p><pre>\nz</pre>";
    let parsed = support::parse_fragment(messy);
    assert_eq!(
        support::serialize_children(&parsed.root()),
        r#"<p title="a&amp;b">x<br>y</p><pre>z</pre>"#
    );
}

#[test]
fn srcset_candidates() {
    assert_eq!(
        srcset_urls(" a.png 1x, b.png (x, y) 2x,c.png,,  d.png 100w ,e,f"),
        ["a.png", "b.png", "c.png", "d.png", "e,f"]
    );
    assert_eq!(srcset_urls("data:x,y 1x"), ["data:x,y"]);
    assert!(srcset_urls(" , ").is_empty());
}
