//! `contrib start TARGET`: fork (or reuse the fork), clone, `origin` = fork, `upstream` =
//! the project, a topic branch from upstream's default branch. Idempotent: run it again and
//! it finishes what is missing, or just switches to the branch.
//!
//! It does not wait for the fork: GitHub makes forks in the background, so the objects are
//! cloned from upstream while the fork is being made; the fork is needed only at the first
//! push (hub avoids the same race this way).

use crate::branch;
use crate::cli::Ctx;
use crate::error::{Error, Kind, Result};
use crate::git::{setup, transfer};
use crate::github::{GitHub, Repo};
use crate::host::Endpoint;
use crate::t;
use crate::target::Target;
use std::path::{Path, PathBuf};

/// Fork, clone and set up a branch to work on an issue
#[derive(Debug, clap::Args)]
pub struct Args {
    /// OWNER/REPO, OWNER/REPO#N, or a link to the repository or issue
    pub target: String,
    /// The issue to work on (instead of #N in TARGET)
    #[arg(long, value_name = "N")]
    pub issue: Option<u64>,
    /// Where the clone goes (default: ./REPO)
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,
    /// Fork into this organisation instead of your account
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Name the fork differently from the project
    #[arg(long, value_name = "NAME")]
    pub fork_name: Option<String>,
    /// The topic branch's name (default: from the issue, e.g. fix/12-empty-names)
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Clone only the last N commits (faster for huge histories)
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
    /// How git talks to the server [default: gh's git_protocol setting, else https]
    #[arg(long, value_enum)]
    pub protocol: Option<Protocol>,
    /// Do not fork: push to the project itself (you need write access)
    #[arg(long)]
    pub no_fork: bool,
}

