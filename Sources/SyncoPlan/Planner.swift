import SyncoModel
import SyncoSparse
import Dispatch

public struct PlannerOptions: Sendable {
    public enum Mode: String, Sendable, CaseIterable { case fulfilment, harmony }
    public var mode: Mode = .fulfilment
    public var solver = PDHGOptions()
    /// Start cold solves from a Leontief plan scaled to fit the limits (planning structure).
    public var leontiefStart = true
    /// While the solver runs, try now and then to solve the basis its iterate suggests exactly
    /// (`BasisPolish`); the first such vertex that meets the tolerance ends the solve.
    public var basisPolish = true
    /// Progress of the structure paths (one line per round), for the caller's log.
    public var note: (@Sendable (String) -> Void)? = nil
    /// Several periods: programs with at most this many rows may be solved by the sparse
    /// simplex (`SparseSimplex`) when `keepBasis` asks for a basis or a warm start carries one.
    /// Larger ones, whose Leontief blocks fill the LU, only use the first-order solver (measured
    /// on `synco rollout`: at 1 536 rows a cold window takes 0.28 s by pivots, 0.44 s by the
    /// first-order solver; at 5 000 rows 6.1 s against 3.1 s). 0 (the default) turns the
    /// simplex off: its vertex plans keep no buffers, docs/multiperiod.md.
    public var simplexRows = 0
    /// Several periods: solve by the simplex (within `simplexRows`) so that the plan carries an
    /// optimal basis for warm starts (`synco rollout`).
    public var keepBasis = false
    /// Several periods: when the structure methods stop short with a feasible plan and the
    /// time-expanded program has at most this many rows (and at most an eighth of them
    /// products per period), the sparse simplex starts from that plan's vertex, within half of
    /// the time left (at most two minutes), before the first-order solver is tried (0: never).
    /// Its LU fills in each period's Leontief block, so larger programs are left to the
    /// first-order solver (docs/multiperiod.md, "From the structure methods' vertex").
    public var crossoverRows = 12_000
    /// Several periods: plan the time-expanded economy (`TimeExpansion`: products and
    /// techniques per period, storage, investment, capital and natural stocks as techniques)
    /// with the one-period structure methods first; the time-expanded program and the
    /// first-order solver only where that does not certify.
    public var timeExpansion = true
    /// The certificate that decides: when set, it replaces the plan's own (`PlanCertificate`)
    /// wherever the planner checks a point. A plan over time solved as its time-expanded
    /// economy is checked against the v2 economy itself this way (the v1 certificate of the
    /// expanded economy has no a-priori bounds for storage and investment, so its gap stays
    /// infinite while any of them has a positive reduced profit).
    public var certify: (@Sendable (Plan) -> PlanCertificate)? = nil
    /// Whether the first-order solver takes over where the structure methods do not certify
    /// (else the plan comes back `stopped` with their best point; a plan over time then
    /// solves its own time-expanded program, on which the solver converges more evenly).
    public var solverFallback = true
    /// Harmony mode: when every target can be met (fulfilment λ ≥ 1), meet them all and
    /// maximise harmony over the surplus; when not, the harmony function alone decides
    /// (`Harmony`, HarmonyTargets.swift). False: the harmony function decides always, and may
    /// miss a target that is dear to meet even when all could be met.
    public var harmonyTargetsFirst = true
    /// Targets first, while it is open whether every target can be met: the seconds the first
    /// weighted program's structure path gets before the fulfilment plan decides instead. Nil:
    /// twice the harmony function's time, at least 2 s.
    public var harmonyTargetsBudget: Double? = nil
    /// Harmony's structure path: the bytes its program may hold in its rows' weights and G (a
    /// mixing step takes in as many columns as fit; row generation past four times it fails the
    /// program, and the plan goes to PDHG from the fulfilment plan's point). 2 GiB.
    public var harmonyProgramMemory = 1 << 31
    /// Harmony: an LP of at most this many rows (products, limited resources, three per
    /// target) that the structure path does not certify (within ten seconds and with at most a
    /// quarter of the products as rows, at least 64) is solved by the sparse simplex, with half
    /// the time left (at most ten minutes), before any first-order solve; not where
    /// `leontiefStart` is off (PDHG alone). 25 000: three workplaces per technique, LPs of
    /// 6 673 / 10 902 / 21 932 rows took 11 / 47 / 378 s here (10^4 products, the last: no
    /// other method finishes); realistic economies with one workplace per technique are
    /// certified by the structure path within its ten seconds at these sizes. 0: never.
    public var harmonySimplexRows = 25_000
    public init() {}
}

