/// Dantzig–Wolfe decomposition across councils — in planning terms the Kornai–Lipták / Malinvaud
/// procedure: the coordinator sends valuations, each council answers with the plan that earns
/// most at those valuations (a proposal: its net quantities over the linking rows) and the rent
/// that plan earns; the coordinator mixes the proposals it has in a small master LP and sends the
/// master's valuations back.
///
/// Dantzig & Wolfe, "Decomposition principle for linear programs", Operations Research 8 (1960);
/// Kornai & Lipták, "Two-level planning", Econometrica 33 (1965); Malinvaud, "Decentralized
/// procedures for planning" (1967).
///
/// Master (over the proposals v_kt of council k):
///
///     max λ − P Σ s   s.t.  Σ_kt μ_kt v_kt − λ d + s ≥ base,  Σ_t μ_kt = 1,  λ, μ, s ≥ 0
///
/// (s: artificial slack, P raised tenfold while it stays in use), solved by a dense revised
/// simplex that keeps its basis between rounds (`DenseSimplex`): new proposals only need pricing in. Council k's pricing problem at
/// valuations π ≥ 0 is max π·M_k x over its box — for a council whose only private constraints
/// are capacities, every technique runs at capacity where it earns and not at all where it does
/// not. A technique without a capacity gets the bound the public limits imply (the council
/// computes it: limit / use per unit, over the limited resources it uses).
///
/// Certificate from reported numbers only: with π normalised to π·d = 1, weak duality gives the
/// bound −π·base + Σ_k rent_k(π) on the fulfilment; the plan is the mix of proposals (each council
/// mixes its own plans with the weights the coordinator sends), and the fulfilment and linking
/// residual are computed from the mixed quantities. Stop when the gap is within the tolerance.
extension Decomposition {
    static func dantzigWolfe(_ L: LinkingRows, _ cs: [Council], _ o: Options) -> Run {
        let m = L.count, K = cs.count
        let caps = cs.map { $0.effectiveCapacity(L) }
        // P must beat the value of λ per unit of slack: P · Σ d > 1, with room to spare.
        let otherTotal = L.other.reduce(0) { $0 + max(0, $1) }
        var penalty = 1e4 * max(1, 1 / max(1e-300, otherTotal))
        // Master columns (sparse): slacks s_i (0..<m), surpluses (m..<2m), λ, then proposals.
        var cols: [[(row: Int, value: Double)]] = [], costs: [Double] = []
        for i in 0..<m { cols.append([(i, 1)]); costs.append(penalty) }
        for i in 0..<m { cols.append([(i, -1)]); costs.append(0) }
        // λ ≥ 0 as in the central LP. Without other needs λ means nothing: it is held at 0, the run
        // only seeks feasibility and reports fulfilment 1 as the central planner does.
        let hasOther = L.other.contains { $0 != 0 }
        cols.append((0..<m).map { ($0, -L.other[$0]) }); costs.append(hasOther ? -1 : 0)
        let lambdaColumn = 2 * m
        // Every council starts with the idle plan (all techniques at 0).
        var proposals: [[(x: [Double], z: [Double], column: Int)]] = []
        for k in 0..<K {
            proposals.append([([Double](repeating: 0, count: cs[k].columnCount), [Double](repeating: 0, count: m), cols.count)])
            cols.append([(m + k, 1)]); costs.append(0)
        }
        let start = (0..<m).map { L.base[$0] >= 0 ? $0 : m + $0 } + (0..<K).map { proposals[$0][0].column }
        var master = DenseSimplex(b: L.base + [Double](repeating: 1, count: K), entries: cols, costs: costs, basis: start)
        var bestBound = Double.infinity
        var center: [Double]?
        var run = Run()
        var mixed = cs.map { _ in [Double](repeating: 0, count: m) }
        for round in 1...o.maxRounds {
            var outcome = master.solve()
            while outcome == .unbounded && penalty < 1e12 {
                penalty *= 10
                for i in 0..<m { master.setCost(i, penalty) }
                outcome = master.solve()
            }
            let x = master.solution, y = master.duals
            // Each council mixes its own plans with the weights it receives (normalised so that
            // the mix stays within its capacities).
            var activities = [[Double]]()
            for k in 0..<K {
                var weights = proposals[k].map { max(0, x[$0.column]) }
                let total = weights.reduce(0, +)
                if total > 0 { weights = weights.map { $0 / total } } else { weights[0] = 1 }
                var a = [Double](repeating: 0, count: cs[k].columnCount)
                var z = [Double](repeating: 0, count: m)
                for (t, w) in weights.enumerated() where w > 0 {
                    let p = proposals[k][t]
                    for j in a.indices { a[j] += w * p.x[j] }
                    for i in 0..<m { z[i] += w * p.z[i] }
                }
                activities.append(a); mixed[k] = z
            }
            let (achieved, residual) = L.certify(mixed)
            // Valuations back to the councils; their best plans and rents. Two sets: the master's
            // and, to damp the zig-zag of the master's valuations (Wentges 1997 smoothing), their
            // mean with the valuations that gave the best bound so far.
            let prices = (0..<m).map { max(0, y[$0]) }
            var priceSets = [prices]
            if let c = center { priceSets.append((0..<m).map { 0.5 * (c[$0] + prices[$0]) }) }
            var answers: [[(x: [Double], z: [Double], rent: Double)]] = []
            for p in priceSets {
                let a = parallelMap(K) { k in cs[k].bestPlan(prices: p, capacity: caps[k]) }
                answers.append(a)
                var pd = 0.0, pb = 0.0
                for i in 0..<m { pd += p[i] * L.other[i]; pb += p[i] * L.base[i] }
                if pd > 0 {
                    let bound = (a.reduce(0) { $0 + $1.rent } - pb) / pd
                    if bound < bestBound { bestBound = bound; center = p.map { $0 / pd } }
                }
            }
            let gap = bestBound - achieved
            run.rounds = round; run.lambda = x[lambdaColumn]; run.fulfilment = hasOther ? achieved : 1; run.residual = residual
            run.gap = gap.isFinite ? gap : .nan
            run.activitiesByCouncil = activities
            let done = residual <= o.tolerance && (!hasOther || gap.isFinite && gap <= o.tolerance * max(1, abs(achieved)))
            if round % o.historyEvery == 0 || done || round == o.maxRounds {
                run.history.append(Round(round: round, lambda: run.lambda, linkingResidual: residual,
                                         largest: L.imbalances(mixed, lambda: achieved, councils: cs.map(\.id))))
            }
            if done { run.converged = true; break }
            // New proposals that price out: reduced cost −(yᵀz + σ_k) < 0.
            var added = 0
            for (si, set) in answers.enumerated() {
                for k in 0..<K {
                    let a = set[k]
                    var value = y[m + k]
                    for i in 0..<m where a.z[i] != 0 { value += y[i] * a.z[i] }
                    // The master's own valuations must price the plan in; the smoothed ones need not.
                    guard si > 0 || value > 1e-9 * (1 + abs(y[m + k])) else { continue }
                    if proposals[k].contains(where: { $0.x == a.x }) { continue }
                    proposals[k].append((a.x, a.z, master.columnCount))
                    master.append(entries: (0..<m).map { ($0, a.z[$0]) } + [(m + k, 1)], cost: 0)
                    added += 1
                }
            }
            if added == 0 {
                var slack = 0.0
                for i in 0..<m { slack += x[i] }
                guard slack > 0 && penalty < 1e12 else { break }
                penalty *= 10
                for i in 0..<m { master.setCost(i, penalty) }
            }
        }
        return run
    }
}

