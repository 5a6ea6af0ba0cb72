#!/usr/bin/env python3
"""Random sweep of binding-limit cases against the reference LP solver (issue 3).

    python3 scripts/limits_sweep.py [--cases 24] [--seed 7] [--synco .build/release/synco]

Each case generates a realistic economy (300, 1 000 or 3 000 products), scales its four resource
limits by random factors in [0.6, 1.0] (half the cases also drop every capacity) with
scripts/tighten_limits.py, solves it with `synco solve --format json` and compares status and λ
with HiGHS (or GLPK) on the exported MPS (scripts/lp_reference.py). Exits 1 on any mismatch.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=24)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--synco", default=os.path.join(HERE, "..", ".build", "release", "synco"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        r, t, mps = (os.path.join(d, f) for f in ("r.json", "t.json", "t.mps"))
        for case in range(a.cases):
            n = rng.choice([300, 1000, 3000])
            seed = rng.randint(1, 1000)
            subprocess.run([a.synco, "generate", "--products", str(n), "--seed", str(seed), "--out", r], capture_output=True, check=True)
            f = [round(rng.uniform(0.6, 1.0), 3) for _ in range(4)]
            args = [x for name, v in zip(("labour", "land", "co2", "water"), f) for x in ("--scale", f"{name}={v}")]
            drop = rng.random() < 0.5
            if drop:
                args.append("--drop-capacities")
            subprocess.run([sys.executable, os.path.join(HERE, "tighten_limits.py"), r, t] + args, check=True)
            out = subprocess.run([a.synco, "solve", t, "--format", "json", "--time-limit", "60"], capture_output=True, text=True)
            try:
                plan = json.loads(out.stdout)
            except json.JSONDecodeError:
                print(f"case {case}: synco gave no JSON: {out.stderr[-300:]}")
                bad += 1
                continue
            subprocess.run([a.synco, "export", "--mps", t, mps], capture_output=True, check=True)
            ref_out = subprocess.run([sys.executable, os.path.join(HERE, "lp_reference.py"), mps], capture_output=True, text=True)
            ref = json.loads(ref_out.stdout.strip().split("\n")[-1])
            ok = plan["status"] == ref["status"] and (
                ref["status"] != "optimal" or abs(plan["fulfilment"] - ref["objective"]) <= 1e-5 * max(1, abs(ref["objective"])))
            bad += not ok
            print(f"case {case}: {n} products seed {seed} limits×{f} {'no capacities' if drop else 'capacities'}: "
                  f"synco {plan['status']} {plan.get('fulfilment')} in {plan['seconds']:.3f} s; {ref['solver']} {ref['status']} "
                  f"{ref.get('objective')}{'' if ok else '  MISMATCH'}\n    {plan['message'][:100]}", flush=True)
    print(f"{a.cases - bad} of {a.cases} agree")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
