//! A template folder on disk, loaded as `sprout new --template` loads it (see
//! [`Catalog::from_folder_named`]): one stack, or a collection of stacks with an optional
//! `_shared/`; where a folder brings no `_shared/`, its stacks build on the built-in one. What is
//! the template tools' own: the folder's stacks on disk, and the paths findings name.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::limits::Refusal;

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
    /// The template folder `path`: a usage error when it is not one, refused as any template
    /// source is refused (symbolic links, sizes, partials outside it).
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
        // A folder that is one stack is its folder's name (`.` included), as it is on disk.
        let full = path
            .canonicalize()
            .map_err(|e| not_template(&e.to_string()))?;
        let Some(name) = full.file_name() else {
            return Err(not_template("it has no name"));
        };
        let catalog = match Catalog::from_folder_named(path, &name.to_string_lossy()) {
            Err(Error::TemplateRefused {
                refusal: Refusal::NoStack,
                ..
            }) => {
                return Err(not_template(&format!(
                    "no {MANIFEST} in it or in a folder directly below it"
                )));
            }
            read => read?,
        };
        let shown = catalog.shown();
        let single = shown.single.is_some();
        let stacks = catalog
            .keys()
            .into_iter()
            .map(|key| StackFolder {
                dir: if single {
                    path.to_path_buf()
                } else {
                    path.join(&key)
                },
                key,
            })
            .collect();
        Ok(Folder {
            path: path.to_path_buf(),
            stacks,
            shared: shown.own_shared.then(|| path.join(SHARED)),
            single,
            catalog,
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
