//! How `doctor` and the check before `new` find a tool's version: the program the project's
//! commands would run (and `doctor` names it), a JDK's `release` file instead of a JVM, and the
//! answers kept between runs of `new` (never used by `doctor`).
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Scratch, sprout};

fn executable(path: &Path, body: &str) {
    fs::write(path, body).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A JDK home with a `release` file and a `bin/javac` and `bin/java` that must never run: each
/// leaves a mark in `ran` if it does.
fn jdk_without_a_jvm(root: &Path, version: &str) -> PathBuf {
    let home = root.join(format!("jdk-{version}"));
    fs::create_dir_all(home.join("bin")).unwrap();
    fs::write(
        home.join("release"),
        format!("IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"{version}\"\n"),
    )
    .unwrap();
    for program in ["java", "javac"] {
        executable(
            &home.join("bin").join(program),
            &format!(
                "#!/bin/sh\necho {program} >> '{}'\nexit 1\n",
                root.join("ran").display()
            ),
        );
    }
    home
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `(tool, when, status, found, program)` of each requirement of the first stack.
fn rows(report: &Value) -> Vec<(String, String, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
    report["stacks"][0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                text(&r["tool"]),
                text(&r["when"]),
                text(&r["status"]),
                text(&r["found"]),
                text(&r["program"]),
            )
        })
        .collect()
}

#[test]
fn a_jdk_is_known_by_its_release_file_without_starting_its_jvm() {
    let s = Scratch::new();
    let jdk = jdk_without_a_jvm(s.path(), "21.0.4");
    let path = jdk.join("bin");
    let out = sprout()
        .args(["doctor", "spring-boot", "--json"])
        .env("PATH", &path)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let report = json(&out);
    let javac = path.join("javac").display().to_string();
    let java = path.join("java").display().to_string();
    let found: Vec<(String, String, String)> = rows(&report)
        .into_iter()
        .map(|(tool, _, status, found, program)| (tool, format!("{status} {found}"), program))
        .collect();
    assert!(
        found.contains(&("JDK".into(), "ok 21.0.4".into(), javac.clone())),
        "{found:?}"
    );
    assert!(
        found.contains(&("JDK".into(), "too_old 21.0.4".into(), javac)),
        "{found:?}"
    );
    assert!(
        found.contains(&("java".into(), "ok 21.0.4".into(), java)),
        "{found:?}"
    );
    assert!(!s.join("ran").exists(), "a JVM was started");
}

#[test]
fn a_jdk_without_a_release_file_is_asked() {
    let s = Scratch::new();
    let bin = s.join("bin");
    fs::create_dir(&bin).unwrap();
    executable(&bin.join("javac"), "#!/bin/sh\necho 'javac 17.0.9'\n");
    let out = sprout()
        .args(["doctor", "spring-boot", "--json"])
        .env("PATH", &bin)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let statuses: Vec<String> = rows(&json(&out))
        .into_iter()
        .filter(|r| r.0 == "JDK")
        .map(|r| format!("{} {}", r.2, r.3))
        .collect();
    assert_eq!(statuses, ["ok 17.0.9", "too_old 17.0.9", "too_old 17.0.9"]);
}

/// The Maven wrapper builds with `$JAVA_HOME/bin/java(c)` when JAVA_HOME is set; the start
/// command `java -jar` runs the `java` on PATH. Each is checked where the project will find it:
/// a JDK 25 in JAVA_HOME does not hide an older `java` on PATH.
#[test]
fn the_build_jdk_and_the_java_that_starts_the_project_are_each_checked_where_they_are() {
    let s = Scratch::new();
    let new_jdk = jdk_without_a_jvm(s.path(), "25.0.1");
    let old_jdk = jdk_without_a_jvm(s.path(), "17.0.15");
    let out = sprout()
        .args(["doctor", "spring-boot", "--json"])
        .env("PATH", old_jdk.join("bin"))
        .env("JAVA_HOME", &new_jdk)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    let rows = rows(&json(&out));
    let javac = new_jdk.join("bin/javac").display().to_string();
    let java = old_jdk.join("bin/java").display().to_string();
    let row = |tool: &str, when: &str| {
        rows.iter()
            .find(|r| r.0 == tool && r.1 == when)
            .map(|r| (r.2.clone(), r.3.clone(), r.4.clone()))
            .unwrap_or_else(|| panic!("{tool} {when}: {rows:?}"))
    };
    assert_eq!(
        row("JDK", "java is 25"),
        ("ok".into(), "25.0.1".into(), javac)
    );
    assert_eq!(
        row("java", "java is 21"),
        ("too_old".into(), "17.0.15".into(), java.clone())
    );
    // The text names the program each line is about.
    let text = sprout()
        .args(["doctor", "spring-boot"])
        .env("PATH", old_jdk.join("bin"))
        .env("JAVA_HOME", &new_jdk)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("using {java}")), "{text}");
    assert!(!s.join("ran").exists(), "a JVM was started");
}

