//! A template folder on disk, loaded as a catalogue: one stack, or a collection of stacks with
//! an optional `_shared/`. Where a folder brings no `_shared/`, the built-in shared layer is
//! used, as `sprout new` uses it.

use std::path::{Path, PathBuf};

use include_dir::{Dir, DirEntry};

use crate::catalog::{self, Catalog};
use crate::error::{Error, Result};
use crate::source::{self, limits::Refusal};

const MANIFEST: &str = "sprout.toml";
const SHARED: &str = "_shared";

/// One stack of a template folder.
#[derive(Debug, Clone)]
pub struct StackFolder {
    /// The stack's key: its folder's name.
    pub key: String,
    /// The folder on disk.
    pub dir: PathBuf,
}

pub struct Folder {
    /// The folder as given.
    pub path: PathBuf,
    pub catalog: Catalog,
    pub stacks: Vec<StackFolder>,
    /// The folder's own `_shared/`; None when it builds on the built-in one.
    pub shared: Option<PathBuf>,
    /// Whether the folder is one stack (its catalogue paths start with its key).
    single: bool,
}

impl Folder {
    pub fn open(path: &Path) -> Result<Folder> {
        let not_template = |why: &str| {
            Error::Usage(format!(
                "{} is not a template folder: {why}",
                path.display()
            ))
        };
        if !path.is_dir() {
            return Err(not_template("no such folder"));
        }
        let io = |e: std::io::Error| not_template(&e.to_string());
        // The same rules as for `--template`: no symbolic links, bounded sizes.
        let refused = |refusal: Refusal| Error::TemplateRefused {
            template: path.display().to_string(),
            refusal,
        };
        if path.join(MANIFEST).is_file() {
            let full = path.canonicalize().map_err(io)?;
            let (Some(_), Some(key)) = (full.parent(), full.file_name()) else {
                return Err(not_template("it has no name"));
            };
            let key = key.to_string_lossy().into_owned();
            let stack = source::folder::read(&full, &key).map_err(refused)?;
            let root = with_shared(vec![DirEntry::Dir(stack)], true);
            return Ok(Folder {
                path: path.to_path_buf(),
                catalog: Catalog::from_dir(root, &parent_shown(path)),
                stacks: vec![StackFolder {
                    key,
                    dir: full.clone(),
                }],
                shared: None,
                single: true,
            });
        }
        let read: &'static Dir<'static> =
            Box::leak(Box::new(source::folder::read(path, "").map_err(refused)?));
        let own_shared = path.join(SHARED).is_dir();
        let mut stacks: Vec<StackFolder> = read
            .dirs()
            .filter(|d| catalog::file(d, MANIFEST).is_some())
            .filter_map(|d| d.path().file_name()?.to_str().map(String::from))
            .filter(|key| !key.starts_with('_'))
            .map(|key| StackFolder {
                dir: path.join(&key),
                key,
            })
            .collect();
        stacks.sort_by(|a, b| a.key.cmp(&b.key));
        if stacks.is_empty() {
            return Err(not_template(&format!(
                "no {MANIFEST} in it or in a folder directly below it"
            )));
        }
        let root = with_shared(read.entries().to_vec(), !own_shared);
        Ok(Folder {
            path: path.to_path_buf(),
            catalog: Catalog::from_dir(root, &path.display().to_string()),
            stacks,
            shared: own_shared.then(|| path.join(SHARED)),
            single: false,
        })
    }

    /// The path an author sees for a catalogue path (`express/files/README.md.hbs`): on disk,
    /// or marked as part of the built-in shared layer.
    pub fn display(&self, inner: &str) -> String {
        if self.shared.is_none() && inner.starts_with("_shared/") {
            return format!("(built-in) {inner}");
        }
        let rel = match (self.single, inner.split_once('/')) {
            (true, Some((_, rest))) => rest,
            _ => inner,
        };
        self.path.join(rel).display().to_string()
    }
}

/// The folder that holds the stack folder `path`, as the user gave it (`.` when none is given).
fn parent_shown(path: &Path) -> String {
    match path.parent().map(|p| p.display().to_string()) {
        Some(parent) if !parent.is_empty() => parent,
        _ => ".".into(),
    }
}

/// A root holding `entries`, and the built-in `_shared/` when `add_builtin`.
fn with_shared(mut entries: Vec<DirEntry<'static>>, add_builtin: bool) -> &'static Dir<'static> {
    if add_builtin && let Some(shared) = catalog::embedded_shared() {
        entries.push(DirEntry::Dir(shared.clone()));
    }
    let entries: &'static [DirEntry<'static>] = Box::leak(entries.into_boxed_slice());
    Box::leak(Box::new(Dir::new("", entries)))
}
