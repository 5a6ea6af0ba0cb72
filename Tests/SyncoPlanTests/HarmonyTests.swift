import Testing
import SyncoData
import SyncoModel
@testable import SyncoPlan

@Suite struct HarmonyMode {
    func options() -> PlannerOptions { var o = PlannerOptions(); o.mode = .harmony; return o }

    /// Products a and b made from labour alone (hours per unit), the same target for each.
    func twoProducts(hours: (Double, Double), targets: Double, labour: Double) -> Economy {
        var t = TechniqueTable()
        t.append(Technique(id: "a", outputs: [Entry(0, 1)], resources: [Entry(0, hours.0)]))
        t.append(Technique(id: "b", outputs: [Entry(1, 1)], resources: [Entry(0, hours.1)]))
        return Economy(name: "two", products: [Product(id: "a"), Product(id: "b")],
                       resources: [Resource(id: "labour", kind: .labour, limit: labour)], techniques: t,
                       needs: [Need(product: 0, amount: targets), Need(product: 1, amount: targets)])
    }

    /// Targets that can be met are met, surplus is worth δ = 0.01 per unit of target.
    /// Two-sector: grain target 100, CO2 allows 147 net ⇒ u = 1.47, h = 0.01·0.47.
    @Test func feasibleTargetsAreMetAndSurplusCountsLittle() {
        let plan = Planner.solve(twoSector(), options: options())
        #expect(plan.status == .optimal)
        #expect(plan.harmony!.missed == 0 && plan.harmony!.targets == 1)
        #expect(abs(plan.harmony!.harmony - 0.0047) < 1e-5)
    }

    /// By hand: products a (1 h) and b (2 h), targets 10 each, 25 h. Harmony per hour of each
    /// piece: a below half 4/10, b below half 4/20, a up to target 1/10, b up to target 1/20. In
    /// that order: a to 0.5 (5 h), b to 0.5 (10 h), a to 1 (5 h), and the last 5 h take b to
    /// 0.75. Harmony (1 − 1) + (0.75 − 1) = −0.25, one target missed, an hour is worth 1/20. The
    /// structure path gives it without solver iterations; the PDHG path agrees.
    @Test func knapsackByHand() {
        let e = twoProducts(hours: (1, 2), targets: 10, labour: 25)
        let plan = Planner.solve(e, options: options())
        #expect(plan.status == .optimal)
        #expect(plan.iterations == 0, "\(plan.message)")
        #expect(abs(plan.harmony!.harmony + 0.25) < 1e-9)
        #expect(abs(plan.harmony!.ratios[0] - 1) < 1e-9 && abs(plan.harmony!.ratios[1] - 0.75) < 1e-9)
        #expect(plan.harmony!.missed == 1)
        #expect(abs(plan.resourceValuation[0] - 0.05) < 1e-9)
        var o = options()
        o.leontiefStart = false
        let pdhg = Planner.solve(e, options: o)
        #expect(pdhg.status == .optimal && pdhg.iterations > 0)
        #expect(abs(pdhg.harmony!.harmony + 0.25) < 1e-5)
    }

    /// Targets first, by hand: a takes 150 h a unit, b 1 h, targets 1 each. The harmony function
    /// alone, with 200 h: per hour, a's first half is worth 4/150, b's surplus 1/100, a's second
    /// half 1/150; so a gets 75 h (u = 0.5), b its 1 h and the other 124 (u = 125): harmony
    /// −0.5 + 1.24 = 0.74, a missed. Every target can be met (151 h), so with targets first a
    /// gets 150 h and b the other 50: harmony 0.49, none missed. With 100 h not every target can
    /// be met (the plan's own valuations bound λ by 100/151) and the harmony function decides:
    /// b to 1 (1 h), a to 0.5 (75 h), b's surplus the other 24 h, harmony −0.26.
    @Test func targetsFirstByHand() {
        func economy(_ hours: Double) -> Economy {
            var t = TechniqueTable()
            t.append(Technique(id: "a", outputs: [Entry(0, 1)], resources: [Entry(0, 150)]))
            t.append(Technique(id: "b", outputs: [Entry(1, 1)], resources: [Entry(0, 1)]))
            return Economy(name: "dear", products: [Product(id: "a"), Product(id: "b")],
                           resources: [Resource(id: "labour", kind: .labour, limit: hours)], techniques: t,
                           needs: [Need(product: 0, amount: 1), Need(product: 1, amount: 1)])
        }
        var plain = options()
        plain.harmonyTargetsFirst = false
        let alone = Planner.solve(economy(200), options: plain)
        #expect(alone.status == .optimal, "\(alone.message)")
        #expect(abs(alone.harmony!.harmony - 0.74) < 1e-9 && alone.harmony!.missed == 1 && alone.harmony!.targetsFirst == nil)
        for leontief in [true, false] {
            var o = options()
            o.leontiefStart = leontief
            let first = Planner.solve(economy(200), options: o)
            #expect(first.status == .optimal, "\(first.message)")
            #expect(abs(first.harmony!.harmony - 0.49) < (leontief ? 1e-9 : 1e-5), "\(first.message)")
            #expect(first.harmony!.missed == 0 && first.harmony!.targetsFirst != nil)
            // (PDHG to 1e-6 relative: b's surplus is worth 0.01 a unit, so its activity is looser.)
            #expect(abs(first.activities[0] - 1) < 1e-5 && abs(first.activities[1] - 50) < (leontief ? 1e-9 : 1e-3), "\(first.activities)")
            let short = Planner.solve(economy(100), options: o)
            #expect(short.status == .optimal, "\(short.message)")
            #expect(abs(short.harmony!.harmony + 0.26) < (leontief ? 1e-9 : 1e-5) && short.harmony!.missed == 1)
            #expect(short.harmony!.targetsFirst == nil)
        }
    }

