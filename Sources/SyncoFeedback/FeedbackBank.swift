#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Harrison–Stevens multi-process model for very many non-seasonal series at once, with the
/// state of all series in one contiguous array (structure of arrays), for the opsroom's fleet of
/// indicators (10⁵–10⁶ series).
///
/// It is the same model and the same arithmetic as `MultiProcessModel` restricted to a local
/// level or local linear trend without season (p = 1 or 2), discount evolution and unknown V —
/// the tests check that both give the same forecasts and regime probabilities — but keeps only
/// what must persist: per component m (p), C (packed symmetric, p(p+1)/2), S and its
/// probability, plus n per series. Bytes per series (Double state + bookkeeping):
///
/// | trend | depth D | components | state bytes |
/// |---|---|---|---|
/// | level | 1 | 4 | 17·8 = 136 |
/// | linear | 1 | 4 | 29·8 = 232 |
/// | linear | 2 | 16 | 113·8 = 904 |
/// | linear | 3 | 64 | 449·8 = 3592 |
///
/// plus 17 bytes of bookkeeping (last period, warm-up count, last change alert, flags) and 16
/// if a plan band is set. Scratch space is shared by all series. During warm-up the first
/// `rule.warmUp` values are held in the series' own state slot; the prior is then read off them
/// with `DLMPrior.fromData` and they are filtered (as `SeriesMonitor` does).
///
/// Default: linear trend, depth 1 (Harrison & Stevens' own one-step collapse), so a change is
/// judged with one later value; use depth 2–3 for modest shifts (see docs/forecasting.md).
public struct FeedbackBank: Sendable {
    public let spec: MultiProcessSpec
    public var rule: AlertRule
    public var maxGap: Int = 100
    let p: Int, np: Int, K: Int, D: Int, cs: Int, stride: Int
    let logPriors: [Double]
    let priors: [Double]
    private var state: [Double] = []
    private var lastPeriod: [Int] = []
    private var seen: [Int32] = []
    private var lastChange: [Int] = []
    private var forecastActive: [Bool] = []
    private var planTarget: [Double] = []
    private var planTolerance: [Double] = []
    // Scratch, shared by all series.
    private var a: [Double], R: [Double], mE: [Double], CE: [Double], SE: [Double], w: [Double], lag: [Double]

    public static func defaultSpec(trend: DLMSpec.Trend = .linear, collapseDepth: Int = 1) -> MultiProcessSpec {
        MultiProcessSpec(dlm: DLMSpec(trend: trend), collapseDepth: collapseDepth)
    }

    public init(spec: MultiProcessSpec = FeedbackBank.defaultSpec(), rule: AlertRule = AlertRule(), capacity: Int = 0) {
        precondition(spec.dlm.period == 1, "FeedbackBank handles non-seasonal series; use SeriesMonitor for seasonal ones")
        precondition(spec.dlm.evolutionVariance == nil && spec.dlm.observationVariance == nil,
                     "FeedbackBank uses discounting and an unknown observation variance")
        precondition(spec.dlm.slopeDiscount == nil, "FeedbackBank discounts level and slope as one block")
        self.spec = spec
        self.rule = rule
        p = spec.dlm.stateDimension
        np = p * (p + 1) / 2
        var k = 1
        for _ in 0..<spec.collapseDepth { k *= 4 }
        K = k
        D = spec.collapseDepth
        cs = p + np + 2
        stride = 1 + K * cs
        precondition(stride >= rule.warmUp, "warm-up longer than the state slot")
        priors = spec.effectivePriors
        logPriors = priors.map { $0 > 0 ? log($0) : -.infinity }
        a = Array(repeating: 0, count: K * p)
        R = Array(repeating: 0, count: K * np)
        mE = Array(repeating: 0, count: 4 * K * p)
        CE = Array(repeating: 0, count: 4 * K * np)
        SE = Array(repeating: 0, count: 4 * K)
        w = Array(repeating: 0, count: 4 * K)
        lag = Array(repeating: 0, count: 4 * (D + 1))
        reserve(capacity)
    }

    /// Number of series with state.
    public private(set) var count = 0

    /// Makes room for series 0..<n.
    public mutating func reserve(_ n: Int) {
        guard n > count else { return }
        state.append(contentsOf: repeatElement(0, count: (n - count) * stride))
        lastPeriod.append(contentsOf: repeatElement(Int.min, count: n - count))
        seen.append(contentsOf: repeatElement(0, count: n - count))
        lastChange.append(contentsOf: repeatElement(Int.min / 2, count: n - count))
        forecastActive.append(contentsOf: repeatElement(false, count: n - count))
        if !planTarget.isEmpty {
            planTarget.append(contentsOf: repeatElement(.nan, count: n - count))
            planTolerance.append(contentsOf: repeatElement(.nan, count: n - count))
        }
        count = n
    }

