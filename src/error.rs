//! The errors sprout reports, each with the exit code it ends with and a hint on what to do next.

use std::path::PathBuf;

use crate::exit::Exit;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown stack `{given}`")]
    UnknownStack { given: String, known: Vec<String> },

    #[error("unknown option `{key}` for stack {stack}")]
    UnknownOption {
        key: String,
        stack: String,
        known: Vec<String>,
    },

    #[error("invalid value for `{key}`: {reason}")]
    InvalidValue {
        key: String,
        reason: String,
        hint: Option<String>,
    },

    #[error("option `{key}` does not apply here: {why}")]
    NotApplicable { key: String, why: String },

    #[error("no answer for `{key}` and no terminal to ask")]
    MissingAnswer { key: String, flag: String },

    #[error("no stack chosen and no terminal to ask")]
    MissingStack { known: Vec<String> },

    #[error("no project name given and no terminal to ask")]
    MissingName,

    #[error("{0}")]
    Usage(String),

    #[error("cannot read answers file {path}: {reason}")]
    AnswersFile { path: PathBuf, reason: String },

    #[error("{path} exists and is not empty")]
    TargetNotEmpty { path: PathBuf },

    #[error("{path} exists and is not a directory")]
    TargetNotDirectory { path: PathBuf },

    #[error("{count} path(s) in {path} are in the way of what sprout would write: {list}")]
    Collisions {
        path: PathBuf,
        count: usize,
        list: String,
    },

    #[error("refusing to write through a symbolic link: {path}")]
    SymlinkInTarget { path: PathBuf },

    /// Only while writing the project, which is then rolled back.
    #[error("writing {path} failed: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("interrupted")]
    Cancelled,

    #[error("template of stack `{stack}` is broken: {reason}")]
    Template { stack: String, reason: String },

    #[error("{0}")]
    Io(#[from] std::io::Error),

    /// stdout failed (a full disk, say); a closed pipe is not an error.
    #[error("cannot print the result: {source}")]
    Output {
        source: std::io::Error,
        /// The project, when it was written before printing failed.
        written: Option<PathBuf>,
    },

    #[error("installing dependencies failed: `{command}` {status}")]
    InstallFailed {
        command: String,
        status: String,
        log: PathBuf,
        tail: String,
    },

    #[error("interrupted: `{command}` was stopped")]
    InstallInterrupted { command: String, dir: PathBuf },
}

impl Error {
    pub fn exit(&self) -> Exit {
        match self {
            Error::UnknownStack { .. }
            | Error::UnknownOption { .. }
            | Error::InvalidValue { .. }
            | Error::NotApplicable { .. }
            | Error::MissingAnswer { .. }
            | Error::MissingStack { .. }
            | Error::MissingName
            | Error::Usage(_)
            | Error::AnswersFile { .. } => Exit::Usage,
            Error::TargetNotEmpty { .. }
            | Error::TargetNotDirectory { .. }
            | Error::Collisions { .. }
            | Error::SymlinkInTarget { .. } => Exit::Refused,
            Error::Write { .. } | Error::Io(_) | Error::Output { .. } => Exit::WriteFailed,
            Error::Cancelled | Error::InstallInterrupted { .. } => Exit::Cancelled,
            Error::Template { .. } => Exit::Internal,
            Error::InstallFailed { .. } => Exit::InstallFailed,
        }
    }

    /// What the user can do about it, if there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::UnknownStack { given, known } => Some(match closest(given, known) {
                Some(near) => format!("did you mean `{near}`? Stacks: {}", known.join(", ")),
                None => format!("stacks: {}", known.join(", ")),
            }),
            Error::UnknownOption { key, stack, known } => Some(match closest(key, known) {
                Some(near) => format!("did you mean `{near}`? See `sprout show {stack}`"),
                None => format!("options: {} (see `sprout show {stack}`)", known.join(", ")),
            }),
            Error::InvalidValue { hint, .. } => hint.clone(),
            Error::MissingAnswer { flag, .. } => Some(format!("pass {flag}, or --yes to take defaults")),
            Error::MissingStack { known } => {
                Some(format!("pass --stack <STACK>; one of: {}", known.join(", ")))
            }
            Error::MissingName => Some("pass the name: sprout new NAME --stack STACK".into()),
            Error::TargetNotEmpty { .. } => Some(
                "choose another name or --output, or pass --force to add the files beside what is there (nothing existing is changed)".into(),
            ),
            Error::Collisions { .. } => Some(
                "--force never replaces what is there (a file that differs, a file where a folder goes); move those away or generate elsewhere".into(),
            ),
            Error::Write { .. } => Some("nothing was written; fix the cause and run again".into()),
            Error::Output {
                written: Some(path),
                ..
            } => Some(format!("the project itself was written to {}", path.display())),
            Error::InstallInterrupted { command, dir } => Some(format!(
                "the project itself was generated in {}; run `{command}` there",
                dir.display()
            )),
            Error::Template { .. } => Some("this is a bug in sprout; please report it".into()),
            Error::InstallFailed { log, tail, .. } => Some(format!(
                "the project itself was generated; last lines:\n{tail}\nfull log: {}",
                log.display()
            )),
            _ => None,
        }
    }
}

/// The candidate nearest to `given`, if it is near enough to be a plausible typo.
pub fn closest<'a>(given: &str, candidates: &'a [String]) -> Option<&'a str> {
    let given = given.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&given, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2) || c.to_lowercase().starts_with(&given))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_prefixes() {
        let known: Vec<String> = ["express", "flask", "spring-boot"]
            .map(String::from)
            .to_vec();
        assert_eq!(closest("expres", &known), Some("express"));
        assert_eq!(closest("spring", &known), Some("spring-boot"));
        assert_eq!(closest("Flask", &known), Some("flask"));
        assert_eq!(closest("cobol", &known), None);
    }

    #[test]
    fn only_a_failed_write_says_nothing_was_written() {
        let io = || std::io::Error::other("No space left on device");
        let after = [
            Error::Io(io()),
            Error::Output {
                source: io(),
                written: Some("my-api".into()),
            },
            Error::InstallInterrupted {
                command: "npm install".into(),
                dir: "my-api".into(),
            },
        ];
        for error in after {
            let hint = error.hint().unwrap_or_default();
            assert!(!hint.contains("nothing was written"), "{error:?}: {hint}");
        }
        let write = Error::Write {
            path: "my-api/src".into(),
            source: io(),
        };
        assert!(
            write
                .hint()
                .unwrap_or_default()
                .contains("nothing was written")
        );
    }
}
