//! Talking to GitHub. The only module that names octocrab (and reqwest, its transport).
//! octocrab's types stay in here: callers get our own structs and [`crate::error::Error`].
//!
//! The API base URL and the token are passed in ([`Config`]); there is no global client, so
//! the same code serves github.com, GitHub Enterprise and the sandbox.

mod errors;
#[cfg(test)]
mod models_test;
pub mod types;

pub use types::*;

use crate::auth::{Scopes, Token};
use crate::error::{Error, Result};
use http::{HeaderMap, Method, StatusCode};
use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// A line for `-v` output (never contains the token).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Proxies for API requests (git has its own settings).
#[derive(Debug, Clone, Default)]
pub struct Proxy {
    pub https: Option<String>,
    pub http: Option<String>,
    pub no_proxy: Option<String>,
}

pub struct Config {
    pub api: Url,
    pub token: Option<Token>,
    pub proxy: Proxy,
    /// For the whole request; connecting has its own, shorter limit.
    pub timeout: Duration,
    pub log: Option<Log>,
}

/// A client for one GitHub instance.
pub struct GitHub {
    crab: Octocrab,
    host: String,
    log: Option<Log>,
}

/// A response we have read in full.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl GitHub {
    pub fn new(config: Config) -> Result<Self> {
        // rustls needs a crypto provider; ring keeps aws-lc out of the build. A second
        // install (another client in the same process) is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let host = match config.api.port() {
            Some(p) => format!("{}:{p}", config.api.host_str().unwrap_or_default()),
            None => config.api.host_str().unwrap_or_default().to_string(),
        };
        let bad_proxy = |var: &str, e: reqwest::Error| {
            Error::usage(format!("the proxy setting {var} is not a valid URL"))
                .cause(e.to_string())
                .hint("set it to a URL such as http://proxy.example.com:3128")
        };
        // `no_proxy()` stops reqwest reading the environment itself: we pass what we read.
        let mut http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(10).min(config.timeout))
            .timeout(config.timeout)
            .user_agent(concat!("contrib/", env!("CARGO_PKG_VERSION")));
        let no_proxy = config
            .proxy
            .no_proxy
            .as_deref()
            .and_then(reqwest::NoProxy::from_string);
        if let Some(p) = &config.proxy.https {
            let proxy =
                reqwest::Proxy::https(p.as_str()).map_err(|e| bad_proxy("HTTPS_PROXY", e))?;
            http = http.proxy(proxy.no_proxy(no_proxy.clone()));
        }
        if let Some(p) = &config.proxy.http {
            let proxy = reqwest::Proxy::http(p.as_str()).map_err(|e| bad_proxy("HTTP_PROXY", e))?;
            http = http.proxy(proxy.no_proxy(no_proxy.clone()));
        }
        let http = http
            .build()
            .map_err(|e| Error::bug("could not set up the HTTP client").cause(e.to_string()))?;
        let mut builder = Octocrab::builder()
            .base_uri(config.api.as_str().trim_end_matches('/'))
            .map_err(|e| {
                Error::usage(format!("invalid API URL '{}'", config.api)).cause(e.to_string())
            })?;
        if let Some(token) = &config.token {
            builder = builder.personal_token(token.expose().to_string());
        }
        let crab = builder
            .build_with_reqwest(http)
            .map_err(|e| Error::bug("could not set up the GitHub client").cause(e.to_string()))?;
        Ok(Self {
            crab,
            host,
            log: config.log,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn log(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log(&line());
        }
    }

    /// One request, read in full. Never retried: see [`GitHub::get`] for GETs.
    async fn send_once(
        &self,
        method: Method,
        route: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Raw> {
        let started = std::time::Instant::now();
        let builder = http::Request::builder()
            .method(method.clone())
            .uri(route)
            .header(http::header::ACCEPT, "application/vnd.github+json");
        let request = self.crab.build_request(builder, body).map_err(|e| {
            Error::bug(format!("could not build the request {method} {route}")).cause(e.to_string())
        })?;
        let response = self
            .crab
            .execute(request)
            .await
            .map_err(|e| errors::network(&self.host, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .map_err(|e| errors::network(&self.host, &e))?
            .to_bytes()
            .to_vec();
        self.log(|| {
            format!(
                "{method} {route} → {} ({} ms)",
                status.as_u16(),
                started.elapsed().as_millis()
            )
        });
        Ok(Raw {
            status,
            headers,
            body,
        })
    }

    /// A GET, retried with backoff on network errors and 502/503/504 (GETs are
    /// idempotent; nothing else is ever retried).
    async fn get_raw(&self, route: &str) -> Result<Raw> {
        let delays = [Duration::from_millis(300), Duration::from_millis(1200)];
        let mut attempt = 0;
        loop {
            let result = self.send_once(Method::GET, route, None).await;
            let retryable = match &result {
                Err(e) => e.kind == crate::error::Kind::Unavailable,
                Ok(raw) => matches!(raw.status.as_u16(), 502..=504),
            };
            if !retryable || attempt >= delays.len() {
                return result;
            }
            self.log(|| format!("retrying GET {route} in {} ms", delays[attempt].as_millis()));
            tokio::time::sleep(delays[attempt]).await;
            attempt += 1;
        }
    }

    async fn get<T: DeserializeOwned>(&self, route: &str, what: &str) -> Result<(T, HeaderMap)> {
        let raw = self.get_raw(route).await?;
        let raw = self.check(raw, what)?;
        let value = parse(&raw.body, what)?;
        Ok((value, raw.headers))
    }

    /// Turns a non-2xx response into our error, with GitHub's own words.
    fn check(&self, raw: Raw, what: &str) -> Result<Raw> {
        if raw.status.is_success() || raw.status == StatusCode::NOT_MODIFIED {
            return Ok(raw);
        }
        Err(errors::api(
            &self.host,
            raw.status,
            &raw.headers,
            &raw.body,
            what,
        ))
    }

    /// The authenticated user, with the token's scopes.
    pub async fn whoami(&self) -> Result<Whoami> {
        let (user, headers): (User, _) = self.get("/user", "could not check the token").await?;
        let scopes = Scopes::parse(header(&headers, "x-oauth-scopes"));
        Ok(Whoami {
            user,
            scopes,
            rate: RateInfo::from_headers(&headers),
        })
    }

    /// A repository; `Ok(None)` when it does not exist (or is not visible to this token).
    pub async fn repo(&self, owner: &str, name: &str) -> Result<Option<Repo>> {
        let route = format!("/repos/{}/{}", seg(owner), seg(name));
        let raw = self.get_raw(&route).await?;
        if raw.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let raw = self.check(raw, &format!("could not read {owner}/{name}"))?;
        parse(&raw.body, &format!("could not read {owner}/{name}")).map(Some)
    }

    /// One issue (or pull request); `Ok(None)` when there is none with that number.
    pub async fn issue(&self, owner: &str, name: &str, number: u64) -> Result<Option<Issue>> {
        let route = format!("/repos/{}/{}/issues/{number}", seg(owner), seg(name));
        let raw = self.get_raw(&route).await?;
        if matches!(raw.status.as_u16(), 404 | 410) {
            return Ok(None);
        }
        let what = format!("could not read issue #{number} of {owner}/{name}");
        let raw = self.check(raw, &what)?;
        parse(&raw.body, &what).map(Some)
    }

    /// Asks for a fork (GitHub answers at once and makes the git repository later; a fork
    /// that exists already comes back as it is). Sent once: POSTs are never retried.
    pub async fn create_fork(
        &self,
        owner: &str,
        name: &str,
        org: Option<&str>,
        fork_name: Option<&str>,
    ) -> Result<Repo> {
        let route = format!("/repos/{}/{}/forks", seg(owner), seg(name));
        let mut body = serde_json::json!({});
        if let Some(org) = org {
            body["organization"] = org.into();
        }
        if let Some(n) = fork_name {
            body["name"] = n.into();
        }
        let what = format!("could not fork {owner}/{name}");
        let raw = self.send_once(Method::POST, &route, Some(&body)).await?;
        let raw = self.check(raw, &what)?;
        parse(&raw.body, &what)
    }

    /// The rate limits (asking costs nothing against them).
    pub async fn rate_limit(&self) -> Result<RateLimits> {
        let (limits, _): (RateLimits, _) = self
            .get("/rate_limit", "could not read the rate limit")
            .await?;
        Ok(limits)
    }
}

/// A path segment, percent-encoded.
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        Error::unavailable(what.to_string())
            .cause(format!(
                "GitHub's answer was not what contrib expected: {e}"
            ))
            .hint(
                "if this keeps happening, please report it with the output of `contrib -v doctor`",
            )
    })
}
