//! `contrib claim OWNER/REPO#N`: say, in public and the project's way, that you are working
//! on an issue. Never twice: your earlier comments are checked first, and again after a
//! POST whose answer was lost, before anything is sent again.

use crate::cli::Ctx;
use crate::error::{Error, Kind, Result};
use crate::find::claims;
use crate::find::verdict::{self, Facts};
use crate::github::GitHub;
use crate::t;
use crate::target::Target;

/// Tell the maintainers you are working on an issue
#[derive(Debug, clap::Args)]
pub struct Args {
    /// OWNER/REPO#N, or a link to the issue
    pub target: String,
    /// Your own words instead of the usual comment
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Claim it even though somebody seems to have it
    #[arg(long)]
    pub force: bool,
    /// The language of the comment (most projects expect English)
    #[arg(long, value_enum, default_value_t = crate::commands::pr::PrLang::En)]
    pub pr_lang: crate::commands::pr::PrLang,
}

const TEMPLATE: &str = include_str!("../../templates/claim.md");
const TEMPLATE_ZH: &str = include_str!("../../templates/claim.zh.md");

/// `/assign` when the project works that way (its CONTRIBUTING says so, or its issues use it).
pub fn uses_slash_assign(contributing: Option<&str>, comments: &[String]) -> bool {
    let mentions = |t: &str| t.lines().any(|l| l.contains("/assign"));
    contributing.is_some_and(mentions)
        || comments
            .iter()
            .any(|c| c.trim_start().starts_with("/assign"))
}

