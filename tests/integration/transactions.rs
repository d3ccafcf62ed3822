//! `update` and `add` are transactions: a signal or a kill at any rename leaves the project the
//! old one or the new one, byte for byte, record included, once the next run has recovered; no
//! `.sprout-*` entry stays; concurrent runs take turns. Real signals, injected with strace at
//! each rename sprout makes.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Scratch;
use crate::hostile::{isolated, isolated_env, run, stderr};
use crate::safety::ensure_strace;
use crate::update::git;

/// Every file of the project but `.git`, with its contents and mode.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, u32)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                if rel != ".git" {
                    walk(root, &path, out);
                }
            } else {
                let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
                out.insert(rel, (fs::read(&path).unwrap(), mode & 0o777));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A fresh express project with git, its first commit holding everything.
fn project(s: &Scratch, name: &str) -> PathBuf {
    let out = s.join("out");
    let made = run(
        s,
        &[
            "new",
            name,
            "--stack",
            "express",
            "--yes",
            "--no-preflight",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    out.join(name)
}

/// What a clean `sprout add docker` makes of the project in `dir`, run on a copy of it.
fn added_docker(s: &Scratch, dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    let copy = s.join("copy");
    let _ = fs::remove_dir_all(&copy);
    let copied = Command::new("cp")
        .arg("-a")
        .arg(dir)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(copied.success());
    let said = run(s, &["add", "docker", "-C", copy.to_str().unwrap()]);
    assert!(said.status.success(), "{}", stderr(&said));
    snapshot(&copy)
}

/// sprout with `args` under strace, tracing `syscall` of its main thread (git's own calls are
/// not sprout's) and tampering with it as `inject` says; its output and what strace saw.
fn under_strace(
    s: &Scratch,
    syscall: &str,
    inject: Option<String>,
    args: &[&str],
) -> (std::process::Output, String) {
    ensure_strace();
    let trace = s.join("strace.out");
    let mut strace = Command::new("strace");
    strace
        .args(["-qq", "-o"])
        .arg(&trace)
        .arg("-e")
        .arg(format!("trace={syscall}"));
    if let Some(inject) = inject {
        strace.arg(format!("--inject={syscall}:{inject}"));
    }
    let out = strace
        .arg(assert_cmd::cargo::cargo_bin("sprout"))
        .args(args)
        .envs(isolated_env(s))
        .env_remove("SPROUT_TEMPLATES")
        .output()
        .unwrap();
    (out, fs::read_to_string(&trace).unwrap_or_default())
}

/// `sprout add docker -C dir` under strace (see [`under_strace`]).
fn add_under_strace(
    s: &Scratch,
    dir: &Path,
    syscall: &str,
    inject: Option<String>,
) -> (std::process::ExitStatus, String) {
    let (out, trace) = under_strace(
        s,
        syscall,
        inject,
        &["add", "docker", "-C", dir.to_str().unwrap()],
    );
    (out.status, trace)
}

fn sprout_entries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".sprout-"))
        .collect()
}

#[test]
fn a_signal_or_a_kill_at_any_rename_of_add_leaves_the_old_or_the_new_project() {
    let s = Scratch::new();
    let mut runs = 0;
    // How many of each call a clean run makes: each is a point to stop it at.
    let counted = project(&s, "counted");
    let calls = |syscall: &str| {
        let (status, trace) = add_under_strace(&s, &counted, syscall, None);
        assert!(status.success());
        let _ = fs::remove_dir_all(&counted);
        let made = project(&s, "counted");
        assert_eq!(made, counted);
        trace.lines().filter(|l| l.starts_with(syscall)).count()
    };
    let counts = [
        ("rename", calls("rename")),
        ("renameat2", calls("renameat2")),
    ];
    assert!(
        counts.iter().map(|(_, n)| n).sum::<usize>() >= 6,
        "{counts:?}"
    );
    for signal in ["INT", "TERM", "KILL"] {
        for (syscall, count) in counts {
            for nth in 1..=count {
                let dir = project(&s, &format!("p-{}-{syscall}-{nth}", signal.to_lowercase()));
                let old = snapshot(&dir);
                let new = added_docker(&s, &dir);
                let inject = format!("signal={signal}:when={nth}");
                let (status, _) = add_under_strace(&s, &dir, syscall, Some(inject));
                runs += 1;
                let said = format!("SIG{signal} at {syscall} #{nth}: {status:?}");
                match signal {
                    "KILL" => assert_eq!(status.signal(), Some(9), "{said}"),
                    // The handler may see the signal only after the last rename: then the
                    // update is complete, and stays.
                    _ => assert!(matches!(status.code(), Some(130) | Some(0)), "{said}"),
                }
                // The next run (any command on the project) recovers first.
                let checked = isolated(&s)
                    .args(["check", dir.to_str().unwrap()])
                    .output()
                    .unwrap();
                assert!(
                    matches!(checked.status.code(), Some(0) | Some(6)),
                    "{said}: check {}",
                    stderr(&checked)
                );
                // It says what it found: after a kill, the interrupted run; else nothing.
                let noted = stderr(&checked)
                    .contains("note: an earlier update or add of this project was stopped");
                assert_eq!(noted, signal == "KILL", "{said}: {}", stderr(&checked));
                let now = snapshot(&dir);
                assert!(
                    now == old || now == new,
                    "{said}: neither the old nor the new project: {:?}",
                    now.keys().collect::<Vec<_>>()
                );
                assert_eq!(sprout_entries(&dir), Vec::<String>::new(), "{said}");
                match status.code() {
                    Some(130) => assert_eq!(now, old, "{said}: a signal rolls back"),
                    Some(0) => assert_eq!(now, new, "{said}: a complete update stays"),
                    _ => {}
                }
            }
        }
    }
    assert!(runs >= 18, "every rename was reached: {runs}");
}

