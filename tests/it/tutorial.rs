//! `contrib tutorial`: end to end with --yes in both languages, and the first
//! interactive steps in a pseudo-terminal.

use crate::common::TestEnv;

#[test]
fn the_whole_flow_in_english_and_chinese() {
    // No git identity and no token of the person's own: the tutorial needs neither.
    let env = TestEnv::new();
    std::fs::write(env.home.join(".gitconfig"), "").unwrap();
    let english = [
        "» Welcome! This tutorial",
        "» That is the whole flow",
        "Claimed: http://127.0.0.1:",
        "Pull request #12: http://127.0.0.1:",
        "1 waiting for a maintainer's approval",
        "Pull request #12 (merged)",
        "signed off as You (practice) <you@users.noreply.sandbox>",
    ];
    let chinese = [
        "» 欢迎！本教程",
        "» 这就是完整的流程",
        "已认领：http://127.0.0.1:",
        "拉取请求 #12：http://127.0.0.1:",
        "1 个等待维护者批准",
        "拉取请求 #12（已合并）",
        "已按项目要求以 You (practice) <you@users.noreply.sandbox> 签署",
    ];
    for (lang, expected, other) in [("en", english, chinese), ("zh", chinese, english)] {
        let out = env.run(&["tutorial", "--yes", "--lang", lang]);
        out.expect_code(0);
        // The narration, and the real commands' own output, in the chosen language.
        for line in expected {
            assert!(out.stdout.contains(line), "{lang}: {line}\n{}", out.stdout);
        }
        for line in other {
            assert!(!out.stdout.contains(line), "{lang}: {line}");
        }
    }
}

#[test]
fn the_language_comes_from_lang_or_the_locale() {
    let mut env = TestEnv::new();
    env.set("LANG", "zh_CN.UTF-8");
    let out = env.run(&["tutorial", "--yes"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("» 欢迎！本教程"),
        "LANG=zh_CN picks Chinese"
    );
    env.set("CONTRIB_LANG", "en");
    assert!(
        env.run(&["tutorial", "--yes"])
            .stdout
            .contains("» Welcome!"),
        "CONTRIB_LANG wins over LANG"
    );
    assert!(
        env.run(&["--lang", "zh", "tutorial", "--yes"])
            .stdout
            .contains("» 欢迎！"),
        "--lang wins over both"
    );
}

#[test]
fn the_first_steps_on_a_terminal() {
    use expectrl::{Expect, Session};
    // The same steps in each language: narration, the prompt, and a command's own output.
    let english = [
        "Welcome! This tutorial",
        "Ready for the next step?",
        "Step 1 of 9: find an issue",
        "Issue #1 is free",
        "Ready for the next step?",
        "Step 2 of 9: claim it",
        "Claimed: http://127.0.0.1:",
    ];
    let chinese = [
        "欢迎！本教程",
        "准备好进入下一步了吗？",
        "第 1 步（共 9 步）：找一个 issue",
        "#1 号 issue 没人做",
        "准备好进入下一步了吗？",
        "第 2 步：认领",
        "已认领：http://127.0.0.1:",
    ];
    for (lang, lines) in [("en", english), ("zh", chinese)] {
        let mut env = TestEnv::new();
        env.set("TERM", "xterm");
        let args = ["tutorial", "--lang", lang];
        let cmd = env.command(env!("CARGO_BIN_EXE_contrib"), &args, &env.work);
        let mut p = Session::spawn(cmd).expect("a pty");
        p.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
        for line in lines {
            p.expect(line)
                .unwrap_or_else(|e| panic!("{lang}: {line}: {e}"));
            if line == lines[1] {
                p.send("\r").unwrap();
            }
        }
        let _ = p
            .get_process_mut()
            .kill(expectrl::process::unix::Signal::SIGTERM);
    }
}
