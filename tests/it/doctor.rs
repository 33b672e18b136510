//! `contrib doctor` against the sandbox: all good, bad token, missing scope, unreachable.

use crate::common::TestEnv;

#[test]
fn all_good() {
    let env = TestEnv::with_sandbox();
    let out = env.run(&["doctor"]);
    out.expect_code(0);
    insta::assert_snapshot!(env.redact(&out.stdout), @r"
    ✓ git identity: Test User <test@example.com>
    ✓ token: found in the GH_TOKEN environment variable
    ✓ token valid: logged in as you
    ✓ scopes: repo, read:org, user:email
    ✓ api: http://127.0.0.1:[PORT]/api/v3 reachable; 4999 of 5000 requests left this hour (resets [HH:MM] UTC)
    – repository: not inside a git repository
    ");
}

#[test]
fn bad_token() {
    let mut env = TestEnv::with_sandbox();
    env.set("GH_TOKEN", "revoked-token");
    let out = env.run(&["doctor"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("✗ token valid: could not check the token: 127.0.0.1:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("rejected the token (401 Bad credentials)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("hint: the token may be expired or revoked"),
        "{}",
        out.stdout
    );
    // The API itself is still reachable (anonymously).
    assert!(out.stdout.contains("✓ api:"), "{}", out.stdout);
    assert!(
        out.stderr.contains("error: 1 check failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_scope() {
    let mut env = TestEnv::with_sandbox();
    env.add_user("reader", "t-no-repo", Some(&["gist"]));
    env.set("GH_TOKEN", "t-no-repo");
    let out = env.run(&["doctor", "--json"]);
    out.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let scopes = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "scopes")
        .unwrap();
    assert_eq!(scopes["status"], "fail");
    assert!(
        scopes["hint"].as_str().unwrap().contains("'public_repo'"),
        "{scopes}"
    );
}

#[test]
fn unreachable_host() {
    let mut env = TestEnv::with_sandbox();
    env.set("CONTRIB_API_URL", "http://127.0.0.1:9/api/v3");
    let out = env.run(&["doctor"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("– token valid: not checked: GitHub could not be reached"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("✗ api: could not reach 127.0.0.1:9"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Connection refused"), "{}", out.stdout);
}

#[test]
fn missing_git_identity_and_no_token() {
    let mut env = TestEnv::with_sandbox();
    std::fs::write(env.home.join(".gitconfig"), "").unwrap();
    env.unset("GH_TOKEN");
    let out = env.run(&["doctor"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("✗ git identity: user.name and user.email not set"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("git config --global user.email"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("✗ token: no GitHub token found"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("error: 2 checks failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn remotes_of_the_current_repository() {
    let env = TestEnv::with_sandbox();
    let repo = env.work.join("clone");
    std::fs::create_dir_all(&repo).unwrap();
    env.git(&repo, &["init", "-q"]);
    env.git(
        &repo,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/you/hello.git",
        ],
    );
    let out = env.run_in(&repo, &["doctor"], None);
    out.expect_code(0);
    assert!(out.stdout.contains("! repository:"), "{}", out.stdout);
    assert!(
        out.stdout.contains("no 'upstream' remote"),
        "{}",
        out.stdout
    );
    env.git(
        &repo,
        &[
            "remote",
            "add",
            "upstream",
            "https://github.com/practice/hello.git",
        ],
    );
    let out = env.run_in(&repo, &["doctor"], None);
    assert!(
        out.stdout.contains("✓ repository:")
            && out
                .stdout
                .contains("upstream https://github.com/practice/hello.git"),
        "{}",
        out.stdout
    );
}
