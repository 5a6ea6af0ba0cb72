/// The four regimes of the Harrison–Stevens class II multi-process model.
public enum Regime: Int, CaseIterable, Sendable, Hashable {
    /// The DLM as specified.
    case normal = 0
    /// A transient: observation variance multiplied by `outlierVarianceFactor`.
    case outlier = 1
    /// A level change: `levelChangeVariance · S` added to the level's evolution variance.
    case levelChange = 2
    /// A slope change: `slopeChangeVariance · S` added to the slope's evolution variance (entering
    /// the level in the same step, as in Harrison & Stevens' μ_t = μ_{t−1} + β_t).
    case slopeChange = 3
}

/// Settings of the multi-process model: the base DLM, the regimes' prior probabilities and the
/// inflation factors (all variance inflations are in units of the current estimate S of V, so the
/// same numbers work on any scale).
public struct MultiProcessSpec: Sendable, Hashable {
    public var dlm: DLMSpec
    /// Prior probabilities of normal, outlier, level change, slope change (summing to 1).
    /// With a local-level trend the slope-change probability is moved to normal.
    public var priorProbabilities: [Double]
    public var outlierVarianceFactor: Double
    public var levelChangeVariance: Double
    public var slopeChangeVariance: Double
    /// How many recent regimes each posterior component remembers: 1 keeps 4 components (one
    /// per M_t; 4×4 candidates collapsed to 4 each step, Harrison & Stevens' scheme), 2 keeps 16
    /// (one per (M_{t−1}, M_t)), 3 keeps 64; depth D yields P(M_{t−D} | D_t), regime
    /// probabilities judged D observations later. Default 3.
    public var collapseDepth: Int

    public init(dlm: DLMSpec = DLMSpec(), priorProbabilities: [Double] = [0.95, 0.02, 0.02, 0.01],
                outlierVarianceFactor: Double = 100, levelChangeVariance: Double = 4,
                slopeChangeVariance: Double = 0.5, collapseDepth: Int = 3) {
        precondition((1...3).contains(collapseDepth), "collapse depth must be 1, 2 or 3")
        self.collapseDepth = collapseDepth
        precondition(priorProbabilities.count == 4, "four prior probabilities: normal, outlier, level, slope")
        precondition(priorProbabilities.allSatisfy { $0 >= 0 } && priorProbabilities[0] > 0)
        self.dlm = dlm
        self.priorProbabilities = priorProbabilities
        self.outlierVarianceFactor = outlierVarianceFactor
        self.levelChangeVariance = levelChangeVariance
        self.slopeChangeVariance = slopeChangeVariance
    }

    /// The prior probabilities normalized, with slope change folded into normal for a level-only trend.
    var effectivePriors: [Double] {
        var p = priorProbabilities
        if dlm.trend == .level { p[0] += p[3]; p[3] = 0 }
        let s = p.reduce(0, +)
        return p.map { $0 / s }
    }
}

/// The class II multi-process model of Harrison & Stevens (1976, "Bayesian forecasting", JRSS B 38,
/// 205–247), in the discount/unknown-variance form of West & Harrison (1997, ch. 12).
///
/// At each time the regime M_t ∈ {normal, outlier, level change, slope change} is drawn
/// independently with fixed prior probabilities π. The posterior is kept as K = 4^D components,
/// one per sequence of the last D regimes (D = `collapseDepth`). For y_t each component is
/// extended by each regime j (4K Kalman updates), weighted by p(component) · π_j · p(y_t | …)
/// (the Student-t predictive density), and the 4K posteriors are **collapsed by moment matching
/// over the oldest regime** back to K: means and covariances are mixture moments, the variance
/// estimates combine as a weighted harmonic mean (W&H §12.3.3). D = 1 is Harrison & Stevens'
/// one-step collapse (4×4 → 4); the default D = 3 keeps (M_{t−2}, M_{t−1}, M_t) so that
/// P(M_{t−3} | D_t) is available: a level shift is told from an outlier, and a modest shift from
/// noise, by the three values after it.
///
/// Reported per observation: `lagged[k][j]` = P(M_{t−k} = j | D_t) for k = 0…D.
/// - Complexity: O(K p³ + 4K p²) per observation, p = state dimension.
public struct MultiProcessModel: SequentialForecaster, Sendable {
    public let spec: MultiProcessSpec
    let x: DLMMatrices
    let priors: [Double]
    let K: Int
    private var m: [Double], C: [Double], S: [Double], prob: [Double]
    /// `lagged[k][j]` = P(M_{t−k} = j | D_t) after the last observation, k = 0…collapseDepth.
    public private(set) var lagged: [[Double]]
    /// Degrees of freedom of the gamma posterior on 1/V.
    public private(set) var n: Double
    /// log p(y_t | D_{t−1}) of the last observation under the whole mixture (the sum over
    /// components and regimes); 0 after a missing value. Summed over t it is the model's log
    /// marginal likelihood, which `ModelSelection` compares across discount settings.
    public private(set) var lastLogLikelihood: Double = 0
    private var a: [Double], R: [Double], Rj: [Double], mE: [Double], CE: [Double]
    private var SE: [Double], w: [Double], rf: [Double], tmp: [Double]