    /// Bytes of state per series (excluding plan bands, which add 16 when used).
    public var bytesPerSeries: Int { stride * 8 + 8 + 4 + 8 + 1 }

    /// Sets (or clears, with nil) the plan band of a series.
    public mutating func setPlan(series s: Int, _ band: PlanBand?) {
        reserve(s + 1)
        if planTarget.isEmpty {
            guard band != nil else { return }
            planTarget = Array(repeating: .nan, count: count)
            planTolerance = Array(repeating: .nan, count: count)
        }
        planTarget[s] = band?.target ?? .nan
        planTolerance[s] = band?.tolerance ?? .nan
    }

    public func plan(series s: Int) -> PlanBand? {
        guard s < planTarget.count, !planTarget[s].isNaN else { return nil }
        return PlanBand(target: planTarget[s], tolerance: planTolerance[s])
    }

    /// True once the series has passed its warm-up.
    public func isLive(series s: Int) -> Bool { s < count && Int(seen[s]) >= rule.warmUp }

    /// Feeds the value of `period` (nil = known missing) to series `s`; alerts go into `alerts`,
    /// named by `key` (evaluated only when an alert is raised). Periods between the last one and
    /// this are filtered as missing; a gap over `maxGap` restarts the series. Returns false (and
    /// does nothing) for a period not after the last one: late reports and corrections are stored
    /// by the ledger but not filtered online.
    @discardableResult
    public mutating func observe(series s: Int, period: Int, value: Double?, key: @autoclosure () -> SeriesKey,
                                 into alerts: inout [Alert]) -> Bool {
        if s >= count { reserve(max(s + 1, count + count / 2)) }
        let y = value.flatMap { $0.isFinite ? $0 : nil }
        let last = lastPeriod[s]
        if last != Int.min {
            if period <= last { return false }
            if period - last > maxGap {
                seen[s] = 0
                lastChange[s] = Int.min / 2
                forecastActive[s] = false
            } else {
                var q = last + 1
                while q < period { step(s, nil, period: q, key: key, alerts: &alerts); q += 1 }
            }
        }
        step(s, y, period: period, key: key, alerts: &alerts)
        return true
    }

    private mutating func step(_ s: Int, _ y: Double?, period t: Int, key: () -> SeriesKey, alerts: inout [Alert]) {
        lastPeriod[s] = t
        let base = s * stride
        let sn = Int(seen[s])
        if sn < rule.warmUp {
            state[base + sn] = y ?? .nan
            seen[s] = Int32(sn + 1)
            if sn + 1 == rule.warmUp {
                var buf = [Double?](repeating: nil, count: rule.warmUp)
                for i in 0..<rule.warmUp { let v = state[base + i]; buf[i] = v.isNaN ? nil : v }
                initialise(s, prior: DLMPrior.fromData(buf, spec: spec.dlm))
                for v in buf { filter(s, v) }
            }
            return
        }
        filter(s, y)
        // Alerts.
        var c = 0.0
        for k in 1...D { c += lag[4 * k + 2] + lag[4 * k + 3] }
        let po = lag[4 * D + 1]
        let hasPlan = s < planTarget.count && !planTarget[s].isNaN
        guard c > rule.changeThreshold || po > rule.outlierThreshold || hasPlan else { return }
        var tr = AlertRule.Tracker()
        tr.lastChangePeriod = lastChange[s]
        tr.forecastActive = forecastActive[s]
        var k: SeriesKey? = nil
        if c > rule.changeThreshold || po > rule.outlierThreshold {
            let kk = key()
            k = kk
            lag.withUnsafeBufferPointer {
                rule.regimeAlerts(unit: kk.unit, indicator: kk.indicator, period: t, depth: D, lagged: $0,
                                  tracker: &tr, into: &alerts)
            }
        }
        if hasPlan, let f = nextForecast(series: s) {
            let band = PlanBand(target: planTarget[s], tolerance: planTolerance[s])
            // Cheap pre-check: only name the series when the rule may fire or must re-arm.
            if band.probabilityOutside(f) > rule.forecastThreshold || tr.forecastActive {
                let kk = k ?? key()
                rule.planAlert(unit: kk.unit, indicator: kk.indicator, period: t, forecast: f, plan: band,
                               tracker: &tr, into: &alerts)
            }
        }
        lastChange[s] = tr.lastChangePeriod
        forecastActive[s] = tr.forecastActive
    }

