import SyncoModel
import SyncoSparse

/// The plan over time of planning semantics v2 as one time-expanded linear program
/// (maximise λ; the `LinearProgram` minimises −λ). Every row is a "≥" row:
///
///     balance (i,t):   Σ_j net_ij·x[j,t] + c_i·inv[i,t−1] − inv[i,t] − inv_i[t] − o_it·λ ≥ g_it   (c_i·initial_i moves to the right at t = 0)
///     limit (r,t):     −Σ_j r_rj·x[j,t] ≥ −L_rt
///     budget (r):      −Σ_t Σ_j r_rj·x[j,t] ≥ −B_r
///     capital (i,t):   K[i,t] − Σ_j k_ji·x[j,t] ≥ 0                      (K[i,0] = initial: −Σ k·x ≥ −initial)
///     accumulate (i,t): (1 − d_i)·K[i,t] + invest[i,t] − K[i,t+1] ≥ 0    for t < T−1
///     stock (s,t):     (1 + ρ_s)·S[s,t] − Σ_j e_js·x[j,t] − S[s,t+1] ≥ 0  (S[s,0] = initial)
///     target (s):      S[s,T] ≥ minimum_final_s
///
/// with 0 ≤ x[j,t] ≤ cap_jt, inv ≥ 0, invest ≥ 0, K ≥ 0, 0 ≤ S[s,t] ≤ carrying_capacity_s, λ ≥ 0.
///
/// Capital stocks K and natural stocks S are kept as variables (not eliminated): the matrix stays
/// sparse (O(T) entries per stock rather than O(T²)), and the rows' duals are the valuations of a
/// unit of capital and of standing stock per period. The accumulation and stock equations are
/// written as "≤" (K and S may fall short of what the recursion allows, never exceed it): at an
/// optimum that changes nothing (more capital or stock never hurts), and it keeps every dual
/// signed. Investment in the last period cannot work within the horizon and is left out.
///
/// Columns (in order): activities x[j,t] period by period, inventories, investments, capital
/// stocks K[i,t] (t ≥ 1), natural stocks S[s,t] (t = 1…T), λ.
/// Rows: balances period by period, then limits, budgets, capital, accumulation, stock, target.
public struct MultiPeriodProblem: Sendable {
    public enum Row: Sendable, Hashable {
        case balance(product: Int, period: Int)
        case limit(resource: Int, period: Int)
        case budget(resource: Int)
        case capital(product: Int, period: Int)
        case accumulation(product: Int, period: Int)
        case stock(stock: Int, period: Int)
        case target(stock: Int)
    }

    public enum Column: Sendable, Hashable {
        case activity(technique: Int, period: Int)
        case inventory(product: Int, period: Int)
        case investment(product: Int, period: Int)
        case capitalStock(product: Int, period: Int)
        case naturalStock(stock: Int, period: Int)
        case lambda
    }

    public let economy: MultiPeriodEconomy
    public let lp: LinearProgram
    public let rows: [Row]
    public let columns: [Column]
    /// Guaranteed and other needs `[t][i]`.
    public let guaranteed: [[Double]]
    public let other: [[Double]]
    public var lambdaColumn: Int { lp.columns - 1 }

    /// Column of x[j,t] (activities come first, period-major).
    public func activityColumn(_ j: Int, _ t: Int) -> Int { t * economy.techniqueCount + j }

