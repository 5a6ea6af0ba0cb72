import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan

extension PlannerOptions.Mode: ExpressibleByArgument {}

struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Compute the plan that meets needs best within the limits (fulfilment or harmony), certified.",
        discussion: "Progress (iteration, residuals, elapsed) goes to stderr. Statuses: optimal, infeasible (with the conflicting needs and limits), unbounded, stopped (with the residuals reached).")
    @Argument(help: "Economy file (.json or .sebin).") var file: String
    @Option(help: "Objective: fulfilment (Kantorovich's plan ray) or harmony (Cockshott).") var mode: PlannerOptions.Mode = .fulfilment
    @Option(help: "Relative tolerance on primal residual, dual residual and gap.") var tolerance: Double = 1e-6
    @Option(help: "Time limit in seconds.") var timeLimit: Double?
    @Option(help: "Iteration limit.") var maxIterations: Int?
    @Option(help: "A previous plan (JSON) to start from.") var warmStart: String?
    @Option(help: "Write the plan (JSON) to this file.") var out: String?
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table
    @Option(help: "Rows in the product tables.") var top: Int = 10
    @Flag(help: "No progress lines on stderr.") var quiet = false
    @Option(help: .hidden) var reflection: Double?
    @Flag(help: .hidden) var noLeontiefStart = false
    @Flag(help: "Plans over several periods: skip the time-expanded economy's structure methods and solve the time-expanded program with the first-order solver alone (for comparison).")
    var noTimeExpansion = false
    @Option(help: .hidden) var restartArtificial: Double?
    @Flag(help: .hidden) var noBasisPolish = false
    @Flag(inversion: .prefixedNo, help: "Harmony mode: when every target can be met (fulfilment λ ≥ 1), meet them all and maximise harmony over the surplus. --no-targets-first lets the harmony function weigh shortfalls against surpluses always (it may then miss a target that is dear to meet).")
    var targetsFirst = true
    @Option(help: "Also write the LP being solved (free MPS: maximise λ; with --mode harmony the harmony function's LP, maximise Σ h) to this file; works for v1 and v2 economies.") var exportMps: String?

    func validate() throws {
        guard tolerance > 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in (0, 1)") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be positive") }
        if let m = maxIterations, m <= 0 { throw ValidationError("--max-iterations must be positive") }
    }

    func run() throws {
        if let me = try loadMultiPeriodEconomy(file) { return try runMultiPeriod(me) }
        let e = try loadEconomy(file)
        if let path = exportMps {
            try writeMPS(Planner.program(e, mode: mode), name: e.name, to: path)
            Log.progress("wrote \(path)")
        }
        let options = plannerOptions()
        var warm: Plan? = nil
        if let w = warmStart {
            do {
                warm = try PlanJSON.warmStart(try FileIO.readAll(w), source: w, for: e)
            } catch let error as FileError { throw InputError(error.description) }
            catch let error as ValidationReport { throw InputError(error.description) }
            Log.progress("warm start from \(w)")
        }
        Log.progress("solving (\(mode.rawValue), tolerance \(tolerance))")
        let plan = Planner.solve(e, options: options, warmStart: warm)
        Log.progress("\(plan.status.rawValue): λ = \(fmt(plan.fulfilment)) after \(plan.iterations) iterations, \(format3(plan.seconds)) s")
        let json = format == .json || out != nil ? PlanJSON.encode(plan, economy: e, economyFile: file) : ""
        if let out { do { try FileIO.write(json, to: out) } catch { throw InputError(error.description) } }
        switch format {
        case .json: writeStdout(json)
        case .table: writeStdout(PlanReport(plan: plan, economy: e, top: top).text)
        }
    }
}

extension SolveCommand {
    func plannerOptions() -> PlannerOptions {
        var options = PlannerOptions()
        options.mode = mode
        options.solver.tolerance = tolerance
        if let t = timeLimit { options.solver.timeLimit = t }
        if let m = maxIterations { options.solver.maxIterations = m }
        if let r = reflection { options.solver.reflection = r }
        if let r = restartArtificial { options.solver.restartArtificial = r }
        options.leontiefStart = !noLeontiefStart
        options.harmonyTargetsFirst = targetsFirst
        options.basisPolish = !noBasisPolish
        options.timeExpansion = !noTimeExpansion
        if !quiet {
            options.note = { Log.progress($0) }
            options.solver.progress = { p in
                let r = p.residuals
                Log.progress("iteration \(p.iteration)  primal \(fmt(r.relativePrimalResidual))  dual \(fmt(r.relativeDualResidual))  gap \(fmt(r.relativeGap))  objective \(fmt(-r.primalObjective))  restarts \(p.restarts)")
            }
        }
        return options
    }

