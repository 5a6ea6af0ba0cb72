import SyncoModel
import SyncoSparse
import Dispatch

extension BasisPolish {
    /// What `resourcePrices` found: the plan and valuations, and how many rounds it took.
    struct PriceDecomposition: Sendable {
        var x: [Double]
        var y: [Double]
        var rounds: Int
        /// Upper bound on λ from the best valuations minus the plan's λ, relative.
        var gap: Double
        /// What a re-plan of the same techniques starts from.
        var state: PriceState
    }

    /// One technique choice of the decomposition: the technique carrying each product, its
    /// output, and the limited resources embodied in each product under it (width K).
    struct PriceChoice: Sendable {
        var primary: [Int32]
        var output: [Double]
        var embodied: [Double]
        /// Its last Leontief plans in the mixture, of the guaranteed and of the other needs
        /// (interleaved, width 2): the start of a re-plan's solves, whatever the new weights.
        var solution: [Double]? = nil
        /// Its Leontief system, built for the mixture: a re-plan with the same choice reuses it.
        var system: LeontiefSystem? = nil
        /// The needs `solution` was solved for (interleaved like it): a re-plan moves the kept
        /// solution by the change of the needs (`LeontiefSystem.restart`).
        var demand: [Double]? = nil
    }

    /// What the decomposition over resource prices leaves in the plan, so that a re-plan of the
    /// same techniques (needs or limits changed) starts its master from the choices that made
    /// the plan: their columns for the new needs cost no solve (G = v·g, D = v·o), and when the
    /// same choices stay optimal, no pricing solve either; only the mixture is solved again,
    /// from the kept solutions. In-process only, like `Vertex`.
    struct PriceState: Sendable {
        /// The mixed choices, then the last one priced.
        var choices: [PriceChoice]
        var limitedResources: [Int]
        /// The polish (program, grouping) it was found with, renewed for new needs.
        var polish: BasisPolish
        /// The technique table's fingerprint (set by the planner; nil: never reused).
        var fingerprint: UInt64? = nil
    }

