//! Response headers every answer carries, the URI length bound, and CORS (off unless an origin
//! is given).

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use super::problem::Problem;

/// Longer URIs get 414: enough for every option at its longest, percent-encoded.
pub const MAX_URI: usize = 16 * 1024;

/// Scripts and styles only from the page's own files: no inline code, no other origin.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    // The page's URL holds the answers: send it nowhere.
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

pub fn headers(mut router: Router) -> Router {
    for (name, value) in HEADERS {
        router = router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// Allow one other origin to call the API (e.g. a developer portal), never `*`.
pub fn cors(origin: HeaderValue) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list([origin]))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([header::CONTENT_DISPOSITION, header::RETRY_AFTER])
}

pub async fn limit_uri(request: Request, next: Next) -> Response {
    let length = request.uri().to_string().len();
    if length > MAX_URI {
        return Problem {
            hint: Some("send the answers in a POST body instead".into()),
            ..Problem::new(
                StatusCode::URI_TOO_LONG,
                format!("the URI is {length} bytes long; at most {MAX_URI} are allowed"),
            )
        }
        .into_response();
    }
    next.run(request).await
}