    /// The certificates of "every target can be met" (HarmonyTargets.swift), by hand. Two
    /// products from labour (2 h and 3 h a unit), b's technique capped at 4 units; needs a 5
    /// guaranteed, b 6; 40 h. Valuations p = (2, 3), w = 1: no technique profits, so
    /// λ ≤ (40 − 2·5)/(3·6) = 5/3. p = (2, 4): b's technique profits 1 a unit at its capacity
    /// of 4, so λ ≤ (40 + 4 − 10)/24 = 34/24. Without the capacity, labour lets it run 40/3
    /// units: λ ≤ (40 + 40/3 − 10)/24 = 65/36. Made from land, which has no limit, and without
    /// a capacity, it can run without end: no bound. Activities (5, 4) use 22 h but make only 4
    /// of b's 6.
    @Test func boundsOnWhetherEveryTargetCanBeMet() {
        func economy(capacity: Double?, onLand: Bool = false) -> Economy {
            var t = TechniqueTable()
            t.append(Technique(id: "a", outputs: [Entry(0, 1)], resources: [Entry(0, 2)]))
            t.append(Technique(id: "b", outputs: [Entry(1, 1)], resources: [Entry(onLand ? 1 : 0, 3)], capacity: capacity))
            return Economy(name: "bounds", products: [Product(id: "a"), Product(id: "b")],
                           resources: [Resource(id: "labour", kind: .labour, limit: 40), Resource(id: "land", kind: .natural)], techniques: t,
                           needs: [Need(product: 0, amount: 5, guaranteed: true), Need(product: 1, amount: 6)])
        }
        let capped = FulfilmentNeeds(economy(capacity: 4))
        #expect(abs(Harmony.fulfilmentBound(capped, p: [2, 3], w: [1, 0]) - 5.0 / 3) < 1e-12)
        #expect(abs(Harmony.fulfilmentBound(capped, p: [2, 4], w: [1, 0]) - 34.0 / 24) < 1e-12)
        #expect(abs(Harmony.fulfilmentBound(FulfilmentNeeds(economy(capacity: nil)), p: [2, 4], w: [1, 0]) - 65.0 / 36) < 1e-12)
        #expect(Harmony.fulfilmentBound(FulfilmentNeeds(economy(capacity: nil, onLand: true)), p: [2, 4], w: [1, 0]) == .infinity)
        #expect(!Harmony.meetsEveryNeed(capped, [5, 4]))
        #expect(Harmony.meetsEveryNeed(FulfilmentNeeds(economy(capacity: nil)), [5, 6]))
        #expect(!Harmony.meetsEveryNeed(FulfilmentNeeds(economy(capacity: nil)), [5, 20]))
    }

