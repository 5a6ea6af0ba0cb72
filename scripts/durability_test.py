#!/usr/bin/env python3
"""Crash-durability test for `synco serve`.

Starts the server on a fresh database (SQLite file in a temp dir, or a fresh PostgreSQL
database), streams submissions and ballots from several concurrent client threads, records
every request that was acknowledged with a 2xx, kill -9's the server at a random moment
after N acknowledged operations, restarts it on the same database and checks that

  * every acknowledged submission is stored with the same council, sequence, member and hash
    (unacknowledged in-flight ones may or may not be there; sequences must stay unique),
  * each member's stored ballot is the latest acknowledged one (or the single ballot that was
    in flight at the kill, which may or may not have landed),
  * closing the decision tallies exactly the members whose ballots are stored,
  * `synco audit verify` passes (right after the crash, and again at the end), and
    GET /api/v1/audit/verify says ok.

Standard library only. Exit 0 on success, 1 with details on failure, 2 on setup errors.

Usage:
  scripts/durability_test.py sqlite
  scripts/durability_test.py postgres --postgres-url postgres://synco@127.0.0.1:55432/synco_test
  options: --binary PATH (default .build/debug/synco), --ops N (acks before the kill; default
  random 300..1000), --rounds K (crash/restart cycles), --threads-per-member T, --seed S, --keep
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUBMITTERS = {"ana": "mill-street", "ben": "mill-street", "chen": "harbour", "dara": "harbour", "fatou": "care-coop"}
VOTERS = ["ana", "ben", "chen", "dara", "emil", "fatou", "gus", "hana"]
PRODUCTS = ["grain", "bread", "electricity", "housing", "care", "childcare"]
DECISION = "durability"
TIMEOUT = 15


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, url, workdir, port):
        self.binary, self.url, self.workdir, self.port = binary, url, workdir, port
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(os.path.join(self.workdir, f"server-{self.starts}.log"), "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--database", self.url,
             "--example", os.path.join(REPO, "examples", "federation.json"),
             "--admin-token-file", os.path.join(self.workdir, "synco-admin.token"),
             "--rate-limit", "1000000"],
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if k != "SYNCO_ADMIN_TOKEN"})
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {log.name}:\n" + open(log.name).read()[-3000:])
            try:
                st, _ = request(self.port, "GET", "/health", timeout=2)
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not become healthy within 120 s")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


def request(port, method, path, body=None, token=None, timeout=30):
    """Returns (status, parsed JSON or text). Raises OSError / http.client errors on transport failure."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, raw.decode("utf-8", "replace")
    finally:
        conn.close()


