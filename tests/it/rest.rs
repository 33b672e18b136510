//! Every REST route of the sandbox: the happy path and each documented error, with every
//! response checked against GitHub's REST description.

use crate::common::{TestEnv, http_full};
use crate::openapi::spec;
use serde_json::{Value, json};

/// A REST client for tests that validates every answer.
struct Api<'a> {
    env: &'a TestEnv,
    token: Option<String>,
}

impl<'a> Api<'a> {
    fn new(env: &'a TestEnv, token: Option<&str>) -> Self {
        Self {
            env,
            token: token.map(String::from),
        }
    }

    fn call_full(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Vec<(String, String)>, Value) {
        self.call_inner(method, path, body, true)
    }

    /// For injected faults, whose statuses are whatever the test asked for.
    fn call_unchecked(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Vec<(String, String)>, Value) {
        self.call_inner(method, path, body, false)
    }

    fn call_inner(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        check: bool,
    ) -> (u16, Vec<(String, String)>, Value) {
        let auth = self.token.as_ref().map(|t| format!("token {t}"));
        let mut headers = vec![("Accept", "application/vnd.github+json")];
        if let Some(a) = &auth {
            headers.push(("Authorization", a.as_str()));
        }
        let body_text = body.map(|b| b.to_string());
        let (status, h, text) = http_full(
            self.env.sandbox().addr,
            method,
            &format!("/api/v3{path}"),
            &headers,
            body_text.as_deref(),
        );
        let value: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"))
        };
        if check && status != 304 {
            spec().check(method, path, status, &value);
        }
        if status >= 400 {
            assert!(
                value["message"].is_string(),
                "GitHub's error body has a message: {value}"
            );
            assert!(
                value["documentation_url"].is_string(),
                "and a documentation_url: {value}"
            );
        }
        (status, h, value)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (s, _, v) = self.call_full(method, path, body);
        (s, v)
    }

    #[track_caller]
    fn ok(&self, method: &str, path: &str, body: Option<Value>, want: u16) -> Value {
        let (s, v) = self.call(method, path, body);
        assert_eq!(s, want, "{method} {path}: {v}");
        v
    }
}

fn header<'h>(h: &'h [(String, String)], name: &str) -> Option<&'h str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[test]
fn users_and_rate_limit() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    let anon = Api::new(&env, None);
    let bad = Api::new(&env, Some("wrong"));

    assert_eq!(you.ok("GET", "/user", None, 200)["login"], "you");
    assert_eq!(
        anon.ok("GET", "/user", None, 401)["message"],
        "Requires authentication"
    );
    assert_eq!(
        bad.ok("GET", "/user", None, 401)["message"],
        "Bad credentials"
    );

    let emails = you.ok("GET", "/user/emails", None, 200);
    assert_eq!(emails[0]["primary"], true);
    env.add_user("narrow", "t-narrow", Some(&["public_repo"]));
    Api::new(&env, Some("t-narrow")).ok("GET", "/user/emails", None, 404);

    assert_eq!(
        anon.ok("GET", "/users/mona", None, 200)["name"],
        "Mona Maintainer"
    );
    assert_eq!(
        anon.ok("GET", "/users/practice", None, 200)["type"],
        "Organization"
    );
    anon.ok("GET", "/users/nobody-here", None, 404);

    let limits = you.ok("GET", "/rate_limit", None, 200);
    assert_eq!(limits["resources"]["core"]["limit"], 5000);
    assert_eq!(limits["resources"]["search"]["limit"], 30);
    assert_eq!(
        anon.ok("GET", "/rate_limit", None, 200)["resources"]["core"]["limit"],
        60
    );
}

