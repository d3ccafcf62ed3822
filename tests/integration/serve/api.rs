//! The API over HTTP: every endpoint, every error status, archives equal to what
//! `sprout new --no-git` writes, limits, headers and graceful shutdown.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;
use sprout::answers::Given;
use sprout::serve::Config;

use super::harness::*;
use crate::common::{Scratch, json_of, sprout, stack_keys};

#[test]
fn health_stacks_and_the_page() {
    let server = Server::start(Config::default());
    let health = server.get("/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");

    let list = server.get("/api/stacks");
    let cli = sprout()
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["list", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        list.json(),
        serde_json::from_slice::<Json>(&cli.stdout).unwrap()
    );
    for key in stack_keys() {
        let show = server.get(&format!("/api/stacks/{key}"));
        let cli = sprout()
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["show", &key, "--json"])
            .output()
            .unwrap();
        assert_eq!(show.status, 200);
        assert_eq!(
            show.json(),
            serde_json::from_slice::<Json>(&cli.stdout).unwrap(),
            "{key}"
        );
        // The commands are rendered, as the preview of the default answers gives them; the
        // templates are marked as such and name the options that change them.
        let named = show.json()["commands_for"]["name"]
            .as_str()
            .unwrap()
            .to_owned();
        let preview = server.get(&format!("/api/projects/preview?stack={key}&name={named}"));
        assert_eq!(show.json()["commands"], preview.json()["commands"], "{key}");
        assert!(!show.json()["commands"].to_string().contains("{{"), "{key}");
        for (_, template) in show.json()["command_templates"].as_object().unwrap() {
            assert!(template["template"].is_string() && template["options"].is_array());
        }
    }

    let page = Reply::from(
        agent()
            .get(format!("{}/", server.base))
            .header("accept", "text/html")
            .call(),
    );
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("text/html"));
    let html = String::from_utf8(page.body.clone()).unwrap();
    for asset in [
        "/assets/style.css",
        "/assets/app.js",
        "/assets/prism.js",
        "/assets/icon.svg",
    ] {
        assert!(html.contains(asset), "{asset}");
        assert_eq!(server.get(asset).status, 200, "{asset}");
    }
    assert!(
        !html.contains("<style") && !html.contains(" style="),
        "inline style"
    );
    assert!(!html.contains("<script>"), "inline script");
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert!(!page.headers.contains_key("access-control-allow-origin"));
}

