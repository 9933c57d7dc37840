//! The command line's paths to an ordered list of inputs: `-` is stdin, a
//! file is itself, a directory is searched recursively with the `ignore`
//! crate (ripgrep's walker): hidden files and files ignored by `.gitignore`
//! (in a git repository) or `.ignore` are skipped, only files matching the
//! globs are kept, and entries are sorted by name so the order never
//! depends on the file system. Symbolic links found in a directory are not
//! followed; one whose file the search did not reach by its own path fails
//! the run, so nothing served through it is left uncleaned unsaid.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::{Override, OverrideBuilder};

use super::args::WalkOptions;
use super::diag::{Diag, Place};

/// One input to clean.
#[derive(Clone, Debug)]
pub enum Input {
    Stdin,
    File { path: PathBuf },
}

/// How inputs are named on stderr, in reports and in `--check` lists.
impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("stdin"),
            Input::File { path, .. } => write!(f, "{}", path.display()),
        }
    }
}

/// How directories are searched, built once for every directory given.
pub struct Walker {
    overrides: Override,
    globs: Vec<String>,
    hidden: bool,
    no_ignore: bool,
}

impl Walker {
    /// Compiles the globs (the defaults when none are given); a bad glob is
    /// a usage error.
    pub fn new(options: &WalkOptions, jsonl: bool) -> Result<Walker, ignore::Error> {
        let globs: Vec<String> = if options.globs.is_empty() {
            let defaults: &[&str] = if jsonl {
                &["*.jsonl", "*.ndjson"]
            } else {
                &["*.html", "*.htm"]
            };
            defaults.iter().map(|g| (*g).to_owned()).collect()
        } else {
            options.globs.clone()
        };
        // Globs are matched against paths relative to the current
        // directory, as ripgrep does; `*.html` matches at any depth.
        let mut builder = OverrideBuilder::new(".");
        builder.case_insensitive(true)?;
        for glob in &globs {
            builder.add(glob)?;
        }
        Ok(Walker {
            overrides: builder.build()?,
            globs,
            hidden: options.hidden,
            no_ignore: options.no_ignore,
        })
    }

    /// Every input the paths name, in order. Problems (a directory that
    /// cannot be read) are reported and the walk goes on.
    pub fn expand(&self, paths: &[OsString], diag: &mut Diag) -> Vec<Input> {
        if paths.is_empty() {
            return vec![Input::Stdin];
        }
        let mut inputs = Vec::new();
        for path in paths {
            if path == "-" {
                inputs.push(Input::Stdin);
                continue;
            }
            let path = PathBuf::from(path);
            if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                let before = inputs.len();
                self.walk(&path, &mut inputs, diag);
                if inputs.len() == before {
                    diag.warn(
                        Place::new(&path.display()),
                        format!("no files to clean (looked for {})", self.globs.join(", ")),
                    );
                }
            } else {
                // A missing or unreadable file is reported when it is read,
                // in its place in the order.
                inputs.push(Input::File { path });
            }
        }
        inputs
    }

    fn walk(&self, root: &Path, inputs: &mut Vec<Input>, diag: &mut Diag) {
        let use_ignore = !self.no_ignore;
        // The globs filter what the ignore rules let through (like
        // ripgrep's --type), rather than override those rules (like
        // ripgrep's --glob): a hidden or ignored *.html stays skipped.
        let globs = self.overrides.clone();
        let walk = WalkBuilder::new(root)
            .hidden(!self.hidden)
            .ignore(use_ignore)
            .git_ignore(use_ignore)
            .git_global(use_ignore)
            .git_exclude(use_ignore)
            .parents(use_ignore)
            .filter_entry(move |entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                // A directory is left out only by an explicit `!DIR/`; a
                // file must match a glob.
                !globs.matched(entry.path(), is_dir).is_ignore()
            })
            // `safe-markup dir/ > dir/out.html` must not read its own output.
            .skip_stdout(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        let first = inputs.len();
        let mut links = Vec::new();
        for entry in walk {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    inputs.push(Input::File {
                        path: entry.into_path(),
                    });
                }
                // Not followed: a link in an uploaded tree could point at
                // any file on the machine, which --in-place would rewrite.
                Ok(entry) if entry.path_is_symlink() => links.push(entry.into_path()),
                Ok(_) => {}
                Err(err) => diag.error(Place::new(&root.display()), err.to_string()),
            }
        }
        check_links(&links, inputs.get(first..).unwrap_or_default(), diag);
    }
}

/// A link to a file the search did not clean through its own path leaves
/// what the site serves through the link uncleaned: that fails the run. A
/// dangling link serves nothing.
fn check_links(links: &[PathBuf], walked: &[Input], diag: &mut Diag) {
    if links.is_empty() {
        return;
    }
    let cleaned: HashSet<PathBuf> = walked
        .iter()
        .filter_map(|input| match input {
            Input::File { path } => fs::canonicalize(path).ok(),
            Input::Stdin => None,
        })
        .collect();
    for link in links {
        match fs::canonicalize(link) {
            Ok(target) if target.is_file() && !cleaned.contains(&target) => diag.error(
                Place::new(&link.display()),
                format!(
                    "symbolic link not followed, so {} was not cleaned (name the link or the file to clean it)",
                    target.display()
                ),
            ),
            _ => {}
        }
    }
}

/// Drops inputs that name a file already in the list (through another
/// path, `./a` and `a`, or a directory and a file in it), keeping the
/// first: rewriting one file twice at once would race.
pub fn dedup(inputs: Vec<Input>) -> Vec<Input> {
    let mut seen = HashSet::new();
    inputs
        .into_iter()
        .filter(|input| match input {
            Input::Stdin => true,
            Input::File { path, .. } => {
                let key = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                seen.insert(key)
            }
        })
        .collect()
}
