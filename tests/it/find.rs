//! `contrib find` and `contrib claim` on the sandbox.

use crate::common::TestEnv;
use serde_json::{Value, json};

fn find(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["find", "--json"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    out.expect_code(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {}", out.stdout))
}

fn numbers(v: &Value) -> Vec<u64> {
    v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect()
}

fn reason(v: &Value, n: u64) -> String {
    v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == n)
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn free_issues_in_a_repository_ranked() {
    let env = TestEnv::with_sandbox();
    let v = find(&env, &["practice/hello-contrib"]);
    // Beginner labels first (fresh, quiet, described), then the one marked only "help wanted".
    assert_eq!(numbers(&v), [1, 9, 5, 7]);
    assert_eq!(v["hidden_taken"], 4);
    assert_eq!(
        v["labels_used"]["practice/hello-contrib"],
        json!(["E-easy", "good first issue", "help wanted"])
    );
    assert!(reason(&v, 5).contains("given up or has lapsed"), "{v}");
    assert_eq!(v["issues"][3]["tier"], "help-wanted");
}

#[test]
fn each_taken_reason_with_include_taken() {
    let env = TestEnv::with_sandbox();
    let v = find(
        &env,
        &["practice/hello-contrib", "--include-taken", "--limit", "50"],
    );
    let all = numbers(&v);
    assert!(!all.contains(&11), "a pull request is not an issue");
    assert!(!all.contains(&6), "closed issues are not listed");
    assert!(!all.contains(&8), "a plain bug is not a beginner issue");
    assert_eq!(reason(&v, 2), "assigned to @alex");
    assert_eq!(reason(&v, 3), "pull request #11 by @alex is open");
    assert!(
        reason(&v, 4).starts_with("@alex claimed it yesterday: \"Hi! I'd like to work on this one"),
        "{}",
        reason(&v, 4)
    );
    assert!(
        reason(&v, 10).starts_with("@alex claimed it 2 days ago: \"我来！\""),
        "{}",
        reason(&v, 10)
    );
    // Taken issues come after the free ones.
    let free: Vec<bool> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["free"].as_bool().unwrap())
        .collect();
    assert!(free.windows(2).all(|w| w[0] || !w[1]), "{free:?}");
}

#[test]
fn the_human_output_says_why_and_what_next() {
    let env = TestEnv::with_sandbox();
    let out = env.run(&["find", "practice/hello-contrib"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .starts_with("practice/hello-contrib#1  Fix the typo in the greeting (\"Helo\")\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("free: nobody assigned, no open pull request, no claim")
    );
    assert!(
        out.stdout
            .contains("Next: `contrib claim practice/hello-contrib#1`")
    );
    assert!(
        out.stderr
            .contains("Labels practice/hello-contrib: E-easy, good first issue, help wanted"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("4 issue(s) somebody has already taken"),
        "{}",
        out.stderr
    );
}

#[test]
fn label_override_and_a_repository_without_beginner_labels() {
    let env = TestEnv::with_sandbox();
    let v = find(&env, &["practice/hello-contrib", "--label", "bug"]);
    assert_eq!(numbers(&v), [1, 9, 8]);
    env.admin(
        "POST",
        "repos",
        json!({"owner": "plain", "name": "repo", "from": "practice/hello-contrib"}),
    );
    let out = env.run(&["find", "plain/repo"]);
    out.expect_code(0);
    assert!(
        out.stderr.contains("has no label contrib recognises"),
        "{}",
        out.stderr
    );
    let missing = env.run(&["find", "practice/nope"]);
    missing.expect_code(1);
    assert!(
        missing.stderr.contains("check that practice/nope exists"),
        "{}",
        missing.stderr
    );
}

#[test]
fn across_the_host_with_search() {
    let env = TestEnv::with_sandbox();
    let v = find(&env, &["--limit", "20"]);
    let found: Vec<String> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("{}#{}", i["repo"].as_str().unwrap(), i["number"]))
        .collect();
    assert!(
        found.contains(&"practice/multi-template#1".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"practice/hello-contrib#1".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"practice/hello-contrib#2".to_string()),
        "assigned: excluded by the search"
    );
    assert!(
        !found.contains(&"practice/hello-contrib#4".to_string()),
        "claimed in a comment"
    );
    let mut sorted = found.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), found.len(), "no duplicates");
    assert_eq!(numbers(&find(&env, &["--language", "go"])).len(), 0);
    let py = find(&env, &["--language", "python", "--topic", "practice"]);
    assert!(
        py["issues"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["repo"] == "practice/hello-contrib"),
        "{py}"
    );
    assert!(!numbers(&find(&env, &["--org", "practice"])).is_empty());
}

#[test]
fn pagination_and_the_thousand_result_cap() {
    let env = TestEnv::with_sandbox();
    env.admin("POST", "maintainer", json!({"action": "bulk_issues", "repo": "practice/multi-template", "count": 150, "title": "Bulk", "labels": ["good-first-issue"], "user": "mona"}));
    let v = find(
        &env,
        &[
            "practice/multi-template",
            "--label",
            "good-first-issue",
            "--limit",
            "500",
        ],
    );
    assert_eq!(numbers(&v).len(), 151, "all pages of the label's issues");
    env.admin("POST", "maintainer", json!({"action": "bulk_issues", "repo": "practice/multi-template", "count": 900, "title": "More", "labels": ["good-first-issue"], "user": "mona"}));
    let v = find(&env, &["--org", "practice", "--limit", "5"]);
    assert_eq!(
        numbers(&v).len(),
        5,
        "more than 1000 results: the best few are shown"
    );
}

#[test]
fn search_rate_limit_hit() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "rate_limit",
        json!({"login": "you", "resource": "search", "remaining": 0}),
    );
    let out = env.run(&["find"]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("rate limit is used up"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("GitHub's search has its own, smaller limit"),
        "{}",
        out.stderr
    );
    // Naming the repository uses the core limit and still works.
    env.run(&["find", "practice/hello-contrib"]).expect_code(0);
}

