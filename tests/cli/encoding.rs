//! Input encodings, odd files and big files: output is always UTF-8, and
//! no input crashes the run.

use super::{TempDir, run_in};

#[test]
fn windows_1252_on_a_latin1_file() {
    let dir = TempDir::new("latin1");
    // é is 0xE9 in Latin-1; 0x80 is € in windows-1252 (the WHATWG meaning
    // of the `latin1` and `iso-8859-1` labels too).
    dir.file("guestbook.html", b"<p onclick=x>caf\xe9 \x80 5</p>");
    for label in ["windows-1252", "latin1", "ISO-8859-1"] {
        let run = run_in(&dir, &["--encoding", label, "guestbook.html"], "");
        assert_eq!(run.code, Some(0), "{label}: {run:?}");
        assert_eq!(run.stdout, "<p>café € 5</p>", "{label}");
        assert_eq!(run.stderr, "", "{label}");
    }
    // Without --encoding, the same bytes are invalid UTF-8.
    let run = run_in(&dir, &["guestbook.html"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "<p>caf\u{FFFD} \u{FFFD} 5</p>");
    assert_eq!(
        run.stderr,
        "safe-markup: warning: guestbook.html: invalid UTF-8 at byte offset 16 (2 invalid sequences); invalid bytes replaced with U+FFFD\n"
    );
}

#[test]
fn auto_reads_meta_charset_then_falls_back() {
    let dir = TempDir::new("auto");
    // ISO-8859-2: 0xB9 is š, 0xE8 is č.
    dir.file(
        "meta.html",
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\"></head><body><p>\xb9\xe8</p></body></html>",
    );
    dir.file("short.html", b"<meta charset=koi8-r><b>\xc1</b>");
    // No meta, not UTF-8: a legacy page, read as windows-1252.
    dir.file("legacy.html", b"<p>na\xefve \x93quotes\x94</p>");
    // No meta, valid UTF-8: stays UTF-8.
    dir.file("modern.html", "<p>naïve “quotes”</p>");
    let cases = [
        ("meta.html", "<p>šč</p>"),
        ("short.html", "<b>а</b>"),
        ("legacy.html", "<p>naïve “quotes”</p>"),
        ("modern.html", "<p>naïve “quotes”</p>"),
    ];
    for (file, expected) in cases {
        let run = run_in(&dir, &["--encoding", "auto", file], "");
        assert_eq!(run.code, Some(0), "{file}: {run:?}");
        assert_eq!(run.stdout, expected, "{file}");
        assert_eq!(run.stderr, "", "{file}");
    }
}

#[test]
fn byte_order_marks() {
    let dir = TempDir::new("bom");
    dir.file("utf8.html", b"\xef\xbb\xbf<b onclick=x>\xc3\xa9</b>");
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "<i>ü</i>".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    dir.file("utf16.html", &utf16);
    // A byte order mark wins over --encoding, as in browsers.
    for args in [
        &["utf8.html"][..],
        &["--encoding", "windows-1252", "utf8.html"][..],
    ] {
        let run = run_in(&dir, args, "");
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (Some(0), "<b>é</b>"),
            "{args:?}"
        );
    }
    // UTF-16 is full of NUL bytes but is not binary.
    let run = run_in(&dir, &["utf16.html"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "<i>ü</i>");
    assert_eq!(run.stderr, "");
}

#[test]
fn empty_file() {
    let dir = TempDir::new("empty");
    dir.file("empty.html", "");
    let run = run_in(&dir, &["empty.html"], "");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(0), "", "")
    );
    let check = run_in(&dir, &["--check", "empty.html"], "");
    assert_eq!((check.code, check.stdout.as_str()), (Some(0), ""));
    let in_place = run_in(&dir, &["--in-place", "empty.html"], "");
    assert_eq!(in_place.code, Some(0), "{in_place:?}");
    assert_eq!(dir.listing(), ["empty.html"]);
}

/// 10 MB: past the default 4 MiB input limit the library shows the input
/// as escaped text (stdout, with a warning); with a policy that raises the
/// limit it is cleaned like any file.
#[test]
fn ten_megabyte_file() {
    let dir = TempDir::new("big");
    let line = "<p onclick=x>A diary line with <b>bold</b> text.</p>\n";
    let body = line.repeat(10_000_000 / line.len() + 1);
    assert!(body.len() >= 10_000_000);
    dir.file("big.html", &body);

    let run = run_in(&dir, &["big.html"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "safe-markup: warning: big.html: input exceeds the policy's input size limit; shown as escaped text\n"
    );
    assert!(run.stdout.starts_with("&lt;p onclick=x&gt;A diary line"));

    dir.file(
        "big.toml",
        "preset = \"ugc\"\n[limits]\nmax_input_bytes = 20_000_000\nmax_nodes = 2_000_000\n",
    );
    let run = run_in(&dir, &["--policy", "big.toml", "big.html"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let expected =
        "<p>A diary line with <b>bold</b> text.</p>\n".repeat(10_000_000 / line.len() + 1);
    assert!(run.stdout == expected, "10 MB output differs");
}
