//! `sprout template check|test|new`: each seeded fault is found at its file, line and column;
//! the scaffold passes `check` and `test`; the built-in stacks pass `check`.

use std::path::{Path, PathBuf};

use sprout::answers::Given;
use sprout::generate::prepare;
use sprout::template::folder::Folder;

use crate::common::sprout;

/// A template made by `template new` in a scratch folder, to seed faults into.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::named("svc")
    }

    fn named(name: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = sprout::template::scaffold::create(name, dir.path()).unwrap();
        Fixture { _dir: dir, path }
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }

    /// Replace the first `from` in `rel` (which must hold it) by `to`.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.file(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn append(&self, rel: &str, text: &str) {
        let path = self.file(rel);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{before}{text}")).unwrap();
    }

    /// `file:line:column: ` of the first `needle` in `rel` (plus `skip` characters).
    fn at(&self, rel: &str, needle: &str, skip: usize) -> String {
        let (line, column) = position(&self.file(rel), needle, skip);
        format!("{}:{line}:{column}: ", self.file(rel).display())
    }

    /// `sprout template check` on the fixture: its exit code and stdout.
    fn check(&self) -> (i32, String) {
        check(&self.path)
    }
}

fn check(path: &Path) -> (i32, String) {
    let out = sprout()
        .args(["template", "check"])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// 1-based line and column (in characters) of the first `needle` in the file, plus `skip`.
fn position(path: &Path, needle: &str, skip: usize) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?}")) + skip;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The finding that starts with `place` and holds `words`, else a panic showing the output.
fn assert_finding(output: &str, place: &str, words: &str) {
    assert!(
        output
            .lines()
            .any(|l| l.starts_with(place) && l.contains(words)),
        "no finding at {place} with {words:?} in:\n{output}"
    );
}

#[test]
fn a_rule_whose_path_matches_no_file_is_reported_at_its_line() {
    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "path = \"Dockerfile.hbs\"",
        "path = \"Dockerfil.hbs\"",
    );

    // The fault: the rule applies to nothing, so the Dockerfile is written without its condition.
    let folder = Folder::open(&fixture.path).unwrap();
    let stack = folder.catalog.load("svc").unwrap();
    let given = Given {
        set: vec![
            ("name".into(), "demo".into()),
            ("docker".into(), "false".into()),
        ],
        file: None,
    };
    let (_, project) = prepare(&stack, &given, None).unwrap();
    assert!(project.files.iter().any(|f| f.path == "Dockerfile"));
    assert_eq!(
        sprout::template::check::unused(&stack),
        ["rule `Dockerfil.hbs` matches no file"]
    );

    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"Dockerfil.hbs\"", 0),
        "matches no file under files/, so the rule does nothing; did you mean `Dockerfile.hbs`?",
    );
}

#[test]
fn a_condition_on_an_unknown_option_is_reported_at_its_key() {
    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "when = { hello = true }",
        "when = { helo = true }",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "helo = true", 0),
        "condition on `helo`, which is not an option asked before it; did you mean `hello`?",
    );
}

#[test]
fn a_condition_on_a_value_that_is_not_a_choice_is_reported() {
    let fixture = Fixture::new();
    fixture.append(
        "sprout.toml",
        "\n[[file]]\npath = \"app/hello.py\"\nwhen = { license = \"mit\" }\n",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "license = \"mit\"", 0),
        "`mit` is not one of the choices; did you mean `MIT`?",
    );
}

#[test]
fn a_default_of_the_wrong_type_is_reported_at_the_default() {
    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "default = true", "default = \"yes\"");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"yes\"", 0),
        "default of `hello` \"yes\" is a string; `hello` is a bool",
    );
}

#[test]
fn unknown_and_missing_manifest_keys_and_broken_toml_are_reported() {
    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "order = 100", "order = 100\ntitel = \"x\"");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "titel", 0),
        "unknown field `titel`",
    );

    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "port = 8000\n", "");
    let (_, output) = fixture.check();
    assert_finding(
        &output,
        &format!("{}:", fixture.file("sprout.toml").display()),
        "missing field `port`",
    );

    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "port = 8000", "port = 80 00");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    let (line, _) = position(&fixture.file("sprout.toml"), "port = 80 00", 0);
    assert_finding(
        &output,
        &format!("{}:{line}:", fixture.file("sprout.toml").display()),
        "",
    );
}

