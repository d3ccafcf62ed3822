//! The templates embedded in the binary: which stacks exist, and loading one on demand.
//!
//! Only the chosen stack's manifest is parsed for `new`; `list` parses every manifest.

use include_dir::{Dir, include_dir};

use crate::error::{Error, Result};
use crate::manifest::{Manifest, SharedOptions, SharedRules};
use crate::stack::Stack;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const SHARED: &str = "_shared";
const MANIFEST: &str = "sprout.toml";

/// Keys of every embedded stack, in folder order.
pub fn keys() -> Vec<String> {
    TEMPLATES
        .dirs()
        .filter_map(|d| d.path().file_name()?.to_str())
        .filter(|name| {
            !name.starts_with('_') && TEMPLATES.get_file(format!("{name}/{MANIFEST}")).is_some()
        })
        .map(String::from)
        .collect()
}

/// Load and check one stack.
pub fn load(key: &str) -> Result<Stack> {
    let known = keys();
    if !known.iter().any(|k| k == key) {
        return Err(Error::UnknownStack {
            given: key.to_string(),
            known,
        });
    }
    let text = read_text(key, &format!("{key}/{MANIFEST}"))?;
    let manifest: Manifest =
        toml::from_str(text).map_err(|e| broken(key, format!("{MANIFEST}: {e}")))?;
    let dir = TEMPLATES
        .get_dir(key)
        .ok_or_else(|| broken(key, "folder missing".into()))?;
    Stack::build(key, manifest, &shared_options()?, dir)
}

/// Every stack, in the order `list` shows them.
pub fn load_all() -> Result<Vec<Stack>> {
    let mut stacks = keys().iter().map(|k| load(k)).collect::<Result<Vec<_>>>()?;
    stacks.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.key.cmp(&b.key)));
    Ok(stacks)
}

pub fn shared_options() -> Result<SharedOptions> {
    let text = read_text(SHARED, &format!("{SHARED}/options.toml"))?;
    toml::from_str(text).map_err(|e| broken(SHARED, format!("options.toml: {e}")))
}

pub fn shared_rules() -> Result<SharedRules> {
    let text = read_text(SHARED, &format!("{SHARED}/shared.toml"))?;
    toml::from_str(text).map_err(|e| broken(SHARED, format!("shared.toml: {e}")))
}

/// `_shared/` (its `files/` and `partials/`).
pub fn shared_dir() -> Option<&'static Dir<'static>> {
    TEMPLATES.get_dir(SHARED)
}

fn read_text(stack: &str, path: &str) -> Result<&'static str> {
    TEMPLATES
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| broken(stack, format!("{path} is missing or not UTF-8")))
}

fn broken(stack: &str, reason: String) -> Error {
    Error::Template {
        stack: stack.to_string(),
        reason,
    }
}
