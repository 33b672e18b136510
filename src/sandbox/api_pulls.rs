//! Pull requests, reviews, checks, merge-upstream and issue search.

use super::api::{branch_sha, git};
use super::json::{self, Urls};
use super::server::{App, Reply, Req};
use super::state::{Issue, Pull, Repo, State, git_dir};
use axum::http::StatusCode;
use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

fn ts(t: &chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn body_str<'a>(req: &'a Req, k: &str) -> Option<&'a str> {
    req.body.as_ref()?.get(k)?.as_str()
}

fn custom(resource: &str, message: &str) -> Reply {
    Reply::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json::error(
            "Validation Failed",
            Some(json!([{"resource": resource, "code": "custom", "message": message}])),
        ),
    )
}

fn invalid(resource: &str, field: &str) -> Reply {
    Reply::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json::error(
            "Validation Failed",
            Some(json!([{"resource": resource, "field": field, "code": "invalid"}])),
        ),
    )
}

pub fn routes(app: &Arc<App>, req: &Req, owner: &str, name: &str, rest: &[&str]) -> Reply {
    match (req.method.as_str(), rest) {
        ("GET", ["pulls"]) => list_pulls(app, req, owner, name),
        ("POST", ["pulls"]) => create_pull(app, req, owner, name),
        ("GET", ["pulls", n]) => with_pull(app, owner, name, n, |u, s, r, i| {
            Reply::ok(pull_json(u, s, r, i, true))
        }),
        ("PATCH", ["pulls", n]) => patch_pull(app, req, owner, name, n),
        ("GET", ["pulls", n, "reviews"]) => with_pull(app, owner, name, n, |u, s, r, i| {
            let p = i.pull.as_ref().expect("a pull request");
            Reply::ok(Value::Array(p.reviews.iter().map(|rv| {
                let html = format!("{}/{}/pull/{}#pullrequestreview-{}", u.web, r.full_name(), i.number, rv.id);
                let pr_url = format!("{}/repos/{}/pulls/{}", u.api, r.full_name(), i.number);
                json!({"id": rv.id, "node_id": "", "user": json::user_by_login(u, s, &rv.user), "body": rv.body,
                       "state": rv.state, "commit_id": rv.commit_id, "html_url": html, "pull_request_url": pr_url,
                       "submitted_at": ts(&rv.submitted_at), "author_association": if s.can_write(&rv.user, &r.owner) {"OWNER"} else {"NONE"},
                       "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}}})
            }).collect()))
        }),
        ("GET", ["pulls", n, "comments"]) => with_pull(app, owner, name, n, |u, s, r, i| {
            let p = i.pull.as_ref().expect("a pull request");
            Reply::ok(Value::Array(p.review_comments.iter().map(|c| {
                let url = format!("{}/repos/{}/pulls/comments/{}", u.api, r.full_name(), c.id);
                let html = format!("{}/{}/pull/{}#discussion_r{}", u.web, r.full_name(), i.number, c.id);
                let pr_url = format!("{}/repos/{}/pulls/{}", u.api, r.full_name(), i.number);
                json!({"id": c.id, "node_id": "", "url": url, "pull_request_review_id": null, "diff_hunk": "",
                       "path": c.path, "position": c.line, "original_position": c.line, "line": c.line,
                       "commit_id": c.commit_id, "original_commit_id": c.commit_id, "user": json::user_by_login(u, s, &c.user),
                       "body": c.body, "created_at": ts(&c.created_at), "updated_at": ts(&c.created_at), "html_url": html,
                       "pull_request_url": pr_url, "author_association": "OWNER",
                       "_links": {"self": {"href": url}, "html": {"href": html}, "pull_request": {"href": pr_url}}})
            }).collect()))
        }),
        // A ref may contain slashes (`heads/main`, `fix/1-typo`).
        ("GET", ["commits", reference @ .., "check-runs"]) if !reference.is_empty() => {
            check_runs(app, owner, name, &reference.join("/"))
        }
        ("GET", ["commits", reference @ .., "status"]) if !reference.is_empty() => {
            combined_status(app, owner, name, &reference.join("/"))
        }
        _ => Reply::not_found(),
    }
}

fn with_pull(
    app: &App,
    owner: &str,
    name: &str,
    n: &str,
    f: impl FnOnce(&Urls, &State, &Repo, &Issue) -> Reply,
) -> Reply {
    let Ok(number) = n.parse::<u64>() else {
        return Reply::not_found();
    };
    refresh_head(app, owner, name, number);
    let s = app.state();
    let Some(r) = s.repo(owner, name) else {
        return Reply::not_found();
    };
    match r.issue(number) {
        Some(i) if i.pull.is_some() => f(&app.urls, &s, r, i),
        _ => Reply::not_found(),
    }
}

/// Brings an open pull request's head up to date with its branch (pushes move it), as
/// GitHub does, copying the commits to `refs/pull/N/head` in the base repository.
pub(super) fn refresh_head(app: &App, owner: &str, name: &str, number: u64) {
    let (base_dir, head_dir, head_ref, old) = {
        let s = app.state();
        let Some(r) = s.repo(owner, name) else { return };
        let Some(p) = r.issue(number).and_then(|i| i.pull.as_ref()) else {
            return;
        };
        if p.merged_at.is_some() {
            return;
        }
        let Some(h) = s.repos.get(&p.head_repo) else {
            return;
        };
        (
            git_dir(&app.dir, &r.owner, &r.name),
            git_dir(&app.dir, &h.owner, &h.name),
            p.head_ref.clone(),
            p.head_sha.clone(),
        )
    };
    let Some(sha) = branch_sha(&head_dir, &head_ref) else {
        return;
    };
    if sha == old {
        return;
    }
    let dst = format!("+refs/heads/{head_ref}:refs/pull/{number}/head");
    if git(
        &base_dir,
        &["fetch", "--quiet", &head_dir.to_string_lossy(), &dst],
    )
    .is_none()
    {
        return;
    }
    let mut s = app.state();
    if let Some(p) = s
        .repo_mut(owner, name)
        .and_then(|r| r.issue_mut(number))
        .and_then(|i| i.pull.as_mut())
    {
        p.head_sha = sha;
    }
    app.save(&s);
}

pub fn pull_json(u: &Urls, s: &State, r: &Repo, i: &Issue, full: bool) -> Value {
    let p = i.pull.as_ref().expect("a pull request");
    let full_name = r.full_name();
    let api = format!("{}/repos/{full_name}/pulls/{}", u.api, i.number);
    let issue_api = format!("{}/repos/{full_name}/issues/{}", u.api, i.number);
    let html = format!("{}/{full_name}/pull/{}", u.web, i.number);
    let head_repo = s.repos.get(&p.head_repo);
    let end = |repo: Option<&Repo>, reference: &str, sha: &str| {
        let owner = repo.map(|x| x.owner.clone()).unwrap_or_default();
        json!({"label": format!("{owner}:{reference}"), "ref": reference, "sha": sha,
               "user": json::user_by_login(u, s, &owner), "repo": repo.map(|x| json::repo(u, s, x))})
    };
    let issue = json::issue(u, s, r, i);
    let mut v = json!({
        "url": api, "id": i.id, "node_id": "", "html_url": html,
        "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"), "issue_url": issue_api,
        "commits_url": format!("{api}/commits"), "review_comments_url": format!("{api}/comments"),
        "review_comment_url": format!("{}/repos/{full_name}/pulls/comments{{/number}}", u.api),
        "comments_url": format!("{issue_api}/comments"),
        "statuses_url": format!("{}/repos/{full_name}/statuses/{}", u.api, p.head_sha),
        "number": i.number, "state": i.state, "locked": false, "title": i.title, "user": issue["user"],
        "body": i.body, "labels": issue["labels"], "milestone": null, "active_lock_reason": null,
        "created_at": ts(&i.created_at), "updated_at": ts(&i.updated_at),
        "closed_at": i.closed_at.as_ref().map(ts), "merged_at": p.merged_at.as_ref().map(ts),
        "merge_commit_sha": p.merge_commit_sha, "assignee": issue["assignee"], "assignees": issue["assignees"],
        "requested_reviewers": [], "requested_teams": [],
        "head": end(head_repo, &p.head_ref, &p.head_sha), "base": end(Some(r), &p.base_ref, &p.base_sha),
        "_links": {
            "self": {"href": api}, "html": {"href": html}, "issue": {"href": issue_api},
            "comments": {"href": format!("{issue_api}/comments")}, "review_comments": {"href": format!("{api}/comments")},
            "review_comment": {"href": format!("{}/repos/{full_name}/pulls/comments{{/number}}", u.api)},
            "commits": {"href": format!("{api}/commits")}, "statuses": {"href": format!("{}/repos/{full_name}/statuses/{}", u.api, p.head_sha)},
        },
        "author_association": issue["author_association"], "auto_merge": null, "draft": p.draft,
    });
    if full {
        let comments = r.comments.iter().filter(|c| c.issue == i.number).count();
        let merged = p.merged_at.is_some();
        let extra = json!({
            "merged": merged, "mergeable": if merged { Value::Null } else { Value::Bool(true) },
            "rebaseable": !merged, "mergeable_state": if merged { "unknown" } else if p.draft { "draft" } else { "clean" },
            "merged_by": p.merged_by.as_ref().map(|m| json::user_by_login(u, s, m)),
            "comments": comments, "review_comments": p.review_comments.len(), "maintainer_can_modify": p.maintainer_can_modify,
            "commits": 1, "additions": 1, "deletions": 0, "changed_files": 1,
        });
        if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
            a.extend(b);
        }
    }
    v
}