#[test]
fn an_undefined_variable_is_reported_at_its_line_and_column() {
    let fixture = Fixture::new();
    fixture.edit(
        "files/README.md.hbs",
        "Python 3.11 or newer",
        "Python {{python_version}} or newer",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("files/README.md.hbs", "{{python_version}}", 0),
        "`python_version` is not defined",
    );
}

#[test]
fn a_variable_undefined_in_one_combination_names_that_combination() {
    let fixture = Fixture::new();
    fixture.append(
        "files/README.md.hbs",
        "{{#unless hello}}\nWithout hello: {{goodbye}}\n{{/unless}}\n",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("files/README.md.hbs", "{{goodbye}}", 0),
        "hello=no",
    );
}

#[test]
fn an_undefined_variable_in_a_step_is_reported_at_the_step() {
    let fixture = Fixture::new();
    fixture.append(
        "sprout.toml",
        "\n[[step]]\nrun = \"echo {{greeting}}\"\nwhen = { hello = false }\n",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"echo {{greeting}}\"", 0),
        "step `run`: `greeting` is not defined",
    );
}

#[test]
fn a_template_that_does_not_parse_is_reported_at_its_line() {
    let fixture = Fixture::new();
    fixture.append("files/notes.txt.hbs", "first line\nsecond {{#if hello}\n");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &format!("{}:2:", fixture.file("files/notes.txt.hbs").display()),
        "invalid handlebars syntax",
    );
}

#[test]
fn a_missing_required_partial_is_reported_where_it_is_called() {
    let fixture = Fixture::new();
    std::fs::remove_file(fixture.file("partials/ci-setup.hbs")).unwrap();
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("templates/_shared/files/.github/workflows/ci.yml.hbs");
    let (line, column) = position(&shared, "{{> ci-setup}}", 0);
    assert_finding(
        &output,
        &format!("(built-in) _shared/files/.github/workflows/ci.yml.hbs:{line}:{column}: "),
        &format!(
            "partial `ci-setup` does not exist for stack `svc`: add {}",
            fixture.file("partials/ci-setup.hbs").display()
        ),
    );
}

#[test]
fn a_structured_file_that_renders_invalid_is_reported() {
    let fixture = Fixture::new();
    fixture.append("files/config.json", "{\n  \"port\": 8000,\n}\n");
    fixture.append("files/settings.yaml.hbs", "name: {{name}}\nlist: [1, 2\n");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    // Copied as it is: the position in the file is the position in the output.
    assert_finding(
        &output,
        &format!("{}:3:1: ", fixture.file("files/config.json").display()),
        "config.json is not valid JSON",
    );
    assert_finding(
        &output,
        &format!("{}:", fixture.file("files/settings.yaml.hbs").display()),
        "settings.yaml is not valid YAML (line 3, column 1 of the rendered file)",
    );
}

#[test]
fn a_file_no_combination_writes_is_reported_at_the_rule_that_excludes_it() {
    let fixture = Fixture::new();
    fixture.append(
        "sprout.toml",
        "\n[[file]]\npath = \"app/\"\nwhen = { hello = false }\n",
    );
    let stack = Folder::open(&fixture.path)
        .unwrap()
        .catalog
        .load("svc")
        .unwrap();
    assert_eq!(
        sprout::template::check::unused(&stack),
        ["no combination writes `app/hello.py`"]
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "hello = false", 0),
        &format!(
            "no combination of answers writes {}:",
            fixture.file("files/app/hello.py").display()
        ),
    );
}

#[test]
fn a_file_holding_a_secret_needs_a_secret_rule() {
    let fixture = Fixture::new();
    fixture.append("sprout.toml", "\n[secrets]\ntoken = 32\n");
    fixture.append("files/token.txt.hbs", "TOKEN={{secrets.token}}\n");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &format!("{}:1:1: ", fixture.file("files/token.txt.hbs").display()),
        "token.txt holds a generated secret: give it a rule with `secret = true`",
    );
}

