import SyncoModel

/// An independent check of a plan over time against the multi-period economy itself: it reads
/// the technique table, storage, capital and stock data directly and shares no code with
/// `MultiPeriodProblem` or the solver.
///
/// Primal: from the plan's activities, inventories, investments and λ it recomputes net outputs,
/// resource use, capital stocks by K[t+1] = (1 − d)·K[t] + investment[t] and natural stocks by
/// S[t+1] = min(carrying capacity, (1 + ρ)·S[t] − extraction[t]); the primal residual is
/// ‖(shortfalls of balances, excess over limits and budgets, capital used beyond the stock,
/// negative stocks, missed final-stock targets)‖₂ relative to 1 + ‖(needs, limits, budgets,
/// initial stocks, targets)‖₂; bound violations (x < 0, x > capacity, negative inventory or
/// investment) are reported separately, and so is the worst single row relative to its own
/// size (a balance against its requirement and the product's throughput that period, capital
/// against the stock, a limit, budget, stock or target against itself).
///
/// Dual: with the valuations (duals of every balance, limit, budget, capital, accumulation,
/// stock and target row, all ≥ 0) it computes each variable's reduced profit from the economy:
///   x[j,t]: Σ_i y_ti·net_ij − Σ_r (w_tr + β_r)·r_rj − Σ_i κ_ti·k_ji − Σ_s σ_ts·e_js,
///   inv[i,t]: −y_ti + c_i·y_(t+1)i;  investment[i,t]: −y_ti + α_ti;
///   K[i,t]: κ_ti − α_(t−1)i + (1 − d_i)·α_ti;  S[s,t]: −σ_(t−1)s + (1 + ρ_s)·σ_ts (+ τ_s at T);
///   λ: 1 − Σ_t Σ_i y_ti·o_ti.
/// The dual residual is ‖(positive profits of uncapped variables, negative valuations)‖₂
/// relative to 1 + ‖c‖₂ = 2. The dual bound (weak duality) is
///   −Σ g·y + Σ c·initial·y_0 + Σ L·w + Σ B·β + Σ initial_K·(κ_0 + (1 − d)·α_0)
///   + Σ (1 + ρ)·S_0·σ_0 − Σ f·τ + (what positive profits can add over any feasible plan),
/// the last term charged as follows: capital and natural stocks at their a-priori bounds; the
/// profits of inventories and investment moved onto the activities that make the product
/// (an inventory or an investment is at most what was made plus what was kept); then each
/// period's activities together, those using a limited resource sharing its limit (a fractional
/// knapsack per resource, the cheapest of them taken) and each at most its a-priori bound. It is
/// computed after rescaling the valuations so that the λ column's dual constraint holds
/// exactly (Σ y·o = 1); it bounds the best λ from above when the dual residual is zero, and the
/// gap is |λ − bound| / (1 + |λ| + |bound|).
/// The same measures as the one-period certificate (`PlanCertificate`), computed over the
/// time-expanded plan.
public typealias MultiPeriodCertificate = PlanCertificate