fn list_pulls(app: &App, req: &Req, owner: &str, name: &str) -> Reply {
    let numbers: Vec<u64> = {
        let s = app.state();
        let r = s.repo(owner, name).expect("checked by caller");
        r.issues
            .iter()
            .filter(|i| i.pull.is_some() && i.state == "open")
            .map(|i| i.number)
            .collect()
    };
    for n in numbers {
        refresh_head(app, owner, name, n);
    }
    let s = app.state();
    let r = s.repo(owner, name).expect("checked by caller");
    let state = req.q("state").unwrap_or("open");
    let head = req.q("head").map(|h| h.to_ascii_lowercase());
    let base = req.q("base");
    let mut items: Vec<&Issue> = r
        .issues
        .iter()
        .filter(|i| i.pull.is_some())
        .filter(|i| state == "all" || i.state == state)
        .filter(|i| {
            let p = i.pull.as_ref().expect("filtered");
            let head_owner = s
                .repos
                .get(&p.head_repo)
                .map(|h| h.owner.to_ascii_lowercase())
                .unwrap_or_default();
            head.as_ref().is_none_or(|h| match h.split_once(':') {
                Some((o, b)) => o == head_owner && b == p.head_ref.to_ascii_lowercase(),
                None => h == &head_owner,
            }) && base.is_none_or(|b| b == p.base_ref)
        })
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    let values: Vec<Value> = items
        .iter()
        .map(|i| pull_json(&app.urls, &s, r, i, false))
        .collect();
    super::api::paginate(app, req, &super::api::path_of(req), values)
}

