//! The sandbox: a local, stateful GitHub stand-in on 127.0.0.1, shaped like a GitHub
//! Enterprise host (REST under `/api/v3`, git smart HTTP at `/OWNER/REPO.git`, web pages at
//! `/OWNER/REPO/issues/N`). Users practise on it; every test runs against it.
//!
//! One request path for everything ([`server::handle`]): fault injection, latency, auth,
//! rate limits and ETags are applied there, in that order, so they behave the same for
//! every route. Test and maintainer controls live under `/_sandbox/`, never under `/api/v3`.

mod admin;
mod api;
mod api_pulls;
mod git_http;
pub mod json;
mod search;
mod seed;
mod server;
pub mod state;

use crate::error::{Error, Result};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which data a new sandbox starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// The practice project, its issues, and a user `you`.
    Practice,
    /// Only the user `you`.
    Empty,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub port: u16,
    /// State and git repositories; kept across restarts.
    pub dir: PathBuf,
    pub seed: Seed,
    /// Added to every API request.
    pub latency: Duration,
    /// How long a new fork's git repository takes to appear.
    pub fork_delay: Duration,
    /// One JSON line per request.
    pub log: Option<PathBuf>,
}

impl Options {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            port: 0,
            dir: dir.into(),
            seed: Seed::Practice,
            latency: Duration::ZERO,
            fork_delay: Duration::ZERO,
            log: None,
        }
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    pub addr: SocketAddr,
    /// The token of the user `you`.
    pub token: String,
    pub dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sandbox {
    /// Starts the server on its own thread and returns once it is listening.
    pub fn start(options: Options) -> Result<Self> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let dir = options.dir.clone();
        let thread = std::thread::Builder::new()
            .name("sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx
                            .send(Err(Error::bug("could not start the sandbox runtime")
                                .cause(e.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match server::bind(options).await {
                        Ok((listener, app)) => {
                            let _ =
                                ready_tx.send(Ok((listener.local_addr().ok(), app.you_token())));
                            server::serve(listener, app, async {
                                let _ = shutdown_rx.await;
                            })
                            .await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| Error::bug("could not start the sandbox thread").cause(e.to_string()))?;
        let (addr, token) = ready_rx
            .recv()
            .map_err(|_| Error::bug("the sandbox stopped while starting"))??;
        let addr = addr.ok_or_else(|| Error::bug("the sandbox has no address"))?;
        Ok(Self {
            addr,
            token,
            dir,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/api/v3`
    pub fn api_url(&self) -> String {
        format!("http://{}/api/v3", self.addr)
    }

    /// `http://127.0.0.1:PORT`
    pub fn web_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A sandbox control (`POST /_sandbox/PATH`), e.g. a maintainer's review in the
    /// tutorial.
    pub fn control(&self, path: &str, body: &serde_json::Value) -> Result<serde_json::Value> {
        self.request("POST", path, Some(body))
    }

    /// The whole state (`GET /_sandbox/state`), for checks.
    pub fn state(&self) -> Result<serde_json::Value> {
        self.request("GET", "state", None)
    }

    /// A plain HTTP/1.1 request to ourselves on 127.0.0.1, under `/_sandbox/`.
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value> {
        use std::io::{Read, Write};
        let fail =
            |e: std::io::Error| Error::bug("the sandbox did not answer").cause(e.to_string());
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = std::net::TcpStream::connect(self.addr).map_err(fail)?;
        write!(
            stream,
            "{method} /_sandbox/{path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .map_err(fail)?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).map_err(fail)?;
        let (head, rest) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        if !head.starts_with("HTTP/1.1 200") {
            return Err(
                Error::bug(format!("the sandbox refused {method} {path}")).cause(rest.to_string())
            );
        }
        serde_json::from_str(rest).map_err(|e| {
            Error::bug(format!("the sandbox's answer to {path} is not JSON")).cause(e.to_string())
        })
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves in the foreground until `stop` resolves (Ctrl-C for `contrib sandbox`).
pub async fn run(
    options: Options,
    on_ready: impl FnOnce(SocketAddr, &str),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let (listener, app) = server::bind(options).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::failed("the sandbox has no address").cause(e.to_string()))?;
    on_ready(addr, &app.you_token());
    server::serve(listener, app, stop).await;
    Ok(())
}

/// A temporary directory for a sandbox without `--dir`.
pub fn temp_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("contrib-sandbox-")
        .tempdir()
        .map_err(|e| {
            Error::failed("could not make a temporary directory for the sandbox")
                .cause(e.to_string())
        })
}

fn io_err(what: String, path: &Path, e: std::io::Error) -> Error {
    Error::failed(what).cause(format!("{}: {e}", path.display()))
}
