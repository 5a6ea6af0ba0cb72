/// The initial posterior (m_0, C_0) and the gamma prior on 1/V (n_0 degrees of freedom around the
/// point estimate S_0).
public struct DLMPrior: Sendable, Hashable {
    public var m: [Double]
    /// Row-major p×p.
    public var C: [Double]
    public var n: Double
    public var S: Double

    public init(m: [Double], C: [Double], n: Double, S: Double) {
        precondition(C.count == m.count * m.count)
        self.m = m
        self.C = C
        self.n = n
        self.S = S
    }

    /// A weakly informative prior read off the first `L = max(2s, 8)` observations only (so a
    /// backtest whose minimum training length is ≥ L never sees its test data):
    /// level = mean of the first max(s, 1)… values present (first value if s = 1), slope 0,
    /// seasonal 0; S_0 = half the variance of the first (seasonal, if L > s + 1) differences;
    /// C_0 diagonal with level and seasonal variances v + 10·S_0 and slope (v + S_0)/4, v being
    /// the sample variance of those L values; n_0 = 1 (one observation's worth of belief in S_0).
    public static func fromData(_ y: [Double?], spec: DLMSpec) -> DLMPrior {
        let s = spec.period
        let L = min(y.count, max(2 * s, 8))
        let head = y.prefix(L)
        let present = head.compactMap { $0 }
        let p = spec.stateDimension
        var m = [Double](repeating: 0, count: p)
        var C = [Double](repeating: 0, count: p * p)
        guard let first = present.first else {
            for i in 0..<p { C[i * p + i] = 1e6 }
            return DLMPrior(m: m, C: C, n: 1, S: 1)
        }
        let lead = present.prefix(max(s, 1))
        m[0] = s > 1 ? lead.reduce(0, +) / Double(lead.count) : first
        let mean = present.reduce(0, +) / Double(present.count)
        var v = 0.0
        for x in present { v += (x - mean) * (x - mean) }
        v /= Double(max(present.count - 1, 1))
        let lag = (s > 1 && L > s + 1) ? s : 1
        var diffs: [Double] = []
        if L > lag { for t in lag..<L { if let a = head[t], let b = head[t - lag] { diffs.append(a - b) } } }
        var S0 = 0.0
        if diffs.count >= 2 {
            let dm = diffs.reduce(0, +) / Double(diffs.count)
            for d in diffs { S0 += (d - dm) * (d - dm) }
            S0 /= Double(diffs.count - 1) * 2
        }
        if !(S0 > 0) { S0 = max(v, 1e-8 * max(1, first * first)) }
        C[0] = v + 10 * S0
        var k = 1
        if spec.trend == .linear { C[p + 1] = (v + S0) / 4; k = 2 }
        while k < p { C[k * p + k] = v + 10 * S0; k += 1 }
        return DLMPrior(m: m, C: C, n: 1, S: S0)
    }
}
