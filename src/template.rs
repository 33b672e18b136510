//! Pull-request templates: find them (GitHub's rules), parse them with a real Markdown
//! parser, and fill them section by section. Pure; no I/O.
//!
//! Sections are headings of any level and bold-only paragraphs used as titles (milvus:
//! `**Which issue(s) this PR fixes:**`). HTML comments are hints; task-list items are
//! choices; `Fixes #`, `Not Available`, `N/A` and comment-only sections are placeholders.
//! Filling replaces only the parts that change: everything else comes back byte for byte,
//! CRLF line endings and non-English text included.

use crate::t;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Front matter of a template in a `PULL_REQUEST_TEMPLATE/` folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct FrontMatter {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub about: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "list_or_string")]
    pub labels: Vec<String>,
}

fn list_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum L {
        One(String),
        Many(Vec<String>),
        None(()),
    }
    Ok(match serde::Deserialize::deserialize(d)? {
        L::One(s) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        L::Many(v) => v,
        L::None(()) => vec![],
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkbox {
    pub text: String,
    pub checked: bool,
    /// The `[ ]` or `[x]` in the body.
    pub marker: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The title as text ("" for what comes before the first title).
    pub title: String,
    /// Where the content lies: after the title, up to the next title.
    pub content: Range<usize>,
    /// HTML comments in the content, as shown to the user (trimmed, without `<!--`/`-->`).
    pub hints: Vec<String>,
    pub checkboxes: Vec<Checkbox>,
    /// Nothing real in it yet: only hints and placeholder text.
    pub placeholder: bool,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub front: FrontMatter,
    /// The body: the file without its front matter.
    pub body: String,
    pub sections: Vec<Section>,
}

/// What to put in: section answers (matched on the title, case-insensitively, by prefix or
/// contained words) and checkboxes to tick (matched on their text).
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub sections: Vec<(String, String)>,
    pub checks: Vec<String>,
}

// i18n: not for people (what templates say, matched as is)
const PLACEHOLDERS: [&str; 8] = [
    "fixes #",
    "closes #",
    "resolves #",
    "not available",
    "n/a",
    "none",
    "tbd",
    "...",
];

/// Splits off YAML front matter (`---` … `---` at the very top).
fn split_front(text: &str) -> (FrontMatter, &str) {
    let first_nl = text.find('\n');
    let first = first_nl
        .map(|i| text[..i].trim_end_matches('\r'))
        .unwrap_or("");
    if first != "---" {
        return (FrontMatter::default(), text);
    }
    let after = first_nl.expect("a first line") + 1;
    let mut pos = after;
    for line in text[after..].split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "---" {
            let yaml = &text[after..pos];
            let front = serde_yaml_ng::from_str(yaml).unwrap_or_default();
            return (front, &text[pos + line.len()..]);
        }
        pos += line.len();
    }
    (FrontMatter::default(), text)
}

fn comments_in(text: &str, base: usize) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("<!--") {
        let s = from + start;
        let e = text[s + 4..]
            .find("-->")
            .map(|i| s + 4 + i + 3)
            .unwrap_or(text.len());
        let inner = text[s + 4..e.saturating_sub(3).max(s + 4)]
            .trim()
            .trim_start_matches('-')
            .trim()
            .to_string();
        out.push((base + s..base + e, inner));
        from = e;
    }
    out
}

fn is_placeholder_text(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    t.is_empty()
        || PLACEHOLDERS
            .iter()
            .any(|p| t == *p || t == p.trim_end_matches('.'))
}

