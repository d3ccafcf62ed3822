//! Parsed trees on disk, one file per template text, named by its entry's key (`entry.rs`: a
//! hash of the text, the format and Handlebars' version), and the packs of whole renders
//! (`pack.rs`) beside them, kept under the same bound.
//!
//! - A file is one entry (`entry.rs`), used only when it is sound and for the same text: a
//!   damaged, truncated or foreign file is a miss, and the entry is written again.
//! - Writes go to a temporary file in the same folder, renamed into place: a reader sees a whole
//!   entry or none, and two runs writing the same entry at once both leave a whole one.
//! - The folder is kept under a size: when this process's writes take it past the bound, the
//!   oldest entries (by modification time) are removed until it holds three quarters of it.
//! - Every failure to read or write is a miss, never an error: the cache only saves time.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use super::HANDLEBARS;
use super::entry;
use super::mirror::Tree;

/// The folder of sprout's cache, when set (the trees are in its `templates/`).
pub const DIR_ENV: &str = "SPROUT_CACHE_DIR";
/// Set to anything but the empty text, the cache of parsed templates is neither read nor written.
pub const OFF_ENV: &str = "SPROUT_NO_CACHE";
/// The size the folder of trees is kept under.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The cache folder given by [`set_root`], if any.
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Make `dir` sprout's cache folder for the rest of this process, whatever the environment
/// says but `SPROUT_NO_CACHE`: a program that calls sprout's library (its tests do) keeps the
/// user's own cache out of it. The first call wins; the trees are read and written there from
/// then on.
pub fn set_root(dir: PathBuf) {
    let _ = ROOT.set(dir);
}

/// The folder [`set_root`] gave, if it was called.
pub(super) fn given_root() -> Option<&'static Path> {
    ROOT.get().map(PathBuf::as_path)
}

/// sprout's cache folder, for every cache it keeps: the one [`set_root`] gave, else
/// `$SPROUT_CACHE_DIR`, else `$XDG_CACHE_HOME/sprout`, else `~/.cache/sprout`; None when
/// `SPROUT_NO_CACHE` is set or there is no home.
pub fn root() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if set(OFF_ENV).is_some() {
        return None;
    }
    if let Some(dir) = ROOT.get() {
        return Some(dir.clone());
    }
    set(DIR_ENV)
        .map(PathBuf::from)
        .or_else(|| {
            set("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|p| p.join("sprout"))
        })
        .or_else(|| {
            set("HOME")
                .or_else(|| set("USERPROFILE"))
                .map(|home| PathBuf::from(home).join(".cache").join("sprout"))
        })
}

/// A folder of trees and its bound.
#[derive(Debug)]
pub struct Disk {
    dir: PathBuf,
    max_bytes: u64,
    /// The folder's size as last counted plus what this process wrote since; None before the
    /// first write.
    used: Mutex<Option<u64>>,
}

/// Name of the entry for `text`.
fn key(text: &str) -> String {
    format!("{:032x}", entry::key(text, HANDLEBARS))
}

impl Disk {
    pub fn new(dir: PathBuf, max_bytes: u64) -> Disk {
        Disk {
            dir,
            max_bytes,
            used: Mutex::new(None),
        }
    }

    /// The user's cache: `templates/` in [`root`]; None when there is none.
    pub fn from_env() -> Option<Disk> {
        Some(Disk::new(root()?.join("templates"), MAX_BYTES))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored tree of `text`, if a sound entry holds it.
    #[cfg(test)]
    pub fn read(&self, text: &str) -> Option<Tree> {
        self.read_entry(text).map(|(_, tree)| tree)
    }

    /// The stored tree of `text` and the bytes of its entry, if a sound entry holds it.
    pub fn read_entry(&self, text: &str) -> Option<(Vec<u8>, Tree)> {
        let bytes = fs::read(self.dir.join(key(text))).ok()?;
        let tree = entry::decode(&bytes, text, HANDLEBARS)?;
        Some((bytes, tree))
    }

    /// Store `tree` as the parse of `text`, then keep the folder under its bound. Best effort;
    /// the entry's bytes (None if the tree has no entry).
    pub fn write(&self, text: &str, tree: &Tree) -> Option<Vec<u8>> {
        let bytes = entry::encode(text, tree, HANDLEBARS)?;
        if self.store(&key(text), &bytes).is_ok() {
            self.count(bytes.len() as u64);
        }
        Some(bytes)
    }

    fn store(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let mut temp = tempfile::Builder::new()
            .prefix(".new-")
            .tempfile_in(&self.dir)?;
        temp.write_all(bytes)?;
        temp.persist(self.dir.join(name))
            .map(drop)
            .map_err(|e| e.error)
    }

    /// Add `written` bytes to the folder's size; past the bound, remove the oldest entries.
    pub(super) fn count(&self, written: u64) {
        let Ok(mut used) = self.used.lock() else {
            return;
        };
        let total = match *used {
            Some(before) => before + written,
            None => self.entries().iter().map(|e| e.1).sum(),
        };
        *used = Some(if total > self.max_bytes {
            self.evict(self.max_bytes / 4 * 3)
        } else {
            total
        });
    }

    /// Every file of the folder: path, size, modification time.
    fn entries(&self) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(|e| {
            let e = e.ok()?;
            let meta = e.metadata().ok()?;
            meta.is_file()
                .then(|| (e.path(), meta.len(), meta.modified().ok()))
                .and_then(|(p, len, at)| Some((p, len, at?)))
        })
        .collect()
    }

