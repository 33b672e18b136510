//! `contrib status` on the sandbox.

use crate::common::TestEnv;
use serde_json::{Value, json};
use std::path::PathBuf;

fn prepared(env: &TestEnv, open_pr: bool) -> PathBuf {
    let dir = env.started_with_a_commit("practice/hello-contrib#1", "print('Hello')\n");
    if open_pr {
        env.run_in(&dir, &["pr", "--yes"], None).expect_code(0);
    }
    dir
}

fn maintainer(env: &TestEnv, body: Value) {
    let mut b = body;
    b["repo"] = "practice/hello-contrib".into();
    b["number"] = 12.into();
    env.admin("POST", "maintainer", b);
}

fn status_json(env: &TestEnv, dir: &std::path::Path) -> Value {
    let out = env.run_in(dir, &["status", "--json"], None);
    out.expect_code(0);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn no_pull_request_yet() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, false);
    let out = env.run_in(&dir, &["status"], None);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("1 commit(s) ahead of upstream/main, 0 behind"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("not pushed yet"), "{}", out.stdout);
    assert!(
        out.stdout.contains("every commit is signed off"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("No pull request yet: `contrib pr` opens one."),
        "{}",
        out.stdout
    );
}

#[test]
fn every_check_state_explained() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, true);
    maintainer(
        &env,
        json!({"action": "check_run", "name": "tests", "status": "completed", "conclusion": "action_required"}),
    );
    maintainer(
        &env,
        json!({"action": "check_run", "name": "build", "status": "in_progress"}),
    );
    maintainer(
        &env,
        json!({"action": "check_run", "name": "lint", "status": "completed", "conclusion": "success"}),
    );
    maintainer(
        &env,
        json!({"action": "check_run", "name": "license/cla", "status": "completed", "conclusion": "failure", "details_url": "https://cla.example/sign"}),
    );
    maintainer(
        &env,
        json!({"action": "status", "context": "DCO", "state": "failure"}),
    );
    let out = env.run_in(&dir, &["status"], None);
    out.expect_code(0);
    let s = &out.stdout;
    assert!(
        s.contains("Pull request #12 (open) http://127.0.0.1:"),
        "{s}"
    );
    assert!(
        s.contains("checks: 1 passed, 2 failed, 1 running, 1 waiting for a maintainer's approval"),
        "{s}"
    );
    assert!(
        s.contains(
            "✗ DCO: a commit lacks its Signed-off-by line: run `contrib commit --fix-signoff`"
        ),
        "{s}"
    );
    assert!(s.contains("✗ license/cla: the project needs you to sign its Contributor License Agreement: https://cla.example/sign"), "{s}");
    assert!(
        s.contains("… tests: CI waits for a maintainer to approve running it"),
        "{s}"
    );
    let v = status_json(&env, &dir);
    let groups: Vec<(String, String)> = v["pull_request"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["group"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        groups.contains(&("tests".into(), "waiting-for-maintainer".into())),
        "{groups:?}"
    );
    assert!(groups.contains(&("build".into(), "running".into())));
    assert!(groups.contains(&("lint".into(), "passed".into())));
    assert_eq!(v["settled"], false);
}

#[test]
fn changes_requested_then_merged() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, true);
    maintainer(
        &env,
        json!({"action": "review", "user": "mona", "state": "CHANGES_REQUESTED", "body": "Please add a test \u{1b}[31mfor this\u{1b}[0m.", "path": "hello.py", "line": 1}),
    );
    let out = env.run_in(&dir, &["status"], None);
    assert!(
        out.stdout.contains("review: changes requested by @mona"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("1 review comment(s); the latest: @mona: \"Please add a test for this.\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\u{1b}'));
    maintainer(
        &env,
        json!({"action": "review", "user": "mona", "state": "APPROVED", "body": "Thanks!"}),
    );
    assert!(
        env.run_in(&dir, &["status"], None)
            .stdout
            .contains("review: approved by @mona")
    );
    maintainer(&env, json!({"action": "merge", "user": "mona"}));
    let out = env.run_in(&dir, &["status"], None);
    assert!(
        out.stdout.contains("Pull request #12 (merged)") && out.stdout.contains("thank you"),
        "{}",
        out.stdout
    );
    assert_eq!(status_json(&env, &dir)["pull_request"]["state"], "merged");
}

#[test]
fn closed_and_json_schema() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, true);
    let v = status_json(&env, &dir);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["local", "pull_request", "settled"]);
    assert_eq!(
        keys(&v["local"]),
        [
            "ahead",
            "base",
            "behind",
            "branch",
            "signoff_required",
            "uncommitted",
            "unpushed",
            "unsigned_commits"
        ]
    );
    assert_eq!(
        keys(&v["pull_request"]),
        [
            "checks",
            "draft",
            "mergeable",
            "mergeable_state",
            "number",
            "review",
            "review_comments",
            "state",
            "url"
        ]
    );
    maintainer(&env, json!({"action": "close"}));
    let out = env.run_in(&dir, &["status"], None);
    assert!(
        out.stdout.contains("(closed)") && out.stdout.contains("closed without merging"),
        "{}",
        out.stdout
    );
}

#[test]
fn watch_stops_when_the_checks_settle() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, true);
    maintainer(
        &env,
        json!({"action": "check_run", "name": "build", "status": "in_progress"}),
    );
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(2500));
            maintainer(&env, json!({"action": "check_run", "name": "build", "status": "completed", "conclusion": "success"}));
        });
        let out = env.run_in(&dir, &["status", "--watch", "--interval", "1"], None);
        out.expect_code(0);
        assert!(out.stderr.contains("Watching"), "{}", out.stderr);
        assert!(
            out.stdout.contains("checks: 1 passed, 0 failed, 0 running"),
            "{}",
            out.stdout
        );
    });
    assert!(
        started.elapsed() < std::time::Duration::from_secs(50),
        "it stopped by itself"
    );
}