/// A native program (a copy of coreutils' `echo`, which answers `--version` with its own
/// version) standing in for `node`, in a folder that is the whole PATH.
struct NativeNode {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl NativeNode {
    fn new() -> NativeNode {
        let dir = tempfile::tempdir().unwrap();
        fs::copy("/bin/echo", dir.path().join("node")).unwrap();
        NativeNode {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn node(&self) -> PathBuf {
        self.dir.path().join("node")
    }

    fn cache_file(&self) -> PathBuf {
        self.cache.path().join("probes.json")
    }

    /// What the check before `new` found for node (javascript's requirement).
    fn found_by_new(&self) -> String {
        let s = Scratch::new();
        let out = s
            .new_project("app", "express", &["--json"])
            .env("PATH", self.dir.path())
            .env("SPROUT_CACHE_DIR", self.cache.path())
            .output()
            .unwrap();
        let outcome = json(&out);
        outcome["preflight"][0]["found"]
            .as_str()
            .unwrap_or("-")
            .to_string()
    }

    fn found_by_doctor(&self) -> String {
        let out = sprout()
            .args(["doctor", "express", "--json"])
            .env("PATH", self.dir.path())
            .env("SPROUT_CACHE_DIR", self.cache.path())
            .output()
            .unwrap();
        rows(&json(&out))[0].3.clone()
    }

    /// Change what the kept answer says, as if the tool had answered so before.
    fn plant_answer(&self, answer: &str) {
        let text = fs::read_to_string(self.cache_file()).unwrap();
        let mut kept: Value = serde_json::from_str(&text).unwrap();
        let answers = kept["answers"].as_array_mut().unwrap();
        assert_eq!(answers.len(), 1, "{text}");
        answers[0]["answer"] = Value::String(answer.into());
        fs::write(self.cache_file(), serde_json::to_vec(&kept).unwrap()).unwrap();
    }
}

/// The version `/bin/echo --version` prints (`echo (GNU coreutils) 9.1`).
fn echo_version() -> String {
    let out = std::process::Command::new("/bin/echo")
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    first
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no version in {text}"))
        .to_string()
}

#[test]
fn a_kept_answer_is_used_until_the_program_changes_and_doctor_never_uses_it() {
    let node = NativeNode::new();
    let real = echo_version();
    assert_eq!(node.found_by_new(), real);
    assert!(node.cache_file().is_file(), "the answer was not kept");
    // The kept answer is what the next run uses: the program is not asked again.
    node.plant_answer("v99.1.0\n");
    assert_eq!(node.found_by_new(), "99.1.0");
    // doctor asks afresh.
    assert_eq!(node.found_by_doctor(), real);
    // doctor kept what it learnt: plant again, then change the program's time.
    node.plant_answer("v99.2.0\n");
    assert_eq!(node.found_by_new(), "99.2.0");
    let file = fs::File::options().write(true).open(node.node()).unwrap();
    file.set_modified(
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000),
    )
    .unwrap();
    drop(file);
    assert_eq!(
        node.found_by_new(),
        real,
        "a changed time is a changed program"
    );
    // A changed size too (the copy still runs with bytes after its end).
    node.plant_answer("v99.3.0\n");
    assert_eq!(node.found_by_new(), "99.3.0");
    let mut bytes = fs::read(node.node()).unwrap();
    bytes.extend_from_slice(b"\0\0\0\0");
    let modified = fs::metadata(node.node()).unwrap().modified().unwrap();
    fs::write(node.node(), bytes).unwrap();
    let file = fs::File::options().write(true).open(node.node()).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    assert_eq!(
        node.found_by_new(),
        real,
        "a changed size is a changed program"
    );
}

#[test]
fn a_corrupted_cache_file_is_ignored_and_written_anew() {
    let node = NativeNode::new();
    fs::write(node.cache_file(), b"{\"form\":1,\"answers\":[{\"key\":").unwrap();
    assert_eq!(node.found_by_new(), echo_version());
    let text = fs::read_to_string(node.cache_file()).unwrap();
    let kept: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(kept["answers"].as_array().map(Vec::len), Some(1), "{text}");
}

#[test]
fn a_script_is_asked_every_time() {
    let s = Scratch::new();
    let bin = s.join("bin");
    fs::create_dir(&bin).unwrap();
    let log = s.join("calls");
    executable(
        &bin.join("node"),
        &format!("#!/bin/sh\necho x >> '{}'\necho v24.1.0\n", log.display()),
    );
    let cache = tempfile::tempdir().unwrap();
    for name in ["one", "two"] {
        s.new_project(name, "express", &[])
            .env("PATH", &bin)
            .env("SPROUT_CACHE_DIR", cache.path())
            .assert()
            .success();
    }
    assert_eq!(fs::read_to_string(&log).unwrap().lines().count(), 2);
}

#[test]
fn concurrent_runs_leave_a_whole_cache_file() {
    let node = NativeNode::new();
    let s = Scratch::new();
    let bin = assert_cmd::cargo::cargo_bin("sprout");
    let runs: Vec<std::process::Child> = (0..6)
        .map(|i| {
            std::process::Command::new(&bin)
                .args([
                    "new",
                    &format!("app{i}"),
                    "--stack",
                    "express",
                    "--yes",
                    "--no-git",
                ])
                .arg("-o")
                .arg(s.path())
                .env("PATH", node.dir.path())
                .env("SPROUT_CACHE_DIR", node.cache.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut run in runs {
        assert!(run.wait().unwrap().success());
    }
    let text = fs::read_to_string(node.cache_file()).unwrap();
    let kept: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(kept["answers"].as_array().map(Vec::len), Some(1), "{text}");
    // No temporary file is left beside it: each run's was renamed or removed (the parsed
    // templates' folder shares the cache folder).
    let names: Vec<String> = fs::read_dir(node.cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "templates")
        .collect();
    assert_eq!(names, ["probes.json"]);
}

#[test]
fn no_cache_keeps_and_reads_nothing() {
    let node = NativeNode::new();
    let s = Scratch::new();
    s.new_project("app", "express", &[])
        .env("PATH", node.dir.path())
        .env("SPROUT_CACHE_DIR", node.cache.path())
        .env("SPROUT_NO_CACHE", "1")
        .assert()
        .success();
    assert!(!node.cache_file().exists());
}
