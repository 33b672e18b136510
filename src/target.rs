//! What the user points contrib at: `OWNER/REPO`, `OWNER/REPO#N`, or a repository or issue
//! URL on the configured host. Pure; no I/O.

use crate::error::{Error, Result};
use crate::host::Endpoint;
use crate::t;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub owner: String,
    pub repo: String,
    pub issue: Option<u64>,
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Target {
    pub fn parse(input: &str, endpoint: &Endpoint) -> Result<Self> {
        let bad = || {
            Error::usage(t!("target.not_repository_issue", input = input))
                .hint(t!("target.give_owner_repo_owner"))
        };
        let s = input.trim();
        let path = if let Some(rest) = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
        {
            let (host, path) = rest.split_once('/').ok_or_else(bad)?;
            if !host.eq_ignore_ascii_case(&endpoint.host) {
                return Err(Error::usage(t!(
                    "target.but_contrib_set_up",
                    input = input,
                    host = host,
                    host2 = endpoint.host
                ))
                .hint(t!("target.add_host_work_server", host = host)));
            }
            // In a link, `#…` is a fragment (`#issuecomment-1`), not an issue number.
            let path = path.split(['#', '?']).next().unwrap_or(path);
            path.trim_end_matches('/').to_string()
        } else if let Some(rest) = s.strip_prefix("git@") {
            rest.split_once(':')
                .map(|(_, p)| p.to_string())
                .ok_or_else(bad)?
        } else {
            s.to_string()
        };
        let (path, hash_issue) = match path.split_once('#') {
            Some((p, n)) => (p.to_string(), Some(n.parse::<u64>().map_err(|_| bad())?)),
            None => (path, None),
        };
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let (owner, repo, rest) = match parts.as_slice() {
            [owner, repo, rest @ ..] => (*owner, repo.trim_end_matches(".git"), rest),
            _ => return Err(bad()),
        };
        let url_issue = match rest {
            [] => None,
            ["issues" | "pull", n, ..] => Some(n.parse::<u64>().map_err(|_| bad())?),
            ["tree" | "blob", ..] => None,
            _ => return Err(bad()),
        };
        if !valid_name(owner) || !valid_name(repo) {
            return Err(bad());
        }
        Ok(Self {
            owner: owner.to_string(),
            repo: repo.to_string(),
            issue: hash_issue.or(url_issue),
        })
    }

    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Target> {
        Target::parse(s, &Endpoint::github_com())
    }

    #[test]
    fn forms_that_name_a_repository_or_issue() {
        let t = |o: &str, r: &str, i: Option<u64>| Target {
            owner: o.into(),
            repo: r.into(),
            issue: i,
        };
        assert_eq!(
            parse("rust-lang/cargo").unwrap(),
            t("rust-lang", "cargo", None)
        );
        assert_eq!(
            parse("rust-lang/cargo#123").unwrap(),
            t("rust-lang", "cargo", Some(123))
        );
        assert_eq!(
            parse("https://github.com/rust-lang/cargo").unwrap(),
            t("rust-lang", "cargo", None)
        );
        assert_eq!(
            parse("https://github.com/rust-lang/cargo.git").unwrap(),
            t("rust-lang", "cargo", None)
        );
        assert_eq!(
            parse("https://github.com/rust-lang/cargo/issues/77").unwrap(),
            t("rust-lang", "cargo", Some(77))
        );
        assert_eq!(
            parse("https://github.com/o/r/issues/77#issuecomment-1")
                .unwrap()
                .issue,
            Some(77)
        );
        assert_eq!(parse("git@github.com:o/r.git").unwrap(), t("o", "r", None));
        let sandbox = Endpoint::from_api_url("http://127.0.0.1:8080/api/v3").unwrap();
        assert_eq!(
            Target::parse("http://127.0.0.1:8080/practice/hello/issues/3", &sandbox)
                .unwrap()
                .issue,
            Some(3)
        );
    }

    #[test]
    fn bad_targets_are_usage_errors() {
        for bad in [
            "cargo",
            "a/b/c",
            "a/b#x",
            "https://github.com/o",
            "o/../x",
            "o/r/issues/x",
            "",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().kind,
                crate::error::Kind::Usage,
                "{bad}"
            );
        }
        let other = parse("https://gitlab.com/o/r").unwrap_err();
        assert!(
            other.hints[0].contains("--host gitlab.com"),
            "{:?}",
            other.hints
        );
    }
}
