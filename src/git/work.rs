//! Everyday operations in a working clone, run through the git program so that hooks,
//! signing (`commit.gpgsign`) and the user's settings behave exactly as with git itself.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::failed("could not run git")
                .cause(e.to_string())
                .hint("install git and make sure it is on PATH")
        })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let mut e = Error::failed(format!("git {} failed", args.first().unwrap_or(&"")));
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
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["commit", "--quiet", "--cleanup=whitespace", "-F", "-"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::failed("could not run git").cause(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(message.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::failed("could not run git").cause(e.to_string()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let signing = err.contains("gpg") || err.contains("sign");
        let mut e = Error::failed(if signing {
            "git could not sign the commit, so nothing was committed"
        } else {
            "git could not make the commit"
        });
        for line in err.lines().filter(|l| !l.trim().is_empty()).take(6) {
            e = e.cause(line.trim().to_string());
        }
        if signing {
            e = e.hint("this repository (or your git config) asks for signed commits (commit.gpgsign): set up your signing key, or turn signing off with `git config commit.gpgsign false` if the project does not need it");
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
        e.context("could not add the sign-offs; the branch was left as it was")
    })
}
