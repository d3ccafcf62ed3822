//! The merge base: what sprout wrote when it last rendered the project, from the project itself.
//!
//! The record holds one git blob id per file (secrets masked). The contents come from the
//! project's git object store: `refs/sprout/base` (a commit of the pristine render, kept by
//! `sprout new` and each update when the project is a repository's top folder) keeps them
//! reachable. A project made before the record held ids has its base in sprout's first commit
//! ("Initial commit from sprout"). Without git, the ids alone still say which files the user
//! never touched.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use crate::git::{Git, loose};
use crate::record;
use crate::render::OutputFile;

use super::secret;

pub const BASE_REF: &str = "refs/sprout/base";
pub const FIRST_COMMIT_MESSAGE: &str = "Initial commit from sprout";
/// The message of the commits at [`BASE_REF`].
const BASE_MESSAGE: &str = "sprout: the pristine render (base of `sprout update`)\n";

pub use crate::git::blob_id;

fn git_text(dir: &Path, args: &[&str]) -> Option<String> {
    Git::at(dir).args(args).text()
}

/// Whether `dir` is inside a git work tree.
pub fn in_repository(dir: &Path) -> bool {
    git_text(dir, &["rev-parse", "--is-inside-work-tree"]).is_some_and(|s| s == "true")
}

/// Whether `dir` is the top folder of a git repository.
pub fn is_repository_top(dir: &Path) -> bool {
    in_repository(dir)
        && git_text(dir, &["rev-parse", "--show-prefix"]).is_some_and(|p| p.is_empty())
}

/// `git status --porcelain` of the project's folder: empty when clean.
pub fn uncommitted(dir: &Path) -> Option<String> {
    git_text(
        dir,
        &[
            "status",
            "--porcelain",
            "--untracked-files=normal",
            "--",
            ".",
        ],
    )
}

/// The contents of the blobs that the object store has, by id.
pub fn fetch(dir: &Path, ids: &[&str]) -> HashMap<String, Vec<u8>> {
    let mut found = HashMap::new();
    if ids.is_empty() || !in_repository(dir) {
        return found;
    }
    let Ok(mut child) = Git::at(dir).args(["cat-file", "--batch"]).spawn_quiet(true) else {
        return found;
    };
    let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let writer = child.stdin().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    if let Some(stdout) = child.stdout() {
        let mut reader = BufReader::new(stdout);
        for _ in ids {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                break;
            }
            let parts: Vec<&str> = header.split_whitespace().collect();
            let [id, "blob", size] = parts.as_slice() else {
                continue;
            };
            let Ok(size) = size.parse::<usize>() else {
                break;
            };
            let mut body = vec![0; size + 1];
            if reader.read_exact(&mut body).is_err() {
                break;
            }
            body.truncate(size);
            found.insert((*id).to_string(), body);
        }
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let _ = child.wait();
    found
}

/// sprout's first commit: a root commit of HEAD with sprout's message, when the project is the
/// repository's top.
fn first_commit(dir: &Path) -> Option<String> {
    if !is_repository_top(dir) {
        return None;
    }
    let roots = git_text(dir, &["rev-list", "--max-parents=0", "HEAD"])?;
    roots
        .lines()
        .find(|commit| {
            git_text(dir, &["log", "-1", "--format=%s", commit])
                .is_some_and(|s| s == FIRST_COMMIT_MESSAGE)
        })
        .map(str::to_string)
}

/// How far back `refs/sprout/base`'s history is searched for the render a record names.
const BASE_HISTORY: &str = "32";

/// The commit holding the base as a tree, for git's rename detection, where the project is the
/// repository's top: with the record's `files` (path → blob id), the render they name, looked
/// for in `refs/sprout/base`'s history (`update --branch` moves the ref on while the user's
/// branch still holds the older record, whose render is then an ancestor); without, sprout's
/// first commit.
pub fn commit(dir: &Path, files: Option<&BTreeMap<String, String>>) -> Option<String> {
    let Some(files) = files else {
        return first_commit(dir);
    };
    if !is_repository_top(dir) {
        return None;
    }
    let history = git_text(
        dir,
        &[
            "rev-list",
            "--first-parent",
            "--max-count",
            BASE_HISTORY,
            BASE_REF,
            "--",
        ],
    )?;
    history
        .lines()
        .find(|commit| tree_ids(dir, commit).is_some_and(|ids| ids == *files))
        .map(str::to_string)
}

