//! `sprout verify --exec` and `sprout update --verify` through the binary, on a real stack's
//! project, with a stand-in for its toolchain given as `SPROUT_VERIFY_RUNNER`: it logs each
//! command it is asked to run (and whether the update's Dockerfile is there yet), fails the one
//! named by `FAIL_COMMAND`, hangs in the one named by `HANG_COMMAND`, and serves `/health` for the
//! start command (the one run with `PORT`).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::sprout;
use crate::update::SERVER;

const RUNNER: &str = r#"#!/bin/sh
cd "$1" || exit 1
echo "$2 | dockerfile: $(test -f Dockerfile && echo yes || echo no)" >> "$RUNNER_LOG"
if [ "$2" = "$FAIL_COMMAND" ]; then echo "1 failing test: GET /api/ping"; exit 1; fi
if [ "$2" = "$HANG_COMMAND" ]; then sleep 300 & echo $! > "$RUNNER_LOG.pid"; wait; fi
if [ -n "$PORT" ]; then exec python3 "$SERVER_PY"; fi
"#;

struct Toolchain {
    runner: PathBuf,
    server: PathBuf,
    log: PathBuf,
}

impl Toolchain {
    fn new(dir: &Path) -> Toolchain {
        let runner = dir.join("runner.sh");
        fs::write(&runner, RUNNER).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&runner, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let server = dir.join("server.py");
        fs::write(&server, SERVER).unwrap();
        Toolchain {
            runner,
            server,
            log: dir.join("runner.log"),
        }
    }

    /// The environment of a sprout run with this toolchain; `fail` names the command that fails.
    fn vars(&self, fail: &str) -> Vec<(&'static str, OsString)> {
        vec![
            ("SPROUT_VERIFY_RUNNER", self.runner.clone().into()),
            ("SERVER_PY", self.server.clone().into()),
            ("RUNNER_LOG", self.log.clone().into()),
            ("FAIL_COMMAND", fail.into()),
            ("GIT_AUTHOR_NAME", "Test".into()),
            ("GIT_AUTHOR_EMAIL", "test@example.com".into()),
            ("GIT_COMMITTER_NAME", "Test".into()),
            ("GIT_COMMITTER_EMAIL", "test@example.com".into()),
        ]
    }

    /// `sprout ARGS…` with this toolchain; `fail` names the command that fails.
    fn sprout(&self, fail: &str) -> assert_cmd::Command {
        let mut cmd = sprout();
        cmd.envs(self.vars(fail)).env_remove("PORT");
        cmd
    }

    /// The commands the runner was asked to run, in order.
    fn ran(&self) -> Vec<String> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// An express project in its own repository (sprout's first commit), with a note of the user's
/// in its README, committed; and the toolchain to verify it with.
fn project() -> (tempfile::TempDir, Toolchain, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let tools = Toolchain::new(tmp.path());
    let dir = tmp.path().join("svc");
    tools
        .sprout("")
        .args([
            "new",
            "svc",
            "--stack",
            "express",
            "--yes",
            "--set",
            "docker=no",
            "-o",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    fs::write(
        dir.join("README.md"),
        format!("{readme}\n## Our notes\n\nKeep these.\n"),
    )
    .unwrap();
    let status = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "commit",
            "--quiet",
            "-am",
            "notes",
        ])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    (tmp, tools, dir)
}

const STEPS: [&str; 4] = ["npm install", "npm run lint", "npm test", "npm start"];

#[test]
fn update_verify_runs_verify_on_the_merged_project() {
    let (_tmp, tools, dir) = project();
    tools
        .sprout("")
        .args(["add", "docker", "--verify", "-C"])
        .arg(&dir)
        .assert()
        .code(0)
        .stdout(contains("added            Dockerfile"))
        .stdout(contains("ok   install").and(contains("ok   test")))
        .stdout(contains("ok   start").and(contains("GET /health on port")))
        .stdout(contains("Verified in"));
    // Every step ran after the merge: the update's Dockerfile was already there.
    let expected: Vec<String> = STEPS
        .iter()
        .map(|c| format!("{c} | dockerfile: yes"))
        .collect();
    assert_eq!(tools.ran(), expected);
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("Keep these.") && readme.contains("Docker"),
        "{readme}"
    );
}

#[test]
fn update_verify_json_is_one_object_holding_the_verify_report() {
    let (_tmp, tools, dir) = project();
    let out = tools
        .sprout("")
        .args(["add", "docker", "--verify", "--json", "-C"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["dry_run"], false);
    let steps: Vec<&str> = json["verify"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["install", "lint", "test", "start"]);
    assert_eq!(json["verify"]["ok"], true);
}

#[test]
fn update_verify_with_failing_tests_exits_9_and_the_update_stays_written() {
    let (_tmp, tools, dir) = project();
    tools
        .sprout("npm test")
        .args(["add", "docker", "--verify", "-C"])
        .arg(&dir)
        .assert()
        .code(9)
        .stdout(contains("FAIL test"))
        .stderr(contains("verify failed at step `test`"))
        .stderr(contains("1 failing test: GET /api/ping"));
    // Nothing runs after the failing step.
    let ran = tools.ran();
    assert_eq!(ran.len(), 3, "{ran:?}");
    // The merge stays, for `git diff` to show and `git checkout .` to undo.
    assert!(dir.join("Dockerfile").exists());
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("Keep these.") && readme.contains("Docker"),
        "{readme}"
    );
    let record = fs::read_to_string(dir.join(".sprout.toml")).unwrap();
    assert!(record.contains("docker = true"), "{record}");
    sprout().arg("check").arg(&dir).assert().code(0);
}

#[test]
fn verify_exec_gets_the_started_projects_url_and_is_reported_as_a_step() {
    let (_tmp, tools, dir) = project();
    let smoke = "python3 -c 'import os, urllib.request as u; print(u.urlopen(os.environ[\"SPROUT_URL\"] + \"/health\").read().decode())'";
    tools
        .sprout("")
        .arg("verify")
        .arg(&dir)
        .args(["--exec", smoke])
        .assert()
        .code(0)
        .stdout(contains("ok   start").and(contains("ok   exec")))
        .stdout(contains(smoke));
    let out = tools
        .sprout("")
        .arg("verify")
        .arg(&dir)
        .args(["--json", "--exec", "echo smoke broke; exit 5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(9));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let exec = &json["steps"][4];
    assert_eq!(
        (exec["name"].as_str(), exec["ok"].as_bool()),
        (Some("exec"), Some(false))
    );
    assert!(json["tail"].as_str().unwrap().contains("smoke broke"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("verify failed at step `exec`"));
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_verify_stops_the_running_step_and_exits_130() {
    let (_tmp, tools, dir) = project();
    let child = crate::common::process(assert_cmd::cargo::cargo_bin("sprout"))
        .envs(tools.vars(""))
        .env_remove("PORT")
        .env("HANG_COMMAND", "npm test")
        .arg("verify")
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid_file = tools.log.with_extension("log.pid");
    let started = std::time::Instant::now();
    while !pid_file.exists() || fs::read_to_string(&pid_file).unwrap().trim().is_empty() {
        assert!(
            started.elapsed().as_secs() < 60,
            "the test step never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let sleeper = fs::read_to_string(&pid_file).unwrap().trim().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("interrupted: verify's `test` step was stopped"),
        "{stderr}"
    );
    assert!(
        crate::update::gone(&sleeper),
        "the step's process {sleeper} outlived sprout"
    );
    assert!(!tools.ran().iter().any(|c| c.starts_with("npm start")));
}
