#![recursion_limit = "512"]
//! contrib: from "I'd like to help this project" to a well-formed pull request.
//!
//! # Architecture
//!
//! One crate, a library and a thin binary (`main.rs` maps the result to an exit code).
//! Four walls, each the only place its dependency is named:
//!
//! - [`github`] talks to GitHub (octocrab over reqwest) and returns our own structs;
//! - [`git`] touches local repositories (git2); it never prints;
//! - [`ui`] asks and tells the person (dialoguer, console, indicatif);
//! - [`commands`] holds one file per subcommand: its clap `Args` beside its `run`, which
//!   reads as a recipe: announce the step, call github/git/ui, add context to failures.
//!
//! Pure logic with unit tests and no I/O lives in plain modules ([`host`], [`text`], parts
//! of [`auth`]). Every environment variable is read once, in [`env`], and passed down; the API
//! base URL and the token are passed to the client, never global, so the same code serves
//! github.com, GitHub Enterprise and the sandbox. Errors ([`error`]) carry a kind (the exit
//! code), causes and hints.

pub mod auth;
pub mod branch;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod contribution;
pub mod env;
pub mod error;
pub mod find;
pub mod git;
pub mod github;
pub mod help;
pub mod host;
pub mod i18n;
pub mod message;
pub mod rules;
pub mod sandbox;

pub mod target;
pub mod template;

pub mod text;
pub mod ui;

// The message catalogs (see `i18n`); rust-i18n's lookup functions must sit at the crate root.
rust_i18n::i18n!("locales", fallback = "en");

/// A panic is a bug: say so plainly, without a backtrace (even with `RUST_BACKTRACE=1`),
/// and exit 101.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            t!("lib.unknown_panic").to_string()
        };
        let place = info
            .location()
            .map(|l| t!("lib.at_place", file = l.file(), line = l.line()).to_string())
            .unwrap_or_default();
        eprintln!("{}{}", t!("ui.label.error"), t!("lib.bug"));
        let what = text::strip_control(&what);
        eprintln!("{}{what}{place}", t!("ui.label.caused_by"));
        eprintln!("{}{}", t!("ui.label.hint"), t!("lib.report_it"));
    }));
}
