//! `contrib commit`: a commit the project will accept: its message convention, and the
//! `Signed-off-by` line when it asks for DCO sign-off (once, other trailers kept).

use crate::cli::Ctx;
use crate::contribution::Contribution;
use crate::error::{Error, Result};
use crate::git::{self, work};
use crate::message;
use crate::rules::Convention;
use crate::t;

/// Commit your change the way the project asks
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The commit message (its first line is the subject)
    #[arg(short, long, value_name = "MSG")]
    pub message: Option<String>,
    /// Stage every change to tracked files first (like `git commit -a`)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// The change's type for conventional commits (feat, fix, docs, …) [default: from the branch]
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// The scope: `type(scope): …`, or the component in `scope: …`
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Add a Signed-off-by line even if the project does not ask for one
    #[arg(long, conflicts_with = "no_signoff")]
    pub signoff: bool,
    /// Leave the Signed-off-by line out even if the project asks for one
    #[arg(long)]
    pub no_signoff: bool,
    /// Add missing sign-offs to this branch's commits (rewrites them; authors stay)
    #[arg(long, conflicts_with_all = ["message", "all"])]
    pub fix_signoff: bool,
    /// Allow committing on the project's default branch
    #[arg(long)]
    pub allow_default_branch: bool,
}

fn identity(ctx: &Ctx, c: &Contribution) -> Result<(String, String)> {
    let id = git::identity(&ctx.env, &c.root)?;
    match (id.name, id.email) {
        (Some(n), Some(e)) => Ok((n, e)),
        _ => {
            Err(Error::failed(t!("commit.git_does_not_know"))
                .hint(t!("commit.run_git_config_global")))
        }
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let c = Contribution::here(&ctx.cwd)?;
    if args.fix_signoff {
        return fix_signoff(ctx, &c);
    }
    let (name, email) = identity(ctx, &c)?;
    let branch = c.branch.clone().ok_or_else(|| {
        Error::failed(t!("commit.are_not_branch_detached"))
            .hint(t!("commit.switch_topic_branch_git"))
    })?;
    if branch == c.base && !args.allow_default_branch {
        let ok = ctx.ui.confirm(
            &t!("commit.are_project_s_default", branch = branch),
            Some(false),
            "--allow-default-branch",
        )?;
        if !ok {
            return Err(
                Error::failed(t!("commit.not_committing_default_branch", branch = branch))
                    .hint(t!("commit.make_topic_branch_first")),
            );
        }
    }
    if args.all {
        work::stage_tracked(&c.root)?;
    }
    if !work::has_staged_changes(&c.root) {
        return Err(Error::failed(t!("commit.nothing_staged_commit"))
            .hint(t!("commit.stage_changes_git_add")));
    }
    let rules = c.rules();
    let mut args = args;
    let raw = match args.message.clone() {
        Some(m) => m,
        None if ctx.ui.interactive => ask_message(ctx, &c, &rules, &mut args)?,
        None => {
            return Err(Error::usage(t!("commit.contrib_needs_commit_message"))
                .hint(t!("commit.give_m_fix_what")));
        }
    };
    let (subject, rest) = match raw.split_once('\n') {
        Some((s, r)) => (
            s.to_string(),
            Some(r.trim().to_string()).filter(|r| !r.is_empty()),
        ),
        None => (raw.clone(), None),
    };
    let kind = args.kind.as_deref().or(c.branch_kind());
    let shaped = message::shape(
        rules.convention.value,
        &subject,
        kind,
        args.scope.as_deref(),
        c.issue,
    );
    if shaped != subject.trim() {
        ctx.ui.status(
            t!("verb.shaped"),
            t!("commit.subject_project_s_convention", shaped = shaped),
        );
    }
    if !message::follows(rules.convention.value, &shaped) {
        let hint = match rules.convention.value {
            Convention::ComponentPrefix => t!("commit.add_scope_component_component"),
            _ => t!("commit.see_project_s_contributing"),
        };
        ctx.ui
            .warn(t!("commit.subject_does_not_follow", hint = hint));
    }
    for p in message::subject_problems(&shaped) {
        ctx.ui.warn(p);
    }
    let mut msg = match rest {
        Some(body) => format!("{shaped}\n\n{body}\n"),
        None => format!("{shaped}\n"),
    };
    let sign = !args.no_signoff && (args.signoff || rules.dco.value);
    if sign {
        msg = message::add_signoff(&msg, &name, &email);
    } else if rules.dco.value {
        ctx.ui.warn(t!("commit.project_asks_dco_sign"));
    }
    check_email(ctx, &email);
    let id = work::commit(&c.root, &msg)?;
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({"commit": id, "message": msg, "signed_off": sign, "dco_evidence": rules.dco.evidence}));
    }
    ctx.ui.out(t!(
        "commit.committed",
        id = &id[..id.len().min(8)],
        subject = shaped
    ))?;
    if sign && rules.dco.value {
        let why = rules.dco.evidence.first().cloned().unwrap_or_default();
        ctx.ui.out(t!(
            "commit.signed_off_project_requires",
            name = name,
            email = email,
            why = why
        ))?;
    }
    ctx.ui.next(t!("commit.contrib_pr_push_open"))
}

