//! Setting a clone up for contributing: remotes, tracking, the topic branch, and the
//! `contrib.*` record that later commands read. All local, with libgit2.

use crate::error::{Error, Result};
use crate::t;
use git2::{BranchType, Repository};
use std::path::Path;

fn e(what: &str) -> impl Fn(git2::Error) -> Error + '_ {
    move |err| Error::failed(what.to_string()).cause(err.message().to_string())
}

/// What a contribution's branches should look like.
pub struct Setup<'a> {
    pub default_branch: &'a str,
    pub topic: &'a str,
    /// `contrib.*` keys to record (without the prefix).
    pub record: Vec<(&'a str, String)>,
}

/// What changed, in words for the user.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Report {
    pub notes: Vec<String>,
    pub branch_created: bool,
}

/// Comparable form of a remote URL: scheme, credentials and `.git` left out.
pub fn same_repo_url(a: &str, b: &str) -> bool {
    fn norm(u: &str) -> String {
        let u = u
            .trim()
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .to_ascii_lowercase();
        let (had_scheme, rest) = match u.split_once("://") {
            Some((_, r)) => (true, r.to_string()),
            None => (false, u.clone()),
        };
        let rest = rest
            .split_once('@')
            .map(|(_, r)| r.to_string())
            .unwrap_or(rest);
        // scp-like `host:owner/repo` → `host/owner/repo`; a URL's `host:port` stays.
        if had_scheme {
            rest
        } else {
            rest.replacen(':', "/", 1)
        }
    }
    norm(a) == norm(b)
}