impl Args {
    /// `contrib start TARGET` with every option at its default.
    pub fn for_target(target: &str) -> Self {
        Self {
            target: target.to_string(),
            issue: None,
            dir: None,
            org: None,
            fork_name: None,
            branch: None,
            depth: None,
            protocol: None,
            no_fork: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    Https,
    Ssh,
}

fn url_for(endpoint: &Endpoint, protocol: Protocol, full_name: &str) -> String {
    let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
    match protocol {
        Protocol::Https => endpoint.git_url(owner, name),
        Protocol::Ssh => format!(
            "git@{}:{owner}/{name}.git",
            endpoint.web.host_str().unwrap_or("github.com")
        ),
    }
}

/// The credential helper git calls back: this very program, asked for this host only.
pub fn git_auth(ctx: &Ctx, endpoint: &Endpoint) -> transfer::Auth {
    let Ok(exe) = std::env::current_exe() else {
        return transfer::Auth {
            helper: None,
            env: ctx.child_env.clone(),
        };
    };
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    transfer::Auth {
        helper: Some(
            // i18n: not for people (the credential helper git runs)
            format!(
                "!{} --api-url {} auth git-credential",
                quote(&exe.to_string_lossy()),
                quote(endpoint.api.as_str())
            ),
        ),
        env: ctx.child_env.clone(),
    }
}

fn protocol(ctx: &Ctx, endpoint: &Endpoint, flag: Option<Protocol>) -> Protocol {
    if let Some(p) = flag {
        return p;
    }
    let from_gh = ctx.env.gh_config_dir().and_then(|dir| {
        let hosts = std::fs::read_to_string(dir.join("hosts.yml")).ok();
        let per_host =
            hosts.and_then(|t| crate::auth::GhHosts::parse(&t).git_protocol(&endpoint.host));
        per_host.or_else(|| {
            let text = std::fs::read_to_string(dir.join("config.yml")).ok()?;
            let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).ok()?;
            v.get("git_protocol")?.as_str().map(String::from)
        })
    });
    match from_gh.as_deref() {
        Some("ssh") => Protocol::Ssh,
        _ => Protocol::Https,
    }
}

/// Where the work happens, and whether a clone is already there.
enum Place {
    /// Clone into this (absent or empty) directory.
    Fresh(PathBuf),
    /// A clone of the upstream or of the fork is already here.
    Adopt(PathBuf),
}

fn is_empty_dir(p: &Path) -> bool {
    std::fs::read_dir(p).is_ok_and(|mut d| d.next().is_none())
}

fn clone_of(dir: &Path, urls: &[&str]) -> bool {
    setup::remote_urls(dir).is_some_and(|remotes| {
        remotes
            .iter()
            .any(|(_, u)| urls.iter().any(|x| setup::same_repo_url(u, x)))
    })
}

fn place(ctx: &Ctx, args: &Args, upstream: &Repo, urls: &[&str]) -> Result<Place> {
    if args.dir.is_none()
        && let Some(info) = crate::git::repo_info(&ctx.cwd)?
        && clone_of(&info.root, urls)
    {
        return Ok(Place::Adopt(info.root));
    }
    let dir = match &args.dir {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => ctx.cwd.join(d),
        None => ctx.cwd.join(&upstream.name),
    };
    if !dir.exists() || is_empty_dir(&dir) {
        return Ok(Place::Fresh(dir));
    }
    if clone_of(&dir, urls) {
        return Ok(Place::Adopt(dir));
    }
    Err(Error::failed(t!(
        "start.already_exists_not_clone",
        dir = dir.display(),
        full_name = upstream.full_name
    ))
    .cause(t!("start.nothing_was_changed"))
    .hint(t!("start.choose_another_place_dir")))
}

struct Fork {
    repo: Repo,
    created: bool,
}

/// Finds your fork of `upstream`, or asks GitHub for one.
async fn fork(gh: &GitHub, upstream: &Repo, login: &str, args: &Args) -> Result<Fork> {
    let owner = args.org.as_deref().unwrap_or(login);
    let name = args.fork_name.as_deref().unwrap_or(&upstream.name);
    let is_fork_of_upstream = |r: &Repo| {
        r.fork
            && [&r.parent, &r.source].iter().any(|p| {
                p.as_ref()
                    .is_some_and(|p| p.full_name.eq_ignore_ascii_case(&upstream.full_name))
            })
    };
    if let Some(existing) = gh.repo(owner, name).await?
        && is_fork_of_upstream(&existing)
    {
        return Ok(Fork {
            repo: existing,
            created: false,
        });
    }
    // GitHub returns an existing fork (also a renamed one) instead of making a second.
    let repo = gh
        .create_fork(
            &upstream.owner.login,
            &upstream.name,
            args.org.as_deref(),
            args.fork_name.as_deref(),
        )
        .await
        .map_err(|e| match e.kind {
            Kind::Unavailable => e,
            _ if e.causes.iter().any(|c| c.contains("forking is disabled")) => e.hint(t!(
                "start.does_not_allow_forks",
                full_name = upstream.full_name
            )),
            _ if args.org.is_some() && e.causes.iter().any(|c| c.contains("(403)")) => e.hint(t!(
                "start.may_not_create_repositories",
                org = args.org.as_deref().unwrap_or_default()
            )),
            _ => e,
        })?;
    Ok(Fork {
        created: true,
        repo,
    })
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let endpoint = ctx.endpoint()?;
    let target = Target::parse(&args.target, &endpoint)?;
    let issue_number = args.issue.or(target.issue);
    if args.branch.is_none() && issue_number.is_none() {
        return Err(
            Error::usage(t!("start.which_branch_should_contrib")).hint(t!(
                "start.give_issue_contrib_start",
                full_name = target.full_name()
            )),
        );
    }
    if let Some(b) = &args.branch
        && !branch::is_valid(b)
    {
        return Err(Error::usage(t!("start.not_valid_branch_name", b = b))
            .hint(t!("start.use_letters_digits_e")));
    }
    let found = ctx.require_token(&endpoint)?;
    let gh = ctx.github(&endpoint, Some(found.token.clone()))?;

    // 1. Who you are, the repository and the issue: one round trip, together.
    ctx.ui.status(
        t!("verb.resolving"),
        t!(
            "start.resolving",
            repo = target.full_name(),
            host = endpoint.host
        ),
    );
    let (me, repo, issue) = ctx.block_on(async {
        let issue = async {
            match issue_number {
                Some(n) => gh.issue(&target.owner, &target.repo, n).await,
                None => Ok(None),
            }
        };
        tokio::join!(gh.whoami(), gh.repo(&target.owner, &target.repo), issue)
    })?;
    let me = me?;
    let repo = repo?.ok_or_else(|| {
        Error::failed(t!(
            "start.was_not_found",
            full_name = target.full_name(),
            host = endpoint.host
        ))
        .hint(t!("start.check_spelling_private_repository"))
    })?;
    // Started from your own fork: the project is its parent.
    let (upstream, mut issue) = match (
        &repo.parent,
        repo.owner_login().eq_ignore_ascii_case(&me.user.login) && repo.fork,
    ) {
        (Some(parent), true) => {
            let up = ctx
                .block_on(gh.repo(&parent.owner.login, &parent.name))??
                .map(Box::new)
                .unwrap_or_else(|| parent.clone());
            (*up, None)
        }
        _ => (repo.clone(), issue?),
    };
    if issue.is_none()
        && let Some(n) = issue_number
    {
        issue = ctx.block_on(gh.issue(&upstream.owner.login, &upstream.name, n))??;
        if issue.is_none() {
            return Err(Error::failed(t!(
                "start.has_no_issue",
                full_name = upstream.full_name,
                n = n
            ))
            .hint(t!(
                "start.see_open_issues_issues",
                html_url = upstream.html_url
            )));
        }
    }
    if upstream.archived {
        return Err(Error::failed(t!(
            "start.archived_read_only_takes",
            full_name = upstream.full_name
        ))
        .hint(t!("start.look_active_fork_successor")));
    }
    if upstream.allow_forking == Some(false)
        && !args.no_fork
        && !upstream.owner_login().eq_ignore_ascii_case(&me.user.login)
    {
        return Err(
            Error::failed(t!("start.no_forks_short", full_name = upstream.full_name))
                .hint(t!("start.ask_maintainers_how_contribute")),
        );
    }
    if let Some(i) = &issue {
        if i.is_pull_request() {
            return Err(
                Error::usage(t!("claim.pull_request_not_issue", number = i.number))
                    .hint(t!("start.give_number_issue_work")),
            );
        }
        if i.state != "open" {
            ctx.ui.warn(t!(
                "start.issue_check_still_needs",
                number = i.number,
                state = i.state
            ));
        }
    }
    let topic = match (&args.branch, &issue) {
        (Some(b), _) => b.clone(),
        (None, Some(i)) => branch::for_issue(i.number, &i.title, &i.label_names()),
        (None, None) => unreachable!("checked above: a branch or an issue"),
    };

    let protocol = protocol(ctx, &endpoint, args.protocol);
    let upstream_url = url_for(&endpoint, protocol, &upstream.full_name);
    let own = (upstream.owner_login().eq_ignore_ascii_case(&me.user.login) && args.org.is_none())
        || args.no_fork;
    let expected_fork = format!(
        "{}/{}",
        args.org.as_deref().unwrap_or(&me.user.login),
        args.fork_name.as_deref().unwrap_or(&upstream.name)
    );
    let expected_fork_url = url_for(&endpoint, protocol, &expected_fork);
    let place = place(ctx, &args, &upstream, &[&upstream_url, &expected_fork_url])?;
    let auth = if protocol == Protocol::Https {
        git_auth(ctx, &endpoint)
    } else {
        transfer::Auth {
            helper: None,
            env: ctx.child_env.clone(),
        }
    };

    // 2 and 3. The fork is asked for while the objects come from upstream.
    let dir = match &place {
        Place::Fresh(d) | Place::Adopt(d) => d.clone(),
    };
    let clone_job = match &place {
        Place::Fresh(d) => {
            ctx.ui.status(
                t!("verb.cloning"),
                t!("start.cloning", url = upstream_url, dir = d.display()),
            );
            let (d, url, auth, ui, depth) = (
                d.clone(),
                upstream_url.clone(),
                auth.clone(),
                ctx.ui.clone(),
                args.depth,
            );
            Some(std::thread::spawn(move || {
                clone_into(&d, &url, depth, &auth, &ui)
            }))
        }
        Place::Adopt(d) => {
            ctx.ui
                .status(t!("verb.using"), t!("start.clone", d = d.display()));
            None
        }
    };
    let fork_result = if own {
        None
    } else {
        let result = ctx.block_on(fork(&gh, &upstream, &me.user.login, &args));
        // Say what happened: a new fork, or the one you already had.
        if let Ok(Ok(f)) = &result {
            let (verb, what) = if f.created {
                (
                    t!("verb.forked"),
                    t!(
                        "start.forked_to",
                        from = upstream.full_name,
                        to = f.repo.full_name
                    ),
                )
            } else {
                (
                    t!("verb.using"),
                    t!("start.fork", full_name = f.repo.full_name),
                )
            };
            ctx.ui.status(verb, what);
        }
        Some(result)
    };
    let cloned = clone_job.map(|h| {
        h.join()
            .unwrap_or_else(|_| Err(Error::bug(t!("start.clone_thread_stopped_unexpectedly"))))
    });
    if let Some(r) = cloned {
        r?;
    }
    let fork = match fork_result.map(|r| r.and_then(|x| x)).transpose() {
        Ok(f) => f,
        Err(e) => {
            // The clone was made for this run only: do not leave it half set up.
            if matches!(place, Place::Fresh(_)) {
                let _ = std::fs::remove_dir_all(&dir);
            }
            return Err(e);
        }
    };
    let (origin_name, origin_url) = match &fork {
        Some(f) => (
            f.repo.full_name.clone(),
            url_for(&endpoint, protocol, &f.repo.full_name),
        ),
        None => (upstream.full_name.clone(), upstream_url.clone()),
    };

    // 4 to 6. Remotes, branches, the record.
    let mut report = setup::Report::default();
    setup::remotes(&dir, &upstream_url, &origin_url, &mut report)?;
    if matches!(place, Place::Adopt(_)) {
        ctx.ui.status(t!("verb.fetching"), "upstream");
        let mut progress = ctx.ui.progress();
        let fetched = transfer::fetch(&dir, "upstream", &auth, &mut |p| {
            progress.update(&p.phase, p.current, p.total, p.detail.as_deref(), p.done)
        });
        progress.finish();
        fetched?;
    }
    // A documented branch rule of the project wins over contrib's own naming.
    let mut topic = topic;
    if args.branch.is_none()
        && let Some(i) = &issue
    {
        let base_ref = format!("refs/remotes/upstream/{}", upstream.default_branch);
        let files = setup::files_at(&dir, &base_ref, |p| {
            p.rsplit('/')
                .next()
                .is_some_and(|n| n.to_lowercase().starts_with("contributing"))
        });
        let file_refs: Vec<crate::rules::File> = files
            .iter()
            .map(|(p, t)| crate::rules::File { path: p, text: t })
            .collect();
        let rules = crate::rules::detect(&file_refs, &[]);
        if let Some(rule) = &rules.branch_rule.value
            && let Some(name) = branch::apply_rule(rule, i.number, &i.title)
            && branch::is_valid(&name)
        {
            report.notes.push(
                t!(
                    "start.named_branch_project_s",
                    rule = rules
                        .branch_rule
                        .evidence
                        .first()
                        .map(String::as_str)
                        .unwrap_or(rule)
                )
                .to_string(),
            );
            topic = name;
        }
    }
    let mut record = vec![
        ("upstream", upstream.full_name.clone()),
        ("fork", origin_name.clone()),
        ("base", upstream.default_branch.clone()),
        ("host", endpoint.host.clone()),
    ];
    if let Some(i) = &issue {
        record.push(("issue", i.number.to_string()));
    }
    setup::branches(
        &dir,
        &setup::Setup {
            default_branch: &upstream.default_branch,
            topic: &topic,
            record,
        },
        &mut report,
    )?;

    // Fetch the fork if it is there already; if not, the first push will find it.
    let fork_ready = fork.is_none() || transfer::reachable(&origin_url, &auth);
    if fork.is_some() {
        if fork_ready {
            transfer::fetch(&dir, "origin", &auth, &mut |_| {})?;
        } else {
            report.notes.push(t!("start.fork_still_being_made").into());
        }
    }

    let rel = dir
        .strip_prefix(&ctx.cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| dir.display().to_string());
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({
            "dir": dir,
            "upstream": {"full_name": upstream.full_name, "url": upstream_url},
            "origin": {"full_name": origin_name, "url": origin_url},
            "fork": fork.as_ref().map(|f| serde_json::json!({"created": f.created, "ready": fork_ready})),
            "branch": topic,
            "branch_created": report.branch_created,
            "base": upstream.default_branch,
            "issue": issue.as_ref().map(|i| i.number),
            "adopted": matches!(place, Place::Adopt(_)),
            "notes": report.notes,
        }));
    }
    for n in &report.notes {
        ctx.ui.status(t!("verb.note"), n);
    }
    let what = match &issue {
        Some(i) => format!(
            "{}#{}: {}",
            upstream.full_name,
            i.number,
            crate::text::one_line(&i.title)
        ),
        None => upstream.full_name.clone(),
    };
    ctx.ui.out(t!("start.ready_work", what = what))?;
    ctx.ui.out(t!("start.ready_code", dir = dir.display()))?;
    let made = if report.branch_created {
        t!("start.new_from")
    } else {
        t!("start.existing_based")
    };
    ctx.ui.out(t!(
        "start.ready_branch",
        topic = topic,
        made = made,
        base = upstream.default_branch
    ))?;
    if own {
        ctx.ui.out(t!(
            "start.origin_project_itself_push",
            origin_url = origin_url
        ))?;
    } else {
        ctx.ui
            .out(t!("start.origin_fork_push_here", origin_url = origin_url))?;
        ctx.ui.out(t!(
            "start.upstream_project_updates_come",
            upstream_url = upstream_url
        ))?;
    }
    let cd = if dir == ctx.cwd {
        String::new()
    } else {
        t!("start.cd_then", rel = rel).to_string()
    };
    ctx.ui.next(t!("start.make_change_run_contrib", cd = cd))
}

