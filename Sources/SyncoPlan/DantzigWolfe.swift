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
/// (s: artificial slack, P raised tenfold while it stays in use), solved by the sparse simplex
/// from the last round's basis (`SparseMaster`): new proposals only need pricing in. Council k's
/// pricing problem at valuations π ≥ 0 is max π·M_k x over its box — for a council whose only
/// private constraints are capacities, every technique runs at capacity where it earns and not
/// at all where it does not. A technique without a capacity gets the bound the public limits
/// imply (the council computes it: limit / use per unit, over the limited resources it uses).
///
/// Certificate from reported numbers only: with π normalised to π·d = 1, weak duality gives the
/// bound −π·base + Σ_k rent_k(π) on the fulfilment; the plan is the mix of proposals (each council
/// mixes its own plans with the weights the coordinator sends), and the fulfilment and linking
/// residual are computed from the mixed quantities. Stop when the gap is within the tolerance.
extension Decomposition {
    /// In one process: the coordinator is `DWCoordinator` (the same step machine networked
    /// councils talk to); each council keeps its own plans and answers with `bestPlan`.
    static func dantzigWolfe(_ L: LinkingRows, _ cs: [Council], _ o: Options) -> Run {
        let K = cs.count
        let caps = cs.map { $0.effectiveCapacity(L) }
        var coordinator = DWCoordinator(rows: L, councils: K, privateNeeds: cs.map(\.hasInternalNeeds))
        // Each council's plans, by the id it gave them (0 = idle).
        var plans = cs.map { [[Double](repeating: 0, count: $0.columnCount)] }
        var run = Run()
        for round in 1...o.maxRounds {
            let sets = coordinator.priceSets
            let best = sets.map { p in parallelMap(K) { k in cs[k].bestPlan(prices: p, capacity: caps[k]) } }
            var answers: [[DWCoordinator.Answer]?] = []
            for k in 0..<K {
                var list: [DWCoordinator.Answer] = []
                for s in sets.indices {
                    let a = best[s][k]
                    let id = plans[k].firstIndex(of: a.x) ?? { plans[k].append(a.x); return plans[k].count - 1 }()
                    list.append(.init(plan: id, z: a.z, rent: a.rent))
                }
                answers.append(list)
            }
            // The plan each council holds this round: its mix of proposals with the weights sent.
            let weights = coordinator.weights, mixed = coordinator.mixed
            run.lambda = coordinator.lambda
            run.fulfilment = coordinator.fulfilment
            run.residual = coordinator.residual
            let over = coordinator.advance(answers: answers, tolerance: o.tolerance)
            run.rounds = round
            let gap = coordinator.bestBound - L.certify(mixed).fulfilment
            run.gap = gap.isFinite ? gap : .nan
            run.activitiesByCouncil = (0..<K).map { k in
                var a = [Double](repeating: 0, count: cs[k].columnCount)
                for (plan, w) in weights[k] where plan >= 0 { for j in a.indices { a[j] += w * plans[k][plan][j] } }
                return a
            }
            if over { run.converged = !coordinator.stalled }
            if round % o.historyEvery == 0 || over || round == o.maxRounds {
                run.history.append(Round(round: round, lambda: run.lambda, linkingResidual: run.residual,
                                         largest: L.imbalances(mixed, lambda: run.fulfilment, councils: cs.map(\.id))))
            }
            if over { break }
        }
        return run
    }
}

extension Decomposition.Council {
    /// Capacities, with the bound the public limits imply for techniques without one: a
    /// technique can run no further than its use of a limited resource allows (limit / use per
    /// unit); one that uses no limited resource is bounded where its largest net quantity reaches
    /// 1000 times the largest right-hand side (σ units), so that proposals stay finite.
    public func effectiveCapacity(_ L: LinkingRows) -> [Double] {
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
    public func bestPlan(prices p: [Double], capacity cap: [Double]) -> (x: [Double], z: [Double], rent: Double) {
        var x = [Double](repeating: 0, count: columnCount)
        var rent = 0.0
        for j in 0..<columnCount {
            let g = value(j, prices: p)
            if g > 0 { x[j] = cap[j]; rent += g * cap[j] }
        }
        return (x, apply(x, rows: p.count), rent - internalValue(p))
    }
}
