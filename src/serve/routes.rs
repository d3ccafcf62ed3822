//! The HTTP API: stacks, projects (archive or preview) and health. Rendering runs on the
//! blocking pool, with the same code as `sprout new`.

use axum::body::Bytes;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use super::archive::{self, Format};
use super::preview;
use super::problem::Problem;
use super::request::{self, ProjectRequest};
use crate::catalog::Roots;
use crate::{generate, listing};

pub async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

pub async fn stacks(State(roots): State<Arc<Roots>>) -> Result<Json<serde_json::Value>, Problem> {
    let listing = listing::Listing::of(&roots)?;
    Ok(Json(listing::list_json(&listing.summaries())))
}

pub async fn stack(
    State(roots): State<Arc<Roots>>,
    Path(key): Path<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    Ok(Json(listing::show_json(&roots.load(&key)?)))
}

pub async fn project(
    State(roots): State<Arc<Roots>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(roots, query, headers, body, Output::Archive).await
}

pub async fn preview(
    State(roots): State<Arc<Roots>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(roots, query, headers, body, Output::Preview).await
}

pub async fn not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "nothing here")
}

#[derive(Clone, Copy)]
enum Output {
    Archive,
    Preview,
}

async fn respond(
    roots: Arc<Roots>,
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
            &roots.keys(),
        )?;
        generate(&roots, request, accept.as_deref(), output)
    };
    match tokio::task::spawn_blocking(job).await {
        Ok(Ok(response)) => response,
        Ok(Err(problem)) => problem.into_response(),
        Err(_) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generating the project failed",
        )
        .into_response(),
    }
}

/// Resolve, render and pack: everything in memory, fresh secrets every time.
fn generate(
    roots: &Roots,
    request: ProjectRequest,
    accept: Option<&str>,
    output: Output,
) -> Result<Response, Problem> {
    let stack = roots.load(&request.stack)?;
    let (plan, project) = generate::prepare(&stack, &request.given, None)?;
    let mut response = match output {
        Output::Preview => Json(preview::preview(&plan, &project)).into_response(),
        Output::Archive => {
            let format = request
                .format
                .or_else(|| accept.and_then(Format::from_accept))
                .unwrap_or(Format::Zip);
            let bytes = archive::pack(format, plan.name(), &project.files).map_err(|e| {
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("packing the archive failed: {e}"),
                )
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
