//! What a request for a project asks: the stack, the answers and the archive format, read from
//! the query (`stack`, `name`, `format`, `set.KEY`), a form body with the same fields, or a JSON
//! or TOML body holding an answers file (as `sprout new --answers` reads it).

use std::path::Path;

use super::archive::Format;
use super::problem::Problem;
use crate::answers::{AnswersFile, Given};
use crate::error::Error;

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
///
/// A body that is an answers file (JSON, or TOML such as a project's `.sprout.toml`) is read as
/// one whatever its `Content-Type` says: `curl --data-binary @.sprout.toml` sends it as a form.
/// Otherwise a form body is read as form fields, and anything else is refused.
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
    if !body.is_empty() {
        match answers_file(&mime, body) {
            Ok(read) => file = Some(read),
            Err(_) if mime == FORM => pairs.extend(form_urlencoded::parse(body).into_owned()),
            Err(problem) => return Err(problem),
        }
    }
    if pairs.len() > MAX_PARAMS {
        return Err(Problem::bad_request(
            format!(
                "{} parameters; at most {MAX_PARAMS} are allowed",
                pairs.len()
            ),
            "give each option once",
        ));
    }

    let mut stack = None;
    let mut name = None;
    let mut format = None;
    let mut set: Vec<(String, String)> = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "stack" => once(&mut stack, key, value)?,
            "name" => once(&mut name, key, value)?,
            "format" => {
                let parsed = Format::parse(&value).ok_or_else(|| {
                    Problem::bad_request(
                        format!("unknown archive format `{value}`"),
                        "format=zip or format=tgz",
                    )
                    .key("format")
                })?;
                once(&mut format, key, parsed)?;
            }
            "set.stack" => {
                return Err(Problem::bad_request(
                    "`set.stack` is not an option",
                    format!("choose the stack with stack={value}"),
                )
                .key("stack"));
            }
            _ => match key.strip_prefix(SET_PREFIX) {
                Some(option) if !option.is_empty() => {
                    if set.iter().any(|(k, _)| k == option) {
                        return Err(twice(&key));
                    }
                    set.push((option.to_string(), value));
                }
                _ => {
                    return Err(Problem::bad_request(
                        format!("unknown parameter `{key}`"),
                        "parameters: stack, name, format and set.KEY (GET /api describes them; GET /api/stacks/STACK lists a stack's keys)",
                    ));
                }
            },
        }
    }
    if let Some(name) = name {
        if let Some((_, other)) = set.iter().find(|(k, v)| k == "name" && *v != name) {
            return Err(Problem::bad_request(
                format!("two names given: name={name} and set.name={other}"),
                "give the name once",
            )
            .key("name"));
        }
        set.insert(0, ("name".to_string(), name));
    }
    let from_file = file.as_ref().and_then(|f: &AnswersFile| f.stack.clone());
    let stack = match (stack, from_file) {
        (Some(stack), Some(file)) if !stack.eq_ignore_ascii_case(&file) => {
            return Err(Error::AnswersForOtherStack {
                path: Path::new("(request body)").to_path_buf(),
                file,
                flag: stack,
            }
            .into());
        }
        (Some(stack), _) | (None, Some(stack)) => stack,
        (None, None) => {
            return Err(Error::MissingStack {
                known: known.to_vec(),
                why: crate::error::NoPrompt::default(),
            }
            .into());
        }
    };
    Ok(ProjectRequest {
        stack,
        given: Given { set, file },
        format,
    })
}

/// A JSON or TOML body, read as `--answers` reads a file: JSON when it says so or starts with
/// `{`, else TOML.
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
        return Err(twice(&key));
    }
    *slot = Some(value);
    Ok(())
}

fn twice(key: &str) -> Problem {
    Problem::bad_request(format!("`{key}` is given twice"), "give it once")
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
    fn a_record_is_read_as_one_whatever_its_content_type() {
        let record = b"# How this project was generated (secrets are never recorded).\nsprout_version = \"0.1.0\"\nstack = \"flask\"\nyear = 2026\nname = \"shop\"\ndocker = false\n\n[files]\n\"README.md\" = \"e2207ab4c4bd331aa09ce5c4fa08596816b9904b\"\n";
        let flat = b"stack = \"flask\"\nname = \"shop\"\n";
        for body in [&record[..], &flat[..]] {
            for content_type in [
                Some(FORM),
                None,
                Some("text/plain"),
                Some("application/toml"),
            ] {
                let req = parse(None, content_type, body, &crate::catalog::keys());
                let req = req.unwrap_or_else(|p| panic!("{content_type:?}: {:?}", p.body()));
                assert_eq!(req.stack, "flask", "{content_type:?}");
                assert!(req.given.file.is_some(), "{content_type:?}");
            }
        }
        // A form is still a form, and a body that is neither is refused.
        let form = parse(None, Some(FORM), b"stack=flask&name=a&set.docker=yes", &[]).unwrap();
        assert_eq!(form.given.set.len(), 2);
        let junk = parse(None, Some("text/plain"), b"stack=flask&name=a", &[]).unwrap_err();
        assert!(
            junk.body()
                .detail
                .starts_with("the request body is not an answers file")
        );
    }

    #[test]
    fn unknown_twice_given_and_missing_fields_are_refused() {
        let refused = |q: &str| {
            parse(Some(q), None, b"", &crate::catalog::keys())
                .unwrap_err()
                .body()
                .detail
                .clone()
        };
        assert!(refused("stack=a&colour=red").contains("`colour`"));
        assert!(refused("stack=a&stack=b").contains("twice"));
        assert!(refused("stack=a&set.docker=no&set.docker=yes").contains("twice"));
        assert!(refused("stack=a&format=rar").contains("rar"));
        assert_eq!(
            refused("name=x"),
            "missing parameter `stack`: which stack to generate"
        );
        assert!(refused("stack=a&name=x&set.name=y").contains("two names"));
        assert!(refused("stack=a&set.stack=b").contains("`set.stack`"));
        let many = (0..=MAX_PARAMS)
            .map(|i| format!("set.k{i}=v"))
            .collect::<Vec<_>>();
        assert!(refused(&many.join("&")).contains("at most"));
    }
}
