//! Snapshot tests: hand-written cases, stored as data in `tests/cases/*.toml`,
//! each cleaned and written as a readable insta snapshot in
//! `tests/snapshots/{file}__{name}.snap`.
//!
//! A case file holds `[[case]]` tables:
//!
//! ```toml
//! [[case]]
//! name = "b_i_crossed"          # unique over all files; says what it tests
//! input = "<b><i></b></i>"
//! preset = "strict"             # optional: ugc (default), strict, text
//! policy = '''...'''            # optional: a policy file (Policy::from_toml) instead
//! repeat = "<b>"                # optional: generated input is
//! times = 60000                 #   input + repeat × times + after,
//! after = "x"                   #   with `{i}` in `repeat` replaced by the index
//! mode = "excerpt"              # optional: the output form, `clean` (default),
//! max_chars = 20                #   `excerpt` (with `max_chars`) or `text`
//! link_urls = true              #   (optionally with `link_urls`)
//! ```
//!
//! Large inputs (generated ones, or over 4 KiB) are snapshotted as a
//! summary: lengths, the start and end of the output, the report grouped.
//!
//! To add or change cases: edit the TOML, run
//! `INSTA_UPDATE=always cargo test --test integration snapshots`, then read
//! every changed `.snap` (git diff) before committing it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use safe_markup::{Change, Cleaned, Policy, Rule, TextOptions};
use serde::Deserialize;

/// Inputs longer than this are summarized rather than shown whole.
const SUMMARY_BYTES: usize = 4096;
/// How much of a summarized output to show.
const HEAD_CHARS: usize = 200;
const TAIL_CHARS: usize = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    input: String,
    preset: Option<String>,
    policy: Option<String>,
    repeat: Option<String>,
    times: Option<usize>,
    #[serde(default)]
    after: String,
    mode: Option<String>,
    max_chars: Option<usize>,
    link_urls: Option<bool>,
}

/// The output form a case snapshots.
enum Mode {
    Clean,
    Excerpt(usize),
    Text { link_urls: bool },
}

impl Case {
    fn generated(&self) -> bool {
        self.repeat.is_some()
    }

    /// The input the case describes, expanded.
    fn full_input(&self) -> String {
        let Some(unit) = &self.repeat else {
            return self.input.clone();
        };
        let times = self.times.unwrap_or(1);
        let mut s = String::with_capacity(self.input.len() + unit.len() * times + 16);
        s.push_str(&self.input);
        if unit.contains("{i}") {
            for i in 0..times {
                s.push_str(&unit.replace("{i}", &i.to_string()));
            }
        } else {
            for _ in 0..times {
                s.push_str(unit);
            }
        }
        s.push_str(&self.after);
        s
    }

    fn mode(&self, file: &str) -> Mode {
        let name = &self.name;
        let mode = match self.mode.as_deref().unwrap_or("clean") {
            "clean" => Mode::Clean,
            "excerpt" => Mode::Excerpt(self.max_chars.unwrap_or_else(|| {
                panic!("{file}: case `{name}`: mode `excerpt` needs `max_chars`")
            })),
            "text" => Mode::Text {
                link_urls: self.link_urls.unwrap_or(false),
            },
            other => panic!("{file}: case `{name}`: unknown mode `{other}`"),
        };
        assert!(
            self.max_chars.is_none() || matches!(mode, Mode::Excerpt(_)),
            "{file}: case `{name}`: `max_chars` is for mode `excerpt`"
        );
        assert!(
            self.link_urls.is_none() || matches!(mode, Mode::Text { .. }),
            "{file}: case `{name}`: `link_urls` is for mode `text`"
        );
        mode
    }

    /// The policy, and how to name it in the snapshot.
    fn policy(&self, file: &str) -> (Policy, String) {
        if let Some(toml) = &self.policy {
            assert!(
                self.preset.is_none(),
                "{file}: case `{}` has both `preset` and `policy` (put `preset = ...` in the policy)",
                self.name
            );
            let policy = Policy::from_toml(toml)
                .unwrap_or_else(|e| panic!("{file}: case `{}`: bad policy: {e}", self.name));
            let mut label = String::from("custom\n");
            for line in toml.trim().lines() {
                let _ = writeln!(label, "  {}", line.trim());
            }
            (policy, label.trim_end().to_owned())
        } else {
            let name = self.preset.as_deref().unwrap_or("ugc");
            let policy = Policy::preset(name)
                .unwrap_or_else(|| panic!("{file}: case `{}`: unknown preset `{name}`", self.name));
            (policy, name.to_owned())
        }
    }
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn snapshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Every case file, as (stem, cases), sorted by file name.
fn load_cases() -> Vec<(String, Vec<Case>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("readable case file");
            let parsed: CaseFile =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (stem, parsed.case)
        })
        .collect()
}

