//! `sprout update` / `add` / `check`: every row of the README's table, with real git
//! repositories, and two versions of a fixture template written by the test (never the real
//! stacks), loaded through the library's folder catalogue.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use proptest::prelude::*;
use sprout::answers::Given;
use sprout::catalog::Catalog;
use sprout::update::{self, Fate, Preview, merge};

use crate::common::sprout;

pub(crate) const MANIFEST: &str = r#"title = "Demo"
description = "A fixture stack"
port = 8000
template_version = 1
name_rule = "npm"

[[option]]
key = "extra"
type = "bool"
prompt = "Extra file?"
default = false
add = { extra = "yes" }

[secrets]
token = 20

[commands]
install = "true"
lint = "true"
test = "true"
start = "exec python3 -m http.server $PORT"

[[file]]
path = "extra.txt"
when = { extra = true }
"#;

pub(crate) const README: &str =
    "# {{name}}\n\nline a\nline b\nline c\nline d\nline e\nline f\nline g\nline h\n";
pub(crate) const APP: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";

pub(crate) struct Fixture {
    pub(crate) templates: tempfile::TempDir,
    pub(crate) work: tempfile::TempDir,
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

pub(crate) fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let fixture = Fixture {
            templates: tempfile::tempdir().unwrap(),
            work: tempfile::tempdir().unwrap(),
        };
        let t = fixture.templates.path();
        write(
            t,
            "_shared/options.toml",
            "tail = []\n\n[[head]]\nkey = \"name\"\ntype = \"text\"\nprompt = \"Name\"\n",
        );
        write(t, "_shared/shared.toml", "");
        write(t, "demo/sprout.toml", MANIFEST);
        write(t, "demo/files/README.md.hbs", README);
        write(t, "demo/files/app.txt", APP);
        write(
            t,
            "demo/files/.env.hbs",
            "DEBUG=1\nTOKEN={{secrets.token}}\nMODE=dev\n",
        );
        write(t, "demo/files/old.txt", "old file\n");
        write(t, "demo/files/extra.txt", "extra\n");
        fixture
    }

    /// Change the fixture template (its next version).
    pub(crate) fn template(&self, path: &str, text: &str) {
        write(self.templates.path(), &format!("demo/files/{path}"), text);
    }

    pub(crate) fn remove_template(&self, path: &str) {
        fs::remove_file(self.templates.path().join(format!("demo/files/{path}"))).unwrap();
    }

    pub(crate) fn manifest(&self, text: &str) {
        write(self.templates.path(), "demo/sprout.toml", text);
    }

    pub(crate) fn catalog(&self) -> Catalog {
        crate::common::cache_dir();
        Catalog::from_folder(self.templates.path()).unwrap()
    }

    /// What `sprout new` does, with the fixture template; with git, sprout's first commit and base.
    pub(crate) fn generate(&self, with_git: bool) -> PathBuf {
        let stack = self.catalog().load("demo").unwrap();
        let given = Given {
            set: vec![("name".into(), "app".into())],
            file: None,
        };
        let (plan, project) = sprout::generate::prepare(&stack, &given, None).unwrap();
        let dir = self.work.path().join("app");
        sprout::writer::write(&dir, &project.files, false, &AtomicBool::new(false)).unwrap();
        if with_git {
            git(&dir, &["init", "--quiet", "--initial-branch=main"]);
            write(&dir, ".gitignore", ".env\n");
            git(&dir, &["add", "--all"]);
            git(
                &dir,
                &["commit", "--quiet", "-m", "Initial commit from sprout"],
            );
            update::base::keep_render(&dir, &project.files, &plan.secrets);
        }
        dir
    }

    pub(crate) fn update(&self, dir: &Path, set: &[(&str, &str)]) -> Preview {
        let set: Vec<(String, String)> = set
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let preview = update::prepare(&self.catalog(), dir, &set).unwrap();
        update::write(&preview).unwrap();
        preview
    }
}

