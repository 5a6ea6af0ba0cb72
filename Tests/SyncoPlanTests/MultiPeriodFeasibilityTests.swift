import Testing
import SyncoModel
@testable import SyncoPlan

/// The checks before the multi-period solve that avoid an LP: guaranteed needs met by Leontief
/// plans period by period, and boundedness read off the columns.
@Suite struct MultiPeriodFeasibility {
    /// 30 loaves guaranteed each period, baked at 1 h each with 100 h per period: the Leontief
    /// point bakes exactly 30 a period and meets every row.
    static let bread = """
    {"format": "synco-economy/2", "periods": 3,
     "products": [{"id": "bread"}],
     "resources": [{"id": "labour", "kind": "labour", "limit": 100}],
     "techniques": [{"id": "bake", "outputs": {"bread": 1}, "resources": {"labour": 1}}],
     "needs": [{"product": "bread", "amount": 30, "guaranteed": true}, {"product": "bread", "amount": 10}]}
    """

    /// Cloth takes 1 h and 0.1 loom; looms (10 h each) lose 20 % a period; 10 looms at first.
    /// 100 cloth are guaranteed each period, 50 more wanted in period 1. Without investment
    /// period 1 has 8 looms, enough for 80 cloth: the Leontief point fails, yet the needs can be
    /// met. By hand: period 0 weaves 100 (100 h, 10 looms) and has 50 h for 5 looms, so
    /// K₁ = 8 + 5 = 13, cloth₁ ≤ 130 and λ = 30/50 = 0.6.
    static let looms = """
    {"format": "synco-economy/2", "periods": 2,
     "products": [{"id": "cloth"}, {"id": "loom", "capital": {"depreciation": 0.2, "initial": 10}}],
     "resources": [{"id": "labour", "kind": "labour", "limit": [150, 200]}],
     "techniques": [{"id": "weave", "outputs": {"cloth": 1}, "resources": {"labour": 1}, "capital": {"loom": 0.1}},
                    {"id": "build", "outputs": {"loom": 1}, "resources": {"labour": 10}}],
     "needs": [{"product": "cloth", "amount": 100, "guaranteed": true}, {"product": "cloth", "amount": [0, 50]}]}
    """

    @Test func leontiefPointMeetsGuaranteedNeeds() throws {
        let me = try MultiPeriodCases.economy(Self.bread)
        let p = MultiPeriodProblem(me)
        let x = try #require(MultiPeriodPlanner.guaranteedStart(p))
        for t in 0..<3 { #expect(abs(x[p.activityColumn(0, t)] - 30) < 1e-9) }
        #expect(x[p.lambdaColumn] == 0)
        let kx = p.lp.matrix.multiply(x)
        for k in 0..<p.lp.rows { #expect(kx[k] >= p.lp.rowLower[k] - 1e-9) }
        #expect(MultiPeriodPlanner.everyActivityBounded(p))
        let plan = MultiPeriodPlanner.solve(me)
        #expect(plan.status == .optimal && abs(plan.fulfilment - 7) < 1e-5, "70 h left per period make 70 loaves: λ = 7")
    }

    @Test func depreciationWithoutInvestmentFallsBackToTheLP() throws {
        let me = try MultiPeriodCases.economy(Self.looms)
        #expect(MultiPeriodPlanner.guaranteedStart(MultiPeriodProblem(me)) == nil, "8 looms cannot weave 100 cloth")
        let plan = MultiPeriodPlanner.solve(me)
        #expect(plan.status == .optimal, "\(plan.message)")
        #expect(abs(plan.fulfilment - 0.6) < 1e-5)
        #expect(abs(plan.investment[0][1] - 5) < 1e-3)
    }

    @Test func unlimitedTechniqueStillFindsTheRay() throws {
        let me = try MultiPeriodCases.economy("""
        {"format": "synco-economy/2", "periods": 2,
         "products": [{"id": "bread"}],
         "resources": [{"id": "labour", "kind": "labour"}],
         "techniques": [{"id": "bake", "outputs": {"bread": 1}, "resources": {"labour": 1}}],
         "needs": [{"product": "bread", "amount": 10}]}
        """)
        #expect(!MultiPeriodPlanner.everyActivityBounded(MultiPeriodProblem(me)))
        #expect(MultiPeriodPlanner.solve(me).status == .unbounded)
    }
}
