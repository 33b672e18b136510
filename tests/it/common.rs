//! `TestEnv`: a hermetic home, the exact environment the tool may see, the sandbox, and
//! output normalised for snapshots.

use contrib::sandbox::{Options, Sandbox, Seed};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestEnv {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    /// Where commands run.
    pub work: PathBuf,
    vars: BTreeMap<String, String>,
    pub sandbox: Option<Sandbox>,
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestEnv {
    /// No sandbox: for commands that need no GitHub.
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("contrib-test-")
            .tempdir()
            .expect("temp dir");
        let base = root.path().canonicalize().expect("canonical temp dir");
        let home = base.join("home");
        let work = base.join("work");
        for d in [&home, &work, &home.join(".config"), &home.join(".cache")] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        let gitconfig = home.join(".gitconfig");
        std::fs::write(&gitconfig, "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n")
            .expect("write .gitconfig");
        let mut vars = BTreeMap::new();
        let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
        for (k, v) in [
            ("PATH", path.as_str()),
            ("HOME", home.to_str().expect("utf-8 path")),
            (
                "XDG_CONFIG_HOME",
                home.join(".config").to_str().expect("utf-8 path"),
            ),
            (
                "XDG_CACHE_HOME",
                home.join(".cache").to_str().expect("utf-8 path"),
            ),
            ("GIT_CONFIG_NOSYSTEM", "1"),
            ("GIT_CONFIG_GLOBAL", gitconfig.to_str().expect("utf-8 path")),
            (
                "GIT_CEILING_DIRECTORIES",
                base.to_str().expect("utf-8 path"),
            ),
            ("GIT_AUTHOR_NAME", "Test User"),
            ("GIT_AUTHOR_EMAIL", "test@example.com"),
            ("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z"),
            ("GIT_COMMITTER_NAME", "Test User"),
            ("GIT_COMMITTER_EMAIL", "test@example.com"),
            ("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z"),
            ("GIT_TERMINAL_PROMPT", "0"),
            ("NO_COLOR", "1"),
            ("TERM", "dumb"),
        ] {
            vars.insert(k.to_string(), v.to_string());
        }
        Self {
            root,
            home,
            work,
            vars,
            sandbox: None,
        }
    }

    /// With a practice sandbox; contrib is pointed at it with the user `you`'s token.
    pub fn with_sandbox() -> Self {
        Self::with_sandbox_options(|_| {})
    }

    pub fn with_sandbox_options(edit: impl FnOnce(&mut Options)) -> Self {
        let mut env = Self::new();
        let mut options = Options::new(env.base().join("sandbox"));
        options.seed = Seed::Practice;
        edit(&mut options);
        let sandbox = Sandbox::start(options).expect("sandbox starts");
        env.set("CONTRIB_API_URL", &sandbox.api_url());
        env.set("GH_TOKEN", &sandbox.token);
        env.sandbox = Some(sandbox);
        env
    }

    pub fn base(&self) -> PathBuf {
        self.root.path().canonicalize().expect("canonical temp dir")
    }

    pub fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().expect("this test has a sandbox")
    }

    pub fn set(&mut self, key: &str, value: &str) {
        self.vars.insert(key.to_string(), value.to_string());
    }

    pub fn unset(&mut self, key: &str) {
        self.vars.remove(key);
    }

    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    pub fn command(&self, program: &str, args: &[&str], dir: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(dir).env_clear().envs(&self.vars);
        cmd
    }

    /// Runs `contrib ARGS` in the work directory, with no standard input.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.work, args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.run_in(&self.work, args, Some(stdin))
    }

    /// Never hangs: a command still running after 60 s is killed and the test fails.
    pub fn run_in(&self, dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_contrib"), args, dir);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("contrib runs");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin");
            pipe.write_all(input.as_bytes()).expect("write stdin");
        }
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("contrib {args:?} did not finish in 60 s (a prompt without a terminal?)");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Output {
            code: status.code().unwrap_or(-1),
            stdout: reader.join().expect("stdout reader"),
            stderr: err_reader.join().expect("stderr reader"),
        }
    }

    /// Runs a git command; panics if it fails.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.command("git", args, dir).output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Temp paths, ports, tokens and SHAs replaced, for snapshots.
    pub fn redact(&self, text: &str) -> String {
        let mut t = text.replace(self.base().to_str().expect("utf-8"), "[ROOT]");
        if let Some(s) = &self.sandbox {
            t = t
                .replace(&s.token, "[TOKEN]")
                .replace(&s.addr.to_string(), "127.0.0.1:[PORT]");
        }
        let mut out = String::with_capacity(t.len());
        let mut run = String::new();
        for c in t.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_hexdigit() {
                run.push(c);
                continue;
            }
            if run.len() == 40 {
                out.push_str("[SHA]");
            } else {
                out.push_str(&run);
            }
            run.clear();
            out.push(c);
        }
        out.pop();
        // Times of day (rate-limit resets) change from run to run.
        let chars: Vec<char> = out.chars().collect();
        let mut o = String::new();
        let mut i = 0;
        while i < chars.len() {
            let d = |k: usize| chars.get(i + k).is_some_and(char::is_ascii_digit);
            if d(0) && d(1) && chars.get(i + 2) == Some(&':') && d(3) && d(4) {
                o.push_str("[HH:MM]");
                i += 5;
            } else {
                o.push(chars[i]);
                i += 1;
            }
        }
        o
    }

    /// A request to the sandbox's controls (`/_sandbox/…`).
    pub fn admin(&self, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, text) = http(
            self.sandbox().addr,
            method,
            &format!("/_sandbox/{path}"),
            &[],
            Some(&body.to_string()),
        );
        assert!(status < 300, "sandbox control {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// Adds a user with a token (scopes `None` = a fine-grained token).
    pub fn add_user(&self, login: &str, token: &str, scopes: Option<&[&str]>) {
        self.admin(
            "POST",
            "users",
            serde_json::json!({"login": login, "token": token, "scopes": scopes}),
        );
    }

    /// `contrib start TARGET`, then `hello.py` rewritten to `hello` and committed with
    /// `contrib commit -a`: a clone with one signed-off commit on its topic branch.
    pub fn started_with_a_commit(&self, target: &str, hello: &str) -> PathBuf {
        self.run(&["start", target]).expect_code(0);
        let name = target.split('/').nth(1).unwrap().split('#').next().unwrap();
        let dir = self.work.join(name);
        std::fs::write(dir.join("hello.py"), hello).unwrap();
        self.run_in(&dir, &["commit", "-a", "-m", "correct the greeting"], None)
            .expect_code(0);
        dir
    }

    /// Waits until a fork's git repository answers (GitHub makes forks in the background).
    pub fn wait_for_fork(&self, full_name: &str) {
        let refs = format!("/{full_name}.git/info/refs?service=git-upload-pack");
        for _ in 0..400 {
            if http(self.sandbox().addr, "GET", &refs, &[], None).0 == 200 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the fork {full_name} did not appear");
    }

    /// git with contrib as its only credential helper, as `contrib pr` pushes.
    pub fn push_with_helper(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        let helper = format!(
            "credential.helper=!'{}' auth git-credential",
            env!("CARGO_BIN_EXE_contrib")
        );
        let mut all = vec!["-c", "credential.helper=", "-c", helper.as_str()];
        all.extend_from_slice(args);
        self.command("git", &all, dir).output().expect("git runs")
    }

    /// The sandbox's whole state.
    pub fn state(&self) -> serde_json::Value {
        self.admin("GET", "state", serde_json::Value::Null)
    }
}

/// A minimal HTTP/1.1 client for tests: (status, body).
pub fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String) {
    let (status, _, body) = http_full(addr, method, path, headers, body);
    (status, body)
}

/// (status, headers lower-cased, body).
pub fn http_full(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the sandbox");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let body = body.unwrap_or("");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let hdrs: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    let chunked = hdrs
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    (status, hdrs, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}
