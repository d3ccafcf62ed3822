//! What a template that is not built in may hold, and the ways it can be refused.

use std::path::PathBuf;

/// Files in one source, `.git` left out.
pub const MAX_FILES: usize = 5_000;
/// Bytes of one file.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// Bytes of every file of one source together.
pub const MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;

/// Bytes one rendered file may hold (any template: a render that would write more stops).
pub const MAX_RENDERED_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Bytes every rendered file of one project may hold together.
pub const MAX_RENDERED_BYTES: u64 = 100 * 1024 * 1024;

/// `bytes` in MiB, as people read sizes.
pub fn mib(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib.fract() == 0.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{mib:.1} MiB")
    }
}

/// Why a template source is refused before anything is rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{path} is a symbolic link; a template may hold only files and folders")]
    Symlink { path: PathBuf },
    #[error("{path} is neither a file nor a folder")]
    Special { path: PathBuf },
    #[error("it holds more than {max} files")]
    TooManyFiles { max: usize },
    #[error("{path} is {}; one file may have at most {}", mib(*.bytes), mib(*.max))]
    FileTooLarge { path: PathBuf, bytes: u64, max: u64 },
    #[error("its files are more than {} together", mib(*.max))]
    TooLarge { max: u64 },
    #[error("{file} uses the partial `{name}`, which is outside the template")]
    PartialOutside { file: String, name: String },
    #[error("{file} cannot be read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("`{name}` cannot be a stack's key")]
    BadName { name: String },
    #[error("no stack in it: a stack is a folder with a sprout.toml (and files/)")]
    NoStack,
}

impl Refusal {
    /// What the template's author can do about it.
    pub fn hint(&self) -> String {
        match self {
            Refusal::Symlink { .. } | Refusal::Special { .. } => {
                "replace the link with a copy of the file it points to".into()
            }
            Refusal::TooManyFiles { .. }
            | Refusal::FileTooLarge { .. }
            | Refusal::TooLarge { .. } => format!(
                "a template holds the text of a project; keep build output and large binaries out of it (limits: {MAX_FILES} files, {} a file, {} in all)",
                mib(MAX_FILE_BYTES),
                mib(MAX_TOTAL_BYTES)
            ),
            Refusal::PartialOutside { .. } => {
                "a partial is a file under partials/ of the stack or of _shared/, named without `..`".into()
            }
            Refusal::Unreadable { .. } => "check the file's permissions".into(),
            Refusal::BadName { .. } => {
                "name the folder or repository in lowercase letters, digits and `-`, starting with a letter".into()
            }
            Refusal::NoStack => {
                "point at a folder with sprout.toml and files/, or at a collection of such folders".into()
            }
        }
    }
}