impl Template {
    pub fn parse(file: &str) -> Self {
        let (front, body) = split_front(file);
        let body = body.to_string();
        // Titles: (title text, range of the title block).
        let mut titles: Vec<(String, Range<usize>)> = Vec::new();
        let mut boxes: Vec<(Range<usize>, bool, usize)> = Vec::new(); // (marker, checked, item start)
        let mut depth = 0usize; // lists and quotes: bold lines in them are not titles
        let mut heading: Option<(String, Range<usize>)> = None;
        let mut para: Option<(Range<usize>, String, bool, usize)> = None; // range, text, all bold, depth
        let mut strong = 0usize;
        let mut item_starts: Vec<usize> = Vec::new();
        let parser = Parser::new_ext(&body, Options::ENABLE_TASKLISTS).into_offset_iter();
        for (event, range) in parser {
            match event {
                Event::Start(Tag::Heading { .. }) => heading = Some((String::new(), range)),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((t, r)) = heading.take() {
                        titles.push((t.trim().to_string(), r));
                    }
                }
                Event::Start(Tag::List(_)) | Event::Start(Tag::BlockQuote(_)) => depth += 1,
                Event::End(TagEnd::List(_)) | Event::End(TagEnd::BlockQuote(_)) => {
                    depth = depth.saturating_sub(1)
                }
                Event::Start(Tag::Item) => item_starts.push(range.start),
                Event::End(TagEnd::Item) => {
                    item_starts.pop();
                }
                Event::Start(Tag::Paragraph) => para = Some((range, String::new(), true, depth)),
                Event::End(TagEnd::Paragraph) => {
                    if let Some((r, t, all_bold, d)) = para.take()
                        && all_bold
                        && d == 0
                        && !t.trim().is_empty()
                    {
                        titles.push((t.trim().to_string(), r));
                    }
                }
                Event::Start(Tag::Strong) => strong += 1,
                Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
                Event::TaskListMarker(checked) => {
                    boxes.push((range, checked, item_starts.last().copied().unwrap_or(0)))
                }
                Event::Text(text) | Event::Code(text) => {
                    if let Some((t, _)) = heading.as_mut() {
                        t.push_str(&text);
                    }
                    if let Some((_, t, all_bold, _)) = para.as_mut() {
                        t.push_str(&text);
                        // "**Title**:" still counts: punctuation outside the bold is fine.
                        if strong == 0 && !text.trim().chars().all(|c| c.is_ascii_punctuation()) {
                            *all_bold = false;
                        }
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some((_, t, _, _)) = para.as_mut() {
                        t.push(' ');
                    }
                }
                _ => {
                    if let Some((_, _, all_bold, _)) = para.as_mut()
                        && strong == 0
                    {
                        *all_bold = false;
                    }
                }
            }
        }
        titles.sort_by_key(|(_, r)| r.start);

        // Sections: from the end of one title to the start of the next.
        let mut bounds: Vec<(String, Range<usize>)> = Vec::new();
        let first_start = titles.first().map(|(_, r)| r.start).unwrap_or(body.len());
        if first_start > 0 || titles.is_empty() {
            bounds.push((String::new(), 0..first_start));
        }
        for (i, (t, r)) in titles.iter().enumerate() {
            let end = titles
                .get(i + 1)
                .map(|(_, n)| n.start)
                .unwrap_or(body.len());
            bounds.push((t.clone(), r.end..end));
        }
        let sections = bounds
            .into_iter()
            .map(|(title, content)| {
                let text = &body[content.clone()];
                let comments = comments_in(text, content.start);
                let checkboxes: Vec<Checkbox> = boxes
                    .iter()
                    .filter(|(m, _, _)| content.contains(&m.start))
                    .map(|(m, checked, _)| {
                        let line_end = body[m.end..]
                            .find('\n')
                            .map(|i| m.end + i)
                            .unwrap_or(body.len());
                        Checkbox {
                            text: body[m.end..line_end].trim().to_string(),
                            checked: *checked,
                            marker: m.clone(),
                        }
                    })
                    .collect();
                // What is left without comments and checkbox lines.
                let mut rest = String::new();
                let mut last = content.start;
                for (r, _) in &comments {
                    rest.push_str(&body[last..r.start]);
                    last = r.end;
                }
                rest.push_str(&body[last..content.end]);
                let placeholder = checkboxes.is_empty() && rest.lines().all(is_placeholder_text);
                Section {
                    title,
                    content,
                    hints: comments
                        .into_iter()
                        .map(|(_, h)| h)
                        .filter(|h| !h.is_empty())
                        .collect(),
                    checkboxes,
                    placeholder,
                }
            })
            .collect();
        Self {
            front,
            body,
            sections,
        }
    }

