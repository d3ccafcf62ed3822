//! Every embedded stack, rendered in memory: with its defaults, with every value of every option,
//! and with hostile free text that must survive every structured file format.

use std::collections::BTreeSet;

use sprout::answers::Given;
use sprout::catalog;
use sprout::generate::prepare;
use sprout::render::OutputFile;
use sprout::stack::{Kind, OptionSpec, Stack};
use sprout::template::check;
use sprout::template::folder::Folder;

const HOSTILE_DESCRIPTION: &str = "He said \"hi\" & <b>{{x}}</b> \\ ünï #{x} ${y} '''\"\"\" ]]> </tag> \u{200f}rtl 🚀\nsecond line";
const HOSTILE_AUTHOR: &str = "O'Brien \"Dev\" <dev@example.com> & {{co}} \\ #{x}";

fn render(stack: &Stack, set: &[(&str, String)]) -> Vec<OutputFile> {
    let mut pairs: Vec<(String, String)> = vec![("name".into(), "demo-app".into())];
    pairs.extend(set.iter().map(|(k, v)| (k.to_string(), v.clone())));
    let given = Given {
        set: pairs,
        file: None,
    };
    match prepare(stack, &given, None) {
        Ok((_, project)) => project.files,
        Err(e) => panic!("{}: {set:?}: {e}", stack.key),
    }
}

/// `--set` pairs for the condition of `option`, so that it applies.
fn enabling(option: &OptionSpec) -> Vec<(&str, String)> {
    option
        .when
        .entries()
        .map(|(key, expected)| (key, expected.scalars()[0].to_value().to_string()))
        .map(|(k, v)| {
            (
                k,
                if v == "yes" {
                    "true".into()
                } else if v == "no" {
                    "false".into()
                } else {
                    v
                },
            )
        })
        .collect()
}

fn values(option: &OptionSpec) -> Vec<String> {
    match &option.kind {
        Kind::Choice(choices) => choices.clone(),
        Kind::Bool => vec!["true".into(), "false".into()],
        Kind::Text { .. } => vec![],
    }
}

/// The defaults, then every value of every option (with what its condition needs).
fn combos(stack: &Stack) -> Vec<Vec<(&str, String)>> {
    let mut out = vec![vec![]];
    for option in &stack.options {
        for value in values(option) {
            let mut set = enabling(option);
            set.push((option.key.as_str(), value));
            out.push(set);
        }
    }
    out
}

fn stacks() -> Vec<Stack> {
    catalog::load_all().unwrap()
}

