#!/usr/bin/env python3
"""Decentral planning benchmark (issue 5): rounds and time to a tolerance versus the number of
councils, for each mode, against the central solve of the same economy measured in the same run
(the anchor), and the data each council reveals compared with what a central solve needs.

Usage: scripts/federate_bench.py [--binary .build/release/synco] [--products 2000] [--workplaces W]
       [--councils 10,100,1000] [--modes admm,dantzig-wolfe] [--tolerance 1e-3] [--max-rounds 20000]
Prints a Markdown table. Standard library only."""
import argparse, json, os, subprocess, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "synco"))
ap.add_argument("--products", type=int, default=2000)
ap.add_argument("--seed", type=int, default=3)
ap.add_argument("--workplaces", type=int, default=1,
                help="workplaces per technique (Pequod's shape: few goods, many worker councils)")
ap.add_argument("--councils", default="10,100,1000")
ap.add_argument("--modes", default="admm,dantzig-wolfe")
ap.add_argument("--tolerance", type=float, default=1e-3)
ap.add_argument("--max-rounds", type=int, default=20000)
ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
args = ap.parse_args()

work = tempfile.mkdtemp(prefix="synco-fedbench-")
econ = os.path.join(work, "economy.json")
subprocess.run([args.binary, "generate", "--products", str(args.products), "--seed", str(args.seed),
                "--workplaces", str(args.workplaces), "--out", econ], check=True, capture_output=True)
doc = json.load(open(econ))
rows = len(doc["products"]) + sum(1 for r in doc["resources"] if r.get("limit") is not None)
private_numbers = sum(1 + len(t.get("inputs", {})) + len(t.get("outputs", {})) + len(t.get("resources", {}))
                      for t in doc["techniques"])

t0 = time.time()
central = json.loads(subprocess.run([args.binary, "solve", econ, "--format", "json", "--quiet"], check=True,
                                    capture_output=True, text=True).stdout)
central_s = time.time() - t0
print(f"economy: {args.products} products, {len(doc['techniques'])} techniques, {rows} linking rows; "
      f"central solve {central_s:.2f} s (λ = {central['fulfilment']:.6f}), "
      f"the centre would need {private_numbers} private numbers (coefficients and capacities)\n")
print("| mode | councils | status | rounds | seconds | seconds / central | relative difference | linking residual | gap | numbers sent per council | sent / private per council |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for mode in args.modes.split(","):
    for k in [int(c) for c in args.councils.split(",")]:
        try:
            r = subprocess.run([args.binary, "federate", econ, "--councils", str(k), "--mode", mode, "--tolerance", str(args.tolerance),
                                "--max-rounds", str(args.max_rounds), "--format", "json"], capture_output=True, text=True,
                               timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"| {mode} | {k} | no result within {args.timeout:.0f} s |" + " |" * 8); continue
        if r.returncode != 0:
            print(f"| {mode} | {k} | error: {r.stderr.strip()[:80]} |" + " |" * 8); continue
        v = json.loads(r.stdout)
        k_real = len(v["councils"])
        # Every round a council reports one number per linking row (and receives as many).
        sent = v["rounds"] * rows
        gap = "—" if v.get("gap") is None else f"{v['gap']:.1e}"
        print(f"| {mode} | {k_real} | {v['status']} | {v['rounds']} | {v['seconds']:.2f} | {v['seconds'] / central_s:.2f} | "
              f"{v['relative_difference']:.1e} | {v['linking_residual']:.1e} | {gap} | {sent} | {sent / (private_numbers / k_real):.1f} |")