fn create_pull(app: &App, req: &Req, owner: &str, name: &str) -> Reply {
    let Some(login) = req.viewer.clone() else {
        return Reply::error(StatusCode::UNAUTHORIZED, "Requires authentication");
    };
    let (Some(title), Some(head), Some(base)) = (
        body_str(req, "title"),
        body_str(req, "head"),
        body_str(req, "base"),
    ) else {
        return Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json::error(
                "Validation Failed",
                Some(
                    json!([{"resource": "PullRequest", "field": "title", "code": "missing_field"}]),
                ),
            ),
        );
    };
    let (title, head, base) = (title.to_string(), head.to_string(), base.to_string());
    let body = body_str(req, "body").map(String::from);
    let draft = req
        .body
        .as_ref()
        .and_then(|b| b.get("draft"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mcm = req
        .body
        .as_ref()
        .and_then(|b| b.get("maintainer_can_modify"))
        .and_then(Value::as_bool)
        .unwrap_or(true);

    let (base_repo, head_repo) = {
        let s = app.state();
        let r = s.repo(owner, name).expect("checked by caller").clone();
        if r.archived {
            return Reply::error(
                StatusCode::FORBIDDEN,
                "Repository was archived so is read-only.",
            );
        }
        let (head_owner, head_branch) = match head.split_once(':') {
            Some((o, b)) => (o.to_string(), b.to_string()),
            None => (r.owner.clone(), head.clone()),
        };
        // The head repository: the base itself, or the head owner's repo in the same network.
        let root = |k: &str| {
            let mut k = k.to_string();
            while let Some(p) = s.repos.get(&k).and_then(|x| x.parent.clone()) {
                k = p;
            }
            k
        };
        let base_root = root(&r.key());
        let h = if head_owner.eq_ignore_ascii_case(&r.owner) {
            Some(r.clone())
        } else {
            s.repos
                .values()
                .find(|x| x.owner.eq_ignore_ascii_case(&head_owner) && root(&x.key()) == base_root)
                .cloned()
        };
        match h {
            Some(h) => (r, (h, head_branch)),
            None => return invalid("PullRequest", "head"),
        }
    };
    let (head_repo, head_branch) = head_repo;
    let base_dir = git_dir(&app.dir, &base_repo.owner, &base_repo.name);
    let head_dir = git_dir(&app.dir, &head_repo.owner, &head_repo.name);
    let Some(head_sha) = branch_sha(&head_dir, &head_branch) else {
        return invalid("PullRequest", "head");
    };
    let Some(base_sha) = branch_sha(&base_dir, &base) else {
        return invalid("PullRequest", "base");
    };
    let label = format!("{}:{head_branch}", head_repo.owner);
    {
        let s = app.state();
        let r = s.repo(owner, name).expect("checked by caller");
        let exists = r.issues.iter().any(|i| {
            i.state == "open"
                && i.pull.as_ref().is_some_and(|p| {
                    p.head_repo == head_repo.key()
                        && p.head_ref == head_branch
                        && p.base_ref == base
                })
        });
        if exists {
            return custom(
                "PullRequest",
                &format!("A pull request already exists for {label}."),
            );
        }
    }
    // Copy the head's commits into the base repository, as GitHub does.
    let number = {
        let s = app.state();
        s.repo(owner, name)
            .expect("checked by caller")
            .next_number()
    };
    let dst = format!("+refs/heads/{head_branch}:refs/pull/{number}/head");
    if git(
        &base_dir,
        &["fetch", "--quiet", &head_dir.to_string_lossy(), &dst],
    )
    .is_none()
    {
        return Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not read the head branch",
        );
    }
    let ahead = git(
        &base_dir,
        &["rev-list", "--count", &format!("{base_sha}..{head_sha}")],
    )
    .and_then(|n| n.parse::<u64>().ok())
    .unwrap_or(0);
    if ahead == 0 {
        let _ = git(
            &base_dir,
            &["update-ref", "-d", &format!("refs/pull/{number}/head")],
        );
        return custom(
            "PullRequest",
            &format!("No commits between {base} and {label}"),
        );
    }
    let now = Utc::now();
    let mut s = app.state();
    let id = s.new_id();
    let r = s.repo_mut(owner, name).expect("checked by caller");
    r.issues.push(Issue {
        body,
        pull: Some(Pull {
            head_repo: head_repo.key(),
            head_ref: head_branch,
            head_sha,
            base_ref: base,
            base_sha,
            draft,
            merged_at: None,
            merged_by: None,
            merge_commit_sha: None,
            maintainer_can_modify: mcm,
            reviews: vec![],
            review_comments: vec![],
        }),
        ..Issue::new(id, number, title, login, now)
    });
    let k = r.key();
    app.save(&s);
    let r = &s.repos[&k];
    let i = r.issue(number).expect("just added");
    Reply::json(StatusCode::CREATED, pull_json(&app.urls, &s, r, i, true)).header(
        "location",
        format!("{}/repos/{}/pulls/{number}", app.urls.api, r.full_name()),
    )
}

