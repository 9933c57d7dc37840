//! `--check`, `--diff` and `--report`: what would change, shown without
//! changing anything.

use super::{TempDir, jsonl, run_in};

/// `clean.html` is already clean, `dirty.html` is not.
fn two_files() -> TempDir {
    let dir = TempDir::new("check");
    dir.file("posts/clean.html", "<p>fine</p>\n");
    dir.file(
        "posts/dirty.html",
        "<p>one</p>\n<p onclick=\"steal()\">two</p>\n<p>three</p>\n<script>x()</script>\n",
    );
    dir
}

#[test]
fn check_lists_changes_and_sets_the_exit_code() {
    let dir = two_files();
    let before = dir.listing();

    let dirty = run_in(&dir, &["--check", "posts"], "");
    assert_eq!(dirty.code, Some(1), "{dirty:?}");
    assert_eq!(dirty.stdout, "posts/dirty.html\n");
    assert_eq!(dirty.stderr, "");

    let clean = run_in(&dir, &["--check", "posts/clean.html"], "");
    assert_eq!(clean.code, Some(0), "{clean:?}");
    assert_eq!(clean.stdout, "");

    // stdin works too, named `stdin`.
    let stdin = run_in(&dir, &["--check"], "<b onclick=x>b</b>");
    assert_eq!((stdin.code, stdin.stdout.as_str()), (Some(1), "stdin\n"));
    let stdin_clean = run_in(&dir, &["--check"], "<b>b</b>");
    assert_eq!(
        (stdin_clean.code, stdin_clean.stdout.as_str()),
        (Some(0), "")
    );

    // A failed input wins over changes: exit 3.
    let failed = run_in(&dir, &["--check", "posts", "missing.html"], "");
    assert_eq!(failed.code, Some(3), "{failed:?}");
    assert_eq!(failed.stdout, "posts/dirty.html\n");
    assert!(
        failed
            .stderr
            .starts_with("safe-markup: missing.html: cannot read"),
        "{failed:?}"
    );

    // Nothing was written.
    assert_eq!(dir.listing(), before);
    assert!(dir.read("posts/dirty.html").contains("onclick"));
}

#[test]
fn diff_shows_a_unified_diff() {
    let dir = two_files();
    let run = run_in(&dir, &["--diff", "posts"], "");
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "--- posts/dirty.html\n+++ posts/dirty.html\n@@ -1,4 +1,4 @@\n <p>one</p>\n-<p onclick=\"steal()\">two</p>\n+<p>two</p>\n <p>three</p>\n-<script>x()</script>\n+\n"
    );
    assert!(dir.read("posts/dirty.html").contains("onclick"));

    let clean = run_in(&dir, &["--diff", "posts/clean.html"], "");
    assert_eq!((clean.code, clean.stdout.as_str()), (Some(0), ""));
}

/// `--check` and `--diff` compare with what `--in-place` would write: the
/// file in its own encoding. A Latin-1 file that needs no cleaning passes;
/// one whose characters take other bytes when written back (Shift_JIS
/// 0xED40, an NEC duplicate of 0xFA5C) is a change, and says why.
#[test]
fn diff_of_an_encoding_change() {
    let dir = TempDir::new("diff_encoding");
    dir.file("latin1.html", b"caf\xe9\n");
    let run = run_in(&dir, &["--diff", "--encoding", "latin1", "latin1.html"], "");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(0), "", ""),
        "{run:?}"
    );
    dir.file("dup.html", b"\xed\x40\n");
    let run = run_in(&dir, &["--diff", "--encoding", "shift_jis", "dup.html"], "");
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "safe-markup: warning: dup.html: the text does not change but its bytes do: written back in Shift_JIS, the same characters take other bytes\n"
    );
}

#[test]
fn text_report_on_stderr() {
    let dir = two_files();
    let run = run_in(&dir, &["--report", "text", "posts"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    // Only inputs with changes get a line.
    assert_eq!(
        run.stderr,
        "posts/dirty.html: 2 changes: element script (dropped), attribute onclick (attribute_not_allowed)\n"
    );
    assert_eq!(
        run.stdout,
        "<p>fine</p>\n<p>one</p>\n<p>two</p>\n<p>three</p>\n\n"
    );
}

/// With `--report json`, stderr is JSON Lines: a line per input, and
/// warnings and errors as objects too.
#[test]
fn json_report_on_stderr() {
    let dir = two_files();
    dir.file("posts/bad.html", b"<b>\xff</b>");
    let run = run_in(
        &dir,
        &["--report", "json", "--check", "posts", "missing.html"],
        "",
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    let lines = jsonl(&run.stderr);
    assert_eq!(
        lines,
        [
            // What --in-place would refuse, --check fails.
            serde_json::json!({"file": "posts/bad.html", "error": "not UTF-8 at byte 3; left as it was, as cleaning would replace what does not decode with U+FFFD: --encoding windows-1252 or --encoding auto would decode it"}),
            serde_json::json!({"file": "posts/clean.html", "changed": false, "changes": []}),
            serde_json::json!({"file": "posts/dirty.html", "changed": true, "changes": [
                {"kind": "attribute", "name": "onclick", "rule": "attribute_not_allowed", "element": "p",
                 "span": {"start": 11, "end": 32}},
                {"kind": "element", "name": "script", "rule": "dropped", "span": {"start": 53, "end": 61}},
            ]}),
            serde_json::json!({"file": "missing.html", "error": "cannot read: No such file or directory (os error 2)"}),
        ]
    );
    assert_eq!(run.stdout, "posts/dirty.html\n");
}
