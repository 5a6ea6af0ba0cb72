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
    /// Each round costs a few transposed and one two-column forward Leontief solve; the master
    /// is tiny. Capacities are not rows of the master: if the mixture breaks one, the result is
    /// nil (the caller goes on with pivots or the solver). Nil too when a solve fails to
    /// converge, the master cannot start (the first choice cannot make the guaranteed needs
    /// within the limits) or `seconds` run out.
    func resourcePrices(_ start: Basis, prices initial: [Double]?, tolerance: Double, seconds: Double = .infinity,
                        maxRounds: Int = 500, note: (@Sendable (String) -> Void)? = nil) -> PriceDecomposition? {
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let limited = needs.limitedResources
        let k = limited.count
        let g = needs.guaranteed, o = needs.other
        guard k >= 1, needs.lambdaUpper == .infinity, o.contains(where: { $0 > 0 }) else { return nil }
        let limits = limited.map { e.resources[$0].limit! }
        let solver = LeontiefSolver(tolerance: 1e-12, maxIterations: 20_000)

        var policy = start.primary, policyOut = start.primaryOut
        var lastPrices: [Double]? = nil
        var lastForward: [Double]? = nil

        // The cheapest technique per product at resource prices w (Howard's policy iteration:
        // every product switches to its most profitable technique until none is profitable;
        // prices fall monotonically). Returns the prices and the choice's system.
        func price(_ w: [Double]) -> (p: [Double], system: LeontiefSystem)? {
            for _ in 0..<200 {
                let sys = LeontiefSystem(e, primary: policy, output: policyOut)
                var c = [Double](repeating: 0, count: n)
                for (l, rk) in limited.enumerated() where w[l] != 0 {
                    for q in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] { c[Int(sys.r.colIndex[q])] += w[l] * sys.r.values[q] }
                }
                let sol = solver.solve(sys.aTransposed, c, initial: lastPrices)
                guard sol.converged else { return nil }
                lastPrices = sol.x
                let profit = columns.multiply(sol.x + w)
                var switched = false
                for i in 0..<n where groupStart[i + 1] - groupStart[i] > 1 {
                    let current = Int(policy[i])
                    var best = current, bestRate = 1e-10 * max(sol.x[i], 1e-300)
                    for q in groupStart[i]..<groupStart[i + 1] {
                        let j = Int(group[q])
                        let rate = profit[j] / carriedOutput[j]
                        if j != current && rate > bestRate { best = j; bestRate = rate }
                    }
                    if best != current { policy[i] = Int32(best); policyOut[i] = carriedOutput[best]; switched = true }
                }
                if !switched { return (sol.x, sys) }
            }
            return nil
        }
        // M_S⁻¹[g, o] (interleaved) and the limited resources each uses.
        func plan(_ sys: LeontiefSystem, initial: [Double]?) -> (u: [Double], gUse: [Double], oUse: [Double])? {
            var rhs = [Double](repeating: 0, count: 2 * n)
            for i in 0..<n { rhs[2 * i] = g[i]; rhs[2 * i + 1] = o[i] }
            let sol = solver.solve(sys.a, rhs, width: 2, initial: initial)
            guard sol.converged else { return nil }
            var gUse = [Double](repeating: 0, count: k), oUse = gUse
            for (l, rk) in limited.enumerated() {
                for q in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] {
                    let i = Int(sys.r.colIndex[q])
                    gUse[l] += sys.r.values[q] * sol.x[2 * i]
                    oUse[l] += sys.r.values[q] * sol.x[2 * i + 1]
                }
            }
            return (sol.x, gUse, oUse)
        }

        // Columns of the master: K slacks, then a (μ, ρ) pair per technique choice.
        var choices: [(primary: [Int32], output: [Double])] = []
        var seen: [[Int32]: Int] = [:]
        var master: SparseMaster? = nil
        var w = initial ?? limits.map { 1 / max($0, 1e-300) }
        var best: (bound: Double, y: [Double])? = nil
        var lambda = 0.0
        for round in 1...maxRounds {
            if round > 1 && elapsed() > seconds { return nil }
            guard let (p, sys) = price(w), let col = plan(sys, initial: lastForward) else { return nil }
            lastForward = col.u
            var op = 0.0, gp = 0.0, lw = 0.0
            for i in 0..<n { op += o[i] * p[i]; gp += g[i] * p[i] }
            for l in 0..<k { lw += limits[l] * w[l] }
            if op > 0 {
                let bound = (lw - gp) / op
                if best == nil || bound < best!.bound { best = (bound, (p + w).map { $0 / op }) }
            }
            let isNew = seen[policy] == nil
            if isNew {
                seen[policy] = choices.count
                choices.append((policy, policyOut))
                let gEntries = (0..<k).map { (row: $0, value: col.gUse[$0]) } + [(row: k, value: 1.0)]
                let oEntries = (0..<k).map { (row: $0, value: col.oUse[$0]) }
                if master == nil {
                    // Start: the slacks and this choice's plan of the guaranteed needs.
                    guard zip(col.gUse, limits).allSatisfy({ $0 <= $1 }) else { return nil }
                    let slacks = (0..<k).map { [(row: $0, value: 1.0)] }
                    master = SparseMaster(b: limits + [1], entries: slacks + [gEntries, oEntries],
                                          costs: [Double](repeating: 0, count: k) + [0, -1], basis: Array(0...k))
                } else {
                    master!.append(entries: gEntries, cost: 0)
                    master!.append(entries: oEntries, cost: -1)
                }
                guard master!.solve() == .optimal else { return nil }
                lambda = -zip(master!.cost, master!.solution).reduce(0) { $0 + $1.0 * $1.1 }
            }
            // The master's λ and the best bound agree: done. A choice already in the master
            // cannot improve it, so its bound meets λ up to rounding.
            guard let b = best else { return nil }
            let gap = (b.bound - lambda) / (1 + abs(b.bound) + abs(lambda))
            note?("resource prices round \(round): λ \(lambda), bound \(b.bound), \(choices.count) technique choices, \((elapsed() * 1000).rounded() / 1000) s")
            if gap <= tolerance / 2 || !isNew {
                guard gap <= tolerance else { return nil }
                return mixture(master!, choices: choices, y: b.y, lambda: lambda, rounds: round, gap: gap)
            }
            w = (0..<k).map { max(0, -master!.duals[$0]) }
        }
        return nil
    }

    /// The master's mixture of Leontief plans as LP activities (λ last), or nil when it breaks a
    /// capacity (the master has no capacity rows).
    private func mixture(_ master: SparseMaster, choices: [(primary: [Int32], output: [Double])], y: [Double], lambda: Double,
                         rounds: Int, gap: Double) -> PriceDecomposition? {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let k = needs.limitedResources.count
        let solver = LeontiefSolver(tolerance: 1e-13, maxIterations: 20_000)
        var x = [Double](repeating: 0, count: m + 1)
        var rhs = [Double](repeating: 0, count: n)
        for (c, choice) in choices.enumerated() {
            let mu = master.solution[k + 2 * c], rho = master.solution[k + 2 * c + 1]
            guard mu > 0 || rho > 0 else { continue }
            for i in 0..<n { rhs[i] = mu * needs.guaranteed[i] + rho * needs.other[i] }
            let sys = LeontiefSystem(e, primary: choice.primary, output: choice.output)
            let sol = solver.solve(sys.a, rhs)
            guard sol.converged else { return nil }
            for i in 0..<n where choice.primary[i] >= 0 { x[Int(choice.primary[i])] += max(0, sol.x[i]) / choice.output[i] }
        }
        x[m] = lambda
        let cap = e.techniques.capacity
        for j in 0..<m where x[j] > cap[j] * (1 + 1e-9) { return nil }
        return PriceDecomposition(x: x, y: y, rounds: rounds, gap: gap)
    }
}
