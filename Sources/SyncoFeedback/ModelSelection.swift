/// Chooses the trend and the discount factors by how well each setting has predicted the series
/// so far: the class I multi-process model of West & Harrison (1997, §12.2).
///
/// Every candidate setting runs as its own Harrison–Stevens multi-process model over the same
/// observations. With equal prior probabilities, the posterior probability of candidate i after
/// y_1 … y_t is proportional to its marginal likelihood Π p(y_τ | D_{τ−1}, i), the product of its
/// one-step predictive densities — each candidate is judged only on forecasts it made before
/// seeing the value, so the choice never looks ahead. Forecasts come from the candidate with
/// the largest posterior probability at the time they are made (class I posteriors concentrate
/// on one candidate within a few dozen observations, and a single Student t keeps the
/// intervals exact). The first `burnIn` observations (the ones the priors are read from) are not
/// counted.
///
/// Statisticians tune discount factors this way (W&H §10.2: "choosing the discount factor by
/// likelihood"); ETS fits its smoothing constants by maximum likelihood, which is the same idea.
public struct ModelSelection: SequentialForecaster, Sendable {
    public let candidates: [MultiProcessSpec]
    private var models: [MultiProcessModel]
    /// Σ log p(y_τ | D_{τ−1}) per candidate since the burn-in.
    public private(set) var logEvidence: [Double]
    public let burnIn: Int
    private var seen = 0

    /// One model per candidate, each with the data-based prior of its own structure (priors read
    /// off the first max(2s, 8) values of `y` only).
    public init(candidates: [MultiProcessSpec], y: [Double?]) {
        precondition(!candidates.isEmpty, "at least one candidate")
        self.candidates = candidates
        models = candidates.map { MultiProcessModel(spec: $0, prior: DLMPrior.fromData(y, spec: $0.dlm)) }
        logEvidence = Array(repeating: 0, count: candidates.count)
        burnIn = max(2 * candidates[0].dlm.period, 8)
    }

    /// The candidate grid used by `synco forecast` unless the discounts are fixed: trends
    /// (both unless one is named) × level discount δ_T ∈ {0.3, 0.5, 0.7, 0.85, 0.95} × slope
    /// discount δ_β ∈ {0.8, 0.9, 0.97, 0.995} and slope damping φ ∈ {1, 0.98} (linear trend
    /// only) × seasonal block: none, or discount δ_S ∈ {0.95, 0.99} (s > 1 only) × variance
    /// discount δ_V ∈ {0.9, 0.97, 0.995}; regime settings as `base`, with collapse depth 1
    /// (Harrison & Stevens' own scheme) to keep the grid cheap.
    ///
    /// Why these: "no seasonal block" lets a seasonally adjusted series (U.S. GDP) drop three
    /// noise states; φ < 1 is the damped trend ETS(A,Ad,·) uses; a low δ_V lets the observation
    /// variance follow a change of volatility (the Great Moderation). Each enters only if the
    /// one-step likelihood prefers it. The grid was widened after looking at the backtests of
    /// docs/forecasting.md, so those figures are not out of sample for the grid itself.
    public static func defaultGrid(period: Int, trends: [DLMSpec.Trend] = [.level, .linear],
                                   base: MultiProcessSpec = MultiProcessSpec()) -> [MultiProcessSpec] {
        var out: [MultiProcessSpec] = []
        // nil: no seasonal block (harmonics 0).
        let seasonal: [Double?] = period > 1 ? [nil, 0.95, 0.99] : [1]
        for trend in trends {
            let slopes: [Double?] = trend == .linear ? [0.8, 0.9, 0.97, 0.995] : [nil]
            let dampings: [Double?] = trend == .linear ? [nil, 0.98] : [nil]
            for dT in [0.3, 0.5, 0.7, 0.85, 0.95] {
                for dB in slopes {
                    for phi in dampings {
                        for dS in seasonal {
                            for dV in [0.9, 0.97, 0.995] {
                                var spec = base
                                spec.dlm = DLMSpec(trend: trend, period: period, harmonics: dS == nil ? 0 : nil,
                                                   trendDiscount: dT, slopeDiscount: dB, damping: phi,
                                                   seasonalDiscount: dS ?? 1, varianceDiscount: dV)
                                spec.collapseDepth = 1
                                out.append(spec)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Index of the candidate with the largest posterior probability (the first on ties).
    public var best: Int {
        var b = 0
        for i in logEvidence.indices where logEvidence[i] > logEvidence[b] { b = i }
        return b
    }

    /// Posterior probabilities of the candidates (equal prior probabilities).
    public var posterior: [Double] {
        let top = logEvidence.max() ?? 0
        let w = logEvidence.map { exponential($0 - top) }
        let s = w.reduce(0, +)
        return w.map { $0 / s }
    }

    /// The model of the currently best candidate.
    public var bestModel: MultiProcessModel { models[best] }

    public mutating func observe(_ y: Double?) {
        let count = seen >= burnIn
        for i in models.indices {
            models[i].observe(y)
            if count { logEvidence[i] += models[i].lastLogLikelihood }
        }
        seen += 1
    }

    public func forecast(horizon: Int) -> [Forecast] { models[best].forecast(horizon: horizon) }
}
