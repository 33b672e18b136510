//! `contrib start` on the sandbox, with plain git to check the result.

use crate::common::{Output, TestEnv};
use serde_json::{Value, json};
use std::path::Path;

fn start_json(env: &TestEnv, dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["start", "--json"];
    all.extend_from_slice(args);
    let out = env.run_in(dir, &all, None);
    out.expect_code(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {}", out.stdout))
}

fn git(env: &TestEnv, dir: &Path, args: &[&str]) -> String {
    env.git(dir, args)
}

fn url(env: &TestEnv, full_name: &str) -> String {
    format!("{}/{full_name}.git", env.sandbox().web_url())
}

/// Checks the clone the way a user would, with git.
fn assert_contribution_clone(env: &TestEnv, dir: &Path, fork: &str, upstream: &str, branch: &str) {
    assert_eq!(
        git(env, dir, &["remote", "get-url", "origin"]),
        url(env, fork)
    );
    assert_eq!(
        git(env, dir, &["remote", "get-url", "upstream"]),
        url(env, upstream)
    );
    assert_eq!(git(env, dir, &["branch", "--show-current"]), branch);
    assert_eq!(
        git(
            env,
            dir,
            &["config", &format!("branch.{branch}.pushRemote")]
        ),
        "origin"
    );
    assert_eq!(git(env, dir, &["config", "remote.pushDefault"]), "origin");
    assert_eq!(git(env, dir, &["config", "branch.main.remote"]), "upstream");
    // The branch starts where upstream's default branch is.
    assert_eq!(
        git(env, dir, &["rev-parse", "HEAD"]),
        git(env, dir, &["rev-parse", "upstream/main"])
    );
    assert_eq!(git(env, dir, &["config", "contrib.upstream"]), upstream);
    assert_eq!(git(env, dir, &["config", "contrib.fork"]), fork);
    assert_eq!(git(env, dir, &["config", "contrib.base"]), "main");
    let config = std::fs::read_to_string(dir.join(".git/config")).unwrap();
    assert!(
        !config.contains(&env.sandbox().token),
        "no token in .git/config"
    );
    assert!(
        !config.contains("credential"),
        "no credential helper left in .git/config"
    );
}

#[test]
fn fresh_start_with_an_issue() {
    let env = TestEnv::with_sandbox();
    let v = start_json(&env, &env.work, &["practice/hello-contrib#1"]);
    let dir = env.work.join("hello-contrib");
    assert_eq!(v["dir"], dir.to_str().unwrap());
    assert_eq!(v["branch"], "fix/1-fix-the-typo-in-the-greeting-helo");
    assert_eq!(v["fork"]["created"], true);
    assert_eq!(v["issue"], 1);
    assert_contribution_clone(
        &env,
        &dir,
        "you/hello-contrib",
        "practice/hello-contrib",
        "fix/1-fix-the-typo-in-the-greeting-helo",
    );
    assert_eq!(git(&env, &dir, &["config", "contrib.issue"]), "1");
    assert!(dir.join("CONTRIBUTING.md").exists());
    if v["fork"]["ready"] == true {
        git(&env, &dir, &["rev-parse", "--verify", "origin/main"]);
    }
    // Nothing else was left in the work directory.
    let names: Vec<String> = std::fs::read_dir(&env.work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["hello-contrib"]);
}

#[test]
fn plain_words_at_the_end() {
    let env = TestEnv::with_sandbox();
    let out = env.run(&["start", "practice/hello-contrib#10"]);
    out.expect_code(0);
    let text = env.redact(&out.stdout);
    assert!(
        text.contains("Ready to work on practice/hello-contrib#10: 为问候语添加中文说明"),
        "{text}"
    );
    assert!(
        text.contains(
            "branch    docs/10-wei-wen-hou-yu-tian-jia-zhong-wen-shuo (new, from upstream/main)"
        ),
        "{text}"
    );
    assert!(
        text.contains("(your fork: you push here)")
            && text.contains("(the project: updates come from here)"),
        "{text}"
    );
    assert!(
        text.contains("Next: cd hello-contrib, then make your change, and run `contrib commit`."),
        "{text}"
    );
    assert!(
        out.stderr.contains("Cloning")
            && out
                .stderr
                .contains("Forked practice/hello-contrib to you/hello-contrib"),
        "{}",
        out.stderr
    );
}

#[test]
fn start_without_an_issue_needs_a_branch() {
    let env = TestEnv::with_sandbox();
    let out = env.run(&["start", "practice/hello-contrib"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--branch NAME"), "{}", out.stderr);
    let bad = env.run(&[
        "start",
        "practice/hello-contrib",
        "--branch",
        "no spaces please",
    ]);
    bad.expect_code(2);
    let v = start_json(
        &env,
        &env.work,
        &["practice/hello-contrib", "--branch", "my-idea"],
    );
    assert_eq!(v["branch"], "my-idea");
    assert_eq!(v["issue"], Value::Null);
    let dir = env.work.join("hello-contrib");
    assert_contribution_clone(
        &env,
        &dir,
        "you/hello-contrib",
        "practice/hello-contrib",
        "my-idea",
    );
    assert!(
        git(&env, &dir, &["config", "--get-regexp", "contrib"])
            .lines()
            .all(|l| !l.starts_with("contrib.issue"))
    );
}

#[test]
fn an_existing_fork_is_reused() {
    let env = TestEnv::with_sandbox();
    let first = start_json(
        &env,
        &env.work,
        &["practice/hello-contrib#1", "--dir", "one"],
    );
    assert_eq!(first["fork"]["created"], true);
    let second = start_json(
        &env,
        &env.work,
        &["practice/hello-contrib#7", "--dir", "two"],
    );
    assert_eq!(second["fork"]["created"], false);
    assert_eq!(second["origin"]["full_name"], "you/hello-contrib");
    let forks = env.state()["repos"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["parent"] == "practice/hello-contrib")
        .count();
    assert_eq!(forks, 1);
}

#[test]
fn a_renamed_fork_is_found() {
    let env = TestEnv::with_sandbox();
    let (status, _) = crate::common::http(
        env.sandbox().addr,
        "POST",
        "/api/v3/repos/practice/hello-contrib/forks",
        &[("Authorization", &format!("token {}", env.sandbox().token))],
        Some(r#"{"name":"my-hello"}"#),
    );
    assert_eq!(status, 202);
    let v = start_json(&env, &env.work, &["practice/hello-contrib#1"]);
    assert_eq!(v["origin"]["full_name"], "you/my-hello");
    assert_contribution_clone(
        &env,
        &env.work.join("hello-contrib"),
        "you/my-hello",
        "practice/hello-contrib",
        "fix/1-fix-the-typo-in-the-greeting-helo",
    );
}

#[test]
fn fork_into_an_organisation() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "users",
        json!({"login": "team", "org": true, "members": ["you"]}),
    );
    let v = start_json(
        &env,
        &env.work,
        &[
            "practice/hello-contrib#1",
            "--org",
            "team",
            "--fork-name",
            "hello",
        ],
    );
    assert_eq!(v["origin"]["full_name"], "team/hello");
    let out = env.run(&[
        "start",
        "practice/hello-contrib#1",
        "--org",
        "practice",
        "--dir",
        "x",
    ]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("you may not create repositories in practice"),
        "{}",
        out.stderr
    );
}

#[test]
fn own_repository_needs_no_fork() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "repos",
        json!({"owner": "you", "name": "own", "from": "practice/hello-contrib"}),
    );
    let v = start_json(&env, &env.work, &["you/own", "--branch", "tweak"]);
    assert_eq!(v["fork"], Value::Null);
    let dir = env.work.join("own");
    assert_eq!(
        git(&env, &dir, &["remote", "get-url", "origin"]),
        url(&env, "you/own")
    );
    assert_eq!(
        git(&env, &dir, &["remote", "get-url", "upstream"]),
        url(&env, "you/own")
    );
    assert!(
        !env.state()["repos"]
            .as_object()
            .unwrap()
            .contains_key("you/own-1")
    );
}

