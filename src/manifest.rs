//! The stack manifest (`sprout.toml`) and the shared option list, as written in the templates.
//!
//! These types mirror the files one to one; `stack.rs` turns them into a checked [`crate::stack::Stack`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::names::NameRule;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub order: i32,
    pub port: u16,
    /// The template's own version, recorded in a project; `sprout update` applies the
    /// migrations above a project's recorded version.
    #[serde(default = "first_version")]
    pub template_version: u32,
    #[serde(default, rename = "migration")]
    pub migrations: Vec<Migration>,
    pub name_rule: NameRule,
    #[serde(default)]
    pub reserved_names: Vec<String>,
    #[serde(default, rename = "option")]
    pub options: Vec<OptionEntry>,
    /// Kept in file order: a derived value may use the ones above it.
    #[serde(default)]
    pub derived: toml::Table,
    #[serde(default)]
    pub secrets: BTreeMap<String, usize>,
    pub commands: Commands,
    #[serde(default, rename = "file")]
    pub files: Vec<FileRule>,
    /// What the project needs on the machine (`sprout doctor`, the check before `new`).
    #[serde(default)]
    pub requires: Vec<RequireEntry>,
    /// Steps between installing and running, and (`running = true`) once the server runs,
    /// printed as next steps.
    #[serde(default, rename = "step")]
    pub steps: Vec<StepEntry>,
    /// Lock files the install command may write (committed with the project, or named).
    #[serde(default)]
    pub lock_files: Vec<String>,
}

fn first_version() -> u32 {
    1
}

/// `[[migration]]`: what changed at a template version, so that `sprout update` carries an older
/// project across it before merging (a moved file is a move, not a delete and an add).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// Applied to a project recorded with a version below this one.
    pub version: u32,
    /// Project paths: old → new.
    #[serde(default)]
    pub rename_file: BTreeMap<String, String>,
    /// Answer keys: old → new.
    #[serde(default)]
    pub rename_answer: BTreeMap<String, String>,
    /// Answer values, per (new) key: old → new.
    #[serde(default)]
    pub rename_value: BTreeMap<String, BTreeMap<String, String>>,
    /// The value projects made before this version had, for an option they did not record
    /// (one this version adds): option key → value.
    #[serde(default)]
    pub answer: BTreeMap<String, toml::Value>,
}

/// `_shared/options.toml`: options asked before (`head`) and after (`tail`) a stack's own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedOptions {
    pub head: Vec<OptionEntry>,
    pub tail: Vec<OptionEntry>,
}

/// `_shared/shared.toml`: rules for the shared files.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedRules {
    #[serde(default, rename = "file")]
    pub files: Vec<FileRule>,
    /// Next steps every stack of the catalogue gets, before its own (same format as a stack's).
    #[serde(default, rename = "step")]
    pub steps: Vec<StepEntry>,
}

/// One `[[option]]` as written. Every field but `key` may be left out when the entry changes a
/// shared option; a new option must give `type` and `prompt`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionEntry {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: Option<OptionType>,
    pub prompt: Option<String>,
    pub help: Option<String>,
    pub choices: Option<Vec<String>>,
    pub default: Option<toml::Value>,
    pub when: Option<Condition>,
    pub multiline: Option<bool>,
    pub max_len: Option<usize>,
    pub rule: Option<NameRule>,
    /// `sprout add WORD` spellings: word → the value this option takes.
    pub add: Option<BTreeMap<String, String>>,
    /// For `choice`: values other stacks offer, each with the choice that stands for it here.
    pub instead: Option<BTreeMap<String, String>>,
    /// For `text`: a git configuration key (`user.name`) whose value, when set, is the default.
    pub git_default: Option<String>,
}

impl OptionEntry {
    /// Lay the fields `patch` gives over this entry.
    pub fn apply(&mut self, patch: OptionEntry) {
        macro_rules! take {
            ($($field:ident),*) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )* };
        }
        take!(
            kind,
            prompt,
            help,
            choices,
            default,
            when,
            multiline,
            max_len,
            rule,
            instead,
            git_default,
            add
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionType {
    Text,
    Choice,
    Bool,
}

/// `[commands]`, as `sprout show --json` prints them too (without the other package managers).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    pub install: String,
    pub lint: String,
    pub test: String,
    pub start: String,
    pub dev: Option<String>,
    /// Other package managers, by name, for `SPROUT_PACKAGE_MANAGER`.
    #[serde(default, skip_serializing)]
    pub with: BTreeMap<String, ManagerCommands>,
}

/// `[commands.with.<manager>]`: that package manager's commands; one left out is the stack's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagerCommands {
    pub install: String,
    pub lint: Option<String>,
    pub test: Option<String>,
    pub start: Option<String>,
    pub dev: Option<String>,
}

/// One `[[requires]]`: a tool the project needs, checked by `requires.rs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequireEntry {
    pub tool: String,
    pub check: String,
    /// A variable naming the tool's home folder (`JAVA_HOME`): when set, the check's program
    /// is the one in its `bin/`.
    pub home: Option<String>,
    pub min: Option<String>,
    #[serde(default)]
    pub when: Condition,
    pub fix: String,
}

/// One `[[step]]`: a command to run (`run`) or a thing to do by hand (`note`), both rendered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepEntry {
    pub run: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub when: Condition,
    /// A step to take once the server runs (after the health check), instead of before it.
    #[serde(default)]
    pub running: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    pub path: String,
    #[serde(default)]
    pub when: Condition,
    pub to: Option<String>,
    #[serde(default)]
    pub executable: bool,
    /// The file holds generated secrets: written 0600 whatever the umask.
    #[serde(default)]
    pub secret: bool,
}

impl FileRule {
    /// Whether this rule is about the file stored at `source` (a path under `files/`).
    pub fn matches(&self, source: &str) -> bool {
        match self.path.strip_suffix('/') {
            Some(folder) => source
                .strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/')),
            None => self.path == source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(path: &str) -> FileRule {
        FileRule {
            path: path.into(),
            when: Condition::default(),
            to: None,
            executable: false,
            secret: false,
        }
    }

    #[test]
    fn folder_rules_match_everything_below_and_nothing_beside() {
        assert!(rule("bin/").matches("bin/rails"));
        assert!(rule("bin/").matches("bin/sub/x"));
        assert!(!rule("bin/").matches("binary"));
        assert!(!rule("bin/").matches("bin"));
        assert!(rule("Dockerfile").matches("Dockerfile"));
        assert!(!rule("Dockerfile").matches("Dockerfile.dev"));
    }

    #[test]
    fn a_patch_changes_only_what_it_gives() {
        let mut base = OptionEntry {
            key: "database".into(),
            kind: Some(OptionType::Choice),
            prompt: Some("Database".into()),
            choices: Some(vec!["none".into(), "sqlite".into()]),
            default: Some(toml::Value::String("none".into())),
            ..OptionEntry::default()
        };
        base.apply(OptionEntry {
            key: "database".into(),
            default: Some(toml::Value::String("sqlite".into())),
            ..OptionEntry::default()
        });
        assert_eq!(base.prompt.as_deref(), Some("Database"));
        assert_eq!(base.default, Some(toml::Value::String("sqlite".into())));
        assert_eq!(base.choices.map(|c| c.len()), Some(2));
    }
}
