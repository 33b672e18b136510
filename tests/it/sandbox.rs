//! The sandbox: real git against it, REST routes, faults, ETags, restarts.

use crate::common::{TestEnv, http, http_full};

#[test]
fn git_clone_fetch_and_push_with_the_git_cli() {
    let env = TestEnv::with_sandbox();
    let addr = env.sandbox().addr;
    let clone = env.work.join("hello");
    // Anonymous clone of a public repository.
    env.git(
        &env.work,
        &[
            "clone",
            "-q",
            &format!("http://{addr}/practice/hello-contrib.git"),
            "hello",
        ],
    );
    assert!(clone.join("CONTRIBUTING.md").exists());
    assert!(clone.join(".github/PULL_REQUEST_TEMPLATE.md").exists());
    env.git(&clone, &["fetch", "-q", "origin"]);

    // Pushing to someone else's repository is refused, with and without a token.
    std::fs::write(clone.join("note.txt"), "hi\n").unwrap();
    env.git(&clone, &["add", "note.txt"]);
    env.git(&clone, &["commit", "-q", "-m", "note"]);
    let token = &env.sandbox().token;
    let push = |url: &str| {
        env.command("git", &["push", "-q", url, "HEAD:refs/heads/note"], &clone)
            .output()
            .unwrap()
    };
    let anon = push(&format!("http://{addr}/practice/hello-contrib.git"));
    assert!(!anon.status.success());
    let authed = push(&format!(
        "http://x:{token}@{addr}/practice/hello-contrib.git"
    ));
    assert!(!authed.status.success());
    assert!(
        String::from_utf8_lossy(&authed.stderr).contains("403"),
        "{}",
        String::from_utf8_lossy(&authed.stderr)
    );

    // Into a repository of your own (a fork), the push goes through.
    let (status, _) = http(
        addr,
        "POST",
        "/api/v3/repos/practice/hello-contrib/forks",
        &[("Authorization", &format!("token {token}"))],
        Some("{}"),
    );
    assert_eq!(status, 202);
    assert_eq!(
        env.state()["repos"]["you/hello-contrib"]["parent"],
        "practice/hello-contrib"
    );
    env.wait_for_fork("you/hello-contrib");
    let pushed = push(&format!("http://x:{token}@{addr}/you/hello-contrib.git"));
    assert!(
        pushed.status.success(),
        "push to your own fork: {}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let heads = env.git(
        &clone,
        &[
            "ls-remote",
            &format!("http://{addr}/you/hello-contrib.git"),
            "refs/heads/note",
        ],
    );
    assert!(heads.ends_with("refs/heads/note"), "{heads}");
    // A bad token that is sent is refused even for reads (git sends credentials only when
    // challenged, so send the header outright).
    let header = "http.extraHeader=Authorization: Basic eDp3cm9uZw=="; // x:wrong
    let bad = env
        .command(
            "git",
            &[
                "-c",
                header,
                "ls-remote",
                &format!("http://{addr}/practice/hello-contrib.git"),
            ],
            &clone,
        )
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let (status, _) = http(
        addr,
        "GET",
        "/practice/hello-contrib.git/info/refs?service=git-upload-pack",
        &[("Authorization", "Basic eDp3cm9uZw==")],
        None,
    );
    assert_eq!(status, 401);
    let (status, _) = http(
        addr,
        "GET",
        "/practice/hello-contrib.git/info/refs?service=git-upload-pack",
        &[],
        None,
    );
    assert_eq!(status, 200, "anonymous reads are fine");
}

