//! Moving objects: clone, fetch and ls-remote run the git program itself. It is the fastest
//! and leanest transfer there is (libgit2 took 1.3× the time and 2.4× the memory of
//! `git clone` on a large repository), and it honours the user's git settings (proxies, SSH
//! agent, `http.*`). The token reaches git only through a credential helper given on the
//! command line (`-c credential.helper=…`), never in a URL or in `.git/config`.

use crate::error::{Error, Result};
use crate::t;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// How git gets credentials: a helper command, or none (anonymous, or the user's own).
#[derive(Debug, Clone, Default)]
pub struct Auth {
    /// A credential helper command line, e.g. `!'/usr/bin/contrib' auth git-credential`.
    pub helper: Option<String>,
    /// Environment for git and the helper it runs: `Some` sets, `None` removes.
    pub env: Vec<(String, Option<String>)>,
}

impl Auth {
    fn args(&self) -> Vec<String> {
        match &self.helper {
            // The empty value first clears helpers from the user's config for this run, so
            // no other helper stores our token; ours is then the only one asked.
            Some(h) => vec![
                "-c".into(),
                "credential.helper=".into(),
                "-c".into(),
                format!("credential.helper={h}"),
            ],
            None => vec![],
        }
    }
}

/// One progress report from git: a phase ("Receiving objects"), counts, and the
/// transfer figures git prints beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub phase: String,
    pub current: u64,
    pub total: u64,
    /// `12.40 MiB | 3.10 MiB/s` while receiving.
    pub detail: Option<String>,
    pub done: bool,
}

/// Parses one of git's progress lines, e.g.
/// `Receiving objects:  45% (450/1000), 1.20 MiB | 2.40 MiB/s`.
pub fn parse_progress(line: &str) -> Option<Progress> {
    let line = line.trim().trim_start_matches("remote:").trim();
    let (phase, rest) = line.split_once(':')?;
    let rest = rest.trim();
    let percent_end = rest.find('%')?;
    rest[..percent_end].trim().parse::<u8>().ok()?;
    let open = rest.find('(')?;
    let close = rest.find(')')?;
    let (current, total) = rest[open + 1..close].split_once('/')?;
    let after = rest[close + 1..].trim_start_matches(',').trim();
    let done = after.ends_with("done.") || after.ends_with("done");
    let detail = after
        .trim_end_matches(", done.")
        .trim_end_matches("done.")
        .trim()
        .trim_end_matches(',')
        .trim();
    Some(Progress {
        phase: phase.trim().to_string(),
        current: current.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        done,
    })
}

