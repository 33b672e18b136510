//! Every environment variable contrib reads, in one place.
//!
//! The process environment is read once, at start-up, into [`Env`], and passed down from
//! there; no other module calls `std::env::var`. git and libgit2 also read their own
//! variables (`GIT_CONFIG_GLOBAL`, `GIT_CONFIG_NOSYSTEM`, `GIT_CEILING_DIRECTORIES`, …) when
//! contrib runs them; those are listed at the end for the record.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

/// GitHub host to talk to (e.g. a GitHub Enterprise host); `--host` wins over it.
pub const GH_HOST: &str = "GH_HOST";
/// Full REST API base URL, e.g. `http://127.0.0.1:8080/api/v3` for the sandbox.
pub const CONTRIB_API_URL: &str = "CONTRIB_API_URL";
/// Token for github.com (and for the local sandbox), first choice.
pub const GH_TOKEN: &str = "GH_TOKEN";
/// Token for github.com (and for the local sandbox), second choice.
pub const GITHUB_TOKEN: &str = "GITHUB_TOKEN";
/// Token for GitHub Enterprise hosts, first choice.
pub const GH_ENTERPRISE_TOKEN: &str = "GH_ENTERPRISE_TOKEN";
/// Token for GitHub Enterprise hosts, second choice.
pub const GITHUB_ENTERPRISE_TOKEN: &str = "GITHUB_ENTERPRISE_TOKEN";
/// Where the GitHub CLI keeps `hosts.yml` and `config.yml`.
pub const GH_CONFIG_DIR: &str = "GH_CONFIG_DIR";
/// Where contrib keeps its own configuration (default `$XDG_CONFIG_HOME/contrib`).
pub const CONTRIB_CONFIG_DIR: &str = "CONTRIB_CONFIG_DIR";
/// Base directory for configuration files (default `~/.config`).
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
/// Base directory for caches (default `~/.cache`).
pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
/// The user's home directory.
pub const HOME: &str = "HOME";
/// Any value turns colour off (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// A value other than `0` turns colour on even when output is not a terminal.
pub const CLICOLOR_FORCE: &str = "CLICOLOR_FORCE";
/// Proxy for https:// requests (the lower-case spelling is read too and wins).
pub const HTTPS_PROXY: &str = "HTTPS_PROXY";
/// Proxy for http:// requests (the lower-case spelling is read too and wins).
pub const HTTP_PROXY: &str = "HTTP_PROXY";
/// Hosts that bypass the proxy, comma-separated (lower-case spelling read too).
pub const NO_PROXY: &str = "NO_PROXY";

/// The editor for long text, as git chooses it: `GIT_EDITOR`, `core.editor`, `VISUAL`,
/// then `EDITOR`.
pub const GIT_EDITOR: &str = "GIT_EDITOR";
pub const VISUAL: &str = "VISUAL";
pub const EDITOR: &str = "EDITOR";
/// The language contrib speaks: `en` or `zh` (`--lang` wins).
pub const CONTRIB_LANG: &str = "CONTRIB_LANG";
/// The locale, read in this order when `CONTRIB_LANG` is not set: `zh_*` means Chinese.
pub const LC_ALL: &str = "LC_ALL";
pub const LC_MESSAGES: &str = "LC_MESSAGES";
pub const LANG: &str = "LANG";
/// The browser for `contrib pr --web` (else `xdg-open` on a terminal).
pub const BROWSER: &str = "BROWSER";

/// The global git config file to use instead of `~/.gitconfig` (as git does).
pub const GIT_CONFIG_GLOBAL: &str = "GIT_CONFIG_GLOBAL";
/// Any value but `0`/`false`: skip the system git config (as git does).
pub const GIT_CONFIG_NOSYSTEM: &str = "GIT_CONFIG_NOSYSTEM";

/// Variables git and libgit2 read themselves when contrib runs them. contrib passes them
/// through untouched; they are listed so that this file names everything that matters.
pub const PASSED_TO_GIT: &[&str] = &[
    "GIT_CEILING_DIRECTORIES",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "GIT_TERMINAL_PROMPT",
    "SSH_AUTH_SOCK",
];