/// Path → blob id of every file of `commit`'s tree but the record.
fn tree_ids(dir: &Path, commit: &str) -> Option<BTreeMap<String, String>> {
    let out = Git::at(dir)
        .args(["ls-tree", "-r", "-z", commit])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut ids = BTreeMap::new();
    for entry in out.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split(' ').collect();
        if let [_, "blob", id] = fields.as_slice()
            && path != record::FILE_NAME
            && record::check_path(path).is_ok()
        {
            ids.insert(path.to_string(), (*id).to_string());
        }
    }
    Some(ids)
}

/// Path → blob id of sprout's first commit, for a project whose record has no `[files]`.
pub fn first_commit_ids(dir: &Path) -> Option<BTreeMap<String, String>> {
    tree_ids(dir, &first_commit(dir)?)
}

/// A file of the base as fast-import is given it.
#[derive(Debug)]
pub struct BaseFile {
    pub path: String,
    pub mode: u32,
    pub contents: Contents,
}

/// Where fast-import takes a base file's contents from.
#[derive(Debug)]
pub enum Contents {
    /// A blob the object store is known to hold, named by its id: not hashed nor written again.
    /// Only for an id the caller has seen in the store; fast-import stops at one it lacks.
    Stored(String),
    /// The contents, hashed and written by fast-import.
    Inline(Vec<u8>),
    /// A whole folder: a tree the object store is known to hold, named by its id.
    Tree(String),
}

/// A file's mode as git records it: executable or not.
pub(super) fn file_mode(mode: u32) -> &'static str {
    if mode & 0o111 != 0 {
        "100755"
    } else {
        "100644"
    }
}

/// After an update: move `refs/sprout/base` on to the new render, in a repository sprout made
/// (one that has the ref, or sprout's first commit) whose top is the project. A repository the
/// user made (around the project, or at its top after `--no-git`) gets no ref nor object.
pub fn keep(dir: &Path, files: &[BaseFile]) {
    if !is_repository_top(dir) {
        return;
    }
    let previous = git_text(dir, &["rev-parse", "--verify", "--quiet", BASE_REF]);
    if previous.is_none() && first_commit(dir).is_none() {
        return;
    }
    import(dir, files, previous.as_deref());
}

/// `files` as the commit at `BASE_REF`, on top of `previous`, by `git fast-import` in `dir`, so
/// the next update finds its base. Failures are ignored: the record's ids still protect the
/// user's edits.
fn import(dir: &Path, files: &[BaseFile], previous: Option<&str>) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let message = BASE_MESSAGE;
    let mut stream = Vec::new();
    stream.extend_from_slice(
        format!(
            "commit {BASE_REF}\ncommitter sprout <sprout@localhost> {now} +0000\ndata {}\n{message}",
            message.len()
        )
        .as_bytes(),
    );
    if let Some(previous) = previous {
        stream.extend_from_slice(format!("from {previous}\n").as_bytes());
    }
    stream.extend_from_slice(b"deleteall\n");
    for file in files {
        let mode = file_mode(file.mode);
        let path = quote(&file.path);
        match &file.contents {
            Contents::Stored(id) => {
                stream.extend_from_slice(format!("M {mode} {id} {path}\n").as_bytes());
            }
            Contents::Tree(id) => {
                stream.extend_from_slice(format!("M 040000 {id} {path}\n").as_bytes());
            }
            Contents::Inline(bytes) => {
                stream.extend_from_slice(
                    format!("M {mode} inline {path}\ndata {}\n", bytes.len()).as_bytes(),
                );
                stream.extend_from_slice(bytes);
                stream.push(b'\n');
            }
        }
    }
    // Kept as the one pack fast-import writes (unpacking it into loose objects would cost
    // another process, `git unpack-objects`), without deltas: searching for them cost a fifth
    // of fast-import's instructions to save a few KiB.
    let _ = Git::at(dir)
        .args(["-c", "fastimport.unpackLimit=0"])
        .args(["fast-import", "--quiet", "--force", "--depth=0"])
        .output_with(&stream);
}