/// Runs git with progress on stderr, reporting parsed progress; returns git's last
/// messages as the error when it fails.
fn run_with_progress(
    mut cmd: Command,
    what: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // Never let git ask on the terminal: our helper answers, or the command fails clearly.
    cmd.env("GIT_TERMINAL_PROMPT", "0");
    let mut child = cmd.spawn().map_err(|e| {
        Error::failed(t!("git.could_not_run_git", what = what))
            .cause(e.to_string())
            .hint(t!("git.install_git_make_sure"))
    })?;
    let mut stderr = child.stderr.take().expect("piped");
    let mut messages: Vec<String> = Vec::new();
    let mut buf = [0u8; 8192];
    let mut pending = String::new();
    loop {
        let n = match stderr.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.push_str(&String::from_utf8_lossy(&buf[..n]));
        // git ends progress updates with \r and final lines with \n.
        while let Some(pos) = pending.find(['\r', '\n']) {
            let line: String = pending.drain(..=pos).collect();
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(p) = parse_progress(line) {
                progress(p);
            } else if !line.trim().is_empty() {
                messages.push(line.trim().to_string());
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Error::failed(what.to_string()).cause(e.to_string()))?;
    if status.success() {
        return Ok(());
    }
    // A connection that failed is the network's fault (exit 3), not the user's.
    // i18n: not for people (what git prints, matched as is)
    const NETWORK: [&str; 9] = [
        "Could not resolve host",
        "Failed to connect",
        "Connection refused",
        "transfer closed",
        "RPC failed",
        "early EOF",
        "timed out",
        "returned error: 5",
        "unexpected disconnect",
    ];
    let network = messages
        .iter()
        .any(|m| NETWORK.iter().any(|n| m.contains(n)));
    let mut err = if network {
        Error::unavailable(what.to_string())
    } else {
        Error::failed(what.to_string())
    };
    // git's own "hint:" lines suggest git commands; contrib gives its own hints.
    let said: Vec<&String> = messages
        .iter()
        .filter(|m| !m.starts_with("hint:"))
        .collect();
    for m in said.iter().rev().take(4).rev() {
        err = err.cause(
            m.trim_start_matches("fatal: ")
                .trim_start_matches("error: ")
                .to_string(),
        );
    }
    Err(err)
}

fn git(auth: &Auth) -> Command {
    let mut cmd = super::program();
    cmd.args(auth.args());
    for (k, v) in &auth.env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd
}

/// `git clone --origin REMOTE URL DIR` (with `--depth` when asked).
pub fn clone(
    url: &str,
    dir: &Path,
    remote: &str,
    depth: Option<u32>,
    auth: &Auth,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let mut cmd = git(auth);
    cmd.args(["clone", "--progress", "--origin", remote]);
    if let Some(d) = depth {
        cmd.arg(format!("--depth={d}"));
    }
    cmd.arg("--").arg(url).arg(dir);
    run_with_progress(cmd, &t!("git.could_not_clone", url = url), progress)
}

/// `git fetch REMOTE` inside `dir`.
pub fn fetch(
    dir: &Path,
    remote: &str,
    auth: &Auth,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let mut cmd = git(auth);
    cmd.arg("-C")
        .arg(dir)
        .args(["fetch", "--progress", "--prune", remote]);
    run_with_progress(
        cmd,
        &t!("git.could_not_fetch_from", remote = remote),
        progress,
    )
}

/// `git push --set-upstream REMOTE HEAD:refs/heads/BRANCH`. A refused push is an error
/// (git says so in its exit code; libgit2 would have returned success).
pub fn push(
    dir: &Path,
    remote: &str,
    branch: &str,
    auth: &Auth,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let mut cmd = git(auth);
    cmd.arg("-C").arg(dir).args([
        "push",
        "--progress",
        "--set-upstream",
        remote,
        &format!("HEAD:refs/heads/{branch}"),
    ]);
    run_with_progress(
        cmd,
        &t!("git.could_not_push", branch = branch, remote = remote),
        progress,
    )
    .map_err(|e| {
        if e.causes.iter().any(|c| {
            c.contains("rejected") || c.contains("non-fast-forward") || c.contains("fetch first")
        }) {
            e.hint(t!(
                "git.has_commits_do_not",
                remote = remote,
                branch = branch
            ))
        } else {
            e
        }
    })
}

/// Replaces the branch on `remote` only if it is still where we last saw it (`expected`):
/// never a plain force push.
pub fn push_with_lease(
    dir: &Path,
    remote: &str,
    branch: &str,
    expected: &str,
    auth: &Auth,
) -> Result<()> {
    let mut cmd = git(auth);
    cmd.arg("-C").arg(dir).args([
        "push",
        "--progress",
        &format!("--force-with-lease=refs/heads/{branch}:{expected}"),
        remote,
        &format!("HEAD:refs/heads/{branch}"),
    ]);
    run_with_progress(
        cmd,
        &t!("git.could_not_push", branch = branch, remote = remote),
        &mut |_| {},
    )
    .map_err(|e| {
        if e.causes
            .iter()
            .any(|c| c.contains("stale info") || c.contains("rejected"))
        {
            e.context(t!(
                "git.has_commits_have_not",
                remote = remote,
                branch = branch
            ))
            .hint(t!(
                "git.look_them_first_git",
                remote = remote,
                branch = branch
            ))
        } else {
            e
        }
    })
}

/// Does the repository at `url` answer yet? (A new fork's does only after a while.)
pub fn reachable(url: &str, auth: &Auth) -> bool {
    let mut cmd = git(auth);
    cmd.args(["ls-remote", "--heads", "--", url])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.status().is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_progress_lines() {
        let p =
            parse_progress("Receiving objects:  45% (450/1000), 1.20 MiB | 2.40 MiB/s").unwrap();
        assert_eq!(
            (p.phase.as_str(), p.current, p.total, p.done),
            ("Receiving objects", 450, 1000, false)
        );
        assert_eq!(p.detail.as_deref(), Some("1.20 MiB | 2.40 MiB/s"));
        let p = parse_progress("Receiving objects: 100% (1000/1000), 2.00 MiB | 2.40 MiB/s, done.")
            .unwrap();
        assert!(p.done);
        assert_eq!(p.detail.as_deref(), Some("2.00 MiB | 2.40 MiB/s"));
        let p = parse_progress("remote: Counting objects: 100% (5/5), done.").unwrap();
        assert_eq!(
            (p.phase.as_str(), p.total, p.done, p.detail),
            ("Counting objects", 5, true, None)
        );
        assert!(parse_progress("Cloning into 'x'...").is_none());
        assert!(parse_progress("fatal: repository 'x' not found").is_none());
    }
}