    public init(_ me: MultiPeriodEconomy) {
        economy = me
        let e = me.economy
        let T = me.periods, n = e.productCount, m = e.techniqueCount, R = e.resourceCount, S = me.stocks.count
        (guaranteed, other) = me.needTotals()
        let storable = (0..<n).filter { me.storage[$0] != nil }
        let capitalProducts = (0..<n).filter { me.capital[$0] != nil }

        // Rows.
        var rows: [Row] = []
        var lo: [Double] = []
        var names: [String] = []
        func addRow(_ r: Row, _ lower: Double, _ name: String) -> Int32 {
            rows.append(r); lo.append(lower); names.append(name)
            return Int32(rows.count - 1)
        }
        var balanceRow = [[Int32]](repeating: [], count: T)
        for t in 0..<T {
            for i in 0..<n {
                var rhs = guaranteed[t][i]
                if t == 0, let s = me.storage[i] { rhs -= s.carryover * s.initial }
                balanceRow[t].append(addRow(.balance(product: i, period: t), rhs, "p:\(e.products[i].id):\(t)"))
            }
        }
        var limitRow = [[Int32]](repeating: [Int32](repeating: -1, count: R), count: T)
        for t in 0..<T {
            for r in 0..<R { if let l = me.limits[r] { limitRow[t][r] = addRow(.limit(resource: r, period: t), -l[t], "r:\(e.resources[r].id):\(t)") } }
        }
        var budgetRow = [Int32](repeating: -1, count: R)
        for r in 0..<R { if let b = me.budgets[r] { budgetRow[r] = addRow(.budget(resource: r), -b, "budget:\(e.resources[r].id)") } }
        var capitalRow = [[Int32]](repeating: [Int32](repeating: -1, count: n), count: T)
        for t in 0..<T {
            for i in capitalProducts {
                capitalRow[t][i] = addRow(.capital(product: i, period: t), t == 0 ? -me.capital[i]!.initial : 0, "k:\(e.products[i].id):\(t)")
            }
        }
        var accumulationRow = [[Int32]](repeating: [Int32](repeating: -1, count: n), count: T)
        for t in 0..<max(0, T - 1) {
            for i in capitalProducts {
                let c = me.capital[i]!
                accumulationRow[t][i] = addRow(.accumulation(product: i, period: t), t == 0 ? -(1 - c.depreciation) * c.initial : 0,
                                               "acc:\(e.products[i].id):\(t)")
            }
        }
        var stockRow = [[Int32]](repeating: [Int32](repeating: -1, count: S), count: T)
        for t in 0..<T {
            for s in 0..<S {
                let st = me.stocks[s]
                stockRow[t][s] = addRow(.stock(stock: s, period: t), t == 0 ? -(1 + st.regeneration) * st.initial : 0, "s:\(st.id):\(t)")
            }
        }
        var targetRow = [Int32](repeating: -1, count: S)
        for s in 0..<S { if let f = me.stocks[s].minimumFinal, f > 0 { targetRow[s] = addRow(.target(stock: s), f, "target:\(me.stocks[s].id)") } }

        var b = LPBuilder(rowLower: lo, rowUpper: [Double](repeating: .infinity, count: lo.count), rowNames: names)
        var columns: [Column] = []
        let tt = e.techniques
        var entries: [(Int32, Double)] = []
        // Activities.
        for t in 0..<T {
            for j in 0..<m {
                entries.removeAll(keepingCapacity: true)
                var net = [Int32: Double]()
                for q in tt.outputs.range(j) { net[tt.outputs.index[q], default: 0] += tt.outputs.amount[q] }
                for q in tt.inputs.range(j) { net[tt.inputs.index[q], default: 0] -= tt.inputs.amount[q] }
                for (i, v) in net where v != 0 { entries.append((balanceRow[t][Int(i)], v)) }
                var perResource = [Int: Double]()
                for q in tt.resources.range(j) { perResource[Int(tt.resources.index[q]), default: 0] += tt.resources.amount[q] }
                for (r, a) in perResource {
                    if limitRow[t][r] >= 0 { entries.append((limitRow[t][r], -a)) }
                    if budgetRow[r] >= 0 { entries.append((budgetRow[r], -a)) }
                }
                for q in me.capitalUse.range(j) { entries.append((capitalRow[t][Int(me.capitalUse.index[q])], -me.capitalUse.amount[q])) }
                for q in me.extraction.range(j) { entries.append((stockRow[t][Int(me.extraction.index[q])], -me.extraction.amount[q])) }
                let cap = me.capacities[j]?[t] ?? .infinity
                b.addColumn(entries, cost: 0, upper: cap, name: "x:\(tt.ids[j]):\(t)")
                columns.append(.activity(technique: j, period: t))
            }
        }
        // Inventories: leave period t, arrive (after losses) in t + 1.
        for i in storable {
            let c = me.storage[i]!.carryover
            for t in 0..<T {
                var en: [(Int32, Double)] = [(balanceRow[t][i], -1)]
                if t + 1 < T { en.append((balanceRow[t + 1][i], c)) }
                b.addColumn(en, cost: 0, name: "inv:\(e.products[i].id):\(t)")
                columns.append(.inventory(product: i, period: t))
            }
        }
        // Investment: taken from period t's net output, adds to K[i,t+1].
        for i in capitalProducts {
            for t in 0..<max(0, T - 1) {
                b.addColumn([(balanceRow[t][i], -1), (accumulationRow[t][i], 1)], cost: 0, name: "invest:\(e.products[i].id):\(t)")
                columns.append(.investment(product: i, period: t))
            }
        }
        // Capital stocks K[i,t], t ≥ 1.
        for i in capitalProducts {
            let d = me.capital[i]!.depreciation
            for t in 1..<max(1, T) {
                var en: [(Int32, Double)] = [(capitalRow[t][i], 1), (accumulationRow[t - 1][i], -1)]
                if t + 1 < T { en.append((accumulationRow[t][i], 1 - d)) }
                b.addColumn(en, cost: 0, name: "K:\(e.products[i].id):\(t)")
                columns.append(.capitalStock(product: i, period: t))
            }
        }
        // Natural stocks S[s,t], t = 1…T.
        for s in 0..<S {
            let st = me.stocks[s]
            for t in 1...max(1, T) {
                var en: [(Int32, Double)] = [(stockRow[t - 1][s], -1)]
                if t < T { en.append((stockRow[t][s], 1 + st.regeneration)) }
                if t == T && targetRow[s] >= 0 { en.append((targetRow[s], 1)) }
                b.addColumn(en, cost: 0, upper: st.carryingCapacity ?? .infinity, name: "S:\(st.id):\(t)")
                columns.append(.naturalStock(stock: s, period: t))
            }
        }
        // λ.
        var lam: [(Int32, Double)] = []
        for t in 0..<T { for i in 0..<n where other[t][i] != 0 { lam.append((balanceRow[t][i], -other[t][i])) } }
        let hasOther = other.contains { $0.contains { $0 != 0 } }
        b.addColumn(lam, cost: -1, upper: hasOther ? .infinity : 1, name: "lambda")
        columns.append(.lambda)
        self.rows = rows
        self.columns = columns
        lp = b.build()
    }

