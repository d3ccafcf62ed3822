//! Updates without surprises: conflicts git understands, moves that follow the user, secrets
//! files merged by key, answers never guessed, old records, newer tags, updates on a branch.
//! Each test reproduces what a user met first, with the fixture template of `update.rs`.

use std::path::Path;

use sprout::update::Fate;

use crate::common::sprout;
use crate::update::{APP, Fixture, commit_all, fates, git, read, write};

/// `sprout ARGS` on the fixture's templates, with a git identity.
pub(crate) fn cli(fx: &Fixture, args: &[&str], dir: &Path) -> std::process::Output {
    crate::update::git_env(&mut sprout())
        .args(args)
        .arg("--template")
        .arg(fx.templates.path())
        .arg(dir)
        .output()
        .unwrap()
}

/// The user and the template change app.txt's line two; the update conflicts.
fn conflicted(fx: &Fixture) -> std::path::PathBuf {
    let dir = fx.generate(true);
    write(&dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "mine");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(preview.conflicts, ["app.txt"]);
    dir
}

#[test]
fn a_conflict_is_in_gits_index_with_its_three_stages() {
    let fx = Fixture::new();
    let dir = conflicted(&fx);
    let stages = git(&dir, &["ls-files", "-u", "--", "app.txt"]);
    let numbers: Vec<&str> = stages
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2", "3"], "{stages}");
    assert_eq!(git(&dir, &["show", ":1:app.txt"]), APP);
    assert_eq!(
        git(&dir, &["show", ":2:app.txt"]),
        APP.replace("two", "two (mine)")
    );
    assert_eq!(
        git(&dir, &["show", ":3:app.txt"]),
        APP.replace("two", "two (new)")
    );
    let status = git(&dir, &["status", "--porcelain"]);
    assert!(status.lines().any(|l| l == "UU app.txt"), "{status}");
    // `git mergetool` finds it: git lists it as needing a merge.
    let unmerged = git(&dir, &["diff", "--name-only", "--diff-filter=U"]);
    assert_eq!(unmerged, "app.txt\n");
    // Resolving is git's own: add the file, and it is merged.
    write(&dir, "app.txt", &APP.replace("two", "two (both)"));
    git(&dir, &["add", "app.txt"]);
    assert_eq!(git(&dir, &["ls-files", "-u"]), "");
}

#[test]
fn a_conflict_in_a_project_inside_a_repository_is_registered_at_its_path_there() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    let repo = fx.work.path();
    git(repo, &["init", "--quiet", "--initial-branch=main"]);
    commit_all(repo, "monorepo");
    write(&dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(repo, "mine");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(preview.conflicts, ["app.txt"]);
    let status = git(repo, &["status", "--porcelain"]);
    assert!(status.lines().any(|l| l == "UU app/app.txt"), "{status}");
}

