/// Everything `synco forecast` reports for one series: forecasts past the end, flagged change
/// points and outliers, and the rolling-origin backtest of the same model.
public struct ForecastAnalysis: Sendable {
    public let forecasts: [Forecast]
    public let changePoints: [RegimeEvent]
    public let outliers: [RegimeEvent]
    public let trace: RegimeTrace
    public let backtest: BacktestResult?

    /// The default model for a series of the given period: local linear trend (or local level),
    /// Fourier seasonal with all harmonics when s > 1, discounts 0.95 (trend) / 0.97 (seasonal) /
    /// 0.99 (variance), regime priors 0.95/0.02/0.02/0.01, outlier ×100 V, level change +4 S,
    /// slope change +0.5 S, collapse depth 3.
    public static func defaultSpec(period: Int, trend: DLMSpec.Trend = .linear) -> MultiProcessSpec {
        MultiProcessSpec(dlm: DLMSpec(trend: trend, period: period))
    }

    /// Default minimum training length of the backtest: max(4s, 20).
    public static func defaultMinTrain(period: Int) -> Int { max(4 * period, 20) }

    /// Runs the model over `y` (nil = missing). The backtest is skipped (nil) when the series is
    /// shorter than `minTrain + horizon`.
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
                                outliers: rule.outliers(trace), trace: trace, backtest: bt)
    }
}
