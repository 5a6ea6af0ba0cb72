import ArgumentParser
import Foundation
import SyncoData
import SyncoFeedback

/// `synco forecast FILE.csv --column NAME`: Bayesian DLM forecasts, Harrison–Stevens
/// change points and outliers, and a rolling-origin backtest of one numeric column.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast a series with a Bayesian DLM, flag change points and outliers, and backtest it.",
        discussion: "Empty cells are missing observations. See docs/forecasting.md.")

    @Argument(help: "CSV file; first row = header, first column = labels (dates).")
    var file: String

    @Option(help: "Name of the numeric column to model.")
    var column: String

    @Option(help: "Forecast horizon (default: the period if > 1, else 4).")
    var horizon: Int?

    @Option(help: "Seasonal period (1 = no season; 12 monthly, 4 quarterly).")
    var period: Int = 1

    @Option(name: .customLong("min-train"), help: "Backtest: first origin (default max(4·period, 20)).")
    var minTrain: Int?

    @Option(help: "Flag threshold on the change / outlier probability.")
    var threshold: Double = 0.5

    @Option(help: "Trend: auto (chosen with the discounts by predictive likelihood), linear (level + slope) or level.")
    var trend: String = "auto"

    @Flag(name: .customLong("fixed-discounts"),
          help: "Use West & Harrison's default discounts (0.95 trend, 0.97 season) instead of choosing them by predictive likelihood; with --trend auto the trend is linear.")
    var fixedDiscounts = false

    @Flag(help: "Model the natural log of the column (values must be > 0).")
    var log = false

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        guard period >= 1 else { throw ValidationError("--period must be ≥ 1") }
        if let horizon, horizon < 1 { throw ValidationError("--horizon must be ≥ 1") }
        if let minTrain, minTrain < 1 { throw ValidationError("--min-train must be ≥ 1") }
        guard threshold > 0 && threshold < 1 else { throw ValidationError("--threshold must lie in (0, 1)") }
        guard ["auto", "linear", "level"].contains(trend) else { throw ValidationError("--trend must be auto, linear or level") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError("\(file): cannot read file") }
        let rows: [[String]]
        do { rows = try CSV.parse([UInt8](data), file: file) } catch { throw InputError(error.description) }
        guard let header = rows.first else { throw InputError("\(file): empty file") }
        guard let ci = header.firstIndex(of: column) else {
            throw InputError("\(file): no column '\(column)' (columns: \(header.joined(separator: ", ")))")
        }
        var labels: [String] = [], y: [Double?] = []
        for (k, row) in rows.dropFirst().enumerated() {
            if row.count == 1 && row[0].isEmpty { continue }
            let rowNumber = k + 2
            let cell = ci < row.count ? row[ci].trimmingCharacters(in: .whitespaces) : ""
            labels.append(row.first ?? "")
            if cell.isEmpty { y.append(nil); continue }
            guard let v = Double(cell), v.isFinite else {
                throw InputError("\(file):row \(rowNumber), column \(column): expected a number, got '\(cell)'")
            }
            if log {
                guard v > 0 else { throw InputError("\(file):row \(rowNumber), column \(column): --log needs a positive number, got '\(cell)'") }
                y.append(Foundation.log(v))
            } else {
                y.append(v)
            }
        }
        guard y.contains(where: { $0 != nil }) else { throw InputError("\(file): column \(column) has no numbers") }
        let h = horizon ?? (period > 1 ? period : 4)
        let mt = minTrain ?? ForecastAnalysis.defaultMinTrain(period: period)
        let named: DLMSpec.Trend? = trend == "auto" ? nil : DLMSpec.Trend(rawValue: trend)
        let rule = ChangePointRule(threshold: threshold)
        let a = fixedDiscounts
            ? ForecastAnalysis.run(y, spec: ForecastAnalysis.defaultSpec(period: period, trend: named ?? .linear),
                                   horizon: h, minTrain: mt, rule: rule)
            : ForecastAnalysis.run(y, period: period, trend: named, horizon: h, minTrain: mt, rule: rule)
        switch format {
        case .json: print(json(a, labels: labels, count: y.count, horizon: h))
        case .table: print(text(a, labels: labels, count: y.count))
        }
    }

    private func json(_ a: ForecastAnalysis, labels: [String], count: Int, horizon: Int) -> String {
        func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        func str(_ s: String) -> String { JSONWriter.quoted(s) }
        func event(_ e: RegimeEvent) -> String {
            "{\"index\":\(e.index),\"label\":\(str(labels[e.index])),\"kind\":\"\(e.kind.rawValue)\",\"probability\":\(num(e.probability))}"
        }
        let d = a.model.dlm
        var s = "{\"column\":\(str(column)),\"observations\":\(count),\"period\":\(period),\"log\":\(log)"
        s += ",\"model\":{\"trend\":\"\(d.trend.rawValue)\",\"trend_discount\":\(num(d.trendDiscount))"
        s += ",\"slope_discount\":\(d.slopeDiscount.map(num) ?? "null")"
        s += ",\"damping\":\(d.trend == .linear ? num(d.damping ?? 1) : "null")"
        s += ",\"seasonal_discount\":\(d.seasonalDimension > 0 ? num(d.seasonalDiscount) : "null")"
        s += ",\"variance_discount\":\(num(d.varianceDiscount)),\"posterior_probability\":\(num(a.modelProbability))"
        s += ",\"candidates\":\(a.candidates)}"
        s += ",\"forecasts\":["
        s += a.forecasts.map { f in
            let (lo, hi) = f.interval(0.9)
            return "{\"step\":\(f.step),\"mean\":\(num(f.mean)),\"lower_90\":\(num(lo)),\"upper_90\":\(num(hi))}"
        }.joined(separator: ",")
        s += "],\"change_points\":[" + a.changePoints.map(event).joined(separator: ",")
        s += "],\"outliers\":[" + a.outliers.map(event).joined(separator: ",") + "]"
        if let b = a.backtest {
            s += ",\"backtest\":{\"mase\":\(num(b.overall.mase)),\"mase_naive_seasonal\":\(num(b.overall.maseNaiveSeasonal))"
            s += ",\"coverage_90\":\(num(b.overall.coverage90)),\"origins\":\(b.origins),\"horizon\":\(b.horizon)"
            s += ",\"min_train\":\(b.minTrain),\"scale\":\(num(b.scale)),\"per_horizon\":["
            s += b.perHorizon.map {
                "{\"step\":\($0.step),\"mase\":\(num($0.mase)),\"mase_naive_seasonal\":\(num($0.maseNaiveSeasonal)),\"coverage_90\":\(num($0.coverage90))}"
            }.joined(separator: ",") + "]}"
        } else {
            s += ",\"backtest\":null"
        }
        return s + "}"
    }

    private func text(_ a: ForecastAnalysis, labels: [String], count: Int) -> String {
        let d = a.model.dlm
        var out = "\(column): \(count) observations, period \(period)\(log ? ", log scale" : "")\n"
        out += "Model: \(d.trend.rawValue) trend, discounts trend \(fmt(d.trendDiscount))"
        if let sd = d.slopeDiscount { out += ", slope \(fmt(sd))" }
        if let phi = d.damping, phi != 1 { out += ", slope damping \(fmt(phi))" }
        if d.period > 1 { out += d.seasonalDimension > 0 ? ", seasonal \(fmt(d.seasonalDiscount))" : ", no seasonal block" }
        out += ", variance \(fmt(d.varianceDiscount))"
        out += a.candidates > 1 ? " (chosen among \(a.candidates), posterior probability \(fmt(a.modelProbability)))\n" : " (fixed)\n"
        out += "\nForecasts\n"
        out += table(["step", "mean", "lower_90", "upper_90"], a.forecasts.map { f in
            let (lo, hi) = f.interval(0.9)
            return ["\(f.step)", fmt(f.mean), fmt(lo), fmt(hi)]
        })
        let events = (a.changePoints + a.outliers).sorted { $0.index < $1.index }
        out += "\n\nChange points and outliers (threshold \(fmt(threshold)))\n"
        out += events.isEmpty ? "none" : table(["index", "label", "kind", "probability"], events.map {
            ["\($0.index)", labels[$0.index], $0.kind.rawValue, fmt($0.probability)]
        })
        if let b = a.backtest {
            out += "\n\nRolling-origin backtest: \(b.origins) origins from \(b.minTrain), MASE scale \(fmt(b.scale))\n"
            var rows = b.perHorizon.map { ["\($0.step)", fmt($0.mase), fmt($0.maseNaiveSeasonal), fmt($0.coverage90)] }
            rows.append(["all", fmt(b.overall.mase), fmt(b.overall.maseNaiveSeasonal), fmt(b.overall.coverage90)])
            out += table(["horizon", "mase", "mase_naive_seasonal", "coverage_90"], rows)
        }
        return out
    }
}
