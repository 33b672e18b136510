//! The REST routes under `/api/v3`, with GitHub's status codes, shapes and messages.

use super::json::{self, Urls};
use super::server::{App, Reply, Req, plain};
use super::state::{self, Issue, Pull, Repo, State, git_dir, key};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

// ---------- git helpers (the sandbox drives the git CLI, like a real server) ----------

pub fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "GitHub")
        .env("GIT_AUTHOR_EMAIL", "noreply@sandbox")
        .env("GIT_COMMITTER_NAME", "GitHub")
        .env("GIT_COMMITTER_EMAIL", "noreply@sandbox")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

fn git_bytes(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

pub fn branch_sha(dir: &Path, branch: &str) -> Option<String> {
    git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}^{{commit}}"),
        ],
    )
}

fn branches(dir: &Path) -> Vec<(String, String)> {
    git(
        dir,
        &[
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
            "refs/heads/",
        ],
    )
    .unwrap_or_default()
    .lines()
    .filter_map(|l| {
        l.split_once(' ')
            .map(|(a, b)| (a.to_string(), b.to_string()))
    })
    .collect()
}

// ---------- small helpers ----------

fn body_str<'a>(req: &'a Req, k: &str) -> Option<&'a str> {
    req.body.as_ref()?.get(k)?.as_str()
}

fn body_bool(req: &Req, k: &str) -> Option<bool> {
    req.body.as_ref()?.get(k)?.as_bool()
}

fn requires_auth() -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, "Requires authentication")
}

fn validation(errors: Value) -> Reply {
    Reply::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json::error("Validation Failed", Some(errors)),
    )
}

fn custom(resource: &str, message: &str) -> Reply {
    validation(json!([{"resource": resource, "code": "custom", "message": message}]))
}

/// A page of `items`, with GitHub's `Link` header.
pub(super) fn paginate(app: &App, req: &Req, path: &str, items: Vec<Value>) -> Reply {
    let (per_page, page) = req.paging();
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let reply = Reply::ok(Value::Array(slice));
    match link_header(app, req, path, page, last, per_page) {
        Some(link) => reply.header("link", link),
        None => reply,
    }
}