/// The record as today's release writes it (no template_version, year nor [files]), and sprout's
/// first commit holding the pristine render.
pub(crate) fn as_made_by_todays_release(dir: &Path) {
    let record = read(dir, ".sprout.toml");
    let old: String = record
        .split("\n# What sprout wrote")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("template_version") && !l.starts_with("year"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(dir.join(".sprout.toml"), old).unwrap();
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    commit_all(dir, "Initial commit from sprout");
}

pub(crate) fn fates(preview: &Preview) -> BTreeMap<String, Fate> {
    preview
        .files
        .iter()
        .map(|f| (f.path.clone(), f.fate))
        .collect()
}

/// The generated TOKEN of a fixture project's `.env`.
pub(crate) fn token_of(env: &str) -> String {
    env.lines()
        .find_map(|l| l.strip_prefix("TOKEN="))
        .unwrap()
        .to_string()
}

pub(crate) fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", message]);
}

#[test]
fn a_fresh_project_is_current_and_stops_being_so_when_the_template_moves_on() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    assert!(
        update::prepare(&fx.catalog(), &dir, &[])
            .unwrap()
            .is_current()
    );
    fx.template("app.txt", &APP.replace("five", "FIVE"));
    let (exit, preview) = update::command::status(&fx.catalog(), &dir).unwrap();
    assert_eq!(exit, sprout::exit::Exit::UpdateAvailable);
    assert_eq!(fates(&preview)["app.txt"], Fate::Updated);
}

#[test]
fn template_changed_and_user_did_not_the_new_version_is_written() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    fx.template("app.txt", &APP.replace("five", "FIVE"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)["app.txt"], Fate::Updated);
    assert_eq!(read(&dir, "app.txt"), APP.replace("five", "FIVE"));
    // The next update starts from here: nothing left to do.
    assert!(
        update::prepare(&fx.catalog(), &dir, &[])
            .unwrap()
            .is_current()
    );
}

#[test]
fn user_edited_and_template_did_not_the_file_is_left_as_it_is() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "app.txt", "entirely mine\n");
    commit_all(&dir, "mine");
    fx.template("README.md.hbs", &README.replace("line h", "line H"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)["app.txt"], Fate::Kept);
    assert_eq!(read(&dir, "app.txt"), "entirely mine\n");
}

/// The user changes line two of app.txt (committed in `repo`), the template line nine: the
/// update combines both.
fn assert_apart_edits_merge(fx: &Fixture, dir: &Path, repo: &Path) -> Preview {
    write(dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(repo, "mine");
    fx.template("app.txt", &APP.replace("nine", "nine (new)"));
    let preview = fx.update(dir, &[]);
    assert_eq!(fates(&preview)["app.txt"], Fate::Merged);
    let text = read(dir, "app.txt");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)") && !text.contains("<<<<<<<"),
        "{text}"
    );
    preview
}

#[test]
fn both_changed_apart_both_changes_are_combined() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    assert_apart_edits_merge(&fx, &dir, &dir);
}

#[test]
fn both_changed_the_same_lines_conflict_markers_with_the_base_section() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "app.txt", &APP.replace("five", "five (mine)"));
    commit_all(&dir, "mine");
    fx.template("app.txt", &APP.replace("five", "five (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)["app.txt"], Fate::Conflict);
    assert_eq!(preview.conflicts, vec!["app.txt"]);
    let text = read(&dir, "app.txt");
    let block = format!(
        "<<<<<<< {}\nfive (mine)\n||||||| {}\nfive\n=======\nfive (new)\n>>>>>>> {}\n",
        merge::OURS,
        merge::BASE,
        merge::THEIRS
    );
    assert!(text.contains(&block), "{text}");
    let names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".rej") || n.ends_with(".orig")),
        "{names:?}"
    );
}

#[test]
fn template_added_a_file_it_is_added_or_conflicts_with_the_users_own() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "mine.txt", "my own notes\n");
    commit_all(&dir, "mine");
    fx.template("new.txt", "brand new\n");
    fx.template("mine.txt", "sprout's file\n");
    let preview = fx.update(&dir, &[]);
    let fates = fates(&preview);
    assert_eq!(fates["new.txt"], Fate::Added);
    assert_eq!(read(&dir, "new.txt"), "brand new\n");
    assert_eq!(fates["mine.txt"], Fate::Conflict);
    let text = read(&dir, "mine.txt");
    assert!(
        text.contains("my own notes") && text.contains("sprout's file"),
        "both kept: {text}"
    );
}

