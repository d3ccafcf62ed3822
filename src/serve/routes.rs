//! The HTTP API: the page or its usage text, the API's index, stacks, projects (archive or
//! preview) and health. Every answer is in a type the request's `Accept` takes (406 where none
//! is). Rendering runs on the blocking pool, with the same code as `sprout new`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use super::archive::{self, Format};
use super::negotiate::{self, HTML, JSON, TEXT};
use super::offer::Offer;
use super::problem::Problem;
use super::request::{self, ProjectRequest};
use super::{index, page, preview, usage};
use crate::{generate, listing};

/// `GET /`: the page for a browser, a plain-text usage for `curl` and other clients.
pub async fn root(State(offer): State<Arc<Offer>>, headers: HeaderMap) -> Response {
    // Text first: `*/*` (curl) gets the usage; a browser names text/html and gets the page.
    match negotiate::require(&headers, &[TEXT, HTML]) {
        Ok(HTML) => page::index().await,
        Ok(_) => {
            let text = tokio::task::spawn_blocking(move || usage::text(&offer, &headers)).await;
            match text {
                Ok(Ok(text)) => (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; charset=utf-8"),
                    )],
                    text,
                )
                    .into_response(),
                Ok(Err(problem)) => problem.into_response(),
                Err(_) => failed().into_response(),
            }
        }
        Err(problem) => problem.into_response(),
    }
}

pub async fn health(headers: HeaderMap) -> Result<Json<serde_json::Value>, Problem> {
    negotiate::require(&headers, &[JSON])?;
    Ok(Json(
        json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
    ))
}

/// `GET /api`: what the API has, with links.
pub async fn api(
    State(offer): State<Arc<Offer>>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, Problem> {
    negotiate::require(&headers, &[JSON])?;
    let listed = offer.list_json()?;
    let keys: Vec<String> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["key"].as_str().map(String::from))
        .collect();
    Ok(Json(index::describe(&keys)))
}

pub async fn stacks(
    State(offer): State<Arc<Offer>>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, Problem> {
    negotiate::require(&headers, &[JSON])?;
    Ok(Json(offer.list_json()?))
}

pub async fn stack(
    State(offer): State<Arc<Offer>>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, Problem> {
    negotiate::require(&headers, &[JSON])?;
    Ok(Json(listing::show_json(&offer.load(&key)?)))
}

pub async fn project(
    State(offer): State<Arc<Offer>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(offer, query, headers, body, Output::Archive).await
}

pub async fn preview(
    State(offer): State<Arc<Offer>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(offer, query, headers, body, Output::Preview).await
}

pub async fn not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "nothing here")
        .hint("GET /api lists the paths this server answers")
}

#[derive(Clone, Copy)]
enum Output {
    Archive,
    Preview,
}

fn failed() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "generating the project failed",
    )
}

async fn respond(
    offer: Arc<Offer>,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
    output: Output,
) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(String::from)
    };
    let content_type = text(header::CONTENT_TYPE);
    let accept = text(header::ACCEPT);
    let job = move || -> Result<Response, Problem> {
        let request = request::parse(
            query.as_deref(),
            content_type.as_deref(),
            &body,
            &offer.keys(),
        )?;
        let output = match output {
            Output::Preview => {
                negotiate::choose(accept.as_deref(), &[JSON])
                    .ok_or_else(|| negotiate::not_acceptable(&[JSON]))?;
                None
            }
            Output::Archive => Some(archive_format(accept.as_deref(), request.format)?),
        };
        generate(&offer, request, output)
    };
    match tokio::task::spawn_blocking(job).await {
        Ok(Ok(response)) => response,
        Ok(Err(problem)) => problem.into_response(),
        Err(_) => failed().into_response(),
    }
}

/// The archive's format: `format=` when the client accepts it, else the one its `Accept`
/// prefers (zip for `*/*` or none).
fn archive_format(accept: Option<&str>, asked: Option<Format>) -> Result<Format, Problem> {
    let offered = [Format::Zip.content_type(), Format::TarGz.content_type()];
    let pick = match asked {
        Some(format) => negotiate::choose(accept, &[format.content_type()]),
        None => negotiate::choose(accept, &offered),
    };
    match pick {
        Some(kind) if kind == Format::TarGz.content_type() => Ok(Format::TarGz),
        Some(_) => Ok(Format::Zip),
        None => Err(negotiate::not_acceptable(&offered)
            .hint("a project is an archive: accept application/zip or application/gzip; GET /api/projects/preview answers with JSON")),
    }
}

/// Resolve, render and pack: everything in memory, fresh secrets every time. `format` is the
/// archive's, or `None` for the preview.
fn generate(
    offer: &Offer,
    request: ProjectRequest,
    format: Option<Format>,
) -> Result<Response, Problem> {
    let stack = offer.load(&request.stack)?;
    let (plan, project) = generate::prepare(&stack, &request.given, None)?;
    let mut response = match format {
        None => Json(preview::preview(&plan, &project)).into_response(),
        Some(format) => {
            let bytes = archive::pack(format, plan.name(), &project.files).map_err(|e| {
                tracing::error!("packing the archive failed: {e}");
                failed()
            })?;
            let disposition = format!(
                "attachment; filename=\"{}.{}\"",
                plan.name(),
                format.extension()
            );
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(format.content_type()),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition)
                            .unwrap_or(HeaderValue::from_static("attachment")),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
    };
    // Every answer holds fresh secrets: no cache may keep or share it.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::fs;

    use super::*;
    use crate::answers::Given;
    use crate::catalog::{Catalog, Roots};
    use crate::trees;

    /// A server renders many projects from the same templates: each text goes to Handlebars'
    /// parser once for the life of the process, not once per request.
    #[test]
    fn a_served_template_is_parsed_once_for_every_request() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("served-once");
        fs::create_dir_all(dir.join("files")).unwrap();
        fs::write(
            dir.join("sprout.toml"),
            "title = \"Once\"\ndescription = \"Parsed once\"\nport = 4000\nname_rule = \"npm\"\n\n\
             [commands]\ninstall = \"true\"\nlint = \"true\"\ntest = \"true\"\nstart = \"true\"\n",
        )
        .unwrap();
        let readme = "# {{name}}\n\nServed once from this test {{#if name}}only{{/if}}.\n";
        fs::write(dir.join("files/README.md.hbs"), readme).unwrap();
        // The partials the built-in shared layer calls.
        fs::create_dir_all(dir.join("partials")).unwrap();
        fs::write(dir.join("partials/ci-setup.hbs"), "      - run: true\n").unwrap();
        fs::write(dir.join("partials/compose-app-env.hbs"), "      APP: x\n").unwrap();
        let roots = Roots::of(vec![Catalog::from_folder(&dir).unwrap()]).unwrap();
        let offer = Offer::new(Arc::new(roots), Vec::new());
        for name in ["one", "two", "three"] {
            let request = ProjectRequest {
                stack: "served-once".into(),
                given: Given {
                    set: vec![("name".into(), name.into())],
                    file: None,
                },
                format: None,
            };
            let response = generate(&offer, request, None).unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        assert_eq!(trees::parses(readme), 1);
    }
}
