//! What a server does with its connections before any route runs: slow and idle clients are
//! closed, one client address cannot hold every connection, a `Host` that is not the server's
//! own is refused on loopback, and every invalid flag value is a usage error.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use sprout::serve::Config;

use super::harness::*;
use crate::common::sprout;

/// A connection to `server` from the loopback address `from` (127.0.0.2 is another client).
fn connect_from(from: IpAddr, server: SocketAddr) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        socket.connect(server).await.unwrap()
    });
    let stream = stream.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
}

/// Whether the server has closed `stream` (end of stream or a reset), reading for at most
/// `within`; what it sent before closing is returned too.
fn closed_within(stream: &mut TcpStream, within: Duration) -> (bool, String) {
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return (true, String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return (true, String::from_utf8_lossy(&got).into_owned()),
        }
    }
    (false, String::from_utf8_lossy(&got).into_owned())
}

/// One whole request on its own connection; the reply as text.
fn raw(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let (closed, reply) = closed_within(&mut stream, Duration::from_secs(30));
    assert!(closed, "the server answered and closed: {reply}");
    reply
}

fn short_header_timeout() -> Config {
    Config {
        header_timeout: Duration::from_secs(1),
        ..Config::default()
    }
}

#[test]
fn a_client_that_trickles_its_headers_is_closed_at_the_header_timeout() {
    let server = Server::start(short_header_timeout());
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let started = Instant::now();
    // One more header byte every 200 ms: never the blank line that ends them.
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(10) {
        if stream.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        if closed_within(&mut stream, Duration::from_millis(200)).0 {
            closed = true;
            break;
        }
    }
    assert!(closed, "still open after 10 s");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "closed after {:?}, the header timeout is 1 s",
        started.elapsed()
    );
}

#[test]
fn a_kept_alive_connection_left_idle_is_closed() {
    let server = Server::start(short_header_timeout());
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let (closed, reply) = closed_within(&mut stream, Duration::from_secs(10));
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(closed, "an idle connection stays open");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn many_slow_connections_from_one_client_leave_room_for_others() {
    let server = Server::start(Config {
        header_timeout: Duration::from_secs(2),
        max_connections_per_client: 8,
        ..Config::default()
    });
    let other: IpAddr = [127, 0, 0, 2].into();
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..60 {
        let mut stream = connect_from(other, server.addr);
        let _ = stream.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n");
        held.push(stream);
    }
    for stream in &mut held {
        let (closed, reply) = closed_within(stream, Duration::from_millis(50));
        if closed {
            assert!(
                reply.is_empty() || reply.starts_with("HTTP/1.1 429"),
                "{reply}"
            );
            refused += 1;
        }
    }
    assert!(
        refused >= 52,
        "only {refused} of 60 connections over a cap of 8 were closed at once"
    );

    // Meanwhile every other client is answered at once.
    let started = Instant::now();
    let health = server.get("/health");
    assert_eq!(health.status, 200);
    assert!(started.elapsed() < Duration::from_secs(2));

    // And the held ones go at the header timeout.
    let started = Instant::now();
    for stream in &mut held {
        let (closed, _) = closed_within(stream, Duration::from_secs(6));
        assert!(closed, "a slow connection outlived the header timeout");
    }
    assert!(started.elapsed() < Duration::from_secs(6));
    // Its places are free again.
    let mut again = connect_from(other, server.addr);
    again
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (_, reply) = closed_within(&mut again, Duration::from_secs(10));
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[test]
fn over_the_cap_a_connection_is_told_429_in_a_problem() {
    let server = Server::start(Config {
        max_connections_per_client: 1,
        ..Config::default()
    });
    let _first = TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut second = TcpStream::connect(server.addr).unwrap();
    let (closed, reply) = closed_within(&mut second, Duration::from_secs(5));
    assert!(closed);
    assert!(reply.starts_with("HTTP/1.1 429"), "{reply}");
    assert!(reply.contains("application/problem+json"), "{reply}");
    assert!(reply.contains("retry-after: 1"), "{reply}");
}

fn get_with_host(addr: SocketAddr, host: &str) -> String {
    raw(
        addr,
        &format!(
            "GET /api/stacks HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        ),
    )
}

#[test]
fn on_loopback_only_loopback_names_and_allowed_hosts_are_answered() {
    let server = Server::start(Config::default());
    let port = server.addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
    ] {
        let reply = get_with_host(server.addr, &host);
        assert!(reply.starts_with("HTTP/1.1 200"), "{host}: {reply}");
    }
    // A page whose own name resolves to 127.0.0.1 (DNS rebinding) reads nothing.
    for host in [
        format!("rebind.attacker.example:{port}"),
        "localhost.attacker.example".to_string(),
    ] {
        let reply = get_with_host(server.addr, &host);
        assert!(reply.starts_with("HTTP/1.1 403"), "{host}: {reply}");
        assert!(reply.contains("application/problem+json"), "{reply}");
        assert!(!reply.contains("\"key\":\"express\""), "{reply}");
    }
    let preview = raw(
        server.addr,
        "GET /api/projects/preview?stack=flask&name=x HTTP/1.1\r\nHost: rebind.attacker.example\r\nConnection: close\r\n\r\n",
    );
    assert!(preview.starts_with("HTTP/1.1 403"), "{preview}");

    let allowing = Server::start(Config {
        allowed_hosts: vec!["dev.example.com".into(), ".corp.example".into()],
        ..Config::default()
    });
    for host in ["dev.example.com:8080", "a.corp.example", "localhost"] {
        let reply = get_with_host(allowing.addr, host);
        assert!(reply.starts_with("HTTP/1.1 200"), "{host}: {reply}");
    }
    let reply = get_with_host(allowing.addr, "other.example.com");
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
}

#[test]
fn every_invalid_flag_value_is_exit_2_never_a_panic() {
    let cases: &[&[&str]] = &[
        &["--cors", "*"],
        &["--cors", "null"],
        &["--cors", "portal.example.com"],
        &["--cors", "https://portal.example.com/app"],
        &["--cors", "https://portal.example.com:0"],
        &["--cors", "https://portal example.com"],
        &["--cors", "https://portal.example.com\u{7}"],
        &["--cors", "https://portal.example.com\n"],
        &["--cors", " https://portal.example.com"],
        &["--allow-host", "https://dev.example.com"],
        &["--allow-host", "dev.example.com:8080"],
        &["--allow-host", "*"],
        &["--max-concurrent", "0"],
        &["--max-concurrent=-1"],
        &["--max-concurrent", "100000000000"],
        &["--max-connections-per-client", "0"],
        &["--timeout", "0"],
        &["--timeout", "18446744073709551615"],
        &["--header-timeout", "0"],
        &["--header-timeout", "99999999999999"],
        &["--log-format", "xml"],
        &["--listen", "localhost"],
        &["--listen", "127.0.0.1:99999"],
    ];
    for args in cases {
        let mut cmd = sprout();
        cmd.arg("serve");
        if !args[0].starts_with("--listen") {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        let out = cmd
            .args(*args)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("listening"), "{args:?}: {stderr}");
        let flag = args[0].split('=').next().unwrap();
        assert!(
            stderr.contains(flag),
            "{args:?} does not name {flag}: {stderr}"
        );
    }
}
