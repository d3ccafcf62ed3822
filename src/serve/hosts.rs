//! Which `Host` a request may name. On a loopback address only the names of loopback itself
//! (`localhost`, `127.0.0.1`, `[::1]`, the bound address) and the `--allow-host` names are
//! answered: a web page whose own name resolves to 127.0.0.1 (DNS rebinding) gets 403 instead
//! of the server's stacks and previews. On another address the check applies only when
//! `--allow-host` names some hosts.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::problem::Problem;

/// The names every loopback server answers to.
const LOOPBACK_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// The hosts a server answers, or any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// Lowercase names without a port; one starting with `.` stands for the domain and every
    /// name under it. `None`: every Host is answered.
    allowed: Option<Vec<String>>,
}

impl Hosts {
    /// The hosts a server bound to `local` answers, with the `--allow-host` names `extra`
    /// (already checked by [`parse_allowed`]).
    pub fn for_address(local: SocketAddr, extra: &[String]) -> Hosts {
        if !local.ip().is_loopback() && extra.is_empty() {
            return Hosts { allowed: None };
        }
        let mut allowed: Vec<String> = LOOPBACK_NAMES.iter().map(|n| n.to_string()).collect();
        if !local.ip().is_unspecified() {
            allowed.push(local.ip().to_string());
        }
        allowed.extend(extra.iter().cloned());
        Hosts {
            allowed: Some(allowed),
        }
    }

    /// Whether a request with this `Host` value (or none) is answered.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let (Some(allowed), Some(host)) = (&self.allowed, host) else {
            return true;
        };
        let Some(name) = host_name(host) else {
            return false;
        };
        allowed.iter().any(|rule| match rule.strip_prefix('.') {
            Some(domain) => {
                name == domain
                    || name
                        .strip_suffix(domain)
                        .is_some_and(|head| head.ends_with('.'))
            }
            None => name == *rule,
        })
    }
}

/// The name in a `Host` value, lowercase, without its port, brackets or a final dot.
fn host_name(host: &str) -> Option<String> {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || port(after.strip_prefix(':')?)) {
            return None;
        }
        inside.to_string()
    } else {
        match host.rsplit_once(':') {
            Some((name, p)) if port(p) => name.to_string(),
            Some(_) => return None,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(&name).to_string();
    (!name.is_empty()).then_some(name)
}

fn port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// An `--allow-host` value: a host name (`dev.example.com`), `.example.com` for a domain and
/// everything under it, or an IP address; no scheme, port or path.
pub fn parse_allowed(text: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    let bare = lower.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    let name = lower.strip_prefix('.').unwrap_or(&lower);
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if name.len() <= 253 && name.split('.').all(label_ok) {
        Ok(lower)
    } else {
        Err(format!(
            "`{}` is not a host name: give a name such as dev.example.com, .example.com for a domain and every name under it, or an IP address (no scheme, port or path)",
            text.escape_debug()
        ))
    }
}

/// Refuse a request whose `Host` the server does not answer.
pub async fn check(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|v| v.to_str().unwrap_or("\u{fffd}"))
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if hosts.allows(host) {
        return next.run(request).await;
    }
    let shown = host.unwrap_or_default().escape_debug().to_string();
    Problem::new(
        StatusCode::FORBIDDEN,
        format!("this server does not answer requests for the host `{shown}`"),
    )
    .hint("open the server by a name it answers (localhost or its address); a server started for other names lists them")
    .cli(format!("sprout serve --allow-host {shown}"))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(extra: &[&str]) -> Hosts {
        let extra: Vec<String> = extra.iter().map(|e| parse_allowed(e).unwrap()).collect();
        Hosts::for_address("127.0.0.1:8080".parse().unwrap(), &extra)
    }

    #[test]
    fn loopback_answers_its_own_names_with_any_port() {
        let hosts = loopback(&[]);
        for host in [
            "localhost",
            "localhost:8080",
            "LOCALHOST:1",
            "localhost.",
            "127.0.0.1:8080",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(hosts.allows(Some(host)), "{host}");
        }
        assert!(
            hosts.allows(None),
            "a request without Host cannot be a rebinding page's"
        );
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "localhost:80:80",
            "[::1",
            "",
            "127.0.0.2",
        ] {
            assert!(!hosts.allows(Some(host)), "{host}");
        }
    }

    #[test]
    fn allowed_names_and_domains_are_added() {
        let hosts = loopback(&["dev.example.com", ".corp.example", "10.1.2.3"]);
        assert!(hosts.allows(Some("dev.example.com:8080")));
        assert!(hosts.allows(Some("corp.example")));
        assert!(hosts.allows(Some("a.b.corp.example")));
        assert!(hosts.allows(Some("10.1.2.3")));
        assert!(!hosts.allows(Some("xcorp.example")));
        assert!(!hosts.allows(Some("example.com")));
    }

    #[test]
    fn other_addresses_answer_any_host_unless_names_are_given() {
        let any = Hosts::for_address("0.0.0.0:8080".parse().unwrap(), &[]);
        assert!(any.allows(Some("whatever.example")));
        let named = Hosts::for_address(
            "0.0.0.0:8080".parse().unwrap(),
            &["sprout.example.com".to_string()],
        );
        assert!(named.allows(Some("sprout.example.com")));
        assert!(named.allows(Some("localhost")));
        assert!(!named.allows(Some("whatever.example")));
        let bound = Hosts::for_address("[::1]:9000".parse().unwrap(), &[]);
        assert!(bound.allows(Some("[::1]:9000")));
    }

    #[test]
    fn allow_host_values_are_names_domains_or_addresses() {
        assert_eq!(parse_allowed("Dev.Example.com").unwrap(), "dev.example.com");
        assert_eq!(parse_allowed(".example.com").unwrap(), ".example.com");
        assert_eq!(parse_allowed("[::1]").unwrap(), "::1");
        for bad in [
            "https://x.example",
            "x.example:8080",
            "x.example/path",
            "",
            "*",
            "a..b",
            "-x.example",
            "x y",
        ] {
            assert!(parse_allowed(bad).is_err(), "{bad}");
        }
    }
}
