#!/usr/bin/env python3
"""Multi-process decentral planning test (issue 5): a coordinator and K council processes on
loopback. Mid-run one council is killed (SIGKILL) and restarted, and the coordinator itself is
killed and restarted from its state file. The result must still match the central plan
(fulfilment within 1e-3 relative, linking residual within 1e-3); the wire log must hold no
technique ids or coefficients; a malformed report must be refused with a reason and flagged.

With --mode dantzig-wolfe the councils answer valuations with proposals and rents, keep their
plans in a local --state file (so the restarted council can still carry out its mix), and the
result must also report a certified gap within 1e-3.

Usage: scripts/federation_processes_test.py [--binary .build/debug/synco] [--councils 4] [--mode admm|dantzig-wolfe]
Exit 0 on success, 1 with the reason on failure. Standard library only."""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request, urllib.error

ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "synco"))
ap.add_argument("--councils", type=int, default=4)
ap.add_argument("--products", type=int, default=60)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--mode", choices=["admm", "dantzig-wolfe"], default="admm")
ap.add_argument("--private-needs", action="store_true",
                help="guaranteed needs stay in the council files (split --private-needs); public.json must not hold them")
args = ap.parse_args()

work = tempfile.mkdtemp(prefix="synco-federation-")
binary = os.path.join(work, "synco")
shutil.copy(os.path.abspath(args.binary), binary)
token = "federation-test-token"
procs = {}

def fail(msg):
    print("FAIL:", msg)
    for p in procs.values():
        if p.poll() is None: p.kill()
    print("work dir kept:", work)
    sys.exit(1)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

def run(cmd):
    r = subprocess.run([binary] + cmd, cwd=work, capture_output=True, text=True)
    if r.returncode != 0: fail(f"{' '.join(cmd)}: {r.stderr}")
    return r.stdout

port = free_port()
base = f"http://127.0.0.1:{port}/coordination"

def call(path, body=None):
    req = urllib.request.Request(base + "/" + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                 method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r: return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e: return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError): return 0, None

run(["generate", "--products", str(args.products), "--seed", "3", "--out", "economy.json"])
run(["split", "economy.json", "--councils", str(args.councils), "--out", "parts"] + (["--private-needs"] if args.private_needs else []))
if args.private_needs:
    whole = json.load(open(os.path.join(work, "economy.json")))
    pub = json.load(open(os.path.join(work, "parts", "public.json")))
    held = [n for k in range(1, args.councils + 1) for n in json.load(open(os.path.join(work, "parts", f"council-{k}.json"))).get("needs", [])]
    guaranteed = [n for n in whole["needs"] if n.get("guaranteed")]
    if not guaranteed: fail("the generated economy has no guaranteed needs to keep private")
    if any(n.get("guaranteed") for n in pub["needs"]): fail("public.json holds guaranteed needs")
    if sorted(json.dumps(n, sort_keys=True) for n in held) != sorted(json.dumps(n, sort_keys=True) for n in guaranteed):
        fail("the councils' files do not hold exactly the guaranteed needs")
    print(f"{len(guaranteed)} guaranteed needs held privately by the councils, none in public.json")
central = json.loads(run(["solve", "economy.json", "--format", "json", "--quiet"]))["fulfilment"]

coord_cmd = [binary, "coordinate", "parts/public.json", "--councils", str(args.councils), "--port", str(port), "--token", token,
             "--state", "state.json", "--wire-log", "wire.log", "--round-deadline", "0.3", "--mode", args.mode]
DW = args.mode == "dantzig-wolfe"
# Rounds at which to act: ADMM needs thousands of rounds, Dantzig–Wolfe a few dozen.
FIRST, DEAD, COORD = (5, 3, 6) if DW else (200, 10, 400)
def start_coordinator():
    procs["coordinator"] = subprocess.Popen(coord_cmd, cwd=work, stdout=open(os.path.join(work, "result.json"), "w"),
                                            stderr=open(os.path.join(work, "coordinator.err"), "a"))
def start_council(k):
    procs[k] = subprocess.Popen([binary, "council", "run", "--economy", f"parts/council-{k}.json", "--coordinator",
                                 f"http://127.0.0.1:{port}", "--token", token, "--patience", "120"]
                                + (["--state", f"council-{k}.state"] if DW else []), cwd=work,
                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"council-{k}.err"), "a"))

