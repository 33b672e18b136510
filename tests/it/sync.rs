//! `contrib sync` on the sandbox, checked with git.

use crate::common::TestEnv;
use std::path::{Path, PathBuf};

/// A started clone with one signed-off commit on its topic branch.
fn prepared(env: &TestEnv) -> PathBuf {
    env.started_with_a_commit(
        "practice/hello-contrib#1",
        "print('Hello from the topic')\n",
    )
}

/// The maintainer changes `file` on upstream's main.
fn upstream_moves(env: &TestEnv, file: &str, text: &str) {
    let addr = env.sandbox().addr;
    let up = env.work.join(format!("up-{}", file.replace('.', "-")));
    if !up.exists() {
        env.git(
            &env.work,
            &[
                "clone",
                "-q",
                &format!("http://{addr}/practice/hello-contrib.git"),
                up.to_str().unwrap(),
            ],
        );
    }
    env.git(&up, &["pull", "-q", "--ff-only"]);
    std::fs::write(up.join(file), text).unwrap();
    env.git(&up, &["add", file]);
    env.git(
        &up,
        &["commit", "-q", "-m", &format!("chore: change {file}")],
    );
    env.git(
        &up,
        &[
            "push",
            "-q",
            &format!("http://m:sandbox-maintainer-mona@{addr}/practice/hello-contrib.git"),
            "HEAD:main",
        ],
    );
}

fn sync(env: &TestEnv, dir: &Path, args: &[&str]) -> crate::common::Output {
    let mut all = vec!["sync"];
    all.extend_from_slice(args);
    env.run_in(dir, &all, None)
}

#[test]
fn already_up_to_date_and_fast_forward() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    let out = sync(&env, &dir, &[]);
    out.expect_code(0);
    assert!(out.stdout.contains("Already up to date"), "{}", out.stdout);
    // A branch with no commits of its own moves forward; the local main too.
    env.git(&dir, &["switch", "-q", "-c", "empty", "upstream/main"]);
    upstream_moves(&env, "NEWS", "news\n");
    sync(&env, &dir, &[]).expect_code(0);
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        env.git(&dir, &["rev-parse", "upstream/main"])
    );
    assert_eq!(
        env.git(&dir, &["rev-parse", "main"]),
        env.git(&dir, &["rev-parse", "upstream/main"]),
        "local main fast-forwarded"
    );
}

#[test]
fn rebase_clean_keeps_a_backup() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    let before = env.git(&dir, &["rev-parse", "HEAD"]);
    upstream_moves(&env, "NEWS", "news\n");
    let out = sync(&env, &dir, &[]);
    out.expect_code(0);
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD~1"]),
        env.git(&dir, &["rev-parse", "upstream/main"]),
        "rebased onto upstream"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("hello.py")).unwrap(),
        "print('Hello from the topic')\n"
    );
    assert!(dir.join("NEWS").exists());
    let branch = env.git(&dir, &["branch", "--show-current"]);
    assert_eq!(
        env.git(
            &dir,
            &["rev-parse", &format!("refs/contrib/backup/{branch}")]
        ),
        before
    );
    assert!(
        env.git(&dir, &["log", "-1", "--format=%B"])
            .contains("Signed-off-by: Test User"),
        "the sign-off survives"
    );
}

#[test]
fn a_conflict_then_continue() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    upstream_moves(&env, "hello.py", "print('Hello from upstream')\n");
    let out = sync(&env, &dir, &[]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("conflict in hello.py"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("contrib sync --continue")
            && out.stderr.contains("contrib sync --abort"),
        "{}",
        out.stderr
    );
    // The state on disk is git's own.
    assert!(env.git(&dir, &["status"]).contains("rebase in progress"));
    let early = sync(&env, &dir, &["--continue"]);
    early.expect_code(1);
    assert!(
        early.stderr.contains("still files with conflicts"),
        "{}",
        early.stderr
    );
    std::fs::write(dir.join("hello.py"), "print('Hello, both')\n").unwrap();
    env.git(&dir, &["add", "hello.py"]);
    let out = sync(&env, &dir, &["--continue"]);
    out.expect_code(0);
    assert!(!env.git(&dir, &["status"]).contains("rebase in progress"));
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD~1"]),
        env.git(&dir, &["rev-parse", "upstream/main"])
    );
    assert!(
        env.git(&dir, &["branch", "--show-current"])
            .starts_with("fix/1-")
    );
}

#[test]
fn a_conflict_then_abort_restores_the_branch_exactly() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    let before = env.git(&dir, &["rev-parse", "HEAD"]);
    let file_before = std::fs::read(dir.join("hello.py")).unwrap();
    upstream_moves(&env, "hello.py", "print('Hello from upstream')\n");
    sync(&env, &dir, &[]).expect_code(1);
    let out = sync(&env, &dir, &["--abort"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("exactly as it was before"),
        "{}",
        out.stdout
    );
    assert_eq!(env.git(&dir, &["rev-parse", "HEAD"]), before);
    assert_eq!(std::fs::read(dir.join("hello.py")).unwrap(), file_before);
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
}

