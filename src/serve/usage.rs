//! `curl URL/`: the server's usage as plain text — the stacks, their options, and `curl` lines
//! that work as pasted, against the address the client used.

use axum::http::{HeaderMap, header};

use super::offer::Offer;
use super::problem::{Problem, parameter};
use crate::stack::{Kind, Stack};
use crate::value::Value;

/// The name a sample project gets in the usage's lines.
const SAMPLE: &str = "my-service";

pub fn text(offer: &Offer, headers: &HeaderMap) -> Result<String, Problem> {
    let base = base_url(headers);
    let stacks: Vec<Stack> = offer
        .keys()
        .iter()
        .map(|key| offer.load(key))
        .collect::<Result<_, _>>()?;
    let key_w = stacks.iter().map(|s| s.key.len()).max().unwrap_or(0);
    let mut out = format!(
        "sprout {} — start a backend project that installs, passes its tests and serves /health\n\n\
         Stacks, and the answers each takes (* marks the default; GET {base}/api/stacks/KEY has them as JSON):\n\n",
        env!("CARGO_PKG_VERSION")
    );
    for stack in &stacks {
        out.push_str(&format!(
            "  {:key_w$}  {}\n",
            stack.key,
            stack.description.replace('\n', " ")
        ));
        let answers: Vec<String> = stack.options.iter().map(answer).collect();
        for line in wrap(&answers, 96 - key_w) {
            out.push_str(&format!("  {:key_w$}  {line}\n", ""));
        }
        out.push('\n');
    }
    let first = stacks.first().map_or("express", |s| s.key.as_str());
    let second = stacks.get(1).map_or(first, |s| s.key.as_str());
    out.push_str(&format!(
        "Download a project (a zip; format=tgz or -H 'Accept: application/gzip' for a .tar.gz):\n\n\
         \x20 curl -fOJ '{base}/api/projects?stack={first}&name={SAMPLE}'\n\
         \x20 curl -fsS '{base}/api/projects?stack={second}&name={SAMPLE}&format=tgz' | tar xz\n\n\
         What it would hold, as JSON (files, answers, commands, the `sprout new` command):\n\n\
         \x20 curl -fsS '{base}/api/projects/preview?stack={first}&name={SAMPLE}'\n\n\
         Make a project again from its record:\n\n\
         \x20 curl -fsS --data-binary @{SAMPLE}/.sprout.toml -o {SAMPLE}.zip {base}/api/projects\n\n\
         The whole API: GET {base}/api. In a browser, {base}/ is a page that does all of this.\n"
    ));
    Ok(out)
}

/// `set.KEY=a|b*` for one option.
fn answer(option: &crate::stack::OptionSpec) -> String {
    let default = option.default.as_ref();
    let values = match &option.kind {
        Kind::Choice(choices) => choices
            .iter()
            .map(|c| {
                let mark = if default == Some(&Value::Text(c.clone())) {
                    "*"
                } else {
                    ""
                };
                format!("{c}{mark}")
            })
            .collect::<Vec<_>>()
            .join("|"),
        Kind::Bool => match default {
            Some(Value::Bool(true)) => "yes*|no".into(),
            Some(Value::Bool(false)) => "yes|no*".into(),
            _ => "yes|no".into(),
        },
        Kind::Text { .. } if option.key == "name" => "NAME".into(),
        Kind::Text { .. } => "TEXT".into(),
    };
    format!("{}={values}", parameter(&option.key))
}

/// Words joined with spaces into lines of at most `width` characters.
fn wrap(words: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in words {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.clone()),
        }
    }
    lines
}

/// `http://HOST` as the client named the server, when that is a plain host and port (the
/// lines are pasted into a shell), else `http://localhost`; `https` behind a proxy that says so.
fn base_url(headers: &HeaderMap) -> String {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST)
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match text(header::HeaderName::from_static("x-forwarded-proto")) {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_the_clients_host_when_it_is_safe_to_paste() {
        let with = |pairs: &[(&'static str, &str)]| {
            let mut headers = HeaderMap::new();
            for (k, v) in pairs {
                headers.insert(*k, v.parse().unwrap());
            }
            base_url(&headers)
        };
        assert_eq!(with(&[("host", "localhost:8080")]), "http://localhost:8080");
        assert_eq!(with(&[("host", "[::1]:9")]), "http://[::1]:9");
        assert_eq!(
            with(&[("host", "x.example'; rm -rf ~")]),
            "http://localhost"
        );
        assert_eq!(
            with(&[("host", "sprout.example"), ("x-forwarded-proto", "https")]),
            "https://sprout.example"
        );
    }
}