extension Decomposition.Council {
    /// Capacities, with the bound the public limits imply for techniques without one: a
    /// technique can run no further than its use of a limited resource allows (limit / use per
    /// unit); one that uses no limited resource is bounded where its largest net quantity reaches
    /// 1000 times the largest right-hand side (σ units), so that proposals stay finite.
    func effectiveCapacity(_ L: LinkingRows) -> [Double] {
        (0..<columnCount).map { j in
            if capacity[j].isFinite { return capacity[j] }
            var cap = Double.infinity, largest = 0.0
            for p in colStart[j]..<colStart[j + 1] {
                let r = Int(rows[p]), v = vals[p]
                largest = max(largest, abs(v))
                if r >= L.productCount && v < 0 { cap = min(cap, max(0, L.base[r] / v)) }
            }
            if !cap.isFinite { cap = largest > 0 ? 1000 / largest : 0 }
            return cap
        }
    }

    /// The plan that earns most at valuations p within the capacities: every technique whose
    /// net value is positive at capacity, the rest idle; with its net quantities and its rent.
    func bestPlan(prices p: [Double], capacity cap: [Double]) -> (x: [Double], z: [Double], rent: Double) {
        var x = [Double](repeating: 0, count: columnCount)
        var rent = 0.0
        for j in 0..<columnCount {
            let g = value(j, prices: p)
            if g > 0 { x[j] = cap[j]; rent += g * cap[j] }
        }
        return (x, apply(x, rows: p.count), rent)
    }
}
