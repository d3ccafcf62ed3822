//! Errors as `application/problem+json` (RFC 9457): the CLI's message as `detail`, its hint as
//! `hint`, and the option at fault as `key`, so a page can show the message beside the field.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::Error;

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Serialize)]
pub struct Problem {
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
    /// Seconds after which a busy server may be asked again.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            hint: None,
            key: None,
            retry_after: None,
        }
    }

    pub fn busy(retry_after: u32) -> Problem {
        Problem {
            hint: Some(format!("try again in {retry_after} s")),
            retry_after: Some(retry_after),
            ..Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "the server is generating as many projects as it allows at once",
            )
        }
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Problem {
        let status = match &error {
            Error::UnknownStack { .. } => StatusCode::NOT_FOUND,
            // A template the server offers that cannot be rendered is the server's fault.
            Error::Template { .. }
            | Error::Render(_)
            | Error::System { .. }
            | Error::Write { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        let key = match &error {
            Error::UnknownOption { key, .. }
            | Error::InvalidValue { key, .. }
            | Error::NotApplicable { key, .. }
            | Error::MissingAnswer { key, .. } => Some(key.clone()),
            Error::MissingName { .. } => Some("name".to_string()),
            _ => None,
        };
        Problem {
            hint: error.hint(),
            key,
            ..Problem::new(status, error.to_string())
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = self.retry_after {
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
    Response::from_parts(parts, Body::new(body))
}
