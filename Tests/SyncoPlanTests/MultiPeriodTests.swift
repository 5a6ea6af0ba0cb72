import Foundation
import Testing
import SyncoData
import SyncoModel
import SyncoPlan

/// Small v2 economies with answers worked out by hand (see each case), also checked against
/// HiGHS on the exported time-expanded LP.
enum MultiPeriodCases {
    static func economy(_ json: String) throws -> MultiPeriodEconomy {
        try EconomyJSON2.economy(Array(json.utf8), source: "test")
    }

    /// Bread keeps (half of it survives a period); no labour in period 1, so everything eaten
    /// then is baked in period 0 and stored: x₀ = 50λ + inv₀, 0.5·inv₀ = 50λ, x₀ ≤ 100 ⇒ λ = 2/3.
    static let storage = """
    {"format": "synco-economy/2", "periods": 2,
     "products": [{"id": "bread", "storable": {"carryover": 0.5}}],
     "resources": [{"id": "labour", "kind": "labour", "limit": [100, 0]}],
     "techniques": [{"id": "bake", "outputs": {"bread": 1}, "resources": {"labour": 1}}],
     "needs": [{"product": "bread", "amount": 50}]}
    """

    /// Cloth needs looms (0.1 per unit woven); there are none at first. Looms made in period 0
    /// (10 h each, 50 h) work from period 1: K₁ = 5 ⇒ cloth₁ ≤ 50, need 100 ⇒ λ = 1/2.
    static let investmentLag = """
    {"format": "synco-economy/2", "periods": 2,
     "products": [{"id": "cloth"}, {"id": "loom", "capital": {"depreciation": 0, "initial": 0}}],
     "resources": [{"id": "labour", "kind": "labour", "limit": [50, 100]}],
     "techniques": [{"id": "weave", "outputs": {"cloth": 1}, "resources": {"labour": 1}, "capital": {"loom": 0.1}},
                    {"id": "make-loom", "outputs": {"loom": 1}, "resources": {"labour": 10}}],
     "needs": [{"product": "cloth", "amount": [0, 100]}]}
    """

    /// A forest of 100 regenerating 10 % a period must stand at 100 after two periods:
    /// 1.1·(110 − e₀) − e₁ ≥ 100 ⇒ 1.1·e₀ + e₁ ≤ 21. Timber 20λ a period, at most 5 from
    /// plantations (labour): e_t = 20λ − 5 ⇒ 2.1·(20λ − 5) = 21 ⇒ λ = 3/4.
    static let stockTarget = """
    {"format": "synco-economy/2", "periods": 2,
     "products": [{"id": "timber"}],
     "stocks": [{"id": "forest", "initial": 100, "regeneration": 0.1, "carrying_capacity": 1000, "minimum_final": 100}],
     "resources": [{"id": "labour", "kind": "labour", "limit": 10}],
     "techniques": [{"id": "logging", "outputs": {"timber": 1}, "extracts": {"forest": 1}},
                    {"id": "plantation", "outputs": {"timber": 1}, "resources": {"labour": 2}}],
     "needs": [{"product": "timber", "amount": 20}]}
    """

    /// Power from coal (1 t CO2, 1 h) or wind (3 h), 200 h a period, 150 t CO2 over two
    /// periods: coal 75 a period, wind (200 − 75)/3 ⇒ 350/3 a period, need 100 ⇒ λ = 7/6.
    static let carbonBudget = """
    {"format": "synco-economy/2", "periods": 2,
     "products": [{"id": "power"}],
     "resources": [{"id": "labour", "kind": "labour", "limit": 200}, {"id": "co2", "kind": "emission", "limit": 100, "budget": 150}],
     "techniques": [{"id": "coal", "outputs": {"power": 1}, "resources": {"co2": 1, "labour": 1}},
                    {"id": "wind", "outputs": {"power": 1}, "resources": {"labour": 3}}],
     "needs": [{"product": "power", "amount": 100}]}
    """

