//! The process exit codes sprout promises (README "Exit codes").

use std::process::ExitCode;

/// Every way sprout can end. The numbers are part of the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The project was generated (or listed, shown, printed).
    Success = 0,
    /// An unexpected failure not caused by the input (a bug, or an embedded template that is broken).
    Internal = 1,
    /// Bad command line or answers: unknown stack or option, invalid value, missing answer.
    Usage = 2,
    /// The target exists and sprout refused to touch it (not empty without `--force`, a
    /// collision, a symbolic link on the way, uncommitted changes before an update); nothing was
    /// written.
    Refused = 3,
    /// Writing failed: the project (permissions, full disk, …; nothing was left behind), the
    /// result on stdout, or something else the system refused (a temporary folder, the random
    /// source, the terminal); when something was written before, the hint says what.
    WriteFailed = 4,
    /// The project was generated but `--install` failed.
    InstallFailed = 5,
    /// `sprout check`: an update is available.
    UpdateAvailable = 6,
    /// No project record (`.sprout.toml`) in the folder, or one sprout cannot read.
    NoRecord = 7,
    /// `sprout update` wrote conflict markers to resolve.
    Conflicts = 8,
    /// `sprout verify` (or `update --verify`): a step of the project failed.
    VerifyFailed = 9,
    /// `sprout doctor`: a tool a stack needs is missing, too old or did not answer.
    ToolchainShort = 10,
    /// `sprout template check`: the template has faults (each printed with its file, line and
    /// column).
    TemplateFaults = 11,
    /// A template that is not built in cannot be used: its source cannot be fetched or read,
    /// it breaks a safety rule (a symbolic link, a path outside it, too large), it is broken
    /// (a manifest sprout cannot use, or a file that cannot be rendered: its file, line and
    /// column are named), or one of its stacks has the name of another.
    TemplateSource = 12,
    /// A template that is not built in wants to run commands that were not accepted (declined,
    /// or no terminal to ask and no `--trust`); nothing was written or run.
    Untrusted = 13,
    /// `sprout check`: a framework or runtime line the project is on is past its end of support
    /// (before an available update, which it outranks).
    Unsupported = 14,
    /// Interrupted: at a prompt or while writing (nothing was left behind), or during `--install`
    /// (the install is stopped, the project stays).
    Cancelled = 130,
}

impl Exit {
    /// Every code, in order: README and `--help` document each of them.
    pub const ALL: [Exit; 16] = [
        Exit::Success,
        Exit::Internal,
        Exit::Usage,
        Exit::Refused,
        Exit::WriteFailed,
        Exit::InstallFailed,
        Exit::UpdateAvailable,
        Exit::NoRecord,
        Exit::Conflicts,
        Exit::VerifyFailed,
        Exit::ToolchainShort,
        Exit::TemplateFaults,
        Exit::TemplateSource,
        Exit::Untrusted,
        Exit::Unsupported,
        Exit::Cancelled,
    ];
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}
