/// The plan's tolerance band for an indicator: target ± tolerance (inclusive).
public struct PlanBand: Sendable, Hashable {
    public var target: Double
    public var tolerance: Double

    public init(target: Double, tolerance: Double) {
        precondition(tolerance >= 0, "tolerance must be ≥ 0")
        self.target = target
        self.tolerance = tolerance
    }

    public var lower: Double { target - tolerance }
    public var upper: Double { target + tolerance }

    /// P(y ∉ [lower, upper]) under a Student-t predictive distribution.
    public func probabilityOutside(_ f: Forecast) -> Double {
        let s = f.scale2.squareRoot()
        guard s > 0, s.isFinite else { return (f.mean < lower || f.mean > upper) ? 1 : 0 }
        let below = StudentT.cdf((lower - f.mean) / s, dof: f.dof)
        let above = 1 - StudentT.cdf((upper - f.mean) / s, dof: f.dof)
        return min(1, max(0, below + above))
    }
}

/// An alarm about one series.
public struct Alert: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A level or slope change (`changeKind` says which was more probable).
        case change
        /// A transient: one value out of line with the rest.
        case outlier
        /// The forecast for the next period lies outside the plan's tolerance band.
        case forecastOutsidePlan = "forecast-outside-plan"
    }

    /// "unit/indicator/period/kind": deterministic, so raising the same alert twice is detectable.
    public let id: String
    public let unit: String
    public let indicator: String
    /// The period the alert is about: the changed or outlying period, or the forecast period.
    public let period: Int
    public let kind: Kind
    /// For `.change`: level or slope; nil for the other kinds.
    public let changeKind: RegimeEvent.Kind?
    public let probability: Double
    /// The period of the observation that triggered the alert.
    public let detectedAt: Int
    /// English text for logs and the API; a page in another language builds its own from the fields.
    public let message: String
    /// For `.forecastOutsidePlan`: the forecast mean and the plan band it misses.
    public let forecastMean: Double?
    public let plan: PlanBand?

    public init(unit: String, indicator: String, period: Int, kind: Kind, changeKind: RegimeEvent.Kind? = nil,
                probability: Double, detectedAt: Int, message: String, forecastMean: Double? = nil, plan: PlanBand? = nil) {
        self.id = "\(unit)/\(indicator)/\(period)/\(kind.rawValue)"
        self.unit = unit
        self.indicator = indicator
        self.period = period
        self.kind = kind
        self.changeKind = changeKind
        self.probability = probability
        self.detectedAt = detectedAt
        self.message = message
        self.forecastMean = forecastMean
        self.plan = plan
    }
}

/// When a series raises an alert. After observing period t the multi-process model (collapse
/// depth D) gives P(M_{t−k} = regime | y up to t) for k = 0…D.
///
/// * **change**: c = Σ_{k=1…D} [P(level change at t−k) + P(slope change at t−k)], capped at 1 —
///   to first order the probability of a change in the D periods before the latest one (the
///   latest itself cannot yet be told from an outlier). Raised when c > `changeThreshold`, for
///   the period t−k with the largest term; not raised again for a period within D periods of the
///   last change alert of the series (one change, one alert).
/// * **outlier**: P(outlier at t−D) > `outlierThreshold` (judged with D later values).
/// * **forecast outside plan**: with the one-step predictive t distribution for period t+1,
///   P(y_{t+1} ∉ target ± tolerance) > `forecastThreshold`. Raised when the probability crosses
///   the threshold; re-armed once it drops back below it.
///
/// No alert is raised while the model warms up (`warmUp` periods from the first report; the
/// prior is read off them, `DLMPrior.fromData`).
public struct AlertRule: Sendable, Hashable {
    public var changeThreshold: Double
    public var outlierThreshold: Double
    public var forecastThreshold: Double
    /// Periods from the first report before the model starts (≥ 2).
    public var warmUp: Int

    public init(changeThreshold: Double = 0.5, outlierThreshold: Double = 0.5, forecastThreshold: Double = 0.8,
                warmUp: Int = 8) {
        precondition(warmUp >= 2, "warm-up must cover at least 2 periods")
        self.changeThreshold = changeThreshold
        self.outlierThreshold = outlierThreshold
        self.forecastThreshold = forecastThreshold
        self.warmUp = warmUp
    }

    /// Per-series memory of what was already raised.
    public struct Tracker: Sendable, Hashable {
        public var lastChangePeriod: Int = Int.min / 2
        public var forecastActive: Bool = false
        public init() {}
    }

    /// Evaluates the regime part of the rule. `lagged` is flat: entry 4k + j = P(M_{t−k} = j).
    func regimeAlerts(unit: String, indicator: String, period t: Int, depth D: Int,
                      lagged: UnsafeBufferPointer<Double>, tracker: inout Tracker, into out: inout [Alert]) {
        guard D >= 1 else { return }
        var c = 0.0, best = 1, bestV = -1.0, lv = 0.0, sl = 0.0
        for k in 1...D {
            let l = lagged[4 * k + Regime.levelChange.rawValue], s = lagged[4 * k + Regime.slopeChange.rawValue]
            c += l + s
            lv += l
            sl += s
            if l + s > bestV { bestV = l + s; best = k }
        }
        if c > changeThreshold && t - best > tracker.lastChangePeriod + D {
            let p = min(1, c), at = t - best
            let kind: RegimeEvent.Kind = lv >= sl ? .level : .slope
            tracker.lastChangePeriod = at
            out.append(Alert(unit: unit, indicator: indicator, period: at, kind: .change, changeKind: kind,
                             probability: p, detectedAt: t,
                             message: "\(kind.rawValue) change in \(indicator) of \(unit) at period \(at) (p = \(fmt(p)))"))
        }
        let po = lagged[4 * D + Regime.outlier.rawValue]
        if po > outlierThreshold {
            out.append(Alert(unit: unit, indicator: indicator, period: t - D, kind: .outlier, probability: po,
                             detectedAt: t,
                             message: "outlier in \(indicator) of \(unit) at period \(t - D) (p = \(fmt(po)))"))
        }
    }

