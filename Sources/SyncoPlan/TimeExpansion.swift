import SyncoModel

/// A plan over time written as one economy of planning semantics v1, so that the one-period
/// planner's structure methods (Leontief solves, policy iteration over techniques, the
/// decomposition over resource prices, the basis polish) plan it.
///
/// Every row of `MultiPeriodProblem` becomes a product or a resource, every column a
/// technique:
///
/// | v2 | the economy here |
/// |---|---|
/// | product i in period t (balance row) | product `i@t` |
/// | technique j in period t | technique `j@t`: j's outputs, inputs and resources in period t, capital and stock drawn in t, capacity cap_jt |
/// | limit of resource r in period t | resource `r@t` with that limit |
/// | budget of r | resource `r@budget`, used by `j@t` for every t |
/// | inventory inv[i,t], t < T−1 | technique `store:i@t`: takes 1 of `i@t`, gives c_i of `i@t+1` |
/// | initial inventory | technique `initial:i`: gives `i@0`, capacity c_i·initial |
/// | investment invest[i,t] (accumulation row) | technique `invest:i@t`: takes 1 of `i@t`, gives 1 of `capital:i@t+1` |
/// | capital in place K[i,t] (capital row) | technique `hold:i@t`: takes 1 of `capital:i@t` (t ≥ 1; at t = 0 capacity K₀ instead), gives 1 of `service:i@t` and 1 − d_i of `capital:i@t+1` |
/// | capital use k_ji | `j@t` takes k_ji of `service:i@t` |
/// | natural stock (stock row s,t) | product `stock:s@t`, what stands in period t after regeneration, (1 + ρ)·S[s,t]; `initial:s` gives (1 + ρ)·S₀ of `stock:s@0` |
/// | S[s,t+1] ≤ carrying capacity | technique `stand:s@t`: takes 1 of `stock:s@t`, gives 1 + ρ of `stock:s@t+1` (at T−1: 1 of `final:s`), capacity the carrying capacity |
/// | extraction e_js | `j@t` takes e_js of `stock:s@t` |
/// | final-stock target | guaranteed need for `final:s` |
///
/// Inventory left after the last period and investment in it are worth nothing and have no
/// technique; a stock without a target has no `stand` in the last period. Initial inventories
/// and stocks have their technique even when they are zero (capacity 0), so that windows of a
/// rollout, which differ only in such numbers, expand to the same techniques and one window's
/// basis starts the next. The v1 program of
/// this economy is the v2 program with those columns fixed at zero, so both have the same
/// optimum, and every v2 row's dual is the valuation of its product or resource here. `plan`
/// reads a v1 plan back and `MultiPeriodCertificate` checks it against the v2 economy itself.
public struct TimeExpansion: Sendable {
    public private(set) var source: MultiPeriodEconomy
    public private(set) var economy: Economy
    let storable: [Int]
    let capitalProducts: [Int]
    /// Technique per storable product (by position in `storable`) and period t < T−1.
    let store: [[Int32]]
    /// Per capital product (by position): invest (t < T−1), hold (every t).
    let invest: [[Int32]]
    let hold: [[Int32]]
    /// Products: capital services (every t) and capital in place (t ≥ 1; index t−1).
    let service: [[Int32]]
    let capitalInPlace: [[Int32]]
    /// Per natural stock: the product standing in period t, and the final-stock product (−1 without a target).
    let standing: [[Int32]]
    let final: [Int32]
    /// Resources: per original resource and period (−1 without a limit), per resource its budget (−1 without).
    let limitResource: [[Int32]]
    let budgetResource: [Int32]

