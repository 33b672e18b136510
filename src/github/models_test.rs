//! octocrab's models are strict: every answer the sandbox gives must parse with them, or a
//! client built on them would fail against the sandbox where it works against GitHub.

use crate::sandbox::{Options, Sandbox};
use octocrab::Octocrab;
use octocrab::params::repos::{Commitish, Reference};

fn client(sandbox: &Sandbox, token: &str) -> Octocrab {
    Octocrab::builder()
        .base_uri(sandbox.api_url())
        .expect("base URI")
        .personal_token(token.to_string())
        .build_with_reqwest(reqwest::Client::new())
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn octocrab_parses_every_sandbox_answer() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp dir");
    let sb = Sandbox::start(Options::new(dir.path())).expect("sandbox");
    let you = client(&sb, &sb.token);
    let mona = client(&sb, "sandbox-maintainer-mona");
    let up = || you.repos("practice", "hello-contrib");
    let issues = || you.issues("practice", "hello-contrib");
    let pulls = || you.pulls("practice", "hello-contrib");

    assert_eq!(you.current().user().await.expect("GET /user").login, "you");
    you.users("mona").profile().await.expect("GET /users/mona");
    you.ratelimit().get().await.expect("GET /rate_limit");
    let repo = up().get().await.expect("GET /repos");
    assert_eq!(repo.default_branch.as_deref(), Some("main"));
    let fork = up().create_fork().send().await.expect("POST forks");
    assert_eq!(fork.full_name.as_deref(), Some("you/hello-contrib"));
    up().list_forks().send().await.expect("GET forks");
    let fork_repo = you
        .repos("you", "hello-contrib")
        .get()
        .await
        .expect("GET the fork");
    assert_eq!(
        fork_repo.parent.and_then(|p| p.full_name).as_deref(),
        Some("practice/hello-contrib")
    );
    up().list_branches().send().await.expect("GET branches");
    let content = up()
        .get_content()
        .path(".github/PULL_REQUEST_TEMPLATE.md")
        .send()
        .await
        .expect("GET contents (file)");
    let text = content.items[0].decoded_content().expect("base64 content");
    assert!(text.contains("Fixes #"));
    up().get_content()
        .path(".github")
        .send()
        .await
        .expect("GET contents (dir)");
    up().combined_status_for_ref(&Reference::Branch("main".into()))
        .await
        .expect("GET status");

    let listed = issues()
        .list()
        .labels(&["good first issue".to_string()])
        .send()
        .await
        .expect("GET issues");
    assert!(!listed.items.is_empty());
    issues().get(1).await.expect("GET issue");
    issues()
        .list_comments(5)
        .send()
        .await
        .expect("GET comments");
    issues()
        .create_comment(1, "I'd like to work on this.")
        .await
        .expect("POST comment");
    mona.issues("practice", "hello-contrib")
        .add_assignees(1, &["you"])
        .await
        .expect("POST assignees");
    issues()
        .list_timeline_events(3)
        .send()
        .await
        .expect("GET timeline");
    issues()
        .list_labels_for_repo()
        .send()
        .await
        .expect("GET labels");
    you.search()
        .issues_and_pull_requests("repo:practice/hello-contrib is:issue is:open")
        .send()
        .await
        .expect("GET search");

    let pr = pulls().get(11).await.expect("GET pull");
    pulls().list().send().await.expect("GET pulls");
    let sha = pr.head.sha.clone();
    // The maintainer reviews and sets a check that waits for approval.
    for body in [
        serde_json::json!({"action": "review", "repo": "practice/hello-contrib", "number": 11, "state": "CHANGES_REQUESTED", "body": "Add a test", "path": "hello.py", "line": 3}),
        serde_json::json!({"action": "check_run", "repo": "practice/hello-contrib", "number": 11, "name": "tests", "status": "completed", "conclusion": "action_required"}),
    ] {
        // Not through octocrab: it would put `/api/v3` in front of the path.
        sb.control("maintainer", &body).expect("sandbox control");
    }
    pulls().list_reviews(11).send().await.expect("GET reviews");
    pulls()
        .list_comments(Some(11))
        .send()
        .await
        .expect("GET review comments");
    you.checks("practice", "hello-contrib")
        .list_check_runs_for_git_ref(Commitish(sha))
        .send()
        .await
        .expect("GET check-runs");

    // A new pull request (from a branch the maintainer made), then an edit.
    let git_dir = dir.path().join("git/practice/hello-contrib.git");
    let made = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(&git_dir)
        .args(["branch", "second", "handle-empty-names"])
        .status()
        .expect("git");
    assert!(made.success());
    let created = mona
        .pulls("practice", "hello-contrib")
        .create("fix: second", "second", "main")
        .body("Fixes #3")
        .send()
        .await
        .expect("POST pulls");
    mona.pulls("practice", "hello-contrib")
        .update(created.number)
        .title("fix: second try")
        .send()
        .await
        .expect("PATCH pull");
    let merged = you
        .repos("you", "hello-contrib")
        .merge_upstream("main")
        .await;
    // The fork's repository may still be copying: either answer must parse.
    if let Err(octocrab::Error::GitHub { source, .. }) = &merged {
        assert!(source.status_code.is_client_error(), "{source:?}");
    }
}
