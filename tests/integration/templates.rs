//! Templates that are not built in: a folder or a git repository given with `--template`, extra
//! roots from the configuration file and `SPROUT_TEMPLATES`, what a project records of them, and
//! what such a template may not do (escape its root or the project, run commands unasked).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{STACK, Scratch, sprout};
use crate::update::git;

/// A minimal stack on the built-in shared layer. Its install command leaves a marker file, so a
/// test can tell whether it ran.
pub(crate) fn write_stack(dir: &Path, readme: &str) {
    fs::create_dir_all(dir.join("files")).unwrap();
    fs::create_dir_all(dir.join("partials")).unwrap();
    fs::write(
        dir.join("sprout.toml"),
        "title = \"Golden\"\ndescription = \"The platform team's service\"\nport = 4000\n\
         name_rule = \"npm\"\n\n[commands]\ninstall = \"touch installed-marker\"\n\
         lint = \"true\"\ntest = \"true\"\nstart = \"sleep 1\"\n",
    )
    .unwrap();
    fs::write(dir.join("files/README.md.hbs"), readme).unwrap();
    fs::write(
        dir.join("partials/ci-setup.hbs"),
        "      - run: echo setup\n",
    )
    .unwrap();
    fs::write(dir.join("partials/compose-app-env.hbs"), "      APP: x\n").unwrap();
}

/// `sprout` without the user's configuration: an empty config folder in the scratch folder, no
/// SPROUT_TEMPLATES.
fn isolated(s: &Scratch) -> assert_cmd::Command {
    let mut cmd = sprout();
    cmd.env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES");
    cmd
}

/// `sprout new NAME --template SOURCE --yes --no-git -o <scratch>/out` plus `extra`.
fn new_from(s: &Scratch, source: &str, name: &str, extra: &[&str]) -> Output {
    isolated(s)
        .args(["new", name, "--template", source, "--yes", "--no-git", "-o"])
        .arg(s.join("out"))
        .args(extra)
        .output()
        .unwrap()
}

/// [`new_from`], which must succeed; the project's folder.
fn generated(s: &Scratch, source: &str, name: &str, extra: &[&str]) -> PathBuf {
    let out = new_from(s, source, name, extra);
    assert!(out.status.success(), "{}", stderr(&out));
    s.join("out").join(name)
}

/// [`new_from`], which must fail with `code` and write nothing; its stderr.
fn refused(s: &Scratch, source: &str, code: i32, extra: &[&str]) -> String {
    let out = new_from(s, source, "demo", extra);
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    assert!(!s.join("out/demo").exists(), "nothing may be written");
    stderr(&out)
}

