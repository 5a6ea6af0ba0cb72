import SyncoModel

/// Which products a plan can make at all: a combinatorial presolve, exact, no solver.
///
/// A technique with capacity 0 cannot run. A product that no runnable technique makes (as its
/// product or as a by-product) and that no need supplies (a negative need) has net output
/// ≤ 0 in every plan, and its balance asks net output ≥ 0 at least — so every technique that
/// takes it as an input must run at zero too, and what only those techniques make cannot be
/// made either. The fixpoint of that argument (a worklist over the techniques' inputs) gives
/// the products no feasible plan makes, and for a guaranteed need among them a proof that the
/// guaranteed needs cannot all be met, with its causes: the capacities of 0 and the products no
/// technique makes at all that the chain of inputs goes back to.
///
/// The first-order phase 1 cannot tell: its residuals are norms over all rows, and with a
/// capacity of 0 upstream of everything (a workplace that reports it is shut) its point met
/// every guaranteed need by taking a few thousandths of a unit of the missing product — 8.6e-7
/// of the norm of the right-hand sides — so the planner went on to a `stopped` plan.
struct Producibility: Sendable {
    /// Per product: some runnable technique makes it (or a need supplies it).
    var producible: [Bool]
    /// Per technique: it can run in some plan (false: zero in every feasible plan).
    var runnable: [Bool]

    /// Nil when every product has a technique with room to run that makes it: then no
    /// technique is forced to zero and nothing needs a closer look (one pass over the
    /// outputs; the inputs' reverse index is only built when some product has none).
    static func of(_ e: Economy) -> Producibility? {
        let t = e.techniques
        var supplied = [Bool](repeating: false, count: e.productCount)
        for need in e.needs where need.amount < 0 { supplied[Int(need.product)] = true }
        let c = closure(e, allowed: (0..<t.count).filter { t.capacity[$0] > 0 }, supplied: supplied)
        guard c.pruned else { return nil }
        return Producibility(producible: (0..<e.productCount).map { c.makers[$0] > 0 || supplied[$0] }, runnable: c.runnable)
    }

    /// The fixpoint for a set of `allowed` techniques: a technique that takes an input which no
    /// runnable one makes (and no need supplies) is not runnable either, and so on (a worklist
    /// over the techniques that take each product). The runnable techniques, how many of them
    /// make each product, and whether any product had no maker at all (`pruned`: else every
    /// allowed technique is runnable, found in one pass over the outputs).
    static func closure(_ e: Economy, allowed: [Int], supplied: [Bool]? = nil) -> (runnable: [Bool], makers: [Int], pruned: Bool) {
        let n = e.productCount, t = e.techniques
        var runnable = [Bool](repeating: false, count: t.count)
        for j in allowed { runnable[j] = true }
        var makers = [Int](repeating: 0, count: n)
        for j in allowed { for q in t.outputs.range(j) where t.outputs.amount[q] > 0 { makers[Int(t.outputs.index[q])] += 1 } }
        func made(_ i: Int) -> Bool { makers[i] > 0 || (supplied?[i] ?? false) }
        var unmade = (0..<n).filter { !made($0) }
        guard !unmade.isEmpty else { return (runnable, makers, false) }
        // The allowed techniques that take each product as an input (the inputs transposed).
        var start = [Int](repeating: 0, count: n + 1)
        for j in allowed { for q in t.inputs.range(j) where t.inputs.amount[q] > 0 { start[Int(t.inputs.index[q]) + 1] += 1 } }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start
        var users = [Int32](repeating: 0, count: start[n])
        for j in allowed {
            for q in t.inputs.range(j) where t.inputs.amount[q] > 0 {
                let i = Int(t.inputs.index[q])
                users[fill[i]] = Int32(j)
                fill[i] += 1
            }
        }
        while let i = unmade.popLast() {
            for u in start[i]..<start[i + 1] {
                let j = Int(users[u])
                guard runnable[j] else { continue }
                runnable[j] = false
                for q in t.outputs.range(j) where t.outputs.amount[q] > 0 {
                    let k = Int(t.outputs.index[q])
                    makers[k] -= 1
                    if !made(k) { unmade.append(k) }
                }
            }
        }
        return (runnable, makers, true)
    }

    /// Why `products` (not producible) cannot be made: following each one's techniques back
    /// through an input that cannot be made, the techniques with capacity 0 and the products
    /// that no technique makes at all where the chains end (each at most once).
    func causes(of products: [Int], _ e: Economy) -> (capacities: [Int], unmade: [Int]) {
        let t = e.techniques
        var makersOf = [[Int32]](repeating: [], count: e.productCount)
        for j in 0..<t.count { for q in t.outputs.range(j) where t.outputs.amount[q] > 0 { makersOf[Int(t.outputs.index[q])].append(Int32(j)) } }
        var seenProduct = Set(products), seenTechnique = Set<Int>()
        var stack = products
        var capacities: [Int] = [], unmade: [Int] = []
        while let p = stack.popLast() {
            if makersOf[p].isEmpty { unmade.append(p); continue }
            for j32 in makersOf[p] {
                let j = Int(j32)
                guard seenTechnique.insert(j).inserted else { continue }
                if t.capacity[j] <= 0 { capacities.append(j); continue }
                for q in t.inputs.range(j) where t.inputs.amount[q] > 0 {
                    let i = Int(t.inputs.index[q])
                    if !producible[i] && seenProduct.insert(i).inserted { stack.append(i) }
                }
            }
        }
        return (capacities.sorted(), unmade.sorted())
    }
}

