//! The example table of docs/LEGACY.md, read from the file itself, as
//! a data-driven test of the `diary` preset: every row's input (a cell may
//! hold several, each in backticks) must clean to the row's output, and
//! cleaning that output again must give it back.

use safe_markup::Policy;

const LEGACY: &str = "docs/LEGACY.md";

/// The code spans of one table cell, with the `\n` and `\r` escapes the
/// table uses turned into the characters.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|span| span.replace("\\r", "\r").replace("\\n", "\n"))
        .collect()
}

fn examples() -> Vec<(Vec<String>, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(LEGACY);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the repo keeps it in docs/)", path.display()));
    let table = text
        .split("## Examples")
        .nth(1)
        .expect("LEGACY.md has an Examples section");
    let mut rows = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        // The outer pipes delimit cells; pipes inside code spans do not
        // occur in this table.
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 2, "a row with two cells: {line}");
        let inputs = code_spans(cells[0]);
        let outputs = code_spans(cells[1]);
        assert_eq!(outputs.len(), 1, "one output per row: {line}");
        rows.push((inputs, outputs[0].clone()));
    }
    rows
}

#[test]
fn legacy_examples_give_the_documented_output() {
    let policy = Policy::diary();
    let rows = examples();
    assert!(rows.len() >= 15, "found {} rows in the table", rows.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (inputs, want) in &rows {
        for input in inputs {
            checked += 1;
            let got = policy.clean(input);
            if &got != want {
                failures.push(format!("{input:?}\n   want {want:?}\n    got {got:?}"));
            }
            let again = policy.clean(&got);
            if again != got {
                failures.push(format!("{input:?}: not idempotent: {got:?} -> {again:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether `lexed` is `input` with some `<` written as `&lt;` and nothing
/// else changed: the lexical step may only turn markup into text.
fn only_escapes(input: &str, lexed: &str) -> bool {
    let (mut i, mut j) = (0, 0);
    let (a, b) = (input.as_bytes(), lexed.as_bytes());
    while i < a.len() {
        if j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if a[i] == b'<' && b[j..].starts_with(b"&lt;") {
            i += 1;
            j += 4;
        } else {
            return false;
        }
    }
    j == b.len()
}

proptest::proptest! {
    #[test]
    fn lexical_step_only_turns_markup_into_text(
        input in "(<|>|</|<!--|-->|<!|<?|/|=|\"|'| |\n|a|b|p|h1|script|style|person|proj|wiki|raph|x y|&lt;|\u{0}|é){0,40}"
    ) {
        for policy in [Policy::diary(), Policy::diary_untrusted(), Policy::ugc(), Policy::strict()] {
            let lexed = policy.lexed_input(&input);
            proptest::prop_assert!(only_escapes(&input, &lexed), "{input:?} -> {lexed:?}");
        }
    }
}

#[test]
fn only_escapes_can_fail() {
    assert!(only_escapes("a<b", "a&lt;b"));
    assert!(!only_escapes("a<b", "a&lt;c"));
    assert!(!only_escapes("a&lt;b", "a<b"));
    assert!(!only_escapes("ab", "a&lt;b"));
}