/// All variables contrib itself reads (for the README and a test that keeps it honest).
pub const ALL: &[&str] = &[
    GH_HOST,
    CONTRIB_API_URL,
    GH_TOKEN,
    GITHUB_TOKEN,
    GH_ENTERPRISE_TOKEN,
    GITHUB_ENTERPRISE_TOKEN,
    GH_CONFIG_DIR,
    CONTRIB_CONFIG_DIR,
    XDG_CONFIG_HOME,
    XDG_CACHE_HOME,
    HOME,
    NO_COLOR,
    CLICOLOR_FORCE,
    HTTPS_PROXY,
    HTTP_PROXY,
    NO_PROXY,
    GIT_CONFIG_GLOBAL,
    GIT_CONFIG_NOSYSTEM,
    GIT_EDITOR,
    VISUAL,
    EDITOR,
    BROWSER,
    CONTRIB_LANG,
    LC_ALL,
    LC_MESSAGES,
    LANG,
];

/// A snapshot of the variables in [`ALL`], taken once.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<&'static str, String>,
}

impl std::fmt::Debug for Env {
    // Values may be tokens: show only which variables are set.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

impl Env {
    /// Reads the process environment. Called once, from `main`.
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// Builds an `Env` from any lookup (tests use a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        let mut vars = BTreeMap::new();
        for &name in ALL {
            if let Some(value) = lookup(name).and_then(|v| v.into_string().ok()) {
                vars.insert(name, value);
            }
            // curl's convention: the lower-case proxy variables win.
            if matches!(name, HTTPS_PROXY | HTTP_PROXY | NO_PROXY) {
                let lower = name.to_ascii_lowercase();
                if let Some(value) = lookup(&lower).and_then(|v| v.into_string().ok()) {
                    vars.insert(name, value);
                }
            }
        }
        Self { vars }
    }

    /// The value, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A copy with `name` set (the tutorial points contrib at its own sandbox this way).
    pub fn with(&self, name: &'static str, value: impl Into<String>) -> Self {
        let mut e = self.clone();
        e.vars.insert(name, value.into());
        e
    }

    /// A copy without `name`.
    pub fn without(&self, name: &str) -> Self {
        let mut e = self.clone();
        e.vars.retain(|k, _| *k != name);
        e
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    pub fn home(&self) -> Option<PathBuf> {
        self.get(HOME).map(PathBuf::from)
    }

    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub fn config_home(&self) -> Option<PathBuf> {
        self.get(XDG_CONFIG_HOME)
            .map(PathBuf::from)
            .or_else(|| self.home().map(|h| h.join(".config")))
    }

    /// `$XDG_CACHE_HOME`, else `~/.cache`.
    pub fn cache_home(&self) -> Option<PathBuf> {
        self.get(XDG_CACHE_HOME)
            .map(PathBuf::from)
            .or_else(|| self.home().map(|h| h.join(".cache")))
    }

    /// contrib's own configuration directory.
    pub fn contrib_config_dir(&self) -> Option<PathBuf> {
        self.get(CONTRIB_CONFIG_DIR)
            .map(PathBuf::from)
            .or_else(|| self.config_home().map(|c| c.join("contrib")))
    }

    /// The GitHub CLI's configuration directory.
    pub fn gh_config_dir(&self) -> Option<PathBuf> {
        self.get(GH_CONFIG_DIR)
            .map(PathBuf::from)
            .or_else(|| self.config_home().map(|c| c.join("gh")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Env::from_lookup(|k| map.get(k).map(OsString::from))
    }

    #[test]
    fn lower_case_proxy_wins_and_empty_is_unset() {
        let e = env(&[
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:2"),
            ("GH_TOKEN", ""),
        ]);
        assert_eq!(e.get(HTTPS_PROXY), Some("http://lower:2"));
        assert_eq!(e.get(GH_TOKEN), None);
    }

    #[test]
    fn directories_follow_xdg_then_home() {
        let e = env(&[("HOME", "/h")]);
        assert_eq!(e.gh_config_dir(), Some(PathBuf::from("/h/.config/gh")));
        assert_eq!(
            e.contrib_config_dir(),
            Some(PathBuf::from("/h/.config/contrib"))
        );
        let e = env(&[
            ("HOME", "/h"),
            ("XDG_CONFIG_HOME", "/x"),
            ("GH_CONFIG_DIR", "/g"),
        ]);
        assert_eq!(e.gh_config_dir(), Some(PathBuf::from("/g")));
        assert_eq!(e.contrib_config_dir(), Some(PathBuf::from("/x/contrib")));
    }

    #[test]
    fn debug_never_shows_values() {
        let e = env(&[("GH_TOKEN", "ghp_secret")]);
        assert!(!format!("{e:?}").contains("ghp_secret"));
    }
}
