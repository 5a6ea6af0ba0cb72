#!/usr/bin/env python3
"""Derive a several-limits-bind variant of a generated economy (BENCHMARKS.md, issue 3).

    python3 scripts/tighten_limits.py IN.json OUT.json --drop-capacities --scale labour=0.893 --scale land=0.935

Deletes every technique's capacity (with --drop-capacities) or multiplies them (with
--scale-capacities F), and multiplies the named resources'
limits by the given factors. On `synco generate --products N --seed 1` this makes labour, land
and CO2 bind together and no capacity.
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--drop-capacities", action="store_true", help="delete every technique's capacity")
    ap.add_argument("--scale-capacities", type=float, default=None, metavar="FACTOR",
                    help="multiply every technique's capacity by FACTOR")
    ap.add_argument("--scale", action="append", default=[], metavar="RESOURCE=FACTOR",
                    help="multiply this resource's limit by FACTOR (repeatable)")
    a = ap.parse_args()
    with open(a.input) as f:
        doc = json.load(f)
    factors = {}
    for s in a.scale:
        name, sep, value = s.partition("=")
        try:
            factors[name] = float(value)
        except ValueError:
            sep = ""
        if not sep or factors.get(name, 0) <= 0:
            sys.exit(f"--scale {s!r}: expected RESOURCE=FACTOR with a positive number")
    resources = {r["id"]: r for r in doc.get("resources", [])}
    for name, factor in factors.items():
        r = resources.get(name)
        if r is None:
            sys.exit(f"--scale {name}: no resource with this id in {a.input}")
        if r.get("limit") is None:
            sys.exit(f"--scale {name}: resource {name} has no limit in {a.input}")
        r["limit"] = r["limit"] * factor
    if a.scale_capacities is not None and a.scale_capacities <= 0:
        sys.exit(f"--scale-capacities {a.scale_capacities}: expected a positive number")
    for t in doc.get("techniques", []):
        if a.drop_capacities:
            t.pop("capacity", None)
        elif a.scale_capacities is not None and t.get("capacity") is not None:
            t["capacity"] = t["capacity"] * a.scale_capacities
    with open(a.output, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
