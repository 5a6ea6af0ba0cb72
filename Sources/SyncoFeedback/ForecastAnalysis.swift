/// Everything `synco forecast` reports for one series: forecasts past the end, flagged change
/// points and outliers, and the rolling-origin backtest of the same model.
public struct ForecastAnalysis: Sendable {
    public let forecasts: [Forecast]
    public let changePoints: [RegimeEvent]
    public let outliers: [RegimeEvent]
    public let trace: RegimeTrace
    public let backtest: BacktestResult?
    /// The forecasting model: the spec that made the forecasts past the end (the selected
    /// candidate when discounts were chosen by `ModelSelection`).
    public let model: MultiProcessSpec
    /// Its posterior probability among the candidates, and how many there were (1 when fixed).
    public let modelProbability: Double
    public let candidates: Int

    /// The default model for a series of the given period: local linear trend (or local level),
    /// Fourier seasonal with all harmonics when s > 1, discounts 0.95 (trend) / 0.97 (seasonal) /
    /// 0.99 (variance), regime priors 0.95/0.02/0.02/0.01, outlier ×100 V, level change +4 S,
    /// slope change +0.5 S, collapse depth 3.
    public static func defaultSpec(period: Int, trend: DLMSpec.Trend = .linear) -> MultiProcessSpec {
        MultiProcessSpec(dlm: DLMSpec(trend: trend, period: period))
    }

    /// Default minimum training length of the backtest: max(4s, 20).
    public static func defaultMinTrain(period: Int) -> Int { max(4 * period, 20) }

    /// Runs one fixed model over `y` (nil = missing): it forecasts, is backtested and flags
    /// change points. The backtest is skipped (nil) when the series is shorter than
    /// `minTrain + horizon`.
    public static func run(_ y: [Double?], spec: MultiProcessSpec, horizon: Int, minTrain: Int,
                           rule: ChangePointRule) -> ForecastAnalysis {
        let prior = DLMPrior.fromData(y, spec: spec.dlm)
        var model = MultiProcessModel(spec: spec, prior: prior)
        let trace = RegimeTrace.run(y, model: &model)
        let fc = model.forecast(horizon: horizon)
        var bt: BacktestResult? = nil
        if y.count >= minTrain + horizon {
            bt = Backtest.run(y, model: MultiProcessModel(spec: spec, prior: prior), horizon: horizon,
                              minTrain: minTrain, period: spec.dlm.period)
        }
        return ForecastAnalysis(forecasts: fc, changePoints: rule.changePoints(trace),
                                outliers: rule.outliers(trace), trace: trace, backtest: bt,
                                model: spec, modelProbability: 1, candidates: 1)
    }

    /// The default analysis: forecasts (and their backtest) from `ModelSelection` over
    /// `ModelSelection.defaultGrid` — trend (both unless `trend` is given) and discounts chosen
    /// by their one-step predictive likelihood so far — and change points from the default
    /// multi-process model (`defaultSpec`, stiff discounts, collapse depth 3) of the trend the
    /// selection ended with. Detection keeps the stiff discounts on purpose: the low level
    /// discounts that predict a wandering series best also absorb a shift into the level within
    /// a few steps, so the shift would no longer look like a change.
    public static func run(_ y: [Double?], period: Int, trend: DLMSpec.Trend?, horizon: Int,
                           minTrain: Int, rule: ChangePointRule) -> ForecastAnalysis {
        let grid = ModelSelection.defaultGrid(period: period, trends: trend.map { [$0] } ?? [.level, .linear])
        var selection = ModelSelection(candidates: grid, y: y)
        var bt: BacktestResult? = nil
        if y.count >= minTrain + horizon {
            bt = Backtest.run(y, model: &selection, horizon: horizon, minTrain: minTrain, period: period)
        } else {
            for v in y { selection.observe(v) }
        }
        let chosen = selection.candidates[selection.best]
        let detector = defaultSpec(period: period, trend: chosen.dlm.trend)
        var model = MultiProcessModel(spec: detector, prior: DLMPrior.fromData(y, spec: detector.dlm))
        let trace = RegimeTrace.run(y, model: &model)
        return ForecastAnalysis(forecasts: selection.forecast(horizon: horizon), changePoints: rule.changePoints(trace),
                                outliers: rule.outliers(trace), trace: trace, backtest: bt, model: chosen,
                                modelProbability: selection.posterior[selection.best], candidates: grid.count)
    }
}
