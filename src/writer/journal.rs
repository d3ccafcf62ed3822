//! Adding to an existing folder so that it can be undone: each staged entry is recorded (inode
//! and path) in the stage's journal before it is moved into the target. Rolling back removes
//! the recorded entries that are still those inodes, and nothing else. A run killed part-way is
//! rolled back by the next run on the same target.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::place;
use crate::error::{Error, Result};

const FILE_NAME: &str = "journal";

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

    /// Record `staged`, then move it to `relative` in the target (never replacing anything).
    pub fn move_in(&mut self, staged: &Path, relative: &str) -> Result<()> {
        let path = self.target.join(relative);
        let failed = |source| Error::Write {
            path: path.clone(),
            source,
        };
        let inode = inode(&fs::symlink_metadata(staged).map_err(failed)?);
        self.file
            .write_all(format!("{inode} {relative}\0").as_bytes())
            .map_err(failed)?;
        place::rename_no_replace(staged, &path).map_err(failed)
    }
}

/// Undo what the journal in `stage_dir` records as moved into `target`, newest first.
pub fn roll_back(stage_dir: &Path, target: &Path) {
    let Ok(bytes) = fs::read(stage_dir.join(FILE_NAME)) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    for record in text.split('\0').rev() {
        let Some((inode_text, relative)) = record.split_once(' ') else {
            continue;
        };
        let stays_inside = Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !stays_inside {
            continue;
        }
        let path = target.join(relative);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if inode_text.parse::<u64>().ok() != Some(inode(&meta)) {
            continue;
        }
        let _ = if meta.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
    }
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &fs::Metadata) -> u64 {
    0
}