class Recorder:
    """What the clients were told. Guarded by one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked_subs = []                 # (council, sequence, member, hash, needs)
        self.ballot_acked = {}               # member -> last acknowledged number
        self.ballot_inflight = {}            # member -> numbers sent since the last acknowledgement
        self.acks = 0
        self.errors = []                     # unexpected (non-transport) failures before the kill
        self.statuses = {}

    def count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1


def submit_worker(port, member, council, token, rec, stop, rng):
    while not stop.is_set():
        needs = [{"product": rng.choice(PRODUCTS), "amount": rng.randint(1, 500)}]
        try:
            st, body = request(port, "POST", f"/api/v1/councils/{council}/submissions", {"needs": needs}, token, timeout=TIMEOUT)
        except (OSError, http.client.HTTPException) as e:
            if stop.is_set():
                return
            with rec.lock:
                rec.errors.append(f"submission by {member}: transport error before the kill: {e!r}")
            time.sleep(0.01)
            continue
        rec.count(st)
        if 200 <= st < 300:
            with rec.lock:
                rec.acked_subs.append((council, body.get("sequence"), body.get("member"), body.get("hash"), needs))
                rec.acks += 1
        elif not stop.is_set():
            with rec.lock:
                rec.errors.append(f"submission by {member}: HTTP {st} {body}")


def ballot_worker(port, member, token, rec, stop, rng):
    # One thread per member so "latest acknowledged" is well defined. Ballots sent since the last
    # acknowledgement (normally just the one in flight at the kill) may or may not have landed.
    while not stop.is_set():
        n = rng.randint(0, 1000)
        with rec.lock:
            rec.ballot_inflight.setdefault(member, []).append(n)
        try:
            st, body = request(port, "PUT", f"/api/v1/decisions/{DECISION}/ballot", {"number": n}, token, timeout=TIMEOUT)
        except (OSError, http.client.HTTPException) as e:
            if stop.is_set():
                return
            with rec.lock:
                rec.errors.append(f"ballot by {member}: transport error before the kill: {e!r}")
            time.sleep(0.01)
            continue
        rec.count(st)
        with rec.lock:
            if 200 <= st < 300:
                rec.ballot_acked[member] = n
                rec.acks += 1
                rec.ballot_inflight.pop(member, None)
            else:
                rec.ballot_inflight[member].remove(n)
                if not stop.is_set():
                    rec.errors.append(f"ballot by {member}: HTTP {st} {body}")


def audit_cli(binary, url, workdir):
    p = subprocess.run([binary, "audit", "verify", "--database", url, "--format", "json"], cwd=workdir,
                       capture_output=True, text=True, timeout=300)
    return p.returncode, (p.stdout + p.stderr).strip()


def pg_parts(url):
    u = urllib.parse.urlparse(url)
    return u.hostname or "127.0.0.1", str(u.port or 5432), u.username or "postgres", u.password


def pg_cmd(tool, base, name):
    host, port, user, password = pg_parts(base)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    return subprocess.run([tool, "-h", host, "-p", port, "-U", user, name], env=env, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["sqlite", "postgres"])
    ap.add_argument("--binary", default=os.path.join(REPO, ".build", "debug", "synco"))
    ap.add_argument("--postgres-url", default=os.environ.get("SYNCO_TEST_POSTGRES", "postgres://synco@127.0.0.1:55432/synco_test"),
                    help="any database on the server; a fresh database is created next to it")
    ap.add_argument("--ops", type=int, default=0, help="acknowledged operations before the kill (default: random 300..1000)")
    ap.add_argument("--rounds", type=int, default=1, help="crash/restart cycles")
    ap.add_argument("--threads-per-member", type=int, default=1, help="submission threads per submitting member")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--stall", type=float, default=20, help="fail when no request is acknowledged for this many seconds")
    ap.add_argument("--timeout", type=float, default=15, help="per-request timeout of the streaming clients")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir and the postgres database")
    a = ap.parse_args()
    global TIMEOUT
    TIMEOUT = a.timeout

    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"durability test: {a.kind}, seed {seed}")
    workdir = tempfile.mkdtemp(prefix="synco-durability-")
    # Run a private copy of the binary: a concurrent rebuild must not swap it under a restart.
    binary = os.path.join(workdir, "synco")
    shutil.copy2(a.binary, binary)
    pgname = None
    if a.kind == "sqlite":
        url = "sqlite:" + os.path.join(workdir, "synco.sqlite")
    else:
        pgname = f"synco_dur_{os.getpid()}_{rng.randrange(1 << 20)}"
        r = pg_cmd("createdb", a.postgres_url, pgname)
        if r.returncode != 0:
            print("createdb failed: " + r.stderr, file=sys.stderr)
            return 2
        u = urllib.parse.urlparse(a.postgres_url)
        url = urllib.parse.urlunparse(u._replace(path="/" + pgname))
    print(f"database {url}\nworkdir {workdir}")

    failures = []
    server = Server(binary, url, workdir, free_port())
    try:
        server.start()
        admin = open(os.path.join(workdir, "synco-admin.token")).read().strip()
        tokens = {}
        for line in open(os.path.join(workdir, "synco-example-tokens.txt")):
            if line.strip() and not line.startswith("#"):
                m, t = line.split()
                tokens[m] = t
        st, body = request(server.port, "POST", "/api/v1/decisions",
                           {"id": DECISION, "council": "riverside", "title": "durability", "method": "number", "lower": 0, "upper": 1000}, admin)
        if st != 201:
            print(f"could not open the decision: HTTP {st} {body}", file=sys.stderr)
            return 2

        rec = Recorder()
        for rnd in range(1, a.rounds + 1):
            target = a.ops or rng.randint(300, 1000)
            target_total = rec.acks + target
            stop = threading.Event()
            threads = []
            for m, c in SUBMITTERS.items():
                for _ in range(a.threads_per_member):
                    threads.append(threading.Thread(target=submit_worker, args=(server.port, m, c, tokens[m], rec, stop, random.Random(rng.random())), daemon=True))
            for m in VOTERS:
                threads.append(threading.Thread(target=ballot_worker, args=(server.port, m, tokens[m], rec, stop, random.Random(rng.random())), daemon=True))
            t0 = time.time()
            for t in threads:
                t.start()
            # Kill at a random moment after `target` acknowledgements (a short random extra delay).
            last_acks, last_t = rec.acks, time.time()
            while rec.acks < target_total:
                if rec.acks != last_acks:
                    last_acks, last_t = rec.acks, time.time()
                elif time.time() - last_t > a.stall:
                    try:
                        hs, hb = request(server.port, "GET", "/health", timeout=3)
                        health = f"GET /health -> {hs}"
                    except Exception as e:
                        health = f"GET /health -> {e!r}"
                    failures.append(f"round {rnd}: server STALLED: no acknowledgement for {a.stall:.0f} s after {rec.acks} acks "
                                    f"(process {'alive' if server.proc.poll() is None else 'exited'}; {health}); "
                                    f"inspect with: gdb -p {server.proc.pid} -batch -ex 'thread apply all bt'")
                    break
                if all(not t.is_alive() for t in threads):
                    break
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.05))
            stop.set()          # set before the kill so transport errors are read as the crash
            server.kill9()
            dt = time.time() - t0
            for t in threads:
                t.join(timeout=60)
            with rec.lock:
                inflight = dict(rec.ballot_inflight)
                errors = list(rec.errors)
            print(f"round {rnd}: killed -9 after {rec.acks} acks total ({len(rec.acked_subs)} submissions, "
                  f"{len(rec.ballot_acked)} voters) in {dt:.1f} s; ballots in flight: {inflight}; statuses {rec.statuses}")
            if errors:
                failures += [f"round {rnd}: unexpected response before the kill: {e}" for e in errors[:8]]
                if len(errors) > 8:
                    failures.append(f"round {rnd}: ... and {len(errors) - 8} more unexpected responses / transport errors")

            # The crashed database, before the restart, must already verify (SQLite recovers its WAL on open).
            rc, out = audit_cli(binary, url, workdir)
            if rc != 0:
                failures.append(f"round {rnd}: `synco audit verify` right after kill -9 exited {rc}: {out}")

            server.start()
            # Submissions
            stored = {}
            for council in sorted(set(SUBMITTERS.values())):
                st, body = request(server.port, "GET", f"/api/v1/councils/{council}/submissions")
                if st != 200:
                    failures.append(f"GET submissions of {council}: HTTP {st} {body}")
                    continue
                seen = set()
                for s in body:
                    key = (council, s.get("sequence"))
                    if key in seen:
                        failures.append(f"duplicate sequence {key} after restart")
                    seen.add(key)
                    stored[key] = s
            lost = mismatched = 0
            for council, seq, member, h, needs in rec.acked_subs:
                s = stored.get((council, seq))
                if s is None:
                    lost += 1
                    if lost <= 20:
                        failures.append(f"LOST acknowledged submission {council}#{seq} by {member} hash {h}")
                elif s.get("hash") != h or s.get("member") != member:
                    mismatched += 1
                    if mismatched <= 20:
                        failures.append(f"submission {council}#{seq} differs: acknowledged {member}/{h}, stored {s.get('member')}/{s.get('hash')}")
                elif [(n["product"], float(n["amount"])) for n in s.get("needs", [])] != [(n["product"], float(n["amount"])) for n in needs]:
                    mismatched += 1
                    failures.append(f"submission {council}#{seq} needs differ: sent {needs}, stored {s.get('needs')}")
            if lost > 20 or mismatched > 20:
                failures.append(f"in all {lost} lost, {mismatched} mismatched acknowledged submissions")
            extra = len(stored) - len(set((c, q) for c, q, *_ in rec.acked_subs)) - 3   # 3 from the example federation in these councils
            print(f"round {rnd}: {len(rec.acked_subs)} acknowledged submissions checked; "
                  f"{lost} lost, {mismatched} differ; {max(extra, 0)} unacknowledged (in flight) landed")

            # Ballots
            bad = 0
            for m in VOTERS:
                st, body = request(server.port, "GET", f"/api/v1/decisions/{DECISION}/ballot", token=tokens[m])
                stored_n = body.get("number") if st == 200 and isinstance(body, dict) else None
                ok_values = set()
                if m in rec.ballot_acked:
                    ok_values.add(rec.ballot_acked[m])
                ok_values.update(inflight.get(m, []))
                if st == 404 and m not in rec.ballot_acked:
                    continue
                if st != 200 or stored_n is None or not any(float(stored_n) == float(v) for v in ok_values):
                    bad += 1
                    failures.append(f"ballot of {m}: stored {st} {body}, acknowledged {rec.ballot_acked.get(m)}, in flight {inflight.get(m)}")
            print(f"round {rnd}: ballots of {len(VOTERS)} members checked; {bad} wrong")
            rec.ballot_inflight.clear()

        # Close the decision and compare the tally with the stored ballots.
        expected_voters = 0
        for m in VOTERS:
            st, _ = request(server.port, "GET", f"/api/v1/decisions/{DECISION}/ballot", token=tokens[m])
            expected_voters += st == 200
        st, tally = request(server.port, "POST", f"/api/v1/decisions/{DECISION}/close", token=admin)
        if st != 200:
            failures.append(f"closing the decision: HTTP {st} {tally}")
        else:
            st2, d = request(server.port, "GET", f"/api/v1/decisions/{DECISION}")
            t = d.get("tally") if isinstance(d, dict) else None
            if not t or t.get("ballots") != expected_voters or tally.get("ballots") != expected_voters:
                failures.append(f"tally counts {tally.get('ballots')} (stored: {t and t.get('ballots')}) ballots, {expected_voters} members have one")
            else:
                print(f"closed: tally of {expected_voters} ballots, number {t.get('number')}")
        st, v = request(server.port, "GET", "/api/v1/audit/verify", token=admin, timeout=300)
        if st != 200 or not v.get("ok"):
            failures.append(f"GET /api/v1/audit/verify: HTTP {st} {v}")
        else:
            print(f"GET /api/v1/audit/verify: ok, {v.get('entries')} entries")
        server.stop()
        rc, out = audit_cli(binary, url, workdir)
        if rc != 0:
            failures.append(f"`synco audit verify --database {url}` exited {rc}: {out}")
        else:
            print(f"synco audit verify: exit 0 ({' '.join(out.split())[:120]})")
    except Exception as e:   # setup errors and the like
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        server.kill9()
        if not a.keep and not failures:
            shutil.rmtree(workdir, ignore_errors=True)
            if pgname:
                pg_cmd("dropdb", a.postgres_url, pgname)
        else:
            print(f"kept {workdir}" + (f" and database {pgname}" if pgname else ""))

    if failures:
        print("FAIL")
        for f in failures:
            print("  " + f)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