/// Plans an economy: checks boundedness and the feasibility of guaranteed needs, solves the
/// fulfilment LP with `PDHGSolver`, extracts valuations and certifies the result with
/// `PlanCertificate` (independent code). See `FulfilmentProblem` for the LP.
public enum Planner {
    public static func solve(_ e: Economy, options: PlannerOptions = PlannerOptions(), warmStart: Plan? = nil) -> Plan {
        if options.mode == .harmony { return Harmony.solve(e, options: options, warmStart: warmStart) }
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        let needs = FulfilmentNeeds(e)
        // The LP itself is built only when the solver (or the infeasibility diagnosis) needs it.
        var built: FulfilmentProblem? = nil
        // The structure paths' polish of this program (`basisPolish`).
        var polishCache: BasisPolish? = nil
        // A re-plan whose kept basis no longer fits runs policy iteration on the check's polish
        // (`stalePolish`), whose program keeps the warm plan's λ column: patching it copies K and
        // Kᵀ (0.3 s of a 2.1–2.4 s re-plan at realistic 10^6). The warm plan's polish
        // (`deferredKept`) is patched for these needs only when the program itself is wanted.
        var stalePolish: BasisPolish? = nil
        var deferredKept: BasisPolish? = nil
        // A polish patched for these needs: its program is this solve's.
        func adopt(_ bp: BasisPolish) {
            built = FulfilmentProblem(needs: needs, lp: bp.lp, columns: bp.columns)
            polishCache = bp
            deferredKept = nil
        }
        // A warm plan's polish, patched for these needs, when its program's shape still fits:
        // then the LP is not built again.
        func reusePolish(_ kept: BasisPolish) {
            if built == nil, let bp = kept.renewed(for: needs) { adopt(bp) }
        }
        func patchDeferred() {
            if let k = deferredKept { deferredKept = nil; reusePolish(k) }
        }
        func problem() -> FulfilmentProblem {
            patchDeferred()
            if let b = built { return b }
            let b = FulfilmentProblem(needs)
            built = b
            return b
        }
        let n = e.productCount, m = e.techniqueCount

        // 1. Unbounded? Only techniques with no capacity and no use of a limited resource can
        //    grow without end; a ray of them that makes every other need is a certificate.
        if let ray = unboundedRay(needs, options: options) {
            var plan = emptyPlan(e, status: .unbounded, seconds: elapsed())
            plan.fulfilment = .infinity
            plan.activities = ray
            plan.message = "unbounded: techniques without capacity or limited resources (\(ray.indices.filter { ray[$0] > 1e-9 }.prefix(5).map { e.techniques.ids[$0] }.joined(separator: ", "))) can meet every non-guaranteed need in any proportion; set a limit on a resource they use"
            return plan
        }

        // The caller's certificate where it has one (a plan over time checks the plan of its
        // time-expanded economy against the v2 economy).
        func checked(_ plan: Plan) -> Plan {
            guard let certify = options.certify else { return plan }
            var p = plan
            p.certificate = certify(plan)
            return p
        }
        // A certified point found without the solver, with the plan built from it; `accept`
        // hands BasisPolish the certificate and keeps the plan it built.
        var acceptedPlan: Plan? = nil
        let tolerance = options.solver.tolerance
        // The plan of a point, checked. Where only its valuations fail (a degenerate vertex
        // whose basis leaves techniques below capacity earning a crumb), the valuations lowered
        // to cost of production (`DualRepair`) are checked too, and kept when their gap is
        // smaller, even outside the tolerance: a plan that stops short reports them (10 × 10^5
        // products: gap 9.8e-6 instead of 0.11). The last point checked is remembered: the
        // pivots' last vertex comes back as the stopped plan, and the repair takes seconds at
        // 10^6 techniques.
        // While the structure paths still search (`searching`), a point whose gap is above 1e-3
        // gets two sweeps of repair, not 200: lowering valuations far from optimal may take one
        // sweep (realistic 10^6, seed 1: gap 0.08, 0.4 s, certified) or many, each a pass of
        // scattered reads over all techniques, and then mostly still fails (seed 4: gap 0.24,
        // 22 sweeps, 11 s, failed at 2e-6; realistic 10^5, seeds 4 and 10: gaps 0.03 and 0.06,
        // 16–17 sweeps, 0.5 s each, one failed), while a round of policy iteration costs a
        // fraction of that. Near-optimal points take one sweep.
        var lastChecked: (x: [Double], y: [Double], plan: Plan, limited: Bool)? = nil
        func checkedPoint(_ x: [Double], _ y: [Double], searching: Bool = false) -> Plan {
            if let c = lastChecked, c.x == x, c.y == y, !c.limited || searching { return c.plan }
            var plan = checked(extract(needs, x: x, y: y))
            let limited = searching && plan.certificate.gap > 1e-3
            let passes = limited ? 2 : 200
            if !plan.certificate.passes(tolerance), plan.certificate.primalFeasible(tolerance) {
                let r0 = DispatchTime.now().uptimeNanoseconds
                // (K's product rows list each product's users; a stale λ column is not read.)
                if let r = DualRepair.lowered(needs, activities: x, valuations: y, passes: passes, program: (built?.lp ?? stalePolish?.lp)?.matrix) {
                    let again = checked(extract(needs, x: x, y: r.valuations))
                    let took = Double(DispatchTime.now().uptimeNanoseconds - r0) / 1e9
                    options.note?("valuations lowered to cost of production (\(Int(r.sweeps.rounded())) sweeps' work, \((took * 1000).rounded() / 1000) s): gap \(plan.certificate.gap) → \(again.certificate.gap), dual residual \(plan.certificate.dualResidual) → \(again.certificate.dualResidual)")
                    if again.certificate.passes(tolerance) || again.certificate.gap < plan.certificate.gap { plan = again }
                } else if limited {
                    options.note?("valuations not repaired within \(passes) sweeps (gap \(plan.certificate.gap)): the search goes on")
                }
            }
            lastChecked = (x, y, plan, limited)
            return plan
        }
        let accept: ([Double], [Double]) -> Bool = { x, y in
            let plan = checkedPoint(x, y, searching: true)
            guard plan.certificate.passes(tolerance) else { return false }
            acceptedPlan = plan
            return true
        }
        func certified(_ x: [Double], _ y: [Double], _ st: LeontiefStructure?, _ how: String, searching: Bool = false) -> Plan? {
            var plan: Plan
            if let a = acceptedPlan, a.fulfilment == x[m], a.activities.elementsEqual(x.prefix(m), by: { $0 == max(0, $1) }) {
                plan = a
            } else {
                plan = checkedPoint(x, y, searching: searching)
                guard plan.certificate.passes(tolerance) else { return nil }
            }
            plan.structure = st
            plan.techniqueKey = techniqueKey()
            plan.status = .optimal
            plan.seconds = elapsed()
            plan.message = "optimal: \(how); relative residuals and gap within \(tolerance)"
            return plan
        }

        // The square Leontief system: reused from the warm plan when the techniques are the same.
        let hasGuaranteed = needs.guaranteed.contains { $0 > 0 }
        var key: TechniqueKey? = nil
        func techniqueKey() -> TechniqueKey {
            if let k = key { return k }
            let k = LeontiefStructure.fingerprint(e.techniques, kept: warmStart?.techniqueKey)
            key = k
            return k
        }
        func techniqueFingerprint() -> UInt64 { techniqueKey().fingerprint }
        func basisPolish() -> BasisPolish {
            patchDeferred()
            if let b = polishCache { return b }
            let p = problem()
            let b = BasisPolish(needs, lp: p.lp, columns: p.columns)
            polishCache = b
            return b
        }
        // 1a. A re-plan of the same techniques: the warm plan's optimal basis first. If it is
        //     still optimal (often, when only needs moved), one forward and one transposed
        //     Leontief solve from the kept solutions certify the new plan; else pivots from it.
        // When it is not, the kept basis itself, its system and forward solutions start policy
        // iteration (step 5): the structure's system would be patched for every product
        // switched since (realistic 10^6: round 1 1.8 s instead of 1.2 s for a cold solve, and
        // warm slower than cold overall). (The technique choice read back from the warm plan's
        // activities, `startBasis`, can differ from the kept basis in a few carriers, at a
        // technique's capacity: at realistic 10^6, seed 2, its first round patched the kept
        // system, 0.25 s, and solved it again from the kept solutions, 0.29 s.)
        var keptStart: (system: LeontiefSystem, forward: [Double], basis: BasisPolish.Basis)? = nil
        // The warm plan's basis: kept in it (a re-plan in the same process), else rebuilt from its
        // activities (a plan read from a file, or stored by the server before a restart), on this
        // economy's own program — the rebuilt vertex costs its carriers' Leontief system, and the
        // certificate decides as for a kept one.
        // (`rebuilt`: its polish is this economy's, built for these needs.)
        func warmVertex() -> (vertex: BasisPolish.Vertex, rebuilt: Bool)? {
            // (Its resource rows are places among the limited resources: the same ones only.)
            if let v = warmStart?.vertex, v.basis.primary.count == n, v.basis.state.count == m, v.fingerprint == techniqueFingerprint(),
               v.polish.needs.limitedResources == needs.limitedResources {
                return (v, false)
            }
            // (A plan the decomposition over resource prices made keeps its technique choices
            // instead: step 1b. With one technique per product and no capacity, the structure
            // path of step 4 is that vertex's solve without building the program: a rebuild
            // costs more than it saves — uniform 10^5: 79 ms against a cold solve's 60 ms.)
            // Only an optimal plan's activities lie on a vertex (a stopped solver's iterate does not).
            guard let w = warmStart, w.status == .optimal, w.prices == nil, w.activities.count == m, w.fulfilment.isFinite, w.fulfilment > 0,
                  m > n || e.techniques.capacity.contains(where: { $0.isFinite }) else { return nil }
            var v = basisPolish().vertex(fromActivities: w.activities + [w.fulfilment],
                                         resourceValuation: w.resourceValuation.count == e.resourceCount ? w.resourceValuation : nil,
                                         dual: w.productValuation)
            if v == nil { options.note?("the warm plan's activities do not lie on a vertex this re-plan can rebuild") }
            v?.fingerprint = techniqueFingerprint()
            return v.map { ($0, true) }
        }
        if options.basisPolish, let (v, rebuilt) = warmVertex() {
            // Its solve for these needs, in policy iteration's layout (guaranteed and other
            // needs; the basis solve's second column is λ's, −o).
            let keep: (LeontiefSystem, [Double]) -> Void = { sys, forward in
                guard v.extras.isEmpty, forward.count == 2 * n else { return }
                var f = forward
                for i in 0..<n { f[2 * i + 1] = -f[2 * i + 1] }
                keptStart = (sys, f, v.basis)
            }
            // The kept basis alone first, on the warm plan's program with these bounds and λ's
            // column unpatched (patching it copies the whole matrix twice: at realistic 10^6,
            // 0.5–0.7 s of a 1.2–1.4 s re-plan whose kept basis fits). Only when it does not
            // certify is the program patched, for the pivots or the later steps.
            var kept = v
            var pivotsFromKept = true
            // The warm plan's valuations, scaled so that the new needs are worth one (λ's dual
            // equation). With the technique choice unchanged they price every technique as
            // before (none pays), and where one limit binds they are the new basis' valuations,
            // already lowered to cost of production for the warm plan: checked first, before
            // the basis' transposed solve (0.2–0.3 s at realistic 10^6) and the lowering of its
            // valuations (one sweep: 15 ms at realistic 10^5, 0.6 s at 10^6).
            var keptValuations: (([Double]) -> [Double]?)? = nil
            if let w = warmStart, w.status == .optimal, w.productValuation.count == n, w.resourceValuation.count == e.resourceCount {
                var worth = 0.0
                for i in 0..<n where needs.other[i] != 0 { worth += needs.other[i] * w.productValuation[i] }
                if worth > 0, worth.isFinite {
                    let ky = w.productValuation.map { $0 / worth } + needs.limitedResources.map { w.resourceValuation[$0] / worth }
                    keptValuations = { x in
                        let plan = checked(extract(needs, x: x, y: ky))
                        options.note?("the warm plan's valuations, scaled to these needs: gap \(plan.certificate.gap), dual residual \(plan.certificate.dualResidual)")
                        guard plan.certificate.passes(tolerance) else { return nil }
                        acceptedPlan = plan
                        return ky
                    }
                }
            }
            let light = rebuilt ? v.polish : v.polish.renewedForCheck(for: needs)
            if let light {
                switch light.keptCheck(v, valuations: keptValuations, accept: accept, note: options.note, firstSolve: keep) {
                case .certified(let z):
                    if var vertex = z.vertex, var plan = certified(z.x, z.y, warmStart?.structure, "the warm plan's basis, re-solved") {
                        vertex.fingerprint = v.fingerprint
                        plan.vertex = vertex
                        return plan
                    }
                case .infeasible:
                    pivotsFromKept = false
                case .feasible(let forward, let dual):
                    kept.forward = forward
                    kept.dual = dual
                }
            }
            if !pivotsFromKept, !rebuilt, let light, keptStart != nil {
                // Policy iteration (step 5) from the kept basis, on the check's polish.
                stalePolish = light
                deferredKept = v.polish
            } else {
                reusePolish(v.polish)
                let bp = basisPolish()
                if pivotsFromKept,
                   let z = bp.pivots(v.basis, resourceRows: v.resourceRows, capacityRows: v.capacityRows, extras: v.extras,
                                     maxPivots: 40, tolerance: tolerance, accept: accept, kept: kept, note: options.note, firstSolve: keep),
                   z.certified, var vertex = z.vertex,
                   var plan = certified(z.x, z.y, warmStart?.structure, z.pivots == 0 ? "the warm plan's basis, re-solved" : "the warm plan's basis and \(z.pivots) pivots") {
                    vertex.fingerprint = v.fingerprint
                    plan.vertex = vertex
                    return plan
                }
            }
        }

        // 1b. A re-plan of a plan the decomposition over resource prices made: its master
        //     starts from the kept technique choices (their columns for the new needs cost no
        //     solve) at the prices they give; when the same choices stay cheapest only the
        //     mixture is solved again, from the kept solutions.
        if options.basisPolish, let kept = warmStart?.prices, kept.fingerprint == techniqueFingerprint(),
           kept.choices.last?.primary.count == n {
            reusePolish(kept.polish)
            let bp = basisPolish()
            // The kept choices, not this start, begin policy iteration.
            if let d = bp.resourcePrices(bp.structureBasis(), prices: nil, tolerance: tolerance, seconds: max(0, options.solver.timeLimit - elapsed()) / 2,
                                         kept: kept, note: options.note),
               accept(d.x, d.y),
               var plan = certified(d.x, d.y, warmStart?.structure,
                                    "the warm plan's technique choices, decomposition over the resource prices (\(d.rounds) rounds)") {
                var prices = d.state
                prices.fingerprint = kept.fingerprint
                plan.prices = prices
                return plan
            }
        }

        var structure: LeontiefStructure? = nil
        if hasGuaranteed || options.leontiefStart {
            let fp = techniqueFingerprint()
            if let s = warmStart?.structure, s.fingerprint == fp, s.system.a.rows == n {
                structure = s
            } else {
                structure = LeontiefStructure(fingerprint: fp, system: LeontiefSystem(e))
            }
        }

        // 2. Can the guaranteed needs be met at all?
        var start: [Double]? = nil
        // A plan that meets them for sure (the Leontief plan; none needed without them).
        var guaranteedMet: [Double]? = hasGuaranteed ? nil : [Double](repeating: 0, count: m)
        if hasGuaranteed {
            // A re-plan of the same techniques starts from the kept gross outputs, moved by the
            // change of the guaranteed needs (at realistic 10^6 the solve from nothing took 0.27 s).
            let st = structure!
            var initial = st.grossGuaranteed
            if let g = initial, let d0 = st.demandGuaranteed { initial = st.system.restart(from: g, demand: d0, for: needs.guaranteed) ?? g }
            if let (xg, gross) = leontiefFeasiblePlan(needs, demand: needs.guaranteed, system: st.system, initial: initial) {
                start = xg
                guaranteedMet = xg
                structure!.grossGuaranteed = gross
                structure!.demandGuaranteed = needs.guaranteed.contains { $0 < 0 } ? nil : needs.guaranteed
            } else {
                // Without the solver here, the caller's own program decides feasibility (and
                // names the conflict in its terms).
                guard options.solverFallback else {
                    var plan = emptyPlan(e, status: .stopped, seconds: elapsed())
                    plan.message = "stopped: the guaranteed needs are not met by the Leontief plan; feasibility is left to the caller"
                    return plan
                }
                // A guaranteed need that no plan can make at all (a capacity of 0 upstream of
                // it) is proved so exactly, before any solve (`Producibility`).
                if let d = unproducibleGuaranteed(e, needs) {
                    var plan = emptyPlan(e, status: .infeasible, seconds: elapsed())
                    plan.diagnosis = d.diagnosis
                    plan.message = describe(d.diagnosis, e) + d.note
                    return plan
                }
                if let d = guaranteedBeyondALimit(e, needs, system: st.system, options: options) {
                    var plan = emptyPlan(e, status: .infeasible, seconds: elapsed())
                    plan.diagnosis = d
                    plan.message = describe(d, e) + beyondALimitNote(d, e)
                    return plan
                }
                let phase1 = minimumShortfall(problem(), options: options)
                if let d = phase1.diagnosis {
                    var plan = emptyPlan(e, status: .infeasible, seconds: elapsed())
                    plan.diagnosis = d
                    plan.activities = phase1.x
                    plan.iterations = phase1.iterations
                    plan.message = describe(d, e)
                    return plan
                }
                start = phase1.x
            }
        }

        // Every non-guaranteed need is zero or below (and some below): a larger λ only asks
        // less, so a plan that meets the guaranteed needs meets g + λ·o for every λ ≥ 0 (PDHG
        // ran to its iteration limit on such an economy, 2 000 000 iterations, and said
        // `stopped`). Only with such a plan in hand (the Leontief plan of step 2, or none needed):
        // phase 1's point is no proof. The activities are that plan; the ray is λ alone.
        if needs.lambdaUpper == .infinity, !needs.other.contains(where: { $0 > 0 }), let x = guaranteedMet {
            var plan = emptyPlan(e, status: .unbounded, seconds: elapsed())
            plan.fulfilment = .infinity
            plan.activities = x
            plan.message = "unbounded: every non-guaranteed need is zero or negative, so λ only lowers what is asked and grows without end; the activities meet the guaranteed needs"
            return plan
        }

        // 3. Without capacities and with several limited resources, the decomposition over
        //    resource prices (BasisPolish.resourcePrices) comes first: it handles any number of
        //    binding resources, where policy iteration and pivots take one binding limit at a
        //    time, and when a single resource binds it finds step 4's Leontief plan too, so
        //    step 4's solves are skipped when it certifies. (With one limited resource, policy
        //    iteration is the same and keeps a basis.)
        // The polish (and the LP it holds) is built, once, only when a structure path needs it.
        func polish() -> BasisPolish? { options.basisPolish ? basisPolish() : nil }
        // A warm plan's own technique choice is the start when it fits this economy.
        func startBasis(_ bp: BasisPolish) -> BasisPolish.Basis {
            warmStart.flatMap { $0.activities.count == m ? bp.basis(from: $0.activities) : nil } ?? bp.structureBasis()
        }
        var policy: BasisPolish.Outcome? = nil
        if needs.limitedResources.count > 1, !e.techniques.capacity.contains(where: { $0.isFinite }),
           let bp = polish(), let d = bp.resourcePrices(startBasis(bp), prices: nil, tolerance: tolerance, seconds: max(0, options.solver.timeLimit - elapsed()) / 2,
                                     note: options.note),
           accept(d.x, d.y) {
            policy = BasisPolish.Outcome(x: d.x, y: d.y, rounds: d.rounds, certified: true, priceRounds: d.rounds, prices: d.state)
        }
        // 4. Structure first: the Leontief plan scaled into the limits and, when one limited
        //    resource binds it, the valuations of that resource embodied in each product
        //    (a transposed Leontief solve). By the non-substitution theorem this pair is optimal
        //    whenever no alternative technique is cheaper in that resource and no capacity
        //    binds; the certificate decides, and if it fails the pair is the solver's start.
        //    A warm plan of the same techniques supplies the system and the solves' starting
        //    points; if the structure does not certify, its activities and valuations are the
        //    solver's start.
        var warm: (x: [Double], y: [Double])? = nil
        if policy == nil, options.leontiefStart, var st = structure, let s = leontiefStart(needs, guaranteedActivity: start, structure: &st) {
            warm = (s.x, [Double](repeating: 0, count: needs.rows))
            if let y = embodiedValuations(needs, binding: s, structure: &st) {
                if let plan = certified(s.x, y, st, "Leontief plan with \(e.resources[s.bindingResource!].id) binding, valuations embodied in it",
                                        searching: options.basisPolish) {
                    return plan
                }
                warm = (s.x, y)
            }
            structure = st
        }
        // The structure path's solutions of the guaranteed and the other needs, interleaved: the
        // first round's forward solve starts from them (same carriers when it starts from the
        // primary techniques).
        func structureForward() -> [Double]? {
            guard let st = structure, let go = st.grossOther, go.count == n else { return nil }
            var u = [Double](repeating: 0, count: 2 * n)
            let sys = st.system
            if let xg = start {
                guard xg.count >= m else { return nil }
                for i in 0..<n where sys.primaryTechnique[i] >= 0 { u[2 * i] = xg[Int(sys.primaryTechnique[i])] * sys.primaryOutput[i] }
            }
            for i in 0..<n { u[2 * i + 1] = go[i] }
            return u
        }
        // 5. More than the first technique per product, or a capacity, matters: policy
        //    iteration on the Leontief structure (BasisPolish.improve) — each product switches
        //    to the technique that is profitable at the prices of the one limit that binds,
        //    until none is, then simplex pivots add further binding limits. Certified like
        //    everything else; when it stops short, the solver starts from its best point (and
        //    tries the same polish on its iterates).
        //    The pivots get up to 30 s (half the time left at most): 10 000 products × 5 periods,
        //    time-expanded, need about 450 of them, 30 s, where the first-order solver takes 170 s.
        //    The rounds get two thirds: at 10 periods × 10^5 products the pivots finish in 15 s
        //    from the fifth accepted round (about 55 s in), and take over a minute from the third.
        //    With several resources limited and capacities present the pivots stop at 600, and
        //    the solver starts from the relaxation without capacities instead of their point
        //    (below). The plans they certified at scale took at most 450 (time-expanded 10^4 × 5:
        //    450; 10^5 with alternatives for 60 %: 318); where they do not certify (several
        //    workplaces per technique, alternatives for every product) 2 000 of them took 13 s at
        //    10^4 (λ 0.82 → 0.993 of 1.053), and the solver from the relaxation needs 5–9 s. Two
        //    economies of 3 000 products that 1 796 and 1 870 pivots certified (2.9–3.1 s) are
        //    now certified by the solver in 3.0–3.3 s.
        let relaxedStartApplies = options.solverFallback && warmStart == nil && needs.limitedResources.count > 1
            && e.techniques.capacity.contains(where: { $0.isFinite })
        // (The check's polish while nothing has patched the program since.)
        if policy == nil, let bp = (polishCache == nil ? stalePolish : nil) ?? polish() {
            policy = bp.improve(keptStart?.basis ?? startBasis(bp), rounds: 100, tolerance: tolerance, pivotLimit: relaxedStartApplies ? 600 : 2_000,
                                pivotSeconds: min(30, max(0, options.solver.timeLimit - elapsed()) / 2),
                                roundSeconds: max(0, options.solver.timeLimit - elapsed()) * 2 / 3, knapsack: true, decompose: true,
                                decomposeSeconds: max(0, options.solver.timeLimit - elapsed()) / 2, note: options.note, accept: accept,
                                system: keptStart?.system ?? structure?.system, forward: keptStart?.forward ?? structureForward())
            // The program policy iteration patched for its hand-over (from the check's polish)
            // is this solve's: not patched a second time.
            if let full = policy?.renewed, built == nil { adopt(full) }
        }
        if let z = policy, z.certified {
            let how = z.priceRounds > 0 ? "Leontief structure, several resources binding: decomposition over the resource prices (\(z.priceRounds) rounds)"
                : z.pivots > 0 ? "Leontief structure with the techniques chosen by policy iteration, then \(z.pivots) simplex pivots"
                : "Leontief structure with the techniques chosen by policy iteration (\(z.rounds) rounds)"
            if var plan = certified(z.x, z.y, structure, how) {
                if var vertex = z.vertex {
                    vertex.fingerprint = techniqueFingerprint()
                    plan.vertex = vertex
                }
                if var prices = z.prices {
                    prices.fingerprint = techniqueFingerprint()
                    plan.prices = prices
                }
                return plan
            }
            warm = (z.x, z.y)
        } else if let z = policy {
            warm = (z.x, z.y)
        }
        if let w = warmStart, w.activities.count == m, w.productValuation.count == n, w.fulfilment.isFinite {
            warm = (w.activities + [w.fulfilment], w.productValuation + needs.limitedResources.map { w.resourceValuation[$0] })
        } else if warm == nil, let s = start {
            warm = (s + [0], [Double](repeating: 0, count: needs.rows))
        }
        // The solver's start. When policy iteration and the pivots stop short with several
        // resources limited and capacities present, the decomposition over the resource prices
        // with the capacities left out (a relaxation: its λ bounds the optimum from above, and
        // it is cheap) gives a better one: its mixture breaks capacities (the solver clips them)
        // but its valuations are close to the optimum's. At 10^4 products with alternatives for
        // every product it reaches λ 1.052998 (optimum 1.05293) in 10 rounds, 0.06 s, where the
        // pivots stop at 0.993; PDHG from it needs 16 896 iterations instead of 28 864 (fewer
        // on 11 of 12 such economies, docs/planner.md). The feasible point stays `warm`, the
        // plan reported when the solver stops short.
        var solverStartPoint = warm
        if relaxedStartApplies, let z = policy, !z.certified, let bp = polish(),
           let d = bp.resourcePrices(startBasis(bp), prices: nil, tolerance: tolerance,
                                     seconds: max(0, options.solver.timeLimit - elapsed()) / 10, brokenCapacities: true),
           d.x.count == m + 1, d.x[m] > z.x[m] {
            solverStartPoint = (d.x, d.y)
        }
        if !options.solverFallback {
            // The caller solves on its own program from here (a plan over time).
            var plan = warm.map { checkedPoint($0.x, $0.y) } ?? emptyPlan(e, status: .stopped, seconds: 0)
            plan.structure = structure
            plan.status = .stopped
            plan.seconds = elapsed()
            plan.message = "stopped: the structure methods did not certify a plan"
            return plan
        }
        var solverOptions = options.solver
        // The time limit is the whole solve's: what the structure path used is spent (the
        // solver and CertifiedSolve count from here).
        let solverStart = elapsed()
        solverOptions.timeLimit = max(0, options.solver.timeLimit - solverStart)
        if let bp = polish(), solverOptions.polish == nil {
            let tolerance = solverOptions.tolerance
            solverOptions.polish = { bp.polish(x: $0, y: $1, tolerance: tolerance) }
        }
        let solver = PDHGSolver(problem().lp, options: solverOptions)
        let run = CertifiedSolve(solver, warmStart: solverStartPoint, options: solverOptions, elapsed: { elapsed() - solverStart },
                                 extract: { checked(extract(needs, x: $0, y: $1)) }, certificate: \.certificate)
        var plan = run.plan
        plan.message = run.message
        // Stopped short: the point the solver started from (the structure paths' best, primal
        // feasible, or the warm plan) is reported instead when it is feasible and the solver's
        // last iterate is not, or has a lower λ. At 10^5 products with alternatives for all of
        // them, the pivots had a feasible plan at λ 0.84 when the time ran out, and the plan
        // reported was PDHG's iterate at λ 0.21.
        // Its valuations are the start's or the iterate's, whichever bounds λ more tightly.
        if !run.certified, let w = warm {
            var start = checked(extract(needs, x: w.x, y: w.y))
            // (Feasible row by row too: a start that only passes the norms is no plan to call
            // feasible — with a capacity of 0 upstream of everything, the guaranteed needs'
            // first-order start passed them with a product short by all of itself.)
            let rowTolerance = CertifiedSolve<Plan>.rowTolerance(tolerance)
            if start.certificate.primalFeasible(tolerance), start.certificate.maxRowViolation <= rowTolerance,
               !plan.certificate.primalFeasible(tolerance) || start.fulfilment > plan.fulfilment {
                let iterate = plan
                let priced = checked(extract(needs, x: w.x, y: run.result.y))
                if priced.certificate.gap < start.certificate.gap { start = priced }
                plan = start
                plan.message = "stopped (\(run.result.reason)): the solver's last iterate (λ \(iterate.fulfilment), primal residual \(iterate.certificate.primalResidual)) was no better than the plan it started from, which is reported: feasible, λ \(start.fulfilment), certificate gap \(start.certificate.gap)"
            }
        }
        plan.structure = structure
        plan.iterations = run.iterations
        plan.restarts = run.restarts
        plan.seconds = elapsed()
        plan.status = run.certified ? .optimal : .stopped
        return plan
    }

