//! git smart HTTP at `/OWNER/REPO.git/…`, served by `git http-backend` as a CGI.
//! Reads are public; a push needs a valid token as the Basic-auth password (any user name,
//! as on GitHub) from a user who may write to the owner's repositories.

use super::server::{App, plain, token_of};
use super::state::git_dir;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::process::Stdio;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// `/owner/repo.git/info/refs`, `/owner/repo.git/git-upload-pack`, … (the `.git` suffix
/// may be left out, as git allows).
pub fn is_git_path(path: &str) -> bool {
    split(path).is_some()
}

/// (owner, repo without .git, rest)
fn split(path: &str) -> Option<(String, String, String)> {
    let mut parts = path.trim_start_matches('/').splitn(3, '/');
    let owner = parts.next()?;
    let repo = parts.next()?;
    let rest = parts.next()?;
    let known = rest == "info/refs"
        || rest == "git-upload-pack"
        || rest == "git-receive-pack"
        || rest == "HEAD";
    if owner.is_empty() || repo.is_empty() || !known {
        return None;
    }
    Some((
        owner.to_string(),
        repo.trim_end_matches(".git").to_string(),
        rest.to_string(),
    ))
}

fn unauthorized(message: &str) -> Response {
    let mut r = plain(StatusCode::UNAUTHORIZED, message);
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        "Basic realm=\"GitHub\"".parse().expect("static header"),
    );
    r
}

pub async fn handle(
    app: &Arc<App>,
    method: Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let Some((owner, repo, rest)) = split(path) else {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    };
    let is_push =
        rest == "git-receive-pack" || query.is_some_and(|q| q.contains("service=git-receive-pack"));
    let login = match token_of(headers) {
        Some(token) => match app.state().tokens.get(&token) {
            Some(info) => Some(info.login.clone()),
            None => {
                return unauthorized(
                    "Invalid username or token. Password authentication is not supported for Git operations.",
                );
            }
        },
        None => None,
    };
    let (ready, dir, canonical) = {
        let s = app.state();
        match s.repo(&owner, &repo) {
            None => return plain(StatusCode::NOT_FOUND, "Repository not found."),
            Some(r) => {
                let ready = r.git_ready_at.is_none_or(|t| t <= chrono::Utc::now());
                (
                    ready,
                    git_dir(&app.dir, &r.owner, &r.name),
                    (r.owner.clone(), r.name.clone()),
                )
            }
        }
    };
    // A new fork exists in the API at once, but its repository only after the delay.
    if !ready || !dir.join("HEAD").exists() {
        return plain(StatusCode::NOT_FOUND, "Repository not found.");
    }
    if is_push {
        let Some(login) = &login else {
            return unauthorized("Authentication required to push.");
        };
        if !app.state().can_write(login, &canonical.0) {
            return plain(
                StatusCode::FORBIDDEN,
                &format!(
                    "Permission to {}/{}.git denied to {login}.",
                    canonical.0, canonical.1
                ),
            );
        }
    }

    let path_info = format!(
        "/{}/{}.git/{rest}",
        canonical.0.to_ascii_lowercase(),
        canonical.1.to_ascii_lowercase()
    );
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("http-backend")
        .env("GIT_PROJECT_ROOT", app.dir.join("git"))
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", &path_info)
        .env("REQUEST_METHOD", method.as_str())
        .env("QUERY_STRING", query.unwrap_or(""))
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("REMOTE_USER", login.as_deref().unwrap_or(""))
        .env("GIT_HTTP_MAX_REQUEST_BUFFER", "1000M")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for (name, var) in [
        (header::CONTENT_TYPE.as_str(), "CONTENT_TYPE"),
        ("content-encoding", "HTTP_CONTENT_ENCODING"),
        ("git-protocol", "GIT_PROTOCOL"),
    ] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            cmd.env(var, v);
        }
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("could not run git http-backend: {e}"),
            );
        }
    };
    // Feed the request body while the CGI runs (a large push would fill the pipe otherwise).
    if let Some(mut stdin) = child.stdin.take() {
        tokio::spawn(async move {
            let mut stream = body.into_data_stream();
            while let Some(Ok(chunk)) = stream.next().await {
                if stdin.write_all(&chunk).await.is_err() {
                    break;
                }
            }
            let _ = stdin.shutdown().await;
        });
    }
    let Some(stdout) = child.stdout.take() else {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "git http-backend gave no output",
        );
    };
    let mut reader = BufReader::with_capacity(256 * 1024, stdout);
    let mut status = StatusCode::OK;
    let mut out_headers = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("status") {
                status = v
                    .split_whitespace()
                    .next()
                    .and_then(|c| c.parse().ok())
                    .and_then(|c| StatusCode::from_u16(c).ok())
                    .unwrap_or(StatusCode::OK);
            } else {
                out_headers.push((k.to_string(), v.to_string()));
            }
        }
    }
    if is_push && rest == "git-receive-pack" {
        let app = app.clone();
        let (owner, name) = canonical.clone();
        // Record the push when the CGI is done.
        tokio::spawn(async move {
            let _ = child.wait().await;
            let mut s = app.state();
            if let Some(r) = s.repo_mut(&owner, &name) {
                r.pushed_at = chrono::Utc::now();
            }
            app.save(&s);
        });
    } else {
        tokio::spawn(async move {
            let _ = child.wait().await;
        });
    }
    let stream = futures_util::stream::unfold(reader, |mut r| async move {
        let mut buf = vec![0u8; 256 * 1024];
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), r))
            }
        }
    });
    let mut response = (status, Body::from_stream(stream)).into_response();
    for (k, v) in out_headers {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::try_from(k),
            header::HeaderValue::from_str(&v),
        ) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}
