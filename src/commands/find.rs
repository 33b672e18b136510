//! `contrib find`: good first issues that are really free, in given repositories or across
//! GitHub. Per repository: one round trip for its labels and open issues (together), one for
//! the issues' timelines (together), which show open pull requests and claims.

use crate::cli::Ctx;
use crate::error::{Error, Kind, Result};
use crate::find::claims::Comment;
use crate::find::labels::{self, Tier};
use crate::find::verdict::{self, Facts, Verdict};
use crate::github::{GitHub, IssueItem};
use crate::t;
use crate::target::Target;
use chrono::Utc;
use futures_util::StreamExt;
use std::collections::BTreeMap;

/// Find good first issues nobody has taken yet
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repositories to look in (OWNER/REPO); none: search all of GitHub
    pub repos: Vec<String>,
    /// Use this label instead of the recognised beginner labels (repeatable)
    #[arg(long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,
    /// Only repositories in this language (searching GitHub)
    #[arg(long)]
    pub language: Option<String>,
    /// Only repositories with this topic (searching GitHub)
    #[arg(long)]
    pub topic: Option<String>,
    /// Only repositories of this organisation (searching GitHub)
    #[arg(long)]
    pub org: Option<String>,
    /// Show at most N issues
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Also show issues somebody has taken, with the reason
    #[arg(long)]
    pub include_taken: bool,
    /// Order by this instead of contrib's ranking
    #[arg(long, value_enum)]
    pub sort: Option<Sort>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    Updated,
    Created,
    Comments,
}

/// One issue with its verdict, ready to show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Found {
    pub repo: String,
    pub number: u64,
    pub title: String,
    pub url: String,
    pub labels: Vec<String>,
    pub tier: Tier,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
    pub comments: u64,
    pub has_body: bool,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The issue's best tier among its labels (the chosen labels when `--label` is given).
fn tier_of(issue: &IssueItem, chosen: &[String]) -> Option<Tier> {
    if !chosen.is_empty() {
        return issue
            .labels
            .iter()
            .any(|l| chosen.iter().any(|c| c.eq_ignore_ascii_case(&l.name)))
            .then_some(Tier::Beginner);
    }
    issue
        .labels
        .iter()
        .filter_map(|l| labels::classify(&l.name))
        .min()
}

/// Timeline → the facts the verdict needs.
fn facts(issue: &IssueItem, events: &[crate::github::TimelineEvent]) -> Facts {
    let mut open_prs = Vec::new();
    let mut comments = Vec::new();
    for e in events {
        match e.event.as_deref() {
            Some("cross-referenced") => {
                if let Some(src) = e.source.as_ref().and_then(|s| s.issue.as_ref())
                    && src.pull_request.is_some()
                    && src.state == "open"
                {
                    open_prs.push((src.number, src.user.login.clone()));
                }
            }
            Some("commented") => comments.push(Comment {
                author: e
                    .user
                    .as_ref()
                    .or(e.actor.as_ref())
                    .map(|u| u.login.clone())
                    .unwrap_or_default(),
                association: e.author_association.clone().unwrap_or_default(),
                body: e.body.clone().unwrap_or_default(),
                created_at: e.created_at.unwrap_or_else(Utc::now),
            }),
            _ => {}
        }
    }
    Facts {
        assignees: issue.assignees.iter().map(|a| a.login.clone()).collect(),
        open_prs,
        comments,
    }
}

fn found(issue: &IssueItem, tier: Tier, verdict: Verdict) -> Found {
    Found {
        repo: issue.repo_full_name(),
        number: issue.number,
        title: crate::text::one_line(&issue.title),
        url: issue.html_url.clone(),
        labels: issue
            .labels
            .iter()
            .map(|l| crate::text::one_line(&l.name))
            .collect(),
        tier,
        created_at: issue.created_at,
        updated_at: issue.updated_at,
        comments: issue.comments,
        has_body: issue.body.as_deref().is_some_and(|b| !b.trim().is_empty()),
        verdict,
    }
}

