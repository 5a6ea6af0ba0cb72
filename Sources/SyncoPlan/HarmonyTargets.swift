import SyncoModel
import SyncoSparse
import Dispatch

/// Harmony's targets first. The harmony function weighs a shortfall against a surplus (slope 1
/// below the target, 0.01 above it), so its optimum misses a target whose unit costs over a
/// hundred times more of the binding limits, relative to its size, than the surplus it displaces,
/// even when every target could be met (realistic 10^5 with room to spare, fulfilment λ = 1.38:
/// 10 of 39 843 targets missed). With targets first (the default, `PlannerOptions.harmonyTargetsFirst`)
/// the plan is lexicographic: when every target can be met, every one is, and harmony is the best
/// among such plans; when they cannot all be met, the harmony function alone decides.
///
/// The lexicographic plan is the harmony LP's with the slopes below the targets multiplied by a
/// weight W (`Harmony.pieces(shortfallWeight:)`): an optimum of that LP that misses no target is
/// the lexicographic optimum (it meets every target, and any plan that meets every target has the
/// same weighted harmony below the targets, so it has the best harmony above them). W = 100
/// first, from the harmony function's own optimal program (its carriers, rows and basis: the
/// same targets and pieces, other slopes), then × 100 while targets are still missed, up to 10^6.
///
/// Whether every target can be met is the question λ ≥ 1 of the fulfilment plan (net ≥ g + λ·o).
/// The cheapest certificate at hand answers it; the first three before any solve, the others only
/// when the harmony function's plan misses a target:
/// 1. a plan that meets every target within the limits and capacities (the warm plan, or the plan
///    the last check found): yes;
/// 2. valuations p ≥ 0 of the products and w ≥ 0 of the limited resources (the last check's, the
///    warm plan's, the harmony plan's own) by weak duality: any plan with net ≥ g + λ·o has
///    λ·p·o + p·g ≤ p·net ≤ w·limits + Σ_j cap_j·max(0, p·K_j − w·R_j), so when that bound on λ
///    is below 1: no;
/// 3. the Leontief plan of the targets within every limit and capacity: yes;
/// 4. the weighted plan itself, when it misses no target: yes (while the question is open, its
///    first program's structure path gets twice the harmony function's time, at least 2 s);
/// 5. the fulfilment plan (certified): λ ≥ 1 or not.
/// What answered (a plan's activities, valuations) is kept with the harmony plan (`TargetsCheck`,
/// in-process) for the next re-plan's steps 1 and 2.
extension Harmony {
    /// What answered the question, kept with a harmony plan (in-process) for the next re-plan.
    struct TargetsCheck: Sendable {
        /// A plan that met every target (step 1 tries it again), or the fulfilment plan's.
        var activities: [Double]? = nil
        /// Valuations that bounded λ (products, then every resource in the economy's order).
        var productValuation: [Double]? = nil
        var resourceValuation: [Double]? = nil
    }

