//! Accepting connections: HTTP/1.1 with hyper, a deadline for each request's headers (which
//! also closes a keep-alive connection left idle), a cap on the connections one client address
//! holds at once, and a graceful stop that finishes the requests in flight.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// How long accepting waits after the system refused a connection (no file descriptors left).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What a connection over the per-client cap is told before it is closed.
const TOO_MANY: &str = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,\
\"detail\":\"this client holds as many connections as the server allows one client\",\
\"hint\":\"reuse an open connection, or try again when one has closed\"}";

/// The limits on connections, apart from those on requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time from the start of a request (or from the end of the previous one on a kept-alive
    /// connection) until its headers are complete; then the connection is closed.
    pub header_timeout: Duration,
    /// Connections one client address may hold open at once; more are answered 429 and closed.
    pub per_client: usize,
}

/// Serve `app` on `listener` until `shutdown` completes; then stop accepting, let each
/// connection finish the request it is serving, and return once they all have.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let graceful = GracefulShutdown::new();
    let clients = Clients::default();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::warn!("cannot accept a connection: {error}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = clients.enter(remote.ip(), limits.per_client) else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let app = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(remote));
                request.map(axum::body::Body::new)
            });
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or is too slow ends its own connection; nothing to report.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Answer a connection over the cap with 429 and close it, without reading from it.
async fn refuse(mut stream: TcpStream) {
    let response = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/problem+json\r\n\
retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{TOO_MANY}",
        TOO_MANY.len()
    );
    let write = stream.write_all(response.as_bytes());
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
    let _ = stream.shutdown().await;
}

/// Open connections per client address.
#[derive(Debug, Default, Clone)]
struct Clients {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One open connection, counted until it is dropped.
struct Slot {
    clients: Clients,
    ip: IpAddr,
}

impl Clients {
    /// Count one more connection from `ip`, unless it already holds `cap`.
    fn enter(&self, ip: IpAddr, cap: usize) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_insert(0);
        if *count >= cap {
            return None;
        }
        *count += 1;
        Some(Slot {
            clients: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .clients
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_holds_at_most_its_cap_and_a_closed_slot_frees_a_place() {
        let clients = Clients::default();
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = clients.enter(a, 2);
        let second = clients.enter(a, 2);
        assert!(first.is_some() && second.is_some());
        assert!(
            clients.enter(a, 2).is_none(),
            "a third from the same address"
        );
        assert!(
            clients.enter(b, 2).is_some(),
            "another address has its own count"
        );
        drop(first);
        assert!(clients.enter(a, 2).is_some(), "a place is free again");
        drop(second);
        assert!(
            !clients.open.lock().unwrap().contains_key(&a),
            "an address without connections is forgotten"
        );
    }
}