/// The least amount of one limited resource that making the guaranteed needs takes, whatever
/// the techniques: Howard's policy iteration on that resource's content (each product carried by
/// the technique whose own use plus its inputs' contents, less its by-products', is least per
/// unit; transposed Leontief solves), then checked as a Farkas certificate on the technique
/// table itself: with p = max(0, content) and w = 1 on that resource, no technique gains
/// (p·(outputs − inputs) ≤ its use, within 1e-12 of the technique's flows for rounding, and
/// any technique that gains more is charged its capacity times the gain; one without a capacity
/// leaves no proof), so every plan meeting g uses at least p·g − charges of it. When that is more
/// than the limit by over 1e-6 of it, the guaranteed needs cannot be met. (A proof up to that
/// rounding: a technique whose flows cancel to within 1e-12 of themselves could hide a gain.)
///
/// The first-order phase 1 misses such cases when one need dwarfs the others (a guaranteed
/// need of 10^6 on electricity in a 20-product economy: PDHG ran its 2 000 000 iterations and
/// the plan said `stopped`).
enum LeastContent {
    /// The resource (index in the economy) whose limit the guaranteed needs `g` must exceed, with
    /// the proof's products (content × need, largest first); nil when no single resource shows it.
    /// (Only without negative needs: a negative need of the other needs lets λ lower a product's
    /// requirement below g, and p·net ≥ p·g no longer follows.)
    static func guaranteedBeyondALimit(_ e: Economy, guaranteed g: [Double], other o: [Double], limited: [Int], system start: LeontiefSystem,
                                       seconds: Double) -> (resource: Int, bound: Double, products: [(product: Int, weight: Double)])? {
        let n = e.productCount, t = e.techniques, m = t.count
        guard !g.contains(where: { $0 < 0 }), !o.contains(where: { $0 < 0 }) else { return nil }
        // Each technique's main product (its largest output) and that output.
        var main = [Int](repeating: -1, count: m), mainOut = [Double](repeating: 0, count: m)
        for j in 0..<m {
            for q in t.outputs.range(j) where t.outputs.amount[q] > mainOut[j] { main[j] = Int(t.outputs.index[q]); mainOut[j] = t.outputs.amount[q] }
        }
        let clock = ContinuousClock(), began = clock.now
        for k in limited {
            guard let limit = e.resources[k].limit else { continue }
            var sys = start
            var content: [Double]? = nil
            for _ in 0..<30 {
                guard clock.now - began < .seconds(seconds), let v = sys.embodied(resource: k, tolerance: 1e-12) else { break }
                content = v
                var primary = sys.primaryTechnique, out = sys.primaryOutput
                // The carrier's content per unit now (infinite where the product has none).
                var best = (0..<n).map { primary[$0] >= 0 ? v[$0] : Double.infinity }
                var switched = false
                for j in 0..<m where main[j] >= 0 && Int(sys.primaryTechnique[main[j]]) != j && t.capacity[j] > 0 {
                    let i = main[j]
                    var cost = 0.0
                    for q in t.resources.range(j) where Int(t.resources.index[q]) == k { cost += t.resources.amount[q] }
                    for q in t.inputs.range(j) { cost += t.inputs.amount[q] * v[Int(t.inputs.index[q])] }
                    for q in t.outputs.range(j) where Int(t.outputs.index[q]) != i { cost -= t.outputs.amount[q] * v[Int(t.outputs.index[q])] }
                    let perUnit = cost / mainOut[j]
                    if best[i].isInfinite ? perUnit.isFinite : perUnit < best[i] - 1e-12 * max(abs(best[i]), 1e-300) {
                        best[i] = perUnit
                        primary[i] = Int32(j)
                        out[i] = mainOut[j]
                        switched = true
                    }
                }
                if !switched { break }
                sys = LeontiefSystem(e, primary: primary, output: out, near: sys)
            }
            guard let v = content else { continue }
            // The certificate, on the table: prices p ≥ 0, resource price 1.
            let p = v.map { max(0, $0) }
            var charges = 0.0
            var proof = true
            for j in 0..<m {
                var gain = 0.0, scale = 0.0
                for q in t.outputs.range(j) { let a = t.outputs.amount[q] * p[Int(t.outputs.index[q])]; gain += a; scale += abs(a) }
                for q in t.inputs.range(j) { let a = t.inputs.amount[q] * p[Int(t.inputs.index[q])]; gain -= a; scale += abs(a) }
                for q in t.resources.range(j) where Int(t.resources.index[q]) == k { gain -= t.resources.amount[q]; scale += t.resources.amount[q] }
                if gain > 1e-12 * scale {
                    guard t.capacity[j].isFinite else { proof = false; break }
                    charges += gain * t.capacity[j]
                }
            }
            guard proof else { continue }
            var pg = 0.0
            for i in 0..<n where g[i] > 0 { pg += p[i] * g[i] }
            let bound = pg - charges
            if bound > limit * (1 + 1e-6) + 1e-12 {
                let products = (0..<n).filter { g[$0] > 0 && p[$0] > 0 }.map { ($0, p[$0] * g[$0]) }.sorted { $0.1 > $1.1 }
                return (k, bound, products.map { (product: $0.0, weight: $0.1) })
            }
        }
        return nil
    }
}
