/// A univariate dynamic linear model filtered sequentially (W&H ch. 4, 6, 10): local level or
/// local linear trend, optional Fourier seasonal, component discount factors, and unknown
/// observation variance with the conjugate normal/inverse-gamma update and a variance discount.
///
/// Per observation: a = Gm, R = GCG' + W (by discounting), f = F'a, Q = F'RF + S,
/// e = y − f, A = RF/Q, n ← δ_V n + 1, S ← (δ_V n S + S e²/Q)/n, m = a + Ae, C = (S_new/S_old)(R − AA'Q).
/// One-step forecasts are t_{δ_V n}(f, Q). Scratch arrays are owned and reused.
/// - Complexity: O(p³) per observation, p = state dimension (≤ 13 for a monthly season).
public struct DynamicLinearModel: SequentialForecaster, Sendable {
    public let spec: DLMSpec
    let x: DLMMatrices
    /// Posterior mean of the state after the last observation.
    public private(set) var m: [Double]
    /// Posterior covariance (row-major p×p).
    public private(set) var C: [Double]
    /// Degrees of freedom of the gamma posterior on 1/V (infinite when V is known).
    public private(set) var n: Double
    /// Point estimate of V.
    public private(set) var S: Double
    /// The one-step forecast made before the last observation arrived, if any.
    public private(set) var lastOneStep: Forecast?
    private var a: [Double], R: [Double], rf: [Double], tmp: [Double]

    public init(spec: DLMSpec, prior: DLMPrior) {
        let x = DLMMatrices(spec)
        precondition(prior.m.count == x.p, "prior dimension \(prior.m.count) ≠ state dimension \(x.p)")
        self.spec = spec
        self.x = x
        m = prior.m
        C = prior.C
        if let v = spec.observationVariance { n = .infinity; S = v } else { n = prior.n; S = prior.S }
        a = prior.m
        R = prior.C
        rf = prior.m
        tmp = prior.C
    }

    /// Adaptive vector A_t of the last update is not kept; the level is `m[0]`.
    public var level: Double { m[0] }

    public mutating func observe(_ y: Double?) {
        DLMKernel.propagate(x, m: m, mo: 0, C: C, co: 0, a: &a, ao: 0, R: &R, ro: 0, tmp: &tmp)
        DLMKernel.addEvolution(spec, x, R: &R, ro: 0)
        let nPrior = n.isFinite ? spec.varianceDiscount * n : n
        let (f, q) = DLMKernel.oneStep(x, a: a, ao: 0, R: R, ro: 0, S: S, obsFactor: 1, rf: &rf)
        lastOneStep = Forecast(step: 1, mean: f, scale2: q, dof: nPrior)
        guard let y, y.isFinite else {
            swap(&m, &a)
            swap(&C, &R)
            return
        }
        let (S1, _) = DLMKernel.update(x, a: a, ao: 0, R: R, ro: 0, S: S, nPrior: nPrior, y: y,
                                       obsFactor: 1, m: &m, mo: 0, C: &C, co: 0, rf: &rf)
        S = S1
        if n.isFinite { n = nPrior + 1 }
    }

    public func forecast(horizon: Int) -> [Forecast] {
        let dof = n.isFinite ? spec.varianceDiscount * n : n
        return DLMKernel.forecast(spec, x, m: m, C: C, S: S, dof: dof, horizon: horizon)
    }
}