/// Shows invisible and ambiguous characters: control characters as control
/// pictures (`␀ ␉ ␍ ␌`) or `\u{..}`, NBSP and other invisible spaces as
/// `\u{..}`. A line feed is shown as `␊` and also breaks the line.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("␊\n"),
            '\0' => out.push('␀'),
            '\t' => out.push('␉'),
            '\r' => out.push('␍'),
            '\x0c' => out.push('␌'),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{a0}' | '\u{ad}' | '\u{200b}'
                        ..='\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffd}'
                ) =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A block value: each line indented by two spaces.
fn block(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "{label}:");
    if value.is_empty() {
        out.push_str("  (empty)\n");
        return;
    }
    for line in visible(value).lines() {
        let _ = writeln!(out, "  {line}");
    }
}

/// The serde (snake_case) name of a report enum value.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value).expect("serializable") {
        serde_json::Value::String(s) => s,
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}({s})"),
                other => format!("{k}({other})"),
            })
            .collect(),
        other => other.to_string(),
    }
}

fn change_line(c: &Change) -> String {
    let mut line = format!("{} {}", serde_name(&c.kind), serde_name(&c.rule));
    if !c.name.is_empty() {
        let _ = write!(line, " {}", c.name);
    }
    if let Some(element) = &c.element {
        let _ = write!(line, " on <{element}>");
    }
    if let Some(url) = &c.url {
        let _ = write!(line, " url={:?}", url);
    }
    line
}

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn last_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// The text snapshotted for one case.
fn render(
    case: &Case,
    policy_label: &str,
    policy: &Policy,
    input: &str,
    cleaned: &Cleaned,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "policy: {policy_label}");
    let summary = case.generated() || input.len() > SUMMARY_BYTES;
    if summary {
        out.push_str("input (generated):\n");
        let _ = writeln!(out, "  {:?}", case.input);
        if let Some(unit) = &case.repeat {
            let _ = writeln!(out, "  + {:?} × {}", unit, case.times.unwrap_or(1));
        }
        if !case.after.is_empty() {
            let _ = writeln!(out, "  + {:?}", case.after);
        }
        let _ = writeln!(out, "  = {} bytes", input.len());
        let html = &cleaned.html;
        let _ = writeln!(
            out,
            "html: {} bytes, {} chars",
            html.len(),
            html.chars().count()
        );
        block(&mut out, "html starts", first_chars(html, HEAD_CHARS));
        block(&mut out, "html ends", last_chars(html, TAIL_CHARS));
    } else {
        block(&mut out, "input", input);
        block(&mut out, "html", &cleaned.html);
    }

    let changes = cleaned.report.changes();
    if changes.is_empty() {
        out.push_str("changes: none\n");
    } else if summary && changes.len() > 10 {
        let _ = writeln!(out, "changes: {} in all, by kind and rule:", changes.len());
        let mut grouped: BTreeMap<(String, String), usize> = BTreeMap::new();
        for c in changes {
            *grouped
                .entry((serde_name(&c.kind), serde_name(&c.rule)))
                .or_default() += 1;
        }
        for ((kind, rule), n) in grouped {
            let _ = writeln!(out, "  {kind} {rule}: {n}");
        }
        out.push_str("first changes:\n");
        for c in &changes[..5] {
            let _ = writeln!(out, "  {}", change_line(c));
        }
    } else {
        out.push_str("changes:\n");
        for c in changes {
            let _ = writeln!(out, "  {}", visible(&change_line(c)));
        }
    }

    // Stability: cleaning the output again must give it back. The text
    // preset escapes everything, so it is not idempotent by design.
    let limited = cleaned
        .report
        .changes()
        .iter()
        .any(|c| matches!(c.rule, Rule::LimitExceeded(_)));
    if policy_label != "text" && !limited {
        let again = policy.clean(&cleaned.html);
        if again == cleaned.html {
            out.push_str("clean(html): unchanged\n");
        } else if summary {
            let _ = writeln!(
                out,
                "clean(html): CHANGED ({} bytes, starts {:?})",
                again.len(),
                first_chars(&again, HEAD_CHARS)
            );
        } else {
            block(&mut out, "clean(html): CHANGED", &again);
        }
    }
    out
}

