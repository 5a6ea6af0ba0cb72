import Dispatch
import SyncoModel

/// Decentral planning: councils keep their techniques and capacities private and plan locally;
/// only aggregate quantities (each council's net output of every product and its use of every
/// limited resource) travel to a coordinator, and only signals travel back.
///
/// The central problem (planning semantics v1) is
///
///     max λ  s.t.  Σ_k M_k x_k ≥ b(λ),  0 ≤ x_k ≤ cap_k,
///
/// with M_k = [B_k; −R_k] (net outputs of council k's techniques, minus their use of the limited
/// resources) and b(λ) = [g + λ d; −ℓ] (guaranteed and other needs; limits). Needs and limits are
/// public (they come from assemblies and consumer councils through the API); techniques are not.
///
/// Two procedures:
///
/// - `admm`: the sharing form of the alternating direction method of multipliers (Boyd, Parikh,
///   Chu, Peleato & Eckstein 2011, "Distributed optimization and statistical learning via ADMM",
///   Found. Trends Mach. Learn. 3, §7.3), with residual balancing of ρ (§3.4.1). Each round every
///   council solves its private box-constrained least-squares step towards a target the
///   coordinator sends (accelerated projected gradient, warm-started); the coordinator projects
///   the average onto the public constraints and picks λ by a one-dimensional search.
/// - `participatory`: Albert & Hahnel's iteration facilitation board read as Arrow–Hurwicz
///   primal–dual dynamics (the same iteration as PDHG, run across councils): councils revise
///   their activities towards higher value at the indicative valuations; the facilitation step
///   raises a product's valuation by the size of its excess demand (and lowers it on excess
///   supply, never below zero) and moves λ by the value of the needs at current valuations.
///
/// Rows are scaled by their largest coefficient so that tolerances are relative. The result is
/// certified from the councils' reported quantities only: the fulfilment those quantities
/// achieve and the largest relative violation of a linking constraint.
public enum Decomposition {
    public enum Mode: String, Sendable, CaseIterable { case admm, participatory, dantzigWolfe = "dantzig-wolfe" }

    public struct Options: Sendable {
        public var mode: Mode = .admm
        /// Relative tolerance on linking residuals and on the change of λ between rounds.
        public var tolerance = 1e-4
        public var maxRounds = 20_000
        /// Inner projected-gradient iterations per council and round (ADMM).
        public var innerIterations = 30
        /// Round history kept every `historyEvery` rounds (and the last one).
        public var historyEvery = 10
        public init() {}
    }

    /// A council's private part: its techniques as columns over the linking rows.
    public struct Council: Sendable {
        public let id: String
        /// Global technique indices (kept by the council; the coordinator never reads them).
        public let techniques: [Int]
        let colStart: [Int]
        let rows: [Int32]
        let vals: [Double]
        let capacity: [Double]
        /// The council's private guaranteed needs over the linking rows (scaled; empty: none).
        /// They never travel: every quantity the council reports is net of them.
        var internalNeeds: [Double] = []
        /// Whether the council has private needs (the only thing about them it tells).
        public var hasInternalNeeds: Bool { internalNeeds.contains { $0 != 0 } }
        /// Whether it holds a private need for product i.
        public func holdsNeed(forProduct i: Int) -> Bool { i < internalNeeds.count && internalNeeds[i] != 0 }
    }

    /// One row of the feedback view: a linking constraint out of balance and who is involved.
    public struct Imbalance: Sendable {
        public var row: String
        /// Demand minus supply (positive: short), in the row's own unit.
        public var excess: Double
        /// Councils whose reported quantities touch the row, largest contribution first.
        public var councils: [String]
    }

    public struct Round: Sendable {
        public var round: Int
        public var lambda: Double
        public var linkingResidual: Double
        public var largest: [Imbalance]
        public init(round: Int, lambda: Double, linkingResidual: Double, largest: [Imbalance]) {
            self.round = round; self.lambda = lambda; self.linkingResidual = linkingResidual; self.largest = largest
        }
    }

    public struct Result: Sendable {
        public var mode: Mode
        public var converged: Bool
        /// Fulfilment achieved by the councils' reported quantities.
        public var fulfilment: Double
        /// The coordinator's λ.
        public var coordinatorLambda: Double
        /// Largest relative violation of a linking constraint by the reported quantities.
        public var linkingResidual: Double
        /// Participatory mode: dual bound from the councils' reported capacity rents minus the
        /// fulfilment (NaN while the valuations do not yet give a valid bound).
        public var gap: Double
        public var rounds: Int
        public var seconds: Double
        public var history: [Round]
        /// Activities assembled from the councils (for checking; a real coordinator never has them).
        public var activities: [Double]
    }

    // MARK: splitting