    /// A need met by a technique with no inputs, no limited resource and no capacity (customs
    /// duties in the BEA detail table): its surplus costs nothing and every unit adds 0.01/t of
    /// harmony, so harmony has no maximum. The plan says unbounded and names the product (the
    /// solver used to run to its time limit). With a capacity on that technique there is an
    /// optimum: a gets all 5 h (u = 0.5, h = −0.5), duties run at capacity 4 (u = 2, h = 0.01).
    @Test func aTargetMadeFromNothingMakesHarmonyUnbounded() {
        func economy(dutiesCapacity: Double?) -> Economy {
            var t = TechniqueTable()
            t.append(Technique(id: "a", outputs: [Entry(0, 1)], resources: [Entry(0, 1)]))
            t.append(Technique(id: "collect", outputs: [Entry(1, 1)], capacity: dutiesCapacity))
            return Economy(name: "free", products: [Product(id: "a"), Product(id: "duties")],
                           resources: [Resource(id: "labour", kind: .labour, limit: 5)], techniques: t,
                           needs: [Need(product: 0, amount: 10), Need(product: 1, amount: 2)])
        }
        // A time limit, so that a build without the check fails here instead of running on.
        var o = options()
        o.solver.timeLimit = 20
        let plan = Planner.solve(economy(dutiesCapacity: nil), options: o)
        #expect(plan.status == .unbounded)
        #expect(plan.message.contains("duties") && plan.message.contains("collect"), "\(plan.message)")
        let capped = Planner.solve(economy(dutiesCapacity: 4), options: options())
        #expect(capped.status == .optimal, "\(capped.message)")
        #expect(abs(capped.harmony!.harmony + 0.49) < 1e-6)
        #expect(abs(capped.activities[1] - 4) < 1e-6)
    }

    /// Two products of 1 h each, targets 100 each, 150 h: the harmony optimum is −0.5 (half a
    /// target short in total, all within the slope-1 piece), and no output is below half its target.
    @Test func shortfallsAreSpreadByConcavity() {
        let e = twoProducts(hours: (1, 1), targets: 100, labour: 150)
        let plan = Planner.solve(e, options: options())
        #expect(plan.status == .optimal)
        #expect(abs(plan.harmony!.harmony + 0.5) < 1e-5)
        #expect(plan.harmony!.ratios.allSatisfy { $0 >= 0.5 - 1e-6 })
        #expect(plan.harmony!.missed >= 1)
        // One more hour of labour buys 1/100 of harmony.
        #expect(abs(plan.resourceValuation[0] - 0.01) < 1e-5)
    }
    /// By hand, with two binding resources, a binding capacity and an alternative technique (the
    /// case the single-resource knapsack does not cover). Product a is made by a1 (1 h, 1 t CO2,
    /// capacity 1.5) or a2 (2 h, no CO2), product b by b1 (1 h, 2 t CO2); targets 10 each, 20 h
    /// and 12 t. Guess: a1 at capacity, a2 and b1 basic, labour and CO2 binding, both targets on
    /// their slope-1 piece (0.1 per unit): a2 prices an hour at 0.1/2 = 0.05, b1 a tonne at
    /// (0.1 − 0.05)/2 = 0.025; a1 then earns 0.1 − 0.075 > 0 and rightly stays at capacity.
    /// CO2: 1.5 + 2·b = 12 ⇒ b = 5.25; labour: 1.5 + 2·a2 + 5.25 = 20 ⇒ a2 = 6.625, so
    /// a = 8.125 (u = 0.8125) and b = 5.25 (u = 0.525) — both inside the slope-1 piece, so every
    /// dual condition holds. Harmony −0.1875 − 0.475 = −0.6625, two targets missed.
    @Test func severalLimitsCapacityAndAlternativeByHand() {
        var t = TechniqueTable()
        t.append(Technique(id: "a1", outputs: [Entry(0, 1)], resources: [Entry(0, 1), Entry(1, 1)], capacity: 1.5))
        t.append(Technique(id: "a2", outputs: [Entry(0, 1)], resources: [Entry(0, 2)]))
        t.append(Technique(id: "b1", outputs: [Entry(1, 1)], resources: [Entry(0, 1), Entry(1, 2)]))
        let e = Economy(name: "mix", products: [Product(id: "a"), Product(id: "b")],
                        resources: [Resource(id: "labour", kind: .labour, limit: 20), Resource(id: "co2", kind: .emission, limit: 12)],
                        techniques: t, needs: [Need(product: 0, amount: 10), Need(product: 1, amount: 10)])
        let plan = Planner.solve(e, options: options())
        #expect(plan.status == .optimal)
        #expect(plan.iterations == 0 && plan.message.contains("alternatives"), "\(plan.message)")
        #expect(abs(plan.harmony!.harmony + 0.6625) < 1e-9)
        #expect(plan.harmony!.missed == 2)
        #expect(abs(plan.activities[0] - 1.5) < 1e-9 && abs(plan.activities[1] - 6.625) < 1e-9 && abs(plan.activities[2] - 5.25) < 1e-9)
        #expect(abs(plan.resourceValuation[0] - 0.05) < 1e-9 && abs(plan.resourceValuation[1] - 0.025) < 1e-9)
        var o = options()
        o.leontiefStart = false
        let pdhg = Planner.solve(e, options: o)
        #expect(pdhg.status == .optimal && pdhg.iterations > 0)
        #expect(abs(pdhg.harmony!.harmony + 0.6625) < 1e-5)
    }

