import SyncoModel
import SyncoSparse

/// An independent check of a fulfilment plan against the economy itself — it reads the
/// technique table directly and shares no code with the LP builder or the solver.
///
/// With the plan's activities x, fulfilment λ, product valuations y ≥ 0 and resource
/// valuations w ≥ 0 (duals of: net output ≥ g + λ·o, use ≤ L), it computes
/// - the primal residual: ‖(shortfall of every product, excess of every limit)‖₂ relative to
///   1 + ‖(g, L)‖₂, plus the largest bound violation (x < 0 or x > capacity);
/// - the dual residual: for every uncapped technique, the positive part of its reduced profit
///   Σ_i y_i(out_it − in_it) − Σ_k w_k r_kt, and for λ the positive part of 1 − Σ_i y_i o_i,
///   relative to 1 + ‖c‖₂ = 2; capped techniques absorb a positive profit in their capacity dual;
/// - the gap between λ and a *proven* upper bound on the optimal λ, relative to 1 + |λ| + |bound|:
///   the valuations are first rescaled so that Σ y_i o_i = 1 (the λ column's dual constraint
///   holds exactly) and repaired: each technique's positive reduced profit is charged to its
///   capacity or to a limited resource it uses (raising that valuation by θ_k = max profit/r_kt);
///   weak duality then gives λ* ≤ −gᵀy + (w + θ)ᵀL + Σ charged cap_t·profit_t (∞ if a
///   technique with positive profit has neither). A second charge replaces the last two terms
///   when it is smaller: the paying techniques, each at most its capacity and limits allow,
///   share one limited resource as a fractional knapsack, the others at their bounds
///   (`sharedLimitCharge`, the cheapest resource). This makes the gap independent of the units the
///   economy is measured in: a plan is only called optimal when λ is provably within the gap
///   of the best possible λ;
/// - the largest violation of a single row relative to its own size (`maxRowViolation`): a
///   product's shortfall against g + λ·o (or below zero) relative to the larger of that
///   requirement and the product's throughput (all it is made and used), a resource's excess over its limit
///   relative to the limit. The norms above are the solver's criteria (PDLP's); with 10^6
///   products and a few large limits they can hide a handful of rows that are far off, so this
///   is reported beside them (it does not decide `passes`).
public struct PlanCertificate: Sendable, Hashable {
    public var primalResidual: Double
    public var dualResidual: Double
    public var gap: Double
    public var maxBoundViolation: Double
    public var dualBound: Double
    /// The largest violation of one need or limit relative to its own size (see above).
    public var maxRowViolation: Double = 0

    public init(primalResidual: Double, dualResidual: Double, gap: Double, maxBoundViolation: Double, dualBound: Double) {
        self.primalResidual = primalResidual
        self.dualResidual = dualResidual
        self.gap = gap
        self.maxBoundViolation = maxBoundViolation
        self.dualBound = dualBound
    }

    public func passes(_ tolerance: Double) -> Bool {
        primalFeasible(tolerance) && dualResidual <= tolerance && gap <= tolerance
    }

    /// The plan keeps its rows and bounds within the tolerance (whatever its valuations say).
    public func primalFeasible(_ tolerance: Double) -> Bool {
        primalResidual <= tolerance && maxBoundViolation <= tolerance
    }

    public init(economy e: Economy, activities x: [Double], fulfilment lambda: Double,
                productValuation y: [Double], resourceValuation w: [Double], lambdaCap: Double = .infinity) {
        var net: [Double] = [], use: [Double] = []
        self.init(economy: e, activities: x, fulfilment: lambda, productValuation: y, resourceValuation: w,
                  lambdaCap: lambdaCap, net: &net, use: &use)
    }