#[test]
fn merge_instead_of_rebase() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    let before = env.git(&dir, &["rev-parse", "HEAD"]);
    upstream_moves(&env, "NEWS", "news\n");
    sync(&env, &dir, &["--merge"]).expect_code(0);
    let parents = env.git(&dir, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a merge commit");
    assert!(parents.contains(&before), "our commit is kept as it was");
}

#[test]
fn a_dirty_tree_is_refused_or_stashed() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    upstream_moves(&env, "NEWS", "news\n");
    std::fs::write(dir.join("README.md"), "work in progress\n").unwrap();
    let before = env.git(&dir, &["rev-parse", "HEAD"]);
    let out = sync(&env, &dir, &[]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("uncommitted changes")
            && out.stderr.contains("--autostash")
            && out.stderr.contains("nothing was changed"),
        "{}",
        out.stderr
    );
    assert_eq!(env.git(&dir, &["rev-parse", "HEAD"]), before);
    let out = sync(&env, &dir, &["--autostash"]);
    out.expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "work in progress\n",
        "the change came back"
    );
    assert!(dir.join("NEWS").exists());
}

#[test]
fn pushes_with_a_lease_and_refuses_when_the_fork_moved() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    env.run_in(&dir, &["pr", "--yes"], None).expect_code(0);
    let branch = env.git(&dir, &["branch", "--show-current"]);
    upstream_moves(&env, "NEWS", "news\n");
    sync(&env, &dir, &["--push"]).expect_code(0);
    let refs = env.admin("GET", "refs/you/hello-contrib", serde_json::Value::Null);
    assert_eq!(
        refs[format!("refs/heads/{branch}")],
        env.git(&dir, &["rev-parse", "HEAD"]),
        "the fork has the rebased branch"
    );

    // Someone else pushes to the fork's branch; we do not know their commit.
    let other = env.work.join("other");
    let addr = env.sandbox().addr;
    let token = env.sandbox().token.clone();
    env.git(
        &env.work,
        &[
            "clone",
            "-q",
            "-b",
            &branch,
            &format!("http://{addr}/you/hello-contrib.git"),
            "other",
        ],
    );
    std::fs::write(other.join("theirs.txt"), "theirs").unwrap();
    env.git(&other, &["add", "theirs.txt"]);
    env.git(&other, &["commit", "-q", "-m", "theirs"]);
    env.git(
        &other,
        &[
            "push",
            "-q",
            &format!("http://y:{token}@{addr}/you/hello-contrib.git"),
            "HEAD",
        ],
    );
    let theirs = env.git(&other, &["rev-parse", "HEAD"]);
    upstream_moves(&env, "NEWS", "more news\n");
    let out = sync(&env, &dir, &["--push"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("that you have not seen, so nothing there was replaced"),
        "{}",
        out.stderr
    );
    let refs = env.admin("GET", "refs/you/hello-contrib", serde_json::Value::Null);
    assert_eq!(
        refs[format!("refs/heads/{branch}")],
        theirs,
        "their commit is still there"
    );
}

#[test]
fn fork_default_updates_the_forks_main_on_github() {
    let env = TestEnv::with_sandbox();
    let dir = prepared(&env);
    // Let the fork's repository appear, then move upstream on.
    env.wait_for_fork("you/hello-contrib");
    upstream_moves(&env, "NEWS", "news\n");
    let out = sync(&env, &dir, &["--fork-default"]);
    out.expect_code(0);
    assert!(out.stderr.contains("fast-forwarded"), "{}", out.stderr);
    let fork = env.admin("GET", "refs/you/hello-contrib", serde_json::Value::Null);
    let up = env.admin(
        "GET",
        "refs/practice/hello-contrib",
        serde_json::Value::Null,
    );
    assert_eq!(fork["refs/heads/main"], up["refs/heads/main"]);
}

#[test]
fn a_clone_contrib_did_not_set_up_gets_a_way_forward() {
    let env = TestEnv::with_sandbox();
    let dir = env.work.join("plain");
    std::fs::create_dir_all(&dir).unwrap();
    // Its branch is not the base contrib assumes (main): the base cannot be found.
    env.git(&dir, &["init", "-q", "-b", "master"]);
    std::fs::write(dir.join("f"), "x").unwrap();
    env.git(&dir, &["add", "f"]);
    env.git(&dir, &["commit", "-q", "-m", "x"]);
    let out = sync(&env, &dir, &[]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("this clone has no 'upstream' remote")
            && out.stderr.contains("contrib start"),
        "{}",
        out.stderr
    );
    let out = env.run_in(&dir, &["commit", "--fix-signoff"], None);
    out.expect_code(1);
    assert!(
        out.stderr.contains("cannot tell where your branch started"),
        "{}",
        out.stderr
    );
}
