#!/usr/bin/env python3
"""Load benchmark of `synco serve` over loopback with wrk (Lua scripts in scripts/wrk/).

For each backend (SQLite file in a temp dir, and a fresh PostgreSQL database) it starts the
server with the example federation and a rate limit high enough not to matter, opens a number
decision, then runs wrk for --duration seconds each:

  submissions  POST /api/v1/councils/{council}/submissions   (ana, ben, chen, dara, fatou)
  ballots      PUT  /api/v1/decisions/bench/ballot             (all 8 members; upserts)

and prints a Markdown table: requests/s, latency p50/p90/p99/max, non-2xx and socket errors.
After each submissions run it checks that at least as many submissions are stored as wrk saw
acknowledged (a cheap lost-write check). Note that wrk and the server share the machine's CPUs.

Usage:
  scripts/load_bench.py [--binary PATH] [--backends sqlite,postgres] [--duration 15]
                        [--connections 8] [--threads 2] [--postgres-url postgres://synco@127.0.0.1:55432/synco_test]
Default binary: .build/release/synco if it exists, else .build/debug/synco (said in the output).
Needs wrk (apt-get install -y wrk).
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRK_DIR = os.path.join(REPO, "scripts", "wrk")
SUBMITTERS = {"ana": "mill-street", "ben": "mill-street", "chen": "harbour", "dara": "harbour", "fatou": "care-coop"}
VOTERS = ["ana", "ben", "chen", "dara", "emil", "fatou", "gus", "hana"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, method, path, body=None, token=None, timeout=30):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def pg(tool, base, name):
    u = urllib.parse.urlparse(base)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return subprocess.run([tool, "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres", name],
                          env=env, capture_output=True, text=True)


def wrk(port, script, args, a):
    cmd = ["wrk", f"-t{a.threads}", f"-c{a.connections}", f"-d{a.duration}s", "--timeout", "10s", "--latency",
           "-s", os.path.join(WRK_DIR, script), f"http://127.0.0.1:{port}", "--"] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.duration + 120)
    line = next((l for l in p.stdout.splitlines() if l.startswith("RESULT ")), None)
    if p.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-2000:]}")
    r = json.loads(line[len("RESULT "):])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def run_backend(kind, binary, a):
    work = tempfile.mkdtemp(prefix=f"synco-bench-{kind}-")
    pgname = None
    if kind == "sqlite":
        url = "sqlite:" + os.path.join(work, "synco.sqlite")
    else:
        pgname = f"synco_bench_{os.getpid()}_{int(time.time())}"
        r = pg("createdb", a.postgres_url, pgname)
        if r.returncode != 0:
            raise RuntimeError("createdb: " + r.stderr)
        url = urllib.parse.urlunparse(urllib.parse.urlparse(a.postgres_url)._replace(path="/" + pgname))
    port = free_port()
    log = open(os.path.join(work, "server.log"), "wb")
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--database", url,
                             "--example", os.path.join(REPO, "examples", "federation.json"), "--rate-limit", "1000000000"],
                            cwd=work, stdout=log, stderr=subprocess.STDOUT,
                            env={k: v for k, v in os.environ.items() if k != "SYNCO_ADMIN_TOKEN"})
    rows = []
    try:
        deadline = time.time() + 120
        while True:
            try:
                if http(port, "GET", "/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("server did not start: " + open(log.name).read()[-2000:])
            time.sleep(0.2)
        admin = open(os.path.join(work, "synco-admin.token")).read().strip()
        tokens = dict(l.split() for l in open(os.path.join(work, "synco-example-tokens.txt")) if l.strip() and not l.startswith("#"))
        st, body = http(port, "POST", "/api/v1/decisions",
                        {"id": "bench", "council": "riverside", "title": "bench", "method": "number", "lower": 0, "upper": 1000}, admin)
        if st != 201:
            raise RuntimeError(f"opening the decision: {st} {body}")

        def stored_submissions():
            total = 0
            for c in sorted(set(SUBMITTERS.values())):
                st, b = http(port, "GET", f"/api/v1/councils/{c}/submissions", timeout=120)
                total += len(b) if st == 200 else 0
            return total

        before = stored_submissions()
        r = wrk(port, "submit.lua", [f"{c}={tokens[m]}" for m, c in SUBMITTERS.items()], a)
        after = stored_submissions()
        acked = r["requests"] - r["non2xx"]
        r["check"] = "ok" if after - before >= acked else f"LOST {acked - (after - before)} of {acked}"
        rows.append((kind, "submissions", r))
        time.sleep(1)
        r = wrk(port, "ballot.lua", ["bench"] + [tokens[m] for m in VOTERS], a)
        st, _ = http(port, "GET", "/health", timeout=10)
        r["check"] = "ok" if st == 200 else f"/health {st}"
        rows.append((kind, "ballots", r))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if pgname and not a.keep:
            pg("dropdb", a.postgres_url, pgname)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    release, debug = os.path.join(REPO, ".build", "release", "synco"), os.path.join(REPO, ".build", "debug", "synco")
    ap.add_argument("--binary", default=release if os.path.exists(release) else debug)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--postgres-url", default=os.environ.get("SYNCO_TEST_POSTGRES", "postgres://synco@127.0.0.1:55432/synco_test"))
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    # A private copy, so a concurrent rebuild cannot swap the binary mid-run.
    tmpbin = os.path.join(tempfile.mkdtemp(prefix="synco-bench-bin-"), "synco")
    shutil.copy2(a.binary, tmpbin)
    mtime = datetime.datetime.fromtimestamp(os.path.getmtime(a.binary)).isoformat(timespec="seconds")
    kind = "release" if "/release/" in a.binary else ("debug" if "/debug/" in a.binary else "custom")
    print(f"binary: {a.binary} ({kind} build, modified {mtime}); cpus: {os.cpu_count()}; wrk -t{a.threads} -c{a.connections} -d{a.duration}s on the same machine\n")
    rows, failed = [], False
    for b in a.backends.split(","):
        try:
            rows += run_backend(b.strip(), tmpbin, a)
        except Exception as e:
            print(f"{b}: FAILED: {e}", file=sys.stderr)
            failed = True
    shutil.rmtree(os.path.dirname(tmpbin), ignore_errors=True)
    print("| backend | operation | conns | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors | check |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for backend, op, r in rows:
        sock = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
        print(f"| {backend} | {op} | {a.connections} | {r['requests']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p90_us'] / 1000:.2f} | "
              f"{r['p99_us'] / 1000:.2f} | {r['max_us'] / 1000:.1f} | {r['non2xx']} | {sock} | {r['check']} |")
        failed |= r["non2xx"] > 0 or sock > 0 or r["check"] != "ok"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