#[test]
fn the_stack_key_rule_is_enforced() {
    let fixture = Fixture::named("svc");
    let renamed = fixture.path.with_file_name("My_Stack");
    std::fs::rename(&fixture.path, &renamed).unwrap();
    let (code, output) = check(&renamed);
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &format!("{}:1:1: ", renamed.join("sprout.toml").display()),
        "the stack's folder name `My_Stack` is its key",
    );
}

#[test]
fn json_output_lists_every_finding_with_its_place() {
    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "path = \"Dockerfile.hbs\"",
        "path = \"Dockerfil.hbs\"",
    );
    let out = sprout()
        .args(["template", "check", "--json"])
        .arg(&fixture.path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(11));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let (line, column) = position(&fixture.file("sprout.toml"), "\"Dockerfil.hbs\"", 0);
    let finding = &report["findings"][0];
    assert_eq!(
        finding["file"],
        fixture.file("sprout.toml").display().to_string()
    );
    assert_eq!(finding["line"], line);
    assert_eq!(finding["column"], column);
}

#[test]
fn a_partial_outside_the_template_is_refused_as_sprout_new_refuses_it() {
    let fixture = Fixture::new();
    fixture.append("files/README.md.hbs", "{{> ../../etc/passwd}}\n");
    let (code, output) = fixture.check();
    assert_eq!(code, 12, "{output}");
    assert!(
        output.contains("uses the partial `../../etc/passwd`, which is outside the template"),
        "{output}"
    );

    let scratch = tempfile::tempdir().unwrap();
    let new = sprout()
        .env("XDG_CONFIG_HOME", scratch.path())
        .env_remove("SPROUT_TEMPLATES")
        .args(["new", "demo", "--yes", "--no-git", "--template"])
        .arg(&fixture.path)
        .arg("-o")
        .arg(scratch.path())
        .output()
        .unwrap();
    assert_eq!(new.status.code(), Some(12));
    assert_eq!(String::from_utf8_lossy(&new.stderr), output);
}

#[test]
fn a_folder_that_is_not_a_template_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sprout()
        .args(["template", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a template folder"));
}

#[test]
fn the_built_in_stacks_pass_check() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let (code, output) = check(&templates);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains(": ok ("), "{output}");
    // One stack on its own builds on the built-in shared layer.
    let (code, output) = check(&templates.join("express"));
    assert_eq!(code, 0, "{output}");
}

