//! The stage: a hidden folder where the files are written, with their final modes, before they
//! are moved to their place. Its name holds the process id; since every stage is made under the
//! folder's lock, one found by a run holding that lock was left by a run that was killed. A
//! stage holds an owner mark ([`OWNER`]) from its first moment: only a folder with the mark is
//! ever removed as a leftover, never one that merely has a stage's name, but for one a run was
//! killed in between making it and writing the mark (empty, or holding part of the mark alone:
//! nothing in it can be anyone's).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::WriteFn;
use crate::error::{Error, Result};
use crate::render::{MODE_SECRET, OutputFile};

/// A stage beside a target that does not exist yet; its `project` folder becomes the target.
pub const BESIDE: &str = ".sprout-stage-";
/// A stage inside an existing target; its entries are moved in one by one, with a journal.
pub const INSIDE: &str = ".sprout-partial-";
/// The file that marks a folder as a stage sprout made, and what it holds.
pub const OWNER: &str = "owner";
const OWNER_TEXT: &str = "a stage of sprout's; removed by its next run in this folder\n";

pub struct Stage {
    /// The stage folder itself.
    pub dir: PathBuf,
    /// Where the project's files go: `dir`, or a folder inside it.
    pub root: PathBuf,
    /// What the umask leaves of 0o777, as measured on the stage folder.
    folder_mode: u32,
}

impl Stage {
    /// Make the stage folder `<prefix><pid>` in `parent`, marked as sprout's, its files under
    /// `dir/inner`. A failure names `target`, the user's folder, never the stage.
    pub fn create(parent: &Path, prefix: &str, inner: &str, target: &Path) -> Result<Stage> {
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        let failed = |source| Error::Write {
            path: target.to_path_buf(),
            source,
        };
        if let Err(e) = fs::create_dir(&dir) {
            if e.kind() != io::ErrorKind::AlreadyExists || !is_ours(&dir) {
                return Err(failed(e));
            }
            // Left by an earlier process with this id (the lock is ours): start afresh.
            fs::remove_dir_all(&dir).map_err(failed)?;
            fs::create_dir(&dir).map_err(failed)?;
        }
        let folder_mode = permissions_of(&dir).unwrap_or(0o755);
        let root = dir.join(inner);
        let made = fs::write(dir.join(OWNER), OWNER_TEXT).and_then(|()| fs::create_dir(&root));
        if let Err(e) = made {
            let _ = fs::remove_dir_all(&dir);
            return Err(failed(e));
        }
        Ok(Stage {
            dir,
            root,
            folder_mode,
        })
    }

    /// Write `files` below the root. Errors name the file's place in `user_root`, never the
    /// stage. Many files are written in two halves on two threads (`halves`; the error
    /// reported is then the first in the files' order).
    pub fn write_files(
        &self,
        files: &[&OutputFile],
        user_root: &Path,
        cancel: &AtomicBool,
        write_file: &WriteFn,
    ) -> Result<()> {
        crate::halves::each(files, |part| {
            self.write_part(part, user_root, cancel, write_file)
        })
        .map(drop)
    }

    /// One part of [`Stage::write_files`], on this thread.
    fn write_part(
        &self,
        files: &[&OutputFile],
        user_root: &Path,
        cancel: &AtomicBool,
        write_file: &WriteFn,
    ) -> Result<()> {
        // Folders made so far (or there from the start): each is made once, not once a file.
        let mut made: HashSet<PathBuf> = HashSet::from([self.root.clone()]);
        for file in files {
            if cancel.load(Ordering::SeqCst) {
                return Err(Error::Cancelled);
            }
            let failed = |source| Error::Write {
                path: user_root.join(&file.path),
                source,
            };
            let path = self.root.join(&file.path);
            if let Some(dir) = path.parent()
                && !made.contains(dir)
            {
                fs::create_dir_all(dir).map_err(|source| Error::Write {
                    path: user_root.join(dir.strip_prefix(&self.root).unwrap_or(dir)),
                    source,
                })?;
                made.extend(
                    dir.ancestors()
                        .take_while(|d| d.starts_with(&self.root))
                        .map(Path::to_path_buf),
                );
            }
            let mode = self.file_mode(file.mode);
            write_file(&path, &file.contents, mode).map_err(failed)?;
            // Made with `mode`, less what the umask takes: set again only when that is a bit
            // the umask takes (a secret's 0600 under a umask that takes the owner's bits).
            if mode & !self.folder_mode != 0 {
                set_permissions(&path, mode).map_err(failed)?;
            }
        }
        Ok(())
    }

