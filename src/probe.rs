//! Asking tools for their version: every command at once, each at most once, none for longer
//! than a timeout, so a hanging tool cannot hang sprout. Each program is first found as the
//! command would find it (`PATH`, or the path it names), and that file is the one asked and
//! reported. A JDK's `java`/`javac` is answered from its `release` file ([`jdk`]); a native
//! program's answer may come from the answers kept from earlier runs ([`cache`]).

pub mod cache;
pub mod jdk;

use std::fs::File;
use std::io::{ErrorKind, Read, Seek};
use std::path::{Path, PathBuf};
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

/// What a check found: the program it ran (or read about), as found on this machine, and its
/// answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    /// The program's path (`/usr/bin/node`, `$JAVA_HOME/bin/javac`); `None` when it is not there.
    pub program: Option<PathBuf>,
    pub probe: Probe,
}

/// Whether answers kept from earlier runs may be used (`sprout new`), or every tool is asked
/// afresh (`sprout doctor`, which still keeps what it learns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    MayUseKept,
    Afresh,
}

/// Ask each command (a program and its arguments); the answers in the same order. What the
/// `release` file of a JDK or a kept answer tells is not asked; the rest run in parallel.
pub fn ask_all(commands: &[Vec<String>], freshness: Freshness) -> Vec<Asked> {
    let mut kept = cache::Cache::open();
    let mut asked: Vec<Option<Asked>> = Vec::with_capacity(commands.len());
    // The commands still to run: their place in `asked`, the command, and its cache key.
    let mut to_run: Vec<(usize, Vec<String>, Option<cache::Key>)> = Vec::new();
    for (at, command) in commands.iter().enumerate() {
        let Some((program, args)) = command.split_first() else {
            asked.push(Some(Asked {
                program: None,
                probe: Probe::Failed("empty command".into()),
            }));
            continue;
        };
        let Some(path) = find(program) else {
            asked.push(Some(Asked {
                program: None,
                probe: Probe::Missing,
            }));
            continue;
        };
        let key = cache::Key::of(&path, args);
        let known = jdk::answer(&path, args).or_else(|| match (&key, freshness) {
            (Some(key), Freshness::MayUseKept) => kept.get(key).map(String::from),
            _ => None,
        });
        match known {
            Some(answer) => asked.push(Some(Asked {
                program: Some(path),
                probe: Probe::Answered(answer),
            })),
            None => {
                let mut run = vec![path.to_string_lossy().into_owned()];
                run.extend(args.iter().cloned());
                to_run.push((at, run, key));
                asked.push(None);
            }
        }
    }
    let commands: Vec<Vec<String>> = to_run.iter().map(|(_, c, _)| c.clone()).collect();
    let answers = run_all(&commands, TIMEOUT);
    for ((at, command, key), probe) in to_run.into_iter().zip(answers) {
        if let (Some(key), Probe::Answered(answer)) = (key, &probe) {
            kept.put(key, answer.clone());
        }
        if let Some(slot) = asked.get_mut(at) {
            *slot = Some(Asked {
                program: command.first().map(PathBuf::from),
                probe,
            });
        }
    }
    kept.save();
    asked
        .into_iter()
        .map(|a| {
            a.unwrap_or(Asked {
                program: None,
                probe: Probe::Failed("not run".into()),
            })
        })
        .collect()
}

/// The file `program` names: a path as it is, a bare name looked up on `PATH` as a shell would.
fn find(program: &str) -> Option<PathBuf> {
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let path = Path::new(program);
        return path.is_file().then(|| path.to_path_buf());
    }
    which::which(program).ok()
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