    static func solve(_ e: Economy, options: PlannerOptions, warmStart: Plan?) -> Plan {
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        let needs = FulfilmentNeeds(e)
        guard options.harmonyTargetsFirst, needs.other.contains(where: { $0 > 0 }) else {
            return solve(e, options: options, warmStart: warmStart, system: nil)
        }
        let m = e.techniqueCount
        let kept = warmStart?.targetsCheck
        var check = kept ?? TargetsCheck()
        // Why every target can be met (nil: not known yet), or that they cannot.
        var reachable: String? = nil, unreachable = false
        func bounded(_ p: [Double]?, _ w: [Double]?) -> Bool {
            guard let p, let w, p.count == e.productCount, w.count == e.resourceCount,
                  fulfilmentBound(needs, p: p, w: w) < 1 - 1e-6 else { return false }
            check = TargetsCheck(productValuation: p, resourceValuation: w)
            return true
        }
        if let x = kept?.activities, x.count == m, meetsEveryNeed(needs, x) {
            reachable = "the plan of the last check meets them"
        } else if let x = warmStart?.activities, x.count == m, meetsEveryNeed(needs, x) {
            reachable = "the warm plan meets them"
            check = TargetsCheck(activities: x)
        } else if bounded(kept?.productValuation, kept?.resourceValuation) || bounded(warmStart?.productValuation, warmStart?.resourceValuation) {
            unreachable = true
        }
        var system: LeontiefSystem? = nil
        if reachable == nil && !unreachable && options.leontiefStart {
            let sys = LeontiefSystem(e)
            system = sys
            if let x = Planner.leontiefFeasible(needs, demand: zip(needs.guaranteed, needs.other).map { $0 + $1 }, system: sys) {
                reachable = "their Leontief plan is within every limit and capacity"
                check = TargetsCheck(activities: x)
            }
        }
        // Whether every target can be met, by the fulfilment plan (certified); nil where not.
        var fulfilmentTried = false
        func fulfilmentDecides() -> String? {
            guard !fulfilmentTried, elapsed() < options.solver.timeLimit else { return nil }
            fulfilmentTried = true
            options.note?("harmony: can every target be met? solving the fulfilment plan")
            let f = Planner.solve(e, options: fulfilmentOptions(options, seconds: options.solver.timeLimit - elapsed()))
            guard f.status == .optimal else { return nil }
            check = TargetsCheck(activities: f.activities, productValuation: f.productValuation, resourceValuation: f.resourceValuation)
            if f.fulfilment >= 1 { return "fulfilment λ = \(f.fulfilment)" }
            unreachable = true
            return nil
        }
        // Targets first: the shortfall slopes weighted, from a program (`start`'s kept one). With
        // the question open (`known` nil) the weighted plan may answer it: missing no target, it
        // is its own certificate; else the fulfilment plan decides. The plan is nil when no
        // weighted program certifies with every target met (or not every target can be met);
        // `why` says so where every target can be met. `first`: a budget for the first weighted
        // program's structure path where the question is answered already (a cold solve
        // without the harmony function's plan); a try that does not certify in it gives nil
        // and no reason, and the caller goes the other way.
        func lexicographic(_ known: String?, from start: Plan?, plain: Plan?, budget first: Double? = nil) -> (plan: Plan?, why: String?) {
            var reason = known
            var weight = 100.0
            var from = start
            var stillMissed: Int? = nil
            var unfinished: String? = nil
            // While the question is open, the first weighted program gets a budget: its structure
            // path twice the harmony function's time (at least 2 s), and no first-order solve
            // after it. Where the weighted plan answers, it answers fast (10^4 with alternatives
            // for every product: 1 s, where the fulfilment plan takes 9 s); where it does not, the
            // fulfilment plan decides (10^5 with alternatives for 60 % of the products: λ = 0.75
            // in 26 s, where the weighted program's rounds had not finished at 300 s).
            var budget: Double? = reason == nil ? options.harmonyTargetsBudget ?? max(2, 2 * (plain?.seconds ?? 0)) : first
            func notDecided(_ what: String) -> String {
                "targets first not decided (\(what)): the harmony function's plan, which may miss targets that could be met"
            }
            // (Only within the time limit: the harmony function's plan stands otherwise.)
            while weight <= 1e6, elapsed() < options.solver.timeLimit {
                options.note?("harmony, targets first\(reason.map { ": every target can be met (\($0))" } ?? ""); shortfall slopes × \(Int(weight))")
                var wo = options
                wo.solver.timeLimit = options.solver.timeLimit - elapsed()
                let next = solve(e, options: wo, warmStart: from, shortfallWeight: weight, system: system,
                                 structureSeconds: budget.map { min($0, wo.solver.timeLimit) })
                if budget != nil, next.status != .optimal {
                    budget = nil
                    options.note?("harmony, targets first: the weighted program did not certify in its budget")
                    if known != nil { return (nil, nil) }
                    if let r = fulfilmentDecides() { reason = r; continue }
                    if unreachable { return (nil, nil) }
                    // The fulfilment plan did not certify either: the weighted program, with the time left.
                    unfinished = "the fulfilment plan did not certify"
                    continue
                }
                budget = nil
                guard next.status == .optimal, let h = next.harmony else {
                    unfinished = "the program with the shortfall slopes × \(Int(weight)) ended \(next.status.rawValue)"
                        + (elapsed() >= options.solver.timeLimit ? " at the time limit" : "")
                    break
                }
                if h.missed == 0 {
                    var plan = next
                    let why = reason ?? "this plan meets them"
                    plan.harmony?.targetsFirst = why
                    plan.message += "; targets first: every target can be met (\(why)), and harmony is the best among such plans"
                        + (plain.map { " (the harmony function's own optimum \($0.harmony!.harmony) missed \($0.harmony!.missed))" } ?? "")
                        + "; shortfall slopes × \(Int(weight))"
                    plan.iterations += plain?.iterations ?? 0
                    plan.seconds = elapsed()
                    plan.targetsCheck = check
                    return (plan, why)
                }
                if reason == nil {
                    guard let r = fulfilmentDecides() else {
                        return (nil, unreachable ? nil : notDecided(unfinished ?? "the fulfilment plan did not certify"))
                    }
                    reason = r
                }
                stillMissed = h.missed
                from = next
                weight *= 100
            }
            guard let reason else {
                // Whether every target can be met is not known: say that targets first did not finish.
                return (nil, unfinished.map(notDecided))
            }
            return (nil, "every target can be met (\(reason)), but " + (stillMissed.map { "with the shortfall slopes × 10^6 \($0) stay below their need by more than 1e-6" }
                ?? unfinished ?? "no program with the shortfalls weighted certified") + ": the harmony function's plan")
        }
        // Where every target can be met (known before any solve), the weighted program at once:
        // the harmony function's plan would be solved only to be set aside, and the weighted
        // program from its basis went through as many rounds as from its own start (realistic
        // 10^5 with room for every need: 3.9 s with the harmony function's plan first, 3.1 s
        // without). A re-plan starts it from the kept program; a cold solve gives its
        // structure path a budget (`harmonyTargetsBudget`, else a quarter of the time limit,
        // 2–60 s), and where it does not certify in it, the harmony function's plan comes first
        // as below. (Not where the sparse simplex takes the LP over — a harmony LP of at most
        // `harmonySimplexRows` rows, or a re-plan of a plan it solved, from its kept basis —
        // which a budgeted try leaves out.) Where the weighted programs certified but still
        // missed targets, or ran out of time, that is said, and not tried again.
        var directWhy: String? = nil
        if let reachable {
            let kept = warmStart?.harmonyState != nil
            let lpRows = e.productCount + needs.limitedResources.count + 3 * targetsOf(needs).targets.count
            let simplexSized = options.leontiefStart && lpRows <= options.harmonySimplexRows
            if kept || (warmStart?.harmonyBasis == nil && !simplexSized) {
                let first = kept ? nil : options.harmonyTargetsBudget ?? min(60, max(2, 0.25 * options.solver.timeLimit))
                let result = lexicographic(reachable, from: warmStart, plain: nil, budget: first)
                if let plan = result.plan { return plan }
                directWhy = result.why
            }
        }
        // The harmony function's own plan, in the time left.
        var po = options
        po.solver.timeLimit = max(0, options.solver.timeLimit - elapsed())
        var plan = solve(e, options: po, warmStart: warmStart, system: system)
        plan.targetsCheck = check
        guard plan.status == .optimal, let missed = plan.harmony?.missed else { return plan }
        if missed == 0 {
            plan.harmony?.targetsFirst = "the harmony function's plan meets every target"
            return plan
        }
        if reachable == nil && !unreachable && bounded(plan.productValuation, plan.resourceValuation) { unreachable = true }
        var why: String? = nil
        if !unreachable {
            if let directWhy {
                why = directWhy
            } else {
                let result = lexicographic(reachable, from: plan, plain: plan)
                if let best = result.plan { return best }
                why = result.why
            }
        }
        plan.targetsCheck = check
        if unreachable {
            options.note?("harmony: not every target can be met; the harmony function's plan stands")
        } else if let why {
            plan.message += "; \(why)"
        }
        plan.seconds = elapsed()
        return plan
    }

