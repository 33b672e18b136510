//! `contrib pr`: preflight, push to your fork, the project's pull-request template filled
//! section by section, `Fixes #N` linked, then the pull request opened (or updated).

use crate::cli::Ctx;
use crate::contribution::Contribution;
use crate::error::{Error, Kind, Result};
use crate::git::{setup, transfer, work};
use crate::message;
use crate::t;
use crate::template::{self, Answers, Template};
use std::path::PathBuf;
use std::time::Duration;

/// Push your branch and open a pull request with the project's template filled in
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pull request's title [default: from the commit or the issue]
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// Use this file as the whole description instead of the template
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Which template, when the project has several (file name or its `name:`)
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Fill a section: "Heading=text" (repeatable)
    #[arg(long = "section", value_name = "HEADING=TEXT")]
    pub sections: Vec<String>,
    /// Tick a checkbox by its text (repeatable)
    #[arg(long = "check", value_name = "ITEM")]
    pub checks: Vec<String>,
    /// Open it as a draft
    #[arg(long)]
    pub draft: bool,
    /// Print the GitHub page that opens it with everything filled in, instead of opening it
    #[arg(long)]
    pub web: bool,
    /// Show exactly what would be sent; push nothing, open nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not let maintainers push to your branch
    #[arg(long)]
    pub no_maintainer_edit: bool,
    /// The language of contrib's own template, for projects that have none (most
    /// projects expect English)
    #[arg(long, value_enum, default_value_t = PrLang::En)]
    pub pr_lang: PrLang,
    /// Use a description saved after a failed attempt
    #[arg(long, value_name = "FILE", conflicts_with = "body_file")]
    pub recover: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrLang {
    En,
    Zh,
}

const DEFAULT_TEMPLATE: &str = include_str!("../../templates/pr_default.md");
const DEFAULT_TEMPLATE_ZH: &str = include_str!("../../templates/pr_default.zh.md");

/// The title section of a saved description: `---\ntitle: …\n---\n` then the body.
fn save_recovery(ctx: &Ctx, branch: &str, title: &str, body: &str) -> Option<PathBuf> {
    let dir = ctx.env.cache_home()?.join("contrib");
    std::fs::create_dir_all(&dir).ok()?;
    let safe: String = branch
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("pr-{safe}.md"));
    let title = title.replace('\n', " ");
    std::fs::write(
        &path,
        // i18n: not for people (the draft file's front matter)
        format!(
            "---\ntitle: {}\n---\n{body}",
            serde_json::to_string(&title).ok()?
        ),
    )
    .ok()?;
    Some(path)
}

fn read_recovery(path: &PathBuf) -> Result<(Option<String>, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::failed(t!("auth.could_not_read", path = path.display())).cause(e.to_string())
    })?;
    let t = Template::parse(&text);
    Ok((t.front.title, t.body))
}

fn parse_sections(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(h, t)| (h.trim().to_string(), t.replace("\\n", "\n")))
                .ok_or_else(|| Error::usage(t!("pr.section_needs_form_heading", s = s)))
        })
        .collect()
}

