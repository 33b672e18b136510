//! `contrib auth status|login|logout`: which token contrib uses, and storing one.

use crate::auth::{self, Source, Store, Token};
use crate::cli::Ctx;
use crate::error::{Error, Kind, Result};
use crate::t;
use crate::ui::Mark;
use std::io::Read;

/// See and manage the GitHub token contrib uses
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum AuthCommand {
    /// Say which token is used, whose it is, and whether it can open pull requests
    Status,
    /// Check a token against GitHub and store it for contrib (mode 0600)
    Login {
        /// Read the token from standard input instead of asking for it
        #[arg(long)]
        with_token: bool,
    },
    /// Remove the token contrib stored for this host
    Logout,
    /// git's credential-helper protocol (git runs this; people need not)
    #[command(hide = true)]
    GitCredential {
        /// get, store or erase
        action: Option<String>,
    },
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        AuthCommand::Status => status(ctx),
        AuthCommand::Login { with_token } => login(ctx, with_token),
        AuthCommand::Logout => logout(ctx),
        AuthCommand::GitCredential { action } => git_credential(ctx, action.as_deref()),
    }
}

fn status(ctx: &Ctx) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let found = ctx.require_token(&endpoint)?;
    let github = ctx.github(&endpoint, Some(found.token.clone()))?;
    let me = ctx.block_on(github.whoami())?.map_err(|e| match e.kind {
        Kind::Unavailable => e,
        _ => e.context(t!("auth.token_from_did_not", source = found.source)),
    })?;
    let enough = me.scopes.can_contribute();
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({
            "host": endpoint.host,
            "source": source_key(&found.source),
            "source_description": found.source.to_string(),
            "login": me.user.login,
            "scopes": me.scopes.0,
            "can_contribute": enough,
        }));
    }
    ctx.ui.check_line(
        Mark::Ok,
        &t!("auth.logged", host = endpoint.host, login = me.user.login),
        None,
    )?;
    ctx.ui.check_line(
        Mark::Ok,
        &t!("auth.token_from", source = found.source),
        None,
    )?;
    if enough {
        ctx.ui
            .check_line(Mark::Ok, t!("auth.scopes", scopes = me.scopes), None)?;
    } else {
        ctx.ui.check_line(
            Mark::Warn,
            &t!("auth.scopes_without_public_repo", scopes = me.scopes),
            Some(&t!("auth.make_token_public_repo", web = endpoint.web)),
        )?;
    }
    Ok(())
}

/// A stable name for `--json`.
fn source_key(source: &Source) -> &'static str {
    match source {
        Source::EnvVar(name) => name,
        Source::GhHosts(_) => "gh",
        Source::Stored(_) => "contrib",
        Source::GitCredential => "git-credential",
    }
}

fn login(ctx: &Ctx, with_token: bool) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let raw = if with_token {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::failed(t!("auth.could_not_read_token")).cause(e.to_string()))?;
        text
    } else {
        ctx.ui.secret(
            &t!("auth.paste_token_input_hidden", host = endpoint.host),
            t!("auth.token_token_standard_input"),
        )?
    };
    let token = Token::new(raw).ok_or_else(|| {
        Error::failed(t!("auth.token_empty"))
            .hint(t!("auth.make_one_settings_tokens", web = endpoint.web))
    })?;
    ctx.ui
        .status(t!("verb.checking"), t!("auth.token", host = endpoint.host));
    let github = ctx.github(&endpoint, Some(token.clone()))?;
    let me = ctx.block_on(github.whoami())??;
    let path = auth::stored_path(&ctx.env).ok_or_else(|| {
        Error::failed(t!("auth.cannot_tell_where_store")).hint(t!("auth.set_home_contrib_config"))
    })?;
    let mut store = Store::read(&path).map_err(|e| {
        Error::failed(t!("auth.could_not_read", path = path.display())).cause(e.to_string())
    })?;
    store.set(&endpoint.host, &token);
    store.write(&path).map_err(|e| {
        Error::failed(t!("auth.could_not_store_token", path = path.display())).cause(e.to_string())
    })?;
    if !me.scopes.can_contribute() {
        ctx.ui
            .warn(t!("auth.token_s_scopes_lack", scopes = me.scopes));
    }
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({
            "host": endpoint.host, "login": me.user.login, "stored": path,
        }));
    }
    ctx.ui.out(t!(
        "auth.logged_token_stored",
        host = endpoint.host,
        login = me.user.login,
        path = path.display()
    ))?;
    if let Some(other) = ctx
        .find_token(&endpoint)
        .filter(|f| !matches!(f.source, Source::Stored(_)))
    {
        ctx.ui
            .warn(t!("auth.comes_first_so_contrib", source = other.source));
    }
    Ok(())
}

fn logout(ctx: &Ctx) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let path = auth::stored_path(&ctx.env)
        .ok_or_else(|| Error::failed(t!("auth.cannot_tell_where_token")))?;
    let mut store = Store::read(&path).map_err(|e| {
        Error::failed(t!("auth.could_not_read", path = path.display())).cause(e.to_string())
    })?;
    let removed = store.remove(&endpoint.host);
    if removed {
        store.write(&path).map_err(|e| {
            Error::failed(t!("auth.could_not_update", path = path.display())).cause(e.to_string())
        })?;
    }
    let still = ctx.find_token(&endpoint);
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({
            "host": endpoint.host, "removed": removed,
            "still_logged_in_via": still.as_ref().map(|f| source_key(&f.source)),
        }));
    }
    if removed {
        ctx.ui
            .out(t!("auth.removed_contrib_s_token", host = endpoint.host))?;
    } else {
        ctx.ui
            .out(t!("auth.contrib_had_no_token", host = endpoint.host))?;
    }
    if let Some(f) = still {
        ctx.ui
            .warn(t!("auth.token_still_found_contrib", source = f.source));
    }
    Ok(())
}

/// Answers git's `get` with the token, only for this host and protocol; `store` and
/// `erase` are ignored (the token is not git's to keep).
fn git_credential(ctx: &Ctx, action: Option<&str>) -> Result<()> {
    if action != Some("get") {
        return Ok(());
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Error::failed(t!("auth.could_not_read_git")).cause(e.to_string()))?;
    let field = |k: &str| {
        input
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::trim)
    };
    let endpoint = ctx.endpoint()?;
    let host_ok = field("host").is_some_and(|h| h.eq_ignore_ascii_case(&endpoint.host));
    let protocol_ok = field("protocol") == Some(endpoint.web.scheme());
    if !host_ok || !protocol_ok {
        return Ok(());
    }
    // Not git's own helpers: that is where git came from.
    if let Some(found) = auth::lookup(&ctx.env, &endpoint, |_| None) {
        // i18n: not for people (git's credential protocol)
        let answer = format!("username=x-access-token\npassword={}", found.token.expose());
        ctx.ui.out(answer)?;
    }
    Ok(())
}