#[test]
fn repositories_forks_and_branches() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    let mona = Api::new(&env, Some("sandbox-maintainer-mona"));

    let repo = you.ok("GET", "/repos/practice/hello-contrib", None, 200);
    assert_eq!(repo["default_branch"], "main");
    assert_eq!(repo["fork"], false);
    assert_eq!(
        repo["clone_url"],
        format!("{}/practice/hello-contrib.git", env.sandbox().web_url())
    );
    you.ok("GET", "/repos/practice/nope", None, 404);

    // Fork: 202 with the new repository at once; a second request returns the same fork.
    let fork = you.ok(
        "POST",
        "/repos/practice/hello-contrib/forks",
        Some(json!({})),
        202,
    );
    assert_eq!(fork["full_name"], "you/hello-contrib");
    assert_eq!(fork["parent"]["full_name"], "practice/hello-contrib");
    assert_eq!(fork["source"]["full_name"], "practice/hello-contrib");
    let again = you.ok(
        "POST",
        "/repos/practice/hello-contrib/forks",
        Some(json!({"name": "other-name"})),
        202,
    );
    assert_eq!(again["id"], fork["id"], "the existing fork comes back");
    assert_eq!(
        you.ok("GET", "/repos/practice/hello-contrib/forks", None, 200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Your own repository cannot be forked into your account.
    let own = you.ok(
        "POST",
        "/repos/you/hello-contrib/forks",
        Some(json!({})),
        422,
    );
    assert!(
        own["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be forked into its own owner"),
        "{own}"
    );
    you.ok("POST", "/repos/practice/nope/forks", Some(json!({})), 404);

    // Renamed fork, into an organisation you belong to.
    env.admin(
        "POST",
        "users",
        json!({"login": "you-org", "org": true, "members": ["you"]}),
    );
    let org_fork = you.ok(
        "POST",
        "/repos/practice/multi-template/forks",
        Some(json!({"organization": "you-org", "name": "templates"})),
        202,
    );
    assert_eq!(org_fork["full_name"], "you-org/templates");
    // An organisation you do not belong to.
    you.ok(
        "POST",
        "/repos/practice/multi-template/forks",
        Some(json!({"organization": "practice"})),
        403,
    );
    you.ok(
        "POST",
        "/repos/practice/multi-template/forks",
        Some(json!({"organization": "not-an-org"})),
        422,
    );
    // Forking disabled.
    env.admin(
        "POST",
        "maintainer",
        json!({"action": "disable_forking", "repo": "practice/multi-template"}),
    );
    let refused = you.ok(
        "POST",
        "/repos/practice/multi-template/forks",
        Some(json!({})),
        403,
    );
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("forking is disabled"),
        "{refused}"
    );

    // PATCH: your own fork yes, someone else's repository no.
    let patched = you.ok(
        "PATCH",
        "/repos/you/hello-contrib",
        Some(json!({"description": "my fork"})),
        200,
    );
    assert_eq!(patched["description"], "my fork");
    you.ok(
        "PATCH",
        "/repos/practice/hello-contrib",
        Some(json!({"description": "x"})),
        403,
    );
    you.ok("PATCH", "/repos/you/missing", Some(json!({})), 404);
    let archived = mona.ok(
        "PATCH",
        "/repos/practice/multi-template",
        Some(json!({"archived": true})),
        200,
    );
    assert_eq!(archived["archived"], true);

    // Branches.
    let branches = you.ok("GET", "/repos/practice/hello-contrib/branches", None, 200);
    let names: Vec<&str> = branches
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["handle-empty-names", "main"]);
    let main = you.ok(
        "GET",
        "/repos/practice/hello-contrib/branches/main",
        None,
        200,
    );
    assert!(
        main["commit"]["commit"]["message"]
            .as_str()
            .unwrap()
            .starts_with("docs(readme)"),
        "{main}"
    );
    you.ok(
        "GET",
        "/repos/practice/hello-contrib/branches/nope",
        None,
        404,
    );
    you.ok("GET", "/repos/practice/nope/branches", None, 404);
}

