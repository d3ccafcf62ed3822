//! The templates: which stacks exist, and loading one on demand.
//!
//! The templates are embedded in the binary; [`Catalog::from_folder`] reads the same layout from
//! a folder instead (tests build two versions of a template that way). Only the chosen stack's
//! manifest is parsed for `new`; `list` parses every manifest.

use std::path::Path;

use include_dir::{Dir, DirEntry, File, include_dir};

use crate::error::{Error, Result};
use crate::manifest::{Manifest, SharedOptions, SharedRules};
use crate::stack::{Origin, Stack};

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const SHARED: &str = "_shared";
const MANIFEST: &str = "sprout.toml";

/// A root of templates: `<stack>/sprout.toml` + `files/` + `partials/`, and `_shared/`.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    root: &'static Dir<'static>,
    origin: Origin,
}

impl Catalog {
    /// The templates embedded in the binary.
    pub fn embedded() -> Catalog {
        Catalog {
            root: &TEMPLATES,
            origin: Origin::BUILT_IN,
        }
    }

    /// The templates in a folder on disk, read once and kept for the life of the process.
    pub fn from_folder(path: &Path) -> Result<Catalog> {
        let root = read_folder(path, path).map_err(|e| Error::Template {
            stack: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let shown: &'static str = Box::leak(path.display().to_string().into_boxed_str());
        Ok(Catalog {
            root: Box::leak(Box::new(root)),
            origin: Origin {
                root: shown,
                built_in: false,
            },
        })
    }

    /// A root already in memory, laid out as the embedded one (`template check` joins a stack
    /// folder with the built-in shared layer that way); `shown` is the folder its paths are
    /// relative to, as the user gave it.
    pub fn from_dir(root: &'static Dir<'static>, shown: &str) -> Catalog {
        Catalog {
            root,
            origin: Origin {
                root: Box::leak(shown.to_string().into_boxed_str()),
                built_in: false,
            },
        }
    }

    /// Keys of every stack, in folder order.
    pub fn keys(&self) -> Vec<String> {
        self.root
            .dirs()
            .filter_map(stack_key)
            .map(String::from)
            .collect()
    }

    /// Load and check one stack.
    pub fn load(&self, given: &str) -> Result<Stack> {
        let (key, dir) = self
            .root
            .dirs()
            .find_map(|d| {
                stack_key(d)
                    .filter(|k| k.eq_ignore_ascii_case(given))
                    .map(|k| (k, d))
            })
            .ok_or_else(|| Error::UnknownStack {
                given: given.to_string(),
                known: self.keys(),
            })?;
        let text = read_text(dir, key, MANIFEST)?;
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| broken(key, format!("{MANIFEST}: {e}")))?;
        let stack = Stack::build(key, manifest, &self.shared_options()?, dir, self.shared()?)?;
        Ok(stack.with_origin(self.origin))
    }

    /// Every stack, in the order `list` shows them.
    pub fn load_all(&self) -> Result<Vec<Stack>> {
        let mut stacks = self
            .keys()
            .iter()
            .map(|k| self.load(k))
            .collect::<Result<Vec<_>>>()?;
        stacks.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.key.cmp(&b.key)));
        Ok(stacks)
    }

    pub fn shared_options(&self) -> Result<SharedOptions> {
        let text = read_text(self.shared()?, SHARED, "options.toml")?;
        toml::from_str(text).map_err(|e| broken(SHARED, format!("options.toml: {e}")))
    }

    fn shared(&self) -> Result<&'static Dir<'static>> {
        child(self.root, SHARED).ok_or_else(|| broken(SHARED, "folder missing".into()))
    }
}

/// The embedded `_shared/` layer.
pub fn embedded_shared() -> Option<&'static Dir<'static>> {
    child(&TEMPLATES, SHARED)
}

/// Keys of every embedded stack, in folder order.
pub fn keys() -> Vec<String> {
    Catalog::embedded().keys()
}

/// Load and check one embedded stack; its key matches without regard to case (`Express`).
pub fn load(key: &str) -> Result<Stack> {
    Catalog::embedded().load(key)
}

/// Every embedded stack, in the order `list` shows them.
pub fn load_all() -> Result<Vec<Stack>> {
    Catalog::embedded().load_all()
}

pub fn shared_options() -> Result<SharedOptions> {
    Catalog::embedded().shared_options()
}

/// The rules for the shared files of a `_shared/` folder; without a `shared.toml`, none (every
/// shared file is written).
pub fn shared_rules(shared: &'static Dir<'static>) -> Result<SharedRules> {
    match file(shared, "shared.toml") {
        None => Ok(SharedRules::default()),
        Some(_) => {
            let text = read_text(shared, SHARED, "shared.toml")?;
            toml::from_str(text).map_err(|e| broken(SHARED, format!("shared.toml: {e}")))
        }
    }
}

/// The key of a stack folder: one with a manifest, whose name does not start with `_`.
fn stack_key(dir: &'static Dir<'static>) -> Option<&'static str> {
    let name = dir.path().file_name()?.to_str()?;
    (!name.starts_with('_') && file(dir, MANIFEST).is_some()).then_some(name)
}

/// The sub-folder `name` of `dir`. (include_dir's own `get_dir` searches the whole tree.)
pub fn child(dir: &'static Dir<'static>, name: &str) -> Option<&'static Dir<'static>> {
    dir.dirs()
        .find(|d| d.path().file_name().is_some_and(|n| n == name))
}

/// The file `name` directly in `dir`.
pub fn file(dir: &'static Dir<'static>, name: &str) -> Option<&'static File<'static>> {
    dir.files()
        .find(|f| f.path().file_name().is_some_and(|n| n == name))
}

fn read_text(dir: &'static Dir<'static>, stack: &str, name: &str) -> Result<&'static str> {
    file(dir, name)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| broken(stack, format!("{name} is missing or not UTF-8")))
}

fn broken(stack: &str, reason: String) -> Error {
    Error::Template {
        stack: stack.to_string(),
        reason,
    }
}

/// A folder as include_dir would have embedded it (paths relative to `root`, `/`-separated).
pub(crate) fn read_folder(root: &Path, dir: &Path) -> std::io::Result<Dir<'static>> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let relative = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut entries = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    paths.sort();
    for path in paths {
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            entries.push(DirEntry::Dir(read_folder(root, &path)?));
        } else if meta.is_file() {
            let contents: &'static [u8] = Box::leak(std::fs::read(&path)?.into_boxed_slice());
            entries.push(DirEntry::File(File::new(leak(relative(&path)), contents)));
        }
    }
    let entries: &'static [DirEntry<'static>] = Box::leak(entries.into_boxed_slice());
    Ok(Dir::new(leak(relative(dir)), entries))
}
