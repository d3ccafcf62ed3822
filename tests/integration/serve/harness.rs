//! The harness of the HTTP tests: a server on an ephemeral loopback port, replies read whole,
//! archives read back into path → (mode, bytes), and requests held open on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use serde_json::Value as Json;
use sprout::serve::{Config, serve};

/// A server on 127.0.0.1:0 in its own runtime, stopped (gracefully) when dropped.
pub struct Server {
    pub base: String,
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(config: Config) -> Server {
        crate::common::cache_dir();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                serve(listener, &config, async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Server {
            base: format!("http://{addr}"),
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        Reply::from(agent().get(format!("{}{path}", self.base)).call())
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        Reply::from(
            agent()
                .post(format!("{}{path}", self.base))
                .header("content-type", content_type)
                .send(body),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

pub struct Reply {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn from(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = result.unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        Reply {
            status: response.status().as_u16(),
            headers,
            body: response
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_vec()
                .unwrap(),
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// Check the reply is an RFC 9457 problem with this status, and return it.
    pub fn problem(&self, status: u16) -> Json {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), "application/problem+json");
        let problem = self.json();
        assert_eq!(problem["status"], status);
        assert!(problem["type"].is_string() && problem["title"].is_string());
        assert!(!problem["detail"].as_str().unwrap().is_empty());
        problem
    }
}

pub type Files = BTreeMap<String, (u32, Vec<u8>)>;

pub fn zip_files(bytes: &[u8]) -> Files {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = Files::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let mode = entry.unix_mode().unwrap() & 0o777;
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        files.insert(name, (mode, data));
    }
    files
}

pub fn tgz_files(bytes: &[u8]) -> Files {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files = Files::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.header().entry_type().is_dir() {
            continue;
        }
        let mode = entry.header().mode().unwrap() & 0o777;
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        files.insert(name, (mode, data));
    }
    files
}

pub fn disk_files(root: &Path, prefix: &str) -> Files {
    use std::os::unix::fs::PermissionsExt;
    let mut files = Files::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                files.insert(
                    format!("{prefix}/{rel}"),
                    (mode, std::fs::read(&path).unwrap()),
                );
            }
        }
    }
    files
}

/// Paths whose bytes differ between two sets of the same files.
pub fn differing(a: &Files, b: &Files) -> BTreeSet<String> {
    a.iter()
        .filter(|(path, file)| b.get(*path) != Some(*file))
        .map(|(path, _)| path.clone())
        .collect()
}

/// Send a POST whose body is not finished, so it holds its place in the server.
pub fn held_request(addr: SocketAddr, query: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/projects?{query} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{"
    )
    .unwrap();
    stream
}

/// Ask until the server answers 429: the held request has taken the only place (as soon as the
/// server has read its headers).
pub fn until_busy(base: &str) -> Reply {
    (0..500)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(20));
            Reply::from(
                agent()
                    .get(format!(
                        "{base}/api/projects/preview?stack=flask&name=other"
                    ))
                    .call(),
            )
        })
        .find(|reply| reply.status == 429)
        .expect("a 429 while the only place is taken")
}

pub fn finish_held(mut stream: TcpStream) -> String {
    stream.write_all(b"}").unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    String::from_utf8_lossy(&reply).into_owned()
}