/// A path as fast-import reads it: C-style quoted.
fn quote(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    out.push('"');
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Store the masked files of a freshly generated project as its base (`sprout new`), when sprout
/// made its repository (a `.git` folder at its top; none when `git init` failed or was skipped).
/// The caller knows sprout made it: only then is this called.
///
/// A file whose masked blob `git add` has just stored is named by its id, not written again;
/// the others (files holding a secret, files git left out or stored otherwise, e.g. with other
/// line endings) are written. The ids are the record's (among `files`, computed when it was
/// rendered), not hashed again. What is stored is read from the object store itself, not
/// guessed: `git add` ran on this repository alone (as fast-import does, below), so a blob it
/// stored is a loose object, a file `.git/objects/<2 hex>/<38 hex>` named by its id. A blob
/// found nowhere (not stored, packed by a hook, or a SHA-256 repository whose names differ) is
/// written. A folder whose tree `git commit` wrote (all its files stored as they are) is named
/// by its tree id, found the same way: one lookup instead of one per file.
pub fn keep_render(dir: &Path, files: &[OutputFile], secrets: &[(String, String)]) {
    let git_dir = dir.join(".git");
    if !std::fs::symlink_metadata(&git_dir).is_ok_and(|m| m.is_dir()) {
        return;
    }
    let recorded = files
        .iter()
        .find(|f| f.path == record::FILE_NAME)
        .and_then(|f| record::Record::parse(&String::from_utf8_lossy(&f.contents)).ok())
        .map(|r| r.files)
        .unwrap_or_default();
    let objects = git_dir.join("objects");
    let base: Vec<BaseFile> = files
        .iter()
        .filter(|f| f.path != record::FILE_NAME)
        .map(|f| {
            let stored = recorded.get(&f.path).filter(|id| is_loose(&objects, id));
            BaseFile {
                path: f.path.clone(),
                mode: f.mode,
                contents: match stored {
                    Some(id) => Contents::Stored(id.clone()),
                    None => Contents::Inline(secret::mask(&f.contents, secrets)),
                },
            }
        })
        .collect();
    let base = super::tree::fold(base, &|id| is_loose(&objects, id));
    // sprout has just made this repository: `dir` is its top and it holds no base yet, so git
    // is not asked (three processes saved), and the commit is written in process (one more);
    // by fast-import when the repository is of a form that is not written so.
    let items: Vec<loose::Item> = base
        .iter()
        .map(|file| loose::Item {
            path: &file.path,
            object: match &file.contents {
                Contents::Stored(id) => loose::Object::StoredBlob {
                    executable: file_mode(file.mode) == "100755",
                    id,
                },
                Contents::Tree(id) => loose::Object::StoredTree { id },
                Contents::Inline(bytes) => loose::Object::Blob {
                    executable: file_mode(file.mode) == "100755",
                    contents: bytes,
                },
            },
        })
        .collect();
    if loose::commit(&git_dir, &items, BASE_MESSAGE, BASE_REF).is_err() {
        import(dir, &base, None);
    }
}

/// Whether the object store at `objects` holds blob `id` as a loose object.
fn is_loose(objects: &Path, id: &str) -> bool {
    id.len() == 40
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && objects.join(&id[..2]).join(&id[2..]).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loose_object_is_found_by_its_id_and_nothing_else_is() {
        let objects = tempfile::tempdir().unwrap();
        let id = blob_id(b"hello\n");
        std::fs::create_dir(objects.path().join(&id[..2])).unwrap();
        std::fs::write(objects.path().join(&id[..2]).join(&id[2..]), b"").unwrap();
        assert!(is_loose(objects.path(), &id));
        assert!(!is_loose(objects.path(), &blob_id(b"other\n")));
        // Not an id: never looked up, never sliced inside a character.
        assert!(!is_loose(objects.path(), &id[..39]));
        assert!(!is_loose(objects.path(), &format!("é{}", &id[2..])));
    }
}
