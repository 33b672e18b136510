//! Token lookup in gh's order, and `auth status|login|logout`.

use crate::common::TestEnv;
use serde_json::Value;

fn status_json(env: &TestEnv) -> Value {
    let out = env.run(&["auth", "status", "--json"]);
    out.expect_code(0);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// Five users, one token in each source; removing sources one by one shows each one wins
/// over all the ones after it.
#[test]
fn token_sources_in_order() {
    let mut env = TestEnv::with_sandbox();
    for (user, token) in [
        ("u-env", "t-env"),
        ("u-github", "t-github"),
        ("u-gh", "t-gh"),
        ("u-stored", "t-stored"),
        ("u-cred", "t-cred"),
    ] {
        env.add_user(user, token, Some(&["public_repo"]));
    }
    let host = env.sandbox().addr.to_string();

    // contrib's stored token (written by `auth login`, with nothing else set).
    env.unset("GH_TOKEN");
    let out = env.run_with_stdin(&["auth", "login", "--with-token"], "t-stored\n");
    out.expect_code(0);
    assert!(out.stdout.contains("Logged in to"), "{}", out.stdout);

    // git's credential helper.
    let gitconfig = env.home.join(".gitconfig");
    let mut cfg = std::fs::read_to_string(&gitconfig).unwrap();
    cfg.push_str(
        "[credential]\n\thelper = \"!f() { echo username=x; echo password=t-cred; }; f\"\n",
    );
    std::fs::write(&gitconfig, cfg).unwrap();

    // gh's hosts.yml, several users on the host: the active one counts.
    let gh = env.home.join(".config/gh");
    std::fs::create_dir_all(&gh).unwrap();
    std::fs::write(
        gh.join("hosts.yml"),
        format!("{host}:\n    users:\n        someone-else:\n            oauth_token: t-nobody\n        u-gh:\n            oauth_token: t-gh\n    user: u-gh\n    git_protocol: https\n"),
    )
    .unwrap();

    env.set("GITHUB_TOKEN", "t-github");
    env.set("GH_TOKEN", "t-env");

    let expect = |env: &TestEnv, login: &str, source: &str| {
        let v = status_json(env);
        assert_eq!(v["login"], login, "{v}");
        assert_eq!(v["source"], source, "{v}");
    };
    expect(&env, "u-env", "GH_TOKEN");
    env.unset("GH_TOKEN");
    expect(&env, "u-github", "GITHUB_TOKEN");
    env.unset("GITHUB_TOKEN");
    expect(&env, "u-gh", "gh");
    std::fs::remove_file(gh.join("hosts.yml")).unwrap();
    expect(&env, "u-stored", "contrib");
    env.run(&["auth", "logout"]).expect_code(0);
    expect(&env, "u-cred", "git-credential");

    // GH_CONFIG_DIR moves gh's files.
    let elsewhere = env.base().join("gh-elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("hosts.yml"),
        format!("{host}:\n    oauth_token: t-gh\n    user: u-gh\n"),
    )
    .unwrap();
    env.set("GH_CONFIG_DIR", elsewhere.to_str().unwrap());
    expect(&env, "u-gh", "gh");
}

#[test]
fn enterprise_variables_are_not_used_for_github_com_or_the_sandbox() {
    let mut env = TestEnv::with_sandbox();
    let token = env.var("GH_TOKEN").unwrap().to_string();
    env.unset("GH_TOKEN");
    env.set("GH_ENTERPRISE_TOKEN", &token);
    env.set("GITHUB_ENTERPRISE_TOKEN", &token);
    let out = env.run(&["auth", "status"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("error: no GitHub token found for 127.0.0.1:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: create a token with the 'public_repo' scope"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("contrib auth login"), "{}", out.stderr);
}

#[test]
fn login_stores_the_token_with_mode_0600_and_logout_removes_it() {
    use std::os::unix::fs::PermissionsExt;
    let mut env = TestEnv::with_sandbox();
    let token = env.var("GH_TOKEN").unwrap().to_string();
    env.unset("GH_TOKEN");
    env.run_with_stdin(&["auth", "login", "--with-token"], &format!("  {token}\n"))
        .expect_code(0);
    let path = env.home.join(".config/contrib/credentials.json");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "credentials file mode");
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700, "config dir mode");
    assert_eq!(status_json(&env)["source"], "contrib");

    let out = env.run(&["auth", "logout"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("Removed contrib's token"),
        "{}",
        out.stdout
    );
    assert!(!std::fs::read_to_string(&path).unwrap().contains(&token));
    env.run(&["auth", "status"]).expect_code(1);
    let again = env.run(&["auth", "logout"]);
    again.expect_code(0);
    assert!(
        again.stdout.contains("had no token stored"),
        "{}",
        again.stdout
    );
}

#[test]
fn login_refuses_a_bad_or_empty_token_and_stores_nothing() {
    let mut env = TestEnv::with_sandbox();
    env.unset("GH_TOKEN");
    let out = env.run_with_stdin(&["auth", "login", "--with-token"], "not-a-real-token\n");
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("rejected the token (401 Bad credentials)"),
        "{}",
        out.stderr
    );
    assert!(!env.home.join(".config/contrib/credentials.json").exists());
    let out = env.run_with_stdin(&["auth", "login", "--with-token"], "\n");
    out.expect_code(1);
    assert!(out.stderr.contains("the token is empty"), "{}", out.stderr);
}

#[test]
fn status_warns_when_the_token_cannot_open_pull_requests() {
    let mut env = TestEnv::with_sandbox();
    env.add_user("reader", "t-read-only", Some(&["read:org"]));
    env.set("GH_TOKEN", "t-read-only");
    let out = env.run(&["auth", "status"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("! scopes: read:org — without 'public_repo'"),
        "{}",
        out.stdout
    );
    let v = status_json(&env);
    assert_eq!(v["can_contribute"], false);
    // A fine-grained token reports no scopes: not a warning.
    env.add_user("fine", "t-fine", None);
    env.set("GH_TOKEN", "t-fine");
    let out = env.run(&["auth", "status"]);
    assert!(
        out.stdout
            .contains("✓ scopes: not reported (fine-grained token)"),
        "{}",
        out.stdout
    );
}
