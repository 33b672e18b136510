//! `contrib pr` on the sandbox: the body sent exactly, and every way it can go wrong.

use crate::common::TestEnv;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn prepared(env: &TestEnv, target: &str) -> PathBuf {
    env.started_with_a_commit(target, "print('Hello')\n")
}

fn pulls(env: &TestEnv, repo: &str) -> Vec<Value> {
    env.state()["repos"][repo]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["pull"].is_object())
        .cloned()
        .collect()
}

fn pr(env: &TestEnv, dir: &Path, args: &[&str]) -> crate::common::Output {
    let mut all = vec!["pr"];
    all.extend_from_slice(args);
    env.run_in(dir, &all, None)
}

/// A project with no pull-request template, started on the branch `tweak`.
fn plain_project(env: &TestEnv) {
    let src = env.base().join("plain-src");
    std::fs::create_dir_all(&src).unwrap();
    env.git(&src, &["init", "-q", "-b", "main"]);
    std::fs::write(src.join("README.md"), "# plain\n").unwrap();
    env.git(&src, &["add", "README.md"]);
    env.git(&src, &["commit", "-q", "-m", "start"]);
    env.admin(
        "POST",
        "repos",
        json!({"owner": "plain", "name": "proj", "from": src.to_str().unwrap()}),
    );
    env.run(&["start", "plain/proj", "--branch", "tweak"])
        .expect_code(0);
}

const TEMPLATE: &str =
    include_str!("../../src/sandbox/seed/hello-contrib/.github/PULL_REQUEST_TEMPLATE.md");

#[test]
fn opened_with_the_exact_body() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    let out = pr(
        &env,
        &dir,
        &[
            "--section",
            "What does this pull request do?=Fixes the greeting's typo.",
            "--check",
            "signed off",
            "--check",
            "unittest",
            "--json",
        ],
    );
    out.expect_code(0);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["number"], 12);
    let expected = TEMPLATE
        .replace(
            "<!-- Describe the change in a sentence or two. What problem does it solve? -->\n",
            "Fixes the greeting's typo.\n",
        )
        .replace(
            "<!-- Link the issue, e.g. \"Fixes #12\". -->\nFixes #\n",
            "Fixes #1\n",
        )
        .replace(
            "- [ ] My commits are signed off",
            "- [x] My commits are signed off",
        )
        .replace("- [ ] `python3 -m unittest", "- [x] `python3 -m unittest");
    let sent = &pulls(&env, "practice/hello-contrib")[1];
    assert_eq!(sent["body"].as_str().unwrap(), expected);
    assert_eq!(sent["title"], "fix: correct the greeting");
    assert_eq!(sent["pull"]["head_repo"], "you/hello-contrib");
    assert_eq!(
        sent["pull"]["head_ref"],
        "fix/1-fix-the-typo-in-the-greeting-helo"
    );
    assert_eq!(sent["pull"]["maintainer_can_modify"], true);
    // The push set up tracking.
    assert_eq!(
        env.git(&dir, &["rev-parse", "--abbrev-ref", "@{upstream}"]),
        "origin/fix/1-fix-the-typo-in-the-greeting-helo"
    );
}

#[test]
fn dry_run_sends_nothing() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    let out = pr(
        &env,
        &dir,
        &["--dry-run", "--draft", "--title", "fix: typo"],
    );
    out.expect_code(0);
    assert!(
        out.stdout.contains("POST http://127.0.0.1:"),
        "{}",
        out.stdout
    );
    let body: Value = serde_json::from_str(&out.stdout[out.stdout.find('{').unwrap()..]).unwrap();
    assert_eq!(body["head"], "you:fix/1-fix-the-typo-in-the-greeting-helo");
    assert_eq!(body["draft"], true);
    assert!(body["body"].as_str().unwrap().contains("Fixes #1"));
    assert_eq!(
        pulls(&env, "practice/hello-contrib").len(),
        1,
        "no new pull request"
    );
    let refs = env.admin("GET", "refs/you/hello-contrib", Value::Null);
    assert!(
        refs.get("refs/heads/fix/1-fix-the-typo-in-the-greeting-helo")
            .is_none(),
        "nothing pushed"
    );
}

#[test]
fn without_a_terminal_it_needs_flags() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    let out = pr(&env, &dir, &[]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("--section")
            && out.stderr.contains("--body-file")
            && out.stderr.contains("--yes"),
        "{}",
        out.stderr
    );
    // --yes sends the prefilled template: the issue linked, the commit listed.
    pr(&env, &dir, &["--yes"]).expect_code(0);
    let body = pulls(&env, "practice/hello-contrib")[1]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.contains("Fixes #1\n") && body.contains("- fix: correct the greeting"),
        "{body}"
    );
}