extension PlanCertificate {
    public init(economy me: MultiPeriodEconomy, plan p: MultiPeriodPlan) {
        let e = me.economy, t = e.techniques
        let T = me.periods, n = e.productCount, R = e.resourceCount, S = me.stocks.count
        var g = [[Double]](repeating: [Double](repeating: 0, count: n), count: T), o = g
        for need in me.needs {
            for k in 0..<T {
                if need.guaranteed { g[k][Int(need.product)] += need.amount[k] } else { o[k][Int(need.product)] += need.amount[k] }
            }
        }
        let lambda = p.fulfilment
        let lambdaCapped = !o.contains { $0.contains { $0 != 0 } }
        var pr = 0.0, bn = 0.0, bv = 0.0, rowViolation = 0.0
        /// A row's violation v, counted in the norm and, relative to the row's own size, in
        /// the worst single row.
        func violate(_ v: Double, size: Double) {
            guard v > 0 else { return }
            pr += v * v
            rowViolation = max(rowViolation, v / max(size, 1e-300))
        }
        func rhs(_ v: Double) { bn += v * v }
        if lambda < 0 { bv = max(bv, -lambda) }

        // Primal: flows per period.
        var budget = [Double](repeating: 0, count: R)
        var K = (0..<n).map { me.capital[$0]?.initial ?? 0 }
        var stock = me.stocks.map(\.initial)
        for i in 0..<n { if let c = me.capital[i] { rhs(c.initial) } }
        for s in 0..<S { rhs(me.stocks[s].initial) }
        for k in 0..<T {
            var net = [Double](repeating: 0, count: n), use = [Double](repeating: 0, count: R)
            var throughput = [Double](repeating: 0, count: n)
            var kuse = [Double](repeating: 0, count: n), ext = [Double](repeating: 0, count: S)
            for j in 0..<t.count {
                let x = p.activities[k][j]
                if x < 0 { bv = max(bv, -x) }
                if let cap = me.capacities[j]?[k], x > cap { bv = max(bv, (x - cap) / (1 + cap)) }
                if x == 0 { continue }
                for q in t.outputs.range(j) {
                    net[Int(t.outputs.index[q])] += t.outputs.amount[q] * x
                    throughput[Int(t.outputs.index[q])] += abs(t.outputs.amount[q] * x)
                }
                for q in t.inputs.range(j) {
                    net[Int(t.inputs.index[q])] -= t.inputs.amount[q] * x
                    throughput[Int(t.inputs.index[q])] += abs(t.inputs.amount[q] * x)
                }
                for q in t.resources.range(j) { use[Int(t.resources.index[q])] += t.resources.amount[q] * x }
                for q in me.capitalUse.range(j) { kuse[Int(me.capitalUse.index[q])] += me.capitalUse.amount[q] * x }
                for q in me.extraction.range(j) { ext[Int(me.extraction.index[q])] += me.extraction.amount[q] * x }
            }
            for i in 0..<n {
                var avail = net[i]
                var size = throughput[i]
                if let st = me.storage[i] {
                    let before = k == 0 ? st.initial : p.inventory[k - 1][i]
                    avail += st.carryover * before - p.inventory[k][i]
                    size += abs(st.carryover * before) + abs(p.inventory[k][i])
                    if p.inventory[k][i] < 0 { bv = max(bv, -p.inventory[k][i]) }
                }
                if me.capital[i] != nil {
                    let inv = k + 1 < T ? p.investment[k][i] : 0
                    if inv < 0 { bv = max(bv, -inv) }
                    avail -= inv
                    size += abs(inv)
                    violate(kuse[i] - K[i], size: max(K[i], kuse[i]))
                }
                violate(g[k][i] + lambda * o[k][i] - avail, size: max(abs(g[k][i] + lambda * o[k][i]), size))
                rhs(g[k][i])
            }
            for r in 0..<R {
                budget[r] += use[r]
                if let l = me.limits[r]?[k] { violate(use[r] - l, size: l); rhs(l) }
            }
            for i in 0..<n { if let c = me.capital[i] { K[i] = (1 - c.depreciation) * K[i] + (k + 1 < T ? max(0, p.investment[k][i]) : 0) } }
            for s in 0..<S {
                let st = me.stocks[s]
                let next = (1 + st.regeneration) * stock[s] - ext[s]
                violate(-next, size: (1 + st.regeneration) * stock[s] + ext[s])
                stock[s] = min(st.carryingCapacity ?? .infinity, next)
            }
        }
        for r in 0..<R { if let b = me.budgets[r] { violate(budget[r] - b, size: b); rhs(b) } }
        for s in 0..<S { if let f = me.stocks[s].minimumFinal { violate(f - stock[s], size: f); rhs(f) } }

        // Dual: reduced profits from the economy.
        let y = p.productValuation, w = p.resourceValuation, beta = p.budgetValuation
        let kappa = p.capitalValuation, alpha = p.investmentValuation, sigma = p.stockValuation, tau = p.targetValuation
        var dr = 0.0
        func signed(_ v: Double) { if v < 0 { dr += v * v } }
        var oy = 0.0
        for k in 0..<T {
            for i in 0..<n { signed(y[k][i]); oy += o[k][i] * y[k][i] }
            for r in 0..<R { if me.limits[r] != nil { signed(w[k][r]) } else if w[k][r] != 0 { dr += w[k][r] * w[k][r] } }
            for i in 0..<n where me.capital[i] != nil { signed(kappa[k][i]); if k + 1 < T { signed(alpha[k][i]) } }
            for s in 0..<S { signed(sigma[k][s]) }
        }
        for r in 0..<R { if me.budgets[r] != nil { signed(beta[r]) } else if beta[r] != 0 { dr += beta[r] * beta[r] } }
        for s in 0..<S { signed(tau[s]) }
        // A priori bounds on activities, capital and natural stocks of any feasible plan (period
        // by period: capital available bounds activity, activity bounds production, production
        // bounds inventory and investment, investment bounds later capital). They turn a
        // positive reduced profit of a variable without a cap into a finite, proven addition to
        // the bound.
        let box = MultiPeriodCertificate.aPrioriBounds(me)
        // What the positive reduced profits can add to λ over any feasible plan. Capital and
        // natural stocks are charged through their a-priori bounds. Inventories and investment
        // are bounded by the production behind them, inv[i,t] and investment[i,t] each
        // ≤ c_i·inv[i,t−1] + Σ_j out_ij·x[j,t] (each balance's requirement is ≥ 0), so their
        // profits move onto the activities that make the product, where they meet the
        // activities' own reduced profits (negative ones included); each period's activities
        // are then charged together by `activityCharge`, which uses the resource limits.
        var capped = 0.0
        var dualViolation = 0.0
        func profit(_ v: Double, cap: Double, box b: Double = .infinity) {
            guard v > 0 else { return }
            if !cap.isFinite { dualViolation += v * v }
            capped += min(cap, b) * v
        }
        // Products with a negative need: nothing bounds their inventory or investment by production.
        let negativeNeed = MultiPeriodCertificate.negativeNeeds(me)
        var moved = [[Double]](repeating: [Double](repeating: 0, count: n), count: T)
        var anyMoved = [Bool](repeating: false, count: T)
        for i in 0..<n {
            let st = me.storage[i], capital = me.capital[i] != nil
            guard st != nil || capital else { continue }
            // Inventory and investment in period k are each at most B_k = c·B_(k−1) + production
            // in k (B_(−1) the initial inventory; c = 0 for a product that does not keep). With
            // W_t = Σ_{k ≥ t} (π_k + ρ_k)·c^(k−t) over their positive profits π (inventory) and
            // ρ (investment), production in t carries weight W_t and the initial inventory c·W_0.
            let c = st?.carryover ?? 0
            var weight = 0.0
            for k in stride(from: T - 1, through: 0, by: -1) {
                var here = 0.0
                if st != nil {
                    let v = -y[k][i] + (k + 1 < T ? c * y[k + 1][i] : 0)
                    if negativeNeed.contains(i) { profit(v, cap: .infinity) } else if v > 0 { dualViolation += v * v; here += v }
                }
                if capital && k + 1 < T {
                    let v = -y[k][i] + alpha[k][i]
                    if negativeNeed.contains(i) { profit(v, cap: .infinity) } else if v > 0 { dualViolation += v * v; here += v }
                }
                weight = here + c * weight
                if weight > 0 { moved[k][i] += weight; anyMoved[k] = true }
            }
            if weight > 0, let st { capped += c * st.initial * weight }
        }
        for k in 0..<T {
            var activityProfit = [Double](repeating: 0, count: t.count)
            for j in 0..<t.count {
                var v = 0.0, carried = 0.0
                for q in t.outputs.range(j) {
                    v += y[k][Int(t.outputs.index[q])] * t.outputs.amount[q]
                    if anyMoved[k] { carried += moved[k][Int(t.outputs.index[q])] * t.outputs.amount[q] }
                }
                for q in t.inputs.range(j) { v -= y[k][Int(t.inputs.index[q])] * t.inputs.amount[q] }
                for q in t.resources.range(j) {
                    let r = Int(t.resources.index[q])
                    v -= (w[k][r] + beta[r]) * t.resources.amount[q]
                }
                for q in me.capitalUse.range(j) { v -= kappa[k][Int(me.capitalUse.index[q])] * me.capitalUse.amount[q] }
                for q in me.extraction.range(j) { v -= sigma[k][Int(me.extraction.index[q])] * me.extraction.amount[q] }
                if v > 0 && me.capacities[j]?[k] == nil { dualViolation += v * v }
                activityProfit[j] = v + carried
            }
            capped += MultiPeriodCertificate.activityCharge(me, period: k, profit: activityProfit, bound: box.activity[k])
            for i in 0..<n {
                if let c = me.capital[i], k >= 1 {
                    profit(kappa[k][i] - alpha[k - 1][i] + (k + 1 < T ? (1 - c.depreciation) * alpha[k][i] : 0), cap: .infinity, box: box.capital[k][i])
                }
            }
        }
        for s in 0..<S {
            let st = me.stocks[s]
            for k in 1...T {
                profit(-sigma[k - 1][s] + (k < T ? (1 + st.regeneration) * sigma[k][s] : 0) + (k == T ? tau[s] : 0),
                       cap: st.carryingCapacity ?? .infinity, box: box.stock[k][s])
            }
        }
        dr += dualViolation
        let lambdaProfit = 1 - oy
        if !lambdaCapped && lambdaProfit > 0 { dr += lambdaProfit * lambdaProfit }

        // Dual objective (−rowLower·y summed) plus what capped variables can add.
        var d = 0.0
        for k in 0..<T { for i in 0..<n { d -= g[k][i] * y[k][i] } }
        for i in 0..<n {
            if let st = me.storage[i] { d += st.carryover * st.initial * y[0][i] }
            if let c = me.capital[i] { d += c.initial * (kappa[0][i] + (T > 1 ? (1 - c.depreciation) * alpha[0][i] : 0)) }
        }
        for k in 0..<T { for r in 0..<R { if let l = me.limits[r]?[k] { d += l * w[k][r] } } }
        for r in 0..<R { if let b = me.budgets[r] { d += b * beta[r] } }
        for s in 0..<S {
            d += (1 + me.stocks[s].regeneration) * me.stocks[s].initial * sigma[0][s]
            if let f = me.stocks[s].minimumFinal { d -= f * tau[s] }
        }
        d += capped
        let bound: Double
        if lambdaCapped {
            bound = d + max(0, lambdaProfit)
        } else if oy > 0 {
            // Rescaled valuations y/oy satisfy the λ column exactly; the bound is homogeneous.
            bound = d / oy
        } else {
            bound = .infinity
        }
        primalResidual = pr.squareRoot() / (1 + bn.squareRoot())
        dualResidual = dr.squareRoot() / 2
        gap = bound.isFinite ? abs(lambda - bound) / (1 + abs(lambda) + abs(bound)) : .infinity
        maxBoundViolation = bv
        dualBound = bound
        maxRowViolation = rowViolation
    }

