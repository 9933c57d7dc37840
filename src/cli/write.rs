//! `--in-place`: replace a file atomically.
//!
//! The new content goes to a temporary file in the same directory (a
//! rename is only atomic within one file system), which gets the original's
//! permissions (and owner, where allowed) and is synced to disk before it is
//! renamed over the original. Until that rename the original is untouched;
//! after it, the new content is complete. An error at any step removes the
//! temporary file; a crash can leave one behind, hidden (`.NAME.…tmp`, so a
//! later directory search skips it), but never a half-written original.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

/// Why a file was not rewritten. It is left as it was.
#[derive(Debug)]
pub enum WriteError {
    /// No write permission bit is set: the owner has said "do not change".
    ReadOnly,
    /// The original cannot be opened for writing (permissions).
    NotWritable(io::Error),
    Metadata(io::Error),
    CreateTemp(PathBuf, io::Error),
    Write(io::Error),
    Backup(PathBuf, io::Error),
    Rename(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not rewritten: ")?;
        match self {
            WriteError::ReadOnly => f.write_str("the file is read-only"),
            WriteError::NotWritable(err) => write!(f, "cannot write to the file: {err}"),
            WriteError::Metadata(err) => write!(f, "cannot read the file's permissions: {err}"),
            WriteError::CreateTemp(dir, err) => write!(
                f,
                "cannot create a temporary file in {}: {err}",
                dir.display()
            ),
            WriteError::Write(err) => write!(f, "cannot write the temporary file: {err}"),
            WriteError::Backup(path, err) => {
                write!(f, "cannot make the backup {}: {err}", path.display())
            }
            WriteError::Rename(err) => write!(f, "cannot replace the file: {err}"),
        }
    }
}

/// A replacement in progress: write the new content to it, then
/// [`commit`](Replacement::commit). Dropped without a commit, it removes
/// its temporary file and leaves the original as it was.
pub struct Replacement {
    /// Removes the temporary file when dropped, unless persisted.
    temp_path: TempPath,
    writer: BufWriter<File>,
    /// The file replaced: a symlink's target, so the link stays a link.
    target: PathBuf,
    permissions: fs::Permissions,
    #[cfg(unix)]
    owner: (u32, u32),
}

impl Replacement {
    /// Checks that `path` may be rewritten and creates the temporary file.
    pub fn new(path: &Path) -> Result<Replacement, WriteError> {
        let target = fs::canonicalize(path).map_err(WriteError::Metadata)?;
        let metadata = fs::metadata(&target).map_err(WriteError::Metadata)?;
        // Root may write anything, so the mode is checked as well as the
        // access: a file without write bits is one its owner froze.
        if metadata.permissions().readonly() {
            return Err(WriteError::ReadOnly);
        }
        // Opening for writing changes nothing (no truncation) and fails as
        // the rewrite would for a user without permission: a rename only
        // needs the directory to be writable, and would otherwise replace a
        // file the user may not change.
        OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(WriteError::NotWritable)?;
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut prefix = OsString::from(".");
        prefix.push(target.file_name().unwrap_or_default());
        prefix.push(".safe-markup-");
        let temp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|err| WriteError::CreateTemp(dir.clone(), err))?;
        // Written through the plain `File`, so that errors read as the
        // system's, without the temporary path that will be gone.
        let (file, temp_path) = temp.into_parts();
        Ok(Replacement {
            temp_path,
            writer: BufWriter::with_capacity(64 * 1024, file),
            target,
            permissions: metadata.permissions(),
            #[cfg(unix)]
            owner: {
                use std::os::unix::fs::MetadataExt;
                (metadata.uid(), metadata.gid())
            },
        })
    }

    /// Where the new content goes.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.writer
    }

    /// Syncs the new content and renames it over the original, after
    /// linking (or copying) the original to `backup` when asked.
    pub fn commit(self, backup: Option<&OsString>) -> Result<(), WriteError> {
        let file = self
            .writer
            .into_inner()
            .map_err(|err| WriteError::Write(err.into_error()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Only root can give a file away; for anyone else this fails
            // and the file keeps its new owner: the user who rewrote it.
            let (uid, gid) = self.owner;
            if file
                .metadata()
                .is_ok_and(|m| (m.uid(), m.gid()) != (uid, gid))
            {
                let _ = std::os::unix::fs::fchown(&file, Some(uid), Some(gid));
            }
        }
        // After the chown, which may clear set-user-ID bits.
        file.set_permissions(self.permissions.clone())
            .map_err(WriteError::Write)?;
        file.sync_all().map_err(WriteError::Write)?;
        if let Some(suffix) = backup {
            let mut name = self.target.clone().into_os_string();
            name.push(suffix);
            let backup = PathBuf::from(name);
            make_backup(&self.target, &backup).map_err(|err| WriteError::Backup(backup, err))?;
        }
        drop(file);
        self.temp_path
            .persist(&self.target)
            .map_err(|err| WriteError::Rename(err.error))?;
        // Make the rename itself durable. Not every platform can sync a
        // directory; the content is already safe either way.
        if let Some(dir) = self.target.parent()
            && let Ok(dir) = File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Writes `contents` over `path` atomically.
pub fn replace(path: &Path, contents: &[u8], backup: Option<&OsString>) -> Result<(), WriteError> {
    let mut replacement = Replacement::new(path)?;
    replacement
        .writer()
        .write_all(contents)
        .map_err(WriteError::Write)?;
    replacement.commit(backup)
}

/// A hard link keeps the original's inode, times and owner for free; where
/// links are not supported, a copy.
fn make_backup(original: &Path, backup: &Path) -> io::Result<()> {
    match fs::remove_file(backup) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
        _ => {}
    }
    if fs::hard_link(original, backup).is_err() {
        fs::copy(original, backup)?;
    }
    Ok(())
}
