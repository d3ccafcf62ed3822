//! `.sprout.toml`: how a project was made, in the answers-file format, so that
//! `sprout new --answers .sprout.toml` makes it again; and what sprout wrote (one git blob id per
//! file, secrets masked), the base `sprout update` merges from.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::manifest::Migration;
use crate::paths;
use crate::plan::Plan;
use crate::value::{Answers, Value};

pub const FILE_NAME: &str = paths::RECORD;

/// The record's keys that are not answers.
pub const META_KEYS: &[&str] = &[
    "stack",
    "template",
    "template_commit",
    "sprout_version",
    "template_version",
    "year",
    "files",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub sprout_version: Option<String>,
    pub stack: String,
    /// The template source (a folder or `GIT-URL#REF`); `None` for the built-in templates.
    pub template: Option<String>,
    /// The commit a git source resolved to when the project was last rendered.
    pub template_commit: Option<String>,
    /// `None` in projects made before template versions were recorded.
    pub template_version: Option<u32>,
    /// The year the LICENSE names, kept across updates.
    pub year: Option<i32>,
    pub answers: Vec<(String, Value)>,
    /// Path → git blob id of what sprout wrote there (secrets masked). Empty in projects made
    /// before the record held it.
    pub files: BTreeMap<String, String>,
}

impl Record {
    pub fn new(plan: &Plan, files: BTreeMap<String, String>) -> Record {
        Record {
            sprout_version: Some(env!("CARGO_PKG_VERSION").to_string()),
            stack: plan.stack.key.clone(),
            template: plan.stack.source.source().map(|s| s.to_string()),
            template_commit: plan.stack.source.commit().map(String::from),
            template_version: Some(plan.stack.template_version),
            year: Some(plan.year),
            answers: plan.answers.clone(),
            files,
        }
    }

    /// The record of the project in `dir`.
    pub fn read(dir: &Path) -> Result<Record> {
        let path = dir.join(FILE_NAME);
        let invalid = |reason: String| Error::Record {
            path: path.clone(),
            reason,
        };
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::SymlinkInTarget { path });
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(invalid(
                    "not found: this folder was not made by sprout".into(),
                ));
            }
            Err(e) => return Err(invalid(e.to_string())),
        };
        Record::parse(&text).map_err(invalid)
    }

    pub fn parse(text: &str) -> Result<Record, String> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("invalid TOML: {}", e.message()))?;
        let mut record = Record {
            sprout_version: None,
            stack: String::new(),
            template: None,
            template_commit: None,
            template_version: None,
            year: None,
            answers: Vec::new(),
            files: BTreeMap::new(),
        };
        for (key, value) in table {
            match key.as_str() {
                "stack" => record.stack = value.as_str().ok_or("`stack` must be text")?.into(),
                "sprout_version" => record.sprout_version = value.as_str().map(String::from),
                "template" => {
                    record.template = Some(value.as_str().ok_or("`template` must be text")?.into());
                }
                "template_commit" => {
                    let commit = value.as_str().filter(|c| is_commit(c));
                    let commit = commit.ok_or("`template_commit` must be a commit id")?;
                    record.template_commit = Some(commit.into());
                }
                "template_version" => {
                    let version = value
                        .as_integer()
                        .and_then(|v| u32::try_from(v).ok())
                        .ok_or("`template_version` must be a whole number")?;
                    record.template_version = Some(version);
                }
                "year" => {
                    let year = value.as_integer().and_then(|v| i32::try_from(v).ok());
                    record.year = Some(year.ok_or("`year` must be a whole number")?);
                }
                "files" => {
                    let files = value.as_table().ok_or("`files` must be a table")?;
                    for (path, id) in files {
                        let id = id.as_str().filter(|id| crate::git::is_object_id(id));
                        let id = id.ok_or_else(|| format!("files.\"{path}\": not a blob id"))?;
                        check_path(path)?;
                        record.files.insert(path.clone(), id.to_string());
                    }
                }
                _ => {
                    let value = Value::from_toml(&value)
                        .ok_or_else(|| format!("`{key}` must be text or true/false"))?;
                    record.answers.push((key, value));
                }
            }
        }
        if record.stack.is_empty() {
            return Err("no `stack`".into());
        }
        Ok(record)
    }

    pub fn contents(&self) -> String {
        let mut text = String::from(
            "# How this project was generated (secrets are never recorded). To make it again:\n#   sprout new --answers .sprout.toml --yes --output <DIR>\n",
        );
        text.push_str(&toml::to_string(&Head::of(self)).unwrap_or_default());
        if !self.files.is_empty() {
            text.push_str(
                "\n# What sprout wrote (git blob ids, secrets masked): the base of `sprout update`.\n",
            );
            text.push_str(&toml::to_string(&Files { files: &self.files }).unwrap_or_default());
        }
        text
    }

    pub fn answer(&self, key: &str) -> Option<&Value> {
        self.answers.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Apply every `[[migration]]` above the record's version (a record without one is version 1)
    /// to its answers: renamed answers and values, and the value an option added since had in
    /// older projects (`answer`, only where the record lacks it). The files to move, (old, new)
    /// as the template wrote their paths, a file moved twice moved once.
    pub fn migrate(&mut self, migrations: &[Migration]) -> Result<Vec<(String, String)>, String> {
        let from = self.template_version.unwrap_or(1);
        let mut steps: Vec<&Migration> = migrations.iter().filter(|m| m.version > from).collect();
        steps.sort_by_key(|m| m.version);
        let mut moves = Vec::new();
        for step in steps {
            for (old, new) in &step.rename_answer {
                for (key, _) in self.answers.iter_mut().filter(|(k, _)| k == old) {
                    key.clone_from(new);
                }
            }
            for (key, values) in &step.rename_value {
                for (_, value) in self.answers.iter_mut().filter(|(k, _)| k == key) {
                    if let Value::Text(text) = value
                        && let Some(new) = values.get(text.as_str())
                    {
                        *text = new.clone();
                    }
                }
            }
            for (key, value) in &step.answer {
                let value = Value::from_toml(value).ok_or_else(|| {
                    format!(
                        "the template's migration {} gives `{key}` a value that is not a string, a number or true/false",
                        step.version
                    )
                })?;
                if !self.answers.iter().any(|(k, _)| k == key) {
                    self.answers.push((key.clone(), value));
                }
            }
            for (old, new) in &step.rename_file {
                // A file moved twice moves once, from where it was to where it ends.
                match moves
                    .iter_mut()
                    .find(|(_, to): &&mut (String, String)| to == old)
                {
                    Some((_, to)) => to.clone_from(new),
                    None => moves.push((old.clone(), new.clone())),
                }
            }
        }
        Ok(moves)
    }
}

