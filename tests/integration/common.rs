//! A small builder around the binary, so each test says only what matters to it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The binary, with colour off and its caches in a scratch folder (never the user's own).
pub fn sprout() -> Command {
    let mut cmd = Command::cargo_bin("sprout").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("SPROUT_CACHE_DIR", cache_dir())
        .env_remove("SPROUT_NO_CACHE");
    cmd
}

/// A process of the binary, or of a wrapper that runs it (`sh`, `strace`), with its caches in
/// the tests' scratch folder (never the user's own).
pub fn process(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.env("SPROUT_CACHE_DIR", cache_dir())
        .env_remove("SPROUT_NO_CACHE");
    cmd
}

/// The cache folder the tests' runs share (parsed templates, kept version answers), outside the
/// user's own; a test of a cache itself gives its own.
/// The library, called in this process, keeps its caches there too.
pub fn cache_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        sprout::trees::set_cache_root(dir.path().to_path_buf());
        dir
    })
    .path()
}

/// A scratch folder and a `sprout new` run inside it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        cache_dir();
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `sprout new NAME --stack STACK --yes --no-git -o <scratch>` plus `extra`.
    pub fn new_project(&self, name: &str, stack: &str, extra: &[&str]) -> Command {
        let mut cmd = sprout();
        cmd.args(["new", name, "--stack", stack, "--yes", "--no-git", "-o"])
            .arg(self.path())
            .args(extra);
        cmd
    }

    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Every embedded stack's key, from `sprout list --json`.
pub fn stack_keys() -> Vec<String> {
    let out = sprout().args(["list", "--json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_string())
        .collect()
}

/// A stack that every CLI test can rely on.
pub const STACK: &str = "express";

/// Run `cmd`, which must succeed, and parse its `--json` output.
pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