    /// Splits an economy into `k` councils: products are grouped by category (sector) when the
    /// products have categories, otherwise in contiguous blocks, and the groups are dealt to
    /// councils in turn; a technique belongs to the council of its first output.
    public static func split(_ e: Economy, councils k: Int) -> [Council] {
        let (members, _) = assign(e, councils: k)
        let rows = LinkingRows(e)
        return members.enumerated().map { c, js in rows.council(id: "council-\(c + 1)", techniques: js, e) }
    }

    /// The same split, with every guaranteed need held privately by the council that makes the
    /// product (e.g. a care cooperative's guaranteed hours): returns the public economy (the
    /// other needs only) that the coordinator sees, and councils that report net of their
    /// private needs. Solve with `solve(publicEconomy, councils:)`; compare with the whole economy.
    public static func splitWithPrivateNeeds(_ e: Economy, councils k: Int) -> (publicEconomy: Economy, councils: [Council]) {
        let (members, councilOfProduct) = assign(e, councils: k)
        let pub = publicPart(e)
        let rows = LinkingRows(document: pub.document(), scale: LinkingRows.rowMaxima(e, techniques: Array(0..<e.techniqueCount)))
        var privateNeeds = [[(product: Int, amount: Double)]](repeating: [], count: members.count)
        for need in e.needs where need.guaranteed {
            let c = min(councilOfProduct[Int(need.product)], members.count - 1)
            privateNeeds[c].append((Int(need.product), need.amount))
        }
        return (pub, members.enumerated().map { c, js in rows.council(id: "council-\(c + 1)", techniques: js, e, internalNeeds: privateNeeds[c]) })
    }

    /// The economy without its guaranteed needs (what a coordinator sees when they are private).
    public static func publicPart(_ e: Economy) -> Economy {
        Economy(name: e.name, products: e.products, resources: e.resources, techniques: e.techniques,
                needs: e.needs.filter { !$0.guaranteed })
    }

