import ArgumentParser
import SyncoData
import SyncoFeedback

extension BenchCommand {
    /// Report ingestion and forecast updates for many indicators.
    struct Feedback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest execution reports and update a multi-process forecast per indicator; anchor: a vectorised numpy Kalman filter over the same counts.")
        @Option(help: "Indicators (series).") var indicators: Int = 1_000_000
        @Option(help: "Periods per indicator.") var periods: Int = 12
        @Option(help: "Multi-process collapse depth (1 = one-step).") var depth: Int = 1
        @Flag(help: "Skip the numpy anchor.") var noNumpy = false

        func validate() throws {
            guard indicators > 0, periods > 0, (1...3).contains(depth) else { throw ValidationError("--indicators, --periods positive; --depth in 1...3") }
        }

        func run() throws {
            let r = FeedbackBenchmark.run(indicators: indicators, periods: periods, collapseDepth: depth)
            print("reports: \(r.reports) (\(indicators) indicators × \(periods) periods)")
            print("ledger ingest: \(fmt(r.reportsPerSecond)) reports/s")
            print("forecast update: \(fmt(r.microsecondsPerForecastUpdate)) µs per observation (multi-process, depth \(depth))")
            print("end to end: \(fmt(r.endToEndReportsPerSecond)) reports/s; alerts raised: \(r.alerts)")
            print("memory: model \(r.modelBytesPerIndicator) B + ledger \(r.ledgerBytesPerIndicator) B per indicator")
            guard !noNumpy else { return }
            guard let out = python(["scripts/feedback_anchor.py", "\(indicators)", "\(periods)"]), let line = out.split(separator: "\n").last,
                  let v = try? JSONParser.parse(String(line)), case .number(let us)? = v["us_per_update"] else {
                print("numpy anchor: not available"); return
            }
            print("numpy Kalman anchor: \(fmt(us)) µs per update; synco/numpy time per update = \(fmt(r.microsecondsPerForecastUpdate / us))")
        }
    }
}
