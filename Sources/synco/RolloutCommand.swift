import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan

struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Receding-horizon planning over a v2 economy: plan --horizon periods, carry out the first, replan from there, --periods times (warm-started).",
        discussion: """
        Actuals (CSV with header period,kind,id,value; kind: inventory, capital, stock, budget_used) replace the planned \
        state at the start of that period. A budget's remainder is shared over the remaining periods; a stock's minimum_final \
        applies at the end of every window.
        """)
    @Argument(help: "Economy file (synco-economy/2 JSON; a v1 file plans the same period again and again).") var file: String
    @Option(help: "Periods planned in each window.") var horizon: Int
    @Option(help: "Periods to roll forward.") var periods: Int
    @Option(help: "CSV of observed values (period,kind,id,value).") var actuals: String?
    @Option(help: "Relative tolerance on primal residual, dual residual and gap.") var tolerance: Double = 1e-6
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table
    @Flag(help: "Also solve every re-plan cold and report how much the warm start saved.") var compareCold = false
    @Option(help: "Simulated execution: carried-over stocks, capital and inventories deviate from the plan by this relative standard deviation.") var disturb: Double = 0
    @Option(help: "Seed of the disturbances.") var seed: UInt64 = 1
    @Option(help: "Windows with at most this many LP rows end at a vertex (sparse simplex) and warm-start the next from its basis; 0: first-order solver only.") var simplexRows: Int = PlannerOptions().simplexRows

    func validate() throws {
        guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1") }
        guard periods >= 1 else { throw ValidationError("--periods must be at least 1") }
        guard tolerance > 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in (0, 1)") }
        guard disturb >= 0 && disturb < 1 else { throw ValidationError("--disturb must be in [0, 1)") }
        guard simplexRows >= 0 else { throw ValidationError("--simplex-rows must be at least 0") }
    }

    func run() throws {
        let me: MultiPeriodEconomy
        if let m = try loadMultiPeriodEconomy(file) { me = m } else { me = MultiPeriodEconomy(oneShot: try loadEconomy(file)) }
        let observed = try actuals.map { try readActuals($0, me) } ?? []
        var options = PlannerOptions()
        options.solver.tolerance = tolerance
        options.simplexRows = simplexRows
        let e = me.economy
        let steps = RollingHorizon.run(me, horizon: horizon, periods: periods, actuals: observed, options: options, compareCold: compareCold,
                                       disturbance: disturb, seed: seed) { s in
            Log.progress("period \(s.period): \(s.plan.status.rawValue), λ = \(fmt(s.plan.fulfilment)), \(s.plan.iterations) iterations\(s.warmStarted ? " (warm)" : ""), \(format3(s.plan.seconds)) s"
                         + (s.cold.map { "; cold \($0.iterations) iterations, \(format3($0.seconds)) s" } ?? ""))
        }
        if compareCold {
            let pairs = steps.compactMap { s in s.cold.map { (warm: s.plan, cold: $0) } }
            if !pairs.isEmpty {
                let ratios = pairs.map { $0.cold.seconds / max($0.warm.seconds, 1e-9) }.sorted()
                let iterRatios = pairs.map { Double($0.cold.iterations) / Double(max($0.warm.iterations, 1)) }.sorted()
                let warmTotal = pairs.reduce(0) { $0 + $1.warm.seconds }, coldTotal = pairs.reduce(0) { $0 + $1.cold.seconds }
                writeStderr("warm vs cold over \(pairs.count) re-plans: total \(format3(warmTotal)) s vs \(format3(coldTotal)) s (cold/warm \(fmt(coldTotal / max(warmTotal, 1e-9)))); median cold/warm time \(fmt(ratios[ratios.count / 2])), iterations \(fmt(iterRatios[iterRatios.count / 2]))\n")
            }
        }
        let capital = (0..<e.productCount).filter { me.capital[$0] != nil }
        let storable = (0..<e.productCount).filter { me.storage[$0] != nil }
        switch format {
        case .table:
            let header = ["period", "status", "λ (window)", "iterations", "warm"] + me.stocks.map { $0.id + " at start" }
                + capital.map { e.products[$0].id + " capital" } + storable.map { e.products[$0].id + " inventory" }
            writeStdout(table(header, steps.map { s in
                [String(s.period), s.plan.status.rawValue, fmt(s.plan.fulfilment), String(s.plan.iterations), s.warmStarted ? "yes" : "no"]
                    + s.state.stocks.map(fmt) + capital.map { fmt(s.state.capital[$0]) } + storable.map { fmt(s.state.inventory[$0]) }
            }) + "\n")
        case .json:
            var out = "{\"format\": \"synco-rollout/1\", \"horizon\": \(horizon), \"steps\": [\n"
            out += steps.map { s in
                let plan = MultiPeriodPlanJSON.encode(s.plan, economy: me.window(from: s.period, horizon: horizon, state: s.state), economyFile: file)
                let cold = s.cold.map { ", \"cold_seconds\": \($0.seconds), \"cold_iterations\": \($0.iterations)" } ?? ""
                return "{\"period\": \(s.period), \"warm_started\": \(s.warmStarted)\(cold), \"plan\": \(plan)}"
            }.joined(separator: ",\n")
            writeStdout(out + "]}\n")
        }
    }

    func readActuals(_ path: String, _ me: MultiPeriodEconomy) throws -> [RollingHorizon.Actual] {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(path) } catch { throw InputError(error.description) }
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        guard let head = lines.first, head.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) == ["period", "kind", "id", "value"] else {
            throw InputError("\(path): line 1: expected the header period,kind,id,value")
        }
        var out: [RollingHorizon.Actual] = []
        for (n, line) in lines.dropFirst().enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let row = n + 2
            guard f.count == 4 else { throw InputError("\(path): line \(row): expected 4 fields, found \(f.count)") }
            guard let p = Int(f[0]), p >= 0 else { throw InputError("\(path): line \(row), column period: expected a period >= 0, found '\(f[0])'") }
            guard let kind = RollingHorizon.Actual.Kind(rawValue: f[1]) else {
                throw InputError("\(path): line \(row), column kind: expected one of \(RollingHorizon.Actual.Kind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(f[1])'")
            }
            guard let v = Double(f[3]), v.isFinite, v >= 0 else { throw InputError("\(path): line \(row), column value: expected a number >= 0, found '\(f[3])'") }
            let index: Int?
            switch kind {
            case .inventory: index = me.economy.productIndex(of: f[2]).flatMap { me.storage[$0] != nil ? $0 : nil }
            case .capital: index = me.economy.productIndex(of: f[2]).flatMap { me.capital[$0] != nil ? $0 : nil }
            case .stock: index = me.stockIndex(of: f[2])
            case .budgetUsed: index = me.economy.resourceIndex(of: f[2])
            }
            guard let index else { throw InputError("\(path): line \(row), column id: '\(f[2])' is not a \(kind == .stock ? "natural stock" : kind == .budgetUsed ? "resource" : kind == .capital ? "capital product" : "storable product") of the economy") }
            out.append(RollingHorizon.Actual(period: p, kind: kind, index: index, value: v))
        }
        return out
    }
}