#[test]
fn user_deleted_a_file_it_stays_deleted_and_is_reported() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    fs::remove_file(dir.join("app.txt")).unwrap();
    commit_all(&dir, "no app.txt");
    fx.template("app.txt", &APP.replace("one", "ONE"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)["app.txt"], Fate::DeletedByUser);
    assert!(!dir.join("app.txt").exists());
}

#[test]
fn template_removed_a_file_removed_if_untouched_kept_if_edited() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "app.txt", "edited\n");
    commit_all(&dir, "mine");
    fx.remove_template("old.txt");
    fx.remove_template("app.txt");
    let preview = fx.update(&dir, &[]);
    let fates = fates(&preview);
    assert_eq!(fates["old.txt"], Fate::Removed);
    assert!(!dir.join("old.txt").exists());
    assert_eq!(fates["app.txt"], Fate::KeptEdited);
    assert_eq!(read(&dir, "app.txt"), "edited\n");
}

#[test]
fn generated_secrets_are_never_regenerated_nor_overwritten() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    let token = token_of(&read(&dir, ".env"));
    assert_eq!(token.len(), 20);
    // The template changes another line of .env: merged, the secret stays.
    fx.template(
        ".env.hbs",
        "DEBUG=1\nTOKEN={{secrets.token}}\nMODE=production\n",
    );
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)[".env"], Fate::Updated);
    assert_eq!(
        read(&dir, ".env"),
        format!("DEBUG=1\nTOKEN={token}\nMODE=production\n")
    );
    commit_all(&dir, "update");
    // Both change the same line: the user's file is kept whole, never marked up.
    write(
        &dir,
        ".env",
        &format!("DEBUG=1\nTOKEN={token}\nMODE=staging\n"),
    );
    fx.template(".env.hbs", "DEBUG=1\nTOKEN={{secrets.token}}\nMODE=test\n");
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)[".env"], Fate::KeptSecrets);
    assert_eq!(
        read(&dir, ".env"),
        format!("DEBUG=1\nTOKEN={token}\nMODE=staging\n")
    );
    assert!(
        !read(&dir, ".sprout.toml").contains(&token),
        "never recorded"
    );
}

#[test]
fn set_changes_an_answer_and_merges_the_difference() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    let preview = fx.update(&dir, &[("extra", "yes")]);
    assert_eq!(fates(&preview)["extra.txt"], Fate::Added);
    assert!(read(&dir, ".sprout.toml").contains("extra = true"));
    assert_eq!(preview.answers.before["extra"], false);
    assert_eq!(preview.answers.after["extra"], true);
}

#[test]
fn set_is_checked_like_new_before_anything_is_written() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    let before = read(&dir, ".sprout.toml");
    for bad in [("extra", "perhaps"), ("nosuch", "1"), ("name", "Bad Name!")] {
        let set = vec![(bad.0.to_string(), bad.1.to_string())];
        let err = update::prepare(&fx.catalog(), &dir, &set).unwrap_err();
        assert_eq!(err.exit(), sprout::exit::Exit::Usage, "{bad:?}: {err}");
    }
    assert_eq!(read(&dir, ".sprout.toml"), before);
}

#[test]
fn a_migration_moves_a_file_and_renames_an_answer_before_the_merge() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "mine");
    // Version 2: app.txt is now src/app.txt (with a change), option `extra` is now `bonus`.
    fx.manifest(&format!(
        "{}\n[[migration]]\nversion = 2\nrename_file = {{ \"app.txt\" = \"src/app.txt\" }}\nrename_answer = {{ extra = \"bonus\" }}\n",
        MANIFEST
            .replace("template_version = 1", "template_version = 2")
            .replace("key = \"extra\"", "key = \"bonus\"")
            .replace("{ extra = true }", "{ bonus = true }")
    ));
    fs::remove_file(fx.templates.path().join("demo/files/app.txt")).unwrap();
    fx.template("src/app.txt", &APP.replace("nine", "nine (new)"));
    let preview = fx.update(&dir, &[]);
    let fates = fates(&preview);
    assert_eq!(fates["app.txt"], Fate::Moved);
    assert_eq!(fates["src/app.txt"], Fate::Merged);
    assert!(!dir.join("app.txt").exists());
    let text = read(&dir, "src/app.txt");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)"),
        "{text}"
    );
    let record = read(&dir, ".sprout.toml");
    assert!(
        record.contains("template_version = 2") && record.contains("bonus = false"),
        "{record}"
    );
    assert!(!record.contains("extra ="), "{record}");
}