    /// Several limited resources bind and no capacity does: Dantzig–Wolfe decomposition over
    /// the prices of the K limited resources (docs/planner.md, "Several binding resources").
    ///
    /// At resource prices w ≥ 0, the cheapest way to make any net output is one technique per
    /// product (the non-substitution theorem, with cost w·r): policy iteration on the Leontief
    /// structure finds it and the product prices p(w) (transposed Leontief solves), and then
    /// p(w)·y is the least cost of every net output y ≥ 0 at once. Each technique choice S
    /// gives two columns to a master program of K + 1 rows: the resources its Leontief plan of
    /// the guaranteed needs uses, G_S = R_S M_S⁻¹g, and those per unit of λ, D_S = R_S M_S⁻¹o:
    ///
    ///     maximise Σ ρ_S  subject to  Σ μ_S G_S + Σ ρ_S D_S ≤ L,  Σ μ_S = 1,  μ, ρ ≥ 0.
    ///
    /// The master's resource duals are the next prices. Any w bounds λ from above:
    /// λ ≤ (L·w − p(w)·g) / p(w)·o, the dual objective of the valuations (p, w) / p(w)·o, which
    /// are dual feasible because no technique is profitable at them. The rounds stop when the
    /// best bound and the master's λ agree within `tolerance`; the plan is the master's mixture
    /// of Leontief plans (a product may be made by two techniques, as at a multi-limit vertex).
    ///
    /// Each round costs one transposed Leontief solve of width K (the resources embodied in
    /// each product) per technique choice policy iteration passes through, usually one or two;
    /// the master is tiny. The next round's prices lie halfway between the master's duals and
    /// the best bound's (Wentges' smoothing). With `kept` (a re-plan), the master starts from
    /// the kept choices.
    ///
    /// Capacities are not rows of the master: if the mixture breaks one, the result is nil (the
    /// caller goes on with pivots or the solver), unless `brokenCapacities`: then the mixture as
    /// it is, the optimum of the relaxation without capacities, which the planner hands to the
    /// solver as its start when the structure paths stop short. Nil too when a need is negative (the
    /// least-cost argument needs y ≥ 0), a solve fails to converge, the master cannot start
    /// (the first choice cannot make the guaranteed needs within the limits) or `seconds` run
    /// out.
    func resourcePrices(_ start: Basis, prices initial: [Double]?, tolerance: Double, seconds: Double = .infinity,
                        maxRounds: Int = 500, kept: PriceState? = nil, brokenCapacities: Bool = false,
                        note: (@Sendable (String) -> Void)? = nil) -> PriceDecomposition? {
        precondition(!lambdaStale, "a polish from renewedForCheck checks a kept basis and runs policy iteration; pivot on `renewed`")
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        let e = needs.economy
        let n = e.productCount
        let limited = needs.limitedResources
        let k = limited.count
        let g = needs.guaranteed, o = needs.other
        guard k >= 1, needs.lambdaUpper == .infinity, o.contains(where: { $0 > 0 }),
              !o.contains(where: { $0 < 0 }), !g.contains(where: { $0 < 0 }) else { return nil }
        let limits = limited.map { e.resources[$0].limit! }
        // The rounds' solves to 1e-8: the columns and bounds need λ to about 1e-8 of the 1e-6
        // the certificate asks (1e-10 cost a fifth more iterations for the same rounds). The
        // final mixture is solved to 1e-11.
        let solver = LeontiefSolver(tolerance: 1e-8, maxIterations: 20_000)
        var steps = 0

        var policy = start.primary, policyOut = start.primaryOut
        // Index among the limited resources by resource index (−1: unlimited).
        var limitedIndex = [Int](repeating: -1, count: e.resourceCount)
        for (l, rk) in limited.enumerated() { limitedIndex[rk] = l }
        // The limited resources embodied in one unit of each product under `policy`,
        // v_l = r_l M⁻¹ (interleaved, width K): one transposed solve per technique choice. For
        // that choice the prices at any w are p = Σ_l w_l v_l, and its plans' resource uses are
        // G = v·g and D = v·o, so neither a new w nor a master column costs another solve.
        var embodied: [Double]? = nil
        var lastEmbodied: [Double]? = nil
        func embody() -> Bool {
            steps += 1
            // Only the columns (Aᵀ, rᵀ) are built: a transposed solve needs no more.
            let (at, rt) = LeontiefSystem.columns(e, primary: policy, output: policyOut)
            var rhs = [Double](repeating: 0, count: n * k)
            for i in 0..<n {
                for q in rt.rowStart[i]..<rt.rowStart[i + 1] {
                    let l = limitedIndex[Int(rt.colIndex[q])]
                    if l >= 0 { rhs[i * k + l] += rt.values[q] }
                }
            }
            let sol = solver.solve(at, rhs, width: k, initial: lastEmbodied)
            guard sol.converged else { return false }
            embodied = sol.x
            lastEmbodied = sol.x
            return true
        }
        // The cheapest technique per product at resource prices w (Howard's policy iteration:
        // every product switches to its most profitable technique until none is profitable;
        // prices fall monotonically). Returns the prices; the choice is left in `policy` and its
        // embodied resources in `embodied`.
        func price(_ w: [Double]) -> [Double]? {
            for _ in 0..<200 {
                if embodied == nil { guard embody() else { return nil } }
                let v = embodied!
                var p = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    var s = 0.0
                    for l in 0..<k { s += w[l] * v[i * k + l] }
                    p[i] = s
                }
                let profit = columns.multiply(p + w)
                var switched = false
                for i in 0..<n where groupStart[i + 1] - groupStart[i] > 1 {
                    let current = Int(policy[i])
                    var best = current, bestRate = 1e-10 * max(p[i], 1e-300)
                    for q in groupStart[i]..<groupStart[i + 1] {
                        let j = Int(group[q])
                        let rate = profit[j] / carriedOutput[j]
                        if j != current && rate > bestRate { best = j; bestRate = rate }
                    }
                    if best != current { policy[i] = Int32(best); policyOut[i] = carriedOutput[best]; switched = true }
                }
                if !switched { return p }
                embodied = nil
            }
            return nil
        }
        // The limited resources the choice's Leontief plans of g and of o use.
        func plan() -> (gUse: [Double], oUse: [Double]) {
            let v = embodied!
            var gUse = [Double](repeating: 0, count: k), oUse = gUse
            for i in 0..<n where g[i] != 0 || o[i] != 0 {
                for l in 0..<k {
                    gUse[l] += g[i] * v[i * k + l]
                    oUse[l] += o[i] * v[i * k + l]
                }
            }
            return (gUse, oUse)
        }

