//! The templates embedded in the binary: which stacks exist, and loading one on demand.
//!
//! Only the chosen stack's manifest is parsed for `new`; `list` parses every manifest.

use include_dir::{Dir, File, include_dir};

use crate::error::{Error, Result};
use crate::manifest::{Manifest, SharedOptions, SharedRules};
use crate::stack::Stack;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const SHARED: &str = "_shared";
const MANIFEST: &str = "sprout.toml";

/// The key of a stack folder: one with a manifest, whose name does not start with `_`.
fn stack_key(dir: &'static Dir<'static>) -> Option<&'static str> {
    let name = dir.path().file_name()?.to_str()?;
    (!name.starts_with('_') && file(dir, MANIFEST).is_some()).then_some(name)
}

/// Keys of every embedded stack, in folder order.
pub fn keys() -> Vec<String> {
    TEMPLATES
        .dirs()
        .filter_map(stack_key)
        .map(String::from)
        .collect()
}

/// Load and check one stack; its key matches without regard to case (`Express`).
pub fn load(given: &str) -> Result<Stack> {
    let (key, dir) = TEMPLATES
        .dirs()
        .find_map(|d| {
            stack_key(d)
                .filter(|k| k.eq_ignore_ascii_case(given))
                .map(|k| (k, d))
        })
        .ok_or_else(|| Error::UnknownStack {
            given: given.to_string(),
            known: keys(),
        })?;
    let text = read_text(dir, key, MANIFEST)?;
    let manifest: Manifest =
        toml::from_str(text).map_err(|e| broken(key, format!("{MANIFEST}: {e}")))?;
    Stack::build(key, manifest, &shared_options()?, dir)
}

/// Every stack, in the order `list` shows them.
pub fn load_all() -> Result<Vec<Stack>> {
    let mut stacks = keys().iter().map(|k| load(k)).collect::<Result<Vec<_>>>()?;
    stacks.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.key.cmp(&b.key)));
    Ok(stacks)
}

pub fn shared_options() -> Result<SharedOptions> {
    let text = read_text(shared()?, SHARED, "options.toml")?;
    toml::from_str(text).map_err(|e| broken(SHARED, format!("options.toml: {e}")))
}

pub fn shared_rules() -> Result<SharedRules> {
    let text = read_text(shared()?, SHARED, "shared.toml")?;
    toml::from_str(text).map_err(|e| broken(SHARED, format!("shared.toml: {e}")))
}

/// `_shared/` (its `files/` and `partials/`).
pub fn shared_dir() -> Option<&'static Dir<'static>> {
    child(&TEMPLATES, SHARED)
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

fn shared() -> Result<&'static Dir<'static>> {
    shared_dir().ok_or_else(|| broken(SHARED, "folder missing".into()))
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