    /// Technique indices per council, and each product's council.
    static func assign(_ e: Economy, councils k: Int) -> (members: [[Int]], councilOfProduct: [Int]) {
        let k = max(1, min(k, max(1, e.techniqueCount)))
        var councilOfProduct = [Int](repeating: 0, count: e.productCount)
        let categories = e.products.map { $0.category ?? "" }
        let distinct = Array(Set(categories)).sorted()
        if distinct.count >= k && !(distinct.count == 1 && distinct[0].isEmpty) {
            let slot = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0 % k) })
            for i in 0..<e.productCount { councilOfProduct[i] = slot[categories[i]]! }
        } else {
            for i in 0..<e.productCount { councilOfProduct[i] = i * k / max(1, e.productCount) }
        }
        var members = [[Int]](repeating: [], count: k)
        let t = e.techniques
        for j in 0..<e.techniqueCount {
            let first = t.outputs.range(j).first.map { Int(t.outputs.index[$0]) } ?? 0
            members[councilOfProduct[first]].append(j)
        }
        // Councils without techniques would have nothing to plan: spread techniques evenly then.
        if members.contains(where: \.isEmpty) {
            members = (0..<k).map { c in Array(stride(from: c, to: e.techniqueCount, by: k)) }
        }
        return (members, councilOfProduct)
    }

    // MARK: solving

    public static func solve(_ e: Economy, councils: [Council], options: Options = Options()) -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let rows = LinkingRows(e)
        var r: Run
        switch options.mode {
        case .admm: r = admm(rows, councils, options)
        case .participatory: r = participatory(rows, councils, options)
        case .dantzigWolfe: r = dantzigWolfe(rows, councils, options)
        }
        r.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var x = [Double](repeating: 0, count: e.techniqueCount)
        for (c, xs) in zip(councils, r.activitiesByCouncil) { for (l, j) in c.techniques.enumerated() { x[j] = xs[l] } }
        return Result(mode: options.mode, converged: r.converged, fulfilment: r.fulfilment, coordinatorLambda: r.lambda,
                      linkingResidual: r.residual, gap: r.gap, rounds: r.rounds, seconds: r.seconds, history: r.history, activities: x)
    }

    struct Run {
        var converged = false
        var fulfilment = 0.0, lambda = 0.0, residual = Double.infinity
        var gap = Double.nan
        var rounds = 0
        var seconds = 0.0
        var history: [Round] = []
        var activitiesByCouncil: [[Double]] = []
    }

    /// ADMM, sharing form, in one process: the same coordinator and council steps the networked
    /// councils use (`ADMMCoordinator`, `Council.localStep`).
    static func admm(_ L: LinkingRows, _ cs: [Council], _ o: Options) -> Run {
        var coord = ADMMCoordinator(rows: L, councils: cs.count)
        var x = cs.map { [Double](repeating: 0, count: $0.capacity.count) }
        let lipschitz = cs.map { $0.normSquared() }
        var run = Run()
        for round in 1...o.maxRounds {
            let targets = (0..<cs.count).map { coord.target(for: $0) }
            let xs = x, inner = o.innerIterations
            let results = parallelMap(cs.count) { k in
                cs[k].boxLeastSquares(start: xs[k], target: targets[k], lipschitz: lipschitz[k], iterations: inner)
            }
            for k in 0..<cs.count { x[k] = results[k].x }
            let step = coord.advance(reports: results.map { Optional($0.z) }, tolerance: o.tolerance)
            run.rounds = round; run.lambda = coord.lambda; run.fulfilment = step.fulfilment; run.residual = step.residual
            if round % o.historyEvery == 0 || step.done || round == o.maxRounds {
                run.history.append(Round(round: round, lambda: coord.lambda, linkingResidual: step.residual,
                                         largest: L.imbalances(coord.z, lambda: coord.lambda, councils: cs.map(\.id))))
            }
            if step.done { run.converged = true; break }
        }
        run.activitiesByCouncil = x
        return run
    }

    /// Arrow–Hurwicz / PDHG across councils with a facilitation board setting valuations.
    static func participatory(_ L: LinkingRows, _ cs: [Council], _ o: Options) -> Run {
        let m = L.count, K = cs.count
        // One facilitation round T: councils revise at the valuations, λ moves with the value of
        // the needs, valuations move with the excess demand of the extrapolated proposals.
        // Rounds are blended with an anchor — the proposals and valuations of the last reset —
        // whose weight fades as 1/(k+2) (Halpern's iteration, reflected as in r²HPDHG, the
        // central solver's method); the board resets the anchor when the round-to-round change
        // has fallen to a fifth of where the cycle began (or stalls below 0.8 of it), and then
        // rebalances the speeds of revision and facilitation (the primal weight).
        var x = cs.map { [Double](repeating: 0, count: $0.capacity.count) }
        var p = [Double](repeating: 0, count: m)
        var lambda = 0.0
        // Step sizes from a bound on the operator norm that each council can report: ‖[M, −d]‖² ≤ Σ‖M_k‖² + ‖d‖².
        var normSq = cs.reduce(0) { $0 + $1.normSquared() }
        for i in 0..<m { normSq += L.other[i] * L.other[i] }
        let eta = 0.95 / normSq.squareRoot()
        // Primal weight (as in PDLP): activities live on the scale of the needs, valuations on the
        // scale of the objective; balancing the two step sizes by ω = ‖c‖/‖b‖ keeps both moving.
        var bNorm = 0.0
        for i in 0..<m { let v = L.base[i] + L.other[i]; bNorm += v * v }
        let omega0 = 1 / max(1, bNorm.squareRoot())
        var omega = omega0
        let reflection = 0.5
        var anchor = (x: x, p: p, lambda: lambda)
        var inner = 0
        var r0 = Double.nan, rPrev = Double.infinity
        var run = Run()
        var supply = [Double](repeating: 0, count: m)
        for round in 1...o.maxRounds {
            let step = eta / omega, dualStep = eta * omega
            // T(z): councils revise towards more value at the indicative valuations.
            let xs = x, prices = p
            let revised = parallelMap(K) { k in cs[k].revise(xs[k], prices: prices, step: step) }
            let lambdaT = lambda + step * (1 - zip(L.other, p).reduce(0) { $0 + $1.0 * $1.1 })
            for i in 0..<m { supply[i] = 0 }
            var z = [[Double]]()
            z.reserveCapacity(K)
            var dx2 = (lambdaT - lambda) * (lambdaT - lambda)
            for k in 0..<K {
                let zNew = revised[k].z
                let zOld = cs[k].apply(x[k], rows: m)
                for i in 0..<m { supply[i] += 2 * zNew[i] - zOld[i] }
                for j in x[k].indices { let d = revised[k].x[j] - x[k][j]; dx2 += d * d }
                z.append(zNew)
            }
            let lambdaBar = 2 * lambdaT - lambda
            var pT = p
            var dy2 = 0.0
            for i in 0..<m {
                pT[i] = max(0, p[i] + dualStep * (L.demand(i, lambdaBar) - supply[i]))
                dy2 += (pT[i] - p[i]) * (pT[i] - p[i])
            }
            // What the councils carry out and report this round: T(z), feasible in their boxes.
            let (achieved, residual) = L.certify(z)
            run.rounds = round; run.lambda = lambdaT; run.fulfilment = achieved; run.residual = residual
            // Optimality from reported numbers: councils report the rent their capacities earn at the
            // normalised valuations and whether any uncapped technique would still earn more than
            // it costs; with Σ p·d = 1 that is a dual bound (weak duality), so gap = bound − fulfilment.
            var gap = Double.infinity
            let pd = zip(L.other, pT).reduce(0) { $0 + $1.0 * $1.1 }
            if pd > 0 {
                var bound = 0.0
                for i in 0..<m { bound -= L.base[i] * pT[i] / pd }
                var violated = false
                for c in cs {
                    let (rent, excess) = c.rent(prices: pT, scale: 1 / pd)
                    bound += rent
                    if excess > 1e-12 { violated = true }     // any slack here would void the bound
                }
                if !violated { gap = bound - achieved }
            }
            run.gap = gap
            run.activitiesByCouncil = revised.map(\.x)
            let done = residual <= o.tolerance && gap.isFinite && abs(gap) <= o.tolerance * max(1, abs(achieved))
            if round % o.historyEvery == 0 || done || round == o.maxRounds {
                run.history.append(Round(round: round, lambda: lambdaT, linkingResidual: residual, largest: L.imbalances(z, lambda: lambdaT, councils: cs.map(\.id))))
            }
            if done { run.converged = true; break }
            // Reset or blend.
            let r = (omega * dx2 + dy2 / omega).squareRoot()
            if r0.isNaN { r0 = r }
            inner += 1
            if r <= 0.2 * r0 || (r <= 0.8 * r0 && r > rPrev) || Double(inner) >= 0.36 * Double(round) {
                var ddx = (lambdaT - anchor.lambda) * (lambdaT - anchor.lambda), ddy = 0.0
                for k in 0..<K { for j in x[k].indices { let d = revised[k].x[j] - anchor.x[k][j]; ddx += d * d } }
                for i in 0..<m { ddy += (pT[i] - anchor.p[i]) * (pT[i] - anchor.p[i]) }
                ddx = ddx.squareRoot(); ddy = ddy.squareRoot()
                if ddx > 1e-10 && ddy > 1e-10 { omega = min(max((ddy / ddx * omega).squareRoot(), omega0 * 1e-3), omega0 * 1e3) }
                x = revised.map(\.x); p = pT; lambda = lambdaT
                anchor = (x, p, lambda)
                inner = 0; r0 = .nan; rPrev = .infinity
            } else {
                let a = Double(inner) / Double(inner + 1), b = 1 / Double(inner + 1)
                for k in 0..<K {
                    for j in x[k].indices {
                        let t = (1 + reflection) * revised[k].x[j] - reflection * x[k][j]
                        x[k][j] = min(max(a * t + b * anchor.x[k][j], 0), cs[k].capacity[j])
                    }
                }
                for i in 0..<m { p[i] = max(0, a * ((1 + reflection) * pT[i] - reflection * p[i]) + b * anchor.p[i]) }
                lambda = a * ((1 + reflection) * lambdaT - reflection * lambda) + b * anchor.lambda
                rPrev = r
            }
        }
        return run
    }

    static func parallelMap<T: Sendable>(_ n: Int, _ f: @Sendable (Int) -> T) -> [T] {
        let box = ResultBox<T>(n)
        DispatchQueue.concurrentPerform(iterations: n) { k in box.set(k, f(k)) }
        return box.values()
    }
}