#[test]
fn merge_upstream_fast_forwards_or_reports_a_conflict() {
    let env = TestEnv::with_sandbox();
    let token = env.sandbox().token.clone();
    let you = Api::new(&env, Some(&token));
    let addr = env.sandbox().addr;
    you.ok(
        "POST",
        "/repos/practice/hello-contrib/forks",
        Some(json!({})),
        202,
    );
    you.ok(
        "POST",
        "/repos/practice/hello-contrib/merge-upstream",
        Some(json!({"branch": "main"})),
        422,
    );
    env.wait_for_fork("you/hello-contrib");
    let up_to_date = you.ok(
        "POST",
        "/repos/you/hello-contrib/merge-upstream",
        Some(json!({"branch": "main"})),
        200,
    );
    assert_eq!(up_to_date["merge_type"], "none");

    // The maintainer moves upstream: the fork fast-forwards.
    let work = env.work.join("up");
    env.git(
        &env.work,
        &[
            "clone",
            "-q",
            &format!("http://{addr}/practice/hello-contrib.git"),
            "up",
        ],
    );
    std::fs::write(work.join("NEWS"), "news\n").unwrap();
    env.git(&work, &["add", "NEWS"]);
    env.git(&work, &["commit", "-q", "-m", "docs: news"]);
    env.git(
        &work,
        &[
            "push",
            "-q",
            &format!("http://m:sandbox-maintainer-mona@{addr}/practice/hello-contrib.git"),
            "HEAD:main",
        ],
    );
    let ff = you.ok(
        "POST",
        "/repos/you/hello-contrib/merge-upstream",
        Some(json!({"branch": "main"})),
        200,
    );
    assert_eq!(ff["merge_type"], "fast-forward");

    // Both move on from there: the fork cannot fast-forward, 409.
    std::fs::write(work.join("MINE"), "mine\n").unwrap();
    env.git(&work, &["add", "MINE"]);
    env.git(&work, &["commit", "-q", "-m", "mine"]);
    env.git(
        &work,
        &[
            "push",
            "-q",
            &format!("http://y:{token}@{addr}/you/hello-contrib.git"),
            "HEAD:main",
        ],
    );
    env.git(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    std::fs::write(work.join("NEWS"), "upstream again\n").unwrap();
    env.git(&work, &["commit", "-q", "-am", "docs: again"]);
    env.git(
        &work,
        &[
            "push",
            "-q",
            &format!("http://m:sandbox-maintainer-mona@{addr}/practice/hello-contrib.git"),
            "HEAD:main",
        ],
    );
    you.ok(
        "POST",
        "/repos/you/hello-contrib/merge-upstream",
        Some(json!({"branch": "main"})),
        409,
    );
    you.ok(
        "POST",
        "/repos/you/hello-contrib/merge-upstream",
        Some(json!({})),
        422,
    );
}

#[test]
fn labels_issues_comments_assignees_and_timeline() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    let anon = Api::new(&env, None);
    let repo = "/repos/practice/hello-contrib";

    let labels = anon.ok("GET", &format!("{repo}/labels"), None, 200);
    assert!(
        labels
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "E-easy")
    );
    anon.ok("GET", "/repos/practice/nope/labels", None, 404);

    // Open issues and PRs together (as on GitHub), newest first.
    let open = anon.ok("GET", &format!("{repo}/issues?per_page=100"), None, 200);
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 10, "9 open issues and 1 pull request");
    assert_eq!(
        open.iter()
            .filter(|i| i.get("pull_request").is_some())
            .count(),
        1
    );
    let gfi = anon.ok(
        "GET",
        &format!("{repo}/issues?labels=good%20first%20issue&state=all"),
        None,
        200,
    );
    assert_eq!(gfi.as_array().unwrap().len(), 7);
    let unassigned = anon.ok(
        "GET",
        &format!("{repo}/issues?assignee=none&labels=enhancement"),
        None,
        200,
    );
    assert_eq!(unassigned.as_array().unwrap().len(), 1);
    let future = anon.ok(
        "GET",
        &format!("{repo}/issues?since=2999-01-01T00:00:00Z"),
        None,
        200,
    );
    assert_eq!(future.as_array().unwrap().len(), 0);
    anon.ok("GET", &format!("{repo}/issues?state=sideways"), None, 422);
    anon.ok("GET", "/repos/practice/nope/issues", None, 404);

    // Pagination with Link headers.
    let (s, h, page1) = anon.call_full("GET", &format!("{repo}/issues?per_page=4"), None);
    assert_eq!(s, 200);
    assert_eq!(page1.as_array().unwrap().len(), 4);
    let link = header(&h, "link").expect("a Link header");
    assert!(
        link.contains("page=2>; rel=\"next\"") && link.contains("page=3>; rel=\"last\""),
        "{link}"
    );
    let page3 = anon.ok(
        "GET",
        &format!("{repo}/issues?per_page=4&page=3"),
        None,
        200,
    );
    assert_eq!(page3.as_array().unwrap().len(), 2);

    let issue = anon.ok("GET", &format!("{repo}/issues/1"), None, 200);
    assert_eq!(issue["number"], 1);
    anon.ok("GET", &format!("{repo}/issues/999"), None, 404);

    // Comments.
    let comments = anon.ok("GET", &format!("{repo}/issues/5/comments"), None, 200);
    assert_eq!(comments.as_array().unwrap().len(), 2);
    anon.ok("GET", &format!("{repo}/issues/999/comments"), None, 404);
    let posted = you.ok(
        "POST",
        &format!("{repo}/issues/1/comments"),
        Some(json!({"body": "I'd like to work on this."})),
        201,
    );
    assert_eq!(posted["user"]["login"], "you");
    you.ok(
        "POST",
        &format!("{repo}/issues/1/comments"),
        Some(json!({})),
        422,
    );
    you.ok(
        "POST",
        &format!("{repo}/issues/999/comments"),
        Some(json!({"body": "x"})),
        404,
    );
    env.admin(
        "POST",
        "maintainer",
        json!({"action": "archive", "repo": "practice/multi-template"}),
    );
    you.ok(
        "POST",
        "/repos/practice/multi-template/issues/1/comments",
        Some(json!({"body": "x"})),
        403,
    );

    // Assignees: you may not assign yourself on someone else's repository (silently ignored,
    // as on GitHub); the maintainer may.
    let a = you.ok(
        "POST",
        &format!("{repo}/issues/1/assignees"),
        Some(json!({"assignees": ["you"]})),
        201,
    );
    assert_eq!(a["assignees"].as_array().unwrap().len(), 0);
    let mona = Api::new(&env, Some("sandbox-maintainer-mona"));
    let a = mona.ok(
        "POST",
        &format!("{repo}/issues/1/assignees"),
        Some(json!({"assignees": ["you"]})),
        201,
    );
    assert_eq!(a["assignee"]["login"], "you");

    // Timeline: issue 3 is cross-referenced by the open pull request #11 ("Fixes #3").
    let timeline = anon.ok("GET", &format!("{repo}/issues/3/timeline"), None, 200);
    let xref = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "cross-referenced")
        .expect("a cross-reference");
    assert_eq!(xref["source"]["issue"]["number"], 11);
    assert!(xref["source"]["issue"]["pull_request"].is_object());
    let t5 = anon.ok("GET", &format!("{repo}/issues/5/timeline"), None, 200);
    assert_eq!(
        t5.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event"] == "commented")
            .count(),
        2
    );
    anon.ok("GET", &format!("{repo}/issues/999/timeline"), None, 404);
}