fn link_header(
    app: &App,
    req: &Req,
    path: &str,
    page: usize,
    last: usize,
    per_page: usize,
) -> Option<String> {
    if last <= 1 {
        return None;
    }
    let url = |p: usize| {
        let mut q: Vec<(String, String)> = req
            .query
            .iter()
            .filter(|(k, _)| k.as_str() != "page" && k.as_str() != "per_page")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        q.sort();
        q.push(("per_page".into(), per_page.to_string()));
        q.push(("page".into(), p.to_string()));
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(q)
            .finish();
        format!("<{}{path}?{qs}>", app.urls.api)
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    Some(links.join(", "))
}

pub(super) fn path_of(req: &Req) -> String {
    format!(
        "/{}",
        req.segs
            .iter()
            .map(|s| json::urlencode(s))
            .collect::<Vec<_>>()
            .join("/")
    )
}

pub async fn dispatch(app: &Arc<App>, req: &Req, _who: &str, _resource: &str) -> Reply {
    let segs: Vec<&str> = req.segs.iter().map(String::as_str).collect();
    let m = &req.method;
    match (m.as_str(), segs.as_slice()) {
        ("GET", ["user"]) => get_viewer(app, req),
        ("GET", ["user", "emails"]) => user_emails(app, req),
        ("GET", ["users", login]) => get_user(app, login),
        ("GET", ["rate_limit"]) => rate_limit(app, req),
        ("GET", ["search", "issues"]) => super::api_pulls::search_issues(app, req),
        (_, ["repos", owner, name, rest @ ..]) => repo_routes(app, req, owner, name, rest),
        _ => Reply::not_found(),
    }
}

fn get_viewer(app: &App, req: &Req) -> Reply {
    let Some(login) = &req.viewer else {
        return requires_auth();
    };
    let s = app.state();
    match s.account(login) {
        Some(a) => Reply::ok(json::full_user(&app.urls, &s, a, true)),
        None => requires_auth(),
    }
}

fn user_emails(app: &App, req: &Req) -> Reply {
    let Some(login) = &req.viewer else {
        return requires_auth();
    };
    let s = app.state();
    let token_scopes = s
        .tokens
        .values()
        .find(|t| &t.login == login)
        .and_then(|t| t.scopes.clone());
    if token_scopes.is_some_and(|sc| !sc.iter().any(|x| x == "user" || x == "user:email")) {
        return Reply::error(StatusCode::NOT_FOUND, "Not Found");
    }
    let emails: Vec<Value> = s
        .account(login)
        .map(|a| {
            a.emails
                .iter()
                .enumerate()
                .map(|(i, e)| json!({"email": e, "primary": i == 0, "verified": true, "visibility": if i == 0 {Value::from("public")} else {Value::Null}}))
                .collect()
        })
        .unwrap_or_default();
    Reply::ok(Value::Array(emails))
}

fn get_user(app: &App, login: &str) -> Reply {
    let s = app.state();
    match s.account(login) {
        Some(a) => Reply::ok(json::full_user(&app.urls, &s, a, false)),
        None => Reply::not_found(),
    }
}

fn rate_limit(app: &App, req: &Req) -> Reply {
    let who = req.viewer.clone().unwrap_or_else(|| "anonymous".into());
    let auth = req.viewer.is_some();
    let b = |r: &'static str| {
        let b = app.bucket(&who, r, auth);
        json!({"limit": b.limit, "remaining": b.limit.saturating_sub(b.used), "reset": b.reset, "used": b.used, "resource": r})
    };
    let core = b("core");
    Reply::ok(json!({"resources": {"core": core, "search": b("search")}, "rate": core}))
}

/// Finds a repository; `None` means 404.
fn find<'a>(s: &'a State, owner: &str, name: &str) -> Option<&'a Repo> {
    s.repo(owner, name)
}

fn repo_routes(app: &Arc<App>, req: &Req, owner: &str, name: &str, rest: &[&str]) -> Reply {
    let m = req.method.as_str();
    {
        let s = app.state();
        if find(&s, owner, name).is_none() {
            return Reply::not_found();
        }
    }
    match (m, rest) {
        ("GET", []) => {
            let s = app.state();
            let r = find(&s, owner, name).expect("checked above");
            Reply::ok(json::full_repo(&app.urls, &s, r, req.viewer.as_deref()))
        }
        ("PATCH", []) => patch_repo(app, req, owner, name),
        ("GET", ["forks"]) => list_forks(app, req, owner, name),
        ("POST", ["forks"]) => create_fork(app, req, owner, name),
        ("POST", ["merge-upstream"]) => super::api_pulls::merge_upstream(app, req, owner, name),
        ("GET", ["branches"]) => list_branches(app, req, owner, name),
        ("GET", ["branches", branch @ ..]) => get_branch(app, owner, name, &branch.join("/")),
        ("GET", ["labels"]) => {
            let s = app.state();
            let r = find(&s, owner, name).expect("checked above");
            let items = r
                .labels
                .iter()
                .map(|l| json::label(&app.urls, r, l))
                .collect();
            paginate(app, req, &path_of(req), items)
        }
        ("GET", ["issues"]) => list_issues(app, req, owner, name),
        ("GET", ["issues", n]) => with_issue(app, owner, name, n, |s, r, i| {
            Reply::ok(json::issue(&app.urls, s, r, i))
        }),
        ("GET", ["issues", n, "comments"]) => {
            let Ok(number) = n.parse::<u64>() else {
                return Reply::not_found();
            };
            let s = app.state();
            let r = find(&s, owner, name).expect("checked above");
            if r.issue(number).is_none() {
                return Reply::not_found();
            }
            let items = r
                .comments
                .iter()
                .filter(|c| c.issue == number)
                .map(|c| json::comment(&app.urls, &s, r, c))
                .collect();
            paginate(app, req, &path_of(req), items)
        }
        ("POST", ["issues", n, "comments"]) => post_comment(app, req, owner, name, n),
        ("GET", ["issues", n, "timeline"]) => timeline(app, req, owner, name, n),
        ("POST", ["issues", n, "assignees"]) => add_assignees(app, req, owner, name, n),
        ("GET", ["assignees", login]) => {
            let s = app.state();
            if s.can_write(login, owner) {
                Reply {
                    status: StatusCode::NO_CONTENT,
                    body: None,
                    headers: vec![],
                }
            } else {
                Reply::not_found()
            }
        }
        ("GET", ["contents", path @ ..]) => contents(app, req, owner, name, &path.join("/")),
        (_, ["pulls", ..]) | (_, ["commits", ..]) => {
            super::api_pulls::routes(app, req, owner, name, rest)
        }
        _ => Reply::not_found(),
    }
}

