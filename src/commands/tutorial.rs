//! `contrib tutorial`: a whole first contribution, with the real commands, against a sandbox
//! started in-process in a temporary directory. Nothing leaves the machine.

use crate::auth::{Store, Token};
use crate::cli::Ctx;
use crate::commands;
use crate::env;
use crate::error::{Error, Result};
use crate::sandbox::{self, Sandbox};
use crate::t;
use serde_json::{Value, json};
use std::path::Path;

/// Practise a whole contribution on a local sandbox, step by step
///
/// It speaks English or Chinese: `--lang zh`, or CONTRIB_LANG / LANG=zh_CN.UTF-8.
#[derive(Debug, clap::Args)]
pub struct Args {}

// i18n: not for people (the practice project's own words: commits, reviews, files. English,
// as most upstreams expect; the narration around them follows --lang)
mod practice {
    pub const NAME: &str = "You (practice)";
    pub const FIX_SUBJECT: &str = "correct the greeting";
    pub const TESTED: &str = "How was it tested?=Ran python3 -m unittest discover tests";
    pub const REVIEW: &str = "Thanks! Could you add a test for the greeting?";
    pub const TEST_SUBJECT: &str = "check that it says Hello";
    pub const APPROVAL: &str = "Looks good, thank you!";
    pub const MAINTAINER: &str = "user.name=Mona Maintainer";
    pub const TEST_FILE: &str = "import unittest\n\nimport hello\n\n\nclass GreetTest(unittest.TestCase):\n    def test_greets_by_name(self):\n        self.assertIn(\"Ada\", hello.greet(\"Ada\"))\n\n    def test_says_hello(self):\n        self.assertEqual(hello.greet(\"Ada\"), \"Hello, Ada!\")\n\n\nif __name__ == \"__main__\":\n    unittest.main()\n";
    pub const CHANGELOG: &str =
        "- greet() says hello\n- the README explains the tests\n- a changelog\n";
    pub const CHANGELOG_COMMIT: &str =
        "docs: keep a changelog\n\nSigned-off-by: Mona Maintainer <mona@users.noreply.sandbox>";
    pub const CHECKS: [&str; 3] = ["signed off", "Conventional Commits", "unittest"];
}

struct Guide<'a> {
    ctx: &'a Ctx,
}