#[test]
fn without_git_untouched_files_update_and_edited_ones_get_markers() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    assert!(!dir.join(".git").exists());
    write(
        &dir,
        "README.md",
        &README
            .replace("{{name}}", "app")
            .replace("line a", "my line a"),
    );
    fx.template("README.md.hbs", &README.replace("line h", "line H"));
    fx.template("app.txt", &APP.replace("one", "ONE"));
    let preview = fx.update(&dir, &[]);
    let fates = fates(&preview);
    assert_eq!(fates["app.txt"], Fate::Updated);
    assert_eq!(fates["README.md"], Fate::Conflict);
    let text = read(&dir, "README.md");
    assert!(
        text.contains("my line a") && text.contains("line H") && text.contains("<<<<<<<"),
        "{text}"
    );
}

/// A monorepo holding the fixture project in a subfolder, as `sprout new` leaves it there:
/// sprout made no repository, no commit and no ref. Returns the project's folder.
fn in_monorepo(fx: &Fixture) -> PathBuf {
    let outer = fx.work.path();
    git(outer, &["init", "--quiet", "--initial-branch=main"]);
    write(outer, "WORKSPACE.md", "other teams' code\n");
    commit_all(outer, "the monorepo");
    fx.generate(false)
}

fn refs(dir: &Path) -> String {
    git(dir, &["for-each-ref", "--format=%(refname)"])
}

