//! What a pull request's checks mean, in plain words, and what to do next. Pure.

use crate::t;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Failed,
    /// CI that waits for a maintainer to approve running it (first-time contributors).
    WaitingForMaintainer,
    Running,
    Passed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub group: Group,
    /// For failed and waiting checks: what it means and the next step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A check run (`status`, `conclusion`) into its group.
pub fn group_of_run(status: &str, conclusion: Option<&str>) -> Group {
    match (status, conclusion) {
        (_, Some("action_required")) => Group::WaitingForMaintainer,
        ("waiting" | "requested" | "pending", _) => Group::WaitingForMaintainer,
        ("completed", Some("success" | "neutral" | "skipped")) => Group::Passed,
        ("completed", _) => Group::Failed,
        _ => Group::Running,
    }
}

/// A commit status (`success`, `failure`, `error`, `pending`) into its group.
pub fn group_of_status(state: &str) -> Group {
    match state {
        "success" => Group::Passed,
        "failure" | "error" => Group::Failed,
        _ => Group::Running,
    }
}

/// One line that says what a failing or waiting check means, and what to do.
pub fn explain(name: &str, group: Group, url: Option<&str>) -> Option<String> {
    let n = name.to_lowercase();
    match group {
        Group::Passed | Group::Running => None,
        Group::WaitingForMaintainer => Some(t!("checks.ci_waits_maintainer_approve").into()),
        Group::Failed if n.contains("dco") || n.contains("sign") => {
            Some(t!("checks.commit_lacks_signed_off").into())
        }
        Group::Failed if n.contains("cla") || n.contains("license/cla") => Some(match url {
            Some(u) => t!("checks.cla_at_link", u = u).to_string(),
            None => t!("checks.cla_follow_bot_link").into(),
        }),
        Group::Failed => Some(match url {
            Some(u) => t!("checks.failed_read_why_fix", u = u).to_string(),
            None => t!("checks.failed_read_why_pull").into(),
        }),
    }
}

/// Settled: nothing is running any more (waiting for a maintainer counts as settled: it
/// may take days, and nothing the contributor does changes it).
pub fn settled(checks: &[Check]) -> bool {
    !checks.iter().any(|c| c.group == Group::Running)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_explanations() {
        assert_eq!(
            group_of_run("completed", Some("action_required")),
            Group::WaitingForMaintainer
        );
        assert_eq!(group_of_run("completed", Some("success")), Group::Passed);
        assert_eq!(group_of_run("completed", Some("failure")), Group::Failed);
        assert_eq!(group_of_run("completed", Some("timed_out")), Group::Failed);
        assert_eq!(group_of_run("in_progress", None), Group::Running);
        assert_eq!(group_of_run("queued", None), Group::Running);
        assert_eq!(group_of_status("error"), Group::Failed);
        assert_eq!(group_of_status("pending"), Group::Running);
        assert!(
            explain("DCO", Group::Failed, None)
                .unwrap()
                .contains("--fix-signoff")
        );
        assert!(
            explain(
                "license/cla",
                Group::Failed,
                Some("https://cla.example/sign")
            )
            .unwrap()
            .contains("https://cla.example/sign")
        );
        assert!(
            explain("tests", Group::WaitingForMaintainer, None)
                .unwrap()
                .contains("approve")
        );
        assert_eq!(explain("tests", Group::Passed, None), None);
        let c = |g| Check {
            name: "x".into(),
            group: g,
            explanation: None,
            url: None,
        };
        assert!(settled(&[c(Group::Passed), c(Group::WaitingForMaintainer)]));
        assert!(!settled(&[c(Group::Running)]));
    }
}
