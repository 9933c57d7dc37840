//! Directories: what is searched, what is skipped, and the order.

use std::fs;
use std::io::{BufRead, BufReader, Read};

use super::{TempDir, run_in, spawn_in};

/// A site tree: nested folders, hidden files and folders, a git repository
/// with a .gitignore, an .ignore file, and files that are not HTML. Every
/// file holds `<i onclick=x>NAME</i>`, which cleans to `<i>NAME</i>`.
fn site() -> TempDir {
    let dir = TempDir::new("walk_site");
    fs::create_dir_all(dir.join("site/.git")).expect("mkdir .git");
    dir.file("site/.gitignore", "ignored.html\nbuild/\n");
    dir.file("site/.ignore", "private/\n");
    for name in [
        "index.html",
        "ABOUT.HTM",
        "notes.txt",
        "style.css",
        ".hidden.html",
        ".drafts/d.html",
        "ignored.html",
        "build/out.html",
        "private/p.html",
        "blog/2009/b.html",
        "blog/a.html",
        "blog/z.htm",
        "blog/feed.xml",
    ] {
        dir.file(
            &format!("site/{name}"),
            format!("<i onclick=x>{name}</i>\n"),
        );
    }
    dir
}

/// `--check` lists every file found (all of them change), in order.
fn found(dir: &TempDir, args: &[&str]) -> String {
    let mut all = vec!["--check"];
    all.extend_from_slice(args);
    let run = run_in(dir, &all, "");
    assert_eq!(run.code, Some(1), "{args:?}: {run:?}");
    assert_eq!(run.stderr, "", "{args:?}");
    run.stdout
}

#[test]
fn directories_are_searched_like_ripgrep() {
    let dir = site();
    // Sorted by name at each level (bytes: `A` before `b`), depth first;
    // *.html and *.htm in any case; hidden and ignored files skipped.
    let expected = "site/ABOUT.HTM\nsite/blog/2009/b.html\nsite/blog/a.html\nsite/blog/z.htm\nsite/index.html\n";
    assert_eq!(found(&dir, &["site"]), expected);

    let run = run_in(&dir, &["site"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "<i>ABOUT.HTM</i>\n<i>blog/2009/b.html</i>\n<i>blog/a.html</i>\n<i>blog/z.htm</i>\n<i>index.html</i>\n"
    );
}

#[test]
fn walk_options() {
    let dir = site();
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "--hidden",
            &["--hidden", "site"],
            "site/.drafts/d.html\nsite/.hidden.html\nsite/ABOUT.HTM\nsite/blog/2009/b.html\nsite/blog/a.html\nsite/blog/z.htm\nsite/index.html\n",
        ),
        (
            "--no-ignore",
            &["--no-ignore", "site"],
            "site/ABOUT.HTM\nsite/blog/2009/b.html\nsite/blog/a.html\nsite/blog/z.htm\nsite/build/out.html\nsite/ignored.html\nsite/index.html\nsite/private/p.html\n",
        ),
        (
            "a glob replaces the defaults",
            &["--glob", "*.txt", "site"],
            "site/notes.txt\n",
        ),
        (
            "globs are case-insensitive, and ! excludes",
            &["-g", "*.HTML", "-g", "!blog/", "site"],
            "site/index.html\n",
        ),
        (
            "named files are always cleaned",
            &[
                "site/.hidden.html",
                "site/ignored.html",
                "site/notes.txt",
                "site/blog",
            ],
            "site/.hidden.html\nsite/ignored.html\nsite/notes.txt\nsite/blog/2009/b.html\nsite/blog/a.html\nsite/blog/z.htm\n",
        ),
        (
            "one file through two paths is checked once",
            &["site/blog", "site/blog/a.html", "./site/blog/a.html"],
            "site/blog/2009/b.html\nsite/blog/a.html\nsite/blog/z.htm\n",
        ),
    ];
    for (case, args, expected) in cases {
        assert_eq!(found(&dir, args), *expected, "{case}");
    }
}

/// Without a git repository, .gitignore means nothing (as in ripgrep);
/// .ignore still counts.
#[test]
fn gitignore_needs_a_repository() {
    let dir = site();
    fs::remove_dir(dir.join("site/.git")).expect("rmdir .git");
    assert_eq!(
        found(&dir, &["site"]),
        "site/ABOUT.HTM\nsite/blog/2009/b.html\nsite/blog/a.html\nsite/blog/z.htm\nsite/build/out.html\nsite/ignored.html\nsite/index.html\n"
    );
}