#[test]
fn in_a_monorepo_without_sprouts_versions_in_its_history_edited_files_get_markers() {
    let fx = Fixture::new();
    let dir = in_monorepo(&fx);
    let outer = fx.work.path();
    // The user's edit lands in the monorepo's first commit of the project: its history never
    // held sprout's README.
    let readme = README.replace("{{name}}", "app");
    write(&dir, "README.md", &readme.replace("line a", "my line a"));
    commit_all(outer, "add the app");
    let (head, refs_before) = (git(outer, &["rev-parse", "HEAD"]), refs(outer));
    fx.template("README.md.hbs", &README.replace("line h", "line H"));
    fx.template("app.txt", &APP.replace("one", "ONE"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(preview.base, "record");
    let fates = fates(&preview);
    assert_eq!(fates["app.txt"], Fate::Updated);
    assert_eq!(read(&dir, "app.txt"), APP.replace("one", "ONE"));
    assert_eq!(fates["README.md"], Fate::Conflict);
    let text = read(&dir, "README.md");
    assert!(
        text.contains("my line a") && text.contains("line H") && text.contains("<<<<<<<"),
        "{text}"
    );
    // sprout wrote no ref and no commit into a repository it did not make.
    assert_eq!(git(outer, &["rev-parse", "HEAD"]), head);
    assert_eq!(refs(outer), refs_before);
    assert!(!refs(outer).contains("sprout"));
}

#[test]
fn in_a_monorepo_whose_history_holds_sprouts_versions_edits_merge_as_usual() {
    let fx = Fixture::new();
    let dir = in_monorepo(&fx);
    let outer = fx.work.path();
    commit_all(outer, "add the app as generated");
    assert_apart_edits_merge(&fx, &dir, outer);
    assert!(!refs(outer).contains("sprout"));
}

#[test]
fn a_repository_the_user_made_at_the_projects_top_gets_no_ref_from_an_update() {
    // `--no-git`, then the user's own `git init` (or `new --force` into their repository).
    let fx = Fixture::new();
    let dir = fx.generate(false);
    git(&dir, &["init", "--quiet", "--initial-branch=main"]);
    commit_all(&dir, "my own history");
    fx.template("app.txt", &APP.replace("one", "ONE"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)["app.txt"], Fate::Updated);
    assert!(!refs(&dir).contains("sprout"), "{}", refs(&dir));
    assert_eq!(git(&dir, &["rev-list", "--count", "--all"]), "1\n");
}

#[test]
fn a_project_from_before_the_record_held_its_base_updates_from_sprouts_first_commit() {
    // What today's release writes: a record without template_version, year or [files], and a
    // first commit holding the pristine render.
    let fx = Fixture::new();
    let dir = fx.generate(false);
    as_made_by_todays_release(&dir);
    let preview = assert_apart_edits_merge(&fx, &dir, &dir);
    assert_eq!(preview.base, "first-commit");
    assert!(read(&dir, ".sprout.toml").contains("[files]"));
}

#[test]
fn a_project_made_by_todays_release_gets_every_fate_from_sprouts_first_commit() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    as_made_by_todays_release(&dir);
    let before_env = read(&dir, ".env");
    let readme = README.replace("{{name}}", "app");
    write(
        &dir,
        "README.md",
        &readme.replace("line c", "line c (mine)"),
    );
    write(&dir, "app.txt", &APP.replace("five", "five (mine)"));
    fs::remove_file(dir.join("old.txt")).unwrap();
    commit_all(&dir, "mine");
    fx.template("README.md.hbs", &README.replace("line h", "line H"));
    fx.template("app.txt", &APP.replace("five", "five (new)"));
    fx.template(".env.hbs", "DEBUG=0\nTOKEN={{secrets.token}}\nMODE=dev\n");
    fx.template("new.txt", "brand new\n");
    fx.template("old.txt", "old file, changed\n");
    let preview = fx.update(&dir, &[]);
    assert_eq!(preview.base, "first-commit");
    let fates = fates(&preview);
    assert_eq!(fates["README.md"], Fate::Merged);
    let text = read(&dir, "README.md");
    assert!(
        text.contains("line c (mine)") && text.contains("line H"),
        "{text}"
    );
    // The first commit is a real base: the block carries sprout's previous version.
    assert_eq!(fates["app.txt"], Fate::Conflict);
    let text = read(&dir, "app.txt");
    assert!(
        text.contains(&format!(
            "||||||| {}\nfive\n=======\nfive (new)\n",
            merge::BASE
        )),
        "{text}"
    );
    assert_eq!(fates["new.txt"], Fate::Added);
    assert_eq!(fates["old.txt"], Fate::DeletedByUser);
    assert!(!dir.join("old.txt").exists());
    // The secret is read back, not regenerated.
    let env = read(&dir, ".env");
    let token = |env: &str| {
        env.lines()
            .find_map(|l| l.strip_prefix("TOKEN="))
            .map(str::to_string)
    };
    assert!(env.starts_with("DEBUG=0\n"), "{env}");
    assert_eq!(token(&env), token(&before_env));
    // The record now holds its base: the next update no longer needs the first commit.
    commit_all(&dir, "update");
    assert_eq!(
        update::prepare(&fx.catalog(), &dir, &[]).unwrap().base,
        "record"
    );
}

pub(crate) fn git_env(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
}

#[test]
fn cli_add_refuses_a_dirty_tree_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    git_env(
        sprout()
            .args(["new", "svc", "--stack", "express", "--yes", "-o"])
            .arg(tmp.path()),
    )
    .assert()
    .success();
    let dir = tmp.path().join("svc");
    assert_eq!(
        git(&dir, &["status", "--porcelain"]),
        "",
        "sprout's first commit holds everything"
    );
    write(&dir, "notes.txt", "not committed yet\n");
    sprout()
        .args(["add", "docker", "-C"])
        .arg(&dir)
        .assert()
        .code(3);
    assert!(!dir.join("Dockerfile").exists());
    sprout()
        .args(["add", "docker", "--allow-dirty", "-C"])
        .arg(&dir)
        .assert()
        .code(0);
    assert!(dir.join("Dockerfile").exists());
    assert_eq!(read(&dir, "notes.txt"), "not committed yet\n");
}