    public init(spec: MultiProcessSpec, prior: DLMPrior) {
        let x = DLMMatrices(spec.dlm)
        let p = x.p, pp = p * p
        precondition(prior.m.count == p)
        self.spec = spec
        self.x = x
        let priors = spec.effectivePriors
        self.priors = priors
        var K = 1
        for _ in 0..<spec.collapseDepth { K *= 4 }
        self.K = K
        m = Array(repeating: 0, count: K * p)
        C = Array(repeating: 0, count: K * pp)
        prob = Array(repeating: 1, count: K)
        for c in 0..<K {
            for k in 0..<p { m[c * p + k] = prior.m[k] }
            for k in 0..<pp { C[c * pp + k] = prior.C[k] }
            var q = c
            for _ in 0..<spec.collapseDepth { prob[c] *= priors[q % 4]; q /= 4 }
        }
        S = Array(repeating: spec.dlm.observationVariance ?? prior.S, count: K)
        n = spec.dlm.observationVariance == nil ? prior.n : .infinity
        lagged = Array(repeating: priors, count: spec.collapseDepth + 1)
        a = Array(repeating: 0, count: K * p)
        R = Array(repeating: 0, count: K * pp)
        Rj = Array(repeating: 0, count: pp)
        mE = Array(repeating: 0, count: 4 * K * p)
        CE = Array(repeating: 0, count: 4 * K * pp)
        SE = Array(repeating: 0, count: 4 * K)
        w = Array(repeating: 0, count: 4 * K)
        rf = Array(repeating: 0, count: p)
        tmp = Array(repeating: 0, count: pp)
    }

    /// P(M_t = j | D_t) after the last observation (index = `Regime.rawValue`).
    public var filtered: [Double] { lagged[0] }

