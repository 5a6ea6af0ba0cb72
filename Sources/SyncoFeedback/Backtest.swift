/// Scores of one forecast horizon (or all horizons pooled).
public struct HorizonScore: Sendable, Hashable {
    public let step: Int
    /// Mean |error| of the model divided by `scale`.
    public let mase: Double
    /// The same for the seasonal-naive forecast at the same origins (the benchmark).
    public let maseNaiveSeasonal: Double
    /// Fraction of actuals inside the model's central 90 % interval.
    public let coverage90: Double
    /// Number of (origin, step) pairs scored.
    public let count: Int
}

/// The result of a rolling-origin backtest.
public struct BacktestResult: Sendable, Hashable {
    public let horizon: Int
    public let minTrain: Int
    public let origins: Int
    /// MASE scale: the in-sample one-step naive MAE over the whole series,
    /// mean |y_t − y_{t−1}| over consecutive present pairs.
    public let scale: Double
    public let perHorizon: [HorizonScore]
    /// Averages over all (origin, step) pairs.
    public let overall: HorizonScore
}

/// Rolling-origin evaluation (Tashman 2000): for each origin t = minTrain … n − h the model has
/// seen y_0 … y_{t−1} and forecasts y_t … y_{t+h−1}. The model is run once through the series;
/// because filtering is causal, its state at origin t is exactly the fit to the first t values
/// (hyperparameters — discounts, priors — are fixed, not re-tuned per origin).
///
/// MASE (Hyndman & Koehler 2006) here uses one scale for every horizon and series: the in-sample
/// one-step naive MAE of the **full** series. The seasonal-naive benchmark forecasts
/// y_{t−1+k} by y_{t−1+k−s·⌈k/s⌉}. Pairs whose actual is missing are skipped for both.
public enum Backtest {
    public static func run<M: SequentialForecaster>(_ y: [Double?], model: M, horizon: Int,
                                                    minTrain: Int, period: Int) -> BacktestResult {
        var model = model
        return run(y, model: &model, horizon: horizon, minTrain: minTrain, period: period)
    }

    /// The same, leaving `model` as it stands after the whole series (so its forecasts past the
    /// end and its state come from the same single pass).
    public static func run<M: SequentialForecaster>(_ y: [Double?], model: inout M, horizon: Int,
                                                    minTrain: Int, period: Int) -> BacktestResult {
        precondition(horizon >= 1 && minTrain >= 1 && period >= 1)
        let n = y.count
        var scaleSum = 0.0, scaleCount = 0
        if n > 1 { for t in 1..<n { if let a = y[t], let b = y[t - 1] { scaleSum += abs(a - b); scaleCount += 1 } } }
        let scale = scaleCount > 0 ? scaleSum / Double(scaleCount) : .nan
        var err = [Double](repeating: 0, count: horizon), errN = err, cover = err, cnt = [Int](repeating: 0, count: horizon)
        var origins = 0
        for t in 0..<n {
            if t >= minTrain && t <= n - horizon {
                origins += 1
                let fc = model.forecast(horizon: horizon)
                for k in 1...horizon {
                    let target = t - 1 + k
                    let src = target - period * ((k - 1) / period + 1)
                    guard let actual = y[target], src >= 0, let naive = y[src] else { continue }
                    let f = fc[k - 1]
                    err[k - 1] += abs(actual - f.mean)
                    errN[k - 1] += abs(actual - naive)
                    let (lo, hi) = f.interval(0.9)
                    if actual >= lo && actual <= hi { cover[k - 1] += 1 }
                    cnt[k - 1] += 1
                }
            }
            model.observe(y[t])
        }
        var per: [HorizonScore] = []
        for k in 0..<horizon {
            let c = Double(cnt[k])
            per.append(HorizonScore(step: k + 1, mase: err[k] / c / scale, maseNaiveSeasonal: errN[k] / c / scale,
                                    coverage90: cover[k] / c, count: cnt[k]))
        }
        let total = Double(cnt.reduce(0, +))
        let overall = HorizonScore(step: 0, mase: err.reduce(0, +) / total / scale,
                                   maseNaiveSeasonal: errN.reduce(0, +) / total / scale,
                                   coverage90: cover.reduce(0, +) / total, count: Int(total))
        return BacktestResult(horizon: horizon, minTrain: minTrain, origins: origins, scale: scale,
                              perHorizon: per, overall: overall)
    }
}
