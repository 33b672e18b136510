//! The token is a secret: set one unique value in every source, run every command (success
//! and failure paths, with -v), and it must never appear in stdout, stderr or any file the
//! tool wrote (the token store itself aside).

use crate::common::TestEnv;
use std::path::Path;

const SECRET: &str = "ghp_UNIQUE_leak_canary_5f3a9c";

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_token_never_leaks() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let log_path = log.path().to_path_buf();
    let mut env = TestEnv::with_sandbox_options(|o| o.log = Some(log_path.clone()));
    env.add_user("canary", SECRET, Some(&["repo"]));
    let host = env.sandbox().addr.to_string();

    // Every source holds the same secret.
    for var in [
        "GH_TOKEN",
        "GITHUB_TOKEN",
        "GH_ENTERPRISE_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
    ] {
        env.set(var, SECRET);
    }
    let gh = env.home.join(".config/gh");
    std::fs::create_dir_all(&gh).unwrap();
    std::fs::write(
        gh.join("hosts.yml"),
        format!("{host}:\n    oauth_token: {SECRET}\n    user: canary\n"),
    )
    .unwrap();
    let mut cfg = std::fs::read_to_string(env.home.join(".gitconfig")).unwrap();
    cfg.push_str(&format!(
        "[credential]\n\thelper = \"!f() {{ echo password={SECRET}; }}; f\"\n"
    ));
    std::fs::write(env.home.join(".gitconfig"), cfg).unwrap();
    let repo = env.work.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    env.git(&repo, &["init", "-q"]);
    env.git(
        &repo,
        &[
            "remote",
            "add",
            "origin",
            &format!("http://{host}/canary/hello.git"),
        ],
    );

    let mut outputs = Vec::new();
    let mut run = |env: &TestEnv, args: &[&str], stdin: Option<&str>| {
        outputs.push((args.join(" "), env.run_in(&repo, args, stdin)));
    };
    run(&env, &["auth", "login", "--with-token"], Some(SECRET));
    for verbose in [false, true] {
        let v = |args: &[&'static str]| -> Vec<&'static str> {
            let mut a = if verbose { vec!["-v"] } else { vec![] };
            a.extend_from_slice(args);
            a
        };
        run(&env, &v(&["doctor"]), None);
        run(&env, &v(&["doctor", "--json"]), None);
        run(&env, &v(&["auth", "status"]), None);
        run(&env, &v(&["auth", "status", "--json"]), None);
        run(&env, &v(&["auth", "login"]), None);
        run(
            &env,
            &v(&["--api-url", "http://127.0.0.1:9/api/v3", "doctor"]),
            None,
        );
        run(&env, &v(&["--api-url", "bad url", "auth", "status"]), None);
        run(&env, &v(&["completions", "bash"]), None);
        run(&env, &v(&["--help"]), None);
    }
    // start: a clone, a fork, remotes; then a push through the credential helper.
    run(
        &env,
        &[
            "-v",
            "start",
            "practice/hello-contrib#1",
            "--dir",
            env.work.join("c").to_str().unwrap(),
        ],
        None,
    );
    run(&env, &["-v", "start", "practice/nope#1"], None);
    let clone = env.work.join("c");
    std::fs::write(clone.join("hello.py"), "print('Hello')\n").unwrap();
    env.git(&clone, &["commit", "-q", "-am", "fix: typo"]);
    env.wait_for_fork("canary/hello-contrib");
    let pushed = env.push_with_helper(&clone, &["push", "-q", "origin", "HEAD"]);
    assert!(
        pushed.status.success(),
        "the push through the credential helper went through"
    );
    assert!(!String::from_utf8_lossy(&pushed.stderr).contains(SECRET));
    let clone_config = std::fs::read_to_string(clone.join(".git/config")).unwrap();
    assert!(clone_config.contains("[remote \"origin\"]") && !clone_config.contains(SECRET));
    // The rest of the flow, inside the clone, success and failure paths.
    let mut more = Vec::new();
    std::fs::write(clone.join("README.md"), "more\n").unwrap();
    for args in [
        vec!["-v", "commit", "-a", "-m", "docs: more"],
        vec!["-v", "commit", "--fix-signoff", "--yes"],
        vec!["-v", "pr", "--yes"],
        vec!["-v", "pr", "--yes", "--title", "fix: updated"],
        vec!["-v", "pr", "--dry-run"],
        vec!["-v", "pr", "--web"],
        vec!["-v", "status"],
        vec!["-v", "status", "--json"],
        vec!["-v", "sync", "--push"],
        vec!["-v", "find", "practice/hello-contrib", "--include-taken"],
        vec!["-v", "find", "--limit", "3"],
        vec!["-v", "claim", "practice/hello-contrib#9", "--yes"],
        vec!["-v", "claim", "practice/hello-contrib#4", "--yes"],
    ] {
        more.push((args.join(" "), env.run_in(&clone, &args, None)));
    }
    assert!(
        more[2].1.code == 0 && more[2].1.stdout.contains("Pull request #"),
        "the pr went through: {:?}",
        more[2].1
    );
    // Failure paths from GitHub: 401, 5xx, a cut connection, an exhausted rate limit.
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"path": "/api/v3/user", "status": 401, "message": "Bad credentials"}),
    );
    run(&env, &["-v", "auth", "status"], None);
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"path": "/api/v3/user", "status": 500, "count": 3}),
    );
    run(&env, &["-v", "auth", "status"], None);
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"path": "/api/v3/user", "cut": true, "count": 3}),
    );
    run(&env, &["-v", "doctor"], None);
    env.admin(
        "POST",
        "rate_limit",
        serde_json::json!({"login": "canary", "remaining": 0}),
    );
    run(&env, &["-v", "doctor"], None);
    run(&env, &["auth", "logout"], None);

    assert!(outputs.len() > 20, "ran the commands");
    for (args, out) in outputs.iter().chain(&more) {
        assert!(
            !out.stdout.contains(SECRET),
            "token in stdout of `{args}`:\n{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(SECRET),
            "token in stderr of `{args}`:\n{}",
            out.stderr
        );
    }
    // Some of those runs failed, some succeeded: both paths were exercised.
    assert!(outputs.iter().any(|(_, o)| o.code == 0) && outputs.iter().any(|(_, o)| o.code != 0));

    let mut files = Vec::new();
    files_under(&env.base(), &mut files);
    let planted = [gh.join("hosts.yml"), env.home.join(".gitconfig")];
    let store = env.home.join(".config/contrib/credentials.json");
    // The sandbox's own database holds the tokens it accepts, as GitHub's does.
    let sandbox_db = env.base().join("sandbox/state.json");
    let mut checked = 0;
    for f in files {
        if planted.contains(&f) || f == store || f == sandbox_db {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&f) {
            checked += 1;
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SECRET), "token written to {}", f.display());
        }
    }
    assert!(checked > 10, "scanned the files ({checked})");
    let git_config = std::fs::read_to_string(repo.join(".git/config")).unwrap();
    assert!(!git_config.contains(SECRET));
    // The sandbox's request log redacts Authorization.
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logged.contains("\"authorization\":\"<redacted>\""),
        "the log has requests with auth"
    );
    assert!(!logged.contains(SECRET), "token in the request log");
}