#[test]
fn cli_check_update_add_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    git_env(
        sprout()
            .args([
                "new",
                "svc",
                "--stack",
                "flask",
                "--yes",
                "--set",
                "docker=no",
                "-o",
            ])
            .arg(tmp.path()),
    )
    .assert()
    .success();
    let dir = tmp.path().join("svc");
    sprout().arg("check").arg(&dir).assert().code(0);
    sprout()
        .args(["add", "dockerr", "-C"])
        .arg(&dir)
        .assert()
        .code(2);
    let out = sprout()
        .args(["add", "docker", "--dry-run", "--json", "-C"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["dry_run"], true);
    assert!(
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "Dockerfile" && f["fate"] == "added")
    );
    assert!(!dir.join("Dockerfile").exists(), "dry run writes nothing");
    sprout()
        .args(["update", "--set", "docker=yes", "--dry-run", "--diff"])
        .arg(&dir)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("+++ b/Dockerfile"));
    sprout().arg("check").arg(tmp.path()).assert().code(7);
    sprout()
        .args(["add", "docker", "-C"])
        .arg(&dir)
        .assert()
        .code(0);
    sprout().arg("check").arg(&dir).assert().code(0);
}

#[test]
fn cli_update_of_a_project_made_by_todays_release() {
    // Generated with today's format (no template_version, year, [files]; first commit by sprout).
    let tmp = tempfile::tempdir().unwrap();
    sprout()
        .args([
            "new", "svc", "--stack", "express", "--yes", "--no-git", "-o",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("svc");
    as_made_by_todays_release(&dir);
    let readme = read(&dir, "README.md");
    write(
        &dir,
        "README.md",
        &format!("{readme}\n## My notes\n\nKeep these.\n"),
    );
    commit_all(&dir, "notes");
    sprout()
        .args(["add", "docker", "-C"])
        .arg(&dir)
        .assert()
        .code(0);
    let text = read(&dir, "README.md");
    assert!(
        text.contains("Keep these.") && text.to_lowercase().contains("docker"),
        "{text}"
    );
    assert!(!text.contains("<<<<<<<"));
}

#[test]
fn a_spring_boot_project_on_the_dropped_4_0_line_moves_to_4_1() {
    // As a project made before Boot 4.0 was dropped records itself: template 1, boot 4.0.
    let tmp = tempfile::tempdir().unwrap();
    sprout()
        .args([
            "new",
            "svc",
            "--stack",
            "spring-boot",
            "--yes",
            "--no-git",
            "-o",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("svc");
    let record = read(&dir, ".sprout.toml")
        .replace("template_version = 2", "template_version = 1")
        .replace("boot = \"4.2\"", "boot = \"4.0\"");
    assert!(record.contains("boot = \"4.0\""), "{record}");
    write(&dir, ".sprout.toml", &record);
    sprout()
        .arg("update")
        .arg(&dir)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("\"4.0\" → \"4.1\""));
    let record = read(&dir, ".sprout.toml");
    assert!(
        record.contains("boot = \"4.1\"") && record.contains("template_version = 2"),
        "{record}"
    );
    assert!(
        read(&dir, "pom.xml").contains("<version>4.1."),
        "the parent is Boot 4.1"
    );
    sprout().arg("check").arg(&dir).assert().code(0);
}

/// A user's edit and a template change to a list of lines, by index and kind.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize),
    Insert(usize),
    Delete(usize),
}

fn edit_strategy() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            (0usize..20).prop_map(Edit::Replace),
            (0usize..20).prop_map(Edit::Insert),
            (0usize..20).prop_map(Edit::Delete),
        ],
        0..6,
    )
}

fn apply_edits(base: &[String], edits: &[Edit], tag: &str) -> Vec<String> {
    let mut lines = base.to_vec();
    for (n, edit) in edits.iter().enumerate() {
        let line = format!("{tag} line {n}");
        match *edit {
            Edit::Replace(i) if !lines.is_empty() => {
                let i = i % lines.len();
                lines[i] = line;
            }
            Edit::Insert(i) => {
                let i = i % (lines.len() + 1);
                lines.insert(i, line);
            }
            Edit::Delete(i) if !lines.is_empty() => {
                let i = i % lines.len();
                lines.remove(i);
            }
            _ => {}
        }
    }
    lines
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random user edits × random template changes: every line the user wrote is in the result,
    /// merged or inside a conflict block.
    #[test]
    fn nothing_the_user_wrote_is_lost(size in 1usize..15, ours in edit_strategy(), theirs in edit_strategy(), known_base in any::<bool>()) {
        let base: Vec<String> = (0..size).map(|i| format!("base line {i}")).collect();
        let mine = apply_edits(&base, &ours, "user");
        let new = apply_edits(&base, &theirs, "template");
        let join = |l: &[String]| l.iter().map(|s| format!("{s}\n")).collect::<String>();
        let (base_text, mine_text, new_text) = (join(&base), join(&mine), join(&new));
        let merged = merge::three_way(known_base.then_some(base_text.as_bytes()), mine_text.as_bytes(), new_text.as_bytes()).unwrap();
        let result = String::from_utf8(merged.bytes).unwrap();
        let result_lines: Vec<&str> = result.lines().collect();
        for line in mine.iter().filter(|l| l.starts_with("user")) {
            prop_assert!(result_lines.contains(&line.as_str()), "lost {line:?}\n{result}");
        }
        prop_assert_eq!(merged.conflicts > 0, result.contains("<<<<<<<"));
    }
}

