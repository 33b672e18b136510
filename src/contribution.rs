//! The contribution a clone is for: what `contrib start` recorded in its git config
//! (`contrib.upstream`, `contrib.fork`, `contrib.base`, `contrib.issue`), and the project's
//! rules read from the fetched `upstream/<base>` tree (no API call needed).

use crate::error::{Error, Result};
use crate::git::{setup, work};
use crate::rules::{self, Rules};
use crate::t;
use std::path::{Path, PathBuf};

pub struct Contribution {
    pub root: PathBuf,
    pub upstream: Option<String>,
    pub fork: Option<String>,
    pub base: String,
    pub issue: Option<u64>,
    pub branch: Option<String>,
}

impl Contribution {
    pub fn here(dir: &Path) -> Result<Self> {
        let root = work::root(dir).ok_or_else(|| {
            Error::failed(t!("contribution.not_git_repository"))
                .hint(t!("contribution.go_clone_make_one"))
        })?;
        let get = |k: &str| setup::recorded(&root, k);
        Ok(Self {
            upstream: get("upstream"),
            fork: get("fork"),
            base: get("base").unwrap_or_else(|| "main".into()),
            issue: get("issue").and_then(|n| n.parse().ok()),
            branch: work::current_branch(&root),
            root,
        })
    }

    /// `upstream/<base>` when fetched, else the local base branch.
    pub fn base_ref(&self) -> String {
        let remote = format!("refs/remotes/upstream/{}", self.base);
        if work::rev(&self.root, &remote).is_some() {
            remote
        } else {
            format!("refs/heads/{}", self.base)
        }
    }

    /// `base_ref`, or a plain error when this clone has neither `upstream/<base>` nor a
    /// local `<base>` (not set up by `contrib start`, or never fetched).
    pub fn require_base(&self) -> Result<String> {
        let base = self.base_ref();
        if work::rev(&self.root, &base).is_some() {
            return Ok(base);
        }
        Err(Error::failed(t!(
            "contribution.contrib_cannot_tell_where",
            base = self.base
        ))
        .hint(t!("contribution.run_git_fetch_upstream")))
    }

    /// The `upstream` remote must exist for syncing and pushing.
    pub fn require_upstream_remote(&self) -> Result<()> {
        let has =
            setup::remote_urls(&self.root).is_some_and(|r| r.iter().any(|(n, _)| n == "upstream"));
        if has {
            Ok(())
        } else {
            Err(Error::failed(t!("contribution.clone_has_no_upstream"))
                .hint(t!("contribution.run_contrib_start_owner")))
        }
    }

    pub fn rules(&self) -> Rules {
        let base = self.base_ref();
        let files = setup::files_at(&self.root, &base, |p| {
            let name = p.rsplit('/').next().unwrap_or(p).to_lowercase();
            name.starts_with("contributing")
                || name == "dco"
                || name == "dco.md"
                || p.eq_ignore_ascii_case(".github/dco.yml")
        });
        let refs: Vec<rules::File> = files
            .iter()
            .map(|(p, t)| rules::File { path: p, text: t })
            .collect();
        let history = setup::recent_messages(&self.root, &base, 20);
        let history_refs: Vec<&str> = history.iter().map(String::as_str).collect();
        rules::detect(&refs, &history_refs)
    }

    /// `fix` from `fix/12-…`: the kind `contrib start` put in the branch name.
    pub fn branch_kind(&self) -> Option<&str> {
        let b = self.branch.as_deref()?;
        let (kind, _) = b.split_once('/')?;
        [
            "feat", "fix", "docs", "test", "refactor", "chore", "perf", "ci", "build", "style",
        ]
        .contains(&kind)
        .then_some(kind)
    }
}