#[test]
fn contents_of_files_and_directories() {
    use base64::Engine;
    let env = TestEnv::with_sandbox();
    let anon = Api::new(&env, None);
    let repo = "/repos/practice/hello-contrib";
    let file = anon.ok(
        "GET",
        &format!("{repo}/contents/.github/PULL_REQUEST_TEMPLATE.md"),
        None,
        200,
    );
    assert_eq!(file["type"], "file");
    assert_eq!(file["encoding"], "base64");
    let raw: String = file["content"].as_str().unwrap().split('\n').collect();
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(raw)
            .unwrap(),
    )
    .unwrap();
    assert!(
        text.starts_with("## What does this pull request do?"),
        "{text}"
    );
    let dir = anon.ok("GET", &format!("{repo}/contents/.github"), None, 200);
    assert_eq!(dir[0]["name"], "PULL_REQUEST_TEMPLATE.md");
    let root = anon.ok("GET", &format!("{repo}/contents"), None, 200);
    assert!(
        root.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "CONTRIBUTING.md" && e["type"] == "file")
    );
    assert!(
        root.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "tests" && e["type"] == "dir")
    );
    let on_branch = anon.ok(
        "GET",
        &format!("{repo}/contents/hello.py?ref=handle-empty-names"),
        None,
        200,
    );
    assert_ne!(
        on_branch["sha"],
        anon.ok("GET", &format!("{repo}/contents/hello.py"), None, 200)["sha"]
    );
    anon.ok("GET", &format!("{repo}/contents/missing.txt"), None, 404);
    anon.ok(
        "GET",
        &format!("{repo}/contents/hello.py?ref=no-such-branch"),
        None,
        404,
    );
    let folder = anon.ok(
        "GET",
        "/repos/practice/multi-template/contents/.github/PULL_REQUEST_TEMPLATE",
        None,
        200,
    );
    assert_eq!(folder.as_array().unwrap().len(), 2);
}

