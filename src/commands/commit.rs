//! `contrib commit`: a commit the project will accept: its message convention, and the
//! `Signed-off-by` line when it asks for DCO sign-off (once, other trailers kept).

use crate::cli::Ctx;
use crate::contribution::Contribution;
use crate::error::{Error, Result};
use crate::git::{self, work};
use crate::message;
use crate::rules::Convention;

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
        _ => Err(Error::failed("git does not know who you are (user.name and user.email)")
            .hint("run: git config --global user.name \"Your Name\" && git config --global user.email \"you@example.com\"")),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let c = Contribution::here(&ctx.cwd)?;
    if args.fix_signoff {
        return fix_signoff(ctx, &c);
    }
    let (name, email) = identity(ctx, &c)?;
    let branch = c.branch.clone().ok_or_else(|| {
        Error::failed("you are not on a branch (detached HEAD)")
            .hint("switch to your topic branch: git switch BRANCH")
    })?;
    if branch == c.base && !args.allow_default_branch {
        let ok = ctx.ui.confirm(
            &format!("You are on {branch}, the project's default branch. Commit here anyway? (a topic branch is better)"),
            Some(false),
            "--allow-default-branch",
        )?;
        if !ok {
            return Err(Error::failed(format!("not committing on {branch}, the default branch"))
                .hint("make a topic branch first (`contrib start OWNER/REPO#N`, or `git switch -c fix/my-change`), or pass --allow-default-branch"));
        }
    }
    if args.all {
        work::stage_tracked(&c.root)?;
    }
    if !work::has_staged_changes(&c.root) {
        return Err(Error::failed("nothing is staged to commit").hint("stage your changes with `git add FILE…`, or use `contrib commit -a` for every changed file"));
    }
    let rules = c.rules();
    let mut args = args;
    let raw = match args.message.clone() {
        Some(m) => m,
        None if ctx.ui.interactive => ask_message(ctx, &c, &rules, &mut args)?,
        None => {
            return Err(Error::usage("contrib needs the commit message")
                .hint("give it with -m \"fix: what you changed\""));
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
            "Shaped",
            format!("the subject to the project's convention: {shaped}"),
        );
    }
    if !message::follows(rules.convention.value, &shaped) {
        let hint = match rules.convention.value {
            Convention::ComponentPrefix => "add --scope COMPONENT for `component: subject`",
            _ => "see the project's CONTRIBUTING guide",
        };
        ctx.ui.warn(format!(
            "the subject does not follow the project's convention ({hint})"
        ));
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
        ctx.ui.warn("the project asks for DCO sign-off, but --no-signoff was given: its DCO check will fail");
    }
    check_email(ctx, &email);
    let id = work::commit(&c.root, &msg)?;
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({"commit": id, "message": msg, "signed_off": sign, "dco_evidence": rules.dco.evidence}));
    }
    ctx.ui
        .out(format!("Committed {} {shaped}", &id[..id.len().min(8)]))?;
    if sign && rules.dco.value {
        let why = rules.dco.evidence.first().cloned().unwrap_or_default();
        ctx.ui.out(format!(
            "  signed off as {name} <{email}>, as the project requires ({why})"
        ))?;
    }
    ctx.ui
        .next("`contrib pr` to push it and open the pull request.")
}

fn fix_signoff(ctx: &Ctx, c: &Contribution) -> Result<()> {
    let (name, email) = identity(ctx, c)?;
    let branch = c
        .branch
        .clone()
        .ok_or_else(|| Error::failed("you are not on a branch"))?;
    let base = work::merge_base(&c.root, "HEAD", &c.require_base()?)?;
    let commits = work::commits_since(&c.root, &base)?;
    let missing: Vec<&(String, String)> = commits
        .iter()
        .filter(|(_, m)| !message::has_signoff(m, &name, &email))
        .collect();
    if missing.is_empty() {
        ctx.ui
            .out(format!("Every commit on {branch} is signed off already."))?;
        return Ok(());
    }
    if work::is_dirty(&c.root) {
        return Err(Error::failed("you have uncommitted changes")
            .hint("commit or stash them (git stash) first; nothing was changed"));
    }
    ctx.ui.out(format!(
        "These {} commit(s) on {branch} get a `Signed-off-by: {name} <{email}>` line:",
        missing.len()
    ))?;
    for (id, m) in &missing {
        ctx.ui.out(format!(
            "    {} {}",
            &id[..8],
            crate::text::one_line(m.lines().next().unwrap_or(""))
        ))?;
    }
    ctx.ui.out("Their authors and changes stay; their ids change, so a branch you pushed is replaced on your fork at the next `contrib pr` (safely, with a lease).")?;
    if !ctx.ui.confirm("Rewrite them?", None, "--yes")? {
        ctx.ui.out("Nothing was changed.")?;
        return Ok(());
    }
    let backup = work::backup(&c.root, &branch)?;
    work::rebase_signoff(&c.root, &base)?;
    ctx.ui.out(format!("Signed off {} commit(s). The old branch is kept as {backup} (`git reset --hard {backup}` goes back).", missing.len()))
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
        let i = ctx.ui.select("What kind of change is it?", &order)?;
        args.kind = Some(order[i].clone());
    }
    if matches!(
        rules.convention.value,
        Convention::Conventional | Convention::ComponentPrefix
    ) && args.scope.is_none()
    {
        let s = ctx.ui.input(
            "Scope (the part it touches; empty for none)",
            "",
            true,
            |_| None,
        )?;
        args.scope = Some(s.trim().to_string()).filter(|s| !s.is_empty());
    }
    let subject = ctx.ui.input(
        "Subject (what the commit does, as a command: \"fix the greeting\")",
        "",
        false,
        |s| message::subject_problems(s).into_iter().next(),
    )?;
    let body = if ctx.ui.confirm(
        "Write a longer description in your editor?",
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
        ctx.ui.warn(format!(
            "{email} is not one of your GitHub account's emails, so GitHub will not link these commits to you (set another with `git config user.email`)"
        ));
    }
}
