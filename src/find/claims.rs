//! Has somebody said they are working on an issue, and has a maintainer given it back?
//! A small matcher over comment text. Pure; no I/O.

use chrono::{DateTime, Duration, Utc};

/// A comment, as far as the matcher cares.
#[derive(Debug, Clone)]
pub struct Comment {
    pub author: String,
    /// GitHub's `author_association`: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE…
    pub association: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A claim older than this, with nothing after it, no longer holds.
pub const CLAIM_LIFETIME_DAYS: i64 = 30;

fn normalise(text: &str) -> String {
    text.to_lowercase().replace(['’', '‘'], "'")
}

/// "I'd like to work on this", "can I take this", "/assign", "working on it", "我来", "认领"…
pub fn is_claim(text: &str) -> bool {
    let mut t = normalise(text);
    // Questions about somebody else ("is anyone working on this?", "are you still working
    // on it?") are not claims.
    for question in [
        "is anyone working on",
        "anyone working on",
        "is someone working on",
        "is anybody working on",
        "still working on",
        "anyone else working on",
    ] {
        t = t.replace(question, " ");
    }
    if t.lines().any(|l| {
        let l = l.trim();
        l == "/assign" || l.starts_with("/assign ") || l == "/claim" || l == "/take" || l == ".take"
    }) {
        return true;
    }
    const EN: [&str; 22] = [
        "i'd like to work on",
        "i would like to work on",
        "i'd love to work on",
        "i want to work on",
        "i'm working on",
        "i am working on",
        "working on it",
        "working on this",
        "can i take",
        "could i take",
        "can i work on",
        "could i work on",
        "may i work on",
        "may i take",
        "i'll take",
        "i will take",
        "i'll work on",
        "i will work on",
        "assign me",
        "assign this to me",
        "assign it to me",
        "i'll give it a try",
    ];
    const ZH: [&str; 8] = [
        "我来",
        "认领",
        "我想做",
        "我可以做",
        "我想尝试",
        "我来做",
        "请分配给我",
        "交给我",
    ];
    EN.iter().any(|p| t.contains(p)) || ZH.iter().any(|p| text.contains(p))
}

/// A maintainer handing the issue back ("unassigning", "free for anyone", "up for grabs").
pub fn is_release(text: &str) -> bool {
    let t = normalise(text);
    const EN: [&str; 11] = [
        "unassign",
        "free for anyone",
        "free for someone",
        "up for grabs",
        "anyone can pick",
        "feel free to pick",
        "feel free to take",
        "is available again",
        "available for anyone",
        "open for anyone",
        "releasing this",
    ];
    const ZH: [&str; 3] = ["取消分配", "重新开放认领", "其他人可以"];
    EN.iter().any(|p| t.contains(p)) || ZH.iter().any(|p| text.contains(p))
}

/// The claimant giving it up themselves.
fn is_withdrawal(text: &str) -> bool {
    let t = normalise(text);
    [
        "no longer working on",
        "not working on this anymore",
        "can't work on this",
        "cannot work on this",
        "won't be able to",
        "unassign me",
        "放弃",
    ]
    .iter()
    .any(|p| t.contains(p) || text.contains(p))
}

fn is_maintainer(association: &str) -> bool {
    matches!(association, "OWNER" | "MEMBER" | "COLLABORATOR")
}

/// Who holds the issue by comment, if anyone: the last claim that is recent and that no
/// maintainer (or the claimant) released afterwards.
pub fn holder(comments: &[Comment], now: DateTime<Utc>) -> Option<&Comment> {
    let mut current: Option<&Comment> = None;
    for c in comments {
        if let Some(claim) = current {
            let released = (is_maintainer(&c.association) && is_release(&c.body))
                || (c.author.eq_ignore_ascii_case(&claim.author) && is_withdrawal(&c.body));
            if released {
                current = None;
                continue;
            }
        }
        if !is_maintainer(&c.association) && is_claim(&c.body) {
            current = Some(c);
        }
    }
    current.filter(|c| now - c.created_at <= Duration::days(CLAIM_LIFETIME_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(author: &str, assoc: &str, body: &str, days_ago: i64) -> Comment {
        Comment {
            author: author.into(),
            association: assoc.into(),
            body: body.into(),
            created_at: Utc::now() - Duration::days(days_ago),
        }
    }

    #[test]
    fn claims_in_english_and_chinese() {
        for text in [
            "Hi! I'd like to work on this one, could you assign it to me?",
            "Can I take this?",
            "I’m working on it",
            "/assign",
            "/assign @me",
            "Could I work on this issue?",
            "我来！",
            "我想认领这个问题",
            "请分配给我",
        ] {
            assert!(is_claim(text), "{text}");
        }
        for text in [
            "This is still broken on 1.2",
            "Thanks for the report!",
            "Is anyone working on this?",
            "LGTM",
            "同样的问题",
        ] {
            assert!(!is_claim(text), "{text}");
        }
    }

    #[test]
    fn a_maintainer_release_frees_the_issue() {
        let comments = [
            c("alex", "NONE", "Can I take this?", 35),
            c(
                "mona",
                "MEMBER",
                "@alex no news for a while, so I'm unassigning this: it is free for anyone.",
                20,
            ),
        ];
        assert!(holder(&comments, Utc::now()).is_none());
        // A release by someone who is not a maintainer does not count.
        let comments = [
            c("alex", "NONE", "I'd like to work on this", 3),
            c("bob", "NONE", "free for anyone, I guess?", 2),
        ];
        assert_eq!(holder(&comments, Utc::now()).unwrap().author, "alex");
    }

    #[test]
    fn the_claimant_can_withdraw_and_old_claims_lapse() {
        let comments = [
            c("alex", "NONE", "我来", 5),
            c("alex", "NONE", "Sorry, I can't work on this after all", 1),
        ];
        assert!(holder(&comments, Utc::now()).is_none());
        assert!(holder(&[c("alex", "NONE", "I'm working on it", 90)], Utc::now()).is_none());
        assert!(holder(&[c("alex", "NONE", "I'm working on it", 10)], Utc::now()).is_some());
        // A maintainer saying "I'll take a look" is not a claim on a newcomer issue.
        assert!(holder(&[c("mona", "OWNER", "I'll take a look", 1)], Utc::now()).is_none());
    }
}
