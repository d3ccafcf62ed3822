//! `Accept`: which of the types an answer can take a client wants (RFC 9110, section 12.5.1),
//! and 406 when it wants none of them.

use axum::http::{HeaderMap, StatusCode, header};

use super::problem::Problem;

pub const JSON: &str = "application/json";
pub const HTML: &str = "text/html";
pub const TEXT: &str = "text/plain";

/// The offered type the client prefers: the highest `q` of the most specific range that
/// matches it, offers in order breaking ties. No `Accept` accepts anything; an `Accept` that
/// cannot be read is taken as none.
pub fn choose(accept: Option<&str>, offered: &[&'static str]) -> Option<&'static str> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return offered.first().copied();
    };
    let ranges: Vec<(String, f32)> = accept.split(',').filter_map(range).collect();
    let mut best: Option<(&'static str, f32)> = None;
    for offer in offered {
        // The most specific range naming this type sets its quality.
        let quality = ranges
            .iter()
            .filter_map(|(range, q)| specificity(range, offer).map(|s| (s, *q)))
            .max_by_key(|(s, _)| *s)
            .map_or(0.0, |(_, q)| q);
        if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((offer, quality));
        }
    }
    best.map(|(offer, _)| offer)
}

/// The type chosen from the request's `Accept`, or a 406 problem listing what is offered.
pub fn require(headers: &HeaderMap, offered: &[&'static str]) -> Result<&'static str, Problem> {
    let accept = headers
        .get(header::ACCEPT)
        .map(|v| v.to_str().unwrap_or(""));
    choose(accept, offered).ok_or_else(|| not_acceptable(offered))
}

pub fn not_acceptable(offered: &[&'static str]) -> Problem {
    Problem::new(
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "this path answers only with {}, which the request's Accept header does not take",
            offered.join(" or ")
        ),
    )
    .hint(format!(
        "accept {} (or */*); GET /api says which path answers in which type",
        offered.join(" or ")
    ))
}

/// One media range and its quality; `None` for one that cannot be read.
fn range(part: &str) -> Option<(String, f32)> {
    let mut fields = part.split(';');
    let media = fields.next()?.trim().to_ascii_lowercase();
    if !media.contains('/') {
        return None;
    }
    let mut q = 1.0;
    for param in fields {
        if let Some((name, value)) = param.split_once('=')
            && name.trim().eq_ignore_ascii_case("q")
        {
            q = value
                .trim()
                .parse::<f32>()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q))?;
        }
    }
    Some((media, q))
}

/// How specifically `range` names `offer`: 2 exactly, 1 by its type (`text/*`), 0 by `*/*`.
fn specificity(range: &str, offer: &str) -> Option<u8> {
    if range == offer {
        return Some(2);
    }
    if range == "*/*" {
        return Some(0);
    }
    let (kind, sub) = range.split_once('/')?;
    (sub == "*" && offer.split('/').next() == Some(kind)).then_some(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_html_and_curl_gets_text() {
        let page = [HTML, TEXT];
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
        assert_eq!(choose(Some(browser), &page), Some(HTML));
        assert_eq!(choose(Some("*/*"), &[TEXT, HTML]), Some(TEXT));
        assert_eq!(choose(None, &[TEXT, HTML]), Some(TEXT));
        assert_eq!(choose(Some("text/*"), &[TEXT, HTML]), Some(TEXT));
        assert_eq!(
            choose(Some("text/html;q=0.5, text/plain"), &page),
            Some(TEXT)
        );
    }

    #[test]
    fn a_type_the_client_refuses_is_not_chosen() {
        assert_eq!(choose(Some("application/json"), &["application/zip"]), None);
        assert_eq!(
            choose(Some("*/*;q=0, application/zip"), &["application/zip"]),
            Some("application/zip")
        );
        assert_eq!(
            choose(Some("application/zip;q=0, */*"), &["application/zip"]),
            None
        );
        assert_eq!(choose(Some("garbage"), &[JSON]), None);
        assert_eq!(choose(Some("application/json;q=2"), &[JSON]), None);
        assert_eq!(
            choose(
                Some("application/gzip, application/zip;q=0.5"),
                &["application/zip", "application/gzip"]
            ),
            Some("application/gzip")
        );
    }
}