#[test]
fn starting_from_your_fork_means_its_parent() {
    let env = TestEnv::with_sandbox();
    start_json(
        &env,
        &env.work,
        &["practice/hello-contrib#1", "--dir", "first"],
    );
    let v = start_json(
        &env,
        &env.work,
        &["you/hello-contrib", "--issue", "4", "--dir", "second"],
    );
    assert_eq!(v["upstream"]["full_name"], "practice/hello-contrib");
    assert_eq!(v["branch"], "feat/4-greet-in-spanish-when-asked");
}

#[test]
fn adopt_a_clone_of_the_upstream() {
    let env = TestEnv::with_sandbox();
    git(
        &env,
        &env.work,
        &["clone", "-q", &url(&env, "practice/hello-contrib"), "mine"],
    );
    let dir = env.work.join("mine");
    let marker = dir.join(".git/objects/marker");
    std::fs::write(&marker, "kept").unwrap();
    let out = env.run_in(&dir, &["start", "practice/hello-contrib#1"], None);
    out.expect_code(0);
    assert!(out.stderr.contains("Using the clone in"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("renamed the remote 'origin' to 'upstream'"),
        "{}",
        out.stderr
    );
    assert!(marker.exists(), "the same clone, not a new one");
    assert_contribution_clone(
        &env,
        &dir,
        "you/hello-contrib",
        "practice/hello-contrib",
        "fix/1-fix-the-typo-in-the-greeting-helo",
    );
}

#[test]
fn adopt_a_clone_of_the_fork() {
    let env = TestEnv::with_sandbox();
    start_json(
        &env,
        &env.work,
        &["practice/hello-contrib#1", "--dir", "first"],
    );
    env.wait_for_fork("you/hello-contrib");
    git(
        &env,
        &env.work,
        &["clone", "-q", &url(&env, "you/hello-contrib"), "forked"],
    );
    let dir = env.work.join("forked");
    let v = start_json(&env, &dir, &["practice/hello-contrib#9"]);
    assert_eq!(v["adopted"], true);
    assert_contribution_clone(
        &env,
        &dir,
        "you/hello-contrib",
        "practice/hello-contrib",
        "fix/9-emoji-in-names-break-the-greeting-tada",
    );
}

#[test]
fn an_occupied_directory_is_refused_and_left_alone() {
    let env = TestEnv::with_sandbox();
    let dir = env.work.join("hello-contrib");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "my notes").unwrap();
    let out = env.run(&["start", "practice/hello-contrib#1"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("already exists and is not a clone of practice/hello-contrib"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was changed"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "my notes"
    );
    assert!(!dir.join(".git").exists());
    // An empty directory is fine.
    std::fs::remove_file(dir.join("notes.txt")).unwrap();
    env.run(&["start", "practice/hello-contrib#1"])
        .expect_code(0);
}

#[test]
fn running_it_again_switches_to_the_branch_and_keeps_work() {
    let env = TestEnv::with_sandbox();
    start_json(&env, &env.work, &["practice/hello-contrib#1"]);
    let dir = env.work.join("hello-contrib");
    std::fs::write(dir.join("hello.py"), "print('Hello')\n").unwrap();
    let again = start_json(&env, &env.work, &["practice/hello-contrib#1"]);
    assert_eq!(again["adopted"], true);
    assert_eq!(again["branch_created"], false);
    assert_eq!(
        std::fs::read_to_string(dir.join("hello.py")).unwrap(),
        "print('Hello')\n",
        "uncommitted work kept"
    );
    // Another issue from inside the clone: a second branch; the change comes along or the
    // switch is refused, but nothing is lost.
    let out = env.run_in(&dir, &["start", "practice/hello-contrib#7"], None);
    assert_eq!(
        std::fs::read_to_string(dir.join("hello.py")).unwrap(),
        "print('Hello')\n"
    );
    assert!(
        out.code == 0
            || out
                .stderr
                .contains("your uncommitted changes are in the way"),
        "{out:?}"
    );
}

#[test]
fn the_fork_may_come_after_the_clone_and_the_push_still_works() {
    // A generous delay: on a busy machine start must still finish well before it.
    let env = TestEnv::with_sandbox_options(|o| o.fork_delay = std::time::Duration::from_secs(6));
    let started = std::time::Instant::now();
    let v = start_json(&env, &env.work, &["practice/hello-contrib#1"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(6),
        "start did not wait for the fork"
    );
    assert_eq!(v["fork"]["ready"], false);
    assert!(
        v["notes"][0].as_str().unwrap().contains("still being made"),
        "{v}"
    );
    let dir = env.work.join("hello-contrib");
    std::fs::write(dir.join("hello.py"), "print('Hello')\n").unwrap();
    git(&env, &dir, &["commit", "-q", "-am", "fix: typo"]);
    env.wait_for_fork("you/hello-contrib");
    let pushed = env.push_with_helper(&dir, &["push", "-q", "origin", "HEAD"]);
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let refs = env.admin("GET", "refs/you/hello-contrib", Value::Null);
    assert_eq!(
        refs["refs/heads/fix/1-fix-the-typo-in-the-greeting-helo"],
        git(&env, &dir, &["rev-parse", "HEAD"])
    );
}

#[test]
fn the_credential_helper_answers_only_for_its_host() {
    let env = TestEnv::with_sandbox();
    let host = env.sandbox().addr.to_string();
    let ask = |input: &str| env.run_with_stdin(&["auth", "git-credential", "get"], input);
    let ok = ask(&format!("protocol=http\nhost={host}\n\n"));
    ok.expect_code(0);
    assert_eq!(
        ok.stdout,
        format!(
            "username=x-access-token\npassword={}\n",
            env.sandbox().token
        )
    );
    for other in [
        "protocol=https\nhost=github.com\n\n".to_string(),
        format!("protocol=https\nhost={host}\n\n"),
        "protocol=http\nhost=evil.example\n\n".into(),
    ] {
        let out = ask(&other);
        out.expect_code(0);
        assert_eq!(out.stdout, "", "nothing for {other:?}");
    }
    let store = env.run_with_stdin(
        &["auth", "git-credential", "store"],
        &format!("protocol=http\nhost={host}\npassword=x\n\n"),
    );
    store.expect_code(0);
    assert_eq!(store.stdout, "");
}

#[test]
fn a_cut_connection_mid_clone_leaves_nothing_and_a_rerun_completes() {
    let env = TestEnv::with_sandbox();
    // The pack arrives in part, then the connection drops.
    env.admin("POST", "faults", json!({"method": "POST", "path": "/practice/hello-contrib.git/git-upload-pack", "cut_after": 600, "count": 10}));
    let out = env.run(&["start", "practice/hello-contrib#1"]);
    out.expect_code(3);
    assert!(out.stderr.contains("could not clone"), "{}", out.stderr);
    assert!(
        out.stderr.contains("nothing was left behind"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_dir(&env.work).unwrap().count(),
        0,
        "no half-made directory"
    );
    // A killed run leaves only a hidden partial clone, which the next run replaces.
    env.admin("DELETE", "faults", Value::Null);
    std::fs::create_dir_all(env.work.join(".hello-contrib.contrib-partial/.git")).unwrap();
    let v = start_json(&env, &env.work, &["practice/hello-contrib#1"]);
    assert_eq!(v["branch_created"], true);
    assert!(!env.work.join(".hello-contrib.contrib-partial").exists());
}

fn expect_failure(env: &TestEnv, args: &[&str], code: i32, words: &[&str]) -> Output {
    let out = env.run(args);
    out.expect_code(code);
    for w in words {
        assert!(out.stderr.contains(w), "expected {w:?} in:\n{}", out.stderr);
    }
    assert_eq!(
        std::fs::read_dir(&env.work).unwrap().count(),
        0,
        "nothing made on failure"
    );
    out
}

#[test]
fn failures_say_what_to_do() {
    let mut env = TestEnv::with_sandbox();
    expect_failure(
        &env,
        &["start", "practice/nope#1"],
        1,
        &[
            "practice/nope was not found on 127.0.0.1:",
            "check the spelling",
        ],
    );
    expect_failure(
        &env,
        &["start", "practice/hello-contrib#99"],
        1,
        &["has no issue #99"],
    );
    expect_failure(
        &env,
        &["start", "practice/hello-contrib#11"],
        2,
        &["#11 is a pull request, not an issue"],
    );
    expect_failure(
        &env,
        &["start", "not a target"],
        2,
        &["is not a repository or an issue"],
    );

    env.admin(
        "POST",
        "maintainer",
        json!({"action": "disable_forking", "repo": "practice/multi-template"}),
    );
    expect_failure(
        &env,
        &["start", "practice/multi-template#1"],
        1,
        &[
            "practice/multi-template does not allow forks",
            "CONTRIBUTING",
        ],
    );
    assert!(!env.work.join("multi-template").exists());

    env.admin(
        "POST",
        "maintainer",
        json!({"action": "archive", "repo": "practice/multi-template"}),
    );
    expect_failure(
        &env,
        &["start", "practice/multi-template#1"],
        1,
        &["is archived (read-only)"],
    );

    env.admin(
        "POST",
        "rate_limit",
        json!({"login": "you", "remaining": 0}),
    );
    expect_failure(
        &env,
        &["start", "practice/hello-contrib#1"],
        3,
        &["rate limit is used up", "it resets at"],
    );

    env.unset("GH_TOKEN");
    expect_failure(
        &env,
        &["start", "practice/hello-contrib#1"],
        1,
        &["no GitHub token found", "contrib auth login"],
    );
}

#[test]
fn a_documented_branch_rule_wins() {
    let env = TestEnv::with_sandbox();
    env.add_user("rules", "t-rules", Some(&["repo"]));
    env.admin("POST", "repos", json!({"owner": "rules", "name": "proj", "from": "practice/hello-contrib", "with_issues": true}));
    let addr = env.sandbox().addr;
    let work = env.work.join("setup");
    git(
        &env,
        &env.work,
        &["clone", "-q", &url(&env, "rules/proj"), "setup"],
    );
    std::fs::write(work.join("CONTRIBUTING.md"), "# Contributing\n\nBranch name should start with issue id and after id there should be - e.g. 123-My_Cool-Feature\n").unwrap();
    git(&env, &work, &["commit", "-q", "-am", "docs: branch rule"]);
    git(
        &env,
        &work,
        &[
            "push",
            "-q",
            &format!("http://r:t-rules@{addr}/rules/proj.git"),
            "HEAD:main",
        ],
    );
    let v = start_json(&env, &env.work, &["rules/proj#3", "--dir", "p"]);
    assert_eq!(v["branch"], "3-handle-empty-names-gracefully");
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("CONTRIBUTING.md:3")),
        "{v}"
    );
    // An explicit --branch still wins.
    let v = start_json(
        &env,
        &env.work,
        &["rules/proj#3", "--dir", "q", "--branch", "mine"],
    );
    assert_eq!(v["branch"], "mine");
}
