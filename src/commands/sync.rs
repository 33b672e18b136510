//! `contrib sync`: bring the topic branch up to date with upstream (rebase, or merge), keep
//! a backup first, stop plainly on conflicts, and push again only with a lease.

use crate::cli::Ctx;
use crate::contribution::Contribution;
use crate::error::{Error, Result};
use crate::git::{transfer, work};
use crate::t;

/// Bring your branch up to date with the project
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Merge upstream into your branch instead of rebasing onto it
    #[arg(long)]
    pub merge: bool,
    /// Put uncommitted changes aside while syncing, and back afterwards
    #[arg(long)]
    pub autostash: bool,
    /// Go on after you resolved the conflicts
    #[arg(long = "continue", conflicts_with = "abort")]
    pub continue_: bool,
    /// Give up the sync and put the branch back exactly as it was
    #[arg(long)]
    pub abort: bool,
    /// Push the updated branch to your fork without asking (safely, with a lease)
    #[arg(long, conflicts_with = "no_push")]
    pub push: bool,
    /// Do not push, even if the branch was pushed before
    #[arg(long)]
    pub no_push: bool,
    /// Also bring your fork's default branch on GitHub up to date
    #[arg(long)]
    pub fork_default: bool,
}

const STASHED: &str = "contrib.syncstash";

fn conflict_error(c: &Contribution, branch: &str) -> Error {
    let files = work::conflicted(&c.root);
    let mut e = Error::failed(t!("sync.changes_upstream_s_touch", files = files.len()));
    for f in &files {
        e = e.cause(t!("sync.conflict", f = f));
    }
    e.hint(t!("sync.open_each_file_keep"))
        .hint(t!("sync.then_run_contrib_sync"))
        .hint(t!("sync.branch_was_before_kept", branch = branch))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let c = Contribution::here(&ctx.cwd)?;
    let branch = c
        .branch
        .clone()
        .or_else(|| work::config_get(&c.root, "contrib.syncbranch"))
        .ok_or_else(|| Error::failed(t!("commit.are_not_branch")))?;
    if args.abort {
        let was = work::in_progress(&c.root);
        work::abort(&c.root)?;
        finish_stash(ctx, &c)?;
        let backup = format!("refs/contrib/backup/{branch}");
        let restored = work::rev(&c.root, "HEAD") == work::rev(&c.root, &backup);
        return ctx.ui.out(match (was, restored) {
            (None, _) => t!("sync.no_sync_was_progress").to_string(),
            (_, true) => t!("sync.sync_given_up_exactly", branch = branch).to_string(),
            (_, false) => t!("sync.sync_given_up_branch", backup = backup).to_string(),
        });
    }
    if args.continue_ {
        if work::in_progress(&c.root).is_none() {
            return ctx.ui.out(t!("sync.no_sync_progress_nothing"));
        }
        if !work::conflicted(&c.root).is_empty() {
            return Err(conflict_error(&c, &branch).context(t!("sync.there_are_still_files")));
        }
        if !work::continue_(&c.root)? {
            return Err(conflict_error(&c, &branch));
        }
        finish_stash(ctx, &c)?;
        ctx.ui.status(
            t!("verb.synced"),
            t!("sync.branch_with_upstream", branch = branch, base = c.base),
        );
        return push_again(ctx, &c, &branch, &args);
    }
    if work::in_progress(&c.root).is_some() {
        return Err(Error::failed(t!("sync.rebase_merge_already_progress"))
            .hint(t!("sync.finish_contrib_sync_continue")));
    }

    let endpoint = ctx.endpoint()?;
    let auth = crate::commands::start::git_auth(ctx, &endpoint);
    c.require_upstream_remote()?;
    ctx.ui.status(t!("verb.fetching"), "upstream");
    transfer::fetch(&c.root, "upstream", &auth, &mut |_| {})?;
    let base_ref = c.require_base()?;
    if branch != c.base && work::fast_forward_branch(&c.root, &c.base, &base_ref)? {
        ctx.ui.status(
            t!("verb.updated"),
            t!("sync.default_to_upstream", base = c.base),
        );
    }
    if args.fork_default {
        fork_default(ctx, &c)?;
    }
    if work::is_ancestor(&c.root, &base_ref, "HEAD") {
        return ctx.ui.out(t!(
            "sync.already_up_date_has",
            branch = branch,
            base = c.base
        ));
    }
    if branch == c.base {
        if work::is_dirty(&c.root) {
            return Err(Error::failed(t!("sync.have_uncommitted_changes_default"))
                .hint(t!("sync.commit_stash_them_first")));
        }
        work::integrate(&c.root, &base_ref, true)?;
        return ctx.ui.out(t!(
            "sync.now_matches_upstream",
            branch = branch,
            base = c.base
        ));
    }
    if work::is_dirty(&c.root) {
        if !args.autostash {
            return Err(Error::failed(t!("sync.have_uncommitted_changes_syncing"))
                .hint(t!("sync.commit_them_contrib_commit"))
                .hint(t!("start.nothing_was_changed")));
        }
        work::stash(&c.root)?;
        work::config_set(&c.root, STASHED, "1")?;
        ctx.ui
            .status(t!("verb.stashed"), t!("sync.uncommitted_changes_they_come"));
    }
    let backup = work::backup(&c.root, &branch)?;
    work::config_set(&c.root, "contrib.syncbranch", &branch)?;
    let how = if args.merge {
        t!("verb.merging")
    } else {
        t!("verb.rebasing")
    };
    ctx.ui.status(
        how,
        t!(
            "sync.onto_upstream_branch_was",
            branch = branch,
            base = c.base,
            backup = backup
        ),
    );
    if !work::integrate(&c.root, &base_ref, args.merge)? {
        return Err(conflict_error(&c, &branch));
    }
    finish_stash(ctx, &c)?;
    ctx.ui.status(
        t!("verb.synced"),
        t!("sync.branch_with_upstream", branch = branch, base = c.base),
    );
    push_again(ctx, &c, &branch, &args)
}

