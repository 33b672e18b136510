//! `git credential fill`: the last place a token may be found.

use crate::auth::Token;
use crate::host::Endpoint;
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Asks git's credential helpers for the host's password, never prompting (a helper that
/// would prompt is cut off after a few seconds). `None` when git is missing or has nothing.
pub fn credential_fill(endpoint: &Endpoint) -> Option<Token> {
    let protocol = endpoint.web.scheme();
    let host = &endpoint.host;
    let mut child = super::program()
        .args(["-c", "credential.interactive=false", "credential", "fill"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    {
        let mut stdin = child.stdin.take()?;
        // i18n: not for people (git's credential protocol)
        let _ = write!(stdin, "protocol={protocol}\nhost={host}\n\n");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("password="))
        .and_then(Token::new)
}
