//! What is already at the target, and whether sprout may write there. Reads only: `--dry-run`
//! asks the same questions as a real run and gets the same refusals.

use std::fs;
use std::io;
use std::path::Path;

use crate::error::{Error, Result};
use crate::render::OutputFile;

/// The target as found.
#[derive(Debug)]
pub enum Found<'f> {
    /// Nothing there: the project is created whole.
    Absent,
    /// A folder (empty, or any with `--force`): `missing` files are added, `unchanged` ones are
    /// already there with the same contents.
    Folder {
        missing: Vec<&'f OutputFile>,
        unchanged: Vec<String>,
    },
}

/// Refuse a symbolic link on the way (the target, its `.git`, a folder inside it), a target
/// that is not a folder, a non-empty folder without `force`, and any collision.
pub fn inspect<'f>(target: &Path, files: &'f [OutputFile], force: bool) -> Result<Found<'f>> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Absent),
        Err(e) => {
            return Err(Error::Write {
                path: target.to_path_buf(),
                source: e,
            });
        }
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::SymlinkInTarget {
                path: target.to_path_buf(),
            });
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::TargetNotDirectory {
                path: target.to_path_buf(),
            });
        }
        Ok(_) => {}
    }
    // git would write through it, outside the target.
    let git = target.join(".git");
    if fs::symlink_metadata(&git).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::SymlinkInTarget { path: git });
    }
    if !force && !is_empty_dir(target)? {
        return Err(Error::TargetNotEmpty {
            path: target.to_path_buf(),
        });
    }

    let mut missing = Vec::new();
    let mut unchanged = Vec::new();
    let mut collisions: Vec<String> = Vec::new();
    for file in files {
        match state_of(target, &file.path, &file.contents)? {
            State::Missing => missing.push(file),
            State::Same => unchanged.push(file.path.clone()),
            State::Collides(path) => {
                if !collisions.contains(&path) {
                    collisions.push(path);
                }
            }
        }
    }
    if !collisions.is_empty() {
        return Err(collision_error(target, collisions));
    }
    Ok(Found::Folder { missing, unchanged })
}

enum State {
    Missing,
    Same,
    /// In the way: the file itself, or a file where one of its folders should be.
    Collides(String),
}

fn state_of(target: &Path, relative: &str, contents: &[u8]) -> Result<State> {
    let segments: Vec<&str> = relative.split('/').collect();
    let mut path = target.to_path_buf();
    for (i, segment) in segments.iter().enumerate() {
        path.push(segment);
        let meta = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::Missing),
            Err(source) => return Err(Error::Write { path, source }),
            Ok(meta) => meta,
        };
        if meta.file_type().is_symlink() {
            return Err(Error::SymlinkInTarget { path });
        }
        let last = i + 1 == segments.len();
        if !last && !meta.is_dir() {
            return Ok(State::Collides(segments[..=i].join("/")));
        }
        if last {
            let same = meta.is_file() && fs::read(&path).is_ok_and(|old| old == contents);
            return Ok(if same {
                State::Same
            } else {
                State::Collides(relative.to_string())
            });
        }
    }
    Ok(State::Missing)
}

fn collision_error(target: &Path, collisions: Vec<String>) -> Error {
    let count = collisions.len();
    let mut list: Vec<String> = collisions.into_iter().take(10).collect();
    if count > list.len() {
        list.push(format!("… and {} more", count - list.len()));
    }
    Error::Collisions {
        path: target.to_path_buf(),
        count,
        list: list.join(", "),
    }
}

fn is_empty_dir(path: &Path) -> Result<bool> {
    let mut entries = fs::read_dir(path).map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(entries.next().is_none())
}
