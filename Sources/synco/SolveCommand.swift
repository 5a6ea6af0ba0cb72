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
    @Option(help: .hidden) var restartArtificial: Double?

    func validate() throws {
        guard tolerance > 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in (0, 1)") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be positive") }
        if let m = maxIterations, m <= 0 { throw ValidationError("--max-iterations must be positive") }
    }

    func run() throws {
        let e = try loadEconomy(file)
        var options = PlannerOptions()
        options.mode = mode
        options.solver.tolerance = tolerance
        if let t = timeLimit { options.solver.timeLimit = t }
        if let m = maxIterations { options.solver.maxIterations = m }
        if let r = reflection { options.solver.reflection = r }
        if let r = restartArtificial { options.solver.restartArtificial = r }
        options.leontiefStart = !noLeontiefStart
        if !quiet {
            options.solver.progress = { p in
                let r = p.residuals
                Log.progress("iteration \(p.iteration)  primal \(fmt(r.relativePrimalResidual))  dual \(fmt(r.relativeDualResidual))  gap \(fmt(r.relativeGap))  objective \(fmt(-r.primalObjective))  restarts \(p.restarts)")
            }
        }
        var warm: Plan? = nil
        if let w = warmStart {
            do {
                let d = try PlanJSON.decode(try FileIO.readAll(w), source: w)
                warm = PlanJSON.warmStart(d, for: e)
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
            s += "certificate: primal residual \(fmt(p.certificate.primalResidual)), dual residual \(fmt(p.certificate.dualResidual)), gap \(fmt(p.certificate.gap))\n"
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
