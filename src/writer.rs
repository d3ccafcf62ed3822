//! Writing a rendered project to disk, all or nothing, never outside the target, never changing
//! a file that is already there.
//!
//! A new project is staged in a hidden folder beside the target and renamed into place in one
//! step. With `--force` into an existing folder, only missing files are added; a file that exists
//! with other contents is a collision and nothing is written. Any failure or interruption removes
//! what this run created.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::render::OutputFile;

const STAGE_PREFIX: &str = ".sprout-stage-";

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written (all of them for a new project).
    pub added: Vec<String>,
    /// Files that were already there with the same contents (only with `--force`).
    pub unchanged: Vec<String>,
}

/// How one file's bytes reach the disk; tests swap it to inject failures.
pub type WriteFn<'a> = dyn FnMut(&Path, &[u8]) -> io::Result<()> + 'a;

pub fn write(
    target: &Path,
    files: &[OutputFile],
    force: bool,
    cancel: &AtomicBool,
) -> Result<Written> {
    write_with(target, files, force, cancel, &mut |path, bytes| {
        fs::write(path, bytes)
    })
}

pub fn write_with(
    target: &Path,
    files: &[OutputFile],
    force: bool,
    cancel: &AtomicBool,
    write_file: &mut WriteFn,
) -> Result<Written> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => fresh(target, files, cancel, write_file),
        Err(e) => Err(Error::Write {
            path: target.to_path_buf(),
            source: e,
        }),
        Ok(meta) if meta.file_type().is_symlink() => Err(Error::SymlinkInTarget {
            path: target.to_path_buf(),
        }),
        Ok(meta) if !meta.is_dir() => Err(Error::TargetNotDirectory {
            path: target.to_path_buf(),
        }),
        Ok(_) if is_empty_dir(target)? => fresh(target, files, cancel, write_file),
        Ok(_) if force => merge(target, files, cancel, write_file),
        Ok(_) => Err(Error::TargetNotEmpty {
            path: target.to_path_buf(),
        }),
    }
}

fn is_empty_dir(path: &Path) -> Result<bool> {
    let mut entries = fs::read_dir(path).map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(entries.next().is_none())
}

/// Stage beside the target, then rename into place.
fn fresh(
    target: &Path,
    files: &[OutputFile],
    cancel: &AtomicBool,
    write_file: &mut WriteFn,
) -> Result<Written> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut created = Created::default();
    let result = (|| {
        created.dirs_to(&parent)?;
        remove_stale_stages(&parent);
        let stage = tempfile::Builder::new()
            .prefix(&format!("{STAGE_PREFIX}{}-", std::process::id()))
            .tempdir_in(&parent)
            .map_err(|e| Error::Write {
                path: parent.clone(),
                source: e,
            })?;
        let mut inner = Created::default();
        for file in files {
            if cancel.load(Ordering::SeqCst) {
                return Err(Error::Cancelled);
            }
            let path = stage.path().join(&file.path);
            inner.dirs_to(path.parent().unwrap_or(stage.path()))?;
            write_file(&path, &file.contents).map_err(|e| Error::Write {
                path: target.join(&file.path),
                source: e,
            })?;
            set_mode(&path, file.mode)?;
        }
        set_mode(stage.path(), 0o755)?;
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        // An empty target folder is replaced by the rename; a non-empty one makes it fail.
        fs::rename(stage.path(), target).map_err(|e| Error::Write {
            path: target.to_path_buf(),
            source: e,
        })?;
        // The stage is now the target: nothing left to clean up.
        let _ = stage.keep();
        Ok(Written {
            added: files.iter().map(|f| f.path.clone()).collect(),
            unchanged: Vec::new(),
        })
    })();
    if result.is_err() {
        created.undo();
    }
    result
}

