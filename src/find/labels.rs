//! Which labels mean "good for a newcomer". Projects spell it many ways (`E-easy`,
//! `good-first-issue`, `kind/good-first-issue`, `Difficulty: Easy`, `初学者`…). Pure; no I/O.
//!
//! The starting list is `beginner-labels.tsv` (94 real spellings with the repository that
//! uses each); matching normalises case, separators and prefixes, so spellings not in the
//! list are recognised too.

/// How strongly a label says "newcomers welcome".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Meant for newcomers: good first issue, easy, beginner, mentored…
    Beginner,
    /// Help is wanted, from anyone.
    HelpWanted,
}

/// The known spellings, from the shared list (first column).
pub fn known_spellings() -> Vec<&'static str> {
    let mut out: Vec<&str> = include_str!("beginner-labels.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|l| !l.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Lower case, separators as single spaces, emoji and punctuation dropped, and scope
/// prefixes (`kind/`, `status:`, `difficulty:`, `E-`…) removed.
pub fn normalise(label: &str) -> String {
    // Emoji shortcodes (`:sparkles:`) are decoration.
    let mut lower = String::new();
    for (i, part) in label.to_lowercase().split(':').enumerate() {
        let shortcode = i % 2 == 1
            && !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c));
        if !shortcode || !label.contains(&format!(":{part}:")) {
            lower.push_str(part);
            lower.push(' ');
        }
    }
    let spaced: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    const PREFIXES: [&str; 9] = [
        "kind",
        "type",
        "status",
        "difficulty",
        "level",
        "e",
        "d",
        "label",
        "complexity",
    ];
    while words.len() > 1 && PREFIXES.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

pub fn classify(label: &str) -> Option<Tier> {
    let n = normalise(label);
    if n.is_empty() {
        return None;
    }
    let has = |w: &str| n.split(' ').any(|x| x == w);
    // "not easy", "hard", "medium": not for newcomers.
    if has("not") || has("hard") || has("medium") || has("advanced") || has("expert") {
        return None;
    }
    let cjk = ["初学者", "新手", "入门", "简单", "好的第一个问题"];
    if cjk.iter().any(|w| label.contains(w)) {
        return Some(Tier::Beginner);
    }
    if label.contains("求助") || label.contains("需要帮助") {
        return Some(Tier::HelpWanted);
    }
    let beginner = [
        "good first issue",
        "good first issues",
        "good first bug",
        "good first pr",
        "good first contribution",
        "good first task",
        "first good issue",
        "gfi",
        "easy",
        "easy fix",
        "easy pick",
        "easy task",
        "beginner",
        "beginners",
        "beginner task",
        "beginner friendly",
        "beginner job",
        "first timers only",
        "first timer",
        "first time contributor",
        "first timers",
        "low hanging fruit",
        "low hanging fruits",
        "mentor",
        "mentored",
        "mentoring",
        "up for grabs",
        "welcome contribution",
        "contributions welcome",
        "starter",
        "starter issue",
        "newcomer",
        "newcomers",
        "newbie",
        "adoptme",
        "trivial",
    ];
    if beginner.contains(&n.as_str()) {
        return Some(Tier::Beginner);
    }
    if [
        "help wanted",
        "help needed",
        "pr welcome",
        "prs welcome",
        "contributions wanted",
        "community help wanted",
    ]
    .contains(&n.as_str())
    {
        return Some(Tier::HelpWanted);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_in_the_shared_list_is_recognised_with_its_kind() {
        let mut checked = 0;
        for line in include_str!("beginner-labels.tsv").lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (label, kind) = (cols[0], cols[2]);
            let want = if kind == "help-wanted" {
                Tier::HelpWanted
            } else {
                Tier::Beginner
            };
            assert_eq!(classify(label), Some(want), "{label} ({kind})");
            checked += 1;
        }
        assert_eq!(checked, 94);
    }

    #[test]
    fn other_labels_are_not_beginner_labels() {
        for label in [
            "bug",
            "enhancement",
            "documentation",
            "E-hard",
            "E-medium",
            "difficulty: hard",
            "Difficulty: Medium",
            "not easy",
            "question",
            "wontfix",
            "duplicate",
            "P-high",
            "C-bug",
            "kind/feature",
            "status: blocked",
            "needs-triage",
            "A-easy-install",
            "good",
            "first",
            "",
        ] {
            assert_eq!(classify(label), None, "{label}");
        }
    }

    #[test]
    fn spellings_beyond_the_list() {
        assert_eq!(
            classify("Good First Issue :sparkles:"),
            Some(Tier::Beginner)
        );
        assert_eq!(classify("type: good-first-issue"), Some(Tier::Beginner));
        assert_eq!(classify("good_first_issue"), Some(Tier::Beginner));
        assert_eq!(classify("初学者"), Some(Tier::Beginner));
        assert_eq!(classify("新手友好"), Some(Tier::Beginner));
        assert_eq!(classify("Status: Help Wanted"), Some(Tier::HelpWanted));
        assert_eq!(normalise("kind/good-first-issue"), "good first issue");
        assert_eq!(normalise("beginner job 🔰"), "beginner job");
        assert!(known_spellings().contains(&"good first issue"));
        assert!(known_spellings().len() < 94, "deduplicated");
    }
}