    /// Evaluates the plan part of the rule on the forecast for period t + 1.
    func planAlert(unit: String, indicator: String, period t: Int, forecast f: Forecast, plan: PlanBand,
                   tracker: inout Tracker, into out: inout [Alert]) {
        let p = plan.probabilityOutside(f)
        if p > forecastThreshold {
            if !tracker.forecastActive {
                tracker.forecastActive = true
                let side = f.mean < plan.target ? "below" : "above"
                out.append(Alert(unit: unit, indicator: indicator, period: t + 1, kind: .forecastOutsidePlan,
                                 probability: p, detectedAt: t,
                                 message: "\(indicator) of \(unit) forecast \(fmt(f.mean)) for period \(t + 1), \(side) the plan \(fmt(plan.target)) ± \(fmt(plan.tolerance)) (p outside = \(fmt(p)))",
                                 forecastMean: f.mean, plan: plan))
            }
        } else {
            tracker.forecastActive = false
        }
    }
}

/// Rounds to 3 decimals for messages (no Foundation formatting).
func fmt(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    let r = (x * 1000).rounded() / 1000
    return r == r.rounded() && abs(r) < 1e15 ? "\(Int(r))" : "\(r)"
}

/// Watches one series with the full `MultiProcessModel` (any `MultiProcessSpec`, seasonal
/// included) and raises alerts by `AlertRule`.
///
/// Feed periods in order with `observe(period:value:)`. A gap (a period beyond the next one)
/// is filtered as missing values; a gap longer than `maxGap` restarts the monitor (new warm-up).
/// A report for a period already passed (late, out of order, a correction) is **not** filtered
/// online — it returns no alert; to take it into account rebuild the monitor from the ledger's
/// series with `replaying(_:firstPeriod:)`.
public struct SeriesMonitor: Sendable {
    public let unit: String
    public let indicator: String
    public let spec: MultiProcessSpec
    public var rule: AlertRule
    public var plan: PlanBand?
    public var maxGap: Int = 100
    public private(set) var model: MultiProcessModel?
    public private(set) var tracker = AlertRule.Tracker()
    /// The period the next observation is expected for (nil before the first).
    public private(set) var nextPeriod: Int?
    private var buffer: [Double?] = []
    private var flat: [Double]

    public init(unit: String, indicator: String, spec: MultiProcessSpec = MultiProcessSpec(),
                rule: AlertRule = AlertRule(), plan: PlanBand? = nil) {
        self.unit = unit
        self.indicator = indicator
        self.spec = spec
        self.rule = rule
        self.plan = plan
        flat = [Double](repeating: 0, count: 4 * (spec.collapseDepth + 1))
    }

    /// Takes the value of one period (nil = known missing) and returns the alerts it raises.
    public mutating func observe(period: Int, value: Double?) -> [Alert] {
        let v = value.flatMap { $0.isFinite ? $0 : nil }
        guard let next = nextPeriod else {
            nextPeriod = period
            return step(v, period: period)
        }
        if period < next { return [] }
        if period - next > maxGap {
            model = nil
            buffer = []
            tracker = AlertRule.Tracker()
            nextPeriod = period
            return step(v, period: period)
        }
        var out: [Alert] = []
        for q in next..<period { out += step(nil, period: q) }
        out += step(v, period: period)
        return out
    }

    private mutating func step(_ y: Double?, period t: Int) -> [Alert] {
        nextPeriod = t + 1
        if model == nil {
            buffer.append(y)
            if buffer.count >= rule.warmUp {
                let prior = DLMPrior.fromData(buffer, spec: spec.dlm)
                var mm = MultiProcessModel(spec: spec, prior: prior)
                for b in buffer { mm.observe(b) }
                model = mm
                buffer = []
            }
            return []
        }
        model!.observe(y)
        let m = model!
        var out: [Alert] = []
        let D = spec.collapseDepth
        for k in 0...D { for j in 0..<4 { flat[4 * k + j] = m.lagged[k][j] } }
        let (u, i) = (unit, indicator)
        var tr = tracker
        flat.withUnsafeBufferPointer { rule.regimeAlerts(unit: u, indicator: i, period: t, depth: D, lagged: $0, tracker: &tr, into: &out) }
        if let plan, let f = m.forecast(horizon: 1).first {
            rule.planAlert(unit: u, indicator: i, period: t, forecast: f, plan: plan, tracker: &tr, into: &out)
        }
        tracker = tr
        return out
    }

    /// Forecasts after the last observed period (empty during warm-up).
    public func forecast(horizon: Int) -> [Forecast] {
        model?.forecast(horizon: horizon) ?? []
    }

    /// A fresh monitor run over a whole series (e.g. `ReportLedger.values(series:)`), returning the
    /// monitor and every alert raised on the way.
    public func replaying(_ values: [Double?], firstPeriod: Int) -> (monitor: SeriesMonitor, alerts: [Alert]) {
        var m = SeriesMonitor(unit: unit, indicator: indicator, spec: spec, rule: rule, plan: plan)
        m.maxGap = maxGap
        var out: [Alert] = []
        for (k, v) in values.enumerated() { out += m.observe(period: firstPeriod + k, value: v) }
        return (m, out)
    }
}
