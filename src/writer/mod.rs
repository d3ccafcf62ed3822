//! Writing a rendered project to disk, all or nothing, never outside the target, never changing
//! a file that is already there.
//!
//! Every write holds a lock on the folder that holds the target (`lock`), and on the target when
//! it exists (as `update` does), so runs on one target take turns. What is there is inspected first (`inspect`): symbolic links, collisions and
//! non-folders are refused before anything is written. The files are then written to a stage
//! (`stage`) with the modes the umask allows, and put in place:
//! - a target that does not exist: the stage sits beside it and is renamed into place in one step;
//! - an existing folder (empty, or any with `--force`): the folder is kept (its inode, owner and
//!   mode) and the stage sits inside it; the staged entries are moved in one by one, each recorded
//!   first in a journal (`journal`), so a failure or a signal rolls back exactly what was added,
//!   and so does the next run after a kill.

mod inspect;
mod journal;
mod lock;
mod place;
mod stage;
pub mod update;

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::render::OutputFile;
use inspect::Found;
use journal::Journal;
use stage::Stage;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written (all of them for a new project).
    pub added: Vec<String>,
    /// Files that were already there with the same contents (only with `--force`).
    pub unchanged: Vec<String>,
    /// What this run put in place, for [`undo`]: the target itself when it was created, else
    /// each new entry in it (the highest missing folder of a new file, or the file).
    placed: Vec<PathBuf>,
    /// Folders above the target this run created, outermost first.
    created_above: Vec<PathBuf>,
}

/// Take back what [`write`] wrote, as far as it is still as written: each added file whose
/// contents are still `files`' is removed, then each folder this run made that is left empty
/// (the target itself, when it made it). Anything the user added or changed since stays.
pub fn undo(target: &Path, files: &[OutputFile], written: &Written) {
    for path in &written.added {
        let at = target.join(path);
        let ours = files.iter().find(|f| f.path == *path).is_some_and(|f| {
            fs::symlink_metadata(&at).is_ok_and(|m| m.is_file())
                && fs::read(&at).is_ok_and(|now| now == *f.contents)
        });
        if ours {
            let _ = fs::remove_file(&at);
        }
    }
    for placed in &written.placed {
        remove_empty_folders(placed);
    }
    for dir in written.created_above.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// `dir` and the folders below it that hold nothing, deepest first.
fn remove_empty_folders(dir: &Path) {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return;
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_folders(&entry.path());
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

/// How one file's bytes reach the disk, made with a mode (less the umask); tests swap it to
/// inject failures.
pub type WriteFn<'a> = dyn Fn(&Path, &[u8], u32) -> io::Result<()> + Sync + 'a;

/// Write `files` to `target` (see the module's rules). `force` allows an existing non-empty
/// folder; `cancel` set by a signal stops the run and rolls back what it did.
pub fn write(
    target: &Path,
    files: &[OutputFile],
    force: bool,
    cancel: &AtomicBool,
) -> Result<Written> {
    write_with(target, files, force, cancel, &create_new)
}

/// What a real run would refuse (exit code included), without writing: for `--dry-run`. That
/// includes a folder sprout may not write in, named as the real run names it.
pub fn check(target: &Path, files: &[OutputFile], force: bool) -> Result<()> {
    match inspect::inspect(target, files, force)? {
        Found::Absent => {
            // The real run makes the missing folders, then its stage in the target's parent.
            let mut first_missing = None;
            let mut existing = target.parent();
            while let Some(dir) = existing {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                if fs::symlink_metadata(dir).is_ok() {
                    break;
                }
                first_missing = Some(dir);
                existing = dir.parent();
            }
            let existing = existing.map_or(Path::new("."), |d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            });
            writable(existing).map_err(|source| Error::Write {
                path: first_missing.unwrap_or(target).to_path_buf(),
                source,
            })
        }
        Found::Folder { missing, .. } if missing.is_empty() => Ok(()),
        Found::Folder { .. } => writable(target).map_err(|source| Error::Write {
            path: target.to_path_buf(),
            source,
        }),
    }
}

/// Whether this process may make entries in the folder `dir` (write and search permission, on
/// a file system mounted for writing).
pub(crate) fn writable(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use nix::unistd::{AccessFlags, access};
        access(dir, AccessFlags::W_OK | AccessFlags::X_OK)
            .map_err(|errno| io::Error::from_raw_os_error(errno as i32))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// [`write`], with the function that puts each file's bytes on disk (tests inject faults).
pub fn write_with(
    target: &Path,
    files: &[OutputFile],
    force: bool,
    cancel: &AtomicBool,
    write_file: &WriteFn,
) -> Result<Written> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut created = Created::default();
    let result = (|| {
        created.dirs_to(&parent)?;
        let _lock = lock::acquire(&parent, cancel)?;
        // An existing project folder is also locked as `update` locks it: the two take turns.
        let is_folder = fs::symlink_metadata(target).is_ok_and(|m| m.is_dir());
        let _project = is_folder
            .then(|| lock::acquire(target, cancel))
            .transpose()?;
        recover(&parent, target);
        match inspect::inspect(target, files, force)? {
            Found::Absent => create(target, &parent, files, cancel, write_file),
            Found::Folder { missing, unchanged } => {
                let placed = entry_points(target, &missing)
                    .into_iter()
                    .map(|e| target.join(e))
                    .collect();
                let added = add_to(target, &missing, cancel, write_file)?;
                Ok(Written {
                    added,
                    unchanged,
                    placed,
                    created_above: Vec::new(),
                })
            }
        }
    })();
    match result {
        Ok(mut written) => {
            written.created_above = created.dirs;
            Ok(written)
        }
        Err(error) => {
            created.undo();
            Err(error)
        }
    }
}

/// A new file with `bytes`, made with `mode` (less the umask); one already there is an error.
fn create_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path)?.write_all(bytes)
}

