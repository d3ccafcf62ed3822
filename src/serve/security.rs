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

/// A `--cors` value: one web origin, `http(s)://host[:port]` (a final `/` is dropped), never
/// `*` or `null`. The origin as browsers send it in `Origin`.
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let shown = text.escape_debug();
    let refuse = |why: &str| Err(format!("`{shown}` is not a web origin: {why}"));
    if text == "*" {
        return refuse(
            "`*` would let every web page call the API; give the one origin that may (e.g. https://portal.example.com)",
        );
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return refuse("write it as https://HOST or http://HOST:PORT");
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return refuse("the scheme must be https or http");
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#', '@']) || authority.is_empty() {
        return refuse("an origin is a scheme, a host and a port only: no path, query or user");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, _)) if !host.ends_with(']') && host.contains(':') => (authority, None),
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return refuse("the port must be a number from 1 to 65535");
    }
    if super::hosts::parse_allowed(host).is_err() || host.starts_with('.') {
        return refuse("the host must be a name or an IP address");
    }
    let origin = format!("{scheme}://{}", authority.to_ascii_lowercase());
    HeaderValue::from_str(&origin).or_else(|_| refuse("it holds characters a header cannot"))
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
        return Problem::new(
            StatusCode::URI_TOO_LONG,
            format!("the URI is {length} bytes long; at most {MAX_URI} are allowed"),
        )
        .hint("send the answers in a POST body instead")
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_a_scheme_a_host_and_a_port() {
        let ok = |t: &str| parse_origin(t).unwrap().to_str().unwrap().to_string();
        assert_eq!(
            ok("https://portal.example.com"),
            "https://portal.example.com"
        );
        assert_eq!(
            ok("https://Portal.Example.com/"),
            "https://portal.example.com"
        );
        assert_eq!(ok("http://localhost:3000"), "http://localhost:3000");
        assert_eq!(ok("http://[::1]:3000"), "http://[::1]:3000");
        for bad in [
            "*",
            "null",
            "portal.example.com",
            "ftp://x.example",
            "https://x.example/app",
            "https://x.example?q",
            "https://user@x.example",
            "https://x.example:0",
            "https://x.example:99999",
            "https://",
            "https://bad host",
            "https://x.example%0a",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }
}
