//! `sprout doctor` and the check before `new`, with fake toolchains: small shell scripts that
//! print a version, in a temporary folder that is the child's whole PATH. And the next steps
//! of every stack and option.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

use sprout::answers::Given;
use sprout::catalog;
use sprout::generate::prepare;
use sprout::render::Project;
use sprout::report::{NextSteps, next_steps};
use sprout::stack::{Kind, Stack};

use crate::common::{Scratch, sprout};

/// A folder of fake tools: each prints `output` when run, and appends its arguments to
/// `calls.log` beside it.
struct Toolchain {
    dir: tempfile::TempDir,
}

impl Toolchain {
    fn new() -> Toolchain {
        Toolchain {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn tool(self, name: &str, output: &str) -> Toolchain {
        self.script(name, &format!("echo \"{output}\""))
    }

    fn script(self, name: &str, body: &str) -> Toolchain {
        let path = self.dir.path().join(name);
        let log = self.calls();
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho \"{name} $*\" >> '{}'\n{body}\n",
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn calls(&self) -> PathBuf {
        self.dir.path().join("calls.log")
    }

    fn call_lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.calls())
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

/// `sprout doctor [STACK] --json` with `tools` as the whole PATH: the exit code and the report.
fn doctor_json(tools: &Toolchain, stack: Option<&str>) -> (Option<i32>, Value) {
    let out = sprout()
        .arg("doctor")
        .args(stack)
        .arg("--json")
        .env("PATH", tools.path())
        .output()
        .unwrap();
    (out.status.code(), json(&out.stdout))
}

/// `sprout new app --stack STACK --json` plus `extra` with `tools` as the whole PATH.
fn new_json(s: &Scratch, tools: &Toolchain, stack: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let out = s
        .new_project("app", stack, &[&["--json"], extra].concat())
        .env("PATH", tools.path())
        .output()
        .unwrap();
    (out.status.code(), json(&out.stdout))
}

fn next_steps_of(outcome: &Value) -> Vec<String> {
    outcome["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["stacks"][0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["when"].as_str().unwrap_or("always").to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_new_enough_tool_passes_and_exits_0() {
    let tools = Toolchain::new().tool("node", "v24.1.0");
    sprout()
        .args(["doctor", "express"])
        .env("PATH", tools.path())
        .assert()
        .code(0)
        .stdout(
            contains("✔ node 24.1.0 (needs 22.13.0 or newer) [when language is javascript]")
                .and(contains(
                    "✔ node 24.1.0 (needs 22.18.0 or newer) [when language is typescript]",
                ))
                .and(contains("All 2 requirements are met")),
        );
}

#[test]
fn too_old_and_missing_tools_are_named_with_their_fix_and_exit_10() {
    let tools = Toolchain::new()
        .tool("javac", "javac 21.0.2")
        .tool("java", "openjdk version \\\"21.0.2\\\" 2024-01-16");
    let (code, report) = doctor_json(&tools, Some("spring-boot"));
    assert_eq!(code, Some(10));
    assert_eq!(report["ok"], false);
    // The JDK that builds, then the `java` that starts the project.
    assert_eq!(
        statuses(&report),
        [
            ("java is 17", "ok"),
            ("java is 21", "ok"),
            ("java is 25", "too_old"),
            ("java is 17", "ok"),
            ("java is 21", "ok"),
            ("java is 25", "too_old"),
        ]
        .map(|(w, s)| (w.to_string(), s.to_string()))
    );
    let too_old = &report["stacks"][0]["requirements"][2];
    assert_eq!(too_old["found"], "21.0.2");
    assert_eq!(too_old["min"], "25");
    assert!(too_old["fix"].as_str().unwrap().contains("JDK 25"));

    // Nothing on PATH at all: every requirement is missing, and the text says what to do.
    let empty = Toolchain::new();
    sprout()
        .args(["doctor", "rails"])
        .env("PATH", empty.path())
        .assert()
        .code(10)
        .stdout(
            contains("✘ ruby: `ruby` is not on PATH (needs 3.2 or newer)")
                .and(contains("fix: install Ruby"))
                .and(contains("0 of 3 requirements met")),
        );
}

#[test]
fn a_tool_that_fails_is_not_taken_for_a_good_one() {
    let tools = Toolchain::new().script("node", "echo 'No version is set for node' >&2; exit 1");
    let (code, report) = doctor_json(&tools, Some("node"));
    assert_eq!(code, Some(10));
    let finding = &report["stacks"][0]["requirements"][0];
    assert_eq!(finding["status"], "failed");
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .contains("No version is set"),
        "{finding}"
    );
}

#[test]
fn each_check_command_runs_once_for_all_stacks() {
    let tools = Toolchain::new()
        .tool("node", "v22.18.0")
        .tool("python3", "Python 3.12.4")
        .tool("javac", "javac 25")
        .tool("java", "openjdk version 25")
        .tool("ruby", "ruby 3.4.7 (2025-10-08 revision 7a5688e2a2) +PRISM")
        .tool("bundle", "Bundler version 2.6.7")
        .tool("uv", "3.13.1");
    let (code, report) = doctor_json(&tools, None);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(code, Some(0));
    let calls = tools.call_lines();
    // Three stacks need `node --version`, two need `python3 --version`: each is asked once.
    assert_eq!(
        calls.iter().filter(|c| *c == "node --version").count(),
        1,
        "{calls:?}"
    );
    assert_eq!(
        calls.iter().filter(|c| *c == "python3 --version").count(),
        1,
        "{calls:?}"
    );
    assert_eq!(calls.iter().filter(|c| c.starts_with("javac")).count(), 1);
}

#[test]
fn new_says_what_falls_short_and_still_generates() {
    let s = Scratch::new();
    let tools = Toolchain::new().tool("node", "v20.1.0");
    let (code, outcome) = new_json(&s, &tools, "express", &[]);
    assert_eq!(code, Some(0));
    assert!(s.join("app/package.json").is_file());
    assert_eq!(outcome["preflight"][0]["status"], "too_old");
    assert_eq!(outcome["preflight"][0]["found"], "20.1.0");
    let steps = next_steps_of(&outcome);
    assert!(
        steps[1].starts_with(
            "# node 20.1.0 is too old: needs 22.13.0 or newer; fix: install Node.js 26"
        ),
        "{steps:?}"
    );
    assert_eq!(steps[2], "npm install");

    let s = Scratch::new();
    s.new_project("app", "express", &[])
        .env("PATH", tools.path())
        .assert()
        .code(0)
        .stdout(contains(
            "toolchain: node 20.1.0 is too old: needs 22.13.0 or newer",
        ));
}

#[test]
fn new_checks_only_what_the_chosen_answers_need() {
    let s = Scratch::new();
    let tools = Toolchain::new()
        .tool("javac", "javac 17.0.15")
        .tool("java", "openjdk version 17.0.15");
    let (_, outcome) = new_json(&s, &tools, "spring-boot", &["--set", "java=17"]);
    let preflight = outcome["preflight"].as_array().unwrap();
    assert_eq!(preflight.len(), 2, "{preflight:?}");
    assert_eq!(preflight[0]["status"], "ok");
    assert_eq!(preflight[1]["status"], "ok");
    assert!(
        !next_steps_of(&outcome)
            .iter()
            .any(|s| s.starts_with("# JDK")),
        "a met requirement is not a next step"
    );
}

#[test]
fn no_preflight_runs_no_tool() {
    let s = Scratch::new();
    let tools = Toolchain::new().tool("node", "v20.1.0");
    let (code, outcome) = new_json(&s, &tools, "express", &["--no-preflight"]);
    assert_eq!(code, Some(0));
    assert!(outcome.get("preflight").is_none());
    assert!(tools.call_lines().is_empty(), "{:?}", tools.call_lines());
}

#[test]
fn after_an_install_with_yarn_every_step_uses_yarn_and_the_lock_file_is_committed() {
    let s = Scratch::new();
    let tools = Toolchain::new()
        .tool("node", "v24.1.0")
        .script("yarn", "echo '# yarn lockfile v1' > yarn.lock");
    let path = format!(
        "{}:{}",
        tools.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = sprout();
    cmd.args([
        "new",
        "app",
        "--stack",
        "express",
        "--yes",
        "--install",
        "--json",
        "-o",
    ])
    .arg(s.path())
    .env("PATH", path)
    .env("SPROUT_PACKAGE_MANAGER", "yarn")
    .env("GIT_AUTHOR_NAME", "Test")
    .env("GIT_AUTHOR_EMAIL", "test@example.com")
    .env("GIT_COMMITTER_NAME", "Test")
    .env("GIT_COMMITTER_EMAIL", "test@example.com");
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcome = json(&out.stdout);
    let steps = next_steps_of(&outcome);
    assert!(steps.iter().any(|s| s == "yarn test"), "{steps:?}");
    assert!(steps.iter().any(|s| s == "yarn dev"), "{steps:?}");
    assert!(
        !steps
            .iter()
            .any(|s| s.contains("npm") || s.contains("install")),
        "installed with yarn: {steps:?}"
    );
    // The first commit holds what sprout wrote and the lock file the install wrote, not its log.
    let tracked = std::process::Command::new("git")
        .args(["ls-files"])
        .current_dir(s.join("app"))
        .output()
        .unwrap();
    let tracked = String::from_utf8_lossy(&tracked.stdout);
    let tracked: Vec<&str> = tracked.lines().collect();
    assert!(tracked.contains(&"yarn.lock"), "{tracked:?}");
    assert!(tracked.contains(&"package.json"), "{tracked:?}");
    assert!(!tracked.contains(&"sprout-install.log"), "{tracked:?}");
    assert!(
        outcome["git"]
            .as_str()
            .unwrap()
            .contains("initialised with a first commit"),
        "{outcome}"
    );
}

/// Every combination of the stack's choice options (name and free text fixed).
fn choice_combos(stack: &Stack) -> Vec<Vec<(String, String)>> {
    let mut combos: Vec<Vec<(String, String)>> = vec![vec![]];
    for option in &stack.options {
        let Kind::Choice(choices) = &option.kind else {
            continue;
        };
        if option.key == "license" {
            continue;
        }
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                choices.iter().map(move |c| {
                    let mut next = combo.clone();
                    next.push((option.key.clone(), c.clone()));
                    next
                })
            })
            .collect();
    }
    combos
}

fn project(stack: &Stack, set: &[(String, String)]) -> Option<Project> {
    let mut pairs = vec![("name".to_string(), "demo-app".to_string())];
    pairs.extend(set.iter().cloned());
    let given = Given {
        set: pairs,
        file: None,
    };
    // A combination whose condition fails (an option that does not apply) is not a project.
    prepare(stack, &given, None).ok().map(|(_, p)| p)
}

fn steps_of(stack: &Stack, project: &Project, installed: bool, os: &str) -> Vec<String> {
    next_steps(&NextSteps {
        target: Path::new("./demo-app"),
        commands: &project.commands,
        steps: &project.steps,
        running: &project.running,
        port: stack.port,
        installed,
        shortfalls: &[],
        os,
    })
}

fn position(steps: &[String], wanted: &str) -> Option<usize> {
    steps.iter().position(|s| s.contains(wanted))
}

#[test]
fn next_steps_of_every_stack_and_option_lead_to_a_running_app() {
    let mut checked = 0;
    for stack in catalog::load_all().unwrap() {
        for set in choice_combos(&stack) {
            let Some(project) = project(&stack, &set) else {
                continue;
            };
            checked += 1;
            let answer = |key: &str| {
                set.iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            };
            let context = format!("{} {set:?}", stack.key);
            let steps = steps_of(&stack, &project, false, "linux");
            let has_file = |path: &str| project.files.iter().any(|f| f.path == path);
            let run = project
                .commands
                .dev
                .clone()
                .unwrap_or_else(|| project.commands.start.clone());

            // The steps once the server runs come last, after the health check.
            let health_at = steps.len() - 1 - project.running.len();
            assert_eq!(steps[0], "cd ./demo-app", "{context}");
            assert_eq!(steps[1], project.commands.install, "{context}");
            assert_eq!(steps[health_at - 1], run, "{context}");
            assert_eq!(
                steps[health_at],
                format!("curl http://localhost:{}/health", stack.port),
                "{context}"
            );
            // With accounts, the steps register, log in keeping the token, and use it.
            let base = format!("http://localhost:{}", stack.port);
            let after = &steps[health_at + 1..];
            if answer("auth") == "token" {
                let register = position(after, &format!("{base}/auth/register"));
                let login = position(after, "TOKEN=$(curl");
                let items = position(after, "Authorization: Bearer $TOKEN");
                assert!(
                    register < login && login < items && register.is_some(),
                    "{context}: {after:?}"
                );
                assert!(after[login.unwrap()].contains(&format!("{base}/auth/login")));
            } else {
                assert!(after.is_empty(), "{context}: {after:?}");
            }
            assert!(!steps.iter().any(|s| s.starts_with("open ")), "{context}");
            let test_at = position(&steps, &project.commands.test).unwrap();

            // The .env the steps copy exists, and is copied before the tests read it.
            if let Some(at) = position(&steps, "cp .env.example .env") {
                assert!(has_file(".env.example"), "{context}");
                assert!(at < test_at, "{context}: {steps:?}");
            }

            // An external database is set up before anything uses it.
            if answer("database") == "postgres" {
                let note = steps
                    .iter()
                    .position(|s| {
                        s.starts_with("# ") && (s.contains("DATABASE_URL") || s.contains("PGHOST"))
                    })
                    .unwrap_or_else(|| panic!("{context}: no database step in {steps:?}"));
                assert!(note < test_at, "{context}: {steps:?}");
                // Stacks that read .env and do not generate one copy the example first.
                if !has_file(".env") && stack.key != "rails" {
                    let cp = position(&steps, "cp .env.example .env")
                        .unwrap_or_else(|| panic!("{context}: no cp in {steps:?}"));
                    assert!(cp < note, "{context}: {steps:?}");
                }
            }

            // The schema exists before the development server answers /items.
            match stack.key.as_str() {
                "flask" if answer("database") != "none" => {
                    let at = position(&steps, "flask --app demo_app db upgrade")
                        .unwrap_or_else(|| panic!("{context}: {steps:?}"));
                    assert!(at < health_at - 1, "{context}");
                }
                "django" => {
                    let at = position(&steps, "python manage.py migrate")
                        .unwrap_or_else(|| panic!("{context}: {steps:?}"));
                    assert!(at < health_at - 1, "{context}");
                }
                _ => {}
            }

            // Python commands run inside the project's environment.
            for step in steps
                .iter()
                .filter(|s| s.contains("manage.py") || s.contains("flask --app"))
            {
                let prefix = if answer("packaging") == "pip" {
                    ".venv/bin/"
                } else {
                    "uv run "
                };
                assert!(step.starts_with(prefix), "{context}: {step}");
            }

            // After a successful --install, installing is not a step again.
            let installed = steps_of(&stack, &project, true, "linux");
            assert!(!installed.contains(&project.commands.install), "{context}");
            assert_eq!(installed.len(), steps.len() - 1, "{context}");

            // `open` is a macOS command.
            let mac = steps_of(&stack, &project, false, "macos");
            assert_eq!(
                mac[health_at],
                format!("open http://localhost:{}/health", stack.port)
            );
        }
    }
    assert!(checked > 50, "only {checked} combinations");
}

#[test]
fn java_home_wins_over_path_as_it_does_for_the_maven_wrapper() {
    let on_path = Toolchain::new().tool("javac", "javac 17.0.15");
    let home = Toolchain::new();
    std::fs::create_dir(home.path().join("bin")).unwrap();
    let jdk21 = home.path().join("bin/javac");
    std::fs::write(&jdk21, "#!/bin/sh\necho 'javac 21.0.9'\n").unwrap();
    std::fs::set_permissions(&jdk21, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = sprout()
        .args(["doctor", "spring-boot", "--json"])
        .env("PATH", on_path.path())
        .env("JAVA_HOME", home.path())
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let java21 = &report["stacks"][0]["requirements"][1];
    assert_eq!(java21["status"], "ok", "{report}");
    assert_eq!(java21["found"], "21.0.9");
    assert!(
        on_path.call_lines().is_empty(),
        "javac on PATH was not asked"
    );

    // A JAVA_HOME without a JDK is said as such.
    let empty = Toolchain::new();
    sprout()
        .args(["doctor", "spring-boot"])
        .env("PATH", on_path.path())
        .env("JAVA_HOME", empty.path())
        .assert()
        .code(10)
        .stdout(contains(format!(
            "there is no `{}/bin/javac`",
            empty.path().display()
        )));
}

/// The version a requirement asks for is the one the generated project itself declares, for
/// every combination of options: `engines` in package.json, `requires-python` in pyproject.toml,
/// `java.version` in pom.xml. Bump one without the other and this fails.
#[test]
fn requirements_match_what_each_project_declares() {
    let mut compared = 0;
    for stack in catalog::load_all().unwrap() {
        for set in choice_combos(&stack) {
            let mut pairs = vec![("name".to_string(), "demo-app".to_string())];
            pairs.extend(set.iter().cloned());
            let given = Given {
                set: pairs,
                file: None,
            };
            let Ok((plan, project)) = prepare(&stack, &given, None) else {
                continue;
            };
            let file = |path: &str| {
                project
                    .files
                    .iter()
                    .find(|f| f.path == path)
                    .map(|f| String::from_utf8_lossy(&f.contents).into_owned())
            };
            for requirement in stack
                .requires
                .iter()
                .filter(|r| r.when.holds(|k| plan.answer(k)))
            {
                let Some(min) = &requirement.min else {
                    continue;
                };
                let declared = match requirement.tool.as_str() {
                    "node" => file("package.json").map(|text| {
                        let json: Value = serde_json::from_str(&text).unwrap();
                        json["engines"]["node"].as_str().unwrap().to_string()
                    }),
                    "python" => file("pyproject.toml").map(|text| {
                        let toml: toml::Value = toml::from_str(&text).unwrap();
                        toml["project"]["requires-python"]
                            .as_str()
                            .unwrap()
                            .to_string()
                    }),
                    "JDK" => file("pom.xml").map(|text| {
                        let start = text.find("<java.version>").unwrap() + "<java.version>".len();
                        let end = text[start..].find('<').unwrap();
                        format!(">={}", &text[start..start + end])
                    }),
                    _ => None,
                };
                if let Some(declared) = declared {
                    assert_eq!(
                        declared,
                        format!(">={min}"),
                        "{} {set:?}: {} needs {min}",
                        stack.key,
                        requirement.tool
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 40, "only {compared} comparisons");
}
