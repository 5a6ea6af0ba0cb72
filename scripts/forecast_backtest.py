#!/usr/bin/env python3
"""Rolling-origin backtest: `synco forecast` (Bayesian multi-process DLM) vs statsmodels ETS
and the seasonal-naive forecast, on the real series in shared/data/series.

For each origin t = min_train … n − H, every method is fitted to y[0:t] and forecasts
y[t : t+H]. MASE scale = in-sample one-step naive MAE of the full series (the same scale as
`synco forecast`). ETS: statsmodels ETSModel, additive errors, additive damped trend, additive
seasonal when period > 1, refitted (maximum likelihood) at every origin; 90 % intervals from
its analytic prediction variance. realgdp is modelled on the natural-log scale (--log).

Usage: python3 scripts/forecast_backtest.py [SYNCO_BINARY] [--series-dir DIR] [--quick]
       (default binary .build/release/synco; --quick uses every 4th origin for ETS only
       for a fast look — the table then says so.)
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SERIES = [
    # name, file, column, period, horizon, min_train, log
    ("Nile (annual)", "nile_annual_flow.csv", "volume", 1, 5, 20, False),
    ("CO2 (monthly)", "co2_mauna_loa_monthly.csv", "co2_ppm", 12, 12, 48, False),
    ("US real GDP (quarterly, log)", "us_macro_quarterly.csv", "realgdp", 4, 8, 40, True),
]


def read_column(path, column):
    with open(path) as f:
        header = f.readline().strip().split(",")
        ci = header.index(column)
        vals = [float(line.strip().split(",")[ci]) for line in f if line.strip()]
    return np.array(vals)


def ets_forecast(train, period, horizon):
    seasonal = "add" if period > 1 else None
    model = ETSModel(pd.Series(train), error="add", trend="add", damped_trend=True, seasonal=seasonal,
                     seasonal_periods=period if period > 1 else None, initialization_method="estimated")
    fit = model.fit(disp=False, maxiter=200)
    pred = fit.get_prediction(start=len(train), end=len(train) + horizon - 1)
    frame = pred.summary_frame(alpha=0.10)
    return frame["mean"].to_numpy(), frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()


def backtest(y, period, horizon, min_train, step=1):
    n = len(y)
    scale = np.mean(np.abs(np.diff(y)))
    err = np.zeros(horizon); errn = np.zeros(horizon); cov = np.zeros(horizon); cnt = 0
    for t in range(min_train, n - horizon + 1, step):
        mean, lo, hi = ets_forecast(y[:t], period, horizon)
        for k in range(1, horizon + 1):
            target = t - 1 + k
            src = target - period * ((k - 1) // period + 1)
            a = y[target]
            err[k - 1] += abs(a - mean[k - 1])
            errn[k - 1] += abs(a - y[src])
            cov[k - 1] += float(lo[k - 1] <= a <= hi[k - 1])
        cnt += 1
    return dict(mase_h=err / cnt / scale, naive_h=errn / cnt / scale, cov_h=cov / cnt,
                mase=err.sum() / cnt / horizon / scale, naive=errn.sum() / cnt / horizon / scale,
                cov=cov.sum() / cnt / horizon, origins=cnt)


def synco(binary, path, column, period, horizon, min_train, log):
    cmd = [binary, "forecast", path, "--column", column, "--period", str(period), "--horizon", str(horizon),
           "--min-train", str(min_train), "--format", "json"] + (["--log"] if log else [])
    if os.path.basename(binary) == "forecastdev":  # the standalone development stand-in
        cmd.remove("forecast"); cmd.remove("--format"); cmd.remove("json")
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return out


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    if quick:
        args.remove("--quick")
    series_dir = os.path.join(HERE, "..", "..", "shared", "data", "series")
    if "--series-dir" in args:
        i = args.index("--series-dir"); series_dir = args[i + 1]; del args[i:i + 2]
    binary = args[0] if args else ".build/release/synco"
    rows = []
    for name, fname, column, period, horizon, min_train, log in SERIES:
        path = os.path.join(series_dir, fname)
        y = read_column(path, column)
        if log:
            y = np.log(y)
        s = synco(binary, path, column, period, horizon, min_train, log)
        b = s["backtest"]
        e = backtest(y, period, horizon, min_train, step=4 if quick else 1)
        ph = b["per_horizon"]
        rows.append((name, period, horizon, b["origins"],
                     ("Bayesian DLM (synco)", ph[0]["mase"], ph[-1]["mase"], b["mase"], b["coverage_90"]),
                     ("ETS (A,Ad,%s)" % ("A" if period > 1 else "N"), e["mase_h"][0], e["mase_h"][-1], e["mase"], e["cov"]),
                     ("seasonal naive", ph[0]["mase_naive_seasonal"], ph[-1]["mase_naive_seasonal"],
                      b["mase_naive_seasonal"], None)))
        cps = ", ".join(f"{c['label']} ({c['kind']}, {c['probability']:.2f})" for c in s["change_points"]) or "none"
        outs = ", ".join(f"{c['label']} ({c['probability']:.2f})" for c in s["outliers"]) or "none"
        print(f"<!-- {name}: change points {cps}; outliers {outs} -->", file=sys.stderr)
    print("| series | s | H | origins | method | MASE h=1 | MASE h=H | MASE all h | coverage 90 % |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, period, horizon, origins, *methods in rows:
        for m, h1, hh, allh, cov in methods:
            covs = "–" if cov is None else f"{cov:.3f}"
            print(f"| {name} | {period} | {horizon} | {origins} | {m} | {h1:.3f} | {hh:.3f} | {allh:.3f} | {covs} |")
    if quick:
        print("\n(quick mode: ETS scored on every 4th origin only)")


if __name__ == "__main__":
    main()