#[test]
fn concurrent_adds_take_turns_and_the_record_says_what_is_there() {
    let s = Scratch::new();
    let dir = project(&s, "svc");
    let spawn = |word: &str| {
        Command::new(assert_cmd::cargo::cargo_bin("sprout"))
            .args(["add", word, "--allow-dirty", "-C"])
            .arg(&dir)
            .envs(isolated_env(&s))
            .env_remove("SPROUT_TEMPLATES")
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn("docker"), spawn("postgres"));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let record: toml::Table = fs::read_to_string(dir.join(".sprout.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(record["docker"].as_bool(), Some(true), "{record}");
    assert_eq!(record["database"].as_str(), Some("postgres"), "{record}");
    assert!(dir.join("Dockerfile").exists());
    let checked = run(&s, &["check", dir.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    assert_eq!(sprout_entries(&dir), Vec::<String>::new());
    assert!(!git(&dir, &["status", "--porcelain"]).contains(".sprout-"));
}

#[test]
fn a_run_that_must_wait_for_the_projects_lock_says_so_then_goes_on() {
    use std::io::{BufRead, BufReader};
    let s = Scratch::new();
    let dir = project(&s, "svc");
    // Another run holds the project's lock.
    let held = fs::File::open(&dir).unwrap();
    held.lock().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("sprout"))
        .args(["check", dir.to_str().unwrap()])
        .envs(isolated_env(&s))
        .env_remove("SPROUT_TEMPLATES")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with("note: waiting for another sprout run on ")
            && first.ends_with("to finish (Ctrl-C stops waiting)"),
        "{first}"
    );
    // Still waiting: nothing else said, and not ended.
    assert!(child.try_wait().unwrap().is_none());
    held.unlock().unwrap();
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(rest, Vec::<String>::new());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// Processes whose working folder is inside `dir` (a git sprout started and left running).
fn running_inside(dir: &Path) -> Vec<String> {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let cwd = fs::read_link(e.path().join("cwd")).ok()?;
            cwd.starts_with(&dir)
                .then(|| fs::read_to_string(e.path().join("cmdline")).unwrap_or_default())
        })
        .collect()
}

/// `sprout new app -s express --yes ARGS -o out` under strace, its waits for a child traced
/// (each git command is one).
fn new_under_strace(
    s: &Scratch,
    out: &Path,
    inject: Option<String>,
    extra: &[&str],
) -> (std::process::Output, String) {
    let mut args = vec![
        "new",
        "app",
        "-s",
        "express",
        "--yes",
        "--no-preflight",
        "-o",
    ];
    args.push(out.to_str().unwrap());
    args.extend(extra);
    under_strace(s, "wait4", inject, &args)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_signal_while_new_runs_git_takes_the_project_back_and_stops_git() {
    let s = Scratch::new();
    let mut interrupted = 0;
    let (clean, trace) = new_under_strace(&s, &s.join("counted"), None, &[]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    let waits = trace.lines().filter(|l| l.starts_with("wait4")).count();
    assert!(waits >= 3, "git init, add and commit: {trace}");
    for signal in ["INT", "TERM"] {
        for force in [false, true] {
            for nth in 1..=waits {
                let out = s.join(&format!("out-{signal}-{force}-{nth}"));
                fs::create_dir_all(out.join("app")).unwrap();
                if force {
                    fs::write(out.join("app/notes.txt"), "mine").unwrap();
                } else {
                    fs::remove_dir(out.join("app")).unwrap();
                }
                let extra: &[&str] = if force { &["--force"] } else { &[] };
                let inject = format!("signal={signal}:when={nth}");
                let (said, _) = new_under_strace(&s, &out, Some(inject), extra);
                let what = format!(
                    "SIG{signal} at wait #{nth}, force {force}: {}",
                    stderr(&said)
                );
                assert_eq!(running_inside(&out), Vec::<String>::new(), "{what}");
                if said.status.code() == Some(0) {
                    // The signal was seen only once the project was whole.
                    assert!(out.join("app/.git").is_dir(), "{what}");
                    continue;
                }
                interrupted += 1;
                assert_eq!(said.status.code(), Some(130), "{what}");
                assert_eq!(stderr(&said).trim(), "Nothing written.", "{what}");
                let left = if force {
                    vec!["notes.txt".to_string()]
                } else {
                    Vec::new()
                };
                assert_eq!(entries(&out.join("app")), left, "{what}");
            }
        }
    }
    assert!(
        interrupted >= 4,
        "git's commands were reached: {interrupted}"
    );
}
