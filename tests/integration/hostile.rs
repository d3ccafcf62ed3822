//! The hostile-template corpus (`tests/hostile/`, its README says what each case tries): every
//! command that reads a template meets each case, and each promise holds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{Scratch, sprout};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile");

/// Copy `from` into `to`, each `DOTGIT` segment named `.git`, modes kept.
fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry
            .file_name()
            .to_string_lossy()
            .replace("DOTGIT", ".git");
        let target = to.join(name);
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The case `name` as a template folder `<scratch>/<name>`: the base, the case laid over it.
pub(crate) fn case(s: &Scratch, name: &str) -> PathBuf {
    let dir = s.join(name);
    copy(&Path::new(CORPUS).join("_base"), &dir);
    overlay(name, &dir);
    dir
}

/// Lay the case `name` over the template folder `dir` (its manifest appended).
pub(crate) fn overlay(name: &str, dir: &Path) {
    let case = Path::new(CORPUS).join(name);
    for entry in fs::read_dir(&case).unwrap() {
        let entry = entry.unwrap();
        let file = entry.file_name();
        if file == "manifest.toml" {
            let mut manifest = fs::read_to_string(dir.join("sprout.toml")).unwrap();
            manifest.push_str(&fs::read_to_string(entry.path()).unwrap());
            fs::write(dir.join("sprout.toml"), manifest).unwrap();
        } else if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &dir.join(file));
        } else {
            fs::copy(entry.path(), dir.join(file)).unwrap();
        }
    }
}

/// `sprout ARGS` without the user's configuration, HOME in the scratch folder.
pub(crate) fn run(s: &Scratch, args: &[&str]) -> Output {
    isolated(s).args(args).output().unwrap()
}

/// sprout without the user's configuration (sprout's and git's), HOME in the scratch folder,
/// with a git identity.
pub(crate) fn isolated(s: &Scratch) -> assert_cmd::Command {
    let mut cmd = sprout();
    cmd.envs(isolated_env(s)).env_remove("SPROUT_TEMPLATES");
    cmd
}

/// The environment of [`isolated`] (and `SPROUT_TEMPLATES` removed), for any process.
pub(crate) fn isolated_env(s: &Scratch) -> Vec<(&'static str, std::ffi::OsString)> {
    vec![
        ("XDG_CONFIG_HOME", s.join("config").into()),
        ("HOME", s.path().into()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("GIT_AUTHOR_NAME", "T".into()),
        ("GIT_AUTHOR_EMAIL", "t@example.com".into()),
        ("GIT_COMMITTER_NAME", "T".into()),
        ("GIT_COMMITTER_EMAIL", "t@example.com".into()),
        ("NO_COLOR", "1".into()),
    ]
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Nothing the corpus plants ran: no marker file in HOME (the scratch folder) or in `extra`.
fn nothing_ran(s: &Scratch) {
    let planted: Vec<String> = fs::read_dir(s.path())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with("pwned").then_some(name)
        })
        .collect();
    assert!(
        planted.is_empty(),
        "the template ran something: {planted:?}"
    );
}

/// `new` (with and without `--dry-run`) refuses the case as a template fault, writing nothing;
/// `template check` finds it; `reason` is in each message.
fn refused_everywhere(name: &str, reason: &str) {
    let s = Scratch::new();
    let template = case(&s, name);
    let template = template.to_str().unwrap();
    let out = s.join("out");
    for extra in [&[][..], &["--dry-run"][..]] {
        let mut args = vec!["new", "demo", "--template", template, "--yes", "-o"];
        args.push(out.to_str().unwrap());
        args.extend(extra);
        let said = run(&s, &args);
        assert_eq!(
            said.status.code(),
            Some(12),
            "{name} {extra:?}: {}",
            stderr(&said)
        );
        assert!(stderr(&said).contains(reason), "{name}: {}", stderr(&said));
        assert!(!out.join("demo").exists(), "{name}: nothing may be written");
    }
    let checked = run(&s, &["template", "check", template]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        stderr(&checked)
    );
    assert_eq!(checked.status.code(), Some(11), "{name}: {said}");
    assert!(said.contains(reason), "{name}: {said}");
    nothing_ran(&s);
}