        // Columns of the master: K slacks, then a (μ, ρ) pair per technique choice.
        var choices: [PriceChoice] = []
        var seen: [[Int32]: Int] = [:]
        var master: SparseMaster? = nil
        var w = initial ?? limits.map { 1 / max($0, 1e-300) }
        var best: (bound: Double, y: [Double])? = nil
        var lambda = 0.0
        // Solves the master; λ is minus its objective.
        func solveMaster() -> Bool {
            guard master!.solve() == .optimal else { return false }
            lambda = -zip(master!.cost, master!.solution).reduce(0) { $0 + $1.0 * $1.1 }
            return true
        }
        // Adds the current choice's two columns (resources of its plans of g and of o).
        func addColumns() -> Bool {
            let col = plan()
            seen[policy] = choices.count
            choices.append(PriceChoice(primary: policy, output: policyOut, embodied: embodied!))
            let gEntries = (0..<k).map { (row: $0, value: col.gUse[$0]) } + [(row: k, value: 1.0)]
            let oEntries = (0..<k).map { (row: $0, value: col.oUse[$0]) }
            if master == nil {
                // Start: the slacks and this choice's plan of the guaranteed needs.
                guard zip(col.gUse, limits).allSatisfy({ $0 <= $1 }) else { return false }
                let slacks = (0..<k).map { [(row: $0, value: 1.0)] }
                master = SparseMaster(b: limits + [1], entries: slacks + [gEntries, oEntries],
                                      costs: [Double](repeating: 0, count: k) + [0, -1], basis: Array(0...k))
            } else {
                master!.append(entries: gEntries, cost: 0)
                master!.append(entries: oEntries, cost: -1)
            }
            return true
        }
        // A re-plan: the kept choices' columns for these needs, the master solved, its duals the
        // first prices and the last choice priced the start of policy iteration.
        var solutions: [[Double]?] = []
        var demands: [[Double]?] = []
        if let kept, kept.limitedResources == limited, !kept.choices.isEmpty,
           kept.choices.allSatisfy({ $0.primary.count == n && $0.embodied.count == n * k }) {
            for c in kept.choices where seen[c.primary] == nil {
                policy = c.primary; policyOut = c.output; embodied = c.embodied
                guard addColumns() else { return nil }
                choices[choices.count - 1].system = c.system
                solutions.append(c.solution)
                demands.append(c.demand)
            }
            guard solveMaster() else { return nil }
            w = (0..<k).map { max(0, -master!.duals[$0]) }
            lastEmbodied = embodied
        }
        // Prices are smoothed towards those of the best bound (Wentges): the master's duals
        // alone zig-zag (Kelley's cutting planes). A round whose choice the master already has
        // was mispriced by the smoothing; the next one uses the master's duals alone.
        var smoothed = false
        for round in 1...maxRounds {
            if round > 1 && elapsed() > seconds { return nil }
            guard let p = price(w) else { return nil }
            var op = 0.0, gp = 0.0, lw = 0.0
            for i in 0..<n { op += o[i] * p[i]; gp += g[i] * p[i] }
            for l in 0..<k { lw += limits[l] * w[l] }
            if op > 0 {
                let bound = (lw - gp) / op
                if best == nil || bound < best!.bound { best = (bound, (p + w).map { $0 / op }) }
            }
            let isNew = seen[policy] == nil
            if isNew {
                guard addColumns(), solveMaster() else { return nil }
            }
            // The master's λ and the best bound agree: done. A choice already in the master
            // cannot improve it, so its bound meets λ up to rounding.
            guard let b = best else { return nil }
            let gap = (b.bound - lambda) / (1 + abs(b.bound) + abs(lambda))
            note?("resource prices round \(round): λ \(lambda), bound \(b.bound), \(choices.count) technique choices, \(steps) pricing solves, \((elapsed() * 1000).rounded() / 1000) s")
            if gap <= tolerance / 2 || (!isNew && !smoothed) {
                guard gap <= tolerance else { return nil }
                return mixture(master!, choices: choices, solutions: solutions, demands: demands, last: seen[policy]!, y: b.y, lambda: lambda,
                               rounds: round, gap: gap, brokenCapacities: brokenCapacities)
            }
            let duals = (0..<k).map { max(0, -master!.duals[$0]) }
            smoothed = isNew && round > 1
            w = smoothed ? (0..<k).map { 0.5 * b.y[n + $0] + 0.5 * duals[$0] } : duals
        }
        return nil
    }

    /// The master's mixture of Leontief plans as LP activities (λ last), or nil when it breaks a
    /// capacity (the master has no capacity rows) and `brokenCapacities` is false.
    private func mixture(_ master: SparseMaster, choices: [PriceChoice], solutions: [[Double]?], demands: [[Double]?], last: Int, y: [Double], lambda: Double,
                         rounds: Int, gap: Double, brokenCapacities: Bool = false) -> PriceDecomposition? {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let k = needs.limitedResources.count
        var x = [Double](repeating: 0, count: m + 1)
        // The plans of g and of o separately (one solve of width 2): a re-plan's new weights
        // then leave the kept solutions a good start (one of μg + ρo was no start for other μ, ρ).
        var rhs = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n { rhs[2 * i] = needs.guaranteed[i]; rhs[2 * i + 1] = needs.other[i] }
        var kept: [PriceChoice] = []
        var lastSolution: [Double]? = nil
        var lastSystem: LeontiefSystem? = nil
        var lastDemand: [Double]? = nil
        var seedSystem: LeontiefSystem? = choices.lazy.compactMap { $0.system }.first
        // A choice new to this re-plan starts from a kept choice's plans: choices differ in few
        // products, so those are closer than the needs themselves.
        let keptStart = solutions.lazy.compactMap { $0 }.first { $0.count == 2 * n }
        for (c, choice) in choices.enumerated() {
            let mu = master.solution[k + 2 * c], rho = master.solution[k + 2 * c + 1]
            guard mu > 0 || rho > 0 else { continue }
            let sys = choice.system ?? LeontiefSystem(e, primary: choice.primary, output: choice.output)
            // Choices differ in a few carriers: the last system's Perron pair starts this one's,
            // and each solve is deflated (an unseeded pair costs about three Neumann steps and
            // saves eight: 26 → 18 at 10^5 with three resources binding).
            if let p = seedSystem { sys.seedPerron(from: p) }
            _ = sys.perron
            seedSystem = sys
            var initial = (c < solutions.count ? solutions[c].flatMap { $0.count == 2 * n ? $0 : nil } : nil) ?? keptStart
            if let x0 = initial, c < demands.count, let d0 = demands[c] {
                initial = sys.restart(from: x0, demand: d0, for: rhs, width: 2) ?? x0
            }
            let sol = sys.solve(rhs, width: 2, initial: initial, tolerance: 1e-11)
            guard sol.converged else { return nil }
            var keep = choice
            keep.solution = sol.x
            keep.demand = rhs
            keep.system = sys
            if c == last { lastSolution = sol.x; lastSystem = sys; lastDemand = rhs } else { kept.append(keep) }
            for i in 0..<n where choice.primary[i] >= 0 {
                x[Int(choice.primary[i])] += max(0, mu * sol.x[2 * i] + rho * sol.x[2 * i + 1]) / choice.output[i]
            }
        }
        x[m] = lambda
        let cap = e.techniques.capacity
        for j in 0..<m where x[j] > cap[j] * (1 + 1e-9) && !brokenCapacities { return nil }
        var lastChoice = choices[last]
        lastChoice.solution = lastSolution ?? (last < solutions.count ? solutions[last] : nil)
        lastChoice.system = lastSystem ?? lastChoice.system
        lastChoice.demand = lastSolution != nil ? lastDemand : (last < demands.count ? demands[last] : nil)
        kept.append(lastChoice)
        return PriceDecomposition(x: x, y: y, rounds: rounds, gap: gap,
                                  state: PriceState(choices: kept, limitedResources: needs.limitedResources, polish: self))
    }
}
