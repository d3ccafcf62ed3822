//! The stacks a server offers, each template shown by the name its operator gave it: a
//! `--template NAME=SOURCE` label, else the source as given on the command line, else (a
//! configured root) the folder's name. A server's own paths never reach a client: not in
//! `/api/stacks`, not in the page's command, not in a download's `.sprout.toml`.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::catalog::Roots;
use crate::error::Result;
use crate::listing::{self, Summary};
use crate::source::Origin;
use crate::stack::Stack;

/// The roots a server reads at start, and how each template is shown.
#[derive(Debug)]
pub struct Offer {
    roots: std::sync::Arc<Roots>,
    /// A template's origin on the server → the name clients see.
    shown: Vec<(Origin, String)>,
}

impl Offer {
    /// `roots`, with the names `shown` for their origins; an origin not named there is shown
    /// by [`default_name`].
    pub fn new(roots: std::sync::Arc<Roots>, shown: Vec<(Origin, String)>) -> Offer {
        // Every request renders from the same templates: each is parsed or read once.
        crate::trees::keep();
        Offer { roots, shown }
    }

    pub fn keys(&self) -> Vec<String> {
        self.roots.keys()
    }

    /// One stack, its origin replaced by the name it is shown by.
    pub fn load(&self, key: &str) -> Result<Stack> {
        let mut stack = self.roots.load(key)?;
        stack.source = self.shown(&stack.source);
        Ok(stack)
    }

    /// Every stack as `GET /api/stacks` lists it (`sprout list --json`).
    pub fn list_json(&self) -> Result<Json> {
        let mut others = self.roots.load_configured()?;
        for stack in &mut others {
            stack.source = self.shown(&stack.source);
        }
        let built_in = listing::Listing::of(&Roots::built_in())?;
        let summaries: Vec<Summary> = built_in
            .summaries()
            .into_iter()
            .chain(others.iter().map(Summary::of))
            .collect();
        Ok(listing::list_json(&summaries))
    }

    /// The origin a client sees for `origin`.
    fn shown(&self, origin: &Origin) -> Origin {
        if origin.is_built_in() {
            return Origin::BuiltIn;
        }
        let name = self
            .shown
            .iter()
            .find(|(o, _)| o == origin)
            .map_or_else(|| default_name(origin), |(_, name)| name.clone());
        match origin {
            // A git repository on the network is named by its URL, which is no secret of the
            // server's; it keeps its commit.
            Origin::Git {
                url,
                reference,
                commit,
            } if !url.starts_with("file:") && name == shown_url(url, reference.as_deref()) => {
                Origin::Git {
                    url: url.clone(),
                    reference: reference.clone(),
                    commit: commit.clone(),
                }
            }
            _ => Origin::Folder(PathBuf::from(name)),
        }
    }
}

/// How a template no one named is shown: a folder (or a `file://` repository) by its last
/// component, a repository on the network by its URL and reference.
pub fn default_name(origin: &Origin) -> String {
    match origin {
        Origin::BuiltIn => "built-in".into(),
        Origin::Git { url, reference, .. } if !url.starts_with("file:") => {
            shown_url(url, reference.as_deref())
        }
        Origin::Git { url, .. } => last_component(Path::new(url.trim_start_matches("file://"))),
        Origin::Folder(path) => last_component(path),
    }
}

fn shown_url(url: &str, reference: Option<&str>) -> String {
    match reference {
        Some(reference) => format!("{url}#{reference}"),
        None => url.to_string(),
    }
}

fn last_component(path: &Path) -> String {
    path.components()
        .next_back()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|c| !c.is_empty() && c != "/")
        .unwrap_or_else(|| "template".into())
}

/// A `--template` value: `NAME=SOURCE` gives the template a name to be shown by; without one
/// it is shown as written. NAME is letters, digits, `.`, `_` and `-` (no `/` or `:`, so a URL or
/// a path such as `./a=b` is never read as one).
pub fn split_label(text: &str) -> (Option<&str>, &str) {
    match text.split_once('=') {
        Some((label, source))
            if !label.is_empty()
                && !source.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) =>
        {
            (Some(label), source)
        }
        _ => (None, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_names_before_an_equals_sign_never_paths_or_urls() {
        assert_eq!(
            split_label("golden=./templates/golden"),
            (Some("golden"), "./templates/golden")
        );
        assert_eq!(
            split_label("./templates/golden"),
            (None, "./templates/golden")
        );
        assert_eq!(split_label("./a=b"), (None, "./a=b"));
        assert_eq!(
            split_label("https://git.example/t.git?x=1#v1"),
            (None, "https://git.example/t.git?x=1#v1")
        );
        assert_eq!(split_label("=x"), (None, "=x"));
        assert_eq!(
            split_label("team.api=git@host:t.git"),
            (Some("team.api"), "git@host:t.git")
        );
    }

    #[test]
    fn folders_are_shown_by_their_name_and_network_repositories_by_their_url() {
        assert_eq!(
            default_name(&Origin::Folder("/srv/templates/golden".into())),
            "golden"
        );
        let git = |url: &str| Origin::Git {
            url: url.into(),
            reference: Some("v1".into()),
            commit: "abc".into(),
        };
        assert_eq!(
            default_name(&git("https://git.example/t.git")),
            "https://git.example/t.git#v1"
        );
        assert_eq!(default_name(&git("file:///srv/repos/team")), "team");
    }
}
