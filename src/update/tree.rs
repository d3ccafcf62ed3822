//! Whole folders of the base, named by git tree id when the object store holds that tree. After
//! `sprout new`, a folder whose files `git add` stored as they are is a tree `git commit` has
//! just written: fast-import then looks up one object for the folder instead of one per file,
//! and writes no tree for it.

use std::collections::BTreeMap;

use super::base::{self, BaseFile, Contents};

/// `files` with each folder whose tree `stored` confirms given as one [`Contents::Tree`]
/// entry; the other folders' files as they are.
pub fn fold(files: Vec<BaseFile>, stored: &dyn Fn(&str) -> bool) -> Vec<BaseFile> {
    let mut root = Folder::default();
    for file in files {
        root.insert(file);
    }
    let mut out = Vec::new();
    root.flatten("", stored, &mut out);
    out
}

/// A folder of the base: its files and subfolders by name.
#[derive(Default)]
struct Folder {
    files: BTreeMap<String, BaseFile>,
    folders: BTreeMap<String, Folder>,
}

impl Folder {
    fn insert(&mut self, file: BaseFile) {
        let mut parts: Vec<String> = file.path.split('/').map(String::from).collect();
        let name = parts.pop().unwrap_or_default();
        let folder = parts
            .into_iter()
            .fold(self, |folder, part| folder.folders.entry(part).or_default());
        folder.files.insert(name, file);
    }

    /// git's id of this folder's tree, when every blob in it is a stored one (else the store
    /// cannot hold that tree).
    fn tree_id(&self) -> Option<String> {
        let mut entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for (name, file) in &self.files {
            let Contents::Stored(id) = &file.contents else {
                return None;
            };
            let entry = entry(base::file_mode(file.mode), name, id)?;
            entries.push((name.as_bytes().to_vec(), entry));
        }
        for (name, folder) in &self.folders {
            let entry = entry("40000", name, &folder.tree_id()?)?;
            // git orders a folder as if its name ended with '/'.
            entries.push((format!("{name}/").into_bytes(), entry));
        }
        entries.sort();
        let body: Vec<u8> = entries.into_iter().flat_map(|(_, e)| e).collect();
        Some(crate::git::object_id("tree", &body))
    }

    fn flatten(self, prefix: &str, stored: &dyn Fn(&str) -> bool, out: &mut Vec<BaseFile>) {
        for (name, folder) in self.folders {
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            match folder.tree_id() {
                Some(id) if stored(&id) => out.push(BaseFile {
                    path,
                    mode: 0o040000,
                    contents: Contents::Tree(id),
                }),
                _ => folder.flatten(&path, stored, out),
            }
        }
        out.extend(self.files.into_values());
    }
}

/// One tree entry: `<mode> <name>\0<20-byte id>`; `None` for an id that is not 40 hex digits.
fn entry(mode: &str, name: &str, id: &str) -> Option<Vec<u8>> {
    let mut entry = format!("{mode} {name}\0").into_bytes();
    if id.len() != 40 {
        return None;
    }
    for pair in id.as_bytes().chunks(2) {
        let hex = std::str::from_utf8(pair).ok()?;
        entry.push(u8::from_str_radix(hex, 16).ok()?);
    }
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: &str = "ce013625030ba8dba906f756967f9e9ca394464a";

    fn stored(path: &str, mode: u32) -> BaseFile {
        BaseFile {
            path: path.into(),
            mode,
            contents: Contents::Stored(HELLO.into()),
        }
    }

    fn paths(files: &[BaseFile]) -> Vec<(&str, Option<&str>)> {
        let mut paths: Vec<_> = files
            .iter()
            .map(|f| match &f.contents {
                Contents::Tree(id) => (f.path.as_str(), Some(id.as_str())),
                _ => (f.path.as_str(), None),
            })
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn tree_ids_are_gits() {
        // `git mktree` of `a.b` and `run` (100755), both `hello\n`, and `a/x`: git orders the
        // folder `a` after `a.b`.
        let files = vec![
            stored("top/a.b", 0o644),
            stored("top/a/x", 0o644),
            stored("top/run", 0o755),
        ];
        let folded = fold(files, &|_| true);
        assert_eq!(
            paths(&folded),
            [("top", Some("72c2121ecc2b9bfd3d2e48f8a7d25ade6d666d7a"))]
        );
    }

    #[test]
    fn only_folders_the_store_holds_whole_are_folded() {
        let mut files = vec![
            stored("README.md", 0o644),
            stored("src/a/x", 0o644),
            stored("src/b/x", 0o644),
            stored("lib/x", 0o644),
        ];
        files.push(BaseFile {
            path: "lib/.env".into(),
            mode: 0o600,
            contents: Contents::Inline(b"SECRET=masked\n".to_vec()),
        });
        let sub = "e31a96220fbfbe7601ecc086a36b96dc27a8867e"; // `git mktree` of `x` alone
        // The store holds the tree of `x` alone, not that of `src`.
        let folded = fold(files, &|id| id == sub);
        assert_eq!(
            paths(&folded),
            [
                ("README.md", None),
                ("lib/.env", None),
                ("lib/x", None),
                ("src/a", Some(sub)),
                ("src/b", Some(sub)),
            ]
        );
    }
}