fn push_branch(env: &TestEnv, branch: &str, change: bool) {
    let addr = env.sandbox().addr;
    let token = &env.sandbox().token;
    let work = env.work.join(format!("w-{branch}"));
    env.git(
        &env.work,
        &[
            "clone",
            "-q",
            &format!("http://{addr}/practice/hello-contrib.git"),
            work.to_str().unwrap(),
        ],
    );
    env.git(&work, &["checkout", "-q", "-b", branch]);
    if change {
        std::fs::write(work.join("hello.py"), "print('Hello')\n").unwrap();
        env.git(
            &work,
            &[
                "commit",
                "-q",
                "-am",
                "fix: typo\n\nSigned-off-by: Test User <test@example.com>",
            ],
        );
    }
    let url = format!("http://you:{token}@{addr}/you/hello-contrib.git");
    env.wait_for_fork("you/hello-contrib");
    env.git(&work, &["push", "-q", &url, branch]);
}

#[test]
fn pull_requests_reviews_and_checks() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    let repo = "/repos/practice/hello-contrib";
    you.ok("POST", &format!("{repo}/forks"), Some(json!({})), 202);
    push_branch(&env, "fix/1-typo", true);
    push_branch(&env, "empty", false);

    let missing = you.ok(
        "POST",
        &format!("{repo}/pulls"),
        Some(json!({"title": "t", "head": "you:nope", "base": "main"})),
        422,
    );
    assert_eq!(missing["errors"][0]["field"], "head");
    let bad_base = you.ok(
        "POST",
        &format!("{repo}/pulls"),
        Some(json!({"title": "t", "head": "you:fix/1-typo", "base": "nope"})),
        422,
    );
    assert_eq!(bad_base["errors"][0]["field"], "base");
    let none = you.ok(
        "POST",
        &format!("{repo}/pulls"),
        Some(json!({"title": "t", "head": "you:empty", "base": "main"})),
        422,
    );
    assert_eq!(
        none["errors"][0]["message"],
        "No commits between main and you:empty"
    );
    you.ok(
        "POST",
        &format!("{repo}/pulls"),
        Some(json!({"head": "you:fix/1-typo"})),
        422,
    );

    let body = "## What\r\n\r\nFixes #1\r\n";
    let pr = you.ok(
        "POST",
        &format!("{repo}/pulls"),
        Some(json!({"title": "fix: typo", "head": "you:fix/1-typo", "base": "main", "body": body, "draft": true})),
        201,
    );
    assert_eq!(pr["number"], 12);
    assert_eq!(pr["body"], body, "the body is kept byte for byte");
    assert_eq!(pr["draft"], true);
    assert_eq!(pr["maintainer_can_modify"], true);
    assert_eq!(pr["head"]["label"], "you:fix/1-typo");
    let dup = you.ok(
        "POST",
        &format!("{repo}/pulls"),
        Some(json!({"title": "again", "head": "you:fix/1-typo", "base": "main"})),
        422,
    );
    assert_eq!(
        dup["errors"][0]["message"],
        "A pull request already exists for you:fix/1-typo."
    );

    let list = you.ok(
        "GET",
        &format!("{repo}/pulls?head=you:fix/1-typo&state=open"),
        None,
        200,
    );
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        you.ok("GET", &format!("{repo}/pulls?head=you:other"), None, 200)
            .as_array()
            .unwrap()
            .len(),
        0
    );
    you.ok("GET", &format!("{repo}/pulls/12"), None, 200);
    you.ok("GET", &format!("{repo}/pulls/999"), None, 404);
    let edited = you.ok(
        "PATCH",
        &format!("{repo}/pulls/12"),
        Some(json!({"title": "fix: the typo", "body": "new"})),
        200,
    );
    assert_eq!(edited["title"], "fix: the typo");
    env.add_user("stranger", "t-stranger", Some(&["repo"]));
    Api::new(&env, Some("t-stranger")).ok(
        "PATCH",
        &format!("{repo}/pulls/12"),
        Some(json!({"title": "x"})),
        403,
    );

    // A maintainer reviews and sets checks; the first-time contributor's CI waits.
    env.admin("POST", "maintainer", json!({"action": "review", "repo": "practice/hello-contrib", "number": 12, "user": "mona", "state": "CHANGES_REQUESTED", "body": "Please add a test.", "path": "hello.py", "line": 1}));
    let reviews = you.ok("GET", &format!("{repo}/pulls/12/reviews"), None, 200);
    assert_eq!(reviews[0]["state"], "CHANGES_REQUESTED");
    let rc = you.ok("GET", &format!("{repo}/pulls/12/comments"), None, 200);
    assert_eq!(rc[0]["path"], "hello.py");
    env.admin("POST", "maintainer", json!({"action": "check_run", "repo": "practice/hello-contrib", "number": 12, "name": "tests", "status": "completed", "conclusion": "action_required"}));
    env.admin("POST", "maintainer", json!({"action": "status", "repo": "practice/hello-contrib", "number": 12, "context": "DCO", "state": "success"}));
    let sha = pr["head"]["sha"].as_str().unwrap();
    let runs = you.ok(
        "GET",
        &format!("{repo}/commits/{sha}/check-runs"),
        None,
        200,
    );
    assert_eq!(runs["check_runs"][0]["conclusion"], "action_required");
    let by_branch = you.ok(
        "GET",
        "/repos/you/hello-contrib/commits/fix%2F1-typo/check-runs",
        None,
        200,
    );
    assert_eq!(
        by_branch["total_count"], 0,
        "checks belong to the base repository"
    );
    let status = you.ok("GET", &format!("{repo}/commits/{sha}/status"), None, 200);
    assert_eq!(status["state"], "success");
    you.ok(
        "GET",
        &format!("{repo}/commits/{}/status", "0".repeat(40)),
        None,
        200,
    );
    you.ok(
        "GET",
        &format!("{repo}/commits/no-such-ref/status"),
        None,
        404,
    );

    // Merged by the maintainer: the PR is closed and merged, the issue text is in main.
    env.admin(
        "POST",
        "maintainer",
        json!({"action": "merge", "repo": "practice/hello-contrib", "number": 12, "user": "mona"}),
    );
    let merged = you.ok("GET", &format!("{repo}/pulls/12"), None, 200);
    assert_eq!(merged["merged"], true);
    assert_eq!(merged["state"], "closed");
    assert_eq!(merged["merged_by"]["login"], "mona");
}

