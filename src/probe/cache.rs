//! Answers to version checks kept between runs, so `sprout new` asks a tool again only when it
//! changed. An answer is keyed by the program's own file (its path with every link followed,
//! its size and modification time) and the check's arguments: replacing or updating the tool
//! changes the key. Only what cannot answer otherwise is kept: a native program asked one
//! question (`node --version`), never a script (a version manager's shim answers by the folder
//! it runs in) nor a check that looks further (`uv python find` answers from the interpreters
//! installed). Only answers are kept, never a failure, which may be passing (a busy machine).
//!
//! The file is `probes.json` in sprout's cache folder: `$SPROUT_CACHE_DIR` when set, else
//! `$XDG_CACHE_HOME/sprout`, else `~/.cache/sprout`; `SPROUT_NO_CACHE` turns it off. It is written whole
//! to a temporary file and renamed over the old one, so concurrent runs never see half a file
//! (the last one wins); a file that cannot be read as this format is ignored and written anew.
//! It holds at most [`LIMIT`] answers, the oldest dropped first.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

const FILE_NAME: &str = "probes.json";
/// The most answers kept.
pub const LIMIT: usize = 64;
/// Raised when the file's form changes: a file of another form is ignored.
const FORM: u32 = 1;

/// sprout's cache folder ([`crate::trees::cache_root`]: `$SPROUT_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/sprout`, else `~/.cache/sprout`; none with `SPROUT_NO_CACHE`).
pub fn dir() -> Option<PathBuf> {
    crate::trees::cache_root()
}

/// What an answer is kept under: the program's own file as it is now, and the arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub path: PathBuf,
    pub size: u64,
    pub modified_s: u64,
    pub modified_ns: u32,
    pub args: Vec<String>,
}

impl Key {
    /// The key of `program args`, when its answer may be kept: a native program (not a `#!`
    /// script) asked one question.
    pub fn of(program: &Path, args: &[String]) -> Option<Key> {
        if args.len() != 1 {
            return None;
        }
        let path = fs::canonicalize(program).ok()?;
        let mut start = [0u8; 2];
        fs::File::open(&path).ok()?.read_exact(&mut start).ok()?;
        if &start == b"#!" {
            return None;
        }
        let meta = fs::metadata(&path).ok()?;
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Key {
            path,
            size: meta.len(),
            modified_s: modified.as_secs(),
            modified_ns: modified.subsec_nanos(),
            args: args.to_vec(),
        })
    }

    /// Whether `other` is the same question to the same program file, whatever its state.
    fn same_question(&self, other: &Key) -> bool {
        self.path == other.path && self.args == other.args
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: Key,
    answer: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    form: u32,
    answers: Vec<Entry>,
}

/// The kept answers, read once; [`Cache::save`] writes them back when one was added.
#[derive(Debug)]
pub struct Cache {
    file: Option<PathBuf>,
    answers: Vec<Entry>,
    changed: bool,
}

impl Cache {
    /// The cache in sprout's cache folder (empty when there is none, or its file is unreadable).
    pub fn open() -> Cache {
        Cache::at(dir().map(|d| d.join(FILE_NAME)))
    }

    fn at(file: Option<PathBuf>) -> Cache {
        let answers = file
            .as_deref()
            .and_then(|f| fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.form == FORM)
            .map(|stored| stored.answers)
            .unwrap_or_default();
        Cache {
            file,
            answers,
            changed: false,
        }
    }

    /// The answer kept for `key`, when the program is still the file it was.
    pub fn get(&self, key: &Key) -> Option<&str> {
        self.answers
            .iter()
            .find(|e| e.key == *key)
            .map(|e| e.answer.as_str())
    }

    /// Keep `answer` for `key`, in place of any answer the same question had before.
    pub fn put(&mut self, key: Key, answer: String) {
        self.answers.retain(|e| !e.key.same_question(&key));
        self.answers.push(Entry { key, answer });
        if self.answers.len() > LIMIT {
            let extra = self.answers.len() - LIMIT;
            self.answers.drain(..extra);
        }
        self.changed = true;
    }