    /// Remove the oldest files until the folder holds at most `keep` bytes; its size after.
    fn evict(&self, keep: u64) -> u64 {
        let mut entries = self.entries();
        entries.sort_by_key(|e| e.2);
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        for (path, len, _) in entries {
            if total <= keep {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
        total
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use handlebars::template::Template;

    use super::*;

    fn tree(text: &str) -> Tree {
        Tree::from_template(Template::compile(text).unwrap()).unwrap()
    }

    fn size(dir: &Path) -> u64 {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    }

    #[test]
    fn a_written_tree_is_read_back_for_the_same_text_only() {
        let temp = tempfile::tempdir().unwrap();
        let disk = Disk::new(temp.path().join("templates"), MAX_BYTES);
        let text = "Hello {{name}}{{#if x}}!{{/if}}\n";
        assert_eq!(disk.read(text), None);
        disk.write(text, &tree(text));
        assert_eq!(disk.read(text), Some(tree(text)));
        assert_eq!(disk.read("Hello {{name}}\n"), None);
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_a_miss_and_is_written_again() {
        let temp = tempfile::tempdir().unwrap();
        let disk = Disk::new(temp.path().to_path_buf(), MAX_BYTES);
        let text = "{{#each items}}- {{this}}\n{{/each}}";
        let path = temp.path().join(key(text));
        disk.write(text, &tree(text));
        let sound = fs::read(&path).unwrap();
        // One flipped bit anywhere, a truncated file, an empty one, another text's entry.
        for at in [0, sound.len() / 2, sound.len() - 1] {
            let mut bad = sound.clone();
            bad[at] ^= 1;
            fs::write(&path, &bad).unwrap();
            assert_eq!(disk.read(text), None, "bit {at}");
        }
        fs::write(&path, &sound[..sound.len() - 3]).unwrap();
        assert_eq!(disk.read(text), None);
        fs::write(&path, b"").unwrap();
        assert_eq!(disk.read(text), None);
        disk.write("other {{x}}", &tree("other {{x}}"));
        fs::copy(temp.path().join(key("other {{x}}")), &path).unwrap();
        assert_eq!(disk.read(text), None);
        disk.write(text, &tree(text));
        assert_eq!(disk.read(text), Some(tree(text)));
    }

    #[test]
    fn writers_at_once_leave_whole_entries() {
        let temp = tempfile::tempdir().unwrap();
        let texts: Vec<String> = (0..8).map(|n| format!("{{{{a}}}} {n}\n")).collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    // Each writer has its own handle, as separate processes would.
                    let disk = Disk::new(temp.path().to_path_buf(), MAX_BYTES);
                    for _ in 0..20 {
                        for text in &texts {
                            disk.write(text, &tree(text));
                        }
                    }
                });
            }
        });
        let disk = Disk::new(temp.path().to_path_buf(), MAX_BYTES);
        for text in &texts {
            assert_eq!(disk.read(text), Some(tree(text)), "{text}");
        }
        let names: Vec<String> = fs::read_dir(temp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            names.len(),
            texts.len(),
            "no temporary file left: {names:?}"
        );
    }

    #[test]
    fn the_folder_is_kept_under_its_bound_by_removing_the_oldest() {
        let temp = tempfile::tempdir().unwrap();
        let text = |n: usize| format!("{{{{a}}}} {n} {}\n", "x".repeat(200));
        let one = {
            let probe = Disk::new(temp.path().join("probe"), MAX_BYTES);
            probe.write(&text(0), &tree(&text(0)));
            size(&temp.path().join("probe"))
        };
        let bound = one * 10;
        let disk = Disk::new(temp.path().join("bounded"), bound);
        for n in 0..40 {
            disk.write(&text(n), &tree(&text(n)));
            // Distinct modification times, so "oldest" is well defined.
            let path = temp.path().join("bounded").join(key(&text(n)));
            let at = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(n as u64);
            fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(at)
                .unwrap();
            assert!(size(disk.dir()) <= bound, "after {n}");
        }
        assert_eq!(disk.read(&text(39)), Some(tree(&text(39))));
        assert_eq!(disk.read(&text(0)), None, "the oldest went first");
    }
}
