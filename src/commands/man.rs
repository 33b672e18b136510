//! `contrib man`: the manual page (roff) on stdout.

use crate::cli::{Cli, Ctx};
use crate::error::{Error, Result};
use crate::t;

/// Print the manual page
///
/// For example: `contrib man > ~/.local/share/man/man1/contrib.1`
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::localized(ctx.ui.lang))
        .render(&mut buf)
        .map_err(|e| Error::bug(t!("man.could_not_render_manual")).cause(e.to_string()))?;
    ctx.ui.out_bytes(&buf)
}
