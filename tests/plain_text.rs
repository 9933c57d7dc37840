//! Plain text ([`Policy::to_text`]) over the shared corpora and generated
//! tag soup, for the `ugc`, `strict`, `text` and `diary` presets, compared
//! with an
//! independent reading of the clean output (its `markup5ever_rcdom`
//! re-parse):
//!
//! - the words of the plain text are exactly the words of the clean
//!   output's text, where the edges of block elements and `br` separate
//!   words too: nothing is added or lost (no `<` from kept markup, no
//!   dropped `script`), and words of adjacent blocks never run together;
//! - the text starts with no blank line and ends with no whitespace;
//! - outside `pre`, it has no whitespace run other than a space, a tab,
//!   or one or two newlines.
//!
//! The hand-written cases are snapshots (`tests/cases/plain_text.toml`).

use proptest::test_runner::{Config, TestCaseError, TestRunner};
use safe_markup::{Policy, TextOptions};
use safe_markup_check::{Handle, NodeData, parse_fragment, text_content};

use crate::support;

/// How many failures a test message lists.
const SHOWN: usize = 20;

/// Elements a browser lays out as blocks (or that break the line, as
/// `br`): their edges separate words.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

/// The words of the text of `html`, with block edges as separators.
fn block_words(html: &str) -> Vec<String> {
    enum Step {
        Node(Handle),
        Separator,
    }
    let parsed = parse_fragment(html);
    let mut text = String::new();
    let mut stack: Vec<Step> = parsed
        .root()
        .children
        .borrow()
        .iter()
        .rev()
        .map(|n| Step::Node(n.clone()))
        .collect();
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Separator => {
                text.push(' ');
                continue;
            }
            Step::Node(node) => node,
        };
        match &node.data {
            NodeData::Text { contents } => text.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => {
                let block = BLOCKS.contains(&&*name.local);
                if block {
                    text.push(' ');
                    stack.push(Step::Separator);
                }
                stack.extend(
                    node.children
                        .borrow()
                        .iter()
                        .rev()
                        .map(|n| Step::Node(n.clone())),
                );
            }
            _ => {}
        }
    }
    text.split(is_space)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Checks the plain text of `input`; failures are pushed as
/// `"<case> [<preset>]: <what>"`.
fn check_text(preset: &str, policy: &Policy, case: &str, input: &str, failures: &mut Vec<String>) {
    let mut fail = |what: String| failures.push(format!("{case} [{preset}]: {what}"));
    let clean = policy.clean(input);
    let text = policy.to_text(input);
    let want = block_words(&clean);
    let got: Vec<&str> = text.split(is_space).filter(|w| !w.is_empty()).collect();
    if got != want {
        let at = got
            .iter()
            .zip(&want)
            .position(|(g, w)| g != w)
            .unwrap_or_else(|| got.len().min(want.len()));
        fail(format!(
            "words differ at word {at} ({} vs {} words): expected {:?}, got {:?}",
            want.len(),
            got.len(),
            want.get(at..(at + 5).min(want.len())).unwrap_or_default(),
            got.get(at..(at + 5).min(got.len())).unwrap_or_default(),
        ));
    }
    // Said separately, as it is the point of the check above: every `<`
    // in the text is one the clean output shows as text.
    let shown = text_content(&parse_fragment(&clean).root())
        .matches('<')
        .count();
    if text.matches('<').count() != shown {
        fail(format!(
            "{} `<` in the text, {shown} in the clean output's text",
            text.matches('<').count()
        ));
    }
    if text.starts_with('\n') {
        fail("starts with a blank line".to_owned());
    }
    if text.ends_with(is_space) {
        fail("ends with whitespace".to_owned());
    }
    let has_pre = clean.contains("<pre") || clean.contains("<listing");
    if !has_pre {
        for run in text.split(|c: char| !is_space(c)).filter(|r| !r.is_empty()) {
            if !matches!(run, " " | "\t" | "\n" | "\n\n") {
                fail(format!("whitespace run {run:?} outside pre"));
                break;
            }
        }
    }
}

fn policy(preset: &str) -> Policy {
    Policy::preset(preset).unwrap_or_else(|| panic!("unknown preset {preset}"))
}

fn assert_corpus(inputs: &[(String, String)], preset: &str) {
    assert!(!inputs.is_empty(), "no inputs");
    let policy = policy(preset);
    let mut failures = Vec::new();
    for (case, input) in inputs {
        check_text(preset, &policy, case, input, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} plain-text failure(s) [{preset}] (showing {}):\n  - {}",
        failures.len(),
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
fn diary() {
    let inputs = support::html_files("diary");
    for preset in ["ugc", "strict", "text", "diary"] {
        assert_corpus(&inputs, preset);
    }
}

#[test]
fn pages() {
    let inputs = support::html_files("pages");
    for preset in ["ugc", "strict"] {
        assert_corpus(&inputs, preset);
    }
}

#[test]
fn xss() {
    let inputs = support::xss_vectors();
    for preset in ["ugc", "strict", "text", "diary"] {
        assert_corpus(&inputs, preset);
    }
}

#[test]
fn generated() {
    let policy = policy("ugc");
    let config = Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&support::tag_soup(), |input| {
        let mut failures = Vec::new();
        check_text("ugc", &policy, "generated", &input, &mut failures);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(failures.join("\n    ")))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The check above catches text that runs blocks together or leaks markup.
#[test]
fn block_words_separate_blocks() {
    assert_eq!(block_words("<p>a</p><p>b</p>"), ["a", "b"]);
    assert_eq!(block_words("a<b>b</b>"), ["ab"]);
    assert_eq!(block_words("a<br>b&lt;c"), ["a", "b<c"]);
    assert_eq!(
        block_words("<table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"),
        ["1", "2"]
    );
}

/// Links with their URLs: only kept, checked URLs are shown, never one the
/// policy removed.
#[test]
fn link_urls_only_kept_urls() {
    let ugc = Policy::ugc();
    let options = TextOptions::new().link_urls(true);
    let cases: &[(&str, &str)] = &[
        (r#"<a href="javascript:alert(1)">x</a>"#, "x"),
        (
            r#"<a href="https://x.test/">https://x.test/</a>"#,
            "https://x.test/",
        ),
        (r#"<a href="https://x.test/">x.test</a>"#, "x.test"),
        (
            r#"<a href="https://x.test/a">a</a>b"#,
            "a (https://x.test/a)b",
        ),
        (
            r#"<a href="https://x.test/a"><img src="https://x.test/i.png"></a>"#,
            "https://x.test/a",
        ),
        (r#"<a>no href</a>"#, "no href"),
        (
            r#"<p><a href="/a">one</a></p><p>two</p>"#,
            "one (/a)\n\ntwo",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(ugc.to_text_with(input, &options), *want, "{input}");
    }
    // Without the option, links are their text.
    assert_eq!(ugc.to_text(r#"<a href="https://x.test/a">a</a>"#), "a");
}
