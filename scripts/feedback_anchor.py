#!/usr/bin/env python3
"""Anchor for `synco bench feedback`: a vectorised numpy Kalman filter (local linear trend, one
model per series, known variances) over N series × T periods. Prints one JSON line with the
microseconds per series-update. Synco's update is a four-model multi-process update with
learned variance, so the ratio overstates numpy's relative cost per unit of work if anything."""
import json, sys, time
import numpy as np

n, periods = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
y = 100 + np.cumsum(rng.normal(0, 1, size=(periods, n)), axis=0)
m0 = np.full(n, 100.0); m1 = np.zeros(n)
p00 = np.full(n, 100.0); p01 = np.zeros(n); p11 = np.full(n, 1.0)
w0, w1, v = 0.1, 0.01, 1.0
t0 = time.perf_counter()
for t in range(periods):
    # predict
    a0 = m0 + m1; a1 = m1
    r00 = p00 + 2 * p01 + p11 + w0; r01 = p01 + p11; r11 = p11 + w1
    # update
    q = r00 + v
    k0 = r00 / q; k1 = r01 / q
    e = y[t] - a0
    m0 = a0 + k0 * e; m1 = a1 + k1 * e
    p00 = r00 - k0 * r00; p01 = r01 - k0 * r01; p11 = r11 - k1 * r01
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "us_per_update": secs / (n * periods) * 1e6}))
