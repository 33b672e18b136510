//! The command line itself: help, version, completions, man, usage errors, prompts
//! without a terminal, broken pipes, proxies.

use crate::common::TestEnv;
use std::io::Read;
use std::process::Stdio;

#[test]
fn help_and_version_work_without_any_setup() {
    let env = TestEnv::new();
    let help = env.run(&["--help"]);
    help.expect_code(0);
    for word in [
        "auth",
        "doctor",
        "completions",
        "man",
        "sandbox",
        "--api-url",
        "--no-input",
        "Exit codes",
    ] {
        assert!(
            help.stdout.contains(word),
            "--help mentions {word}:\n{}",
            help.stdout
        );
    }
    let version = env.run(&["--version"]);
    version.expect_code(0);
    assert_eq!(
        version.stdout.trim(),
        format!("contrib {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn global_options_are_accepted_after_the_subcommand() {
    let env = TestEnv::new();
    env.run(&["completions", "bash", "--quiet", "--color", "never"])
        .expect_code(0);
    env.run(&["--quiet", "completions", "bash"]).expect_code(0);
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let env = TestEnv::new();
    let out = env.run(&["frobnicate"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("unrecognized subcommand 'frobnicate'"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn completions_for_each_shell() {
    let env = TestEnv::new();
    for (shell, marker) in [
        ("bash", "_contrib()"),
        ("zsh", "#compdef contrib"),
        ("fish", "complete -c contrib"),
        ("elvish", "contrib"),
        ("powershell", "contrib"),
    ] {
        let out = env.run(&["completions", shell]);
        out.expect_code(0);
        assert!(
            out.stdout.contains(marker),
            "{shell} completion has {marker}"
        );
        assert!(
            out.stdout.contains("doctor"),
            "{shell} completion knows subcommands"
        );
    }
    let bad = env.run(&["completions", "tcsh"]);
    bad.expect_code(2);
}

#[test]
fn man_page_is_roff() {
    let env = TestEnv::new();
    let out = env.run(&["man"]);
    out.expect_code(0);
    assert!(
        out.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &out.stdout[..80.min(out.stdout.len())]
    );
    assert!(out.stdout.contains(".TH contrib"), "has a title header");
}

#[test]
fn bad_api_url_is_a_usage_error_with_a_hint() {
    let mut env = TestEnv::new();
    let out = env.run(&["--api-url", "not-a-url", "doctor"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("error: invalid API URL 'not-a-url'"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: use a full URL such as"),
        "{}",
        out.stderr
    );

    env.set("CONTRIB_API_URL", "ftp://x/api/v3");
    let out = env.run(&["auth", "status"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("CONTRIB_API_URL is set to a bad value"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the scheme must be http or https"),
        "{}",
        out.stderr
    );

    // A flag beats the variable.
    let out = env.run(&["--api-url", "also bad", "auth", "status"]);
    out.expect_code(2);
    assert!(out.stderr.contains("'also bad'"), "{}", out.stderr);
}

#[test]
fn a_question_without_a_terminal_exits_2_and_names_the_flag() {
    let env = TestEnv::with_sandbox();
    // stdin is /dev/null: no terminal, so no prompt.
    let out = env.run(&["auth", "login"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("there is no terminal to ask on"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: answer it with --with-token"),
        "{}",
        out.stderr
    );
    // --no-input says the same, also before the subcommand.
    let out = env.run(&["--no-input", "auth", "login"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--with-token"), "{}", out.stderr);
}

#[test]
fn broken_pipe_is_quiet_and_exits_0() {
    let env = TestEnv::new();
    let mut child = env
        .command(
            env!("CARGO_BIN_EXE_contrib"),
            &["completions", "zsh"],
            &env.work,
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Close our end at once, like `| head -0`.
    drop(child.stdout.take());
    let status = child.wait().expect("exits");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "", "nothing printed on a broken pipe");
}

#[test]
fn api_requests_go_through_the_proxy_unless_no_proxy() {
    let mut env = TestEnv::with_sandbox();
    // A proxy that is not there: every request through it fails.
    env.set("HTTP_PROXY", "http://127.0.0.1:9");
    let out = env.run(&["auth", "status"]);
    out.expect_code(3);
    assert!(out.stderr.contains("could not reach"), "{}", out.stderr);
    assert!(
        out.stderr.contains("HTTPS_PROXY"),
        "the hint mentions proxies: {}",
        out.stderr
    );
    // The lower-case spelling wins, and NO_PROXY bypasses it for the sandbox.
    env.set("no_proxy", "127.0.0.1");
    env.run(&["auth", "status"]).expect_code(0);
    // A proxy that is not a URL is a clear usage error.
    env.unset("no_proxy");
    env.set("HTTP_PROXY", "::not a url::");
    let out = env.run(&["auth", "status"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("HTTP_PROXY is not a valid URL"),
        "{}",
        out.stderr
    );
}

#[test]
fn exhausted_rate_limit_exits_3_and_says_when_it_resets() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "rate_limit",
        serde_json::json!({"login": "you", "remaining": 0}),
    );
    let out = env.run(&["auth", "status"]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("rate limit is used up"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: it resets at"), "{}", out.stderr);
}

#[test]
fn github_errors_reach_the_user_in_plain_words() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"method": "GET", "path": "/api/v3/user", "status": 403, "message": "Resource not accessible by integration"}),
    );
    let out = env.run(&["auth", "status"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("Resource not accessible by integration (403)"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("GitHub {"),
        "no debug dump: {}",
        out.stderr
    );
}

#[test]
fn server_errors_on_gets_are_retried() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"method": "GET", "path": "/api/v3/user", "status": 502, "count": 2}),
    );
    let out = env.run(&["-v", "auth", "status"]);
    out.expect_code(0);
    assert_eq!(
        out.stderr.matches("retrying GET /user").count(),
        2,
        "{}",
        out.stderr
    );
    // Three in a row is too many: exit 3, GitHub unavailable.
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"method": "GET", "path": "/api/v3/user", "status": 503, "count": 3}),
    );
    env.run(&["auth", "status"]).expect_code(3);
}

#[test]
fn a_cut_connection_is_a_network_error() {
    let env = TestEnv::with_sandbox();
    env.admin(
        "POST",
        "faults",
        serde_json::json!({"path": "/api/v3/user", "cut": true, "count": 3}),
    );
    let out = env.run(&["auth", "status"]);
    out.expect_code(3);
    assert!(
        out.stderr.contains("could not reach 127.0.0.1"),
        "{}",
        out.stderr
    );
}

#[test]
fn every_environment_variable_is_documented_in_the_readme() {
    let readme = include_str!("../../README.md");
    for name in contrib::env::ALL {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md does not document {name}"
        );
    }
}
