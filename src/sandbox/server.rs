//! The one request path: log, faults, latency, auth, rate limits, dispatch, ETags.

use super::json::{self, Urls};
use super::state::{State, TokenInfo};
use super::{Options, Seed, admin, api, git_http, io_err, seed};
use crate::error::{Error, Result};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpListener;

pub struct App {
    pub dir: PathBuf,
    pub state: Mutex<State>,
    pub urls: Urls,
    pub latency: Mutex<Duration>,
    pub fork_delay: Duration,
    pub faults: Mutex<Vec<admin::Fault>>,
    pub rate: Mutex<HashMap<(String, &'static str), Bucket>>,
    log: Option<Mutex<std::fs::File>>,
}

/// One identity's use of one rate-limit resource in the current hour.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub limit: u64,
    pub used: u64,
    pub reset: i64,
}

impl App {
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes the state to disk (after every change).
    pub fn save(&self, state: &State) {
        let path = self.dir.join("state.json");
        if let Err(e) = state.save(&path) {
            eprintln!("sandbox: could not save {}: {e}", path.display());
        }
    }

    pub fn you_token(&self) -> String {
        self.state()
            .tokens
            .iter()
            .find(|(_, t)| t.login == "you" && t.scopes.is_some())
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    }

    pub fn bucket(&self, who: &str, resource: &'static str, authenticated: bool) -> Bucket {
        let now = chrono::Utc::now().timestamp();
        let limit = match (resource, authenticated) {
            ("search", true) => 30,
            ("search", false) => 10,
            (_, true) => 5000,
            (_, false) => 60,
        };
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        let b = rate.entry((who.to_string(), resource)).or_insert(Bucket {
            limit,
            used: 0,
            reset: now + 3600,
        });
        if b.reset <= now {
            *b = Bucket {
                limit,
                used: 0,
                reset: now + 3600,
            };
        }
        *b
    }

    fn spend(&self, who: &str, resource: &'static str) {
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = rate.get_mut(&(who.to_string(), resource)) {
            b.used += 1;
        }
    }

    fn log_line(&self, line: &Value) {
        if let Some(f) = &self.log {
            let mut f = f.lock().unwrap_or_else(|p| p.into_inner());
            let _ = writeln!(f, "{line}");
        }
    }
}

pub async fn bind(options: Options) -> Result<(TcpListener, Arc<App>)> {
    std::fs::create_dir_all(options.dir.join("git")).map_err(|e| {
        io_err(
            "could not create the sandbox directory".into(),
            &options.dir,
            e,
        )
    })?;
    // 127.0.0.1 only: the sandbox is never reachable from another machine.
    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| {
            Error::failed(format!("could not listen on 127.0.0.1:{}", options.port))
                .cause(e.to_string())
                .hint("pick another port with --port, or --port 0 for any free one")
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::failed("the sandbox has no address").cause(e.to_string()))?;
    let urls = Urls {
        api: format!("http://{addr}/api/v3"),
        web: format!("http://{addr}"),
    };
    let state_path = options.dir.join("state.json");
    let state = match State::load(&state_path)
        .map_err(|e| io_err("could not read the sandbox state".into(), &state_path, e))?
    {
        Some(state) => state,
        None => {
            let state = match options.seed {
                Seed::Practice => seed::practice(&options.dir)?,
                Seed::Empty => seed::empty(),
            };
            state
                .save(&state_path)
                .map_err(|e| io_err("could not save the sandbox state".into(), &state_path, e))?;
            state
        }
    };
    let log = match &options.log {
        Some(path) => Some(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| io_err("could not open the request log".into(), path, e))?,
        )),
        None => None,
    };
    let app = Arc::new(App {
        dir: options.dir,
        state: Mutex::new(state),
        urls,
        latency: Mutex::new(options.latency),
        fork_delay: options.fork_delay,
        faults: Mutex::new(Vec::new()),
        rate: Mutex::new(HashMap::new()),
        log,
    });
    Ok((listener, app))
}

pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let router = axum::Router::new().fallback(handle).with_state(app);
    let _ = axum::serve(listener, router)
        .with_graceful_shutdown(stop)
        .await;
}

