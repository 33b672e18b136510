//! `contrib doctor`: is everything in place to contribute? One line per check, with a fix.

use crate::cli::Ctx;
use crate::error::{Error, Kind, Result};
use crate::git;
use crate::t;
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

// i18n: not for people (each check's stable id in `--json`; people read its label)
mod id {
    pub const IDENTITY: &str = "git identity";
    pub const TOKEN: &str = "token";
    pub const TOKEN_VALID: &str = "token valid";
    pub const SCOPES: &str = "scopes";
    pub const API: &str = "api";
    pub const REPOSITORY: &str = "repository";
}

/// A check's name as people read it; `--json` keeps the English name as a stable id.
fn label(name: &str) -> std::borrow::Cow<'static, str> {
    match name {
        id::IDENTITY => t!("doctor.check.git_identity"),
        id::TOKEN => t!("doctor.check.token"),
        id::TOKEN_VALID => t!("doctor.check.token_valid"),
        id::SCOPES => t!("doctor.check.scopes"),
        id::API => t!("doctor.check.api"),
        id::REPOSITORY => t!("doctor.check.repository"),
        other => other.to_string().into(),
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
                id::TOKEN,
                Mark::Fail,
                e.message.clone(),
                e.hints.first().cloned(),
            ));
        }
        Some(f) => {
            checks.push(Check::new(
                id::TOKEN,
                Mark::Ok,
                t!("doctor.found", source = f.source),
                None,
            ));
            let github = ctx.github(&endpoint, Some(f.token.clone()))?;
            match ctx.block_on(github.whoami())? {
                Ok(me) => {
                    checks.push(Check::new(
                        id::TOKEN_VALID,
                        Mark::Ok,
                        t!("doctor.logged", login = me.user.login),
                        None,
                    ));
                    checks.push(if me.scopes.can_contribute() {
                        Check::new(id::SCOPES, Mark::Ok, me.scopes.to_string(), None)
                    } else {
                        Check::new(
                            id::SCOPES,
                            Mark::Fail,
                            t!("doctor.public_repo_repo_needed", scopes = me.scopes),
                            Some(t!("auth.make_token_public_repo", web = endpoint.web).to_string()),
                        )
                    });
                    valid_token = Some(f.token.clone());
                }
                Err(e) if e.kind == Kind::Unavailable => {
                    checks.push(Check::new(
                        id::TOKEN_VALID,
                        Mark::Skip,
                        t!("doctor.not_checked_github_could"),
                        None,
                    ));
                }
                Err(e) => {
                    checks.push(Check::new(
                        id::TOKEN_VALID,
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
            let detail = t!(
                "doctor.reachable_requests_left_hour",
                api = endpoint.api,
                remaining = core.remaining,
                limit = core.limit,
                time = core.reset_at().format("%H:%M")
            );
            if core.remaining == 0 {
                Check::new(
                    id::API,
                    Mark::Fail,
                    detail,
                    Some(t!("doctor.wait_reset_use_token").into()),
                )
            } else {
                Check::new(id::API, Mark::Ok, detail, None)
            }
        }
        Err(e) => Check::new(id::API, Mark::Fail, describe(&e), e.hints.first().cloned()),
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
                t!("doctor.line", name = label(c.name), detail = c.detail),
                c.hint.as_deref(),
            )?;
        }
    }
    if failed > 0 {
        let message = if failed == 1 {
            t!("doctor.one_failed")
        } else {
            t!("doctor.some_failed", n = failed)
        };
        return Err(Error::failed(message).hint(t!("doctor.fix_what_lines_marked")));
    }
    Ok(())
}

fn identity(ctx: &Ctx) -> Check {
    match git::identity(&ctx.env, &ctx.cwd) {
        Ok(id) => match (&id.name, &id.email) {
            (Some(name), Some(email)) => {
                Check::new(id::IDENTITY, Mark::Ok, format!("{name} <{email}>"), None)
            }
            (name, email) => {
                let mut missing = Vec::new();
                let mut hint = Vec::new();
                if name.is_none() {
                    missing.push("user.name");
                    hint.push(t!("doctor.set_name"));
                }
                if email.is_none() {
                    missing.push("user.email");
                    hint.push(t!("doctor.set_email"));
                }
                Check::new(
                    id::IDENTITY,
                    Mark::Fail,
                    t!(
                        "doctor.not_set_commits_their",
                        and = missing.join(&t!("doctor.and"))
                    ),
                    Some(t!("doctor.run_these", commands = hint.join(" && ")).to_string()),
                )
            }
        },
        Err(e) => Check::new(id::IDENTITY, Mark::Fail, describe(&e), None),
    }
}

fn remotes(ctx: &Ctx) -> Check {
    match git::repo_info(&ctx.cwd) {
        Ok(None) => Check::new(
            id::REPOSITORY,
            Mark::Skip,
            t!("doctor.not_inside_git_repository"),
            None,
        ),
        Ok(Some(info)) => {
            let origin = info.remote("origin");
            let upstream = info.remote("upstream");
            let root = info.root.display();
            match (origin, upstream) {
                (Some(o), Some(u)) => Check::new(
                    id::REPOSITORY,
                    Mark::Ok,
                    t!("doctor.remotes", root = root, o = o, u = u),
                    None,
                ),
                (Some(o), None) => Check::new(
                    id::REPOSITORY,
                    Mark::Warn,
                    t!("doctor.origin_but_no_upstream", root = root, o = o),
                    Some(t!("doctor.add_git_remote_add").into()),
                ),
                (None, _) => Check::new(
                    id::REPOSITORY,
                    Mark::Warn,
                    t!("doctor.no_origin_remote_fork", root = root),
                    Some(t!("doctor.contrib_start_owner_repo").into()),
                ),
            }
        }
        Err(e) => Check::new(id::REPOSITORY, Mark::Fail, describe(&e), None),
    }
}
