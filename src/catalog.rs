//! The templates: which stacks exist, and loading one on demand.
//!
//! The templates are embedded in the binary; [`Catalog::from_source`] reads the same layout from
//! a folder or a git repository instead (a source that is one stack, or a collection of them
//! with or without its own `_shared/`; without one, its stacks build on the built-in shared
//! layer). Only the chosen stack's manifest is parsed for `new`; `list` parses every manifest.

use std::path::Path;

use include_dir::{Dir, DirEntry, include_dir};

pub mod roots;

pub use crate::dir::{child, file};
pub use roots::Roots;

use crate::dir::text as read_text;
use crate::error::{Error, Result};
use crate::limits::Refusal;
use crate::manifest::{Manifest, SharedOptions};
use crate::source::{self, Origin, Source};
use crate::stack::{self as stack, Stack};

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The embedded templates, as the binary holds them.
pub fn embedded_dir() -> &'static Dir<'static> {
    &TEMPLATES
}

const SHARED: &str = "_shared";
pub const MANIFEST: &str = "sprout.toml";

/// A root of templates: `<stack>/sprout.toml` + `files/` + `partials/`, and `_shared/`.
#[derive(Debug, Clone)]
pub struct Catalog {
    root: &'static Dir<'static>,
    /// The root's own `_shared/`, else the built-in one.
    shared: Option<&'static Dir<'static>>,
    /// The root as errors name its files.
    shown: stack::Origin,
    origin: Origin,
}

impl Catalog {
    /// The templates embedded in the binary.
    pub fn embedded() -> Catalog {
        Catalog {
            root: &TEMPLATES,
            shared: child(&TEMPLATES, SHARED),
            origin: Origin::BuiltIn,
            shown: stack::Origin::BUILT_IN,
        }
    }

    /// The templates in a folder on disk, read once and kept for the life of the process.
    pub fn from_folder(path: &Path) -> Result<Catalog> {
        Catalog::from_source(&Source::Folder(path.to_path_buf()), None)
    }

    /// A template folder as `sprout template check|test` read it: as any source, except that a
    /// folder that is one stack is read under `name` (its folder's own name) even when that is
    /// not a stack key, for `template check` to report it as a fault.
    pub fn from_folder_named(path: &Path, name: &str) -> Result<Catalog> {
        Catalog::read(path, Origin::Folder(path.to_path_buf()), name)
    }

    /// The templates of a folder or git repository (`commit` pins a repository to one commit).
    /// Everything is read into memory and checked before any of it is used.
    pub fn from_source(source: &Source, commit: Option<&str>) -> Result<Catalog> {
        Catalog::from_source_as(source, commit, &source.stack_name())
    }

    /// [`Catalog::from_source`], a source that is one stack giving it the key `single_key`
    /// (the key a project recorded, wherever its template has moved to since).
    pub fn from_source_as(
        source: &Source,
        commit: Option<&str>,
        single_key: &str,
    ) -> Result<Catalog> {
        let fetched = source::fetch(source, commit)?;
        if is_one_stack(&fetched.root) && !is_stack_key(single_key) {
            return Err(Error::TemplateRefused {
                template: fetched.origin.to_string(),
                refusal: Refusal::BadName {
                    name: single_key.to_string(),
                },
            });
        }
        Catalog::read(&fetched.root, fetched.origin, single_key)
    }

