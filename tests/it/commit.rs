//! `contrib commit` in a clone made by `contrib start`, checked with git.

use crate::common::TestEnv;
use std::path::PathBuf;

fn started(env: &TestEnv, issue: &str) -> PathBuf {
    env.run(&["start", &format!("practice/hello-contrib#{issue}")])
        .expect_code(0);
    env.work.join("hello-contrib")
}

fn last_message(env: &TestEnv, dir: &std::path::Path) -> String {
    env.git(dir, &["log", "-1", "--format=%B"])
}

#[test]
fn sign_off_added_once_convention_applied_trailers_kept() {
    let env = TestEnv::with_sandbox();
    let dir = started(&env, "1");
    std::fs::write(dir.join("hello.py"), "print('Hello')\n").unwrap();
    let out = env.run_in(
        &dir,
        &[
            "commit",
            "-a",
            "-m",
            "correct the greeting.\n\nIt said Helo.\n\nCo-authored-by: Bob <bob@example.com>",
        ],
        None,
    );
    out.expect_code(0);
    assert!(
        out.stdout.contains(
            "signed off as Test User <test@example.com>, as the project requires (CONTRIBUTING.md:"
        ),
        "{}",
        out.stdout
    );
    // test@example.com is not one of the sandbox user's emails: GitHub would not link it.
    assert!(
        out.stderr
            .contains("test@example.com is not one of your GitHub account's emails"),
        "{}",
        out.stderr
    );
    let msg = last_message(&env, &dir);
    // The branch is fix/1-…: the type comes from it; the trailing period is dropped.
    assert_eq!(
        msg,
        "fix: correct the greeting\n\nIt said Helo.\n\nCo-authored-by: Bob <bob@example.com>\nSigned-off-by: Test User <test@example.com>"
    );
    // Already signed off: not twice.
    std::fs::write(dir.join("README.md"), "# hello\n").unwrap();
    env.run_in(
        &dir,
        &[
            "commit",
            "-a",
            "--type",
            "docs",
            "--scope",
            "readme",
            "-m",
            "shorten\n\nSigned-off-by: Test User <test@example.com>",
        ],
        None,
    )
    .expect_code(0);
    let msg = last_message(&env, &dir);
    assert_eq!(msg.matches("Signed-off-by").count(), 1, "{msg}");
    assert!(msg.starts_with("docs(readme): shorten"), "{msg}");
}

#[test]
fn nothing_staged_default_branch_and_missing_message() {
    let env = TestEnv::with_sandbox();
    let dir = started(&env, "1");
    let out = env.run_in(&dir, &["commit", "-m", "fix: x"], None);
    out.expect_code(1);
    assert!(
        out.stderr.contains("nothing is staged to commit")
            && out.stderr.contains("contrib commit -a"),
        "{}",
        out.stderr
    );
    std::fs::write(dir.join("hello.py"), "x\n").unwrap();
    let out = env.run_in(&dir, &["commit", "-a"], None);
    out.expect_code(2);
    assert!(out.stderr.contains("-m"), "{}", out.stderr);
    env.git(&dir, &["stash", "-q"]);
    env.git(&dir, &["switch", "-q", "main"]);
    env.git(&dir, &["stash", "pop", "-q"]);
    let out = env.run_in(&dir, &["commit", "-a", "-m", "fix: on main"], None);
    out.expect_code(1);
    assert!(
        out.stderr.contains("not committing on main"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--allow-default-branch"),
        "{}",
        out.stderr
    );
    env.run_in(
        &dir,
        &[
            "commit",
            "-a",
            "-m",
            "fix: on main",
            "--allow-default-branch",
        ],
        None,
    )
    .expect_code(0);
}

#[test]
fn gpgsign_is_respected_never_an_unsigned_commit() {
    let env = TestEnv::with_sandbox();
    let dir = started(&env, "1");
    env.git(&dir, &["config", "commit.gpgsign", "true"]);
    env.git(&dir, &["config", "gpg.program", "/nonexistent/gpg"]);
    let before = env.git(&dir, &["rev-parse", "HEAD"]);
    std::fs::write(dir.join("hello.py"), "x\n").unwrap();
    let out = env.run_in(&dir, &["commit", "-a", "-m", "fix: x"], None);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("git could not sign the commit, so nothing was committed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("commit.gpgsign"), "{}", out.stderr);
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        before,
        "no commit was made"
    );
}

#[test]
fn fix_signoff_rewrites_with_authors_kept_and_a_backup() {
    let env = TestEnv::with_sandbox();
    let dir = started(&env, "1");
    for (file, author) in [
        ("a.txt", "Ann <ann@example.com>"),
        ("b.txt", "Test User <test@example.com>"),
    ] {
        std::fs::write(dir.join(file), file).unwrap();
        env.git(&dir, &["add", file]);
        env.git(
            &dir,
            &[
                "commit",
                "-q",
                "--author",
                author,
                "-m",
                &format!("feat: add {file}"),
            ],
        );
    }
    let before = env.git(&dir, &["rev-parse", "HEAD"]);
    let out = env.run_in(&dir, &["commit", "--fix-signoff"], None);
    out.expect_code(2);
    assert!(out.stdout.contains("These 2 commit(s)"), "{}", out.stdout);
    let out = env.run_in(&dir, &["commit", "--fix-signoff", "--yes"], None);
    out.expect_code(0);
    let log = env.git(&dir, &["log", "-2", "--format=%an|%B%x1e"]);
    assert_eq!(
        log.matches("Signed-off-by: Test User <test@example.com>")
            .count(),
        2,
        "{log}"
    );
    assert!(log.contains("Ann|feat: add a.txt"), "authors kept: {log}");
    let branch = env.git(&dir, &["branch", "--show-current"]);
    assert_eq!(
        env.git(
            &dir,
            &["rev-parse", &format!("refs/contrib/backup/{branch}")]
        ),
        before
    );
    let again = env.run_in(&dir, &["commit", "--fix-signoff", "--yes"], None);
    assert!(
        again.stdout.contains("signed off already"),
        "{}",
        again.stdout
    );
}
