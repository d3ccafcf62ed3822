//! Where templates come from: built into the binary, a folder, or a git repository.
//!
//! A source given on the command line (`--template`), in the configuration file or in
//! `SPROUT_TEMPLATES` is parsed into a [`Source`], fetched to a folder on disk ([`fetch`]: a git
//! repository is cloned into a temporary folder with the system `git`), read into memory under
//! the [`limits`](crate::limits), and from then on used like the built-in templates. A template is data: nothing
//! in it is run while it is read or rendered.

pub mod clone;
pub mod config;
pub mod folder;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A place templates are read from, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder on disk (absolute once resolved).
    Folder(PathBuf),
    /// A git repository: `https://…`, `ssh://…`, `git@host:…` or `file://…`, at a tag, branch or
    /// commit (`#REF`), or at its default branch.
    Git {
        url: String,
        reference: Option<String>,
    },
}

/// Where a loaded stack came from: what `sprout list` shows and `.sprout.toml` records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    #[default]
    BuiltIn,
    /// A folder, by its absolute path.
    Folder(PathBuf),
    /// A git repository and the commit its reference resolved to.
    Git {
        url: String,
        reference: Option<String>,
        commit: String,
    },
}

impl Source {
    /// A git URL (with an optional `#REF`) or else a folder path, relative ones taken from the
    /// current folder.
    pub fn parse(text: &str) -> Source {
        let text = text.trim();
        let is_git = ["https://", "http://", "ssh://", "git://", "file://", "git@"]
            .iter()
            .any(|scheme| text.starts_with(scheme));
        if !is_git {
            let path = Path::new(text);
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            return Source::Folder(absolute);
        }
        match text.rsplit_once('#') {
            Some((url, reference)) if !reference.is_empty() => Source::Git {
                url: url.to_string(),
                reference: Some(reference.to_string()),
            },
            Some((url, _)) => Source::Git {
                url: url.to_string(),
                reference: None,
            },
            None => Source::Git {
                url: text.to_string(),
                reference: None,
            },
        }
    }

    /// The name a single-stack source gives its stack: the folder's or the repository's name.
    pub fn stack_name(&self) -> String {
        let last = match self {
            Source::Folder(path) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Source::Git { url, .. } => url
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or_default()
                .trim_end_matches(".git")
                .to_string(),
        };
        last.to_ascii_lowercase()
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Folder(path) => write!(f, "{}", path.display()),
            Source::Git {
                url,
                reference: Some(reference),
            } => write!(f, "{url}#{reference}"),
            Source::Git {
                url,
                reference: None,
            } => write!(f, "{url}"),
        }
    }
}

impl Origin {
    pub fn is_built_in(&self) -> bool {
        matches!(self, Origin::BuiltIn)
    }

    /// The source to fetch again (`None` for the built-in templates).
    pub fn source(&self) -> Option<Source> {
        match self {
            Origin::BuiltIn => None,
            Origin::Folder(path) => Some(Source::Folder(path.clone())),
            Origin::Git { url, reference, .. } => Some(Source::Git {
                url: url.clone(),
                reference: reference.clone(),
            }),
        }
    }

    /// The resolved commit of a git source.
    pub fn commit(&self) -> Option<&str> {
        match self {
            Origin::Git { commit, .. } => Some(commit),
            _ => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source() {
            None => write!(f, "built-in"),
            Some(source) => write!(f, "{source}"),
        }
    }
}

/// A broken template that is not built in is its author's to fix, not a bug in sprout.
pub fn blame(origin: &Origin, error: Error) -> Error {
    match (error, origin) {
        (Error::Template { stack, reason }, Origin::Folder(_) | Origin::Git { .. }) => {
            Error::TemplateBroken {
                template: origin.to_string(),
                stack,
                reason,
            }
        }
        (error, _) => error,
    }
}

/// A source on disk, ready to read: the folder itself, or a clone that lives as long as this.
#[derive(Debug)]
pub struct Fetched {
    pub root: PathBuf,
    pub origin: Origin,
    /// Keeps the clone until the templates are read into memory.
    _clone: Option<tempfile::TempDir>,
}

/// Bring `source` to disk. `commit` pins a git source to one commit (what a project recorded)
/// instead of its reference's newest.
pub fn fetch(source: &Source, commit: Option<&str>) -> Result<Fetched> {
    match source {
        Source::Folder(path) => {
            let meta = std::fs::metadata(path).map_err(|e| Error::SourceUnavailable {
                template: source.to_string(),
                reason: e.to_string(),
            })?;
            if !meta.is_dir() {
                return Err(Error::SourceUnavailable {
                    template: source.to_string(),
                    reason: "not a folder".into(),
                });
            }
            Ok(Fetched {
                root: path.clone(),
                origin: Origin::Folder(path.clone()),
                _clone: None,
            })
        }
        Source::Git { url, reference } => {
            let unavailable = |reason: String| Error::SourceUnavailable {
                template: source.to_string(),
                reason,
            };
            let dir = tempfile::Builder::new()
                .prefix("sprout-template-")
                .tempdir()
                .map_err(|e| unavailable(format!("no temporary folder: {e}")))?;
            let wanted = commit.or(reference.as_deref());
            let commit = clone::clone(url, wanted, dir.path()).map_err(unavailable)?;
            Ok(Fetched {
                root: dir.path().to_path_buf(),
                origin: Origin::Git {
                    url: url.clone(),
                    reference: reference.clone(),
                    commit,
                },
                _clone: Some(dir),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls_and_folders_are_told_apart() {
        assert_eq!(
            Source::parse("https://example.com/acme/templates.git#v1.2"),
            Source::Git {
                url: "https://example.com/acme/templates.git".into(),
                reference: Some("v1.2".into())
            }
        );
        assert_eq!(
            Source::parse("git@example.com:acme/golden.git"),
            Source::Git {
                url: "git@example.com:acme/golden.git".into(),
                reference: None
            }
        );
        assert!(matches!(Source::parse("./my-templates"), Source::Folder(p) if p.is_absolute()));
        assert!(matches!(Source::parse("/srv/t#1"), Source::Folder(_)));
    }

    #[test]
    fn a_single_stack_is_named_after_its_folder_or_repository() {
        assert_eq!(
            Source::parse("git@example.com:acme/Golden-API.git#main").stack_name(),
            "golden-api"
        );
        assert_eq!(Source::parse("/srv/templates/api/").stack_name(), "api");
        assert_eq!(
            Source::parse("file:///tmp/x/service").stack_name(),
            "service"
        );
    }

    #[test]
    fn a_source_prints_as_it_is_given() {
        let text = "https://example.com/t.git#0123abc";
        assert_eq!(Source::parse(text).to_string(), text);
    }
}
