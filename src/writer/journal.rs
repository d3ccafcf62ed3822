//! Adding to an existing folder so that it can be undone: before a staged entry is moved into the
//! target, every file in it is recorded in the stage's journal with its contents' id, and every
//! folder with its path. Rolling back removes only what is still exactly as sprout wrote it: a
//! recorded file whose contents are unchanged, then each recorded folder that is left empty. A
//! file the user added or edited since (after a kill, before the next run) stays, and so does
//! the folder that holds it. A run killed part-way is rolled back by the next run on the same
//! target.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::place;
use crate::error::{Error, Result};
use crate::git::blob_id;

pub(super) const FILE_NAME: &str = "journal";

pub struct Journal {
    file: File,
    target: PathBuf,
}

impl Journal {
    pub fn create(stage_dir: &Path, target: &Path) -> Result<Journal> {
        let file = File::create_new(stage_dir.join(FILE_NAME)).map_err(|source| Error::Write {
            path: target.to_path_buf(),
            source,
        })?;
        Ok(Journal {
            file,
            target: target.to_path_buf(),
        })
    }

    /// Record `staged` (a file, or a folder and all below it), then move it to `relative` in
    /// the target (never replacing anything).
    pub fn move_in(&mut self, staged: &Path, relative: &str) -> Result<()> {
        let path = self.target.join(relative);
        let failed = |source| Error::Write {
            path: path.clone(),
            source,
        };
        let mut entries = String::new();
        describe(staged, relative, &mut entries).map_err(failed)?;
        self.file
            .write_all(entries.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(failed)?;
        place::rename_no_replace(staged, &path).map_err(failed)
    }
}

/// `D path\0` for a folder (then what is in it), `F id path\0` for a file.
fn describe(path: &Path, relative: &str, out: &mut String) -> std::io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.is_dir() {
        out.push_str(&format!("D {relative}\0"));
        let mut children: Vec<_> = fs::read_dir(path)?.collect::<std::io::Result<_>>()?;
        children.sort_by_key(|e| e.file_name());
        for child in children {
            let name = child.file_name();
            let name = name.to_string_lossy();
            describe(&child.path(), &format!("{relative}/{name}"), out)?;
        }
    } else {
        out.push_str(&format!("F {} {relative}\0", blob_id(&fs::read(path)?)));
    }
    Ok(())
}

/// Undo what the journal in `stage_dir` records as moved into `target`: the files still as
/// sprout wrote them, then the folders left empty.
pub fn roll_back(stage_dir: &Path, target: &Path) {
    let Ok(bytes) = fs::read(stage_dir.join(FILE_NAME)) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    let inside = |relative: &str| {
        Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    };
    let mut folders = Vec::new();
    for record in text.split('\0') {
        if let Some(relative) = record.strip_prefix("D ") {
            if inside(relative) {
                folders.push(target.join(relative));
            }
            continue;
        }
        let Some((id, relative)) = record.strip_prefix("F ").and_then(|r| r.split_once(' ')) else {
            continue;
        };
        if !inside(relative) {
            continue;
        }
        let path = target.join(relative);
        let unchanged = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            && fs::read(&path).is_ok_and(|now| blob_id(&now) == id);
        if unchanged {
            let _ = fs::remove_file(&path);
        }
    }
    // Deepest first; a folder that still holds something is not empty and stays.
    for folder in folders.iter().rev() {
        let _ = fs::remove_dir(folder);
    }
}
