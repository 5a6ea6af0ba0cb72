/// A flagged observation: a level or slope change, or an outlier.
public struct RegimeEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case level, slope, outlier }
    /// 0-based index into the series.
    public let index: Int
    public let kind: Kind
    /// The probability that triggered the flag (P(level)+P(slope) for a change).
    public let probability: Double

    public init(index: Int, kind: Kind, probability: Double) {
        self.index = index
        self.kind = kind
        self.probability = probability
    }
}

/// Per-observation regime probabilities from a multi-process run.
public struct RegimeTrace: Sendable {
    /// P(M_t = j | D_t), one row of four per observation.
    public var filtered: [[Double]]
    /// P(M_t = j | D_{t+D}), D = collapse depth (retrospective); the last D rows are judged on
    /// the data there is.
    public var retrospective: [[Double]]

    /// Runs the model over the series and records both kinds of probabilities.
    public static func run(_ y: [Double?], model: inout MultiProcessModel) -> RegimeTrace {
        var f: [[Double]] = [], r: [[Double]] = []
        f.reserveCapacity(y.count)
        r.reserveCapacity(y.count)
        for t in 0..<y.count {
            model.observe(y[t])
            f.append(model.filtered)
            r.append(model.filtered)
            for k in 1..<model.lagged.count where t - k >= 0 { r[t - k] = model.lagged[k] }
        }
        return RegimeTrace(filtered: f, retrospective: r)
    }
}

/// The flagging rule. Let c_t = P(level change at t) + P(slope change at t), judged in
/// retrospect (after y_{t+D}, D = collapse depth). Index t is flagged when the windowed sum
/// c_{t−w} + … + c_{t+w} exceeds `threshold` (with w = `window`, default 1: the probability,
/// to first order, that a change happened at t or a neighbour — a modest shift spreads its
/// probability over adjacent indices). A run of consecutive flagged indices is one event,
/// reported at the index of largest c_t in the run, with kind = the larger of the level and
/// slope sums over its window, and probability = its windowed sum capped at 1. Outliers are flagged
/// separately when P(outlier at t) in retrospect exceeds `threshold`. The first `warmUp`
/// observations (while the vague prior dominates) are not flagged.
public struct ChangePointRule: Sendable, Hashable {
    public var threshold: Double
    public var window: Int
    public var warmUp: Int

    public init(threshold: Double = 0.5, window: Int = 1, warmUp: Int = 3) {
        self.threshold = threshold
        self.window = window
        self.warmUp = warmUp
    }

    public func changePoints(_ trace: RegimeTrace) -> [RegimeEvent] {
        let r = trace.retrospective
        let n = r.count
        let lv = r.map { $0[Regime.levelChange.rawValue] }, sl = r.map { $0[Regime.slopeChange.rawValue] }
        func sum(_ v: [Double], _ t: Int) -> Double {
            var s = 0.0
            for u in max(0, t - window)...min(n - 1, t + window) { s += v[u] }
            return s
        }
        var out: [RegimeEvent] = []
        var t = warmUp
        while t < n {
            guard sum(lv, t) + sum(sl, t) > threshold else { t += 1; continue }
            var end = t
            while end + 1 < n && sum(lv, end + 1) + sum(sl, end + 1) > threshold { end += 1 }
            var best = t
            for u in t...end where lv[u] + sl[u] > lv[best] + sl[best] { best = u }
            let l = sum(lv, best), s = sum(sl, best)
            out.append(RegimeEvent(index: best, kind: l >= s ? .level : .slope, probability: min(1, l + s)))
            t = end + 1
        }
        return out
    }

    public func outliers(_ trace: RegimeTrace) -> [RegimeEvent] {
        var out: [RegimeEvent] = []
        for (t, p) in trace.retrospective.enumerated() where t >= warmUp {
            let po = p[Regime.outlier.rawValue]
            if po > threshold { out.append(RegimeEvent(index: t, kind: .outlier, probability: po)) }
        }
        return out
    }
}