/// Timelines for many issues at once, a bounded number in flight.
async fn judge(gh: &GitHub, candidates: Vec<(IssueItem, Tier)>) -> Result<Vec<Found>> {
    let now = Utc::now();
    let results: Vec<Result<Found>> = futures_util::stream::iter(candidates)
        .map(|(issue, tier)| async move {
            let name = issue.repo_full_name();
            let (owner, repo) = name.split_once('/').unwrap_or((&name, ""));
            let events = gh.timeline(owner, repo, issue.number).await?;
            let v = verdict::verdict(&facts(&issue, &events), now);
            Ok(found(&issue, tier, v))
        })
        .buffer_unordered(16)
        .collect()
        .await;
    results.into_iter().collect()
}

struct RepoResult {
    labels_used: Vec<String>,
    found: Vec<Found>,
}

/// Round trip 1: labels and open issues together; round trip 2: the candidates' timelines.
async fn in_repo(gh: &GitHub, full_name: &str, chosen: &[String]) -> Result<RepoResult> {
    let (owner, repo) = full_name.split_once('/').unwrap_or((full_name, ""));
    let issues_for = |label: Option<String>| async move {
        gh.open_issues(
            owner,
            repo,
            label.as_deref(),
            if label.is_some() { 5 } else { 1 },
        )
        .await
    };
    let (labels, issues) = if chosen.is_empty() {
        let (labels, issues) = tokio::join!(gh.labels(owner, repo), issues_for(None));
        (
            labels?.into_iter().map(|l| l.name).collect::<Vec<_>>(),
            issues?,
        )
    } else {
        let lists =
            futures_util::future::join_all(chosen.iter().map(|l| issues_for(Some(l.clone()))))
                .await;
        let mut all = Vec::new();
        for l in lists {
            all.extend(l?);
        }
        (chosen.to_vec(), all)
    };
    let labels_used: Vec<String> = if chosen.is_empty() {
        let mut used: Vec<(Tier, String)> = labels
            .iter()
            .filter_map(|l| labels::classify(l).map(|t| (t, l.clone())))
            .collect();
        used.sort();
        used.into_iter().map(|(_, l)| l).collect()
    } else {
        labels
    };
    let mut seen = std::collections::BTreeSet::new();
    let candidates: Vec<(IssueItem, Tier)> = issues
        .into_iter()
        .filter(|i| i.pull_request.is_none() && seen.insert(i.number))
        .filter_map(|i| tier_of(&i, chosen).map(|t| (i, t)))
        .collect();
    Ok(RepoResult {
        labels_used,
        found: judge(gh, candidates).await?,
    })
}

/// `label:"a","b"` groups of the known beginner spellings, each query within GitHub's
/// 256-character limit.
pub fn search_queries(base: &str, spellings: &[&str]) -> Vec<String> {
    let mut queries = Vec::new();
    let mut current: Vec<String> = Vec::new();
    // i18n: not for people (a search query)
    let render = |labels: &[String]| format!("{base} label:{}", labels.join(","));
    for s in spellings {
        let quoted = format!("\"{}\"", s.replace('"', ""));
        let mut next = current.clone();
        next.push(quoted.clone());
        if render(&next).chars().count() > 256 && !current.is_empty() {
            queries.push(render(&current));
            current = vec![quoted];
        } else {
            current = next;
        }
    }
    if !current.is_empty() {
        queries.push(render(&current));
    }
    queries
}

