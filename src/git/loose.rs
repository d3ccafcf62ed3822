//! A commit written straight into a repository sprout has just made, as loose objects and a
//! ref file, without a git process: what `sprout new` keeps as the base of `sprout update`. The
//! objects are encoded and hashed by `gix-object` (git's tree order, its commit form); this file
//! only places them as git's loose store does. Only in the repository form git writes these in
//! (SHA-1 objects, refs as files); another form (`extensions.objectFormat = sha256`,
//! `extensions.refStorage = reftable`) is refused, and the caller then has git write it.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use gix_hash::ObjectId;
use gix_object::tree::{Entry, EntryKind};
use gix_object::{Commit, Kind, Tree, WriteTo};

/// One path of the commit's tree.
pub struct Item<'a> {
    /// The path in the tree, `/`-separated.
    pub path: &'a str,
    pub object: Object<'a>,
}

/// What a path of the tree is.
pub enum Object<'a> {
    /// A file with these contents, written as a blob unless the store has it.
    Blob {
        executable: bool,
        contents: &'a [u8],
    },
    /// A file whose blob the store holds, by id.
    StoredBlob { executable: bool, id: &'a str },
    /// A folder whose tree the store holds, by id.
    StoredTree { id: &'a str },
}

/// Write `items` as a root commit (author and committer `sprout`, now) with `message`, and point
/// `reference` (`refs/sprout/base`) at it, in the repository whose `.git` folder is `git_dir`.
/// Its id, or why it was not written (nothing is pointed at then).
pub fn commit(
    git_dir: &Path,
    items: &[Item],
    message: &str,
    reference: &str,
) -> io::Result<String> {
    supported(git_dir)?;
    let objects = git_dir.join("objects");
    let mut root = Folder::default();
    for item in items {
        root.insert(item)?;
    }
    let tree = root.write(&objects)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0);
    let who = gix_actor::Signature {
        name: "sprout".into(),
        email: "sprout@localhost".into(),
        time: gix_actor::date::Time {
            seconds: now,
            offset: 0,
        },
    };
    let commit = Commit {
        tree,
        parents: Default::default(),
        author: who.clone(),
        committer: who,
        encoding: None,
        message: message.into(),
        extra_headers: Vec::new(),
    };
    let id = write(&objects, &commit)?.to_string();
    let path = git_dir.join(reference);
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("a ref without a folder"))?;
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(format!("{id}\n").as_bytes())?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(id)
}

/// Refuse a repository whose objects or refs are not in the form written here.
fn supported(git_dir: &Path) -> io::Result<()> {
    let config =
        gix_config::File::from_path_no_includes(git_dir.join("config"), gix_config::Source::Local)
            .map_err(|e| io::Error::other(e.to_string()))?;
    let is = |key: &str, wanted: &str| {
        config
            .string(key)
            .is_none_or(|v| v.to_string().eq_ignore_ascii_case(wanted))
    };
    if is("extensions.objectFormat", "sha1") && is("extensions.refStorage", "files") {
        Ok(())
    } else {
        Err(io::Error::other(
            "the repository keeps its objects or refs in another form",
        ))
    }
}

/// A folder of the tree being written.
#[derive(Default)]
struct Folder<'a> {
    entries: BTreeMap<&'a str, Node<'a>>,
}

enum Node<'a> {
    Leaf(&'a Object<'a>),
    Folder(Folder<'a>),
}

impl<'a> Folder<'a> {
    fn insert(&mut self, item: &'a Item<'a>) -> io::Result<()> {
        let mut parts = item.path.split('/').peekable();
        let mut folder = self;
        while let Some(part) = parts.next() {
            if part.is_empty() {
                return Err(io::Error::other(format!("bad path {:?}", item.path)));
            }
            if parts.peek().is_none() {
                folder.entries.insert(part, Node::Leaf(&item.object));
                return Ok(());
            }
            let node = folder
                .entries
                .entry(part)
                .or_insert_with(|| Node::Folder(Folder::default()));
            folder = match node {
                Node::Folder(f) => f,
                Node::Leaf(_) => {
                    return Err(io::Error::other(format!("{:?} is a file", item.path)));
                }
            };
        }
        Ok(())
    }

    /// Write this folder's tree (and its folders' first); its id.
    fn write(&self, objects: &Path) -> io::Result<ObjectId> {
        let file = |executable: bool| {
            if executable {
                EntryKind::BlobExecutable
            } else {
                EntryKind::Blob
            }
        };
        let mut entries = Vec::with_capacity(self.entries.len());
        for (name, node) in &self.entries {
            let (kind, oid) = match node {
                Node::Folder(folder) => (EntryKind::Tree, folder.write(objects)?),
                Node::Leaf(Object::StoredTree { id }) => (EntryKind::Tree, object_id(id)?),
                Node::Leaf(Object::StoredBlob { executable, id }) => {
                    (file(*executable), object_id(id)?)
                }
                Node::Leaf(Object::Blob {
                    executable,
                    contents,
                }) => (
                    file(*executable),
                    write_object(objects, Kind::Blob, contents)?,
                ),
            };
            entries.push(Entry {
                mode: kind.into(),
                filename: (*name).into(),
                oid,
            });
        }
        // git's order: by name, a folder's as if it ended with '/'.
        entries.sort();
        write(objects, &Tree { entries })
    }
}

