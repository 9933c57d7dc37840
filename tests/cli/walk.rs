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

/// The script after the NUL in issue 18's `evil.html`.
const EVIL: &[u8] = b"<p>hi</p>\0<script>alert(1)</script>";

/// A file with a NUL byte is HTML a browser would render (dropping the
/// NUL): it is cleaned like any other, found in a directory or named, with
/// `-q` or without, never skipped with exit 0.
#[test]
fn files_with_nul_bytes_are_cleaned() {
    let dir = TempDir::new("nul");
    dir.file("archive/a.html", "<b onclick=x>a</b>");
    dir.file("archive/evil.html", EVIL);
    dir.file("archive/z.html", "<i>z</i>");

    let check = run_in(&dir, &["-q", "--check", "archive"], "");
    assert_eq!(check.code, Some(1), "{check:?}");
    assert_eq!(check.stdout, "archive/a.html\narchive/evil.html\n");

    let shown = run_in(&dir, &["archive/evil.html"], "");
    assert_eq!(shown.code, Some(0), "{shown:?}");
    assert_eq!(shown.stdout, "<p>hi</p>");
    assert_eq!(shown.stderr, "");
    let stdin = run_in(&dir, &[], EVIL);
    assert_eq!((stdin.code, stdin.stdout.as_str()), (Some(0), "<p>hi</p>"));

    let run = run_in(&dir, &["-q", "--in-place", "archive/"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(dir.read("archive/evil.html"), "<p>hi</p>");
    assert_eq!(dir.read("archive/a.html"), "<b>a</b>");

    // --binary, which used to ask for this, is still accepted.
    dir.file("archive/evil.html", EVIL);
    let old = run_in(&dir, &["--binary", "--in-place", "archive/evil.html"], "");
    assert_eq!(old.code, Some(0), "{old:?}");
    assert_eq!(dir.read("archive/evil.html"), "<p>hi</p>");
}

/// `--skip-binary` leaves such files out on request, and still names each
/// one on stderr, even with `-q`. A check that left one out fails (exit 3):
/// it cannot say the tree is clean.
#[test]
fn skip_binary_names_what_it_skips() {
    let dir = TempDir::new("skip_binary");
    dir.file("d/a.html", "<b onclick=x>a</b>");
    dir.file("d/logo.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    dir.file("d/z.html", "<i>z</i>");
    let skipped = "safe-markup: skipped: d/logo.html: binary file (NUL byte at offset 8); not cleaned (--skip-binary)\n";

    for args in [
        &["--skip-binary", "d"][..],
        &["-q", "--skip-binary", "d"][..],
    ] {
        let run = run_in(&dir, args, "");
        assert_eq!(run.code, Some(0), "{args:?}: {run:?}");
        assert_eq!(run.stdout, "<b>a</b><i>z</i>", "{args:?}");
        assert_eq!(run.stderr, skipped, "{args:?}");
    }

    let in_place = run_in(&dir, &["-q", "--skip-binary", "--in-place", "d"], "");
    assert_eq!(in_place.code, Some(0), "{in_place:?}");
    assert_eq!(in_place.stderr, skipped);
    assert_eq!(dir.read("d/a.html"), "<b>a</b>");
    assert_eq!(
        std::fs::read(dir.join("d/logo.html")).expect("read logo"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
    );

    dir.file("d/a.html", "<b onclick=x>a</b>");
    for mode in ["--check", "--diff"] {
        let check = run_in(&dir, &["-q", "--skip-binary", mode, "d"], "");
        assert_eq!(check.code, Some(3), "{mode}: {check:?}");
        assert_eq!(
            check.stderr,
            "safe-markup: d/logo.html: binary file (NUL byte at offset 8); not checked (--skip-binary)\n",
            "{mode}"
        );
    }

    let json = run_in(
        &dir,
        &["--skip-binary", "--report", "json", "d/logo.html"],
        "",
    );
    assert_eq!(json.code, Some(0), "{json:?}");
    assert_eq!(
        super::jsonl(&json.stderr),
        [
            serde_json::json!({"file": "d/logo.html", "skipped": "binary file (NUL byte at offset 8); not cleaned (--skip-binary)"})
        ]
    );
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

/// `--strict` stops at the first failed input; what came before is written.
#[test]
fn strict_stops_at_the_first_failed_input() {
    let dir = TempDir::new("strict");
    dir.file("a.html", "<b onclick=x>a</b>");
    dir.file("z.html", "<i>z</i>");
    let run = run_in(&dir, &["--strict", "a.html", "missing.html", "z.html"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "<b>a</b>");
    assert!(
        run.stderr
            .starts_with("safe-markup: missing.html: cannot read"),
        "{run:?}"
    );
}

/// A link found while searching is not followed (it could point anywhere
/// on the machine), but a file served through it and not cleaned through
/// its own path fails the run instead of passing silently.
#[cfg(unix)]
#[test]
fn links_to_files_not_cleaned_fail_the_run() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("links");
    dir.file("site/a.html", "<b onclick=x>a</b>");
    dir.file("outside/x.html", "<i onclick=x>x</i>");
    symlink("a.html", dir.join("site/same.html")).expect("symlink");
    symlink("nowhere.html", dir.join("site/dangling.html")).expect("symlink");
    let run = run_in(&dir, &["--check", "site"], "");
    // The link to a.html and the dangling link are fine.
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(1), "site/a.html\n", "")
    );

    symlink("../outside/x.html", dir.join("site/x.html")).expect("symlink");
    let target = fs::canonicalize(dir.join("outside/x.html")).expect("canonical");
    for args in [&["--check", "site"][..], &["-q", "--in-place", "site"][..]] {
        let run = run_in(&dir, args, "");
        assert_eq!(run.code, Some(3), "{args:?}: {run:?}");
        assert_eq!(
            run.stderr,
            format!(
                "safe-markup: site/x.html: symbolic link not followed, so {} was not cleaned (name the link or the file to clean it)\n",
                target.display()
            ),
            "{args:?}"
        );
    }
    assert_eq!(dir.read("site/a.html"), "<b>a</b>");
    assert_eq!(dir.read("outside/x.html"), "<i onclick=x>x</i>");
}
