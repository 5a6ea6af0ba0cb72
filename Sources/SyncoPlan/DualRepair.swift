import SyncoModel
import SyncoSparse

/// Valuations made dual feasible by lowering product valuations only.
///
/// At a degenerate vertex the basis' valuations can leave some techniques below their capacity
/// earning a tiny profit (revenue of their outputs above the valuation of their inputs and
/// resources). Those are real dual infeasibilities: a certificate has to charge them over
/// everything the technique could run, which at 10 periods × 10^4 products is 100 times the
/// tolerance although the profits are 10⁻¹¹ per unit (docs/multiperiod.md).
///
/// With the resource valuations w kept, the valuations y of the products are lowered until no
/// technique below its capacity earns: a technique whose outputs are worth more than its costs
/// scales the valuations of its outputs down by cost/revenue (for a single output, the output's
/// valuation becomes its cost of production by that technique). Each step only lowers y, and
/// costs only fall with y, so the sweeps decrease monotonically towards the largest valuations
/// at or below the given ones that no uncapped technique beats — cost-of-production valuations
/// under the cheapest technique, the dual counterpart of policy iteration. Techniques at their
/// capacity keep their profit: it is the capacity's rent, which every feasible plan earns at most
/// up to the capacity. Near a dual optimum the valuations move by about the size of the
/// profits; the result is only a proposal, which the caller's certificate checks like any other.
enum DualRepair {
    /// The lowered valuations in the layout of the fulfilment duals (products, then the limited
    /// resources) and the work it took in sweeps over the techniques, or nil when `passes`
    /// sweeps' worth of looks at single techniques do not remove every profit.
    /// A technique counts as at capacity when its activity is within `capacityTolerance` of it
    /// (relative to 1 + capacity).
    /// `program`, the fulfilment LP's matrix K when it is built (products' rows first, techniques'
    /// columns, then λ's), lists the techniques using each product: its negative entries (a
    /// technique that nets out more of a product than it uses only loses by its fall). Without it
    /// that list is built here (0.1 s at realistic 10^6).
    static func lowered(_ p: FulfilmentNeeds, activities x: [Double], valuations y: [Double],
                        passes: Int = 200, capacityTolerance: Double = 1e-9, program: CSRMatrix? = nil) -> (valuations: [Double], sweeps: Double)? {
        let e = p.economy, t = e.techniques
        let n = e.productCount, m = e.techniqueCount
        var price = (0..<n).map { max(0, y[$0]) }
        var rv = [Double](repeating: 0, count: e.resourceCount)
        for (k, r) in p.limitedResources.enumerated() { rv[r] = max(0, y[n + k]) }
        // The valuation of each technique's resource use, fixed while products are lowered, and
        // its state: 0 at its capacity (it keeps its profit, the capacity's rent), 1 below it,
        // 2 below it and earning at the given valuations. One pass over all techniques, on both
        // cores (at realistic 10^6 it was a third of the repair's 0.6 s, one technique at a time).
        var resourceCost = [Double](repeating: 0, count: m)
        var state = [UInt8](repeating: 0, count: m)
        withViews(t.outputs, t.inputs, t.resources) { out, inp, res in
            rv.withUnsafeBufferPointer { rvp in
            price.withUnsafeBufferPointer { yp in
            x.withUnsafeBufferPointer { xp in
            t.capacity.withUnsafeBufferPointer { cp in
            resourceCost.withUnsafeMutableBufferPointer { rcp in
            state.withUnsafeMutableBufferPointer { sp in
                let rvs = SharedBuffer(rvp), ys = SharedBuffer(yp), xs = SharedBuffer(xp), cs = SharedBuffer(cp)
                let rcs = SharedMutableBuffer(rcp), ss = SharedMutableBuffer(sp)
                let parts = 4 * Parallelism.threads
                Parallelism.run(parts: parts, parallel: m >= 50_000) { part in
                    let rv = rvs.base, y = ys.base, x = xs.base, cap = cs.base
                    for j in (m * part / parts)..<(m * (part + 1) / parts) {
                        var c = 0.0
                        for q in res.start.base[j]..<res.start.base[j + 1] { c += rv[Int(res.index.base[q])] * res.amount.base[q] }
                        rcs.base[j] = c
                        if cap[j].isFinite && x[j] >= cap[j] - capacityTolerance * (1 + cap[j]) { ss.base[j] = 0; continue }
                        var revenue = 0.0
                        for q in out.start.base[j]..<out.start.base[j + 1] { revenue += y[Int(out.index.base[q])] * out.amount.base[q] }
                        var earning = false
                        if revenue > 0 {
                            var cost = c
                            for q in inp.start.base[j]..<inp.start.base[j + 1] { cost += y[Int(inp.index.base[q])] * inp.amount.base[q] }
                            earning = revenue - cost > 1e-14 * revenue
                        }
                        ss.base[j] = earning ? 2 : 1
                    }
                }
            }}}}}}
        }
        var free = 0
        var queue = [Int32](repeating: 0, count: m)
        var queued = [Bool](repeating: false, count: m)
        var count = 0
        for j in 0..<m where state[j] != 0 {
            free += 1
            if state[j] == 2 {
                queue[count] = Int32(j)
                queued[j] = true
                count += 1
            }
        }
        // The first pass looked at every technique below its capacity once.
        var looks = free
        if count > 0 {
            // The techniques that use each product: lowering a product's valuation can only make
            // those pay, so only they are looked at again.
            var userStart = [Int](repeating: 0, count: n + 1)
            var users: [Int32] = []
            var userSign: [Double] = []
            // From K: its rows' negative entries, techniques at their capacity among them (their
            // state says so below).
            if let k = program, k.rows >= n, k.columns == m + 1 {
                userStart = k.rowStart  // its first n + 1 entries: the products' rows
                users = k.colIndex
                userSign = k.values
            }
            withViews(t.outputs, t.inputs, t.resources) { out, inp, _ in
                let inStart = inp.start.base, inIndex = inp.index.base
                if userSign.isEmpty {
                    userStart.withUnsafeMutableBufferPointer { us in
                        for j in 0..<m where state[j] != 0 { for q in inStart[j]..<inStart[j + 1] { us[Int(inIndex[q]) + 1] += 1 } }
                        for i in 0..<n { us[i + 1] += us[i] }
                    }
                    users = [Int32](repeating: 0, count: userStart[n])
                    var fill = userStart
                    users.withUnsafeMutableBufferPointer { up in
                        fill.withUnsafeMutableBufferPointer { fp in
                            for j in 0..<m where state[j] != 0 {
                                for q in inStart[j]..<inStart[j + 1] {
                                    let i = Int(inIndex[q])
                                    up[fp[i]] = Int32(j)
                                    fp[i] += 1
                                }
                            }
                        }
                    }
                }
                // A first-in-first-out work list of techniques to look at, each at most once in
                // it, in index order at first: in a time-expanded economy the periods come in
                // order, so chains through storage and investment settle in order too.
                let budget = passes * max(1, free)
                var head = 0
                price.withUnsafeMutableBufferPointer { y in
                resourceCost.withUnsafeBufferPointer { rc in
                queue.withUnsafeMutableBufferPointer { qu in
                queued.withUnsafeMutableBufferPointer { qd in
                userStart.withUnsafeBufferPointer { us in
                users.withUnsafeBufferPointer { ub in
                userSign.withUnsafeBufferPointer { sg in
                state.withUnsafeBufferPointer { st in
                    let signed = !sg.isEmpty
                    let outStart = out.start.base, outIndex = out.index.base, outAmount = out.amount.base
                    let inAmount = inp.amount.base
                    while count > 0 {
                        if looks >= budget { return }
                        looks += 1
                        let j = Int(qu[head])
                        head = head + 1 == m ? 0 : head + 1
                        count -= 1
                        qd[j] = false
                        var revenue = 0.0, cost = rc[j]
                        for q in outStart[j]..<outStart[j + 1] { revenue += y[Int(outIndex[q])] * outAmount[q] }
                        guard revenue > 0 else { continue }
                        for q in inStart[j]..<inStart[j + 1] { cost += y[Int(inIndex[q])] * inAmount[q] }
                        // Profits within rounding of the revenue are left alone: lowering by them
                        // would only chase the last bit.
                        guard revenue - cost > 1e-14 * revenue else { continue }
                        let f = max(0, cost) / revenue
                        for q in outStart[j]..<outStart[j + 1] where outAmount[q] > 0 {
                            let i = Int(outIndex[q])
                            y[i] *= f
                            for u in us[i]..<us[i + 1] {
                                let k = Int(ub[u])
                                if signed && (sg[u] >= 0 || k >= m || st[k] == 0) { continue }
                                if !qd[k] {
                                    qd[k] = true
                                    qu[(head + count) % m] = Int32(k)
                                    count += 1
                                }
                            }
                        }
                    }
                }}}}}}}}
            }
        }
        let sweeps = Double(looks) / Double(max(1, m))
        guard count == 0 else { return nil }
        // Lower valuations of the needs also lower the λ column's Σ o·y below 1: all valuations,
        // resources' too, are scaled back up to it (dual feasibility is homogeneous).
        var oy = 0.0
        for i in 0..<n where p.other[i] != 0 { oy += p.other[i] * price[i] }
        let scale = oy > 0 && oy < 1 ? 1 / oy : 1
        var out = y
        for i in 0..<n { out[i] = price[i] * scale }
        for k in p.limitedResources.indices { out[n + k] = max(0, y[n + k]) * scale }
        return (out, sweeps)
    }

    /// An entry block's arrays as buffers the worker threads may read.
    struct BlockView: Sendable {
        let start: SharedBuffer<Int>
        let index: SharedBuffer<Int32>
        let amount: SharedBuffer<Double>
    }

    private static func withViews<R>(_ a: EntryBlock, _ b: EntryBlock, _ c: EntryBlock, _ body: (BlockView, BlockView, BlockView) -> R) -> R {
        func view<T>(_ e: EntryBlock, _ body: (BlockView) -> T) -> T {
            e.start.withUnsafeBufferPointer { s in
                e.index.withUnsafeBufferPointer { i in
                    e.amount.withUnsafeBufferPointer { v in body(BlockView(start: SharedBuffer(s), index: SharedBuffer(i), amount: SharedBuffer(v))) }
                }
            }
        }
        return view(a) { va in view(b) { vb in view(c) { vc in body(va, vb, vc) } } }
    }
}