#[test]
fn template_new_writes_a_template_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = sprout()
        .args(["template", "new", "billing"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("billing");
    let (code, output) = check(&path);
    assert_eq!(code, 0, "{output}");

    // One option, a conditional file, an executable file, tests.
    let folder = Folder::open(&path).unwrap();
    let stack = folder.catalog.load("billing").unwrap();
    assert!(stack.option("hello").is_some());
    assert!(stack.rules.iter().any(|r| !r.when.is_empty()));
    assert!(stack.rules.iter().any(|r| r.executable));
    assert!(path.join("files/tests/test_health.py").is_file());
    // The stack has no database layer and does not offer one.
    match &stack.option("database").unwrap().kind {
        sprout::stack::Kind::Choice(choices) => assert_eq!(choices, &["none"]),
        other => panic!("{other:?}"),
    }

    // A second time into the same place is refused, as `sprout new` refuses.
    let again = sprout()
        .args(["template", "new", "billing"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(3));
    let bad = sprout()
        .args(["template", "new", "Billing_Service"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// Slow: generates and verifies the scaffold's covering set (Python's standard library only).
#[test]
fn template_new_writes_a_template_that_passes_test() {
    let fixture = Fixture::named("pysvc");
    let out = sprout()
        .args(["template", "test", "--json", "--trust"])
        .arg(&fixture.path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["failed"], 0);
    let cases = report["cases"].as_array().unwrap();
    assert!(cases.len() >= 4, "{report:#}");
    // Both values of the stack's own option were generated and verified.
    assert!(
        cases
            .iter()
            .any(|c| c["combination"].as_str().unwrap().contains("hello=no"))
    );
    assert!(
        cases
            .iter()
            .any(|c| !c["combination"].as_str().unwrap().contains("hello=no"))
    );
}

#[test]
fn template_test_reports_the_failing_step_and_exits_9() {
    let fixture = Fixture::named("pysvc");
    // Only the combinations with hello=yes run this test; it fails.
    fixture.edit(
        "files/tests/test_hello.py",
        "\"message\": \"hello\"",
        "\"message\": \"bye\"",
    );
    let out = sprout()
        .args(["template", "test", "--trust"])
        .arg(&fixture.path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(9), "{stdout}");
    assert!(stdout.contains("step `test`"), "{stdout}");
    assert!(stdout.contains("AssertionError"), "{stdout}");
    let summary = stdout.lines().last().unwrap();
    let (passed, failed) = summary
        .split_once(" passed, ")
        .map(|(p, f)| (p.parse::<usize>().unwrap(), f.trim_end_matches(" failed")))
        .unwrap();
    assert!(passed >= 1, "{stdout}");
    assert!(failed.parse::<usize>().unwrap() >= 1, "{stdout}");
}

/// A template whose install hangs (a package manager that never ends, with a child of its own)
/// for hello=yes: each such case is stopped at the step timeout (20 s: a real install on a busy
/// machine must still fit) with its whole process group,
/// fails at `install`, and the cases after it run as if nothing had happened.
#[test]
fn a_hanging_install_is_stopped_at_the_step_timeout_and_every_case_is_reported_on_its_own() {
    let fixture = Fixture::named("hangs");
    fixture.edit(
        "sprout.toml",
        "install = \"python3 -m venv --without-pip .venv\"",
        "install = '''{{#if hello}}sh -c 'sleep 300 & echo $! >> \"$SPROUT_TEST_HUNG\"; sleep 300'{{else}}python3 -m venv --without-pip .venv{{/if}}'''",
    );
    let scratch = tempfile::tempdir().unwrap();
    let hung = scratch.path().join("hung-pids");
    let started = std::time::Instant::now();
    let out = sprout()
        .args([
            "template",
            "test",
            "--json",
            "--trust",
            "--step-timeout",
            "20",
        ])
        .arg(&fixture.path)
        .env("SPROUT_TEST_HUNG", &hung)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(9), "{report:#}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(280),
        "the hanging steps were not stopped: {:?}",
        started.elapsed()
    );
    let cases = report["cases"].as_array().unwrap();
    let (hanging, others): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) = cases
        .iter()
        .partition(|c| !c["combination"].as_str().unwrap().contains("hello=no"));
    assert!(!hanging.is_empty() && !others.is_empty(), "{report:#}");
    for case in &hanging {
        assert_eq!(case["ok"], false, "{case}");
        assert_eq!(case["failed_step"], "install", "{case}");
        assert!(
            case["status"]
                .as_str()
                .unwrap()
                .contains("timed out after 20s"),
            "{case}"
        );
    }
    for case in &others {
        assert_eq!(case["ok"], true, "a case after a hung one: {case}");
    }
    // Every process a hung install started is gone, the child it left running included.
    let pids = std::fs::read_to_string(&hung).unwrap();
    assert_eq!(pids.lines().count(), hanging.len(), "{pids}");
    for pid in pids.lines() {
        assert!(
            crate::update::gone(pid.trim()),
            "process {pid} outlived its step"
        );
    }
}

#[test]
fn check_names_the_key_or_partial_a_typo_was_meant_to_be() {
    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "order = 100", "ordr = 100");
    fixture.edit(
        "files/README.md.hbs",
        "{{> readme/license}}",
        "{{> readme/licence}}",
    );
    let out = sprout()
        .args(["template", "check"])
        .arg(&fixture.path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(11), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{}unknown key `ordr`; did you mean `order`?",
            fixture.at("sprout.toml", "ordr", 0)
        )),
        "{stdout}"
    );
    // Fixed, the partial's typo shows: a name near an existing partial is that partial.
    fixture.edit("sprout.toml", "ordr = 100", "order = 100");
    let out = sprout()
        .args(["template", "check"])
        .arg(&fixture.path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{}partial `readme/licence` does not exist for stack `svc`; did you mean `readme/license`?",
            fixture.at("files/README.md.hbs", "{{> readme/licence}}", 0)
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains("add "),
        "no new partial is suggested: {stdout}"
    );
}

