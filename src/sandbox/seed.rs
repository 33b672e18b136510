//! Seeds: the data a new sandbox starts with. The `practice` seed is data files
//! (`src/sandbox/seed/`), embedded in the binary; this module only turns them into state and
//! git repositories.

use super::state::{Comment, Issue, Label, Pull, Repo, State, TokenInfo, git_dir};
use crate::error::{Error, Result};
use chrono::{Duration, Utc};
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use std::path::Path;
use std::process::Command;

static SEED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/sandbox/seed");

#[derive(Deserialize)]
struct Seed {
    users: Vec<SeedUser>,
    #[serde(default)]
    orgs: Vec<SeedOrg>,
    #[serde(default)]
    repos: Vec<SeedRepo>,
}

#[derive(Deserialize)]
struct SeedUser {
    login: String,
    #[serde(default)]
    name: Option<String>,
    /// "random" makes a fresh one.
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct SeedOrg {
    login: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
struct SeedRepo {
    owner: String,
    name: String,
    files: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    history: Vec<SeedCommit>,
    #[serde(default)]
    branches: Vec<SeedBranch>,
    #[serde(default)]
    labels: Vec<SeedLabel>,
    #[serde(default)]
    issues: Vec<SeedIssue>,
    #[serde(default)]
    pulls: Vec<SeedPull>,
}

#[derive(Deserialize)]
struct SeedCommit {
    author: String,
    age_days: i64,
    message: String,
    file: String,
    append: String,
}

#[derive(Deserialize)]
struct SeedBranch {
    name: String,
    #[serde(flatten)]
    commit: SeedCommit,
}

#[derive(Deserialize)]
struct SeedLabel {
    name: String,
    color: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct SeedIssue {
    title: String,
    user: String,
    age_days: i64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    assignees: Vec<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    comments: Vec<SeedComment>,
}

#[derive(Deserialize)]
struct SeedComment {
    user: String,
    age_days: i64,
    body: String,
}

#[derive(Deserialize)]
struct SeedPull {
    title: String,
    user: String,
    head: String,
    base: String,
    age_days: i64,
    #[serde(default)]
    body: Option<String>,
}

/// A fresh random token (`sbx_` and 32 hex digits).
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Only a practice token: the time is unique enough.
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes = (nanos as u128).to_le_bytes();
    }
    format!(
        "sbx_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// Only the user `you`.
pub fn empty() -> State {
    let mut s = State::default();
    s.add_account("you", "User", Some("You (practice)".into()));
    s.tokens.insert(
        random_token(),
        TokenInfo {
            login: "you".into(),
            scopes: Some(vec!["repo".into(), "read:org".into(), "user:email".into()]),
        },
    );
    s
}

fn seed_error(what: impl Into<String>) -> Error {
    Error::bug(format!(
        "could not build the practice data: {}",
        what.into()
    ))
}

pub fn practice(root: &Path) -> Result<State> {
    let text = SEED
        .get_file("practice.json")
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| seed_error("practice.json is missing"))?;
    let seed: Seed = serde_json::from_str(text).map_err(|e| seed_error(e.to_string()))?;
    let now = Utc::now();
    let mut s = State::default();
    for u in &seed.users {
        s.add_account(&u.login, "User", u.name.clone());
        if let Some(t) = &u.token {
            let token = if t == "random" {
                random_token()
            } else {
                t.clone()
            };
            let scopes = Some(
                u.scopes
                    .clone()
                    .unwrap_or_else(|| vec!["repo".into(), "read:org".into()]),
            );
            s.tokens.insert(
                token,
                TokenInfo {
                    login: u.login.clone(),
                    scopes,
                },
            );
        }
    }
    for o in &seed.orgs {
        s.add_account(&o.login, "Organization", o.name.clone());
        if let Some(a) = s.users.get_mut(&o.login.to_ascii_lowercase()) {
            a.members = o.members.clone();
        }
    }
    for r in seed.repos {
        let dir = git_dir(root, &r.owner, &r.name);
        build_git(&r, &dir, root)?;
        let id = s.new_id();
        let created = now - Duration::days(90);
        let mut repo = Repo {
            description: r.description.clone(),
            language: r.language.clone(),
            topics: r.topics.clone(),
            created_at: created,
            pushed_at: now - Duration::days(2),
            ..Repo::new(id, &r.owner, &r.name, "main", now)
        };
        for l in r.labels {
            let id = s.new_id();
            repo.labels.push(Label {
                id,
                name: l.name,
                description: l.description,
                color: l.color,
            });
        }
        for (n, i) in r.issues.into_iter().enumerate() {
            let number = n as u64 + 1;
            let created_at = now - Duration::days(i.age_days);
            let closed = i.state.as_deref() == Some("closed");
            let mut updated_at = created_at;
            for c in i.comments {
                let id = s.new_id();
                let at = now - Duration::days(c.age_days);
                updated_at = updated_at.max(at);
                repo.comments.push(Comment {
                    id,
                    issue: number,
                    user: c.user,
                    body: c.body,
                    created_at: at,
                    updated_at: at,
                });
            }
            let id = s.new_id();
            let mut issue = Issue {
                body: i.body,
                labels: i.labels,
                assignees: i.assignees,
                updated_at,
                ..Issue::new(id, number, i.title, i.user, created_at)
            };
            if closed {
                issue.state = "closed".into();
                issue.state_reason = Some("completed".into());
                issue.closed_at = Some(updated_at);
            }
            repo.issues.push(issue);
        }
        for p in r.pulls {
            let number = repo.next_number();
            let head_sha = git_out(&dir, &["rev-parse", &format!("refs/heads/{}", p.head)])?;
            let base_sha = git_out(&dir, &["rev-parse", &format!("refs/heads/{}", p.base)])?;
            git_out(
                &dir,
                &["update-ref", &format!("refs/pull/{number}/head"), &head_sha],
            )?;
            let at = now - Duration::days(p.age_days);
            let id = s.new_id();
            repo.issues.push(Issue {
                body: p.body,
                pull: Some(Pull {
                    head_repo: repo.key(),
                    head_ref: p.head,
                    head_sha,
                    base_ref: p.base,
                    base_sha,
                    draft: false,
                    merged_at: None,
                    merged_by: None,
                    merge_commit_sha: None,
                    maintainer_can_modify: true,
                    reviews: vec![],
                    review_comments: vec![],
                }),
                ..Issue::new(id, number, p.title, p.user, at)
            });
        }
        s.repos.insert(repo.key(), repo);
    }
    Ok(s)
}

fn git_out(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| seed_error(format!("git: {e}")))?;
    if !out.status.success() {
        return Err(seed_error(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Builds the repository's history in a scratch work tree, then keeps a bare copy.
fn build_git(r: &SeedRepo, dst: &Path, root: &Path) -> Result<()> {
    let files = SEED
        .get_dir(&r.files)
        .ok_or_else(|| seed_error(format!("no files for {}", r.files)))?;
    let work = tempfile::Builder::new()
        .prefix("seed-")
        .tempdir_in(root)
        .map_err(|e| seed_error(e.to_string()))?;
    let w = work.path();
    write_tree(files, w, Path::new(&r.files))?;
    let now = Utc::now();
    let run = |args: &[&str], author: &str, age_days: i64| -> Result<()> {
        let date = (now - Duration::days(age_days)).to_rfc3339();
        let email = format!("{author}@users.noreply.sandbox");
        let name = match author {
            "mona" => "Mona Maintainer",
            "alex" => "Alex Other-Contributor",
            other => other,
        };
        let out = Command::new("git")
            .arg("-C")
            .arg(w)
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", &email)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", &email)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .map_err(|e| seed_error(format!("git: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(seed_error(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    };
    run(&["init", "--quiet", "-b", "main"], "mona", 90)?;
    run(&["add", "-A"], "mona", 90)?;
    run(
        &[
            "commit",
            "--quiet",
            "-m",
            "chore: start the project\n\nSigned-off-by: Mona Maintainer <mona@users.noreply.sandbox>",
        ],
        "mona",
        90,
    )?;
    let commit = |c: &SeedCommit| -> Result<()> {
        let path = w.join(&c.file);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&c.append);
        std::fs::write(&path, text).map_err(|e| seed_error(e.to_string()))?;
        run(&["add", "-A"], &c.author, c.age_days)?;
        run(
            &["commit", "--quiet", "-m", &c.message],
            &c.author,
            c.age_days,
        )
    };
    for c in &r.history {
        commit(c)?;
    }
    for b in &r.branches {
        run(
            &["checkout", "--quiet", "-b", &b.name, "main"],
            &b.commit.author,
            b.commit.age_days,
        )?;
        commit(&b.commit)?;
        run(&["checkout", "--quiet", "main"], "mona", 0)?;
    }
    if let Some(parent) = dst.parent() {
        std::fs::create_dir_all(parent).map_err(|e| seed_error(e.to_string()))?;
    }
    let out = Command::new("git")
        .args(["clone", "--bare", "--quiet"])
        .arg(w)
        .arg(dst)
        .output()
        .map_err(|e| seed_error(format!("git: {e}")))?;
    if !out.status.success() {
        return Err(seed_error(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(())
}

fn write_tree(dir: &Dir<'_>, to: &Path, strip: &Path) -> Result<()> {
    for f in dir.files() {
        let rel = f.path().strip_prefix(strip).unwrap_or(f.path());
        let path = to.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| seed_error(e.to_string()))?;
        }
        std::fs::write(&path, f.contents()).map_err(|e| seed_error(e.to_string()))?;
    }
    for d in dir.dirs() {
        write_tree(d, to, strip)?;
    }
    Ok(())
}