/// The text snapshotted for an `excerpt` case (hand-written inputs only:
/// no summary).
fn render_excerpt(policy_label: &str, policy: &Policy, input: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "policy: {policy_label}");
    block(&mut out, "input", input);
    let excerpt = policy.excerpt(input, max_chars);
    let _ = writeln!(out, "max_chars: {max_chars}");
    block(&mut out, "excerpt", &excerpt);
    let _ = writeln!(
        out,
        "visible chars: {} (clean output: {})",
        crate::excerpt::visible_chars(&excerpt),
        crate::excerpt::visible_chars(&policy.clean(input))
    );
    // Stability, as for clean output (the text preset escapes its input by
    // design).
    if policy_label != "text" {
        let again = policy.clean(&excerpt);
        if again == excerpt {
            out.push_str("clean(excerpt): unchanged\n");
        } else {
            block(&mut out, "clean(excerpt): CHANGED", &again);
        }
    }
    out
}

/// The text snapshotted for a `text` case.
fn render_text(policy_label: &str, policy: &Policy, input: &str, link_urls: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "policy: {policy_label}");
    block(&mut out, "input", input);
    if link_urls {
        out.push_str("link_urls: true\n");
    }
    let options = TextOptions::new().link_urls(link_urls);
    block(&mut out, "text", &policy.to_text_with(input, &options));
    out
}

fn check_name(file: &str, name: &str) {
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "{file}: case name `{name}` must be lowercase letters, digits and `_`"
    );
}

#[test]
fn snapshots() {
    let files = load_cases();
    assert!(!files.is_empty(), "no case files in tests/cases");
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for (file, cases) in &files {
        for case in cases {
            check_name(file, &case.name);
            assert!(
                seen.insert(case.name.clone()),
                "{file}: duplicate case name `{}`",
                case.name
            );
            let (policy, label) = case.policy(file);
            let input = case.full_input();
            let text = match case.mode(file) {
                Mode::Clean => {
                    let cleaned = policy.clean_report(&input);
                    render(case, &label, &policy, &input, &cleaned)
                }
                Mode::Excerpt(max_chars) => render_excerpt(&label, &policy, &input, max_chars),
                Mode::Text { link_urls } => render_text(&label, &policy, &input, link_urls),
            };
            let description = if case.generated() || input.len() > SUMMARY_BYTES {
                format!("{file}: {} (generated input)", case.name)
            } else {
                format!("{file}: {}", case.name)
            };
            let snapshot = format!("{file}__{}", case.name);
            let result = std::panic::catch_unwind(|| {
                insta::with_settings!({
                    description => description,
                    omit_expression => true,
                    prepend_module_to_snapshot => false,
                }, {
                    insta::assert_snapshot!(snapshot, text);
                });
            });
            if result.is_err() {
                failures.push(format!("{file}: {}", case.name));
            }
            total += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} snapshots differ:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// Every snapshot file belongs to a case: no stale `.snap` left after a
/// rename, no unreviewed `.snap.new` or `.pending-snap`.
#[test]
fn snapshots_have_cases() {
    let files = load_cases();
    let stems: BTreeSet<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    let expected: BTreeSet<String> = files
        .iter()
        .flat_map(|(f, cases)| cases.iter().map(move |c| format!("{f}__{}.snap", c.name)))
        .collect();
    let Ok(dir) = std::fs::read_dir(snapshots_dir()) else {
        return;
    };
    let mut stray = Vec::new();
    for entry in dir {
        let name = entry.expect("readable dir entry").file_name();
        let name = name.to_string_lossy().into_owned();
        let Some((prefix, _)) = name.split_once("__") else {
            continue;
        };
        if !stems.contains(prefix) {
            continue;
        }
        if !expected.contains(&name) {
            stray.push(name);
        }
    }
    stray.sort();
    assert!(
        stray.is_empty(),
        "snapshot files without a case (stale, or not yet reviewed):\n  {}",
        stray.join("\n  ")
    );
}
