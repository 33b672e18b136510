//! The command line: global options, the subcommand list, and the context every command
//! gets. `--help`, `--version`, `completions` and `man` build no async runtime and no HTTP
//! client: those are made only when a command asks for them.

use crate::auth::{self, Found, Token};
use crate::commands;
use crate::env::{self, Env};
use crate::error::{Error, Kind, Result};
use crate::github::{self, GitHub};
use crate::host::Endpoint;
use crate::t;
use crate::ui::{ColorChoice, Lang, Ui, Verbosity};
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "contrib",
    version,
    about = "From \"I'd like to help this project\" to a well-formed pull request.",
    long_about = "contrib takes you from \"I'd like to help this project\" to a well-formed pull \
                  request on GitHub: it finds a good first issue, forks and clones, sets up \
                  origin and upstream, and follows the project's own rules.",
    after_help = "Exit codes: 0 ok, 1 failed (you can act on it), 2 usage or a question that needs \
                  a terminal, 3 GitHub or the network unavailable or rate-limited, 101 a bug.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// GitHub host, e.g. a GitHub Enterprise server [env: GH_HOST] [default: github.com]
    #[arg(long, global = true, value_name = "HOST")]
    pub host: Option<String>,
    /// REST API base URL; wins over --host [env: CONTRIB_API_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// Print the result as JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Take the default answer to every question
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Never prompt; a question without a default fails (exit 2) and names its flag
    #[arg(long, global = true)]
    pub no_input: bool,
    /// When to use colour [env: NO_COLOR, CLICOLOR_FORCE]
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Say more (each request to GitHub, for instance)
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Say only what went wrong
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// The language contrib speaks: en or zh [env: CONTRIB_LANG, else LC_ALL/LC_MESSAGES/LANG]
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::ui::Lang>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Find(commands::find::Args),
    Claim(commands::claim::Args),
    Start(commands::start::Args),
    Commit(commands::commit::Args),
    Pr(commands::pr::Args),
    Sync(commands::sync::Args),
    Status(commands::status::Args),
    Tutorial(commands::tutorial::Args),
    Auth(commands::auth::Args),
    Doctor(commands::doctor::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
    Sandbox(commands::sandbox::Args),
}

impl Cli {
    /// The command tree with its help in `lang` (for --help, the man page, completions).
    pub fn localized(lang: Lang) -> clap::Command {
        crate::help::translate(<Self as clap::CommandFactory>::command(), lang)
    }
}

/// `LC_ALL`, `LC_MESSAGES` or `LANG`, the first that is set.
fn locale(env: &Env) -> Option<&str> {
    [env::LC_ALL, env::LC_MESSAGES, env::LANG]
        .into_iter()
        .find_map(|v| env.get(v))
}

/// Parses the arguments and runs the command.
pub fn run(args: impl IntoIterator<Item = OsString>, env: Env) -> Result<()> {
    let args: Vec<OsString> = args.into_iter().collect();
    // The language is needed before parsing: clap prints --help and usage errors itself.
    let lang = crate::help::lang(&args, env.get(env::CONTRIB_LANG), locale(&env));
    crate::i18n::set(lang);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // Only help and errors need the tree in the person's language: build it just then.
            let e = match lang {
                Lang::En => e,
                _ => Cli::localized(lang)
                    .try_get_matches_from(&args)
                    .err()
                    .unwrap_or(e),
            };
            // clap renders its own help and version, and usage errors it has no words for.
            match crate::help::usage_error(&e, lang) {
                Some(text) => eprintln!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(()),
                _ => Err(Error {
                    silent: true,
                    ..Error::usage(t!("cli.invalid_arguments"))
                }),
            };
        }
    };
    let ctx = Ctx::new(cli.global, env)?;
    let result = match cli.command {
        Command::Find(args) => commands::find::run(&ctx, args),
        Command::Claim(args) => commands::claim::run(&ctx, args),
        Command::Commit(args) => commands::commit::run(&ctx, args),
        Command::Pr(args) => commands::pr::run(&ctx, args),
        Command::Sync(args) => commands::sync::run(&ctx, args),
        Command::Status(args) => commands::status::run(&ctx, args),
        Command::Tutorial(args) => commands::tutorial::run(&ctx, args),
        Command::Auth(args) => commands::auth::run(&ctx, args),
        Command::Doctor(args) => commands::doctor::run(&ctx, args),
        Command::Completions(args) => commands::completions::run(&ctx, args),
        Command::Man(args) => commands::man::run(&ctx, args),
        Command::Sandbox(args) => commands::sandbox::run(&ctx, args),
        Command::Start(args) => commands::start::run(&ctx, args),
    };
    result.inspect_err(|e| ctx.ui.report(e))
}

