//! The API speaks HTTP: `curl URL/` gets a usage text whose lines work as pasted, `GET /api`
//! describes the API with links that answer, every answer honours `Accept`, the documented
//! rebuild works exactly as printed, and errors name parameters, never flags or a terminal.

use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;
use sprout::serve::Config;

use super::harness::*;
use crate::common::{Scratch, stack_keys};

/// `curl` must be there: these tests run the lines the server and the docs print.
fn curl() -> Command {
    let found = Command::new("curl").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "curl is needed by the HTTP tests (they run the curl lines the server and docs/serve.md print): install curl"
    );
    Command::new("curl")
}

fn with_accept(server: &Server, path: &str, accept: &str) -> Reply {
    Reply::from(
        agent()
            .get(format!("{}{path}", server.base))
            .header("accept", accept)
            .call(),
    )
}

#[test]
fn curl_gets_a_usage_text_whose_lines_work_as_pasted_and_browsers_the_page() {
    let server = Server::start(Config::default());
    let out = curl()
        .arg("-fsS")
        .arg(format!("{}/", server.base))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("<html"), "{text}");
    for key in stack_keys() {
        assert!(
            text.contains(&format!("\n  {key} ")),
            "{key} missing: {text}"
        );
    }
    assert!(text.contains("set.license=MIT*|Apache-2.0|none"), "{text}");
    assert!(text.contains("set.docker=yes|no*"), "{text}");
    assert!(text.contains("name=NAME"), "{text}");

    // Every curl line against this server works when pasted into a shell.
    let scratch = Scratch::new();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("curl "))
        .collect();
    assert!(lines.len() >= 4, "{text}");
    assert!(lines.iter().all(|l| l.contains(&server.base)), "{lines:?}");
    // The rebuild line needs a project with its record.
    scratch
        .new_project("my-service", "flask", &[])
        .assert()
        .success();
    for line in lines {
        let run = Command::new("sh")
            .args(["-c", line])
            .current_dir(scratch.path())
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    assert!(scratch.join("my-service.zip").is_file());

    let page = with_accept(
        &server,
        "/",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    );
    assert!(page.header("content-type").starts_with("text/html"));
    let plain = with_accept(&server, "/", "*/*");
    assert!(plain.header("content-type").starts_with("text/plain"));
}

#[test]
fn get_api_describes_the_api_and_every_link_answers() {
    let server = Server::start(Config::default());
    let index = server.get("/api");
    assert_eq!(index.status, 200);
    assert!(index.header("content-type").starts_with("application/json"));
    let index = index.json();
    let stacks: Vec<Json> = stack_keys().into_iter().map(Json::from).collect();
    assert_eq!(index["parameters"]["stack"]["values"], Json::from(stacks));
    let links = index["links"].as_object().unwrap();
    for (name, link) in links {
        let path = link.as_str().unwrap().replace("{key}", "flask");
        let path = if path.starts_with("/api/projects") {
            format!("{path}?stack=flask&name=linked")
        } else {
            path
        };
        let reply = with_accept(&server, &path, "*/*");
        assert_eq!(reply.status, 200, "{name}: {path}");
    }
    let documented: Vec<&str> = index["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    for link in links.values() {
        assert!(documented.contains(&link.as_str().unwrap()), "{link}");
    }
}

#[test]
fn every_answer_honours_accept_with_406_where_it_cannot() {
    let server = Server::start(Config::default());
    let refused = [
        ("/health", "text/html"),
        ("/api", "text/html"),
        ("/api/stacks", "text/html"),
        ("/api/stacks/flask", "application/xml"),
        (
            "/api/projects/preview?stack=flask&name=a",
            "application/zip",
        ),
        ("/api/projects?stack=flask&name=a", "application/json"),
        (
            "/api/projects?stack=flask&name=a&format=zip",
            "application/gzip",
        ),
        ("/", "application/json"),
    ];
    for (path, accept) in refused {
        let reply = with_accept(&server, path, accept);
        let problem = reply.problem(406);
        assert!(
            problem["hint"].as_str().unwrap().contains("accept"),
            "{path}: {problem}"
        );
    }
    let taken = [
        ("/api/stacks", "application/json", "application/json"),
        ("/api/stacks", "application/*", "application/json"),
        (
            "/api/projects?stack=flask&name=a",
            "application/gzip",
            "application/gzip",
        ),
        ("/api/projects?stack=flask&name=a", "*/*", "application/zip"),
        (
            "/api/projects?stack=flask&name=a&format=tgz",
            "application/zip;q=0.9, application/gzip",
            "application/gzip",
        ),
        ("/health", "*/*", "application/json"),
    ];
    for (path, accept, kind) in taken {
        let reply = with_accept(&server, path, accept);
        assert_eq!(reply.status, 200, "{path} {accept}");
        assert!(
            reply.header("content-type").starts_with(kind),
            "{path} {accept}"
        );
    }
}