async fn contributing(gh: &GitHub, owner: &str, repo: &str) -> Result<Option<String>> {
    for path in [
        "CONTRIBUTING.md",
        ".github/CONTRIBUTING.md",
        "docs/CONTRIBUTING.md",
    ] {
        if let Some(text) = gh.file(owner, repo, path, None).await? {
            return Ok(Some(text));
        }
    }
    Ok(None)
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let target = Target::parse(&args.target, &endpoint)?;
    let Some(number) = target.issue else {
        return Err(Error::usage(t!("claim.which_issue")).hint(t!(
            "claim.give_number_contrib_claim",
            full_name = target.full_name()
        )));
    };
    let found = ctx.require_token(&endpoint)?;
    let gh = ctx.github(&endpoint, Some(found.token))?;
    let (owner, repo) = (target.owner.as_str(), target.repo.as_str());

    let (me, issue, events, guide) = ctx.block_on(async {
        tokio::join!(
            gh.whoami(),
            gh.issue(owner, repo, number),
            gh.timeline(owner, repo, number),
            contributing(&gh, owner, repo)
        )
    })?;
    let me = me?.user.login;
    let issue = issue?.ok_or_else(|| {
        Error::failed(t!(
            "claim.has_no_issue",
            full_name = target.full_name(),
            number = number
        ))
    })?;
    if issue.is_pull_request() {
        return Err(Error::usage(t!(
            "claim.pull_request_not_issue",
            number = number
        )));
    }
    if issue.state != "open" {
        return Err(Error::failed(t!(
            "claim.issue_there_nothing_claim",
            number = number,
            state = issue.state
        ))
        .hint(t!("claim.run_contrib_find_open")));
    }
    let events = events?;
    let my_comments: Vec<String> = events
        .iter()
        .filter(|e| {
            e.event.as_deref() == Some("commented")
                && e.user
                    .as_ref()
                    .is_some_and(|u| u.login.eq_ignore_ascii_case(&me))
        })
        .filter_map(|e| e.body.clone())
        .collect();
    if let Some(earlier) = my_comments.iter().find(|b| claims::is_claim(b)) {
        ctx.ui.out(t!(
            "claim.already_claimed_not_posting",
            full_name = target.full_name(),
            number = number,
            earlier = crate::text::one_line(earlier)
        ))?;
        return Ok(());
    }

    // Somebody else's claim, assignment or pull request: refuse unless --force.
    let facts = Facts {
        assignees: issue
            .assignees
            .iter()
            .map(|a| a.login.clone())
            .filter(|a| !a.eq_ignore_ascii_case(&me))
            .collect(),
        open_prs: events
            .iter()
            .filter(|e| e.event.as_deref() == Some("cross-referenced"))
            .filter_map(|e| e.source.as_ref()?.issue.as_ref())
            .filter(|i| i.pull_request.is_some() && i.state == "open")
            .map(|i| (i.number, i.user.login.clone()))
            .collect(),
        comments: events
            .iter()
            .filter(|e| e.event.as_deref() == Some("commented"))
            .map(|e| claims::Comment {
                author: e.user.as_ref().map(|u| u.login.clone()).unwrap_or_default(),
                association: e.author_association.clone().unwrap_or_default(),
                body: e.body.clone().unwrap_or_default(),
                created_at: e.created_at.unwrap_or_else(chrono::Utc::now),
            })
            .collect(),
    };
    let v = verdict::verdict(&facts, chrono::Utc::now());
    if !v.free && !args.force {
        return Err(Error::failed(t!(
            "claim.taken",
            full_name = target.full_name(),
            number = number,
            reason = v.reason
        ))
        .hint(t!("claim.pick_another_contrib_find"))
        .hint(t!("claim.force_claims_anyway")));
    }

    let others: Vec<String> = events.iter().filter_map(|e| e.body.clone()).collect();
    let message = match &args.message {
        Some(m) => m.trim().to_string(),
        None if uses_slash_assign(guide?.as_deref(), &others) => "/assign".to_string(),
        None if args.pr_lang == crate::commands::pr::PrLang::Zh => TEMPLATE_ZH.trim().to_string(),
        None => TEMPLATE.trim().to_string(),
    };
    if message.is_empty() {
        return Err(Error::usage(t!("claim.message_empty")));
    }
    if !ctx.ui.json {
        ctx.ui.out(t!(
            "claim.comment_will_posted_publicly",
            html_url = issue.html_url
        ))?;
        for line in message.lines() {
            ctx.ui.out(format!("    {line}"))?;
        }
    }
    if !ctx.ui.confirm(
        t!("claim.post"),
        None,
        t!("claim.yes_after_reading_comment"),
    )? {
        ctx.ui.out(t!("claim.nothing_was_posted"))?;
        return Ok(());
    }
    ctx.ui.status(
        t!("verb.posting"),
        t!(
            "claim.claim",
            full_name = target.full_name(),
            number = number
        ),
    );
    let posted = match ctx.block_on(gh.post_comment(owner, repo, number, &message))? {
        Ok(c) => c.html_url,
        Err(e) if e.kind == Kind::Unavailable => {
            // The answer was lost: did the comment land? Look before anything is sent again.
            let comments = ctx.block_on(gh.comments(owner, repo, number))??;
            match comments.iter().find(|c| {
                c.user.login.eq_ignore_ascii_case(&me)
                    && c.body.as_deref().map(str::trim) == Some(message.as_str())
            }) {
                Some(c) => c.html_url.clone(),
                None => {
                    return Err(e
                        .context(t!("claim.claim_was_not_posted"))
                        .hint(t!("claim.nothing_was_posted_run")));
                }
            }
        }
        Err(e) => return Err(e),
    };
    if ctx.ui.json {
        return ctx
            .ui
            .out_json(&serde_json::json!({"posted": posted, "message": message}));
    }
    ctx.ui.out(t!("claim.claimed", url = posted))?;
    ctx.ui.next(t!(
        "claim.contrib_start_fork_clone",
        full_name = target.full_name(),
        number = number
    ))
}

#[cfg(test)]
mod tests {
    use super::uses_slash_assign;

    #[test]
    fn slash_assign_convention() {
        assert!(uses_slash_assign(
            Some("Comment `/assign` on the issue to take it."),
            &[]
        ));
        assert!(uses_slash_assign(None, &["/assign".into()]));
        assert!(!uses_slash_assign(
            Some("Leave a comment on the issue."),
            &["I'd like to work on this".into()]
        ));
    }
}