/// Per-council results written from concurrent tasks, each to its own slot.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = DispatchQueue(label: "synco.decomposition.results")
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ k: Int, _ v: T) { lock.sync { slots[k] = v } }
    func values() -> [T] { lock.sync { slots.map { $0! } } }
}

/// The public side: linking rows (products, then limited resources), their scaling, needs and limits.
public struct LinkingRows: Sendable {
    public let names: [String]
    let productCount: Int
    /// Row scale: the largest coefficient of the row over all councils (what travels between
    /// coordinator and councils). Rows are divided by `scale[i] · sigma`.
    public let scale: [Double]
    /// One common factor on top of the row scale: the largest right-hand side (needs at full
    /// fulfilment, limits) after row scaling, so that quantities are O(1) whatever the units.
    /// Computed from public data on both sides, it never travels. Without it the BEA tables
    /// (needs of 10^6 dollars next to coefficients below 1) met the absolute stop rule at a
    /// fulfilment of 2e-5.
    public let sigma: Double
    /// Scaled guaranteed needs (products) or −limit (resources).
    let base: [Double]
    /// Scaled other needs (products; 0 for resources).
    let other: [Double]
    let rowOfResource: [Int32]
    public var count: Int { names.count }

    /// From public data only: the catalogue (products, resources with limits), the needs, and the
    /// row scale (the maximum of what the councils report as their largest coefficient per row).
    /// `sigma`: the common factor as the coordinator computed it (councils take it from the
    /// coordinator, whose public part holds all public needs); nil computes it from `doc`.
    public init(document doc: EconomyDocument, scale: [Double], sigma given: Double? = nil) {
        let n = doc.products.count
        let productIndex = Dictionary(doc.products.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var g = [Double](repeating: 0, count: n), d = g
        for need in doc.needs {
            guard let i = productIndex[need.product] else { continue }
            if need.guaranteed { g[i] += need.amount } else { d[i] += need.amount }
        }
        let limited = doc.resources.indices.filter { doc.resources[$0].limit != nil }
        var rowOf = [Int32](repeating: -1, count: doc.resources.count)
        for (k, r) in limited.enumerated() { rowOf[r] = Int32(n + k) }
        var sc = scale.count == n + limited.count ? scale : [Double](repeating: 1, count: n + limited.count)
        for i in sc.indices where !(sc[i] > 0) || !sc[i].isFinite { sc[i] = 1 }
        var b = [Double](repeating: 0, count: n + limited.count), o = b
        for i in 0..<n { b[i] = g[i] / sc[i]; o[i] = d[i] / sc[i] }
        for (k, r) in limited.enumerated() { b[n + k] = -(doc.resources[r].limit ?? 0) / sc[n + k] }
        var s = 0.0
        for i in b.indices { s = max(s, abs(b[i]), abs(b[i] + o[i])) }
        if !(s > 0) || !s.isFinite { s = 1 }
        if let given, given > 0, given.isFinite { s = given }
        for i in b.indices { b[i] /= s; o[i] /= s }
        names = doc.products.map(\.id) + limited.map { doc.resources[$0].id }
        productCount = n; self.scale = sc; sigma = s; base = b; other = o; rowOfResource = rowOf
    }

    init(_ e: Economy) {
        self.init(document: e.document(), scale: LinkingRows.rowMaxima(e, techniques: Array(0..<e.techniqueCount)))
    }

    /// What a council tells the coordinator when it joins: its largest coefficient per linking
    /// row (0 where it has none). The maximum over councils scales the rows.
    public static func rowMaxima(_ e: Economy, techniques js: [Int]) -> [Double] {
        let n = e.productCount
        let limited = e.resources.indices.filter { e.resources[$0].limit != nil }
        var rowOf = [Int32](repeating: -1, count: e.resourceCount)
        for (k, r) in limited.enumerated() { rowOf[r] = Int32(n + k) }
        var sc = [Double](repeating: 0, count: n + limited.count)
        let t = e.techniques
        for j in js {
            for p in t.outputs.range(j) { let i = Int(t.outputs.index[p]); sc[i] = max(sc[i], abs(t.outputs.amount[p])) }
            for p in t.inputs.range(j) { let i = Int(t.inputs.index[p]); sc[i] = max(sc[i], abs(t.inputs.amount[p])) }
            for p in t.resources.range(j) { let r = rowOf[Int(t.resources.index[p])]; if r >= 0 { sc[Int(r)] = max(sc[Int(r)], abs(t.resources.amount[p])) } }
        }
        return sc
    }

    /// Right-hand side of row i at fulfilment λ (scaled).
    @inline(__always) func demand(_ i: Int, _ lambda: Double) -> Double { base[i] + lambda * other[i] }

    /// A council's private part over these rows (its techniques as scaled columns).
    /// A council's private part; `internalNeeds` are its private guaranteed needs (product
    /// index, amount), kept by the council and subtracted from what it reports.
    public func council(id: String, techniques js: [Int], _ e: Economy, internalNeeds: [(product: Int, amount: Double)] = []) -> Decomposition.Council {
        let t = e.techniques
        var start = [0], rows: [Int32] = [], vals: [Double] = [], cap: [Double] = []
        var col: [Int32: Double] = [:]
        for j in js {
            col.removeAll(keepingCapacity: true)
            for p in t.outputs.range(j) { col[t.outputs.index[p], default: 0] += t.outputs.amount[p] }
            for p in t.inputs.range(j) { col[t.inputs.index[p], default: 0] -= t.inputs.amount[p] }
            for p in t.resources.range(j) { let r = rowOfResource[Int(t.resources.index[p])]; if r >= 0 { col[r, default: 0] -= t.resources.amount[p] } }
            for (r, v) in col.sorted(by: { $0.key < $1.key }) where v != 0 { rows.append(r); vals.append(v / (scale[Int(r)] * sigma)) }
            start.append(rows.count)
            cap.append(t.capacity[j])
        }
        var c = Decomposition.Council(id: id, techniques: js, colStart: start, rows: rows, vals: vals, capacity: cap)
        if !internalNeeds.isEmpty {
            var g = [Double](repeating: 0, count: count)
            for (i, a) in internalNeeds where i >= 0 && i < productCount { g[i] += a / (scale[i] * sigma) }
            c.internalNeeds = g
        }
        return c
    }

    /// The λ minimising −λ + (Nρ/2)‖max(0, b(λ)/N − a)‖² (the coordinator's step): the root of
    /// the increasing derivative −1 + ρ Σ_i d_i · max(0, b_i(λ)/N − a_i), by bracketing and bisection.
    func bestLambda(a: [Double], rho: Double, councils N: Double, previous: Double) -> Double {
        func slope(_ l: Double) -> Double {
            var s = -1.0
            for i in 0..<productCount where other[i] != 0 {
                let gap = demand(i, l) / N - a[i]
                if gap > 0 { s += rho * other[i] * gap }
            }
            return s
        }
        guard other.contains(where: { $0 != 0 }) else { return previous }
        var lo = previous - 1, hi = previous + 1
        var k = 0
        while slope(lo) > 0 && k < 200 { lo -= (hi - lo); k += 1 }
        k = 0
        while slope(hi) < 0 && k < 200 { hi += (hi - lo); k += 1 }
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if slope(mid) < 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// From reported quantities only: the fulfilment they achieve (the largest λ their sum
    /// supports on rows with other needs) and the largest relative violation of a linking row
    /// at that λ (rows with other needs are met by construction; guaranteed needs and limits may not be).
    public func certify(_ z: [[Double]]) -> (fulfilment: Double, residual: Double) {
        var total = [Double](repeating: 0, count: count)
        for zk in z { for i in 0..<count { total[i] += zk[i] } }
        var lambda = Double.infinity
        for i in 0..<productCount where other[i] > 0 { lambda = min(lambda, (total[i] - base[i]) / other[i]) }
        if !lambda.isFinite { lambda = 0 }
        var worst = 0.0
        for i in 0..<count {
            let short = demand(i, lambda) - total[i]
            // Relative to the row's demand (or to 1 when the demand is zero), in units of the row's
            // largest coefficient (before the common factor sigma).
            worst = max(worst, short * sigma / max(1, abs(demand(i, lambda)) * sigma))
        }
        return (lambda, max(0, worst))
    }

    /// The five rows with the largest excess demand (or supply), unscaled, and the councils involved.
    public func imbalances(_ z: [[Double]], lambda: Double, councils ids: [String]) -> [Decomposition.Imbalance] {
        var total = [Double](repeating: 0, count: count)
        for zk in z { for i in 0..<count { total[i] += zk[i] } }
        let order = (0..<count).sorted { abs(demand($0, lambda) - total[$0]) > abs(demand($1, lambda) - total[$1]) }
        return order.prefix(5).compactMap { i in
            let excess = (demand(i, lambda) - total[i]) * scale[i] * sigma
            guard abs(excess) > 0 else { return nil }
            let who = (0..<z.count).filter { abs(z[$0][i]) > 0 }.sorted { abs(z[$0][i]) > abs(z[$1][i]) }.prefix(4).map { ids[$0] }
            return Decomposition.Imbalance(row: names[i], excess: excess, councils: Array(who))
        }
    }
}

extension Decomposition.Council {
    public var columnCount: Int { capacity.count }

    /// The value of technique j's net quantities at valuations p (column j of M times p).
    @inline(__always) func value(_ j: Int, prices p: [Double]) -> Double {
        var g = 0.0
        for q in colStart[j]..<colStart[j + 1] { g += vals[q] * p[Int(rows[q])] }
        return g
    }

    /// z = M x − g_internal over the `m` linking rows (dense: the linking space is shared).
    func apply(_ x: [Double], rows m: Int) -> [Double] {
        var z = [Double](repeating: 0, count: m)
        for j in 0..<columnCount where x[j] != 0 {
            for p in colStart[j]..<colStart[j + 1] { z[Int(rows[p])] += vals[p] * x[j] }
        }
        if internalNeeds.count == m { for i in 0..<m { z[i] -= internalNeeds[i] } }
        return z
    }

    /// The value of the council's private needs at valuations p (what its rent must pay for).
    func internalValue(_ p: [Double]) -> Double {
        guard internalNeeds.count == p.count else { return 0 }
        var v = 0.0
        for i in 0..<p.count where internalNeeds[i] != 0 { v += p[i] * internalNeeds[i] }
        return v
    }

    func applyInto(_ x: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: maxRow + 1)
        for j in 0..<columnCount where x[j] != 0 {
            for p in colStart[j]..<colStart[j + 1] { z[Int(rows[p])] += vals[p] * x[j] }
        }
        return z
    }

    var maxRow: Int { Int(rows.max() ?? 0) }

    /// ‖M‖² by power iteration on MᵀM (30 steps, an upper estimate with 5 % margin).
    public func normSquared() -> Double {
        guard columnCount > 0 else { return 0 }
        var v = [Double](repeating: 1 / Double(columnCount).squareRoot(), count: columnCount)
        var est = 0.0
        for _ in 0..<30 {
            let mv = applyInto(v)
            var w = [Double](repeating: 0, count: columnCount)
            for j in 0..<columnCount { var s = 0.0; for p in colStart[j]..<colStart[j + 1] { s += vals[p] * mv[Int(rows[p])] }; w[j] = s }
            let n = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard n > 0 else { return 0 }
            est = n
            v = w.map { $0 / n }
        }
        return est * 1.05
    }

    /// min ‖M x − target‖² over 0 ≤ x ≤ cap: accelerated projected gradient (FISTA), warm-started.
    public func boxLeastSquares(start: [Double], target: [Double], lipschitz: Double, iterations: Int) -> (x: [Double], z: [Double]) {
        let m = target.count
        guard lipschitz > 0 else { return (start, [Double](repeating: 0, count: m)) }
        var x = start, y = start, t = 1.0
        let step = 1 / (2 * lipschitz)
        var r = [Double](repeating: 0, count: m)
        let shift = internalNeeds.count == m ? internalNeeds : [Double](repeating: 0, count: m)
        for _ in 0..<iterations {
            // r = M y − g_internal − target
            for i in 0..<m { r[i] = -target[i] - shift[i] }
            for j in 0..<columnCount where y[j] != 0 { for p in colStart[j]..<colStart[j + 1] { r[Int(rows[p])] += vals[p] * y[j] } }
            let xOld = x
            for j in 0..<columnCount {
                var g = 0.0
                for p in colStart[j]..<colStart[j + 1] { g += vals[p] * r[Int(rows[p])] }
                x[j] = min(max(y[j] - step * 2 * g, 0), capacity[j])
            }
            let tNew = (1 + (1 + 4 * t * t).squareRoot()) / 2
            for j in 0..<columnCount { y[j] = x[j] + (t - 1) / tNew * (x[j] - xOld[j]) }
            t = tNew
        }
        return (x, apply(x, rows: m))
    }

    /// At valuations `prices · scale`: the rent of the capacities (Σ cap_j · max(0, value_j) over capped
    /// techniques) and the largest value of an uncapped technique (> 0 means the valuations are
    /// not yet consistent: it would pay to expand it without limit).
    func rent(prices p: [Double], scale: Double) -> (rent: Double, excess: Double) {
        var rent = 0.0, excess = 0.0
        for j in 0..<columnCount {
            let g = value(j, prices: p) * scale
            if capacity[j].isFinite { rent += capacity[j] * max(0, g) } else { excess = max(excess, g) }
        }
        return (rent - internalValue(p) * scale, excess)
    }

    /// One proposal revision at valuations p: x ← clamp(x + step · Mᵀp) and the new net quantities.
    func revise(_ x: [Double], prices p: [Double], step: Double) -> (x: [Double], z: [Double]) {
        var nx = x
        for j in 0..<columnCount { nx[j] = min(max(x[j] + step * value(j, prices: p), 0), capacity[j]) }
        return (nx, apply(nx, rows: p.count))
    }
}

/// The coordinator of the sharing ADMM: it holds only the councils' reported net quantities (z),
/// the public needs and limits, and its own averages and multipliers. Missing reports (a slow or
/// gone council) reuse that council's last quantities.
public struct ADMMCoordinator: Sendable {
    public let rows: LinkingRows
    public private(set) var z: [[Double]]
    public private(set) var zbar: [Double]
    public private(set) var w: [Double]
    public private(set) var u: [Double]
    public private(set) var rho = 1.0
    public private(set) var lambda = 0.0
    public private(set) var round = 0
    public private(set) var balancing = RhoBalancing()
    /// The round since which the stop conditions have held and λ at that round (nil: not calm).
    /// Stopping needs `calmRounds` calm rounds with λ within tolerance of where the calm began:
    /// a single round can meet the residual tests while λ sweeps through (seen on a 300-product
    /// economy: λ fell 0.012 every 10 rounds when the one-round test stopped it 0.6 % off).
    public private(set) var calm: (round: Int, lambda: Double)?
    public static let calmRounds = 10

