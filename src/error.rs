//! contrib's error: what went wrong, why, and what to do next.
//!
//! Printed as `error: …`, then `caused by: …` lines, then `hint: …` lines (see
//! [`crate::ui`]). The kind decides the exit code.

use crate::t;
use std::fmt;

/// Why a command failed; decides the exit code (documented in README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The command failed and the user can act on it: exit 1.
    Failed,
    /// Bad usage, or a question that needs a terminal: exit 2.
    Usage,
    /// GitHub or the network is unavailable or rate-limited: exit 3.
    Unavailable,
    /// A bug in contrib: exit 101.
    Bug,
    /// Our output went to a closed pipe (`contrib … | head`): exit 0, quietly.
    BrokenPipe,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Failed => 1,
            Kind::Usage => 2,
            Kind::Unavailable => 3,
            Kind::Bug => 101,
            Kind::BrokenPipe => 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    /// Underlying reasons, outermost first.
    pub causes: Vec<String>,
    /// What the user can do next.
    pub hints: Vec<String>,
    /// Already shown to the user (clap's own usage errors): print nothing more.
    pub silent: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
            silent: false,
        }
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(Kind::Unavailable, message)
    }
    pub fn bug(message: impl Into<String>) -> Self {
        Self::new(Kind::Bug, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
    pub fn cause(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }
    /// Puts `message` on top; the old message becomes the first cause.
    pub fn context(mut self, message: impl Into<String>) -> Self {
        let old = std::mem::replace(&mut self.message, message.into());
        self.causes.insert(0, old);
        self
    }

    /// An I/O error: a broken pipe is its own kind so `main` can stay quiet.
    pub fn io(what: impl Into<String>, err: &std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Self::new(Kind::BrokenPipe, t!("error.broken_pipe"));
        }
        Self::failed(what).cause(err.to_string())
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for c in &self.causes {
            write!(f, ": {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Adds context to any result whose error converts into ours.
pub trait ResultExt<T> {
    fn context(self, message: impl Into<String>) -> Result<T>;
    fn with_context<M: Into<String>>(self, message: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn context(self, message: impl Into<String>) -> Result<T> {
        self.map_err(|e| e.into().context(message))
    }
    fn with_context<M: Into<String>>(self, message: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|e| e.into().context(message()))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::io(err.to_string(), &err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_stacks_causes_outermost_first() {
        let e = Error::failed("inner")
            .context("middle")
            .context("outer")
            .hint("do x");
        assert_eq!(e.message, "outer");
        assert_eq!(e.causes, ["middle", "inner"]);
        assert_eq!(e.hints, ["do x"]);
        assert_eq!(e.to_string(), "outer: middle: inner");
    }

    #[test]
    fn exit_codes_match_the_readme() {
        assert_eq!(Kind::Failed.exit_code(), 1);
        assert_eq!(Kind::Usage.exit_code(), 2);
        assert_eq!(Kind::Unavailable.exit_code(), 3);
        assert_eq!(Kind::Bug.exit_code(), 101);
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(Error::io("write", &pipe).exit_code(), 0);
    }
}
