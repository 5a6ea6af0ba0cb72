/// The structure and discount factors of a dynamic linear model (West & Harrison, *Bayesian
/// Forecasting and Dynamic Models*, 2nd ed. 1997, ch. 6–8):
///
///     y_t = F'θ_t + ν_t,        ν_t ~ N(0, V)
///     θ_t = G θ_{t−1} + ω_t,    ω_t ~ N(0, W_t)
///
/// built from a trend block (local level, or local linear trend with level and slope) and an
/// optional Fourier seasonal block of period `s` (harmonics j = 1…⌊s/2⌋, each a 2×2 rotation by
/// 2πj/s, the Nyquist harmonic of an even period a single −1). W_t is specified by component
/// discounting (W&H §6.3): with P = G C_{t−1} G', the prior covariance of each block is its block
/// of P divided by the block's discount factor. V is unknown with a conjugate gamma prior on 1/V,
/// discounted by `varianceDiscount` (W&H §10.8), so forecasts are Student t.
public struct DLMSpec: Sendable, Hashable {
    public enum Trend: String, Sendable, Hashable, CaseIterable { case level, linear }

    public var trend: Trend
    /// Seasonal period; 1 means no seasonal block.
    public var period: Int
    /// Number of harmonics kept; nil keeps all ⌊s/2⌋ (a full seasonal-factor equivalent).
    public var harmonics: Int?
    /// Discount factor of the trend block (level and slope), in (0, 1]; the level's alone when
    /// `slopeDiscount` is set.
    public var trendDiscount: Double
    /// A separate discount factor for the slope of a linear trend, in (0, 1]; nil discounts level
    /// and slope as one block by `trendDiscount`. With it, level and slope are two components
    /// (W&H §6.3): their prior variances are P_μμ/δ_T and P_ββ/δ_β, their covariance stays P_μβ,
    /// so a series whose level wanders but whose growth is persistent (log GDP) can say so.
    public var slopeDiscount: Double?
    /// Damping φ of a linear trend's slope (Gardner & McKenzie's damped trend, the "Ad" of ETS):
    /// μ_t = μ_{t−1} + φ β_{t−1}, β_t = φ β_{t−1} (G = [[1, φ], [0, φ]]), so k-step forecasts
    /// add φ + … + φ^k slopes instead of k. nil (or 1) is the undamped local linear trend. In (0, 1].
    public var damping: Double?
    /// Discount factor of the seasonal block, in (0, 1].
    public var seasonalDiscount: Double
    /// Discount of the observation precision's gamma posterior, in (0, 1]; 1 = constant V.
    public var varianceDiscount: Double
    /// A known observation variance V; nil learns V (the normal/inverse-gamma analysis).
    public var observationVariance: Double?
    /// A fixed diagonal evolution variance W (length = state dimension); nil uses discounting.
    public var evolutionVariance: [Double]?

    public init(trend: Trend = .linear, period: Int = 1, harmonics: Int? = nil,
                trendDiscount: Double = 0.95, slopeDiscount: Double? = nil, damping: Double? = nil,
                seasonalDiscount: Double = 0.97,
                varianceDiscount: Double = 0.99,
                observationVariance: Double? = nil, evolutionVariance: [Double]? = nil) {
        precondition(period >= 1, "period must be ≥ 1")
        self.trend = trend
        self.period = period
        self.harmonics = harmonics
        self.trendDiscount = trendDiscount
        self.slopeDiscount = slopeDiscount
        self.damping = damping
        self.seasonalDiscount = seasonalDiscount
        self.varianceDiscount = varianceDiscount
        self.observationVariance = observationVariance
        self.evolutionVariance = evolutionVariance
    }

    /// Dimension of the trend block: 1 (level) or 2 (level, slope).
    public var trendDimension: Int { trend == .level ? 1 : 2 }

    /// Dimension of the seasonal block (0 without a season; s − 1 with all harmonics).
    public var seasonalDimension: Int {
        guard period > 1 else { return 0 }
        let full = period / 2
        let h = min(harmonics ?? full, full)
        var dim = 0
        for j in 1...max(h, 1) where h >= 1 { dim += (period % 2 == 0 && j == full) ? 1 : 2 }
        return dim
    }

    public var stateDimension: Int { trendDimension + seasonalDimension }
}

/// F and G as flat row-major arrays, and the block layout used by component discounting.
struct DLMMatrices: Sendable {
    let p: Int
    let F: [Double]
    let G: [Double]
    let trendDim: Int

    init(_ spec: DLMSpec) {
        let p = spec.stateDimension
        var F = [Double](repeating: 0, count: p)
        var G = [Double](repeating: 0, count: p * p)
        F[0] = 1
        G[0] = 1
        if spec.trend == .linear { let phi = spec.damping ?? 1; G[1] = phi; G[p + 1] = phi }
        var k = spec.trendDimension
        if spec.period > 1 {
            let s = spec.period, full = s / 2
            let h = min(spec.harmonics ?? full, full)
            if h >= 1 {
                for j in 1...h {
                    if s % 2 == 0 && j == full {
                        F[k] = 1; G[k * p + k] = -1; k += 1
                    } else {
                        let w = 2 * Double.pi * Double(j) / Double(s)
                        let c = cosine(w), sn = sine(w)
                        F[k] = 1
                        G[k * p + k] = c; G[k * p + k + 1] = sn
                        G[(k + 1) * p + k] = -sn; G[(k + 1) * p + k + 1] = c
                        k += 2
                    }
                }
            }
        }
        precondition(k == p)
        self.p = p
        self.F = F
        self.G = G
        self.trendDim = spec.trendDimension
    }
}