/// A project server answering `GET /health` on `$PORT`.
pub const SERVER: &str = r#"import http.server, json, os

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "ok"}).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"#;

fn verify_fixture(test_command: &str) -> (Fixture, PathBuf) {
    let fx = Fixture::new();
    fx.manifest(
        &MANIFEST
            .replace("test = \"true\"", &format!("test = \"{test_command}\""))
            .replace(
                "start = \"exec python3 -m http.server $PORT\"",
                "start = \"sleep 300 & echo $! > sleeper.pid; exec python3 server.py\"",
            ),
    );
    fx.template("server.py", SERVER);
    let dir = fx.generate(false);
    (fx, dir)
}

fn run_verify(fx: &Fixture, dir: &Path, seconds: u64) -> sprout::verify::Report {
    verify_with(fx, dir, seconds, None)
}

fn verify_with(
    fx: &Fixture,
    dir: &Path,
    seconds: u64,
    exec: Option<&str>,
) -> sprout::verify::Report {
    let options = sprout::verify::Options {
        health_timeout: std::time::Duration::from_secs(seconds),
        exec: exec.map(str::to_string),
        ..sprout::verify::Options::default()
    };
    sprout::verify::run(&fx.catalog(), dir, &options, &|_| {}).unwrap()
}

pub fn gone(pid: &str) -> bool {
    // The process may linger as a zombie for an instant; give it a moment.
    for _ in 0..50 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if status.is_empty() || status.contains("State:\tZ") {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Both halves of verify's health rule hold: `GET /health` must answer 200, and its body must
/// say `"status": "ok"`. A server that breaks either one fails the start step, saying what it
/// answered; removing either check from `verify::health` fails this test.
#[cfg(target_os = "linux")]
#[test]
fn verify_needs_both_status_200_and_an_ok_body_from_health() {
    let cases = [
        ("200", "ok", None),
        ("500", "ok", Some("HTTP 500")),
        ("503", "ok", Some("HTTP 503")),
        ("200", "down", Some("\"down\"")),
        ("200", "okay", Some("\"okay\"")),
    ];
    for (status, said, refusal) in cases {
        let (fx, dir) = verify_fixture("true");
        let server = SERVER
            .replace("200 if self.path", &format!("{status} if self.path"))
            .replace(
                "{\"status\": \"ok\"}",
                &format!("{{\"status\": \"{said}\"}}"),
            );
        fs::write(dir.join("server.py"), server).unwrap();
        let report = run_verify(&fx, &dir, 10);
        let start = report.steps.iter().find(|s| s.name == "start").unwrap();
        match refusal {
            None => assert!(report.ok, "{status} {said}: {report:?}"),
            Some(what) => {
                assert!(!report.ok, "{status} {said} was taken as healthy");
                assert!(!start.ok, "{status} {said}");
                let note = start.note.as_deref().unwrap_or_default();
                assert!(note.contains(what), "{status} {said}: {note}");
            }
        }
        let pid = fs::read_to_string(dir.join("sleeper.pid")).unwrap();
        assert!(gone(pid.trim()), "the server's group outlived verify");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn verify_runs_each_step_checks_health_and_stops_the_whole_process_group() {
    let (fx, dir) = verify_fixture("true");
    let report = run_verify(&fx, &dir, 60);
    assert!(report.ok, "{report:?}");
    let names: Vec<&str> = report.steps.iter().map(|s| s.name).collect();
    assert_eq!(names, ["install", "lint", "test", "start"]);
    assert!(
        report.steps[3]
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("200 ok")
    );
    let pid = read(&dir, "sleeper.pid").trim().to_string();
    assert!(
        gone(&pid),
        "a process the server started ({pid}) outlived verify"
    );
}

#[test]
fn verify_stops_at_the_failing_step_with_its_log_tail() {
    let (fx, dir) = verify_fixture("echo the assertion broke; exit 3");
    let report = run_verify(&fx, &dir, 60);
    assert_failed_at(&report, "test", "the assertion broke");
    assert_eq!(report.steps.len(), 3, "nothing runs after the failure");
}

/// The report failed at `step`, its tail holds `text`, and verify's exit code is 9.
fn assert_failed_at(report: &sprout::verify::Report, step: &str, text: &str) {
    assert!(!report.ok);
    assert_eq!(report.steps.last().unwrap().name, step);
    let tail = report.tail.as_deref().unwrap_or_default();
    assert!(tail.contains(text), "{tail}");
    let error = sprout::verify::failure(report).unwrap();
    assert_eq!(error.exit(), sprout::exit::Exit::VerifyFailed);
}

/// A project whose start command exits at once.
fn never_answering() -> (Fixture, PathBuf) {
    let fx = Fixture::new();
    fx.manifest(&MANIFEST.replace(
        "start = \"exec python3 -m http.server $PORT\"",
        "start = \"exit 0\"",
    ));
    let dir = fx.generate(false);
    (fx, dir)
}

#[test]
fn verify_reports_a_server_that_never_answers() {
    let (fx, dir) = never_answering();
    let report = run_verify(&fx, &dir, 20);
    assert!(!report.ok);
    let start = report.steps.last().unwrap();
    assert_eq!(start.name, "start");
    assert!(
        start.note.as_deref().unwrap_or_default().contains("exited"),
        "{start:?}"
    );
}

/// Asks the started project for `/health` at `$SPROUT_URL`, and leaves a process behind.
const SMOKE: &str = "sleep 300 & echo $! > smoke.pid; python3 -c 'import os, urllib.request as u; print(u.urlopen(os.environ[\"SPROUT_URL\"] + \"/health\").read().decode())'";

#[cfg(target_os = "linux")]
#[test]
fn verify_exec_runs_the_users_command_against_the_started_project_then_stops_everything() {
    let (fx, dir) = verify_fixture("true");
    let report = verify_with(&fx, &dir, 60, Some(SMOKE));
    assert!(report.ok, "{report:?}");
    let names: Vec<&str> = report.steps.iter().map(|s| s.name).collect();
    assert_eq!(names, ["install", "lint", "test", "start", "exec"]);
    let exec = &report.steps[4];
    assert_eq!(exec.command, SMOKE);
    let log = fs::read_to_string(&exec.log).unwrap();
    assert!(log.contains("{\"status\": \"ok\"}"), "{log}");
    for pid in ["sleeper.pid", "smoke.pid"] {
        let pid = read(&dir, pid).trim().to_string();
        assert!(gone(&pid), "{pid} outlived verify");
    }
}

#[test]
fn verify_exec_that_fails_is_the_failing_step_with_its_log_tail() {
    let (fx, dir) = verify_fixture("true");
    let report = verify_with(&fx, &dir, 60, Some("echo the smoke test broke >&2; exit 4"));
    assert_failed_at(&report, "exec", "the smoke test broke");
    let exec = report.steps.last().unwrap();
    let note = exec.note.as_deref().unwrap_or_default();
    assert!(note.contains("exit status: 4"), "{note}");
}

#[test]
fn verify_exec_does_not_run_when_the_project_does_not_start() {
    let (fx, dir) = never_answering();
    let report = verify_with(&fx, &dir, 20, Some("touch ran"));
    assert_eq!(report.steps.last().unwrap().name, "start");
    assert!(!dir.join("ran").exists());
}

#[test]
fn cli_verify_without_a_record_exits_7() {
    let tmp = tempfile::tempdir().unwrap();
    sprout().arg("verify").arg(tmp.path()).assert().code(7);
    sprout().arg("update").arg(tmp.path()).assert().code(7);
}