/// Clones into a hidden sibling first and moves it into place at the end, so an
/// interrupted clone never leaves a half-made directory that blocks the next run.
fn clone_into(
    dir: &Path,
    url: &str,
    depth: Option<u32>,
    auth: &transfer::Auth,
    ui: &crate::ui::Ui,
) -> Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "clone".into());
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| {
        Error::failed(t!("start.could_not_create", parent = parent.display())).cause(e.to_string())
    })?;
    let partial = parent.join(format!(".{name}.contrib-partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| {
            Error::failed(t!(
                "start.could_not_remove_unfinished",
                partial = partial.display()
            ))
            .cause(e.to_string())
        })?;
    }
    let mut progress = ui.progress();
    let result = transfer::clone(url, &partial, "upstream", depth, auth, &mut |p| {
        progress.update(&p.phase, p.current, p.total, p.detail.as_deref(), p.done)
    });
    progress.finish();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e.hint(t!("start.nothing_was_left_behind")));
    }
    if dir.exists() {
        // An empty directory (checked by the caller) makes way for the clone.
        std::fs::remove_dir(dir).map_err(|e| {
            Error::failed(t!("start.could_not_use", dir = dir.display())).cause(e.to_string())
        })?;
    }
    std::fs::rename(&partial, dir).map_err(|e| {
        Error::failed(t!("start.could_not_move_clone", dir = dir.display())).cause(e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_by_protocol() {
        let e = Endpoint::github_com();
        assert_eq!(
            url_for(&e, Protocol::Https, "o/r"),
            "https://github.com/o/r.git"
        );
        assert_eq!(url_for(&e, Protocol::Ssh, "o/r"), "git@github.com:o/r.git");
        let ghe = Endpoint::from_host("ghe.corp:8443").unwrap();
        assert_eq!(url_for(&ghe, Protocol::Ssh, "o/r"), "git@ghe.corp:o/r.git");
    }
}
