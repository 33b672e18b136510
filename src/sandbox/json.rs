//! GitHub's JSON shapes for the sandbox's objects, with every field the REST description
//! requires (octocrab's models are strict, and tests validate these against the schemas).

use super::state::{Account, Comment, Issue, Label, Repo, State};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The server's own addresses, for the many URL fields.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `http://127.0.0.1:PORT/api/v3`
    pub api: String,
    /// `http://127.0.0.1:PORT`
    pub web: String,
}

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn node_id(kind: &str, id: u64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}:{id}"))
}

pub fn simple_user(u: &Urls, a: &Account) -> Value {
    let api = format!("{}/users/{}", u.api, a.login);
    json!({
        "login": a.login, "id": a.id, "node_id": node_id("User", a.id),
        "avatar_url": format!("{}/avatars/{}", u.web, a.login), "gravatar_id": "",
        "url": api, "html_url": format!("{}/{}", u.web, a.login),
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "type": a.kind, "site_admin": false, "user_view_type": "public",
    })
}

/// A user by login; an unknown login (deleted account) gets GitHub's "ghost".
pub fn user_by_login(u: &Urls, s: &State, login: &str) -> Value {
    match s.account(login) {
        Some(a) => simple_user(u, a),
        None => simple_user(u, &ghost(login)),
    }
}

