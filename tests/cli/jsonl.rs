//! `--jsonl`: exports streamed line by line; fields passed through as
//! written, in order; bad lines named and skipped.

use serde_json::{Value, json};

use super::{TempDir, jsonl, run, run_in};

fn ids(lines: &[Value]) -> Vec<Value> {
    lines.iter().map(|line| line["id"].clone()).collect()
}

/// The HTML field is cleaned in place; every other field keeps its place
/// and its exact text (big numbers, spacing inside nested values); a record
/// that needs no change is copied byte for byte.
#[test]
fn fields_pass_through_in_order() {
    let input = concat!(
        r#"{"zeta": 1, "html": "<b onclick=x>one</b><script>evil()</script>", "id": 12345678901234567890123, "alpha": {"n": [1.50, 2e3]}}"#,
        "\n",
        r#"{ "id" : 2 ,  "html" : "<i>two</i>", "author": "ann" }"#,
        "\n",
        r#"{"html": "caf\u00e9 <a href='javascript:x'>l</a>", "id": "p\"3"}"#,
        "\n",
    );
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        concat!(
            r#"{"zeta":1,"html":"<b>one</b>","id":12345678901234567890123,"alpha":{"n": [1.50, 2e3]}}"#,
            "\n",
            r#"{ "id" : 2 ,  "html" : "<i>two</i>", "author": "ann" }"#,
            "\n",
            r#"{"html":"café <a>l</a>","id":"p\"3"}"#,
            "\n",
        )
    );
}

#[test]
fn field_picks_the_html() {
    let input = "{\"id\": 1, \"html\": \"<b onclick=x>not this</b>\", \"body\": \"<b onclick=x>this</b>\"}\n";
    let run = run(&["--jsonl", "--field", "body"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"id\":1,\"html\":\"<b onclick=x>not this</b>\",\"body\":\"<b>this</b>\"}\n"
    );
    let missing = super::run(&["--jsonl", "--field", "text"], input);
    assert_eq!(missing.code, Some(3), "{missing:?}");
    assert_eq!(
        missing.stderr,
        "safe-markup: stdin:1: missing \"text\" field\n"
    );
}

#[test]
fn with_a_file_argument_and_a_policy() {
    let dir = TempDir::new("jsonl_file");
    let posts = dir.file("posts.jsonl", "{\"id\":\"p1\",\"html\":\"<h1>T</h1>\"}\n");
    let run = run(&["--jsonl", "--preset", "strict", &posts], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "{\"id\":\"p1\",\"html\":\"T\"}\n");
}

/// Every kind of bad line is reported with its line number and skipped;
/// the lines around it are still cleaned, in order, and the exit code is 3.
#[test]
fn bad_lines_are_reported_and_skipped() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "not JSON",
            "{\"id\": 2, \"html\": ",
            "invalid JSON at column 18: EOF while parsing a value",
        ),
        (
            "trailing garbage",
            "{\"id\": 2, \"html\": \"x\"} {}",
            "invalid JSON at column 24: trailing characters",
        ),
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
        ("missing html", "{\"id\": 2}", "missing \"html\" field"),
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
        (
            "html twice",
            "{\"html\": \"<b>ok</b>\", \"html\": \"<script>x</script>\"}",
            "duplicate \"html\" field",
        ),
    ];
    for (case, bad, reason) in cases {
        let input = format!(
            "{{\"id\": 1, \"html\": \"<b>a</b>\"}}\n{bad}\n{{\"id\": 3, \"html\": \"<i onclick=x>c</i>\"}}\n"
        );
        let run = run(&["--jsonl"], input);
        assert_eq!(run.code, Some(3), "{case}: {run:?}");
        assert_eq!(
            run.stdout, "{\"id\": 1, \"html\": \"<b>a</b>\"}\n{\"id\":3,\"html\":\"<i>c</i>\"}\n",
            "{case}"
        );
        assert_eq!(
            run.stderr,
            format!("safe-markup: stdin:2: {reason}\n"),
            "{case}"
        );
    }
}

