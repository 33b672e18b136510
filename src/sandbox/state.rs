//! The sandbox's state: users, tokens, repositories, issues, pull requests. Kept as one JSON
//! file under the sandbox directory and written after every change, so it survives a
//! restart with the same directory.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub next_id: u64,
    /// Users and organisations, by lower-case login.
    pub users: BTreeMap<String, Account>,
    /// Token → who it is and what it may do.
    pub tokens: BTreeMap<String, TokenInfo>,
    /// Repositories, by lower-case `owner/name`.
    pub repos: BTreeMap<String, Repo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: u64,
    pub login: String,
    #[serde(default)]
    pub name: Option<String>,
    /// "User" or "Organization".
    pub kind: String,
    /// Organisation members (logins).
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenInfo {
    pub login: String,
    /// `None`: a fine-grained token (no `X-OAuth-Scopes` header).
    pub scopes: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub default_branch: String,
    /// Key of the repository this is a fork of.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default = "yes")]
    pub allow_forking: bool,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub pushed_at: DateTime<Utc>,
    /// Forks: when their git repository appears (GitHub makes forks asynchronously).
    #[serde(default)]
    pub git_ready_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Issues and pull requests share one numbering, as on GitHub.
    #[serde(default)]
    pub issues: Vec<Issue>,
    #[serde(default)]
    pub comments: Vec<Comment>,
    #[serde(default)]
    pub check_runs: Vec<CheckRun>,
    #[serde(default)]
    pub statuses: Vec<CommitStatus>,
}

fn yes() -> bool {
    true
}

impl Repo {
    /// A repository with nothing in it yet: no issues, labels or checks; forking allowed.
    pub fn new(id: u64, owner: &str, name: &str, default_branch: &str, now: DateTime<Utc>) -> Self {
        Self {
            id,
            owner: owner.to_string(),
            name: name.to_string(),
            description: None,
            default_branch: default_branch.to_string(),
            parent: None,
            archived: false,
            allow_forking: true,
            language: None,
            topics: vec![],
            created_at: now,
            updated_at: now,
            pushed_at: now,
            git_ready_at: None,
            labels: vec![],
            issues: vec![],
            comments: vec![],
            check_runs: vec![],
            statuses: vec![],
        }
    }

    pub fn key(&self) -> String {
        key(&self.owner, &self.name)
    }
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
    pub fn next_number(&self) -> u64 {
        self.issues.iter().map(|i| i.number).max().unwrap_or(0) + 1
    }
    pub fn issue(&self, number: u64) -> Option<&Issue> {
        self.issues.iter().find(|i| i.number == number)
    }
    pub fn issue_mut(&mut self, number: u64) -> Option<&mut Issue> {
        self.issues.iter_mut().find(|i| i.number == number)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Label {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub color: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Issue {
    pub id: u64,
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub user: String,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
    /// "open" or "closed".
    pub state: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Set when this is a pull request.
    #[serde(default)]
    pub pull: Option<Pull>,
}

impl Issue {
    /// An open issue with no labels, assignees or body; a pull request once `pull` is set.
    pub fn new(
        id: u64,
        number: u64,
        title: impl Into<String>,
        user: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            number,
            title: title.into(),
            body: None,
            user: user.into(),
            labels: vec![],
            assignees: vec![],
            state: "open".into(),
            state_reason: None,
            created_at: now,
            updated_at: now,
            closed_at: None,
            pull: None,
        }
    }
}

/// The strings of a JSON array (other items skipped); empty when it is not an array.
pub fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pull {
    /// Key of the repository the head branch lives in.
    pub head_repo: String,
    pub head_ref: String,
    pub head_sha: String,
    pub base_ref: String,
    pub base_sha: String,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub merged_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub merged_by: Option<String>,
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    #[serde(default = "yes")]
    pub maintainer_can_modify: bool,
    #[serde(default)]
    pub reviews: Vec<Review>,
    #[serde(default)]
    pub review_comments: Vec<ReviewComment>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    pub id: u64,
    pub user: String,
    pub body: String,
    /// APPROVED, CHANGES_REQUESTED, COMMENTED.
    pub state: String,
    pub commit_id: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewComment {
    pub id: u64,
    pub user: String,
    pub body: String,
    pub path: String,
    #[serde(default)]
    pub line: Option<u64>,
    pub commit_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comment {
    pub id: u64,
    pub issue: u64,
    pub user: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckRun {
    pub id: u64,
    pub head_sha: String,
    pub name: String,
    /// queued, in_progress, completed, waiting, requested, pending.
    pub status: String,
    /// success, failure, neutral, cancelled, skipped, timed_out, action_required.
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub details_url: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitStatus {
    pub id: u64,
    pub sha: String,
    pub context: String,
    /// error, failure, pending, success.
    pub state: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn key(owner: &str, name: &str) -> String {
    format!(
        "{}/{}",
        owner.to_ascii_lowercase(),
        name.to_ascii_lowercase()
    )
}

impl State {
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn account(&self, login: &str) -> Option<&Account> {
        self.users.get(&login.to_ascii_lowercase())
    }

    pub fn repo(&self, owner: &str, name: &str) -> Option<&Repo> {
        self.repos.get(&key(owner, name))
    }

    pub fn repo_mut(&mut self, owner: &str, name: &str) -> Option<&mut Repo> {
        self.repos.get_mut(&key(owner, name))
    }

    /// May `login` push to (and administer) repositories owned by `owner`?
    pub fn can_write(&self, login: &str, owner: &str) -> bool {
        if login.eq_ignore_ascii_case(owner) {
            return true;
        }
        self.account(owner).is_some_and(|a| {
            a.kind == "Organization" && a.members.iter().any(|m| m.eq_ignore_ascii_case(login))
        })
    }

    pub fn add_account(&mut self, login: &str, kind: &str, name: Option<String>) -> u64 {
        if let Some(a) = self.account(login) {
            return a.id;
        }
        let id = self.new_id();
        self.users.insert(
            login.to_ascii_lowercase(),
            Account {
                id,
                login: login.to_string(),
                name,
                kind: kind.to_string(),
                members: Vec::new(),
                emails: vec![format!("{login}@users.noreply.sandbox")],
                created_at: Utc::now(),
            },
        );
        id
    }

    pub fn load(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Atomic: a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

/// Where a repository's bare git directory lives.
pub fn git_dir(root: &Path, owner: &str, name: &str) -> PathBuf {
    root.join("git")
        .join(owner.to_ascii_lowercase())
        .join(format!("{}.git", name.to_ascii_lowercase()))
}