    private mutating func initialise(_ s: Int, prior: DLMPrior) {
        let base = s * stride
        state[base] = prior.n
        for c in 0..<K {
            let o = base + 1 + c * cs
            for i in 0..<p { state[o + i] = prior.m[i] }
            if p == 1 { state[o + 1] = prior.C[0] } else {
                state[o + 2] = prior.C[0]; state[o + 3] = 0.5 * (prior.C[1] + prior.C[2]); state[o + 4] = prior.C[3]
            }
            state[o + p + np] = prior.S
            var pr = 1.0, q = c
            for _ in 0..<D { pr *= priors[q % 4]; q /= 4 }
            state[o + p + np + 1] = pr
        }
    }

    /// One multi-process step for series s (the arithmetic of `MultiProcessModel.observe`).
    private mutating func filter(_ s: Int, _ y: Double?) {
        let p = p, np = np, K = K, cs = cs, E = 4 * K
        let base = s * stride
        let ft = 1 / spec.dlm.trendDiscount
        let dV = spec.dlm.varianceDiscount
        let lv = spec.levelChangeVariance, sv = spec.slopeChangeVariance, of = spec.outlierVarianceFactor
        let observed = y != nil
        let yy = y ?? 0
        state.withUnsafeMutableBufferPointer { st in
        a.withUnsafeMutableBufferPointer { a in
        R.withUnsafeMutableBufferPointer { R in
        mE.withUnsafeMutableBufferPointer { mE in
        CE.withUnsafeMutableBufferPointer { CE in
        SE.withUnsafeMutableBufferPointer { SE in
        w.withUnsafeMutableBufferPointer { w in
        logPriors.withUnsafeBufferPointer { lp in
            let n = st[base]
            let nPrior = (n.isFinite && observed) ? dV * n : n
            // log t density constant for dof nPrior.
            let tConst: Double
            if nPrior.isInfinite { tConst = -0.5 * log(2 * Double.pi) } else {
                tConst = lgamma(0.5 * (nPrior + 1)) - lgamma(0.5 * nPrior) - 0.5 * log(nPrior * Double.pi)
            }
            // Propagate and discount.
            for c in 0..<K {
                let o = base + 1 + c * cs
                if p == 1 {
                    a[c] = st[o]
                    R[c] = st[o + 1] * ft
                } else {
                    let m0 = st[o], m1 = st[o + 1], c00 = st[o + 2], c01 = st[o + 3], c11 = st[o + 4]
                    a[2 * c] = m0 + m1
                    a[2 * c + 1] = m1
                    R[3 * c] = (c00 + c01 + c01 + c11) * ft
                    R[3 * c + 1] = (c01 + c11) * ft
                    R[3 * c + 2] = c11 * ft
                }
            }
            for c in 0..<K {
                let o = base + 1 + c * cs
                let Sc = st[o + p + np], pc = st[o + p + np + 1]
                let lc = pc > 0 ? log(pc) : -Double.infinity
                for j in 0..<4 {
                    let e = c * 4 + j
                    guard lp[j] > -Double.infinity, lc > -Double.infinity else { w[e] = -.infinity; continue }
                    var r00 = R[np * c], r01 = 0.0, r11 = 0.0
                    if p == 2 { r01 = R[3 * c + 1]; r11 = R[3 * c + 2] }
                    if j == 2 { r00 += lv * Sc }
                    if j == 3 && p == 2 { let v = sv * Sc; r00 += v; r01 += v; r11 += v }
                    if observed {
                        let kf = j == 1 ? of : 1
                        let f = a[p * c]
                        let q = r00 + kf * Sc
                        let err = yy - f
                        let tt = err / q.squareRoot()
                        let ll = nPrior.isInfinite
                            ? tConst - 0.5 * tt * tt - 0.5 * log(q)
                            : tConst - 0.5 * (nPrior + 1) * log1p(tt * tt / nPrior) - 0.5 * log(q)
                        var S1 = Sc
                        if nPrior.isFinite { S1 = (nPrior * Sc + Sc * err * err / q) / (nPrior + 1) }
                        let rr = S1 / Sc, eq = err / q
                        SE[e] = S1
                        w[e] = lc + lp[j] + ll
                        if p == 1 {
                            mE[e] = f + r00 * eq
                            CE[e] = rr * (r00 - r00 * r00 / q)
                        } else {
                            mE[2 * e] = f + r00 * eq
                            mE[2 * e + 1] = a[2 * c + 1] + r01 * eq
                            CE[3 * e] = rr * (r00 - r00 * r00 / q)
                            CE[3 * e + 1] = rr * (r01 - r01 * r00 / q)
                            CE[3 * e + 2] = rr * (r11 - r01 * r01 / q)
                        }
                    } else {
                        SE[e] = Sc
                        w[e] = lc + lp[j]
                        for i in 0..<p { mE[p * e + i] = a[p * c + i] }
                        CE[np * e] = r00
                        if p == 2 { CE[np * e + 1] = r01; CE[np * e + 2] = r11 }
                    }
                }
            }
            var top = -Double.infinity
            for e in 0..<E where w[e] > top { top = w[e] }
            var total = 0.0
            for e in 0..<E { let v = w[e] > -Double.infinity ? exp(w[e] - top) : 0; w[e] = v; total += v }
            for e in 0..<E { w[e] /= total }
            // Collapse over the oldest regime: members of c' are e = r·K + c'.
            for c in 0..<K {
                let o = base + 1 + c * cs
                var pc = 0.0
                for r in 0..<4 { pc += w[r * K + c] }
                st[o + p + np + 1] = pc
                guard pc > 0 else { continue }
                var invS = 0.0, m0 = 0.0, m1 = 0.0
                for r in 0..<4 {
                    let e = r * K + c
                    let v = w[e] / pc
                    if v == 0 { continue }
                    invS += v / SE[e]
                    m0 += v * mE[p * e]
                    if p == 2 { m1 += v * mE[2 * e + 1] }
                }
                st[o + p + np] = 1 / invS
                var c00 = 0.0, c01 = 0.0, c11 = 0.0
                for r in 0..<4 {
                    let e = r * K + c
                    let v = w[e] / pc
                    if v == 0 { continue }
                    let d0 = mE[p * e] - m0
                    c00 += v * (CE[np * e] + d0 * d0)
                    if p == 2 {
                        let d1 = mE[2 * e + 1] - m1
                        c01 += v * (CE[3 * e + 1] + d0 * d1)
                        c11 += v * (CE[3 * e + 2] + d1 * d1)
                    }
                }
                st[o] = m0
                if p == 1 { st[o + 1] = c00 } else { st[o + 1] = m1; st[o + 2] = c00; st[o + 3] = c01; st[o + 4] = c11 }
            }
            for c in 0..<K where !(st[base + 1 + c * cs + p + np + 1] > 0) {
                let o = base + 1 + c * cs, o0 = base + 1
                for i in 0..<(p + np + 1) { st[o + i] = st[o0 + i] }
            }
            if n.isFinite && observed { st[base] = nPrior + 1 }
        }}}}}}}}
        // Lagged regime probabilities: digit k (base 4, 0 = newest) of e is M_{t−k}.
        for i in 0..<lag.count { lag[i] = 0 }
        var div = 1
        for k in 0...D {
            for e in 0..<E { lag[4 * k + (e / div) % 4] += w[e] }
            div *= 4
        }
    }

