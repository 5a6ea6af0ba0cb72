import SyncoModel
import SyncoSparse
import Dispatch

/// Plans an economy over several periods (planning semantics v2): decides unboundedness with
/// a ray LP on the time-expanded program, checks that the guaranteed needs and final-stock
/// targets can be met with the minimum-shortfall LP (whose duals are a Farkas certificate naming
/// the period and the need, stock, limit or budget in conflict), solves `MultiPeriodProblem`
/// with `PDHGSolver` from the phase-one point or a warm start, and certifies the result with
/// `MultiPeriodCertificate` (independent code), tightening the tolerance while the solver's
/// criteria and the certificate disagree — as `Planner` does for one period.
public enum MultiPeriodPlanner {
    /// A warm start: the LP point of an earlier solve of a problem with the same shape, and
    /// its optimal basis where the simplex found one.
    public struct WarmStart: Sendable {
        public var x: [Double]
        public var y: [Double]
        public var basis: [SparseSimplex.VariableStatus]?
        /// The plan of the time-expanded economy (`TimeExpansion`) when that path solved it: its
        /// technique choices, basis and resource prices start the next solve of the same shape.
        public var expanded: Plan?
        /// The expansion it was planned on: the next window's is this one renewed.
        public var expansion: TimeExpansion?
        public init(x: [Double], y: [Double], basis: [SparseSimplex.VariableStatus]? = nil, expanded: Plan? = nil,
                    expansion: TimeExpansion? = nil) {
            self.x = x; self.y = y; self.basis = basis; self.expanded = expanded; self.expansion = expansion
        }
    }

    public static func solve(_ me: MultiPeriodEconomy, options: PlannerOptions = PlannerOptions(), warmStart: WarmStart? = nil) -> MultiPeriodPlan {
        solveWithPoint(me, options: options, warmStart: warmStart).plan
    }

    /// Solves and returns the LP point too (for warm starts of the next solve).
    public static func solveWithPoint(_ me: MultiPeriodEconomy, options: PlannerOptions = PlannerOptions(),
                                      warmStart: WarmStart? = nil) -> (plan: MultiPeriodPlan, point: WarmStart?) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        // 0. The plan over time as one economy of products per period: the one-period planner's
        //    structure methods (Leontief solves, policy iteration, pivots, the decomposition over
        //    resource prices) solve it, and the v2 certificate checks what they return. Where
        //    they do not certify, or the answer is infeasible or unbounded (diagnosed below in
        //    v2 terms), the time-expanded program is solved as before.
        // The structure's last point when it stops short but feasible: the answer if the
        // first-order solver, stopped too, ends infeasible or with a larger gap.
        var structurePlan: MultiPeriodPlan? = nil
        if options.timeExpansion, !(options.simplexRows > 0 && (options.keepBasis || warmStart?.basis != nil)) {
            let ex = warmStart?.expansion?.renewed(for: me) ?? TimeExpansion(me)
            var o = options
            // A share of the time limit bounds their rounds, pivots and price rounds; the rest is
            // the program's (the crossover and the first-order solver). A quarter up to 250 000
            // expanded products; beyond, three quarters: there PDHG on the program cannot finish
            // in minutes (about 10^5 iterations at 10 × 10^4 products, 232 s; 31 ms an iteration
            // at 10 × 10^5), and the structure methods' plan, with its valuations lowered to cost
            // of production, is the answer when they stop (10 × 10^5 in 120 s: gap 0.93 with a
            // quarter, the pivots cut short; see docs/multiperiod.md).
            let share = ex.economy.productCount > 250_000 ? 0.75 : 0.25
            o.solver.timeLimit = max(0, options.solver.timeLimit - elapsed()) * share
            o.certify = { ex.plan(from: $0).certificate }
            o.solverFallback = false
            let p = Planner.solve(ex.economy, options: o, warmStart: warmStart?.expanded)
            if p.status == .optimal || p.status == .stopped {
                var plan = ex.plan(from: p)
                plan.iterations = p.iterations
                plan.restarts = p.restarts
                var how = Substring(p.message)
                if how.hasPrefix("optimal: ") { how = how.dropFirst(9) }
                if let cut = how.firstIndex(of: ";") { how = how[..<cut] }
                if plan.certificate.passes(options.solver.tolerance * 1.01) {
                    plan.status = .optimal
                    plan.message = "optimal: planned as one economy of \(ex.economy.productCount) products over the periods (\(how)); relative residuals and gap within \(options.solver.tolerance)"
                    plan.seconds = elapsed()
                    return (plan, WarmStart(x: [], y: [], expanded: p, expansion: ex))
                }
                if plan.certificate.primalFeasible(options.solver.tolerance) { structurePlan = plan }
                if elapsed() >= options.solver.timeLimit {
                    plan.status = .stopped
                    plan.message = "stopped: planned as one economy of \(ex.economy.productCount) products over the periods: \(how)"
                    plan.seconds = elapsed()
                    return (plan, WarmStart(x: [], y: [], expanded: p, expansion: ex))
                }
            }
        }
        let problem = MultiPeriodProblem(me)
        let lp = problem.lp
        var quiet = options.solver
        quiet.progress = nil

