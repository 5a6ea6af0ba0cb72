import SyncoModel
import SyncoSparse
import Dispatch

/// Harmony mode: Cockshott's alternative to the plan ray. Every product with a need gets a
/// target t_i (all its needs) and a harmony h(u_i) of its relative fulfilment u_i = net_i / t_i;
/// the plan maximises Σ h(u_i) subject to the guaranteed needs, limits and capacities.
///
/// Cockshott & Cottrell (Towards a New Socialism, ch. 6) ask for a harmony that rises steeply
/// below the target and flattens above it, so shortfalls are spread and surpluses are worth
/// little. We use the concave piecewise-linear function
///
///     h(u) = min( 4u − 2.5,  u − 1,  δ·(u − 1) ),  δ = 0.01,
///
/// slope 4 below half the target, 1 up to the target, 0.01 above it. Being concave and piecewise
/// linear, maximising it is a linear program (three rows per target: h_i ≤ a_k·net_i/t_i + b_k),
/// which our PDHG solver solves to optimality — not a heuristic. A target is *missed* when
/// u_i < 1 − 1e-6. Because meeting a target is worth 100 times more per unit than exceeding
/// one, no target is missed when all can be met unless meeting it costs over 100 times more
/// (relative to its size) than the surplus it displaces.
enum Harmony {
    static let pieces: [(a: Double, b: Double)] = [(4, -2.5), (1, -1), (0.01, -0.01)]

    static func solve(_ e: Economy, options: PlannerOptions, warmStart: Plan?) -> Plan {
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        let base = FulfilmentProblem(e)
        let n = e.productCount, m = e.techniqueCount
        if Planner.unboundedRay(base, options: options) != nil {
            var plan = Planner.emptyPlan(e, status: .unbounded, seconds: elapsed())
            plan.message = "unbounded: no limit or capacity restrains some techniques, so harmony can grow without end"
            return plan
        }
        let target = (0..<n).map { base.guaranteed[$0] + base.other[$0] }
        let targets = (0..<n).filter { target[$0] > 0 && base.other[$0] > 0 }
        // Rows: products (net ≥ g), limited resources, then 3 piece rows per target.
        let lp0 = base.lp
        let pieceRow0 = lp0.rows
        var rowLower = lp0.rowLower, rowUpper = lp0.rowUpper, rowNames = lp0.rowNames
        for i in targets {
            for (k, pc) in pieces.enumerated() {
                rowLower.append(-pc.b)
                rowUpper.append(.infinity)
                rowNames.append("h\(k):" + e.products[i].id)
            }
        }
        var b = LPBuilder(rowLower: rowLower, rowUpper: rowUpper, rowNames: rowNames)
        var pieceRowsOf = [Int: Int]()
        for (q, i) in targets.enumerated() { pieceRowsOf[i] = pieceRow0 + 3 * q }
        let kt = lp0.matrix.transposed()
        for j in 0..<m {
            var entries: [(Int32, Double)] = []
            for p in kt.rowStart[j]..<kt.rowStart[j + 1] {
                let r = Int(kt.colIndex[p]), v = kt.values[p]
                entries.append((Int32(r), v))
                if r < n, let pr = pieceRowsOf[r] {
                    for (k, pc) in pieces.enumerated() { entries.append((Int32(pr + k), v * pc.a / target[r])) }
                }
            }
            b.addColumn(entries, cost: 0, upper: lp0.upper[j], name: lp0.columnNames[j])
        }
        for (q, i) in targets.enumerated() {
            b.addColumn((0..<3).map { (Int32(pieceRow0 + 3 * q + $0), -1.0) }, cost: -1, lower: -.infinity, name: "h:" + e.products[i].id)
        }
        let lp = b.build()
        // Guaranteed needs must be feasible on their own.
        if base.guaranteed.contains(where: { $0 > 0 }), Planner.leontiefFeasible(base, demand: base.guaranteed) == nil {
            let p1 = Planner.minimumShortfall(base, options: options)
            if let d = p1.diagnosis {
                var plan = Planner.emptyPlan(e, status: .infeasible, seconds: elapsed())
                plan.diagnosis = d
                plan.message = Planner.describe(d, e)
                return plan
            }
        }
        var warm: (x: [Double], y: [Double])? = nil
        if let w = warmStart, w.activities.count == m {
            let (net, _) = Planner.flows(e, w.activities)
            warm = (w.activities + targets.map { i in pieces.map { $0.a * net[i] / target[i] + $0.b }.min()! },
                    [Double](repeating: 0, count: lp.rows))
        }
        let r = PDHGSolver(lp, options: options.solver).solve(warmStart: warm)
        let act = (0..<m).map { max(0, r.x[$0]) }
        var plan = Planner.emptyPlan(e, status: .stopped, seconds: 0)
        plan.activities = act
        (plan.netOutput, plan.resourceUse) = Planner.flows(e, act)
        var ratios = [Double](repeating: .nan, count: n)
        var harmony = 0.0, missed = 0, minU = Double.infinity
        for i in targets {
            let u = plan.netOutput[i] / target[i]
            ratios[i] = u
            harmony += pieces.map { $0.a * u + $0.b }.min()!
            if u < 1 - 1e-6 { missed += 1 }
            minU = min(minU, u)
        }
        plan.fulfilment = targets.isEmpty ? 1 : minU
        plan.harmony = HarmonySummary(harmony: harmony, targets: targets.count, missed: missed, ratios: ratios)
        // Valuations: balance-row dual plus what the piece rows add per unit of net output.
        var pv = (0..<n).map { max(0, r.y[$0]) }
        for (i, pr) in pieceRowsOf { for (k, pc) in pieces.enumerated() { pv[i] += max(0, r.y[pr + k]) * pc.a / target[i] } }
        var rv = [Double](repeating: 0, count: e.resourceCount)
        for (k, res) in base.limitedResources.enumerated() { rv[res] = max(0, r.y[n + k]) }
        plan.productValuation = pv
        plan.resourceValuation = rv
        plan.numeraire = Planner.numeraire(e, rv)
        // Certificate: residuals recomputed from scratch on the harmony LP.
        let check = LPResiduals(lp, x: r.x, y: r.y)
        plan.certificate = PlanCertificate(primalResidual: check.relativePrimalResidual, dualResidual: check.relativeDualResidual,
                                           gap: check.relativeGap, maxBoundViolation: check.maxBoundViolation, dualBound: -check.dualObjective)
        plan.iterations = r.iterations
        plan.restarts = r.restarts
        plan.seconds = elapsed()
        let tol = options.solver.tolerance
        if r.status == .optimal && plan.certificate.passes(tol * 1.01) {
            plan.status = .optimal
            plan.message = "optimal harmony \(harmony); \(missed) of \(targets.count) targets missed"
        } else {
            plan.message = "stopped (\(r.reason)); harmony \(harmony), \(missed) of \(targets.count) targets missed"
        }
        return plan
    }
}