    /// An upper bound on Σ_j p_j·x_j over every feasible plan's activities x of period k, for
    /// profits p (only positive ones count), each activity at most its a-priori bound
    /// `bound[j]`, those using a resource limited in the period sharing its limit
    /// (`PlanCertificate.sharedLimitCharge`).
    static func activityCharge(_ me: MultiPeriodEconomy, period k: Int, profit: [Double], bound: [Double]) -> Double {
        var paying: [(technique: Int, profit: Double, bound: Double)] = []
        for j in 0..<profit.count where profit[j] > 0 { paying.append((j, profit[j], bound[j])) }
        return PlanCertificate.sharedLimitCharge(me.economy.techniques, paying: paying, resourceCount: me.economy.resourceCount) { me.limits[$0]?[k] }
    }

    /// The products with a negative (non-guaranteed) need in some period: their requirement can
    /// be below zero, so more of them can be stored or invested than was made.
    static func negativeNeeds(_ me: MultiPeriodEconomy) -> Set<Int> {
        Set(me.needs.filter { n in (0..<me.periods).contains { n.amount[$0] < 0 } }.map { Int($0.product) })
    }

    /// Upper bounds, valid for every feasible plan, on activities `[t][j]`, capital stocks
    /// `[t][i]` and natural stocks `[t][s]` (t = 0…T, level at the start of period t), derived
    /// period by period through production, inventories and investment. Infinite where nothing
    /// in the economy limits the variable.
    static func aPrioriBounds(_ me: MultiPeriodEconomy) -> (activity: [[Double]], capital: [[Double]], stock: [[Double]]) {
        let e = me.economy, t = e.techniques
        let T = me.periods, n = e.productCount, m = e.techniqueCount, S = me.stocks.count
        var act = [[Double]](repeating: [Double](repeating: .infinity, count: m), count: T)
        var prod = [[Double]](repeating: [Double](repeating: 0, count: n), count: T)
        var inv = prod, cap = prod
        var stock = [[Double]](repeating: [Double](repeating: 0, count: S), count: T + 1)
        var K = (0..<n).map { me.capital[$0]?.initial ?? 0 }
        let negativeNeed = negativeNeeds(me)
        for s in 0..<S { stock[0][s] = me.stocks[s].initial }
        for k in 0..<T {
            for i in 0..<n { cap[k][i] = K[i] }
            for j in 0..<m {
                var b = me.capacities[j]?[k] ?? .infinity
                for q in t.resources.range(j) where t.resources.amount[q] > 0 {
                    let r = Int(t.resources.index[q]), a = t.resources.amount[q]
                    if let l = me.limits[r]?[k] { b = min(b, l / a) }
                    if let bu = me.budgets[r] { b = min(b, bu / a) }
                }
                for q in me.capitalUse.range(j) where me.capitalUse.amount[q] > 0 {
                    b = min(b, K[Int(me.capitalUse.index[q])] / me.capitalUse.amount[q])
                }
                for q in me.extraction.range(j) where me.extraction.amount[q] > 0 {
                    let s = Int(me.extraction.index[q])
                    b = min(b, (1 + me.stocks[s].regeneration) * stock[k][s] / me.extraction.amount[q])
                }
                act[k][j] = b
                for q in t.outputs.range(j) where t.outputs.amount[q] > 0 { prod[k][Int(t.outputs.index[q])] += t.outputs.amount[q] * b }
            }
            for i in 0..<n {
                if let st = me.storage[i] {
                    inv[k][i] = negativeNeed.contains(i) ? .infinity : (k == 0 ? st.carryover * st.initial : st.carryover * inv[k - 1][i]) + prod[k][i]
                }
                // Investment is at most what was made plus what was kept (the inventory's bound).
                if let c = me.capital[i] {
                    K[i] = negativeNeed.contains(i) ? .infinity : (1 - c.depreciation) * K[i] + (me.storage[i] != nil ? inv[k][i] : prod[k][i])
                }
            }
            for s in 0..<S {
                stock[k + 1][s] = min(me.stocks[s].carryingCapacity ?? .infinity, (1 + me.stocks[s].regeneration) * stock[k][s])
            }
        }
        return (act, cap, stock)
    }
}