async fn across_github(gh: &GitHub, args: &Args) -> Result<Vec<Found>> {
    // i18n: not for people (a search query)
    let mut base = String::from("is:issue is:open archived:false no:assignee -linked:pr");
    for (k, v) in [
        ("language", &args.language),
        ("topic", &args.topic),
        ("org", &args.org),
    ] {
        if let Some(v) = v {
            base.push_str(&format!(
                " {k}:{}",
                v.split_whitespace().collect::<Vec<_>>().join("-")
            ));
        }
    }
    let spellings: Vec<&str> = if args.labels.is_empty() {
        labels::known_spellings()
            .into_iter()
            .filter(|s| labels::classify(s) == Some(Tier::Beginner))
            .collect()
    } else {
        args.labels.iter().map(String::as_str).collect()
    };
    let per_page = (args.limit * 3).clamp(10, 100) as u32;
    let sort = match args.sort {
        Some(Sort::Created) => Some("created"),
        Some(Sort::Comments) => Some("comments"),
        _ => Some("updated"),
    };
    let pages = futures_util::future::join_all(
        search_queries(&base, &spellings)
            .into_iter()
            .map(|q| async move { gh.search_issues(&q, sort, per_page, 1).await }),
    )
    .await;
    let mut by_url: BTreeMap<String, IssueItem> = BTreeMap::new();
    for page in pages {
        for item in page?.items {
            if item.pull_request.is_none() {
                by_url.entry(item.html_url.clone()).or_insert(item);
            }
        }
    }
    let chosen = args.labels.clone();
    let mut candidates: Vec<(IssueItem, Tier)> = by_url
        .into_values()
        .filter_map(|i| tier_of(&i, &chosen).map(|t| (i, t)))
        .collect();
    // Only the best few need their timelines read for claims.
    let now = Utc::now();
    candidates.sort_by_key(|(i, t)| {
        verdict::rank_key(true, *t, i.updated_at, i.comments, i.body.is_some(), now)
    });
    candidates.truncate(args.limit * 2);
    judge(gh, candidates).await
}

fn order(found: &mut [Found], sort: Option<Sort>) {
    let now = Utc::now();
    match sort {
        None => found.sort_by_key(|f| {
            verdict::rank_key(
                f.verdict.free,
                f.tier,
                f.updated_at,
                f.comments,
                f.has_body,
                now,
            )
        }),
        Some(Sort::Updated) => {
            found.sort_by_key(|f| (!f.verdict.free, std::cmp::Reverse(f.updated_at)))
        }
        Some(Sort::Created) => {
            found.sort_by_key(|f| (!f.verdict.free, std::cmp::Reverse(f.created_at)))
        }
        Some(Sort::Comments) => found.sort_by_key(|f| (!f.verdict.free, f.comments)),
    }
}