#[test]
fn a_repeated_find_is_answered_by_304s() {
    let env = TestEnv::with_sandbox();
    let first = find(&env, &["practice/hello-contrib"]);
    assert_eq!(first["requests"]["not_modified"], 0);
    let second = find(&env, &["practice/hello-contrib"]);
    assert_eq!(second["issues"], first["issues"]);
    let sent = second["requests"]["requests"].as_u64().unwrap();
    assert!(sent > 2);
    assert_eq!(
        second["requests"]["not_modified"].as_u64().unwrap(),
        sent,
        "every request was conditional and unchanged"
    );
    // 304s are free: the remaining count did not move.
    assert_eq!(
        second["rate_limit"]["remaining"],
        first["rate_limit"]["remaining"]
    );
}

#[test]
fn json_schema_is_stable() {
    let env = TestEnv::with_sandbox();
    let v = find(&env, &["practice/hello-contrib", "--limit", "1"]);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        [
            "hidden_taken",
            "issues",
            "labels_used",
            "rate_limit",
            "requests"
        ]
    );
    assert_eq!(
        keys(&v["issues"][0]),
        [
            "comments",
            "created_at",
            "free",
            "has_body",
            "labels",
            "number",
            "reason",
            "repo",
            "tier",
            "title",
            "updated_at",
            "url"
        ]
    );
    assert_eq!(keys(&v["rate_limit"]), ["limit", "remaining", "reset"]);
}

#[test]
fn titles_are_stripped_of_terminal_control_sequences() {
    let env = TestEnv::with_sandbox();
    env.admin("POST", "maintainer", json!({"action": "bulk_issues", "repo": "practice/multi-template", "count": 1, "title": "Evil \u{1b}]0;pwned\u{7}\u{1b}[2Jtitle", "labels": ["good-first-issue"]}));
    let out = env.run(&["find", "practice/multi-template"]);
    out.expect_code(0);
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{7}'),
        "{:?}",
        out.stdout
    );
    assert!(out.stdout.contains("Evil title 1"), "{}", out.stdout);
}

