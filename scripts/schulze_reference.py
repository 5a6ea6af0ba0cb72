#!/usr/bin/env python3
"""Reference Schulze count for `synco bench tally`: reads ballots (int32 ranks, one row of
OPTIONS per ballot, 1 = first, 0 = unranked) from a binary file, counts pairwise preferences
with numpy, runs Floyd–Warshall on winning votes and prints one JSON line:
{"seconds": counting+paths time, "pairwise": [...], "order": [...]}."""
import json, sys, time
import numpy as np

path, n = sys.argv[1], int(sys.argv[2])
r = np.fromfile(path, dtype=np.int32).reshape(-1, n)
t0 = time.perf_counter()
big = np.where(r == 0, np.int32(2**30), r)        # unranked ranks below everything ranked
d = np.zeros((n, n), dtype=np.int64)
for i in range(n):
    ranked_i = r[:, i] != 0
    for j in range(n):
        if i != j:
            d[i, j] = int(np.count_nonzero(ranked_i & (big[:, i] < big[:, j])))
p = np.where(d > d.T, d, 0)
for k in range(n):
    p = np.maximum(p, np.minimum(p[:, k:k+1], p[k:k+1, :]))
    np.fill_diagonal(p, 0)
beaten = [(sum(1 for j in range(n) if j != i and p[j, i] > p[i, j]), i) for i in range(n)]
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "pairwise": d.flatten().tolist(), "order": [i for _, i in sorted(beaten)]}))