/// Undo what killed runs left: stages beside the target, and additions inside it.
fn recover(parent: &Path, target: &Path) {
    stage::remove_stale(parent, stage::BESIDE, |_| {});
    if fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) {
        stage::remove_stale(target, stage::INSIDE, |dir| journal::roll_back(dir, target));
    }
}

/// A new project: stage beside the target, then rename into place.
fn create(
    target: &Path,
    parent: &Path,
    files: &[OutputFile],
    cancel: &AtomicBool,
    write_file: &WriteFn,
) -> Result<Written> {
    let stage = Stage::create(parent, stage::BESIDE, "project", target)?;
    let all: Vec<&OutputFile> = files.iter().collect();
    let result = stage
        .write_files(&all, target, cancel, write_file)
        .and_then(|()| cancelled(cancel))
        .and_then(|()| {
            place::rename_no_replace(&stage.root, target).map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => Error::TargetNotEmpty {
                    path: target.to_path_buf(),
                },
                _ => Error::Write {
                    path: target.to_path_buf(),
                    source: e,
                },
            })
        });
    // The stage's mark and folder are left; the project is in place (or not, and then all of it
    // goes).
    stage.remove();
    result?;
    Ok(Written {
        added: files.iter().map(|f| f.path.clone()).collect(),
        unchanged: Vec::new(),
        placed: vec![target.to_path_buf()],
        created_above: Vec::new(),
    })
}

/// Add the missing files to an existing folder, which stays the same folder.
fn add_to(
    target: &Path,
    missing: &[&OutputFile],
    cancel: &AtomicBool,
    write_file: &WriteFn,
) -> Result<Vec<String>> {
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let stage = Stage::create(target, stage::INSIDE, "files", target)?;
    let result = (|| -> Result<()> {
        stage.write_files(missing, target, cancel, write_file)?;
        let mut journal = Journal::create(&stage.dir, target)?;
        for entry in entry_points(target, missing) {
            cancelled(cancel)?;
            journal.move_in(&stage.root.join(&entry), &entry)?;
        }
        Ok(())
    })();
    if result.is_err() {
        journal::roll_back(&stage.dir, target);
    }
    stage.remove();
    result?;
    Ok(missing.iter().map(|f| f.path.clone()).collect())
}

/// The fewest entries to move: for each missing file, its highest missing folder (or itself).
fn entry_points(target: &Path, missing: &[&OutputFile]) -> BTreeSet<String> {
    let mut entries = BTreeSet::new();
    for file in missing {
        let mut relative = String::new();
        for segment in file.path.split('/') {
            if !relative.is_empty() {
                relative.push('/');
            }
            relative.push_str(segment);
            if fs::symlink_metadata(target.join(&relative)).is_err() {
                entries.insert(relative);
                break;
            }
        }
    }
    entries
}

fn cancelled(cancel: &AtomicBool) -> Result<()> {
    if cancel.load(Ordering::SeqCst) {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

/// Folders above the target that this run created, to remove again if it fails.
#[derive(Default)]
struct Created {
    dirs: Vec<PathBuf>,
}

impl Created {
    /// Create `dir` and its missing ancestors, remembering which were new.
    fn dirs_to(&mut self, dir: &Path) -> Result<()> {
        create_missing_dirs(dir, &mut self.dirs)
    }

    fn undo(self) {
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// Create `dir` and its missing ancestors, outermost first, adding each folder this call made
/// to `made` as soon as it exists (so a failure part way still knows what to remove). A folder
/// another process makes meanwhile is not ours and is not added.
pub(crate) fn create_missing_dirs(dir: &Path, made: &mut Vec<PathBuf>) -> Result<()> {
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(d) = cursor {
        if d.as_os_str().is_empty() || fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        cursor = d.parent();
    }
    for d in missing.into_iter().rev() {
        match fs::create_dir(&d) {
            Ok(()) => made.push(d),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(Error::Write { path: d, source }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
