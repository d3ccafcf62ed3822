//! `sprout serve`: a web page and an HTTP API that generate projects in memory with the same
//! code as `sprout new`. Stateless: nothing is written to disk and no request names a file.

mod access_log;
pub mod archive;
mod connections;
mod hosts;
mod index;
mod negotiate;
pub mod offer;
mod page;
mod preview;
pub mod problem;
mod request;
mod routes;
mod security;
mod usage;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{BoxError, Router, middleware};
use connections::Limits;
use hosts::Hosts;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use std::sync::Arc;

use crate::catalog::Roots;
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::source::{Origin, Source};
use offer::Offer;
use problem::Problem;

/// The largest request body: an answers file is a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// Seconds a client told "busy" waits before asking again.
const RETRY_AFTER: u32 = 1;

#[derive(Debug, Clone)]
pub struct Config {
    /// Projects generated at once; more requests get 429 at once rather than queueing.
    pub max_concurrent: usize,
    /// The longest a request may take, its body included.
    pub timeout: Duration,
    /// The longest a connection may take to send a request's headers, or stay idle between
    /// requests.
    pub header_timeout: Duration,
    /// Connections one client address may hold open at once.
    pub max_connections_per_client: usize,
    /// The one other origin allowed to call the API.
    pub cors: Option<HeaderValue>,
    /// Host names answered besides loopback's own (`--allow-host`).
    pub allowed_hosts: Vec<String>,
    /// The stacks on offer: the built-in ones, and templates read once at start.
    pub roots: Arc<Roots>,
    /// The names templates are shown by: origin on the server → name (see [`offer`]).
    pub shown: Vec<(Origin, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_concurrent: 16,
            timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_connections_per_client: 64,
            cors: None,
            allowed_hosts: Vec::new(),
            roots: Arc::new(Roots::built_in()),
            shown: Vec::new(),
        }
    }
}

/// The whole application, served at `local`: routes and every layer.
pub fn router(config: &Config, local: SocketAddr) -> Router {
    let busy = |_: BoxError| async { Problem::busy(RETRY_AFTER).into_response() };
    let generation = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(busy))
        .load_shed()
        .layer(GlobalConcurrencyLimitLayer::new(
            config.max_concurrent.max(1),
        ));
    let projects = Router::<Arc<Offer>>::new()
        .route("/api/projects", get(routes::project).post(routes::project))
        .route(
            "/api/projects/preview",
            get(routes::preview).post(routes::preview),
        )
        .layer(generation);

    let mut app = Router::new()
        .route("/", get(routes::root))
        .route("/api", get(routes::api))
        .route("/assets/style.css", get(page::style))
        .route("/assets/app.js", get(page::script))
        .route("/assets/prism.js", get(page::highlighter))
        .route("/assets/icon.svg", get(page::icon))
        .route("/health", get(routes::health))
        .route("/api/stacks", get(routes::stacks))
        .route("/api/stacks/{key}", get(routes::stack))
        .merge(projects)
        .fallback(routes::not_found)
        .with_state(Arc::new(Offer::new(
            Arc::clone(&config.roots),
            config.shown.clone(),
        )))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.timeout,
        ))
        .layer(middleware::from_fn(security::limit_uri))
        .layer(middleware::from_fn(problem::fill_bare_errors))
        .layer(middleware::from_fn_with_state(
            Arc::new(Hosts::for_address(local, &config.allowed_hosts)),
            hosts::check,
        ));
    if let Some(origin) = &config.cors {
        app = app.layer(security::cors(origin.clone()));
    }
    security::headers(app).layer(middleware::from_fn(access_log::log))
}

/// Serve until `shutdown` completes, then finish the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(config, listener.local_addr()?);
    let limits = Limits {
        header_timeout: config.header_timeout,
        per_client: config.max_connections_per_client.max(1),
    };
    connections::serve(listener, app, limits, shutdown).await;
    Ok(())
}

/// `sprout serve`: log, listen, serve until SIGTERM or Ctrl-C.
pub fn run(args: ServeArgs) -> Result<Exit> {
    access_log::init(args.log_format);
    // Values clap cannot check are checked here, before anything is read or listens.
    let cors = args
        .cors
        .as_deref()
        .map(security::parse_origin)
        .transpose()
        .map_err(|e| Error::Usage(format!("--cors: {e}")))?;
    let allowed_hosts = args
        .allow_hosts
        .iter()
        .map(|h| hosts::parse_allowed(h))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(format!("--allow-host: {e}")))?;
    let given: Vec<(Option<&str>, &str, Source)> = args
        .templates
        .iter()
        .map(|t| {
            let (label, text) = offer::split_label(t);
            (label, text, Source::parse(text))
        })
        .collect();
    let sources: Vec<Source> = given.iter().map(|(_, _, s)| s.clone()).collect();
    let roots = Roots::configured_and(&sources)?;
    // Each template given on the command line is shown by its label, else as it was written.
    let shown = roots
        .origins()
        .into_iter()
        .filter_map(|origin| {
            let (label, text, _) = given
                .iter()
                .find(|(_, _, source)| origin.source().as_ref() == Some(source))?;
            Some((origin, label.unwrap_or(text).to_string()))
        })
        .collect();
    let config = Config {
        max_concurrent: usize::from(args.max_concurrent),
        timeout: Duration::from_secs(args.timeout),
        header_timeout: Duration::from_secs(args.header_timeout),
        max_connections_per_client: usize::from(args.max_connections_per_client),
        cors,
        allowed_hosts,
        roots: Arc::new(roots),
        shown,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::system("cannot start the server"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", args.listen)))?;
        let address = listener
            .local_addr()
            .map_err(Error::system("cannot read the listening address"))?;
        tracing::info!("listening on http://{address}");
        serve(listener, &config, stop_signal())
            .await
            .map_err(Error::system("serving failed"))?;
        tracing::info!("stopped");
        Ok(Exit::Success)
    })
}

/// SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing the requests in flight");
}
