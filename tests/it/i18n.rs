//! The message catalogs (`locales/en.yml`, `locales/zh.yml`): the same keys and placeholders
//! in both, every key the code asks for exists (and no key is dead), no sentence in the code
//! bypasses them, and the language choice reaches the commands' own messages.

use crate::common::TestEnv;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A catalog flattened to `a.b.c` keys.
fn catalog(lang: &str) -> BTreeMap<String, String> {
    fn flatten(prefix: &str, v: &serde_yaml_ng::Value, out: &mut BTreeMap<String, String>) {
        match v {
            serde_yaml_ng::Value::Mapping(m) => {
                for (k, v) in m {
                    let k = k.as_str().expect("string keys");
                    let key = if prefix.is_empty() {
                        k.to_string()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out);
                }
            }
            serde_yaml_ng::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            _ if prefix == "_version" => {}
            other => panic!("{prefix}: not a string: {other:?}"),
        }
    }
    let path = root().join(format!("locales/{lang}.yml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    flatten("", &value, &mut out);
    out
}

fn placeholders(s: &str) -> BTreeSet<&str> {
    s.match_indices("%{")
        .filter_map(|(i, _)| s[i + 2..].split_once('}').map(|(name, _)| name))
        .collect()
}

fn is_cjk(c: char) -> bool {
    // CJK ideographs, CJK punctuation, full-width forms (：，).
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

#[test]
fn both_catalogs_have_the_same_keys_and_placeholders() {
    let en = catalog("en");
    let zh = catalog("zh");
    assert!(en.len() > 400, "the catalog loaded: {}", en.len());
    let ek: Vec<&String> = en.keys().collect();
    let zk: Vec<&String> = zh.keys().collect();
    assert_eq!(ek, zk, "the same keys in en.yml and zh.yml");
    // Words that stay as they are in Chinese (names, not sentences).
    let same_in_both = ["doctor.check.api", "doctor.set_email"];
    for (k, e) in &en {
        let z = &zh[k];
        assert_eq!(placeholders(e), placeholders(z), "{k}: placeholders differ");
        // Anything with words in English has Chinese in zh.yml (code in backticks, flags,
        // URLs and placeholders aside).
        let words: String = e
            .split('`')
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .filter(|w| !w.starts_with("--") && !w.contains("://") && !w.contains("%{"))
            .collect::<Vec<_>>()
            .join(" ");
        let has_words = words
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 3);
        if has_words && !same_in_both.contains(&k.as_str()) {
            assert!(z.chars().any(is_cjk), "{k} is not translated: {z:?}");
        }
    }
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The keys the code looks up: every `t!("key"`.
fn keys_in_code() -> BTreeMap<String, PathBuf> {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mut keys = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("t!(") {
            if text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue; // format!( and friends
            }
            let rest = text[i + 3..].trim_start();
            if let Some(rest) = rest.strip_prefix('"') {
                let key = &rest[..rest.find('"').unwrap()];
                keys.insert(key.to_string(), f.clone());
            }
        }
    }
    keys
}

/// `--help`'s texts: the catalog's `help.<command>.<part>` keys, with the doc comments' English.
fn help_texts() -> Vec<(String, String)> {
    use clap::CommandFactory;
    contrib::help::texts(&contrib::cli::Cli::command())
}

#[test]
fn the_help_in_the_catalog_is_what_the_doc_comments_say() {
    let en = catalog("en");
    let texts = help_texts();
    assert!(texts.len() > 80, "{}", texts.len());
    for (key, text) in &texts {
        assert_eq!(
            en.get(key),
            Some(text),
            "locales/en.yml's {key} must say what the doc comment says"
        );
    }
}

#[test]
fn every_key_the_code_uses_exists_and_every_key_is_used() {
    let en = catalog("en");
    let mut used = keys_in_code();
    for (key, _) in help_texts() {
        used.insert(key, root().join("src/help.rs"));
    }
    // The i18n module's own doc example is not a lookup.
    let used: BTreeMap<_, _> = used
        .into_iter()
        .filter(|(_, f)| !f.ends_with("i18n.rs"))
        .collect();
    for (key, file) in &used {
        assert!(
            en.contains_key(key),
            "{} asks for {key}, which is not in locales/en.yml",
            file.display()
        );
    }
    for key in en.keys() {
        assert!(used.contains_key(key), "{key} is in the catalog but unused");
    }
}

// ---- No sentence bypasses the catalog -------------------------------------------------

/// A string literal in Rust source: byte range of the whole token and its raw contents.
struct Literal {
    start: usize,
    end: usize,
    raw: bool,
}

/// The string literals of `src`, skipping comments and char literals.
fn literals(src: &str) -> Vec<Literal> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    while i < b.len() {
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if src[i..].starts_with("/*") {
            i += src[i..].find("*/").unwrap() + 2;
        } else if (b[i] == b'r' || (b[i] == b'b' && b.get(i + 1) == Some(&b'r'))) && !ident(i) {
            let start = i;
            let mut j = i + if b[i] == b'b' { 2 } else { 1 };
            let hashes = src[j..].bytes().take_while(|&c| c == b'#').count();
            j += hashes;
            if b.get(j) == Some(&b'"') {
                let close = format!("\"{}", "#".repeat(hashes));
                let end = j + 1 + src[j + 1..].find(&close).unwrap() + close.len();
                out.push(Literal {
                    start,
                    end,
                    raw: true,
                });
                i = end;
            } else {
                i += 1;
            }
        } else if b[i] == b'"' || (b[i] == b'b' && b.get(i + 1) == Some(&b'"') && !ident(i)) {
            let start = i;
            let mut j = if b[i] == b'b' { i + 2 } else { i + 1 };
            while b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push(Literal {
                start,
                end: j + 1,
                raw: b[i] == b'b',
            });
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('"', '\'', '\u{..}'), or a lifetime.
            let rest = &src[i + 1..];
            let len = if rest.starts_with('\\') {
                rest.find('\'').map(|n| n + 2)
            } else {
                rest.chars()
                    .next()
                    .filter(|c| rest[c.len_utf8()..].starts_with('\''))
                    .map(|c| c.len_utf8() + 2)
            };
            i += len.unwrap_or(1);
        } else {
            i += 1;
        }
    }
    out
}