    /// The certificate, handing back the net output per product and the use per resource of
    /// the activities (`Planner.flows`), which it computes on the way: the plan needs them too,
    /// and at 10^5 products another pass over the technique table costs a few milliseconds.
    init(economy e: Economy, activities x: [Double], fulfilment lambda: Double,
         productValuation y: [Double], resourceValuation w: [Double], lambdaCap: Double = .infinity,
         net netOut: inout [Double], use useOut: inout [Double]) {
        let n = e.productCount
        let t = e.techniques
        var g = [Double](repeating: 0, count: n), o = [Double](repeating: 0, count: n)
        for need in e.needs {
            if need.guaranteed { g[Int(need.product)] += need.amount } else { o[Int(need.product)] += need.amount }
        }
        var oyRaw = 0.0
        for i in 0..<n { oyRaw += o[i] * max(0, y[i]) }
        // Rescale the valuations so the λ column's dual constraint Σ y_i o_i ≥ 1 holds.
        let rescale = lambdaCap.isFinite || oyRaw <= 0 ? 1.0 : 1 / oyRaw
        // The pass over the technique table, in two halves on both cores when it is large
        // (each half its own sums, merged below; see `TechniquePass`).
        let m = t.count
        let halves = (t.inputs.entryCount + m) >= Parallelism.minimumParallelWork ? 2 : 1
        var passes = [TechniquePass](repeating: TechniquePass(), count: halves)
        passes.withUnsafeMutableBufferPointer { pp in
            let ps = SharedMutableBuffer(pp)
            Parallelism.run(parts: halves, parallel: halves > 1) { h in
                ps.base[h] = TechniquePass(e, activities: x, productValuation: y, resourceValuation: w, rescale: rescale,
                                           techniques: (m * h / halves)..<(m * (h + 1) / halves))
            }
        }
        var net = passes[0].net, use = passes[0].use, theta = passes[0].theta
        var bv = passes[0].boundViolation, dualViolation = passes[0].dualViolation, boundTerm = passes[0].boundTerm
        var paying = passes[0].paying
        passes[0].net = []
        for h in 1..<halves {
            let q = passes[h]
            for k in 0..<e.resourceCount { use[k] += q.use[k]; theta[k] = max(theta[k], q.theta[k]) }
            bv = max(bv, q.boundViolation)
            dualViolation += q.dualViolation
            boundTerm += q.boundTerm
            paying += q.paying
        }
        // The other halves' net outputs merged into the first's, and the product rows' sums,
        // in one loop over raw buffers.
        var pr = 0.0, bn = 0.0, gy = 0.0, oy = 0.0, dy = 0.0
        var short = false
        let others = passes.dropFirst().map(\.net)
        net.withUnsafeMutableBufferPointer { np in
        g.withUnsafeBufferPointer { gp in
        o.withUnsafeBufferPointer { op in
        y.withUnsafeBufferPointer { yp in
            for q in others {
                q.withUnsafeBufferPointer { qp in for i in 0..<n { np[i] += qp[i] } }
            }
            for i in 0..<n {
                let gi = gp[i], oi = op[i], yi = yp[i]
                let s = max(0, gi + lambda * oi - np[i])
                if s > 0 { short = true }
                pr += s * s
                bn += gi * gi
                gy += gi * yi
                oy += oi * yi
                if yi < 0 { dy += yi * yi }
            }
        }}}}
        dualViolation += dy
        // A product's shortfall relative to its throughput (all of it made and used): the
        // throughput is only summed when some product falls short.
        var rowViolation = 0.0
        if short {
            let flow = TechniquePass.throughput(t, activities: x, products: n)
            for i in 0..<n {
                let req = g[i] + lambda * o[i]
                let s = max(0, req - net[i])
                if s > 0 { rowViolation = max(rowViolation, s / max(abs(req), flow[i], 1e-300)) }
            }
        }
        var lw = 0.0
        for (k, r) in e.resources.enumerated() {
            if let l = r.limit {
                let s = max(0, use[k] - l)
                if s > 0 { rowViolation = max(rowViolation, s / max(l, 1e-300)) }
                pr += s * s
                bn += l * l
                lw += l * w[k]
                if w[k] < 0 { dualViolation += w[k] * w[k] }
            } else if w[k] != 0 {
                dualViolation += w[k] * w[k]
            }
        }
        // λ column: objective coefficient 1, dual constraint Σ y_i o_i ≥ 1 unless λ is capped.
        // A capped λ absorbs a positive profit in its bound instead.
        let lambdaProfit = 1 - oy
        if lambdaProfit > 0 && !lambdaCap.isFinite { dualViolation += lambdaProfit * lambdaProfit }
        if lambda < 0 { bv = max(bv, -lambda) }
        let lambdaTerm = lambdaCap.isFinite ? max(0, lambdaProfit) * lambdaCap : 0
        // Two valid charges for the positive profits; the smaller one counts.
        let greedy = boundTerm + e.resources.indices.reduce(0.0) { $0 + theta[$1] * (e.resources[$1].limit ?? 0) }
        let shared = PlanCertificate.sharedLimitCharge(t, paying: paying, resourceCount: e.resourceCount) { e.resources[$0].limit }
        let bound = rescale == 1 && !lambdaCap.isFinite && oy < 1 ? Double.infinity
            : (-gy + lw) * rescale + min(greedy, shared) + lambdaTerm
        primalResidual = pr.squareRoot() / (1 + bn.squareRoot())
        dualResidual = dualViolation.squareRoot() / 2
        gap = bound.isFinite ? abs(lambda - bound) / (1 + abs(lambda) + abs(bound)) : .infinity
        maxBoundViolation = bv
        dualBound = bound
        maxRowViolation = rowViolation
        netOut = net
        useOut = use
    }
}