#[test]
fn search_issues_qualifiers_pagination_and_limits() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    let q = |query: &str| format!("/search/issues?q={}", url_encode(query));
    let count = |v: &Value| v["total_count"].as_u64().unwrap();

    let all = you.ok(
        "GET",
        &q("repo:practice/hello-contrib is:issue is:open"),
        None,
        200,
    );
    assert_eq!(count(&all), 9);
    assert_eq!(all["incomplete_results"], false);
    let gfi = you.ok(
        "GET",
        &q(r#"repo:practice/hello-contrib is:issue state:open label:"good first issue",E-easy"#),
        None,
        200,
    );
    assert_eq!(count(&gfi), 7, "comma = OR: 6 good first issue + 1 E-easy");
    let free = you.ok(
        "GET",
        &q(r#"org:practice is:issue is:open label:"good first issue" no:assignee -linked:pr"#),
        None,
        200,
    );
    assert_eq!(count(&free), 5);
    let linked = you.ok(
        "GET",
        &q("repo:practice/hello-contrib is:issue linked:pr"),
        None,
        200,
    );
    assert_eq!(linked["items"][0]["number"], 3);
    let prs = you.ok("GET", &q("user:practice is:pr"), None, 200);
    assert_eq!(count(&prs), 1);
    assert_eq!(
        count(&you.ok("GET", &q("is:issue is:closed language:python"), None, 200)),
        1
    );
    assert_eq!(
        count(&you.ok("GET", &q("is:issue language:go"), None, 200)),
        0
    );
    assert_eq!(
        count(&you.ok("GET", &q("is:issue archived:false emoji"), None, 200)),
        1
    );
    let sorted = you.ok(
        "GET",
        &format!(
            "{}&sort=comments&order=desc",
            q("repo:practice/hello-contrib is:issue")
        ),
        None,
        200,
    );
    assert_eq!(sorted["items"][0]["number"], 5);

    let (s, h, page) = you.call_full("GET", &format!("{}&per_page=2", q("is:issue")), None);
    assert_eq!(s, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(header(&h, "link").unwrap().contains("rel=\"next\""));
    you.ok("GET", &q("bogus:thing"), None, 422);
    you.ok("GET", "/search/issues", None, 422);
    // Only the first 1000 results are served.
    you.ok(
        "GET",
        &format!("{}&per_page=100&page=11", q("is:issue")),
        None,
        422,
    );

    // Search has its own limit; when it is used up: 403 with the rate-limit headers.
    env.admin(
        "POST",
        "rate_limit",
        json!({"login": "you", "resource": "search", "remaining": 0}),
    );
    let (s, h, v) = you.call_full("GET", &q("is:issue"), None);
    assert_eq!(s, 403);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("rate limit exceeded")
    );
    assert_eq!(header(&h, "x-ratelimit-remaining"), Some("0"));
    assert_eq!(header(&h, "x-ratelimit-resource"), Some("search"));
    you.ok("GET", "/user", None, 200);
}

#[test]
fn the_thousand_result_cap() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    // 1005 results: total_count says so, but page 11 of 100 is refused and page 10 is full.
    env.admin("POST", "maintainer", json!({"action": "bulk_issues", "repo": "practice/multi-template", "count": 1004, "title": "Bulk issue"}));
    let q = format!(
        "/search/issues?q={}",
        url_encode("repo:practice/multi-template is:issue")
    );
    let first = you.ok("GET", &format!("{q}&per_page=100"), None, 200);
    assert_eq!(first["total_count"], 1005);
    let tenth = you.ok("GET", &format!("{q}&per_page=100&page=10"), None, 200);
    assert_eq!(tenth["items"].as_array().unwrap().len(), 100);
    you.ok("GET", &format!("{q}&per_page=100&page=11"), None, 422);
}