#[test]
fn every_manifest_is_valid_and_names_only_its_own_options() {
    let stacks = stacks();
    assert!(!stacks.is_empty());
    for stack in &stacks {
        let keys = stack.option_keys();
        for required in [
            "name",
            "description",
            "author",
            "license",
            "database",
            "docker",
            "ci",
        ] {
            assert!(
                keys.iter().any(|k| k == required),
                "{} lacks common option {required}",
                stack.key
            );
        }
    }
    // `template check` on the folder the binary embeds: every manifest's keys and types, every
    // condition (options, requirements, steps, file rules) naming an option of its own stack
    // with a value that option takes, every default valid.
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let folder = Folder::open(&templates).unwrap();
    assert_eq!(folder.stacks.len(), stacks.len());
    let report = check::check(&folder);
    let findings: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn every_value_of_every_option_renders() {
    for stack in stacks() {
        let defaults = render(&stack, &[]);
        assert!(
            defaults.iter().any(|f| f.path == "README.md"),
            "{}: README.md",
            stack.key
        );
        assert!(
            defaults.iter().any(|f| f.path == ".gitignore"),
            "{}: .gitignore",
            stack.key
        );
        assert!(
            defaults.iter().any(|f| f.path == ".env.example"),
            "{}: .env.example",
            stack.key
        );
        for set in combos(&stack) {
            render(&stack, &set);
        }
    }
}

#[test]
fn every_rule_and_file_is_used_by_some_combination() {
    for stack in stacks() {
        // Every [[file]] rule (the stack's and the shared layer's) matches a stored file, and
        // every stored file is written by some combination of answers.
        let unused = check::unused(&stack);
        assert!(unused.is_empty(), "{}: {unused:#?}", stack.key);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for set in combos(&stack) {
            seen.extend(render(&stack, &set).into_iter().map(|f| f.path));
        }
        assert!(seen.contains(".sprout.toml"));
        // Options that switch files on must produce them: docker adds a Dockerfile, ci a workflow.
        let with = |k: &str, v: &str| {
            render(&stack, &[(k, v.into())])
                .into_iter()
                .map(|f| f.path)
                .collect::<BTreeSet<_>>()
        };
        assert!(
            with("docker", "true").contains("Dockerfile"),
            "{}: docker=true writes a Dockerfile",
            stack.key
        );
        assert!(
            with("docker", "true").contains(".dockerignore"),
            "{}",
            stack.key
        );
        assert!(
            !with("docker", "false").contains("Dockerfile"),
            "{}",
            stack.key
        );
        assert!(
            with("ci", "true").contains(".github/workflows/ci.yml"),
            "{}",
            stack.key
        );
        assert!(
            !with("ci", "false").contains(".github/workflows/ci.yml"),
            "{}",
            stack.key
        );
        assert!(with("license", "MIT").contains("LICENSE"), "{}", stack.key);
        assert!(
            !with("license", "none").contains("LICENSE"),
            "{}",
            stack.key
        );
    }
}

#[test]
fn license_files_carry_year_and_author() {
    for stack in stacks() {
        for license in ["MIT", "Apache-2.0"] {
            let files = render(
                &stack,
                &[
                    ("license", license.into()),
                    ("author", "Ada Lovelace".into()),
                ],
            );
            let text = String::from_utf8_lossy(
                &files.iter().find(|f| f.path == "LICENSE").unwrap().contents,
            )
            .into_owned();
            assert!(text.contains("Ada Lovelace"), "{} {license}", stack.key);
            assert!(
                text.contains(&sprout::secrets::current_year().to_string()),
                "{} {license}",
                stack.key
            );
        }
    }
}

/// The string values of a parsed document, flattened.
fn strings_of(path: &str, bytes: &[u8]) -> Option<Result<Vec<String>, String>> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string());
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let text = match text {
        Ok(t) => t,
        Err(e) => return Some(Err(e)),
    };
    Some(match ext {
        _ if name == ".env" || name == ".env.example" => env_values(text),
        // tsconfig files are JSON with comments, as TypeScript reads them.
        "json" if name.starts_with("tsconfig") => serde_json::from_str::<serde_json::Value>(
            &sprout::template::structured::strip_json_comments(text),
        )
        .map(|v| json_strings(&v))
        .map_err(|e| e.to_string()),
        "json" => serde_json::from_str::<serde_json::Value>(text)
            .map(|v| json_strings(&v))
            .map_err(|e| e.to_string()),
        "toml" => text
            .parse::<toml::Table>()
            .map(|t| toml_strings(&toml::Value::Table(t)))
            .map_err(|e| e.to_string()),
        "yaml" | "yml" => yaml_documents(text),
        "xml" => xml_strings(text),
        _ => return None,
    })
}

/// `.env` lines: comments, blank lines or `KEY=VALUE`, a double-quoted value closed on its line.
fn env_values(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .strip_prefix("export ")
            .unwrap_or(line)
            .split_once('=')
            .ok_or_else(|| format!("line {}: not KEY=VALUE: {line}", n + 1))?;
        if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!("line {}: bad key {key:?}", n + 1));
        }
        if let Some(quoted) = value.strip_prefix('"') {
            let mut unescaped = String::new();
            let mut chars = quoted.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('n') => unescaped.push('\n'),
                        Some(other) => unescaped.push(other),
                        None => return Err(format!("line {}: dangling backslash", n + 1)),
                    },
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => unescaped.push(c),
                }
            }
            if !closed {
                return Err(format!("line {}: unterminated quoted value", n + 1));
            }
            out.push(unescaped);
        } else {
            out.push(value.to_string());
        }
    }
    Ok(out)
}

fn json_strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(json_strings).collect(),
        serde_json::Value::Object(o) => o.values().flat_map(json_strings).collect(),
        _ => vec![],
    }
}

fn toml_strings(v: &toml::Value) -> Vec<String> {
    match v {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Array(a) => a.iter().flat_map(toml_strings).collect(),
        toml::Value::Table(t) => t.values().flat_map(toml_strings).collect(),
        _ => vec![],
    }
}

/// Every document of a YAML stream (Spring's profile files hold several).
fn yaml_documents(text: &str) -> Result<Vec<String>, String> {
    use serde::Deserialize;
    let mut out = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).map_err(|e| e.to_string())?;
        out.extend(yaml_strings(&value));
    }
    Ok(out)
}

fn yaml_strings(v: &serde_yaml::Value) -> Vec<String> {
    match v {
        serde_yaml::Value::String(s) => vec![s.clone()],
        serde_yaml::Value::Sequence(a) => a.iter().flat_map(yaml_strings).collect(),
        serde_yaml::Value::Mapping(m) => m.values().flat_map(yaml_strings).collect(),
        serde_yaml::Value::Tagged(t) => yaml_strings(&t.value),
        _ => vec![],
    }
}