    /// Builds the plan (net outputs, uses, valuations, certificate) from LP primal and dual values.
    static func extract(_ p: FulfilmentNeeds, x: [Double], y: [Double]) -> Plan {
        let e = p.economy
        let n = e.productCount, m = e.techniqueCount
        let act = (0..<m).map { max(0, x[$0]) }
        let lambda = x[m]
        var rv = [Double](repeating: 0, count: e.resourceCount)
        for (k, r) in p.limitedResources.enumerated() { rv[r] = max(0, y[n + k]) }
        let pv = (0..<n).map { max(0, y[$0]) }
        var plan = emptyPlan(e, status: .stopped, seconds: 0)
        plan.fulfilment = lambda
        plan.activities = act
        plan.productValuation = pv
        plan.resourceValuation = rv
        plan.numeraire = numeraire(e, rv)
        plan.certificate = PlanCertificate(economy: e, activities: act, fulfilment: lambda, productValuation: pv,
                                           resourceValuation: rv, lambdaCap: p.lambdaUpper,
                                           net: &plan.netOutput, use: &plan.resourceUse)
        return plan
    }

    /// Labour where it binds, else the binding resource with the largest value of its limit.
    static func numeraire(_ e: Economy, _ rv: [Double]) -> Int? {
        if let l = e.resources.indices.first(where: { e.resources[$0].kind == .labour && rv[$0] > 0 }) { return l }
        return e.resources.indices.filter { rv[$0] > 0 }.max { rv[$0] * (e.resources[$0].limit ?? 0) < rv[$1] * (e.resources[$1].limit ?? 0) }
    }