    /// The mode a file gets: secrets 0600 whatever the umask; executables what the umask leaves
    /// of 0777, other files of 0666.
    fn file_mode(&self, nominal: u32) -> u32 {
        if nominal == MODE_SECRET {
            MODE_SECRET
        } else if nominal & 0o111 != 0 {
            self.folder_mode
        } else {
            self.folder_mode & 0o666
        }
    }

    pub fn remove(&self) {
        remove_marked(&self.dir, &[super::journal::FILE_NAME], &[]);
    }
}

/// Remove the marked folder `dir` one step at a time (see [`removal_steps`]): the files named
/// `first` (a journal: once it is gone, nothing is undone), then what it holds, the files named
/// `last` (a commit mark), its mark, and the folder, so a kill part way leaves it marked (for
/// the next run) or empty, never an unmarked folder that holds anything.
pub fn remove_marked(dir: &Path, first: &[&str], last: &[&str]) {
    for (path, is_dir) in removal_steps(dir, first, last) {
        let _ = if is_dir {
            fs::remove_dir(&path)
        } else {
            fs::remove_file(&path)
        };
    }
}

/// The removals that take the marked folder `dir` away, in order, each a path and whether it
/// is a folder: a kill between any two leaves the folder marked, or empty.
pub fn removal_steps(dir: &Path, first: &[&str], last: &[&str]) -> Vec<(PathBuf, bool)> {
    let files = |names: &[&str]| -> Vec<(PathBuf, bool)> {
        names
            .iter()
            .map(|name| dir.join(name))
            .filter(|path| fs::symlink_metadata(path).is_ok_and(|m| m.is_file()))
            .map(|path| (path, false))
            .collect()
    };
    let mut steps = files(first);
    let last = files(last);
    let owner = dir.join(OWNER);
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let named = |(step, _): &(PathBuf, bool)| *step == path;
            if path == owner || steps.iter().any(named) || last.iter().any(named) {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&path, &mut steps);
            } else {
                steps.push((path, false));
            }
        }
    }
    steps.extend(last);
    steps.push((owner, false));
    steps.push((dir.to_path_buf(), true));
    steps
}

/// Everything below `dir`, then `dir`: what is in a folder before the folder.
fn walk(dir: &Path, steps: &mut Vec<(PathBuf, bool)>) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&entry.path(), steps);
            } else {
                steps.push((entry.path(), false));
            }
        }
    }
    steps.push((dir.to_path_buf(), true));
}

/// Stages named `prefix…` directly in `dir` and marked as sprout's, left by killed runs: `undo`
/// each, then remove it. A folder with a stage's name but not the mark is the user's: kept.
pub fn remove_stale(dir: &Path, prefix: &str, mut undo: impl FnMut(&Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_stage = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(prefix));
        if !is_stage || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if is_ours(&entry.path()) {
            undo(&entry.path());
            remove_marked(&entry.path(), &[super::journal::FILE_NAME], &[]);
        } else if half_made(&entry.path()) {
            let _ = fs::remove_file(entry.path().join(OWNER));
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// Whether `dir` is a stage a run was killed in while making it: empty, or holding only the
/// start of the owner mark.
fn half_made(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().all(|e| {
            e.file_name() == OWNER
                && fs::read_to_string(e.path()).is_ok_and(|text| OWNER_TEXT.starts_with(&text))
        })
    })
}

/// Whether the folder `dir` holds sprout's owner mark.
pub fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(OWNER)).is_ok_and(|m| m.is_file())
        && fs::read_to_string(dir.join(OWNER)).is_ok_and(|t| t == OWNER_TEXT)
}

/// Mark `dir` as a folder sprout made, to be removed by its next run if this one is killed.
pub fn mark(dir: &Path) -> io::Result<()> {
    fs::write(dir.join(OWNER), OWNER_TEXT)
}

#[cfg(unix)]
fn permissions_of(path: &Path) -> io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permissions_of(_path: &Path) -> io::Result<u32> {
    Ok(0o755)
}

#[cfg(unix)]
fn set_permissions(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_permissions(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}
