//! The base of `sprout update` as `sprout new` and `sprout update` keep it at
//! `refs/sprout/base`: exactly the masked render (the record's ids, modes kept), every id it
//! names present in the object store, and no blob written twice that `git add` already stored.
//! Real binary, real git, a fixture template folder.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Scratch, sprout};
use crate::update::git;

const MANIFEST: &str = r#"title = "Base"
description = "Every kind of file the update base holds"
port = 4000
name_rule = "npm"

[secrets]
token = 20

[commands]
install = "true"
lint = "true"
test = "true"
start = "sleep 1"

[[file]]
path = ".env.hbs"
secret = true

[[file]]
path = "config.txt.hbs"
secret = true

[[file]]
path = "bin/"
executable = true
"#;

const TOKEN: &str = "SPROUTSECRET_TOKEN_MASKED";

/// A stack on the built-in shared layer whose render has: a secret in a file the project
/// ignores (`.env`) and in one it commits (`config.txt`), a file git stores with other line
/// endings than sprout writes (`run.cmd`: CRLF under `text eol=crlf`), an executable, and plain
/// files.
fn base_stack(dir: &Path) {
    crate::templates::write_stack(dir, "# {{name}}\n\nline a\nline b\n");
    let files = dir.join("files");
    fs::create_dir_all(files.join("bin")).unwrap();
    fs::write(dir.join("sprout.toml"), MANIFEST).unwrap();
    fs::write(files.join(".gitignore"), ".env\n").unwrap();
    fs::write(files.join(".gitattributes"), "*.cmd text eol=crlf\n").unwrap();
    fs::write(files.join(".env.hbs"), "TOKEN={{secrets.token}}\n").unwrap();
    fs::write(files.join("config.txt.hbs"), "token: {{secrets.token}}\n").unwrap();
    fs::write(files.join("run.cmd"), "@echo off\r\necho run\r\n").unwrap();
    fs::write(files.join("bin/start"), "#!/bin/sh\necho start\n").unwrap();
    fs::write(files.join("notes.txt"), "notes\n").unwrap();
}

/// `sprout new demo --template <scratch>/stack --yes` with git, only the configuration given
/// (an identity, then `extra`); the project's folder and sprout's stdout.
fn new_with_git(s: &Scratch, extra: &str) -> (PathBuf, String) {
    base_stack(&s.join("stack"));
    let config = s.join("gitconfig");
    fs::write(
        &config,
        format!("[user]\n  name = T\n  email = t@example.com\n{extra}"),
    )
    .unwrap();
    let said = run(
        s,
        sprout()
            .args(["new", "demo", "--template"])
            .arg(s.join("stack"))
            .args(["--yes", "--no-preflight", "-o"])
            .arg(s.join("out"))
            .env("GIT_CONFIG_GLOBAL", &config)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", s.path())
            .env_remove("GIT_AUTHOR_NAME")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("GIT_COMMITTER_NAME")
            .env_remove("GIT_COMMITTER_EMAIL"),
    );
    (s.join("out/demo"), said)
}