extension PlanCertificate {
    /// An upper bound on Σ_j p_j·x_j over the activities x of every feasible plan, for the
    /// techniques `paying` (profit p_j > 0), each at most its a-priori bound u_j (capacity,
    /// limits): activities using a limited resource share its limit (all resource coefficients
    /// are ≥ 0). For each such resource, those using it are a fractional knapsack (best profit
    /// per unit of the resource first, each using at most u_j·r_j of it) and the others are
    /// charged p_j·u_j; the smallest of these sums and of the plain Σ p_j·u_j is returned
    /// (infinite when a paying technique without a bound uses no limited resource).
    static func sharedLimitCharge(_ t: TechniqueTable, paying: [(technique: Int, profit: Double, bound: Double)],
                                  resourceCount R: Int, limit: (Int) -> Double?) -> Double {
        guard !paying.isEmpty else { return 0 }
        var plain = 0.0
        for p in paying { plain += p.profit * p.bound }
        var best = plain
        // Per limited resource: (profit per unit of it, units the technique can use) of the
        // paying techniques that use it; and the charge at their bounds of those that do not.
        var items = [[(rate: Double, room: Double)]](repeating: [], count: R)
        var outside = [Double](repeating: 0, count: R)
        var amount = [Double](repeating: 0, count: R)
        var uses = [Bool](repeating: false, count: R)
        for p in paying {
            let j = p.technique
            for q in t.resources.range(j) { amount[Int(t.resources.index[q])] += t.resources.amount[q] }
            for q in t.resources.range(j) {
                let r = Int(t.resources.index[q]), a = amount[r]
                amount[r] = 0
                guard a > 0, limit(r) != nil else { continue }
                items[r].append((p.profit / a, p.bound * a))
                uses[r] = true
            }
            for r in 0..<R {
                if !uses[r] { outside[r] += p.profit * p.bound }
                uses[r] = false
            }
        }
        for r in 0..<R {
            guard let l = limit(r), !items[r].isEmpty else { continue }
            best = min(best, outside[r] + PlanCertificate.fractionalKnapsack(&items[r], capacity: l))
        }
        return best
    }

    /// The value of the fractional knapsack: items (value per unit, units available), filled in
    /// order of value per unit up to `capacity`. By weighted selection (partitions around a
    /// pivot, keeping the side where the capacity runs out), average time linear in the items:
    /// the certificate's knapsacks can hold every technique of a large economy. Reorders `items`.
    static func fractionalKnapsack(_ items: inout [(rate: Double, room: Double)], capacity: Double) -> Double {
        var lo = 0, hi = items.count
        var left = capacity, value = 0.0
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        while lo < hi && left > 0 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pivot = items[lo + Int((seed >> 33) % UInt64(hi - lo))].rate
            // [lo, a): rate > pivot; [a, b): rate == pivot; [b, hi): rate < pivot.
            var a = lo, b = lo, c = hi
            while b < c {
                let r = items[b].rate
                if r > pivot { items.swapAt(a, b); a += 1; b += 1 } else if r < pivot { c -= 1; items.swapAt(b, c) } else { b += 1 }
            }
            var room = 0.0, worth = 0.0
            for q in lo..<a { room += items[q].room; worth += items[q].rate * items[q].room }
            if room >= left { hi = a; continue }
            value += worth
            left -= room
            var equal = 0.0
            for q in a..<b { equal += items[q].room }
            value += pivot * min(left, equal)
            left -= min(left, equal)
            lo = b
        }
        return value
    }
}

/// One pass of the certificate over a range of the technique table: net output and resource
/// use of the activities; the largest bound violation; the reduced profits'
/// dual violation; and their charges (each paying technique's profit charged to its capacity
/// or to the limited resource that absorbs it most cheaply, θ_k = max profit/r_kt). The
/// halves of a large table run on both cores and are merged: sums added, θ as the larger of
/// the two (every technique charged to k then has profit/r ≤ θ_k, so the charge stays an
/// upper bound), the paying techniques in order.
struct TechniquePass: Sendable {
    var net: [Double] = []
    var use: [Double] = []
    var theta: [Double] = []
    var boundViolation = 0.0
    var dualViolation = 0.0
    var boundTerm = 0.0
    var paying: [(technique: Int, profit: Double, bound: Double)] = []

    init() {}

