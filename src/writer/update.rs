//! Writing an update (`sprout update`, `sprout add`): all or nothing, inside the project only,
//! never through a symbolic link.
//!
//! Every new file is first written beside its target; then each target is moved aside and the
//! new file moved in. If any step fails, every move is undone and what was created is removed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Write {
        path: String,
        bytes: Vec<u8>,
        mode: u32,
    },
    Remove {
        path: String,
    },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Write { path, .. } | Change::Remove { path } => path,
        }
    }
}

/// The project file at `relative`, refusing any symbolic link on the way.
pub fn read(dir: &Path, relative: &str) -> Result<Option<Vec<u8>>> {
    check_no_symlink(dir, relative)?;
    let path = dir.join(relative);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Write { path, source: e }),
        Ok(meta) if meta.is_file() => fs::read(&path)
            .map(Some)
            .map_err(|e| Error::Write { path, source: e }),
        Ok(_) => Err(Error::Write {
            path,
            source: io::Error::other("expected a file, found a folder"),
        }),
    }
}

/// Every existing part of `relative` below `dir` must be a real file or folder, not a link.
fn check_no_symlink(dir: &Path, relative: &str) -> Result<()> {
    crate::paths::no_link_on_the_way(dir, relative).map_err(|path| Error::SymlinkInTarget { path })
}

#[derive(Default)]
struct Undo {
    dirs: Vec<PathBuf>,
    temps: Vec<PathBuf>,
    /// (target, where the original was moved aside, if there was one)
    moved: Vec<(PathBuf, Option<PathBuf>)>,
    asides: Vec<PathBuf>,
}

impl Undo {
    fn roll_back(self) {
        for (target, aside) in self.moved.iter().rev() {
            let _ = fs::remove_file(target);
            if let Some(aside) = aside {
                let _ = fs::rename(aside, target);
            }
        }
        for temp in &self.temps {
            let _ = fs::remove_file(temp);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

pub fn apply(dir: &Path, changes: &[Change]) -> Result<()> {
    for change in changes {
        check_no_symlink(dir, change.path())?;
        let path = dir.join(change.path());
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(Error::Write {
                path,
                source: io::Error::other("expected a file, found a folder"),
            });
        }
    }
    let mut undo = Undo::default();
    match stage_and_move(dir, changes, &mut undo) {
        Ok(()) => {
            for aside in &undo.asides {
                let _ = fs::remove_file(aside);
            }
            Ok(())
        }
        Err(e) => {
            undo.roll_back();
            Err(e)
        }
    }
}

fn stage_and_move(dir: &Path, changes: &[Change], undo: &mut Undo) -> Result<()> {
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    // 1. Every new file beside its target.
    let mut staged = Vec::with_capacity(changes.len());
    for change in changes {
        let target = dir.join(change.path());
        let temp = match change {
            Change::Write { bytes, mode, .. } => {
                let parent = target.parent().unwrap_or(dir);
                super::create_missing_dirs(parent, &mut undo.dirs)?;
                let temp = tempfile::Builder::new()
                    .prefix(".sprout-new-")
                    .tempfile_in(parent)
                    .map_err(fail(&target))?;
                let (_, temp) = temp.keep().map_err(|e| fail(&target)(e.error))?;
                undo.temps.push(temp.clone());
                fs::write(&temp, bytes).map_err(fail(&target))?;
                let mode = match fs::metadata(&target) {
                    Ok(meta) => permissions_mode(&meta).unwrap_or(*mode),
                    Err(_) => *mode,
                };
                set_mode(&temp, mode).map_err(fail(&target))?;
                Some(temp)
            }
            Change::Remove { .. } => None,
        };
        staged.push((target, temp));
    }
    // 2. Move each original aside and the new file in.
    for (target, temp) in staged {
        let aside = if fs::symlink_metadata(&target).is_ok() {
            let aside = target.with_file_name(format!(
                ".sprout-old-{}-{}",
                std::process::id(),
                target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            fs::rename(&target, &aside).map_err(fail(&target))?;
            Some(aside)
        } else {
            None
        };
        if let Some(temp) = temp {
            if let Err(e) = fs::rename(&temp, &target) {
                undo.moved.push((target.clone(), aside));
                return Err(fail(&target)(e));
            }
            undo.temps.retain(|t| *t != temp);
        }
        if let Some(aside) = &aside {
            undo.asides.push(aside.clone());
        }
        undo.moved.push((target, aside));
    }
    Ok(())
}

#[cfg(unix)]
fn permissions_mode(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permissions_mode(_meta: &fs::Metadata) -> Option<u32> {
    None
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::MODE_FILE;

    fn write(path: &str, text: &str) -> Change {
        Change::Write {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            mode: MODE_FILE,
        }
    }

    #[test]
    fn writes_and_removes_together() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("old.txt"), "old").unwrap();
        fs::write(tmp.path().join("keep.txt"), "v1").unwrap();
        let changes = vec![
            write("keep.txt", "v2"),
            write("new/deep.txt", "d"),
            Change::Remove {
                path: "old.txt".into(),
            },
        ];
        apply(tmp.path(), &changes).unwrap();
        assert_eq!(
            fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
            "v2"
        );
        assert_eq!(
            fs::read_to_string(tmp.path().join("new/deep.txt")).unwrap(),
            "d"
        );
        assert!(!tmp.path().join("old.txt").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    }

    #[test]
    fn a_failure_restores_everything() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.txt"), "a").unwrap();
        fs::write(tmp.path().join("z"), "z").unwrap();
        // A file where a folder must go: staging fails after other files were staged.
        let changes = vec![
            write("a.txt", "A"),
            write("b/new.txt", "n"),
            write("z/in.txt", "file"),
        ];
        assert!(apply(tmp.path(), &changes).is_err());
        assert_eq!(fs::read_to_string(tmp.path().join("a.txt")).unwrap(), "a");
        assert!(!tmp.path().join("b").exists());
        let mut names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["a.txt", "z"]);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), tmp.path().join("src")).unwrap();
        let changes = vec![write("a.txt", "A"), write("src/x.txt", "x")];
        assert!(matches!(
            apply(tmp.path(), &changes),
            Err(Error::SymlinkInTarget { .. })
        ));
        assert!(!tmp.path().join("a.txt").exists());
        assert!(fs::read_dir(outside.path()).unwrap().next().is_none());
    }
}
