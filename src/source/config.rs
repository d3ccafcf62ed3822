//! Extra template roots: the configuration file and `SPROUT_TEMPLATES`.
//!
//! `$XDG_CONFIG_HOME/sprout/config.toml` (`~/.config/sprout/config.toml` when the variable is
//! unset):
//!
//! ```toml
//! # Each entry is a folder (relative to this file; `~/` is the home folder) or a git URL with
//! # an optional #REF, holding one stack or a collection of stacks.
//! templates = ["~/platform/templates", "https://git.example.com/platform/templates.git#v3"]
//! ```
//!
//! `SPROUT_TEMPLATES` is a list of folders separated like `PATH` (`:` on Unix, `;` on Windows),
//! read after the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Source;
use crate::error::{Error, Result};

pub const TEMPLATES_ENV: &str = "SPROUT_TEMPLATES";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    templates: Vec<String>,
}

/// Where the configuration file is, whether or not it exists.
pub fn file_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home().map(|h| h.join(".config")))?;
    Some(base.join("sprout").join("config.toml"))
}

/// Every extra root: the configuration file's, then `SPROUT_TEMPLATES`'s.
pub fn roots() -> Result<Vec<Source>> {
    let mut roots = match file_path() {
        Some(path) => from_file(&path)?,
        None => Vec::new(),
    };
    if let Some(list) = std::env::var_os(TEMPLATES_ENV) {
        roots.extend(
            std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| Source::parse(&p.to_string_lossy())),
        );
    }
    Ok(roots)
}

/// The roots a configuration file names; none when it does not exist.
pub fn from_file(path: &Path) -> Result<Vec<Source>> {
    let invalid = |reason: String| Error::Config {
        path: path.to_path_buf(),
        reason,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(invalid(e.to_string())),
    };
    let file: ConfigFile = toml::from_str(&text).map_err(|e| invalid(e.message().to_string()))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    Ok(file
        .templates
        .iter()
        .map(|entry| match Source::parse(entry) {
            Source::Folder(_) => Source::Folder(folder.join(expand_home(entry))),
            git => git,
        })
        .collect())
}

/// `~/x` as the home folder's `x`; anything else as it is.
fn expand_home(entry: &str) -> PathBuf {
    match (entry.strip_prefix("~/"), home()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(entry),
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "templates = [\"golden\", \"/srv/t\", \"https://example.com/t.git#v2\"]\n",
        )
        .unwrap();
        assert_eq!(
            from_file(&path).unwrap(),
            vec![
                Source::Folder(dir.path().join("golden")),
                Source::Folder("/srv/t".into()),
                Source::Git {
                    url: "https://example.com/t.git".into(),
                    reference: Some("v2".into())
                }
            ]
        );
    }

    #[test]
    fn a_missing_file_is_no_roots_and_a_wrong_key_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(from_file(&dir.path().join("none.toml")).unwrap().is_empty());
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "template = []\n").unwrap();
        assert!(matches!(from_file(&path), Err(Error::Config { .. })));
    }
}