    /// Use per resource of given activities (the resource part of `flows`).
    static func resourceUse(_ e: Economy, _ x: [Double]) -> [Double] {
        var use = [Double](repeating: 0, count: e.resourceCount)
        let t = e.techniques
        for j in 0..<t.count where x[j] != 0 {
            for p in t.resources.range(j) { use[Int(t.resources.index[p])] += t.resources.amount[p] * x[j] }
        }
        return use
    }

    /// Net output per product and use per resource of given activities.
    public static func flows(_ e: Economy, _ x: [Double]) -> (net: [Double], use: [Double]) {
        var net = [Double](repeating: 0, count: e.productCount)
        var use = [Double](repeating: 0, count: e.resourceCount)
        let t = e.techniques
        for j in 0..<t.count where x[j] != 0 {
            for p in t.outputs.range(j) { net[Int(t.outputs.index[p])] += t.outputs.amount[p] * x[j] }
            for p in t.inputs.range(j) { net[Int(t.inputs.index[p])] -= t.inputs.amount[p] * x[j] }
            for p in t.resources.range(j) { use[Int(t.resources.index[p])] += t.resources.amount[p] * x[j] }
        }
        return (net, use)
    }

    static func emptyPlan(_ e: Economy, status: Plan.Status, seconds: Double) -> Plan {
        Plan(status: status, message: status.rawValue, fulfilment: 0,
             activities: [Double](repeating: 0, count: e.techniqueCount),
             netOutput: [Double](repeating: 0, count: e.productCount),
             resourceUse: [Double](repeating: 0, count: e.resourceCount),
             productValuation: [Double](repeating: 0, count: e.productCount),
             resourceValuation: [Double](repeating: 0, count: e.resourceCount), numeraire: nil,
             certificate: PlanCertificate(primalResidual: 0, dualResidual: 0, gap: 0, maxBoundViolation: 0, dualBound: 0),
             iterations: 0, restarts: 0, seconds: seconds, diagnosis: nil, harmony: nil)
    }

