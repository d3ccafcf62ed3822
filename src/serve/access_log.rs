//! One access-log line per request — client, method, path with the query's keys but not its
//! values (they may hold names and text), status, bytes and milliseconds — as text or JSON lines
//! on stderr.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::HttpBody;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::cli::LogFormat;

/// Send `tracing` events to stderr in the chosen format.
pub fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO);
    // A second call (tests start several servers) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

pub async fn log(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_string(), |c| c.0.ip().to_string());
    let method = request.method().clone();
    let path = redacted(request.uri().path(), request.uri().query());
    let response = next.run(request).await;
    let bytes = response.body().size_hint().exact().unwrap_or(0);
    tracing::info!(
        target: "access",
        client,
        method = %method,
        path,
        status = response.status().as_u16(),
        bytes,
        ms = start.elapsed().as_millis() as u64,
    );
    response
}

/// `/api/projects?stack=&name=&set.author=` for `/api/projects?stack=x&name=y&set.author=z`.
pub fn redacted(path: &str, query: Option<&str>) -> String {
    match query {
        None => path.to_string(),
        Some(query) => {
            let keys: Vec<String> = form_urlencoded::parse(query.as_bytes())
                .map(|(key, _)| {
                    format!(
                        "{}=",
                        form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>()
                    )
                })
                .collect();
            format!("{path}?{}", keys.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_left_out() {
        assert_eq!(
            redacted("/api/projects", Some("stack=flask&set.author=Jane%20Doe&x")),
            "/api/projects?stack=&set.author=&x="
        );
        assert_eq!(redacted("/health", None), "/health");
    }
}
