"""Drives bench/start.sh: see there. Prints one table; medians over ROUNDS."""

import json, os, random, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTRIB = os.path.join(ROOT, "target", "release", "contrib")
CACHE = os.path.join(tempfile.gettempdir(), "contrib-bench-big-v2.git")
COMMITS, FILES, BLOB = 30_000, 400, 3_600


def make_big_repo():
    """30k commits of incompressible blobs: a ~105 MiB pack, made once and cached."""
    if os.path.exists(os.path.join(CACHE, "HEAD")):
        return
    tmp = CACHE + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", tmp], check=True)
    fi = subprocess.Popen(["git", "--git-dir", tmp, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    rnd = random.Random(42)
    w = fi.stdin.write
    for i in range(COMMITS):
        data = rnd.randbytes(BLOB)  # incompressible: the pack is as big as the data
        msg = f"change {i}\n".encode()
        w(b"commit refs/heads/main\n")
        w(f"committer Bench <bench@example.com> {1_600_000_000 + i} +0000\n".encode())
        w(b"data %d\n%s" % (len(msg), msg))
        w(f"M 100644 inline src/file{i % FILES}.txt\n".encode())
        w(b"data %d\n%s\n" % (len(data), data))
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("fast-import failed")
    subprocess.run(["git", "--git-dir", tmp, "repack", "-a", "-d", "-q"], check=True)
    os.rename(tmp, CACHE)


def pack_size(git_dir):
    total = 0
    for d, _, files in os.walk(os.path.join(git_dir, "objects", "pack")):
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files if f.endswith(".pack"))
    return total


def timed(cmds, env, cwd):
    """Runs commands one after another; returns (wall seconds, peak RSS MiB over the tree)."""
    start = time.monotonic()
    peak = 0
    for cmd in cmds:
        if callable(cmd):
            cmd()
            continue
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        err = p.stderr.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{err}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return time.monotonic() - start, peak


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    make_big_repo()
    count = subprocess.run(["git", "--git-dir", CACHE, "rev-list", "--count", "main"], capture_output=True, text=True, check=True).stdout.strip()
    work = tempfile.mkdtemp(prefix="contrib-bench-")
    sandbox_dir = os.path.join(work, "sandbox")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GH_", "GITHUB_", "CONTRIB_"))}
    env.update({"HOME": work, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "NO_COLOR": "1"})
    server = subprocess.Popen(
        [CONTRIB, "sandbox", "--seed", "empty", "--dir", sandbox_dir, "--latency", "100", "--fork-delay", "5000", "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    info = json.loads(server.stdout.readline())
    api, web = info["api_url"], info["web_url"]

    def admin(path, body):
        req = urllib.request.Request(f"{web}/_sandbox/{path}", data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(req).read()

    def api_post(path, token):
        req = urllib.request.Request(f"{api}{path}", data=b"{}", method="POST", headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(req).read()

    def wait_for_git(full):
        while True:
            try:
                urllib.request.urlopen(f"{web}/{full}.git/info/refs?service=git-upload-pack").read()
                return
            except Exception:
                time.sleep(0.05)

    try:
        admin("repos", {"owner": "bigproject", "name": "big", "from": CACHE})
        upstream = f"{web}/bigproject/big.git"
        results = {"git clone": [], "by hand": [], "contrib start": []}
        for r in range(rounds):
            # Each round a new user, so each forks afresh.
            hand_user, tool_user = f"hand{r}", f"tool{r}"
            for u in (hand_user, tool_user):
                admin("users", {"login": u, "token": f"tok-{u}", "scopes": ["repo"]})
            d = os.path.join(work, f"r{r}")
            os.makedirs(d)

            results["git clone"].append(timed([["git", "clone", "-q", upstream, "plain"]], env, d))

            fork_url = f"{web}/{hand_user}/big.git"
            hand = os.path.join(d, "hand")
            results["by hand"].append(timed([
                lambda: api_post("/repos/bigproject/big/forks", f"tok-{hand_user}"),
                lambda: wait_for_git(f"{hand_user}/big"),
                ["git", "clone", "-q", fork_url, hand],
                ["git", "-C", hand, "remote", "add", "upstream", upstream],
                ["git", "-C", hand, "fetch", "-q", "upstream"],
                ["git", "-C", hand, "checkout", "-q", "-b", "topic", "upstream/main"],
            ], env, d))

            tool_env = dict(env, CONTRIB_API_URL=api, GH_TOKEN=f"tok-{tool_user}")
            results["contrib start"].append(timed([[CONTRIB, "-q", "start", "bigproject/big", "--branch", "topic", "--dir", "tool"]], tool_env, d))
            shutil.rmtree(d)
    finally:
        server.terminate()
        server.wait()

    med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in results.items()}
    clone_w, clone_m = med["git clone"]
    hand_w = med["by hand"][0]
    start_w, start_m = med["contrib start"]
    print(f"repository: {count} commits, {pack_size(CACHE) / 2**20:.0f} MiB pack; API latency 100 ms, fork delay 5 s; median of {rounds}")
    print(f"{'':16}{'wall s':>8}{'peak RSS MiB':>14}")
    for k, (w, m) in med.items():
        print(f"{k:16}{w:8.2f}{m:14.1f}")
    print(f"start / by hand                  {start_w / hand_w:.2f}  (target <= 0.60)")
    print(f"start / max(fork delay, clone)   {start_w / max(5.0, clone_w):.2f}  (target <= 1.10)")
    print(f"start RSS / git clone RSS        {start_m / clone_m:.2f}  (target <= 1.00)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