    /// The options of a fulfilment plan solved on the way to a harmony plan: the same tolerance,
    /// no progress lines of its own, `seconds` of time, and the default iteration limit (the one
    /// given is the harmony plan's first-order solve's).
    static func fulfilmentOptions(_ options: PlannerOptions, seconds: Double) -> PlannerOptions {
        var fo = options
        fo.mode = .fulfilment
        fo.note = nil
        fo.solver.progress = nil
        fo.solver.timeLimit = seconds
        fo.solver.maxIterations = PlannerOptions().solver.maxIterations
        return fo
    }

    /// Whether activities x meet every need in full (net ≥ g + o, every other net output ≥ 0)
    /// within every capacity and limit.
    static func meetsEveryNeed(_ needs: FulfilmentNeeds, _ x: [Double]) -> Bool {
        let e = needs.economy
        let cap = e.techniques.capacity
        for j in x.indices where !(x[j] >= 0 && x[j] <= cap[j] * (1 + 1e-12)) { return false }
        let (net, use) = Planner.flows(e, x)
        for (k, r) in e.resources.enumerated() { if let l = r.limit, use[k] > l * (1 + 1e-12) { return false } }
        for i in net.indices {
            let t = needs.guaranteed[i] + needs.other[i]
            if !(net[i] >= t - 1e-9 * t) { return false }
        }
        return true
    }