    /// One stack (a `sprout.toml` at the top, read under the key `single_key`) or a collection,
    /// with its own `_shared/` or else the built-in one.
    fn read(path: &Path, origin: Origin, single_key: &str) -> Result<Catalog> {
        let refused = |refusal: Refusal| Error::TemplateRefused {
            template: origin.to_string(),
            refusal,
        };
        let single = is_one_stack(path);
        let root: Dir<'static> = if single {
            let stack = source::folder::read(path, single_key).map_err(refused)?;
            let entries: &'static [DirEntry<'static>] = Box::leak(Box::new([DirEntry::Dir(stack)]));
            Dir::new("", entries)
        } else {
            source::folder::read(path, "").map_err(refused)?
        };
        let root: &'static Dir<'static> = Box::leak(Box::new(root));
        if !root.dirs().any(|d| stack_key(d).is_some()) {
            return Err(refused(Refusal::NoStack));
        }
        if let Some(refusal) = outside_partial(root) {
            return Err(refused(refusal));
        }
        Ok(Catalog {
            root,
            shared: child(root, SHARED).or_else(|| child(&TEMPLATES, SHARED)),
            shown: stack::Origin {
                root: Box::leak(origin.to_string().into_boxed_str()),
                built_in: false,
                single: single.then(|| &*Box::leak(single_key.to_string().into_boxed_str())),
                own_shared: child(root, SHARED).is_some(),
            },
            origin,
        })
    }

    /// Where these templates come from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// How its stacks name their files: the root, whether it is one stack, whether it brings its
    /// own `_shared/`.
    pub fn shown(&self) -> stack::Origin {
        self.shown
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
        let built = read_text(dir, key, MANIFEST).and_then(|text| {
            let manifest: Manifest =
                toml::from_str(text).map_err(|e| broken(key, toml_fault(MANIFEST, text, &e)))?;
            Stack::build(key, manifest, &self.shared_options()?, dir, self.shared()?)
                .map_err(|e| placed(text, e))
        });
        let mut stack = built.map_err(|e| self.blame(e))?.with_origin(self.shown);
        stack.source = self.origin.clone();
        Ok(stack)
    }

    /// A broken template that is not built in is its author's to fix, not a bug in sprout.
    pub fn blame(&self, error: Error) -> Error {
        source::blame(&self.origin, error)
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
        toml::from_str(text).map_err(|e| broken(SHARED, toml_fault("options.toml", text, &e)))
    }

    fn shared(&self) -> Result<&'static Dir<'static>> {
        self.shared
            .ok_or_else(|| broken(SHARED, "folder missing".into()))
    }
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

/// The key of a stack folder: one with a manifest, whose name does not start with `_`.
fn stack_key(dir: &'static Dir<'static>) -> Option<&'static str> {
    let name = dir.path().file_name()?.to_str()?;
    (!name.starts_with('_') && file(dir, MANIFEST).is_some()).then_some(name)
}

/// Whether the source folder `path` is one stack: a `sprout.toml` at its top.
fn is_one_stack(path: &Path) -> bool {
    path.join(MANIFEST).is_file()
}

/// A stack's key as a folder name: lowercase letters, digits and `-`, starting with a letter.
pub fn is_stack_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A TOML file's fault as `template check` gives it: `file:line:column: reason`, an unknown key
/// with the known one nearest to it.
fn toml_fault(file: &str, text: &str, error: &toml::de::Error) -> String {
    let at = error.span().map_or(0, |s| s.start);
    let (line, column) = crate::spans::line_col(text, at);
    let reason = with_near_key(error.message().trim());
    format!("{file}:{line}:{column}: {reason}")
}

/// A fault of a stack's manifest with its place in it, as `template check` gives it
/// (`sprout.toml:64:7: …`), when its message quotes a key or value the manifest holds.
fn placed(text: &str, error: Error) -> Error {
    match error {
        Error::Template { stack, reason } => {
            let reason = match crate::spans::place(text, &reason) {
                (1, 1) => reason,
                (line, column) => format!("{MANIFEST}:{line}:{column}: {reason}"),
            };
            Error::Template { stack, reason }
        }
        other => other,
    }
}

/// serde's "unknown field `ordr`, expected one of `title`, …" with the key it is nearest to
/// named first: "did you mean `order`?".
pub fn with_near_key(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((given, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let known: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    match crate::error::closest(given, &known) {
        Some(near) => format!("unknown key `{given}`; did you mean `{near}`? ({message})"),
        None => message.to_string(),
    }
}

fn broken(stack: &str, reason: String) -> Error {
    Error::Template {
        stack: stack.to_string(),
        reason,
    }
}

/// The first template that calls a partial by a path that would leave the template
/// (`{{> ../../etc/passwd}}`).
fn outside_partial(dir: &'static Dir<'static>) -> Option<Refusal> {
    let own = dir.files().find_map(|file| {
        if file.path().extension().is_none_or(|e| e != "hbs") {
            return None;
        }
        let text = file.contents_utf8()?;
        crate::render::partial_calls(text)
            .find(|name| crate::paths::relative(name).is_err())
            .map(|name| Refusal::PartialOutside {
                file: file.path().display().to_string(),
                name: name.to_string(),
            })
    });
    own.or_else(|| dir.dirs().find_map(outside_partial))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_near_a_known_one_gets_a_did_you_mean() {
        let message = "unknown field `ordr`, expected one of `title`, `order`, `port`";
        assert!(with_near_key(message).starts_with("unknown key `ordr`; did you mean `order`?"));
        let far = "unknown field `zzzzzz`, expected one of `title`, `order`";
        assert_eq!(with_near_key(far), far);
        assert_eq!(with_near_key("invalid type"), "invalid type");
    }
}
