//! `contrib status`: where your branch stands, and what the pull request is waiting for.

use crate::checks::{self, Check, Group};
use crate::cli::Ctx;
use crate::contribution::Contribution;
use crate::error::{Error, Result};
use crate::git::work;
use crate::github::GitHub;
use crate::t;
use serde::Serialize;
use std::time::Duration;

/// Show your branch and what the pull request is waiting for
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep refreshing until the checks settle (free while nothing changes)
    #[arg(long)]
    pub watch: bool,
    /// Seconds between refreshes with --watch
    #[arg(long, default_value_t = 15, value_name = "SECS")]
    pub interval: u64,
}

#[derive(Debug, Serialize)]
struct Local {
    branch: String,
    base: String,
    ahead: u64,
    behind: u64,
    /// `None`: never pushed.
    unpushed: Option<u64>,
    uncommitted: bool,
    signoff_required: bool,
    unsigned_commits: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Review {
    /// approved, changes-requested, or pending.
    decision: String,
    by: Vec<String>,
    latest_words: Option<String>,
}

#[derive(Debug, Serialize)]
struct PullState {
    number: u64,
    url: String,
    /// open, closed, or merged.
    state: String,
    draft: bool,
    mergeable: Option<bool>,
    mergeable_state: Option<String>,
    review: Review,
    review_comments: usize,
    checks: Vec<Check>,
}

fn local(c: &Contribution) -> Result<Local> {
    let branch = c
        .branch
        .clone()
        .ok_or_else(|| Error::failed(t!("commit.are_not_branch")))?;
    let base_ref = c.base_ref();
    let tracking = format!("refs/remotes/origin/{branch}");
    let rules = c.rules();
    let unsigned = if rules.dco.value {
        let base = work::merge_base(&c.root, "HEAD", &base_ref).unwrap_or_default();
        work::commits_since(&c.root, &base)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, m)| !m.lines().any(|l| l.starts_with("Signed-off-by: ")))
            .map(|(id, m)| format!("{} {}", &id[..8], m.lines().next().unwrap_or("")))
            .collect()
    } else {
        vec![]
    };
    Ok(Local {
        ahead: work::count(&c.root, &format!("{base_ref}..HEAD")),
        behind: work::count(&c.root, &format!("HEAD..{base_ref}")),
        unpushed: work::rev(&c.root, &tracking)
            .map(|_| work::count(&c.root, &format!("{tracking}..HEAD"))),
        uncommitted: work::is_dirty(&c.root),
        signoff_required: rules.dco.value,
        unsigned_commits: unsigned,
        base: c.base.clone(),
        branch,
    })
}

async fn pull_state(gh: &GitHub, owner: &str, name: &str, head: &str) -> Result<Option<PullState>> {
    let Some(found) = gh
        .pulls_for_head_any(owner, name, head)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let n = found.number;
    let (detail, reviews, comments) = tokio::join!(
        gh.pull(owner, name, n),
        gh.reviews(owner, name, n),
        gh.review_comments(owner, name, n)
    );
    let detail = detail?;
    let (runs, statuses) = tokio::join!(
        gh.check_runs(owner, name, &detail.head.sha),
        gh.commit_status(owner, name, &detail.head.sha)
    );
    let mut checks: Vec<Check> = runs?
        .into_iter()
        .map(|r| {
            let group = checks::group_of_run(&r.status, r.conclusion.as_deref());
            Check {
                explanation: checks::explain(&r.name, group, r.details_url.as_deref()),
                name: crate::text::one_line(&r.name),
                group,
                url: r.details_url,
            }
        })
        .collect();
    checks.extend(statuses?.into_iter().map(|s| {
        let group = checks::group_of_status(&s.state);
        Check {
            explanation: checks::explain(&s.context, group, s.target_url.as_deref()),
            name: crate::text::one_line(&s.context),
            group,
            url: s.target_url,
        }
    }));
    if detail.mergeable_state.as_deref() == Some("behind") {
        checks.push(Check {
            name: t!("status.up_date_base").into(),
            group: Group::Failed,
            explanation: Some(t!("status.project_moved_run_contrib").into()),
            url: None,
        });
    }
    checks.sort_by_key(|c| c.group);

    // The latest decision of each reviewer counts.
    let mut latest: Vec<(String, String)> = Vec::new();
    for r in reviews?.iter().filter(|r| {
        matches!(
            r.state.as_str(),
            "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
        )
    }) {
        let who = r.user.as_ref().map(|u| u.login.clone()).unwrap_or_default();
        latest.retain(|(w, _)| w != &who);
        latest.push((who, r.state.clone()));
    }
    let requested: Vec<String> = latest
        .iter()
        .filter(|(_, s)| s == "CHANGES_REQUESTED")
        .map(|(w, _)| w.clone())
        .collect();
    let approved: Vec<String> = latest
        .iter()
        .filter(|(_, s)| s == "APPROVED")
        .map(|(w, _)| w.clone())
        .collect();
    let comments = comments?;
    let latest_words = comments.last().map(|c| {
        let who = c.user.as_ref().map(|u| u.login.clone()).unwrap_or_default();
        let text: String = crate::text::one_line(&c.body).chars().take(100).collect();
        format!("@{who}: \"{text}\"")
    });
    let review = if !requested.is_empty() {
        Review {
            decision: "changes-requested".into(),
            by: requested,
            latest_words,
        }
    } else if !approved.is_empty() {
        Review {
            decision: "approved".into(),
            by: approved,
            latest_words,
        }
    } else {
        Review {
            decision: "pending".into(),
            by: vec![],
            latest_words,
        }
    };
    let merged = detail.merged.unwrap_or(false) || detail.merged_at.is_some();
    Ok(Some(PullState {
        number: n,
        url: detail.html_url,
        state: if merged {
            "merged".into()
        } else {
            detail.state
        },
        draft: detail.draft.unwrap_or(false),
        mergeable: detail.mergeable,
        mergeable_state: detail.mergeable_state,
        review,
        review_comments: comments.len(),
        checks,
    }))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let c = Contribution::here(&ctx.cwd)?;
    let upstream = c.upstream.clone().ok_or_else(|| {
        Error::failed(t!("pr.contrib_does_not_know")).hint(t!("status.run_contrib_start_owner"))
    })?;
    let (owner, name) = upstream
        .split_once('/')
        .ok_or_else(|| Error::bug(t!("pr.contrib_upstream_has_no")))?;
    let endpoint = ctx.endpoint()?;
    let found = ctx.require_token(&endpoint)?;
    let gh = ctx.github(&endpoint, Some(found.token))?;
    let fork_owner = c
        .fork
        .as_deref()
        .and_then(|f| f.split('/').next())
        .unwrap_or(owner)
        .to_string();
    loop {
        let local = local(&c)?;
        let head = format!("{fork_owner}:{}", local.branch);
        let pr = ctx.block_on(pull_state(&gh, owner, name, &head))??;
        let settled = pr
            .as_ref()
            .is_none_or(|p| p.state != "open" || checks::settled(&p.checks));
        if ctx.ui.json {
            ctx.ui.out_json(
                &serde_json::json!({"local": local, "pull_request": pr, "settled": settled}),
            )?;
        } else {
            show(ctx, &local, pr.as_ref())?;
        }
        if !args.watch || settled {
            return Ok(());
        }
        ctx.ui.status(
            t!("verb.watching"),
            t!("status.refreshing_every_s_until", interval = args.interval),
        );
        std::thread::sleep(Duration::from_secs(args.interval.max(1)));
    }
}