    public init(_ me: MultiPeriodEconomy) {
        source = me
        let e = me.economy, tt = e.techniques
        let T = me.periods, n = e.productCount, m = e.techniqueCount, R = e.resourceCount, S = me.stocks.count
        storable = (0..<n).filter { me.storage[$0] != nil }
        capitalProducts = (0..<n).filter { me.capital[$0] != nil }
        var capitalPosition = [Int](repeating: -1, count: n)
        for (k, i) in capitalProducts.enumerated() { capitalPosition[i] = k }

        // Products.
        var products: [Product] = []
        products.reserveCapacity(n * T + capitalProducts.count * 2 * T + S * (T + 1))
        for t in 0..<T {
            for p in e.products { products.append(Product(id: "\(p.id)@\(t)", name: p.name, unit: p.unit, category: p.category)) }
        }
        func add(_ id: String, unit: String?) -> Int32 {
            products.append(Product(id: id, unit: unit))
            return Int32(products.count - 1)
        }
        var service: [[Int32]] = [], capitalInPlace: [[Int32]] = []
        for i in capitalProducts {
            let id = e.products[i].id, unit = e.products[i].unit
            service.append((0..<T).map { add("service:\(id)@\($0)", unit: unit) })
            capitalInPlace.append((1..<max(1, T)).map { add("capital:\(id)@\($0)", unit: unit) })
        }
        var standing: [[Int32]] = [], final: [Int32] = []
        for st in me.stocks {
            standing.append((0..<T).map { add("stock:\(st.id)@\($0)", unit: st.unit) })
            final.append((st.minimumFinal ?? 0) > 0 ? add("final:\(st.id)", unit: st.unit) : -1)
        }

        // Resources.
        var resources: [Resource] = []
        var limitResource = [[Int32]](repeating: [Int32](repeating: -1, count: T), count: R)
        var budgetResource = [Int32](repeating: -1, count: R)
        for (r, res) in e.resources.enumerated() {
            if let l = me.limits[r] {
                for t in 0..<T {
                    limitResource[r][t] = Int32(resources.count)
                    resources.append(Resource(id: "\(res.id)@\(t)", name: res.name, unit: res.unit, kind: res.kind, limit: l[t]))
                }
            }
            if let b = me.budgets[r] {
                budgetResource[r] = Int32(resources.count)
                resources.append(Resource(id: "\(res.id)@budget", name: res.name, unit: res.unit, kind: res.kind, limit: b))
            }
        }

        // Techniques: each period's own, then storage, initial inventories, investment,
        // capital, natural stocks (after the period's techniques, so that a product's own
        // technique, not storage, carries it in the square Leontief system).
        var ids: [String] = [], capacity: [Double] = []
        var outputs = EntryBlock(), inputs = EntryBlock(), uses = EntryBlock()
        let extra = storable.count * T + capitalProducts.count * 2 * T + S * (T + 1)
        ids.reserveCapacity(m * T + extra)
        capacity.reserveCapacity(m * T + extra)
        outputs.reserve(rows: m * T + extra, entries: tt.outputs.entryCount * T + extra)
        inputs.reserve(rows: m * T + extra, entries: (tt.inputs.entryCount + me.capitalUse.entryCount + me.extraction.entryCount) * T + extra)
        uses.reserve(rows: m * T + extra, entries: tt.resources.entryCount * T * 2)
        var idx: [Int32] = [], amt: [Double] = []
        for t in 0..<T {
            let base = Int32(t * n)
            for j in 0..<m {
                idx.removeAll(keepingCapacity: true); amt.removeAll(keepingCapacity: true)
                for q in tt.outputs.range(j) { idx.append(base + tt.outputs.index[q]); amt.append(tt.outputs.amount[q]) }
                outputs.appendRow(indices: idx, amounts: amt)
                idx.removeAll(keepingCapacity: true); amt.removeAll(keepingCapacity: true)
                for q in tt.inputs.range(j) { idx.append(base + tt.inputs.index[q]); amt.append(tt.inputs.amount[q]) }
                for q in me.capitalUse.range(j) {
                    idx.append(service[capitalPosition[Int(me.capitalUse.index[q])]][t]); amt.append(me.capitalUse.amount[q])
                }
                for q in me.extraction.range(j) { idx.append(standing[Int(me.extraction.index[q])][t]); amt.append(me.extraction.amount[q]) }
                inputs.appendRow(indices: idx, amounts: amt)
                idx.removeAll(keepingCapacity: true); amt.removeAll(keepingCapacity: true)
                for q in tt.resources.range(j) {
                    let r = Int(tt.resources.index[q])
                    if limitResource[r][t] >= 0 { idx.append(limitResource[r][t]); amt.append(tt.resources.amount[q]) }
                    if budgetResource[r] >= 0 { idx.append(budgetResource[r]); amt.append(tt.resources.amount[q]) }
                }
                uses.appendRow(indices: idx, amounts: amt)
                ids.append("\(tt.ids[j])@\(t)")
                capacity.append(me.capacities[j]?[t] ?? .infinity)
            }
        }
        func technique(_ id: String, out: [Entry], in ins: [Entry] = [], cap: Double = .infinity) -> Int32 {
            outputs.appendRow(out)
            inputs.appendRow(ins)
            uses.appendRow([])
            ids.append(id)
            capacity.append(cap)
            return Int32(ids.count - 1)
        }
        var store: [[Int32]] = []
        for i in storable {
            let c = me.storage[i]!.carryover, id = e.products[i].id
            store.append((0..<max(0, T - 1)).map { t in
                technique("store:\(id)@\(t)", out: [Entry(Int32((t + 1) * n + i), c)], in: [Entry(Int32(t * n + i), 1)])
            })
        }
        for i in storable {
            let s = me.storage[i]!
            _ = technique("initial:\(e.products[i].id)", out: [Entry(Int32(i), 1)], cap: s.carryover * s.initial)
        }
        var invest: [[Int32]] = [], hold: [[Int32]] = []
        for (k, i) in capitalProducts.enumerated() {
            let c = me.capital[i]!, id = e.products[i].id
            invest.append((0..<max(0, T - 1)).map { t in
                technique("invest:\(id)@\(t)", out: [Entry(capitalInPlace[k][t], 1)], in: [Entry(Int32(t * n + i), 1)])
            })
            hold.append((0..<T).map { t in
                var out = [Entry(service[k][t], 1)]
                if t + 1 < T && c.depreciation < 1 { out.append(Entry(capitalInPlace[k][t], 1 - c.depreciation)) }
                return t == 0 ? technique("hold:\(id)@0", out: out, cap: c.initial)
                    : technique("hold:\(id)@\(t)", out: out, in: [Entry(capitalInPlace[k][t - 1], 1)])
            })
        }
        for (s, st) in me.stocks.enumerated() {
            let grow = 1 + st.regeneration, cc = st.carryingCapacity ?? .infinity
            _ = technique("initial:\(st.id)", out: [Entry(standing[s][0], 1)], cap: grow * st.initial)
            for t in 0..<T {
                if t + 1 < T {
                    _ = technique("stand:\(st.id)@\(t)", out: [Entry(standing[s][t + 1], grow)], in: [Entry(standing[s][t], 1)], cap: cc)
                } else if final[s] >= 0 {
                    _ = technique("stand:\(st.id)@\(t)", out: [Entry(final[s], 1)], in: [Entry(standing[s][t], 1)], cap: cc)
                }
            }
        }

        let needs = TimeExpansion.needs(me, final: final)
        let table = TechniqueTable(ids: ids, capacity: capacity, outputs: outputs, inputs: inputs, resources: uses)
        economy = Economy(name: e.name, products: products, resources: resources, techniques: table, needs: needs)
        self.store = store
        self.invest = invest
        self.hold = hold
        self.service = service
        self.capitalInPlace = capitalInPlace
        self.standing = standing
        self.final = final
        self.limitResource = limitResource
        self.budgetResource = budgetResource
    }