/// The remote names whose URL is `url`.
pub fn remotes_with_url(repo: &Repository, url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(names) = repo.remotes() {
        for name in names.iter().flatten().flatten() {
            if let Ok(r) = repo.find_remote(name)
                && r.url().ok().is_some_and(|u| same_repo_url(u, url))
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn remote_url(repo: &Repository, name: &str) -> Option<String> {
    repo.find_remote(name)
        .ok()
        .and_then(|r| r.url().ok().map(String::from))
}

/// Makes `name` point at `url`: renames a remote that already points there, moves an
/// unrelated remote of that name out of the way (never deletes it), or adds it.
fn ensure_remote(repo: &Repository, name: &str, url: &str, report: &mut Report) -> Result<()> {
    match remote_url(repo, name) {
        Some(current) if same_repo_url(&current, url) => return Ok(()),
        Some(current) => {
            let keep = format!("{name}-before-contrib");
            repo.remote_rename(name, &keep)
                .map_err(e(&t!("git.could_not_rename_remote")))?;
            report.notes.push(
                t!(
                    "git.renamed_remote",
                    name = name,
                    current = current,
                    keep = keep
                )
                .to_string(),
            );
        }
        None => {}
    }
    if let Some(other) = remotes_with_url(repo, url).into_iter().find(|n| n != name) {
        repo.remote_rename(&other, name)
            .map_err(e(&t!("git.could_not_rename_remote")))?;
        report
            .notes
            .push(t!("git.renamed_other_remote", other = other, name = name).to_string());
        return Ok(());
    }
    repo.remote(name, url)
        .map_err(e(&t!("git.could_not_add_remote")))?;
    Ok(())
}

/// `upstream` → the project, `origin` → your fork (or the project itself when it is
/// yours), pushes to origin by default. Remotes in the way are renamed, never removed.
pub fn remotes(
    dir: &Path,
    upstream_url: &str,
    origin_url: &str,
    report: &mut Report,
) -> Result<()> {
    let repo = Repository::open(dir).map_err(e(&t!("git.could_not_open_clone")))?;
    ensure_remote(&repo, "upstream", upstream_url, report)?;
    if origin_url == upstream_url {
        if remote_url(&repo, "origin").is_none() {
            repo.remote("origin", origin_url)
                .map_err(e(&t!("git.could_not_add_remote")))?;
        }
    } else {
        ensure_remote(&repo, "origin", origin_url, report)?;
    }
    let mut cfg = repo
        .config()
        .map_err(e(&t!("git.could_not_open_clone_config")))?;
    cfg.set_str("remote.pushDefault", "origin")
        .map_err(e(&t!("git.could_not_write_clone")))
}

/// The default branch follows upstream; the topic branch is cut from it (or exists) and is
/// checked out; the `contrib.*` record is written. Needs `upstream` fetched.
pub fn branches(dir: &Path, s: &Setup, report: &mut Report) -> Result<()> {
    let repo = Repository::open(dir).map_err(e(&t!("git.could_not_open_clone")))?;
    let mut cfg = repo
        .config()
        .map_err(e(&t!("git.could_not_open_clone_config")))?;
    let set = |cfg: &mut git2::Config, k: &str, v: &str| {
        cfg.set_str(k, v)
            .map_err(e(&t!("git.could_not_write_clone")))
    };

    // The default branch follows upstream.
    let upstream_ref = format!("refs/remotes/upstream/{}", s.default_branch);
    let base = repo
        .find_reference(&upstream_ref)
        .and_then(|r| r.peel_to_commit())
        .map_err(|err| {
            Error::failed(t!(
                "git.upstream_has_no_branch",
                default_branch = s.default_branch
            ))
            .cause(err.message().to_string())
            .hint(t!("git.run_git_fetch_upstream"))
        })?;
    if repo
        .find_branch(s.default_branch, BranchType::Local)
        .is_ok()
    {
        set(
            &mut cfg,
            &format!("branch.{}.remote", s.default_branch),
            "upstream",
        )?;
        set(
            &mut cfg,
            &format!("branch.{}.merge", s.default_branch),
            &format!("refs/heads/{}", s.default_branch),
        )?;
    }

    // The topic branch: cut from upstream's default branch, pushed to origin.
    let exists = repo.find_branch(s.topic, BranchType::Local).is_ok();
    if !exists {
        repo.branch(s.topic, &base, false)
            .map_err(e(&t!("git.could_not_create_branch")))?;
        report.branch_created = true;
    }
    set(
        &mut cfg,
        &format!("branch.{}.pushRemote", s.topic),
        "origin",
    )?;
    checkout(&repo, s.topic)?;
    for (k, v) in &s.record {
        set(&mut cfg, &format!("contrib.{k}"), v)?;
    }
    Ok(())
}

/// Switches to a local branch, refusing (not discarding) when local changes are in the way.
pub fn checkout(repo: &Repository, branch: &str) -> Result<()> {
    let refname = format!("refs/heads/{branch}");
    if repo
        .head()
        .ok()
        .and_then(|h| h.name().ok().map(String::from))
        .as_deref()
        == Some(refname.as_str())
    {
        return Ok(());
    }
    let target = repo
        .revparse_single(&refname)
        .map_err(e(&t!("git.could_not_find_branch")))?;
    let mut opts = git2::build::CheckoutBuilder::new();
    opts.safe();
    repo.checkout_tree(&target, Some(&mut opts))
        .map_err(|err| {
            Error::failed(t!("git.could_not_switch_branch", branch = branch))
                .cause(err.message().to_string())
                .hint(t!("git.uncommitted_changes_are_way"))
        })?;
    repo.set_head(&refname)
        .map_err(e(&t!("git.could_not_switch_branches")))?;
    Ok(())
}

/// A `contrib.*` value recorded in the repository around `dir`.
pub fn recorded(dir: &Path, key: &str) -> Option<String> {
    let repo = Repository::discover(dir).ok()?;
    let cfg = repo.config().ok()?;
    cfg.get_string(&format!("contrib.{key}")).ok()
}

/// Whether the working tree at `dir` is a git repository, and its remotes' URLs.
pub fn remote_urls(dir: &Path) -> Option<Vec<(String, String)>> {
    let repo = Repository::open(dir).ok()?;
    let names = repo.remotes().ok()?;
    Some(
        names
            .iter()
            .flatten()
            .flatten()
            .filter_map(|n| remote_url(&repo, n).map(|u| (n.to_string(), u)))
            .collect(),
    )
}

/// Text files at the top of `refname`'s tree and in its `.github/` and `docs/` folders whose
/// names match `wanted` (for the rule detector: no API call needed after a fetch).
pub fn files_at(dir: &Path, refname: &str, wanted: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let Ok(repo) = Repository::open(dir) else {
        return vec![];
    };
    let Ok(tree) = repo.revparse_single(refname).and_then(|o| o.peel_to_tree()) else {
        return vec![];
    };
    let mut out = Vec::new();
    for prefix in ["", ".github/", "docs/"] {
        let sub = if prefix.is_empty() {
            Some(tree.clone())
        } else {
            tree.get_path(Path::new(prefix.trim_end_matches('/')))
                .ok()
                .and_then(|e| e.to_object(&repo).ok())
                .and_then(|o| o.into_tree().ok())
        };
        let Some(sub) = sub else { continue };
        for entry in sub.iter() {
            let Ok(name) = entry.name() else { continue };
            let path = format!("{prefix}{name}");
            if entry.kind() == Some(git2::ObjectType::Blob)
                && wanted(&path)
                && let Ok(blob) = entry.to_object(&repo).and_then(|o| o.peel_to_blob())
                && let Ok(text) = std::str::from_utf8(blob.content())
            {
                out.push((path, text.to_string()));
            }
        }
    }
    out
}

/// Pull-request templates in `refname`'s tree, where GitHub looks: files at the top, in
/// `.github/` and `docs/`, and the `PULL_REQUEST_TEMPLATE/` folders in those places.
pub fn pr_template_files(dir: &Path, refname: &str) -> Vec<(String, String)> {
    let Ok(repo) = Repository::open(dir) else {
        return vec![];
    };
    let Ok(tree) = repo.revparse_single(refname).and_then(|o| o.peel_to_tree()) else {
        return vec![];
    };
    let mut out = Vec::new();
    walk_templates(&repo, "", &tree, 0, &mut out);
    out
}

fn walk_templates(
    repo: &Repository,
    prefix: &str,
    t: &git2::Tree,
    depth: u8,
    out: &mut Vec<(String, String)>,
) {
    for entry in t.iter() {
        let Ok(name) = entry.name() else { continue };
        let path = format!("{prefix}{name}");
        let lower = name.to_lowercase();
        match entry.kind() {
            Some(git2::ObjectType::Blob)
                if lower.starts_with("pull_request_template")
                    || prefix.to_lowercase().ends_with("pull_request_template/") =>
            {
                if let Ok(blob) = entry.to_object(repo).and_then(|o| o.peel_to_blob())
                    && let Ok(text) = std::str::from_utf8(blob.content())
                {
                    out.push((path, text.to_string()));
                }
            }
            Some(git2::ObjectType::Tree) if depth < 2 => {
                let enter = (depth == 0 && (lower == ".github" || lower == "docs"))
                    || lower == "pull_request_template";
                if enter && let Ok(sub) = entry.to_object(repo).and_then(|o| o.peel_to_tree()) {
                    walk_templates(repo, &format!("{path}/"), &sub, depth + 1, out);
                }
            }
            _ => {}
        }
    }
}

/// Messages of the last `n` commits on `refname`, newest first.
pub fn recent_messages(dir: &Path, refname: &str, n: usize) -> Vec<String> {
    let Ok(repo) = Repository::open(dir) else {
        return vec![];
    };
    let Ok(mut walk) = repo.revwalk() else {
        return vec![];
    };
    let Ok(oid) = repo.revparse_single(refname).map(|o| o.id()) else {
        return vec![];
    };
    if walk.push(oid).is_err() {
        return vec![];
    }
    walk.take(n)
        .filter_map(|id| id.ok())
        .filter_map(|id| repo.find_commit(id).ok())
        .filter(|c| c.parent_count() <= 1)
        .filter_map(|c| c.message().ok().map(String::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::same_repo_url;

    #[test]
    fn remote_urls_compare_by_repository() {
        assert!(same_repo_url(
            "https://github.com/O/R.git",
            "https://github.com/o/r"
        ));
        assert!(same_repo_url(
            "git@github.com:o/r.git",
            "https://github.com/o/r.git"
        ));
        assert!(same_repo_url(
            "ssh://git@github.com/o/r.git",
            "https://github.com/o/r"
        ));
        assert!(same_repo_url(
            "http://127.0.0.1:8080/o/r.git",
            "http://127.0.0.1:8080/o/r.git"
        ));
        assert!(!same_repo_url(
            "https://github.com/o/r",
            "https://github.com/o/r2"
        ));
        assert!(!same_repo_url(
            "http://127.0.0.1:8080/o/r.git",
            "http://127.0.0.1:9090/o/r.git"
        ));
    }
}