/// `--strict` stops at the first bad line: what came before is written,
/// nothing after, exit 3.
#[test]
fn strict_stops_at_the_first_bad_line() {
    let input =
        "{\"html\": \"<b>1</b>\"}\n{\"html\": 2}\n{\"html\": \"<b>3</b>\"}\n{\"html\": 4}\n";
    let run = run(&["--jsonl", "--strict"], input);
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "{\"html\": \"<b>1</b>\"}\n");
    assert_eq!(
        run.stderr,
        "safe-markup: stdin:2: \"html\" must be a string, found a number\n"
    );
    // Without --strict, both bad lines are named and the rest is cleaned.
    let run = super::run(&["--jsonl"], input);
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"html\": \"<b>1</b>\"}\n{\"html\": \"<b>3</b>\"}\n"
    );
    assert_eq!(run.stderr.lines().count(), 2, "{run:?}");
}

#[test]
fn bad_line_in_a_file_names_the_file() {
    let dir = TempDir::new("jsonl_bad_file");
    dir.file("export.jsonl", "{\"html\": \"a\"}\n\n{oops}\n");
    let run = run_in(&dir, &["--jsonl", "export.jsonl"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    // Blank lines still count: the bad line is line 3.
    assert_eq!(
        run.stderr,
        "safe-markup: export.jsonl:3: invalid JSON at column 2: key must be a string\n"
    );
    assert_eq!(run.stdout, "{\"html\": \"a\"}\n");
}

#[test]
fn crlf_and_blank_lines() {
    let input = "{\"id\": \"a\", \"html\": \"<b onclick=x>x</b>\"}\r\n\r\n   \r\n{\"id\": \"b\", \"html\": \"y\"}\r\n\n";
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"id\":\"a\",\"html\":\"<b>x</b>\"}\n{\"id\": \"b\", \"html\": \"y\"}\n"
    );
}

#[test]
fn last_line_without_newline_and_a_byte_order_mark() {
    let run = run(
        &["--jsonl"],
        "\u{FEFF}{\"id\": 1, \"html\": \"x\"}\n{\"id\": 2, \"html\": \"y\"}",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"id\": 1, \"html\": \"x\"}\n{\"id\": 2, \"html\": \"y\"}\n"
    );
}

#[test]
fn ids_of_any_type_are_preserved() {
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
        input.push_str(&json!({"id": id, "html": "<b onclick=x>x</b>"}).to_string());
        input.push('\n');
    }
    // No id at all is fine: nothing is added.
    input.push_str("{\"html\": \"<b onclick=x>x</b>\"}\n");
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines = jsonl(&run.stdout);
    let mut expected = ids_in.to_vec();
    expected.push(Value::Null);
    assert_eq!(ids(&lines), expected);
    assert_eq!(run.stdout.lines().last(), Some("{\"html\":\"<b>x</b>\"}"));
}

#[test]
fn invalid_utf8_warns_with_line_and_offset() {
    // Line 1 is 13 bytes with its newline; the 0xff is 9 bytes into line 2.
    let input = b"{\"html\":\"a\"}\n{\"html\":\"\xff\"}\n";
    let run = run(&["--jsonl"], input);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stderr,
        "safe-markup: warning: stdin:2: invalid UTF-8 at byte offset 22; invalid bytes replaced with U+FFFD\n"
    );
    assert_eq!(run.stdout, "{\"html\":\"a\"}\n{\"html\":\"\u{FFFD}\"}\n");
}

#[test]
fn report_per_record() {
    let input = "{\"id\": 1, \"html\": \"<b onclick=x>a</b>\"}\n{\"id\": \"two\", \"html\": \"<i>b</i>\"}\n{\"html\": 3}\n";
    let json = run(&["--jsonl", "--report", "json"], input);
    assert_eq!(json.code, Some(3), "{json:?}");
    assert_eq!(
        jsonl(&json.stderr),
        [
            json!({"file": "stdin", "line": 1, "id": 1, "changed": true, "changes": [
                // The span is in the record's HTML: `<b onclick=x>`.
                {"kind": "attribute", "name": "onclick", "rule": "attribute_not_allowed", "element": "b",
                 "span": {"start": 0, "end": 13}}
            ]}),
            json!({"file": "stdin", "line": 2, "id": "two", "changed": false, "changes": []}),
            json!({"file": "stdin", "line": 3, "error": "\"html\" must be a string, found a number"}),
        ]
    );
    let text = super::run(&["--jsonl", "--report", "text"], input);
    assert_eq!(
        text.stderr,
        "stdin:1 (id 1): 1 change: attribute onclick (attribute_not_allowed)\nsafe-markup: stdin:3: \"html\" must be a string, found a number\n"
    );
}

