//! Our own shapes for what GitHub returns (only the fields contrib uses).

use chrono::{DateTime, TimeZone, Utc};
use http::HeaderMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct User {
    pub login: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Whoami {
    pub user: User,
    pub scopes: crate::auth::Scopes,
    pub rate: Option<RateInfo>,
}

/// One rate-limit bucket.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: u64,
    pub remaining: u64,
    /// Unix seconds.
    pub reset: i64,
}

impl RateInfo {
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<i64>().ok();
        Some(Self {
            limit: num("x-ratelimit-limit")?.max(0) as u64,
            remaining: num("x-ratelimit-remaining")?.max(0) as u64,
            reset: num("x-ratelimit-reset")?,
        })
    }

    pub fn reset_at(&self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.reset, 0)
            .single()
            .unwrap_or_else(Utc::now)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RateLimits {
    pub resources: RateResources,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RateResources {
    pub core: RateInfo,
    #[serde(default)]
    pub search: Option<RateInfo>,
}

/// A repository, as far as contrib cares.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Repo {
    pub name: String,
    pub full_name: String,
    pub owner: User,
    #[serde(default)]
    pub default_branch: String,
    #[serde(default)]
    pub fork: bool,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub disabled: bool,
    /// Absent on older Enterprise servers: assume allowed.
    #[serde(default)]
    pub allow_forking: Option<bool>,
    #[serde(default)]
    pub private: bool,
    pub clone_url: String,
    #[serde(default)]
    pub ssh_url: Option<String>,
    pub html_url: String,
    /// Set on forks (single-repository GET only).
    #[serde(default)]
    pub parent: Option<Box<Repo>>,
    #[serde(default)]
    pub source: Option<Box<Repo>>,
}

impl Repo {
    pub fn owner_login(&self) -> &str {
        &self.owner.login
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Label {
    pub name: String,
}

/// An issue (or a pull request seen through the issues API).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    pub html_url: String,
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
    #[serde(default)]
    pub assignees: Vec<User>,
}

impl Issue {
    pub fn label_names(&self) -> Vec<String> {
        self.labels.iter().map(|l| l.name.clone()).collect()
    }
    pub fn is_pull_request(&self) -> bool {
        self.pull_request.is_some()
    }
}

/// An issue as lists and searches return it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IssueItem {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Vec<User>,
    pub comments: u64,
    pub user: User,
    pub html_url: String,
    pub repository_url: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
}

impl IssueItem {
    /// `owner/repo`, from `repository_url`.
    pub fn repo_full_name(&self) -> String {
        let parts: Vec<&str> = self
            .repository_url
            .trim_end_matches('/')
            .rsplitn(3, '/')
            .collect();
        match parts.as_slice() {
            [repo, owner, ..] => format!("{owner}/{repo}"),
            _ => self.repository_url.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SearchPage {
    pub total_count: u64,
    pub incomplete_results: bool,
    pub items: Vec<IssueItem>,
}

/// A comment on an issue.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Comment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    pub user: User,
    #[serde(default)]
    pub author_association: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub html_url: String,
}

/// The timeline events contrib reads: comments and cross-references from pull requests.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TimelineEvent {
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub actor: Option<User>,
    #[serde(default)]
    pub author_association: Option<String>,
    #[serde(default)]
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub source: Option<TimelineSource>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TimelineSource {
    #[serde(default)]
    pub issue: Option<IssueItem>,
}

/// A pull request, as far as contrib cares.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Pull {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    pub html_url: String,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub merged_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PullRef {
    pub sha: String,
    #[serde(rename = "ref")]
    pub name: String,
}

/// One pull request in detail.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PullDetail {
    pub number: u64,
    pub title: String,
    pub state: String,
    pub html_url: String,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub merged: Option<bool>,
    #[serde(default)]
    pub merged_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub mergeable: Option<bool>,
    #[serde(default)]
    pub mergeable_state: Option<String>,
    pub head: PullRef,
    pub base: PullRef,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Review {
    pub user: Option<User>,
    pub state: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ReviewComment {
    pub user: Option<User>,
    pub body: String,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CheckOutput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CheckRun {
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub details_url: Option<String>,
    #[serde(default)]
    pub output: Option<CheckOutput>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CheckRuns {
    pub check_runs: Vec<CheckRun>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CommitStatus {
    pub context: String,
    pub state: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CombinedStatus {
    pub state: String,
    pub statuses: Vec<CommitStatus>,
}
