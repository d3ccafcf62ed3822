//! Errors as `application/problem+json` (RFC 9457), in the words of HTTP: parameters by the
//! names a request gives them (`stack`, `name`, `set.KEY`), never a flag, a terminal or a server
//! path. `hint` says what to change, `key` names the option at fault (so a page can show the
//! message beside its field), and `cli` may say what the same is at a terminal.

use axum::body::Body as HttpBody;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Error, closest};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One problem, boxed: it travels in every `Result` of a request.
#[derive(Debug)]
pub struct Problem(Box<Body>);

/// What a problem's JSON holds.
#[derive(Debug, Serialize)]
pub struct Body {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The option the answer was refused for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What the same would be at a terminal, for people who also use the CLI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Seconds after which a busy server may be asked again.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem(Box::new(Body {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            hint: None,
            key: None,
            cli: None,
            retry_after: None,
        }))
    }

    /// A 400 with what to change.
    pub fn bad_request(detail: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, detail).hint(hint)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.0.hint = Some(hint.into());
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Problem {
        self.0.key = Some(key.into());
        self
    }

    pub fn cli(mut self, cli: impl Into<String>) -> Problem {
        self.0.cli = Some(cli.into());
        self
    }

    pub fn busy(retry_after: u32) -> Problem {
        let mut problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "the server is generating as many projects as it allows at once",
        )
        .hint(format!("try again in {retry_after} s"));
        problem.0.retry_after = Some(retry_after);
        problem
    }

    pub fn body(&self) -> &Body {
        &self.0
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The request parameter that answers option `key`.
pub fn parameter(key: &str) -> String {
    if key == "name" {
        key.to_string()
    } else {
        format!("set.{key}")
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Problem {
        match error {
            Error::UnknownStack { given, known } => {
                let near = closest(&given, &known)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                Problem::new(
                    StatusCode::NOT_FOUND,
                    format!("unknown stack `{given}`{near}"),
                )
                .hint(format!(
                    "stacks: {} (GET /api/stacks describes them)",
                    known.join(", ")
                ))
                .key("stack")
                .cli("sprout list")
            }
            Error::UnknownOption { key, stack, known } => {
                let near = closest(&key, &known)
                    .map(|n| format!("did you mean `{}`? ", parameter(n)))
                    .unwrap_or_default();
                let all: Vec<String> = known.iter().map(|k| parameter(k)).collect();
                Problem::bad_request(
                    format!("unknown parameter `{}` for stack {stack}", parameter(&key)),
                    format!(
                        "{near}parameters: {} (GET /api/stacks/{stack} describes them)",
                        all.join(", ")
                    ),
                )
                .key(key)
                .cli(format!("sprout show {stack}"))
            }
            Error::InvalidValue { key, reason, hint } => Problem::bad_request(
                format!("invalid value for `{}`: {reason}", parameter(&key)),
                hint.unwrap_or_else(|| {
                    format!(
                        "change `{}`; GET /api/stacks/STACK gives each option's values and rules",
                        parameter(&key)
                    )
                }),
            )
            .key(key),
            Error::NotApplicable { key, why } => Problem::bad_request(
                format!(
                    "`{}` does not apply to these answers: {}",
                    parameter(&key),
                    why.replace("is asked only when", "applies only when")
                ),
                format!("leave out `{}`", parameter(&key)),
            )
            .key(key),
            Error::MissingAnswer { key, .. } => Problem::bad_request(
                format!(
                    "missing parameter `{}`: the option has no default",
                    parameter(&key)
                ),
                format!("add {}=VALUE", parameter(&key)),
            )
            .key(key),
            Error::MissingStack { known, .. } => Problem::bad_request(
                "missing parameter `stack`: which stack to generate",
                format!(
                    "add stack=KEY, one of: {} (GET /api/stacks describes them)",
                    known.join(", ")
                ),
            )
            .key("stack"),
            Error::MissingName { .. } => Problem::bad_request(
                "missing parameter `name`: the project's name",
                "add name=NAME, e.g. name=my-service",
            )
            .key("name"),
            Error::AnswersFile { reason, .. } => Problem::bad_request(
                format!("the request body is not an answers file: {reason}"),
                "send the answers as JSON or TOML (a project's .sprout.toml is one), or as a form of stack, name and set.KEY fields",
            ),
            Error::AnswersForOtherStack { file, flag, .. } => Problem::bad_request(
                format!("the body is for stack `{file}`, but the parameter `stack` says `{flag}`"),
                "leave out the `stack` parameter to use the body's, or give the body's",
            )
            .key("stack"),
            Error::Usage(message) => Problem::new(StatusCode::BAD_REQUEST, message),
            // What remains is the server's own fault (a template it offers that does not render,
            // the system): its log says what, the client learns only that it failed. Template
            // messages name the server's files.
            other => {
                tracing::error!("generating a project failed: {other}");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server could not generate this project",
                )
                .hint("this is the server's fault, not the request's; its log says what failed")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = self.0.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Error responses made by layers (405, 408, 413, …) carry plain text or nothing: give them a
/// problem body too, so every error a client sees has the same shape.
pub async fn fill_bare_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(CONTENT_TYPE.as_bytes()));
    if status.as_u16() < 400 || is_problem {
        return response;
    }
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is larger than the server accepts",
        StatusCode::REQUEST_TIMEOUT => "the request took longer than the server allows",
        StatusCode::METHOD_NOT_ALLOWED => "this path does not take that method",
        _ => status.canonical_reason().unwrap_or("error"),
    };
    let (mut parts, _) = response.into_parts();
    let fresh = Problem::new(status, detail).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    let (_, body) = fresh.into_parts();
    Response::from_parts(parts, HttpBody::new(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::NoPrompt;

    /// Words of the terminal that an HTTP client cannot act on.
    const CLI_WORDS: &[&str] = &["--", "terminal", "sprout ", "prompt", "asked"];

    #[test]
    fn refusals_name_parameters_never_flags_or_a_terminal() {
        let known = vec!["name".to_string(), "license".to_string()];
        let errors = [
            Error::UnknownStack {
                given: "djang".into(),
                known: vec!["django".into(), "flask".into()],
            },
            Error::UnknownOption {
                key: "licence".into(),
                stack: "flask".into(),
                known: known.clone(),
            },
            Error::InvalidValue {
                key: "license".into(),
                reason: "`GPL` is not one of MIT, none".into(),
                hint: Some("allowed: MIT, none".into()),
            },
            Error::NotApplicable {
                key: "pool".into(),
                why: "it is asked only when database is postgres".into(),
            },
            Error::MissingAnswer {
                key: "java".into(),
                flag: "--set java=<VALUE>".into(),
                why: NoPrompt::NoTerminal,
            },
            Error::MissingStack {
                known: known.clone(),
                why: NoPrompt::NoTerminal,
            },
            Error::MissingName {
                why: NoPrompt::NoTerminal,
            },
            Error::AnswersForOtherStack {
                path: "(request body)".into(),
                file: "flask".into(),
                flag: "django".into(),
            },
        ];
        for error in errors {
            let shown = format!("{error}");
            let problem = Problem::from(error);
            let body = problem.body();
            let words = format!("{} {}", body.detail, body.hint.as_deref().unwrap_or(""));
            for word in CLI_WORDS {
                assert!(!words.contains(word), "{shown}: {words}");
            }
            assert!(body.hint.is_some(), "{shown}: no hint");
            assert!(body.status == 400 || body.status == 404, "{shown}");
        }
        let unknown = Problem::from(Error::UnknownOption {
            key: "licence".into(),
            stack: "flask".into(),
            known,
        });
        assert_eq!(
            unknown.body().detail,
            "unknown parameter `set.licence` for stack flask"
        );
        assert!(
            unknown
                .body()
                .hint
                .as_deref()
                .unwrap()
                .starts_with("did you mean `set.license`?")
        );
        assert_eq!(unknown.body().cli.as_deref(), Some("sprout show flask"));
    }

    #[test]
    fn a_servers_own_fault_says_nothing_of_its_files() {
        let problem = Problem::from(Error::Template {
            stack: "golden".into(),
            reason: "/srv/templates/golden/files/a.hbs:3:1: `x` is not defined".into(),
        });
        assert_eq!(problem.body().status, 500);
        assert!(!problem.body().detail.contains("/srv"));
        assert!(
            !problem
                .body()
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("/srv")
        );
    }
}