/// Encode `object` and store it; its id.
fn write(objects: &Path, object: &dyn WriteTo) -> io::Result<ObjectId> {
    let mut body = Vec::new();
    object.write_to(&mut body)?;
    write_object(objects, object.kind(), &body)
}

/// Store an object as git does: `<objects>/<2 hex>/<38 hex>`, zlib-compressed, read-only,
/// written whole beside and renamed in; one already there is kept.
fn write_object(objects: &Path, kind: Kind, body: &[u8]) -> io::Result<ObjectId> {
    let id = gix_object::compute_hash(gix_hash::Kind::Sha1, kind, body)
        .map_err(|e| io::Error::other(e.to_string()))?;
    let name = id.to_string();
    let dir = objects.join(&name[..2]);
    let path = dir.join(&name[2..]);
    if path.is_file() {
        return Ok(id);
    }
    fs::create_dir_all(&dir)?;
    let temp = tempfile::NamedTempFile::new_in(&dir)?;
    let mut zlib = ZlibEncoder::new(temp, Compression::default());
    zlib.write_all(&gix_object::encode::loose_header(kind, body.len() as u64))?;
    zlib.write_all(body)?;
    let temp = zlib.finish()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o444))?;
    }
    match temp.persist_noclobber(&path) {
        Ok(_) => Ok(id),
        // Another writer stored the same object meanwhile: it is the same bytes.
        Err(_) if path.is_file() => Ok(id),
        Err(e) => Err(e.error),
    }
}

/// A 40-hex-digit id.
fn object_id(id: &str) -> io::Result<ObjectId> {
    let bad = || io::Error::other(format!("{id:?} is not an object id"));
    if !super::is_object_id(id) {
        return Err(bad());
    }
    ObjectId::from_hex(id.as_bytes()).map_err(|_| bad())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::git::Git;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Git::at(dir).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    #[test]
    fn git_reads_what_is_written_and_finds_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "--quiet"]);
        let stored = git(dir.path(), &["hash-object", "-w", "--stdin"]);
        let items = [
            Item {
                path: "README.md",
                object: Object::Blob {
                    executable: false,
                    contents: b"# hello\n",
                },
            },
            Item {
                path: "bin/run",
                object: Object::Blob {
                    executable: true,
                    contents: b"#!/bin/sh\n",
                },
            },
            Item {
                path: "src/a.b/c",
                object: Object::StoredBlob {
                    executable: false,
                    id: &stored,
                },
            },
            Item {
                path: "src/a",
                object: Object::Blob {
                    executable: false,
                    contents: b"a\n",
                },
            },
        ];
        let id = commit(
            &dir.path().join(".git"),
            &items,
            "base\n",
            "refs/sprout/base",
        )
        .unwrap();
        assert_eq!(git(dir.path(), &["rev-parse", "refs/sprout/base"]), id);
        assert_eq!(
            git(dir.path(), &["ls-tree", "-r", "refs/sprout/base"]),
            format!(
                "100644 blob {}\tREADME.md\n100755 blob {}\tbin/run\n100644 blob {}\tsrc/a\n100644 blob {}\tsrc/a.b/c",
                crate::git::blob_id(b"# hello\n"),
                crate::git::blob_id(b"#!/bin/sh\n"),
                crate::git::blob_id(b"a\n"),
                stored
            )
        );
        assert_eq!(
            git(dir.path(), &["log", "-1", "--format=%an %s", &id]),
            "sprout base"
        );
        // The same tree git would write (its entries in git's order), and nothing broken.
        git(dir.path(), &["read-tree", &id]);
        assert_eq!(
            git(dir.path(), &["write-tree"]),
            git(dir.path(), &["rev-parse", &format!("{id}^{{tree}}")])
        );
        git(dir.path(), &["fsck", "--strict", "--no-dangling"]);
    }

    #[test]
    fn a_repository_of_another_form_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "--quiet"]);
        git(dir.path(), &["config", "extensions.objectFormat", "sha256"]);
        let items = [Item {
            path: "a",
            object: Object::Blob {
                executable: false,
                contents: b"a\n",
            },
        }];
        assert!(commit(&dir.path().join(".git"), &items, "m\n", "refs/sprout/base").is_err());
        assert!(!dir.path().join(".git/refs/sprout/base").exists());
    }
}
