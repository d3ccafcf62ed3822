//! The dry run as JSON: what `sprout new --dry-run --json` prints, plus the `sprout new` command
//! that makes the same project and the text of each file for the page's viewer (bounded).

use std::path::Path;

use serde_json::{Value as Json, json};

use crate::generate;
use crate::plan::Plan;
use crate::render::Project;
use crate::report::shell_quote;

/// The largest file whose text the preview carries.
pub const MAX_FILE_TEXT: usize = 64 * 1024;
/// The most text the preview carries in all; later files get `"text": null`.
pub const MAX_TOTAL_TEXT: usize = 1024 * 1024;

pub fn preview(plan: &Plan, project: &Project) -> Json {
    let target = Path::new(".").join(plan.name());
    let outcome = generate::outcome(plan, project, &target, true);
    let mut json = serde_json::to_value(&outcome).unwrap_or(Json::Null);
    let mut budget = MAX_TOTAL_TEXT;
    if let Some(entries) = json["files"].as_array_mut() {
        for (entry, file) in entries.iter_mut().zip(&project.files) {
            let text = std::str::from_utf8(&file.contents)
                .ok()
                .filter(|t| t.len() <= MAX_FILE_TEXT && t.len() <= budget);
            if let Some(text) = text {
                budget -= text.len();
            }
            entry["text"] = json!(text);
        }
    }
    json["command"] = json!(command(plan));
    json
}

/// `sprout new NAME --stack KEY --set KEY=VALUE… --yes`, naming the answers that differ from
/// their defaults (and apply), each value quoted for a POSIX shell when needed. An option whose
/// default the CLI takes from git (the author) is always named: the server cannot know what
/// the user's git would fill in, and the command must make the same project.
pub fn command(plan: &Plan) -> String {
    let stack = plan.stack;
    let mut words = vec![
        "sprout new".to_string(),
        shell_quote(plan.name()),
        format!("--stack {}", stack.key),
    ];
    if let Some(source) = stack.source.source() {
        words.push(format!("--template {}", shell_quote(&source.to_string())));
    }
    for option in stack.options.iter().filter(|o| o.key != "name") {
        let Some(value) = plan.answer(&option.key) else {
            continue;
        };
        let applies = option.when.holds(|k| plan.answer(k));
        let from_git = option.git_default.is_some();
        if applies && (from_git || option.default.as_ref() != Some(value)) {
            words.push(format!(
                "--set {}={}",
                option.key,
                shell_quote(&value.to_string())
            ));
        }
    }
    words.push("--yes".to_string());
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Given;
    use crate::catalog;

    #[test]
    fn the_command_names_only_changed_answers_quoted_for_a_shell() {
        let key = catalog::keys().into_iter().next().unwrap();
        let stack = catalog::load(&key).unwrap();
        let given = |set: &[(&str, &str)]| Given {
            set: set
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            file: None,
        };
        let (plan, _) =
            crate::generate::prepare(&stack, &given(&[("name", "demo")]), None).unwrap();
        assert_eq!(
            command(&plan),
            format!("sprout new demo --stack {key} --set author='' --yes")
        );

        let answers = [("name", "demo"), ("author", "O'Brien <ob@example.com>")];
        let (plan, _) = crate::generate::prepare(&stack, &given(&answers), None).unwrap();
        assert_eq!(
            command(&plan),
            format!(
                "sprout new demo --stack {key} --set author='O'\\''Brien <ob@example.com>' --yes"
            )
        );
    }
}