    // MARK: - Structure: Leontief plans

    /// The most each technique can run in any plan: its capacity, and for each limited resource
    /// it uses, the limit over its use per unit (uses are non-negative; several entries of one
    /// resource add up). ∞ for a technique with neither.
    static func mostActivity(_ e: Economy) -> [Double] {
        let t = e.techniques
        var most = t.capacity
        for j in 0..<t.count {
            let entries = t.resources.range(j)
            for q in entries {
                guard let limit = e.resources[Int(t.resources.index[q])].limit else { continue }
                var use = 0.0
                for q2 in entries where t.resources.index[q2] == t.resources.index[q] { use += t.resources.amount[q2] }
                if use > 0 { most[j] = min(most[j], limit / use) }
            }
        }
        return most
    }

    /// Activities of primary techniques that meet `demand` (Leontief), if they respect every
    /// limit and capacity; nil otherwise.
    static func leontiefFeasible(_ p: FulfilmentNeeds, demand: [Double], system: LeontiefSystem? = nil) -> [Double]? {
        leontiefFeasiblePlan(p, demand: demand, system: system)?.x
    }

    /// The same with the gross outputs of the solve; `initial` starts it (`leontiefActivities`).
    static func leontiefFeasiblePlan(_ p: FulfilmentNeeds, demand: [Double], system: LeontiefSystem? = nil,
                                     initial: [Double]? = nil) -> (x: [Double], gross: [Double])? {
        guard let (x, gross) = leontiefActivities(p.economy, demand: demand, system: system, initial: initial) else { return nil }
        let e = p.economy
        let use = resourceUse(e, x)
        for (k, r) in e.resources.enumerated() { if let l = r.limit, use[k] > l * (1 - 1e-12) { return nil } }
        for j in 0..<e.techniqueCount where x[j] > e.techniques.capacity[j] { return nil }
        return (x, gross)
    }

