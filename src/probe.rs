//! Asking tools for their version: every command at once, each at most once, none for longer
//! than a timeout, so a hanging tool cannot hang sprout.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long a tool may take to print its version (a cold JVM on a busy machine takes a second).
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// What a tool said when asked for its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// It exited 0; what it printed on stdout and stderr (`java -version` writes to stderr).
    Answered(String),
    /// The program is not on PATH.
    Missing,
    /// It could not be started, exited non-zero or did not answer in time.
    Failed(String),
}

/// Run each command (a program and its arguments) in parallel; the answers in the same order.
pub fn run_all(commands: &[Vec<String>], timeout: Duration) -> Vec<Probe> {
    let mut running: Vec<Result<Running, Probe>> = commands.iter().map(|c| start(c)).collect();
    let deadline = Instant::now() + timeout;
    let mut done: Vec<Option<Probe>> = running.iter().map(|r| r.as_ref().err().cloned()).collect();
    while done.iter().any(Option::is_none) {
        for (slot, run) in done.iter_mut().zip(running.iter_mut()) {
            if let (None, Ok(run)) = (&slot, run) {
                *slot = run.poll();
            }
        }
        if Instant::now() >= deadline {
            for (slot, run) in done.iter_mut().zip(running.iter_mut()) {
                if let (None, Ok(run)) = (&slot, run) {
                    run.stop();
                    *slot = Some(Probe::Failed(format!(
                        "no answer within {} s",
                        timeout.as_secs_f32()
                    )));
                }
            }
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
    done.into_iter()
        .map(|p| p.unwrap_or_else(|| Probe::Failed("not run".into())))
        .collect()
}

/// A started check. Its output goes to an unnamed temporary file, not a pipe, so a chatty tool
/// can never block on a full pipe while sprout waits for it to exit.
struct Running {
    child: Child,
    output: File,
}

fn start(command: &[String]) -> Result<Running, Probe> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| Probe::Failed("empty command".into()))?;
    let failed = |e: std::io::Error| Probe::Failed(format!("cannot capture its output: {e}"));
    let output = tempfile::tempfile().map_err(failed)?;
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(output.try_clone().map_err(failed)?)
        .stderr(output.try_clone().map_err(failed)?)
        .spawn()
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => Probe::Missing,
            _ => Probe::Failed(format!("cannot run `{program}`: {e}")),
        })?;
    Ok(Running { child, output })
}

impl Running {
    /// The answer, once the tool has exited.
    fn poll(&mut self) -> Option<Probe> {
        match self.child.try_wait() {
            Ok(None) => None,
            Err(e) => Some(Probe::Failed(e.to_string())),
            Ok(Some(status)) => {
                let mut text = String::new();
                let read = self
                    .output
                    .rewind()
                    .and_then(|()| self.output.read_to_string(&mut text));
                Some(match (status.success(), read) {
                    (_, Err(e)) => Probe::Failed(format!("unreadable output: {e}")),
                    (true, Ok(_)) => Probe::Answered(text),
                    (false, Ok(_)) => {
                        let first = text.lines().find(|l| !l.trim().is_empty());
                        Probe::Failed(match first {
                            Some(line) => format!("{status}: {}", line.trim()),
                            None => status.to_string(),
                        })
                    }
                })
            }
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use super::*;

    fn script(dir: &Path, name: &str, body: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn answers_come_back_in_order_with_both_streams() {
        let dir = tempfile::tempdir().unwrap();
        let out = script(dir.path(), "out", "echo v24.1.0");
        let err = script(dir.path(), "err", "echo 'openjdk version \"21.0.5\"' >&2");
        let answers = run_all(&[vec![out, "--version".into()], vec![err]], TIMEOUT);
        assert_eq!(
            answers,
            vec![
                Probe::Answered("v24.1.0\n".into()),
                Probe::Answered("openjdk version \"21.0.5\"\n".into())
            ]
        );
    }

    #[test]
    fn a_missing_program_a_failure_and_a_hang_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").to_string_lossy().into_owned();
        let failing = script(dir.path(), "fails", "echo 'No version is set' >&2; exit 3");
        let hanging = script(dir.path(), "hangs", "exec sleep 30");
        let answers = run_all(
            &[vec![missing], vec![failing], vec![hanging]],
            Duration::from_millis(300),
        );
        assert_eq!(answers[0], Probe::Missing);
        assert!(
            matches!(&answers[1], Probe::Failed(r) if r.contains("3") && r.contains("No version is set")),
            "{:?}",
            answers[1]
        );
        assert!(
            matches!(&answers[2], Probe::Failed(r) if r.contains("no answer within")),
            "{:?}",
            answers[2]
        );
    }
}
