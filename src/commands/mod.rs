//! One file per subcommand: its clap `Args` beside its `run`.

pub mod auth;
pub mod completions;
pub mod doctor;
pub mod man;
pub mod sandbox;
pub mod start;