    /// A plan over several periods (economy document v2): per-period tables or `synco-plan/2` JSON.
    func runMultiPeriod(_ me: MultiPeriodEconomy) throws {
        guard mode == .fulfilment else { throw InputError("\(file): --mode \(mode.rawValue) is not available for plans over several periods; use fulfilment") }
        guard warmStart == nil else { throw InputError("--warm-start takes a v1 plan; plans over several periods warm-start inside `synco rollout`") }
        if let path = exportMps { try writeMPS(MultiPeriodProblem(me).lp, name: me.name, to: path); Log.progress("wrote \(path)") }
        Log.progress("solving \(me.periods) periods (fulfilment, tolerance \(tolerance))")
        let plan = MultiPeriodPlanner.solve(me, options: plannerOptions())
        Log.progress("\(plan.status.rawValue): λ = \(fmt(plan.fulfilment)) after \(plan.iterations) iterations, \(format3(plan.seconds)) s")
        let json = format == .json || out != nil ? MultiPeriodPlanJSON.encode(plan, economy: me, economyFile: file) : ""
        if let out { do { try FileIO.write(json, to: out) } catch { throw InputError(error.description) } }
        switch format {
        case .json: writeStdout(json)
        case .table: writeStdout(MultiPeriodReport(plan: plan, economy: me, top: top).text)
        }
    }
}

/// Reads `path` as a plan over several periods when it is a `synco-economy/2` JSON document;
/// nil for v1 documents and binary files (read those with `loadEconomy`).
func loadMultiPeriodEconomy(_ path: String) throws -> MultiPeriodEconomy? {
    let bytes: [UInt8]
    do { bytes = try FileIO.readAll(path) } catch { throw InputError(error.description) }
    guard !EconomyBinary.isBinary(bytes), EconomyJSON2.declaredFormat(bytes) == MultiPeriodDocument.format else { return nil }
    Log.progress("reading \(path) (several periods)")
    do {
        let me = try EconomyJSON2.economy(bytes, source: path)
        Log.progress("loaded \(me.periods) periods, \(me.productCount) products, \(me.techniqueCount) techniques, \(me.resourceCount) resources, \(me.stocks.count) stocks, \(me.needs.count) needs")
        return me
    } catch { throw InputError(error.description) }
}

/// The human-readable report of a plan over several periods: one table per concern, one row
/// per period.
struct MultiPeriodReport {
    let plan: MultiPeriodPlan
    let economy: MultiPeriodEconomy
    let top: Int