#[test]
fn a_file_under_git_s_own_folder_is_a_template_fault() {
    refused_everywhere("git-hook", ".git/hooks/post-commit` is inside .git");
    refused_everywhere("git-config", ".git/config` is inside .git");
}

#[test]
fn a_rule_writing_into_git_s_own_folder_is_a_template_fault() {
    refused_everywhere("git-rule", ".git/hooks/pre-commit` is inside .git");
    refused_everywhere("git-rule-rendered", ".git/hooks/pre-commit` is inside .git");
    refused_everywhere("git-case", ".GIT/config` is inside .git");
}

#[test]
fn a_rule_writing_the_record_is_a_template_fault_not_a_disk_error() {
    refused_everywhere("record-rule", ".sprout.toml` is sprout's own record");
}

/// A project made from a clean template, committed; the template then turns hostile.
fn project_then(s: &Scratch, name: &str) -> (PathBuf, PathBuf) {
    let template = s.join("template");
    copy(&Path::new(CORPUS).join("_base"), &template);
    let made = run(
        s,
        &[
            "new",
            "demo",
            "--template",
            template.to_str().unwrap(),
            "--yes",
            "-o",
            s.join("out").to_str().unwrap(),
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    overlay(name, &template);
    (s.join("out/demo"), template)
}

#[test]
fn an_update_from_a_template_turned_hostile_writes_nothing_into_git() {
    for (name, planted) in [
        ("git-rule", ".git/hooks/pre-commit"),
        ("git-hook", ".git/hooks/post-commit"),
        ("git-config", ".git/config"),
    ] {
        let s = Scratch::new();
        let (project, _) = project_then(&s, name);
        let before = fs::read(project.join(".git/config")).unwrap();
        let said = run(&s, &["update", project.to_str().unwrap()]);
        assert_eq!(said.status.code(), Some(12), "{name}: {}", stderr(&said));
        assert!(
            stderr(&said).contains("is inside .git"),
            "{}",
            stderr(&said)
        );
        if planted != ".git/config" {
            assert!(!project.join(planted).exists(), "{name}");
        }
        assert_eq!(fs::read(project.join(".git/config")).unwrap(), before);
        let status = std::process::Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(&project)
            .output()
            .unwrap();
        assert!(status.status.success());
        assert_eq!(String::from_utf8_lossy(&status.stdout), "", "{name}");
        nothing_ran(&s);
    }
}

/// Which of the corpus's marks are in the scratch folder (HOME).
fn marks(s: &Scratch) -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(s.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("pwned"))
        .collect();
    found.sort();
    found
}

#[test]
fn an_untrusted_templates_requirement_checks_run_nowhere() {
    let s = Scratch::new();
    let template = case(&s, "requires-runs");
    let template = template.to_str().unwrap();
    let out = s.join("out");
    let out = out.to_str().unwrap();
    let answers = s.join("answers.toml");
    fs::write(&answers, format!("template = \"{template}\"\n")).unwrap();
    let answers = answers.to_str().unwrap();
    let new = |extra: &[&str]| -> Vec<String> {
        ["new", "--yes", "-o", out]
            .iter()
            .chain(extra)
            .map(|a| a.to_string())
            .collect()
    };
    let runs: Vec<Vec<String>> = vec![
        new(&["a", "--template", template, "--dry-run"]),
        new(&["b", "--template", template, "--dry-run", "--json"]),
        new(&["c", "--template", template, "--no-git"]),
        new(&["d", "--answers", answers, "--dry-run"]),
        ["template", "check", template].map(String::from).to_vec(),
        vec!["list".to_string()],
        vec!["doctor".to_string()],
    ];
    for args in runs {
        let said = isolated(&s)
            .args(&args)
            .env("SPROUT_TEMPLATES", s.path())
            .output()
            .unwrap();
        assert!(
            matches!(said.status.code(), Some(0) | Some(10)),
            "{args:?}: {}",
            stderr(&said)
        );
        assert_eq!(marks(&s), Vec::<String>::new(), "{args:?} ran the check");
        let stdout = String::from_utf8_lossy(&said.stdout);
        if args.iter().any(|a| a == "--json") {
            assert!(stdout.contains("\"status\": \"not_checked\""), "{stdout}");
        } else if args[0] == "new" {
            assert!(
                stdout.contains("python: not checked (the template is not trusted"),
                "{args:?}: {stdout}"
            );
        }
    }
    // Through a configured root too (SPROUT_TEMPLATES names the folder holding the case).
    let said = isolated(&s)
        .args([
            "new",
            "e",
            "--stack",
            "requires-runs",
            "--yes",
            "--dry-run",
            "-o",
            out,
        ])
        .env("SPROUT_TEMPLATES", s.path())
        .output()
        .unwrap();
    assert_eq!(said.status.code(), Some(0), "{}", stderr(&said));
    assert_eq!(marks(&s), Vec::<String>::new());
    // --trust is what makes the difference: the checks then run.
    let said = isolated(&s)
        .args(new(&["f", "--template", template, "--dry-run", "--trust"]))
        .output()
        .unwrap();
    assert_eq!(said.status.code(), Some(0), "{}", stderr(&said));
    assert_eq!(marks(&s), ["pwned-by-requires"]);
}

#[test]
fn template_test_runs_an_untrusted_templates_commands_only_with_trust() {
    let s = Scratch::new();
    let template = case(&s, "commands-run");
    let template = template.to_str().unwrap();
    let said = run(&s, &["template", "test", template, "--timeout", "1"]);
    assert_eq!(said.status.code(), Some(13), "{}", stderr(&said));
    assert!(
        stderr(&said).contains("touch $HOME/pwned-by-install"),
        "{}",
        stderr(&said)
    );
    assert_eq!(marks(&s), Vec::<String>::new());
    let said = run(
        &s,
        &["template", "test", template, "--timeout", "1", "--trust"],
    );
    assert_eq!(said.status.code(), Some(9), "{}", stderr(&said));
    assert!(marks(&s).contains(&"pwned-by-install".to_string()));
}

#[test]
fn update_verify_without_trust_writes_nothing_and_exits_13() {
    let s = Scratch::new();
    let (project, template) = project_then(&s, "commands-run");
    let before = fs::read_to_string(project.join(".sprout.toml")).unwrap();
    fs::write(template.join("files/NEW.md"), "new\n").unwrap();
    let said = run(&s, &["update", "--verify", project.to_str().unwrap()]);
    assert_eq!(said.status.code(), Some(13), "{}", stderr(&said));
    assert!(
        stderr(&said).contains("nothing was written or run"),
        "{}",
        stderr(&said)
    );
    assert!(!project.join("NEW.md").exists());
    assert_eq!(
        fs::read_to_string(project.join(".sprout.toml")).unwrap(),
        before
    );
    assert_eq!(marks(&s), Vec::<String>::new());
}

#[test]
fn partials_that_call_each_other_in_a_loop_are_a_fault_naming_the_chain() {
    refused_everywhere(
        "recursive-partials",
        "the partials call each other in a loop that never ends: pa → pb → pa",
    );
}

#[test]
fn a_template_that_would_render_gigabytes_stops_at_the_cap() {
    refused_everywhere(
        "partial-bomb",
        "renders more than 10 MiB, the cap on one rendered file",
    );
}

#[test]
fn partial_blocks_and_partial_names_that_could_escape_the_checks_are_faults() {
    refused_everywhere(
        "block-bomb",
        "it may hold only text, {{values}} and `if`/`unless`",
    );
    refused_everywhere("dynamic-partial", "a partial is named by an expression");
}