    init(_ e: Economy, activities x: [Double], productValuation y: [Double], resourceValuation w: [Double],
         rescale: Double, techniques range: Range<Int>) {
        let n = e.productCount
        let t = e.techniques
        var net = [Double](repeating: 0, count: n)
        var use = [Double](repeating: 0, count: e.resourceCount)
        var theta = [Double](repeating: 0, count: e.resourceCount)
        var bv = 0.0
        var dualViolation = 0.0
        var boundTerm = 0.0
        var paying: [(technique: Int, profit: Double, bound: Double)] = []
        // The hot loop reads the table through raw buffers (no bounds checks, no retains);
        // the rare paying technique is charged by `charge` below, through the safe API.
        t.outputs.start.withUnsafeBufferPointer { os in
        t.outputs.index.withUnsafeBufferPointer { oi in
        t.outputs.amount.withUnsafeBufferPointer { oa in
        t.inputs.start.withUnsafeBufferPointer { ins in
        t.inputs.index.withUnsafeBufferPointer { ii in
        t.inputs.amount.withUnsafeBufferPointer { ia in
        t.resources.start.withUnsafeBufferPointer { rs in
        t.resources.index.withUnsafeBufferPointer { ri in
        t.resources.amount.withUnsafeBufferPointer { ra in
        t.capacity.withUnsafeBufferPointer { cp in
        x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
        w.withUnsafeBufferPointer { wp in
        net.withUnsafeMutableBufferPointer { np in
        use.withUnsafeMutableBufferPointer { up in
            for j in range {
                let xj = xp[j]
                if xj < 0 { bv = max(bv, -xj) }
                let cap = cp[j]
                if cap.isFinite && xj > cap { bv = max(bv, (xj - cap) / (1 + cap)) }
                var profit = 0.0
                for p in os[j]..<os[j + 1] {
                    let i = Int(oi[p]), a = oa[p]
                    np[i] += a * xj
                    profit += yp[i] * a
                }
                for p in ins[j]..<ins[j + 1] {
                    let i = Int(ii[p]), a = ia[p]
                    np[i] -= a * xj
                    profit -= yp[i] * a
                }
                for p in rs[j]..<rs[j + 1] {
                    let k = Int(ri[p]), a = ra[p]
                    up[k] += a * xj
                    profit -= wp[k] * a
                }
                if profit > 0 {
                    if !cap.isFinite { dualViolation += profit * profit }
                    TechniquePass.charge(e, technique: j, profit: profit * rescale, capacity: cap,
                                         theta: &theta, boundTerm: &boundTerm, paying: &paying)
                }
            }
        }}}}}}}}}}}}}}}
        self.net = net
        self.use = use
        self.theta = theta
        self.boundViolation = bv
        self.dualViolation = dualViolation
        self.boundTerm = boundTerm
        self.paying = paying
    }

    /// All of each product made and used by the activities (Σ_t |a_it·x_t| over outputs and inputs).
    static func throughput(_ t: TechniqueTable, activities x: [Double], products n: Int) -> [Double] {
        var flow = [Double](repeating: 0, count: n)
        for j in 0..<t.count where x[j] != 0 {
            for p in t.outputs.range(j) { flow[Int(t.outputs.index[p])] += abs(t.outputs.amount[p] * x[j]) }
            for p in t.inputs.range(j) { flow[Int(t.inputs.index[p])] += abs(t.inputs.amount[p] * x[j]) }
        }
        return flow
    }

    /// A paying technique's charge: to its capacity or to the limited resource that absorbs
    /// its profit most cheaply (θ_k = max profit/r_kt), and its entry for the shared charge.
    private static func charge(_ e: Economy, technique j: Int, profit pr: Double, capacity cap: Double,
                               theta: inout [Double], boundTerm: inout Double,
                               paying: inout [(technique: Int, profit: Double, bound: Double)]) {
        let t = e.techniques
        var u = cap
        for p in t.resources.range(j) where t.resources.amount[p] > 0 {
            if let l = e.resources[Int(t.resources.index[p])].limit { u = min(u, l / t.resources.amount[p]) }
        }
        paying.append((j, pr, u))
        var best = cap.isFinite ? cap * pr : Double.infinity
        var bestK = -1
        for p in t.resources.range(j) {
            let k = Int(t.resources.index[p]), a = t.resources.amount[p]
            if let l = e.resources[k].limit, a > 0, max(theta[k], pr / a) * l - theta[k] * l < best {
                best = max(theta[k], pr / a) * l - theta[k] * l
                bestK = k
            }
        }
        if bestK >= 0 { theta[bestK] = max(theta[bestK], pr / t.resources.amount[t.resources.range(j).first { Int(t.resources.index[$0]) == bestK }!]) }
        else { boundTerm += best }
    }
}