    /// This expansion for another economy of the same shape and coefficients — the next window
    /// of a rollout, which differs in needs, limits, budgets, capacities and the state it starts
    /// from — with only those numbers replaced: no ids are formatted or hashed again (that was
    /// half of a warm re-plan's time at 300 products × 5 periods). Nil when anything else differs.
    public func renewed(for me: MultiPeriodEconomy) -> TimeExpansion? {
        let old = source, e = me.economy, oe = old.economy
        let T = me.periods, n = e.productCount, m = e.techniqueCount
        func same(_ a: EntryBlock, _ b: EntryBlock) -> Bool { a.start == b.start && a.index == b.index && a.amount == b.amount }
        guard T == old.periods, n == oe.productCount, m == oe.techniqueCount, e.resourceCount == oe.resourceCount,
              me.stocks.count == old.stocks.count,
              e.products.elementsEqual(oe.products, by: { $0.id == $1.id }), e.resources.elementsEqual(oe.resources, by: { $0.id == $1.id }),
              zip(me.storage, old.storage).allSatisfy({ ($0?.carryover, $0 == nil) == ($1?.carryover, $1 == nil) }),
              zip(me.capital, old.capital).allSatisfy({ ($0?.depreciation, $0 == nil) == ($1?.depreciation, $1 == nil) }),
              zip(me.stocks, old.stocks).allSatisfy({ $0.id == $1.id && $0.regeneration == $1.regeneration && $0.carryingCapacity == $1.carryingCapacity
                                                        && (($0.minimumFinal ?? 0) > 0) == (($1.minimumFinal ?? 0) > 0) }),
              zip(me.limits, old.limits).allSatisfy({ ($0 == nil) == ($1 == nil) }),
              zip(me.budgets, old.budgets).allSatisfy({ ($0 == nil) == ($1 == nil) }),
              same(e.techniques.outputs, oe.techniques.outputs), same(e.techniques.inputs, oe.techniques.inputs),
              same(e.techniques.resources, oe.techniques.resources),
              same(me.capitalUse, old.capitalUse), same(me.extraction, old.extraction)
        else { return nil }
        // Capacities: each period's techniques, initial inventories, capital in place at the start
        // and the standing stock at the start; storage, investment and stands keep theirs.
        var capacity = economy.techniques.capacity
        for t in 0..<T { for j in 0..<m { capacity[t * m + j] = me.capacities[j]?[t] ?? .infinity } }
        for i in storable {
            guard let j = economy.techniqueIndex(of: "initial:\(e.products[i].id)") else { return nil }
            capacity[j] = me.storage[i]!.carryover * me.storage[i]!.initial
        }
        for (k, i) in capitalProducts.enumerated() { capacity[Int(hold[k][0])] = me.capital[i]!.initial }
        for st in me.stocks {
            guard let j = economy.techniqueIndex(of: "initial:\(st.id)") else { return nil }
            capacity[j] = (1 + st.regeneration) * st.initial
        }
        var limits = economy.resources.map(\.limit)
        for r in 0..<e.resourceCount {
            if let l = me.limits[r] { for t in 0..<T { limits[Int(limitResource[r][t])] = l[t] } }
            if let b = me.budgets[r] { limits[Int(budgetResource[r])] = b }
        }
        let needs = TimeExpansion.needs(me, final: final)
        var renewed = self
        renewed.source = me
        renewed.economy = economy.renumbered(limits: limits, capacity: capacity, needs: needs)
        return renewed
    }