impl Guide<'_> {
    /// Narration: what a step does in git/GitHub terms, and why.
    fn say(&self, text: impl AsRef<str>) -> Result<()> {
        let t = text.as_ref();
        self.ctx.ui.out("")?;
        for line in t.trim_end().lines() {
            self.ctx.ui.out(format!("» {line}"))?;
        }
        Ok(())
    }

    /// On a terminal, a pause between steps; with --yes, none.
    fn pause(&self) -> Result<()> {
        if self.ctx.ui.interactive && !self.ctx.ui.yes {
            self.ctx
                .ui
                .confirm(t!("tutorial.ready_next_step"), Some(true), "--yes")?;
        }
        Ok(())
    }
}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let guide = Guide { ctx };
    let temp = sandbox::temp_dir()?;
    let root = temp.path();
    let mut options = sandbox::Options::new(root.join("sandbox"));
    options.seed = sandbox::Seed::Practice;
    let sb = Sandbox::start(options)?;

    // contrib is pointed at the sandbox: its API, and the practice token kept in a config
    // directory of its own (never in a URL, argv or the environment of git).
    let config = root.join("config");
    let store_path = config.join("credentials.json");
    let mut store = Store::default();
    let token = Token::new(sb.token.clone())
        .ok_or_else(|| Error::bug(t!("tutorial.sandbox_has_no_token")))?;
    store.set(&sb.addr.to_string(), &token);
    store
        .write(&store_path)
        .map_err(|e| Error::failed(t!("tutorial.could_not_set_up")).cause(e.to_string()))?;
    let work = root.join("work");
    std::fs::create_dir_all(&work)
        .map_err(|e| Error::failed(t!("tutorial.could_not_set_up")).cause(e.to_string()))?;
    let api = sb.api_url();
    let env = ctx
        .env
        .with(env::CONTRIB_API_URL, api.clone())
        .with(
            env::CONTRIB_CONFIG_DIR,
            config.to_string_lossy().into_owned(),
        )
        .without(env::GH_TOKEN)
        .without(env::GITHUB_TOKEN);
    let child_env = vec![
        (
            env::CONTRIB_CONFIG_DIR.to_string(),
            Some(config.to_string_lossy().into_owned()),
        ),
        (env::GH_TOKEN.to_string(), None),
        (env::GITHUB_TOKEN.to_string(), None),
    ];
    let mut here = ctx.derived(env, work.clone(), child_env.clone());
    here.global.api_url = Some(api);
    let dir = work.join("hello-contrib");
    // The same, run inside the clone; `answering` takes every default (--yes).
    let in_clone = here.derived(here.env.clone(), dir.clone(), child_env);
    let answering = |c: &Ctx| {
        let mut a = c.derived(c.env.clone(), c.cwd.clone(), c.child_env.clone());
        a.ui.yes = true;
        a
    };
    let maintainer = |body: Value| -> Result<Value> {
        let mut b = body;
        b["repo"] = "practice/hello-contrib".into();
        b["user"] = "mona".into();
        sb.control("maintainer", &b)
    };

    // What `contrib status` says, run in the clone.
    let status = || {
        commands::status::run(
            &in_clone,
            commands::status::Args {
                watch: false,
                interval: 15,
            },
        )
    };
    guide.say(t!("tutorial.story.intro"))?;
    guide.pause()?;
    guide.say(t!("tutorial.story.find_before"))?;
    // Just the list: the tutorial itself takes the next steps, not find's picker.
    let mut listing = here.derived(here.env.clone(), here.cwd.clone(), here.child_env.clone());
    listing.ui.interactive = false;
    commands::find::run(
        &listing,
        commands::find::Args {
            repos: vec!["practice/hello-contrib".into()],
            labels: vec![],
            language: None,
            topic: None,
            org: None,
            limit: 5,
            include_taken: false,
            sort: None,
        },
    )?;
    guide.say(t!("tutorial.story.find_after"))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.claim_before"))?;
    commands::claim::run(
        &answering(&here),
        commands::claim::Args {
            target: "practice/hello-contrib#1".into(),
            message: None,
            force: false,
            pr_lang: commands::pr::PrLang::En,
        },
    )?;
    guide.say(t!("tutorial.story.claim_after"))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.start_before"))?;
    commands::start::run(
        &here,
        commands::start::Args::for_target("practice/hello-contrib#1"),
    )?;
    // Commits in the practice clone are the practice account's (works with no git identity
    // set up, and leaves the person's own settings alone).
    crate::git::work::config_set(&dir, "user.name", practice::NAME)?;
    crate::git::work::config_set(&dir, "user.email", "you@users.noreply.sandbox")?;
    guide.say(t!("tutorial.story.start_after", dir = dir.display()))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.change_before"))?;
    make_change(ctx, &dir)?;
    guide.say(t!("tutorial.story.change_after"))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.commit_before"))?;
    commands::commit::run(&in_clone, commit_args(practice::FIX_SUBJECT))?;
    guide.say(t!("tutorial.story.commit_after"))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.pr_before"))?;
    commands::pr::run(&answering(&in_clone), pr_args(&[practice::TESTED]))?;
    guide.say(t!("tutorial.story.pr_after"))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.review_before"))?;
    let number = 12;
    maintainer(
        json!({"action": "review", "number": number, "state": "CHANGES_REQUESTED", "body": practice::REVIEW, "path": "tests/test_hello.py", "line": 8}),
    )?;
    status()?;
    guide.pause()?;

    guide.say(t!("tutorial.story.fix_before"))?;
    std::fs::write(dir.join("tests/test_hello.py"), practice::TEST_FILE)
        .map_err(|e| Error::failed(t!("tutorial.could_not_write_test")).cause(e.to_string()))?;
    commands::commit::run(
        &in_clone,
        commands::commit::Args {
            kind: Some("test".into()),
            ..commit_args(practice::TEST_SUBJECT)
        },
    )?;
    upstream_moves(&sb, root)?;
    commands::sync::run(
        &answering(&in_clone),
        commands::sync::Args {
            merge: false,
            autostash: false,
            continue_: false,
            abort: false,
            push: true,
            no_push: false,
            fork_default: false,
        },
    )?;
    guide.say(t!("tutorial.story.sync_after"))?;
    guide.pause()?;

    guide.say(t!("tutorial.story.checks_before"))?;
    maintainer(
        json!({"action": "check_run", "number": number, "name": "tests", "status": "completed", "conclusion": "action_required"}),
    )?;
    status()?;
    maintainer(
        json!({"action": "review", "number": number, "state": "APPROVED", "body": practice::APPROVAL}),
    )?;
    maintainer(
        json!({"action": "check_run", "number": number, "name": "tests", "status": "completed", "conclusion": "success"}),
    )?;
    maintainer(
        json!({"action": "status", "number": number, "context": "DCO", "state": "success"}),
    )?;
    status()?;
    guide.say(t!("tutorial.story.checks_after"))?;
    guide.pause()?;

    maintainer(json!({"action": "merge", "number": number}))?;
    guide.say(t!("tutorial.story.merged"))?;
    status()?;
    verify(&sb)?;
    guide.say(t!("tutorial.story.outro"))?;
    Ok(())
}

