//! The user's git configuration, read in process (no git process) by `gix-config`, which
//! follows git's own rules: the system file (`/etc/gitconfig`, or `GIT_CONFIG_SYSTEM`, none
//! with `GIT_CONFIG_NOSYSTEM`), the global ones (`$XDG_CONFIG_HOME/git/config`, then
//! `~/.gitconfig`, or `GIT_CONFIG_GLOBAL` alone), the repository's own `.git/config` when
//! there is one, `include.path` and `includeIf` (`gitdir:` judged for the repository the value
//! is for), then `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`; the last value of a
//! key wins. The configuration git keeps beside its own installation when that is not the
//! system file (Git for Windows, Xcode's git) is not read: finding it takes a git process.

use std::path::Path;

use gix_config::file::includes::{self, conditional};
use gix_config::file::{Metadata, init};
use gix_config::path::interpolate;
use gix_config::{File, Source};

/// The configuration that applies to a repository whose `.git` folder is (or will be) `git_dir`,
/// with that repository's own `config` when it has one (empty when none can be read: a broken
/// file is left aside, as when git is missing).
pub fn user(git_dir: &Path) -> File {
    let home = gix_path::env::home_dir();
    let options = init::Options {
        includes: includes::Options {
            // git skips an include it cannot interpolate or read, and reads at most 10 deep.
            err_on_max_depth_exceeded: false,
            ..includes::Options::follow(
                interpolate::Context {
                    home_dir: home.as_deref(),
                    ..Default::default()
                },
                conditional::Context {
                    git_dir: Some(git_dir),
                    branch_name: None,
                },
            )
        },
        ..Default::default()
    };
    let files = [Source::System, Source::Git, Source::User, Source::Local]
        .into_iter()
        .filter_map(|source| {
            let path = match source {
                Source::Local => git_dir.join("config"),
                _ => source.storage_location(&mut gix_path::env::var)?,
            };
            path.is_file().then_some(Metadata {
                path: Some(path),
                source,
                level: 0,
                trust: gix_sec::Trust::Full,
            })
        });
    let mut config = File::from_paths_metadata(files, options)
        .ok()
        .flatten()
        .unwrap_or_default();
    if let Ok(Some(environment)) = File::from_env(options) {
        let _ = config.append(environment);
    }
    config
}

/// A value of `config` (`user.name`), trimmed, when it is set and not empty.
pub fn value(config: &File, key: &str) -> Option<String> {
    let value = config.string(key)?;
    let value = value.to_string();
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}
