//! Where answers come from and how they are resolved, in one path for every source:
//! `--set` > `--answers` file > prompt > default.

use std::path::Path;

use crate::error::{Error, NoPrompt, Result};
use crate::record::Record;
use crate::stack::{OptionSpec, Stack};
use crate::value::Value;

/// Keys an answers file may hold besides option keys (the `.sprout.toml` record has them).
const FILE_META_KEYS: &[&str] = crate::record::META_KEYS;

/// Asks a person for one answer; the terminal implementation lives in `prompt/`.
pub trait Asker {
    /// Ask for `option`; `refused` is a value given on the command line that failed its check,
    /// shown with the reason so that it can be corrected.
    fn ask(&mut self, option: &OptionSpec, refused: Option<Refused<'_>>) -> Result<Value>;
}

/// A value given on the command line (NAME or `--set`) that its option refused.
pub struct Refused<'a> {
    pub given: &'a str,
    pub error: &'a Error,
}

/// Answers given before any prompt.
#[derive(Debug, Default)]
pub struct Given {
    /// `--set KEY=VALUE` (and the positional NAME), as typed.
    pub set: Vec<(String, String)>,
    /// The answers file, already read.
    pub file: Option<AnswersFile>,
}

impl Given {
    /// Whether `key` is answered by `--set` or the answers file.
    pub fn answers(&self, key: &str) -> bool {
        self.set.iter().any(|(k, _)| k == key)
            || self
                .file
                .as_ref()
                .is_some_and(|f| f.values.iter().any(|(k, _)| k == key))
    }
}

#[derive(Debug, Default)]
pub struct AnswersFile {
    pub stack: Option<String>,
    /// The template source a project's record names (`sprout new` reads it when no
    /// `--template` is given; nothing else does).
    pub template: Option<String>,
    pub values: Vec<(String, Value)>,
}

/// Split `KEY=VALUE` at the first `=`.
pub fn parse_set(raw: &str) -> Result<(String, String)> {
    match raw.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(Error::Usage(format!(
            "--set expects KEY=VALUE, got `{raw}`"
        ))),
    }
}

impl AnswersFile {
    pub fn read(path: &Path) -> Result<AnswersFile> {
        let fail = |reason: String| Error::AnswersFile {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        Self::parse(&text, path).map_err(fail)
    }

    /// TOML, or JSON when the file name ends in `.json` or the text starts with `{`.
    pub fn parse(text: &str, path: &Path) -> Result<AnswersFile, String> {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || text.trim_start().starts_with('{');
        let table: toml::Table = if is_json {
            let json: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
            match toml::Value::try_from(json) {
                Ok(toml::Value::Table(t)) => t,
                _ => return Err("expected one JSON object of KEY: VALUE".into()),
            }
        } else {
            text.parse()
                .map_err(|e: toml::de::Error| toml_error(text, &e))?
        };
        let mut file = AnswersFile::default();
        for (key, value) in table {
            if key == "stack" {
                file.stack = Some(
                    value
                        .as_str()
                        .ok_or("`stack` must be a string")?
                        .to_string(),
                );
            } else if key == "template" {
                let source = value.as_str().ok_or("`template` must be a string")?;
                file.template = Some(source.to_string());
            } else if FILE_META_KEYS.contains(&key.as_str()) {
                continue;
            } else {
                let value = Value::from_toml(&value)
                    .ok_or_else(|| format!("`{key}` must be a string, a number or true/false"))?;
                file.values.push((key, value));
            }
        }
        Ok(file)
    }
}

/// "invalid TOML at line L, column C: message", counted in characters from 1.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let Some(span) = error.span() else {
        return format!("invalid TOML: {}", error.message());
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!(
        "invalid TOML at line {line}, column {column}: {}",
        error.message()
    )
}

