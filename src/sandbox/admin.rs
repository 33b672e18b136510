//! `/_sandbox/…`: controls for tests and the tutorial. Never under `/api/v3`.
//!
//! - `GET  state`: the whole state, for assertions; `GET refs/OWNER/REPO`: its git refs;
//! - `POST faults`: `{method?, path, count, status?, message?, retry_after?,
//!   rate_limited?, latency_ms?, cut?, cut_after?}`: the next `count` requests matching `method` and
//!   `path` (exact, or a prefix ending in `*`) get that answer instead;
//! - `POST latency`: `{ms}` for every API request from now on;
//! - `POST users`: `{login, name?, org?: bool, members?: [..], token?, scopes?: [..] | null}`;
//! - `POST rate_limit`: `{login?, resource?, remaining}`;
//! - `POST repos`: `{owner, name, from}`: a repository copied from another or from disk;
//! - `POST maintainer`: act as a maintainer (see [`maintainer`]).

use super::server::{App, plain};
use super::state::{CheckRun, Review, ReviewComment, TokenInfo};
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Send the headers of an exhausted rate limit.
    #[serde(default)]
    pub rate_limited: bool,
    #[serde(default)]
    pub latency_ms: u64,
    /// Cut the connection instead of answering.
    #[serde(default)]
    pub cut: bool,
    /// Answer for real, but cut the connection after this many bytes of the body
    /// (a network failure in the middle of a clone).
    #[serde(default)]
    pub cut_after: Option<u64>,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn matches(&self, method: &Method, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        method_ok && path_ok && self.count > 0
    }
}

/// Takes one use of the first fault matching this request.
pub fn take_fault(app: &App, method: &Method, path: &str) -> Option<Fault> {
    if path.starts_with("/_sandbox/") {
        return None;
    }
    let mut faults = app.faults.lock().unwrap_or_else(|p| p.into_inner());
    let fault = faults.iter_mut().find(|f| f.matches(method, path))?;
    fault.count -= 1;
    let taken = fault.clone();
    faults.retain(|f| f.count > 0);
    Some(taken)
}

/// The real response, cut off after `limit` bytes of its body.
pub fn cut_after(response: Response, limit: u64) -> Response {
    let (parts, body) = response.into_parts();
    let mut sent = 0u64;
    let stream = futures_util::StreamExt::map(body.into_data_stream(), move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        if sent >= limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "cut by fault injection",
            ));
        }
        let room = (limit - sent) as usize;
        sent += chunk.len() as u64;
        Ok(if chunk.len() > room {
            chunk.slice(..room)
        } else {
            chunk
        })
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

pub async fn apply_fault(_app: &Arc<App>, fault: Fault) -> Response {
    if fault.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.cut {
        // A body that fails at once: the server drops the connection mid-response.
        let stream = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "cut by fault injection",
            ))
        });
        return (StatusCode::OK, Body::from_stream(stream)).into_response();
    }
    let status = StatusCode::from_u16(fault.status.unwrap_or(500))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = fault
        .message
        .clone()
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
    let mut response = (status, axum::Json(super::json::error(&message, None))).into_response();
    let h = response.headers_mut();
    if let Some(secs) = fault.retry_after {
        h.insert("retry-after", HeaderValue::from(secs));
    }
    if fault.rate_limited {
        let reset = Utc::now().timestamp() + 1800;
        h.insert("x-ratelimit-limit", HeaderValue::from(5000));
        h.insert("x-ratelimit-remaining", HeaderValue::from(0));
        h.insert("x-ratelimit-used", HeaderValue::from(5000));
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
    }
    response
}

fn ok(v: Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}

fn bad(msg: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({"message": msg})),
    )
        .into_response()
}