/// What the handlers see of a request.
pub struct Req {
    pub method: Method,
    pub segs: Vec<String>,
    pub query: HashMap<String, String>,
    /// The token's owner, if a valid token was sent.
    pub viewer: Option<String>,
    pub body: Option<Value>,
}

impl Req {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// `per_page` (1 to 100, 30 by default) and `page` (from 1), as GitHub reads them.
    pub fn paging(&self) -> (usize, usize) {
        let per_page = self
            .q("per_page")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(30)
            .clamp(1, 100);
        let page = self
            .q("page")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        (per_page, page)
    }
}

/// A REST answer before the shared headers are added.
pub struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    pub fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }
    pub fn error(status: StatusCode, message: &str) -> Self {
        Self::json(status, json::error(message, None))
    }
    pub fn not_found() -> Self {
        Self::error(StatusCode::NOT_FOUND, "Not Found")
    }
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(q.unwrap_or("").as_bytes()) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

/// The token in `Authorization: token X`, `Bearer X` or `Basic base64(user:X)`.
pub fn token_of(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    match scheme.to_ascii_lowercase().as_str() {
        "token" | "bearer" => Some(rest.trim().to_string()),
        "basic" => {
            use base64::Engine;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(rest.trim())
                .ok()?;
            let text = String::from_utf8(raw).ok()?;
            let (_, password) = text.split_once(':')?;
            Some(password.to_string())
        }
        _ => None,
    }
}

/// A request body for the log, with any `token` field hidden (the admin route that adds
/// users carries one).
fn redact_body(bytes: &[u8]) -> String {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if k.to_ascii_lowercase().contains("token")
                        || k.eq_ignore_ascii_case("password")
                    {
                        *v = Value::String("<redacted>".into());
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            walk(&mut v);
            v.to_string()
        }
        Err(_) => format!("<{} bytes>", bytes.len()),
    }
}

fn redact(headers: &HeaderMap) -> Value {
    let mut map = serde_json::Map::new();
    for (k, v) in headers {
        let value = if k == header::AUTHORIZATION {
            "<redacted>".to_string()
        } else {
            v.to_str().unwrap_or("<binary>").to_string()
        };
        map.insert(k.as_str().to_string(), Value::String(value));
    }
    Value::Object(map)
}

pub async fn handle(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(String::from);
    let started = chrono::Utc::now();

    // Git requests stream their bodies: they are logged without one.
    let is_git = !path.starts_with("/api/")
        && !path.starts_with("/_sandbox/")
        && git_http::is_git_path(&path);
    let fault = admin::take_fault(&app, &parts.method, &path);
    let cut_after = fault.as_ref().and_then(|f| f.cut_after);
    let (response, logged_body) = if let Some(fault) = fault.filter(|f| f.cut_after.is_none()) {
        (admin::apply_fault(&app, fault).await, None)
    } else if is_git {
        (
            git_http::handle(
                &app,
                parts.method.clone(),
                &path,
                query.as_deref(),
                &parts.headers,
                body,
            )
            .await,
            None,
        )
    } else {
        let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024)
            .await
            .unwrap_or_default();
        let logged = (!bytes.is_empty()).then(|| redact_body(&bytes));
        let response = if let Some(rest) = path.strip_prefix("/_sandbox/") {
            admin::handle(&app, &parts.method, rest, &bytes).await
        } else if let Some(rest) = path.strip_prefix("/api/v3") {
            rest_api(
                &app,
                parts.method.clone(),
                rest,
                query.as_deref(),
                parts.headers.clone(),
                &bytes,
            )
            .await
        } else {
            api::web_page(&app, &path)
        };
        (response, logged)
    };

    let response = match cut_after {
        Some(limit) => admin::cut_after(response, limit),
        None => response,
    };
    app.log_line(&serde_json::json!({
        "time": started.to_rfc3339(),
        "method": parts.method.as_str(),
        "path": path,
        "query": query,
        "headers": redact(&parts.headers),
        "body": logged_body,
        "status": response.status().as_u16(),
    }));
    response
}

