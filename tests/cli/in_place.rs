//! `--in-place`: atomic rewrites that keep permissions, never rewrite an
//! unchanged file, and never leave a half-written or empty file, whatever
//! fails.
//!
//! These tests run as root on CI, and root ignores permission bits: a
//! read-only directory does not stop root from creating the temporary
//! file. So failures are made in ways that hold for root too: a file with
//! no write bits (refused on purpose, whoever runs it), an immutable
//! directory (`chattr +i`, which stops root), and a file size limit
//! (`ulimit -f`), which makes the write itself fail or, as SIGXFSZ, kills
//! the process mid-write like a crash.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{BIN, TempDir, run_in};

const DIRTY: &str = "<p onclick=x>kept</p><script>gone()</script>\n";
const CLEANED: &str = "<p>kept</p>\n";

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
}

#[test]
fn rewrites_changed_files_only_keeping_permissions() {
    let dir = TempDir::new("in_place");
    dir.file("site/a.html", DIRTY);
    dir.file("site/sub/b.htm", DIRTY);
    dir.file("site/clean.html", "<p>clean</p>\n");
    fs::set_permissions(dir.join("site/a.html"), fs::Permissions::from_mode(0o640)).expect("chmod");
    fs::set_permissions(
        dir.join("site/sub/b.htm"),
        fs::Permissions::from_mode(0o604),
    )
    .expect("chmod");
    let clean_before = fs::metadata(dir.join("site/clean.html")).expect("metadata");
    let a_before = fs::metadata(dir.join("site/a.html")).expect("metadata");

    let run = run_in(&dir, &["--in-place", "site"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
    assert_eq!(dir.read("site/a.html"), CLEANED);
    assert_eq!(dir.read("site/sub/b.htm"), CLEANED);
    assert_eq!(mode(&dir.join("site/a.html")), 0o640);
    assert_eq!(mode(&dir.join("site/sub/b.htm")), 0o604);
    let a_after = fs::metadata(dir.join("site/a.html")).expect("metadata");
    assert_ne!(a_after.ino(), a_before.ino(), "replaced by a rename");
    assert_eq!(
        (a_after.uid(), a_after.gid()),
        (a_before.uid(), a_before.gid())
    );
    // The unchanged file was not touched at all: same inode, same mtime.
    let clean_after = fs::metadata(dir.join("site/clean.html")).expect("metadata");
    assert_eq!(clean_after.ino(), clean_before.ino());
    assert_eq!(clean_after.mtime_nsec(), clean_before.mtime_nsec());
    assert_eq!(clean_after.mtime(), clean_before.mtime());
    // No temporary file left behind.
    assert_eq!(
        dir.listing(),
        ["site/a.html", "site/clean.html", "site/sub/b.htm"]
    );

    // Cleaning is idempotent: a second run changes nothing.
    let again = run_in(&dir, &["--check", "site"], "");
    assert_eq!((again.code, again.stdout.as_str()), (Some(0), ""));
}

#[test]
fn backup_keeps_the_original() {
    let dir = TempDir::new("backup");
    dir.file("a.html", DIRTY);
    dir.file("clean.html", "<i>x</i>");
    let run = run_in(
        &dir,
        &["-i", "--backup", ".orig", "a.html", "clean.html"],
        "",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(dir.read("a.html"), CLEANED);
    assert_eq!(dir.read("a.html.orig"), DIRTY);
    // Unchanged files are not rewritten, so they get no backup.
    assert_eq!(dir.listing(), ["a.html", "a.html.orig", "clean.html"]);
    // A second run with something new to clean replaces the old backup.
    dir.file("a.html", "<u onclick=y>again</u>");
    let run = run_in(&dir, &["-i", "--backup", ".orig", "a.html"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(dir.read("a.html.orig"), "<u onclick=y>again</u>");
}

#[test]
fn symlinks_stay_links() {
    let dir = TempDir::new("symlink");
    dir.file("real/a.html", DIRTY);
    std::os::unix::fs::symlink("real/a.html", dir.join("link.html")).expect("symlink");
    let run = run_in(&dir, &["-i", "link.html"], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        fs::symlink_metadata(dir.join("link.html"))
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert_eq!(dir.read("real/a.html"), CLEANED);
}

/// A file without write bits is refused, by root too: the original and
/// the other files are handled as usual, and the exit code is 3.
#[test]
fn read_only_file_is_refused() {
    let dir = TempDir::new("read_only_file");
    dir.file("d/a.html", DIRTY);
    dir.file("d/locked.html", DIRTY);
    dir.file("d/z.html", DIRTY);
    fs::set_permissions(dir.join("d/locked.html"), fs::Permissions::from_mode(0o444))
        .expect("chmod");
    let run = run_in(&dir, &["--in-place", "d"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "safe-markup: d/locked.html: not rewritten: the file is read-only\n"
    );
    assert_eq!(dir.read("d/locked.html"), DIRTY);
    assert_eq!(mode(&dir.join("d/locked.html")), 0o444);
    assert_eq!(dir.read("d/a.html"), CLEANED);
    assert_eq!(dir.read("d/z.html"), CLEANED);
    assert_eq!(dir.listing(), ["d/a.html", "d/locked.html", "d/z.html"]);
}

/// Makes `dir` refuse new files, for whoever runs the test, or says why it
/// cannot. Undone on drop, so the temp dir can be removed.
struct Frozen<'a> {
    dir: &'a Path,
    immutable: bool,
}

impl<'a> Frozen<'a> {
    fn new(dir: &'a Path) -> Result<Frozen<'a>, String> {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).expect("chmod");
        let mut frozen = Frozen {
            dir,
            immutable: false,
        };
        if frozen.refuses_new_files() {
            return Ok(frozen);
        }
        // Root ignores the mode. An immutable directory stops root too,
        // where the file system and the tools allow it.
        let chattr = Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .stderr(Stdio::null())
            .status();
        frozen.immutable = chattr.is_ok_and(|s| s.success());
        if frozen.refuses_new_files() {
            Ok(frozen)
        } else {
            Err("running as root, which ignores a read-only directory, and `chattr +i` is not available here".to_owned())
        }
    }

    fn refuses_new_files(&self) -> bool {
        let probe = self.dir.join("probe");
        match fs::write(&probe, "x") {
            Ok(()) => {
                let _ = fs::remove_file(&probe);
                false
            }
            Err(_) => true,
        }
    }
}

impl Drop for Frozen<'_> {
    fn drop(&mut self) {
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").arg(self.dir).status();
        }
        let _ = fs::set_permissions(self.dir, fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn read_only_directory_leaves_the_file_untouched() {
    let dir = TempDir::new("read_only_dir");
    dir.file("ro/a.html", DIRTY);
    let ro = dir.join("ro");
    let frozen = match Frozen::new(&ro) {
        Ok(frozen) => frozen,
        Err(reason) => {
            // The failed-write path is still covered by
            // `failed_write_leaves_the_file_untouched`.
            println!("skipped read_only_directory_leaves_the_file_untouched: {reason}");
            return;
        }
    };
    let run = run_in(&dir, &["--in-place", "ro/a.html"], "");
    drop(frozen);
    assert_eq!(run.code, Some(3), "{run:?}");
    let dir_name = fs::canonicalize(dir.join("ro")).expect("canonical ro");
    assert!(
        run.stderr.starts_with(&format!(
            "safe-markup: ro/a.html: not rewritten: cannot create a temporary file in {}: ",
            dir_name.display()
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("Permission denied") || run.stderr.contains("Operation not permitted"),
        "{run:?}"
    );
    assert_eq!(dir.read("ro/a.html"), DIRTY);
    assert_eq!(dir.listing(), ["ro/a.html"]);
}

/// Runs the binary under `ulimit -f` (512-byte blocks in sh), so that
/// writing the cleaned file fails partway. With SIGXFSZ ignored the write
/// returns an error; otherwise the signal kills the process mid-write.
fn run_with_file_size_limit(
    dir: &TempDir,
    ignore_signal: bool,
    args: &[&str],
) -> std::process::Output {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{trap}ulimit -c 0; ulimit -f 8; exec \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(args)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run sh")
}

/// A big file whose cleaned form is bigger than the size limit (4 KiB).
fn big_dirty() -> String {
    "<p onclick=x>a line of the archive</p>\n".repeat(2_000)
}

#[test]
fn failed_write_leaves_the_file_untouched() {
    let dir = TempDir::new("failed_write");
    let original = big_dirty();
    dir.file("big.html", &original);
    dir.file("small.html", DIRTY);
    let output = run_with_file_size_limit(&dir, true, &["--in-place", "big.html", "small.html"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr,
        "safe-markup: big.html: not rewritten: cannot write the temporary file: File too large (os error 27)\n"
    );
    assert_eq!(dir.read("big.html"), original);
    // The small file fits under the limit and is rewritten.
    assert_eq!(dir.read("small.html"), CLEANED);
    // The temporary file was removed.
    assert_eq!(dir.listing(), ["big.html", "small.html"]);
}

#[test]
fn crash_mid_write_leaves_the_original_whole() {
    let dir = TempDir::new("crash");
    let original = big_dirty();
    dir.file("big.html", &original);
    let output = run_with_file_size_limit(&dir, false, &["--in-place", "big.html"]);
    // Killed by SIGXFSZ (25) while writing.
    assert_eq!(output.status.signal(), Some(25), "{output:?}");
    assert_eq!(dir.read("big.html"), original);
    // A crash cannot clean up: the partial temporary file is left, hidden,
    // so that the next run's directory search does not pick it up.
    let listing = dir.listing();
    assert_eq!(listing.len(), 2, "{listing:?}");
    assert_eq!(listing[1], "big.html");
    assert!(
        listing[0].starts_with(".big.html.safe-markup-") && listing[0].ends_with(".tmp"),
        "{listing:?}"
    );
    let run = run_in(&dir, &["--check", "."], "");
    assert_eq!(run.stdout, "./big.html\n", "{run:?}");
}

/// Past a policy limit the library shows the input as escaped text; an
/// archive run must not turn a file into that, so it is left unchanged.
#[test]
fn over_the_limit_is_left_unchanged() {
    let dir = TempDir::new("limit");
    let deep = format!("{}x", "<div>".repeat(600));
    dir.file("deep.html", &deep);
    let run = run_in(&dir, &["-i", "deep.html"], "");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "safe-markup: deep.html: input exceeds the policy's nesting per byte limit; left unchanged (a policy file's [limits] can raise it)\n"
    );
    assert_eq!(dir.read("deep.html"), deep);
}
