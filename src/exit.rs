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
    /// The target exists and sprout refused to touch it (not empty without `--force`, or a collision).
    Refused = 3,
    /// Writing failed (permissions, full disk, …); nothing was left behind.
    WriteFailed = 4,
    /// The project was generated but `--install` failed.
    InstallFailed = 5,
    /// `sprout doctor`: a tool a stack needs is missing, too old or did not answer.
    ToolchainShort = 6,
    /// Interrupted (Ctrl-C at a prompt or while writing); nothing was left behind.
    Cancelled = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}
