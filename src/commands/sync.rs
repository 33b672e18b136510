//! `contrib sync`: bring the topic branch up to date with upstream (rebase, or merge), keep
//! a backup first, stop plainly on conflicts, and push again only with a lease.

use crate::cli::Ctx;
use crate::contribution::Contribution;
use crate::error::{Error, Result};
use crate::git::{transfer, work};

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
    let mut e = Error::failed(format!(
        "your changes and upstream's touch the same lines; the sync stopped so you can choose ({} file(s))",
        files.len()
    ));
    for f in &files {
        e = e.cause(format!("conflict in {f}"));
    }
    e.hint("open each file, keep what should stay between the <<<<<<< and >>>>>>> marks (and remove the marks), then `git add` it")
        .hint("then run `contrib sync --continue`; or `contrib sync --abort` to put everything back as it was")
        .hint(format!("your branch as it was before is kept as refs/contrib/backup/{branch}"))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let c = Contribution::here(&ctx.cwd)?;
    let branch = c
        .branch
        .clone()
        .or_else(|| work::config_get(&c.root, "contrib.syncbranch"))
        .ok_or_else(|| Error::failed("you are not on a branch"))?;
    if args.abort {
        let was = work::in_progress(&c.root);
        work::abort(&c.root)?;
        finish_stash(ctx, &c)?;
        let backup = format!("refs/contrib/backup/{branch}");
        let restored = work::rev(&c.root, "HEAD") == work::rev(&c.root, &backup);
        return ctx.ui.out(match (was, restored) {
            (None, _) => "No sync was in progress; nothing changed.".to_string(),
            (_, true) => format!("Sync given up: {branch} is exactly as it was before."),
            (_, false) => {
                format!("Sync given up. The branch as it was before is kept as {backup}.")
            }
        });
    }
    if args.continue_ {
        if work::in_progress(&c.root).is_none() {
            return ctx.ui.out("No sync is in progress: nothing to continue.");
        }
        if !work::conflicted(&c.root).is_empty() {
            return Err(conflict_error(&c, &branch).context("there are still files with conflicts"));
        }
        if !work::continue_(&c.root)? {
            return Err(conflict_error(&c, &branch));
        }
        finish_stash(ctx, &c)?;
        ctx.ui
            .status("Synced", format!("{branch} with upstream/{}", c.base));
        return push_again(ctx, &c, &branch, &args);
    }
    if work::in_progress(&c.root).is_some() {
        return Err(
            Error::failed("a rebase or merge is already in progress here")
                .hint("finish it with `contrib sync --continue`, or `contrib sync --abort`"),
        );
    }

    let endpoint = ctx.endpoint()?;
    let auth = crate::commands::start::git_auth(ctx, &endpoint);
    c.require_upstream_remote()?;
    ctx.ui.status("Fetching", "upstream");
    transfer::fetch(&c.root, "upstream", &auth, &mut |_| {})?;
    let base_ref = c.require_base()?;
    if branch != c.base && work::fast_forward_branch(&c.root, &c.base, &base_ref)? {
        ctx.ui
            .status("Updated", format!("your {} to upstream/{}", c.base, c.base));
    }
    if args.fork_default {
        fork_default(ctx, &c)?;
    }
    if branch == c.base {
        if work::is_ancestor(&c.root, &base_ref, "HEAD") {
            return ctx.ui.out(format!(
                "Already up to date: {branch} has everything upstream/{} has.",
                c.base
            ));
        }
        if work::is_dirty(&c.root) {
            return Err(
                Error::failed("you have uncommitted changes on the default branch")
                    .hint("commit or stash them first"),
            );
        }
        work::integrate(&c.root, &base_ref, true)?;
        return ctx
            .ui
            .out(format!("{branch} now matches upstream/{}.", c.base));
    }
    if work::is_ancestor(&c.root, &base_ref, "HEAD") {
        return ctx.ui.out(format!(
            "Already up to date: {branch} has everything upstream/{} has.",
            c.base
        ));
    }
    if work::is_dirty(&c.root) {
        if !args.autostash {
            return Err(Error::failed("you have uncommitted changes, and syncing needs a clean tree")
                .hint("commit them (`contrib commit -a`), or run `contrib sync --autostash` to put them aside and back")
                .hint("nothing was changed"));
        }
        work::stash(&c.root)?;
        work::config_set(&c.root, STASHED, "1")?;
        ctx.ui.status(
            "Stashed",
            "your uncommitted changes (they come back at the end)",
        );
    }
    let backup = work::backup(&c.root, &branch)?;
    work::config_set(&c.root, "contrib.syncbranch", &branch)?;
    let how = if args.merge { "Merging" } else { "Rebasing" };
    ctx.ui.status(
        how,
        format!(
            "{branch} onto upstream/{} (the branch as it was is kept as {backup})",
            c.base
        ),
    );
    if !work::integrate(&c.root, &base_ref, args.merge)? {
        return Err(conflict_error(&c, &branch));
    }
    finish_stash(ctx, &c)?;
    ctx.ui
        .status("Synced", format!("{branch} with upstream/{}", c.base));
    push_again(ctx, &c, &branch, &args)
}

fn finish_stash(ctx: &Ctx, c: &Contribution) -> Result<()> {
    work::config_unset(&c.root, "contrib.syncbranch");
    if work::config_get(&c.root, STASHED).is_some() {
        work::config_unset(&c.root, STASHED);
        work::unstash(&c.root)?;
        ctx.ui.status("Restored", "your uncommitted changes");
    }
    Ok(())
}

/// A branch pushed before is pushed again with a lease: only if the fork's branch is still
/// where we last saw it.
fn push_again(ctx: &Ctx, c: &Contribution, branch: &str, args: &Args) -> Result<()> {
    let tracking = format!("refs/remotes/origin/{branch}");
    let Some(expected) = work::rev(&c.root, &tracking) else {
        return ctx.ui.out(
            "Your branch is up to date with upstream. It was never pushed; `contrib pr` pushes it.",
        );
    };
    if work::rev(&c.root, "HEAD").as_deref() == Some(expected.as_str()) {
        return ctx.ui.out("Your branch is up to date, on your fork too.");
    }
    let push = if args.no_push {
        false
    } else if args.push || ctx.ui.yes {
        true
    } else if ctx.ui.interactive {
        ctx.ui.confirm(
            "Push the updated branch to your fork? (it replaces the old one there, safely)",
            Some(true),
            "--push",
        )?
    } else {
        false
    };
    if !push {
        return ctx.ui.out("Your branch is up to date with upstream. Your fork still has the old one: `contrib sync --push` replaces it safely.");
    }
    let endpoint = ctx.endpoint()?;
    let auth = crate::commands::start::git_auth(ctx, &endpoint);
    transfer::push_with_lease(&c.root, "origin", branch, &expected, &auth)?;
    ctx.ui.out(format!(
        "Pushed the updated {branch} to your fork; the pull request shows it."
    ))
}

fn fork_default(ctx: &Ctx, c: &Contribution) -> Result<()> {
    let fork = c.fork.clone().ok_or_else(|| {
        Error::failed("contrib does not know your fork here").hint("run `contrib start` here once")
    })?;
    let (owner, name) = fork
        .split_once('/')
        .ok_or_else(|| Error::bug("contrib.fork has no slash"))?;
    let endpoint = ctx.endpoint()?;
    let found = ctx.require_token(&endpoint)?;
    let gh = ctx.github(&endpoint, Some(found.token))?;
    let message = ctx.block_on(gh.merge_upstream(owner, name, &c.base))??;
    ctx.ui.status("Fork", format!("{fork}: {message}"));
    Ok(())
}
