//! A project's contribution rules, read from its own files and history: DCO sign-off, CLA,
//! commit convention, branch naming, how to claim an issue. Pure; no I/O: callers pass the
//! files and the recent commit messages. Every finding carries its evidence.

use crate::t;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Convention {
    /// `type(scope): subject`
    Conventional,
    /// `package: what changed`
    ComponentPrefix,
    /// `[#123] …`
    IssueIdPrefix,
    /// Prose advice on commit messages, no format.
    StyleGuidance,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Claim {
    /// A comment on the issue.
    Comment,
    /// A bot command such as `/assign` or `.take`.
    BotCommand,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding<T> {
    pub value: T,
    /// "CONTRIBUTING.md:42: …", or "18 of the last 20 commits"; empty when nothing was found.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rules {
    pub dco: Finding<bool>,
    pub cla: Finding<bool>,
    pub convention: Finding<Convention>,
    /// The documented branch-name rule, as written.
    pub branch_rule: Finding<Option<String>>,
    pub claim: Finding<Claim>,
}

/// A file of the project: path and text.
pub struct File<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

fn hits(files: &[File], pred: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        for (i, line) in f.text.lines().enumerate() {
            let lower = line.to_lowercase();
            if pred(line, &lower) {
                let shown: String = line.trim().chars().take(100).collect();
                out.push(format!("{}:{}: {shown}", f.path, i + 1));
            }
        }
    }
    out
}

fn is_guide(path: &str) -> bool {
    let lower = path.to_lowercase();
    lower
        .rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with("contributing"))
}

fn is_conventional_subject(s: &str) -> bool {
    const TYPES: [&str; 11] = [
        "feat", "fix", "docs", "doc", "test", "refactor", "chore", "perf", "build", "ci", "style",
    ];
    let Some((head, rest)) = s.split_once(':') else {
        return false;
    };
    let kind = head.split('(').next().unwrap_or("").trim_end_matches('!');
    TYPES.contains(&kind) && rest.starts_with(' ')
}

fn is_component_subject(s: &str) -> bool {
    let Some((head, rest)) = s.split_once(": ") else {
        return false;
    };
    !head.is_empty()
        && !rest.is_empty()
        && head.len() <= 40
        && !is_conventional_subject(s)
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./,* ".contains(c))
        && !head.contains("  ")
}