/// The reproduction: `"description": "{{{description}}}"` renders valid JSON with the default
/// description, and invalid JSON with `He said "hi"`. check renders every free-text option with
/// hostile values and names the expression and the helper to use.
#[test]
fn a_free_text_option_written_unescaped_into_json_is_reported_at_its_expression() {
    let fixture = Fixture::new();
    fixture.append(
        "files/package.json.hbs",
        "{\n  \"name\": \"{{name}}\",\n  \"description\": \"{{{description}}}\"\n}\n",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("files/package.json.hbs", "{{{description}}}", 0),
        "`{{{description}}}` writes `description` without the escaping this place needs",
    );
    assert_finding(&output, "", "package.json is no longer valid JSON");
    assert_finding(&output, "", "write `{{json description}}`");

    // With the helper the quotes are its own, and check passes.
    fixture.edit(
        "files/package.json.hbs",
        "\"{{{description}}}\"",
        "{{json description}}",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 0, "{output}");
}

/// Each format a template writes code or configuration in: the unescaped value breaks it or
/// changes what it means (another key, a comment, a command), and is reported at the
/// expression with the format's helper; the same files written with the helpers pass.
#[test]
fn hostile_free_text_is_caught_in_every_format_and_the_helpers_keep_it_data() {
    let files: [(&str, &str, &str, &str); 7] = [
        (
            "settings.yaml.hbs",
            "title: {{description}}\nport: 1\n",
            "{{description}}",
            "yaml",
        ),
        (
            "meta.toml.hbs",
            "[meta]\nby = \"{{author}}\"\n",
            "{{author}}",
            "toml",
        ),
        (
            "about.xml.hbs",
            "<about>{{{description}}}</about>\n",
            "{{{description}}}",
            "xml",
        ),
        (
            ".env.example.hbs",
            "APP_TITLE=\"{{description}}\"\nDEBUG=0\n",
            "{{description}}",
            "env",
        ),
        (
            "app/about.py.hbs",
            "TITLE = '{{author}}'\nDEBUG = False\n",
            "{{author}}",
            "py",
        ),
        (
            "bin/hello.hbs",
            "#!/bin/sh\necho \"{{author}}\"\n",
            "{{author}}",
            "sh",
        ),
        (
            "about.rb.hbs",
            "TITLE = \"{{description}}\" # shown\n",
            "{{description}}",
            "rb",
        ),
    ];
    let fixture = Fixture::new();
    for (file, text, _, _) in files {
        fixture.append(&format!("files/{file}"), text);
    }
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    for (file, _, expression, helper) in files {
        let rel = format!("files/{file}");
        assert_finding(
            &output,
            &fixture.at(&rel, expression, 0),
            &format!("write `{{{{{helper} "),
        );
    }

    let fixture = Fixture::new();
    for (file, text, expression, helper) in files {
        let key = expression.trim_matches(['{', '}']);
        let quoted = text
            .replace(&format!("\"{expression}\""), expression)
            .replace(&format!("'{expression}'"), expression);
        let escaped = quoted.replace(expression, &format!("{{{{{helper} {key}}}}}"));
        fixture.append(&format!("files/{file}"), &escaped);
    }
    let (code, output) = fixture.check();
    assert_eq!(code, 0, "{output}");
}

/// `min` is read as written: a templated one is no version, reported at its value (it was
/// 1:1), as a templated number is (the port) and every other requirement fault is.
#[test]
fn a_templated_min_and_other_manifest_numbers_are_reported_at_their_value() {
    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "min = \"3.11\"", "min = \"{{python_min}}\"");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"{{python_min}}\"", 0),
        "is not a version (numbers and dots); `min` is read as written, not rendered",
    );

    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "port = 8000", "port = \"{{port}}\"");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"{{port}}\"", 0),
        "invalid type: string \"{{port}}\"",
    );

    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "check = \"python3 --version\"",
        "check = \" \"",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\" \"", 0),
        "requirement `python` has an empty `check`",
    );
}

