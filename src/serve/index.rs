//! `GET /api`: what the API has — every path with its methods, what it answers in, and the
//! parameters of a project request — as JSON with links, for scripts and people exploring.

use serde_json::{Value as Json, json};

use super::MAX_BODY;
use super::request::MAX_PARAMS;
use super::security::MAX_URI;

/// The index, with the stacks on offer.
pub fn describe(stacks: &[String]) -> Json {
    json!({
        "name": "sprout",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "Generates backend projects: the same files, modes and .sprout.toml as `sprout new`, in memory, with fresh secrets each time",
        "links": {
            "self": "/api",
            "page": "/",
            "health": "/health",
            "stacks": "/api/stacks",
            "stack": "/api/stacks/{key}",
            "project": "/api/projects",
            "preview": "/api/projects/preview",
        },
        "paths": [
            {"path": "/", "methods": ["GET"], "answers": ["text/html", "text/plain"],
             "what": "the page for a browser; a usage text with ready-to-paste curl lines for any other client"},
            {"path": "/health", "methods": ["GET"], "answers": ["application/json"],
             "what": "{\"status\": \"ok\", \"version\": …}; never limited"},
            {"path": "/api", "methods": ["GET"], "answers": ["application/json"], "what": "this index"},
            {"path": "/api/stacks", "methods": ["GET"], "answers": ["application/json"],
             "what": "every stack: key, title, description, source (what `sprout list --json` prints)"},
            {"path": "/api/stacks/{key}", "methods": ["GET"], "answers": ["application/json"],
             "what": "one stack with its options and commands (what `sprout show KEY --json` prints)"},
            {"path": "/api/projects", "methods": ["GET", "POST"], "answers": ["application/zip", "application/gzip"],
             "what": "the project as a zip or a .tar.gz (format=, else Accept), with Content-Disposition"},
            {"path": "/api/projects/preview", "methods": ["GET", "POST"], "answers": ["application/json"],
             "what": "what would be generated: files with sizes, modes and texts, answers, commands, and the `sprout new` command that makes the same project"},
        ],
        "parameters": {
            "stack": {"required": true, "values": stacks, "what": "the stack to generate"},
            "name": {"required": true, "what": "the project's name, checked by the stack's naming rule"},
            "set.KEY": {"what": "one option's answer (keys and values: /api/stacks/{key}); yes/no options take yes, no, true or false"},
            "format": {"values": ["zip", "tgz"], "what": "the archive's format; without it the Accept header decides, else zip"},
        },
        "body": "a POST may send the same fields as a form, or an answers file — JSON, or TOML such as a project's .sprout.toml, recognised whatever its Content-Type — whose answers the query's parameters override",
        "limits": {
            "body_bytes": MAX_BODY,
            "uri_bytes": MAX_URI,
            "parameters": MAX_PARAMS,
        },
        "errors": "application/problem+json (RFC 9457): type, title, status, detail, and hint (what to change), key (the option at fault) and cli (the same at a terminal) where they apply",
    })
}
