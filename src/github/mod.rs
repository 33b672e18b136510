//! Talking to GitHub. The only module that names octocrab (and reqwest, its transport).
//! octocrab's types stay in here: callers get our own structs and [`crate::error::Error`].
//!
//! The API base URL and the token are passed in ([`Config`]); there is no global client, so
//! the same code serves github.com, GitHub Enterprise and the sandbox.

mod cache;
mod errors;
#[cfg(test)]
mod models_test;
pub mod types;

pub use types::*;

use crate::auth::{Scopes, Token};
use crate::error::{Error, Result};
use crate::t;
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
    /// Where conditional-request answers are kept (`None`: no cache).
    pub cache_dir: Option<std::path::PathBuf>,
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
    /// The API base URL, without a trailing slash.
    base: String,
    host: String,
    log: Option<Log>,
    cache: Option<cache::Cache>,
    /// The last rate-limit figures seen, per resource ("core", "search").
    rate: std::sync::Mutex<std::collections::BTreeMap<String, RateInfo>>,
    /// Requests sent, and how many were answered from the cache (304).
    pub stats: std::sync::Mutex<Stats>,
}

#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Stats {
    pub requests: u64,
    pub not_modified: u64,
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
            Error::usage(t!("github.proxy_setting_not_valid", var = var))
                .cause(e.to_string())
                .hint(t!("github.set_url_such_http"))
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
            .map_err(|e| Error::bug(t!("github.could_not_set_up_http")).cause(e.to_string()))?;
        let mut builder = Octocrab::builder()
            .base_uri(config.api.as_str().trim_end_matches('/'))
            .map_err(|e| {
                Error::usage(t!("github.invalid_api_url", api = config.api)).cause(e.to_string())
            })?;
        if let Some(token) = &config.token {
            builder = builder.personal_token(token.expose().to_string());
        }
        let crab = builder
            .build_with_reqwest(http)
            .map_err(|e| Error::bug(t!("github.could_not_set_up_client")).cause(e.to_string()))?;
        let cache = config
            .cache_dir
            .map(|dir| cache::Cache::new(dir, config.token.as_ref()));
        Ok(Self {
            crab,
            base: config.api.as_str().trim_end_matches('/').to_string(),
            host,
            log: config.log,
            cache,
            rate: Default::default(),
            stats: Default::default(),
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
        self.send_with(method, route, body, None).await
    }

    async fn send_with(
        &self,
        method: Method,
        route: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
    ) -> Result<Raw> {
        let started = std::time::Instant::now();
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(route)
            .header(http::header::ACCEPT, "application/vnd.github+json");
        if let Some(tag) = etag {
            builder = builder.header(http::header::IF_NONE_MATCH, tag);
        }
        let request = self.crab.build_request(builder, body).map_err(|e| {
            Error::bug(t!(
                "github.could_not_build_request",
                method = method,
                route = route
            ))
            .cause(e.to_string())
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
        // i18n: not for people (a -v trace line: method, route, status, time)
        self.log(|| {
            format!(
                "{method} {route} → {} ({} ms)",
                status.as_u16(),
                started.elapsed().as_millis()
            )
        });
        if let Ok(mut stats) = self.stats.lock() {
            stats.requests += 1;
            stats.not_modified += u64::from(status == StatusCode::NOT_MODIFIED);
        }
        if let Some(rate) = RateInfo::from_headers(&headers)
            && let Ok(mut map) = self.rate.lock()
        {
            // Answers to concurrent requests arrive in any order: the lowest count in the
            // same window is the latest.
            let resource = header(&headers, "x-ratelimit-resource")
                .unwrap_or("core")
                .to_string();
            let keep = map
                .get(&resource)
                .is_some_and(|old| old.reset == rate.reset && old.remaining <= rate.remaining);
            if !keep {
                map.insert(resource, rate);
            }
        }
        Ok(Raw {
            status,
            headers,
            body,
        })
    }

    /// A GET, retried with backoff on network errors and 502/503/504 (GETs are
    /// idempotent; nothing else is ever retried).
    async fn get_raw(&self, route: &str) -> Result<Raw> {
        let cached = self.cache.as_ref().and_then(|c| c.get(route));
        let delays = [Duration::from_millis(300), Duration::from_millis(1200)];
        let mut attempt = 0;
        loop {
            let result = self
                .send_with(
                    Method::GET,
                    route,
                    None,
                    cached.as_ref().map(|c| c.etag.as_str()),
                )
                .await;
            // A 304 answers from the cache, and costs nothing against the rate limit.
            let result = match (result, &cached) {
                (Ok(raw), Some(entry)) if raw.status == StatusCode::NOT_MODIFIED => Ok(Raw {
                    status: StatusCode::OK,
                    headers: raw.headers,
                    body: entry.body.clone(),
                }),
                (Ok(raw), _) => {
                    if raw.status == StatusCode::OK
                        && let (Some(cache), Some(etag)) =
                            (&self.cache, header(&raw.headers, "etag"))
                    {
                        cache.put(route, etag, &raw.body);
                    }
                    Ok(raw)
                }
                (Err(e), _) => Err(e),
            };
            let retryable = match &result {
                Err(e) => e.kind == crate::error::Kind::Unavailable,
                Ok(raw) => matches!(raw.status.as_u16(), 502..=504),
            };
            if !retryable || attempt >= delays.len() {
                return result;
            }
            self.log(|| {
                t!(
                    "github.retrying_get_ms",
                    route = route,
                    as_millis = delays[attempt].as_millis()
                )
                .to_string()
            });
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
        let (user, headers): (User, _) = self
            .get("/user", &t!("github.could_not_check_token"))
            .await?;
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
        let raw = self.check(
            raw,
            &t!("github.could_not_read", owner = owner, name = name),
        )?;
        parse(
            &raw.body,
            &t!("github.could_not_read", owner = owner, name = name),
        )
        .map(Some)
    }

    /// One issue (or pull request); `Ok(None)` when there is none with that number.
    pub async fn issue(&self, owner: &str, name: &str, number: u64) -> Result<Option<Issue>> {
        let route = format!("/repos/{}/{}/issues/{number}", seg(owner), seg(name));
        let raw = self.get_raw(&route).await?;
        if matches!(raw.status.as_u16(), 404 | 410) {
            return Ok(None);
        }
        let what = t!(
            "github.could_not_read_issue",
            number = number,
            owner = owner,
            name = name
        );
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
        let what = t!("github.could_not_fork", owner = owner, name = name);
        self.send_json(Method::POST, &route, &body, &what).await
    }

    /// The last rate-limit figures GitHub sent for `resource` ("core" or "search").
    pub fn last_rate(&self, resource: &str) -> Option<RateInfo> {
        self.rate.lock().ok()?.get(resource).copied()
    }

    pub fn stats(&self) -> Stats {
        self.stats.lock().map(|s| *s).unwrap_or_default()
    }

    /// Every page of a list, following GitHub's `Link` headers (at most `max_pages`).
    async fn get_pages<T: DeserializeOwned>(
        &self,
        route: &str,
        what: &str,
        max_pages: usize,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut next = Some(route.to_string());
        let mut pages = 0;
        while let Some(r) = next.take() {
            let raw = self.get_raw(&r).await?;
            let raw = self.check(raw, what)?;
            let mut items: Vec<T> = parse(&raw.body, what)?;
            out.append(&mut items);
            pages += 1;
            if pages < max_pages {
                next = header(&raw.headers, "link")
                    .and_then(next_link)
                    .map(|url| self.relative(&url));
            }
        }
        Ok(out)
    }

    /// A `Link` URL made relative to the API base, so the token goes only where it belongs.
    fn relative(&self, url: &str) -> String {
        url.strip_prefix(&self.base)
            .map(String::from)
            .unwrap_or_else(|| url.to_string())
    }

    pub async fn labels(&self, owner: &str, name: &str) -> Result<Vec<Label>> {
        let route = format!("/repos/{}/{}/labels?per_page=100", seg(owner), seg(name));
        self.get_pages(
            &route,
            &t!("github.could_not_read_labels", owner = owner, name = name),
            3,
        )
        .await
    }

    /// Open issues (and pull requests, as GitHub lists them), most recently updated first.
    pub async fn open_issues(
        &self,
        owner: &str,
        name: &str,
        label: Option<&str>,
        max_pages: usize,
    ) -> Result<Vec<IssueItem>> {
        let mut route = format!(
            "/repos/{}/{}/issues?state=open&sort=updated&direction=desc&per_page=100",
            seg(owner),
            seg(name)
        );
        if let Some(l) = label {
            route.push_str(&format!("&labels={}", seg(l)));
        }
        self.get_pages(
            &route,
            &t!("github.could_not_list_issues", owner = owner, name = name),
            max_pages,
        )
        .await
    }

    pub async fn timeline(
        &self,
        owner: &str,
        name: &str,
        number: u64,
    ) -> Result<Vec<TimelineEvent>> {
        let route = format!(
            "/repos/{}/{}/issues/{number}/timeline?per_page=100",
            seg(owner),
            seg(name)
        );
        self.get_pages(
            &route,
            &t!(
                "github.could_not_read_history",
                owner = owner,
                name = name,
                number = number
            ),
            3,
        )
        .await
    }

    pub async fn comments(&self, owner: &str, name: &str, number: u64) -> Result<Vec<Comment>> {
        let route = format!(
            "/repos/{}/{}/issues/{number}/comments?per_page=100",
            seg(owner),
            seg(name)
        );
        self.get_pages(
            &route,
            &t!(
                "github.could_not_read_comments",
                owner = owner,
                name = name,
                number = number
            ),
            10,
        )
        .await
    }

    /// Posts a comment. Sent once: a POST is never retried (the caller checks before
    /// trying again).
    pub async fn post_comment(
        &self,
        owner: &str,
        name: &str,
        number: u64,
        body: &str,
    ) -> Result<Comment> {
        let route = format!(
            "/repos/{}/{}/issues/{number}/comments",
            seg(owner),
            seg(name)
        );
        let what = t!(
            "github.could_not_comment",
            owner = owner,
            name = name,
            number = number
        );
        self.send_json(
            Method::POST,
            &route,
            &serde_json::json!({"body": body}),
            &what,
        )
        .await
    }

    /// A request with a JSON body, sent once (never retried: it changes something), and its
    /// answer read into `T`.
    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &str,
        body: &serde_json::Value,
        what: &str,
    ) -> Result<T> {
        let raw = self.send_once(method, route, Some(body)).await?;
        let raw = self.check(raw, what)?;
        parse(&raw.body, what)
    }

    /// One page of an issue search.
    pub async fn search_issues(
        &self,
        query: &str,
        sort: Option<&str>,
        per_page: u32,
        page: u32,
    ) -> Result<SearchPage> {
        let mut route = format!(
            "/search/issues?q={}&per_page={per_page}&page={page}",
            seg(query)
        );
        if let Some(s) = sort {
            route.push_str(&format!("&sort={s}&order=desc"));
        }
        let raw = self.get_raw(&route).await?;
        let raw = self.check(raw, &t!("github.could_not_search_github"))?;
        parse(&raw.body, &t!("github.could_not_search_github"))
    }

    /// A text file from the default branch (or `reference`); `Ok(None)` if absent.
    pub async fn file(
        &self,
        owner: &str,
        name: &str,
        path: &str,
        reference: Option<&str>,
    ) -> Result<Option<String>> {
        use base64::Engine;
        let mut route = format!(
            "/repos/{}/{}/contents/{}",
            seg(owner),
            seg(name),
            path.split('/').map(seg).collect::<Vec<_>>().join("/")
        );
        if let Some(r) = reference {
            route.push_str(&format!("?ref={}", seg(r)));
        }
        let raw = self.get_raw(&route).await?;
        if raw.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let what = t!(
            "github.could_not_read_file",
            path = path,
            owner = owner,
            name = name
        );
        let raw = self.check(raw, &what)?;
        let v: serde_json::Value = parse(&raw.body, &what)?;
        let Some(content) = v.get("content").and_then(|c| c.as_str()) else {
            return Ok(None); // a directory
        };
        let cleaned: String = content.chars().filter(|c| !c.is_whitespace()).collect();
        // Bad base64 is GitHub's problem, not a crash of ours.
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cleaned)
            .map_err(|e| {
                Error::unavailable(what.clone())
                    .cause(t!("github.github_sent_content_contrib", e = e))
            })?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The account's email addresses (needs the `user:email` scope; empty without it).
    pub async fn emails(&self) -> Result<Vec<String>> {
        let raw = self.get_raw("/user/emails").await?;
        if matches!(raw.status.as_u16(), 403 | 404) {
            return Ok(vec![]);
        }
        let raw = self.check(raw, &t!("github.could_not_read_email"))?;
        let list: Vec<serde_json::Value> = parse(&raw.body, &t!("github.could_not_read_email"))?;
        Ok(list
            .iter()
            .filter_map(|e| e.get("email").and_then(|v| v.as_str()).map(String::from))
            .collect())
    }

    /// Brings a fork's branch up to date with its parent on GitHub; GitHub's own words.
    pub async fn merge_upstream(&self, owner: &str, name: &str, branch: &str) -> Result<String> {
        let route = format!("/repos/{}/{}/merge-upstream", seg(owner), seg(name));
        let what = t!(
            "github.could_not_update_s",
            owner = owner,
            name = name,
            branch = branch
        );
        let raw = self
            .send_once(
                Method::POST,
                &route,
                Some(&serde_json::json!({"branch": branch})),
            )
            .await?;
        if raw.status == StatusCode::CONFLICT {
            return Err(Error::failed(what).cause(t!("github.fork_s_branch_has")));
        }
        let raw = self.check(raw, &what)?;
        let v: serde_json::Value = parse(&raw.body, &what)?;
        Ok(v.get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("done")
            .to_string())
    }

    /// Pull requests (any state) whose head is `owner:branch`, newest first.
    pub async fn pulls_for_head_any(
        &self,
        owner: &str,
        name: &str,
        head: &str,
    ) -> Result<Vec<Pull>> {
        let route = format!(
            "/repos/{}/{}/pulls?state=all&head={}&per_page=30",
            seg(owner),
            seg(name),
            seg(head)
        );
        self.get_pages(
            &route,
            &t!("github.could_not_list_pull", owner = owner, name = name),
            1,
        )
        .await
    }

    pub async fn pull(&self, owner: &str, name: &str, number: u64) -> Result<PullDetail> {
        let route = format!("/repos/{}/{}/pulls/{number}", seg(owner), seg(name));
        self.get(&route, &t!("github.could_not_read_pull", number = number))
            .await
            .map(|(v, _)| v)
    }

    pub async fn reviews(&self, owner: &str, name: &str, number: u64) -> Result<Vec<Review>> {
        let route = format!(
            "/repos/{}/{}/pulls/{number}/reviews?per_page=100",
            seg(owner),
            seg(name)
        );
        self.get_pages(
            &route,
            &t!("github.could_not_read_reviews", number = number),
            3,
        )
        .await
    }

    pub async fn review_comments(
        &self,
        owner: &str,
        name: &str,
        number: u64,
    ) -> Result<Vec<ReviewComment>> {
        let route = format!(
            "/repos/{}/{}/pulls/{number}/comments?per_page=100",
            seg(owner),
            seg(name)
        );
        self.get_pages(
            &route,
            &t!("github.could_not_read_review", number = number),
            3,
        )
        .await
    }

    pub async fn check_runs(&self, owner: &str, name: &str, sha: &str) -> Result<Vec<CheckRun>> {
        let route = format!(
            "/repos/{}/{}/commits/{sha}/check-runs?per_page=100",
            seg(owner),
            seg(name)
        );
        self.get::<CheckRuns>(&route, &t!("github.could_not_read_checks"))
            .await
            .map(|(v, _)| v.check_runs)
    }

    pub async fn commit_status(
        &self,
        owner: &str,
        name: &str,
        sha: &str,
    ) -> Result<Vec<CommitStatus>> {
        let route = format!("/repos/{}/{}/commits/{sha}/status", seg(owner), seg(name));
        self.get::<CombinedStatus>(&route, &t!("github.could_not_read_commit"))
            .await
            .map(|(v, _)| v.statuses)
    }

    /// Open pull requests whose head is `owner:branch`.
    pub async fn pulls_for_head(&self, owner: &str, name: &str, head: &str) -> Result<Vec<Pull>> {
        let route = format!(
            "/repos/{}/{}/pulls?state=open&head={}&per_page=100",
            seg(owner),
            seg(name),
            seg(head)
        );
        self.get_pages(
            &route,
            &t!("github.could_not_list_pull", owner = owner, name = name),
            1,
        )
        .await
    }

    /// Opens a pull request. Sent once (the caller lists by head first).
    pub async fn create_pull(
        &self,
        owner: &str,
        name: &str,
        request: &serde_json::Value,
    ) -> Result<Pull> {
        let route = format!("/repos/{}/{}/pulls", seg(owner), seg(name));
        let what = t!("github.could_not_open_pull", owner = owner, name = name);
        self.send_json(Method::POST, &route, request, &what).await
    }

    pub async fn update_pull(
        &self,
        owner: &str,
        name: &str,
        number: u64,
        request: &serde_json::Value,
    ) -> Result<Pull> {
        let route = format!("/repos/{}/{}/pulls/{number}", seg(owner), seg(name));
        let what = t!("github.could_not_update_pull", number = number);
        self.send_json(Method::PATCH, &route, request, &what).await
    }

    /// The rate limits (asking costs nothing against them).
    pub async fn rate_limit(&self) -> Result<RateLimits> {
        let (limits, _): (RateLimits, _) = self
            .get("/rate_limit", &t!("github.could_not_read_rate"))
            .await?;
        Ok(limits)
    }
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, rel) = part.split_once(';')?;
        rel.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
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
            .cause(t!("github.github_s_answer_was", e = e))
            .hint(t!("github.if_keeps_happening_please"))
    })
}
