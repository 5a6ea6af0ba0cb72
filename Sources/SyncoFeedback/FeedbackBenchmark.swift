/// Result of `FeedbackBenchmark.run`.
public struct FeedbackBenchmarkResult: Sendable, Hashable {
    public let indicators: Int
    public let periods: Int
    public let reports: Int
    /// Reports stored per second by `ReportLedger.ingest` (key lookup + placement).
    public let reportsPerSecond: Double
    /// Microseconds per `FeedbackBank.observe` (one multi-process update of one series, alerts
    /// evaluated; the warm-up periods are buffered and filtered in one go at the end of warm-up).
    public let microsecondsPerForecastUpdate: Double
    /// Both together: reports per second through ledger and model.
    public let endToEndReportsPerSecond: Double
    public let alerts: Int
    /// Multi-process state and bookkeeping bytes per indicator (`FeedbackBank.bytesPerSeries`).
    public let modelBytesPerIndicator: Int
    /// Ledger slot storage bytes per indicator (by capacity; dictionary and key strings excluded).
    public let ledgerBytesPerIndicator: Int
    public let collapseDepth: Int
}

/// A throughput benchmark of the opsroom's feedback path: N indicators (10 per unit) report one
/// value per period, in order; each report is stored in a `ReportLedger` and fed to a
/// `FeedbackBank` (linear trend, default depth 1) with a plan band on every indicator (so the
/// forecast-outside-plan test runs on each update). Values are a deterministic pseudo-random
/// walk around the target; 1 % of indicators get a +8 step at period max(periods/2, 10), after the warm-up. Reports are built before the
/// clock starts. Not a test: it asserts nothing about time.
public enum FeedbackBenchmark {
    public static func run(indicators: Int, periods: Int, collapseDepth: Int = 1) -> FeedbackBenchmarkResult {
        precondition(indicators > 0 && periods > 0)
        var ledger = ReportLedger()
        ledger.reserveSeries(indicators)
        var bank = FeedbackBank(spec: FeedbackBank.defaultSpec(collapseDepth: collapseDepth), capacity: indicators)
        let plan = PlanBand(target: 100, tolerance: 10)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func noise() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / 9_007_199_254_740_992.0 * 2 - 1
        }
        let clock = ContinuousClock()
        var ingest = Duration.zero, update = Duration.zero
        var alerts: [Alert] = []
        var seriesOf = [Int](repeating: 0, count: indicators)
        var level = [Double](repeating: 100, count: indicators)
        for t in 0..<periods {
            var reports: [ExecutionReport] = []
            reports.reserveCapacity(indicators)
            for i in 0..<indicators {
                level[i] += 0.3 * noise()
                let step = (i % 100 == 0 && t >= max(periods / 2, 10)) ? 8.0 : 0
                reports.append(ExecutionReport(unit: "u\(i / 10)", indicator: "k\(i % 10)", period: t,
                                               value: level[i] + step + noise(), reportedAt: Double(t) * 86_400,
                                               id: "\(t):\(i)"))
            }
            let t0 = clock.now
            for i in 0..<indicators { seriesOf[i] = ledger.ingest(reports[i]).series }
            let t1 = clock.now
            if t == 0 { for i in 0..<indicators { bank.setPlan(series: seriesOf[i], plan) } }
            let t2 = clock.now
            for i in 0..<indicators {
                let r = reports[i]
                bank.observe(series: seriesOf[i], period: r.period, value: r.value,
                             key: SeriesKey(unit: r.unit, indicator: r.indicator), into: &alerts)
            }
            let t3 = clock.now
            ingest += t1 - t0
            update += t3 - t2
        }
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let n = Double(indicators * periods)
        let si = seconds(ingest), su = seconds(update)
        return FeedbackBenchmarkResult(indicators: indicators, periods: periods, reports: indicators * periods,
                                       reportsPerSecond: n / si, microsecondsPerForecastUpdate: su / n * 1e6,
                                       endToEndReportsPerSecond: n / (si + su), alerts: alerts.count,
                                       modelBytesPerIndicator: bank.bytesPerSeries,
                                       ledgerBytesPerIndicator: ledger.approximateStorageBytes / indicators,
                                       collapseDepth: collapseDepth)
    }
}