pub async fn handle(app: &Arc<App>, method: &Method, rest: &str, body: &Bytes) -> Response {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match (method.as_str(), rest.trim_end_matches('/')) {
        ("GET", "state") => ok(serde_json::to_value(&*app.state()).unwrap_or(Value::Null)),
        ("GET", path) if path.starts_with("refs/") => refs(app, &path["refs/".len()..]),
        ("POST", "faults") => match serde_json::from_value::<Fault>(body) {
            Ok(f) => {
                app.faults.lock().unwrap_or_else(|p| p.into_inner()).push(f);
                ok(json!({"ok": true}))
            }
            Err(e) => bad(&e.to_string()),
        },
        ("DELETE", "faults") => {
            app.faults.lock().unwrap_or_else(|p| p.into_inner()).clear();
            ok(json!({"ok": true}))
        }
        ("POST", "latency") => {
            let ms = body.get("ms").and_then(Value::as_u64).unwrap_or(0);
            *app.latency.lock().unwrap_or_else(|p| p.into_inner()) =
                std::time::Duration::from_millis(ms);
            ok(json!({"ok": true}))
        }
        ("POST", "users") => add_user(app, &body),
        ("POST", "rate_limit") => {
            let login = body
                .get("login")
                .and_then(Value::as_str)
                .unwrap_or("anonymous")
                .to_string();
            let resource: &'static str =
                if body.get("resource").and_then(Value::as_str) == Some("search") {
                    "search"
                } else {
                    "core"
                };
            let remaining = body.get("remaining").and_then(Value::as_u64).unwrap_or(0);
            let authenticated = login != "anonymous";
            let b = app.bucket(&login, resource, authenticated);
            let mut rate = app.rate.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(entry) = rate.get_mut(&(login, resource)) {
                entry.used = b.limit.saturating_sub(remaining);
            }
            ok(json!({"ok": true}))
        }
        ("POST", "maintainer") => maintainer(app, &body),
        ("POST", "repos") => copy_repo(app, &body),
        _ => plain(StatusCode::NOT_FOUND, "unknown sandbox control"),
    }
}

/// `GET refs/OWNER/REPO`: `{"refs/heads/main": sha, …}`, for assertions on pushes.
fn refs(app: &Arc<App>, repo: &str) -> Response {
    let Some((owner, name)) = repo.split_once('/') else {
        return bad("refs/OWNER/REPO");
    };
    let dir = {
        let s = app.state();
        match s.repo(owner, name) {
            Some(r) => super::state::git_dir(&app.dir, &r.owner, &r.name),
            None => return plain(StatusCode::NOT_FOUND, "no such repository"),
        }
    };
    let listing = super::api::git(&dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
        .unwrap_or_default();
    let map: serde_json::Map<String, Value> = listing
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(r, sha)| (r.to_string(), Value::String(sha.to_string())))
        .collect();
    ok(Value::Object(map))
}

/// `POST repos {owner, name, from: "owner/name" | path}`: a new repository (not a fork) with
/// the history of another one, or of a bare repository on disk (benchmarks bring their own).
fn copy_repo(app: &Arc<App>, body: &Value) -> Response {
    let get = |k: &str| body.get(k).and_then(Value::as_str).map(String::from);
    let (Some(owner), Some(name), Some(from)) = (get("owner"), get("name"), get("from")) else {
        return bad("owner, name and from are required");
    };
    // With `with_issues`, labels, issues and comments come along too (benchmarks).
    let (src, extra_data) = {
        let s = app.state();
        match from.split_once('/').and_then(|(o, n)| s.repo(o, n)) {
            Some(r) => {
                let with = body
                    .get("with_issues")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let extra = with.then(|| {
                    (
                        r.labels.clone(),
                        r.issues
                            .iter()
                            .filter(|i| i.pull.is_none())
                            .cloned()
                            .collect::<Vec<_>>(),
                        r.comments.clone(),
                    )
                });
                (super::state::git_dir(&app.dir, &r.owner, &r.name), extra)
            }
            None => (std::path::PathBuf::from(&from), None),
        }
    };
    let dst = super::state::git_dir(&app.dir, &owner, &name);
    if dst.exists() || !src.join("HEAD").exists() && !src.join(".git").exists() {
        return bad("the repository exists already, or `from` is not a repository");
    }
    if let Some(p) = dst.parent() {
        let _ = std::fs::create_dir_all(p);
    }
    let copied = std::process::Command::new("git")
        .args(["clone", "--bare", "--quiet"])
        .arg(&src)
        .arg(&dst)
        .status()
        .is_ok_and(|s| s.success());
    if !copied {
        return bad("could not copy the repository");
    }
    let default_branch = super::api::git(&dst, &["symbolic-ref", "--short", "HEAD"])
        .unwrap_or_else(|| "main".into());
    let now = Utc::now();
    let mut s = app.state();
    s.add_account(&owner, "User", None);
    let id = s.new_id();
    let repo = super::state::Repo::new(id, &owner, &name, &default_branch, now);
    let mut repo = repo;
    if let Some((labels, issues, comments)) = extra_data {
        repo.labels = labels;
        repo.issues = issues;
        repo.comments = comments;
    }
    s.repos.insert(repo.key(), repo);

    app.save(&s);
    ok(json!({"ok": true}))
}