    /// Needs of 50 then 100 loaves, 100 h a period. Stored bread (no loss): 200 = 150λ ⇒ λ = 4/3;
    /// without storage period 1 binds: λ = 1.
    static func perPeriodNeeds(storable: Bool) -> String {
        """
        {"format": "synco-economy/2", "periods": 2,
         "products": [{"id": "bread"\(storable ? ", \"storable\": {\"carryover\": 1}" : "")}],
         "resources": [{"id": "labour", "kind": "labour", "limit": [100, 100]}],
         "techniques": [{"id": "bake", "outputs": {"bread": 1}, "resources": {"labour": 1}}],
         "needs": [{"product": "bread", "amount": [50, 100]}]}
        """
    }

    /// The architecture note's v2 example, with a tractor works so that investment is possible.
    static let architecture = """
    {"format": "synco-economy/2", "periods": 5,
     "products": [{"id": "grain", "unit": "t", "storable": {"carryover": 0.9, "initial": 20}}, {"id": "timber", "unit": "m3"},
                  {"id": "tractor", "unit": "pcs", "capital": {"depreciation": 0.1, "initial": 8}}],
     "stocks": [{"id": "forest", "unit": "m3", "initial": 1000, "regeneration": 0.05, "carrying_capacity": 2000, "minimum_final": 1100}],
     "resources": [{"id": "labour", "kind": "labour", "limit": [1000, 1010, 1020, 1030, 1040]},
                   {"id": "co2", "kind": "emission", "limit": 60, "budget": 250}],
     "techniques": [{"id": "farm", "outputs": {"grain": 1}, "inputs": {"grain": 0.1}, "resources": {"labour": 2, "co2": 0.3}, "capital": {"tractor": 0.02}},
                    {"id": "logging", "outputs": {"timber": 1}, "resources": {"labour": 0.5}, "extracts": {"forest": 1}},
                    {"id": "tractor-works", "outputs": {"tractor": 1}, "inputs": {"timber": 5}, "resources": {"labour": 20, "co2": 1}}],
     "needs": [{"product": "grain", "amount": [100, 100, 105, 110, 115]}, {"product": "timber", "amount": 50}]}
    """
}

/// Exports the time-expanded LP as MPS and asks HiGHS (or GLPK) for the answer.
func referenceSolve(_ me: MultiPeriodEconomy) throws -> Reference { try referenceSolve(MultiPeriodProblem(me).lp) }