fn ghost(login: &str) -> Account {
    Account {
        id: 10137,
        login: login.to_string(),
        name: None,
        kind: "User".into(),
        members: vec![],
        emails: vec![],
        created_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

/// `public-user`, or `private-user` for the token's owner.
pub fn full_user(u: &Urls, s: &State, a: &Account, private: bool) -> Value {
    let mut v = simple_user(u, a);
    let public_repos = s
        .repos
        .values()
        .filter(|r| r.owner.eq_ignore_ascii_case(&a.login))
        .count();
    let extra = json!({
        "name": a.name, "company": null, "blog": "", "location": null,
        "email": a.emails.first(), "hireable": null, "bio": null, "twitter_username": null,
        "public_repos": public_repos, "public_gists": 0, "followers": 0, "following": 0,
        "created_at": ts(&a.created_at), "updated_at": ts(&a.created_at),
    });
    merge(&mut v, extra);
    if private {
        merge(
            &mut v,
            json!({
                "private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0,
                "disk_usage": 0, "collaborators": 0, "two_factor_authentication": false,
                "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
            }),
        );
    }
    v
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

fn owner_of(u: &Urls, s: &State, r: &Repo) -> Value {
    user_by_login(u, s, &r.owner)
}

/// `minimal-repository` fields plus the common ones (`repository` shape).
pub fn repo(u: &Urls, s: &State, r: &Repo) -> Value {
    let full = r.full_name();
    let api = format!("{}/repos/{full}", u.api);
    let forks = s
        .repos
        .values()
        .filter(|x| x.parent.as_deref() == Some(&r.key()))
        .count();
    let open_issues = r.issues.iter().filter(|i| i.state == "open").count();
    let host = u
        .web
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    json!({
        "id": r.id, "node_id": node_id("Repository", r.id), "name": r.name, "full_name": full,
        "owner": owner_of(u, s, r), "private": false, "visibility": "public",
        "html_url": format!("{}/{full}", u.web), "description": r.description,
        "fork": r.parent.is_some(), "url": api,
        "archive_url": format!("{api}/{{archive_format}}{{/ref}}"),
        "assignees_url": format!("{api}/assignees{{/user}}"),
        "blobs_url": format!("{api}/git/blobs{{/sha}}"),
        "branches_url": format!("{api}/branches{{/branch}}"),
        "collaborators_url": format!("{api}/collaborators{{/collaborator}}"),
        "comments_url": format!("{api}/comments{{/number}}"),
        "commits_url": format!("{api}/commits{{/sha}}"),
        "compare_url": format!("{api}/compare/{{base}}...{{head}}"),
        "contents_url": format!("{api}/contents/{{+path}}"),
        "contributors_url": format!("{api}/contributors"),
        "deployments_url": format!("{api}/deployments"),
        "downloads_url": format!("{api}/downloads"),
        "events_url": format!("{api}/events"),
        "forks_url": format!("{api}/forks"),
        "git_commits_url": format!("{api}/git/commits{{/sha}}"),
        "git_refs_url": format!("{api}/git/refs{{/sha}}"),
        "git_tags_url": format!("{api}/git/tags{{/sha}}"),
        "hooks_url": format!("{api}/hooks"),
        "issue_comment_url": format!("{api}/issues/comments{{/number}}"),
        "issue_events_url": format!("{api}/issues/events{{/number}}"),
        "issues_url": format!("{api}/issues{{/number}}"),
        "keys_url": format!("{api}/keys{{/key_id}}"),
        "labels_url": format!("{api}/labels{{/name}}"),
        "languages_url": format!("{api}/languages"),
        "merges_url": format!("{api}/merges"),
        "milestones_url": format!("{api}/milestones{{/number}}"),
        "notifications_url": format!("{api}/notifications{{?since,all,participating}}"),
        "pulls_url": format!("{api}/pulls{{/number}}"),
        "releases_url": format!("{api}/releases{{/id}}"),
        "stargazers_url": format!("{api}/stargazers"),
        "statuses_url": format!("{api}/statuses/{{sha}}"),
        "subscribers_url": format!("{api}/subscribers"),
        "subscription_url": format!("{api}/subscription"),
        "tags_url": format!("{api}/tags"),
        "teams_url": format!("{api}/teams"),
        "trees_url": format!("{api}/git/trees{{/sha}}"),
        "clone_url": format!("{}/{full}.git", u.web),
        "git_url": format!("git://{host}/{full}.git"),
        "ssh_url": format!("git@{}:{full}.git", host.split(':').next().unwrap_or(host)),
        "svn_url": format!("{}/{full}", u.web),
        "mirror_url": null, "homepage": null, "language": r.language,
        "forks_count": forks, "forks": forks, "stargazers_count": 0, "watchers_count": 0,
        "watchers": 0, "size": 1, "default_branch": r.default_branch,
        "open_issues_count": open_issues, "open_issues": open_issues,
        "is_template": false, "topics": r.topics,
        "has_issues": true, "has_projects": false, "has_wiki": false, "has_pages": false,
        "has_downloads": true, "has_discussions": false,
        "archived": r.archived, "disabled": false, "allow_forking": r.allow_forking,
        "web_commit_signoff_required": false,
        "pushed_at": ts(&r.pushed_at), "created_at": ts(&r.created_at), "updated_at": ts(&r.updated_at),
        "license": null,
        "permissions": {"admin": false, "maintain": false, "push": false, "triage": false, "pull": true},
    })
}

/// `full-repository`: with parent/source for forks and the network counts.
pub fn full_repo(u: &Urls, s: &State, r: &Repo, viewer: Option<&str>) -> Value {
    let mut v = repo(u, s, r);
    let admin = viewer.is_some_and(|l| s.can_write(l, &r.owner));
    merge(
        &mut v,
        json!({
            "network_count": 0, "subscribers_count": 0,
            "permissions": {"admin": admin, "maintain": admin, "push": admin, "triage": admin, "pull": true},
        }),
    );
    if let Some(parent) = r.parent.as_ref().and_then(|k| s.repos.get(k)) {
        let mut source = parent;
        while let Some(up) = source.parent.as_ref().and_then(|k| s.repos.get(k)) {
            source = up;
        }
        merge(
            &mut v,
            json!({"parent": repo(u, s, parent), "source": repo(u, s, source)}),
        );
    }
    v
}

pub fn label(u: &Urls, r: &Repo, l: &Label) -> Value {
    json!({
        "id": l.id, "node_id": node_id("Label", l.id),
        "url": format!("{}/repos/{}/labels/{}", u.api, r.full_name(), urlencode(&l.name)),
        "name": l.name, "description": l.description, "color": l.color, "default": false,
    })
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn labels_of(u: &Urls, r: &Repo, i: &Issue) -> Vec<Value> {
    i.labels
        .iter()
        .filter_map(|name| r.labels.iter().find(|l| &l.name == name))
        .map(|l| label(u, r, l))
        .collect()
}

fn author_association(s: &State, r: &Repo, login: &str) -> &'static str {
    if s.can_write(login, &r.owner) {
        "OWNER"
    } else if r.issues.iter().any(|i| {
        i.user.eq_ignore_ascii_case(login) && i.pull.as_ref().is_some_and(|p| p.merged_at.is_some())
    }) {
        "CONTRIBUTOR"
    } else {
        "NONE"
    }
}

pub fn issue(u: &Urls, s: &State, r: &Repo, i: &Issue) -> Value {
    let full = r.full_name();
    let api = format!("{}/repos/{full}/issues/{}", u.api, i.number);
    let assignees: Vec<Value> = i.assignees.iter().map(|a| user_by_login(u, s, a)).collect();
    let comments = r.comments.iter().filter(|c| c.issue == i.number).count();
    let web_kind = if i.pull.is_some() { "pull" } else { "issues" };
    let mut v = json!({
        "id": i.id, "node_id": node_id("Issue", i.id), "url": api,
        "repository_url": format!("{}/repos/{full}", u.api),
        "labels_url": format!("{api}/labels{{/name}}"),
        "comments_url": format!("{api}/comments"),
        "events_url": format!("{api}/events"),
        "html_url": format!("{}/{full}/{web_kind}/{}", u.web, i.number),
        "number": i.number, "state": i.state, "state_reason": i.state_reason,
        "title": i.title, "body": i.body, "user": user_by_login(u, s, &i.user),
        "labels": labels_of(u, r, i), "assignee": assignees.first().cloned(),
        "assignees": assignees, "milestone": null, "locked": false,
        "active_lock_reason": null, "comments": comments,
        "closed_at": i.closed_at.as_ref().map(ts), "created_at": ts(&i.created_at),
        "updated_at": ts(&i.updated_at), "closed_by": null,
        "author_association": author_association(s, r, &i.user),
        "reactions": reactions(&api),
    });
    if let Some(p) = &i.pull {
        merge(
            &mut v,
            json!({"pull_request": {
                "url": format!("{}/repos/{full}/pulls/{}", u.api, i.number),
                "html_url": format!("{}/{full}/pull/{}", u.web, i.number),
                "diff_url": format!("{}/{full}/pull/{}.diff", u.web, i.number),
                "patch_url": format!("{}/{full}/pull/{}.patch", u.web, i.number),
                "merged_at": p.merged_at.as_ref().map(ts),
            }, "draft": p.draft}),
        );
    }
    v
}

fn reactions(api: &str) -> Value {
    json!({"url": format!("{api}/reactions"), "total_count": 0, "+1": 0, "-1": 0, "laugh": 0,
           "confused": 0, "heart": 0, "hooray": 0, "eyes": 0, "rocket": 0})
}

pub fn comment(u: &Urls, s: &State, r: &Repo, c: &Comment) -> Value {
    let full = r.full_name();
    let url = format!("{}/repos/{full}/issues/comments/{}", u.api, c.id);
    json!({
        "id": c.id, "node_id": node_id("IssueComment", c.id), "url": url,
        "html_url": format!("{}/{full}/issues/{}#issuecomment-{}", u.web, c.issue, c.id),
        "issue_url": format!("{}/repos/{full}/issues/{}", u.api, c.issue),
        "body": c.body, "user": user_by_login(u, s, &c.user),
        "created_at": ts(&c.created_at), "updated_at": ts(&c.updated_at),
        "author_association": author_association(s, r, &c.user),
        "reactions": reactions(&url),
    })
}

/// GitHub's error body.
pub fn error(message: &str, errors: Option<Value>) -> Value {
    let mut v = json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
    });
    if let Some(e) = errors {
        merge(&mut v, json!({"errors": e}));
    }
    v
}
