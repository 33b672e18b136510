//! Everyday operations in a working clone, run through the git program so that hooks,
//! signing (`commit.gpgsign`) and the user's settings behave exactly as with git itself.

use crate::error::{Error, Result};
use crate::t;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = super::program()
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::failed(t!("git.could_not_run_git_plain"))
                .cause(e.to_string())
                .hint(t!("git.install_git_make_sure"))
        })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let mut e = Error::failed(t!("git.git_failed", first = args.first().unwrap_or(&"")));
        for line in err.lines().filter(|l| !l.trim().is_empty()).take(6) {
            e = e.cause(
                line.trim_start_matches("fatal: ")
                    .trim_start_matches("error: ")
                    .to_string(),
            );
        }
        Err(e)
    }
}

/// The top of the working tree around `dir`.
pub fn root(dir: &Path) -> Option<PathBuf> {
    git(dir, &["rev-parse", "--show-toplevel"])
        .ok()
        .map(PathBuf::from)
}

pub fn current_branch(dir: &Path) -> Option<String> {
    git(dir, &["symbolic-ref", "--quiet", "--short", "HEAD"])
        .ok()
        .filter(|b| !b.is_empty())
}

pub fn has_staged_changes(dir: &Path) -> bool {
    git(dir, &["diff", "--cached", "--quiet"]).is_err()
}

/// Uncommitted changes to tracked files (staged or not).
pub fn is_dirty(dir: &Path) -> bool {
    git(dir, &["status", "--porcelain", "--untracked-files=no"]).is_ok_and(|s| !s.is_empty())
}

pub fn stage_tracked(dir: &Path) -> Result<()> {
    git(dir, &["add", "--update"]).map(|_| ())
}

/// `git commit` with `message`; returns the new commit's id.
pub fn commit(dir: &Path, message: &str) -> Result<String> {
    let mut child = super::program()
        .arg("-C")
        .arg(dir)
        .args(["commit", "--quiet", "--cleanup=whitespace", "-F", "-"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::failed(t!("git.could_not_run_git_plain")).cause(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(message.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::failed(t!("git.could_not_run_git_plain")).cause(e.to_string()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let signing = err.contains("gpg") || err.contains("sign");
        let mut e = Error::failed(if signing {
            t!("git.git_could_not_sign")
        } else {
            t!("git.git_could_not_make")
        });
        for line in err.lines().filter(|l| !l.trim().is_empty()).take(6) {
            e = e.cause(line.trim().to_string());
        }
        if signing {
            e = e.hint(t!("git.repository_git_config_asks"));
        }
        return Err(e);
    }
    git(dir, &["rev-parse", "HEAD"])
}

/// Commits on HEAD that are not on `base`: (id, full message), oldest first.
pub fn commits_since(dir: &Path, base: &str) -> Result<Vec<(String, String)>> {
    let out = git(
        dir,
        &[
            "log",
            "--reverse",
            "--format=%H%x00%B%x1e",
            &format!("{base}..HEAD"),
        ],
    )?;
    Ok(out
        .split('\u{1e}')
        .filter_map(|rec| rec.trim_start_matches('\n').split_once('\0'))
        .map(|(id, msg)| (id.to_string(), msg.trim_end().to_string()))
        .filter(|(id, _)| !id.is_empty())
        .collect())
}

pub fn merge_base(dir: &Path, a: &str, b: &str) -> Result<String> {
    git(dir, &["merge-base", a, b])
}

pub fn rev(dir: &Path, name: &str) -> Option<String> {
    git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{name}^{{commit}}"),
        ],
    )
    .ok()
}

/// Keeps the branch's current commit under `refs/contrib/backup/<branch>` before a rewrite.
pub fn backup(dir: &Path, branch: &str) -> Result<String> {
    let name = format!("refs/contrib/backup/{branch}");
    git(dir, &["update-ref", &name, "HEAD"])?;
    Ok(name)
}

/// Adds sign-offs to every commit after `onto`, keeping the base and the authors.
pub fn rebase_signoff(dir: &Path, onto: &str) -> Result<()> {
    git(
        dir,
        &["rebase", "--quiet", "--force-rebase", "--signoff", onto],
    )
    .map(|_| ())
    .map_err(|e| {
        let _ = git(dir, &["rebase", "--abort"]);
        e.context(t!("git.could_not_add_sign"))
    })
}

/// `git` with an editor that accepts the message as it is (rebase/merge continuations).
fn git_no_editor(dir: &Path, args: &[&str]) -> Result<String> {
    let out = super::program()
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_EDITOR", "true")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::failed(t!("git.could_not_run_git_plain")).cause(e.to_string()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        let mut e = Error::failed(t!("git.git_stopped", first = args.first().unwrap_or(&"")));
        for line in String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("hint:"))
            .take(4)
        {
            e = e.cause(line.trim().to_string());
        }
        Err(e)
    }
}