/// `sprout ARGS` in isolation, which must end with `code`; stdout and stderr.
fn run(s: &Scratch, args: &[&str], code: i32) -> (String, String) {
    let out = isolated(s).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn text(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn record(project: &Path) -> toml::Table {
    fs::read_to_string(project.join(".sprout.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

fn readme(project: &Path) -> String {
    fs::read_to_string(project.join("README.md")).unwrap()
}

#[test]
fn a_folder_template_generates_records_its_source_and_is_listed_from_sprout_templates() {
    let s = Scratch::new();
    let source = s.join("golden");
    write_stack(&source, "# {{name}}\n\nMade from the golden path.\n");

    let project = generated(&s, text(&source), "demo", &[]);
    assert_eq!(readme(&project), "# demo\n\nMade from the golden path.\n");
    // The built-in shared layer came along.
    assert!(project.join("LICENSE").is_file());
    let record = record(&project);
    assert_eq!(record["stack"].as_str(), Some("golden"));
    assert_eq!(record["template"].as_str(), Some(text(&source)));
    assert!(record.get("template_commit").is_none());

    // The record makes the project again, from the same template.
    let again = isolated(&s)
        .args(["new", "--answers", text(&project.join(".sprout.toml"))])
        .args(["--yes", "--no-git", "-o"])
        .arg(s.join("again"))
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(readme(&s.join("again/demo")), readme(&project));

    let listed = isolated(&s)
        .env("SPROUT_TEMPLATES", s.path())
        .args(["list", "--json"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{}", stderr(&listed));
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let list = list.as_array().unwrap();
    let golden = list.iter().find(|s| s["key"] == "golden").unwrap();
    assert_eq!(golden["source"], text(s.path()));
    assert!(
        list.iter()
            .any(|s| s["key"] == STACK && s["source"] == "built-in")
    );

    let show = isolated(&s)
        .env("SPROUT_TEMPLATES", s.path())
        .args(["show", "golden"])
        .output()
        .unwrap();
    assert!(show.status.success(), "{}", stderr(&show));
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(show.contains("The platform team's service"), "{show}");
    assert!(
        show.contains(&format!("From the template {}", text(s.path()))),
        "{show}"
    );
}

/// A repository with the stack at tag v1 and a later commit on main that changes it; the
/// commit of v1.
fn repository(at: &Path) -> (PathBuf, String) {
    let repo = at.join("golden-api");
    write_stack(&repo, "# {{name}}\n\nversion one\n");
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "v1"]);
    git(&repo, &["tag", "v1"]);
    let v1 = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    fs::write(
        repo.join("files/README.md.hbs"),
        "# {{name}}\n\nversion two\n",
    )
    .unwrap();
    git(&repo, &["commit", "--quiet", "-am", "v2"]);
    (repo, v1)
}

#[test]
fn a_git_template_at_a_tag_generates_records_its_commit_and_is_listed_from_the_config_file() {
    let s = Scratch::new();
    let (repo, v1) = repository(s.path());
    let url = format!("file://{}", repo.display());

    let project = generated(&s, &format!("{url}#v1"), "tagged", &[]);
    assert!(readme(&project).contains("version one"));
    let recorded = record(&project);
    assert_eq!(recorded["stack"].as_str(), Some("golden-api"));
    assert_eq!(
        recorded["template"].as_str(),
        Some(format!("{url}#v1").as_str())
    );
    assert_eq!(recorded["template_commit"].as_str(), Some(v1.as_str()));

    // A commit is a reference too; without one, the default branch.
    let pinned = generated(&s, &format!("{url}#{v1}"), "pinned", &[]);
    assert!(readme(&pinned).contains("version one"));
    let newest = generated(&s, &url, "newest", &[]);
    assert!(readme(&newest).contains("version two"));

    fs::create_dir_all(s.join("config/sprout")).unwrap();
    fs::write(
        s.join("config/sprout/config.toml"),
        format!("templates = [\"{url}\"]\n"),
    )
    .unwrap();
    let (list, _) = run(&s, &["list"], 0);
    let line = list.lines().find(|l| l.starts_with("golden-api"));
    assert!(
        line.is_some_and(|l| l.ends_with(&format!("[{url}]"))),
        "{list}"
    );

    // A reference that does not exist is a clear error, with its own exit code.
    let err = refused(&s, &format!("{url}#v9"), 12, &[]);
    assert!(err.contains("`v9`"), "{err}");
}

#[test]
fn update_reads_the_recorded_source_again_and_says_when_it_is_gone() {
    let s = Scratch::new();
    let source = s.join("golden");
    write_stack(&source, "# {{name}}\n\nversion one\n");
    let project = generated(&s, text(&source), "demo", &[]);

    fs::write(
        source.join("files/README.md.hbs"),
        "# {{name}}\n\nversion two\n",
    )
    .unwrap();
    run(&s, &["check", text(&project)], 6);
    run(&s, &["update", "--allow-dirty", text(&project)], 0);
    assert!(readme(&project).contains("version two"));

    let moved = s.join("moved");
    fs::rename(&source, &moved).unwrap();
    let (_, err) = run(&s, &["check", text(&project)], 12);
    assert!(err.contains(&format!("{} that", text(&source))), "{err}");
    assert!(err.contains("is gone"), "{err}");
    assert!(err.contains("--template"), "{err}");

    // Pointed at where it is now, the project is current, and the record follows it.
    let (out, _) = run(
        &s,
        &["update", "--template", text(&moved), text(&project)],
        0,
    );
    assert!(out.contains("the project is current"), "{out}");
    assert_eq!(record(&project)["template"].as_str(), Some(text(&moved)));
    run(&s, &["check", text(&project)], 0);
}

#[test]
fn a_collection_has_its_own_shared_layer_and_stack_picks_one() {
    let s = Scratch::new();
    let root = s.join("collection");
    write_stack(&root.join("alpha"), "alpha {{name}}\n");
    write_stack(&root.join("beta"), "beta {{name}}\n");
    fs::create_dir_all(root.join("_shared/files")).unwrap();
    fs::write(
        root.join("_shared/options.toml"),
        "tail = []\n\n[[head]]\nkey = \"name\"\ntype = \"text\"\nprompt = \"Name\"\n",
    )
    .unwrap();
    fs::write(root.join("_shared/shared.toml"), "").unwrap();
    fs::write(root.join("_shared/files/NOTICE"), "ours\n").unwrap();

    let err = refused(&s, text(&root), 2, &[]);
    assert!(err.contains("alpha, beta"), "{err}");

    let project = generated(&s, text(&root), "demo", &["--stack", "beta"]);
    assert_eq!(readme(&project), "beta demo\n");
    assert_eq!(
        fs::read_to_string(project.join("NOTICE")).unwrap(),
        "ours\n"
    );
    // Its own shared layer replaces the built-in one: no built-in LICENSE.
    assert!(!project.join("LICENSE").exists());
}

#[test]
fn a_partial_outside_the_template_is_refused() {
    let s = Scratch::new();
    let source = s.join("golden");
    write_stack(&source, "{{> ../../etc/passwd}}\n");
    let err = refused(&s, text(&source), 12, &[]);
    assert!(err.contains("`../../etc/passwd`"), "{err}");
    assert!(err.contains("outside the template"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_template_is_refused() {
    let s = Scratch::new();
    let source = s.join("golden");
    write_stack(&source, "# {{name}}\n");
    std::os::unix::fs::symlink("/etc/passwd", source.join("files/passwd")).unwrap();
    let err = refused(&s, text(&source), 12, &[]);
    assert!(err.contains("files/passwd is a symbolic link"), "{err}");
}

#[test]
fn a_file_written_outside_the_project_is_refused() {
    let s = Scratch::new();
    let source = s.join("golden");
    write_stack(&source, "# {{name}}\n");
    fs::write(source.join("files/x"), "escaped\n").unwrap();
    let manifest = fs::read_to_string(source.join("sprout.toml")).unwrap();
    let with_rule = |to: &str| {
        let rule = format!("\n[[file]]\npath = \"x\"\nto = \"{to}\"\n");
        fs::write(source.join("sprout.toml"), format!("{manifest}{rule}")).unwrap();
    };

    with_rule("../x");
    let err = refused(&s, text(&source), 12, &[]);
    assert!(err.contains("`to = \"../x\"`"), "{err}");
    assert!(err.contains("the template is at fault"), "{err}");

    // The same through a rendered path, which only the render can see: a render error of the
    // template, with the same exit as the rule refused above (12).
    with_rule("{{name}}/../../x");
    let err = refused(&s, text(&source), 12, &[]);
    assert!(err.contains("leaves the project"), "{err}");
    assert!(!s.path().join("x").exists());
}

#[test]
fn a_stack_named_like_a_built_in_one_is_an_error_naming_both() {
    let s = Scratch::new();
    write_stack(&s.join(&format!("roots/{STACK}")), "# {{name}}\n");
    let out = isolated(&s)
        .env("SPROUT_TEMPLATES", s.join("roots"))
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("stack `{STACK}` is defined twice")),
        "{err}"
    );
    assert!(err.contains("sprout's built-in templates"), "{err}");
    assert!(err.contains(text(&s.join("roots"))), "{err}");
}

#[test]
fn an_untrusted_templates_commands_run_only_with_trust() {
    let s = Scratch::new();
    let source = s.join("golden");
    write_stack(&source, "# {{name}}\n");
    let install = ["--no-preflight", "--install"];

    let err = refused(&s, text(&source), 13, &install);
    assert!(err.contains("is not built into sprout"), "{err}");
    assert!(err.contains("touch installed-marker"), "{err}");
    assert!(err.contains("--trust"), "{err}");

    let project = generated(
        &s,
        text(&source),
        "demo",
        &[&install[..], &["--trust"]].concat(),
    );
    assert!(project.join("installed-marker").is_file());

    // verify runs the template's commands too: only with --trust.
    fs::remove_file(project.join("installed-marker")).unwrap();
    let (_, err) = run(&s, &["verify", text(&project)], 13);
    assert!(err.contains("touch installed-marker"), "{err}");
    assert!(!project.join("installed-marker").exists());
}
