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