    var text: String {
        let me = economy, e = me.economy, p = plan, T = p.periods
        var s = "\(e.name.isEmpty ? "economy" : e.name): \(T) periods, \(e.productCount) products, \(e.techniqueCount) techniques, \(me.stocks.count) stocks\n"
        s += "status: \(p.status.rawValue) — \(p.message)\n"
        if p.status == .optimal || p.status == .stopped {
            s += "fulfilment λ = \(fmt(p.fulfilment)) (common to all periods)\n"
            s += "certificate: primal residual \(fmt(p.certificate.primalResidual)), dual residual \(fmt(p.certificate.dualResidual)), gap \(fmt(p.certificate.gap))\n"
        }
        s += "iterations \(p.iterations), restarts \(p.restarts), \(format3(p.seconds)) s\n\n"
        if let d = p.diagnosis {
            s += "Needs and targets that cannot all be met:\n" + table(["what", "period", "required", "shortfall", "weight"], d.demands.prefix(top).map {
                [$0.description, $0.period.map(String.init) ?? "final", fmt($0.amount), fmt($0.shortfall), fmt($0.weight)] }) + "\n\n"
            if !d.constraints.isEmpty {
                s += "What stands in the way:\n" + table(["what", "period", "amount", "weight"], d.constraints.prefix(top).map {
                    [$0.description, $0.period.map(String.init) ?? "all", fmt($0.amount), fmt($0.weight)] }) + "\n"
            }
            return s
        }
        let periods = (0..<T).map(String.init)
        // Fulfilment: net available for needs per product with needs.
        var needed = Set<Int>()
        for n in me.needs { needed.insert(Int(n.product)) }
        let (g, o) = me.needTotals()
        let shown = needed.sorted().prefix(top)
        if !shown.isEmpty {
            s += "Needs (required at λ: guaranteed + λ·other; available after storage and investment):\n"
            s += table(["period"] + shown.flatMap { [e.products[$0].id + " required", "available"] }, (0..<T).map { t in
                [periods[t]] + shown.flatMap { i -> [String] in
                    let c = me.storage[i]?.carryover ?? 0
                    let before = t == 0 ? (me.storage[i]?.initial ?? 0) : p.inventory[t - 1][i]
                    let avail = p.netOutput[t][i] + c * before - p.inventory[t][i] - p.investment[t][i]
                    return [fmt(g[t][i] + p.fulfilment * o[t][i]), fmt(avail)]
                }
            }) + "\n\n"
        }
        let limited = (0..<e.resourceCount).filter { me.limits[$0] != nil || me.budgets[$0] != nil }
        if !limited.isEmpty {
            s += "Resource use / limit (valuation: λ per unit):\n"
            s += table(["period"] + limited.flatMap { [e.resources[$0].id, "limit", "valuation"] }, (0..<T).map { t in
                [periods[t]] + limited.flatMap { r in [fmt(p.resourceUse[t][r]), me.limits[r].map { fmt($0[t]) } ?? "-", fmt(p.resourceValuation[t][r])] }
            } + [["total"] + limited.flatMap { r in [fmt(p.budgetUse[r]), me.budgets[r].map { "budget " + fmt($0) } ?? "-", me.budgets[r] != nil ? fmt(p.budgetValuation[r]) : "-"] }]) + "\n\n"
        }
        if !me.stocks.isEmpty {
            let S = Array(me.stocks.indices)
            s += "Natural stocks (level at the start of the period, extraction, value of a unit left standing):\n"
            s += table(["period"] + S.flatMap { [me.stocks[$0].id, "extracted", "valuation"] }, (0...T).map { t in
                [t == T ? "final" : periods[t]] + S.flatMap { k in
                    [fmt(p.stockLevels[t][k]), t < T ? fmt(p.extraction[t][k]) : "-", t < T ? fmt(p.stockValuation[t][k]) : (me.stocks[k].minimumFinal.map { "target " + fmt($0) + ", valuation " + fmt(p.targetValuation[k]) } ?? "-")]
                }
            }) + "\n\n"
        }
        let capital = (0..<e.productCount).filter { me.capital[$0] != nil }
        if !capital.isEmpty {
            s += "Capital (stock in place, used, invested this period for the next, valuation of a unit in place):\n"
            s += table(["period"] + capital.flatMap { [e.products[$0].id, "used", "invested", "valuation"] }, (0..<T).map { t in
                [periods[t]] + capital.flatMap { i in [fmt(p.capitalStock[t][i]), fmt(p.capitalUse[t][i]), fmt(p.investment[t][i]), fmt(p.capitalValuation[t][i])] }
            }) + "\n\n"
        }
        let storable = (0..<e.productCount).filter { me.storage[$0] != nil }
        if !storable.isEmpty {
            s += "Inventories (end of period):\n"
            s += table(["period"] + storable.map { e.products[$0].id }, (0..<T).map { t in [periods[t]] + storable.map { fmt(p.inventory[t][$0]) } }) + "\n\n"
        }
        let used = (0..<e.techniqueCount).filter { j in (0..<T).contains { p.activities[$0][j] > 1e-9 } }.prefix(top)
        s += "Activities:\n"
        s += table(["period"] + used.map { e.techniques.ids[$0] }, (0..<T).map { t in [periods[t]] + used.map { fmt(p.activities[t][$0]) } }) + "\n\n"
        let valued = needed.sorted().prefix(top)
        s += "Product valuations (λ per unit, per period):\n"
        s += table(["period"] + valued.map { e.products[$0].id }, (0..<T).map { t in [periods[t]] + valued.map { fmt(p.productValuation[t][$0]) } }) + "\n"
        return s
    }
}

