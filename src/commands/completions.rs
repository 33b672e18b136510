//! `contrib completions SHELL`: a shell completion script on stdout.

use crate::cli::{Cli, Ctx};
use crate::error::Result;

/// Print a shell completion script
///
/// For example: `contrib completions bash > ~/.local/share/bash-completion/completions/contrib`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut Cli::localized(ctx.ui.lang),
        "contrib",
        &mut buf,
    );
    ctx.ui.out_bytes(&buf)
}
