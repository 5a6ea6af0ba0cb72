#!/usr/bin/env python3
"""Independent reference for the BEA importer and Leontief analysis (numpy, dense inverse).

Reads the raw BEA make/use CSVs, derives A = B·D under the industry-technology assumption
(B = U diag(g)^-1, D = V diag(q)^-1, scrap/used/non-comparable dropped), inverts I - A densely,
and prints JSON: commodity codes, output multipliers (column sums of (I - A)^-1), total
compensation content per unit, gross output L·f for total final demand f, and q from the make
table. Usage: bea_reference.py DIR [detail|summary]
"""
import csv, json, sys
import numpy as np

d = sys.argv[1]
level = sys.argv[2] if len(sys.argv) > 2 else "detail"
if level == "detail":
    P, comp, gout, qout, fdc, excl = "Detail", "V00100", "T008", "T007", "T004", {"S00300", "S00900", "S00401", "S00402"}
else:
    P, comp, gout, qout, fdc, excl = "Summary", "V001", "Total Industry Output", "Total Commodity Output", "Total Final Uses (GDP)", {"Used", "Other"}

def table(name):
    with open(f"{d}/{name}", newline="") as f:
        rows = list(csv.reader(f))
    cols = [c.strip() for c in rows[0][1:]]
    data = {}
    for r in rows[1:]:
        if not r or not r[0].strip():
            continue
        data[r[0].strip()] = {c: (float(v) if v.strip() not in ("", "NA") else 0.0) for c, v in zip(cols, r[1:])}
    return data, cols

def codes(kind):
    with open(f"{d}/{P}_{kind}CodeName_2017.csv", newline="") as f:
        return [r[1].strip() for r in list(csv.reader(f))[1:]]

use, use_cols = table(f"{P}_Use_2017_PRO_BeforeRedef_17sch.csv")
make, make_cols = table(f"{P}_Make_2017_BeforeRedef_17sch.csv")
C = [c for c in codes("Commodity") if c not in excl and c in use and c in make_cols]
I = [i for i in codes("Industry") if i in use_cols and i in make]
U = np.array([[use[c][i] for i in I] for c in C])
V = np.array([[make[i][c] for c in C] for i in I])
g = np.array([use[gout][i] for i in I])
q = np.array([make[qout][c] for c in C])
w = np.array([use[comp][i] for i in I])
f = np.array([use[c][fdc] for c in C])
B = U / np.where(g > 0, g, 1)[None, :]
D = V / np.where(q > 0, q, 1)[None, :]
A = B @ D
L = np.linalg.inv(np.eye(len(C)) - A)
labour = (w / np.where(g > 0, g, 1)) @ D
x = L @ f
print(json.dumps({"codes": C, "multipliers": L.sum(axis=0).tolist(), "labour_content": (labour @ L).tolist(),
                  "gross_output": x.tolist(), "commodity_output": q.tolist(),
                  "median_relative_error": float(np.median(np.abs(x - q) / np.abs(q)))}))