/// Where an item starting at `from` ends: a `;` or a closing `}` at depth 0.
fn item_end(src: &str, from: usize, lits: &[Literal]) -> usize {
    let b = src.as_bytes();
    let mut depth = 0i32;
    let mut i = from;
    while i < b.len() {
        if let Some(l) = lits.iter().find(|l| l.start == i) {
            i = l.end;
            continue;
        }
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                // A block item ends with its brace; a tail expression with its block.
                if depth < 0 || (depth == 0 && b[i] == b'}') {
                    return i + 1;
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Parts of a file that hold no messages: tests, attributes, and items marked
/// `// i18n: not for people (why)`.
fn exempt(src: &str, lits: &[Literal]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for marker in ["#[cfg(test)]", "// i18n: not for people"] {
        for (i, _) in src.match_indices(marker) {
            let from = src[i..].find('\n').map_or(src.len(), |n| i + n);
            out.push((i, item_end(src, from, lits)));
        }
    }
    for (i, _) in src.match_indices("#[") {
        let mut depth = 0;
        for (j, c) in src[i + 1..].char_indices() {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push((i, i + 1 + j + 1));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The literal's text with `{…}` format placeholders and escapes taken out.
fn words_of(literal: &str) -> String {
    let inner = &literal[1..literal.len() - 1];
    let mut out = String::new();
    let mut depth = 0;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(' ');
                chars.next();
            }
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Does this text read like something said to a person?
fn reads_as_a_message(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .filter(|w| w.len() >= 2)
        .collect();
    let two_words = text
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
        .count()
        >= 2;
    let capitalised = words.iter().any(|w| {
        let mut cs = w.chars();
        cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && w.len() >= 3
            && cs.all(|c| c.is_ascii_lowercase())
    });
    let label = text.contains(": ") && words.iter().any(|w| w.len() >= 2);
    let indented = text.starts_with("  ") && !words.is_empty();
    two_words || capitalised || label || indented
}

/// The calls whose argument a person reads.
const SINKS: [&str; 20] = [
    ".status(",
    ".warn(",
    ".out(",
    ".next(",
    ".hint(",
    ".cause(",
    ".context(",
    ".debug(",
    ".confirm(",
    ".input(",
    ".select(",
    ".secret(",
    ".multi_select(",
    ".fuzzy_pick(",
    ".show(",
    ".note(",
    ".check_line(",
    "Error::failed(",
    "Error::usage(",
    "Error::unavailable(",
];

/// Text compared with what others wrote (GitHub's answers, templates, git's output), not said.
const MATCHERS: [&str; 15] = [
    ".contains(",
    ".trim_start_matches(",
    ".trim_end_matches(",
    ".starts_with(",
    ".ends_with(",
    ".strip_prefix(",
    ".strip_suffix(",
    ".find(",
    ".split(",
    ".split_once(",
    ".eq_ignore_ascii_case(",
    ".expect(",
    "unreachable!(",
    "==",
    "!=",
];

/// Sentences written straight into the code instead of the catalog, as `file:line: text`.
fn bypasses(file: &Path, src: &str) -> Vec<String> {
    let lits = literals(src);
    let exempt = exempt(src, &lits);
    let mut found = Vec::new();
    for l in &lits {
        if l.raw || exempt.iter().any(|&(a, b)| a <= l.start && l.start < b) {
            continue;
        }
        let before = src[..l.start].trim_end();
        let before = before.strip_suffix('&').unwrap_or(before).trim_end();
        let lookup = before
            .strip_suffix("t!(")
            .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_'));
        if lookup || MATCHERS.iter().any(|m| before.ends_with(m)) {
            continue;
        }
        let text = &src[l.start..l.end];
        let words = words_of(text);
        let to_a_person = SINKS.iter().any(|s| before.ends_with(s))
            && words.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2;
        if to_a_person || reads_as_a_message(&words) {
            let line = src[..l.start].matches('\n').count() + 1;
            found.push(format!("{}:{line}: {text}", file.display()));
        }
    }
    found
}

#[test]
fn no_sentence_bypasses_the_catalog() {
    let src = root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    // Not messages: the sandbox speaks for GitHub (its English is GitHub's), and the
    // claim and label tables are what people write on GitHub, matched as written.
    let skip = [
        "sandbox",
        "claims.rs",
        "labels.rs",
        "i18n.rs",
        "models_test.rs",
    ];
    let mut found = Vec::new();
    let mut scanned = 0;
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel
            .components()
            .any(|c| skip.contains(&c.as_os_str().to_str().unwrap()))
        {
            continue;
        }
        scanned += 1;
        found.extend(bypasses(rel, &std::fs::read_to_string(&f).unwrap()));
    }
    assert!(scanned > 40, "the sources were found: {scanned}");
    assert!(
        found.is_empty(),
        "put these in locales/*.yml (or mark the item `// i18n: not for people (why)`):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_bypass_check_catches_what_it_should() {
    let sample = r##"
fn f(ui: &Ui) -> Result<()> {
    ui.status("Cloning", x);
    ui.out(format!("Ready to work on {what}"))?;
    let e = Error::failed("which issue?");
    let ok = t!("start.ready", what = w);
    if line.contains("Signed-off-by: ") {}
    let route = format!("/repos/{}/{}", a, b);
    let c = '"'; let s = "a\"b";
    // i18n: not for people (a search query)
    let q = "is:issue is:open archived:false";
    let v = r#"a raw "string" here"#;
    Err(Error::bug("select called without a terminal"))
}
#[cfg(test)]
mod tests {
    fn t() { assert_eq!(x, "some words here"); }
}
"##;
    let found = bypasses(Path::new("sample.rs"), sample);
    let lines: Vec<&str> = found
        .iter()
        .map(|f| f.split_once(": ").unwrap().1)
        .collect();
    assert_eq!(
        lines,
        [
            "\"Cloning\"",
            "\"Ready to work on {what}\"",
            "\"which issue?\"",
            "\"select called without a terminal\""
        ],
        "{found:#?}"
    );
}

// ---- The language reaches the commands ----------------------------------------------

#[test]
fn commands_speak_the_chosen_language() {
    let mut env = TestEnv::with_sandbox();
    // An error with its hint, chosen by the locale.
    env.set("LANG", "zh_CN.UTF-8");
    let out = env.run(&["start", "nope"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("错误：'nope' 不是仓库，也不是 issue"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("提示：请给出 OWNER/REPO"));
    // --lang wins over the locale.
    let out = env.run(&["--lang", "en", "start", "nope"]);
    assert!(
        out.stderr
            .contains("error: 'nope' is not a repository or an issue"),
        "{}",
        out.stderr
    );
    // A command's results and its "next" line, against the sandbox.
    let out = env.run(&["find", "practice/hello-contrib"]);
    out.expect_code(0);
    assert!(out.stdout.contains("可认领："), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("下一步：`contrib claim practice/hello-contrib#")
    );
    assert!(out.stderr.contains("已隐藏"), "{}", out.stderr);
    // --help and clap's usage errors.
    let out = env.run(&["start", "--help"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("复刻、克隆并建好分支"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("用法：contrib start"));
    assert!(out.stdout.contains("显示帮助"));
    assert!(out.stdout.contains("[可选值：https, ssh]"));
    for english in [
        "Print help",
        "possible values",
        "default:",
        "Usage:",
        "Options:",
    ] {
        assert!(!out.stdout.contains(english), "{english}: {}", out.stdout);
    }
    let out = env.run(&["claim", "--forse", "x/y#1"]);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("错误：未知的参数 '--forse'\n提示：有相近的：--force"),
        "{}",
        out.stderr
    );
    // A refused --lang value leaves the language to the locale.
    let out = env.run(&["--lang"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("错误：'--lang <LANG>' 需要一个值"),
        "{}",
        out.stderr
    );
    let out = env.run(&["--lang", "en", "claim", "--forse", "x/y#1"]);
    out.expect_code(2);
    assert!(out.stderr.contains("error: unexpected argument '--forse'"));
    // Machine-readable output keeps its English keys and ids.
    let out = env.run(&["doctor", "--json"]);
    assert!(
        out.stdout.contains("\"name\": \"git identity\""),
        "{}",
        out.stdout
    );
}