#[test]
fn check_and_diff() {
    let dir = TempDir::new("jsonl_check");
    dir.file(
        "a.jsonl",
        "{\"id\": 1, \"html\": \"ok\"}\n{\"id\": 2, \"html\": \"<b onclick=x>b</b>\"}\n",
    );
    dir.file("clean.jsonl", "{\"id\": 1, \"html\": \"ok\"}\n");
    let check = run_in(&dir, &["--jsonl", "--check", "."], "");
    assert_eq!(check.code, Some(1), "{check:?}");
    assert_eq!(check.stdout, "./a.jsonl\n");
    let diff = run_in(&dir, &["--jsonl", "--diff", "a.jsonl", "clean.jsonl"], "");
    assert_eq!(diff.code, Some(1), "{diff:?}");
    assert_eq!(
        diff.stdout,
        "--- a.jsonl\n+++ a.jsonl\n@@ -2 +2 @@\n-{\"id\": 2, \"html\": \"<b onclick=x>b</b>\"}\n+{\"id\":2,\"html\":\"<b>b</b>\"}\n"
    );
    assert!(dir.read("a.jsonl").contains("onclick"));
}

#[test]
fn in_place() {
    let dir = TempDir::new("jsonl_in_place");
    dir.file(
        "a.jsonl",
        "{\"id\": 1, \"html\": \"ok\"}\n{\"id\": 2, \"html\": \"<b onclick=x>b</b>\"}\n",
    );
    dir.file("clean.jsonl", "{\"id\": 1, \"html\": \"ok\"}\r\n");
    dir.file(
        "bad.jsonl",
        "{\"id\": 1, \"html\": \"<b onclick=x>b</b>\"}\n{\"id\": 2}\n",
    );
    let clean_before = dir.read("clean.jsonl");
    let run = run_in(&dir, &["--jsonl", "--in-place", "."], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "safe-markup: ./bad.jsonl:2: missing \"html\" field\nsafe-markup: ./bad.jsonl: not rewritten: 1 line could not be cleaned\n"
    );
    assert_eq!(
        dir.read("a.jsonl"),
        "{\"id\": 1, \"html\": \"ok\"}\n{\"id\":2,\"html\":\"<b>b</b>\"}\n"
    );
    // A file with a bad line is left whole; an unchanged one untouched.
    assert!(dir.read("bad.jsonl").contains("onclick"));
    assert_eq!(dir.read("clean.jsonl"), clean_before);
    assert_eq!(dir.listing(), ["a.jsonl", "bad.jsonl", "clean.jsonl"]);
}

/// Many lines go through in parallel batches and come out in order.
#[test]
fn many_lines_in_order() {
    let mut input = String::new();
    let mut expected = String::new();
    for i in 0..5_000 {
        let extra = if i % 101 == 0 {
            "x".repeat(50_000)
        } else {
            String::new()
        };
        input.push_str(&format!(
            "{{\"id\": {i}, \"html\": \"<b onclick=x>{i}{extra}</b>\"}}\n"
        ));
        expected.push_str(&format!("{{\"id\":{i},\"html\":\"<b>{i}{extra}</b>\"}}\n"));
    }
    let run = run(&["--jsonl", "-j", "4"], input);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout == expected, "output out of order");
}

#[test]
fn windows_1252_lines() {
    let run = run(
        &["--jsonl", "--encoding", "windows-1252"],
        b"{\"html\": \"caf\xe9 <b onclick=x>\x80</b>\"}\n{\"html\": \"na\xefve\"}\n",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"html\":\"café <b>€</b>\"}\n{\"html\": \"naïve\"}\n"
    );
}