fn finish_stash(ctx: &Ctx, c: &Contribution) -> Result<()> {
    work::config_unset(&c.root, "contrib.syncbranch");
    if work::config_get(&c.root, STASHED).is_some() {
        work::config_unset(&c.root, STASHED);
        work::unstash(&c.root)?;
        ctx.ui
            .status(t!("verb.restored"), t!("sync.uncommitted_changes"));
    }
    Ok(())
}

/// A branch pushed before is pushed again with a lease: only if the fork's branch is still
/// where we last saw it.
fn push_again(ctx: &Ctx, c: &Contribution, branch: &str, args: &Args) -> Result<()> {
    let tracking = format!("refs/remotes/origin/{branch}");
    let Some(expected) = work::rev(&c.root, &tracking) else {
        return ctx.ui.out(t!("sync.branch_up_date_upstream"));
    };
    if work::rev(&c.root, "HEAD").as_deref() == Some(expected.as_str()) {
        return ctx.ui.out(t!("sync.branch_up_date_fork"));
    }
    let push = if args.no_push {
        false
    } else if args.push || ctx.ui.yes {
        true
    } else if ctx.ui.interactive {
        ctx.ui
            .confirm(t!("sync.push_updated_branch_fork"), Some(true), "--push")?
    } else {
        false
    };
    if !push {
        return ctx.ui.out(t!("sync.up_to_date_fork_old"));
    }
    let endpoint = ctx.endpoint()?;
    let auth = crate::commands::start::git_auth(ctx, &endpoint);
    transfer::push_with_lease(&c.root, "origin", branch, &expected, &auth)?;
    ctx.ui
        .out(t!("sync.pushed_updated_fork_pull", branch = branch))
}

fn fork_default(ctx: &Ctx, c: &Contribution) -> Result<()> {
    let fork = c.fork.clone().ok_or_else(|| {
        Error::failed(t!("sync.contrib_does_not_know")).hint(t!("sync.run_contrib_start_here"))
    })?;
    let (owner, name) = fork
        .split_once('/')
        .ok_or_else(|| Error::bug(t!("sync.contrib_fork_has_no")))?;
    let endpoint = ctx.endpoint()?;
    let found = ctx.require_token(&endpoint)?;
    let gh = ctx.github(&endpoint, Some(found.token))?;
    let message = ctx.block_on(gh.merge_upstream(owner, name, &c.base))??;
    ctx.ui.status(t!("verb.fork"), format!("{fork}: {message}"));
    Ok(())
}