fn show(ctx: &Ctx, l: &Local, pr: Option<&PullState>) -> Result<()> {
    let out = |s: String| ctx.ui.out(s);
    out(t!(
        "status.branch_based_upstream",
        branch = l.branch,
        base = l.base
    )
    .to_string())?;
    out(if l.behind > 0 {
        t!(
            "status.ahead_behind_sync",
            ahead = l.ahead,
            base = l.base,
            behind = l.behind
        )
    } else {
        t!(
            "status.ahead_behind",
            ahead = l.ahead,
            base = l.base,
            behind = l.behind
        )
    }
    .to_string())?;
    out(match l.unpushed {
        None => t!("status.not_pushed_yet_contrib").into(),
        Some(0) => t!("status.everything_pushed_fork").into(),
        Some(n) => t!("status.commit_s_not_pushed", n = n).to_string(),
    })?;
    if l.uncommitted {
        out(t!("status.uncommitted_changes_contrib_commit").into())?;
    }
    if l.signoff_required {
        if l.unsigned_commits.is_empty() {
            out(t!("status.every_commit_signed_off").into())?;
        } else {
            out(t!(
                "status.commit_s_lack_signed",
                unsigned_commits = l.unsigned_commits.len(),
                unsigned_commits2 = l.unsigned_commits.join("; ")
            )
            .to_string())?;
        }
    }
    let Some(p) = pr else {
        return out(t!("status.no_pull_request_yet").into());
    };
    let draft = if p.draft {
        t!("status.draft_mark")
    } else {
        "".into()
    };
    let state = match p.state.as_str() {
        "open" => t!("status.state.open"),
        "closed" => t!("status.state.closed"),
        "merged" => t!("status.state.merged"),
        other => other.to_string().into(),
    };
    out(t!(
        "status.pull_request",
        number = p.number,
        state = state,
        draft = draft,
        url = p.url
    )
    .to_string())?;
    match p.state.as_str() {
        "merged" => return out(t!("status.merged_thank_change_project").into()),
        "closed" => {
            return out(t!("status.closed_without_merging_conversation").into());
        }
        _ => {}
    }
    if p.mergeable == Some(false) || p.mergeable_state.as_deref() == Some("dirty") {
        out(t!("status.conflicts_contrib_sync_resolve", base = l.base).to_string())?;
    }
    let by = p
        .review
        .by
        .iter()
        .map(|w| format!("@{w}"))
        .collect::<Vec<_>>()
        .join(", ");
    out(match p.review.decision.as_str() {
        "changes-requested" => t!("status.review_changes_requested", by = by).to_string(),
        "approved" => t!("status.review_approved", by = by).to_string(),
        _ => t!("status.review_waiting_maintainer").into(),
    })?;
    if p.review_comments > 0 {
        out(t!(
            "status.review_comment_s_latest",
            review_comments = p.review_comments,
            latest_words = p.review.latest_words.clone().unwrap_or_default()
        )
        .to_string())?;
    }
    let count = |g: Group| p.checks.iter().filter(|c| c.group == g).count();
    out(t!(
        "status.checks_passed_failed_running",
        passed = count(Group::Passed),
        failed = count(Group::Failed),
        running = count(Group::Running),
        waiting = count(Group::WaitingForMaintainer)
    )
    .to_string())?;
    for c in p
        .checks
        .iter()
        .filter(|c| matches!(c.group, Group::Failed | Group::WaitingForMaintainer))
    {
        let mark = if c.group == Group::Failed {
            "✗"
        } else {
            "…"
        };
        out(format!(
            "    {mark} {}: {}",
            c.name,
            c.explanation.clone().unwrap_or_default()
        ))?;
    }
    Ok(())
}
