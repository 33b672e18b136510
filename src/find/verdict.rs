//! Free or taken, and in what order to show issues. Pure; no I/O.

use super::claims::{self, Comment};
use super::labels::Tier;
use crate::t;
use chrono::{DateTime, Utc};

/// What GitHub told us about one issue, in our terms.
#[derive(Debug, Clone)]
pub struct Facts {
    pub assignees: Vec<String>,
    /// Open pull requests that mention the issue: (number, author).
    pub open_prs: Vec<(u64, String)>,
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    pub free: bool,
    /// In plain words: why it is free, or who has it.
    pub reason: String,
}

fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (now - t).num_days();
    match days {
        0 => t!("find.today").into(),
        1 => t!("find.yesterday").into(),
        d => t!("find.days_ago", d = d).to_string(),
    }
}

fn quote(text: &str) -> String {
    let line = crate::text::one_line(text);
    let short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        format!("{short}…")
    } else {
        short
    }
}

pub fn verdict(f: &Facts, now: DateTime<Utc>) -> Verdict {
    if let Some(a) = f.assignees.first() {
        return Verdict {
            free: false,
            reason: t!("find.assigned", a = a).to_string(),
        };
    }
    if let Some((n, by)) = f.open_prs.first() {
        return Verdict {
            free: false,
            reason: t!("find.pull_request_open", n = n, by = by).to_string(),
        };
    }
    if let Some(c) = claims::holder(&f.comments, now) {
        return Verdict {
            free: false,
            reason: t!(
                "find.claimed",
                author = c.author,
                now = ago(c.created_at, now),
                body = quote(&c.body)
            )
            .to_string(),
        };
    }
    let claimed_before = f.comments.iter().any(|c| claims::is_claim(&c.body));
    let reason = if claimed_before {
        t!("find.free_earlier_claim_was").to_string()
    } else {
        t!("find.free_nobody_assigned_no").to_string()
    };
    Verdict { free: true, reason }
}

/// Ranking: free first, then beginner labels before "help wanted", then a score that
/// prefers fresh issues with few comments and a description.
pub fn rank_key(
    free: bool,
    tier: Tier,
    updated_at: DateTime<Utc>,
    comments: u64,
    has_body: bool,
    now: DateTime<Utc>,
) -> (bool, Tier, i64) {
    let age_days = (now - updated_at).num_days().max(0);
    let score = age_days + 3 * comments as i64 + if has_body { 0 } else { 14 };
    (!free, tier, score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn facts() -> Facts {
        Facts {
            assignees: vec![],
            open_prs: vec![],
            comments: vec![],
        }
    }

    fn comment(author: &str, assoc: &str, body: &str, days: i64) -> Comment {
        // Whole days before a fixed "now", so "yesterday" is exactly one day.
        Comment {
            author: author.into(),
            association: assoc.into(),
            body: body.into(),
            created_at: now() - Duration::days(days),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn each_taken_reason() {
        let now = now();
        assert!(verdict(&facts(), now).free);
        let v = verdict(
            &Facts {
                assignees: vec!["alex".into()],
                ..facts()
            },
            now,
        );
        assert_eq!(
            v,
            Verdict {
                free: false,
                reason: "assigned to @alex".into()
            }
        );
        let v = verdict(
            &Facts {
                open_prs: vec![(11, "alex".into())],
                ..facts()
            },
            now,
        );
        assert_eq!(v.reason, "pull request #11 by @alex is open");
        let v = verdict(
            &Facts {
                comments: vec![comment(
                    "alex",
                    "NONE",
                    "Hi! I'd like to work on this one",
                    1,
                )],
                ..facts()
            },
            now,
        );
        assert!(!v.free);
        assert_eq!(
            v.reason,
            "@alex claimed it yesterday: \"Hi! I'd like to work on this one\""
        );
        let released = Facts {
            comments: vec![
                comment("alex", "NONE", "Can I take this?", 35),
                comment("mona", "MEMBER", "Unassigning: free for anyone.", 20),
            ],
            ..facts()
        };
        let v = verdict(&released, now);
        assert!(v.free);
        assert!(v.reason.contains("given up or has lapsed"), "{}", v.reason);
    }

    #[test]
    fn ranking_prefers_free_beginner_fresh_quiet_described() {
        let now = Utc::now();
        let fresh = rank_key(true, Tier::Beginner, now - Duration::days(1), 0, true, now);
        let old = rank_key(true, Tier::Beginner, now - Duration::days(30), 0, true, now);
        let chatty = rank_key(true, Tier::Beginner, now - Duration::days(1), 10, true, now);
        let bare = rank_key(true, Tier::Beginner, now - Duration::days(1), 0, false, now);
        let help = rank_key(true, Tier::HelpWanted, now, 0, true, now);
        let taken = rank_key(false, Tier::Beginner, now, 0, true, now);
        let mut all = [taken, help, bare, chatty, old, fresh];
        all.sort();
        // A quiet month-old issue beats a day-old one with ten comments (often claims).
        assert_eq!(all, [fresh, bare, old, chatty, help, taken]);
    }
}