/// Well-formed XML, and the unescaped text of every element.
fn xml_strings(text: &str) -> Result<Vec<String>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    let mut raw = String::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("at {}: {e}", reader.buffer_position()))?
        {
            Event::Text(t) => raw.push_str(t.as_ref()),
            Event::GeneralRef(r) => {
                raw.push('&');
                raw.push_str(r.as_ref());
                raw.push(';');
            }
            Event::Start(_) | Event::End(_) | Event::Empty(_) if !raw.is_empty() => {
                out.push(
                    quick_xml::escape::unescape(&raw)
                        .map_err(|e| e.to_string())?
                        .into_owned(),
                );
                raw.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[test]
fn hostile_text_keeps_every_structured_file_valid_and_round_trips() {
    for stack in stacks() {
        for combo in combos(&stack) {
            let plain = render(&stack, &combo);
            let mut hostile_set = combo.clone();
            hostile_set.push(("description", HOSTILE_DESCRIPTION.into()));
            hostile_set.push(("author", HOSTILE_AUTHOR.into()));
            let hostile = render(&stack, &hostile_set);
            let default_description = stack
                .option("description")
                .and_then(|o| o.default.clone())
                .unwrap()
                .to_string();
            for file in &plain {
                let plain_strings = match strings_of(&file.path, &file.contents) {
                    None => continue,
                    Some(Ok(strings)) => strings,
                    Some(Err(e)) => {
                        panic!("{} {combo:?}: {} does not parse: {e}", stack.key, file.path)
                    }
                };
                let twin = hostile.iter().find(|f| f.path == file.path).unwrap();
                let hostile_strings = match strings_of(&twin.path, &twin.contents) {
                    Some(Ok(s)) => s,
                    Some(Err(e)) => panic!(
                        "{} {combo:?}: {} no longer parses with hostile text: {e}\n{}",
                        stack.key,
                        file.path,
                        String::from_utf8_lossy(&twin.contents)
                    ),
                    None => unreachable!(),
                };
                if plain_strings
                    .iter()
                    .any(|s| s.contains(&default_description))
                {
                    assert!(
                        hostile_strings
                            .iter()
                            .any(|s| s.contains(HOSTILE_DESCRIPTION)),
                        "{} {combo:?}: {}: the description does not read back as written",
                        stack.key,
                        file.path
                    );
                }
            }
        }
    }
}

#[test]
fn text_that_cannot_be_represented_is_refused_not_mangled() {
    for stack in stacks() {
        for (key, bad) in [
            ("author", "two\nlines"),
            ("description", "nul\0byte"),
            ("description", "bell\u{7}"),
        ] {
            let pairs = vec![
                ("name".to_string(), "demo-app".to_string()),
                (key.to_string(), bad.to_string()),
            ];
            let err = prepare(
                &stack,
                &Given {
                    set: pairs,
                    file: None,
                },
                None,
            )
            .map(|_| ())
            .unwrap_err();
            assert!(err.to_string().contains(key), "{}: {err}", stack.key);
        }
    }
}

#[test]
fn secrets_are_never_the_same_twice_nor_recorded() {
    for stack in stacks() {
        if stack.secrets.is_empty() {
            continue;
        }
        let a = render(&stack, &[]);
        let b = render(&stack, &[]);
        let differing: Vec<&str> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x.contents != y.contents)
            .map(|(x, _)| x.path.as_str())
            .collect();
        assert!(
            !differing.is_empty(),
            "{}: two projects share their secrets",
            stack.key
        );
        assert!(
            !differing.contains(&".sprout.toml"),
            "{}: a secret reached the record",
            stack.key
        );
    }
}

/// The manifest says which files hold generated secrets: exactly those are written 0600.
#[test]
fn every_file_holding_a_secret_is_marked_secret_and_no_other() {
    for stack in stacks() {
        for set in combos(&stack) {
            let a = render(&stack, &set);
            let b = render(&stack, &set);
            for (x, y) in a.iter().zip(&b) {
                let holds_secret = x.contents != y.contents;
                assert_eq!(
                    x.mode == sprout::render::MODE_SECRET,
                    holds_secret,
                    "{} {set:?}: {} (mode {:o})",
                    stack.key,
                    x.path,
                    x.mode
                );
            }
        }
    }
}

#[test]
fn every_stack_keeps_env_out_of_git_and_commits_an_example() {
    for stack in stacks() {
        let files = render(&stack, &[]);
        let ignore = String::from_utf8_lossy(
            &files
                .iter()
                .find(|f| f.path == ".gitignore")
                .unwrap()
                .contents,
        )
        .into_owned();
        assert!(
            ignore.lines().any(|l| l.trim() == ".env"),
            "{}: .env is ignored",
            stack.key
        );
        assert!(
            files.iter().any(|f| f.path == ".env.example"),
            "{}",
            stack.key
        );
    }
}

#[test]
fn every_dockerfile_runs_as_a_non_root_user() {
    for stack in stacks() {
        let files = render(&stack, &[("docker", "true".into())]);
        let dockerfile = String::from_utf8_lossy(
            &files
                .iter()
                .find(|f| f.path == "Dockerfile")
                .unwrap()
                .contents,
        )
        .into_owned();
        let last_user = dockerfile
            .lines()
            .filter_map(|l| l.trim().strip_prefix("USER "))
            .next_back()
            .unwrap_or_else(|| panic!("{}: Dockerfile has no USER", stack.key))
            .trim()
            .to_string();
        assert!(
            !["root", "0", "0:0"].contains(&last_user.as_str()),
            "{}: runs as {last_user}",
            stack.key
        );
    }
}

/// Templates are rendered from trees that may come from the cache of parsed templates; a render
/// error in one still names its file and line (the tree keeps Handlebars' line mapping).
#[test]
fn a_render_error_in_a_built_in_template_names_its_file_and_line() {
    use sprout::answers::resolve;
    use sprout::error::Error;
    use sprout::plan::Plan;
    use sprout::render::render;
    let stack = stacks().into_iter().find(|s| s.key == "express").unwrap();
    let given = Given {
        set: vec![("name".to_string(), "demo-app".to_string())],
        ..Given::default()
    };
    let mut answers = resolve(&stack, &given, None).unwrap();
    // Templates compare `database` to values; without it, the comparison fails.
    answers.retain(|(key, _)| key != "database");
    let plan = Plan {
        stack: &stack,
        answers,
        secrets: Vec::new(),
        year: 2026,
    };
    let Err(Error::Render(found)) = render(&plan) else {
        panic!("a missing answer must fail the render");
    };
    let stored = found.file.strip_prefix("templates/").unwrap();
    let text = catalog::embedded_dir()
        .get_file(stored)
        .and_then(|f| f.contents_utf8())
        .unwrap();
    let line = found.line.expect("the error names its line");
    assert!(
        text.lines().nth(line - 1).unwrap().contains("database"),
        "{}:{line} does not use `database`",
        found.file
    );
}

/// Quoted literals of 12+ characters on lines that speak of a secret or password.
fn secret_like_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let lower = line.to_lowercase();
        if !["secret", "password", "passwd", "token", "private_key"]
            .iter()
            .any(|w| lower.contains(w))
        {
            continue;
        }
        for quote in ['"', '\''] {
            let parts: Vec<&str> = line.split(quote).collect();
            for literal in parts
                .iter()
                .skip(1)
                .step_by(2)
                .take(parts.len().saturating_sub(1) / 2)
            {
                let placeholder = [
                    "change",
                    "example",
                    "your",
                    "placeholder",
                    "dummy",
                    "replace",
                    "set-",
                    "generate",
                ]
                .iter()
                .any(|w| literal.to_lowercase().contains(w));
                // A secret looks like a token: base64/hex-like characters, mixed letters and digits
                // or cases (module paths, URLs, variable names do not).
                let token_chars = literal
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+=".contains(c));
                let mixed = literal.chars().any(|c| c.is_ascii_digit()) as u8
                    + literal.chars().any(|c| c.is_ascii_lowercase()) as u8
                    + literal.chars().any(|c| c.is_ascii_uppercase()) as u8
                    >= 2;
                if literal.len() >= 12 && token_chars && mixed && !placeholder {
                    out.push(literal.to_string());
                }
            }
        }
    }
    out
}