        // 1. Unbounded? A recession direction of the program along which λ grows.
        if !problem.lambdaCapped, !everyActivityBounded(problem), let ray = unboundedRay(lp, lambda: problem.lambdaColumn, options: quiet) {
            var plan = MultiPeriodPlan(economy: me, status: .unbounded, message: "")
            plan.fulfilment = .infinity
            var names: [String] = []
            for (c, v) in ray.enumerated() where v > 1e-9 {
                if case .activity(let j, _) = problem.columns[c], !names.contains(me.economy.techniques.ids[j]) { names.append(me.economy.techniques.ids[j]) }
            }
            plan.message = "unbounded: techniques without capacity or limited resources (\(names.prefix(5).joined(separator: ", "))) can meet every non-guaranteed need in any proportion; set a limit on a resource they use"
            plan.seconds = elapsed()
            return (plan, nil)
        }

        // 2. Can the guaranteed needs and the final-stock targets be met?
        var start: [Double]? = nil
        var phaseIterations = 0
        let demands = (0..<lp.rows).filter { k in
            switch problem.rows[k] {
            case .balance, .target: return lp.rowLower[k] > 0
            default: return false
            }
        }
        if !demands.isEmpty, let x = guaranteedStart(problem) {
            // The guaranteed needs met period by period by Leontief plans, without stocks or
            // investment, within every limit: no phase-one LP needed.
            start = x
        } else if !demands.isEmpty {
            let phase1 = minimumShortfall(problem, demands: demands, options: quiet)
            phaseIterations = phase1.iterations
            if let d = phase1.diagnosis {
                var plan = MultiPeriodPlan(economy: me, status: .infeasible, message: describe(d))
                fill(&plan, problem, x: phase1.x, y: [Double](repeating: 0, count: lp.rows))
                plan.fulfilment = 0
                plan.diagnosis = d
                plan.iterations = phase1.iterations
                plan.seconds = elapsed()
                return (plan, nil)
            }
            start = phase1.x
        }