@Suite struct MultiPeriodKnownAnswers {
    @Test func storageCarriesBreadOver() throws {
        let plan = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(MultiPeriodCases.storage))
        #expect(plan.status == .optimal, "\(plan.message)")
        #expect(abs(plan.fulfilment - 2.0 / 3) < 1e-5)
        #expect(abs(plan.inventory[0][0] - 200.0 / 3) < 1e-3, "everything eaten in period 1 is stored in period 0")
        #expect(plan.certificate.passes(1e-6))
        // A unit of labour in period 0 makes a loaf, worth 1/150 λ in period 0.
        #expect(abs(plan.resourceValuation[0][0] - 1.0 / 150) < 1e-5)
    }

    @Test func investmentWorksFromTheNextPeriod() throws {
        let plan = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(MultiPeriodCases.investmentLag))
        #expect(plan.status == .optimal, "\(plan.message)")
        #expect(abs(plan.fulfilment - 0.5) < 1e-5)
        #expect(abs(plan.investment[0][1] - 5) < 1e-3, "the looms of period 1 are invested in period 0")
        #expect(abs(plan.capitalStock[1][1] - 5) < 1e-3)
        #expect(plan.capitalValuation[1][1] > 1e-4, "looms bind in period 1")
        #expect(plan.certificate.passes(1e-6))
    }

    @Test func stockTargetForcesTheOtherTechnique() throws {
        let plan = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(MultiPeriodCases.stockTarget))
        #expect(plan.status == .optimal, "\(plan.message)")
        #expect(abs(plan.fulfilment - 0.75) < 1e-5)
        #expect(abs(plan.activities[0][1] - 5) < 1e-3 && abs(plan.activities[1][1] - 5) < 1e-3, "plantations at their labour limit")
        #expect(abs(plan.stockLevels[2][0] - 100) < 1e-3, "the forest ends at its target")
        #expect(plan.targetValuation[0] > 1e-4)
        #expect(plan.certificate.passes(1e-6))
    }

    @Test func carbonBudgetBinds() throws {
        let plan = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(MultiPeriodCases.carbonBudget))
        #expect(plan.status == .optimal, "\(plan.message)")
        #expect(abs(plan.fulfilment - 7.0 / 6) < 1e-5)
        #expect(abs(plan.budgetUse[1] - 150) < 1e-3)
        #expect(plan.budgetValuation[1] > 1e-4 && plan.resourceValuation[0][1] < 1e-7, "the budget binds, not the yearly limit")
        #expect(plan.certificate.passes(1e-6))
    }

    @Test func perPeriodNeeds() throws {
        let stored = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(MultiPeriodCases.perPeriodNeeds(storable: true)))
        #expect(stored.status == .optimal && abs(stored.fulfilment - 4.0 / 3) < 1e-5, "\(stored.fulfilment)")
        let fresh = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(MultiPeriodCases.perPeriodNeeds(storable: false)))
        #expect(fresh.status == .optimal && abs(fresh.fulfilment - 1) < 1e-5, "\(fresh.fulfilment)")
    }

    /// A v1 economy is a one-period v2 economy with the same λ (the two-sector example: 1.47).
    @Test func v1EconomyIsAOnePeriodPlan() throws {
        let e = twoSector()
        let v1 = Planner.solve(e)
        let v2 = MultiPeriodPlanner.solve(MultiPeriodEconomy(oneShot: e))
        #expect(v2.status == .optimal && abs(v2.fulfilment - v1.fulfilment) < 1e-5, "\(v2.fulfilment) vs \(v1.fulfilment)")
        #expect(abs(v2.resourceValuation[0][1] - 0.03) < 1e-5)
        // The same economy read from a v1 JSON document by the v2 reader.
        let json = EconomyJSON.encode(e.document())
        let fromJSON = try EconomyJSON2.economy(Array(json.utf8))
        #expect(fromJSON.periods == 1)
        let v2j = MultiPeriodPlanner.solve(fromJSON)
        #expect(abs(v2j.fulfilment - v1.fulfilment) < 1e-5)
    }

    @Test func infeasibleTargetNamesTheStockAndPeriod() throws {
        // Guaranteed timber of 20 a period, plantations make 5: the forest target cannot hold.
        let json = MultiPeriodCases.stockTarget.replacingOccurrences(of: "\"amount\": 20}", with: "\"amount\": 20, \"guaranteed\": true}")
        let plan = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(json))
        #expect(plan.status == .infeasible, "\(plan.message)")
        let d = try #require(plan.diagnosis)
        #expect(d.proofBound > 0)
        #expect(d.demands.contains { $0.kind == "stock-target" && $0.id == "forest" })
        #expect(d.constraints.contains { $0.kind == "stock" && $0.id == "forest" && $0.period != nil })
        #expect(plan.message.contains("forest"))
    }

    @Test func infeasibleBudgetIsNamed() throws {
        // Guaranteed power of 100 a period with 150 h: coal ≥ 75 a period, 150 > the 100 t budget.
        let json = MultiPeriodCases.carbonBudget
            .replacingOccurrences(of: "\"limit\": 200}", with: "\"limit\": 150}")
            .replacingOccurrences(of: "\"budget\": 150", with: "\"budget\": 100")
            .replacingOccurrences(of: "\"amount\": 100}", with: "\"amount\": 100, \"guaranteed\": true}")
        let plan = MultiPeriodPlanner.solve(try MultiPeriodCases.economy(json))
        #expect(plan.status == .infeasible, "\(plan.message)")
        let d = try #require(plan.diagnosis)
        #expect(d.constraints.contains { $0.kind == "budget" && $0.id == "co2" })
        #expect(d.demands.contains { $0.kind == "need" && $0.id == "power" && $0.period != nil })
        #expect(plan.message.contains("co2 budget"))
    }

    @Test func certificateRejectsAWrongPlan() throws {
        let me = try MultiPeriodCases.economy(MultiPeriodCases.carbonBudget)
        var plan = MultiPeriodPlanner.solve(me)
        plan.fulfilment *= 1.1
        plan.certificate = MultiPeriodCertificate(economy: me, plan: plan)
        #expect(!plan.certificate.passes(1e-6))
        #expect(plan.certificate.primalResidual > 1e-3)
    }

    @Test func worstRowIsRelativeToItsOwnSize() throws {
        // The storage case at its exact optimum (bake 100 in period 0, store 200/3, half of it
        // arrives: 100/3 = 50·λ with λ = 2/3), then claimed at λ = 0.7: each period asks for 35
        // and gets 100/3. Period 1's row has nothing else flowing through it, so it is off by
        // (35 − 100/3)/35 = 1/21 of itself.
        let me = try MultiPeriodCases.economy(MultiPeriodCases.storage)
        var plan = MultiPeriodPlanner.solve(me)
        plan.activities = [[100], [0]]
        plan.inventory = [[200.0 / 3], [0]]
        plan.fulfilment = 2.0 / 3
        #expect(MultiPeriodCertificate(economy: me, plan: plan).maxRowViolation < 1e-12)
        plan.fulfilment = 0.7
        #expect(abs(MultiPeriodCertificate(economy: me, plan: plan).maxRowViolation - 1.0 / 21) < 1e-12)
    }
}