    /// When and how ρ is rebalanced. Residual balancing (Boyd et al. §3.4.1) is only known to
    /// converge when ρ eventually stays fixed; left on for good it can lock the iteration into a
    /// limit cycle (seen after a coordinator restart: a 130-round cycle with the linking residual
    /// swinging between 3e-5 and 5e-4 for 19 000 rounds). So the checks start every 10 rounds,
    /// the interval doubles each time ρ turns back (up after down or down after up), and after
    /// `maxChanges` changes ρ is frozen. Monotone adaptation early on is as quick as before.
    public struct RhoBalancing: Sendable, Equatable {
        public var every = 10
        public var nextCheck = 10
        /// +1 when ρ last went up, −1 when it last went down, 0 before any change.
        public var lastDirection = 0
        public var changes = 0
        public static let maxChanges = 40
        public init() {}
        public init(every: Int, nextCheck: Int, lastDirection: Int, changes: Int) {
            self.every = max(1, every); self.nextCheck = nextCheck; self.lastDirection = lastDirection; self.changes = changes
        }
    }

    public init(rows: LinkingRows, councils k: Int) {
        self.rows = rows
        z = Array(repeating: [Double](repeating: 0, count: rows.count), count: k)
        zbar = [Double](repeating: 0, count: rows.count)
        w = zbar; u = zbar
        rho = Self.initialRho(rows, councils: k)
    }