fn add_user(app: &Arc<App>, body: &Value) -> Response {
    let Some(login) = body.get("login").and_then(Value::as_str) else {
        return bad("login is required");
    };
    let mut s = app.state();
    let kind = if body.get("org").and_then(Value::as_bool).unwrap_or(false) {
        "Organization"
    } else {
        "User"
    };
    let name = body.get("name").and_then(Value::as_str).map(String::from);
    s.add_account(login, kind, name);
    if body.get("members").is_some()
        && let Some(acc) = s.users.get_mut(&login.to_ascii_lowercase())
    {
        acc.members = super::state::strings(body.get("members"));
    }
    if let Some(token) = body.get("token").and_then(Value::as_str) {
        let scopes = match body.get("scopes") {
            Some(Value::Null) => None,
            Some(v @ Value::Array(_)) => Some(super::state::strings(Some(v))),
            _ => Some(vec!["repo".to_string(), "read:org".to_string()]),
        };
        s.tokens.insert(
            token.to_string(),
            TokenInfo {
                login: login.to_string(),
                scopes,
            },
        );
    }
    app.save(&s);
    ok(json!({"ok": true}))
}

/// Acting as a maintainer: `{action, repo: "owner/name", number?, user?, body?, ...}` with
/// action one of `comment`, `review` (state: APPROVED | CHANGES_REQUESTED | COMMENTED,
/// path?/line? for a review comment), `merge`, `close`, `check_run` (sha?, name, status,
/// conclusion?), `status` (sha?, context, state), `archive`, `disable_forking`,
/// `bulk_issues` (count, title, labels?).
fn maintainer(app: &Arc<App>, body: &Value) -> Response {
    let get = |k: &str| body.get(k).and_then(Value::as_str).map(String::from);
    let Some(action) = get("action") else {
        return bad("action is required");
    };
    let Some((owner, name)) = get("repo").and_then(|r| {
        r.split_once('/')
            .map(|(a, b)| (a.to_string(), b.to_string()))
    }) else {
        return bad("repo (owner/name) is required");
    };
    let user = get("user").unwrap_or_else(|| owner.clone());
    let number = body.get("number").and_then(Value::as_u64);
    // A pull request's head follows its branch: pushes since the last read count.
    if let Some(n) = number {
        super::api_pulls::refresh_head(app, &owner, &name, n);
    }
    let now = Utc::now();
    let mut s = app.state();
    let id = s.new_id();
    let dir = app.dir.clone();
    let Some(repo) = s.repo_mut(&owner, &name) else {
        return bad("no such repository");
    };
    let repo_key = repo.key();
    let result: Result<Value, String> = match action.as_str() {
        "bulk_issues" => {
            // Many plain issues at once (search caps, pagination).
            let count = body.get("count").and_then(Value::as_u64).unwrap_or(1);
            let title = get("title").unwrap_or_else(|| "Issue".into());
            let labels = super::state::strings(body.get("labels"));
            let first = repo.next_number();
            for k in 0..count {
                repo.issues.push(super::state::Issue {
                    labels: labels.clone(),
                    ..super::state::Issue::new(
                        id * 100_000 + k,
                        first + k,
                        format!("{title} {}", k + 1),
                        user.clone(),
                        now,
                    )
                });
            }
            Ok(json!({"created": count}))
        }
        "archive" => {
            repo.archived = true;
            Ok(json!({}))
        }
        "disable_forking" => {
            repo.allow_forking = false;
            Ok(json!({}))
        }
        "comment" => match number {
            Some(n) if repo.issue(n).is_some() => {
                repo.comments.push(super::state::Comment {
                    id,
                    issue: n,
                    user: user.clone(),
                    body: get("body").unwrap_or_default(),
                    created_at: now,
                    updated_at: now,
                });
                Ok(json!({"id": id}))
            }
            _ => Err("no such issue".into()),
        },
        "review" | "merge" | "close" => {
            let Some(issue) = number.and_then(|n| repo.issue_mut(n)) else {
                return bad("no such pull request or issue");
            };
            match action.as_str() {
                "close" => {
                    issue.state = "closed".into();
                    issue.closed_at = Some(now);
                    issue.updated_at = now;
                    Ok(json!({}))
                }
                _ => match issue.pull.as_mut() {
                    None => Err("not a pull request".into()),
                    Some(pull) if action == "review" => {
                        let commit_id = pull.head_sha.clone();
                        pull.reviews.push(Review {
                            id,
                            user: user.clone(),
                            body: get("body").unwrap_or_default(),
                            state: get("state").unwrap_or_else(|| "COMMENTED".into()),
                            commit_id: commit_id.clone(),
                            submitted_at: now,
                        });
                        if let Some(path) = get("path") {
                            pull.review_comments.push(ReviewComment {
                                id: id + 1_000_000,
                                user: user.clone(),
                                body: get("body").unwrap_or_default(),
                                path,
                                line: body.get("line").and_then(Value::as_u64),
                                commit_id,
                                created_at: now,
                            });
                        }
                        issue.updated_at = now;
                        Ok(json!({"id": id}))
                    }
                    Some(_) => {
                        let merged = super::api::merge_pull(&dir, &repo_key, issue, &user, now);
                        merged.map(|sha| json!({"sha": sha}))
                    }
                },
            }
        }
        "check_run" | "status" => {
            let sha = get("sha").or_else(|| {
                number
                    .and_then(|n| repo.issue(n))
                    .and_then(|i| i.pull.as_ref())
                    .map(|p| p.head_sha.clone())
            });
            match sha {
                None => Err("sha or number of a pull request is required".into()),
                Some(sha) if action == "check_run" => {
                    let name = get("name").unwrap_or_else(|| "ci".into());
                    let status = get("status").unwrap_or_else(|| "completed".into());
                    let conclusion = get("conclusion");
                    repo.check_runs
                        .retain(|c| !(c.head_sha == sha && c.name == name));
                    repo.check_runs.push(CheckRun {
                        id,
                        head_sha: sha,
                        name,
                        completed_at: (status == "completed").then_some(now),
                        status,
                        conclusion,
                        details_url: get("details_url"),
                        summary: get("summary"),
                        started_at: now,
                    });
                    Ok(json!({"id": id}))
                }
                Some(sha) => {
                    let context = get("context").unwrap_or_else(|| "ci".into());
                    repo.statuses
                        .retain(|c| !(c.sha == sha && c.context == context));
                    repo.statuses.push(super::state::CommitStatus {
                        id,
                        sha,
                        context,
                        state: get("state").unwrap_or_else(|| "success".into()),
                        description: get("description"),
                        target_url: get("target_url"),
                        created_at: now,
                    });
                    Ok(json!({"id": id}))
                }
            }
        }
        other => Err(format!("unknown action '{other}'")),
    };
    match result {
        Ok(v) => {
            app.save(&s);
            ok(v)
        }
        Err(e) => bad(&e),
    }
}
