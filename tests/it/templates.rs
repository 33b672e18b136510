//! Every real pull-request template in `tests/fixtures/pr-templates/`: discovered at its
//! path, parsed, rendered unchanged when nothing is filled, and filled with only the right
//! parts changed.

use contrib::template::{self, Answers, Template};

struct Fixture {
    file: String,
    path: String,
    features: String,
    text: String,
}

fn fixtures() -> Vec<Fixture> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pr-templates");
    let sources = std::fs::read_to_string(format!("{dir}/SOURCES.tsv")).unwrap();
    sources
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Fixture {
                file: c[0].to_string(),
                path: c[2].to_string(),
                features: c.get(7).unwrap_or(&"").to_string(),
                text: std::fs::read_to_string(format!("{dir}/{}", c[0])).unwrap(),
            }
        })
        .collect()
}

#[test]
fn twenty_six_templates_discovered_parsed_and_round_tripped() {
    let all = fixtures();
    assert_eq!(all.len(), 26);
    for f in &all {
        // Discovered at its real path among other files.
        let paths = [
            "README.md",
            "src/main.rs",
            "CONTRIBUTING.md",
            f.path.as_str(),
        ];
        let found = template::discover(&paths);
        let hit =
            found.single.as_deref() == Some(f.path.as_str()) || found.folder.contains(&f.path);
        assert!(hit, "{}: not discovered at {}", f.file, f.path);

        let t = Template::parse(&f.text);
        if f.features.contains("html-comments") {
            assert!(
                t.sections.iter().any(|s| !s.hints.is_empty()),
                "{}: hints",
                f.file
            );
        }
        if f.features.contains("checkboxes") {
            assert!(
                t.sections.iter().any(|s| !s.checkboxes.is_empty()),
                "{}: checkboxes",
                f.file
            );
        }
        // Nothing filled: the body comes back byte for byte.
        assert_eq!(
            t.fill(&Answers::default()).unwrap(),
            t.body,
            "{}: unchanged",
            f.file
        );

        // Filled: the answer is in, and every other section is exactly as it was.
        let Some(target) = t.sections.iter().position(|s| !s.title.is_empty()) else {
            continue;
        };
        let title = t.sections[target].title.clone();
        let answer = "ANSWER: made by contrib\nsecond line";
        let filled = t
            .fill(&Answers {
                sections: vec![(title.clone(), answer.into())],
                checks: vec![],
            })
            .unwrap();
        assert!(
            filled.contains("ANSWER: made by contrib\nsecond line"),
            "{}: answer in\n{filled}",
            f.file
        );
        for (i, s) in t.sections.iter().enumerate() {
            if i != target {
                let original = &t.body[s.content.clone()];
                assert!(
                    filled.contains(original),
                    "{}: section '{}' changed",
                    f.file,
                    s.title
                );
            }
        }
        let title_line = &t.body[..t.sections[target].content.start];
        assert!(
            filled.starts_with(title_line),
            "{}: everything before the section is unchanged",
            f.file
        );

        // One checkbox ticked: exactly one character differs.
        if let Some(b) = t
            .sections
            .iter()
            .flat_map(|s| &s.checkboxes)
            .find(|b| !b.checked)
        {
            let ticked = t
                .fill(&Answers {
                    sections: vec![],
                    checks: vec![b.text.clone()],
                })
                .unwrap();
            let diff: Vec<usize> = ticked
                .bytes()
                .zip(t.body.bytes())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, _)| i)
                .collect();
            assert_eq!(ticked.len(), t.body.len(), "{}", f.file);
            assert_eq!(diff.len(), 1, "{}: one byte changes", f.file);
            assert_eq!(&ticked[diff[0]..diff[0] + 1], "x");
        }

        // The same template with CRLF line endings keeps them.
        let crlf = f.text.replace("\r\n", "\n").replace('\n', "\r\n");
        let t2 = Template::parse(&crlf);
        assert_eq!(
            t2.fill(&Answers::default()).unwrap(),
            t2.body,
            "{}: CRLF unchanged",
            f.file
        );
        let filled2 = t2
            .fill(&Answers {
                sections: vec![(title.clone(), answer.into())],
                checks: vec![],
            })
            .unwrap();
        assert!(
            !filled2.replace("\r\n", "").contains('\n'),
            "{}: only CRLF line endings",
            f.file
        );
    }
}

#[test]
fn milvus_style_bold_titles_and_placeholders() {
    let f = fixtures()
        .into_iter()
        .find(|f| f.file.starts_with("milvus"))
        .unwrap();
    let t = Template::parse(&f.text);
    let issue = t.find_section("which issue").unwrap();
    assert!(t.sections[issue].placeholder);
    let filled = t
        .fill(&Answers {
            sections: vec![("Which issue(s) this PR fixes".into(), "Fixes #42".into())],
            checks: vec!["BUG".into()],
        })
        .unwrap();
    assert!(
        filled.contains("**Which issue(s) this PR fixes:**\n\nFixes #42\n\n**What this PR does"),
        "{filled}"
    );
    assert!(filled.contains("- [x] BUG"));
    assert!(!filled.contains("Fixes #\n"));
}

#[test]
fn chinese_template_and_the_folder_choice() {
    let all = fixtures();
    let folder: Vec<(String, Template)> = all
        .iter()
        .filter(|f| f.file.starts_with("ant-design") && f.path.contains("PULL_REQUEST_TEMPLATE/"))
        .map(|f| (f.path.clone(), Template::parse(&f.text)))
        .collect();
    assert_eq!(folder.len(), 2);
    let cn = template::choose(&folder, "pr_cn").expect("by file name");
    assert!(
        cn.1.body.contains("中文")
            || cn.1.sections.iter().any(|s| s
                .title
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "Chinese titles"
    );
    assert!(template::choose(&folder, "collaborator.md").is_some());
    assert!(template::choose(&folder, "nope").is_none());
    let ansible: Vec<&Fixture> = all
        .iter()
        .filter(|f| f.file.starts_with("ansible") && f.path.contains("PULL_REQUEST_TEMPLATE/"))
        .collect();
    let paths: Vec<&str> = ansible
        .iter()
        .map(|f| f.path.as_str())
        .chain([".github/PULL_REQUEST_TEMPLATE.md"])
        .collect();
    let found = template::discover(&paths);
    assert_eq!(
        found.single.as_deref(),
        Some(".github/PULL_REQUEST_TEMPLATE.md")
    );
    assert_eq!(found.folder.len(), 3);
}

#[test]
fn front_matter_is_used_and_not_in_the_body() {
    let text = "---\nname: Bug fix\nabout: Fix something\ntitle: \"fix: \"\nlabels: bug\n---\n\n## The bug\n\n<!-- What went wrong -->\n";
    let t = Template::parse(text);
    assert_eq!(t.front.name.as_deref(), Some("Bug fix"));
    assert_eq!(t.front.title.as_deref(), Some("fix: "));
    assert_eq!(t.front.labels, ["bug"]);
    assert_eq!(t.body, "\n## The bug\n\n<!-- What went wrong -->\n");
    let folder = vec![("x/PULL_REQUEST_TEMPLATE/bug_fix.md".to_string(), t)];
    assert!(
        template::choose(&folder, "bug fix").is_some(),
        "by front-matter name"
    );
}