    /// On a generated economy (alternative techniques, capacities, four limited resources) the
    /// structure path and PDHG — two independent methods on the same LP — reach the same harmony (seed 3: −2.56269 against PDHG's −2.56278 at its tolerance).
    @Test func structureWithAlternativesAgreesWithPDHGOnAGeneratedEconomy() {
        let e = SyntheticEconomy(products: 300, seed: 3).generate()
        let plan = Planner.solve(e, options: options())
        #expect(plan.status == .optimal)
        #expect(plan.iterations == 0, "\(plan.message)")
        var o = options()
        o.leontiefStart = false
        o.solver.timeLimit = 60
        let pdhg = Planner.solve(e, options: o)
        #expect(pdhg.status == .optimal)
        // PDHG stops at 1e-6 relative residuals, so its harmony may sit a little off the exact
        // vertex (and its count of missed targets counts tiny shortfalls); the harmonies agree.
        let h = plan.harmony!.harmony, hp = pdhg.harmony!.harmony
        #expect(abs(h - hp) <= 1e-4 * max(1, abs(h)), "structure \(h), PDHG \(hp)")
    }

    /// Targets first's budgeted try (while it is open whether every target can be met): the
    /// structure path alone within its seconds, no first-order solve after it. Out of time it
    /// comes back stopped, without an iteration; with time, it is the plain solve's plan.
    @Test func aBudgetedTryIsTheStructurePathAlone() throws {
        let e = SyntheticEconomy(products: 3000, seed: 1).generate()
        let plain = Harmony.solve(e, options: options(), warmStart: nil, system: nil)
        let starved = Harmony.solve(e, options: options(), warmStart: nil, system: nil, structureSeconds: 0)
        let budgeted = Harmony.solve(e, options: options(), warmStart: nil, system: nil, structureSeconds: 60)
        #expect(plain.status == .optimal && plain.message.contains("structure with alternatives"), "\(plain.message)")
        #expect(starved.status == .stopped && starved.iterations == 0, "\(starved.message)")
        #expect(budgeted.status == .optimal && budgeted.iterations == 0, "\(budgeted.message)")
        let h = try #require(plain.harmony?.harmony), hb = try #require(budgeted.harmony?.harmony)
        #expect(abs(h - hb) <= 1e-9 * max(1, abs(h)), "plain \(h), budgeted \(hb)")
    }

    /// When the structure path gives no plan (here its program may hold almost nothing; at
    /// realistic 10^6 thousands of capacities bind), PDHG starts from the fulfilment plan's
    /// point, and stopped before a feasible point of its own (ten iterations here) it reports
    /// that one: within every limit, each target at the fulfilment plan's share or above.
    @Test func withoutAStructurePlanTheFulfilmentPlanIsTheStart() throws {
        let e = SyntheticEconomy(products: 1000, seed: 1).generate()
        var o = options()
        o.harmonyTargetsFirst = false
        o.harmonyProgramMemory = 8_000
        o.solver.maxIterations = 10
        // (The LP is small enough for the sparse simplex, which would solve it outright.)
        o.harmonySimplexRows = 0
        let plan = Planner.solve(e, options: o)
        let f = Planner.solve(e)
        #expect(f.status == .optimal, "\(f.message)")
        #expect(plan.status == .stopped && plan.message.contains("the fulfilment plan's point"), "\(plan.message)")
        #expect(plan.certificate.primalResidual <= 1e-6 && plan.certificate.maxRowViolation <= 1e-6, "\(plan.certificate)")
        let needs = FulfilmentNeeds(e)
        let (net, _) = Planner.flows(e, f.activities)
        var expected = 0.0
        for i in 0..<e.productCount where needs.other[i] > 0 {
            let t = needs.guaranteed[i] + needs.other[i]
            expected += Harmony.h(net[i] / t)
            #expect(plan.netOutput[i] >= f.fulfilment * t - 1e-6 * t)
        }
        let h = try #require(plan.harmony).harmony
        #expect(abs(h - expected) <= 1e-9 * max(1, abs(expected)), "reported \(h), the fulfilment plan's \(expected)")
    }

