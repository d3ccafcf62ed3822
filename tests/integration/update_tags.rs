//! Newer versions of a git template recorded at a tag: `check` and `update` list the newer
//! version tags (one `git ls-remote`), `update --to-latest` moves to the newest, and the record
//! keeps the tag.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{STACK, Scratch, sprout};
use crate::templates::write_stack;
use crate::update::git;

/// A bare repository `golden.git` whose README says the tag it was made at: v1.0.0, v1.1.0 (also
/// tagged `stable`, no version), v2.0.0 and the pre-release v2.1.0-rc.1.
fn tagged_repository(at: &Path) -> PathBuf {
    let work = at.join("golden-work");
    write_stack(&work, "# {{name}}\n\nversion v1.0.0\n");
    git(&work, &["init", "--quiet", "--initial-branch=main"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "--quiet", "-m", "v1.0.0"]);
    git(&work, &["tag", "v1.0.0"]);
    for tag in ["v1.1.0", "v2.0.0", "v2.1.0-rc.1"] {
        fs::write(
            work.join("files/README.md.hbs"),
            format!("# {{{{name}}}}\n\nversion {tag}\n"),
        )
        .unwrap();
        git(&work, &["commit", "--quiet", "-am", tag]);
        git(&work, &["tag", tag]);
        if tag == "v1.1.0" {
            git(&work, &["tag", "stable"]);
        }
    }
    let bare = at.join("golden.git");
    git(
        at,
        &["clone", "--quiet", "--bare", "golden-work", "golden.git"],
    );
    bare
}

fn isolated(s: &Scratch) -> assert_cmd::Command {
    let mut cmd = sprout();
    cmd.env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES");
    cmd
}

fn run(s: &Scratch, args: &[&str]) -> Output {
    isolated(s).args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn readme(project: &Path) -> String {
    fs::read_to_string(project.join("README.md")).unwrap()
}

fn recorded(project: &Path, key: &str) -> String {
    let record: toml::Table = fs::read_to_string(project.join(".sprout.toml"))
        .unwrap()
        .parse()
        .unwrap();
    record[key].as_str().unwrap().to_string()
}

#[test]
fn check_and_update_list_newer_version_tags_and_to_latest_moves_to_the_newest() {
    let s = Scratch::new();
    let bare = tagged_repository(s.path());
    let url = format!("file://{}", bare.display());
    let out = isolated(&s)
        .args(["new", "demo", "--template", &format!("{url}#v1.0.0")])
        .args(["--yes", "--no-git", "-o"])
        .arg(s.join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let project = s.join("out/demo");
    let dir = project.to_str().unwrap();
    assert!(readme(&project).contains("version v1.0.0"));

    // The project is current with v1.0.0, but newer versions exist: reported as an update.
    let check = run(&s, &["check", dir]);
    assert_eq!(check.status.code(), Some(6), "{}", stderr(&check));
    let text = stdout(&check);
    assert!(text.contains("v1.1.0, v2.0.0"), "{text}");
    assert!(text.contains("--to-latest"), "{text}");
    assert!(!text.contains("stable") && !text.contains("rc.1"), "{text}");

    let check = run(&s, &["check", "--json", dir]);
    assert_eq!(check.status.code(), Some(6), "{}", stderr(&check));
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["current"], true, "{json}");
    assert_eq!(json["tags"]["tag"], "v1.0.0", "{json}");
    assert_eq!(
        json["tags"]["newer"],
        serde_json::json!(["v1.1.0", "v2.0.0"]),
        "{json}"
    );

    // A plain update stays on the recorded tag and says what is newer.
    let update = run(&s, &["update", dir]);
    assert_eq!(update.status.code(), Some(0), "{}", stderr(&update));
    assert!(
        stdout(&update).contains("v1.1.0, v2.0.0"),
        "{}",
        stdout(&update)
    );
    assert!(readme(&project).contains("version v1.0.0"));

    let update = run(&s, &["update", "--to-latest", dir]);
    assert_eq!(update.status.code(), Some(0), "{}", stderr(&update));
    let text = stdout(&update);
    assert!(text.contains("template tag v1.0.0 → v2.0.0"), "{text}");
    assert!(text.contains("README.md"), "{text}");
    assert!(readme(&project).contains("version v2.0.0"));
    assert_eq!(recorded(&project, "template"), format!("{url}#v2.0.0"));
    let v2 = git(&bare, &["rev-parse", "v2.0.0^{commit}"]);
    assert_eq!(recorded(&project, "template_commit"), v2.trim());

    // On the newest, check is content and --to-latest has nothing to do.
    let check = run(&s, &["check", dir]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let again = run(&s, &["update", "--to-latest", "--json", dir]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let json: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(json["current"], true, "{json}");
    assert_eq!(json["tags"]["newer"], serde_json::json!([]), "{json}");
}

#[test]
fn to_latest_is_refused_for_a_template_not_read_at_a_version_tag() {
    let s = Scratch::new();
    let out = s.new_project("plain", STACK, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let refused = run(
        &s,
        &["update", "--to-latest", s.join("plain").to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("version tag"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn to_latest_on_a_branch_names_the_tags_in_its_commit() {
    let s = Scratch::new();
    let bare = tagged_repository(s.path());
    let url = format!("file://{}", bare.display());
    let mut new = isolated(&s);
    crate::update::git_env(&mut new);
    let out = new
        .args(["new", "demo", "--template", &format!("{url}#v1.1.0")])
        .args(["--yes", "-o"])
        .arg(s.join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let project = s.join("out/demo");
    let mut update = isolated(&s);
    crate::update::git_env(&mut update);
    let out = update
        .args(["update", "--to-latest", "--branch", "sprout-update"])
        .arg(&project)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let subject = git(&project, &["log", "-1", "--format=%s", "sprout-update"]);
    assert!(subject.contains("tag v1.1.0 → v2.0.0"), "{subject}");
    // The user's branch is as it was; the branch holds the new tag.
    assert!(readme(&project).contains("version v1.1.0"));
    let record = git(&project, &["show", "sprout-update:.sprout.toml"]);
    assert!(record.contains(&format!("{url}#v2.0.0")), "{record}");
}
