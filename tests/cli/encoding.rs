//! Input encodings, odd files and big files: stdout is always UTF-8,
//! `--in-place` writes a file back in its own encoding and never loses a
//! byte, and no input crashes the run.

use std::fs;

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

/// The message for issue 18's `menu.html`, and for the same bytes in any
/// file without a declared encoding.
const NOT_UTF8: &str = "not UTF-8 at byte 3; left as it was, as cleaning would replace what does not decode with U+FFFD: --encoding windows-1252 or --encoding auto would decode it";

/// `--in-place` never turns bytes it cannot decode into U+FFFD: without an
/// encoding the file is refused, byte for byte as it was, naming the
/// option that would read it; `--check` and `--diff` say the same, as they
/// say what `--in-place` would do. Only stdout shows U+FFFD (with a
/// warning).
#[test]
fn in_place_refuses_bytes_it_cannot_decode() {
    let dir = TempDir::new("undecodable");
    let menu: &[u8] = b"caf\xe9 <b onclick=x>au lait";
    dir.file("menu.html", menu);
    dir.file("ok.html", "<i onclick=x>ok</i>");
    for args in [
        &["--in-place", "menu.html", "ok.html"][..],
        &["-q", "--in-place", "menu.html", "ok.html"][..],
        &["--check", "menu.html"][..],
        &["--diff", "menu.html"][..],
    ] {
        let run = run_in(&dir, args, "");
        assert_eq!(run.code, Some(3), "{args:?}: {run:?}");
        assert_eq!(
            run.stderr,
            format!("safe-markup: menu.html: {NOT_UTF8}\n"),
            "{args:?}"
        );
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(
            fs::read(dir.join("menu.html")).expect("read"),
            menu,
            "{args:?}"
        );
    }
    // The other file of the run was cleaned.
    assert_eq!(dir.read("ok.html"), "<i>ok</i>");

    // Shown on stdout, U+FFFD with a warning is what a browser would show.
    let shown = run_in(&dir, &["menu.html"], "");
    assert_eq!(shown.code, Some(0), "{shown:?}");
    assert_eq!(shown.stdout, "caf\u{FFFD} <b>au lait</b>");
    assert!(shown.stderr.contains("replaced with U+FFFD"), "{shown:?}");

    // With an encoding that has no such byte, the hint does not say auto.
    dir.file("sjis.html", b"<p>\x93\xFA\x82</p>");
    let run = run_in(&dir, &["-i", "--encoding", "shift_jis", "sjis.html"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "safe-markup: sjis.html: not Shift_JIS at byte 5; left as it was, as cleaning would replace what does not decode with U+FFFD: is it in another encoding? --encoding LABEL names it\n"
    );
    assert_eq!(
        fs::read(dir.join("sjis.html")).expect("read"),
        b"<p>\x93\xFA\x82</p>"
    );
}

/// With an encoding, `--in-place` writes the file back in it: what the
/// author wrote comes back byte for byte, a character the encoding lacks
/// (written in the input as a reference) comes back as a reference, and a
/// second run finds nothing to change.
#[test]
fn in_place_writes_back_in_the_files_encoding() {
    let dir = TempDir::new("write_back");
    // Latin-1 (windows-1252): é is 0xE9, € is 0x80; 日 and 😀 are not in it.
    dir.file(
        "menu.html",
        b"caf\xe9 \x80 <b onclick=x>au lait</b> &#26085; &#x1F600;",
    );
    // Shift_JIS: 日本 is 0x93 0xFA 0x96 0x7B; é is not in it.
    dir.file(
        "nihon.html",
        b"<p onclick=x>\x93\xFA\x96\x7B caf&eacute;</p>",
    );
    // UTF-16 with its byte order mark, which encoding_rs cannot write.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "<i onclick=x>日本 😀</i>".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    dir.file("utf16.html", &utf16);
    let cases: &[(&str, &str, &[u8])] = &[
        (
            "menu.html",
            "windows-1252",
            b"caf\xe9 \x80 <b>au lait</b> &#26085; &#128512;",
        ),
        (
            "nihon.html",
            "shift_jis",
            b"<p>\x93\xFA\x96\x7B caf&#233;</p>",
        ),
        ("utf16.html", "auto", b""),
    ];
    let mut utf16_clean = vec![0xFF, 0xFE];
    for unit in "<i>日本 😀</i>".encode_utf16() {
        utf16_clean.extend_from_slice(&unit.to_le_bytes());
    }
    for (file, encoding, expected) in cases {
        let expected = if expected.is_empty() {
            &utf16_clean[..]
        } else {
            *expected
        };
        let run = run_in(&dir, &["--in-place", "--encoding", encoding, file], "");
        assert_eq!(run.code, Some(0), "{file}: {run:?}");
        assert_eq!(run.stderr, "", "{file}");
        assert_eq!(fs::read(dir.join(file)).expect("read"), expected, "{file}");
        let again = run_in(&dir, &["--check", "--encoding", encoding, file], "");
        assert_eq!(
            (again.code, again.stdout.as_str()),
            (Some(0), ""),
            "{file}: {again:?}"
        );
    }
    // `auto` finds the windows-1252 of a legacy file itself.
    dir.file("legacy.html", b"caf\xe9 <b onclick=x>au lait</b>");
    let run = run_in(&dir, &["-i", "--encoding", "auto", "legacy.html"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        fs::read(dir.join("legacy.html")).expect("read"),
        b"caf\xe9 <b>au lait</b>"
    );
}

/// Where writing back would change what the file says, it is refused: here
/// ISO-2022-JP's encoder, which writes half-width katakana (ｶ) as
/// full-width ones (カ).
#[test]
fn in_place_refuses_what_would_not_read_back() {
    let dir = TempDir::new("no_round_trip");
    let bytes: &[u8] = b"\x1b(I\x36\x1b(B <b onclick=x>x</b>";
    dir.file("kana.html", bytes);
    let run = run_in(&dir, &["-i", "--encoding", "iso-2022-jp", "kana.html"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "safe-markup: kana.html: left as it was: written back in ISO-2022-JP, the cleaned file would not read back the same (a character the encoding lacks, in a comment, or one its encoder changes)\n"
    );
    assert_eq!(fs::read(dir.join("kana.html")).expect("read"), bytes);
}