/// `cmd` without the user's sprout configuration, which must succeed; its stdout.
fn run(s: &Scratch, cmd: &mut assert_cmd::Command) -> String {
    let out = cmd
        .env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A git setting naming `file` in the scratch folder, for [`new_with_git`].
fn setting(s: &Scratch, section: &str, key: &str, file: &str) -> String {
    format!("[{section}]\n  {key} = {}\n", s.join(file).display())
}

/// The record's `[files]`: path → blob id (secrets masked).
fn recorded(dir: &Path) -> BTreeMap<String, String> {
    let record: toml::Table = fs::read_to_string(dir.join(".sprout.toml"))
        .unwrap()
        .parse()
        .unwrap();
    record["files"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(path, id)| (path.clone(), id.as_str().unwrap().to_string()))
        .collect()
}

/// Path → (mode, blob id) of a commit's tree.
fn tree(dir: &Path, commit: &str) -> BTreeMap<String, (String, String)> {
    git(dir, &["ls-tree", "-r", commit])
        .lines()
        .map(|line| {
            let (meta, path) = line.split_once('\t').unwrap();
            let [mode, "blob", id] = meta.split(' ').collect::<Vec<_>>()[..] else {
                panic!("not a blob: {line}");
            };
            (path.to_string(), (mode.to_string(), id.to_string()))
        })
        .collect()
}

fn ids(tree: &BTreeMap<String, (String, String)>) -> BTreeMap<String, String> {
    tree.iter()
        .map(|(path, (_, id))| (path.clone(), id.clone()))
        .collect()
}

/// A `post-commit` hook that lists the objects the store holds once sprout's first commit is
/// made, for [`written_by_base`]; the setting that installs it, for [`new_with_git`].
fn listing_hook(s: &Scratch) -> String {
    let hooks = s.join("hooks");
    fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("post-commit");
    fs::write(
        &hook,
        format!(
            "#!/bin/sh
git cat-file --batch-all-objects --batch-check='%(objectname)' > '{}'\n",
            s.join("after-commit").display()
        ),
    )
    .unwrap();
    fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    setting(s, "core", "hooksPath", "hooks")
}

/// The objects of this kind that `sprout new` stored after its first commit (none was made:
/// every object), that is, for the base.
fn written_by_base(s: &Scratch, dir: &Path, kind: &str) -> BTreeSet<String> {
    let before: BTreeSet<String> = fs::read_to_string(s.join("after-commit"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname) %(objecttype)",
        ],
    )
    .lines()
    .filter_map(|line| line.split_once(' '))
    .filter(|(id, k)| *k == kind && !before.contains(*id))
    .map(|(id, _)| id.to_string())
    .collect()
}

/// The pack indexes in the object store (only fast-import writes packs here).
fn packs(dir: &Path) -> BTreeSet<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join(".git/objects/pack")) else {
        return BTreeSet::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect()
}

/// The blobs held in these packs.
fn packed_blobs(dir: &Path, packs: &BTreeSet<PathBuf>) -> BTreeSet<String> {
    packed(dir, packs, "blob")
}