#[test]
fn check_names_files_holding_conflict_markers_committed_or_not() {
    let fx = Fixture::new();
    let dir = conflicted(&fx);
    let out = cli(&fx, &["check"], &dir);
    assert_eq!(out.status.code(), Some(8), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("app.txt"), "{stderr}");
    // The update has been written, but the project is not called current while conflicts wait.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("is current"), "{stdout}");
    assert!(stdout.contains("conflicts to resolve"), "{stdout}");
    // Committed with its markers: still named.
    commit_all(&dir, "resolved (not really)");
    let out = cli(&fx, &["check", "--json"], &dir);
    assert_eq!(out.status.code(), Some(8), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["markers_left"], serde_json::json!(["app.txt"]));
    // An update does not merge over them.
    let out = cli(&fx, &["update"], &dir);
    assert_eq!(out.status.code(), Some(8), "{out:?}");
    // Resolved and committed: current.
    write(&dir, "app.txt", &APP.replace("two", "two (both)"));
    commit_all(&dir, "resolved");
    let out = cli(&fx, &["check"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(fates(&fx.update(&dir, &[]))["app.txt"], Fate::Kept);
    assert!(read(&dir, "app.txt").contains("two (both)"));
}

/// The fate of `path` and where it was written, from a preview.
pub(crate) fn fate_at(preview: &sprout::update::Preview, path: &str) -> (Fate, Option<String>) {
    let file = preview
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not in {:?}", preview.files));
    (file.fate, file.to.clone())
}

#[test]
fn a_template_change_follows_a_file_the_user_moved() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    git(&dir, &["mv", "app.txt", "src/app.txt"]);
    commit_all(&dir, "moved");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(
        fate_at(&preview, "app.txt"),
        (Fate::Updated, Some("src/app.txt".into()))
    );
    assert!(read(&dir, "src/app.txt").contains("two (new)"));
    assert!(!dir.join("app.txt").exists(), "the old path came back");
    // Updated once, then current: the record follows the file.
    commit_all(&dir, "update");
    let again = fx.update(&dir, &[]);
    assert!(again.is_current(), "{:?}", again.files);
}

#[test]
fn a_file_the_user_moved_and_edited_merges_at_its_new_path() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    git(&dir, &["mv", "app.txt", "main.txt"]);
    write(&dir, "main.txt", &APP.replace("nine", "nine (mine)"));
    commit_all(&dir, "moved and edited");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(
        fate_at(&preview, "app.txt"),
        (Fate::Merged, Some("main.txt".into()))
    );
    let merged = read(&dir, "main.txt");
    assert!(
        merged.contains("two (new)") && merged.contains("nine (mine)"),
        "{merged}"
    );
    assert!(!dir.join("app.txt").exists());
}

#[test]
fn a_conflict_in_a_moved_file_is_at_its_new_path_in_the_file_and_the_index() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    git(&dir, &["mv", "app.txt", "main.txt"]);
    write(&dir, "main.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "moved and edited");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(preview.conflicts, ["main.txt"]);
    assert!(read(&dir, "main.txt").contains("<<<<<<<"));
    assert!(!dir.join("app.txt").exists());
    let status = git(&dir, &["status", "--porcelain"]);
    assert!(status.lines().any(|l| l == "UU main.txt"), "{status}");
}

#[test]
fn a_move_on_both_sides_keeps_the_users_path() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    git(&dir, &["mv", "app.txt", "mine.txt"]);
    commit_all(&dir, "moved");
    fx.manifest(&format!(
        "{}\n[[migration]]\nversion = 2\nrename_file = {{ \"app.txt\" = \"src/app.txt\" }}\n",
        crate::update::MANIFEST.replace("template_version = 1", "template_version = 2")
    ));
    fx.remove_template("app.txt");
    fx.template("src/app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(
        fate_at(&preview, "src/app.txt"),
        (Fate::Updated, Some("mine.txt".into()))
    );
    assert!(read(&dir, "mine.txt").contains("two (new)"));
    assert!(!dir.join("src/app.txt").exists() && !dir.join("app.txt").exists());
}

#[test]
fn a_file_the_user_deleted_is_not_mistaken_for_a_move() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    git(&dir, &["rm", "--quiet", "app.txt"]);
    write(&dir, "notes.txt", "nothing like the app\n");
    commit_all(&dir, "deleted");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(fate_at(&preview, "app.txt"), (Fate::DeletedByUser, None));
    assert_eq!(read(&dir, "notes.txt"), "nothing like the app\n");
}

#[test]
fn the_report_and_diff_show_a_users_move_at_its_new_path() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    git(&dir, &["mv", "app.txt", "main.txt"]);
    commit_all(&dir, "moved");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let out = cli(&fx, &["update", "--dry-run", "--diff"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("app.txt → main.txt"), "{stdout}");
    assert!(stdout.contains("+++ b/main.txt\n"), "{stdout}");
    assert!(stdout.contains("+two (new)"), "{stdout}");
    assert!(!stdout.contains("b/app.txt"), "{stdout}");
}

