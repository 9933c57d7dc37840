//! The `safe-markup` binary, run for real: arguments, stdin and files in,
//! stdout, stderr and exit codes out.

// The binary needs the `cli` feature; without it there is nothing to run.
#![cfg(feature = "cli")]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_safe-markup");

/// What one run of the binary produced.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn safe-markup")
}

/// Runs the binary with `stdin` fed from a thread, so neither side can
/// block the other whatever the sizes.
fn run(args: &[&str], stdin: impl AsRef<[u8]>) -> Run {
    let mut child = spawn(args);
    let mut input = child.stdin.take().expect("child stdin");
    let data = stdin.as_ref().to_vec();
    // The binary may exit without reading stdin (usage errors): ignore EPIPE.
    let writer = thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().expect("wait for safe-markup");
    writer.join().expect("stdin writer thread");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("safe-markup-cli-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        fs::write(&path, contents).expect("write temp file");
        path.to_str().expect("temp path is UTF-8").to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Parses `--jsonl` output, one JSON value per line.
fn jsonl(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn ids(lines: &[Value]) -> Vec<Value> {
    lines.iter().map(|line| line["id"].clone()).collect()
}

const MIXED: &str = r#"<h1>Title</h1><p>A <b>bold</b> <a href="https://x.test/">link</a></p>"#;

#[test]
fn stdin_to_stdout() {
    let run = run(&[], r#"<p onclick="x()">hi<script>evil()</script></p>"#);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "<p>hi</p>");
    assert_eq!(run.stderr, "");
}

#[test]
fn file_argument_and_dash_for_stdin() {
    let dir = TempDir::new("file_argument");
    let path = dir.file(
        "post.html",
        "<i onclick=x>kept</i><script>gone()</script>\n",
    );
    let from_file = run(&[&path], "<b>stdin is ignored</b>");
    assert_eq!(from_file.code, Some(0), "{from_file:?}");
    assert_eq!(from_file.stdout, "<i>kept</i>\n");

    let dash = run(&["-"], "<b onclick=x>from stdin</b>");
    assert_eq!(dash.code, Some(0), "{dash:?}");
    assert_eq!(dash.stdout, "<b>from stdin</b>");
}

#[test]
fn presets_differ_as_documented() {
    let default = run(&[], MIXED);
    let ugc = run(&["--preset", "ugc"], MIXED);
    let strict = run(&["--preset", "strict"], MIXED);
    let text = run(&["--preset", "text"], MIXED);
    for r in [&default, &ugc, &strict, &text] {
        assert_eq!(r.code, Some(0), "{r:?}");
    }
    // ugc is the default and keeps block elements.
    assert_eq!(default.stdout, ugc.stdout);
    assert_eq!(
        default.stdout,
        r#"<h1>Title</h1><p>A <b>bold</b> <a href="https://x.test/" rel="noopener noreferrer">link</a></p>"#
    );
    // strict unwraps blocks (a newline keeps their words apart), keeps
    // inline markup, marks links nofollow ugc.
    assert_eq!(
        strict.stdout,
        r#"Title
A <b>bold</b> <a href="https://x.test/" rel="nofollow ugc noopener noreferrer">link</a>"#
    );
    // text shows every tag as text.
    assert!(
        text.stdout.starts_with("&lt;h1&gt;Title&lt;/h1&gt;"),
        "{text:?}"
    );
    assert!(!text.stdout.contains('<'), "{text:?}");
}

#[test]
fn policy_file() {
    let dir = TempDir::new("policy_file");
    let policy = dir.file("only-b.toml", "tags = [\"b\"]\n");
    let run = run(&["--policy", &policy], "<b>x</b><i>y</i><p>z</p>");
    assert_eq!(run.code, Some(0), "{run:?}");
    // `p` is a block: unwrapping it leaves a newline so words stay apart.
    assert_eq!(run.stdout, "<b>x</b>y\nz");
}

/// Every way a run can fail before cleaning anything: exit 2, nothing on
/// stdout, and a message on stderr.
#[test]
fn usage_and_policy_errors_exit_2() {
    let dir = TempDir::new("usage_errors");
    let bad_toml = dir.file("bad.toml", "tags = [\"b\"\n");
    let bad_schema = dir.file("schema.toml", "tags = 3\n");
    let unsafe_policy = dir.file("unsafe.toml", "tags = [\"script\"]\n");
    let good = dir.file("good.toml", "tags = [\"b\"]\n");
    let missing = dir.0.join("missing.toml");
    let missing = missing.to_str().expect("UTF-8 path");
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "bad TOML",
            &["--policy", &bad_toml],
            &["bad.toml", "invalid policy file", "line 1"],
        ),
        (
            "TOML of the wrong shape",
            &["--policy", &bad_schema],
            &["schema.toml", "invalid policy file"],
        ),
        (
            "policy that keeps script",
            &["--policy", &unsafe_policy],
            &["unsafe.toml", "script"],
        ),
        (
            "unreadable policy file",
            &["--policy", missing],
            &["cannot read policy file", "missing.toml"],
        ),
        (
            "unknown preset",
            &["--preset", "lenient"],
            &["unknown preset", "lenient"],
        ),
        (
            "preset and policy",
            &["--preset", "strict", "--policy", &good],
            &["--preset and --policy"],
        ),
        (
            "policy then preset",
            &["--policy", &good, "--preset", "strict"],
            &["--preset and --policy"],
        ),
        (
            "unknown option",
            &["--frobnicate"],
            &["--frobnicate", "--help"],
        ),
        ("missing option value", &["--preset"], &["--preset"]),
        (
            "two files",
            &["a.html", "b.html"],
            &["b.html", "only one FILE"],
        ),
    ];
    for (case, args, messages) in cases {
        let run = run(args, "<b>x</b>");
        assert_eq!(run.code, Some(2), "{case}: {run:?}");
        assert_eq!(run.stdout, "", "{case}: nothing is cleaned");
        assert!(run.stderr.starts_with("safe-markup: "), "{case}: {run:?}");
        for message in *messages {
            assert!(
                run.stderr.contains(message),
                "{case}: expected {message:?} in {run:?}"
            );
        }
    }
}

#[test]
fn missing_input_file_exits_3_and_names_it() {
    let dir = TempDir::new("missing_input");
    let missing = dir.0.join("no-such-post.html");
    let run = run(&[missing.to_str().expect("UTF-8 path")], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no-such-post.html"), "{run:?}");
    assert!(
        run.stderr.contains("No such file") || run.stderr.contains("not found"),
        "{run:?}"
    );
}

#[test]
fn directory_as_input_exits_3() {
    let dir = TempDir::new("directory_input");
    let run = run(&[dir.0.to_str().expect("UTF-8 path")], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains(&*dir.0.to_string_lossy()), "{run:?}");
}

#[test]
fn invalid_utf8_is_decoded_lossily_with_a_warning() {
    // Offsets count bytes, not characters: `<b>` is 3 bytes and `é` 2, so
    // the first invalid byte (0xff) is at offset 8.
    let input: &[u8] = b"<b>\xc3\xa9 ok\xff\xfe</b> rest";
    let from_stdin = run(&[], input);
    assert_eq!(from_stdin.code, Some(0), "{from_stdin:?}");
    assert_eq!(from_stdin.stdout, "<b>é ok\u{FFFD}\u{FFFD}</b> rest");
    assert!(from_stdin.stderr.contains("warning"), "{from_stdin:?}");
    assert!(from_stdin.stderr.contains("stdin"), "{from_stdin:?}");
    assert!(
        from_stdin.stderr.contains("byte offset 8"),
        "{from_stdin:?}"
    );

    let dir = TempDir::new("invalid_utf8");
    let path = dir.file("latin1.html", input);
    let from_file = run(&[&path], "");
    assert_eq!(from_file.code, Some(0), "{from_file:?}");
    assert_eq!(from_file.stdout, from_stdin.stdout);
    assert!(from_file.stderr.contains("latin1.html"), "{from_file:?}");
    assert!(from_file.stderr.contains("byte offset 8"), "{from_file:?}");
}

#[test]
fn jsonl_cleans_each_line_with_its_report() {
    let input = concat!(
        r#"{"id": 1, "html": "<b onclick=x>one</b><script>evil()</script>"}"#,
        "\n",
        r#"{"id": 2, "html": "<i>two</i>", "author": "ignored"}"#,
        "\n",
    );
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    let lines = jsonl(&run.stdout);
    assert_eq!(lines.len(), 2, "{run:?}");
    assert_eq!(lines[0]["id"], json!(1));
    assert_eq!(lines[0]["html"], json!("<b>one</b>"));
    let changes = lines[0]["report"]["changes"]
        .as_array()
        .expect("changes array");
    assert!(
        changes.iter().any(|c| c["name"] == "onclick"),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c["name"] == "script" && c["rule"] == "dropped"),
        "{changes:?}"
    );
    assert_eq!(
        lines[1],
        json!({"id": 2, "html": "<i>two</i>", "report": {"changes": []}})
    );
}

#[test]
fn jsonl_with_a_file_argument_and_a_policy() {
    let dir = TempDir::new("jsonl_file");
    let posts = dir.file("posts.jsonl", "{\"id\":\"p1\",\"html\":\"<h1>T</h1>\"}\n");
    let run = run(&["--jsonl", "--preset", "strict", &posts], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(jsonl(&run.stdout)[0]["html"], json!("T"));
}

/// Every kind of bad line is reported with its line number and skipped;
/// the lines around it are still cleaned, in order, and the exit code is 3.
#[test]
fn jsonl_bad_lines_are_reported_and_skipped() {
    let cases: &[(&str, &str, &str)] = &[
        ("not JSON", "{\"id\": 2, \"html\": ", "invalid JSON"),
        (
            "not an object",
            "[2, \"<b>x</b>\"]",
            "expected a JSON object, found an array",
        ),
        (
            "a bare string",
            "\"<b>x</b>\"",
            "expected a JSON object, found a string",
        ),
        ("missing html", "{\"id\": 2}", "missing \"html\""),
        (
            "html is a number",
            "{\"id\": 2, \"html\": 42}",
            "\"html\" must be a string, found a number",
        ),
        (
            "html is null",
            "{\"id\": 2, \"html\": null}",
            "\"html\" must be a string, found null",
        ),
        (
            "html is an object",
            "{\"id\": 2, \"html\": {}}",
            "\"html\" must be a string, found an object",
        ),
    ];
    for (case, bad, reason) in cases {
        let input = format!(
            "{{\"id\": 1, \"html\": \"<b>a</b>\"}}\n{bad}\n{{\"id\": 3, \"html\": \"<i>c</i>\"}}\n"
        );
        let run = run(&["--jsonl"], input);
        assert_eq!(run.code, Some(3), "{case}: {run:?}");
        let lines = jsonl(&run.stdout);
        assert_eq!(ids(&lines), [json!(1), json!(3)], "{case}: {run:?}");
        assert_eq!(lines[1]["html"], json!("<i>c</i>"), "{case}");
        assert!(
            run.stderr.contains("safe-markup: stdin:2: "),
            "{case}: {run:?}"
        );
        assert!(
            run.stderr.contains(reason),
            "{case}: expected {reason:?} in {run:?}"
        );
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "{case}: one message per bad line"
        );
    }
}

#[test]
fn jsonl_bad_line_in_a_file_names_the_file() {
    let dir = TempDir::new("jsonl_bad_file");
    let posts = dir.file("export.jsonl", "{\"html\": \"a\"}\n\n{oops}\n");
    let run = run(&["--jsonl", &posts], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    // Blank lines still count: the bad line is line 3.
    assert!(
        run.stderr.contains("export.jsonl:3: invalid JSON"),
        "{run:?}"
    );
    assert_eq!(jsonl(&run.stdout).len(), 1);
}

#[test]
fn jsonl_crlf_and_blank_lines() {
    let input = "{\"id\": \"a\", \"html\": \"<b>x</b>\"}\r\n\r\n   \r\n{\"id\": \"b\", \"html\": \"y\"}\r\n\n";
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(!run.stdout.contains('\r'), "{run:?}");
    let lines = jsonl(&run.stdout);
    assert_eq!(ids(&lines), [json!("a"), json!("b")]);
    assert_eq!(lines[0]["html"], json!("<b>x</b>"));
}

#[test]
fn jsonl_last_line_without_newline() {
    let run = run(
        &["--jsonl"],
        "{\"id\": 1, \"html\": \"x\"}\n{\"id\": 2, \"html\": \"y\"}",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(ids(&jsonl(&run.stdout)), [json!(1), json!(2)]);
}

#[test]
fn jsonl_ids_of_any_type_are_preserved() {
    let ids_in = [
        json!(7),
        json!(-3),
        json!(1.5),
        json!("post-42"),
        json!(true),
        Value::Null,
        json!([1, "two"]),
        json!({"table": "posts", "row": 9}),
    ];
    let mut input = String::new();
    for id in &ids_in {
        input.push_str(&json!({"id": id, "html": "<b>x</b>"}).to_string());
        input.push('\n');
    }
    // No id at all comes out as null.
    input.push_str("{\"html\": \"<b>x</b>\"}\n");
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut expected = ids_in.to_vec();
    expected.push(Value::Null);
    let lines = jsonl(&run.stdout);
    assert_eq!(ids(&lines), expected);
    for line in &lines {
        let keys: Vec<&String> = line.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["html", "id", "report"], "{line}");
    }
}

#[test]
fn jsonl_invalid_utf8_warns_with_line_and_offset() {
    // Line 1 is 13 bytes with its newline; the 0xff is 9 bytes into line 2.
    let input = b"{\"html\":\"a\"}\n{\"html\":\"\xff\"}\n";
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("stdin:2:"), "{run:?}");
    assert!(run.stderr.contains("byte offset 22"), "{run:?}");
    let lines = jsonl(&run.stdout);
    assert_eq!(lines[1]["html"], json!("\u{FFFD}"));
}

/// Reads one line of output, then closes the pipe: the binary must stop
/// quietly with exit 0, as `safe-markup ... | head -1` expects.
fn assert_broken_pipe_is_success(args: &[&str], input: Vec<u8>) {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().expect("child stdin");
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = BufReader::new(child.stdout.take().expect("child stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read first line");
    assert!(!first.is_empty(), "some output before the pipe closes");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("child stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait for safe-markup");
    writer.join().expect("stdin writer thread");
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(stderr, "", "a closed stdout is not reported");
}

#[test]
fn broken_pipe_is_success() {
    // Both outputs are far larger than a pipe buffer, so the binary is
    // still writing when the reader goes away.
    let html = "<p onclick=x>a line of the diary</p>\n".repeat(50_000);
    assert_broken_pipe_is_success(&[], html.into_bytes());

    let mut lines = String::new();
    for i in 0..50_000 {
        lines.push_str(&format!("{{\"id\": {i}, \"html\": \"<b>post</b> {i}\"}}\n"));
    }
    assert_broken_pipe_is_success(&["--jsonl"], lines.into_bytes());
}

#[test]
fn help_documents_options_and_exit_codes() {
    for flag in ["--help", "-h"] {
        let run = run(&[flag], "");
        assert_eq!(run.code, Some(0), "{run:?}");
        assert_eq!(run.stderr, "");
        for needle in [
            "Usage:",
            "--preset",
            "--policy",
            "--jsonl",
            "Examples:",
            "Exit codes:",
        ] {
            assert!(run.stdout.contains(needle), "{flag}: {needle:?} missing");
        }
        for code in ["0  ", "2  ", "3  "] {
            assert!(
                run.stdout.lines().any(|l| l.trim_start().starts_with(code)),
                "{flag}: exit code {code:?} not documented"
            );
        }
    }
}

#[test]
fn version() {
    for flag in ["--version", "-V"] {
        let run = run(&[flag], "");
        assert_eq!(run.code, Some(0), "{run:?}");
        assert_eq!(
            run.stdout,
            format!("safe-markup {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn diary_example_cleans() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/diary.html");
    let original = fs::read_to_string(&example).expect("read examples/diary.html");
    // The example shows the sanitizer at work: make sure it has something to do.
    for needle in ["<script", "onclick", "javascript:", "style="] {
        assert!(
            original.contains(needle),
            "diary.html should contain {needle:?}"
        );
    }
    let run = run(&["examples/diary.html"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    for gone in [
        "<script",
        "onclick",
        "javascript:",
        "style=",
        "document.cookie",
    ] {
        assert!(
            !run.stdout.contains(gone),
            "{gone:?} left in {}",
            run.stdout
        );
    }
    for kept in [
        "<ul>",
        "<li>",
        "<b>",
        "<i>",
        r#"href="https://photos.example.org/lake-2009""#,
    ] {
        assert!(
            run.stdout.contains(kept),
            "{kept:?} missing from {}",
            run.stdout
        );
    }
}