    /// When the budgeted try does not certify, the fulfilment plan decides whether every target
    /// can be met, and the weighted program then runs without a budget. 1 000 products with
    /// alternatives for every product (seed 8): no certificate before the solves answers (the
    /// harmony function's plan misses a target; its duals do not bound λ below 1; the targets'
    /// Leontief plan breaks a limit), and by default the weighted plan itself answers. With no
    /// budget at all the fulfilment plan answers (λ = 1.044 ≥ 1), and the plan is the same.
    @Test func theFulfilmentPlanDecidesWhenTheBudgetedTryDoesNot() throws {
        var g = SyntheticEconomy(products: 1000, seed: 8)
        g.alternativeShare = 1
        let e = g.generate()
        // (A budget to spare for the weighted try, so that a slow machine does not hand over too.)
        var roomy = options()
        roomy.harmonyTargetsBudget = 600
        let byDefault = Planner.solve(e, options: roomy)
        var o = options()
        o.harmonyTargetsBudget = 0
        let handedOver = Planner.solve(e, options: o)
        #expect(byDefault.status == .optimal && handedOver.status == .optimal, "\(byDefault.message) / \(handedOver.message)")
        let hd = try #require(byDefault.harmony), hh = try #require(handedOver.harmony)
        #expect(hd.targetsFirst == "this plan meets them", "\(byDefault.message)")
        #expect(hh.targetsFirst?.hasPrefix("fulfilment λ = ") == true, "\(handedOver.message)")
        #expect(hd.missed == 0 && hh.missed == 0)
        #expect(handedOver.certificate.passes(1e-6))
        #expect(abs(hd.harmony - hh.harmony) <= 1e-5 * max(1, abs(hd.harmony)), "default \(hd.harmony), handed over \(hh.harmony)")
    }
}

/// A harmony plan the sparse simplex solved keeps its basis; a re-plan after 1 % of the needs
/// changed by 10 % starts from it (three workplaces per technique, where the structure path
/// gives way to the simplex): the same optimum as a cold solve, in a few pivots.
@Suite struct HarmonySimplexWarmStart {
    @Test func replanStartsFromTheKeptBasis() throws {
        var g = SyntheticEconomy(products: 300, seed: 1)
        g.workplaces = 3
        let e = g.generate()
        var o = PlannerOptions()
        o.mode = .harmony
        o.harmonyTargetsFirst = false
        let first = Planner.solve(e, options: o)
        #expect(first.status == .optimal && first.message.contains("sparse simplex"), "\(first.message)")
        var rng = SeededGenerator(seed: 5)
        let changed = Economy(name: e.name, products: e.products, resources: e.resources, techniques: e.techniques,
                              needs: e.needs.map { rng.unit() < 0.01 ? Need(product: $0.product, amount: $0.amount * 1.1, guaranteed: $0.guaranteed) : $0 })
        let cold = Planner.solve(changed, options: o)
        let warm = Planner.solve(changed, options: o, warmStart: first)
        #expect(cold.status == .optimal && warm.status == .optimal, "\(cold.message) / \(warm.message)")
        #expect(warm.message.contains("from the warm plan's basis"), "\(warm.message)")
        let hc = try #require(cold.harmony).harmony, hw = try #require(warm.harmony).harmony
        #expect(abs(hc - hw) <= 1e-9 * max(1, abs(hc)), "cold \(hc), warm \(hw)")
        #expect(warm.certificate.passes(1e-6))
        // Another set of targets (a need dropped): the kept basis does not apply; solved afresh.
        let fewer = Economy(name: e.name, products: e.products, resources: e.resources, techniques: e.techniques, needs: Array(e.needs.dropFirst()))
        let again = Planner.solve(fewer, options: o, warmStart: first)
        #expect(again.status == .optimal && !again.message.contains("warm plan's basis"), "\(again.message)")
    }
}

