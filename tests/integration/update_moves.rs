//! Moves on both sides of an update: a template's `rename_file` whose paths hold `{{…}}` (most
//! files of a Python or Java project live under the package's folder), files the user moved as
//! git sees them, and a move on both sides.

use sprout::update::Fate;

use crate::update::{APP, Fixture, MANIFEST, commit_all, git, read, write};
use crate::update_surprises::{cli, fate_at};

/// The fixture with a package folder as flask's: `[derived] package = "{{snake_case name}}"` and
/// `{{package}}/health.py`.
fn with_package(fx: &Fixture, manifest: &str) {
    fx.manifest(&format!(
        "{manifest}\n[derived]\npackage = \"{{{{snake_case name}}}}\"\n"
    ));
}

/// `manifest` (version 1's) as version 2, whose migration renames `old` to `new`.
pub(crate) fn renamed(manifest: &str, old: &str, new: &str) -> String {
    format!(
        "{}\n[[migration]]\nversion = 2\nrename_file = {{ \"{old}\" = \"{new}\" }}\n",
        manifest.replace("template_version = 1", "template_version = 2")
    )
}

#[test]
fn a_rename_rule_under_the_package_folder_carries_the_users_edits_to_the_new_name() {
    let fx = Fixture::new();
    with_package(&fx, MANIFEST);
    fx.template("{{package}}/health.py", APP);
    let dir = fx.generate(true);
    assert_eq!(read(&dir, "app/health.py"), APP);
    write(&dir, "app/health.py", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "mine");

    // Version 2 renames it, and changes it.
    with_package(
        &fx,
        &renamed(MANIFEST, "{{package}}/health.py", "{{package}}/status.py"),
    );
    fx.remove_template("{{package}}/health.py");
    fx.template("{{package}}/status.py", &APP.replace("nine", "nine (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(
        fate_at(&preview, "app/health.py"),
        (Fate::Moved, Some("app/status.py".into()))
    );
    assert_eq!(fate_at(&preview, "app/status.py").0, Fate::Merged);
    assert!(
        !dir.join("app/health.py").exists(),
        "not orphaned beside it"
    );
    let text = read(&dir, "app/status.py");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)"),
        "{text}"
    );
    let record = read(&dir, ".sprout.toml");
    assert!(record.contains("\"app/status.py\""), "{record}");
    assert!(!record.contains("health.py"), "{record}");
}

#[test]
fn a_rendered_rename_shows_as_a_rename_in_the_report_and_the_diff() {
    let fx = Fixture::new();
    with_package(&fx, MANIFEST);
    fx.template("{{package}}/health.py", APP);
    let dir = fx.generate(true);
    with_package(
        &fx,
        &renamed(MANIFEST, "{{package}}/health.py", "{{package}}/status.py"),
    );
    fx.remove_template("{{package}}/health.py");
    fx.template("{{package}}/status.py", &APP.replace("two", "two (new)"));
    let out = cli(&fx, &["update", "--dry-run", "--diff"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("moved            app/health.py → app/status.py"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rename from app/health.py\nrename to app/status.py\n"),
        "{stdout}"
    );
    assert!(stdout.contains("+two (new)"), "{stdout}");
    // git itself shows the file as untouched: nothing written by a dry run.
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
}

/// Latin-1 text, as Java's `.properties` files long were: no UTF-8.
fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| c as u8).collect()
}

#[test]
fn git_follows_a_users_move_of_a_file_that_is_not_utf8_text() {
    let fx = Fixture::new();
    let props =
        "greeting=caf\u{e9}\none=1\ntwo=2\nthree=3\nfour=4\nfive=5\nsix=6\nseven=7\neight=8\n";
    let at = fx.templates.path().join("demo/files/messages.properties");
    std::fs::write(&at, latin1(props)).unwrap();
    let dir = fx.generate(true);
    std::fs::create_dir_all(dir.join("i18n")).unwrap();
    git(
        &dir,
        &["mv", "messages.properties", "i18n/messages.properties"],
    );
    std::fs::write(
        dir.join("i18n/messages.properties"),
        latin1(&props.replace("two=2", "two=deux")),
    )
    .unwrap();
    commit_all(&dir, "moved and translated");
    std::fs::write(&at, latin1(&props.replace("eight=8", "eight=8\nnine=9"))).unwrap();

    let preview = fx.update(&dir, &[]);
    // Not text to compare line by line: git's rename detection found where it went. The
    // template's change conflicts there (both versions kept), and the old path is not written.
    assert_eq!(
        fate_at(&preview, "messages.properties"),
        (Fate::Conflict, Some("i18n/messages.properties".into()))
    );
    assert_eq!(preview.conflicts, ["i18n/messages.properties"]);
    assert!(!dir.join("messages.properties").exists());
    let kept = std::fs::read(dir.join("i18n/messages.properties")).unwrap();
    let has = |needle: &[u8]| kept.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"two=deux") && has(b"nine=9"), "both sides are kept");
}