fn with_issue(
    app: &App,
    owner: &str,
    name: &str,
    n: &str,
    f: impl FnOnce(&State, &Repo, &Issue) -> Reply,
) -> Reply {
    let Ok(number) = n.parse::<u64>() else {
        return Reply::not_found();
    };
    let s = app.state();
    let Some(r) = find(&s, owner, name) else {
        return Reply::not_found();
    };
    match r.issue(number) {
        Some(i) => f(&s, r, i),
        None => Reply::not_found(),
    }
}

fn patch_repo(app: &App, req: &Req, owner: &str, name: &str) -> Reply {
    let Some(login) = &req.viewer else {
        return requires_auth();
    };
    let mut s = app.state();
    if !s.can_write(login, owner) {
        return Reply::error(
            StatusCode::FORBIDDEN,
            "Must have admin rights to Repository.",
        );
    }
    let r = s.repo_mut(owner, name).expect("checked by caller");
    if let Some(d) = body_str(req, "description") {
        r.description = Some(d.to_string());
    }
    if let Some(a) = body_bool(req, "archived") {
        r.archived = a;
    }
    if let Some(a) = body_bool(req, "allow_forking") {
        r.allow_forking = a;
    }
    if let Some(b) = body_str(req, "default_branch") {
        r.default_branch = b.to_string();
    }
    r.updated_at = Utc::now();
    let key = r.key();
    app.save(&s);
    let r = s.repos.get(&key).expect("just edited");
    Reply::ok(json::full_repo(&app.urls, &s, r, Some(login)))
}

fn list_forks(app: &App, req: &Req, owner: &str, name: &str) -> Reply {
    let s = app.state();
    let k = key(owner, name);
    let mut forks: Vec<&Repo> = s
        .repos
        .values()
        .filter(|r| r.parent.as_deref() == Some(&k))
        .collect();
    match req.q("sort").unwrap_or("newest") {
        "oldest" => forks.sort_by_key(|r| r.created_at),
        _ => forks.sort_by_key(|r| std::cmp::Reverse(r.created_at)),
    }
    let items = forks.iter().map(|r| json::repo(&app.urls, &s, r)).collect();
    paginate(app, req, &path_of(req), items)
}

