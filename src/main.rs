//! Only maps the result to an exit code. Errors were already printed by the command;
//! a broken pipe (`contrib … | head`) ends quietly with 0.

use std::process::ExitCode;

fn main() -> ExitCode {
    contrib::install_panic_hook();
    match contrib::cli::run(std::env::args_os(), contrib::env::Env::from_process()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(e.exit_code()),
    }
}