/// The objects of this kind held in these packs.
fn packed(dir: &Path, packs: &BTreeSet<PathBuf>, kind: &str) -> BTreeSet<String> {
    packs
        .iter()
        .flat_map(|idx| {
            git(dir, &["verify-pack", "-v", idx.to_str().unwrap()])
                .lines()
                .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
                    [id, k, ..] if k == kind => Some(id.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn show(dir: &Path, object: &str) -> String {
    git(dir, &["cat-file", "-p", object])
}

/// The base is the record's masked render and names only objects the store holds.
fn assert_base_is_the_record(dir: &Path) -> BTreeMap<String, (String, String)> {
    let base = tree(dir, "refs/sprout/base");
    assert_eq!(ids(&base), recorded(dir), "the base holds the recorded ids");
    git(dir, &["fsck", "--no-dangling", "--connectivity-only"]);
    base
}

#[test]
fn the_base_sprout_new_keeps_is_exactly_the_masked_render() {
    let s = Scratch::new();
    let (dir, said) = new_with_git(&s, "");
    assert!(
        said.contains("git: initialised with a first commit"),
        "{said}"
    );
    let base = assert_base_is_the_record(&dir);

    // The ignored file is in the base, not in the first commit.
    let head = tree(&dir, "HEAD");
    assert!(base.contains_key(".env") && !head.contains_key(".env"));
    // Secrets masked, in the ignored file and in the committed one.
    let secret = fs::read_to_string(dir.join("config.txt")).unwrap();
    let secret = secret.strip_prefix("token: ").unwrap().trim_end();
    assert!(!secret.contains(TOKEN) && !secret.is_empty());
    assert_eq!(
        show(&dir, "refs/sprout/base:.env"),
        format!("TOKEN={TOKEN}\n")
    );
    assert_eq!(
        show(&dir, "refs/sprout/base:config.txt"),
        format!("token: {TOKEN}\n")
    );
    // What sprout wrote, byte for byte: git's first commit holds run.cmd with LF endings.
    assert_eq!(
        show(&dir, "refs/sprout/base:run.cmd"),
        "@echo off\r\necho run\r\n"
    );
    assert_eq!(show(&dir, "HEAD:run.cmd"), "@echo off\necho run\n");
    // Modes kept.
    for (path, (mode, _)) in &base {
        let expected = if path == "bin/start" {
            "100755"
        } else {
            "100644"
        };
        assert_eq!(mode, expected, "{path}");
    }
}

#[test]
fn the_base_sprout_new_keeps_writes_only_the_blobs_git_add_did_not_store() {
    let s = Scratch::new();
    let (dir, _) = new_with_git(&s, &listing_hook(&s));
    let base = assert_base_is_the_record(&dir);
    let committed: BTreeSet<String> = ids(&tree(&dir, "HEAD")).into_values().collect();
    let written_again = written_by_base(&s, &dir, "blob");
    let not_stored: BTreeSet<String> = ids(&base)
        .into_values()
        .filter(|id| !committed.contains(id))
        .collect();
    assert_eq!(written_again, not_stored);
    // That is the ignored file, the committed secret (masked) and the file git stored with other
    // line endings; the plain files and the executable are the blobs of the first commit.
    let by_path = |p: &str| base[p].1.clone();
    assert_eq!(
        not_stored,
        BTreeSet::from([by_path(".env"), by_path("config.txt"), by_path("run.cmd")])
    );
    // The folders whose files are all stored (`bin/`, `.github/`) are the first commit's trees:
    // the only tree written is the top one, which holds the others.
    assert_eq!(
        written_by_base(&s, &dir, "tree"),
        BTreeSet::from([git(&dir, &["rev-parse", "refs/sprout/base^{tree}"])
            .trim()
            .to_string()])
    );
    assert_eq!(
        git(&dir, &["rev-parse", "refs/sprout/base:bin"]),
        git(&dir, &["rev-parse", "HEAD:bin"])
    );
}

#[test]
fn a_file_the_users_own_ignore_rules_refuse_is_in_the_base() {
    let s = Scratch::new();
    fs::write(s.join("excludes"), "notes.txt\n").unwrap();
    let config = setting(&s, "core", "excludesFile", "excludes") + &listing_hook(&s);
    let (dir, said) = new_with_git(&s, &config);
    assert!(
        said.contains("git: initialised with a first commit"),
        "{said}"
    );
    let base = assert_base_is_the_record(&dir);
    assert!(!tree(&dir, "HEAD").contains_key("notes.txt"));
    assert_eq!(show(&dir, "refs/sprout/base:notes.txt"), "notes\n");
    assert!(written_by_base(&s, &dir, "blob").contains(&base["notes.txt"].1));
}

#[test]
fn when_git_add_stores_nothing_the_base_still_holds_every_file() {
    // A `git init` template holding an index lock: `git add` fails, no blob is stored.
    let s = Scratch::new();
    fs::create_dir(s.join("git-template")).unwrap();
    fs::write(s.join("git-template/index.lock"), "").unwrap();
    let config = setting(&s, "init", "templateDir", "git-template") + &listing_hook(&s);
    let (dir, said) = new_with_git(&s, &config);
    assert!(
        said.contains("nothing committed (`git add` failed"),
        "{said}"
    );
    let base = assert_base_is_the_record(&dir);
    let all: BTreeSet<String> = ids(&base).into_values().collect();
    assert_eq!(written_by_base(&s, &dir, "blob"), all);
}

#[test]
fn an_update_moves_the_base_on_writing_only_the_blobs_the_store_lacks() {
    let s = Scratch::new();
    let (dir, _) = new_with_git(&s, "");
    let previous = git(&dir, &["rev-parse", "refs/sprout/base"]);
    let before = assert_base_is_the_record(&dir);
    let packs_before = packs(&dir);
    fs::write(
        s.join("stack/files/README.md.hbs"),
        "# {{name}}\n\nline a\nline b\nline c\n",
    )
    .unwrap();
    fs::write(s.join("stack/files/bin/stop"), "#!/bin/sh\necho stop\n").unwrap();
    run(&s, sprout().arg("update").arg(&dir));

    let after = assert_base_is_the_record(&dir);
    assert_eq!(
        git(&dir, &["rev-parse", "refs/sprout/base^"]),
        previous,
        "the new base follows the previous one"
    );
    assert_eq!(after["bin/stop"].0, "100755");
    assert_eq!(
        show(&dir, "refs/sprout/base:.env"),
        format!("TOKEN={TOKEN}\n")
    );
    // Only the changed and the new file are written; the others are named by id.
    let new_packs: BTreeSet<PathBuf> = packs(&dir).difference(&packs_before).cloned().collect();
    assert_eq!(
        packed_blobs(&dir, &new_packs),
        BTreeSet::from([after["README.md"].1.clone(), after["bin/stop"].1.clone()])
    );
    assert_ne!(after["README.md"], before["README.md"]);
}