start_coordinator()
for k in range(1, args.councils + 1): start_council(k)

def status():
    code, s = call("status")
    return s if code == 200 else None

def wait_round(n):
    t0 = time.time()
    while time.time() - t0 < args.timeout:
        s = status()
        if s and s.get("rounds", 0) >= n: return s
        time.sleep(0.1)
    fail(f"round {n} not reached")

wait_round(FIRST)
# A malformed report is refused with a reason and flagged.
bad = {"proposals": [{"plan": 1, "z": [1, 2, 3], "rent": 0}]} if DW else {"z": [1, 2, 3]}
code, body = call("report", dict({"council": "council-1", "round": status()["rounds"] + 1}, **bad))
if code != 400 or "expected" not in str(body): fail(f"malformed report answered {code}: {body}")
if not any(f["council"] == "council-1" for f in status()["flagged"]): fail("malformed report not flagged")
code, body = call("report", {"council": "council-9", "round": 1, "z": []})
if code != 400: fail(f"unknown council answered {code}")
# Wrong types are the sender's fault: 400 with the field, never a server error.
for path, bad in (("report", {"council": 5, "round": 1, "z": []}), ("report", {"council": "council-1", "round": "x", "z": []}),
                  ("join", {"council": "council-1", "rows": [], "row_max": [], "internal_needs": "yes"})):
    code, body = call(path, bad)
    if code != 400: fail(f"{path} with {bad} answered {code}: {body}")
print("malformed and unknown reports refused and flagged")

# Kill a council; the others go on (round deadline); restart it.
procs[2].send_signal(signal.SIGKILL); procs[2].wait()
before = status()["rounds"]
wait_round(before + DEAD)
print(f"council-2 killed at round {before}; rounds continued to {status()['rounds']} without it")
start_council(2)

# Kill the coordinator; restart it from its state file.
wait_round(before + COORD)
r_kill = status()["rounds"]
procs["coordinator"].send_signal(signal.SIGKILL); procs["coordinator"].wait()
time.sleep(1)
start_coordinator()
print(f"coordinator killed at round {r_kill} and restarted from state.json")

t0 = time.time()
while procs["coordinator"].poll() is None:
    if time.time() - t0 > args.timeout: fail("no result within the timeout")
    time.sleep(0.2)
try:
    result = json.load(open(os.path.join(work, "result.json")))
except Exception as e:
    fail(f"no result JSON: {e}")
for k, p in procs.items():
    if k != "coordinator":
        try: p.wait(timeout=10)
        except subprocess.TimeoutExpired: p.kill()

rel = abs(result["fulfilment"] - central) / central
print(f"decentral fulfilment {result['fulfilment']:.6f}, central {central:.6f} (relative {rel:.2e}), "
      f"linking residual {result['linking_residual']:.2e}, rounds {result['rounds']}, missed {result['missed_reports']}")
if result["status"] != "converged": fail(f"status {result['status']}")
if rel > 1e-3: fail("fulfilment differs from the central plan by more than 1e-3")
if result["linking_residual"] > 1e-3: fail("linking residual above 1e-3")
if result["rounds"] <= r_kill: fail("the restarted coordinator did not resume")
if DW:
    if result.get("gap") is None or result["gap"] > 1e-3 * max(1, abs(result["fulfilment"])): fail(f"gap {result.get('gap')} not within 1e-3")
    lost = [k for k in range(1, args.councils + 1) if "no longer has" in open(os.path.join(work, f"council-{k}.err")).read()]
    if lost: fail(f"councils {lost} could not carry out their mix")
    print(f"certified gap {result['gap']:.2e}")

# What crossed the wire: row names and numbers only — no technique ids, no coefficients by technique.
wire = open(os.path.join(work, "wire.log")).read()
for k in range(1, args.councils + 1):
    part = json.load(open(os.path.join(work, "parts", f"council-{k}.json")))
    for t in part["techniques"]:
        if '"' + t["id"] + '"' in wire: fail(f"technique id {t['id']} crossed the wire")
for word in ['"techniques"', '"inputs"', '"outputs"', '"capacity"', '"needs"']:
    if word in wire: fail(f"{word} crossed the wire")
print(f"wire log: {wire.count(chr(10))} requests, no techniques, coefficients or needs")
print("PASS")
shutil.rmtree(work, ignore_errors=True)