    /// P(M_{t−k} = j | data) after the last filtered observation of the last series filtered
    /// (entry 4k + j); valid right after `observe`.
    public var lastLagged: [Double] { lag }

    /// The one-step forecast for the period after the last one of series s (nil during warm-up),
    /// from the posterior collapsed to one component, under the normal regime — as
    /// `MultiProcessModel.forecast(horizon: 1)`.
    public func nextForecast(series s: Int) -> Forecast? {
        guard isLive(series: s) else { return nil }
        let base = s * stride
        var invS = 0.0, m0 = 0.0, m1 = 0.0
        for c in 0..<K {
            let o = base + 1 + c * cs, pc = state[o + p + np + 1]
            guard pc > 0 else { continue }
            invS += pc / state[o + p + np]
            m0 += pc * state[o]
            if p == 2 { m1 += pc * state[o + 1] }
        }
        var c00 = 0.0, c01 = 0.0, c11 = 0.0
        for c in 0..<K {
            let o = base + 1 + c * cs, pc = state[o + p + np + 1]
            guard pc > 0 else { continue }
            let d0 = state[o] - m0
            if p == 1 { c00 += pc * (state[o + 1] + d0 * d0) } else {
                let d1 = state[o + 1] - m1
                c00 += pc * (state[o + 2] + d0 * d0)
                c01 += pc * (state[o + 3] + d0 * d1)
                c11 += pc * (state[o + 4] + d1 * d1)
            }
        }
        let S = 1 / invS
        let n = state[base]
        let dof = n.isFinite ? spec.dlm.varianceDiscount * n : n
        let ft = 1 / spec.dlm.trendDiscount
        let f = p == 1 ? m0 : m0 + m1
        var r00 = (p == 1 ? c00 : c00 + 2 * c01 + c11) * ft
        // Future level and slope changes mixed in by their moments, as `MultiProcessModel.forecast`.
        r00 += priors[Regime.levelChange.rawValue] * spec.levelChangeVariance * S
        if p == 2 { r00 += priors[Regime.slopeChange.rawValue] * spec.slopeChangeVariance * S }
        return Forecast(step: 1, mean: f, scale2: r00 + S, dof: dof)
    }
}