/// The human-readable plan report.
struct PlanReport {
    let plan: Plan
    let economy: Economy
    let top: Int

    var text: String {
        let e = economy, p = plan
        var s = "\(e.name.isEmpty ? "economy" : e.name): \(e.productCount) products, \(e.techniqueCount) techniques\n"
        s += "status: \(p.status.rawValue) — \(p.message)\n"
        if p.status == .optimal || p.status == .stopped {
            s += "fulfilment λ = \(fmt(p.fulfilment))" + (p.harmony.map { "   harmony \(fmt($0.harmony)), targets missed \($0.missed) of \($0.targets)" } ?? "") + "\n"
            s += "certificate: primal residual \(fmt(p.certificate.primalResidual)), dual residual \(fmt(p.certificate.dualResidual)), gap \(fmt(p.certificate.gap)); worst single need or limit off by \(fmt(p.certificate.maxRowViolation)) of itself\n"
        }
        s += "iterations \(p.iterations), restarts \(p.restarts), \(format3(p.seconds)) s\n\n"
        if let d = p.diagnosis {
            s += "Conflicting guaranteed needs:\n" + table(["product", "guaranteed", "shortfall", "weight"], d.needs.prefix(top).map {
                [e.products[$0.product].id, fmt($0.guaranteed), fmt($0.shortfall), fmt($0.weight)] }) + "\n\n"
            if !d.limits.isEmpty {
                s += "Limits in the conflict:\n" + table(["resource", "limit", "use", "weight"], d.limits.prefix(top).map {
                    [e.resources[$0.resource].id, fmt($0.limit), fmt($0.use), fmt($0.weight)] }) + "\n\n"
            }
            if !d.capacities.isEmpty {
                s += "Capacities in the conflict:\n" + table(["technique", "capacity", "weight"], d.capacities.prefix(top).map {
                    [e.techniques.ids[$0.technique], fmt($0.capacity), fmt($0.weight)] }) + "\n\n"
            }
            return s
        }
        let unit = p.numeraire.map { e.resources[$0].id } ?? "fulfilment"
        let rn = p.resourceValuationInNumeraire
        s += table(["resource", "use", "limit", "use/limit", "valuation (λ per unit)", "in \(unit)"], e.resources.indices.map { k in
            [e.resources[k].id, fmt(p.resourceUse[k]), e.resources[k].limit.map(fmt) ?? "-",
             e.resources[k].limit.map { $0 > 0 ? fmt(p.resourceUse[k] / $0) : "-" } ?? "-",
             fmt(p.resourceValuation[k]), rn.map { fmt($0[k]) } ?? "-"]
        }) + "\n\n"
        let pn = p.productValuationInNumeraire
        let order = e.products.indices.sorted { p.productValuation[$0] > p.productValuation[$1] }.prefix(top)
        s += "Most valuable products (dual value; in \(unit) per unit):\n"
        s += table(["product", "category", "net output", "valuation", "in \(unit)"], order.map { i in
            [e.products[i].id, e.products[i].category ?? "-", fmt(p.netOutput[i]), fmt(p.productValuation[i]), pn.map { fmt($0[i]) } ?? "-"]
        }) + "\n"
        // Fulfilment per need category.
        var need = [String: Double](), got = [String: Double]()
        var perProduct = [Int: Double]()
        for n in e.needs { perProduct[Int(n.product), default: 0] += n.amount }
        for (i, a) in perProduct where a > 0 {
            let c = e.products[i].category ?? "-"
            need[c, default: 0] += a
            got[c, default: 0] += min(max(0, p.netOutput[i]), a * max(1, p.fulfilment))
        }
        s += "\nNeeds by category (net output available / needed at λ = 1):\n"
        s += table(["category", "needed", "available", "share"], need.keys.sorted().map { c in
            [c, fmt(need[c]!), fmt(got[c]!), fmt(got[c]! / need[c]!)] }) + "\n"
        return s
    }
}