#[test]
fn waits_for_a_fork_that_is_not_ready() {
    let env = TestEnv::with_sandbox_options(|o| o.fork_delay = std::time::Duration::from_secs(3));
    let dir = prepared(&env, "practice/hello-contrib#1");
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(0);
    assert!(
        out.stderr
            .contains("Waiting for GitHub to finish making your fork"),
        "{}",
        out.stderr
    );
    assert_eq!(pulls(&env, "practice/hello-contrib").len(), 2);
}

#[test]
fn an_open_pull_request_is_updated_not_duplicated() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    pr(&env, &dir, &["--yes"]).expect_code(0);
    let out = pr(
        &env,
        &dir,
        &[
            "--title",
            "fix: the greeting",
            "--section",
            "How was it tested?=Ran the tests.",
        ],
    );
    out.expect_code(2);
    assert!(
        out.stdout.contains("A pull request is already open"),
        "{}",
        out.stdout
    );
    pr(
        &env,
        &dir,
        &[
            "--yes",
            "--title",
            "fix: the greeting",
            "--section",
            "How was it tested?=Ran the tests.",
        ],
    )
    .expect_code(0);
    let all = pulls(&env, "practice/hello-contrib");
    assert_eq!(all.len(), 2, "still one of ours");
    assert_eq!(all[1]["title"], "fix: the greeting");
    assert!(all[1]["body"].as_str().unwrap().contains("Ran the tests."));
}

#[test]
fn githubs_422_in_plain_words_and_a_recovery_file() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    // The project already has the commits: GitHub answers "No commits between".
    let addr = env.sandbox().addr;
    env.git(
        &dir,
        &[
            "push",
            "-q",
            &format!("http://m:sandbox-maintainer-mona@{addr}/practice/hello-contrib.git"),
            "HEAD:main",
        ],
    );
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("No commits between main and you:fix/1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("GitHub sees nothing in"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("contrib pr --recover"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_failed_create_keeps_the_description_for_recover() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    env.admin("POST", "faults", json!({"method": "POST", "path": "/api/v3/repos/practice/hello-contrib/pulls", "status": 502}));
    let out = pr(
        &env,
        &dir,
        &[
            "--section",
            "What does this=My careful words.",
            "--title",
            "fix: careful",
        ],
    );
    out.expect_code(3);
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains("contrib pr --recover"))
        .expect("a recover hint")
        .to_string();
    let file = line
        .split("--recover ")
        .nth(1)
        .unwrap()
        .trim_end_matches('`')
        .split('`')
        .next()
        .unwrap()
        .to_string();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("My careful words.")
    );
    pr(&env, &dir, &["--recover", &file]).expect_code(0);
    let sent = &pulls(&env, "practice/hello-contrib")[1];
    assert_eq!(sent["title"], "fix: careful");
    assert!(sent["body"].as_str().unwrap().contains("My careful words."));
}

#[test]
fn a_rejected_push_is_an_error() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    pr(&env, &dir, &["--yes"]).expect_code(0);
    // Someone else's commit lands on the fork's branch; ours is rewritten locally.
    env.git(
        &dir,
        &[
            "commit",
            "-q",
            "--amend",
            "-m",
            "fix: other words\n\nSigned-off-by: Test User <test@example.com>",
        ],
    );
    let token = env.sandbox().token.clone();
    let other = env.work.join("other");
    env.git(
        &env.work,
        &[
            "clone",
            "-q",
            &format!("http://{}/you/hello-contrib.git", env.sandbox().addr),
            "other",
        ],
    );
    env.git(
        &other,
        &["checkout", "-q", "fix/1-fix-the-typo-in-the-greeting-helo"],
    );
    std::fs::write(other.join("x.txt"), "x").unwrap();
    env.git(&other, &["add", "x.txt"]);
    env.git(&other, &["commit", "-q", "-m", "x"]);
    env.git(
        &other,
        &[
            "push",
            "-q",
            &format!(
                "http://y:{token}@{}/you/hello-contrib.git",
                env.sandbox().addr
            ),
            "HEAD",
        ],
    );
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("could not push") && out.stderr.contains("has commits on"),
        "{}",
        out.stderr
    );
}

