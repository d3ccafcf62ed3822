//! `sprout verify`: prove a project works. Its own install, lint and test commands (from its
//! stack manifest, rendered with its recorded answers), then its start command on a free
//! loopback port (`PORT`) until `GET /health` answers `{"status":"ok"}`; every process a step
//! started is stopped with its whole process group.
//!
//! `--exec CMD` adds a step of the user's own: CMD runs on this machine while the project is up,
//! with `SPROUT_URL` set to its base URL (a smoke test, a contract suite).
//!
//! `SPROUT_VERIFY_RUNNER` names a program that runs each command instead of `sh -c`, called as
//! `RUNNER <project-dir> <command>` (the e2e harness runs Rails inside a Debian root that way).

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::record::Record;
use crate::render;
use crate::signals;

pub const RUNNER_ENV: &str = "SPROUT_VERIFY_RUNNER";
/// The started project's base URL (`http://127.0.0.1:PORT`), for the `--exec` command.
pub const URL_ENV: &str = "SPROUT_URL";
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

/// The project's commands, as its stack renders them with its recorded answers, carried across
/// the template's migrations as `update` carries them. An option the record lacks takes the value
/// a migration gives older projects, else is refused (exit 7, naming the `sprout update --set`
/// that records it): never today's default.
pub fn commands(catalog: &Catalog, dir: &Path) -> Result<(String, render::Commands)> {
    let mut record = Record::read(dir)?;
    let stack = catalog.load(&record.stack)?;
    record
        .migrate(&stack.migrations)
        .map_err(|reason| Error::Record {
            path: dir.join(crate::record::FILE_NAME),
            reason,
        })?;
    let answers = crate::answers::from_record(&stack, &record, &[], Some(&mut Unrecorded))?;
    let plan = Plan {
        stack: &stack,
        answers,
        secrets: crate::secrets::tokens(&stack.secrets),
        year: record.year.unwrap_or(0),
    };
    Ok((stack.key.clone(), render::render(&plan)?.commands))
}

/// Refuses each option the record lacks.
struct Unrecorded;

impl crate::answers::Asker for Unrecorded {
    fn ask(
        &mut self,
        option: &crate::stack::OptionSpec,
        _: Option<crate::answers::Refused<'_>>,
    ) -> Result<crate::value::Value> {
        Err(Error::Unrecorded {
            key: option.key.clone(),
            default: option.default.as_ref().map(ToString::to_string),
        })
    }
}

/// What `verify` does besides the project's own commands.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How long the started project has to answer `GET /health`.
    pub health_timeout: Duration,
    /// A command of the user's, run on this machine while the project is up, with
    /// [`URL_ENV`] set to its base URL: the `exec` step.
    pub exec: Option<String>,
    /// How long install, lint, test (and exec) may each take before their process group is
    /// stopped; `None`: 30 minutes.
    pub step_timeout: Option<Duration>,
}

/// Run every step, stopping at the first failure; `progress` sees each step as it ends.
pub fn run(
    catalog: &Catalog,
    dir: &Path,
    options: &Options,
    progress: &dyn Fn(&Step),
) -> Result<Report> {
    let (stack, commands) = commands(catalog, dir)?;
    let logs = tempfile::Builder::new()
        .prefix("sprout-verify-")
        .tempdir()
        .map_err(Error::system("cannot create the folder for the logs"))?
        .keep();
    let runner = std::env::var_os(RUNNER_ENV).map(PathBuf::from);
    let runner = runner.as_deref();
    let mut report = Report {
        dir: dir.to_path_buf(),
        stack,
        ok: true,
        steps: Vec::new(),
        tail: None,
    };
    // Each step ends here: reported, and the run goes on while every step passed.
    let mut record = |name, command: &str, started: Instant, outcome: Outcome| -> Result<bool> {
        let (ok, note) = match outcome {
            Ok(note) => (true, note),
            Err(note) => (false, Some(note)),
        };
        let log = logs.join(format!("{name}.log"));
        let step = Step {
            name,
            command: command.to_string(),
            ok,
            seconds: started.elapsed().as_secs_f64(),
            log,
            note,
        };
        progress(&step);
        if !ok {
            report.ok = false;
            report.tail = Some(tail(&step.log));
        }
        report.steps.push(step);
        if signals::CANCEL.load(Ordering::SeqCst) {
            return Err(Error::VerifyInterrupted {
                step: name.to_string(),
            });
        }
        Ok(ok)
    };
    let plain: [(&'static str, &str); 3] = [
        ("install", &commands.install),
        ("lint", &commands.lint),
        ("test", &commands.test),
    ];
    let limit = options.step_timeout.unwrap_or(STEP_TIMEOUT);
    for (name, command) in plain {
        let started = Instant::now();
        let outcome = run_step(
            dir,
            command,
            runner,
            &logs.join(format!("{name}.log")),
            limit,
        );
        if !record(name, command, started, outcome)? {
            return Ok(report);
        }
    }

    let started = Instant::now();
    let log = logs.join("start.log");
    let (mut server, outcome) =
        match start(dir, &commands.start, runner, &log, options.health_timeout) {
            Ok((server, note)) => (Some(server), Ok(Some(note))),
            Err(note) => (None, Err(note)),
        };
    // Dropping `server` stops it, also on an early return.
    if !record("start", &commands.start, started, outcome)? {
        return Ok(report);
    }
    if let (Some(command), Some(server)) = (&options.exec, &mut server) {
        let started = Instant::now();
        let outcome = exec(dir, command, server, &logs.join("exec.log"), limit);
        record("exec", command, started, outcome)?;
    }
    drop(server);
    Ok(report)
}

/// A step's result: a note for people when it passed, the reason when it failed.
type Outcome = std::result::Result<Option<String>, String>;

/// A process `verify` started. Dropping it stops its whole process group (SIGTERM, then
/// SIGKILL): nothing a step started outlives it.
struct Running {
    child: Child,
    group: u32,
    /// While it lives, an interrupt stops the group instead of leaving it behind.
    _guard: Option<signals::ChildGuard>,
}

/// A started project, answering `GET /health`.
struct Server {
    running: Running,
    port: u16,
}

/// Start `command`, leading a new process group, or joining the group of `join`.
fn spawn(
    dir: &Path,
    command: &str,
    runner: Option<&Path>,
    log: &Path,
    env: &[(&str, String)],
    join: Option<&Running>,
) -> std::result::Result<Running, String> {
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
        .stderr(err)
        .envs(env.iter().map(|(k, v)| (k, v)));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let group = join.and_then(|r| i32::try_from(r.group).ok()).unwrap_or(0);
        cmd.process_group(group);
    }
    // A joined group is already guarded by its leader's guard.
    let guard = join.is_none().then(signals::ChildGuard::start);
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start `{command}`: {e}"))?;
    let group = join.map_or(child.id(), |r| r.group);
    if let Some(guard) = &guard {
        guard.started(group);
    }
    Ok(Running {
        child,
        group,
        _guard: guard,
    })
}