fn patch_pull(app: &App, req: &Req, owner: &str, name: &str, n: &str) -> Reply {
    let Some(login) = req.viewer.clone() else {
        return Reply::error(StatusCode::UNAUTHORIZED, "Requires authentication");
    };
    let Ok(number) = n.parse::<u64>() else {
        return Reply::not_found();
    };
    let mut s = app.state();
    let is_maintainer = s.can_write(&login, owner);
    let Some(r) = s.repo_mut(owner, name) else {
        return Reply::not_found();
    };
    let Some(i) = r.issue_mut(number).filter(|i| i.pull.is_some()) else {
        return Reply::not_found();
    };
    if !is_maintainer && !i.user.eq_ignore_ascii_case(&login) {
        return Reply::error(
            StatusCode::FORBIDDEN,
            "You do not have permission to update this pull request.",
        );
    }
    if let Some(t) = body_str(req, "title") {
        i.title = t.to_string();
    }
    if let Some(b) = body_str(req, "body") {
        i.body = Some(b.to_string());
    }
    match body_str(req, "state") {
        Some("closed") => {
            i.state = "closed".into();
            i.closed_at = Some(Utc::now());
        }
        Some("open") if i.pull.as_ref().is_some_and(|p| p.merged_at.is_none()) => {
            i.state = "open".into();
            i.closed_at = None;
        }
        Some("open") => return custom("PullRequest", "Cannot reopen a merged pull request"),
        _ => {}
    }
    i.updated_at = Utc::now();
    let k = r.key();
    app.save(&s);
    let r = &s.repos[&k];
    let i = r.issue(number).expect("exists");
    Reply::ok(pull_json(&app.urls, &s, r, i, true))
}