fn comments_by_you(env: &TestEnv, number: u64) -> Vec<String> {
    env.state()["repos"]["practice/hello-contrib"]["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["issue"] == number && c["user"] == "you")
        .map(|c| c["body"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn claim_posts_exactly_once() {
    let env = TestEnv::with_sandbox();
    // Public: without a terminal it needs --yes.
    let out = env.run(&["claim", "practice/hello-contrib#1"]);
    out.expect_code(2);
    assert!(
        out.stdout.contains("This comment will be posted publicly"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(comments_by_you(&env, 1).is_empty());

    let out = env.run(&["claim", "practice/hello-contrib#1", "--yes"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("Claimed: http://127.0.0.1:"),
        "{}",
        out.stdout
    );
    let posted = comments_by_you(&env, 1);
    assert_eq!(posted.len(), 1);
    assert!(
        posted[0].starts_with("Hi! I'd like to work on this issue"),
        "{posted:?}"
    );
    let again = env.run(&["claim", "practice/hello-contrib#1", "--yes"]);
    again.expect_code(0);
    assert!(
        again.stdout.contains("You already claimed"),
        "{}",
        again.stdout
    );
    assert_eq!(comments_by_you(&env, 1).len(), 1);
}

#[test]
fn claim_checks_before_posting_again_when_the_answer_is_lost() {
    let env = TestEnv::with_sandbox();
    // The comment is made, but the connection drops before the answer arrives.
    env.admin("POST", "faults", json!({"method": "POST", "path": "/api/v3/repos/practice/hello-contrib/issues/9/comments", "cut_after": 0}));
    let out = env.run(&[
        "claim",
        "practice/hello-contrib#9",
        "--yes",
        "--message",
        "I'd like to work on this.",
    ]);
    out.expect_code(0);
    assert_eq!(comments_by_you(&env, 9), ["I'd like to work on this."]);

    // The request never arrives: nothing posted, exit 3, and a re-run posts once.
    env.admin("POST", "faults", json!({"method": "POST", "path": "/api/v3/repos/practice/hello-contrib/issues/1/comments", "cut": true}));
    let out = env.run(&["claim", "practice/hello-contrib#1", "--yes"]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("the claim was not posted"),
        "{}",
        out.stderr
    );
    assert!(comments_by_you(&env, 1).is_empty());
    env.run(&["claim", "practice/hello-contrib#1", "--yes"])
        .expect_code(0);
    assert_eq!(comments_by_you(&env, 1).len(), 1);
}

#[test]
fn claim_refuses_a_taken_issue_unless_forced() {
    let env = TestEnv::with_sandbox();
    let out = env.run(&["claim", "practice/hello-contrib#4", "--yes"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("is taken: @alex claimed it"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    env.run(&["claim", "practice/hello-contrib#4", "--yes", "--force"])
        .expect_code(0);
    let closed = env.run(&["claim", "practice/hello-contrib#6", "--yes"]);
    closed.expect_code(1);
    assert!(closed.stderr.contains("is closed"), "{}", closed.stderr);
    env.run(&["claim", "practice/hello-contrib"]).expect_code(2);
}

#[test]
fn quiet_keeps_the_results_and_drops_the_guidance() {
    let env = TestEnv::with_sandbox();
    let out = env.run(&["-q", "find", "practice/hello-contrib"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .starts_with("practice/hello-contrib#1  Fix the typo"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Next:"), "{}", out.stdout);
    assert_eq!(out.stderr, "", "no status lines with -q");
}

#[test]
fn claim_in_chinese_only_when_asked() {
    let env = TestEnv::with_sandbox();
    env.run(&[
        "claim",
        "practice/hello-contrib#9",
        "--yes",
        "--pr-lang",
        "zh",
    ])
    .expect_code(0);
    let posted = comments_by_you(&env, 9);
    assert_eq!(posted.len(), 1);
    assert!(posted[0].starts_with("你好！"), "{posted:?}");
}
