import Testing
import SyncoData
import SyncoModel
@testable import SyncoPlan

/// The harmony structure path when its rounds stop early (a time limit, or here a round limit).
@Suite struct HarmonyStructureStops {
    /// Stopped after its first round (on 3 000 products, seed 1, the rounds need two), the path
    /// still hands back the first round's point, marked unfinished: a plan that keeps every
    /// guaranteed need, limit and capacity of the economy (checked on the technique table, not
    /// on the program), with no more harmony than the finished path reaches.
    @Test func anUnfinishedRoundLeavesAFeasiblePlan() throws {
        let e = SyntheticEconomy(products: 3000, seed: 1).generate()
        let base = FulfilmentProblem(e)
        let n = e.productCount, m = e.techniqueCount
        let target = (0..<n).map { base.guaranteed[$0] + base.other[$0] }
        let targets = (0..<n).filter { target[$0] > 0 && base.other[$0] > 0 }
        let spans = Harmony.pieceSpans(targets: targets, target: target, guaranteed: base.guaranteed)
        func run(rounds: Int) -> (ev: Harmony.ReducedEvaluation, rounds: Int, pivots: Int, finished: Bool)? {
            Harmony.reducedProgram(e, base, directions: targets.map { [($0, 1.0)] }, group: spans.map(\.q),
                                   cost: spans.map { Harmony.pieces[$0.k].a / target[targets[$0.q]] },
                                   length: spans.map { ($0.hi - $0.lo) * target[targets[$0.q]] }, rounds: rounds, seconds: 120)
        }
        let full = try #require(run(rounds: 30))
        #expect(full.finished && full.rounds == 2)
        let first = try #require(run(rounds: 1))
        #expect(!first.finished)
        let x = first.ev.activities(techniques: m)
        let (net, use) = Planner.flows(e, x)
        for i in 0..<n { #expect(net[i] >= base.guaranteed[i] - 1e-9 * max(1, base.guaranteed[i])) }
        for (k, r) in e.resources.enumerated() { if let limit = r.limit { #expect(use[k] <= limit * (1 + 1e-9)) } }
        for j in 0..<m { #expect(x[j] >= -1e-9 && x[j] <= e.techniques.capacity[j] * (1 + 1e-9)) }
        func harmony(_ ev: Harmony.ReducedEvaluation) -> Double { targets.map { Harmony.h(ev.net[$0] / target[$0]) }.reduce(0, +) }
        #expect(harmony(first.ev) <= harmony(full.ev) + 1e-9 * max(1, abs(harmony(full.ev))))
        #expect(first.ev.value < full.ev.value)
    }
}