/// A full commit id (SHA-1 or SHA-256).
fn is_commit(id: &str) -> bool {
    matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The record's first part: the versions, the stack and the answers, as top-level keys.
#[derive(serde::Serialize)]
struct Head<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    sprout_version: Option<&'a str>,
    stack: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    #[serde(flatten)]
    answers: Answers<'a>,
}

impl<'a> Head<'a> {
    fn of(record: &'a Record) -> Head<'a> {
        Head {
            sprout_version: record.sprout_version.as_deref(),
            stack: &record.stack,
            template: record.template.as_deref(),
            template_commit: record.template_commit.as_deref(),
            template_version: record.template_version,
            year: record.year,
            answers: Answers(&record.answers),
        }
    }
}

/// The record's `[files]` table.
#[derive(serde::Serialize)]
struct Files<'a> {
    files: &'a BTreeMap<String, String>,
}

/// A path in the record must be one sprout could have written: see [`paths::check`].
pub fn check_path(path: &str) -> Result<(), String> {
    paths::check(path).map_err(|refused| refused.to_string())
}

/// The record's `[files]`: the git blob id of each rendered file (path, contents), secrets
/// masked.
pub fn ids<'f>(
    files: impl IntoIterator<Item = (&'f str, &'f [u8])>,
    secrets: &[(String, String)],
) -> BTreeMap<String, String> {
    files
        .into_iter()
        .filter(|(path, _)| *path != FILE_NAME)
        .map(|(path, contents)| {
            let masked = crate::secrets::mask(contents, secrets);
            (path.to_string(), crate::git::blob_id(&masked))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_what_it_wrote() {
        let record = Record {
            sprout_version: Some("0.1.0".into()),
            stack: "flask".into(),
            template: Some("https://example.com/t.git#v1".into()),
            template_commit: Some("a".repeat(40)),
            template_version: Some(3),
            year: Some(2026),
            answers: vec![
                ("name".into(), Value::Text("demo".into())),
                ("docker".into(), Value::Bool(true)),
            ],
            files: [("a/b.txt".to_string(), "0".repeat(40))].into(),
        };
        assert_eq!(Record::parse(&record.contents()).unwrap(), record);
    }

    #[test]
    fn an_old_record_without_versions_or_files_is_read() {
        let old = "sprout_version = \"0.1.0\"\nstack = \"express\"\nname = \"x\"\n";
        let record = Record::parse(old).unwrap();
        assert_eq!(record.template_version, None);
        assert!(record.files.is_empty());
        assert_eq!(record.answers.len(), 1);
    }

    #[test]
    fn paths_leaving_the_project_are_refused() {
        for bad in [
            "../x",
            "/etc/passwd",
            "a//b",
            "a/../../b",
            "C:/x",
            "",
            ".git/HEAD",
            ".GIT/config",
        ] {
            let text = format!(
                "stack = \"x\"\n[files]\n\"{bad}\" = \"{}\"\n",
                "0".repeat(40)
            );
            assert!(Record::parse(&text).is_err(), "{bad}");
        }
        assert!(Record::parse("name = \"x\"\n").is_err(), "no stack");
    }
}
