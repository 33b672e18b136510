//! One file per subcommand: its clap `Args` beside its `run`.

pub mod auth;
pub mod claim;
pub mod commit;
pub mod completions;
pub mod doctor;
pub mod find;
pub mod man;
pub mod pr;
pub mod sandbox;
pub mod start;
pub mod status;
pub mod sync;
pub mod tutorial;
