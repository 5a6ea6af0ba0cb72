import Testing
@testable import SyncoFeedback

private func stepSeries(seed: UInt64, n: Int, at: Int, size: Double, base: Double = 10) -> [Double] {
    var rng = SeededNormals(seed: seed)
    return (0..<n).map { base + ($0 >= at ? size : 0) + rng.next() }
}

private func monitorAlerts(_ y: [Double], spec: MultiProcessSpec, plan: PlanBand? = nil) -> [Alert] {
    var m = SeriesMonitor(unit: "bakery", indicator: "loaves", spec: spec, plan: plan)
    var out: [Alert] = []
    for (t, v) in y.enumerated() { out += m.observe(period: t, value: v) }
    return out
}

private func bankAlerts(_ y: [Double], spec: MultiProcessSpec, plan: PlanBand? = nil) -> [Alert] {
    var b = FeedbackBank(spec: spec)
    if let plan { b.setPlan(series: 0, plan) }
    var out: [Alert] = []
    for (t, v) in y.enumerated() {
        b.observe(series: 0, period: t, value: v, key: SeriesKey(unit: "bakery", indicator: "loaves"), into: &out)
    }
    return out
}

/// Same ids and messages, probabilities equal to rounding.
private func sameAlerts(_ a: [Alert], _ b: [Alert]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy {
        $0.id == $1.id && $0.message == $1.message && abs($0.probability - $1.probability) < 1e-9
    }
}

/// The compact bank is the multi-process model: same forecasts and regime probabilities.
@Test(arguments: [(DLMSpec.Trend.level, 1), (.linear, 1), (.linear, 2), (.linear, 3), (.level, 3)])
func bankMatchesMultiProcessModel(trend: DLMSpec.Trend, depth: Int) {
    let spec = MultiProcessSpec(dlm: DLMSpec(trend: trend), collapseDepth: depth)
    var y: [Double?] = stepSeries(seed: 7, n: 80, at: 40, size: 5).map { $0 }
    y[20] = nil
    y[55] = 30
    var monitor = SeriesMonitor(unit: "u", indicator: "i", spec: spec)
    var bank = FeedbackBank(spec: spec)
    // A second series interleaved, to check that series do not share state.
    var other: [Alert] = []
    for (t, v) in y.enumerated() {
        _ = monitor.observe(period: t, value: v)
        bank.observe(series: 1, period: t, value: 1000 - Double(t), key: SeriesKey(unit: "x", indicator: "y"), into: &other)
        var sink: [Alert] = []
        bank.observe(series: 0, period: t, value: v, key: SeriesKey(unit: "u", indicator: "i"), into: &sink)
        let lagged = bank.lastLagged
        guard let model = monitor.model else {
            #expect(bank.nextForecast(series: 0) == nil)
            continue
        }
        for k in 0...depth { for j in 0..<4 { #expect(abs(lagged[4 * k + j] - model.lagged[k][j]) < 1e-9) } }
        let f = monitor.forecast(horizon: 1)[0], g = bank.nextForecast(series: 0)!
        #expect(abs(f.mean - g.mean) < 1e-9 * max(1, abs(f.mean)))
        #expect(abs(f.scale2 - g.scale2) < 1e-9 * f.scale2)
        #expect(abs(f.dof - g.dof) < 1e-12)
    }
}

@Test func stepChangeRaisesAChangeAlertAtItsPeriod() {
    let y = stepSeries(seed: 42, n: 80, at: 40, size: 5)
    for spec in [MultiProcessSpec(), MultiProcessSpec(dlm: DLMSpec(trend: .level)), FeedbackBank.defaultSpec()] {
        let alerts = monitorAlerts(y, spec: spec).filter { $0.kind == .change }
        #expect(alerts.count >= 1 && alerts.count <= 2, "\(alerts)")
        let hit = alerts.first { abs($0.period - 40) <= 1 }
        #expect(hit != nil, "\(alerts.map(\.period))")
        if let hit {
            #expect(hit.probability > 0.5)
            #expect(hit.changeKind == .level)
            #expect(hit.detectedAt > hit.period && hit.detectedAt <= hit.period + spec.collapseDepth)
            #expect(hit.id == "bakery/loaves/\(hit.period)/change")
            #expect(hit.unit == "bakery" && hit.indicator == "loaves")
        }
    }
    // The bank raises the same alerts as the monitor.
    let spec = FeedbackBank.defaultSpec()
    #expect(sameAlerts(bankAlerts(y, spec: spec), monitorAlerts(y, spec: spec)))
}

@Test func isolatedSpikeRaisesAnOutlierAlert() {
    var y = stepSeries(seed: 5, n: 60, at: 1000, size: 0, base: 50)
    y[30] = 62
    let alerts = monitorAlerts(y, spec: MultiProcessSpec())
    #expect(alerts.contains { $0.kind == .outlier && $0.period == 30 })
    #expect(!alerts.contains { $0.kind == .change && abs($0.period - 30) <= 1 })
}

@Test func stationaryNoiseRaisesFewAlarms() {
    let y = stepSeries(seed: 2024, n: 500, at: 10_000, size: 0, base: 0)
    for spec in [MultiProcessSpec(), FeedbackBank.defaultSpec(), MultiProcessSpec(dlm: DLMSpec(trend: .level))] {
        let a = monitorAlerts(y, spec: spec)
        #expect(a.filter { $0.kind == .change }.count <= 3, "\(a.map(\.period))")
        #expect(a.filter { $0.kind == .outlier }.count <= 3, "\(a.map(\.period))")
        // On target with a generous tolerance: no plan alarm.
        #expect(monitorAlerts(y, spec: spec, plan: PlanBand(target: 0, tolerance: 4)).filter { $0.kind == .forecastOutsidePlan }.isEmpty)
    }
}

@Test func driftAwayFromTargetRaisesOneForecastOutsidePlanAlert() {
    // On target (100) for 20 periods, then drifting down 0.5 per period; plan 100 ± 5.
    var rng = SeededNormals(seed: 11)
    var y: [Double] = []
    for t in 0..<60 {
        let drift: Double = t >= 20 ? 0.5 * Double(t - 20) : 0
        y.append(100 - drift + 0.5 * rng.next())
    }
    let plan = PlanBand(target: 100, tolerance: 5)
    for spec in [MultiProcessSpec(), FeedbackBank.defaultSpec()] {
        let alerts = monitorAlerts(y, spec: spec, plan: plan).filter { $0.kind == .forecastOutsidePlan }
        #expect(alerts.count == 1, "\(alerts)")
        guard let a = alerts.first else { continue }
        // The mean crosses 95 at period 30; the alert must come before the series is far out.
        #expect(a.period >= 25 && a.period <= 34, "\(a.period)")
        #expect(a.probability > 0.8)
        #expect(a.message.contains("below"))
        #expect(a.id == "bakery/loaves/\(a.period)/forecast-outside-plan")
    }
    #expect(sameAlerts(bankAlerts(y, spec: FeedbackBank.defaultSpec(), plan: plan),
                       monitorAlerts(y, spec: FeedbackBank.defaultSpec(), plan: plan)))
}