#[test]
fn binary_files_skipped_when_found_failed_when_named() {
    let dir = TempDir::new("binary");
    dir.file("d/a.html", "<b onclick=x>a</b>");
    dir.file("d/logo.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    dir.file("d/z.html", "<i>z</i>");

    let walked = run_in(&dir, &["d"], "");
    assert_eq!(walked.code, Some(0), "{walked:?}");
    assert_eq!(walked.stdout, "<b>a</b><i>z</i>");
    assert_eq!(
        walked.stderr,
        "safe-markup: warning: d/logo.html: skipped: binary file (NUL byte at offset 8)\n"
    );

    let named = run_in(&dir, &["d/a.html", "d/logo.html", "d/z.html"], "");
    assert_eq!(named.code, Some(3), "{named:?}");
    assert_eq!(named.stdout, "<b>a</b><i>z</i>");
    assert_eq!(
        named.stderr,
        "safe-markup: d/logo.html: binary file (NUL byte at offset 8); not cleaned\n"
    );

    let stdin = run_in(&dir, &[], b"GIF89a\0\0");
    assert_eq!(stdin.code, Some(3), "{stdin:?}");
    assert_eq!(
        stdin.stderr,
        "safe-markup: stdin: binary file (NUL byte at offset 6); not cleaned\n"
    );

    // --binary cleans it anyway (HTML with stray NUL bytes looks binary):
    // the parser drops the NULs and turns each CR into LF.
    let binary = run_in(&dir, &["--binary", "d/logo.html"], "");
    assert_eq!(binary.code, Some(0), "{binary:?}");
    assert_eq!(binary.stdout, "\u{FFFD}PNG\n\u{1a}\n\nIHDR");
    assert_eq!(
        binary.stderr,
        "safe-markup: warning: d/logo.html: invalid UTF-8 at byte offset 0; invalid bytes replaced with U+FFFD\n"
    );

    // --strict stops at the first failed input.
    let strict = run_in(
        &dir,
        &["--strict", "d/a.html", "d/logo.html", "d/z.html"],
        "",
    );
    assert_eq!(strict.code, Some(3), "{strict:?}");
    assert_eq!(strict.stdout, "<b>a</b>");
}

/// Many files of very different sizes, cleaned on several threads, come
/// out in walk order every time; with stderr not a terminal there is no
/// progress bar.
#[test]
fn many_files_in_deterministic_order() {
    let dir = TempDir::new("many_files");
    let mut expected = String::new();
    let mut names = Vec::new();
    for i in 0..300 {
        // Big files early and in between, so that late small files finish
        // first if anything were written as it completes.
        let filler = if i % 37 == 0 { 20_000 } else { 1 };
        let name = format!("d{}/s{:02}/f{:03}.html", i % 3, i % 7, i);
        let text = format!("file {i} {}", "x".repeat(filler));
        dir.file(&name, format!("<p onclick=x>{text}</p>\n"));
        names.push((name, format!("<p>{text}</p>\n")));
    }
    names.sort();
    for (_, out) in &names {
        expected.push_str(out);
    }
    for jobs in ["1", "4", "7"] {
        let run = run_in(&dir, &["-j", jobs, "d0", "d1", "d2"], "");
        assert_eq!(run.code, Some(0), "-j {jobs}: {}", run.stderr);
        assert_eq!(run.stderr, "", "-j {jobs}: no progress bar on a pipe");
        assert!(run.stdout == expected, "-j {jobs}: output out of order");
    }
}

/// `safe-markup DIR | head -1` stops quietly with exit 0.
#[test]
fn broken_pipe_with_many_files() {
    let dir = TempDir::new("pipe_files");
    let body = "<p onclick=x>line</p>\n".repeat(10_000);
    for i in 0..40 {
        dir.file(&format!("d/{i:02}.html"), &body);
    }
    let mut child = spawn_in(dir.path(), &["d"]);
    drop(child.stdin.take());
    let mut stdout = BufReader::new(child.stdout.take().expect("child stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read first line");
    assert_eq!(first, "<p>line</p>\n");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("child stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait for safe-markup");
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(stderr, "");
}
