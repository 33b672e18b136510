//! Finding the token, in the GitHub CLI's order, so that a machine where `gh auth login`
//! was done needs no setup:
//!
//! - github.com and the sandbox: `GH_TOKEN` → `GITHUB_TOKEN` → gh's `hosts.yml` →
//!   contrib's stored token → `git credential fill`;
//! - Enterprise hosts: `GH_ENTERPRISE_TOKEN` → `GITHUB_ENTERPRISE_TOKEN` → the same files.
//!
//! The token is a [`Token`]: no `Display`, a redacted `Debug`, and no way into a URL.

use crate::env::{self, Env};
use crate::error::Error;
use crate::host::Endpoint;
use crate::t;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A GitHub token. Read it with [`Token::expose`] only where it is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// `None` for an empty or blank value.
    pub fn new(value: impl Into<String>) -> Option<Self> {
        let value = value.into().trim().to_string();
        (!value.is_empty()).then_some(Self(value))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

// i18n: not for people (debug output)
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Where the token came from (shown by `auth status` and `doctor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    EnvVar(&'static str),
    GhHosts(PathBuf),
    Stored(PathBuf),
    GitCredential,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::EnvVar(name) => write!(f, "{}", t!("auth.environment_variable", name = name)),
            Source::GhHosts(path) => write!(
                f,
                "{}",
                t!("auth.github_cli_s_login", path = path.display())
            ),
            Source::Stored(path) => write!(
                f,
                "{}",
                t!("auth.contrib_s_stored_token", path = path.display())
            ),
            Source::GitCredential => f.write_str(&t!("auth.git_s_credential_helper")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Found {
    pub token: Token,
    pub source: Source,
}

/// Looks the token up in order. `git_credential` asks git's helper (it runs a process, so
/// the caller supplies it; tests pass a stub).
pub fn lookup(
    env: &Env,
    endpoint: &Endpoint,
    git_credential: impl FnOnce(&Endpoint) -> Option<Token>,
) -> Option<Found> {
    let vars: &[&'static str] = if endpoint.is_enterprise() {
        &[env::GH_ENTERPRISE_TOKEN, env::GITHUB_ENTERPRISE_TOKEN]
    } else {
        &[env::GH_TOKEN, env::GITHUB_TOKEN]
    };
    for &name in vars {
        if let Some(token) = env.get(name).and_then(Token::new) {
            return Some(Found {
                token,
                source: Source::EnvVar(name),
            });
        }
    }
    if let Some(path) = env.gh_config_dir().map(|d| d.join("hosts.yml"))
        && let Ok(text) = std::fs::read_to_string(&path)
        && let Some(token) = GhHosts::parse(&text).token(&endpoint.host)
    {
        return Some(Found {
            token,
            source: Source::GhHosts(path),
        });
    }
    if let Some(path) = stored_path(env)
        && let Ok(store) = Store::read(&path)
        && let Some(token) = store.get(&endpoint.host)
    {
        return Some(Found {
            token,
            source: Source::Stored(path),
        });
    }
    git_credential(endpoint).map(|token| Found {
        token,
        source: Source::GitCredential,
    })
}

/// What to tell someone who has no token.
pub fn no_token_error(endpoint: &Endpoint) -> Error {
    let (a, b) = if endpoint.is_enterprise() {
        (env::GH_ENTERPRISE_TOKEN, env::GITHUB_ENTERPRISE_TOKEN)
    } else {
        (env::GH_TOKEN, env::GITHUB_TOKEN)
    };
    let new_token = format!("{}settings/tokens", endpoint.web);
    Error::failed(t!("auth.no_github_token_found", host = endpoint.host))
        .hint(t!("auth.create_token_public_repo", new_token = new_token))
        .hint(t!("auth.set_log_github_cli", a = a, b = b))
}

/// The GitHub CLI's `hosts.yml`, the parts we read.
#[derive(Debug, Default)]
pub struct GhHosts {
    hosts: BTreeMap<String, GhHost>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct GhHost {
    #[serde(default)]
    oauth_token: Option<String>,
    /// The active account (gh ≥ 2.40 keeps several per host).
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    users: BTreeMap<String, Option<GhUser>>,
    #[serde(default)]
    git_protocol: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct GhUser {
    #[serde(default)]
    oauth_token: Option<String>,
}

impl GhHosts {
    /// Lenient: a file we cannot read as YAML yields no hosts rather than an error, as gh's
    /// own format may grow.
    pub fn parse(text: &str) -> Self {
        let hosts: BTreeMap<String, Option<GhHost>> =
            serde_yaml_ng::from_str(text).unwrap_or_default();
        Self {
            hosts: hosts
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.unwrap_or_default()))
                .collect(),
        }
    }

    fn host(&self, host: &str) -> Option<&GhHost> {
        self.hosts.get(&host.to_ascii_lowercase())
    }

    /// The active account's token: the host's own `oauth_token`, else the token of the
    /// account named by `user`, else the only account's.
    pub fn token(&self, host: &str) -> Option<Token> {
        let h = self.host(host)?;
        if let Some(t) = h.oauth_token.clone().and_then(Token::new) {
            return Some(t);
        }
        let of = |u: &Option<GhUser>| u.as_ref()?.oauth_token.clone().and_then(Token::new);
        if let Some(user) = &h.user {
            return h.users.get(user).and_then(of);
        }
        match h.users.values().collect::<Vec<_>>().as_slice() {
            [only] => of(only),
            _ => None,
        }
    }

    pub fn git_protocol(&self, host: &str) -> Option<String> {
        self.host(host)?.git_protocol.clone()
    }
}

/// contrib's own token store: `<config dir>/credentials.json`, mode 0600.
pub fn stored_path(env: &Env) -> Option<PathBuf> {
    env.contrib_config_dir().map(|d| d.join("credentials.json"))
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Store {
    #[serde(default)]
    hosts: BTreeMap<String, String>,
}

impl Store {
    pub fn read(path: &Path) -> std::io::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    pub fn get(&self, host: &str) -> Option<Token> {
        self.hosts.get(host).cloned().and_then(Token::new)
    }

    pub fn set(&mut self, host: &str, token: &Token) {
        self.hosts
            .insert(host.to_string(), token.expose().to_string());
    }

    pub fn remove(&mut self, host: &str) -> bool {
        self.hosts.remove(host).is_some()
    }

    /// Writes atomically with mode 0600 (the directory 0700), so the token is never
    /// readable by others, not even for a moment.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
        let tmp = dir.join(".credentials.json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        #[cfg(unix)]
        {
            // An older file may have been created with a wider mode.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    }
}

/// Scopes from GitHub's `X-OAuth-Scopes` header. `None` for fine-grained tokens, which do
/// not report scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(pub Option<Vec<String>>);

impl Scopes {
    pub fn parse(header: Option<&str>) -> Self {
        Self(header.map(|h| {
            h.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        }))
    }

    /// Enough to fork public repositories and open pull requests?
    pub fn can_contribute(&self) -> bool {
        match &self.0 {
            None => true,
            Some(list) => list.iter().any(|s| s == "repo" || s == "public_repo"),
        }
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            None => f.write_str(&t!("auth.not_reported_fine_grained")),
            Some(list) if list.is_empty() => f.write_str("none"),
            Some(list) => f.write_str(&list.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        let t = Token::new("ghp_abc").unwrap();
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        assert!(Token::new("  ").is_none());
    }

    #[test]
    fn hosts_yml_classic_layout() {
        let h = GhHosts::parse(
            "github.com:\n    oauth_token: gho_one\n    user: mona\n    git_protocol: ssh\n",
        );
        assert_eq!(h.token("github.com").unwrap().expose(), "gho_one");
        assert_eq!(h.token("GitHub.com").unwrap().expose(), "gho_one");
        assert_eq!(h.git_protocol("github.com").as_deref(), Some("ssh"));
        assert!(h.token("ghe.example.com").is_none());
    }

    #[test]
    fn hosts_yml_several_users_takes_the_active_one() {
        let text = "\
github.com:
    users:
        alice:
            oauth_token: gho_alice
        bob:
            oauth_token: gho_bob
    user: bob
    git_protocol: https
ghe.corp:
    users:
        carol:
            oauth_token: gho_carol
";
        let h = GhHosts::parse(text);
        assert_eq!(h.token("github.com").unwrap().expose(), "gho_bob");
        // One account and no `user:` line: that account.
        assert_eq!(h.token("ghe.corp").unwrap().expose(), "gho_carol");
    }

    #[test]
    fn hosts_yml_keyring_user_has_no_token_here() {
        // gh keeps the token in the system keyring: nothing to read from the file.
        let h = GhHosts::parse("github.com:\n    users:\n        mona:\n    user: mona\n");
        assert!(h.token("github.com").is_none());
        assert!(GhHosts::parse(": not yaml [").token("github.com").is_none());
    }

    #[test]
    fn enterprise_hosts_take_enterprise_variables_only() {
        let vars = [
            ("GH_TOKEN", "for-dotcom"),
            ("GH_ENTERPRISE_TOKEN", "for-ghe"),
            ("HOME", "/nonexistent"),
        ];
        let env =
            Env::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).into()));
        let ghe = Endpoint::from_host("ghe.example.com").unwrap();
        let found = lookup(&env, &ghe, |_| None).unwrap();
        assert_eq!(
            (found.token.expose(), found.source),
            ("for-ghe", Source::EnvVar(env::GH_ENTERPRISE_TOKEN))
        );
        let dotcom = lookup(&env, &Endpoint::github_com(), |_| None).unwrap();
        assert_eq!(dotcom.token.expose(), "for-dotcom");
        // Only GITHUB_ENTERPRISE_TOKEN: still found for Enterprise, never for github.com.
        let env = Env::from_lookup(|k| (k == "GITHUB_ENTERPRISE_TOKEN").then(|| "second".into()));
        assert_eq!(
            lookup(&env, &ghe, |_| None).unwrap().token.expose(),
            "second"
        );
        assert!(lookup(&env, &Endpoint::github_com(), |_| None).is_none());
        // The git credential helper is the last resort, for any host.
        let cred = lookup(&env, &Endpoint::github_com(), |_| Token::new("from-git")).unwrap();
        assert_eq!(cred.source, Source::GitCredential);
    }

    #[test]
    fn scopes() {
        assert!(Scopes::parse(Some("repo, read:org")).can_contribute());
        assert!(Scopes::parse(Some("public_repo")).can_contribute());
        assert!(!Scopes::parse(Some("read:org, gist")).can_contribute());
        assert!(!Scopes::parse(Some("")).can_contribute());
        assert!(Scopes::parse(None).can_contribute());
    }
}