@Test func planProbabilityUsesThePredictiveDistribution() {
    let band = PlanBand(target: 100, tolerance: 10)
    let centred = Forecast(step: 1, mean: 100, scale2: 25, dof: .infinity)
    // ±2σ outside a normal: 2 × 0.02275.
    #expect(abs(band.probabilityOutside(centred) - 0.0455003) < 1e-6)
    let onEdge = Forecast(step: 1, mean: 110, scale2: 25, dof: 5)
    // Half the mass above the upper edge plus the t₅ tail beyond 4 scale units below the lower one.
    #expect(abs(band.probabilityOutside(onEdge) - (0.5 + StudentT.cdf(-4, dof: 5))) < 1e-12)
    #expect(abs(StudentT.cdf(-4, dof: 5) - 0.0051617) < 1e-6)
    #expect(band.probabilityOutside(Forecast(step: 1, mean: 111, scale2: 0, dof: 5)) == 1)
}

@Test func lateReportsAreNotFilteredOnlineAndGapsAreMissing() {
    var m = SeriesMonitor(unit: "u", indicator: "i")
    for t in 0..<20 { _ = m.observe(period: t, value: 10 + Double(t % 3)) }
    #expect(m.nextPeriod == 20)
    #expect(m.observe(period: 5, value: 99).isEmpty)
    _ = m.observe(period: 25, value: 11)
    #expect(m.nextPeriod == 26)
    var b = FeedbackBank()
    var sink: [Alert] = []
    for t in 0..<20 { b.observe(series: 3, period: t, value: 10 + Double(t % 3), key: SeriesKey(unit: "u", indicator: "i"), into: &sink) }
    #expect(!b.observe(series: 3, period: 5, value: 99, key: SeriesKey(unit: "u", indicator: "i"), into: &sink))
    #expect(b.count >= 4)
    #expect(!b.isLive(series: 2))
    #expect(b.isLive(series: 3))
    // Rebuilding from the ledger takes late values into account.
    let (rebuilt, _) = m.replaying([10, 11, 12, nil, 10], firstPeriod: 0)
    #expect(rebuilt.nextPeriod == 5)
}

@Test func benchmarkRunsAndReports() {
    let r = FeedbackBenchmark.run(indicators: 200, periods: 12)
    #expect(r.reports == 2400)
    #expect(r.reportsPerSecond > 0 && r.microsecondsPerForecastUpdate > 0)
    #expect(r.modelBytesPerIndicator == 29 * 8 + 21)
}