#[test]
fn preflight_checks() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    // A commit without sign-off, in a DCO project.
    std::fs::write(dir.join("README.md"), "x\n").unwrap();
    env.git(&dir, &["commit", "-q", "-am", "docs: x"]);
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("1 commit(s) lack the Signed-off-by line"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("contrib commit --fix-signoff"),
        "{}",
        out.stderr
    );
    env.git(&dir, &["switch", "-q", "main"]);
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the project's default branch"),
        "{}",
        out.stderr
    );
    env.git(&dir, &["switch", "-q", "-c", "empty", "upstream/main"]);
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("has no commits that upstream/main does not have"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_folder_of_templates_needs_a_choice() {
    let env = TestEnv::with_sandbox();
    env.run(&["start", "practice/multi-template#1"])
        .expect_code(0);
    let dir = env.work.join("multi-template");
    std::fs::write(dir.join("README.md"), "# multi\n\nPick bug_fix for bugs.\n").unwrap();
    env.run_in(
        &dir,
        &["commit", "-a", "-m", "docs: explain the templates"],
        None,
    )
    .expect_code(0);
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("several pull-request templates")
            && out.stderr.contains("bug_fix.md, feature.md"),
        "{}",
        out.stderr
    );
    let out = pr(
        &env,
        &dir,
        &[
            "--yes",
            "--template",
            "New feature",
            "--check",
            "Documentation updated",
        ],
    );
    out.expect_code(0);
    let body = pulls(&env, "practice/multi-template")[0]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !body.contains("name: New feature"),
        "front matter is not in the body: {body}"
    );
    assert!(body.contains("- [x] Documentation updated"), "{body}");
    assert!(body.contains("Fixes #1"), "{body}");
}

#[test]
fn a_project_without_a_template_gets_the_default_one() {
    let env = TestEnv::with_sandbox();
    plain_project(&env);
    let dir = env.work.join("proj");
    std::fs::write(dir.join("README.md"), "# plain\n\nMore.\n").unwrap();
    env.run_in(
        &dir,
        &["commit", "-a", "-m", "Say more in the README"],
        None,
    )
    .expect_code(0);
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(0);
    assert!(
        out.stderr.contains("Using contrib's default template"),
        "{}",
        out.stderr
    );
    let body = pulls(&env, "plain/proj")[0]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.starts_with("## What problem does this solve?\n\n- Say more in the README\n"),
        "{body}"
    );
    assert!(
        body.contains("## How was it tested?\n\n<!-- The commands you ran"),
        "untouched sections stay: {body}"
    );
}

#[test]
fn web_opens_the_filled_page_in_the_browser() {
    let mut env = TestEnv::with_sandbox();
    let dir = prepared(&env, "practice/hello-contrib#1");
    let seen = env.base().join("opened.txt");
    let browser = env.base().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", seen.display()),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", browser.to_str().unwrap()])
        .status()
        .unwrap();
    env.set("BROWSER", browser.to_str().unwrap());
    let out = pr(&env, &dir, &["--web", "--title", "fix: typo"]);
    out.expect_code(0);
    let url = std::fs::read_to_string(&seen).unwrap();
    assert!(url.contains("/practice/hello-contrib/compare/main...you:fix/1-fix-the-typo-in-the-greeting-helo?expand=1&title=fix%3A+typo&body="), "{url}");
    assert!(url.contains("Fixes+%231"), "the body is filled: {url}");
    assert_eq!(
        pulls(&env, "practice/hello-contrib").len(),
        1,
        "nothing opened through the API"
    );
}

#[test]
fn the_default_template_in_chinese_only_when_asked() {
    let env = TestEnv::with_sandbox();
    plain_project(&env);
    let dir = env.work.join("proj");
    std::fs::write(dir.join("README.md"), "# plain\n\nMore.\n").unwrap();
    env.run_in(&dir, &["commit", "-a", "-m", "Say more"], None)
        .expect_code(0);
    pr(&env, &dir, &["--yes", "--pr-lang", "zh"]).expect_code(0);
    let body = pulls(&env, "plain/proj")[0]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.starts_with("## 解决了什么问题？\n\n- Say more\n"),
        "{body}"
    );
}

#[test]
fn a_branch_rewritten_after_pushing_is_replaced_with_a_lease() {
    let env = TestEnv::with_sandbox();
    env.run(&["start", "practice/hello-contrib#1"])
        .expect_code(0);
    let dir = env.work.join("hello-contrib");
    // A commit without sign-off, pushed by hand…
    std::fs::write(dir.join("hello.py"), "print('Hello')\n").unwrap();
    env.git(&dir, &["commit", "-q", "-am", "fix: typo"]);
    env.wait_for_fork("you/hello-contrib");
    assert!(
        env.push_with_helper(&dir, &["push", "-q", "origin", "HEAD"])
            .status
            .success()
    );
    // …then signed off: the pull request replaces the fork's branch safely.
    env.run_in(&dir, &["commit", "--fix-signoff", "--yes"], None)
        .expect_code(0);
    let out = pr(&env, &dir, &["--yes"]);
    out.expect_code(0);
    assert!(out.stderr.contains("Replacing"), "{}", out.stderr);
    let branch = env.git(&dir, &["branch", "--show-current"]);
    let refs = env.admin("GET", "refs/you/hello-contrib", Value::Null);
    assert_eq!(
        refs[format!("refs/heads/{branch}")],
        env.git(&dir, &["rev-parse", "HEAD"])
    );
    let body = &pulls(&env, "practice/hello-contrib")[1];
    assert_eq!(body["pull"]["head_ref"], branch.as_str());
}
