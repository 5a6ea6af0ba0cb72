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
    typealias Pieces = [(a: Double, b: Double)]
    static let pieces: Pieces = pieces(shortfallWeight: 1)

    /// The pieces with the slopes below the target multiplied by w (4w and w; 0.01 above it):
    /// for w large enough the LP's optimum meets every target when all can be met, and is then
    /// the best harmony of the surplus among such plans (targets first, HarmonyTargets.swift).
    static func pieces(shortfallWeight w: Double) -> Pieces { [(4 * w, -2.5 * w), (w, -w), (0.01, -0.01)] }

    /// h(u): the harmony of relative fulfilment u (with other pieces, their function).
    static func h(_ u: Double, _ pcs: Pieces = pieces) -> Double { pcs.map { $0.a * u + $0.b }.min()! }

    /// Each target's pieces above its guaranteed share u₀ = g/t: (target index, piece, from u, to u).
    static func pieceSpans(targets: [Int], target: [Double], guaranteed g: [Double]) -> [(q: Int, k: Int, lo: Double, hi: Double)] {
        let breaks = [0.0, 0.5, 1.0, Double.infinity]
        var spans: [(q: Int, k: Int, lo: Double, hi: Double)] = []
        spans.reserveCapacity(3 * targets.count)
        for (q, i) in targets.enumerated() {
            let u0 = g[i] / target[i]
            for k in 0..<3 where breaks[k + 1] > u0 { spans.append((q, k, max(u0, breaks[k]), breaks[k + 1])) }
        }
        return spans
    }

    /// The plan of the harmony function, its slopes below the targets multiplied by
    /// `shortfallWeight` (targets first: HarmonyTargets.swift); `system` is the first techniques'
    /// Leontief system when the caller built it. `structureSeconds`, when given, is the structure
    /// path's time, and no first-order solve follows it: a plan it does not certify comes back
    /// stopped (targets first's budgeted try).
    static func solve(_ e: Economy, options: PlannerOptions, warmStart: Plan?, shortfallWeight: Double = 1, system: LeontiefSystem?,
                      structureSeconds: Double? = nil) -> Plan {
        let pcs = pieces(shortfallWeight: shortfallWeight)
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        let needs = FulfilmentNeeds(e)
        let n = e.productCount, m = e.techniqueCount
        if Planner.unboundedRay(needs, options: options) != nil {
            var plan = Planner.emptyPlan(e, status: .unbounded, seconds: elapsed())
            plan.message = "unbounded: no limit or capacity restrains some techniques, so harmony can grow without end"
            return plan
        }
        let (target, targets) = targetsOf(needs)
        // The largest violation of one need or limit by activities (LP columns; harmony has no
        // plan ray, so λ = 0), relative to its own size (`PlanCertificate.maxRowViolation`).
        func rowViolation(_ x: [Double]) -> Double {
            PlanCertificate(economy: e, activities: (0..<m).map { max(0, x[$0]) }, fulfilment: 0,
                            productValuation: [Double](repeating: 0, count: n),
                            resourceValuation: [Double](repeating: 0, count: e.resourceCount)).maxRowViolation
        }
        // A target made without any limited resource or capacity (its whole upstream too) has a
        // surplus that costs nothing, and every unit of it is harmony: no plan is best.
        if let ray = Planner.harmonyRay(e, limitedResources: needs.limitedResources, targets: targets, target: target, options: options) {
            var plan = Planner.emptyPlan(e, status: .unbounded, seconds: elapsed())
            let (net, _) = Planner.flows(e, ray)
            let growing = targets.filter { net[$0] > 0 }.sorted { net[$0] / target[$0] > net[$1] / target[$1] }
            let used = (0..<m).filter { ray[$0] > 0 }.sorted { ray[$0] > ray[$1] }
            func list(_ ids: [String]) -> String { ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "") }
            plan.message = "unbounded: \(list(growing.map { e.products[$0].id })) can be made without any limited resource or capacity"
                + " (techniques \(list(used.map { e.techniques.ids[$0] }))), so harmony grows without end; give them a capacity or a limited resource"
            return plan
        }
        let base = FulfilmentProblem(needs)
        let (lp, pieceRowOf) = program(base, targets: targets, target: target, pieces: pcs)
        // Guaranteed needs must be feasible on their own.
        // The first techniques' system, shared by the checks and paths below (each built its
        // own: 15 ms apiece at 10^5, and a Perron pair each); built only when one of them runs,
        // and released before PDHG (a system is 1.8 GB at 10^7).
        let hasGuaranteed = base.guaranteed.contains(where: { $0 > 0 })
        var firstSystem: LeontiefSystem? = options.leontiefStart || hasGuaranteed ? system ?? LeontiefSystem(e) : nil
        if hasGuaranteed, Planner.leontiefFeasible(base.needs, demand: base.guaranteed, system: firstSystem) == nil {
            if let d = Planner.unproducibleGuaranteed(e, base.needs) {
                var plan = Planner.emptyPlan(e, status: .infeasible, seconds: elapsed())
                plan.diagnosis = d.diagnosis
                plan.message = Planner.describe(d.diagnosis, e) + d.note
                return plan
            }
            if let sys = firstSystem, let d = Planner.guaranteedBeyondALimit(e, base.needs, system: sys, options: options) {
                var plan = Planner.emptyPlan(e, status: .infeasible, seconds: elapsed())
                plan.diagnosis = d
                plan.message = Planner.describe(d, e) + Planner.beyondALimitNote(d, e)
                return plan
            }
            let p1 = Planner.minimumShortfall(base, options: options)
            if let d = p1.diagnosis {
                var plan = Planner.emptyPlan(e, status: .infeasible, seconds: elapsed())
                plan.diagnosis = d
                plan.message = Planner.describe(d, e)
                return plan
            }
        }
        // A plan's activities as a point of the harmony LP (each target's harmony from its net
        // output, no duals): a warm plan's, or the fulfilment plan's below.
        func lpPoint(_ activities: [Double]) -> (x: [Double], y: [Double]) {
            let (net, _) = Planner.flows(e, activities)
            return (activities + targets.map { h(net[$0] / target[$0], pcs) }, [Double](repeating: 0, count: lp.rows))
        }
        var warm: (x: [Double], y: [Double])? = nil
        if let w = warmStart, w.activities.count == m { warm = lpPoint(w.activities) }
        // Planning structure first: with one binding limit and the Leontief techniques, harmony is
        // a continuous knapsack over the targets' pieces (see `leontiefHarmony`); its LP point is
        // accepted only if the residual check below passes at the tolerance.
        // A harmony plan of the same techniques by the structure path keeps its last program
        // (`WarmState`): the re-plan's rounds start from it.
        var key: TechniqueKey? = nil
        func techniqueKey() -> TechniqueKey {
            if let key { return key }
            let k = LeontiefStructure.fingerprint(e.techniques, kept: warmStart?.techniqueKey)
            key = k
            return k
        }
        let warmState = warmStart?.harmonyState.flatMap { $0.fingerprint == techniqueKey().fingerprint ? $0 : nil }
        var program: ReducedEvaluation? = nil
        var r: PDHGResult
        var byStructure: String? = nil
        // A harmony LP of at most `harmonySimplexRows` rows that the structure path does not
        // certify is pivoted through by the sparse simplex (with half the time left, at most
        // ten minutes), before any first-order solve: where several workplaces make each
        // product, hundreds of capacities bind, the structure path's dense program outgrows the
        // LP itself (600 products: an LP of 1 372 rows, programs of 363–588; its rounds did not
        // finish in 60 s, nor PDHG in the next 60) and the simplex takes 1 119 pivots, 0.23 s. Nil
        // where the LP is larger, in targets first's budgeted try (its structure path alone
        // decides), where the structure methods are off (`leontiefStart`: PDHG alone), or where
        // the simplex does not end optimal within the tolerance.
        // Whether the sparse simplex may take the LP over from the structure path.
        let simplexTakesOver = lp.rows <= options.harmonySimplexRows && structureSeconds == nil && options.leontiefStart
        var simplexPivots = 0
        // A plan the simplex solved keeps its basis (in-process): a re-plan of the same
        // techniques, targets and limited resources starts from it.
        let keptBasis = warmStart?.harmonyBasis.flatMap {
            $0.statuses.count == lp.columns + lp.rows && $0.targets == targets && $0.limited == base.limitedResources
                && $0.fingerprint == techniqueKey().fingerprint ? $0.statuses : nil
        }
        var simplexBasis: [SparseSimplex.VariableStatus]? = nil
        func pivoted(start: [SparseSimplex.VariableStatus]? = nil) -> PDHGResult? {
            guard simplexTakesOver, elapsed() < options.solver.timeLimit else { return nil }
            // Half the time left; without a limit, at most ten minutes (then PDHG).
            let seconds = min(600, max(0, 0.5 * (options.solver.timeLimit - elapsed())))
            var sx = SparseSimplex(lp)
            sx.maxIterations = 20 * lp.rows + 1000
            sx.deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            options.note?("harmony: the sparse simplex on the harmony LP (\(lp.rows) rows, \(lp.columns) columns)\(start == nil ? "" : ", from the kept basis")")
            let s = sx.solve(start: start)
            let res = LPResiduals(lp, x: s.x, y: s.y)
            guard s.status == .optimal, res.satisfies(options.solver.tolerance) else {
                options.note?("harmony: the sparse simplex ended \(s.status.rawValue) after \(s.iterations) pivots")
                return nil
            }
            simplexPivots = s.iterations
            simplexBasis = s.basis
            return PDHGResult(status: .optimal, reason: "sparse simplex", x: s.x, y: s.y, residuals: res,
                              iterations: 0, restarts: 0, seconds: elapsed(), primalWeight: 1)
        }
        let bySimplex = { " (sparse simplex on the harmony LP: \(simplexPivots) pivots; the structure path did not certify a plan)" }
        if let keptBasis, let s = pivoted(start: keptBasis) {
            r = s
            byStructure = " (sparse simplex on the harmony LP from the warm plan's basis: \(simplexPivots) pivots)"
        } else if options.leontiefStart, let pt = leontiefHarmony(e, base, lp, targets: targets, target: target, pieces: pcs, system: firstSystem),
           LPResiduals(lp, x: pt.x, y: pt.y).satisfies(options.solver.tolerance) {
            r = PDHGResult(status: .optimal, reason: "Leontief structure", x: pt.x, y: pt.y, residuals: LPResiduals(lp, x: pt.x, y: pt.y),
                           iterations: 0, restarts: 0, seconds: elapsed(), primalWeight: 1)
            byStructure = " (Leontief structure: one binding limit, labour spent on the targets' pieces in order of harmony per unit)"
        } else if options.leontiefStart,
                  // At most half the time left (and two minutes without a limit), so PDHG keeps the
                  // rest. Where the sparse simplex can take over, ten seconds, and at most a
                  // quarter of the products as rows (the dense program is then no smaller than
                  // the LP: 600 products with three workplaces each, 363 rows in its first round).
                  let pt = reducedHarmony(e, base, lp, targets: targets, target: target, pieces: pcs, system: firstSystem, seconds: structureSeconds ?? min(simplexTakesOver ? 10 : 120, max(1, 0.5 * (options.solver.timeLimit - elapsed()))),
                                          warm: warmState,
                                          seedActivities: warmStart.flatMap { $0.status == .optimal && $0.activities.count == m ? $0.activities : nil },
                                          seedValuations: warmStart?.productValuation,
                                          memory: options.harmonyProgramMemory, maxRows: simplexTakesOver ? max(64, n / 4) : .max,
                                          note: options.note) {
            let res = LPResiduals(lp, x: pt.x, y: pt.y)
            if res.satisfies(options.solver.tolerance) {
                r = PDHGResult(status: .optimal, reason: "Leontief structure with alternatives", x: pt.x, y: pt.y, residuals: res,
                               iterations: 0, restarts: 0, seconds: elapsed(), primalWeight: 1)
                byStructure = " (Leontief structure with alternatives\(pt.warm ? ", from the warm plan's program" : ""): \(pt.bindingRows) limits bind; targets' pieces and alternative techniques by a simplex, \(pt.pivots) pivots, \(pt.rounds) rounds)"
                program = pt.program
            } else if let s = pivoted() {
                r = s
                byStructure = bySimplex()
            } else {
                // Not within the tolerance on the LP: PDHG goes on from it. If PDHG does not
                // finish either, the structure's plan is reported when its residuals are the
                // smaller (it is feasible; PDHG's iterates rarely are).
                var solver = options.solver
                solver.timeLimit = max(0, solver.timeLimit - elapsed())
                firstSystem = nil
                // (A budgeted try, `structureSeconds`: no first-order solve; the point comes back stopped.)
                r = structureSeconds == nil ? PDHGSolver(lp, options: solver).solve(warmStart: (pt.x, pt.y))
                    : PDHGResult(status: .stopped, reason: "structure path's budget", x: pt.x, y: pt.y, residuals: res,
                                 iterations: 0, restarts: 0, seconds: elapsed(), primalWeight: 1)
                func worst(_ q: LPResiduals) -> Double { max(q.relativePrimalResidual, q.relativeDualResidual, q.relativeGap) }
                // Feasibility first: a plan that breaks a limit is no plan.
                let feasible = res.relativePrimalResidual <= options.solver.tolerance
                if r.status != .optimal,
                   (feasible && r.residuals.relativePrimalResidual > options.solver.tolerance) || worst(res) < worst(r.residuals) {
                    let why = pt.finished ? "its point is not within the tolerance" : "the rounds stopped before no technique outside the program paid"
                    r = PDHGResult(status: .stopped, reason: "\(r.reason); the Leontief structure path's last plan (\(pt.rounds) rounds, \(pt.bindingRows) limits bind), feasible; \(why)",
                                   x: pt.x, y: pt.y, residuals: res, iterations: r.iterations, restarts: r.restarts, seconds: elapsed(), primalWeight: 1)
                }
            }
        } else {
            var solver = options.solver
            solver.timeLimit = max(0, solver.timeLimit - elapsed())
            firstSystem = nil
            if structureSeconds != nil {
                // A budgeted try whose structure path gave no point: nothing to report.
                let x = [Double](repeating: 0, count: lp.columns), y = [Double](repeating: 0, count: lp.rows)
                r = PDHGResult(status: .stopped, reason: "structure path's budget", x: x, y: y, residuals: LPResiduals(lp, x: x, y: y),
                               iterations: 0, restarts: 0, seconds: elapsed(), primalWeight: 1)
            } else if let s = pivoted() {
                r = s
                byStructure = bySimplex()
            } else {
                // The structure path gave no point (at realistic 10^6 products thousands of
                // capacities bind, more rows than its dense program can hold): PDHG starts from
                // the fulfilment plan's point — every target at the same share λ, within every
                // limit and capacity — instead of from nothing, and where PDHG does not end at a
                // feasible point, that plan is the one reported (stopped). From nothing, PDHG
                // ended there after 400 s with every target missed and limits broken.
                var start = warm
                var fallback: (x: [Double], y: [Double], residuals: LPResiduals, lambda: Double)? = nil
                if start == nil, options.leontiefStart, elapsed() < options.solver.timeLimit {
                    let f = Planner.solve(e, options: fulfilmentOptions(options, seconds: 0.25 * (options.solver.timeLimit - elapsed())))
                    if f.activities.count == m, f.status == .optimal || f.status == .stopped {
                        let (x, y) = lpPoint(f.activities)
                        let res = LPResiduals(lp, x: x, y: y)
                        start = (x, y)
                        if res.relativePrimalResidual <= options.solver.tolerance && res.maxBoundViolation <= options.solver.tolerance {
                            fallback = (x, y, res, f.fulfilment)
                        }
                        options.note?("harmony: the structure path gave no plan; PDHG starts from the fulfilment plan (λ = \(f.fulfilment), \(f.status.rawValue))")
                    }
                    solver.timeLimit = max(0, options.solver.timeLimit - elapsed())
                }
                r = PDHGSolver(lp, options: solver).solve(warmStart: start)
                // PDHG's point is reported only where it keeps every need and limit row by row and
                // has the higher harmony: the harmony function of this LP, from the activities as
                // the plan reports it (PDHG's harmony columns may sit above the pieces within the
                // tolerance). The residual norms alone let through, at realistic 3·10^5, a point
                // that uses a product no technique makes (a row broken by all of itself).
                func harmonyOf(_ x: [Double]) -> Double {
                    let (net, _) = Planner.flows(e, (0..<m).map { max(0, x[$0]) })
                    return targets.reduce(0) { $0 + h(net[$1] / target[$1], pcs) }
                }
                if r.status != .optimal, let fb = fallback {
                    let broken = rowViolation(r.x)
                    let tol = options.solver.tolerance
                    let (hp, hf) = (harmonyOf(r.x), harmonyOf(fb.x))
                    if r.residuals.relativePrimalResidual > tol || r.residuals.maxBoundViolation > tol || broken > tol || hf > hp {
                        let pdhg = hp > hf ? " (PDHG's last point: harmony \(hp), a need or limit broken by \(broken) of itself)" : ""
                        r = PDHGResult(status: .stopped, reason: "\(r.reason); the fulfilment plan's point (every target at λ = \(fb.lambda)), feasible" + pdhg,
                                       x: fb.x, y: fb.y, residuals: fb.residuals, iterations: r.iterations, restarts: r.restarts, seconds: elapsed(), primalWeight: 1)
                    }
                }
            }
        }
        let act = (0..<m).map { max(0, r.x[$0]) }
        var plan = Planner.emptyPlan(e, status: .stopped, seconds: 0)
        plan.activities = act
        (plan.netOutput, plan.resourceUse) = Planner.flows(e, act)
        var ratios = [Double](repeating: .nan, count: n)
        var harmony = 0.0, missed = 0, minU = Double.infinity
        for i in targets {
            let u = plan.netOutput[i] / target[i]
            ratios[i] = u
            harmony += h(u)
            if u < 1 - 1e-6 { missed += 1 }
            minU = min(minU, u)
        }
        plan.fulfilment = targets.isEmpty ? 1 : minU
        plan.harmony = HarmonySummary(harmony: harmony, targets: targets.count, missed: missed, ratios: ratios)
        // Valuations: balance-row dual plus what the piece rows add per unit of net output.
        var pv = (0..<n).map { max(0, r.y[$0]) }
        for i in targets { for (k, pc) in pcs.enumerated() { pv[i] += max(0, r.y[Int(pieceRowOf[i]) + k]) * pc.a / target[i] } }
        var rv = [Double](repeating: 0, count: e.resourceCount)
        for (k, res) in base.limitedResources.enumerated() { rv[res] = max(0, r.y[n + k]) }
        plan.productValuation = pv
        plan.resourceValuation = rv
        plan.numeraire = Planner.numeraire(e, rv)
        // Certificate: residuals recomputed from scratch on the harmony LP.
        let check = LPResiduals(lp, x: r.x, y: r.y)
        plan.certificate = PlanCertificate(primalResidual: check.relativePrimalResidual, dualResidual: check.relativeDualResidual,
                                           gap: check.relativeGap, maxBoundViolation: check.maxBoundViolation, dualBound: -check.dualObjective)
        // Rows one by one: guaranteed needs and limits.
        plan.certificate.maxRowViolation = rowViolation(r.x)
        plan.iterations = r.iterations
        plan.restarts = r.restarts
        plan.seconds = elapsed()
        let tol = options.solver.tolerance
        if r.status == .optimal && plan.certificate.passes(tol * 1.01) {
            plan.status = .optimal
            plan.message = "optimal harmony \(harmony); \(missed) of \(targets.count) targets missed"
                + (byStructure ?? "")
            if let program {
                let spans = pieceSpans(targets: targets, target: target, guaranteed: base.guaranteed)
                plan.harmonyState = WarmState(program: program, targets: targets, pieces: spans.map { 3 * $0.q + $0.k },
                                              limited: base.limitedResources, fingerprint: techniqueKey().fingerprint)
                plan.techniqueKey = techniqueKey()
            }
            if let simplexBasis {
                plan.harmonyBasis = SimplexBasis(statuses: simplexBasis, targets: targets, limited: base.limitedResources,
                                                 fingerprint: techniqueKey().fingerprint)
                plan.techniqueKey = techniqueKey()
            }
        } else {
            plan.message = "stopped (\(r.reason)); harmony \(harmony), \(missed) of \(targets.count) targets missed"
        }
        return plan
    }

    /// The sparse simplex's last basis of a harmony LP (its columns', then its rows' statuses),
    /// kept with the plan (in-process) for a re-plan of the same techniques, targets and
    /// limited resources; the LP's coefficients may differ (the targets' sizes, the slopes).
    struct SimplexBasis: Sendable {
        var statuses: [SparseSimplex.VariableStatus]
        var targets: [Int]
        var limited: [Int]
        var fingerprint: UInt64
    }

    /// Each product's target t_i (all its needs) and the products that have one: those with a
    /// need that is not guaranteed (a guaranteed need alone is a floor, not a target).
    static func targetsOf(_ needs: FulfilmentNeeds) -> (target: [Double], targets: [Int]) {
        let n = needs.economy.productCount
        let target = (0..<n).map { needs.guaranteed[$0] + needs.other[$0] }
        return (target, (0..<n).filter { target[$0] > 0 && needs.other[$0] > 0 })
    }

    /// The harmony LP of `base`'s economy and needs: columns the techniques' activities, then
    /// one harmony h_q per target (free, cost −1: the LP minimises −Σ h); rows the products
    /// (net ≥ g), the limited resources, then three piece rows per target,
    /// a_k·net_i/t_i − h_q ≥ −b_k. Returns it with each target product's first piece row
    /// (−1 for products without a target).
    static func program(_ base: FulfilmentProblem, targets: [Int], target: [Double], pieces pcs: Pieces) -> (lp: LinearProgram, pieceRowOf: [Int32]) {
        let e = base.needs.economy
        let n = e.productCount, m = e.techniqueCount
        // Rows: products (net ≥ g), limited resources, then 3 piece rows per target.
        let lp0 = base.lp
        let pieceRow0 = lp0.rows
        var rowLower = lp0.rowLower, rowUpper = lp0.rowUpper, rowNames = lp0.rowNames
        for i in targets {
            for (k, pc) in pcs.enumerated() {
                rowLower.append(-pc.b)
                rowUpper.append(.infinity)
                rowNames.append("h\(k):" + e.products[i].id)
            }
        }
        // Columns (the transposed matrix) built in place: a technique's entries are the base
        // program's (sorted by row), then, for each product row that is a target, its three
        // piece rows — numbered after every base row and in the order of the products, so the
        // column stays sorted. (Through LPBuilder, with an array, a sort and a dictionary lookup
        // per column, this took 0.1 s at 10^5 products, a tenth of the solve.)
        var pieceRowOf = [Int32](repeating: -1, count: n)
        for (q, i) in targets.enumerated() { pieceRowOf[i] = Int32(pieceRow0 + 3 * q) }
        let kt = base.columns
        let columnCount = m + targets.count
        var colStart = [Int](repeating: 0, count: columnCount + 1)
        var rowIndex: [Int32] = [], entry: [Double] = []
        rowIndex.reserveCapacity(kt.nonzeros * 2 + 3 * targets.count)
        entry.reserveCapacity(kt.nonzeros * 2 + 3 * targets.count)
        kt.rowStart.withUnsafeBufferPointer { rs in
            kt.colIndex.withUnsafeBufferPointer { ci in
                kt.values.withUnsafeBufferPointer { vs in
                    for j in 0..<m {
                        let lo = rs[j], hi = rs[j + 1]
                        for p in lo..<hi where vs[p] != 0 { rowIndex.append(ci[p]); entry.append(vs[p]) }
                        for p in lo..<hi where vs[p] != 0 {
                            let r = Int(ci[p])
                            guard r < n, pieceRowOf[r] >= 0 else { continue }
                            for (k, pc) in pcs.enumerated() {
                                let v = vs[p] * pc.a / target[r]
                                if v != 0 { rowIndex.append(pieceRowOf[r] + Int32(k)); entry.append(v) }
                            }
                        }
                        colStart[j + 1] = rowIndex.count
                    }
                }
            }
        }
        for q in targets.indices {
            for k in 0..<3 { rowIndex.append(Int32(pieceRow0 + 3 * q + k)); entry.append(-1) }
            colStart[m + q + 1] = rowIndex.count
        }
        let columnsMatrix = CSRMatrix(rows: columnCount, columns: rowLower.count, rowStart: colStart, colIndex: rowIndex, values: entry)
        let lp = LinearProgram(objective: [Double](repeating: 0, count: m) + [Double](repeating: -1, count: targets.count),
                               lower: [Double](repeating: 0, count: m) + [Double](repeating: -.infinity, count: targets.count),
                               upper: Array(lp0.upper[0..<m]) + [Double](repeating: .infinity, count: targets.count),
                               matrix: columnsMatrix.transposed(), rowLower: rowLower, rowUpper: rowUpper,
                               columnNames: Array(lp0.columnNames[0..<m]) + targets.map { "h:" + e.products[$0].id }, rowNames: rowNames)
        return (lp, pieceRowOf)
    }

    /// Harmony by planning structure. With the primary (Leontief) techniques, producing a net
    /// output vector n takes v·n of a limited resource, v = ℓ(I − A)⁻¹ (its embodied amounts). If
    /// that resource is the only one that binds, the harmony LP is a continuous knapsack: after the
    /// guaranteed needs, spend the resource on the targets' pieces (slope 4 up to half the target,
    /// 1 up to the target, 0.01 beyond) in order of harmony per unit of resource, a_k / (t_i v_i);
    /// concavity makes each target's pieces come in order. The marginal piece prices the
    /// resource (w) and the LP duals follow from complementary slackness: product valuations
    /// w·v_i split between the balance row and the active pieces. Returns an LP point (x, h; y) for
    /// the caller's residual check, or nil when the structure does not apply.
    static func leontiefHarmony(_ e: Economy, _ base: FulfilmentProblem, _ lp: LinearProgram,
                                targets: [Int], target: [Double], pieces: Pieces = pieces, system: LeontiefSystem? = nil) -> (x: [Double], y: [Double])? {
        let n = e.productCount, m = e.techniqueCount
        guard !targets.isEmpty else { return nil }
        let sys = system ?? LeontiefSystem(e)
        for i in targets where sys.primaryTechnique[i] < 0 { return nil }
        for (row, k) in base.limitedResources.enumerated() {
            guard let limit = e.resources[k].limit else { continue }
            guard let v = sys.embodied(resource: k, tolerance: 1e-12) else { continue }
            if targets.contains(where: { !(v[$0] > 0) }) || v.contains(where: { $0 < 0 }) { continue }
            // Mandatory: the guaranteed needs.
            var remaining = limit
            for i in 0..<n { remaining -= v[i] * base.guaranteed[i] }
            guard remaining >= 0 else { continue }
            // Pieces: (target index, piece, from u, to u, ratio).
            var u = targets.map { base.guaranteed[$0] / target[$0] }
            var segs = pieceSpans(targets: targets, target: target, guaranteed: base.guaranteed).map { sp in
                (q: sp.q, k: sp.k, lo: sp.lo, hi: sp.hi, ratio: pieces[sp.k].a / (target[targets[sp.q]] * v[targets[sp.q]]))
            }
            segs.sort { $0.ratio > $1.ratio || ($0.ratio == $1.ratio && ($0.q, $0.k) < ($1.q, $1.k)) }
            var w = 0.0
            for sg in segs {
                let i = targets[sg.q], unit = target[i] * v[i]
                let cost = (sg.hi - sg.lo) * unit
                if cost <= remaining {
                    u[sg.q] = sg.hi
                    remaining -= cost
                } else {
                    u[sg.q] = sg.lo + remaining / unit
                    remaining = 0
                    w = sg.ratio
                    break
                }
            }
            guard w > 0 else { continue }
            // A technique outside the Leontief set that pays at these prices (its product's
            // worth above what its inputs and this resource cost, by more than a thousandth of
            // that worth) makes the point fail the dual check that follows: on the realistic
            // economies, with alternative techniques, it always did, after a forward solve and
            // the LP's residuals (0.06 s at 10^5). Smaller profits still go to that check.
            let isPrimary = sys.primaryTechnique.reduce(into: [Bool](repeating: false, count: m)) { if $1 >= 0 { $0[Int($1)] = true } }
            let kt = base.columns
            var pays = false
            for j in 0..<m where !isPrimary[j] && base.lp.upper[j] > 0 {
                var profit = 0.0, worth = 0.0
                for p in kt.rowStart[j]..<kt.rowStart[j + 1] {
                    let r = Int(kt.colIndex[p]), a = kt.values[p]
                    if r < n {
                        profit += a * w * v[r]
                        worth += abs(a) * w * v[r]
                    } else if r == n + row {
                        profit += a * w
                        worth += abs(a) * w
                    }
                }
                if profit > 1e-3 * worth { pays = true; break }
            }
            if pays { return nil }
            // Net outputs, then activities by the Leontief plan. The surplus beyond the targets
            // (all of it on the marginal piece's product when labour is left over) is solved as a
            // second right-hand side: the solver's stopping rule is relative to the largest gross
            // output of each side, and one product can take a tenth of all labour.
            var net = [Double](repeating: 0, count: 2 * n)
            for i in 0..<n { net[2 * i] = base.guaranteed[i] }
            for (q, i) in targets.enumerated() {
                net[2 * i] = min(u[q], 1) * target[i]
                net[2 * i + 1] = max(0, u[q] - 1) * target[i]
            }
            let sol = sys.solve(net, width: 2, tolerance: 1e-10, maxIterations: 2000)
            guard sol.converged else { continue }
            var x = sys.activities(gross: (0..<n).map { sol.x[2 * $0] + sol.x[2 * $0 + 1] }, techniques: m)
            for q in targets.indices { x.append(h(u[q], pieces)) }
            // Duals.
            var y = [Double](repeating: 0, count: lp.rows)
            for i in 0..<n { y[i] = w * v[i] }
            y[n + row] = w
            splitDuals(&y, targets: targets, target: target, u: u, pieceRow0: n + base.limitedResources.count, pieces: pieces)
            return (x, y)
        }
        return nil
    }
}

extension Planner {
    /// The harmony function's LP, which harmony mode solves and certifies (targets first
    /// certifies it with the slopes below the targets weighted): it minimises −Σ h_i, so a
    /// solver maximising Σ h_i reports the optimal harmony. `synco export --mode harmony` writes
    /// it, so any LP solver can check a harmony plan.
    public static func harmonyProgram(_ e: Economy) -> LinearProgram {
        let needs = FulfilmentNeeds(e)
        let (target, targets) = Harmony.targetsOf(needs)
        return Harmony.program(FulfilmentProblem(needs), targets: targets, target: target, pieces: Harmony.pieces).lp
    }

    /// The LP a mode solves (what `synco export` and `--export-mps` write): the fulfilment LP
    /// (minimise −λ) or the harmony function's (minimise −Σ h).
    public static func program(_ e: Economy, mode: PlannerOptions.Mode) -> LinearProgram {
        mode == .harmony ? harmonyProgram(e) : FulfilmentProblem(e).lp
    }
}