async fn rest_api(
    app: &Arc<App>,
    method: Method,
    path: &str,
    query: Option<&str>,
    headers: HeaderMap,
    body: &Bytes,
) -> Response {
    let latency = *app.latency.lock().unwrap_or_else(|p| p.into_inner());
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    // Auth: a bad token is refused outright, as on GitHub.
    let token = token_of(&headers);
    let info: Option<TokenInfo> = match &token {
        Some(t) => match app.state().tokens.get(t).cloned() {
            Some(info) => Some(info),
            None => {
                return finish(
                    Reply::json(
                        StatusCode::UNAUTHORIZED,
                        json::error("Bad credentials", None),
                    ),
                    &headers,
                    None,
                    None,
                );
            }
        },
        None => None,
    };
    let who = info
        .as_ref()
        .map(|i| i.login.clone())
        .unwrap_or_else(|| "anonymous".to_string());
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let resource: &'static str = if segs.first().is_some_and(|s| s == "search") {
        "search"
    } else {
        "core"
    };
    let free = segs.first().is_some_and(|s| s == "rate_limit");
    let bucket = app.bucket(&who, resource, info.is_some());
    if !free && bucket.used >= bucket.limit {
        let message = match &info {
            Some(i) => format!("API rate limit exceeded for user {}.", i.login),
            None => "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)".to_string(),
        };
        let reply = Reply::error(StatusCode::FORBIDDEN, &message);
        return finish(reply, &headers, info.as_ref(), Some((bucket, resource)));
    }

    let parsed_body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Some(v),
            Err(_) => {
                let reply = Reply::error(StatusCode::BAD_REQUEST, "Problems parsing JSON");
                return finish(reply, &headers, info.as_ref(), Some((bucket, resource)));
            }
        }
    };
    let req = Req {
        method,
        segs,
        query: parse_query(query),
        viewer: info.as_ref().map(|i| i.login.clone()),
        body: parsed_body,
    };
    let is_get = req.method == Method::GET;
    let reply = api::dispatch(app, &req, &who, resource).await;

    // ETag: a conditional GET that matches costs nothing against the limit.
    let mut reply = reply;
    let mut not_modified = false;
    if is_get && reply.status == StatusCode::OK {
        let bytes = serde_json::to_vec(&reply.body).unwrap_or_default();
        let etag = format!("W/\"{}\"", sha1_smol::Sha1::from(&bytes).digest());
        let matches = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == etag || t.trim() == etag.trim_start_matches("W/"))
            });
        if matches {
            reply = Reply {
                status: StatusCode::NOT_MODIFIED,
                body: None,
                headers: Vec::new(),
            };
            not_modified = true;
        }
        reply.headers.push(("etag".into(), etag));
    }
    if !free && !not_modified {
        app.spend(&who, resource);
    }
    let bucket = app.bucket(&who, resource, info.is_some());
    finish(reply, &headers, info.as_ref(), Some((bucket, resource)))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// Adds GitHub's common headers and renders the reply.
fn finish(
    reply: Reply,
    _request_headers: &HeaderMap,
    token: Option<&TokenInfo>,
    rate: Option<(Bucket, &'static str)>,
) -> Response {
    let mut response = match &reply.body {
        Some(v) => (reply.status, axum::Json(v.clone())).into_response(),
        None => reply.status.into_response(),
    };
    let h = response.headers_mut();
    let mut set = |name: &str, value: String| {
        if let (Ok(n), Ok(v)) = (
            header::HeaderName::try_from(name),
            HeaderValue::from_str(&value),
        ) {
            h.insert(n, v);
        }
    };
    if let Some((b, resource)) = rate {
        set("x-ratelimit-limit", b.limit.to_string());
        set(
            "x-ratelimit-remaining",
            b.limit.saturating_sub(b.used).to_string(),
        );
        set("x-ratelimit-reset", b.reset.to_string());
        set("x-ratelimit-used", b.used.to_string());
        set("x-ratelimit-resource", resource.to_string());
    }
    if let Some(TokenInfo {
        scopes: Some(scopes),
        ..
    }) = token
    {
        set("x-oauth-scopes", scopes.join(", "));
        set("x-accepted-oauth-scopes", String::new());
    }
    set("x-github-media-type", "github.v3; format=json".into());
    set("x-github-api-version-selected", "2022-11-28".into());
    for (k, v) in reply.headers {
        set(&k, v);
    }
    response
}

/// A plain response (git and web pages).
pub fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from(text.to_string()),
    )
        .into_response()
}