fn resolve_sha(app: &App, owner: &str, name: &str, reference: &str) -> Option<(String, Repo)> {
    let s = app.state();
    let r = s.repo(owner, name)?.clone();
    let dir = git_dir(&app.dir, &r.owner, &r.name);
    let sha = if reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()) {
        reference.to_string()
    } else {
        git(
            &dir,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{reference}^{{commit}}"),
            ],
        )?
    };
    Some((sha, r))
}

fn check_runs(app: &App, owner: &str, name: &str, reference: &str) -> Reply {
    let Some((sha, r)) = resolve_sha(app, owner, name, reference) else {
        return Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("No commit found for SHA: {reference}"),
        );
    };
    let runs: Vec<Value> = r
        .check_runs
        .iter()
        .filter(|c| c.head_sha == sha)
        .map(|c| {
            let url = format!("{}/repos/{}/check-runs/{}", app.urls.api, r.full_name(), c.id);
            let html = format!("{}/{}/runs/{}", app.urls.web, r.full_name(), c.id);
            json!({
                "id": c.id, "node_id": "", "head_sha": c.head_sha, "external_id": "", "url": url,
                "html_url": html, "details_url": c.details_url.clone().unwrap_or(html.clone()),
                "status": c.status, "conclusion": c.conclusion, "started_at": ts(&c.started_at),
                "completed_at": c.completed_at.as_ref().map(ts), "name": c.name,
                "output": {"title": c.summary, "summary": c.summary, "text": null, "annotations_count": 0,
                           "annotations_url": format!("{url}/annotations")},
                "check_suite": {"id": c.id}, "app": null, "pull_requests": [],
            })
        })
        .collect();
    Reply::ok(json!({"total_count": runs.len(), "check_runs": runs}))
}

fn combined_status(app: &App, owner: &str, name: &str, reference: &str) -> Reply {
    let Some((sha, r)) = resolve_sha(app, owner, name, reference) else {
        return Reply::not_found();
    };
    let s = app.state();
    let statuses: Vec<&super::state::CommitStatus> =
        r.statuses.iter().filter(|c| c.sha == sha).collect();
    let state = if statuses
        .iter()
        .any(|c| c.state == "failure" || c.state == "error")
    {
        "failure"
    } else if statuses.is_empty() || statuses.iter().any(|c| c.state == "pending") {
        "pending"
    } else {
        "success"
    };
    let api = format!("{}/repos/{}", app.urls.api, r.full_name());
    let list: Vec<Value> = statuses
        .iter()
        .map(|c| json!({"url": format!("{api}/statuses/{sha}"), "avatar_url": null, "id": c.id, "node_id": "",
                        "state": c.state, "description": c.description, "target_url": c.target_url, "context": c.context,
                        "created_at": ts(&c.created_at), "updated_at": ts(&c.created_at)}))
        .collect();
    Reply::ok(json!({
        "state": state, "sha": sha, "total_count": list.len(), "statuses": list,
        "repository": json::repo(&app.urls, &s, &r), "commit_url": format!("{api}/commits/{sha}"),
        "url": format!("{api}/commits/{sha}/status"),
    }))
}

