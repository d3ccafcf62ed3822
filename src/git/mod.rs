//! The one way sprout runs git. Every git process — `git init` and the first commit, the update's
//! base and merges, cloning a template, reading the user's configuration — is made by [`Git`],
//! with one environment policy:
//!
//! - git works on the repository of the folder it runs in, never on one the caller's environment
//!   points at: every variable `git rev-parse --local-env-vars` lists (`GIT_DIR`,
//!   `GIT_WORK_TREE`, `GIT_INDEX_FILE`, `GIT_OBJECT_DIRECTORY`, …) is removed, and so are the
//!   variables that change how the repository is found or named (`GIT_CEILING_DIRECTORIES`,
//!   `GIT_DISCOVERY_ACROSS_FILESYSTEM`, `GIT_NAMESPACE`) ([`LOCAL_ENV`]); a test checks the list
//!   against the installed git's;
//! - git never waits for a person: stdin is closed (or is what sprout writes), it never prompts
//!   for credentials, and its automatic maintenance is off;
//! - the child leads its own process group, so an interrupt stops it and whatever it started (a
//!   hook) instead of leaving it running after sprout ends ([`crate::signals::ChildGuard`]).

pub mod config;
pub mod ignore;
pub mod init;
pub mod loose;
pub mod remote;
pub mod renames;

pub use init::{COMMIT_MESSAGE, enclosing_repository, init};

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Output, Stdio};

use sha1::{Digest, Sha1};

use crate::signals::ChildGuard;

/// Variables that would point git at another repository than the folder's own, or change how
/// it is found: `git rev-parse --local-env-vars` (git 2.39 and later), and the discovery and
/// namespace variables.
pub const LOCAL_ENV: &[&str] = &[
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
];

/// One git command, under the policy above.
pub struct Git {
    command: Command,
}

impl Git {
    /// git in `dir`, on that folder's repository.
    pub fn at(dir: &Path) -> Git {
        let mut git = Git::anywhere();
        git.command.current_dir(dir);
        git
    }

    /// git in the current folder (reading the user's configuration).
    pub fn anywhere() -> Git {
        let mut command = Command::new("git");
        for name in LOCAL_ENV {
            command.env_remove(name);
        }
        // No automatic maintenance, given as configuration through the environment (git 2.31+)
        // so that the command line stays the command's own.
        command
            .env("GIT_CONFIG_COUNT", "2")
            .env("GIT_CONFIG_KEY_0", "maintenance.auto")
            .env("GIT_CONFIG_VALUE_0", "false")
            .env("GIT_CONFIG_KEY_1", "gc.auto")
            .env("GIT_CONFIG_VALUE_1", "0")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GCM_INTERACTIVE", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        Git { command }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Git {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Git
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Git {
        self.command.env(key, value);
        self
    }

    /// The command line as `--verbose` shows it.
    pub fn shown(&self) -> String {
        let args: Vec<String> = self
            .command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        format!("git {}", args.join(" "))
    }

    /// Run it to its end; its output, whatever its status.
    pub fn output(self) -> io::Result<Output> {
        self.spawn(false)?.wait_with_output()
    }

    /// Run it with `input` on its stdin.
    pub fn output_with(self, input: &[u8]) -> io::Result<Output> {
        let mut running = self.spawn(true)?;
        if let Some(mut stdin) = running.stdin() {
            // Written from another thread: git may fill its stdout before reading all of it.
            let input = input.to_vec();
            let writer = std::thread::spawn(move || stdin.write_all(&input));
            let output = running.wait_with_output();
            let _ = writer.join();
            return output;
        }
        running.wait_with_output()
    }

    /// Its stdout without the trailing newline, when it succeeds.
    pub fn text(self) -> Option<String> {
        let output = self.output().ok()?;
        output.status.success().then(|| {
            String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_string()
        })
    }

    /// Start it, with a pipe to its stdin when `input`; stderr is discarded.
    pub fn spawn(mut self, input: bool) -> io::Result<Running> {
        if input {
            self.command.stdin(Stdio::piped());
        }
        let guard = ChildGuard::start();
        let child = self.command.spawn()?;
        guard.started(child.id());
        Ok(Running {
            child,
            _guard: guard,
        })
    }

    /// Start it with stderr discarded and stdin piped (a stream such as `cat-file --batch`).
    pub fn spawn_quiet(mut self, input: bool) -> io::Result<Running> {
        self.command.stderr(Stdio::null());
        self.spawn(input)
    }
}

/// A running git; while it lives an interrupt stops its process group.
pub struct Running {
    child: Child,
    _guard: ChildGuard,
}

impl Running {
    pub fn stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    pub fn stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    pub fn wait(mut self) -> io::Result<ExitStatus> {
        let status = self.child.wait();
        crate::signals::quit_if_interrupted();
        status
    }

    pub fn wait_with_output(self) -> io::Result<Output> {
        let Running { child, _guard } = self;
        let output = child.wait_with_output();
        crate::signals::quit_if_interrupted();
        output
    }
}

/// The user's git configuration for a repository at `git_dir`, read in process (see
/// [`config`]): `lookup(key)` is a value of it (`user.name`) when set. The files are read on
/// the first lookup, once.
pub fn config_lookup(git_dir: &Path) -> impl Fn(&str) -> Option<String> {
    let git_dir = git_dir.to_path_buf();
    let read = std::sync::OnceLock::new();
    move |key: &str| config::value(read.get_or_init(|| config::user(&git_dir)), key)
}

/// git's id of a blob with these contents.
pub fn blob_id(bytes: &[u8]) -> String {
    object_id("blob", bytes)
}

/// git's id of an object of this kind (`blob`, `tree`) and contents.
pub fn object_id(kind: &str, bytes: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("{kind} {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    hex::encode(hasher.finalize())
}

/// Whether `id` is a full SHA-1 object id.
pub fn is_object_id(id: &str) -> bool {
    id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn the_policy_clears_every_variable_the_installed_git_calls_local() {
        let listed = Git::anywhere()
            .args(["rev-parse", "--local-env-vars"])
            .text()
            .unwrap_or_default();
        assert!(listed.contains("GIT_DIR"), "git answered: {listed}");
        for name in listed.lines() {
            assert!(LOCAL_ENV.contains(&name), "{name} is not cleared");
        }
    }
}