/// The template to fill: `--template`, the single one, or the fallback.
fn pick_template(
    ctx: &Ctx,
    c: &Contribution,
    wanted: Option<&str>,
    lang: PrLang,
) -> Result<(String, Template)> {
    let files = setup::pr_template_files(&c.root, &c.base_ref());
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let found = template::discover(&paths);
    let text_of = |p: &str| {
        files
            .iter()
            .find(|(q, _)| q == p)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    let folder: Vec<(String, Template)> = found
        .folder
        .iter()
        .map(|p| (p.clone(), Template::parse(&text_of(p))))
        .collect();
    if let Some(w) = wanted {
        return template::choose(&folder, w).cloned().ok_or_else(|| {
            let names: Vec<String> = folder
                .iter()
                .map(|(p, t)| {
                    t.front
                        .name
                        .clone()
                        .unwrap_or_else(|| p.rsplit('/').next().unwrap_or(p).to_string())
                })
                .collect();
            Error::usage(t!("pr.project_has_no_template", w = w)).hint(if names.is_empty() {
                t!("pr.has_single_template_leave")
            } else {
                t!("pr.templates", names = names.join(", "))
            })
        });
    }
    if let Some(single) = &found.single {
        return Ok((single.clone(), Template::parse(&text_of(single))));
    }
    match folder.len() {
        0 => Ok((
            t!("pr.contrib_s_default_template").into(),
            Template::parse(if lang == PrLang::Zh {
                DEFAULT_TEMPLATE_ZH
            } else {
                DEFAULT_TEMPLATE
            }),
        )),
        1 => Ok(folder.into_iter().next().expect("one")),
        _ if ctx.ui.interactive => {
            let names: Vec<String> = folder
                .iter()
                .map(|(p, t)| t.front.name.clone().unwrap_or_else(|| p.clone()))
                .collect();
            let i = ctx.ui.select(t!("pr.which_template_fits_change"), &names)?;
            Ok(folder.into_iter().nth(i).expect("chosen"))
        }
        _ => {
            let names: Vec<String> = folder
                .iter()
                .map(|(p, _)| p.rsplit('/').next().unwrap_or(p).to_string())
                .collect();
            Err(Error::usage(t!("pr.project_has_several_pull"))
                .hint(t!("pr.choose_one_template_name", names = names.join(", "))))
        }
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let c = Contribution::here(&ctx.cwd)?;
    let upstream = c.upstream.clone().ok_or_else(|| {
        Error::failed(t!("pr.contrib_does_not_know")).hint(t!("pr.run_contrib_start_owner"))
    })?;
    let fork = c.fork.clone().unwrap_or_else(|| upstream.clone());
    let (up_owner, up_name) = upstream
        .split_once('/')
        .ok_or_else(|| Error::bug(t!("pr.contrib_upstream_has_no")))?;
    let fork_owner = fork.split('/').next().unwrap_or(&fork).to_string();
    let branch = c
        .branch
        .clone()
        .ok_or_else(|| Error::failed(t!("commit.are_not_branch_detached")))?;

    // Preflight, each with its way out.
    if branch == c.base {
        return Err(
            Error::failed(t!("pr.are_project_s_default", branch = branch))
                .hint(t!("pr.pull_requests_come_from")),
        );
    }
    let base_ref = c.require_base()?;
    let base_point = work::merge_base(&c.root, "HEAD", &base_ref)?;
    let commits = work::commits_since(&c.root, &base_point)?;
    if commits.is_empty() {
        return Err(Error::failed(t!(
            "pr.has_no_commits_upstream",
            branch = branch,
            base = c.base
        ))
        .hint(t!("pr.make_change_contrib_commit")));
    }
    if work::is_dirty(&c.root) {
        ctx.ui.warn(t!("pr.have_uncommitted_changes_they"));
    }
    let rules = c.rules();
    if rules.dco.value {
        let unsigned = commits
            .iter()
            .filter(|(_, m)| !m.lines().any(|l| l.starts_with("Signed-off-by: ")))
            .count();
        if unsigned > 0 {
            return Err(
                Error::failed(t!("pr.commit_s_lack_signed", unsigned = unsigned))
                    .cause(rules.dco.evidence.first().cloned().unwrap_or_default())
                    .hint(t!("pr.add_them_contrib_commit")),
            );
        }
    }
    // Upstream has commits the branch lacks when the fork point is not upstream's tip.
    let behind = work::rev(&c.root, &base_ref).is_some_and(|tip| tip != base_point);
    if behind {
        ctx.ui
            .warn(t!("pr.upstream_has_moved_since", base = c.base));
    }
    for (_, m) in &commits {
        let subject = m.lines().next().unwrap_or("");
        if !message::follows(rules.convention.value, subject) {
            ctx.ui
                .warn(t!("pr.commit_does_not_follow", subject = subject));
        }
    }

    // The description.
    let (recovered_title, mut body) = match &args.recover {
        Some(f) => {
            let (t, b) = read_recovery(f)?;
            (t, Some(b))
        }
        None => (None, None),
    };
    if let Some(f) = &args.body_file {
        body = Some(std::fs::read_to_string(f).map_err(|e| {
            Error::failed(t!("pr.could_not_read", f = f.display())).cause(e.to_string())
        })?);
    }
    let answered = args.title.is_some()
        || !args.sections.is_empty()
        || !args.checks.is_empty()
        || body.is_some()
        || ctx.ui.yes;
    if !ctx.ui.interactive && !answered && !args.dry_run {
        return Err(
            Error::usage(t!("pr.contrib_needs_know_what")).hint(t!("pr.give_section_heading_text"))
        );
    }
    let (template_name, tpl) = pick_template(ctx, &c, args.template.as_deref(), args.pr_lang)?;
    let body = match body {
        Some(b) => b,
        None => {
            let mut answers = Answers {
                sections: parse_sections(&args.sections)?,
                checks: args.checks.clone(),
            };
            prefill(&tpl, &c, &commits, &mut answers);
            if ctx.ui.interactive
                && !ctx.ui.yes
                && args.sections.is_empty()
                && args.checks.is_empty()
            {
                ask_sections(ctx, &tpl, &mut answers)?;
            }
            let filled = tpl
                .fill(&answers)
                .map_err(|e| Error::usage(e).hint(t!("pr.name_section_start_heading")))?;
            link_issue(filled, c.issue)
        }
    };
    // The token and client, once: for the issue's title now, for pushing and opening later.
    // A dry run or --web works without one.
    let endpoint = ctx.endpoint()?;
    let gh = match ctx.find_token(&endpoint) {
        Some(f) => Some(ctx.github(&endpoint, Some(f.token))?),
        None => None,
    };
    let title = args
        .title
        .clone()
        .or(recovered_title)
        .or_else(|| tpl.front.title.clone().filter(|t| t.trim().len() > 6))
        .unwrap_or_else(|| {
            let issue_title = (commits.len() > 1)
                .then(|| issue_title(ctx, gh.as_ref()?, up_owner, up_name, c.issue?))
                .flatten();
            match issue_title {
                Some(t) => {
                    message::shape(rules.convention.value, &t, c.branch_kind(), None, c.issue)
                }
                None => default_title(&commits, &branch),
            }
        });
    let mut title: String = title.trim().to_string();
    if title.chars().count() > 72 {
        title = title.chars().take(72).collect();
        ctx.ui.warn(t!("pr.title_cut_72_characters", title = title));
    }
    let mut body = body;
    let mut draft = args.draft;
    if ctx.ui.interactive && !ctx.ui.yes && args.title.is_none() && !args.dry_run && !args.web {
        title = ctx.ui.input(t!("pr.title"), &title, false, |t| {
            (t.chars().count() > 72).then(|| t!("pr.keep_title_72_characters").to_string())
        })?;
        loop {
            ctx.ui.show(format!("{title}  →  {upstream}"), &body);
            let choices = [
                t!("pr.submit"),
                t!("pr.submit_draft"),
                t!("pr.edit_description_editor"),
                t!("pr.show_github_page_instead"),
                t!("pr.cancel"),
            ]
            .map(|c| c.to_string());
            match ctx.ui.select(t!("pr.send"), &choices)? {
                0 => break,
                1 => {
                    draft = true;
                    break;
                }
                2 => {
                    let editor = crate::git::editor(&ctx.env, &c.root);
                    if let Some(edited) = ctx.ui.edit(&editor, &body)? {
                        body = edited;
                    }
                }
                3 => {
                    let head = format!("{fork_owner}:{branch}");
                    return open_page(
                        ctx,
                        &compare_url(&ctx.endpoint()?, &upstream, &c.base, &head, &title, &body),
                    );
                }
                _ => {
                    ctx.ui.out(t!("pr.nothing_was_sent"))?;
                    return Ok(());
                }
            }
        }
    }
    let head = format!("{fork_owner}:{branch}");
    let request = serde_json::json!({
        "title": title, "head": head, "base": c.base, "body": body,
        "draft": draft, "maintainer_can_modify": !args.no_maintainer_edit,
    });

    if args.dry_run {
        ctx.ui.out(t!(
            "pr.would_push_origin_send",
            branch = branch,
            fork = fork
        ))?;
        // i18n: not for people (the request, as the API documents it)
        ctx.ui.out(format!(
            "POST {}/repos/{upstream}/pulls",
            endpoint.api.as_str().trim_end_matches('/')
        ))?;
        return ctx
            .ui
            .out(serde_json::to_string_pretty(&request).unwrap_or_default());
    }
    if args.web {
        return open_page(
            ctx,
            &compare_url(&endpoint, &upstream, &c.base, &head, &title, &body),
        );
    }
    ctx.ui.status(t!("verb.using"), &template_name);

    // Push to the fork; a fork made moments ago may need a little longer.
    let Some(gh) = &gh else {
        return Err(crate::auth::no_token_error(&endpoint));
    };
    let auth = crate::commands::start::git_auth(ctx, &endpoint);
    let origin = setup::remote_urls(&c.root)
        .and_then(|r| r.into_iter().find(|(n, _)| n == "origin").map(|(_, u)| u))
        .ok_or_else(|| {
            Error::failed(t!("pr.clone_has_no_origin")).hint(t!("pr.run_contrib_start_here"))
        })?;
    wait_for_fork(ctx, &origin, &auth)?;
    ctx.ui.status(
        t!("verb.pushing"),
        t!("pr.origin", branch = branch, fork = fork),
    );
    // Rewritten since the last push (sign-offs added, a rebase): the fork's branch is
    // replaced, but only if it is still where we last saw it.
    let tracking = format!("refs/remotes/origin/{branch}");
    let rewritten =
        work::rev(&c.root, &tracking).filter(|seen| !work::is_ancestor(&c.root, seen, "HEAD"));
    if let Some(seen) = rewritten {
        ctx.ui.status(
            t!("verb.replacing"),
            t!("pr.fork_was_rewritten_since", branch = branch),
        );
        transfer::push_with_lease(&c.root, "origin", &branch, &seen, &auth)?;
    } else {
        let mut progress = ctx.ui.progress();
        let pushed = transfer::push(&c.root, "origin", &branch, &auth, &mut |p| {
            progress.update(&p.phase, p.current, p.total, p.detail.as_deref(), p.done)
        });
        progress.finish();
        pushed?;
    }

    // Open it, or update the one that is open already.
    let existing = ctx.block_on(gh.pulls_for_head(up_owner, up_name, &head))??;
    let pr = if let Some(open) = existing.into_iter().next() {
        ctx.ui.out(t!(
            "pr.pull_request_already_open",
            branch = branch,
            number = open.number,
            html_url = open.html_url
        ))?;
        if !ctx
            .ui
            .confirm(t!("pr.update_title_description_these"), None, "--yes")?
        {
            return Ok(());
        }
        let patch = serde_json::json!({"title": title, "body": body});
        ctx.block_on(gh.update_pull(up_owner, up_name, open.number, &patch))??
    } else {
        ctx.ui.status(
            t!("verb.opening"),
            t!("pr.pull_request", upstream = upstream),
        );
        match ctx.block_on(gh.create_pull(up_owner, up_name, &request))? {
            Ok(pr) => pr,
            Err(e) => {
                let e = plain_words(e, &c.base, &head);
                return Err(match save_recovery(ctx, &branch, &title, &body) {
                    Some(path) => {
                        e.hint(t!("pr.description_saved_contrib_pr", path = path.display()))
                    }
                    None => e,
                });
            }
        }
    };
    if ctx.ui.json {
        return ctx.ui.out_json(&serde_json::json!({"number": pr.number, "url": pr.html_url, "title": pr.title, "draft": draft}));
    }
    ctx.ui
        .out(t!("pr.opened", number = pr.number, html_url = pr.html_url))?;
    ctx.ui.next(t!("pr.maintainer_reviews_checks_first"))?;
    ctx.ui.out(t!("pr.git_push_after_new"))
}

/// Opens `url` in `$BROWSER`, else with `xdg-open` on a terminal; prints it either way, so
/// it can be opened by hand.
fn open_page(ctx: &Ctx, url: &str) -> Result<()> {
    let browser = ctx
        .env
        .get(crate::env::BROWSER)
        .map(String::from)
        .or_else(|| ctx.ui.interactive.then(|| "xdg-open".to_string()));
    if let Some(b) = browser {
        let opened = std::process::Command::new(&b)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !opened {
            ctx.ui.warn(t!("pr.could_not_open_page", b = b));
        }
    }
    ctx.ui.out(url)
}

/// The page that opens the pull request in the browser, with everything filled in.
fn compare_url(
    endpoint: &crate::host::Endpoint,
    upstream: &str,
    base: &str,
    head: &str,
    title: &str,
    body: &str,
) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("expand", "1")
        .append_pair("title", title)
        .append_pair("body", body)
        .finish();
    format!("{}{upstream}/compare/{base}...{head}?{q}", endpoint.web)
}

// i18n: not for people (GitHub's own words, in English whatever our language)
const NO_COMMITS: &str = "No commits between";
// i18n: not for people (as above)
const ALREADY_EXISTS: &str = "already exists";

/// GitHub's 422 answers, in plain words.
fn plain_words(e: Error, base: &str, head: &str) -> Error {
    let has = |s: &str| e.causes.iter().any(|c| c.contains(s));
    if has(NO_COMMITS) {
        e.hint(t!("pr.github_sees_nothing_lacks", head = head, base = base))
    } else if has(ALREADY_EXISTS) {
        e.hint(t!("pr.pull_request_branch_open"))
    } else if e.kind == Kind::Unavailable {
        e.hint(t!("pr.nothing_was_opened_run"))
    } else {
        e
    }
}

/// Waits (with backoff) for a fork made moments ago, saying what it waits for.
fn wait_for_fork(ctx: &Ctx, origin: &str, auth: &transfer::Auth) -> Result<()> {
    let mut delay = Duration::from_millis(500);
    let mut waited = Duration::ZERO;
    let limit = Duration::from_secs(120);
    let mut told = false;
    while !transfer::reachable(origin, auth) {
        if waited >= limit {
            return Err(Error::unavailable(t!("pr.fork_not_ready_github"))
                .cause(t!(
                    "pr.did_not_answer_s",
                    origin = origin,
                    as_secs = limit.as_secs()
                ))
                .hint(t!("pr.large_repositories_can_take")));
        }
        if !told {
            ctx.ui
                .status(t!("verb.waiting"), t!("pr.github_finish_making_fork"));
            told = true;
        }
        std::thread::sleep(delay);
        waited += delay;
        delay = (delay * 2).min(Duration::from_secs(8));
    }
    Ok(())
}

/// What contrib knows: the issue link and the commit subjects.
fn prefill(tpl: &Template, c: &Contribution, commits: &[(String, String)], answers: &mut Answers) {
    let given = |i: usize, a: &Answers| {
        a.sections
            .iter()
            .any(|(k, _)| tpl.find_section(k) == Some(i))
    };
    let find = |words: &[&str]| {
        tpl.sections.iter().position(|s| {
            let t = s.title.to_lowercase();
            !t.is_empty() && s.placeholder && words.iter().any(|w| t.contains(w))
        })
    };
    if let Some(n) = c.issue
        && let Some(i) = find(&["issue", "fixes", "closes", "related", "关联"])
        && !given(i, answers)
    {
        answers
            .sections
            // i18n: not for people (GitHub's closing keyword)
            .push((tpl.sections[i].title.clone(), format!("Fixes #{n}")));
    }
    if let Some(i) = find(&[
        "what",
        "change",
        "description",
        "summary",
        "solve",
        "motivation",
        "解决",
        "做了",
        "改了",
    ]) && !given(i, answers)
    {
        let list: Vec<String> = commits
            .iter()
            .map(|(_, m)| format!("- {}", m.lines().next().unwrap_or("")))
            .collect();
        answers
            .sections
            .push((tpl.sections[i].title.clone(), list.join("\n")));
    }
}

/// `Fixes #N` somewhere in the body, so merging closes the issue.
fn link_issue(body: String, issue: Option<u64>) -> String {
    let Some(n) = issue else { return body };
    let linked = ["fixes", "closes", "resolves", "fix", "close", "resolve"]
        .iter()
        .any(|w| body.to_lowercase().contains(&format!("{w} #{n}")));
    if linked {
        return body;
    }
    let nl = if body.contains("\r\n") { "\r\n" } else { "\n" };
    // i18n: not for people (GitHub's closing keyword)
    format!("{}{nl}{nl}Fixes #{n}{nl}", body.trim_end())
}

fn default_title(commits: &[(String, String)], branch: &str) -> String {
    match commits {
        [(_, m)] => m.lines().next().unwrap_or(branch).to_string(),
        _ => commits
            .last()
            .map(|(_, m)| m.lines().next().unwrap_or(branch).to_string())
            .unwrap_or_else(|| branch.to_string()),
    }
}

/// On a terminal: each section that still needs words (hints shown, prefill offered), and
/// the checkboxes as a multi-select. Sections with the project's own text are left alone.
fn ask_sections(ctx: &Ctx, tpl: &Template, answers: &mut Answers) -> Result<()> {
    for (i, s) in tpl.sections.iter().enumerate() {
        if s.title.is_empty() {
            continue;
        }
        if !s.checkboxes.is_empty() {
            let items: Vec<String> = s
                .checkboxes
                .iter()
                .map(|b| crate::text::one_line(&b.text))
                .collect();
            let ticked: Vec<bool> = s
                .checkboxes
                .iter()
                .map(|b| {
                    b.checked
                        || answers
                            .checks
                            .iter()
                            .any(|c| c.eq_ignore_ascii_case(&b.text))
                })
                .collect();
            let chosen = ctx.ui.multi_select(
                &t!(
                    "pr.space_ticks_enter_goes",
                    title = crate::text::one_line(&s.title)
                ),
                &items,
                &ticked,
            )?;
            for k in chosen {
                if !s.checkboxes[k].checked {
                    answers.checks.push(s.checkboxes[k].text.clone());
                }
            }
            continue;
        }
        if !s.placeholder {
            continue;
        }
        for h in &s.hints {
            ctx.ui.note(crate::text::one_line(h));
        }
        let prefilled = answers
            .sections
            .iter()
            .find(|(k, _)| tpl.find_section(k) == Some(i))
            .map(|(_, v)| v.replace('\n', " / "))
            .unwrap_or_default();
        let answer = ctx
            .ui
            .input(crate::text::one_line(&s.title), &prefilled, true, |_| None)?;
        answers
            .sections
            .retain(|(k, _)| tpl.find_section(k) != Some(i));
        if !answer.trim().is_empty() {
            let text = if answer == prefilled {
                answer.replace(" / ", "\n")
            } else {
                answer
            };
            answers.sections.push((s.title.clone(), text));
        }
    }
    Ok(())
}

/// The issue's title, when it can be read (for the pull request's default title).
fn issue_title(
    ctx: &Ctx,
    gh: &crate::github::GitHub,
    owner: &str,
    name: &str,
    issue: u64,
) -> Option<String> {
    let i = ctx.block_on(gh.issue(owner, name, issue)).ok()?.ok()??;
    Some(crate::text::one_line(&i.title))
}

#[cfg(test)]
mod tests {
    use super::link_issue;

    #[test]
    fn the_issue_is_linked_once() {
        assert_eq!(link_issue("Body".into(), Some(3)), "Body\n\nFixes #3\n");
        assert_eq!(
            link_issue("Closes #3 already".into(), Some(3)),
            "Closes #3 already"
        );
        assert_eq!(link_issue("x\r\n".into(), Some(3)), "x\r\n\r\nFixes #3\r\n");
        assert_eq!(link_issue("x".into(), None), "x");
    }
}