    /// An upper bound on the fulfilment λ from valuations p ≥ 0 of the products and w ≥ 0 of the
    /// resources (weak duality; only the limited resources' w count): for every plan with
    /// net ≥ g + λ·o, λ ≤ (w·limits + Σ_j x̄_j·max(0, p·K_j − w·R_j) − p·g) / p·o, x̄_j the most
    /// technique j can run (its capacity, and each limited resource's limit over its use). ∞ when
    /// a technique that can run without end profits at these valuations, or p·o is not positive.
    static func fulfilmentBound(_ needs: FulfilmentNeeds, p: [Double], w: [Double]) -> Double {
        let e = needs.economy, t = e.techniques
        var wl = [Double](repeating: 0, count: e.resourceCount)
        let most = Planner.mostActivity(e)
        var room = 0.0
        for r in needs.limitedResources {
            wl[r] = max(0, w[r])
            room += wl[r] * e.resources[r].limit!
        }
        for j in 0..<t.count {
            var profit = 0.0
            for q in t.outputs.range(j) { profit += t.outputs.amount[q] * max(0, p[Int(t.outputs.index[q])]) }
            for q in t.inputs.range(j) { profit -= t.inputs.amount[q] * max(0, p[Int(t.inputs.index[q])]) }
            for q in t.resources.range(j) { profit -= t.resources.amount[q] * wl[Int(t.resources.index[q])] }
            guard profit > 0 else { continue }
            // (A profit of rounding size on a technique without capacity is bounded so too;
            // without a capacity or a limited resource it can run without end.)
            guard most[j].isFinite else { return .infinity }
            room += profit * most[j]
        }
        var pg = 0.0, po = 0.0
        for i in p.indices {
            pg += max(0, p[i]) * needs.guaranteed[i]
            po += max(0, p[i]) * needs.other[i]
        }
        guard po > 0, room.isFinite else { return .infinity }
        return (room - pg) / po
    }
}