    /// Write the answers back when one was added: a temporary file beside, renamed over the
    /// old. A failure only means the next run asks again.
    pub fn save(self) {
        let (Some(file), true) = (self.file, self.changed) else {
            return;
        };
        let Some(dir) = file.parent() else {
            return;
        };
        let stored = Stored {
            form: FORM,
            answers: self.answers,
        };
        let Ok(bytes) = serde_json::to_vec_pretty(&stored) else {
            return;
        };
        let written = fs::create_dir_all(dir)
            .and_then(|()| tempfile::NamedTempFile::new_in(dir))
            .and_then(|mut temp| temp.write_all(&bytes).map(|()| temp))
            .and_then(|temp| temp.persist(&file).map_err(|e| e.error));
        drop(written);
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn program(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, body).unwrap();
        path
    }

    fn arg() -> Vec<String> {
        vec!["--version".into()]
    }

    #[test]
    fn a_script_or_a_longer_question_is_never_kept() {
        let dir = tempfile::tempdir().unwrap();
        let native = program(dir.path(), "tool", b"\x7fELF....");
        let script = program(dir.path(), "shim", b"#!/bin/sh\necho 1\n");
        assert!(Key::of(&native, &arg()).is_some());
        assert!(Key::of(&script, &arg()).is_none());
        assert!(Key::of(&native, &["python".into(), "find".into()]).is_none());
        assert!(Key::of(&dir.path().join("absent"), &arg()).is_none());
    }

    #[test]
    fn answers_survive_a_save_and_a_changed_program_is_asked_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache/probes.json");
        let tool = program(dir.path(), "tool", b"\x7fELF-one");
        let key = Key::of(&tool, &arg()).unwrap();
        let mut cache = Cache::at(Some(file.clone()));
        cache.put(key.clone(), "v1\n".into());
        cache.save();
        assert_eq!(Cache::at(Some(file.clone())).get(&key), Some("v1\n"));
        // Another size (and time): another key, and the old answer is not given for it.
        fs::write(&tool, b"\x7fELF-two-longer").unwrap();
        let changed = Key::of(&tool, &arg()).unwrap();
        assert_ne!(changed, key);
        let mut cache = Cache::at(Some(file.clone()));
        assert_eq!(cache.get(&changed), None);
        cache.put(changed.clone(), "v2\n".into());
        cache.save();
        let cache = Cache::at(Some(file));
        assert_eq!(cache.get(&changed), Some("v2\n"));
        assert_eq!(cache.answers.len(), 1, "the old answer was replaced");
    }

    #[test]
    fn a_bad_file_is_ignored_and_written_anew() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("probes.json");
        fs::write(&file, b"{\"form\": 1, \"answers\": [tru").unwrap();
        let tool = program(dir.path(), "tool", b"\x7fELF");
        let key = Key::of(&tool, &arg()).unwrap();
        let mut cache = Cache::at(Some(file.clone()));
        assert_eq!(cache.get(&key), None);
        cache.put(key.clone(), "v3\n".into());
        cache.save();
        assert_eq!(Cache::at(Some(file)).get(&key), Some("v3\n"));
    }

    #[test]
    fn it_holds_at_most_the_limit_the_oldest_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let tool = program(dir.path(), "tool", b"\x7fELF");
        let key = |i: usize| Key {
            args: vec![format!("--v{i}")],
            ..Key::of(&tool, &arg()).unwrap()
        };
        let mut cache = Cache::at(None);
        for i in 0..LIMIT + 5 {
            cache.put(key(i), format!("{i}"));
        }
        assert_eq!(cache.answers.len(), LIMIT);
        assert_eq!(cache.get(&key(0)), None);
        assert_eq!(
            cache.get(&key(LIMIT + 4)),
            Some(format!("{}", LIMIT + 4).as_str())
        );
    }
}
