//! `contrib sandbox`: a local GitHub stand-in to practise on, until Ctrl-C.

use crate::cli::Ctx;
use crate::error::{Error, Result};
use crate::sandbox::{self, Seed};
use crate::t;
use std::path::PathBuf;
use std::time::Duration;

/// Run a local practice GitHub on 127.0.0.1 (state kept in --dir)
///
/// Everything contrib does works against it: point contrib at it with the two `export`
/// lines it prints, then try `contrib doctor`, `contrib find practice/hello-contrib`, and so
/// on. Nothing leaves your machine.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Keep the state here, across restarts (default: a temporary directory)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// What a new sandbox starts with
    #[arg(long, value_enum, default_value_t = Seed::Practice)]
    pub seed: Seed,
    /// Added to every API request, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// How long a new fork takes to appear, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub fork_delay: u64,
    /// Write one JSON line per request to FILE
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // A temporary directory lives as long as the server.
    let (dir, _temp) = match &args.dir {
        Some(d) => (d.clone(), None),
        None => {
            let t = sandbox::temp_dir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let options = sandbox::Options {
        port: args.port,
        dir: dir.clone(),
        seed: args.seed,
        latency: Duration::from_millis(args.latency),
        fork_delay: Duration::from_millis(args.fork_delay),
        log: args.log.clone(),
    };
    ctx.ui.status(
        t!("verb.starting"),
        t!("sandbox.in_dir", dir = dir.display()),
    );
    let ui = ctx.ui.clone();
    let json = ctx.ui.json;
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::bug(t!("cli.could_not_start_async")).cause(e.to_string()))?;
    runtime.block_on(sandbox::run(
        options,
        move |addr, token| {
            let api = format!("http://{addr}/api/v3");
            let lines = if json {
                vec![serde_json::json!({"api_url": api, "web_url": format!("http://{addr}"), "token": token, "dir": dir}).to_string()]
            } else {
                vec![
                    t!("sandbox.sandbox_running_http_ctrl", addr = addr).to_string(),
                    t!("sandbox.paste_these_lines_into").to_string(),
                    String::new(),
                    exports(&api, token),
                    String::new(),
                    t!("sandbox.then_try_contrib_doctor").to_string(),
                    t!("sandbox.practice_project_practice_hello").to_string(),
                ]
            };
            for line in lines {
                let _ = ui.out(line);
            }
        },
        stop,
    ))?;
    ctx.ui.status(t!("verb.stopped"), t!("sandbox.the_sandbox"));
    Ok(())
}

// i18n: not for people (shell lines, the same in every language)
fn exports(api: &str, token: &str) -> String {
    format!("    export CONTRIB_API_URL={api}\n    export GH_TOKEN={token}")
}