fn create_fork(app: &Arc<App>, req: &Req, owner: &str, name: &str) -> Reply {
    let Some(login) = req.viewer.clone() else {
        return requires_auth();
    };
    let now = Utc::now();
    let mut s = app.state();
    let upstream = find(&s, owner, name).expect("checked by caller").clone();
    let target_owner = body_str(req, "organization").unwrap_or(&login).to_string();
    if let Some(org) = body_str(req, "organization") {
        match s.account(org) {
            Some(a) if a.kind == "Organization" => {
                if !s.can_write(&login, org) {
                    return Reply::error(
                        StatusCode::FORBIDDEN,
                        "You do not have permission to create a fork in this organization.",
                    );
                }
            }
            _ => {
                return validation(
                    json!([{"resource": "Fork", "field": "organization", "code": "invalid"}]),
                );
            }
        }
    }
    if upstream.owner.eq_ignore_ascii_case(&target_owner) {
        return custom(
            "Repository",
            "A repository cannot be forked into its own owner's account.",
        );
    }
    if !upstream.allow_forking {
        return Reply::error(
            StatusCode::FORBIDDEN,
            "Repository forking is disabled for this repository.",
        );
    }
    // The fork network's root: a fork of a fork belongs to the same network.
    let root_key = {
        let mut k = upstream.key();
        while let Some(p) = s.repos.get(&k).and_then(|r| r.parent.clone()) {
            k = p;
        }
        k
    };
    let in_network = |s: &State, r: &Repo| {
        let mut k = r.key();
        loop {
            if k == root_key {
                return true;
            }
            match s.repos.get(&k).and_then(|r| r.parent.clone()) {
                Some(p) => k = p,
                None => return false,
            }
        }
    };
    // A second request returns the existing fork (also when it was renamed).
    if let Some(existing) = s.repos.values().find(|r| {
        r.owner.eq_ignore_ascii_case(&target_owner) && r.parent.is_some() && in_network(&s, r)
    }) {
        return Reply::json(
            StatusCode::ACCEPTED,
            json::full_repo(&app.urls, &s, existing, Some(&login)),
        );
    }
    let fork_name = body_str(req, "name").unwrap_or(&upstream.name).to_string();
    if s.repo(&target_owner, &fork_name).is_some() {
        return custom(
            "Repository",
            &format!(
                "{target_owner}/{fork_name} already exists and is not a fork of {}.",
                upstream.full_name()
            ),
        );
    }
    let default_branch_only = body_bool(req, "default_branch_only").unwrap_or(false);
    let id = s.new_id();
    let owner_display = s
        .account(&target_owner)
        .map(|a| a.login.clone())
        .unwrap_or(target_owner.clone());
    let fork = Repo {
        description: upstream.description.clone(),
        parent: Some(upstream.key()),
        language: upstream.language.clone(),
        pushed_at: upstream.pushed_at,
        git_ready_at: Some(now + chrono::Duration::from_std(app.fork_delay).unwrap_or_default()),
        ..Repo::new(
            id,
            &owner_display,
            &fork_name,
            &upstream.default_branch,
            now,
        )
    };
    let src = git_dir(&app.dir, &upstream.owner, &upstream.name);
    let dst = git_dir(&app.dir, &fork.owner, &fork.name);
    let key = fork.key();
    s.repos.insert(key.clone(), fork);
    app.save(&s);
    let reply = Reply::json(
        StatusCode::ACCEPTED,
        json::full_repo(&app.urls, &s, &s.repos[&key], Some(&login)),
    );
    drop(s);
    // The git repository is copied in the background; it is served once the delay is over.
    std::thread::spawn(move || {
        let tmp = dst.with_extension("forking");
        let _ = std::fs::remove_dir_all(&tmp);
        let mut cmd = Command::new("git");
        cmd.args(["clone", "--bare", "--quiet", "--no-hardlinks"]);
        if default_branch_only {
            cmd.arg("--single-branch");
        }
        let ok = cmd.arg(&src).arg(&tmp).status().is_ok_and(|s| s.success());
        if ok {
            if let Some(parent) = dst.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::rename(&tmp, &dst);
        }
    });
    reply
}

fn list_branches(app: &App, req: &Req, owner: &str, name: &str) -> Reply {
    let (dir, full) = {
        let s = app.state();
        let r = find(&s, owner, name).expect("checked by caller");
        (git_dir(&app.dir, &r.owner, &r.name), r.full_name())
    };
    let items = branches(&dir)
        .into_iter()
        .map(|(b, sha)| {
            json!({"name": b, "protected": false, "commit": {"sha": sha, "url": format!("{}/repos/{full}/commits/{sha}", app.urls.api)}})
        })
        .collect();
    paginate(app, req, &path_of(req), items)
}

