//! Local repositories and git's own configuration. The only module that names git2.
//! It never prints; long operations report progress through a callback.

mod credential;
pub mod setup;
pub mod transfer;
pub mod work;

pub use credential::credential_fill;

use crate::env::{self, Env};
use crate::error::{Error, Result};
use crate::t;
use git2::{Config, ConfigLevel, Repository, RepositoryOpenFlags};
use std::path::{Path, PathBuf};

/// The `git` program, with its messages in git's own English whatever the locale: contrib
/// reads them (a rejected push, a stale lease, progress) and says what they mean in the
/// person's language itself. LANG and LC_CTYPE stay, so text is still handled as UTF-8.
pub(crate) fn program() -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.env_remove("LC_ALL")
        .env_remove("LANGUAGE")
        .env("LC_MESSAGES", "C");
    cmd
}

/// `user.name` and `user.email` as git would use them for a commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A repository found from a directory, with its remotes.
#[derive(Debug, Clone)]
pub struct RepoInfo {
    pub root: PathBuf,
    /// (name, URL with any credentials removed), in git's order.
    pub remotes: Vec<(String, String)>,
}

impl RepoInfo {
    pub fn remote(&self, name: &str) -> Option<&str> {
        self.remotes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, u)| u.as_str())
    }
}

fn git_error(what: &str, err: git2::Error) -> Error {
    Error::failed(what.to_string()).cause(err.message().to_string())
}

/// Opens the repository containing `dir` the way git does (honouring `GIT_DIR`,
/// `GIT_CEILING_DIRECTORIES` and the git config variables). `Ok(None)` outside a repository.
pub fn discover(dir: &Path) -> Result<Option<Repository>> {
    match Repository::open_ext(
        dir,
        RepositoryOpenFlags::FROM_ENV,
        std::iter::empty::<&str>(),
    ) {
        Ok(repo) => Ok(Some(repo)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(git_error(&t!("git.could_not_open_git"), e)),
    }
}

/// The configuration git would see in `dir`: the repository's if there is one, else the
/// global and system files (honouring `GIT_CONFIG_GLOBAL` and `GIT_CONFIG_NOSYSTEM`, which
/// libgit2 ignores outside a repository opened from the environment).
pub fn config(env: &Env, dir: &Path) -> Result<Config> {
    if let Some(repo) = discover(dir)? {
        return repo
            .config()
            .map_err(|e| git_error(&t!("git.could_not_read_repository"), e));
    }
    let mut cfg = Config::new().map_err(|e| git_error(&t!("git.could_not_read_git"), e))?;
    let nosystem = env
        .get(env::GIT_CONFIG_NOSYSTEM)
        .is_some_and(|v| !matches!(v, "0" | "false" | "no" | "off"));
    let mut add = |path: PathBuf, level| {
        if path.is_file() {
            cfg.add_file(&path, level, false)
                .map_err(|e| git_error(&t!("auth.could_not_read", path = path.display()), e))
        } else {
            Ok(())
        }
    };
    if !nosystem && let Ok(system) = Config::find_system() {
        add(system, ConfigLevel::System)?;
    }
    match env.get(env::GIT_CONFIG_GLOBAL) {
        Some(global) => add(PathBuf::from(global), ConfigLevel::Global)?,
        None => {
            if let Some(xdg) = env.config_home().map(|c| c.join("git/config")) {
                add(xdg, ConfigLevel::XDG)?;
            }
            if let Some(home) = env.home() {
                add(home.join(".gitconfig"), ConfigLevel::Global)?;
            }
        }
    }
    Ok(cfg)
}

fn get_string(cfg: &Config, key: &str) -> Option<String> {
    cfg.get_string(key).ok().filter(|s| !s.trim().is_empty())
}

pub fn identity(env: &Env, dir: &Path) -> Result<Identity> {
    let cfg = config(env, dir)?;
    Ok(Identity {
        name: get_string(&cfg, "user.name"),
        email: get_string(&cfg, "user.email"),
    })
}

/// The editor git would use: `GIT_EDITOR`, `core.editor`, `VISUAL`, `EDITOR`, then `vi`.
pub fn editor(env: &Env, dir: &Path) -> String {
    env.get(env::GIT_EDITOR)
        .map(String::from)
        .or_else(|| {
            config(env, dir)
                .ok()
                .and_then(|c| get_string(&c, "core.editor"))
        })
        .or_else(|| env.get(env::VISUAL).map(String::from))
        .or_else(|| env.get(env::EDITOR).map(String::from))
        .unwrap_or_else(|| "vi".into())
}

/// git's `http.proxy`, used when no proxy variable is set.
pub fn http_proxy(env: &Env, dir: &Path) -> Option<String> {
    config(env, dir)
        .ok()
        .and_then(|c| get_string(&c, "http.proxy"))
}

/// The repository around `dir` and its remotes, or `None` outside one.
pub fn repo_info(dir: &Path) -> Result<Option<RepoInfo>> {
    let Some(repo) = discover(dir)? else {
        return Ok(None);
    };
    let root = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    let names = repo
        .remotes()
        .map_err(|e| git_error(&t!("git.could_not_list_remotes"), e))?;
    let mut remotes = Vec::new();
    for name in names.iter().flatten().flatten() {
        if let Ok(remote) = repo.find_remote(name) {
            let url = remote.url().map(redact_url).unwrap_or_default();
            remotes.push((name.to_string(), url));
        }
    }
    Ok(Some(RepoInfo { root, remotes }))
}

/// A remote URL safe to show: any user:password part becomes `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && !userinfo.contains('/')
    {
        return format!("{scheme}://***@{host}");
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn git_speaks_its_own_english_for_contrib_to_read() {
        use std::ffi::OsStr;
        let cmd = super::program();
        let envs: Vec<_> = cmd.get_envs().collect();
        assert!(envs.contains(&(OsStr::new("LC_MESSAGES"), Some(OsStr::new("C")))));
        assert!(
            envs.contains(&(OsStr::new("LC_ALL"), None)),
            "LC_ALL would win"
        );
        assert!(envs.contains(&(OsStr::new("LANGUAGE"), None)));
        assert!(!envs.iter().any(|(k, _)| *k == "LANG" || *k == "LC_CTYPE"));
    }

    use super::*;

    #[test]
    fn redacts_credentials_in_urls() {
        assert_eq!(
            redact_url("https://x:ghp_secret@github.com/o/r.git"),
            "https://***@github.com/o/r.git"
        );
        assert_eq!(
            redact_url("https://github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            redact_url("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }
}
