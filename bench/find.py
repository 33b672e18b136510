"""Drives bench/find.sh. Counts requests from the sandbox's own request log."""

import json, os, shutil, subprocess, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTRIB = os.path.join(ROOT, "target", "release", "contrib")
LATENCY_MS = 100


def main():
    work = tempfile.mkdtemp(prefix="contrib-bench-find-")
    log = os.path.join(work, "requests.jsonl")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GH_", "GITHUB_", "CONTRIB_"))}
    env.update({"HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"), "NO_COLOR": "1"})
    server = subprocess.Popen([CONTRIB, "sandbox", "--dir", os.path.join(work, "sb"), "--json", "--log", log],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    info = json.loads(server.stdout.readline())
    web = info["web_url"]

    def admin(path, body):
        req = urllib.request.Request(f"{web}/_sandbox/{path}", data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(req).read()

    try:
        repos = ["practice/hello-contrib"]
        for i in range(49):
            admin("repos", {"owner": f"proj{i}", "name": "app", "from": "practice/hello-contrib", "with_issues": True})
            repos.append(f"proj{i}/app")
        admin("latency", {"ms": LATENCY_MS})
        env.update({"CONTRIB_API_URL": info["api_url"], "GH_TOKEN": info["token"]})
        print(f"sandbox API latency {LATENCY_MS} ms; each repository has 10 open issues, 7 with beginner labels")
        print(f"{'':22}{'wall s':>8}{'requests':>10}{'304s':>6}{'round trips':>13}")
        for name, targets in [("1 repository", repos[:1]), ("50 repositories", repos)]:
            shutil.rmtree(os.path.join(work, "cache"), ignore_errors=True)
            for cache in ["cold", "warm"]:
                before = sum(1 for _ in open(log))
                start = time.monotonic()
                subprocess.run([CONTRIB, "find", "--json", *targets], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall = time.monotonic() - start
                lines = [json.loads(l) for l in open(log)][before:]
                not_modified = sum(1 for l in lines if l["status"] == 304)
                # Each sequential round trip costs one latency; the rest is local work.
                print(f"{name + ', ' + cache:22}{wall:8.2f}{len(lines):10}{not_modified:6}{wall * 1000 / LATENCY_MS:13.1f}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