    fn newline(&self) -> &'static str {
        if self.body.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// The section an answer's key names: exact title, then prefix, then containment.
    pub fn find_section(&self, key: &str) -> Option<usize> {
        let norm = |t: &str| {
            t.trim()
                .trim_end_matches([':', '?', '：', '？'])
                .trim()
                .to_lowercase()
        };
        let k = norm(key);

        let titled = || {
            self.sections
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.title.is_empty())
        };
        titled()
            .find(|(_, s)| norm(&s.title) == k)
            .or_else(|| titled().find(|(_, s)| norm(&s.title).starts_with(&k)))
            .or_else(|| titled().find(|(_, s)| norm(&s.title).contains(&k)))
            .map(|(i, _)| i)
    }

    /// The body with the answers put in. Sections without an answer, and everything outside
    /// the changed spans, are returned exactly as they were.
    pub fn fill(&self, answers: &Answers) -> Result<String, String> {
        let nl = self.newline();
        // Edits as (range, replacement), applied from the end.
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for (key, text) in &answers.sections {
            let i = self.find_section(key).ok_or_else(|| {
                let titles: Vec<&str> = self
                    .sections
                    .iter()
                    .map(|s| s.title.as_str())
                    .filter(|t| !t.is_empty())
                    .collect();
                t!(
                    "template.template_has_no_section",
                    key = key,
                    titles = titles.join("; ")
                )
            })?;
            let s = &self.sections[i];
            // Keep the checkbox lines; replace hints and placeholder text with the answer.
            let first_box = s.checkboxes.first().map(|c| {
                self.body[..c.marker.start]
                    .rfind('\n')
                    .map(|p| p + 1)
                    .unwrap_or(0)
            });
            let end = first_box.unwrap_or(s.content.end);
            let kept_tail = &self.body[end..s.content.end];
            let answer = text.trim_end().replace("\r\n", "\n").replace('\n', nl);
            // A title's range may or may not include its line ending: one blank line
            // between title and answer either way.
            let lead = if self.body[..s.content.start].ends_with('\n') {
                nl.to_string()
            } else {
                format!("{nl}{nl}")
            };
            let replacement = if s.content.end == self.body.len() && kept_tail.is_empty() {
                // The last section: end the answer the way the file ended.
                let ending = if self.body.ends_with(nl) { nl } else { "" };
                format!("{lead}{answer}{ending}")
            } else {
                format!("{lead}{answer}{nl}{nl}")
            };

            edits.push((s.content.start..end, replacement));
        }
        for want in &answers.checks {
            let w = want.to_lowercase();
            let boxes = self.sections.iter().flat_map(|s| &s.checkboxes);
            let found = boxes
                .clone()
                .find(|c| c.text.to_lowercase() == w)
                .or_else(|| boxes.clone().find(|c| c.text.to_lowercase().contains(&w)))
                .ok_or_else(|| t!("template.template_has_no_checkbox", want = want))?;
            if !found.checked {
                edits.push((found.marker.clone(), "[x]".into()));
            }
        }
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut out = self.body.clone();
        let mut floor = usize::MAX;
        for (r, text) in edits {
            if r.end > floor {
                return Err(t!("template.two_answers_change_same").into());
            }
            out.replace_range(r.clone(), &text);
            floor = r.start;
        }
        Ok(out)
    }
}

/// Where GitHub looks for pull-request templates, in its order: `.github/`, the root,
/// `docs/`; a file named `pull_request_template` (any case; `.md`, `.txt` or none), or a
/// `PULL_REQUEST_TEMPLATE/` folder of several.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Found {
    pub single: Option<String>,
    pub folder: Vec<String>,
}

pub fn discover(paths: &[&str]) -> Found {
    let is_name = |file: &str| {
        let lower = file.to_lowercase();
        [
            "pull_request_template",
            "pull_request_template.md",
            "pull_request_template.txt",
        ]
        .contains(&lower.as_str())
    };
    let mut found = Found::default();
    for dir in [".github/", "", "docs/"] {
        for p in paths {
            let Some(rest) = strip_ci(p, dir) else {
                continue;
            };
            if !rest.contains('/') && is_name(rest) && found.single.is_none() {
                found.single = Some(p.to_string());
            }
            if let Some((folder, file)) = rest.split_once('/')
                && folder.eq_ignore_ascii_case("pull_request_template")
                && !file.contains('/')
                && (file.to_lowercase().ends_with(".md") || file.to_lowercase().ends_with(".txt"))
            {
                found.folder.push(p.to_string());
            }
        }
        if found.single.is_some() || !found.folder.is_empty() {
            break;
        }
    }
    found.folder.sort();
    found
}

