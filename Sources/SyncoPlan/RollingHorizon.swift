import SyncoModel

/// Receding-horizon planning: plan `horizon` periods, carry out the first, observe what
/// actually happened (actuals override the planned inventories, capital and natural stocks),
/// and plan again one period later from there. Each window's LP has the same shape as the
/// last, so it warm-starts from the previous solution shifted by one period.
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
            if let p = previous { warm = shifted(p.point, from: p.problem, to: problem) }
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

    /// The previous window's point moved one period earlier (period t takes what period t+1
    /// had; the last period keeps its own values), matched by column and row meaning.
    static func shifted(_ point: MultiPeriodPlanner.WarmStart, from old: MultiPeriodProblem, to new: MultiPeriodProblem) -> MultiPeriodPlanner.WarmStart? {
        var colIndex = [MultiPeriodProblem.Column: Int](minimumCapacity: old.columns.count)
        for (c, col) in old.columns.enumerated() { colIndex[col] = c }
        var rowIndex = [MultiPeriodProblem.Row: Int](minimumCapacity: old.rows.count)
        for (k, row) in old.rows.enumerated() { rowIndex[row] = k }
        // Values move one period earlier (the last period keeps its own). A basis moves the
        // same way except near the end: the old window's last period is shaped by the end of
        // the horizon, so the new second-to-last period takes the old one's second-to-last.
        let H = new.economy.periods
        func shift(_ t: Int, basis: Bool) -> Int { basis && t >= H - 2 ? t : t + 1 }
        func later(_ c: MultiPeriodProblem.Column, basis: Bool = false) -> [MultiPeriodProblem.Column] {
            switch c {
            case .activity(let j, let t): [.activity(technique: j, period: shift(t, basis: basis)), c]
            case .inventory(let i, let t): [.inventory(product: i, period: shift(t, basis: basis)), c]
            case .investment(let i, let t): [.investment(product: i, period: shift(t, basis: basis)), c]
            case .capitalStock(let i, let t): [.capitalStock(product: i, period: shift(t, basis: basis)), c]
            case .naturalStock(let s, let t): [.naturalStock(stock: s, period: shift(t, basis: basis)), c]
            case .lambda: [c]
            }
        }
        func later(_ r: MultiPeriodProblem.Row, basis: Bool = false) -> [MultiPeriodProblem.Row] {
            switch r {
            case .balance(let i, let t): [.balance(product: i, period: shift(t, basis: basis)), r]
            case .limit(let q, let t): [.limit(resource: q, period: shift(t, basis: basis)), r]
            case .capital(let i, let t): [.capital(product: i, period: shift(t, basis: basis)), r]
            case .accumulation(let i, let t): [.accumulation(product: i, period: shift(t, basis: basis)), r]
            case .stock(let s, let t): [.stock(stock: s, period: shift(t, basis: basis)), r]
            case .budget, .target: [r]
            }
        }
        let x = new.columns.map { c in later(c).lazy.compactMap { colIndex[$0] }.first.map { point.x[$0] } ?? 0 }
        let y = new.rows.map { r in later(r).lazy.compactMap { rowIndex[$0] }.first.map { point.y[$0] } ?? 0 }
        // The basis moves the same way: columns, then the rows' logicals.
        var basis: [SparseSimplex.VariableStatus]? = nil
        if let b = point.basis, b.count == old.columns.count + old.rows.count {
            let n = old.columns.count
            basis = new.columns.map { c in later(c, basis: true).lazy.compactMap { colIndex[$0] }.first.map { b[$0] } ?? .lower }
                + new.rows.map { r in later(r, basis: true).lazy.compactMap { rowIndex[$0] }.first.map { b[n + $0] } ?? .basic }
        }
        return MultiPeriodPlanner.WarmStart(x: x, y: y, basis: basis)
    }
}
