//! `sprout list` and `sprout show`: the stacks and their options, for people and as JSON.

use serde_json::{Value as Json, json};

use crate::catalog;
use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::git;
use crate::output::Output;
use crate::stack::{Kind, Stack};
use crate::value::Value;

/// `sprout list [--json]`.
pub fn list(json: bool, out: &Output) -> Result<Exit> {
    let stacks = catalog::load_all()?;
    print(out, json, || list_json(&stacks), || list_text(&stacks))
}

/// `sprout show STACK [--json]`, with the author's defaults from git.
pub fn show(key: &str, json: bool, out: &Output) -> Result<Exit> {
    let stack = catalog::load(key)?.with_git_defaults(git::config);
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

pub fn list_text(stacks: &[Stack]) -> String {
    let key_w = stacks.iter().map(|s| s.key.len()).max().unwrap_or(0);
    let title_w = stacks.iter().map(|s| s.title.len()).max().unwrap_or(0);
    stacks
        .iter()
        .map(|s| {
            format!(
                "{:key_w$}  {:title_w$}  {}\n",
                s.key, s.title, s.description
            )
        })
        .collect()
}

pub fn list_json(stacks: &[Stack]) -> Json {
    Json::Array(
        stacks
            .iter()
            .map(|s| json!({ "key": s.key, "title": s.title, "description": s.description }))
            .collect(),
    )
}

pub fn show_text(stack: &Stack) -> String {
    let mut out = format!(
        "{} ({}) — {}\n\n",
        stack.title, stack.key, stack.description
    );
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
    out
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
        "template_version": stack.template_version,
        "options": options,
        "commands": stack.commands,
    })
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
