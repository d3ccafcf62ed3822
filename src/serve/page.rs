//! The web page: HTML, CSS and JavaScript embedded in the binary, no build step. `prism.js` is
//! Prism, the file viewer's syntax highlighter, as `tools/vendor-prism.sh` writes it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("page/index.html");
const STYLE: &str = include_str!("page/style.css");
const SCRIPT: &str = include_str!("page/app.js");
const PRISM: &str = include_str!("page/prism.js");
const ICON: &str = include_str!("page/icon.svg");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

pub async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX)
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn highlighter() -> Response {
    asset("text/javascript; charset=utf-8", PRISM)
}

pub async fn icon() -> Response {
    asset("image/svg+xml", ICON)
}
