//! Commit messages: sign-off trailers, the project's convention, subject checks. Pure.

use crate::rules::Convention;
use crate::t;

/// Is this line a git trailer (`Key: value`, the key one word with dashes)?
fn is_trailer(line: &str) -> bool {
    let Some((key, value)) = line.split_once(": ") else {
        return false;
    };
    !key.is_empty()
        && !value.trim().is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

pub fn signoff_line(name: &str, email: &str) -> String {
    // i18n: not for people (git's trailer, the same in every language)
    format!("Signed-off-by: {name} <{email}>")
}

pub fn has_signoff(message: &str, name: &str, email: &str) -> bool {
    let line = signoff_line(name, email);
    message.lines().any(|l| l.trim_end() == line)
}

/// Adds `Signed-off-by: Name <email>` once, in the trailer block with any other trailers
/// (`Co-authored-by`, …), which are kept as they are.
pub fn add_signoff(message: &str, name: &str, email: &str) -> String {
    if has_signoff(message, name, email) {
        return message.to_string();
    }
    let line = signoff_line(name, email);
    let body = message.trim_end();
    let last_para = body.rsplit("\n\n").next().unwrap_or(body);
    // Like git: the last paragraph is a trailer block only if it holds a trailer git knows.
    const KNOWN: [&str; 12] = [
        "signed-off-by",
        "co-authored-by",
        "reviewed-by",
        "acked-by",
        "tested-by",
        "reported-by",
        "suggested-by",
        "helped-by",
        "change-id",
        "fixes",
        "closes",
        "refs",
    ];
    let known = last_para.lines().any(|l| {
        l.split_once(':')
            .is_some_and(|(k, _)| KNOWN.contains(&k.to_lowercase().as_str()))
    });
    let has_block = body.contains("\n\n") && known && last_para.lines().all(is_trailer);
    if has_block {
        format!("{body}\n{line}\n")
    } else {
        format!("{body}\n\n{line}\n")
    }
}

/// A subject's problems, in plain words (empty when fine).
pub fn subject_problems(subject: &str) -> Vec<String> {
    let mut out = Vec::new();
    let s = subject.trim();
    if s.is_empty() {
        out.push(t!("message.subject_empty").to_string());
        return out;
    }
    let n = s.chars().count();
    if n > 72 {
        out.push(t!("message.subject_characters_keep_72", n = n).to_string());
    }
    if s.ends_with('.') {
        out.push(t!("message.subject_ends_period_leave").to_string());
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    // After a `type(scope):` prefix comes the verb.
    let verb = if s.contains(": ") {
        s.split_once(": ")
            .map(|(_, r)| r)
            .unwrap_or(s)
            .split_whitespace()
            .next()
    } else {
        words.first().copied()
    };
    if let Some(v) = verb {
        let lower = v.to_lowercase();
        if lower.len() > 4
            && (lower.ends_with("ed") || lower.ends_with("ing"))
            && !["need", "embed", "feed", "seed", "speed", "bring", "string"]
                .contains(&lower.as_str())
        {
            out.push(t!("message.write_command_fix_not", v = v).to_string());
        }
    }
    out
}

/// Does the subject follow the convention?
pub fn follows(convention: Convention, subject: &str) -> bool {
    match convention {
        Convention::Conventional => {
            let Some((head, rest)) = subject.split_once(':') else {
                return false;
            };
            let kind = head.split('(').next().unwrap_or("").trim_end_matches('!');
            !kind.is_empty()
                && kind.chars().all(|c| c.is_ascii_lowercase())
                && rest.starts_with(' ')
        }
        Convention::ComponentPrefix => subject
            .split_once(": ")
            .is_some_and(|(h, _)| !h.is_empty() && !h.contains(' ')),
        Convention::IssueIdPrefix => subject.starts_with("[#"),
        Convention::StyleGuidance | Convention::None => true,
    }
}

/// Shapes a subject to the convention: `type(scope): subject`, `scope: subject`,
/// `[#N] subject`. A subject that already follows it is left alone.
pub fn shape(
    convention: Convention,
    subject: &str,
    kind: Option<&str>,
    scope: Option<&str>,
    issue: Option<u64>,
) -> String {
    let subject = subject.trim().trim_end_matches('.').to_string();
    if follows(convention, &subject)
        && !matches!(convention, Convention::StyleGuidance | Convention::None)
    {
        return subject;
    }
    match convention {
        Convention::Conventional => {
            let kind = kind.unwrap_or("feat");
            match scope {
                Some(s) => format!("{kind}({s}): {subject}"),
                None => format!("{kind}: {subject}"),
            }
        }
        Convention::ComponentPrefix => match scope {
            Some(s) => format!("{s}: {subject}"),
            None => subject,
        },
        Convention::IssueIdPrefix => match issue {
            Some(n) => format!("[#{n}] {subject}"),
            None => subject,
        },
        _ => subject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signoff_added_once_and_other_trailers_kept() {
        let m = add_signoff("fix: typo", "Ada", "ada@x");
        assert_eq!(m, "fix: typo\n\nSigned-off-by: Ada <ada@x>\n");
        assert_eq!(add_signoff(&m, "Ada", "ada@x"), m, "never twice");
        let co = "fix: typo\n\nBody text.\n\nCo-authored-by: Bob <bob@x>\n";
        assert_eq!(
            add_signoff(co, "Ada", "ada@x"),
            "fix: typo\n\nBody text.\n\nCo-authored-by: Bob <bob@x>\nSigned-off-by: Ada <ada@x>\n"
        );
        // A body paragraph that merely contains a colon is not a trailer block.
        let body = "fix: typo\n\nNote: this is prose, not a trailer at all";
        assert!(
            add_signoff(body, "Ada", "ada@x").ends_with("at all\n\nSigned-off-by: Ada <ada@x>\n")
        );
    }

    #[test]
    fn subjects() {
        assert!(subject_problems("fix: handle empty names").is_empty());
        assert_eq!(subject_problems("Fixed the bug.").len(), 2);
        assert!(subject_problems(&"x".repeat(73))[0].contains("73 characters"));
        assert!(subject_problems("").len() == 1);
    }

    #[test]
    fn shaping() {
        assert_eq!(
            shape(
                Convention::Conventional,
                "handle empty names.",
                Some("fix"),
                Some("greet"),
                None
            ),
            "fix(greet): handle empty names"
        );
        assert_eq!(
            shape(
                Convention::Conventional,
                "docs: readme",
                Some("fix"),
                None,
                None
            ),
            "docs: readme"
        );
        assert_eq!(
            shape(
                Convention::ComponentPrefix,
                "speed up",
                None,
                Some("raft"),
                None
            ),
            "raft: speed up"
        );
        assert_eq!(
            shape(
                Convention::IssueIdPrefix,
                "Cool feature",
                None,
                None,
                Some(12)
            ),
            "[#12] Cool feature"
        );
        assert_eq!(
            shape(Convention::None, "Fix the typo", Some("fix"), None, None),
            "Fix the typo"
        );
        assert!(follows(Convention::Conventional, "feat!: drop py2"));
        assert!(
            !follows(Convention::Conventional, "Fix: x")
                && !follows(Convention::Conventional, "fix typo")
        );
    }
}
