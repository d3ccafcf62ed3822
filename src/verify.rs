//! `sprout verify`: prove a project works. Its own install, lint and test commands (from its
//! stack manifest, rendered with its recorded answers), then its start command on a free
//! loopback port (`PORT`) until `GET /health` answers `{"status":"ok"}`; every process a step
//! started is stopped with its whole process group.
//!
//! `SPROUT_VERIFY_RUNNER` names a program that runs each command instead of `sh -c`, called as
//! `RUNNER <project-dir> <command>` (the e2e harness runs Rails inside a Debian root that way).

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::record::Record;
use crate::render;

pub const RUNNER_ENV: &str = "SPROUT_VERIFY_RUNNER";
const TAIL_LINES: usize = 30;
/// No install, lint or test step may take longer.
const STEP_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Serialize)]
pub struct Step {
    pub name: &'static str,
    pub command: String,
    pub ok: bool,
    pub seconds: f64,
    pub log: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub dir: PathBuf,
    pub stack: String,
    pub ok: bool,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail: Option<String>,
}

/// The project's commands, as its stack renders them with its recorded answers.
pub fn commands(catalog: &Catalog, dir: &Path) -> Result<(String, render::Commands)> {
    let record = Record::read(dir)?;
    let stack = catalog.load(&record.stack)?;
    let answers = crate::update::resolve(&stack, &record, &[])?;
    let plan = Plan {
        stack: &stack,
        answers,
        secrets: crate::update::secret::tokens(&stack.secrets),
        year: record.year.unwrap_or(0),
    };
    Ok((stack.key.clone(), render::render(&plan)?.commands))
}

/// Run every step, stopping at the first failure; `progress` sees each step as it ends.
pub fn run(
    catalog: &Catalog,
    dir: &Path,
    health_timeout: Duration,
    progress: &dyn Fn(&Step),
) -> Result<Report> {
    let (stack, commands) = commands(catalog, dir)?;
    let logs = tempfile::Builder::new()
        .prefix("sprout-verify-")
        .tempdir()
        .map_err(Error::system("cannot create the folder for the logs"))?
        .keep();
    let runner = std::env::var_os(RUNNER_ENV).map(PathBuf::from);
    let mut report = Report {
        dir: dir.to_path_buf(),
        stack,
        ok: true,
        steps: Vec::new(),
        tail: None,
    };
    let plan: [(&'static str, &str); 4] = [
        ("install", &commands.install),
        ("lint", &commands.lint),
        ("test", &commands.test),
        ("start", &commands.start),
    ];
    for (name, command) in plan {
        let log = logs.join(format!("{name}.log"));
        let started = Instant::now();
        let outcome = if name == "start" {
            start_and_probe(dir, command, runner.as_deref(), &log, health_timeout)
        } else {
            run_step(dir, command, runner.as_deref(), &log)
        };
        let (ok, note) = match outcome {
            Ok(note) => (true, note),
            Err(note) => (false, Some(note)),
        };
        let step = Step {
            name,
            command: command.to_string(),
            ok,
            seconds: started.elapsed().as_secs_f64(),
            log: log.clone(),
            note,
        };
        progress(&step);
        report.steps.push(step);
        if !ok {
            report.ok = false;
            report.tail = Some(tail(&log));
            break;
        }
    }
    Ok(report)
}

fn spawn(
    dir: &Path,
    command: &str,
    runner: Option<&Path>,
    log: &Path,
    port: Option<u16>,
) -> std::result::Result<Child, String> {
    let mut out = File::create(log).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let _ = writeln!(out, "$ {command}");
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut cmd = match runner {
        Some(runner) => {
            let mut cmd = Command::new(runner);
            cmd.arg(dir).arg(command);
            cmd
        }
        None => {
            let mut cmd = Command::new("sh");
            cmd.arg("-c").arg(command);
            cmd
        }
    };
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    if let Some(port) = port {
        cmd.env("PORT", port.to_string());
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.spawn()
        .map_err(|e| format!("cannot start `{command}`: {e}"))
}

fn run_step(
    dir: &Path,
    command: &str,
    runner: Option<&Path>,
    log: &Path,
) -> std::result::Result<Option<String>, String> {
    let mut child = spawn(dir, command, runner, log, None)?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > STEP_TIMEOUT => {
                stop_group(&mut child);
                return Err(format!("timed out after {}s", STEP_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(e.to_string()),
        }
    };
    // Nothing a step started may outlive it.
    stop_group(&mut child);
    if status.success() {
        Ok(None)
    } else {
        Err(format!("`{command}` {status}"))
    }
}

fn start_and_probe(
    dir: &Path,
    command: &str,
    runner: Option<&Path>,
    log: &Path,
    timeout: Duration,
) -> std::result::Result<Option<String>, String> {
    let port = free_port().map_err(|e| format!("no free port: {e}"))?;
    let mut child = spawn(dir, command, runner, log, Some(port))?;
    let started = Instant::now();
    let result = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Err(format!(
                "the server exited ({status}) before answering GET /health"
            ));
        }
        let last = match health(port) {
            Ok(()) => break Ok(Some(format!("GET /health on port {port}: 200 ok"))),
            Err(e) => e,
        };
        if started.elapsed() > timeout {
            break Err(format!(
                "GET /health on port {port} did not answer ok in {}s; last: {last}",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    stop_group(&mut child);
    if let (Err(note), Ok(mut out)) = (&result, File::options().append(true).open(log)) {
        let _ = writeln!(out, "\n[sprout verify] {note}");
    }
    result
}

fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// One `GET /health`: Ok when it answers 200 with `"status": "ok"` in its body.
fn health(port: u16) -> std::result::Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(stream, "GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n").map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    let _ = stream.take(64 * 1024).read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    let status = text.split_whitespace().nth(1).unwrap_or("");
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    if status == "200" && compact.contains("\"status\":\"ok\"") {
        Ok(())
    } else if status.is_empty() {
        Err("no HTTP answer".into())
    } else {
        Err(format!(
            "HTTP {status} {}",
            body.chars().take(200).collect::<String>()
        ))
    }
}

/// SIGTERM the child's process group, then SIGKILL what is left.
fn stop_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let signal = |name: &str| {
        Command::new("kill")
            .args([name, "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    let _ = signal("-TERM");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = signal("-KILL");
    let _ = child.kill();
    let _ = child.wait();
}

/// The last lines of a log.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read(log)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(TAIL_LINES)..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first line for people, printed before the steps run.
pub fn heading(dir: &Path) -> String {
    format!("Verify {}\n", dir.display())
}

/// One step for people, printed as soon as it ends: its result, time and command.
pub fn step_text(step: &Step) -> String {
    let mark = if step.ok { "ok  " } else { "FAIL" };
    let mut out = format!(
        "  {mark} {:<8} {:>7.1}s  {}\n",
        step.name, step.seconds, step.command
    );
    if let Some(note) = &step.note {
        out.push_str(&format!("       {note}\n"));
    }
    out
}

/// The last line for people.
pub fn summary(report: &Report) -> String {
    let total: f64 = report.steps.iter().map(|s| s.seconds).sum();
    if report.ok {
        format!("Verified in {total:.1}s ({})\n", report.stack)
    } else {
        String::new()
    }
}

/// The error for a failed report.
pub fn failure(report: &Report) -> Option<Error> {
    let step = report.steps.iter().find(|s| !s.ok)?;
    Some(Error::VerifyFailed {
        step: step.name.to_string(),
        status: step.note.clone().unwrap_or_default(),
        tail: format!(
            "{}\n    full log: {}",
            report.tail.clone().unwrap_or_default(),
            step.log.display()
        ),
    })
}