/// Brings a fork's branch up to date with its parent when it can fast-forward.
pub fn merge_upstream(app: &Arc<App>, req: &Req, owner: &str, name: &str) -> Reply {
    let Some(login) = req.viewer.clone() else {
        return Reply::error(StatusCode::UNAUTHORIZED, "Requires authentication");
    };
    let Some(branch) = body_str(req, "branch").map(String::from) else {
        return Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json::error("Invalid request.\n\n\"branch\" wasn't supplied.", None),
        );
    };
    let (fork, parent) = {
        let s = app.state();
        let fork = s.repo(owner, name).expect("checked by caller").clone();
        let Some(parent) = fork.parent.as_ref().and_then(|k| s.repos.get(k)).cloned() else {
            return Reply::json(
                StatusCode::UNPROCESSABLE_ENTITY,
                json::error("This repository is not a fork.", None),
            );
        };
        if !s.can_write(&login, &fork.owner) {
            return Reply::error(StatusCode::FORBIDDEN, "Must have push access to repository");
        }
        (fork, parent)
    };
    let fork_dir = git_dir(&app.dir, &fork.owner, &fork.name);
    let parent_dir = git_dir(&app.dir, &parent.owner, &parent.name);
    let Some(theirs) = branch_sha(&parent_dir, &branch) else {
        return Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json::error("Branch not found in upstream.", None),
        );
    };
    let ours = branch_sha(&fork_dir, &branch);
    if ours.as_deref() == Some(theirs.as_str()) {
        return Reply::ok(
            json!({"message": "This branch is not behind the upstream", "merge_type": "none", "base_branch": format!("{}:{branch}", parent.owner)}),
        );
    }
    if git(
        &fork_dir,
        &[
            "fetch",
            "--quiet",
            &parent_dir.to_string_lossy(),
            &format!("refs/heads/{branch}:refs/contrib-upstream"),
        ],
    )
    .is_none()
    {
        return Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not fetch upstream",
        );
    }
    let ff = match &ours {
        None => true,
        Some(o) => git(&fork_dir, &["merge-base", "--is-ancestor", o, &theirs]).is_some(),
    };
    let _ = git(&fork_dir, &["update-ref", "-d", "refs/contrib-upstream"]);
    if !ff {
        return Reply::json(
            StatusCode::CONFLICT,
            json::error("There are merge conflicts", None),
        );
    }
    git(
        &fork_dir,
        &["update-ref", &format!("refs/heads/{branch}"), &theirs],
    );
    Reply::ok(
        json!({"message": format!("Successfully fetched and fast-forwarded from upstream {}:{branch}.", parent.owner), "merge_type": "fast-forward", "base_branch": format!("{}:{branch}", parent.owner)}),
    )
}

/// `GET /search/issues`: the qualifiers contrib uses.
pub fn search_issues(app: &App, req: &Req) -> Reply {
    let Some(q) = req.q("q").map(String::from) else {
        return Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json::error(
                "Validation Failed",
                Some(json!([{"resource": "Search", "field": "q", "code": "missing"}])),
            ),
        );
    };
    let query = match super::search::Query::parse(&q) {
        Ok(query) => query,
        Err(message) => {
            return Reply::json(
                StatusCode::UNPROCESSABLE_ENTITY,
                json::error(
                    "Validation Failed",
                    Some(
                        json!([{"message": message, "resource": "Search", "field": "q", "code": "invalid"}]),
                    ),
                ),
            );
        }
    };
    let s = app.state();
    let mut hits: Vec<(&Repo, &Issue)> = Vec::new();
    for r in s.repos.values() {
        for i in &r.issues {
            if query.matches(&s, r, i) {
                hits.push((r, i));
            }
        }
    }
    let comments = |r: &Repo, i: &Issue| r.comments.iter().filter(|c| c.issue == i.number).count();
    match req.q("sort") {
        Some("created") => hits.sort_by_key(|(_, i)| i.created_at),
        Some("updated") => hits.sort_by_key(|(_, i)| i.updated_at),
        Some("comments") => hits.sort_by_key(|(r, i)| comments(r, i)),
        _ => hits.sort_by_key(|(_, i)| i.id),
    }
    if req.q("order").unwrap_or("desc") == "desc" {
        hits.reverse();
    }
    let total = hits.len();
    let (per_page, page) = req.paging();
    // GitHub serves only the first 1000 results of any search.
    if (page - 1) * per_page >= 1000 && total > 0 {
        return Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json::error("Only the first 1000 search results are available", None),
        );
    }
    let reachable = total.min(1000);
    let items: Vec<Value> = hits
        .iter()
        .take(reachable)
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|(r, i)| {
            let mut v = json::issue(&app.urls, &s, r, i);
            if let Value::Object(o) = &mut v {
                o.insert("score".into(), json!(1.0));
                // A search item's body is a string when present (the schema has no null).
                if o.get("body").is_some_and(Value::is_null) {
                    o.remove("body");
                }
            }
            v
        })
        .collect();
    let last = reachable.div_ceil(per_page).max(1);
    let mut reply = Reply::ok(
        json!({"total_count": total, "incomplete_results": false, "items": items, "search_type": "lexical"}),
    );
    if last > 1 {
        let link = |p: usize| {
            let qs = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("q", q.as_str()),
                    ("per_page", &per_page.to_string()),
                    ("page", &p.to_string()),
                ])
                .finish();
            format!("<{}/search/issues?{qs}>", app.urls.api)
        };
        let mut parts = Vec::new();
        if page > 1 {
            parts.push(format!("{}; rel=\"prev\"", link(page - 1)));
        }
        if page < last {
            parts.push(format!("{}; rel=\"next\"", link(page + 1)));
            parts.push(format!("{}; rel=\"last\"", link(last)));
        }
        reply = reply.header("link", parts.join(", "));
    }
    reply
}