/// Detects the rules from the project's files (CONTRIBUTING guides, the PR template,
/// `.github/dco.yml`, a `DCO` file) and its recent commit messages (newest first).
pub fn detect(files: &[File], recent_commits: &[&str]) -> Rules {
    let guides: Vec<File> = files
        .iter()
        .filter(|f| is_guide(f.path))
        .map(|f| File {
            path: f.path,
            text: f.text,
        })
        .collect();
    let n = recent_commits.len();
    let share = |pred: &dyn Fn(&str) -> bool| recent_commits.iter().filter(|m| pred(m)).count();

    // DCO: the guide asks for sign-off, or the project has DCO config, or history shows it.
    let mut dco_evidence = hits(files, |_, l| {
        l.contains("signed-off-by")
            || l.contains("developer certificate of origin")
            || l.contains("git commit -s")
            || l.contains("--signoff")
            || (l.contains("dco") && (l.contains("sign") || l.contains("check")))
    });
    for f in files {
        let lower = f.path.to_lowercase();
        if lower == ".github/dco.yml" || lower == "dco" || lower == "dco.md" {
            dco_evidence.push(t!("rules.file_exists", path = f.path).to_string());
        }
    }
    let signed = share(&|m: &str| m.lines().any(|l| l.starts_with("Signed-off-by: ")));
    if n >= 5 && signed * 10 >= n * 8 {
        dco_evidence.push(t!("rules.last_commits_are_signed", signed = signed, n = n).to_string());
    }
    let dco = Finding {
        value: !dco_evidence.is_empty(),
        evidence: dco_evidence,
    };

    // CLA: a Contributor License Agreement to sign.
    let cla_evidence = hits(&guides, |line, l| {
        let says_cla = l.contains("contributor license agreement")
            || line
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "CLA" || w == "CLAs");
        let negated = l.contains("no cla")
            || l.contains("not require a cla")
            || l.contains("don't need to sign");
        says_cla && !negated
    });
    let cla = Finding {
        value: !cla_evidence.is_empty(),
        evidence: cla_evidence,
    };

    // Commit convention: what the guide says, then what history shows.
    let conventional = hits(&guides, |_, l| {
        l.contains("conventional commit")
            || l.contains("conventionalcommits")
            || l.contains("commit message convention")
            || l.contains("commit-convention")
    });
    let component = hits(&guides, |line, l| {
        (line.contains("<package>:")
            || line.contains("<component>:")
            || line.contains("<subsystem>:")
            || line.contains("<area>:"))
            || (l.contains("prefix")
                && l.contains("commit")
                && (l.contains("package") || l.contains("component") || l.contains("subsystem")))
    });
    let issue_prefix = hits(&guides, |line, l| {
        (line.contains("[#") && l.contains("commit"))
            || (l.contains("commit message") && l.contains("issue id"))
    });
    let style = hits(&guides, |_, l| {
        l.contains("chris.beams.io")
            || l.contains("how to write a git commit message")
            || l.contains("good commit message")
            || l.contains("commit message guidelines")
    });
    let conv_share = share(&|m: &str| is_conventional_subject(m.lines().next().unwrap_or("")));
    let comp_share = share(&|m: &str| is_component_subject(m.lines().next().unwrap_or("")));
    let convention = if !conventional.is_empty() {
        Finding {
            value: Convention::Conventional,
            evidence: conventional,
        }
    } else if !issue_prefix.is_empty() {
        Finding {
            value: Convention::IssueIdPrefix,
            evidence: issue_prefix,
        }
    } else if !component.is_empty() {
        Finding {
            value: Convention::ComponentPrefix,
            evidence: component,
        }
    } else if n >= 5 && conv_share * 10 >= n * 6 {
        Finding {
            value: Convention::Conventional,
            evidence: vec![t!("rules.history_conventional", k = conv_share, n = n).to_string()],
        }
    } else if n >= 5 && comp_share * 10 >= n * 6 {
        Finding {
            value: Convention::ComponentPrefix,
            evidence: vec![t!("rules.history_component", k = comp_share, n = n).to_string()],
        }
    } else if !style.is_empty() {
        Finding {
            value: Convention::StyleGuidance,
            evidence: style,
        }
    } else {
        Finding {
            value: Convention::None,
            evidence: vec![],
        }
    };

    // Branch naming: a sentence that says how a branch must be named.
    let branch = hits(&guides, |_, l| {
        let about = l.contains("branch name")
            || l.contains("name your branch")
            || l.contains("branch should be named")
            || l.contains("branches must be named");
        about
            && (l.contains("should")
                || l.contains("must")
                || l.contains("start with")
                || l.contains("format"))
    });
    let branch_rule = Finding {
        value: branch.first().map(|e| {
            e.split_once(": ")
                .map(|(_, t)| t.to_string())
                .unwrap_or_default()
        }),
        evidence: branch,
    };

    // Claiming: a bot command, or a comment on the issue.
    let bot = hits(&guides, |line, l| {
        (line.contains("`.take`")
            || line.contains("/assign")
            || line.contains("`/claim`")
            || line.contains("`/take`"))
            && (l.contains("comment") || l.contains("assign"))
    });
    let comment = hits(&guides, |_, l| {
        (l.contains("claim") && l.contains("comment"))
            || l.contains("express interest")
            || (l.contains("comment")
                && (l.contains("taking it")
                    || l.contains("want to work on")
                    || l.contains("working on it")))
            || (l.contains("assign") && l.contains("themselves") && l.contains("comment"))
    });
    let claim = if !bot.is_empty() {
        Finding {
            value: Claim::BotCommand,
            evidence: bot,
        }
    } else if !comment.is_empty() {
        Finding {
            value: Claim::Comment,
            evidence: comment,
        }
    } else {
        Finding {
            value: Claim::None,
            evidence: vec![],
        }
    };

    Rules {
        dco,
        cla,
        convention,
        branch_rule,
        claim,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_alone_reveals_dco_and_conventional_commits() {
        let msgs: Vec<String> = (0..20)
            .map(|i| format!("fix(core): thing {i}\n\nSigned-off-by: A <a@x>"))
            .collect();
        let refs: Vec<&str> = msgs.iter().map(String::as_str).collect();
        let r = detect(&[], &refs);
        assert!(r.dco.value);
        assert_eq!(r.dco.evidence, ["20 of the last 20 commits are signed off"]);
        assert_eq!(r.convention.value, Convention::Conventional);
        let comp: Vec<&str> = vec![
            "server: fix leak",
            "raft: speed up",
            "client/v3: add option",
            "docs: typo",
            "etcdctl: flag",
        ];
        assert_eq!(
            detect(&[], &comp).convention.value,
            Convention::ComponentPrefix
        );
        assert!(
            !detect(
                &[],
                &[
                    "Fix a bug",
                    "Add a thing",
                    "Merge pull request #1",
                    "Update README",
                    "Bump deps"
                ]
            )
            .dco
            .value
        );
    }

    #[test]
    fn the_practice_project() {
        let guide = include_str!("sandbox/seed/hello-contrib/CONTRIBUTING.md");
        let r = detect(
            &[File {
                path: "CONTRIBUTING.md",
                text: guide,
            }],
            &[],
        );
        assert!(r.dco.value);
        assert!(
            r.dco.evidence[0].starts_with("CONTRIBUTING.md:"),
            "{:?}",
            r.dco.evidence
        );
        assert_eq!(r.convention.value, Convention::Conventional);
        assert!(!r.cla.value);
    }
}