fn age(t: chrono::DateTime<Utc>) -> String {
    match (Utc::now() - t).num_days() {
        0 => t!("find.new_today").into(),
        1 => t!("find.1_day_old").into(),
        d => t!("find.days_old", d = d).to_string(),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let targets: Vec<Target> = args
        .repos
        .iter()
        .map(|r| Target::parse(r, &endpoint))
        .collect::<Result<_>>()?;
    if args.limit == 0 {
        return Err(Error::usage(t!("find.limit_must_least_1")));
    }
    let token = ctx.find_token(&endpoint).map(|f| f.token);
    if token.is_none() {
        ctx.ui.warn(t!("find.no_github_token_searching"));
    }
    let gh = ctx.github(&endpoint, token)?;
    let where_ = if targets.is_empty() {
        format!("across {}", endpoint.host)
    } else {
        targets
            .iter()
            .map(Target::full_name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    ctx.ui.status(
        t!("verb.looking"),
        t!("find.good_first_issues", where_ = where_),
    );

    let mut labels_used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut all: Vec<Found> = if targets.is_empty() {
        ctx.block_on(across_github(&gh, &args))?
            .map_err(|e| search_hint(e, &gh))?
    } else {
        let results = ctx.block_on(futures_util::future::join_all(targets.iter().map(|t| {
            let name = t.full_name();
            let gh = &gh;
            let chosen = &args.labels;
            async move { (name.clone(), in_repo(gh, &name, chosen).await) }
        })))?;
        let mut all = Vec::new();
        for (name, r) in results {
            let r = r.map_err(|e| {
                if e.causes.iter().any(|c| c.contains("(404)")) {
                    e.hint(t!("find.check_exists_spelled_right", name = name))
                } else {
                    e
                }
            })?;
            labels_used.insert(name, r.labels_used);
            all.extend(r.found);
        }
        all
    };
    order(&mut all, args.sort);
    let taken = all.iter().filter(|f| !f.verdict.free).count();
    let shown: Vec<&Found> = all
        .iter()
        .filter(|f| args.include_taken || f.verdict.free)
        .take(args.limit)
        .collect();
    let rate = gh.last_rate(if targets.is_empty() { "search" } else { "core" });

    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({
            "issues": shown,
            "hidden_taken": if args.include_taken { 0 } else { taken },
            "labels_used": labels_used,
            "requests": gh.stats(),
            "rate_limit": rate,
        }));
    }
    for (repo, used) in &labels_used {
        if used.is_empty() {
            ctx.ui.warn(t!("find.has_no_label_contrib", repo = repo));
        } else {
            ctx.ui
                .status(t!("verb.labels"), format!("{repo}: {}", used.join(", ")));
        }
    }
    if shown.is_empty() {
        ctx.ui.out(t!("find.no_free_good_first"))?;
    }
    for f in &shown {
        ctx.ui
            .out(format!("{}#{}  {}", f.repo, f.number, f.title))?;
        let comments = if f.comments == 1 {
            t!("find.one_comment")
        } else {
            t!("find.comments", n = f.comments)
        };
        let state = if f.verdict.free {
            f.verdict.reason.clone()
        } else {
            t!("find.taken_because", reason = f.verdict.reason).to_string()
        };
        ctx.ui.out(format!(
            "    {} · {} · {comments} · {state}",
            f.labels.join(", "),
            age(f.created_at)
        ))?;
    }
    if taken > 0 && !args.include_taken {
        ctx.ui.status(
            t!("verb.hidden"),
            t!("find.issue_s_somebody_has", taken = taken),
        );
    }
    if let Some(r) = rate
        && r.remaining * 10 < r.limit
    {
        ctx.ui.warn(t!(
            "find.only_api_requests_left",
            remaining = r.remaining,
            limit = r.limit,
            time = r.reset_at().format("%H:%M")
        ));
    }
    let Some(first) = shown.iter().find(|f| f.verdict.free) else {
        return Ok(());
    };
    if ctx.ui.interactive {
        return pick(ctx, &shown);
    }
    ctx.ui.next(t!(
        "find.contrib_claim_say_are",
        repo = first.repo,
        number = first.number
    ))
}

fn search_hint(e: Error, gh: &GitHub) -> Error {
    if e.kind == Kind::Unavailable
        && let Some(r) = gh.last_rate("search")
        && r.remaining == 0
    {
        return e.hint(t!("find.github_s_search_has"));
    }
    e
}

/// On a terminal: pick an issue, then claim it and start on it in one go.
fn pick(ctx: &Ctx, shown: &[&Found]) -> Result<()> {
    let items: Vec<String> = shown
        .iter()
        .map(|f| {
            format!(
                "{}#{} {}{}",
                f.repo,
                f.number,
                f.title,
                if f.verdict.free {
                    String::new()
                } else {
                    t!("find.taken_mark").to_string()
                }
            )
        })
        .collect();
    let Some(i) = ctx
        .ui
        .fuzzy_pick(t!("find.which_issue_would_like"), &items)?
    else {
        return Ok(());
    };
    let f = shown[i];
    let target = format!("{}#{}", f.repo, f.number);
    // Claiming a taken issue is rude to whoever has it: say so, and make "no" the default.
    let question = if f.verdict.free {
        t!("find.post_comment_saying_are", target = target)
    } else {
        t!(
            "find.taken_claim_anyway",
            target = target,
            reason = f.verdict.reason
        )
    };
    if ctx.ui.confirm(&question, Some(f.verdict.free), "--yes")? {
        crate::commands::claim::run(
            ctx,
            crate::commands::claim::Args {
                target: target.clone(),
                message: None,
                force: !f.verdict.free,
                pr_lang: crate::commands::pr::PrLang::En,
            },
        )?;
    }
    if ctx.ui.confirm(
        &t!("find.fork_clone_make_branch", target = target),
        Some(true),
        "--yes",
    )? {
        crate::commands::start::run(ctx, crate::commands::start::Args::for_target(&target))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::search_queries;

    #[test]
    fn search_queries_fit_githubs_limit_and_cover_every_spelling() {
        let spellings = crate::find::labels::known_spellings();
        let base = "is:issue is:open archived:false no:assignee -linked:pr language:rust";
        let queries = search_queries(base, &spellings);
        assert!(queries.len() > 1);
        for q in &queries {
            assert!(q.chars().count() <= 256, "{q}");
            assert!(q.starts_with(base));
        }
        for s in spellings {
            assert!(
                queries.iter().any(|q| q.contains(&format!("\"{s}\""))),
                "{s}"
            );
        }
    }
}
