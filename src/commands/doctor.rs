//! `contrib doctor`: is everything in place to contribute? One line per check, with a fix.

use crate::cli::Ctx;
use crate::error::{Error, Kind, Result};
use crate::git;
use crate::ui::Mark;
use serde::Serialize;

/// Check git, the token, the connection to GitHub and this repository's remotes
#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    /// "ok", "fail", "warn" or "skip".
    status: &'static str,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

impl Check {
    fn new(
        name: &'static str,
        mark: Mark,
        detail: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        let status = match mark {
            Mark::Ok => "ok",
            Mark::Fail => "fail",
            Mark::Warn => "warn",
            Mark::Skip => "skip",
        };
        Self {
            name,
            status,
            detail: detail.into(),
            hint,
        }
    }
    fn mark(&self) -> Mark {
        match self.status {
            "ok" => Mark::Ok,
            "fail" => Mark::Fail,
            "warn" => Mark::Warn,
            _ => Mark::Skip,
        }
    }
}

/// An error's message and causes on one line.
fn describe(e: &Error) -> String {
    e.causes
        .iter()
        .fold(e.message.clone(), |acc, c| format!("{acc}: {c}"))
}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let mut checks = vec![identity(ctx)];

    let found = ctx.find_token(&endpoint);
    let mut valid_token = None;
    match &found {
        None => {
            let e = crate::auth::no_token_error(&endpoint);
            checks.push(Check::new(
                "token",
                Mark::Fail,
                e.message.clone(),
                e.hints.first().cloned(),
            ));
        }
        Some(f) => {
            checks.push(Check::new(
                "token",
                Mark::Ok,
                format!("found in {}", f.source),
                None,
            ));
            let github = ctx.github(&endpoint, Some(f.token.clone()))?;
            match ctx.block_on(github.whoami())? {
                Ok(me) => {
                    checks.push(Check::new(
                        "token valid",
                        Mark::Ok,
                        format!("logged in as {}", me.user.login),
                        None,
                    ));
                    checks.push(if me.scopes.can_contribute() {
                        Check::new("scopes", Mark::Ok, me.scopes.to_string(), None)
                    } else {
                        Check::new(
                            "scopes",
                            Mark::Fail,
                            format!("{} — 'public_repo' (or 'repo') is needed to fork and open pull requests", me.scopes),
                            Some(format!("make a token with the 'public_repo' scope at {}settings/tokens, then run `contrib auth login`", endpoint.web)),
                        )
                    });
                    valid_token = Some(f.token.clone());
                }
                Err(e) if e.kind == Kind::Unavailable => {
                    checks.push(Check::new(
                        "token valid",
                        Mark::Skip,
                        "not checked: GitHub could not be reached",
                        None,
                    ));
                }
                Err(e) => {
                    checks.push(Check::new(
                        "token valid",
                        Mark::Fail,
                        describe(&e),
                        e.hints.first().cloned(),
                    ));
                }
            }
        }
    }

    // Rate limits are readable without a token; a bad token would only get a 401.
    let github = ctx.github(&endpoint, valid_token)?;
    checks.push(match ctx.block_on(github.rate_limit())? {
        Ok(limits) => {
            let core = limits.resources.core;
            let detail = format!(
                "{} reachable; {} of {} requests left this hour (resets {} UTC)",
                endpoint.api,
                core.remaining,
                core.limit,
                core.reset_at().format("%H:%M")
            );
            if core.remaining == 0 {
                Check::new(
                    "api",
                    Mark::Fail,
                    detail,
                    Some("wait for the reset, or use a token: limits are higher with one".into()),
                )
            } else {
                Check::new("api", Mark::Ok, detail, None)
            }
        }
        Err(e) => Check::new("api", Mark::Fail, describe(&e), e.hints.first().cloned()),
    });

    checks.push(remotes(ctx));

    let failed = checks.iter().filter(|c| c.status == "fail").count();
    if ctx.ui.json {
        ctx.ui.out_json(
            &serde_json::json!({ "ok": failed == 0, "host": endpoint.host, "checks": checks }),
        )?;
    } else {
        for c in &checks {
            ctx.ui.check_line(
                c.mark(),
                &format!("{}: {}", c.name, c.detail),
                c.hint.as_deref(),
            )?;
        }
    }
    if failed > 0 {
        let noun = if failed == 1 { "check" } else { "checks" };
        return Err(Error::failed(format!("{failed} {noun} failed"))
            .hint("fix what the lines marked ✗ say, then run `contrib doctor` again"));
    }
    Ok(())
}

fn identity(ctx: &Ctx) -> Check {
    match git::identity(&ctx.env, &ctx.cwd) {
        Ok(id) => match (&id.name, &id.email) {
            (Some(name), Some(email)) => {
                Check::new("git identity", Mark::Ok, format!("{name} <{email}>"), None)
            }
            (name, email) => {
                let mut missing = Vec::new();
                let mut hint = Vec::new();
                if name.is_none() {
                    missing.push("user.name");
                    hint.push("git config --global user.name \"Your Name\"");
                }
                if email.is_none() {
                    missing.push("user.email");
                    hint.push("git config --global user.email \"you@example.com\"");
                }
                Check::new(
                    "git identity",
                    Mark::Fail,
                    format!(
                        "{} not set: commits (and their sign-off) need it",
                        missing.join(" and ")
                    ),
                    Some(format!("run: {}", hint.join(" && "))),
                )
            }
        },
        Err(e) => Check::new("git identity", Mark::Fail, describe(&e), None),
    }
}

fn remotes(ctx: &Ctx) -> Check {
    match git::repo_info(&ctx.cwd) {
        Ok(None) => Check::new(
            "repository",
            Mark::Skip,
            "not inside a git repository",
            None,
        ),
        Ok(Some(info)) => {
            let origin = info.remote("origin");
            let upstream = info.remote("upstream");
            let root = info.root.display();
            match (origin, upstream) {
                (Some(o), Some(u)) => Check::new(
                    "repository",
                    Mark::Ok,
                    format!("{root}: origin {o}, upstream {u}"),
                    None,
                ),
                (Some(o), None) => Check::new(
                    "repository",
                    Mark::Warn,
                    format!(
                        "{root}: origin {o}, but no 'upstream' remote (the project you contribute to)"
                    ),
                    Some(
                        "add it with: git remote add upstream <the original project's URL>".into(),
                    ),
                ),
                (None, _) => Check::new(
                    "repository",
                    Mark::Warn,
                    format!("{root}: no 'origin' remote (your fork)"),
                    Some("`contrib start OWNER/REPO` sets up origin and upstream for you".into()),
                ),
            }
        }
        Err(e) => Check::new("repository", Mark::Fail, describe(&e), None),
    }
}