    /// The needs of the expanded economy: each period's, and the final-stock targets as
    /// guaranteed needs of the `final:s` products.
    static func needs(_ me: MultiPeriodEconomy, final: [Int32]) -> [Need] {
        let T = me.periods, n = me.productCount
        var needs: [Need] = []
        for need in me.needs {
            for t in 0..<T where need.amount[t] != 0 {
                needs.append(Need(product: Int32(t * n) + need.product, amount: need.amount[t], guaranteed: need.guaranteed))
            }
        }
        for (s, st) in me.stocks.enumerated() where final[s] >= 0 {
            needs.append(Need(product: final[s], amount: st.minimumFinal!, guaranteed: true))
        }
        return needs
    }

    /// The plan over time read off a plan of the expanded economy: activities, inventories,
    /// investments, λ and every valuation; capital and natural stocks, flows and uses by the
    /// economy's own recursions, and the certificate computed against the v2 economy.
    public func plan(from p: Plan) -> MultiPeriodPlan {
        let me = source, e = me.economy
        let T = me.periods, n = e.productCount, m = e.techniqueCount
        var plan = MultiPeriodPlan(economy: me, status: .stopped, message: "")
        plan.fulfilment = p.fulfilment
        let x = p.activities, y = p.productValuation, w = p.resourceValuation
        func v(_ a: [Double], _ k: Int32) -> Double { k >= 0 && Int(k) < a.count ? max(0, a[Int(k)]) : 0 }
        for t in 0..<T {
            for j in 0..<m { plan.activities[t][j] = max(0, x[t * m + j]) }
            for i in 0..<n { plan.productValuation[t][i] = v(y, Int32(t * n + i)) }
            for r in 0..<e.resourceCount { plan.resourceValuation[t][r] = v(w, limitResource[r][t]) }
        }
        for (k, i) in storable.enumerated() {
            for t in 0..<max(0, T - 1) { plan.inventory[t][i] = v(x, store[k][t]) }
        }
        for (k, i) in capitalProducts.enumerated() {
            for t in 0..<T {
                plan.capitalValuation[t][i] = v(y, service[k][t])
                if t + 1 < T {
                    plan.investment[t][i] = v(x, invest[k][t])
                    plan.investmentValuation[t][i] = v(y, capitalInPlace[k][t])
                }
            }
        }
        for s in 0..<me.stocks.count {
            for t in 0..<T { plan.stockValuation[t][s] = v(y, standing[s][t]) }
            plan.targetValuation[s] = v(y, final[s])
        }
        for r in 0..<e.resourceCount { plan.budgetValuation[r] = v(w, budgetResource[r]) }
        MultiPeriodPlanner.fillFlows(&plan, me)
        plan.certificate = MultiPeriodCertificate(economy: me, plan: plan)
        return plan
    }
}