    /// Activities of the primary techniques whose net output is `demand` (Leontief). Negative
    /// demand (net imports in the BEA tables) is met as it stands when every gross output stays
    /// non-negative, else it is read as zero.
    /// Returns the activities and the gross outputs they come from. `initial` (gross outputs of
    /// an earlier solve) starts the iteration closer to the answer.
    static func leontiefActivities(_ e: Economy, demand: [Double], system: LeontiefSystem? = nil,
                                   initial: [Double]? = nil) -> (x: [Double], gross: [Double])? {
        let sys = system ?? LeontiefSystem(e)
        let start = initial.flatMap { $0.count == e.productCount ? $0 : nil }
        var r = sys.solve(demand, initial: start, tolerance: 1e-9, maxIterations: 2000)
        if demand.contains(where: { $0 < 0 }) && (!r.converged || r.x.contains { $0 < 0 }) {
            r = sys.solve(demand.map { max(0, $0) }, tolerance: 1e-9, maxIterations: 2000)
        }
        guard r.converged else { return nil }
        return (sys.activities(gross: r.x, techniques: e.techniqueCount), r.x)
    }

    /// A Leontief start: LP columns (activities, then λ), the square system it came from, and
    /// the limited resource that fixed λ₀ (nil when a capacity or λ's own cap did).
    struct LeontiefStart {
        var x: [Double]
        var system: LeontiefSystem
        var bindingResource: Int?
    }

    /// x = x_G + λ₀·x_O with x_O the Leontief plan for the other needs and λ₀ the largest scale
    /// that keeps every limit and capacity: a feasible start that is often near the optimum.
    static func leontiefStart(_ p: FulfilmentNeeds, guaranteedActivity: [Double]?,
                              structure st: inout LeontiefStructure) -> LeontiefStart? {
        let e = p.economy
        let sys = st.system
        // A re-plan of other needs starts from the kept gross outputs, moved by the change of
        // the needs (`LeontiefSystem.restart`).
        var initial = st.grossOther
        if let g = initial, let d0 = st.demandOther { initial = sys.restart(from: g, demand: d0, for: p.other) ?? g }
        guard let (xo, gross) = leontiefActivities(e, demand: p.other, system: sys, initial: initial) else { return nil }
        st.grossOther = gross
        st.demandOther = p.other.contains { $0 < 0 } ? nil : p.other
        let xg = guaranteedActivity ?? [Double](repeating: 0, count: e.techniqueCount)
        let ug = resourceUse(e, xg), uo = resourceUse(e, xo)
        var lambda = Double.infinity
        var binding: Int? = nil
        for (k, r) in e.resources.enumerated() {
            if let l = r.limit, uo[k] > 0, max(0, l - ug[k]) / uo[k] < lambda {
                lambda = max(0, l - ug[k]) / uo[k]
                binding = k
            }
        }
        for j in 0..<e.techniqueCount where xo[j] > 0 && e.techniques.capacity[j].isFinite {
            if max(0, e.techniques.capacity[j] - xg[j]) / xo[j] < lambda {
                lambda = max(0, e.techniques.capacity[j] - xg[j]) / xo[j]
                binding = nil
            }
        }
        guard lambda.isFinite else { return nil }
        if p.lambdaUpper < lambda { lambda = p.lambdaUpper; binding = nil }
        return LeontiefStart(x: (0..<e.techniqueCount).map { xg[$0] + lambda * xo[$0] } + [lambda], system: sys,
                             bindingResource: binding)
    }

    /// LP duals for a Leontief start bound by one limited resource k: v = ℓ_k(I − A)⁻¹, the
    /// amount of k embodied in one unit of each product (Aᵀ solve), priced at w = 1/(v·o) so
    /// that λ's dual constraint Σ y_i o_i = 1 holds; y = (w·v on product rows, w on k's row,
    /// 0 on the other limits). Every primary technique then has reduced profit zero. Nil when
    /// no single resource binds or the transposed solve does not converge.
    static func embodiedValuations(_ p: FulfilmentNeeds, binding s: LeontiefStart, structure st: inout LeontiefStructure) -> [Double]? {
        guard let k = s.bindingResource, let row = p.limitedResources.firstIndex(of: k) else { return nil }
        let e = p.economy, n = e.productCount
        // The embodied amounts depend on the system and the resource alone, not on the needs:
        // a re-plan with the same system and the same binding resource keeps them.
        let v: [Double]
        if st.bindingResource == k, let kept = st.embodied, kept.count == n {
            v = kept
        } else {
            guard let solved = s.system.embodied(resource: k, tolerance: 1e-10) else { return nil }
            v = solved
        }
        st.embodied = v
        st.bindingResource = k
        var vo = 0.0
        for i in 0..<n { vo += v[i] * p.other[i] }
        guard vo > 0, vo.isFinite else { return nil }
        let w = 1 / vo
        var y = [Double](repeating: 0, count: p.rows)
        for i in 0..<n { y[i] = w * v[i] }
        y[n + row] = w
        return y
    }