/// No secret-looking literal is the same in two generated projects (CI-only service passwords in
/// the workflow are not secrets and are left out).
#[test]
fn no_constant_secret_in_any_generated_file() {
    for stack in stacks() {
        for set in [
            vec![],
            vec![
                ("database", "postgres".to_string()),
                ("docker", "true".to_string()),
            ],
        ] {
            let set: Vec<(&str, String)> = set
                .into_iter()
                .filter(|(k, v)| {
                    stack
                        .option(k)
                        .is_some_and(|o| o.check(sprout::value::Value::Text(v.clone())).is_ok())
                })
                .collect();
            let a = render(&stack, &set);
            let b = render(&stack, &set);
            for (x, y) in a.iter().zip(&b) {
                if x.path.starts_with(".github/") {
                    continue;
                }
                let (Ok(xt), Ok(yt)) = (
                    std::str::from_utf8(&x.contents),
                    std::str::from_utf8(&y.contents),
                ) else {
                    continue;
                };
                let theirs = secret_like_literals(yt);
                for literal in secret_like_literals(xt) {
                    assert!(
                        !theirs.contains(&literal),
                        "{}: {} holds the same secret-like value `{literal}` in every project",
                        stack.key,
                        x.path
                    );
                }
            }
        }
    }
}

/// Debug or development mode is never switched on by the committed example settings.
#[test]
fn example_settings_keep_debug_off() {
    for stack in stacks() {
        let files = render(&stack, &[]);
        let example = String::from_utf8_lossy(
            &files
                .iter()
                .find(|f| f.path == ".env.example")
                .unwrap()
                .contents,
        )
        .into_owned();
        for line in example.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches(['"', '\'']).to_lowercase();
            if key.to_uppercase().contains("DEBUG") {
                assert!(
                    !["1", "true", "yes", "on"].contains(&value.as_str()),
                    "{}: {line}",
                    stack.key
                );
            }
        }
    }
}

