//! `--install`: run the project's install command with a spinner, its output kept in a log.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Error, Result};
use crate::output::Output;
use crate::render::Commands;
use crate::signals::{self, CANCEL};

pub const LOG_FILE: &str = "sprout-install.log";

/// Chooses another package manager for `--install` (e.g. `pnpm` for the Node.js stacks).
pub const MANAGER_ENV: &str = "SPROUT_PACKAGE_MANAGER";

/// The install command to run: the stack's own, or the one for the package manager named by
/// `SPROUT_PACKAGE_MANAGER`. A manager the stack does not offer is an error, not a fallback.
pub fn command(commands: &Commands) -> Result<String> {
    let wanted = match std::env::var(MANAGER_ENV) {
        Ok(name) => name,
        Err(std::env::VarError::NotPresent) => String::new(),
        Err(std::env::VarError::NotUnicode(raw)) => {
            return Err(Error::Usage(format!(
                "{MANAGER_ENV} is not valid UTF-8 (`{}`): name a package manager",
                crate::text::shown(&raw.to_string_lossy())
            )));
        }
    };
    let wanted = wanted.trim();
    let default_name = commands
        .install
        .split_whitespace()
        .next()
        .unwrap_or_default();
    if wanted.is_empty() || wanted == default_name {
        return Ok(commands.install.clone());
    }
    if let Some(command) = commands.install_with.get(wanted) {
        return Ok(command.clone());
    }
    let mut offered = vec![default_name.to_string()];
    offered.extend(commands.install_with.keys().cloned());
    Err(Error::Usage(format!(
        "{MANAGER_ENV}={wanted} is not offered by this stack; choose one of: {}",
        offered.join(", ")
    )))
}

/// Run `command` in `dir`, in its own process group so that an interrupt stops all of it;
/// returns the log's path.
pub fn run(dir: &Path, command: &str, out: &Output) -> Result<PathBuf> {
    let log_path = dir.join(LOG_FILE);
    let failed = |status: String| Error::InstallFailed {
        command: command.to_string(),
        status,
        log: log_path.clone(),
        tail: String::new(),
    };
    let mut log = File::create(&log_path)
        .map_err(|e| failed(format!("could not create {}: {e}", log_path.display())))?;
    let _ = writeln!(log, "$ {command}");
    out.detail(&format!("running `{command}` in {}", dir.display()));

    let spinner = if out.progress {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {prefix} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_prefix(command.to_string());
    spinner.enable_steady_tick(Duration::from_millis(100));

    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    // Both streams go to one pipe so the log keeps their order.
    let could_not_start = |e: std::io::Error| failed(format!("could not start: {e}"));
    let (reader, writer) = std::io::pipe().map_err(could_not_start)?;
    let mut spawn = Command::new(shell);
    spawn
        .args([flag, command])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(writer.try_clone().map_err(could_not_start)?)
        .stderr(writer);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut spawn, 0);
    let guard = signals::ChildGuard::start();
    let mut child = spawn.spawn().map_err(could_not_start)?;
    guard.started(child.id());
    // The command holds the pipe's writing ends: only the child may keep them open.
    drop(spawn);
    let mut tail: Vec<String> = Vec::new();
    for line in BufReader::new(reader).lines().map_while(|l| l.ok()) {
        let _ = writeln!(log, "{line}");
        spinner.set_message(line.chars().take(80).collect::<String>());
        tail.push(line);
        if tail.len() > 15 {
            tail.remove(0);
        }
    }
    let status = child
        .wait()
        .map_err(|e| failed(format!("could not be waited for: {e}")))?;
    drop(guard);
    spinner.finish_and_clear();
    if CANCEL.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(Error::InstallInterrupted {
            command: command.to_string(),
            dir: dir.to_path_buf(),
        });
    }
    if status.success() {
        Ok(log_path)
    } else {
        Err(Error::InstallFailed {
            command: command.to_string(),
            status: status.to_string(),
            log: log_path,
            tail: tail.join("\n"),
        })
    }
}