/// What git is in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InProgress {
    Rebase,
    Merge,
}

pub fn in_progress(dir: &Path) -> Option<InProgress> {
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"]).ok()?);
    if git_dir.join("rebase-merge").exists() || git_dir.join("rebase-apply").exists() {
        Some(InProgress::Rebase)
    } else if git_dir.join("MERGE_HEAD").exists() {
        Some(InProgress::Merge)
    } else {
        None
    }
}

/// Files with conflicts.
pub fn conflicted(dir: &Path) -> Vec<String> {
    git(dir, &["diff", "--name-only", "--diff-filter=U"])
        .map(|s| s.lines().map(String::from).collect())
        .unwrap_or_default()
}

/// Is `a` an ancestor of (or equal to) `b`?
pub fn is_ancestor(dir: &Path, a: &str, b: &str) -> bool {
    git(dir, &["merge-base", "--is-ancestor", a, b]).is_ok()
}

pub fn count(dir: &Path, range: &str) -> u64 {
    git(dir, &["rev-list", "--count", range])
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Rebase onto `onto` (or merge it); `Ok(false)` when it stopped on conflicts.
pub fn integrate(dir: &Path, onto: &str, merge: bool) -> Result<bool> {
    let result = if merge {
        git_no_editor(dir, &["merge", "--no-edit", onto])
    } else {
        git_no_editor(dir, &["rebase", onto])
    };
    match result {
        Ok(_) => Ok(true),
        Err(_) if in_progress(dir).is_some() => Ok(false),
        Err(e) => Err(e),
    }
}

/// `git rebase --continue` / finishing the merge; `Ok(false)` if it stopped again.
pub fn continue_(dir: &Path) -> Result<bool> {
    let r = match in_progress(dir) {
        Some(InProgress::Rebase) => git_no_editor(dir, &["rebase", "--continue"]),
        Some(InProgress::Merge) => git_no_editor(dir, &["commit", "--no-edit"]),
        None => return Ok(true),
    };
    match r {
        Ok(_) => Ok(in_progress(dir).is_none()),
        Err(_) if in_progress(dir).is_some() => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn abort(dir: &Path) -> Result<()> {
    match in_progress(dir) {
        Some(InProgress::Rebase) => git(dir, &["rebase", "--abort"]).map(|_| ()),
        Some(InProgress::Merge) => git(dir, &["merge", "--abort"]).map(|_| ()),
        None => Ok(()),
    }
}

// i18n: not for people (the label of the stash in `git stash list`)
const STASH_LABEL: &str = "contrib sync";

pub fn stash(dir: &Path) -> Result<()> {
    git(dir, &["stash", "push", "--quiet", "-m", STASH_LABEL]).map(|_| ())
}

pub fn unstash(dir: &Path) -> Result<()> {
    git(dir, &["stash", "pop", "--quiet"])
        .map(|_| ())
        .map_err(|e| {
            e.context(t!("git.stashed_changes_could_not"))
                .hint(t!("git.they_are_safe_git"))
        })
}

/// Moves a branch that is not checked out forward, only if that is a fast-forward.
pub fn fast_forward_branch(dir: &Path, branch: &str, to: &str) -> Result<bool> {
    let Some(old) = rev(dir, &format!("refs/heads/{branch}")) else {
        return Ok(false);
    };
    let Some(new) = rev(dir, to) else {
        return Ok(false);
    };
    if old == new || !is_ancestor(dir, &old, &new) {
        return Ok(false);
    }
    git(
        dir,
        &["update-ref", &format!("refs/heads/{branch}"), &new, &old],
    )?;
    Ok(true)
}

pub fn config_set(dir: &Path, key: &str, value: &str) -> Result<()> {
    git(dir, &["config", key, value]).map(|_| ())
}

pub fn config_unset(dir: &Path, key: &str) {
    let _ = git(dir, &["config", "--unset", key]);
}

pub fn config_get(dir: &Path, key: &str) -> Option<String> {
    git(dir, &["config", "--get", key]).ok()
}
