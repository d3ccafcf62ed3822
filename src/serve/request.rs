//! What a request for a project asks: the stack, the answers and the archive format, read from
//! the query (`stack`, `name`, `format`, `set.KEY`), a form body with the same fields, or a JSON
//! or TOML body holding an answers file (as `sprout new --answers` reads it).

use std::path::Path;

use axum::http::StatusCode;

use super::archive::Format;
use super::problem::Problem;
use crate::answers::{AnswersFile, Given};
use crate::error::Error;
use crate::generate;

/// More parameters than any stack has options, with room to spare.
pub const MAX_PARAMS: usize = 64;

const FORM: &str = "application/x-www-form-urlencoded";
const SET_PREFIX: &str = "set.";

#[derive(Debug)]
pub struct ProjectRequest {
    pub stack: String,
    pub given: Given,
    pub format: Option<Format>,
}

/// Read a request for a project. `content_type` and `body` are those of a POST (empty for GET).
pub fn parse(
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
    known: &[String],
) -> Result<ProjectRequest, Problem> {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut file = None;
    if mime == FORM {
        pairs.extend(form_urlencoded::parse(body).into_owned());
    } else if !body.is_empty() {
        file = Some(answers_file(&mime, body)?);
    }
    if pairs.len() > MAX_PARAMS {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{} parameters; at most {MAX_PARAMS} are allowed",
                pairs.len()
            ),
        ));
    }

    let mut stack = None;
    let mut name = None;
    let mut format = None;
    let mut set = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "stack" => once(&mut stack, key, value)?,
            "name" => once(&mut name, key, value)?,
            "format" => {
                let parsed = Format::parse(&value).ok_or_else(|| {
                    usage(
                        format!("unknown archive format `{value}`"),
                        "use zip or tgz",
                    )
                })?;
                once(&mut format, key, parsed)?;
            }
            _ => match key.strip_prefix(SET_PREFIX) {
                Some(option) => set.push(format!("{option}={value}")),
                None => {
                    return Err(usage(
                        format!("unknown parameter `{key}`"),
                        "parameters: stack, name, format and set.KEY=VALUE (keys: GET /api/stacks/STACK)",
                    ));
                }
            },
        }
    }
    let stack = match stack.or_else(|| file.as_ref().and_then(|f: &AnswersFile| f.stack.clone())) {
        Some(stack) => stack,
        None => {
            return Err(Error::MissingStack {
                known: known.to_vec(),
                why: crate::error::NoPrompt::default(),
            }
            .into());
        }
    };
    let given = generate::given(name.as_deref(), &set, file)?;
    Ok(ProjectRequest {
        stack,
        given,
        format,
    })
}

/// A JSON or TOML body, read as `--answers` reads a file.
fn answers_file(mime: &str, body: &[u8]) -> Result<AnswersFile, Problem> {
    let path = Path::new(if mime.ends_with("json") {
        "request.json"
    } else {
        "request.toml"
    });
    let fail = |reason: String| Error::AnswersFile {
        path: Path::new("(request body)").to_path_buf(),
        reason,
    };
    let text = std::str::from_utf8(body).map_err(|_| fail("it is not UTF-8 text".into()))?;
    Ok(AnswersFile::parse(text, path).map_err(fail)?)
}

fn once<T>(slot: &mut Option<T>, key: String, value: T) -> Result<(), Problem> {
    if slot.is_some() {
        return Err(usage(format!("`{key}` is given twice"), "give it once"));
    }
    *slot = Some(value);
    Ok(())
}

fn usage(detail: String, hint: &str) -> Problem {
    Problem {
        hint: Some(hint.to_string()),
        ..Problem::new(StatusCode::BAD_REQUEST, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_fields_become_the_given_answers() {
        let req = parse(
            Some("stack=flask&name=api&set.docker=no&set.description=a%3Db%20c&format=tgz"),
            None,
            b"",
            &crate::catalog::keys(),
        )
        .unwrap();
        assert_eq!(req.stack, "flask");
        assert_eq!(req.format, Some(Format::TarGz));
        assert_eq!(
            req.given.set,
            [
                ("name".to_string(), "api".to_string()),
                ("docker".to_string(), "no".to_string()),
                ("description".to_string(), "a=b c".to_string())
            ]
        );
    }

    #[test]
    fn a_json_body_is_an_answers_file_and_the_query_wins() {
        let req = parse(
            Some("name=api"),
            Some("application/json; charset=utf-8"),
            br#"{"stack": "express", "docker": false}"#,
            &crate::catalog::keys(),
        )
        .unwrap();
        assert_eq!(req.stack, "express");
        let file = req.given.file.unwrap();
        assert_eq!(file.values.len(), 1);
    }

    #[test]
    fn unknown_twice_given_and_missing_fields_are_refused() {
        let refused = |q: &str| parse(Some(q), None, b"", &crate::catalog::keys()).unwrap_err();
        assert!(refused("stack=a&colour=red").detail.contains("`colour`"));
        assert!(refused("stack=a&stack=b").detail.contains("twice"));
        assert!(refused("stack=a&format=rar").detail.contains("rar"));
        assert_eq!(
            refused("name=x").detail,
            "no stack chosen and no terminal to ask"
        );
        assert!(
            refused("stack=a&name=x&set.name=y")
                .detail
                .contains("two names")
        );
        let many = (0..=MAX_PARAMS)
            .map(|i| format!("set.k{i}=v"))
            .collect::<Vec<_>>();
        assert!(refused(&many.join("&")).detail.contains("at most"));
    }
}