/// What every command gets: the options, the environment snapshot and the person.
pub struct Ctx {
    pub global: GlobalArgs,
    pub env: Env,
    pub ui: Ui,
    pub cwd: PathBuf,
    /// Made on first use, so commands that need no network never build one.
    runtime: std::sync::OnceLock<tokio::runtime::Runtime>,
    /// Environment for the git processes contrib runs (and the credential helper they run):
    /// `Some` sets, `None` removes. Empty except in the tutorial.
    pub child_env: Vec<(String, Option<String>)>,
}

impl Ctx {
    pub fn new(global: GlobalArgs, env: Env) -> Result<Self> {
        let verbosity = if global.quiet {
            Verbosity::Quiet
        } else if global.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        let ui = Ui::new(
            global.color,
            env.is_set(env::NO_COLOR),
            env.get(env::CLICOLOR_FORCE).is_some_and(|v| v != "0"),
            verbosity,
            global.json,
            global.yes,
            global.no_input,
        );
        let mut ui = ui;
        ui.lang = global
            .lang
            .unwrap_or_else(|| Lang::from_env(env.get(env::CONTRIB_LANG), locale(&env)));
        crate::i18n::set(ui.lang);
        let cwd = std::env::current_dir()
            .map_err(|e| Error::failed(t!("cli.could_not_read_current")).cause(e.to_string()))?;
        Ok(Self {
            global,
            env,
            ui,
            cwd,
            runtime: std::sync::OnceLock::new(),
            child_env: Vec::new(),
        })
    }

    /// The same person and options, another environment and directory (the tutorial).
    pub fn derived(
        &self,
        env: Env,
        cwd: PathBuf,
        child_env: Vec<(String, Option<String>)>,
    ) -> Self {
        Self {
            global: self.global.clone(),
            env,
            ui: self.ui.clone(),
            cwd,
            runtime: std::sync::OnceLock::new(),
            child_env,
        }
    }

    /// Which GitHub: `--api-url`, `--host`, then `CONTRIB_API_URL`, `GH_HOST`, github.com.
    /// A flag always beats a variable; at the same level the API URL beats the host.
    pub fn endpoint(&self) -> Result<Endpoint> {
        if let Some(url) = &self.global.api_url {
            return Endpoint::from_api_url(url);
        }
        if let Some(host) = &self.global.host {
            return Endpoint::from_host(host);
        }
        if let Some(url) = self.env.get(env::CONTRIB_API_URL) {
            return Endpoint::from_api_url(url)
                .map_err(|e| e.context(t!("cli.set_bad_value", name = env::CONTRIB_API_URL)));
        }
        if let Some(host) = self.env.get(env::GH_HOST) {
            return Endpoint::from_host(host)
                .map_err(|e| e.context(t!("cli.set_bad_value", name = env::GH_HOST)));
        }
        Ok(Endpoint::github_com())
    }

    /// The token for `endpoint`, from the first source that has one.
    pub fn find_token(&self, endpoint: &Endpoint) -> Option<Found> {
        auth::lookup(&self.env, endpoint, crate::git::credential_fill)
    }

    /// The token, or an error that says how to get one.
    pub fn require_token(&self, endpoint: &Endpoint) -> Result<Found> {
        self.find_token(endpoint)
            .ok_or_else(|| auth::no_token_error(endpoint))
    }

    /// A client for `endpoint` (`token: None` for anonymous requests).
    pub fn github(&self, endpoint: &Endpoint, token: Option<Token>) -> Result<GitHub> {
        let proxy = github::Proxy {
            https: self
                .env
                .get(env::HTTPS_PROXY)
                .map(String::from)
                .or_else(|| crate::git::http_proxy(&self.env, &self.cwd)),
            http: self.env.get(env::HTTP_PROXY).map(String::from),
            no_proxy: self.env.get(env::NO_PROXY).map(String::from),
        };
        let log: Option<github::Log> = (self.ui.verbosity >= Verbosity::Verbose).then(|| {
            let ui = self.ui.clone();
            Arc::new(move |line: &str| ui.debug(line)) as github::Log
        });
        // octocrab's service stack needs the runtime's context while it is built.
        let _guard = self.runtime()?.enter();
        GitHub::new(github::Config {
            cache_dir: self
                .env
                .cache_home()
                .map(|c| c.join("contrib").join("http")),
            api: endpoint.api.clone(),
            token,
            proxy,
            timeout: Duration::from_secs(30),
            log,
        })
    }

    fn runtime(&self) -> Result<&tokio::runtime::Runtime> {
        if let Some(rt) = self.runtime.get() {
            return Ok(rt);
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(Kind::Bug, t!("cli.could_not_start_async")).cause(e.to_string())
            })?;
        Ok(self.runtime.get_or_init(|| rt))
    }

    /// Runs async work on this command's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> Result<F::Output> {
        Ok(self.runtime()?.block_on(future))
    }
}