    // MARK: - Unboundedness: a ray LP

    static func unboundedRay(_ p: FulfilmentNeeds, options: PlannerOptions) -> [Double]? {
        let e = p.economy
        guard p.lambdaUpper == .infinity, let (rayTechniques, makers) = rayTechniques(e, limitedResources: p.limitedResources) else { return nil }
        let n = e.productCount
        guard (0..<n).allSatisfy({ p.other[$0] <= 0 || makers[$0] > 0 }) else { return nil }
        // maximise μ: N_free·d − μ·o ≥ 0, Σ d ≤ 1, d ≥ 0, 0 ≤ μ ≤ 1.
        var b = rayProgram(e, rayTechniques)
        b.addColumn((0..<n).filter { p.other[$0] != 0 }.map { (Int32($0), -p.other[$0]) }, cost: -1, upper: 1, name: "mu")
        var o = options.solver
        o.progress = nil
        let r = PDHGSolver(b.build(), options: o).solve()
        let mu = r.x.last ?? 0
        guard r.status == .optimal, mu > 1e-6 else { return nil }
        var ray = [Double](repeating: 0, count: e.techniqueCount)
        for (k, j) in rayTechniques.enumerated() { ray[j] = r.x[k] / mu }
        return ray
    }

    /// Harmony's ray: techniques that use no limited resource and have no capacity, run so that
    /// no product's net output falls and some target's rises (each target's harmony grows by
    /// 0.01/t per unit of surplus, without end). maximise Σ_targets (N·d)_i / t_i subject to
    /// N_free·d ≥ 0, Σ d ≤ 1, d ≥ 0: a positive optimum is such a ray. Its techniques'
    /// activities, nil when there is none. (The BEA detail table makes customs duties from
    /// nothing: every unit more of that need is harmony for free.)
    static func harmonyRay(_ e: Economy, limitedResources: [Int], targets: [Int], target: [Double], options: PlannerOptions) -> [Double]? {
        guard let (rayTechniques, makers) = rayTechniques(e, limitedResources: limitedResources),
              targets.contains(where: { makers[$0] > 0 }) else { return nil }
        let t = e.techniques
        var weight = [Double](repeating: 0, count: e.productCount)
        for i in targets { weight[i] = 1 / target[i] }
        let b = rayProgram(e, rayTechniques) { j in
            var c = 0.0
            for q in t.outputs.range(j) { c += weight[Int(t.outputs.index[q])] * t.outputs.amount[q] }
            for q in t.inputs.range(j) { c -= weight[Int(t.inputs.index[q])] * t.inputs.amount[q] }
            return -c
        }
        var o = options.solver
        o.progress = nil
        let r = PDHGSolver(b.build(), options: o).solve()
        guard r.status == .optimal else { return nil }
        var ray = [Double](repeating: 0, count: e.techniqueCount)
        for (k, j) in rayTechniques.enumerated() { ray[j] = max(0, r.x[k]) }
        // Checked on the technique table, not on the solver's tolerance: no product's net output
        // falls (below 1e-9 of what the ray makes of it), and the targets' surplus is at least a
        // thousandth of what the ray makes of them — a loop of free techniques that cannot
        // produce anything nets zero, which the solver returns only to within its tolerance.
        let (net, _) = flows(e, ray)
        var made = [Double](repeating: 0, count: e.productCount)
        for j in rayTechniques { for q in t.outputs.range(j) { made[Int(t.outputs.index[q])] += t.outputs.amount[q] * ray[j] } }
        var gain = 0.0, gross = 0.0
        for i in targets { gain += max(0, net[i]) * weight[i]; gross += made[i] * weight[i] }
        guard gross > 0, gain >= 1e-3 * gross, (0..<e.productCount).allSatisfy({ net[$0] >= -1e-9 * made[$0] }) else { return nil }
        return ray
    }

    /// The techniques a ray can use: no capacity and no use of a limited resource, and (pruned
    /// until it holds) every input made by another such technique. A ray's free techniques take
    /// only what free techniques of the ray make, so the techniques in any ray lie within that
    /// set. (A plan over time has many free techniques — storage, holding and building capital —
    /// but each chain of them starts from a product that only limited techniques make.) Also
    /// how many of them make each product; nil when there are none.
    static func rayTechniques(_ e: Economy, limitedResources: [Int]) -> (techniques: [Int], makers: [Int])? {
        let t = e.techniques
        var limited = [Bool](repeating: false, count: e.resourceCount)
        for k in limitedResources { limited[k] = true }
        let free = (0..<t.count).filter { j in
            !t.capacity[j].isFinite && !t.resources.range(j).contains { limited[Int(t.resources.index[$0])] && t.resources.amount[$0] > 0 }
        }
        guard !free.isEmpty else { return nil }
        let (viable, makers, _) = Producibility.closure(e, allowed: free)
        let techniques = free.filter { viable[$0] }
        return techniques.isEmpty ? nil : (techniques, makers)
    }

    /// The ray LP's rows (every product's net output ≥ 0, Σ d ≤ 1) and a column per technique,
    /// with `cost(j)` as its objective coefficient (minimised).
    static func rayProgram(_ e: Economy, _ techniques: [Int], cost: (Int) -> Double = { _ in 0 }) -> LPBuilder {
        let n = e.productCount, t = e.techniques
        var b = LPBuilder(rowLower: [Double](repeating: 0, count: n) + [-1], rowUpper: [Double](repeating: .infinity, count: n + 1),
                          rowNames: e.products.map { "p:" + $0.id } + ["normalise"])
        for j in techniques {
            var net = [Int32: Double]()
            for q in t.outputs.range(j) { net[t.outputs.index[q], default: 0] += t.outputs.amount[q] }
            for q in t.inputs.range(j) { net[t.inputs.index[q], default: 0] -= t.inputs.amount[q] }
            b.addColumn(net.map { ($0.key, $0.value) } + [(Int32(n), -1)], cost: cost(j), name: t.ids[j])
        }
        return b
    }

    // MARK: - Infeasibility: minimum shortfall and its Farkas certificate

    /// A single limited resource that the guaranteed needs must exceed, whatever the techniques
    /// (`LeastContent`), as a diagnosis: the needs that weigh in the proof (at least 0.1 % of it)
    /// and that limit. Nil when no single resource shows it.
    static func guaranteedBeyondALimit(_ e: Economy, _ needs: FulfilmentNeeds, system: LeontiefSystem, options: PlannerOptions) -> InfeasibilityDiagnosis? {
        guard let r = LeastContent.guaranteedBeyondALimit(e, guaranteed: needs.guaranteed, other: needs.other, limited: needs.limitedResources, system: system,
                                                          seconds: min(60, max(1, options.solver.timeLimit / 10))) else { return nil }
        let limit = e.resources[r.resource].limit!
        let total = r.products.reduce(0) { $0 + $1.weight }
        // Σ s_i/g_i ≥ p·s / max_i p_i·g_i ≥ (bound − limit) / max_i p_i·g_i.
        let shortfall = (r.bound - limit) / max(r.products.map(\.weight).max() ?? 0, 1e-300)
        return InfeasibilityDiagnosis(
            minimumRelativeShortfall: shortfall, proofBound: shortfall,
            needs: r.products.filter { $0.weight >= 1e-3 * total }.map { .init(product: $0.product, guaranteed: needs.guaranteed[$0.product], shortfall: 0, weight: $0.weight) },
            limits: [.init(resource: r.resource, limit: limit, use: r.bound, weight: limit)],
            capacities: [])
    }