    /// A starting ρ on the scale of the needs: with nothing supplied yet the coordinator's first λ
    /// is N / (ρ Σ d_i²), so ρ = N / Σ d_i² asks for the whole of the other needs at once. With
    /// ρ = 1 and needs of 10^6 next to coefficients of 1 (the BEA tables in dollars) the first λ
    /// was 10^-12, nothing moved, and the stop rule took the standing start for convergence.
    static func initialRho(_ rows: LinkingRows, councils k: Int) -> Double {
        var dd = 0.0
        for i in 0..<rows.count { dd += rows.other[i] * rows.other[i] }
        guard dd > 0, dd.isFinite else { return 1 }
        return min(1e8, max(1e-8, Double(max(1, k)) / dd))
    }

    /// Restores a saved state (coordinator restart).
    public init(rows: LinkingRows, z: [[Double]], w: [Double], u: [Double], rho: Double, lambda: Double, round: Int,
                balancing: RhoBalancing? = nil) {
        self.rows = rows; self.z = z; self.w = w; self.u = u; self.rho = rho; self.lambda = lambda; self.round = round
        // A state saved before the schedule existed: go on checking from the next round on.
        self.balancing = balancing ?? RhoBalancing(every: 10, nextCheck: round + 10, lastDirection: 0, changes: 0)
        let m = rows.count, n = Double(max(1, z.count))
        zbar = (0..<m).map { i in z.reduce(0) { $0 + $1[i] } / n }
    }