fn fix_signoff(ctx: &Ctx, c: &Contribution) -> Result<()> {
    let (name, email) = identity(ctx, c)?;
    let branch = c
        .branch
        .clone()
        .ok_or_else(|| Error::failed(t!("commit.are_not_branch")))?;
    let base = work::merge_base(&c.root, "HEAD", &c.require_base()?)?;
    let commits = work::commits_since(&c.root, &base)?;
    let missing: Vec<&(String, String)> = commits
        .iter()
        .filter(|(_, m)| !message::has_signoff(m, &name, &email))
        .collect();
    if missing.is_empty() {
        ctx.ui
            .out(t!("commit.every_commit_signed_off", branch = branch))?;
        return Ok(());
    }
    if work::is_dirty(&c.root) {
        return Err(Error::failed(t!("commit.have_uncommitted_changes"))
            .hint(t!("commit.commit_stash_them_git")));
    }
    ctx.ui.out(t!(
        "commit.these_commit_s_get",
        missing = missing.len(),
        branch = branch,
        name = name,
        email = email
    ))?;
    for (id, m) in &missing {
        ctx.ui.out(format!(
            "    {} {}",
            &id[..8],
            crate::text::one_line(m.lines().next().unwrap_or(""))
        ))?;
    }
    ctx.ui.out(t!("commit.their_authors_changes_stay"))?;
    if !ctx.ui.confirm(t!("commit.rewrite_them"), None, "--yes")? {
        ctx.ui.out(t!("commit.nothing_was_changed"))?;
        return Ok(());
    }
    let backup = work::backup(&c.root, &branch)?;
    work::rebase_signoff(&c.root, &base)?;
    ctx.ui.out(t!(
        "commit.signed_off_commit_s",
        missing = missing.len(),
        backup = backup
    ))
}

const TYPES: [&str; 10] = [
    "feat", "fix", "docs", "test", "refactor", "chore", "perf", "ci", "build", "style",
];

/// On a terminal: the type (conventional projects), scope, a checked subject, and an
/// optional body written in the editor git would use.
fn ask_message(
    ctx: &Ctx,
    c: &Contribution,
    rules: &crate::rules::Rules,
    args: &mut Args,
) -> Result<String> {
    if rules.convention.value == Convention::Conventional && args.kind.is_none() {
        let items: Vec<String> = TYPES.iter().map(|t| t.to_string()).collect();
        let start = c
            .branch_kind()
            .and_then(|k| TYPES.iter().position(|t| *t == k))
            .unwrap_or(0);
        let mut order = items.clone();
        order.rotate_left(start);
        let i = ctx.ui.select(t!("commit.what_kind_change"), &order)?;
        args.kind = Some(order[i].clone());
    }
    if matches!(
        rules.convention.value,
        Convention::Conventional | Convention::ComponentPrefix
    ) && args.scope.is_none()
    {
        let s = ctx
            .ui
            .input(t!("commit.scope_part_touches_empty"), "", true, |_| None)?;
        args.scope = Some(s.trim().to_string()).filter(|s| !s.is_empty());
    }
    let subject = ctx
        .ui
        .input(t!("commit.subject_what_commit_does"), "", false, |s| {
            message::subject_problems(s).into_iter().next()
        })?;
    let body = if ctx.ui.confirm(
        t!("commit.write_longer_description_editor"),
        Some(false),
        "-m",
    )? {
        let editor = crate::git::editor(&ctx.env, &c.root);
        ctx.ui
            .edit(&editor, "")?
            .map(|b| b.trim().to_string())
            .filter(|b| !b.is_empty())
    } else {
        None
    };
    Ok(match body {
        Some(b) => format!("{subject}\n\n{b}"),
        None => subject,
    })
}

/// Warns when the commit email is not one of the account's (its commits would not be linked
/// to you). Quiet when it cannot tell: no token, or a token without the `user:email` scope.
fn check_email(ctx: &Ctx, email: &str) {
    let Ok(endpoint) = ctx.endpoint() else { return };
    let Some(found) = ctx.find_token(&endpoint) else {
        return;
    };
    let Ok(gh) = ctx.github(&endpoint, Some(found.token)) else {
        return;
    };
    if let Ok(Ok(emails)) = ctx.block_on(gh.emails())
        && !emails.is_empty()
        && !emails.iter().any(|e| e.eq_ignore_ascii_case(email))
    {
        ctx.ui
            .warn(t!("commit.not_one_github_account", email = email));
    }
}