/// Two syntax errors are two findings; so are an unknown key, a wrong type and an unknown key
/// in an `[[option]]`, each at its place (only the first was reported).
#[test]
fn every_toml_fault_is_reported_not_only_the_first() {
    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "order = 100", "order = 1 00");
    fixture.edit("sprout.toml", "port = 8000", "port = 80 00");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    for needle in ["1 00", "80 00"] {
        let (line, _) = position(&fixture.file("sprout.toml"), needle, 0);
        assert_finding(
            &output,
            &format!("{}:{line}:", fixture.file("sprout.toml").display()),
            "",
        );
    }
    assert!(output.contains("2 fault(s)"), "{output}");

    let fixture = Fixture::new();
    fixture.edit("sprout.toml", "order = 100", "ordr = 100");
    fixture.edit("sprout.toml", "port = 8000", "port = \"8000\"");
    fixture.edit(
        "sprout.toml",
        "help = \"A second endpoint with its test\"",
        "hlep = \"A second endpoint with its test\"",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "ordr", 0),
        "did you mean `order`?",
    );
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"8000\"", 0),
        "invalid type: string \"8000\", expected u16",
    );
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "hlep", 0),
        "did you mean `help`?",
    );
    assert!(output.contains("3 fault(s)"), "{output}");
}

/// `sprout new --template` on a faulty template names the place `template check` names (the
/// manifest's line and column, the template's for a partial) and the same "did you mean".
#[test]
fn generation_errors_keep_the_place_and_hint_check_gives() {
    let cases: [(&str, &str, &str, &str, &str); 4] = [
        (
            "sprout.toml",
            "order = 100",
            "ordr = 100",
            "ordr",
            "did you mean `order`?",
        ),
        (
            "sprout.toml",
            "min = \"3.11\"",
            "min = \"{{python_min}}\"",
            "\"{{python_min}}\"",
            "is not a version",
        ),
        (
            "sprout.toml",
            "check = \"python3 --version\"",
            "check = \" \"",
            "\" \"",
            "has an empty `check`",
        ),
        (
            "files/README.md.hbs",
            "{{> readme/license}}",
            "{{> readme/licence}}",
            "{{> readme/licence}}",
            "did you mean `readme/license`?",
        ),
    ];
    for (file, from, to, needle, words) in cases {
        let fixture = Fixture::new();
        fixture.edit(file, from, to);
        let (line, column) = position(&fixture.file(file), needle, 0);
        let (_, checked) = fixture.check();
        assert_finding(
            &checked,
            &fixture.at(file, needle, 0),
            words.trim_end_matches('?'),
        );
        let out_dir = tempfile::tempdir().unwrap();
        let out = sprout()
            .args(["new", "--yes", "--no-git", "--template"])
            .arg(&fixture.path)
            .arg("demo")
            .current_dir(out_dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{stderr}");
        let place = if file == "sprout.toml" {
            format!("sprout.toml:{line}:{column}: ")
        } else {
            format!("{}:{line}:{column}: ", fixture.file(file).display())
        };
        assert!(
            stderr.contains(&place) && stderr.contains(words),
            "{file}: no {place:?} with {words:?} in:\n{stderr}"
        );
    }
}

/// `rename_file` paths are rendered with the answers, as `sprout update` renders them: a rule
/// whose new path some combination writes (and whose old one it no longer writes) passes,
/// `{{…}}` or not; any other can move no file and fails at its key.
#[test]
fn a_rename_rule_is_rendered_and_fails_only_when_it_can_match_nothing() {
    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "[[requires]]",
        "[[migration]]\nversion = 2\nrename_file = { \"{{snake_case name}}/hi.py\" = \"app/hello.py\", \"app/old.py\" = \"{{snake_case name}}/status.py\", \"app/__main__.py\" = \"app/__init__.py\" }\n\n[[requires]]",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"app/old.py\"", 0),
        "`rename_file` rule `app/old.py` → `{{snake_case name}}/status.py` matches no file",
    );
    // Today's template still writes app/__main__.py: `sprout update` moves nothing.
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"app/__main__.py\"", 0),
        "and no longer writes `app/__main__.py`",
    );
    assert!(
        !output.contains("hi.py"),
        "a templated rule that matches passes: {output}"
    );
    assert!(output.contains("2 fault(s)"), "{output}");
}

