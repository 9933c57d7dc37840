//! The `safe-markup` binary, run for real: arguments, stdin, files and
//! directories in; stdout, stderr, files on disk and exit codes out.
//!
//! This file holds the helpers and the basics (stdin, presets, policies,
//! usage errors, help); the submodules test one feature each.

// The binary needs the `cli` feature; without it there is nothing to run.
#![cfg(feature = "cli")]

mod check;
mod diary;
mod encoding;
mod in_place;
mod jsonl;
mod walk;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_safe-markup");

/// What one run of the binary produced.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn spawn_in(dir: &Path, args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn safe-markup")
}

fn spawn(args: &[&str]) -> Child {
    spawn_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs the binary with `stdin` fed from a thread, so neither side can
/// block the other whatever the sizes.
fn finish(mut child: Child, stdin: &[u8]) -> Run {
    let mut input = child.stdin.take().expect("child stdin");
    let data = stdin.to_vec();
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

/// Runs the binary in the crate's directory.
fn run(args: &[&str], stdin: impl AsRef<[u8]>) -> Run {
    finish(spawn(args), stdin.as_ref())
}

/// Runs the binary in `dir`, so that relative paths in its messages are
/// short and exact.
fn run_in(dir: &TempDir, args: &[&str], stdin: impl AsRef<[u8]>) -> Run {
    finish(spawn_in(dir.path(), args), stdin.as_ref())
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("safe-markup-cli-{test}-"))
            .tempdir()
            .expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Writes `name` (creating its directories); returns its full path.
    fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent dirs");
        }
        fs::write(&path, contents).expect("write temp file");
        path.to_str().expect("temp path is UTF-8").to_owned()
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Every file under the directory, relative and sorted: to show that
    /// nothing (a temporary file, a backup) was left behind.
    fn listing(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("dir entry").path();
                if path.is_dir() && !path.is_symlink() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(self.path()).expect("under the temp dir");
                    found.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        found.sort();
        found
    }
}

/// Parses `--jsonl` output (or a JSON report), one JSON value per line.
fn jsonl(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
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
    let missing = dir.join("missing.toml");
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
            "in place and check",
            &["--in-place", "--check", "a.html"],
            &["--in-place cannot be used with --check or --diff"],
        ),
        (
            "in place and diff",
            &["-i", "--diff", "a.html"],
            &["--in-place cannot be used with --check or --diff"],
        ),
        (
            "in place without paths",
            &["--in-place"],
            &["--in-place needs files or directories"],
        ),
        (
            "in place on stdin",
            &["--in-place", "-"],
            &["--in-place needs files or directories"],
        ),
        (
            "backup without in place",
            &["--backup", ".orig", "a.html"],
            &["--backup needs --in-place"],
        ),
        (
            "field without jsonl",
            &["--field", "body"],
            &["--field needs --jsonl"],
        ),
        (
            "stdin twice",
            &["-", "-"],
            &["stdin (-) can be given only once"],
        ),
        (
            "unknown encoding",
            &["--encoding", "latin-9000"],
            &["unknown encoding label 'latin-9000'"],
        ),
        (
            "replacement encoding",
            &["--encoding", "iso-2022-kr"],
            &["replacement encoding"],
        ),
        (
            "auto encoding with jsonl",
            &["--jsonl", "--encoding", "auto"],
            &["--encoding auto cannot be used with --jsonl"],
        ),
        (
            "UTF-16 with jsonl",
            &["--jsonl", "--encoding", "utf-16le"],
            &["ASCII-compatible"],
        ),
        (
            "unknown report format",
            &["--report", "xml"],
            &["unknown report format 'xml'"],
        ),
        ("zero jobs", &["--jobs", "0"], &["invalid --jobs '0'"]),
        ("bad glob", &["--glob", "a[", "."], &["invalid --glob"]),
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

/// A missing file fails, named with the reason; the files around it are
/// still cleaned, in order.
#[test]
fn missing_input_file_exits_3_and_names_it() {
    let dir = TempDir::new("missing_input");
    dir.file("a.html", "<b onclick=x>a</b>");
    dir.file("c.html", "<i>c</i>");
    let run = run_in(&dir, &["a.html", "no-such-post.html", "c.html"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "<b>a</b><i>c</i>");
    assert_eq!(
        run.stderr,
        "safe-markup: no-such-post.html: cannot read: No such file or directory (os error 2)\n"
    );
}

/// A directory with nothing to clean is not an error, but says so.
#[test]
fn empty_directory_warns() {
    let dir = TempDir::new("empty_directory");
    fs::create_dir(dir.join("empty")).expect("mkdir");
    let run = run_in(&dir, &["empty"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "safe-markup: warning: empty: no files to clean (looked for *.html, *.htm)\n"
    );
    let quiet = run_in(&dir, &["--quiet", "empty"], "");
    assert_eq!((quiet.code, quiet.stderr.as_str()), (Some(0), ""));
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
            "--field",
            "--strict",
            "--encoding",
            "--glob",
            "--in-place",
            "--backup",
            "--check",
            "--diff",
            "--report",
            "--quiet",
            "--jobs",
            "Examples:",
            "Exit codes:",
        ] {
            assert!(run.stdout.contains(needle), "{flag}: {needle:?} missing");
        }
        // An example for each use.
        let examples = run
            .stdout
            .split("Examples:")
            .nth(1)
            .and_then(|rest| rest.split("Exit codes:").next())
            .expect("an Examples section before Exit codes");
        let commands: Vec<&str> = examples
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("safe-markup"))
            .collect();
        for option in [
            "<",
            "--preset",
            "--policy",
            "--in-place",
            "--backup",
            "--check",
            "--diff",
            "--jsonl",
            "--field",
            "--report",
            "--glob",
            "--encoding auto",
            "--encoding windows-1252",
            "| head",
        ] {
            assert!(
                commands.iter().any(|c| c.contains(option)),
                "{flag}: no example uses {option:?}"
            );
        }
        for code in ["0  ", "1  ", "2  ", "3  "] {
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
