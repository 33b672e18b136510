//! The issue-search query language, the part contrib uses. Pure; no I/O.

use super::state::{Issue, Repo, State};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Repo(String),
    Org(String),
    User(String),
    IsIssue(bool),
    Open(bool),
    /// Any of these labels (comma = OR).
    Label(Vec<String>),
    NoAssignee,
    LinkedPr(bool),
    Language(String),
    Topic(String),
    Archived(bool),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<(bool, Term)>,
}

/// Splits on spaces, keeping `"quoted words"` (also after `label:`) together.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl Query {
    pub fn parse(q: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for token in tokens(q) {
            let (negated, token) = match token.strip_prefix('-') {
                Some(rest) if rest.contains(':') => (true, rest.to_string()),
                _ => (false, token),
            };
            let term = match token.split_once(':') {
                Some((k, v)) => {
                    let v = v.to_string();
                    match (
                        k.to_ascii_lowercase().as_str(),
                        v.to_ascii_lowercase().as_str(),
                    ) {
                        ("repo", _) => Term::Repo(v.to_ascii_lowercase()),
                        ("org", _) => Term::Org(v.to_ascii_lowercase()),
                        ("user", _) => Term::User(v.to_ascii_lowercase()),
                        ("is" | "type", "issue") => Term::IsIssue(true),
                        ("is" | "type", "pr" | "pull-request") => Term::IsIssue(false),
                        ("is" | "state", "open") => Term::Open(true),
                        ("is" | "state", "closed") => Term::Open(false),
                        ("label", _) => Term::Label(
                            v.split(',')
                                .map(|l| l.trim().to_lowercase())
                                .filter(|l| !l.is_empty())
                                .collect(),
                        ),
                        ("no", "assignee") => Term::NoAssignee,
                        ("linked", "pr") => Term::LinkedPr(true),
                        ("language", _) => Term::Language(v.to_ascii_lowercase()),
                        ("topic", _) => Term::Topic(v.to_ascii_lowercase()),
                        ("archived", "true") => Term::Archived(true),
                        ("archived", "false") => Term::Archived(false),
                        _ => {
                            return Err(format!(
                                "The qualifier '{k}:{v}' is not supported by this sandbox"
                            ));
                        }
                    }
                }
                None => Term::Text(token.to_lowercase()),
            };
            terms.push((negated, term));
        }
        Ok(Self { terms })
    }

    pub fn matches(&self, s: &State, r: &Repo, i: &Issue) -> bool {
        self.terms
            .iter()
            .all(|(negated, term)| self.term(s, r, i, term) != *negated)
    }

    fn term(&self, s: &State, r: &Repo, i: &Issue, term: &Term) -> bool {
        match term {
            Term::Repo(k) => r.key() == *k,
            Term::Org(o) | Term::User(o) => r.owner.eq_ignore_ascii_case(o),
            Term::IsIssue(want) => i.pull.is_none() == *want,
            Term::Open(want) => (i.state == "open") == *want,
            Term::Label(any) => i.labels.iter().any(|l| any.contains(&l.to_lowercase())),
            Term::NoAssignee => i.assignees.is_empty(),
            Term::LinkedPr(_) => linked_pr(s, r, i),
            Term::Language(l) => r
                .language
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(l)),
            Term::Topic(t) => r.topics.iter().any(|x| x.eq_ignore_ascii_case(t)),
            Term::Archived(a) => r.archived == *a,
            Term::Text(t) => {
                i.title.to_lowercase().contains(t)
                    || i.body.as_deref().unwrap_or("").to_lowercase().contains(t)
            }
        }
    }
}

/// An open pull request that says it closes this issue.
fn linked_pr(s: &State, r: &Repo, i: &Issue) -> bool {
    const WORDS: [&str; 9] = [
        "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
    ];
    s.repos.values().any(|other| {
        other
            .issues
            .iter()
            .filter(|p| p.pull.is_some() && p.state == "open")
            .any(|p| {
                let body = p.body.as_deref().unwrap_or("").to_lowercase();
                let words: Vec<&str> = body.split_whitespace().collect();
                words.windows(2).any(|w| {
                    WORDS.contains(&w[0].trim_end_matches(':'))
                        && super::api::references(w[1], &other.key())
                            .iter()
                            .any(|(k, n)| *k == r.key() && *n == i.number)
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_labels_negation_and_or() {
        let q = Query::parse(r#"is:issue is:open label:"good first issue",E-easy -linked:pr no:assignee repo:Practice/Hello"#).unwrap();
        assert_eq!(q.terms[0], (false, Term::IsIssue(true)));
        assert_eq!(
            q.terms[2],
            (
                false,
                Term::Label(vec!["good first issue".into(), "e-easy".into()])
            )
        );
        assert_eq!(q.terms[3], (true, Term::LinkedPr(true)));
        assert_eq!(q.terms[5], (false, Term::Repo("practice/hello".into())));
        assert!(Query::parse("bogus:thing").is_err());
    }
}
