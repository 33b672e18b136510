//! Which GitHub we talk to: the API base URL and the git remote base, from `--host`,
//! `--api-url` and the environment. Pure; no I/O.

use crate::error::{Error, Result};
use crate::t;
use url::Url;

pub const GITHUB_COM: &str = "github.com";

/// One GitHub instance: github.com, a GitHub Enterprise host, or the local sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The host as users and gh name it (`github.com`, `ghe.corp`, `127.0.0.1:8080`):
    /// the key for token lookup.
    pub host: String,
    /// REST API base, without a trailing slash (`https://api.github.com`).
    pub api: Url,
    /// Base for git remotes and web pages, with a trailing slash (`https://github.com/`).
    pub web: Url,
}

impl Endpoint {
    /// `github.com` → `https://api.github.com`; any other host → `https://HOST/api/v3`.
    pub fn from_host(host: &str) -> Result<Self> {
        let host = host.trim().trim_end_matches('/');
        let bare = host
            .strip_prefix("https://")
            .or_else(|| host.strip_prefix("http://"))
            .unwrap_or(host);
        if bare.is_empty() || bare.contains('/') || bare.contains(char::is_whitespace) {
            return Err(Error::usage(t!("host.invalid_host", host = host))
                .hint(t!("host.give_host_name_such")));
        }
        let bare = bare.to_ascii_lowercase();
        let (api, web) = if bare == GITHUB_COM || bare == "api.github.com" {
            (
                "https://api.github.com".to_string(),
                "https://github.com/".to_string(),
            )
        } else {
            (format!("https://{bare}/api/v3"), format!("https://{bare}/"))
        };
        let parse = |s: &str| {
            Url::parse(s).map_err(|e| {
                Error::usage(t!("host.invalid_host", host = host))
                    .cause(e.to_string())
                    .hint(t!("host.give_host_name_such"))
            })
        };
        let api = parse(&api)?;
        let web = parse(&web)?;
        Ok(Self {
            host: host_of(&web),
            api,
            web,
        })
    }

    /// An explicit API base URL. `https://api.github.com` means github.com; a URL whose path
    /// ends in `/api/v3` is Enterprise-shaped (also the sandbox): git lives at its root.
    pub fn from_api_url(raw: &str) -> Result<Self> {
        let bad = |why: String| {
            Error::usage(t!("host.invalid_api_url", raw = raw))
                .cause(why)
                .hint(t!("host.use_full_url_such"))
        };
        let api = Url::parse(raw.trim()).map_err(|e| bad(e.to_string()))?;
        if !matches!(api.scheme(), "http" | "https") {
            return Err(bad(t!(
                "host.scheme_must_http_https",
                scheme = api.scheme()
            )
            .to_string()));
        }
        if api.host_str().is_none_or(str::is_empty) {
            return Err(bad(t!("host.has_no_host").into()));
        }
        if !api.username().is_empty() || api.password().is_some() {
            return Err(bad(t!("host.must_not_carry_credentials").into()));
        }
        if api.query().is_some() || api.fragment().is_some() {
            return Err(bad(t!("host.must_not_have_query").into()));
        }
        let mut api = api;
        let path = api.path().trim_end_matches('/').to_string();
        api.set_path(&path);
        let mut web = api.clone();
        if api.host_str() == Some("api.github.com") {
            web = Url::parse("https://github.com/").expect("static URL");
        } else {
            let root = path.strip_suffix("/api/v3").unwrap_or(&path);
            web.set_path(&format!("{root}/"));
        }
        Ok(Self {
            host: host_of(&web),
            api,
            web,
        })
    }

    pub fn github_com() -> Self {
        Self::from_host(GITHUB_COM).expect("github.com is a valid host")
    }

    pub fn is_github_com(&self) -> bool {
        self.host == GITHUB_COM
    }

    /// A host on this machine: the sandbox, never a real GitHub.
    pub fn is_loopback(&self) -> bool {
        match self.web.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        }
    }

    /// Enterprise hosts take `GH_ENTERPRISE_TOKEN`; github.com and the sandbox take `GH_TOKEN`.
    pub fn is_enterprise(&self) -> bool {
        !self.is_github_com() && !self.is_loopback()
    }

    /// `https://HOST/OWNER/REPO.git`.
    pub fn git_url(&self, owner: &str, repo: &str) -> String {
        format!("{}{owner}/{repo}.git", self.web)
    }

    /// `https://HOST/OWNER/REPO`.
    pub fn repo_web_url(&self, owner: &str, repo: &str) -> String {
        format!("{}{owner}/{repo}", self.web)
    }
}

/// `host[:port]` of a URL; the default port is left out.
fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_com_maps_to_api_github_com() {
        let e = Endpoint::from_host("github.com").unwrap();
        assert_eq!(e.api.as_str(), "https://api.github.com/");
        assert_eq!(e.git_url("o", "r"), "https://github.com/o/r.git");
        assert!(e.is_github_com() && !e.is_enterprise());
    }

    #[test]
    fn enterprise_host_maps_to_api_v3() {
        let e = Endpoint::from_host("GHE.Example.com").unwrap();
        assert_eq!(e.host, "ghe.example.com");
        assert_eq!(e.api.as_str(), "https://ghe.example.com/api/v3");
        assert_eq!(e.git_url("o", "r"), "https://ghe.example.com/o/r.git");
        assert!(e.is_enterprise());
    }

    #[test]
    fn sandbox_api_url_implies_git_at_the_root() {
        let e = Endpoint::from_api_url("http://127.0.0.1:8080/api/v3/").unwrap();
        assert_eq!(e.api.as_str(), "http://127.0.0.1:8080/api/v3");
        assert_eq!(e.git_url("o", "r"), "http://127.0.0.1:8080/o/r.git");
        assert_eq!(e.host, "127.0.0.1:8080");
        assert!(e.is_loopback() && !e.is_enterprise());
    }

    #[test]
    fn api_github_com_url_means_github_com() {
        let e = Endpoint::from_api_url("https://api.github.com").unwrap();
        assert_eq!(e, Endpoint::github_com().with_api(e.api.clone()));
        assert_eq!(e.host, "github.com");
    }

    impl Endpoint {
        fn with_api(mut self, api: Url) -> Self {
            self.api = api;
            self
        }
    }

    #[test]
    fn bad_api_urls_are_usage_errors() {
        for bad in [
            "not a url",
            "ftp://x/api/v3",
            "https://",
            "file:///tmp/x",
            "https://user:pw@ghe/api/v3",
            "https://ghe/api/v3?x=1",
        ] {
            let err = Endpoint::from_api_url(bad).unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Usage, "{bad}");
            assert!(err.message.contains("invalid API URL"), "{bad}");
        }
    }

    #[test]
    fn bad_hosts_are_usage_errors() {
        for bad in ["", "a/b", "has space"] {
            assert!(Endpoint::from_host(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Endpoint::from_host("https://ghe.x/").unwrap().host, "ghe.x");
    }
}
