//! `--diff`: unified diffs of what cleaning would change, on stdout.
//!
//! Whole files are diffed line by line with `similar` (with a time limit:
//! a pathological pair falls back to a coarser but still correct diff).
//! JSON Lines get one single-line hunk per changed record, written as the
//! records stream by.

use std::time::Duration;

use similar::TextDiff;

/// How long one file's diff may search for the smallest edit.
const DIFF_TIMEOUT: Duration = Duration::from_secs(2);

/// The unified diff of `old` to `new`, both labelled `name` (so that
/// `patch -p0` applies it). Empty if the texts are equal.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

/// The header that starts a file's diff.
pub fn header(name: &str) -> String {
    format!("--- {name}\n+++ {name}\n")
}

/// A hunk replacing line `line` (1-based) with another.
pub fn line_hunk(line: u64, old: &str, new: &str) -> String {
    format!("@@ -{line} +{line} @@\n-{old}\n+{new}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_shape() {
        let diff = unified(
            "a.html",
            "one\n<b onclick=x>two</b>\nthree\n",
            "one\n<b>two</b>\nthree\n",
        );
        assert_eq!(
            diff,
            "--- a.html\n+++ a.html\n@@ -1,3 +1,3 @@\n one\n-<b onclick=x>two</b>\n+<b>two</b>\n three\n"
        );
        assert_eq!(unified("a.html", "same", "same"), "");
        assert_eq!(
            header("x.jsonl") + &line_hunk(4, "a", "b"),
            "--- x.jsonl\n+++ x.jsonl\n@@ -4 +4 @@\n-a\n+b\n"
        );
    }
}