#[test]
fn fork_delay_keeps_git_away_while_the_api_object_exists() {
    let env =
        TestEnv::with_sandbox_options(|o| o.fork_delay = std::time::Duration::from_millis(1500));
    let you = Api::new(&env, Some(&env.sandbox().token));
    let addr = env.sandbox().addr;
    let started = std::time::Instant::now();
    you.ok(
        "POST",
        "/repos/practice/hello-contrib/forks",
        Some(json!({})),
        202,
    );
    you.ok("GET", "/repos/you/hello-contrib", None, 200);
    let refs = "/you/hello-contrib.git/info/refs?service=git-upload-pack";
    let (early, _, _) = http_full(addr, "GET", refs, &[], None);
    if started.elapsed() < std::time::Duration::from_millis(1400) {
        assert_eq!(early, 404, "the fork's git repository is not there yet");
    }
    std::thread::sleep(std::time::Duration::from_millis(1600).saturating_sub(started.elapsed()));
    let mut status = 0;
    for _ in 0..50 {
        status = http_full(addr, "GET", refs, &[], None).0;
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(status, 200, "after the delay the fork can be cloned");
}

#[test]
fn fault_injection_answers_then_stops() {
    let env = TestEnv::with_sandbox();
    let you = Api::new(&env, Some(&env.sandbox().token));
    env.admin("POST", "faults", json!({"method": "POST", "path": "/api/v3/repos/practice/*", "status": 502, "count": 1, "retry_after": 7}));
    let (s, h, _) = you.call_unchecked(
        "POST",
        "/repos/practice/hello-contrib/forks",
        Some(json!({})),
    );
    assert_eq!(s, 502);
    assert_eq!(header(&h, "retry-after"), Some("7"));
    you.ok(
        "POST",
        "/repos/practice/hello-contrib/forks",
        Some(json!({})),
        202,
    );
    env.admin(
        "POST",
        "faults",
        json!({"path": "/api/v3/user", "status": 403, "rate_limited": true}),
    );
    let (s, h, _) = you.call_unchecked("GET", "/user", None);
    assert_eq!(s, 403);
    assert_eq!(header(&h, "x-ratelimit-remaining"), Some("0"));
    assert!(header(&h, "x-ratelimit-reset").is_some());
    you.ok("GET", "/user", None, 200);
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