fn strip_ci<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    (path.len() >= prefix.len() && path[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &path[prefix.len()..])
}

/// Picks a template from a folder by file name or front-matter `name`.
pub fn choose<'a>(
    candidates: &'a [(String, Template)],
    wanted: &str,
) -> Option<&'a (String, Template)> {
    let w = wanted.to_lowercase();
    candidates.iter().find(|(path, t)| {
        let file = path.rsplit('/').next().unwrap_or(path).to_lowercase();
        let stem = file
            .rsplit_once('.')
            .map(|(s, _)| s.to_string())
            .unwrap_or(file.clone());
        file == w
            || stem == w
            || t.front
                .name
                .as_deref()
                .is_some_and(|n| n.to_lowercase() == w)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MILVUS: &str = "**What type of PR is this?**\n\n- [ ] API-change\n- [ ] BUG\n\n**Which issue(s) this PR fixes:**\n\nFixes #\n\n**What this PR does / why we need it:**\n\nNot Available\n";

    #[test]
    fn bold_paragraphs_are_sections_and_placeholders_are_seen() {
        let t = Template::parse(MILVUS);
        let titles: Vec<&str> = t.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "What type of PR is this?",
                "Which issue(s) this PR fixes:",
                "What this PR does / why we need it:"
            ]
        );
        assert_eq!(t.sections[0].checkboxes.len(), 2);
        assert!(t.sections[1].placeholder && t.sections[2].placeholder);
        assert_eq!(t.fill(&Answers::default()).unwrap(), MILVUS);
        let filled = t
            .fill(&Answers {
                sections: vec![("which issue".into(), "Fixes #12".into())],
                checks: vec!["bug".into()],
            })
            .unwrap();
        assert_eq!(
            filled,
            MILVUS
                .replace("Fixes #\n", "Fixes #12\n")
                .replace("- [ ] BUG", "- [x] BUG")
        );
    }

    #[test]
    fn hints_front_matter_and_crlf() {
        let file = "---\r\nname: Bug fix\r\nlabels: bug, docs\r\n---\r\n## The bug\r\n\r\n<!-- What went wrong -->\r\n\r\n## Tests\r\n\r\n- [ ] added\r\n";
        let t = Template::parse(file);
        assert_eq!(t.front.name.as_deref(), Some("Bug fix"));
        assert_eq!(t.front.labels, ["bug", "docs"]);
        assert!(!t.body.contains("name:"));
        assert_eq!(t.sections[0].hints, ["What went wrong"]);
        assert!(t.sections[0].placeholder);
        let filled = t
            .fill(&Answers {
                sections: vec![("the bug".into(), "It crashed.\nTwice.".into())],
                checks: vec![],
            })
            .unwrap();
        assert_eq!(
            filled,
            "## The bug\r\n\r\nIt crashed.\r\nTwice.\r\n\r\n## Tests\r\n\r\n- [ ] added\r\n"
        );
        assert!(
            t.fill(&Answers {
                sections: vec![("nope".into(), "x".into())],
                checks: vec![]
            })
            .unwrap_err()
            .contains("The bug; Tests")
        );
    }

    #[test]
    fn discovery_follows_githubs_order() {
        assert_eq!(
            discover(&[
                "README.md",
                "docs/pull_request_template.md",
                ".github/PULL_REQUEST_TEMPLATE.md"
            ])
            .single
            .as_deref(),
            Some(".github/PULL_REQUEST_TEMPLATE.md")
        );
        assert_eq!(
            discover(&["Pull_Request_Template.txt"]).single.as_deref(),
            Some("Pull_Request_Template.txt")
        );
        assert_eq!(
            discover(&["docs/pull_request_template"]).single.as_deref(),
            Some("docs/pull_request_template")
        );
        let f = discover(&[
            ".github/PULL_REQUEST_TEMPLATE/feature.md",
            ".github/PULL_REQUEST_TEMPLATE/bug_fix.md",
            "src/x.md",
        ]);
        assert_eq!(
            f.folder,
            [
                ".github/PULL_REQUEST_TEMPLATE/bug_fix.md",
                ".github/PULL_REQUEST_TEMPLATE/feature.md"
            ]
        );
        assert_eq!(
            discover(&["src/pull_request_template.md", "CONTRIBUTING.md"]),
            Found::default()
        );
    }
}