fn get_branch(app: &App, owner: &str, name: &str, branch: &str) -> Reply {
    let (dir, full) = {
        let s = app.state();
        let r = find(&s, owner, name).expect("checked by caller");
        (git_dir(&app.dir, &r.owner, &r.name), r.full_name())
    };
    let Some(sha) = branch_sha(&dir, branch) else {
        return Reply::error(StatusCode::NOT_FOUND, "Branch not found");
    };
    let api = format!("{}/repos/{full}", app.urls.api);
    let commit = commit_json(&dir, &sha, &api, &app.urls);
    Reply::ok(json!({
        "name": branch, "commit": commit, "protected": false,
        "_links": {"self": format!("{api}/branches/{branch}"), "html": format!("{}/{full}/tree/{branch}", app.urls.web)},
        "protection": {"enabled": false, "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}},
        "protection_url": format!("{api}/branches/{branch}/protection"),
    }))
}

/// A `commit` object as in branch-with-protection.
fn commit_json(dir: &Path, sha: &str, api: &str, urls: &Urls) -> Value {
    let info = git(
        dir,
        &[
            "show",
            "-s",
            "--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%T%x00%P%x00%B",
            sha,
        ],
    )
    .unwrap_or_default();
    let f: Vec<&str> = info.splitn(9, '\0').collect();
    let g = |i: usize| f.get(i).copied().unwrap_or("");
    let parents: Vec<Value> = g(7)
        .split_whitespace()
        .map(|p| json!({"sha": p, "url": format!("{api}/commits/{p}")}))
        .collect();
    json!({
        "sha": sha, "node_id": "", "url": format!("{api}/commits/{sha}"),
        "html_url": format!("{}/commit/{sha}", urls.web), "comments_url": format!("{api}/commits/{sha}/comments"),
        "commit": {
            "author": {"name": g(0), "email": g(1), "date": g(2)},
            "committer": {"name": g(3), "email": g(4), "date": g(5)},
            "message": g(8).trim_end(), "tree": {"sha": g(6), "url": format!("{api}/git/trees/{}", g(6))},
            "url": format!("{api}/git/commits/{sha}"), "comment_count": 0,
            "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null},
        },
        "author": null, "committer": null, "parents": parents,
    })
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn list_issues(app: &App, req: &Req, owner: &str, name: &str) -> Reply {
    let s = app.state();
    let r = find(&s, owner, name).expect("checked by caller");
    let state_filter = req.q("state").unwrap_or("open");
    if !matches!(state_filter, "open" | "closed" | "all") {
        return validation(json!([{"resource": "Issue", "field": "state", "code": "invalid"}]));
    }
    let labels: Vec<&str> = req
        .q("labels")
        .map(|l| {
            l.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let since = req.q("since").and_then(parse_time);
    let mut items: Vec<&Issue> = r
        .issues
        .iter()
        .filter(|i| state_filter == "all" || i.state == state_filter)
        .filter(|i| {
            labels
                .iter()
                .all(|l| i.labels.iter().any(|x| x.eq_ignore_ascii_case(l)))
        })
        .filter(|i| match req.q("assignee") {
            None => true,
            Some("none") => i.assignees.is_empty(),
            Some("*") => !i.assignees.is_empty(),
            Some(a) => i.assignees.iter().any(|x| x.eq_ignore_ascii_case(a)),
        })
        .filter(|i| {
            req.q("creator")
                .is_none_or(|c| i.user.eq_ignore_ascii_case(c))
        })
        .filter(|i| since.is_none_or(|t| i.updated_at >= t))
        .collect();
    let comments = |i: &Issue| r.comments.iter().filter(|c| c.issue == i.number).count();
    match req.q("sort").unwrap_or("created") {
        "updated" => items.sort_by_key(|i| i.updated_at),
        "comments" => items.sort_by_key(|i| comments(i)),
        _ => items.sort_by_key(|i| (i.created_at, i.number)),
    }
    if req.q("direction").unwrap_or("desc") == "desc" {
        items.reverse();
    }
    let values = items
        .iter()
        .map(|i| json::issue(&app.urls, &s, r, i))
        .collect();
    paginate(app, req, &path_of(req), values)
}

fn post_comment(app: &App, req: &Req, owner: &str, name: &str, n: &str) -> Reply {
    let Some(login) = req.viewer.clone() else {
        return requires_auth();
    };
    let Ok(number) = n.parse::<u64>() else {
        return Reply::not_found();
    };
    let Some(body) = body_str(req, "body").map(String::from) else {
        return validation(
            json!([{"resource": "IssueComment", "field": "body", "code": "missing_field"}]),
        );
    };
    let mut s = app.state();
    let id = s.new_id();
    let now = Utc::now();
    let r = s.repo_mut(owner, name).expect("checked by caller");
    if r.archived {
        return Reply::error(
            StatusCode::FORBIDDEN,
            "Repository was archived so is read-only.",
        );
    }
    let Some(issue) = r.issue_mut(number) else {
        return Reply::not_found();
    };
    issue.updated_at = now;
    let c = state::Comment {
        id,
        issue: number,
        user: login,
        body,
        created_at: now,
        updated_at: now,
    };
    r.comments.push(c.clone());
    let key = r.key();
    app.save(&s);
    let r = &s.repos[&key];
    Reply::json(StatusCode::CREATED, json::comment(&app.urls, &s, r, &c))
}

fn add_assignees(app: &App, req: &Req, owner: &str, name: &str, n: &str) -> Reply {
    let Some(login) = req.viewer.clone() else {
        return requires_auth();
    };
    let Ok(number) = n.parse::<u64>() else {
        return Reply::not_found();
    };
    let wanted = state::strings(req.body.as_ref().and_then(|b| b.get("assignees")));
    let mut s = app.state();
    let may_assign = s.can_write(&login, owner);
    let r = s.repo_mut(owner, name).expect("checked by caller");
    let owner_name = r.owner.clone();
    let Some(issue) = r.issue_mut(number) else {
        return Reply::not_found();
    };
    // As on GitHub: assignees the caller may not assign are silently left out.
    for w in wanted {
        let allowed = may_assign || w.eq_ignore_ascii_case(&owner_name);
        if allowed && !issue.assignees.iter().any(|a| a.eq_ignore_ascii_case(&w)) {
            issue.assignees.push(w);
        }
    }
    issue.updated_at = Utc::now();
    let key = r.key();
    app.save(&s);
    let r = &s.repos[&key];
    let i = r.issue(number).expect("just edited");
    Reply::json(StatusCode::CREATED, json::issue(&app.urls, &s, r, i))
}

/// `#N` references (also `owner/repo#N`) in a text, for cross-references.
pub fn references(text: &str, this_repo: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (pos, _) in text.match_indices('#') {
        let digits: String = text[pos + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let Ok(n) = digits.parse::<u64>() else {
            continue;
        };
        let before = &text[..pos];
        let word_start = before
            .rfind(|c: char| c.is_whitespace() || c == '(')
            .map(|i| i + 1)
            .unwrap_or(0);
        let prefix = &before[word_start..];
        let repo = if prefix.is_empty() {
            this_repo.to_string()
        } else if prefix.contains('/') && !prefix.contains("://") {
            prefix.to_ascii_lowercase()
        } else {
            continue;
        };
        if pos > 0 && bytes[pos - 1].is_ascii_alphanumeric() && prefix.is_empty() {
            continue;
        }
        out.push((repo, n));
    }
    out
}

fn timeline(app: &App, req: &Req, owner: &str, name: &str, n: &str) -> Reply {
    let Ok(number) = n.parse::<u64>() else {
        return Reply::not_found();
    };
    let s = app.state();
    let r = find(&s, owner, name).expect("checked by caller");
    if r.issue(number).is_none() {
        return Reply::not_found();
    }
    let target = r.key();
    let mut events = Vec::new();
    for other in s.repos.values() {
        for pr in other.issues.iter().filter(|i| i.pull.is_some()) {
            let text = format!("{}\n{}", pr.title, pr.body.clone().unwrap_or_default());
            if references(&text, &other.key())
                .iter()
                .any(|(k, num)| *k == target && *num == number)
            {
                let mut source_issue = json::issue(&app.urls, &s, other, pr);
                if let Value::Object(o) = &mut source_issue {
                    o.insert("repository".into(), json::repo(&app.urls, &s, other));
                }
                events.push(json!({
                    "event": "cross-referenced", "actor": json::user_by_login(&app.urls, &s, &pr.user),
                    "created_at": pr.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "updated_at": pr.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "source": {"type": "issue", "issue": source_issue},
                }));
            }
        }
    }
    for c in r.comments.iter().filter(|c| c.issue == number) {
        let mut v = json::comment(&app.urls, &s, r, c);
        if let Value::Object(o) = &mut v {
            o.insert("event".into(), "commented".into());
            o.insert("actor".into(), json::user_by_login(&app.urls, &s, &c.user));
        }
        events.push(v);
    }
    paginate(app, req, &path_of(req), events)
}

fn contents(app: &App, req: &Req, owner: &str, name: &str, path: &str) -> Reply {
    use base64::Engine;
    let (dir, full, default) = {
        let s = app.state();
        let r = find(&s, owner, name).expect("checked by caller");
        (
            git_dir(&app.dir, &r.owner, &r.name),
            r.full_name(),
            r.default_branch.clone(),
        )
    };
    let reference = req.q("ref").unwrap_or(&default).to_string();
    let path = path.trim_matches('/');
    let api = format!("{}/repos/{full}", app.urls.api);
    let entry = |kind: &str, p: &str, sha: &str, size: u64| {
        let url = format!("{api}/contents/{p}?ref={reference}");
        let html = format!(
            "{}/{full}/{}/{reference}/{p}",
            app.urls.web,
            if kind == "dir" { "tree" } else { "blob" }
        );
        let git_url = format!(
            "{api}/git/{}/{sha}",
            if kind == "dir" { "trees" } else { "blobs" }
        );
        let download =
            (kind == "file").then(|| format!("{}/{full}/raw/{reference}/{p}", app.urls.web));
        json!({
            "type": kind, "size": size, "name": p.rsplit('/').next().unwrap_or(p), "path": p, "sha": sha,
            "url": url, "git_url": git_url, "html_url": html, "download_url": download,
            "_links": {"self": format!("{api}/contents/{p}?ref={reference}"), "git": git_url, "html": html},
        })
    };
    let spec = if path.is_empty() {
        format!("{reference}^{{tree}}")
    } else {
        format!("{reference}:{path}")
    };
    let Some(kind) = git(&dir, &["cat-file", "-t", &spec]) else {
        return Reply::not_found();
    };
    if kind == "tree" {
        let listing = git(&dir, &["ls-tree", "-l", &spec]).unwrap_or_default();
        let mut items = Vec::new();
        for line in listing.lines() {
            let Some((meta, file)) = line.split_once('\t') else {
                continue;
            };
            let m: Vec<&str> = meta.split_whitespace().collect();
            let (t, sha, size) = (
                m.first().copied().unwrap_or(""),
                m.get(2).copied().unwrap_or(""),
                m.get(3).and_then(|x| x.parse().ok()).unwrap_or(0),
            );
            let p = if path.is_empty() {
                file.to_string()
            } else {
                format!("{path}/{file}")
            };
            let kind = match t {
                "040000" => "dir",
                "160000" => "submodule",
                "120000" => "symlink",
                _ => "file",
            };
            items.push(entry(kind, &p, sha, size));
        }
        return Reply::ok(Value::Array(items));
    }
    let sha = git(&dir, &["rev-parse", &spec]).unwrap_or_default();
    let bytes = git_bytes(&dir, &["cat-file", "blob", &spec]).unwrap_or_default();
    let mut v = entry("file", path, &sha, bytes.len() as u64);
    // GitHub wraps base64 at 60 columns with \n.
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let wrapped: Vec<String> = encoded
        .as_bytes()
        .chunks(60)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    if let Value::Object(o) = &mut v {
        o.insert("content".into(), Value::String(wrapped.join("\n") + "\n"));
        o.insert("encoding".into(), "base64".into());
    }
    Reply::ok(v)
}

/// A minimal HTML page for `html_url` links.
pub fn web_page(app: &App, path: &str) -> Response {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let s = app.state();
    let page = |title: &str, body: &str| {
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>{0}</title><h1>{0}</h1>{1}",
            html_escape(title),
            body
        ))
        .into_response()
    };
    match segs.as_slice() {
        [""] => page(
            "contrib sandbox",
            "<p>A local GitHub stand-in for practice.</p>",
        ),
        [owner, name] => match s.repo(owner, name) {
            Some(r) => page(
                &r.full_name(),
                &format!(
                    "<p>{}</p>",
                    html_escape(r.description.as_deref().unwrap_or(""))
                ),
            ),
            None => plain(StatusCode::NOT_FOUND, "Not Found"),
        },
        [owner, name, "issues" | "pull", n] => {
            match s
                .repo(owner, name)
                .and_then(|r| r.issue(n.parse().unwrap_or(0)))
            {
                Some(i) => page(
                    &format!("#{} {}", i.number, i.title),
                    &format!(
                        "<pre>{}</pre>",
                        html_escape(i.body.as_deref().unwrap_or(""))
                    ),
                ),
                None => plain(StatusCode::NOT_FOUND, "Not Found"),
            }
        }
        _ => plain(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Merges a pull request in the base repository: a merge commit on the base branch.
pub fn merge_pull(
    root: &Path,
    repo_key: &str,
    issue: &mut Issue,
    user: &str,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let (owner, name) = repo_key.split_once('/').ok_or("bad repo")?;
    let number = issue.number;
    let title = issue.title.clone();
    let pull: &mut Pull = issue.pull.as_mut().ok_or("not a pull request")?;
    if pull.merged_at.is_some() {
        return Err("Pull Request is not mergeable".into());
    }
    let dir = git_dir(root, owner, name);
    let head_ref = format!("refs/pull/{number}/head");
    let head = git(&dir, &["rev-parse", &head_ref]).ok_or("the head is missing")?;
    let base = branch_sha(&dir, &pull.base_ref).ok_or("the base branch is missing")?;
    let tree = git(&dir, &["merge-tree", "--write-tree", &base, &head]).ok_or("Merge conflict")?;
    let tree = tree.lines().next().unwrap_or("").to_string();
    let message = format!("Merge pull request #{number}\n\n{title}");
    let commit = git(
        &dir,
        &[
            "commit-tree",
            &tree,
            "-p",
            &base,
            "-p",
            &head,
            "-m",
            &message,
        ],
    )
    .ok_or("could not merge")?;
    git(
        &dir,
        &[
            "update-ref",
            &format!("refs/heads/{}", pull.base_ref),
            &commit,
            &base,
        ],
    )
    .ok_or("the base moved")?;
    pull.merged_at = Some(now);
    pull.merged_by = Some(user.to_string());
    pull.merge_commit_sha = Some(commit.clone());
    issue.state = "closed".into();
    issue.closed_at = Some(now);
    issue.updated_at = now;
    Ok(commit)
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn finds_issue_references() {
        let r = references("Fixes #12, see o/r#3 and http://x/#4 and abc#5", "me/this");
        assert_eq!(r, vec![("me/this".to_string(), 12), ("o/r".to_string(), 3)]);
    }
}