/// Harmony against HiGHS (or GLPK) on the exported harmony LP (`Planner.harmonyProgram`, what
/// `synco export --mode harmony` writes), over a corpus of cases: the optimal harmony of the
/// harmony function equals the reference solver's optimum; with targets first the plan's harmony
/// is at most that optimum, and equal to it where the harmony function's own plan misses no target.
@Suite struct HarmonyAgainstReferenceSolver {
    /// The fulfilment plan's corpus (random, uniform, alternatives for 60 %, degenerate
    /// duplicates, infeasible guarantees, unbounded), and harmony's own cases.
    static let cases: [(String, @Sendable () -> Economy)] = PlannerAgainstReferenceSolver.cases + own
    static let own: [(String, @Sendable () -> Economy)] = [
        ("room-for-every-need-800", { roomy(SyntheticEconomy(products: 800, seed: 3).generate()) }),
        // Every need can be met, but the harmony function misses two targets: targets first
        // against the LP with every target a floor.
        ("room-but-dear-targets-3000", { roomy(SyntheticEconomy(products: 3000, seed: 3).generate()) }),
        // Three workplaces per technique: hundreds of capacities bind, the structure path does
        // not certify, the sparse simplex does (PDHG's answer was 3.8e-6 below the optimum).
        ("workplaces-300", { var g = SyntheticEconomy(products: 300, seed: 1); g.workplaces = 3; return g.generate() }),
        ("guaranteed-needs-binding-400", { PlannerAgainstReferenceSolver.scaledGuarantees(SyntheticEconomy(products: 400, seed: 9).generate(), by: 1.6) }),
    ]

    /// Limits × 1.5 and capacities × 2.5 (as `scripts/tighten_limits.py --scale-capacities 2.5
    /// --scale labour=1.5 …`): every need can be met.
    static func roomy(_ e: Economy) -> Economy {
        e.renumbered(limits: e.resources.map { $0.limit.map { 1.5 * $0 } }, capacity: e.techniques.capacity.map { 2.5 * $0 }, needs: e.needs)
    }

    /// The harmony LP with every target a floor (its product's row net ≥ t): its optimum is
    /// the best harmony among the plans that meet every target, targets first's plan where
    /// every target can be met; infeasible where they cannot all be met.
    static func floorsProgram(_ e: Economy) -> LinearProgram {
        var lp = Planner.harmonyProgram(e)
        var g = [Double](repeating: 0, count: e.productCount), o = g
        for need in e.needs { if need.guaranteed { g[Int(need.product)] += need.amount } else { o[Int(need.product)] += need.amount } }
        for i in 0..<e.productCount where o[i] > 0 { lp.rowLower[i] = g[i] + o[i] }
        return lp
    }

    @Test(arguments: cases.map(\.0))
    func matchesReference(name: String) throws {
        let e = Self.cases.first { $0.0 == name }!.1()
        let ref = try referenceSolve(Planner.harmonyProgram(e))
        let floors = try referenceSolve(Self.floorsProgram(e))
        var plain = PlannerOptions()
        plain.mode = .harmony
        plain.harmonyTargetsFirst = false
        plain.solver.timeLimit = 120
        let p = Planner.solve(e, options: plain)
        var first = plain
        first.harmonyTargetsFirst = true
        let f = Planner.solve(e, options: first)
        switch ref.status {
        case "optimal":
            let r = ref.objective!, tol = 1e-6 * max(1, abs(r))
            #expect(p.status == .optimal, "\(name): \(p.message)")
            #expect(p.certificate.passes(1e-6), "\(name): \(p.certificate)")
            let h = p.harmony!.harmony
            #expect(abs(h - r) <= tol, "\(name): harmony \(h) vs \(ref.solver) \(r)")
            #expect(f.status == .optimal, "\(name), targets first: \(f.message)")
            let hf = f.harmony!.harmony
            switch floors.status {
            case "optimal":
                // Every target can be met: targets first meets them all, with the best harmony among such plans.
                let rf = floors.objective!
                #expect(f.harmony!.missed == 0, "\(name), targets first: \(f.message)")
                #expect(abs(hf - rf) <= 1e-6 * max(1, abs(rf)), "\(name), targets first: harmony \(hf) vs \(floors.solver) \(rf) with every target met")
            case "infeasible":
                // Not every target can be met: the harmony function's plan stands.
                #expect(abs(hf - r) <= tol, "\(name), targets first: harmony \(hf) vs \(r) (not every target can be met)")
            default:
                Issue.record("reference solver gave \(floors.status) on \(name) with every target a floor")
            }
        case "infeasible":
            #expect(p.status == .infeasible && f.status == .infeasible, "\(name): \(p.message) / \(f.message)")
            #expect(!(p.diagnosis?.needs.isEmpty ?? true))
        case "unbounded":
            #expect(p.status == .unbounded && f.status == .unbounded, "\(name): \(p.message) / \(f.message)")
        default:
            Issue.record("reference solver gave \(ref.status) on \(name)")
        }
    }
}
