#!/usr/bin/env python3
"""Anchor for `synco bench analyze`: the same Neumann iteration x <- d + A x in scipy.sparse,
on the CSR arrays synco wrote (rowstart int64, colindex int32, values float64, d float64), for
the same number of iterations. Prints JSON {"seconds", "iterations", "nnz"}."""
import json, sys, time
import numpy as np
import scipy.sparse as sp

prefix, n, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rs = np.fromfile(prefix + ".rowstart", dtype=np.int64)
ci = np.fromfile(prefix + ".colindex", dtype=np.int32)
v = np.fromfile(prefix + ".values", dtype=np.float64)
d = np.fromfile(prefix + ".rhs", dtype=np.float64)
A = sp.csr_matrix((v, ci, rs), shape=(n, n))
x = d.copy()
t = time.time()
for _ in range(iters):
    x = d + A @ x
dt = time.time() - t
print(json.dumps({"seconds": dt, "iterations": iters, "nnz": int(A.nnz), "x_sum": float(x.sum())}))