    /// Whether λ is capped at 1 (no non-guaranteed need: fulfilment 1 means the guaranteed
    /// needs and stock targets are met).
    public var lambdaCapped: Bool { lp.upper[lambdaColumn].isFinite }

    /// The row's name for people: "grain in period 3", "the co2 budget", "forest target".
    public func describe(row k: Int) -> String {
        let e = economy.economy
        switch rows[k] {
        case .balance(let i, let t): return "\(e.products[i].id) in period \(t)"
        case .limit(let r, let t): return "the \(e.resources[r].id) limit in period \(t)"
        case .budget(let r): return "the \(e.resources[r].id) budget"
        case .capital(let i, let t): return "\(e.products[i].id) capital in period \(t)"
        case .accumulation(let i, let t): return "\(e.products[i].id) investment in period \(t)"
        case .stock(let s, let t): return "the \(economy.stocks[s].id) stock in period \(t)"
        case .target(let s): return "the \(economy.stocks[s].id) minimum final stock"
        }
    }

    public func describe(column c: Int) -> String {
        let e = economy.economy
        switch columns[c] {
        case .activity(let j, let t): return "capacity of \(e.techniques.ids[j]) in period \(t)"
        case .inventory(let i, let t): return "\(e.products[i].id) inventory in period \(t)"
        case .investment(let i, let t): return "\(e.products[i].id) investment in period \(t)"
        case .capitalStock(let i, let t): return "\(e.products[i].id) capital in period \(t)"
        case .naturalStock(let s, let t): return "carrying capacity of \(economy.stocks[s].id) in period \(t)"
        case .lambda: return "fulfilment"
        }
    }
}