/// Resolve every option of `stack`, in order. Without an asker nothing is prompted.
pub fn resolve(
    stack: &Stack,
    given: &Given,
    mut asker: Option<&mut dyn Asker>,
) -> Result<Vec<(String, Value)>> {
    let file_values: &[(String, Value)] = given.file.as_ref().map_or(&[], |f| &f.values);
    if let Some((_, value)) = given.set.iter().find(|(k, _)| k == "stack") {
        return Err(Error::Usage(format!(
            "`stack` is not an option: choose the stack with --stack {value}"
        )));
    }
    for key in given
        .set
        .iter()
        .map(|(k, _)| k)
        .chain(file_values.iter().map(|(k, _)| k))
    {
        if stack.option(key).is_none() {
            return Err(Error::UnknownOption {
                key: key.clone(),
                stack: stack.key.clone(),
                known: stack.option_keys(),
            });
        }
    }

    let mut answers: Vec<(String, Value)> = Vec::with_capacity(stack.options.len());
    for option in &stack.options {
        let from_set = given.set.iter().rev().find(|(k, _)| *k == option.key);
        let from_file = file_values.iter().find(|(k, _)| *k == option.key);
        let applies = option
            .when
            .holds(|k| answers.iter().find(|(key, _)| key == k).map(|(_, v)| v));
        let value = if !applies {
            if from_set.is_some() || from_file.is_some() {
                return Err(Error::NotApplicable {
                    key: option.key.clone(),
                    why: format!("it is asked only when {}", option.when.describe()),
                });
            }
            option.default.clone()
        } else if let Some((_, raw)) = from_set {
            // At a terminal, a refused value is asked again rather than ending the run.
            match (option.parse(raw), asker.as_deref_mut()) {
                (Ok(value), _) => Some(value),
                (Err(error), Some(asker)) => Some(asker.ask(
                    option,
                    Some(Refused {
                        given: raw,
                        error: &error,
                    }),
                )?),
                (Err(error), None) => return Err(error),
            }
        } else if let Some((_, value)) = from_file {
            Some(option.check(value.clone())?)
        } else if let Some(asker) = asker.as_deref_mut() {
            Some(asker.ask(option, None)?)
        } else {
            option.default.clone()
        };
        let value = value.ok_or_else(|| missing(option, NoPrompt::default()))?;
        answers.push((option.key.clone(), value));
    }
    Ok(answers)
}

/// The recorded answers with `set` laid over them, checked exactly as `sprout new` checks them.
/// An option the record lacks goes to `asker` (`None`: its default).
pub fn from_record(
    stack: &Stack,
    record: &Record,
    set: &[(String, String)],
    mut asker: Option<&mut dyn Asker>,
) -> Result<Vec<(String, Value)>> {
    let mut values = record.answers.clone();
    // The record holds every option, also those that did not apply; an answer that does not
    // apply with the new answers is left to its default, as `new` would.
    loop {
        let given = Given {
            set: set.to_vec(),
            file: Some(AnswersFile {
                stack: Some(stack.key.clone()),
                template: None,
                values: values.clone(),
            }),
        };
        let asking: Option<&mut dyn Asker> = match asker.as_mut() {
            Some(asker) => Some(&mut **asker),
            None => None,
        };
        match resolve(stack, &given, asking) {
            Err(Error::NotApplicable { key, .. })
                if values.iter().any(|(k, _)| *k == key) && !set.iter().any(|(k, _)| *k == key) =>
            {
                values.retain(|(k, _)| *k != key);
            }
            other => return other,
        }
    }
}

fn missing(option: &OptionSpec, why: NoPrompt) -> Error {
    if option.key == "name" {
        return Error::MissingName { why };
    }
    Error::MissingAnswer {
        key: option.key.clone(),
        flag: format!("--set {}=<VALUE>", option.key),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_splits_at_the_first_equals_sign() {
        assert_eq!(
            parse_set("description=a=b").unwrap(),
            ("description".into(), "a=b".into())
        );
        assert_eq!(parse_set("k=").unwrap(), ("k".into(), String::new()));
        assert!(parse_set("novalue").is_err());
        assert!(parse_set("=x").is_err());
    }

    #[test]
    fn answers_files_in_toml_and_json() {
        let toml = AnswersFile::parse(
            "stack = \"express\"\nsprout_version = \"0.1.0\"\ndocker = true\njava = 21\n",
            Path::new("a.toml"),
        )
        .unwrap();
        assert_eq!(toml.stack.as_deref(), Some("express"));
        assert_eq!(
            toml.values,
            vec![
                ("docker".into(), Value::Bool(true)),
                ("java".into(), Value::Text("21".into()))
            ]
        );
        let json =
            AnswersFile::parse(r#"{"license": "MIT", "ci": false}"#, Path::new("a.json")).unwrap();
        assert_eq!(json.values.len(), 2);
        assert!(AnswersFile::parse("[1, 2]", Path::new("a.json")).is_err());
        assert!(AnswersFile::parse("x = [1]", Path::new("a.toml")).is_err());
        assert!(AnswersFile::parse("x = ", Path::new("a.toml")).is_err());
    }
}