/// The certificate's proven bound on λ: valid for any valuations, and tight where stored
/// products share the resource they are made with.
@Suite struct MultiPeriodCertificateBound {
    /// Bread and beer keep without loss; all labour (100 h) is in period 0, each need is 50 a
    /// period: bread₀ + beer₀ = 100 = 4·50λ ⇒ λ* = 1/2. The optimal valuations price labour in
    /// period 0 at w₀ = 1/200 (Σ o·y = 200·w₀ = 1), both products at w₀ in both periods:
    /// bound L·w₀ = 1/2.
    static let twoStored = """
    {"format": "synco-economy/2", "periods": 2,
     "products": [{"id": "bread", "storable": {"carryover": 1}}, {"id": "beer", "storable": {"carryover": 1}}],
     "resources": [{"id": "labour", "kind": "labour", "limit": [100, 0]}],
     "techniques": [{"id": "bake", "outputs": {"bread": 1}, "resources": {"labour": 1}},
                    {"id": "brew", "outputs": {"beer": 1}, "resources": {"labour": 1}}],
     "needs": [{"product": "bread", "amount": 50}, {"product": "beer", "amount": 50}]}
    """

    static func plan(_ me: MultiPeriodEconomy, y: [[Double]], w: [[Double]]) -> MultiPeriodPlan {
        var plan = MultiPeriodPlan(economy: me, status: .stopped, message: "")
        plan.activities = [[50, 50], [0, 0]]
        plan.inventory = [[25, 25], [0, 0]]
        plan.fulfilment = 0.5
        plan.productValuation = y
        plan.resourceValuation = w
        return plan
    }

    @Test func optimalValuationsProveTheOptimum() throws {
        let me = try MultiPeriodCases.economy(Self.twoStored)
        let c = MultiPeriodCertificate(economy: me, plan: Self.plan(me, y: [[0.005, 0.005], [0.005, 0.005]], w: [[0.005], [0.005]]))
        #expect(abs(c.dualBound - 0.5) < 1e-12)
        #expect(c.passes(1e-9))
    }

    /// Valuations that make storing pay (nothing in period 0 is valued, period 1 at 1/100): each
    /// stored unit earns 1/100. Both inventories are bounded by what period 0's 100 hours make,
    /// and they share those hours: the bound is 100 h · 1/100 = 1, not 2 (each inventory
    /// charged at its own bound of 100 units, as if each had all the hours).
    @Test func storedProductsShareTheHoursThatMakeThem() throws {
        let me = try MultiPeriodCases.economy(Self.twoStored)
        let c = MultiPeriodCertificate(economy: me, plan: Self.plan(me, y: [[0, 0], [0.01, 0.01]], w: [[0], [0]]))
        #expect(abs(c.dualBound - 1) < 1e-12, "bound \(c.dualBound)")
        #expect(c.dualResidual > 0)
        #expect(!c.passes(1e-6))
    }