#[test]
fn the_same_move_on_both_sides_is_one_move() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    git(&dir, &["mv", "app.txt", "src/app.txt"]);
    write(&dir, "src/app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "moved");
    fx.manifest(&renamed(MANIFEST, "app.txt", "src/app.txt"));
    fx.remove_template("app.txt");
    fx.template("src/app.txt", &APP.replace("nine", "nine (new)"));
    let preview = fx.update(&dir, &[]);
    // Already where the template moves it: merged there, and no `moved` entry that would say
    // sprout moved something.
    assert_eq!(fate_at(&preview, "src/app.txt"), (Fate::Merged, None));
    assert!(preview.files.iter().all(|f| f.fate != Fate::Moved));
    assert!(preview.files.iter().all(|f| f.path != "app.txt"));
    let text = read(&dir, "src/app.txt");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)"),
        "{text}"
    );
    assert!(!dir.join("app.txt").exists());
}

#[test]
fn a_first_release_project_follows_a_template_rename_and_the_report_says_what_was_written() {
    // A record from the first release: no template version, year nor [files]; the base is
    // sprout's first commit.
    let fx = Fixture::new();
    let dir = fx.generate(false);
    crate::update::as_made_by_todays_release(&dir);
    write(&dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "mine");
    fx.manifest(&renamed(MANIFEST, "app.txt", "src/app.txt"));
    fx.remove_template("app.txt");
    fx.template("src/app.txt", &APP.replace("nine", "nine (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(preview.base, "first-commit");
    // The base of the moved file is its old path's: a merge, not a whole-file conflict.
    assert_eq!(
        fate_at(&preview, "app.txt"),
        (Fate::Moved, Some("src/app.txt".into()))
    );
    assert_eq!(fate_at(&preview, "src/app.txt"), (Fate::Merged, None));
    assert!(preview.conflicts.is_empty(), "{:?}", preview.conflicts);
    let text = read(&dir, "src/app.txt");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)"),
        "{text}"
    );
    // Each path is reported once, and as what happened to it.
    let reported: Vec<&str> = preview.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        reported.iter().filter(|p| **p == "app.txt").count(),
        1,
        "{reported:?}"
    );
    assert!(!dir.join("app.txt").exists());
    for file in &preview.files {
        let at = file.to.as_deref().unwrap_or(&file.path);
        let exists = dir.join(at).exists();
        match file.fate {
            Fate::Removed | Fate::DeletedByUser => assert!(!exists, "{at}"),
            _ => assert!(exists, "{} {:?} but {at} is gone", file.path, file.fate),
        }
    }
}

#[test]
fn without_git_a_file_moved_as_it_was_is_found_and_updated_where_it_is() {
    let fx = Fixture::new();
    let dir = fx.generate(false);
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::rename(dir.join("app.txt"), dir.join("lib/app.txt")).unwrap();
    fx.template("app.txt", &APP.replace("two", "two (new)"));
    let preview = fx.update(&dir, &[]);
    assert_eq!(
        fate_at(&preview, "app.txt"),
        (Fate::Updated, Some("lib/app.txt".into()))
    );
    assert!(read(&dir, "lib/app.txt").contains("two (new)"));
    assert!(!dir.join("app.txt").exists());
}

#[test]
fn a_rename_whose_old_path_the_template_still_writes_moves_nothing() {
    let fx = Fixture::new();
    let dir = fx.generate(true);
    write(&dir, "app.txt", &APP.replace("two", "two (mine)"));
    commit_all(&dir, "mine");
    // Version 2 says app.txt moved, yet still writes it (changed) beside the new file.
    fx.manifest(&renamed(MANIFEST, "app.txt", "src/app.txt"));
    fx.template("app.txt", &APP.replace("nine", "nine (new)"));
    fx.template("src/app.txt", "new file\n");
    let preview = fx.update(&dir, &[]);
    // Reported once each, as written: app.txt merged where it is, src/app.txt added.
    assert!(
        preview.files.iter().all(|f| f.fate != Fate::Moved),
        "{:?}",
        preview.files
    );
    assert_eq!(fate_at(&preview, "app.txt"), (Fate::Merged, None));
    assert_eq!(fate_at(&preview, "src/app.txt"), (Fate::Added, None));
    let text = read(&dir, "app.txt");
    assert!(
        text.contains("two (mine)") && text.contains("nine (new)"),
        "{text}"
    );
    assert_eq!(read(&dir, "src/app.txt"), "new file\n");
}