        // 3. Solve and certify: by pivots (from a kept basis where there is one) when the program
        // is small enough and a basis is wanted, else by the first-order solver.
        let simplexFits = options.simplexRows > 0 && lp.rows <= options.simplexRows
        if simplexFits, options.keepBasis || warmStart?.basis != nil {
            let basis = warmStart?.basis.flatMap { $0.count == lp.columns + lp.rows ? $0 : nil }
            if let done = pivoted(problem, start: basis, options: options, elapsed: elapsed,
                                  method: basis == nil ? "simplex" : "simplex from the previous basis") {
                return done
            }
        }
        // The structure methods stopped short at a feasible vertex (their pivots creep through
        // degenerate vertices, or policy iteration left a basis that is not primal feasible):
        // the sparse simplex from it, within half of the time left, where the LU stays small.
        // The LU of a basis fills in each period's Leontief block (about n²/3 per period: 3·10^6
        // nonzeros and 3–6 s at 10 × 1 000 products), so the products per period are bounded too.
        if let sp = structurePlan, options.crossoverRows > 0, lp.rows <= options.crossoverRows,
           me.economy.productCount <= options.crossoverRows / 8 {
            let x = point(problem, plan: sp)
            // Half the time left, and at most two minutes (without a time limit as well: its
            // refactorisations can take half a minute each where the LU fills in).
            let seconds = min(120, max(0, options.solver.timeLimit - elapsed()) / 2)
            if let done = pivoted(problem, start: basisGuess(lp, x: x), options: options, elapsed: elapsed,
                                  method: "simplex from the structure methods' vertex", seconds: seconds) {
                return done
            }
            options.note?("the simplex from the structure methods' vertex did not finish in \((seconds * 10).rounded() / 10) s: the first-order solver goes on")
        }
        var warm: (x: [Double], y: [Double])? = nil
        if let w = warmStart, w.x.count == lp.columns, w.y.count == lp.rows { warm = (w.x, w.y) }
        else if let s = start { warm = (s, [Double](repeating: 0, count: lp.rows)) }
        // The time limit is the whole solve's: what the structure methods and the phases before
        // used is spent (the solver counts from its own start).
        var solverOptions = options.solver
        let solverStart = elapsed()
        solverOptions.timeLimit = max(0, options.solver.timeLimit - solverStart)
        let solver = PDHGSolver(lp, options: solverOptions)
        let run = CertifiedSolve(solver, warmStart: warm, options: solverOptions, priorIterations: phaseIterations,
                                 elapsed: { elapsed() - solverStart },
                                 extract: { extract(problem, x: $0, y: $1) }, certificate: \.certificate)
        var plan = run.plan
        plan.iterations = run.iterations
        plan.restarts = run.restarts
        plan.status = run.certified ? .optimal : .stopped
        plan.message = run.message
        // A feasible plan is worth more than an iterate that is not one; between two feasible
        // ones the smaller gap wins.
        if !run.certified, let sp = structurePlan,
           !plan.certificate.primalFeasible(options.solver.tolerance) || sp.certificate.gap < plan.certificate.gap {
            let c = sp.certificate
            plan = sp
            plan.iterations = run.iterations
            plan.restarts = run.restarts
            plan.status = .stopped
            plan.message = "stopped (\(run.result.reason)): the structure methods' plan is the nearest reached — relative primal residual \(c.primalResidual), dual residual \(c.dualResidual), gap \(c.gap)"
        }
        plan.seconds = elapsed()
        return (plan, WarmStart(x: run.result.x, y: run.result.y))
    }

    /// The program solved by the sparse simplex from a basis; the plan when the simplex ends
    /// optimal and the certificate agrees, nil otherwise (the caller goes on with the
    /// first-order solver).
    static func pivoted(_ problem: MultiPeriodProblem, start: [SparseSimplex.VariableStatus]?, options: PlannerOptions,
                        elapsed: () -> Double, method: String, seconds: Double = .infinity) -> (plan: MultiPeriodPlan, point: WarmStart?)? {
        var simplex = SparseSimplex(problem.lp)
        // A guard against a run that wanders: a cold solve of a window takes about m pivots.
        simplex.maxIterations = 20 * problem.lp.rows + 1000
        let limit = min(seconds, options.solver.timeLimit - elapsed())
        if limit.isFinite { simplex.deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, limit) * 1e9) }
        let r = simplex.solve(start: start)
        guard r.status == .optimal else { return nil }
        var plan = extract(problem, x: r.x, y: r.y)
        guard plan.certificate.passes(options.solver.tolerance * 1.01) else { return nil }
        plan.status = .optimal
        plan.iterations = r.iterations
        plan.message = "optimal: relative residuals and gap within \(options.solver.tolerance) (\(method), \(r.iterations) pivots)"
        plan.seconds = elapsed()
        return (plan, WarmStart(x: r.x, y: r.y, basis: r.basis))
    }

    /// The program's point of a plan: activities, inventories, investments and λ as planned,
    /// capital and natural stocks by the plan's recursions (`fillFlows`).
    static func point(_ p: MultiPeriodProblem, plan: MultiPeriodPlan) -> [Double] {
        var x = [Double](repeating: 0, count: p.lp.columns)
        for (c, col) in p.columns.enumerated() {
            switch col {
            case .activity(let j, let t): x[c] = plan.activities[t][j]
            case .inventory(let i, let t): x[c] = plan.inventory[t][i]
            case .investment(let i, let t): x[c] = plan.investment[t][i]
            case .capitalStock(let i, let t): x[c] = plan.capitalStock[t][i]
            case .naturalStock(let s, let t): x[c] = plan.stockLevels[t][s]
            case .lambda: x[c] = plan.fulfilment
            }
        }
        return x
    }

    /// A basis guessed from a point (`SparseSimplex` repairs what is not one): a column at a
    /// bound is nonbasic there, a column strictly inside its bounds basic; a row's logical is
    /// basic where the row is slack by more than 1e-9 of its flows, nonbasic at the bound it
    /// meets otherwise.
    public static func basisGuess(_ lp: LinearProgram, x: [Double]) -> [SparseSimplex.VariableStatus] {
        func status(_ v: Double, _ lo: Double, _ up: Double, scale: Double) -> SparseSimplex.VariableStatus {
            let tol = 1e-9 * max(1, scale)
            if up.isFinite && v >= up - tol { return .upper }
            if lo.isFinite && v <= lo + tol { return .lower }
            if !lo.isFinite && !up.isFinite && abs(v) <= tol { return .zero }
            return .basic
        }
        var st: [SparseSimplex.VariableStatus] = []
        st.reserveCapacity(lp.columns + lp.rows)
        for c in 0..<lp.columns { st.append(status(x[c], lp.lower[c], lp.upper[c], scale: abs(x[c]))) }
        let k = lp.matrix
        for row in 0..<lp.rows {
            var v = 0.0, flow = 0.0
            for q in k.rowStart[row]..<k.rowStart[row + 1] {
                let f = k.values[q] * x[Int(k.colIndex[q])]
                v += f; flow += abs(f)
            }
            st.append(status(v, lp.rowLower[row], lp.rowUpper[row], scale: flow))
        }
        return st
    }

    /// The plan read off an LP point: quantities per period (capital and natural stocks by
    /// their recursions), valuations from the row duals, and the independent certificate.
    static func extract(_ problem: MultiPeriodProblem, x: [Double], y: [Double]) -> MultiPeriodPlan {
        var plan = MultiPeriodPlan(economy: problem.economy, status: .stopped, message: "")
        fill(&plan, problem, x: x, y: y)
        plan.certificate = MultiPeriodCertificate(economy: problem.economy, plan: plan)
        return plan
    }

    static func fill(_ plan: inout MultiPeriodPlan, _ problem: MultiPeriodProblem, x: [Double], y: [Double]) {
        let me = problem.economy
        for (c, col) in problem.columns.enumerated() {
            let v = max(0, x[c])
            switch col {
            case .activity(let j, let t): plan.activities[t][j] = v
            case .inventory(let i, let t): plan.inventory[t][i] = v
            case .investment(let i, let t): plan.investment[t][i] = v
            case .capitalStock, .naturalStock: break
            case .lambda: plan.fulfilment = x[c]
            }
        }
        for (k, row) in problem.rows.enumerated() {
            let v = max(0, y[k])
            switch row {
            case .balance(let i, let t): plan.productValuation[t][i] = v
            case .limit(let r, let t): plan.resourceValuation[t][r] = v
            case .budget(let r): plan.budgetValuation[r] = v
            case .capital(let i, let t): plan.capitalValuation[t][i] = v
            case .accumulation(let i, let t): plan.investmentValuation[t][i] = v
            case .stock(let s, let t): plan.stockValuation[t][s] = v
            case .target(let s): plan.targetValuation[s] = v
            }
        }
        fillFlows(&plan, me)
    }

    /// Net outputs, resource, budget and capital use, extraction, capital stocks and natural
    /// stock levels of a plan's activities, inventories and investments, by the economy's own
    /// recursions.
    static func fillFlows(_ plan: inout MultiPeriodPlan, _ me: MultiPeriodEconomy) {
        let e = me.economy, T = me.periods
        var K = (0..<e.productCount).map { me.capital[$0]?.initial ?? 0 }
        var S = me.stocks.map(\.initial)
        plan.stockLevels[0] = S
        for t in 0..<T {
            let (net, use) = Planner.flows(e, plan.activities[t])
            plan.netOutput[t] = net
            plan.resourceUse[t] = use
            for r in 0..<e.resourceCount { plan.budgetUse[r] += use[r] }
            for j in 0..<e.techniqueCount where plan.activities[t][j] != 0 {
                for q in me.capitalUse.range(j) { plan.capitalUse[t][Int(me.capitalUse.index[q])] += me.capitalUse.amount[q] * plan.activities[t][j] }
                for q in me.extraction.range(j) { plan.extraction[t][Int(me.extraction.index[q])] += me.extraction.amount[q] * plan.activities[t][j] }
            }
            for i in 0..<e.productCount {
                guard let c = me.capital[i] else { continue }
                plan.capitalStock[t][i] = K[i]
                K[i] = (1 - c.depreciation) * K[i] + plan.investment[t][i]
            }
            for s in 0..<me.stocks.count {
                let st = me.stocks[s]
                S[s] = min(st.carryingCapacity ?? .infinity, (1 + st.regeneration) * S[s] - plan.extraction[t][s])
            }
            plan.stockLevels[t + 1] = S
        }
    }

    // MARK: - Guaranteed needs by Leontief plans

    /// A point of the program with λ = 0 built without an LP: each period's guaranteed needs
    /// (less the initial inventory in period 0) made by the Leontief plan of the primary
    /// techniques, nothing stored, nothing invested, capital depreciating from its initial
    /// level and natural stocks following their recursion under the extraction. Returned only
    /// when it satisfies every row and bound of the program (limits, budgets, capital, stock
    /// targets, capacities) — then the guaranteed needs can be met and the minimum-shortfall LP
    /// is not needed; nil otherwise (that LP decides, and diagnoses).
    static func guaranteedStart(_ p: MultiPeriodProblem) -> [Double]? {
        let me = p.economy, e = me.economy, lp = p.lp
        let T = me.periods, n = e.productCount
        let system = LeontiefSystem(e)
        var activities: [[Double]] = []
        for t in 0..<T {
            var demand = p.guaranteed[t]
            if t == 0 { for i in 0..<n { if let s = me.storage[i] { demand[i] = max(0, demand[i] - s.carryover * s.initial) } } }
            if demand.allSatisfy({ $0 == 0 }) {
                activities.append([Double](repeating: 0, count: e.techniqueCount))
                continue
            }
            guard let x = Planner.leontiefActivities(e, demand: demand, system: system)?.x else { return nil }
            activities.append(x)
        }
        // Capital without investment and natural stocks under the extraction, by the plan's own
        // recursions (`fill`).
        var x = [Double](repeating: 0, count: lp.columns)
        for (c, col) in p.columns.enumerated() { if case .activity(let j, let t) = col { x[c] = activities[t][j] } }
        var plan = MultiPeriodPlan(economy: me, status: .stopped, message: "")
        fill(&plan, p, x: x, y: [Double](repeating: 0, count: lp.rows))
        for (c, col) in p.columns.enumerated() {
            switch col {
            case .capitalStock(let i, let t): x[c] = plan.capitalStock[t][i]
            case .naturalStock(let s, let t): x[c] = plan.stockLevels[t][s]
            default: break
            }
        }
        // Accept only what the program itself accepts.
        for c in 0..<lp.columns where x[c] < lp.lower[c] || x[c] > lp.upper[c] * (1 + 1e-12) { return nil }
        // Rows within 1e-9 of the largest of their bound, the flows through them and the
        // largest activity (the Leontief solves stop at that accuracy relative to their
        // largest component).
        let kx = lp.matrix.multiply(x)
        let k = lp.matrix
        let largest = x.reduce(0) { max($0, abs($1)) }
        for row in 0..<lp.rows {
            let lo = lp.rowLower[row], hi = lp.rowUpper[row]
            var flow = 0.0
            for q in k.rowStart[row]..<k.rowStart[row + 1] { flow += abs(k.values[q] * x[Int(k.colIndex[q])]) }
            let slack = 1e-9 * max(1, flow, largest, abs(lo.isFinite ? lo : 0), abs(hi.isFinite ? hi : 0))
            if kx[row] < lo - slack || kx[row] > hi + slack { return nil }
        }
        return x
    }

    // MARK: - Unboundedness

    /// True when every activity column is bounded by itself: a finite capacity, or a positive
    /// use of a resource with a limit or a budget, or an extraction from a natural stock (which
    /// cannot go below zero and grows at most geometrically). Then every activity, and with
    /// them inventories, investment, capital and net outputs, stays bounded, so λ is bounded
    /// and the ray LP (as large as the program) is not needed.
    static func everyActivityBounded(_ p: MultiPeriodProblem) -> Bool {
        let lp = p.lp
        let kt = lp.matrix.transposed()
        for (c, col) in p.columns.enumerated() {
            guard case .activity = col, !lp.upper[c].isFinite else { continue }
            var bounded = false
            for q in kt.rowStart[c]..<kt.rowStart[c + 1] where kt.values[q] < 0 {
                switch p.rows[Int(kt.colIndex[q])] {
                case .limit, .budget, .stock: bounded = true
                default: break
                }
                if bounded { break }
            }
            if !bounded { return false }
        }
        return true
    }

    /// maximise d_λ over recession directions d of the program (d ≥ 0, d = 0 on capped columns,
    /// K·d ≥ 0 on every row), normalised Σ d ≤ 1. A positive optimum is a ray along which λ
    /// grows without end.
    static func unboundedRay(_ lp: LinearProgram, lambda: Int, options: PDHGOptions) -> [Double]? {
        let free = (0..<lp.columns).filter { !lp.upper[$0].isFinite }
        guard free.contains(lambda) else { return nil }
        var b = LPBuilder(rowLower: [Double](repeating: 0, count: lp.rows) + [-1],
                          rowUpper: [Double](repeating: .infinity, count: lp.rows + 1),
                          rowNames: lp.rowNames + ["normalise"])
        let kt = lp.matrix.transposed()
        for j in free {
            let en = (kt.rowStart[j]..<kt.rowStart[j + 1]).map { (kt.colIndex[$0], kt.values[$0]) } + [(Int32(lp.rows), -1.0)]
            b.addColumn(en, cost: j == lambda ? -1 : 0, upper: j == lambda ? 1 : .infinity, name: lp.columnNames[j])
        }
        let r = PDHGSolver(b.build(), options: options).solve()
        guard let k = free.firstIndex(of: lambda) else { return nil }
        let mu = r.x[k]
        guard r.status == .optimal, mu > 1e-6 else { return nil }
        var ray = [Double](repeating: 0, count: lp.columns)
        for (q, j) in free.enumerated() { ray[j] = r.x[q] / mu }
        return ray
    }

    // MARK: - Infeasibility: minimum shortfall and its Farkas certificate

    struct Phase1 { var x: [Double]; var iterations: Int; var diagnosis: MultiPeriodDiagnosis? }

    /// minimise Σ s_k / b_k over the demand rows k (guaranteed needs per period, final-stock
    /// targets) subject to every row with s added to the demand rows and λ = 0. Zero iff the
    /// demands can be met; a positive dual bound proves they cannot, and its duals weigh the
    /// needs, targets, limits, budgets, capacities and initial stocks in the conflict.
    static func minimumShortfall(_ p: MultiPeriodProblem, demands: [Int], options: PDHGOptions) -> Phase1 {
        let lp = p.lp
        var b = LPBuilder(rowLower: lp.rowLower, rowUpper: lp.rowUpper, rowNames: lp.rowNames)
        let kt = lp.matrix.transposed()
        let cols = lp.columns
        for j in 0..<cols {
            b.addColumn((kt.rowStart[j]..<kt.rowStart[j + 1]).map { (kt.colIndex[$0], kt.values[$0]) },
                        cost: 0, upper: j == p.lambdaColumn ? 0 : lp.upper[j], name: lp.columnNames[j])
        }
        for k in demands { b.addColumn([(Int32(k), 1)], cost: 1 / lp.rowLower[k], name: "short:" + lp.rowNames[k]) }
        let phase = b.build()
        let r = PDHGSolver(phase, options: options).solve()
        let value = r.residuals.primalObjective, bound = r.residuals.dualObjective
        let scale = max(1e-6, 10 * options.tolerance)
        let x = Array(r.x[0..<cols])
        guard bound > scale || (r.status == .optimal && value > scale) else {
            return Phase1(x: x, iterations: r.iterations, diagnosis: nil)
        }
        // The certificate's support: rows and capped columns contributing ≥ 0.1 % of the total.
        let y = r.y
        let me = p.economy, e = me.economy
        var dem: [MultiPeriodDiagnosis.Entry] = [], con: [MultiPeriodDiagnosis.Entry] = []
        for (q, k) in demands.enumerated() {
            let w = max(0, y[k]) * lp.rowLower[k]
            let short = max(0, r.x[cols + q])
            switch p.rows[k] {
            case .balance(let i, let t):
                dem.append(.init(kind: "need", id: e.products[i].id, period: t, amount: lp.rowLower[k], shortfall: short, weight: w,
                                 description: "guaranteed need for \(p.describe(row: k))"))
            case .target(let s):
                dem.append(.init(kind: "stock-target", id: me.stocks[s].id, period: nil, amount: lp.rowLower[k], shortfall: short, weight: w,
                                 description: p.describe(row: k)))
            default: break
            }
        }
        // Limits, budgets and initial inventories weigh by their amounts; capital and stock rows
        // (whose right-hand side is zero after period 0) are named wherever their dual is
        // significant: they say in which period capital or standing stock is short.
        let maxY = y.reduce(0) { max($0, $1) }
        var named: [MultiPeriodDiagnosis.Entry] = []
        for k in 0..<lp.rows where y[k] > 0 {
            let amount = max(0, -lp.rowLower[k]), w = y[k] * amount
            switch p.rows[k] {
            case .limit(let r, let t) where amount > 0:
                con.append(.init(kind: "limit", id: e.resources[r].id, period: t, amount: amount, shortfall: 0, weight: w, description: p.describe(row: k)))
            case .budget(let r) where amount > 0:
                con.append(.init(kind: "budget", id: e.resources[r].id, period: nil, amount: amount, shortfall: 0, weight: w, description: p.describe(row: k)))
            case .balance(let i, _) where amount > 0:
                con.append(.init(kind: "initial-inventory", id: e.products[i].id, period: 0, amount: me.storage[i]?.initial ?? amount, shortfall: 0, weight: w, description: "the initial \(e.products[i].id) inventory"))
            case .capital(let i, let t) where y[k] > 1e-6 * maxY:
                named.append(.init(kind: "capital", id: e.products[i].id, period: t, amount: amount, shortfall: 0, weight: w, description: p.describe(row: k)))
            case .stock(let s, let t) where y[k] > 1e-6 * maxY:
                named.append(.init(kind: "stock", id: me.stocks[s].id, period: t, amount: amount, shortfall: 0, weight: w, description: p.describe(row: k)))
            default: break
            }
        }
        // Capped columns: a positive reduced profit is absorbed by the cap.
        let phaseKt = phase.matrix.transposed()
        for j in 0..<cols where lp.upper[j].isFinite && j != p.lambdaColumn {
            var profit = 0.0
            for q in phaseKt.rowStart[j]..<phaseKt.rowStart[j + 1] { profit += max(0, y[Int(phaseKt.colIndex[q])]) * phaseKt.values[q] }
            guard profit > 0 else { continue }
            let w = profit * lp.upper[j]
            switch p.columns[j] {
            case .activity(let tj, let t):
                con.append(.init(kind: "capacity", id: e.techniques.ids[tj], period: t, amount: lp.upper[j], shortfall: 0, weight: w, description: p.describe(column: j)))
            case .naturalStock(let s, let t):
                con.append(.init(kind: "carrying-capacity", id: me.stocks[s].id, period: t, amount: lp.upper[j], shortfall: 0, weight: w, description: p.describe(column: j)))
            default: break
            }
        }
        let total = dem.reduce(0) { $0 + $1.weight } + con.reduce(0) { $0 + $1.weight }
        let cut = 1e-3 * max(total, 1e-300)
        let d = MultiPeriodDiagnosis(
            minimumRelativeShortfall: value, proofBound: bound,
            demands: dem.filter { $0.weight >= cut || $0.shortfall > 1e-9 * $0.amount }.sorted { $0.weight > $1.weight },
            constraints: con.filter { $0.weight >= cut }.sorted { $0.weight > $1.weight } + named)
        return Phase1(x: x, iterations: r.iterations, diagnosis: d)
    }

    static func describe(_ d: MultiPeriodDiagnosis) -> String {
        var s = "infeasible: " + (d.demands.isEmpty ? "the guaranteed needs and stock targets" : d.demands.prefix(6).map(\.description).joined(separator: ", "))
            + " cannot all be met"
        if !d.constraints.isEmpty { s += "; binding: " + d.constraints.prefix(6).map(\.description).joined(separator: ", ") }
        return s
    }
}