/// The `curl … --data-binary @…/.sprout.toml …` line of docs/serve.md, as printed.
fn documented_rebuild() -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/serve.md"))
        .unwrap();
    doc.lines()
        .map(str::trim)
        .find(|l| l.starts_with("curl ") && l.contains("--data-binary @"))
        .expect("docs/serve.md shows how to rebuild a project from its record")
        .to_string()
}

#[test]
fn the_documented_rebuild_works_exactly_as_printed() {
    let server = Server::start(Config::default());
    let line = documented_rebuild();
    let documented_base = "http://127.0.0.1:8080";
    assert!(line.contains(documented_base), "{line}");
    let line = line.replace(documented_base, &server.base);
    let record = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix('@'))
        .unwrap();
    let project = record.split('/').next().unwrap();

    let scratch = Scratch::new();
    scratch
        .new_project(project, "django", &["--set", "docker=yes"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .assert()
        .success();
    let run = Command::new("sh")
        .args(["-c", &line])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let zip = line
        .split_whitespace()
        .skip_while(|w| *w != "-o")
        .nth(1)
        .unwrap();
    let files = zip_files(&std::fs::read(scratch.join(zip)).unwrap());
    let written = disk_files(&scratch.join(project), project);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        written.keys().collect::<Vec<_>>()
    );
    let record_path = format!("{project}/.sprout.toml");
    let again = String::from_utf8_lossy(&files[&record_path].1).into_owned();
    assert!(again.contains("docker = true"), "{again}");
}

#[test]
fn errors_name_parameters_never_flags_or_a_terminal() {
    let server = Server::start(Config::default());
    let cases = [
        ("/api/projects?name=app", 400, Some("stack")),
        ("/api/projects?stack=flask", 400, Some("name")),
        ("/api/projects?stack=djang&name=app", 404, Some("stack")),
        (
            "/api/projects?stack=flask&name=app&set.licence=MIT",
            400,
            Some("licence"),
        ),
        (
            "/api/projects?stack=flask&name=app&set.license=GPL",
            400,
            Some("license"),
        ),
        (
            "/api/projects?stack=flask&name=app&set.docker=maybe",
            400,
            Some("docker"),
        ),
        (
            "/api/projects?stack=flask&name=Bad%20Name",
            400,
            Some("name"),
        ),
        (
            "/api/projects?stack=flask&name=a&set.name=b",
            400,
            Some("name"),
        ),
        (
            "/api/projects?stack=flask&name=a&set.stack=node",
            400,
            Some("stack"),
        ),
        ("/api/projects?stack=flask&name=a&colour=red", 400, None),
    ];
    for (path, status, key) in cases {
        let problem = server.get(path).problem(status);
        let words = format!(
            "{} {}",
            problem["detail"].as_str().unwrap(),
            problem["hint"].as_str().unwrap_or("")
        );
        for cli in ["--", "terminal", "sprout ", "prompt"] {
            assert!(!words.contains(cli), "{path}: `{cli}` in {words}");
        }
        assert!(problem["hint"].is_string(), "{path}: no hint");
        assert_eq!(problem["key"].as_str(), key, "{path}: {problem}");
    }
    let other = server.post(
        "/api/projects?stack=django",
        "application/toml",
        b"stack = \"flask\"\nname = \"a\"\n",
    );
    let problem = other.problem(400);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("parameter `stack`")
    );
}

#[test]
fn a_record_posted_as_a_form_is_read_as_a_record() {
    let server = Server::start(Config::default());
    let scratch = Scratch::new();
    scratch
        .new_project("shop", "node", &["--set", "license=none"])
        .assert()
        .success();
    let record = std::fs::read(scratch.join("shop/.sprout.toml")).unwrap();
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/toml",
    ] {
        let reply = server.post("/api/projects/preview", content_type, &record);
        assert_eq!(
            reply.status,
            200,
            "{content_type}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.json()["answers"]["license"], "none");
    }
}

#[test]
fn the_docs_show_the_command_the_page_gives() {
    let server = Server::start(Config::default());
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/serve.md"))
        .unwrap();
    let command = doc
        .lines()
        .find(|l| l.starts_with("sprout new orders-api "))
        .expect("docs/serve.md shows the page's command");
    let share = doc
        .lines()
        .find(|l| l.starts_with("http://127.0.0.1:8080/?"))
        .expect("docs/serve.md shows the page's share link");
    let query = share.split_once('?').unwrap().1;
    let preview = server.get(&format!("/api/projects/preview?{query}")).json();
    assert_eq!(preview["command"], command);
}