/// A value that reaches a file through a derived value has no expression of its own there:
/// the file is reported, naming the free-text options and what to do.
#[test]
fn a_hostile_value_that_arrives_through_a_derived_value_is_reported_at_the_file() {
    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "[commands]",
        "[derived]\nsummary = \"{{description}}\"\n\n[commands]",
    );
    fixture.append("files/meta.json.hbs", "{\"summary\": \"{{summary}}\"}\n");
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &format!("{}:1:1: ", fixture.file("files/meta.json.hbs").display()),
        "meta.json is no longer valid JSON",
    );
    assert_finding(&output, "", "free-text option (description, author)");
}

/// HTML: text and attributes take `xml`; a `<script>` takes `js`, since `json` leaves a
/// `</script>` in the value that ends the script early.
#[test]
fn in_html_a_script_needs_js_and_json_is_not_enough() {
    let fixture = Fixture::new();
    let page = "<!doctype html>\n<title>{{xml description}}</title>\n<script>const about = {{json description}};</script>\n";
    fixture.append("files/index.html.hbs", page);
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("files/index.html.hbs", "{{json description}}", 0),
        "`{{js description}}` inside a <script>",
    );
    assert!(output.contains("1 fault(s)"), "{output}");
    fixture.edit(
        "files/index.html.hbs",
        "{{json description}}",
        "{{js description}}",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 0, "{output}");
}

/// The manifest's shell lines are rendered with hostile values too: a command or a step's
/// `run` that writes free text without `sh` is reported there (and not again in the CI
/// workflow that runs the command); with `sh` it passes.
#[test]
fn a_command_or_step_that_writes_free_text_unquoted_is_reported_there() {
    let fixture = Fixture::new();
    fixture.edit(
        "sprout.toml",
        "lint = \".venv/bin/python",
        "lint = \"echo \\\"{{author}}\\\" && .venv/bin/python",
    );
    fixture.edit(
        "sprout.toml",
        "[[requires]]",
        "[[step]]\nrun = \"echo {{description}}\"\n\n[[requires]]",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 11, "{output}");
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"echo \\\"{{author}}", 0),
        "write `{{sh author}}`",
    );
    assert_finding(
        &output,
        &fixture.at("sprout.toml", "\"echo {{description}}\"", 0),
        "write `{{sh description}}`",
    );
    assert!(output.contains("2 fault(s)"), "{output}");

    fixture.edit("sprout.toml", "\\\"{{author}}\\\"", "{{sh author}}");
    fixture.edit(
        "sprout.toml",
        "echo {{description}}",
        "echo {{sh description}}",
    );
    let (code, output) = fixture.check();
    assert_eq!(code, 0, "{output}");
}

/// The shared CI workflow runs a template's commands exactly: one holding ` # ` or `: ` (a
/// quoted argument) stays one YAML string, not a comment that cuts it or a mapping that breaks
/// the file.
#[test]
fn the_shared_ci_workflow_runs_each_command_exactly_as_the_manifest_gives_it() {
    let fixture = Fixture::new();
    let lint = ".venv/bin/python -m compileall -q app tests # lint: compile";
    fixture.edit(
        "sprout.toml",
        "lint = \".venv/bin/python -m compileall -q app tests\"",
        &format!("lint = \"{lint}\""),
    );
    let folder = Folder::open(&fixture.path).unwrap();
    let stack = folder.catalog.load("svc").unwrap();
    let given = Given {
        set: vec![("name".into(), "demo".into()), ("ci".into(), "true".into())],
        file: None,
    };
    let (_, project) = prepare(&stack, &given, None).unwrap();
    let workflow = project
        .files
        .iter()
        .find(|f| f.path == ".github/workflows/ci.yml")
        .unwrap();
    let yaml: serde_yaml::Value =
        serde_yaml::from_slice(&workflow.contents).unwrap_or_else(|e| panic!("{e}"));
    let runs: Vec<&str> = yaml["jobs"]
        .as_mapping()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_sequence().unwrap())
        .filter_map(|step| step["run"].as_str())
        .collect();
    assert!(runs.contains(&lint), "{runs:?}");
}