    /// What `guaranteedBeyondALimit`'s diagnosis adds to the message: how much at least.
    static func beyondALimitNote(_ d: InfeasibilityDiagnosis, _ e: Economy) -> String {
        guard let l = d.limits.first else { return "" }
        return "; whatever the techniques, they take at least \(l.use) of \(e.resources[l.resource].id), whose limit is \(l.limit)"
    }

    /// The guaranteed needs on products that no plan can make (`Producibility`), as a diagnosis
    /// — those needs, each short by all of itself, and the capacities of 0 behind them — with a
    /// note naming the products no technique makes, where the chains end there. Nil when every
    /// guaranteed need's product can be made.
    static func unproducibleGuaranteed(_ e: Economy, _ needs: FulfilmentNeeds) -> (diagnosis: InfeasibilityDiagnosis, note: String)? {
        guard let pr = Producibility.of(e) else { return nil }
        let short = (0..<e.productCount).filter { needs.guaranteed[$0] > 0 && !pr.producible[$0] }
        guard !short.isEmpty else { return nil }
        let (capacities, unmade) = pr.causes(of: short, e)
        let d = InfeasibilityDiagnosis(
            minimumRelativeShortfall: Double(short.count), proofBound: Double(short.count),
            needs: short.map { .init(product: $0, guaranteed: needs.guaranteed[$0], shortfall: needs.guaranteed[$0], weight: 1) },
            limits: [],
            capacities: capacities.map { .init(technique: $0, capacity: e.techniques.capacity[$0], weight: 1) })
        var causes: [String] = []
        if !capacities.isEmpty { causes.append("at techniques with capacity 0") }
        if !unmade.isEmpty { causes.append("at products no technique makes (" + unmade.prefix(8).map { e.products[$0].id }.joined(separator: ", ") + ")") }
        let note = "; no plan can make those products: the chains of their inputs end " + causes.joined(separator: " and ")
        return (d, note)
    }

    struct Phase1 { var x: [Double]; var iterations: Int; var diagnosis: InfeasibilityDiagnosis? }

    /// minimise Σ s_i / g_i subject to net output + s ≥ g (guaranteed), limits, capacities.
    /// Its optimum is zero iff the guaranteed needs can be met; its duals (bounded by 1/g_i)
    /// are a Farkas certificate when it is positive.
    static func minimumShortfall(_ p: FulfilmentProblem, options: PlannerOptions) -> Phase1 {
        let e = p.economy
        let n = e.productCount, m = e.techniqueCount
        let lp = p.lp
        var b = LPBuilder(rowLower: lp.rowLower, rowUpper: lp.rowUpper, rowNames: lp.rowNames)
        let kt = lp.matrix.transposed()
        for j in 0..<m {
            b.addColumn((kt.rowStart[j]..<kt.rowStart[j + 1]).map { (kt.colIndex[$0], kt.values[$0]) },
                        cost: 0, upper: lp.upper[j], name: lp.columnNames[j])
        }
        let gs = (0..<n).filter { p.guaranteed[$0] > 0 }
        for i in gs { b.addColumn([(Int32(i), 1)], cost: 1 / p.guaranteed[i], name: "short:" + e.products[i].id) }
        // A negative other need supplies its product in proportion to λ: λ's column belongs to
        // the question then (after the shortfalls', whose places the diagnosis reads). Without
        // it, a guaranteed need that such a supply covers read as infeasible (HiGHS: unbounded).
        if p.other.contains(where: { $0 < 0 }) {
            b.addColumn((kt.rowStart[m]..<kt.rowStart[m + 1]).map { (kt.colIndex[$0], kt.values[$0]) },
                        cost: 0, upper: lp.upper[m], name: lp.columnNames[m])
        }
        var o = options.solver
        o.progress = nil
        let r = PDHGSolver(b.build(), options: o).solve()
        let value = r.residuals.primalObjective, bound = r.residuals.dualObjective
        let scale = max(1e-6, 10 * options.solver.tolerance)
        guard bound > scale || (r.status == .optimal && value > scale) else {
            return Phase1(x: Array(r.x[0..<m]), iterations: r.iterations, diagnosis: nil)
        }
        // Reduce the certificate to its support: needs, limits and capacities whose dual
        // contribution is at least 0.1 % of the total.
        let y = r.y
        let use = flows(e, Array(r.x[0..<m])).use
        var needs: [InfeasibilityDiagnosis.NeedEntry] = []
        for (k, i) in gs.enumerated() {
            let w = max(0, y[i]) * p.guaranteed[i]
            needs.append(.init(product: i, guaranteed: p.guaranteed[i], shortfall: max(0, r.x[m + k]), weight: w))
        }
        var limits: [InfeasibilityDiagnosis.LimitEntry] = []
        for (k, res) in p.limitedResources.enumerated() {
            let l = e.resources[res].limit!
            limits.append(.init(resource: res, limit: l, use: use[res], weight: max(0, y[n + k]) * l))
        }
        var caps: [InfeasibilityDiagnosis.CapacityEntry] = []
        let t = e.techniques
        for j in 0..<m where t.capacity[j].isFinite {
            var profit = 0.0
            for q in kt.rowStart[j]..<kt.rowStart[j + 1] { profit += max(0, y[Int(kt.colIndex[q])]) * kt.values[q] }
            if profit > 0 { caps.append(.init(technique: j, capacity: t.capacity[j], weight: profit * t.capacity[j])) }
        }
        let total = needs.reduce(0) { $0 + $1.weight } + limits.reduce(0) { $0 + $1.weight } + caps.reduce(0) { $0 + $1.weight }
        let cut = 1e-3 * max(total, 1e-300)
        let d = InfeasibilityDiagnosis(
            minimumRelativeShortfall: value, proofBound: bound,
            needs: needs.filter { $0.weight >= cut || $0.shortfall > 1e-9 * $0.guaranteed }.sorted { $0.weight > $1.weight },
            limits: limits.filter { $0.weight >= cut }.sorted { $0.weight > $1.weight },
            capacities: caps.filter { $0.weight >= cut }.sorted { $0.weight > $1.weight })
        return Phase1(x: Array(r.x[0..<m]), iterations: r.iterations, diagnosis: d)
    }

    static func describe(_ d: InfeasibilityDiagnosis, _ e: Economy) -> String {
        var parts: [String] = []
        if !d.needs.isEmpty { parts.append("guaranteed needs for " + d.needs.prefix(8).map { e.products[$0.product].id }.joined(separator: ", ")) }
        if !d.limits.isEmpty { parts.append("limits on " + d.limits.prefix(8).map { e.resources[$0.resource].id }.joined(separator: ", ")) }
        if !d.capacities.isEmpty { parts.append("capacities of " + d.capacities.prefix(8).map { e.techniques.ids[$0.technique] }.joined(separator: ", ")) }
        return "infeasible: the guaranteed needs cannot all be met; conflict between " + parts.joined(separator: " and ")
    }
}