/// Add the missing files to an existing folder; refuse if any file differs.
fn merge(
    target: &Path,
    files: &[OutputFile],
    cancel: &AtomicBool,
    write_file: &mut WriteFn,
) -> Result<Written> {
    let mut written = Written::default();
    let mut collisions = Vec::new();
    let mut missing = Vec::new();
    for file in files {
        check_no_symlink_below(target, &file.path)?;
        let path = target.join(&file.path);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(file),
            Err(e) => return Err(Error::Write { path, source: e }),
            Ok(meta)
                if meta.is_file() && fs::read(&path).is_ok_and(|old| old == *file.contents) =>
            {
                written.unchanged.push(file.path.clone());
            }
            Ok(_) => collisions.push(file.path.clone()),
        }
    }
    if !collisions.is_empty() {
        let count = collisions.len();
        let mut list: Vec<String> = collisions.into_iter().take(10).collect();
        if count > list.len() {
            list.push(format!("… and {} more", count - list.len()));
        }
        return Err(Error::Collisions {
            path: target.to_path_buf(),
            count,
            list: list.join(", "),
        });
    }

    let mut created = Created::default();
    let result = (|| {
        for file in missing {
            if cancel.load(Ordering::SeqCst) {
                return Err(Error::Cancelled);
            }
            let path = target.join(&file.path);
            let dir = path.parent().unwrap_or(target);
            created.dirs_to(dir)?;
            // Write beside, then move into place without replacing anything that appeared meanwhile.
            let tmp = tempfile::Builder::new()
                .prefix(".sprout-tmp-")
                .tempfile_in(dir)
                .map_err(|e| Error::Write {
                    path: path.clone(),
                    source: e,
                })?;
            write_file(tmp.path(), &file.contents).map_err(|e| Error::Write {
                path: path.clone(),
                source: e,
            })?;
            set_mode(tmp.path(), file.mode)?;
            tmp.persist_noclobber(&path).map_err(|e| Error::Write {
                path: path.clone(),
                source: e.error,
            })?;
            created.files.push(path);
            written.added.push(file.path.clone());
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(written),
        Err(e) => {
            created.undo();
            Err(e)
        }
    }
}

/// Every existing ancestor of `relative` below `target` must be a real folder, not a link.
fn check_no_symlink_below(target: &Path, relative: &str) -> Result<()> {
    let mut path = target.to_path_buf();
    for segment in relative.split('/') {
        path.push(segment);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::SymlinkInTarget { path });
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// What this run created, to remove again if it fails.
#[derive(Default)]
struct Created {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Created {
    /// Create `dir` and its missing ancestors, remembering which were new.
    fn dirs_to(&mut self, dir: &Path) -> Result<()> {
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
            fs::create_dir(&d).map_err(|e| Error::Write {
                path: d.clone(),
                source: e,
            })?;
            self.dirs.push(d);
        }
        Ok(())
    }

    fn undo(self) {
        for file in self.files.iter().rev() {
            let _ = fs::remove_file(file);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// Stages left by a sprout that was killed (its process is gone) are removed.
fn remove_stale_stages(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGE_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && !process_alive(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without a cheap check, assume it lives: never remove another run's stage.
        true
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e,
    })
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::render::{MODE_EXECUTABLE, MODE_FILE};

    fn files() -> Vec<OutputFile> {
        vec![
            OutputFile {
                path: "README.md".into(),
                contents: Cow::Borrowed(b"hello\n"),
                mode: MODE_FILE,
            },
            OutputFile {
                path: "bin/run".into(),
                contents: Cow::Borrowed(b"#!/bin/sh\n"),
                mode: MODE_EXECUTABLE,
            },
            OutputFile {
                path: "src/a/b.txt".into(),
                contents: Cow::Borrowed(b"b"),
                mode: MODE_FILE,
            },
        ]
    }

    fn no_cancel() -> AtomicBool {
        AtomicBool::new(false)
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_project_is_written_with_modes() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("deep/er/proj");
        let written = write(&target, &files(), false, &no_cancel()).unwrap();
        assert_eq!(written.added.len(), 3);
        assert_eq!(fs::read(target.join("src/a/b.txt")).unwrap(), b"b");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| fs::metadata(target.join(p)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode("bin/run"), 0o755);
            assert_eq!(mode("README.md"), 0o644);
            assert_eq!(
                fs::metadata(&target).unwrap().permissions().mode() & 0o777,
                0o755
            );
        }
        assert_eq!(entries(target.parent().unwrap()), vec!["proj"]);
    }

    #[test]
    fn a_failure_part_way_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("new/proj");
        let mut count = 0;
        let mut failing = |p: &Path, b: &[u8]| {
            count += 1;
            if count == 2 {
                Err(io::Error::other("disk full"))
            } else {
                fs::write(p, b)
            }
        };
        let err = write_with(&target, &files(), false, &no_cancel(), &mut failing).unwrap_err();
        assert!(matches!(err, Error::Write { .. }), "{err:?}");
        assert_eq!(
            entries(tmp.path()),
            Vec::<String>::new(),
            "created parent and stage are removed"
        );
    }

    #[test]
    fn cancel_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("proj");
        let cancel = AtomicBool::new(true);
        assert!(matches!(
            write(&target, &files(), false, &cancel),
            Err(Error::Cancelled)
        ));
        assert!(entries(tmp.path()).is_empty());
    }

    #[test]
    fn a_non_empty_target_is_refused_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("mine.txt"), "mine").unwrap();
        let err = write(tmp.path(), &files(), false, &no_cancel()).unwrap_err();
        assert!(matches!(err, Error::TargetNotEmpty { .. }));
        assert_eq!(entries(tmp.path()), vec!["mine.txt"]);
    }

    #[test]
    fn an_empty_target_is_filled() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("proj");
        fs::create_dir(&target).unwrap();
        write(&target, &files(), false, &no_cancel()).unwrap();
        assert_eq!(entries(&target), vec!["README.md", "bin", "src"]);
    }

    #[test]
    fn force_adds_missing_files_and_keeps_identical_ones() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("mine.txt"), "mine").unwrap();
        fs::write(tmp.path().join("README.md"), "hello\n").unwrap();
        let written = write(tmp.path(), &files(), true, &no_cancel()).unwrap();
        assert_eq!(written.unchanged, vec!["README.md"]);
        assert_eq!(written.added, vec!["bin/run", "src/a/b.txt"]);
        assert_eq!(
            fs::read_to_string(tmp.path().join("mine.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn force_refuses_collisions_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("README.md"), "my own readme").unwrap();
        let err = write(tmp.path(), &files(), true, &no_cancel()).unwrap_err();
        assert!(matches!(err, Error::Collisions { count: 1, .. }), "{err:?}");
        assert_eq!(entries(tmp.path()), vec!["README.md"]);
        assert_eq!(
            fs::read_to_string(tmp.path().join("README.md")).unwrap(),
            "my own readme"
        );
    }

    #[test]
    fn force_failure_removes_only_what_it_added() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("mine.txt"), "mine").unwrap();
        let mut count = 0;
        let mut failing = |p: &Path, b: &[u8]| {
            count += 1;
            if count == 3 {
                Err(io::Error::other("disk full"))
            } else {
                fs::write(p, b)
            }
        };
        assert!(write_with(tmp.path(), &files(), true, &no_cancel(), &mut failing).is_err());
        assert_eq!(entries(tmp.path()), vec!["mine.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_in_the_target_are_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        let target = tmp.path().join("proj");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("mine.txt"), "mine").unwrap();
        std::os::unix::fs::symlink(&outside, target.join("src")).unwrap();
        let err = write(&target, &files(), true, &no_cancel()).unwrap_err();
        assert!(matches!(err, Error::SymlinkInTarget { .. }), "{err:?}");
        assert!(entries(&outside).is_empty());

        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(matches!(
            write(&link, &files(), true, &no_cancel()),
            Err(Error::SymlinkInTarget { .. })
        ));
    }

    #[test]
    fn stale_stages_of_dead_processes_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let stale = tmp
            .path()
            .join(format!("{STAGE_PREFIX}{}-abc", u32::MAX - 1));
        let live = tmp
            .path()
            .join(format!("{STAGE_PREFIX}{}-abc", std::process::id()));
        fs::create_dir(&stale).unwrap();
        fs::create_dir(&live).unwrap();
        write(&tmp.path().join("proj"), &files(), false, &no_cancel()).unwrap();
        if cfg!(target_os = "linux") {
            assert!(!stale.exists());
        }
        assert!(live.exists(), "a running sprout's stage is left alone");
    }
}