#[test]
fn every_error_is_a_problem_with_the_cli_message_and_status() {
    let server = Server::start(Config::default());
    let unknown = server
        .get("/api/projects?stack=flaks&name=app")
        .problem(404);
    assert!(
        unknown["detail"]
            .as_str()
            .unwrap()
            .starts_with("unknown stack `flaks`; did you mean `flask`?")
    );
    server.get("/api/stacks/cobol").problem(404);
    server.get("/no/such/page").problem(404);

    let invalid = server
        .get("/api/projects?stack=flask&name=Bad%20Name")
        .problem(400);
    assert_eq!(invalid["key"], "name");
    assert!(
        invalid["hint"]
            .as_str()
            .unwrap()
            .starts_with("try `bad-name`")
    );

    let option = server
        .get("/api/projects/preview?stack=flask&name=app&set.licence=MIT")
        .problem(400);
    assert_eq!(
        option["detail"],
        "unknown parameter `set.licence` for stack flask"
    );
    assert!(
        option["hint"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `set.license`?"),
        "{option}"
    );
    assert_eq!(option["cli"], "sprout show flask");

    let choice = server
        .get("/api/projects?stack=express&name=app&set.license=GPL")
        .problem(400);
    assert_eq!(choice["key"], "license");
    server
        .get("/api/projects?stack=express&name=app&format=rar")
        .problem(400);
    server
        .get("/api/projects?stack=express&name=app&colour=red")
        .problem(400);
    server.get("/api/projects?name=app").problem(400);
    server
        .post("/api/projects", "application/json", b"{not json")
        .problem(400);

    let method = Reply::from(agent().delete(format!("{}/health", server.base)).call());
    method.problem(405);

    let big = vec![b'a'; sprout::serve::MAX_BODY + 1];
    server
        .post("/api/projects", "application/json", &big)
        .problem(413);

    let long = format!(
        "/api/projects?stack=express&name=app&set.description={}",
        "x".repeat(20_000)
    );
    let too_long = server.get(&long).problem(414);
    assert!(too_long["hint"].as_str().unwrap().contains("POST"));
}

#[test]
fn archives_hold_what_new_writes_for_every_stack() {
    let server = Server::start(Config::default());
    let mut executables = 0;
    for key in stack_keys() {
        let scratch = Scratch::new();
        scratch
            .new_project("demo-app", &key, &[])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .assert()
            .success();
        let cli = disk_files(&scratch.join("demo-app"), "demo-app");

        let query = format!("/api/projects?stack={key}&name=demo-app");
        let zip = server.get(&format!("{query}&format=zip"));
        assert_eq!(zip.status, 200);
        assert_eq!(zip.header("content-type"), "application/zip");
        assert_eq!(zip.header("cache-control"), "no-store");
        assert_eq!(
            zip.header("content-disposition"),
            "attachment; filename=\"demo-app.zip\""
        );
        let tgz = Reply::from(
            agent()
                .get(format!("{}{query}", server.base))
                .header("accept", "application/gzip")
                .call(),
        );
        assert_eq!(tgz.header("content-type"), "application/gzip");
        let (zip, tgz) = (zip_files(&zip.body), tgz_files(&tgz.body));

        // Only files holding a per-project secret may differ, and those differ every download.
        let secret_bearing = differing(&zip, &tgz);
        for archive in [&zip, &tgz] {
            assert_eq!(
                archive.keys().collect::<Vec<_>>(),
                cli.keys().collect::<Vec<_>>(),
                "{key}"
            );
            let modes = |f: &Files| {
                f.iter()
                    .map(|(p, (m, _))| (p.clone(), *m))
                    .collect::<Vec<_>>()
            };
            assert_eq!(modes(archive), modes(&cli), "{key}: modes");
            let beyond: Vec<_> = differing(archive, &cli)
                .difference(&secret_bearing)
                .cloned()
                .collect();
            assert!(beyond.is_empty(), "{key}: differ from new: {beyond:?}");
        }
        assert!(zip.contains_key("demo-app/.sprout.toml"));
        assert_eq!(zip["demo-app/.sprout.toml"], cli["demo-app/.sprout.toml"]);
        executables += tgz.values().filter(|(mode, _)| mode & 0o111 != 0).count();
    }
    assert!(executables > 0, "some stack has an executable file");
}

#[test]
fn preview_is_the_dry_run_json_with_texts_and_the_command() {
    let server = Server::start(Config::default());
    for key in stack_keys() {
        let preview = server
            .get(&format!(
                "/api/projects/preview?stack={key}&name=demo-app&set.license=none"
            ))
            .json();
        let cli = sprout()
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args([
                "new",
                "demo-app",
                "--stack",
                &key,
                "--yes",
                "--dry-run",
                "--json",
                // The server's own tools say nothing about the user's machine.
                "--no-preflight",
            ])
            .args(["--set", "license=none"])
            .output()
            .unwrap();
        let mut expected: Json = serde_json::from_slice(&cli.stdout).unwrap();
        let mut got = preview.clone();
        for file in got["files"].as_array_mut().unwrap() {
            let text = file.as_object_mut().unwrap().remove("text").unwrap();
            assert!(text.is_string() || text.is_null());
        }
        assert_eq!(
            got.as_object_mut().unwrap().remove("command").unwrap(),
            format!("sprout new demo-app --stack {key} --set author='' --set license=none --yes")
        );
        expected["files"]
            .as_array_mut()
            .unwrap()
            .sort_by_key(|f| f["path"].as_str().unwrap().to_string());
        assert_eq!(got, expected, "{key}");
        let readme = preview["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "README.md")
            .unwrap();
        assert!(readme["text"].as_str().unwrap().contains("demo-app"));
    }
}

#[test]
fn a_json_or_form_body_answers_like_the_query() {
    let server = Server::start(Config::default());
    let json = server
        .post(
            "/api/projects/preview",
            "application/json",
            br#"{"stack": "flask", "name": "from-body", "license": "none"}"#,
        )
        .json();
    assert_eq!(json["answers"]["name"], "from-body");
    assert_eq!(json["answers"]["license"], "none");
    let form = server
        .post(
            "/api/projects/preview",
            "application/x-www-form-urlencoded",
            b"stack=flask&name=from-form&set.license=none",
        )
        .json();
    assert_eq!(form["answers"]["license"], "none");
    let record = server.post(
        "/api/projects?format=tgz",
        "application/toml",
        b"stack = \"node\"\nname = \"from-record\"\n",
    );
    assert_eq!(record.status, 200);
    assert!(tgz_files(&record.body).contains_key("from-record/.sprout.toml"));
}

/// The adversarial text the CLI's tests use, and names no rule accepts.
const HOSTILE: &[&str] = &[
    "He said \"hi\" & <b>{{x}}</b> \\ ünï #{x} ${y} '''\"\"\" ]]> </tag> \u{200f}rtl 🚀\nsecond line",
    "O'Brien \"Dev\" <dev@example.com> & {{co}} \\ #{x}",
    "../../etc/passwd",
    "/etc/passwd",
    "a\u{0}b",
    "\r\n",
    "{{#each this}}{{/each}}",
    "",
];

#[test]
fn hostile_answers_give_valid_files_or_the_cli_refusal() {
    let server = Server::start(Config::default());
    for key in stack_keys() {
        let stack = sprout::catalog::load(&key).unwrap();
        for text in HOSTILE {
            for field in ["name", "description", "author"] {
                let param = if field == "name" {
                    "name".to_string()
                } else {
                    format!("set.{field}")
                };
                let mut query = form_urlencoded::Serializer::new(String::new());
                query.append_pair("stack", &key);
                if field != "name" {
                    query.append_pair("name", "demo-app");
                }
                query.append_pair(&param, text);
                let reply = server.get(&format!("/api/projects?{}", query.finish()));

                let mut set = vec![("name".to_string(), "demo-app".to_string())];
                if field == "name" {
                    set.clear();
                }
                set.push((field.to_string(), text.to_string()));
                let given = Given { set, file: None };
                match sprout::generate::prepare(&stack, &given, None) {
                    Ok((_, project)) => {
                        assert_eq!(reply.status, 200, "{key} {field}={text:?}");
                        let files = zip_files(&reply.body);
                        assert_eq!(files.len(), project.files.len(), "{key} {field}={text:?}");
                        assert!(
                            files
                                .keys()
                                .all(|p| !p.contains("..") && !p.starts_with('/'))
                        );
                    }
                    Err(error) => {
                        let problem = reply.problem(400);
                        let expected = sprout::serve::problem::Problem::from(error);
                        assert_eq!(
                            problem["detail"],
                            expected.body().detail,
                            "{key} {field}={text:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_full_server_answers_429_with_retry_after() {
    let server = Server::start(Config {
        max_concurrent: 1,
        ..Config::default()
    });
    let held = held_request(server.addr, "stack=flask&name=held");
    let busy = until_busy(&server.base);
    let problem = busy.problem(429);
    assert_eq!(busy.header("retry-after"), "1");
    assert!(problem["hint"].as_str().unwrap().contains("try again"));
    assert_eq!(server.get("/health").status, 200, "health is never limited");

    let reply = finish_held(held);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert_eq!(
        server
            .get("/api/projects/preview?stack=flask&name=other")
            .status,
        200,
        "the place is free again"
    );
}

#[test]
fn cors_only_for_the_origin_given() {
    let server = Server::start(Config {
        cors: Some("https://portal.example.com".parse().unwrap()),
        ..Config::default()
    });
    let ask = |origin: &str| {
        Reply::from(
            agent()
                .get(format!("{}/api/stacks", server.base))
                .header("origin", origin)
                .call(),
        )
    };
    assert_eq!(
        ask("https://portal.example.com").header("access-control-allow-origin"),
        "https://portal.example.com"
    );
    assert_eq!(
        ask("https://evil.example").header("access-control-allow-origin"),
        ""
    );
}

#[test]
fn sigterm_finishes_the_download_in_flight_and_logs_json_lines() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .args(["--max-concurrent", "1"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    log.read_line(&mut line).unwrap();
    let started: Json = serde_json::from_str(&line).unwrap();
    let address = started["message"]
        .as_str()
        .unwrap()
        .rsplit("http://")
        .next()
        .unwrap()
        .to_string();
    let addr: SocketAddr = address.parse().unwrap();

    let held = held_request(
        addr,
        "stack=spring-boot&name=in-flight&set.author=Jane%20Doe",
    );
    until_busy(&format!("http://{addr}"));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    let reply = finish_held(held);
    assert!(
        reply.starts_with("HTTP/1.1 200"),
        "{}",
        &reply[..reply.len().min(300)]
    );
    assert!(reply.contains("content-type: application/zip"));
    assert!(child.wait().unwrap().success());

    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    let access: Vec<Json> = rest
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .filter(|j| j["target"] == "access")
        .collect();
    let entry = access
        .iter()
        .find(|entry| entry["method"] == "POST")
        .expect("the download's line");
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["path"], "/api/projects?stack=&name=&set.author=");
    assert_eq!(entry["status"], 200);
    assert!(entry["bytes"].as_u64().unwrap() > 1000);
    assert!(entry["ms"].is_u64());
    assert!(!rest.contains("Jane"), "answers never reach the log");
}

#[test]
fn a_request_slower_than_the_timeout_gets_408() {
    let server = Server::start(Config {
        timeout: Duration::from_millis(500),
        ..Config::default()
    });
    let mut held = held_request(server.addr, "stack=flask&name=slow");
    let mut reply = String::new();
    held.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("application/problem+json"));
}

#[test]
fn headers_too_large_get_431() {
    let server = Server::start(Config::default());
    let mut stream = TcpStream::connect(server.addr).unwrap();
    let big = "a".repeat(512 * 1024);
    // The server may answer and close before all of it is sent.
    let _ = write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n"
    );
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(
        reply.starts_with("HTTP/1.1 431"),
        "{}",
        &reply[..reply.len().min(200)]
    );
}

#[test]
fn a_template_given_at_start_is_offered_previewed_and_packed_with_its_cli_command() {
    use sprout::catalog::Catalog;
    use sprout::catalog::Roots;
    use sprout::source::Source;

    let s = Scratch::new();
    let golden = s.join("golden");
    crate::templates::write_stack(&golden, "# {{name}}\n\nFrom the platform team.\n");
    let source = Source::Folder(golden.clone());
    let roots = Roots::of(vec![
        Catalog::embedded(),
        Catalog::from_source(&source, None).unwrap(),
    ])
    .unwrap();
    let server = Server::start(Config {
        roots: std::sync::Arc::new(roots),
        ..Config::default()
    });

    let stacks = server.get("/api/stacks").json();
    let listed: Vec<&Json> = stacks.as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), stack_keys().len() + 1);
    let entry = listed.iter().find(|s| s["key"] == "golden").unwrap();
    assert_eq!(entry["title"], "Golden");
    // Shown by its folder's name: the server's own path is no client's business.
    assert_eq!(entry["source"], "golden");
    let shown = server.get("/api/stacks/golden");
    assert_eq!(shown.json()["title"], "Golden");
    assert_eq!(shown.json()["source"], "golden");
    let server_path = s.path().display().to_string();

    // The command the page offers makes the same project with the CLI.
    let preview = server
        .get("/api/projects/preview?stack=golden&name=team-svc&set.license=none")
        .json();
    let command = preview["command"].as_str().unwrap();
    assert_eq!(
        command,
        "sprout new team-svc --stack golden --template golden --set author='' --set license=none --yes"
    );
    let words: Vec<String> = command
        .split(' ')
        .skip(2)
        .map(|w| w.trim_matches('\'').to_string())
        .collect();
    // Run where the template's folder has that name, the command makes the same project.
    let expected = json_of(
        sprout()
            .current_dir(s.path())
            .env("XDG_CONFIG_HOME", s.join("config"))
            .env_remove("SPROUT_TEMPLATES")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["new"])
            .args(&words)
            .args(["--dry-run", "--json", "--no-preflight"]),
    );
    let paths = |j: &Json| -> BTreeSet<String> {
        j["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(paths(&preview), paths(&expected));

    let archive = server.get("/api/projects?stack=golden&name=team-svc&format=zip");
    assert_eq!(archive.status, 200);
    let files = zip_files(&archive.body);
    let (_, readme) = &files["team-svc/README.md"];
    assert!(String::from_utf8_lossy(readme).starts_with("# team-svc\n"));
    let (_, record) = &files["team-svc/.sprout.toml"];
    let record = String::from_utf8_lossy(record);
    assert!(record.contains("template = \"golden\"\n"), "{record}");
    for text in [
        String::from_utf8_lossy(&server.get("/api/stacks").body).into_owned(),
        String::from_utf8_lossy(&server.get("/api/stacks/golden").body).into_owned(),
        preview.to_string(),
        record.into_owned(),
    ] {
        assert!(!text.contains(&server_path), "a server path in {text}");
    }

    // A stack nobody offered is still a 404 problem.
    server.get("/api/stacks/silver").problem(404);
}

/// `sprout serve` started with `args`, its address once it listens; killed when dropped.
struct Running {
    child: std::process::Child,
    base: String,
}

impl Running {
    fn start(dir: &std::path::Path, args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sprout"))
            .current_dir(dir)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env_remove("SPROUT_TEMPLATES")
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("listening on ") {
            line.clear();
            assert!(log.read_line(&mut line).unwrap() > 0, "serve ended");
        }
        let base = line
            .trim()
            .rsplit("listening on ")
            .next()
            .unwrap()
            .to_string();
        // Keep reading the log: a closed pipe would end the server at its next line.
        std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
        Running { child, base }
    }

    fn get(&self, path: &str) -> Reply {
        Reply::from(agent().get(format!("{}{path}", self.base)).call())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_template_is_shown_by_its_label_or_as_it_was_given() {
    let s = Scratch::new();
    crate::templates::write_stack(&s.join("golden"), "# {{name}}\n");
    let labelled = Running::start(s.path(), &["--template", "team=./golden"]);
    let stacks = labelled.get("/api/stacks").json();
    let golden = stacks
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "golden")
        .unwrap();
    assert_eq!(golden["source"], "team");
    let preview = labelled
        .get("/api/projects/preview?stack=golden&name=svc")
        .json();
    assert!(
        preview["command"]
            .as_str()
            .unwrap()
            .contains("--template team "),
        "{}",
        preview["command"]
    );
    drop(labelled);

    let as_given = Running::start(s.path(), &["--template", "./golden"]);
    let stacks = as_given.get("/api/stacks").json();
    let golden = stacks
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "golden")
        .unwrap();
    assert_eq!(golden["source"], "./golden");
}

#[test]
fn serve_reads_its_templates_before_it_listens() {
    let s = Scratch::new();
    let missing = s.join("no-such-template");
    let out = sprout()
        .env("XDG_CONFIG_HOME", s.join("config"))
        .env_remove("SPROUT_TEMPLATES")
        .args(["serve", "--listen", "127.0.0.1:0", "--template"])
        .arg(&missing)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(!stderr.contains("listening"), "{stderr}");
}
