//! The interactive fill of `contrib pr`, driven end to end in a pseudo-terminal.

use crate::common::TestEnv;
use expectrl::{Eof, Expect, Session};
use std::time::Duration;

#[test]
fn pr_fills_the_template_section_by_section_on_a_terminal() {
    let mut env = TestEnv::with_sandbox();
    let dir = env.started_with_a_commit("practice/hello-contrib#1", "print('Hello')\n");

    env.set("TERM", "xterm");
    let cmd = env.command(env!("CARGO_BIN_EXE_contrib"), &["pr"], &dir);
    let mut p = Session::spawn(cmd).expect("a pty");
    p.set_expect_timeout(Some(Duration::from_secs(30)));
    // 1. The hint, then the prefilled commit list: accepted as it is.
    p.expect("Describe the change").unwrap();
    p.expect("What does this pull request do?").unwrap();
    p.send("\r").unwrap();
    // 2. The issue link, prefilled.
    p.expect("Which issue does it fix?").unwrap();
    p.send("\r").unwrap();
    // 3. Our own words.
    p.expect("How was it tested?").unwrap();
    p.send("Ran python3 -m unittest\r").unwrap();
    // 4. Checkboxes: tick the first, then go on.
    p.expect("Checklist").unwrap();
    p.send(" ").unwrap();
    p.send("\r").unwrap();
    // The title, prefilled from the commit; the preview; submit.
    p.expect("Title").unwrap();
    p.send("\r").unwrap();
    p.expect("Send it?").unwrap();
    p.send("\r").unwrap();
    p.expect("Pull request #12").unwrap();
    p.expect(Eof).unwrap();

    let state = env.state();
    let pull = state["repos"]["practice/hello-contrib"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == 12)
        .unwrap()
        .clone();
    let body = pull["body"].as_str().unwrap();
    assert!(
        body.contains("## What does this pull request do?\n\n- fix: correct the greeting\n"),
        "{body}"
    );
    assert!(
        body.contains("## Which issue does it fix?\n\nFixes #1\n"),
        "{body}"
    );
    assert!(
        body.contains("## How was it tested?\n\nRan python3 -m unittest\n"),
        "{body}"
    );
    assert!(body.contains("- [x] My commits are signed off"), "{body}");
    assert!(
        body.contains("- [ ] My commit messages follow Conventional Commits"),
        "{body}"
    );
    assert!(
        !body.contains("<!--"),
        "the answered sections' hints are gone: {body}"
    );
    assert_eq!(pull["title"], "fix: correct the greeting");
}