/// Wait for a process to end, stopping it after `limit`.
fn wait(running: &mut Running, command: &str, limit: Duration) -> Outcome {
    let started = Instant::now();
    let status = loop {
        match running.child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                // Dropping `running` then stops its whole process group.
                return Err(format!(
                    "timed out after {}s; stopped with every process it started",
                    limit.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(e.to_string()),
        }
    };
    if status.success() {
        Ok(None)
    } else {
        Err(format!("`{command}` {status}"))
    }
}

fn run_step(
    dir: &Path,
    command: &str,
    runner: Option<&Path>,
    log: &Path,
    limit: Duration,
) -> Outcome {
    let mut running = spawn(dir, command, runner, log, &[], None)?;
    wait(&mut running, command, limit)
}

/// The user's `--exec` command, on this machine (never through the runner), in the server's
/// process group: what it leaves behind is stopped with the server.
fn exec(dir: &Path, command: &str, server: &mut Server, log: &Path, limit: Duration) -> Outcome {
    let url = format!("http://127.0.0.1:{}", server.port);
    let mut running = spawn(
        dir,
        command,
        None,
        log,
        &[(URL_ENV, url)],
        Some(&server.running),
    )?;
    let outcome = wait(&mut running, command, limit);
    match (outcome, server.exited()) {
        (Err(note), Some(status)) => Err(format!(
            "{note}; the server had exited ({status}), its output is in start.log"
        )),
        (outcome, _) => outcome,
    }
}

/// Start the project with `PORT` set to a free loopback port and wait until `GET /health`
/// answers ok; on failure the server is stopped and the reason is also written to its log.
fn start(
    dir: &Path,
    command: &str,
    runner: Option<&Path>,
    log: &Path,
    timeout: Duration,
) -> std::result::Result<(Server, String), String> {
    let port = free_port().map_err(|e| format!("no free port: {e}"))?;
    let running = spawn(
        dir,
        command,
        runner,
        log,
        &[("PORT", port.to_string())],
        None,
    )?;
    let mut server = Server { running, port };
    let started = Instant::now();
    let failure = loop {
        if let Some(status) = server.exited() {
            break format!("the server exited ({status}) before answering GET /health");
        }
        let last = match health(port) {
            Ok(()) => return Ok((server, format!("GET /health on port {port}: 200 ok"))),
            Err(e) => e,
        };
        if started.elapsed() > timeout {
            break format!(
                "GET /health on port {port} did not answer ok in {}s; last: {last}",
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    drop(server);
    if let Ok(mut out) = File::options().append(true).open(log) {
        let _ = writeln!(out, "\n[sprout verify] {failure}");
    }
    Err(failure)
}

impl Server {
    /// The server's exit status, once it has ended.
    fn exited(&mut self) -> Option<ExitStatus> {
        self.running.child.try_wait().ok().flatten()
    }
}

/// A port no socket holds on any address. Projects listen on every address (Node's `::`, dual
/// stack), so a port free on 127.0.0.1 alone is not enough: another program's server on `::1`
/// (Node's `localhost`) holds it for them. IPv6's any-address takes both families on Linux; a
/// host without IPv6 falls back to IPv4 loopback.
fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv6Addr::UNSPECIFIED, 0))
        .or_else(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))?;
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

impl Running {
    fn leads_group(&self) -> bool {
        self.group == self.child.id()
    }
}

impl Drop for Running {
    /// A group's leader stops the whole group: SIGTERM, up to 10 s for it to end, then SIGKILL.
    /// A process that joined another's group stops only itself; the rest goes with the group.
    fn drop(&mut self) {
        if !self.leads_group() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return;
        }
        let group = format!("-{}", self.group);
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
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    // The command is the template's, the note may quote a log.
    crate::text::shown_lines(&out).into_owned()
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
