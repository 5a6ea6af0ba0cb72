import SyncoModel

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
    static func lowered(_ p: FulfilmentNeeds, activities x: [Double], valuations y: [Double],
                        passes: Int = 200, capacityTolerance: Double = 1e-9) -> (valuations: [Double], sweeps: Double)? {
        let e = p.economy, t = e.techniques
        let n = e.productCount, m = e.techniqueCount
        var price = (0..<n).map { max(0, y[$0]) }
        // The valuation of each technique's resource use, fixed while products are lowered.
        var resourceCost = [Double](repeating: 0, count: m)
        var rv = [Double](repeating: 0, count: e.resourceCount)
        for (k, r) in p.limitedResources.enumerated() { rv[r] = max(0, y[n + k]) }
        var free = [Bool](repeating: false, count: m)
        for j in 0..<m {
            var c = 0.0
            for q in t.resources.range(j) { c += rv[Int(t.resources.index[q])] * t.resources.amount[q] }
            resourceCost[j] = c
            let cap = t.capacity[j]
            free[j] = !(cap.isFinite && x[j] >= cap - capacityTolerance * (1 + cap))
        }
        let outStart = t.outputs.start, outIndex = t.outputs.index, outAmount = t.outputs.amount
        let inStart = t.inputs.start, inIndex = t.inputs.index, inAmount = t.inputs.amount
        // The techniques that use each product: lowering a product's valuation can only make
        // those pay, so only they are looked at again.
        var userStart = [Int](repeating: 0, count: n + 1)
        for j in 0..<m where free[j] { for q in inStart[j]..<inStart[j + 1] { userStart[Int(inIndex[q]) + 1] += 1 } }
        for i in 0..<n { userStart[i + 1] += userStart[i] }
        var users = [Int32](repeating: 0, count: userStart[n])
        var fill = userStart
        for j in 0..<m where free[j] {
            for q in inStart[j]..<inStart[j + 1] {
                let i = Int(inIndex[q])
                users[fill[i]] = Int32(j)
                fill[i] += 1
            }
        }
        // A first-in-first-out work list of techniques to look at, each at most once in it; in a
        // time-expanded economy the periods come in order, so the first pass settles chains
        // through storage and investment in order too.
        var queue = [Int32](repeating: 0, count: m)
        var queued = [Bool](repeating: false, count: m)
        var head = 0, count = 0
        for j in 0..<m where free[j] {
            queue[count] = Int32(j)
            queued[j] = true
            count += 1
        }
        var looks = 0
        let budget = passes * max(1, count)
        let found: Bool = price.withUnsafeMutableBufferPointer { y in
            while count > 0 {
                if looks >= budget { return false }
                looks += 1
                let j = Int(queue[head])
                head = head + 1 == m ? 0 : head + 1
                count -= 1
                queued[j] = false
                var revenue = 0.0, cost = resourceCost[j]
                for q in outStart[j]..<outStart[j + 1] { revenue += y[Int(outIndex[q])] * outAmount[q] }
                guard revenue > 0 else { continue }
                for q in inStart[j]..<inStart[j + 1] { cost += y[Int(inIndex[q])] * inAmount[q] }
                // Profits within rounding of the revenue are left alone: lowering by them would
                // only chase the last bit.
                guard revenue - cost > 1e-14 * revenue else { continue }
                let f = max(0, cost) / revenue
                for q in outStart[j]..<outStart[j + 1] where outAmount[q] > 0 {
                    let i = Int(outIndex[q])
                    y[i] *= f
                    for u in userStart[i]..<userStart[i + 1] {
                        let k = Int(users[u])
                        if !queued[k] {
                            queued[k] = true
                            queue[(head + count) % m] = Int32(k)
                            count += 1
                        }
                    }
                }
            }
            return true
        }
        let sweeps = Double(looks) / Double(max(1, m))
        guard found else { return nil }
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
}
