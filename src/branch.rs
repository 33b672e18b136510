//! Topic branch names from issues: `<kind>/<N>-<slug>`. Pure; no I/O.

/// `fix` for bugs, `docs` for documentation, else `feat`.
pub fn kind_from_labels(labels: &[String]) -> &'static str {
    let has = |words: &[&str]| {
        labels.iter().any(|l| {
            let l = l.to_lowercase();
            words.iter().any(|w| {
                l.split(|c: char| !c.is_alphanumeric())
                    .any(|part| part == *w)
            })
        })
    };
    if has(&["bug", "fix", "defect", "regression", "crash"]) {
        "fix"
    } else if has(&["docs", "doc", "documentation"]) {
        "docs"
    } else {
        "feat"
    }
}

/// ASCII, lower case, words joined by `-`, at most `max` characters, cut at a word boundary.
/// Non-Latin text is transliterated (中文 → "zhong-wen", 🎉 → "tada"), so it stays readable.
pub fn slug(title: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(title).to_lowercase();
    let words = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    let mut out = String::new();
    for w in words {
        let extra = if out.is_empty() { w.len() } else { w.len() + 1 };
        if out.len() + extra > max {
            if out.is_empty() {
                out.push_str(&w[..max.min(w.len())]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

/// `fix/12-handle-empty-names`; an empty slug leaves just the number.
pub fn for_issue(number: u64, title: &str, labels: &[String]) -> String {
    let s = slug(title, 40);
    let kind = kind_from_labels(labels);
    if s.is_empty() {
        format!("{kind}/{number}")
    } else {
        format!("{kind}/{number}-{s}")
    }
}

/// A project's documented rule, applied where contrib understands it: a rule that puts the
/// issue number first (`123-My_Cool-Feature`, "start with the issue id") gives `<N>-<slug>`.
pub fn apply_rule(rule: &str, number: u64, title: &str) -> Option<String> {
    let r = rule.to_lowercase();
    let issue_first =
        (r.contains("issue id") || r.contains("issue number") || r.contains("<issue"))
            && (r.contains("start") || r.contains("begin") || r.contains("first"));
    issue_first.then(|| {
        let s = slug(title, 40);
        if s.is_empty() {
            number.to_string()
        } else {
            format!("{number}-{s}")
        }
    })
}

/// A name git accepts (`git check-ref-format --branch`), checked without running git.
pub fn is_valid(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.starts_with('/')
        && !name.ends_with('/')
        && !name.ends_with('.')
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && name != "@"
        && !name.split('/').any(|p| p.starts_with('.'))
        && !name
            .chars()
            .any(|c| c.is_control() || c == ' ' || "~^:?*[\\".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn documented_rules() {
        let rule = "Branch name should start with issue id and after id there should be - e.g. 123-My_Cool-Feature";
        assert_eq!(
            apply_rule(rule, 12, "Handle empty names").as_deref(),
            Some("12-handle-empty-names")
        );
        assert_eq!(apply_rule("Use a descriptive branch name", 12, "x"), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(
            kind_from_labels(&labels(&["good first issue", "bug"])),
            "fix"
        );
        assert_eq!(kind_from_labels(&labels(&["kind/bug"])), "fix");
        assert_eq!(kind_from_labels(&labels(&["C-bug"])), "fix");
        assert_eq!(kind_from_labels(&labels(&["documentation"])), "docs");
        assert_eq!(kind_from_labels(&labels(&["area/docs"])), "docs");
        assert_eq!(
            kind_from_labels(&labels(&["enhancement", "debugging"])),
            "feat"
        );
    }

    #[test]
    fn names_from_titles() {
        assert_eq!(
            for_issue(12, "Handle empty names gracefully", &labels(&["bug"])),
            "fix/12-handle-empty-names-gracefully"
        );
        assert_eq!(
            for_issue(3, "Fix the typo in the greeting (\"Helo\")", &[]),
            "feat/3-fix-the-typo-in-the-greeting-helo"
        );
        assert_eq!(
            for_issue(9, "Emoji in names break the greeting 🎉", &labels(&["bug"])),
            "fix/9-emoji-in-names-break-the-greeting-tada"
        );
        assert_eq!(
            for_issue(10, "为问候语添加中文说明", &labels(&["documentation"])),
            "docs/10-wei-wen-hou-yu-tian-jia-zhong-wen-shuo"
        );
        assert_eq!(for_issue(4, "🎉🎉", &[]), "feat/4-tada-tada");
        assert_eq!(for_issue(5, "!!!", &[]), "feat/5");
    }

    #[test]
    fn slugs_are_short_ascii_and_valid() {
        let long = "A very long title that goes on and on well past the forty character limit";
        let s = slug(long, 40);
        assert!(s.len() <= 40 && !s.ends_with('-'), "{s}");
        assert_eq!(
            slug("Supercalifragilisticexpialidociousnessandmore", 10),
            "supercalif"
        );
        for title in [
            "..lock",
            "a~b^c:d",
            "trailing.",
            "x@{y}",
            "Ünïcödé — crash!",
            "中文",
            "🎉",
        ] {
            let name = for_issue(1, title, &[]);
            assert!(is_valid(&name), "{name}");
            assert!(name.is_ascii(), "{name}");
        }
        assert!(!is_valid("a..b") && !is_valid("-x") && !is_valid("a b") && !is_valid("x.lock"));
    }
}
