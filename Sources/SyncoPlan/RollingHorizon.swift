import SyncoModel

/// Receding-horizon planning: plan `horizon` periods, carry out the first, observe what
/// actually happened (actuals override the planned inventories, capital and natural stocks),
/// and plan again one period later from there. Each window's LP has the same shape as the
/// last, so it warm-starts from the previous window's solution (and basis, where the simplex
/// found one), period by period in place (`carried`).
///
/// See `MultiPeriodEconomy.window` for how budgets and stock targets are shared out to windows.
public enum RollingHorizon {
    /// An observed value that replaces the planned one at the start of `period`.
    public struct Actual: Sendable, Hashable {
        public enum Kind: String, Sendable, CaseIterable { case inventory, capital, stock, budgetUsed = "budget_used" }
        public var period: Int
        public var kind: Kind
        /// Product, stock or resource index.
        public var index: Int
        public var value: Double
        public init(period: Int, kind: Kind, index: Int, value: Double) {
            self.period = period
            self.kind = kind
            self.index = index
            self.value = value
        }
    }

    public struct Step: Sendable {
        public var period: Int
        /// The state the window started from (after actuals).
        public var state: CarriedState
        /// The window's plan; its period 0 is what is carried out in `period`.
        public var plan: MultiPeriodPlan
        public var warmStarted: Bool
        /// The same window solved cold (only with `compareCold`), to measure what warm starts save.
        public var cold: MultiPeriodPlan?
    }

    public static func run(_ me: MultiPeriodEconomy, horizon: Int, periods: Int, actuals: [Actual] = [],
                           options: PlannerOptions = PlannerOptions(), compareCold: Bool = false,
                           disturbance: Double = 0, seed: UInt64 = 1,
                           onStep: ((Step) -> Void)? = nil) -> [Step] {
        // Simulated execution: carried-over stocks, capital and inventories deviate from the plan
        // by a relative normal error of sd `disturbance` (reproducible from `seed`).
        var rng = SplitMix64(seed: seed)
        // Each window ends at a vertex when it is small enough to pivot through, so that the
        // next one starts from its basis.
        var options = options
        options.keepBasis = true
        func noise() -> Double { rng.normal() }
        var state = CarriedState(initialOf: me)
        var steps: [Step] = []
        var previous: (problem: MultiPeriodProblem, point: MultiPeriodPlanner.WarmStart)? = nil
        for k in 0..<periods {
            for a in actuals where a.period == k {
                switch a.kind {
                case .inventory: if a.index < state.inventory.count { state.inventory[a.index] = a.value }
                case .capital: if a.index < state.capital.count { state.capital[a.index] = a.value }
                case .stock: if a.index < state.stocks.count { state.stocks[a.index] = a.value }
                case .budgetUsed: if a.index < state.budgetUsed.count { state.budgetUsed[a.index] = a.value }
                }
            }
            let w = me.window(from: k, horizon: horizon, state: state)
            let problem = MultiPeriodProblem(w)
            var warm: MultiPeriodPlanner.WarmStart? = nil
            if let p = previous { warm = carried(p.point, from: p.problem, to: problem) }
            let (plan, point) = MultiPeriodPlanner.solveWithPoint(w, options: options, warmStart: warm)
            // The cold comparison: the same window by the same method without the previous
            // solution (the simplex from the slack basis where windows are pivoted through).
            let cold = compareCold && warm != nil ? MultiPeriodPlanner.solveWithPoint(w, options: options, warmStart: nil).0 : nil
            let step = Step(period: k, state: state, plan: plan, warmStarted: warm != nil, cold: cold)
            steps.append(step)
            onStep?(step)
            guard plan.status == .optimal || plan.status == .stopped, let point else { break }
            previous = (problem, point)
            // Carry out period 0 of the window.
            for i in 0..<me.productCount {
                if me.storage[i] != nil { state.inventory[i] = plan.inventory[0][i] }
                if let c = me.capital[i] { state.capital[i] = (1 - c.depreciation) * state.capital[i] + plan.investment[0][i] }
            }
            for s in me.stocks.indices { state.stocks[s] = plan.stockLevels[1][s] }
            for r in 0..<me.resourceCount { state.budgetUsed[r] += plan.resourceUse[0][r] }
            if disturbance > 0 {
                for i in state.inventory.indices where state.inventory[i] > 0 { state.inventory[i] = max(0, state.inventory[i] * (1 + disturbance * noise())) }
                for i in state.capital.indices where state.capital[i] > 0 { state.capital[i] = max(0, state.capital[i] * (1 + disturbance * noise())) }
                for s in state.stocks.indices { state.stocks[s] = max(0, state.stocks[s] * (1 + disturbance * noise())) }
            }
        }
        return steps
    }

    /// The previous window's point and basis as the next window's start, matched by the
    /// meaning of every row and column at the same place in the window (period t of the new
    /// window starts from period t of the old one). Tried and measured (BENCHMARKS.md, 300
    /// products, windows of 5): moving them one period earlier, so that each absolute period
    /// starts from its own earlier plan, is worse — a window's optimal basis is shaped by the
    /// position in the window (the initial state at its start, the stock targets and budget
    /// shares at its end) more than by the slowly growing data of its periods: from the moved
    /// basis a window took 350–650 pivots, from the basis in place 0–7; the first-order solver
    /// saved 1.13 of its cold time from the moved point and 1.6 from the point in place.
    static func carried(_ point: MultiPeriodPlanner.WarmStart, from old: MultiPeriodProblem, to new: MultiPeriodProblem) -> MultiPeriodPlanner.WarmStart? {
        var colIndex = [MultiPeriodProblem.Column: Int](minimumCapacity: old.columns.count)
        for (c, col) in old.columns.enumerated() { colIndex[col] = c }
        var rowIndex = [MultiPeriodProblem.Row: Int](minimumCapacity: old.rows.count)
        for (k, row) in old.rows.enumerated() { rowIndex[row] = k }
        // A window planned as one time-expanded economy hands on that plan, not an LP point.
        let hasPoint = point.x.count == old.columns.count && point.y.count == old.rows.count
        let x = hasPoint ? new.columns.map { c in colIndex[c].map { point.x[$0] } ?? 0 } : []
        let y = hasPoint ? new.rows.map { r in rowIndex[r].map { point.y[$0] } ?? 0 } : []
        var basis: [SparseSimplex.VariableStatus]? = nil
        if let b = point.basis, b.count == old.columns.count + old.rows.count {
            let n = old.columns.count
            basis = new.columns.map { c in colIndex[c].map { b[$0] } ?? .lower }
                + new.rows.map { r in rowIndex[r].map { b[n + $0] } ?? .basic }
        }
        return MultiPeriodPlanner.WarmStart(x: x, y: y, basis: basis, expanded: point.expanded, expansion: point.expansion)
    }
}