    public mutating func observe(_ y: Double?) {
        let p = x.p, pp = p * p, E = 4 * K
        let observed = y.map { $0.isFinite } ?? false
        let nPrior = (n.isFinite && observed) ? spec.dlm.varianceDiscount * n : n
        for c in 0..<K {
            DLMKernel.propagate(x, m: m, mo: c * p, C: C, co: c * pp, a: &a, ao: c * p, R: &R, ro: c * pp, tmp: &tmp)
            DLMKernel.addEvolution(spec.dlm, x, R: &R, ro: c * pp)
        }
        for c in 0..<K {
            let lc = prob[c] > 0 ? logarithm(prob[c]) : -Double.infinity
            for j in 0..<4 {
                let e = c * 4 + j
                guard priors[j] > 0, lc > -Double.infinity else { w[e] = -.infinity; continue }
                for k in 0..<pp { Rj[k] = R[c * pp + k] }
                if j == Regime.levelChange.rawValue { Rj[0] += spec.levelChangeVariance * S[c] }
                if j == Regime.slopeChange.rawValue && x.trendDim == 2 {
                    // The slope shock enters before G (Harrison & Stevens: μ_t = μ_{t−1} + β_t), so it
                    // moves this period's level too: W = k·S·G e₂e₂'G' = k·S·[[1,1],[1,1]].
                    let v = spec.slopeChangeVariance * S[c]
                    Rj[0] += v; Rj[1] += v; Rj[p] += v; Rj[p + 1] += v
                }
                if let y, observed {
                    let k = j == Regime.outlier.rawValue ? spec.outlierVarianceFactor : 1
                    let (s1, ll) = DLMKernel.update(x, a: a, ao: c * p, R: Rj, ro: 0, S: S[c], nPrior: nPrior,
                                                    y: y, obsFactor: k, m: &mE, mo: e * p, C: &CE, co: e * pp, rf: &rf)
                    SE[e] = s1
                    w[e] = lc + logarithm(priors[j]) + ll
                } else {
                    for k in 0..<p { mE[e * p + k] = a[c * p + k] }
                    for k in 0..<pp { CE[e * pp + k] = Rj[k] }
                    SE[e] = S[c]
                    w[e] = lc + logarithm(priors[j])
                }
            }
        }
        var top = -Double.infinity
        for e in 0..<E where w[e] > top { top = w[e] }
        var total = 0.0
        for e in 0..<E { let v = w[e] > -Double.infinity ? exponential(w[e] - top) : 0; w[e] = v; total += v }
        lastLogLikelihood = observed ? top + logarithm(total) : 0
        for e in 0..<E { w[e] /= total }
        // Lagged regime probabilities: digit k (base 4, 0 = newest) of e is M_{t−k}.
        var div = 1
        for k in 0...spec.collapseDepth {
            var row = [0.0, 0.0, 0.0, 0.0]
            for e in 0..<E { row[(e / div) % 4] += w[e] }
            lagged[k] = row
            div *= 4
        }
        // Collapse over the oldest regime: members of c' are e = r·K + c', r = 0…3.
        for c in 0..<K {
            var pc = 0.0
            for r in 0..<4 { pc += w[r * K + c] }
            prob[c] = pc
            guard pc > 0 else { continue }
            var invS = 0.0
            for k in 0..<p { m[c * p + k] = 0 }
            for r in 0..<4 {
                let e = r * K + c
                let v = w[e] / pc
                if v == 0 { continue }
                invS += v / SE[e]
                for k in 0..<p { m[c * p + k] += v * mE[e * p + k] }
            }
            S[c] = 1 / invS
            for k in 0..<pp { C[c * pp + k] = 0 }
            for r in 0..<4 {
                let e = r * K + c
                let v = w[e] / pc
                if v == 0 { continue }
                for i in 0..<p {
                    let di = mE[e * p + i] - m[c * p + i]
                    for q in 0..<p {
                        C[c * pp + i * p + q] += v * (CE[e * pp + i * p + q] + di * (mE[e * p + q] - m[c * p + q]))
                    }
                }
            }
        }
        // A component of probability zero (a regime with prior 0) keeps a copy of component 0.
        for c in 0..<K where !(prob[c] > 0) {
            for k in 0..<p { m[c * p + k] = m[k] }
            for k in 0..<pp { C[c * pp + k] = C[k] }
            S[c] = S[0]
        }
        if n.isFinite && observed { n = nPrior + 1 }
    }

    /// The posterior collapsed to one component (mixture moments over all components).
    public func collapsed() -> (m: [Double], C: [Double], S: Double) {
        let p = x.p, pp = p * p
        var mm = [Double](repeating: 0, count: p), cc = [Double](repeating: 0, count: pp)
        var invS = 0.0
        for c in 0..<K where prob[c] > 0 {
            invS += prob[c] / S[c]
            for k in 0..<p { mm[k] += prob[c] * m[c * p + k] }
        }
        for c in 0..<K where prob[c] > 0 {
            for r in 0..<p {
                let dr = m[c * p + r] - mm[r]
                for q in 0..<p { cc[r * p + q] += prob[c] * (C[c * pp + r * p + q] + dr * (m[c * p + q] - mm[q])) }
            }
        }
        return (mm, cc, 1 / invS)
    }

    /// Forecasts from the collapsed posterior. Future level and slope changes are mixed in by
    /// their moments: each step's evolution variance gains π_level·k_level·S on the level and
    /// π_slope·k_slope·S·[[1,1],[1,1]] on (level, slope) — the variance of the regime mixture's
    /// shocks (they have mean zero). Future outliers are left out: they hit single observations
    /// and barely move a 90 % interval (2 % of mass).
    public func forecast(horizon: Int) -> [Forecast] {
        let (mm, cc, s) = collapsed()
        let dof = n.isFinite ? spec.dlm.varianceDiscount * n : n
        let p = x.p
        var extra = [Double](repeating: 0, count: p * p)
        extra[0] += priors[Regime.levelChange.rawValue] * spec.levelChangeVariance * s
        if x.trendDim == 2 {
            let v = priors[Regime.slopeChange.rawValue] * spec.slopeChangeVariance * s
            extra[0] += v; extra[1] += v; extra[p] += v; extra[p + 1] += v
        }
        return DLMKernel.forecast(spec.dlm, x, m: mm, C: cc, S: s, dof: dof, horizon: horizon, extraEvolution: extra)
    }

    /// Posterior mean of the level.
    public var level: Double { collapsed().m[0] }
}