    /// The same with beer brewed from land instead (100 ha in period 0, none in period 1): the
    /// two inventories no longer share a resource, so each is charged its own 100 units
    /// (bread by the hours, beer by the land): bound 2. The optimum is λ* = 1 (100 loaves
    /// and 100 beers in period 0, half of each stored).
    @Test func productsMadeWithDifferentResourcesAreChargedApart() throws {
        let me = try MultiPeriodCases.economy(Self.twoStored
            .replacingOccurrences(of: #"{"id": "labour", "kind": "labour", "limit": [100, 0]}"#,
                                  with: #"{"id": "labour", "kind": "labour", "limit": [100, 0]}, {"id": "land", "kind": "natural", "limit": [100, 0]}"#)
            .replacingOccurrences(of: #""outputs": {"beer": 1}, "resources": {"labour": 1}"#, with: #""outputs": {"beer": 1}, "resources": {"land": 1}"#))
        #expect(me.economy.resources.count == 2)
        let c = MultiPeriodCertificate(economy: me, plan: Self.plan(me, y: [[0, 0], [0.01, 0.01]], w: [[0, 0], [0, 0]]))
        #expect(abs(c.dualBound - 2) < 1e-12, "bound \(c.dualBound)")
    }

    /// Whatever the valuations, the bound is never below the optimum HiGHS finds: the
    /// valuations of solved plans are moved at random, each by up to ±0.1 % (so that many
    /// variables earn a small profit and the bound stays near the optimum, where a charge left
    /// out would show), on economies with storage, capital, stocks and budgets.
    @Test(arguments: ["architecture-5", "synthetic-120x3", "synthetic-300x4"])
    func boundIsNeverBelowTheOptimum(name: String) throws {
        let me = try MultiPeriodAgainstReferenceSolver.cases.first { $0.0 == name }!.1()
        let ref = try referenceSolve(me)
        let best = try #require(ref.objective)
        let solved = MultiPeriodPlanner.solve(me)
        var rng = SplitMix64(seed: 11)
        func scatter(_ v: Double) -> Double { v * (1 + (Double(rng.next() % 2001) - 1000) * 1e-6) }
        for _ in 0..<25 {
            var p = solved
            p.productValuation = p.productValuation.map { $0.map(scatter) }
            p.resourceValuation = p.resourceValuation.map { $0.map(scatter) }
            p.capitalValuation = p.capitalValuation.map { $0.map(scatter) }
            p.investmentValuation = p.investmentValuation.map { $0.map(scatter) }
            p.stockValuation = p.stockValuation.map { $0.map(scatter) }
            p.budgetValuation = p.budgetValuation.map(scatter)
            let c = MultiPeriodCertificate(economy: me, plan: p)
            #expect(c.dualBound >= best - 1e-9 * max(1, abs(best)), "\(name): bound \(c.dualBound) below the optimum \(best)")
        }
        #expect(abs(MultiPeriodCertificate(economy: me, plan: solved).dualBound - best) < 1e-5 * max(1, best))
    }
}

/// Our λ against HiGHS on the exported time-expanded LP.
@Suite struct MultiPeriodAgainstReferenceSolver {
    static let cases: [(String, @Sendable () throws -> MultiPeriodEconomy)] = [
        ("storage", { try MultiPeriodCases.economy(MultiPeriodCases.storage) }),
        ("investment-lag", { try MultiPeriodCases.economy(MultiPeriodCases.investmentLag) }),
        ("stock-target", { try MultiPeriodCases.economy(MultiPeriodCases.stockTarget) }),
        ("carbon-budget", { try MultiPeriodCases.economy(MultiPeriodCases.carbonBudget) }),
        ("per-period-needs", { try MultiPeriodCases.economy(MultiPeriodCases.perPeriodNeeds(storable: true)) }),
        ("architecture-5", { try MultiPeriodCases.economy(MultiPeriodCases.architecture) }),
        ("v1-two-sector", { MultiPeriodEconomy(oneShot: twoSector()) }),
        ("v1-bread-3-periods", { MultiPeriodEconomy(oneShot: bread(), periods: 3) }),
        ("synthetic-120x3", { SyntheticTimeline(periods: 3, seed: 3).stretch(SyntheticEconomy(products: 120, seed: 5).generate()) }),
        ("synthetic-300x4", { SyntheticTimeline(periods: 4, seed: 7).stretch(SyntheticEconomy(products: 300, seed: 7).generate()) }),
    ]

    @Test(arguments: cases.map(\.0))
    func matchesReference(name: String) throws {
        let me = try Self.cases.first { $0.0 == name }!.1()
        let ref = try referenceSolve(me)
        let plan = MultiPeriodPlanner.solve(me)
        switch ref.status {
        case "optimal":
            #expect(plan.status == .optimal, "\(name): \(plan.message)")
            let r = ref.objective!
            #expect(abs(plan.fulfilment - r) <= 1e-4 * max(1, abs(r)), "\(name): λ \(plan.fulfilment) vs \(ref.solver) \(r), \(plan.certificate)")
            #expect(plan.certificate.passes(1e-6))
            #expect(plan.certificate.dualBound >= r - 1e-6 * max(1, abs(r)), "\(name): the proven bound \(plan.certificate.dualBound) is below HiGHS's \(r)")
        case "infeasible":
            #expect(plan.status == .infeasible, "\(name): \(plan.message)")
        default:
            Issue.record("reference solver gave \(ref.status) on \(name)")
        }
    }

    /// The v1 planner and the v2 planner on one period agree on λ for a synthetic economy.
    @Test func onePeriodMatchesV1Planner() {
        let e = SyntheticEconomy(products: 150, seed: 9).generate()
        let v1 = Planner.solve(e)
        let v2 = MultiPeriodPlanner.solve(MultiPeriodEconomy(oneShot: e))
        #expect(v1.status == .optimal && v2.status == .optimal, "\(v2.message)")
        #expect(abs(v1.fulfilment - v2.fulfilment) <= 1e-4 * max(1, abs(v1.fulfilment)), "\(v2.fulfilment) vs \(v1.fulfilment)")
    }
}

@Suite struct MultiPeriodRollout {
    /// One window over the whole horizon is the full plan; later windows warm-start and agree
    /// with cold solves of the same window.
    /// By the first-order solver from the kept point (`simplexRows` 0, the default) and by
    /// pivots from the kept basis.
    @Test(arguments: [0, 4_000])
    func windowsAgreeWithColdSolves(simplexRows: Int) throws {
        let me = try MultiPeriodCases.economy(MultiPeriodCases.architecture)
        var options = PlannerOptions()
        options.simplexRows = simplexRows
        let full = MultiPeriodPlanner.solve(me)
        let one = RollingHorizon.run(me, horizon: 5, periods: 1, options: options)
        #expect(abs(one[0].plan.fulfilment - full.fulfilment) < 1e-5)
        let steps = RollingHorizon.run(me, horizon: 3, periods: 3, options: options)
        #expect(steps.count == 3 && steps.allSatisfy { $0.plan.status == .optimal })
        #expect(!steps[0].warmStarted && steps[1].warmStarted && steps[2].warmStarted)
        for s in steps {
            let cold = MultiPeriodPlanner.solve(me.window(from: s.period, horizon: 3, state: s.state))
            #expect(abs(cold.fulfilment - s.plan.fulfilment) < 1e-4 * max(1, cold.fulfilment), "period \(s.period)")
        }
        // The forest carried into period 1 is what period 0 of the first window left.
        #expect(abs(steps[1].state.stocks[0] - steps[0].plan.stockLevels[1][0]) < 1e-9)
    }

    @Test func actualsReplaceThePlannedState() throws {
        let me = try MultiPeriodCases.economy(MultiPeriodCases.architecture)
        let steps = RollingHorizon.run(me, horizon: 2, periods: 2,
                                       actuals: [RollingHorizon.Actual(period: 1, kind: .stock, index: 0, value: 900)])
        #expect(steps[1].state.stocks[0] == 900)
    }
}