/// Peak memory stays flat as the input grows: 100 000 lines take no more
/// than 10 000 lines plus a small margin (batches of lines, not the
/// file, are held). python3's `resource` module reads the child's peak RSS.
#[test]
fn memory_stays_flat_for_100000_lines() {
    const PEAK: &str = "import resource, subprocess, sys\n\
        subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n\
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    let dir = TempDir::new("jsonl_flat");
    let mut peaks = Vec::new();
    for lines in [10_000, 100_000] {
        let mut input = String::with_capacity(lines * 160);
        for i in 0..lines {
            input.push_str(&format!(
                "{{\"id\": {i}, \"html\": \"<p onclick=x>post {i} <b>bold</b> \
                 <a href='https://x.example/{i}'>link</a><script>y()</script></p>\", \
                 \"author\": \"ann\"}}\n"
            ));
        }
        let path = dir.file(&format!("{lines}.jsonl"), input);
        let out = std::process::Command::new("python3")
            .args(["-c", PEAK, super::BIN, "--jsonl", "-j", "2", &path])
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kib: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("peak RSS in KiB");
        peaks.push(kib);
    }
    // Ten times the input (1.6 MB → 16 MB) may not add more than 8 MiB.
    assert!(
        peaks[1] <= peaks[0] + 8 * 1024,
        "peak RSS {} KiB for 10 000 lines, {} KiB for 100 000",
        peaks[0],
        peaks[1]
    );
}

/// A JSONL file with bytes that do not decode is not rewritten: U+FFFD
/// would stand where they were. On stdout the line is shown with U+FFFD.
#[test]
fn in_place_refuses_lines_it_cannot_decode() {
    let dir = TempDir::new("jsonl_undecodable");
    let bytes: &[u8] =
        b"{\"id\": 1, \"html\": \"<b onclick=x>b</b>\"}\n{\"id\": 2, \"html\": \"caf\xe9\"}\n";
    dir.file("a.jsonl", bytes);
    for mode in ["--in-place", "--check"] {
        let run = run_in(&dir, &["--jsonl", mode, "a.jsonl"], "");
        assert_eq!(run.code, Some(3), "{mode}: {run:?}");
        // Line 1 is 42 bytes; `caf` ends 20 bytes into line 2.
        let mut expected = String::from(
            "safe-markup: a.jsonl:2: not UTF-8 at byte 62; left as it was, as cleaning would replace what does not decode with U+FFFD: --encoding LABEL would decode it with its encoding (windows-1252 decodes any bytes)\n",
        );
        if mode == "--in-place" {
            expected.push_str("safe-markup: a.jsonl: not rewritten: 1 line could not be cleaned\n");
        }
        assert_eq!(run.stderr, expected, "{mode}");
        assert_eq!(
            std::fs::read(dir.join("a.jsonl")).expect("read"),
            bytes,
            "{mode}"
        );
    }
    let run = run_in(
        &dir,
        &[
            "--jsonl",
            "--in-place",
            "--encoding",
            "windows-1252",
            "a.jsonl",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    // JSON Lines are written back as UTF-8, the encoding JSON requires.
    assert_eq!(
        dir.read("a.jsonl"),
        "{\"id\":1,\"html\":\"<b>b</b>\"}\n{\"id\": 2, \"html\": \"café\"}\n"
    );
}

/// A backend keeps one `safe-markup --jsonl` running and writes one record
/// at a time: each answer must come before the next record is written (and
/// long before stdin closes). A reader thread with a timeout makes a
/// regression fail instead of hang.
#[test]
fn answers_each_line_as_a_co_process() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = super::spawn(&["--jsonl"]);
    let mut stdin = child.stdin.take().expect("child stdin");
    let stdout = child.stdout.take().expect("child stdout");
    let (send, answers) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if send.send(line.expect("read an answer")).is_err() {
                break;
            }
        }
    });
    for i in 0..3 {
        writeln!(stdin, "{{\"id\": {i}, \"html\": \"<b onclick=x>{i}</b>\"}}").expect("write");
        stdin.flush().expect("flush");
        let answer = answers
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("no answer to record {i} while stdin is open: {e}"));
        assert_eq!(answer, format!("{{\"id\":{i},\"html\":\"<b>{i}</b>\"}}"));
    }
    drop(stdin);
    let status = child.wait().expect("wait for safe-markup");
    assert!(status.success(), "{status}");
    reader.join().expect("reader thread");
    assert!(answers.try_recv().is_err(), "no answer without a record");
}
