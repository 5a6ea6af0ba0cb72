import SyncoModel

/// The result of planning over several periods (planning semantics v2): status, the common
/// fulfilment λ, and per period activities, net outputs, resource use, inventories,
/// investment, capital and natural stocks, with their valuations and the certificate the
/// planner checked itself. Arrays are indexed `[t][i]` (period, then product / resource /
/// technique / stock).
public struct MultiPeriodPlan: Sendable {
    public var status: Plan.Status
    public var message: String
    public var fulfilment: Double
    public var periods: Int
    /// Activity per technique, `[t][j]`.
    public var activities: [[Double]]
    /// Net output (outputs − inputs) per product, `[t][i]`.
    public var netOutput: [[Double]]
    /// Use per resource, `[t][r]`; total per resource over the horizon in `budgetUse`.
    public var resourceUse: [[Double]]
    public var budgetUse: [Double]
    /// End-of-period inventory of storable products (0 for others), `[t][i]`.
    public var inventory: [[Double]]
    /// Capital products put in place in period t (working from t + 1), `[t][i]`.
    public var investment: [[Double]]
    /// Capital stock available in period t (by the depreciation recursion), `[t][i]`.
    public var capitalStock: [[Double]]
    /// Capital used by the techniques in period t, `[t][i]`.
    public var capitalUse: [[Double]]
    /// Natural stock level at the start of period t, `[t][s]` for t = 0…T (index T: final).
    public var stockLevels: [[Double]]
    /// Extraction from each natural stock in period t, `[t][s]`.
    public var extraction: [[Double]]

    /// Dual of product i's balance in period t: fulfilment lost per extra unit of need.
    public var productValuation: [[Double]]
    /// Dual of resource r's limit in period t: fulfilment gained per extra unit of the limit.
    public var resourceValuation: [[Double]]
    /// Dual of resource r's budget over the horizon (0 without a budget).
    public var budgetValuation: [Double]
    /// Dual of capital product i's capacity row in period t: fulfilment gained per extra unit
    /// of capital in place in period t.
    public var capitalValuation: [[Double]]
    /// Dual of the accumulation row: fulfilment gained per extra unit of capital i arriving
    /// for period t + 1 (what an investment in period t is worth).
    public var investmentValuation: [[Double]]
    /// Dual of stock s's balance in period t: fulfilment gained per extra unit of stock left
    /// standing at the end of period t.
    public var stockValuation: [[Double]]
    /// Dual of stock s's minimum final stock (0 without a target or when it does not bind).
    public var targetValuation: [Double]

    public var certificate: MultiPeriodCertificate
    public var iterations: Int
    public var restarts: Int
    public var seconds: Double
    /// Present when the guaranteed needs or stock targets cannot be met.
    public var diagnosis: MultiPeriodDiagnosis?

    public init(economy me: MultiPeriodEconomy, status: Plan.Status, message: String) {
        let T = me.periods, n = me.productCount, m = me.techniqueCount, R = me.resourceCount, S = me.stocks.count
        func z(_ c: Int, _ rows: Int = T) -> [[Double]] { [[Double]](repeating: [Double](repeating: 0, count: c), count: rows) }
        self.status = status
        self.message = message
        fulfilment = 0
        periods = T
        activities = z(m)
        netOutput = z(n)
        resourceUse = z(R)
        budgetUse = [Double](repeating: 0, count: R)
        inventory = z(n)
        investment = z(n)
        capitalStock = z(n)
        capitalUse = z(n)
        stockLevels = z(S, T + 1)
        extraction = z(S)
        productValuation = z(n)
        resourceValuation = z(R)
        budgetValuation = [Double](repeating: 0, count: R)
        capitalValuation = z(n)
        investmentValuation = z(n)
        stockValuation = z(S)
        targetValuation = [Double](repeating: 0, count: S)
        certificate = MultiPeriodCertificate(primalResidual: 0, dualResidual: 0, gap: 0, maxBoundViolation: 0, dualBound: 0)
        iterations = 0
        restarts = 0
        seconds = 0
        diagnosis = nil
    }
}

/// Why the guaranteed needs and stock targets cannot all be met: the support of the Farkas
/// certificate (the duals of the minimum-shortfall problem), each entry naming its period and
/// the need, stock target, limit, budget, capacity or initial stock involved.
public struct MultiPeriodDiagnosis: Sendable {
    public struct Entry: Sendable {
        /// `need`, `stock-target`, `limit`, `budget`, `capacity`, `carrying-capacity`,
        /// `initial-capital`, `initial-stock`, `initial-inventory`.
        public var kind: String
        /// Product, resource, technique or stock id.
        public var id: String
        /// Period (nil for budgets and final-stock targets).
        public var period: Int?
        /// The amount in the conflict (guaranteed need, target, limit, budget, capacity).
        public var amount: Double
        /// Unmet part of a need or target at the minimum shortfall (0 for constraints).
        public var shortfall: Double
        /// Share in the certificate (dual value × amount).
        public var weight: Double
        public var description: String
    }
    /// Σ shortfall / required over the needs and targets at the minimum (0 = feasible).
    public var minimumRelativeShortfall: Double
    /// A lower bound on it from the dual: > 0 proves infeasibility.
    public var proofBound: Double
    /// Needs and stock targets that cannot all be met.
    public var demands: [Entry]
    /// Limits, budgets, capacities and initial stocks that stand in the way.
    public var constraints: [Entry]
}