    /// The point council k's next quantities should approach: z_k − z̄ + w̄ − u.
    public func target(for k: Int) -> [Double] {
        (0..<rows.count).map { z[k][$0] - zbar[$0] + w[$0] - u[$0] }
    }

    /// One coordinator step with this round's reports (nil: use the council's last quantities).
    public mutating func advance(reports: [[Double]?], tolerance: Double) -> (done: Bool, fulfilment: Double, residual: Double) {
        let m = rows.count, N = Double(z.count)
        for (k, r) in reports.enumerated() where k < z.count { if let r, r.count == m { z[k] = r } }
        for i in 0..<m { var s = 0.0; for k in 0..<z.count { s += z[k][i] }; zbar[i] = s / N }
        let a = (0..<m).map { zbar[$0] + u[$0] }
        lambda = rows.bestLambda(a: a, rho: rho, councils: N, previous: lambda)
        let wOld = w
        for i in 0..<m { w[i] = max(a[i], rows.demand(i, lambda) / N) }
        var rNorm = 0.0, sNorm = 0.0
        for i in 0..<m {
            u[i] += zbar[i] - w[i]
            rNorm = max(rNorm, abs(zbar[i] - w[i]))
            sNorm = max(sNorm, abs(w[i] - wOld[i]))
        }
        round += 1
        // Residual balancing (Boyd et al. §3.4.1), damped and eventually frozen (see RhoBalancing).
        if round >= balancing.nextCheck && balancing.changes < RhoBalancing.maxChanges {
            var direction = 0
            if rNorm > 10 * rho * sNorm { rho *= 2; for i in 0..<m { u[i] /= 2 }; direction = 1 }
            else if rho * sNorm > 10 * rNorm { rho /= 2; for i in 0..<m { u[i] *= 2 }; direction = -1 }
            if direction != 0 {
                if balancing.lastDirection != 0 && direction != balancing.lastDirection { balancing.every *= 2 }
                balancing.lastDirection = direction
                balancing.changes += 1
            }
            balancing.nextCheck = round + balancing.every
        }
        let (achieved, residual) = rows.certify(z)
        let quiet = residual <= tolerance && sNorm * N <= tolerance && abs(achieved - lambda) <= tolerance * max(1, abs(lambda))
        if quiet, let c = calm, abs(lambda - c.lambda) <= tolerance * max(1, abs(lambda)) {
            // still calm
        } else {
            calm = quiet ? (round, lambda) : nil
        }
        let done = calm.map { round - $0.round + 1 >= Self.calmRounds } ?? false
        return (done, achieved, residual)
    }
}
