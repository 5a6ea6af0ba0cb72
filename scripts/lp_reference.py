#!/usr/bin/env python3
"""Reference LP answer for tests: solves an MPS file with HiGHS (dual simplex, or IPM with
crossover), or with GLPK's glpsol when highspy is missing, and prints one JSON line:
{"solver", "status": optimal|infeasible|unbounded|other, "objective"}.
Usage: lp_reference.py MODEL.mps"""
import json, shutil, subprocess, sys, tempfile, os

path = sys.argv[1]
try:
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "on")
    # Tight feasibility tolerances: with HiGHS's defaults (1e-7) its simplex stopped 2e-6 below
    # the optimum of a 300-product, 5-period plan (IPM with crossover, and the simplex with
    # these tolerances, agree on the optimum to 15 digits).
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    h.readModel(path)
    h.run()
    st = h.getModelStatus()
    name = h.modelStatusToString(st).lower()
    if st == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        # Decide which: solve again without presolve.
        h.setOptionValue("presolve", "off"); h.run(); st = h.getModelStatus(); name = h.modelStatusToString(st).lower()
    status = "optimal" if st == highspy.HighsModelStatus.kOptimal else "infeasible" if st == highspy.HighsModelStatus.kInfeasible \
        else "unbounded" if st == highspy.HighsModelStatus.kUnbounded else "other:" + name
    print(json.dumps({"solver": "highs", "status": status, "objective": h.getInfo().objective_function_value}))
except ImportError:
    glpsol = shutil.which("glpsol")
    if not glpsol:
        sys.exit("neither highspy nor glpsol is installed")
    out = tempfile.mktemp()
    subprocess.run([glpsol, "--freemps", path, "--max", "-o", out], capture_output=True)
    text = open(out).read(); os.unlink(out)
    status = "optimal" if "OPTIMAL" in text else "infeasible" if "INFEASIBLE" in text else "unbounded" if "UNBOUNDED" in text else "other"
    obj = next((float(l.split("=")[1].split()[0]) for l in text.splitlines() if l.startswith("Objective:")), None)
    print(json.dumps({"solver": "glpk", "status": status, "objective": obj}))
