//! `sprout list` and `sprout show`: the stacks and their options, for people and as JSON.
//!
//! `list` prints only each stack's key, title and description; for the embedded stacks those are
//! read from the manifests at build time (`build/listing.rs`), so `list` parses no manifest.

use serde_json::{Value as Json, json};

use crate::answers::{self, Given};
use crate::catalog::Roots;
use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::git;
use crate::helpers;
use crate::output::Output;
use crate::plan::Plan;
use crate::render::{self, Commands};
use crate::secrets;
use crate::source::Origin;
use crate::stack::{Kind, Stack};
use crate::value::Value;

/// One line of `sprout list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// Where a stack that is not built in comes from (`None`: built in).
    pub source: Option<&'a Origin>,
}

impl<'a> Summary<'a> {
    pub fn of(stack: &'a Stack) -> Summary<'a> {
        Summary {
            key: &stack.key,
            title: &stack.title,
            description: &stack.description,
            source: Some(&stack.source).filter(|o| !o.is_built_in()),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/listing.rs"));

/// The embedded stacks as `list` shows them, in its order, without loading any of them.
fn built_in() -> &'static [Summary<'static>] {
    BUILT_IN
}

/// The stacks `sprout list` and `GET /api/stacks` show.
pub struct Listing {
    /// Every stack of the roots besides the built-in ones, loaded and checked.
    others: Vec<Stack>,
}

impl Listing {
    /// The stacks of `roots`: the configured roots' are loaded (a broken one is an error), the
    /// built-in ones are not.
    pub fn of(roots: &Roots) -> Result<Listing> {
        Ok(Listing {
            others: roots.load_configured()?,
        })
    }

    /// The built-in stacks in their order, then each root's in its order, marked with its source.
    pub fn summaries(&self) -> Vec<Summary<'_>> {
        built_in()
            .iter()
            .copied()
            .chain(self.others.iter().map(Summary::of))
            .collect()
    }
}

/// `sprout list [--json]`.
pub fn list(json: bool, out: &Output) -> Result<Exit> {
    let listing = Listing::of(&Roots::configured()?)?;
    let stacks = listing.summaries();
    print(out, json, || list_json(&stacks), || list_text(&stacks))
}

/// A repository in the current folder: what git's `includeIf "gitdir:…"` rules are judged
/// against for `show`.
fn here_git_dir() -> std::path::PathBuf {
    std::env::current_dir().unwrap_or_default().join(".git")
}

/// `sprout show STACK [--json]`, with the author's defaults from git.
pub fn show(key: &str, json: bool, out: &Output) -> Result<Exit> {
    let stack = Roots::configured()?
        .load(key)?
        .with_git_defaults(git::config_lookup(&here_git_dir()));
    print(out, json, || show_json(&stack), || show_text(&stack))
}

/// One of the two forms on stdout.
fn print(
    out: &Output,
    json: bool,
    as_json: impl FnOnce() -> Json,
    as_text: impl FnOnce() -> String,
) -> Result<Exit> {
    let printed = if json {
        out.json(&as_json())
    } else {
        out.result(&as_text())
    };
    printed.map_err(Error::printing)?;
    Ok(Exit::Success)
}

/// The list for people; text from a template (title, description, source) is shown with its
/// control characters escaped.
pub fn list_text(stacks: &[Summary]) -> String {
    let key_w = stacks.iter().map(|s| s.key.len()).max().unwrap_or(0);
    let title_w = stacks.iter().map(|s| s.title.len()).max().unwrap_or(0);
    let text: String = stacks
        .iter()
        .map(|s| {
            let from = match s.source {
                None => String::new(),
                Some(origin) => format!("  [{origin}]"),
            };
            format!(
                "{:key_w$}  {:title_w$}  {}{from}\n",
                s.key, s.title, s.description
            )
        })
        .collect();
    crate::text::shown_lines(&text).into_owned()
}

pub fn list_json(stacks: &[Summary]) -> Json {
    Json::Array(
        stacks
            .iter()
            .map(|s| {
                json!({
                    "key": s.key,
                    "title": s.title,
                    "description": s.description,
                    "source": s.source.map_or_else(|| Origin::BuiltIn.to_string(), ToString::to_string),
                })
            })
            .collect(),
    )
}

/// A stack's options for people; text from a template is shown with its control characters
/// escaped.
pub fn show_text(stack: &Stack) -> String {
    let mut out = format!("{} ({}) — {}\n", stack.title, stack.key, stack.description);
    if !stack.source.is_built_in() {
        out.push_str(&format!("From the template {}\n", stack.source));
    }
    out.push('\n');
    let key_w = stack.options.iter().map(|o| o.key.len()).max().unwrap_or(0);
    for option in &stack.options {
        let values = match &option.kind {
            Kind::Choice(choices) => choices.join(" | "),
            Kind::Bool => "yes | no".into(),
            Kind::Text {
                rule: Some(rule), ..
            } => format!("text: {}", rule.describe()),
            Kind::Text { .. } => "text".into(),
        };
        let default = match &option.default {
            Some(Value::Text(t)) if t.is_empty() => " (default: empty)".to_string(),
            Some(v) => format!(" (default: {})", v.to_string().replace('\n', " ")),
            None => " (required)".into(),
        };
        out.push_str(&format!("  {:key_w$}  {values}{default}\n", option.key));
        out.push_str(&format!("  {:key_w$}  {}\n", "", option.help));
        if !option.when.is_empty() {
            out.push_str(&format!(
                "  {:key_w$}  asked only when {}\n",
                "",
                option.when.describe()
            ));
        }
    }
    out.push_str(&format!(
        "\nSet any of them with --set KEY=VALUE, e.g. sprout new my-app --stack {} --set {}={}\n",
        stack.key,
        stack.options.last().map_or("ci", |o| o.key.as_str()),
        stack
            .options
            .last()
            .and_then(|o| o.default.as_ref())
            .map_or("yes".into(), Value::to_string)
    ));
    let words: Vec<String> = stack
        .options
        .iter()
        .flat_map(|o| o.add.iter().map(|(w, v)| format!("{w} ({}={v})", o.key)))
        .collect();
    if !words.is_empty() {
        out.push_str(&format!(
            "In an existing project, sprout add WORD: {}\n",
            words.join(", ")
        ));
    }
    crate::text::shown_lines(&out).into_owned()
}

pub fn show_json(stack: &Stack) -> Json {
    let options: Vec<Json> = stack
        .options
        .iter()
        .map(|o| {
            let mut entry = json!({
                "key": o.key,
                "type": o.kind.name(),
                "prompt": o.prompt,
                "help": o.help,
                "default": o.default,
            });
            match &o.kind {
                Kind::Choice(choices) => entry["choices"] = json!(choices),
                Kind::Text {
                    multiline,
                    max_len,
                    rule,
                    ..
                } => {
                    entry["multiline"] = json!(multiline);
                    entry["max_len"] = json!(max_len);
                    if let Some(rule) = rule {
                        entry["rule"] = json!(rule.describe());
                    }
                }
                Kind::Bool => {}
            }
            if !o.when.is_empty() {
                entry["when"] = json!(o.when.describe());
                entry["condition"] = condition_json(&o.when);
            }
            if !o.add.is_empty() {
                entry["add"] = json!(
                    o.add
                        .iter()
                        .cloned()
                        .collect::<std::collections::BTreeMap<_, _>>()
                );
            }
            entry
        })
        .collect();
    json!({
        "key": stack.key,
        "title": stack.title,
        "description": stack.description,
        "port": stack.port,
        "source": stack.source.to_string(),
        "template_version": stack.template_version,
        "options": options,
        "commands": default_commands(stack),
        "commands_for": { "name": EXAMPLE_NAME },
        "command_templates": command_templates(stack),
    })
}

/// The project name a stack's commands are shown with: the name is the one answer without a
/// default.
pub const EXAMPLE_NAME: &str = "my-service";

/// The commands as `sprout new --dry-run --json` gives them for the default answers and the name
/// [`EXAMPLE_NAME`]; `null` when they cannot be rendered (a template's fault, which `new` and
/// `template check` report).
fn default_commands(stack: &Stack) -> Json {
    rendered_commands(stack, &[])
        .and_then(|c| serde_json::to_value(c).ok())
        .unwrap_or(Json::Null)
}

/// The commands rendered with the default answers, the name [`EXAMPLE_NAME`] and `changed`.
fn rendered_commands(stack: &Stack, changed: &[(String, String)]) -> Option<Commands> {
    let mut set = vec![("name".to_string(), EXAMPLE_NAME.to_string())];
    set.retain(|(key, _)| !changed.iter().any(|(k, _)| k == key));
    set.extend(changed.iter().cloned());
    let given = Given { set, file: None };
    let answers = answers::resolve(stack, &given, None).ok()?;
    let secrets = stack
        .secrets
        .iter()
        .map(|(name, _)| (name.clone(), format!("<{name}>")))
        .collect();
    let plan = Plan {
        stack,
        answers,
        secrets,
        year: secrets::current_year(),
    };
    let hb = helpers::registry();
    render::context(&plan, &hb)
        .ok()
        .map(|(_, commands)| commands)
}

/// Each command as the manifest writes it (a Handlebars template), with the options whose answer
/// changes what it renders to: a client that sets one of them asks `/api/projects/preview` (or
/// `sprout new --dry-run --json`) for the command of its answers.
fn command_templates(stack: &Stack) -> Json {
    let base = rendered_commands(stack, &[]);
    // Every other answer each option can take, one at a time.
    let mut changed: Vec<(String, String)> = vec![("name".into(), "other-service".into())];
    for option in stack.options.iter().filter(|o| o.key != "name") {
        let default = option.default.as_ref();
        match &option.kind {
            Kind::Choice(choices) => changed.extend(
                choices
                    .iter()
                    .filter(|c| default.and_then(Value::as_text) != Some(c.as_str()))
                    .map(|c| (option.key.clone(), c.clone())),
            ),
            Kind::Bool => {
                let on = matches!(default, Some(Value::Bool(true)));
                changed.push((option.key.clone(), if on { "no" } else { "yes" }.into()));
            }
            Kind::Text { .. } => {
                let text = default.and_then(Value::as_text).unwrap_or_default();
                changed.push((option.key.clone(), format!("{text}x")));
            }
        }
    }
    let mut uses: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (key, value) in &changed {
        let (Some(base), Some(other)) = (
            &base,
            rendered_commands(stack, &[(key.clone(), value.clone())]),
        ) else {
            continue;
        };
        for (command, one, two) in command_pairs(base, &other) {
            let keys = uses.entry(command).or_default();
            if one != two && !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    let own = &stack.commands;
    let mut out = serde_json::Map::new();
    let texts = [
        ("install", Some(&own.install)),
        ("lint", Some(&own.lint)),
        ("test", Some(&own.test)),
        ("start", Some(&own.start)),
        ("dev", own.dev.as_ref()),
    ];
    for (command, text) in texts {
        if let Some(text) = text {
            let options = uses.remove(command).unwrap_or_default();
            out.insert(
                command.into(),
                json!({ "template": text, "options": options }),
            );
        }
    }
    Json::Object(out)
}

/// The same command of two renderings: (name, first, second).
fn command_pairs<'a>(a: &'a Commands, b: &'a Commands) -> Vec<(&'static str, &'a str, &'a str)> {
    let dev = |c: &'a Commands| c.dev.as_deref().unwrap_or_default();
    vec![
        ("install", &a.install, &b.install),
        ("lint", &a.lint, &b.lint),
        ("test", &a.test, &b.test),
        ("start", &a.start, &b.start),
    ]
    .into_iter()
    .map(|(n, x, y)| (n, x.as_str(), y.as_str()))
    .chain([("dev", dev(a), dev(b))])
    .collect()
}

/// `when` as data: every key must hold one of its values (`true`/`false` for a yes/no option).
fn condition_json(when: &Condition) -> Json {
    when.entries()
        .map(|(key, expected)| {
            let values: Vec<Value> = expected.scalars().iter().map(|s| s.to_value()).collect();
            (key.to_string(), json!(values))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::catalog::{self, Catalog};
    use std::path::Path;

    /// A stack `key` in the root `root`, listed at `order`.
    fn write_stack(root: &Path, key: &str, order: i32) {
        let dir = root.join(key);
        std::fs::create_dir_all(dir.join("files")).unwrap();
        std::fs::write(
            dir.join("sprout.toml"),
            format!(
                "title = \"{key} title\"\ndescription = \"About {key}\"\nport = 4000\n\
                 order = {order}\nname_rule = \"npm\"\n\n[commands]\ninstall = \"true\"\n\
                 lint = \"true\"\ntest = \"true\"\nstart = \"true\"\n"
            ),
        )
        .unwrap();
        std::fs::write(dir.join("files/README.md.hbs"), "# {{name}}\n").unwrap();
    }

    #[test]
    fn the_built_in_stacks_come_first_then_each_roots_in_its_order_with_its_source() {
        let first = tempfile::tempdir().unwrap();
        write_stack(first.path(), "zeta", 1);
        write_stack(first.path(), "beta", 5);
        write_stack(first.path(), "alpha", 5);
        let second = tempfile::tempdir().unwrap();
        write_stack(second.path(), "gamma", 0);
        let catalogs = vec![
            Catalog::embedded(),
            Catalog::from_folder(first.path()).unwrap(),
            Catalog::from_folder(second.path()).unwrap(),
        ];
        let origins: Vec<Origin> = catalogs[1..].iter().map(|c| c.origin().clone()).collect();
        let listing = Listing::of(&Roots::of(catalogs).unwrap()).unwrap();
        let summaries = listing.summaries();

        let (built, others) = summaries.split_at(built_in().len());
        assert_eq!(built, built_in());
        let others: Vec<(&str, &str, Option<&Origin>)> =
            others.iter().map(|s| (s.key, s.title, s.source)).collect();
        assert_eq!(
            others,
            [
                ("zeta", "zeta title", Some(&origins[0])),
                ("alpha", "alpha title", Some(&origins[0])),
                ("beta", "beta title", Some(&origins[0])),
                ("gamma", "gamma title", Some(&origins[1])),
            ]
        );
        // Without roots, the built-in stacks alone.
        assert_eq!(
            Listing::of(&Roots::built_in()).unwrap().summaries(),
            built_in()
        );
    }

    /// `show --json`'s commands are what `new` renders for the default answers (no Handlebars
    /// left), and each command's `options` are exactly the options some other answer of which
    /// makes `new` render that command differently.
    #[test]
    fn shown_commands_are_rendered_and_name_the_options_that_change_them() {
        use crate::answers::Given;
        use std::collections::{BTreeMap, BTreeSet};
        let new = |stack: &Stack, set: &[(&str, &str)]| {
            let set = set
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let given = Given { set, file: None };
            let (_, project) = crate::generate::prepare(stack, &given, None).ok()?;
            Some(serde_json::to_value(project.commands).unwrap())
        };
        let mut dependencies = 0;
        for stack in catalog::load_all().unwrap() {
            let shown = show_json(&stack);
            let key = &stack.key;
            assert!(!shown["commands"].to_string().contains("{{"), "{key}");
            assert_eq!(shown["commands_for"]["name"], EXAMPLE_NAME);
            let defaults = new(&stack, &[("name", EXAMPLE_NAME)]).unwrap();
            assert_eq!(shown["commands"], defaults, "{key}");
            let templates = shown["command_templates"].as_object().unwrap();
            assert_eq!(templates["install"]["template"], stack.commands.install);
            let mut changed_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for option in &stack.options {
                let values: Vec<String> = match &option.kind {
                    Kind::Choice(choices) => choices.clone(),
                    Kind::Bool => vec!["yes".into(), "no".into()],
                    Kind::Text { .. } if option.key == "name" => vec!["other-service".into()],
                    Kind::Text { .. } => vec!["changed".into()],
                };
                for value in &values {
                    let set = if option.key == "name" {
                        vec![("name", value.as_str())]
                    } else {
                        vec![
                            ("name", EXAMPLE_NAME),
                            (option.key.as_str(), value.as_str()),
                        ]
                    };
                    let Some(other) = new(&stack, &set) else {
                        continue;
                    };
                    for command in templates.keys() {
                        if defaults[command] != other[command] {
                            changed_by.entry(command).or_default().insert(&option.key);
                        }
                    }
                }
            }
            for (command, template) in templates {
                let listed: BTreeSet<&str> = template["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap())
                    .collect();
                let changing = changed_by.remove(command.as_str()).unwrap_or_default();
                dependencies += changing.len();
                assert_eq!(listed, changing, "{key}: the options of `{command}`");
            }
        }
        // The built-in stacks' commands do depend on answers (a package manager, the name).
        assert!(dependencies > 0);
    }

    #[test]
    fn the_build_time_listing_is_what_loading_every_manifest_gives() {
        let stacks = catalog::load_all().unwrap();
        let loaded: Vec<Summary> = stacks.iter().map(Summary::of).collect();
        assert!(!loaded.is_empty());
        assert_eq!(built_in(), loaded.as_slice());
    }
}