fn commit_args(message: &str) -> commands::commit::Args {
    commands::commit::Args {
        message: Some(message.into()),
        all: true,
        kind: None,
        scope: None,
        signoff: false,
        no_signoff: false,
        fix_signoff: false,
        allow_default_branch: false,
    }
}

fn pr_args(sections: &[&str]) -> commands::pr::Args {
    commands::pr::Args {
        title: None,
        body_file: None,
        template: None,
        sections: sections.iter().map(|s| s.to_string()).collect(),
        checks: practice::CHECKS.iter().map(|c| c.to_string()).collect(),
        draft: false,
        web: false,
        dry_run: false,
        no_maintainer_edit: false,
        pr_lang: commands::pr::PrLang::En,
        recover: None,
    }
}

/// The change issue #1 asks for; on a terminal the person may make it themselves.
fn make_change(ctx: &Ctx, dir: &Path) -> Result<()> {
    let file = dir.join("hello.py");
    let read = || {
        std::fs::read_to_string(&file)
            .map_err(|e| Error::failed(t!("tutorial.could_not_read_hello")).cause(e.to_string()))
    };
    if ctx.ui.interactive
        && !ctx.ui.yes
        && !ctx.ui.confirm(
            t!("tutorial.shall_tutorial_make_change"),
            Some(true),
            "--yes",
        )?
    {
        ctx.ui
            .out(t!("tutorial.edit_change_helo_hello", file = file.display()))?;
        while read()?.contains("Helo,") {
            ctx.ui.confirm(t!("tutorial.done"), Some(true), "--yes")?;
        }
        return Ok(());
    }
    // i18n: not for people (the practice project's code)
    let text = read()?.replace("\"Helo, \"", "\"Hello, \"");
    std::fs::write(&file, text)
        .map_err(|e| Error::failed(t!("tutorial.could_not_change_hello")).cause(e.to_string()))
}

/// Meanwhile, the maintainer lands another change upstream, so `sync` has work to do.
fn upstream_moves(sb: &Sandbox, root: &Path) -> Result<()> {
    let other = root.join("maintainer");
    let run = |args: &[&str], dir: &Path| -> Result<()> {
        let ok = std::process::Command::new("git")
            .args([
                "-c",
                practice::MAINTAINER,
                "-c",
                "user.email=mona@users.noreply.sandbox",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Ok(())
        } else {
            Err(Error::bug(t!(
                "tutorial.tutorial_s_maintainer_could",
                args = args.join(" ")
            )))
        }
    };
    let url = format!(
        "http://m:sandbox-maintainer-mona@{}/practice/hello-contrib.git",
        sb.addr
    );
    run(&["clone", "-q", &url, "maintainer"], root)?;
    std::fs::write(other.join("CHANGELOG.md"), practice::CHANGELOG)
        .map_err(|e| Error::bug(t!("tutorial.could_not_write")).cause(e.to_string()))?;
    run(&["commit", "-q", "-am", practice::CHANGELOG_COMMIT], &other)?;
    run(&["push", "-q", &url, "HEAD:main"], &other)
}

/// Every step really happened: the sandbox's own state says so.
fn verify(sb: &Sandbox) -> Result<()> {
    let state = sb.state()?;
    let repo = &state["repos"]["practice/hello-contrib"];
    let pr = repo["issues"]
        .as_array()
        .and_then(|i| i.iter().find(|x| x["number"] == 12))
        .cloned()
        .unwrap_or(Value::Null);
    let claimed = repo["comments"]
        .as_array()
        .is_some_and(|c| c.iter().any(|x| x["issue"] == 1 && x["user"] == "you"));
    let merged = pr["pull"]["merged_at"].is_string();
    let body = pr["body"].as_str().unwrap_or("");
    let filled = body.contains("Fixes #1") && !body.contains("Fixes #\n") && body.contains("- [x]");
    if !(claimed && merged && filled) {
        return Err(Error::bug(t!("tutorial.tutorial_did_not_leave")).cause(t!(
            "tutorial.claimed_merged_template_filled",
            claimed = claimed,
            merged = merged,
            filled = filled
        )));
    }
    Ok(())
}