#[test]
fn diff_shows_a_templates_move_as_a_rename() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    fx.manifest(&format!(
        "{}\n[[migration]]\nversion = 2\nrename_file = {{ \"app.txt\" = \"src/app.txt\" }}\n",
        crate::update::MANIFEST.replace("template_version = 1", "template_version = 2")
    ));
    fx.remove_template("app.txt");
    fx.template("src/app.txt", &APP.replace("two", "two (new)"));
    let out = cli(&fx, &["update", "--dry-run", "--diff"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "rename from app.txt\nrename to src/app.txt\n--- a/app.txt\n+++ b/src/app.txt\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("+two (new)"), "{stdout}");
    assert!(!stdout.contains("/dev/null"), "{stdout}");
}

/// The fixture's next version adds an option, `bonus` (default yes), that adds a file.
fn with_new_option(fx: &Fixture, migration: &str) {
    fx.manifest(&format!(
        "{}\n[[option]]\nkey = \"bonus\"\ntype = \"bool\"\nprompt = \"Bonus?\"\ndefault = true\n\n[[file]]\npath = \"bonus.txt\"\nwhen = {{ bonus = true }}\n{migration}",
        crate::update::MANIFEST.replace("template_version = 1", "template_version = 2")
    ));
    fx.template("bonus.txt", "bonus\n");
}

#[test]
fn an_answer_missing_from_the_record_is_not_taken_from_todays_default() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    with_new_option(&fx, "");
    let before = read(&dir, ".sprout.toml");
    for command in ["update", "check"] {
        let out = cli(&fx, &[command], &dir);
        assert_eq!(out.status.code(), Some(7), "{command}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("bonus"), "{stderr}");
        assert!(stderr.contains("--set bonus="), "{stderr}");
    }
    assert!(!dir.join("bonus.txt").exists());
    assert_eq!(read(&dir, ".sprout.toml"), before);
    // Given: taken, and recorded.
    let out = cli(&fx, &["update", "--set", "bonus=no"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!dir.join("bonus.txt").exists());
    assert!(read(&dir, ".sprout.toml").contains("bonus = false"));
}

#[test]
fn yes_takes_todays_default_for_a_missing_answer_and_says_so() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    with_new_option(&fx, "");
    let out = cli(&fx, &["update", "--yes"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("answer bonus: (not recorded) → true (default, --yes)"),
        "{stdout}"
    );
    assert_eq!(read(&dir, "bonus.txt"), "bonus\n");
}

#[test]
fn a_migration_gives_the_value_old_projects_had() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    with_new_option(
        &fx,
        "\n[[migration]]\nversion = 2\nanswer = { bonus = false }\n",
    );
    let out = cli(&fx, &["update"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!dir.join("bonus.txt").exists());
    assert!(read(&dir, ".sprout.toml").contains("bonus = false"));
}

#[test]
fn add_accepts_yes() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    let out = crate::update::git_env(&mut sprout())
        .args(["add", "extra", "--yes", "--template"])
        .arg(fx.templates.path())
        .arg("-C")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(read(&dir, "extra.txt"), "extra\n");
}

/// A project whose `.env` the user changed, and a template that changes the same line, adds a
/// key with a secret, adds a plain key and drops one. Returns the project and its token.
fn env_on_both_sides(fx: &Fixture) -> (std::path::PathBuf, String) {
    let dir = fx.generate(true);
    let token = crate::update::token_of(&read(&dir, ".env"));
    write(
        &dir,
        ".env",
        &format!("DEBUG=0\nTOKEN={token}\nMODE=staging\nMINE=kept\n"),
    );
    fx.manifest(&crate::update::MANIFEST.replace("token = 20", "token = 20\nsigning = 24"));
    fx.template(
        ".env.hbs",
        "DEBUG=2\nTOKEN={{secrets.token}}\nLOG_LEVEL=info\nSIGNING_KEY={{secrets.signing}}\n",
    );
    (dir, token)
}

#[test]
fn a_secrets_file_changed_on_both_sides_merges_by_key() {
    let fx = Fixture::new();
    let (dir, token) = env_on_both_sides(&fx);
    let preview = fx.update(&dir, &[]);
    assert_eq!(fate_at(&preview, ".env").0, Fate::MergedKeys);
    let env = read(&dir, ".env");
    // Every line of the user's kept as it is, the template's new keys added.
    assert!(
        env.starts_with(&format!(
            "DEBUG=0\nTOKEN={token}\nMODE=staging\nMINE=kept\n"
        )),
        "{env}"
    );
    assert!(env.contains("\nLOG_LEVEL=info\n"), "{env}");
    let signing = env
        .lines()
        .find_map(|l| l.strip_prefix("SIGNING_KEY="))
        .unwrap_or_else(|| panic!("no SIGNING_KEY in {env}"));
    assert_eq!(signing.len(), 24, "a fresh secret: {env}");
    assert!(!signing.contains("SPROUTSECRET"), "{env}");
    assert!(
        !read(&dir, ".sprout.toml").contains(signing),
        "never recorded"
    );
}

#[test]
fn a_key_merge_is_reported_by_key_never_by_value() {
    let fx = Fixture::new();
    let (dir, token) = env_on_both_sides(&fx);
    let out = cli(
        &fx,
        &["update", "--dry-run", "--diff", "--allow-dirty"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("merged-keys"), "{text}");
    for key in ["LOG_LEVEL", "SIGNING_KEY", "MODE"] {
        assert!(text.contains(key), "{key}: {text}");
    }
    for value in ["info", "staging", token.as_str()] {
        assert!(!text.contains(value), "{value}: {text}");
    }
    let out = cli(&fx, &["update", "--json", "--allow-dirty"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let env = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == ".env")
        .unwrap();
    assert_eq!(env["fate"], "merged-keys");
    assert_eq!(
        env["keys"],
        serde_json::json!({"added": ["LOG_LEVEL", "SIGNING_KEY"], "dropped": ["MODE"]})
    );
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(!raw.contains("info") && !raw.contains(&token), "{raw}");
}

/// A committed project and a template that moves to version 2 and changes app.txt.
fn ready_for_a_bot(fx: &Fixture) -> std::path::PathBuf {
    let dir = fx.generate(true);
    write(&dir, "app.txt", &APP.replace("nine", "nine (mine)"));
    commit_all(&dir, "mine");
    fx.manifest(&crate::update::MANIFEST.replace("template_version = 1", "template_version = 2"));
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    dir
}

#[test]
fn branch_commits_the_update_on_a_new_branch_and_leaves_the_users_branch_untouched() {
    let fx = Fixture::new();
    let dir = ready_for_a_bot(&fx);
    let head = git(&dir, &["rev-parse", "HEAD"]);
    let out = cli(
        &fx,
        &["update", "--branch", "sprout/update", "--set", "extra=yes"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // The user's branch, index and files: as they were.
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(&dir, &["branch", "--show-current"]), "main\n");
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
    assert!(!read(&dir, "app.txt").contains("two (new)"));
    assert!(!dir.join("extra.txt").exists());
    // The branch: one commit on top of it, holding the merged update and the record.
    assert_eq!(git(&dir, &["rev-parse", "sprout/update~1"]), head);
    let merged = git(&dir, &["show", "sprout/update:app.txt"]);
    assert!(
        merged.contains("two (new)") && merged.contains("nine (mine)"),
        "{merged}"
    );
    assert_eq!(git(&dir, &["show", "sprout/update:extra.txt"]), "extra\n");
    assert!(git(&dir, &["show", "sprout/update:.sprout.toml"]).contains("extra = true"));
    let message = git(&dir, &["log", "-1", "--format=%B", "sprout/update"]);
    assert!(message.contains("template 1 → 2"), "{message}");
    assert!(message.contains("extra: false → true"), "{message}");
    assert!(message.contains("merged"), "{message}");
    // No worktree is left behind.
    assert_eq!(git(&dir, &["worktree", "list"]).lines().count(), 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sprout/update"), "{stdout}");
}

#[test]
fn branch_with_json_names_the_branch_and_its_commit() {
    let fx = Fixture::new();
    let dir = ready_for_a_bot(&fx);
    let out = cli(&fx, &["update", "--branch", "bot", "--json"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["branch"]["name"], "bot");
    assert_eq!(
        json["branch"]["commit"].as_str().unwrap(),
        git(&dir, &["rev-parse", "bot"]).trim()
    );
}

#[test]
fn branch_with_conflicts_commits_nothing_and_exits_8() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "mine");
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let out = cli(&fx, &["update", "--branch", "bot"], &dir);
    assert_eq!(out.status.code(), Some(8), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("app.txt"));
    assert_eq!(git(&dir, &["branch", "--list", "bot"]), "");
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
    assert!(!read(&dir, "app.txt").contains("<<<<<<<"));
}

#[test]
fn branch_refuses_a_branch_that_exists_and_a_project_without_git() {
    let fx = Fixture::new();
    let dir = ready_for_a_bot(&fx);
    git(&dir, &["branch", "bot"]);
    let out = cli(&fx, &["update", "--branch", "bot"], &dir);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(
        git(&dir, &["rev-parse", "bot"]),
        git(&dir, &["rev-parse", "HEAD"])
    );
    let fx = Fixture::new();
    let plain = fx.generate(false);
    let out = cli(&fx, &["update", "--branch", "bot"], &plain);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn a_record_without_year_keeps_the_year_its_files_show() {
    let fx = Fixture::new();
    fx.template(
        "LICENSE.hbs",
        "MIT License\n\nCopyright (c) {{year}} {{name}}\n",
    );
    let dir = fx.generate(false);
    // Made in an earlier year, by a release whose record held no year.
    write(&dir, "LICENSE", "MIT License\n\nCopyright (c) 2019 app\n");
    crate::update::as_made_by_todays_release(&dir);
    let preview = fx.update(&dir, &[]);
    assert_eq!(fates(&preview)["LICENSE"], Fate::Unchanged);
    assert_eq!(
        read(&dir, "LICENSE"),
        "MIT License\n\nCopyright (c) 2019 app\n"
    );
    assert!(read(&dir, ".sprout.toml").contains("year = 2019"));
}

#[test]
fn a_first_release_report_names_template_version_1() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    crate::update::as_made_by_todays_release(&dir);
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let out = cli(&fx, &["update", "--dry-run"], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("template 1)"), "{stdout}");
    assert!(!stdout.contains("template →"), "{stdout}");
}

#[test]
fn a_run_that_changes_nothing_does_not_say_updated() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "notes.txt", "uncommitted\n");
    let out = cli(&fx, &["update"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("Updated"), "{stdout}");
    assert!(stdout.contains("current"), "{stdout}");
}

#[test]
fn template_check_fails_a_rename_rule_that_can_match_nothing() {
    let fx = Fixture::new();
    let check = || {
        sprout()
            .args(["template", "check"])
            .arg(fx.templates.path())
            .output()
            .unwrap()
    };
    let before = check();
    assert!(!String::from_utf8_lossy(&before.stdout).contains("rename_file"));
    fx.manifest(&format!(
        "{}\n[[migration]]\nversion = 2\nrename_file = {{ \"{{{{name}}}}/health.txt\" = \"{{{{name}}}}/status.txt\" }}\nanswer = {{ nothing = true }}\n",
        crate::update::MANIFEST.replace("template_version = 1", "template_version = 2")
    ));
    let out = check();
    assert_eq!(out.status.code(), Some(11), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("{{name}}/health.txt"), "{text}");
    assert!(text.contains("matches no file"), "{text}");
    assert!(text.contains("`nothing`, which is not an option"), "{text}");
}

#[test]
fn add_suggests_a_word_only_when_it_is_close() {
    let s = crate::common::Scratch::new();
    let made = s.new_project("x", "express", &[]).output().unwrap();
    assert!(made.status.success(), "{made:?}");
    let add = |word: &str| {
        let out = sprout()
            .args(["add", word, "--dry-run", "-C"])
            .arg(s.join("x"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // `h2` (spring-boot's database) shares nothing with `ci`: no guess, the list.
    let stderr = add("h2");
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(
        stderr.contains("auth, ci, docker, postgres, sqlite"),
        "{stderr}"
    );
    assert!(add("dokcer").contains("did you mean `docker`?"));
}