#[test]
fn etag_304_does_not_count_against_the_rate_limit() {
    let env = TestEnv::with_sandbox();
    let addr = env.sandbox().addr;
    let auth = format!("token {}", env.sandbox().token);
    let (s1, h1, _) = http_full(
        addr,
        "GET",
        "/api/v3/repos/practice/hello-contrib",
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(s1, 200);
    let get = |name: &str, h: &[(String, String)]| {
        h.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let etag = get("etag", &h1);
    let remaining = get("x-ratelimit-remaining", &h1).parse::<u64>().unwrap();
    let (s2, h2, body) = http_full(
        addr,
        "GET",
        "/api/v3/repos/practice/hello-contrib",
        &[("Authorization", &auth), ("If-None-Match", &etag)],
        None,
    );
    assert_eq!(s2, 304);
    assert_eq!(body, "");
    assert_eq!(
        get("x-ratelimit-remaining", &h2).parse::<u64>().unwrap(),
        remaining,
        "a 304 is free"
    );
    assert_eq!(get("x-ratelimit-limit", &h2), "5000");
    assert_eq!(get("x-oauth-scopes", &h2), "repo, read:org, user:email");
    // Search has its own, smaller limit.
    let (_, h3, _) = http_full(
        addr,
        "GET",
        "/api/v3/search/issues?q=is:issue",
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(get("x-ratelimit-limit", &h3), "30");
    assert_eq!(get("x-ratelimit-resource", &h3), "search");
}

#[test]
fn state_survives_a_restart_with_the_same_dir() {
    let dir = tempfile::tempdir().unwrap();
    let token;
    {
        let sb =
            contrib::sandbox::Sandbox::start(contrib::sandbox::Options::new(dir.path())).unwrap();
        token = sb.token.clone();
        let (status, _) = http(
            sb.addr,
            "POST",
            "/api/v3/repos/practice/hello-contrib/issues/1/comments",
            &[("Authorization", &format!("token {token}"))],
            Some(r#"{"body":"I'd like to work on this"}"#),
        );
        assert_eq!(status, 201);
    }
    let sb = contrib::sandbox::Sandbox::start(contrib::sandbox::Options::new(dir.path())).unwrap();
    assert_eq!(sb.token, token, "same users and tokens");
    let (status, body) = http(
        sb.addr,
        "GET",
        "/api/v3/repos/practice/hello-contrib/issues/1/comments",
        &[],
        None,
    );
    assert_eq!(status, 200);
    assert!(body.contains("I'd like to work on this"), "{body}");
}

#[test]
fn refs_and_web_pages() {
    let env = TestEnv::with_sandbox();
    let refs = env.admin(
        "GET",
        "refs/practice/hello-contrib",
        serde_json::Value::Null,
    );
    assert!(
        refs["refs/heads/main"]
            .as_str()
            .is_some_and(|s| s.len() == 40),
        "{refs}"
    );
    assert!(refs["refs/pull/11/head"].is_string(), "{refs}");
    let addr = env.sandbox().addr;
    let (status, page) = http(addr, "GET", "/practice/hello-contrib/issues/1", &[], None);
    assert_eq!(status, 200);
    assert!(page.contains("#1 Fix the typo in the greeting"), "{page}");
    let (status, page) = http(addr, "GET", "/practice/hello-contrib/pull/11", &[], None);
    assert_eq!(status, 200);
    assert!(page.contains("Fixes #3"), "{page}");
    assert_eq!(
        http(addr, "GET", "/practice/hello-contrib/issues/99", &[], None).0,
        404
    );
}

#[test]
fn the_sandbox_command_prints_how_to_use_it_and_stops_on_ctrl_c() {
    use std::io::BufRead;
    let env = TestEnv::new();
    let dir = env.base().join("sb");
    let mut child = env
        .command(
            env!("CARGO_BIN_EXE_contrib"),
            &["sandbox", "--dir", dir.to_str().unwrap(), "--latency", "1"],
            &env.work,
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut api = None;
    let mut token = None;
    for _ in 0..20 {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(v) = line.trim().strip_prefix("export CONTRIB_API_URL=") {
            api = Some(v.to_string());
        }
        if let Some(v) = line.trim().strip_prefix("export GH_TOKEN=") {
            token = Some(v.to_string());
            break;
        }
    }
    let api = api.expect("prints CONTRIB_API_URL");
    let token = token.expect("prints GH_TOKEN");
    assert!(
        api.starts_with("http://127.0.0.1:") && api.ends_with("/api/v3"),
        "{api}"
    );
    // It works: contrib against it.
    let mut user = TestEnv::new();
    user.set("CONTRIB_API_URL", &api);
    user.set("GH_TOKEN", &token);
    let out = user.run(&["auth", "status", "--json"]);
    out.expect_code(0);
    assert!(out.stdout.contains("\"login\": \"you\""), "{}", out.stdout);
    // Ctrl-C stops it cleanly; the state stays in --dir.
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(dir.join("state.json").exists());
    assert!(dir.join("git/practice/hello-contrib.git/HEAD").exists());
}