/// No generated file lets every origin through CORS.
#[test]
fn cors_is_never_wide_open() {
    let wide_open = [
        "Access-Control-Allow-Origin\", \"*\"",
        "Access-Control-Allow-Origin', '*'",
        "origin: '*'",
        "origin: \"*\"",
        "origins \"*\"",
        "origins '*'",
        "allow_origins=[\"*\"]",
        "CORS_ALLOW_ALL_ORIGINS = True",
        "allowedOrigins(\"*\")",
    ];
    for stack in stacks() {
        for set in combos(&stack) {
            for file in render(&stack, &set) {
                let text = String::from_utf8_lossy(&file.contents);
                for pattern in wide_open {
                    assert!(
                        !text.contains(pattern),
                        "{}: {} allows every origin ({pattern})",
                        stack.key,
                        file.path
                    );
                }
            }
        }
    }
}

#[test]
fn the_secret_detector_finds_tokens_and_skips_names() {
    assert_eq!(
        secret_like_literals(r#"SECRET_KEY = "django-insecure-k3yV4lue9""#),
        vec!["django-insecure-k3yV4lue9"]
    );
    assert_eq!(
        secret_like_literals("  password: 'Sup3rSecretPw'"),
        vec!["Sup3rSecretPw"]
    );
    assert!(secret_like_literals(r#"x = env("EMAIL_HOST_PASSWORD")"#).is_empty());
    assert!(
        secret_like_literals(
            r#"password_validation = "django.contrib.auth.password_validation.X""#
        )
        .is_empty()
    );
    assert!(secret_like_literals(r#"SECRET_KEY = "change-me-in-production1""#).is_empty());
    assert!(
        secret_like_literals(r#"name = "Abc123Def456gh""#).is_empty(),
        "only lines about secrets"
    );
}

/// The default tree of every stack (paths and modes). A snapshot says only that the layout did
/// not change unnoticed; that the project works is the end-to-end harness's job.
#[test]
fn default_trees() {
    for stack in stacks() {
        let tree: String = render(&stack, &[])
            .iter()
            .map(|f| format!("{:o} {}\n", f.mode, f.path))
            .collect();
        insta::assert_snapshot!(format!("tree-{}", stack.key), tree);
    }
}

/// Names at the edges of each ecosystem's rules: whichever a stack accepts must render, and every
/// structured file must still parse.
#[test]
fn names_at_the_edges_of_the_rules_render_valid_files() {
    let long = format!("a{}", "b1-".repeat(21)) + "z";
    let candidates = [
        "a",
        "z9",
        "a1b2",
        "my-api",
        "my_api",
        "my.api",
        "a-b_c",
        "x-1",
        "api2go",
        "9lives",
        long.as_str(),
    ];
    for stack in stacks() {
        let name_option = stack.option("name").unwrap();
        let accepted: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|n| name_option.parse(n).is_ok())
            .collect();
        assert!(
            accepted.len() >= 3,
            "{}: too few edge names accepted: {accepted:?}",
            stack.key
        );
        for name in accepted {
            let given = Given {
                set: vec![("name".into(), name.into())],
                file: None,
            };
            let files = match prepare(&stack, &given, None) {
                Ok((_, project)) => project.files,
                Err(e) => panic!("{}: name {name:?}: {e}", stack.key),
            };
            for file in &files {
                if let Some(Err(e)) = strings_of(&file.path, &file.contents) {
                    panic!(
                        "{}: name {name:?}: {} does not parse: {e}",
                        stack.key, file.path
                    );
                }
            }
        }
    }
}
