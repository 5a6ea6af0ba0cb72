import Testing
import SyncoData
import SyncoModel
@testable import SyncoPlan

/// The pivots predict the solutions M⁻¹[h, λ, E] of the basis an exchange makes from those of
/// the basis before it (Sherman–Morrison on the one column of M that changes; h corrected for a
/// technique that reaches or leaves its capacity) and only check the prediction with the
/// Leontief iteration. Here each kind of exchange is made by hand and the prediction compared,
/// number for number, with the new basis solved from scratch.
@Suite struct BasisPolishTests {
    struct Case {
        let bp: BasisPolish
        let basis: BasisPolish.Basis
        let economy: Economy
        /// Techniques that carry a product with another technique carrying it now (the first
        /// for each product that has one).
        let alternatives: [(product: Int, technique: Int)]
    }

    func setUp(seed: UInt64) -> Case {
        let e = SyntheticEconomy(products: 300, seed: seed).generate()
        let needs = FulfilmentNeeds(e)
        let p = FulfilmentProblem(needs)
        let bp = BasisPolish(needs, lp: p.lp, columns: p.columns)
        let basis = bp.structureBasis()
        var alternatives: [(product: Int, technique: Int)] = []
        for i in 0..<e.productCount where bp.groupStart[i + 1] - bp.groupStart[i] > 1 {
            alternatives.append((i, Int(bp.group[bp.groupStart[i] + 1])))
        }
        return Case(bp: bp, basis: basis, economy: e, alternatives: alternatives)
    }

    /// Solves `before` with `enter` entering, then compares the prediction for `after` with the
    /// solve of `after`; returns the largest difference relative to the column's size.
    func mismatch(_ c: Case, before: BasisPolish.Basis, rows: [Int], caps: [Int] = [], extras: [Int], enter: Int,
                  after: BasisPolish.Basis, rowsAfter: [Int], capsAfter: [Int] = [], extrasAfter: [Int]) throws -> Double {
        let e = c.economy, n = e.productCount
        let sys = LeontiefSystem(e, primary: before.primary, output: before.primaryOut)
        let pt = try #require(c.bp.solveBasis(before, sys: sys, resourceRows: rows, capacityRows: caps, extras: extras, entering: nil))
        let d = try #require(c.bp.solveBasis(before, sys: sys, resourceRows: rows, capacityRows: caps, extras: extras, entering: enter,
                                             forward: pt.forward))
        let predicted = try #require(c.bp.predictedForward(pt.forward, before: before, extras: extras, enter: enter, column: d.entering,
                                                           after: after, extras: extrasAfter))
        let sysAfter = LeontiefSystem(e, primary: after.primary, output: after.primaryOut)
        let solved = try #require(c.bp.solveBasis(after, sys: sysAfter, resourceRows: rowsAfter, capacityRows: capsAfter,
                                                  extras: extrasAfter, entering: nil))
        let w = 2 + extrasAfter.count
        #expect(predicted.count == n * w && solved.forward.count == n * w)
        var worst = 0.0
        for col in 0..<w {
            var size = 0.0
            for i in 0..<n { size = max(size, abs(solved.forward[i * w + col])) }
            for i in 0..<n { worst = max(worst, abs(predicted[i * w + col] - solved.forward[i * w + col]) / max(size, 1e-300)) }
        }
        return worst
    }

    /// A product's carrier replaced by the entering technique (one column of M changes).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func carrierExchange(seed: UInt64) throws {
        let c = setUp(seed: seed)
        let (i, j) = try #require(c.alternatives.first)
        var after = c.basis
        after.state[Int(after.primary[i])] = .zero
        after.primary[i] = Int32(j)
        after.primaryOut[i] = c.bp.carriedOutput[j]
        after.state[j] = .basic
        let worst = try mismatch(c, before: c.basis, rows: [0], extras: [], enter: j, after: after, rowsAfter: [0], extrasAfter: [])
        #expect(worst < 1e-9, "largest relative difference \(worst)")
    }

    /// The entering technique becomes an extra when a second resource binds (M unchanged), and
    /// then an extra takes over a product while the next entering technique takes its place.
    @Test(arguments: [1, 2] as [UInt64])
    func extraEntersAndThenCarries(seed: UInt64) throws {
        let c = setUp(seed: seed)
        try #require(c.bp.needs.limitedResources.count >= 2 && c.alternatives.count >= 2)
        let (i1, j1) = c.alternatives[0], (_, j2) = c.alternatives[1]
        var withExtra = c.basis
        withExtra.state[j1] = .basic
        let first = try mismatch(c, before: c.basis, rows: [0], extras: [], enter: j1,
                                 after: withExtra, rowsAfter: [0, 1], extrasAfter: [j1])
        #expect(first < 1e-9, "largest relative difference \(first)")
        var carried = withExtra
        carried.state[Int(carried.primary[i1])] = .zero
        carried.primary[i1] = Int32(j1)
        carried.primaryOut[i1] = c.bp.carriedOutput[j1]
        carried.state[j2] = .basic
        let second = try mismatch(c, before: withExtra, rows: [0, 1], extras: [j1], enter: j2,
                                  after: carried, rowsAfter: [0, 1], extrasAfter: [j2])
        #expect(second < 1e-9, "largest relative difference \(second)")
    }

    /// The entering technique runs into its own capacity (a bound flip): h loses its capacity's
    /// worth of the technique's column; M and the extras stay.
    @Test func boundFlip() throws {
        var c = setUp(seed: 1)
        let (i, j) = try #require(c.alternatives.first)
        // Give the alternative a capacity so that it can be fixed there.
        var capacity = c.economy.techniques.capacity
        capacity[j] = 3
        let e = c.economy.renumbered(limits: c.economy.resources.map(\.limit), capacity: capacity, needs: c.economy.needs)
        let needs = FulfilmentNeeds(e)
        let p = FulfilmentProblem(needs)
        c = Case(bp: BasisPolish(needs, lp: p.lp, columns: p.columns), basis: c.basis, economy: e, alternatives: c.alternatives)
        var after = c.basis
        after.state[j] = .atCapacity
        let worst = try mismatch(c, before: c.basis, rows: [0], extras: [], enter: j, after: after, rowsAfter: [0], extrasAfter: [])
        #expect(worst < 1e-9, "largest relative difference \(worst) (product \(i))")
    }

    /// A basis' valuations meet λ's own equation (Σ o_i·y_i = 1, λ's reduced cost zero) to
    /// rounding, also when a capacity binds and its product's valuation stands far above the
    /// rest. The transposed solve stops on the largest valuation's change, while λ's equation
    /// sums every product's valuation: without the refinement in `solveBasis` the sum was off by
    /// 5e-6 at realistic 10^5 (the certificate failed, the planner fell to the solver for
    /// minutes) and by 2e-8 to 5e-8 here (now below 1e-11).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func valuationsMeetLambdasEquation(seed: UInt64) throws {
        let e = SyntheticEconomy(products: 5_000, seed: seed).generate()
        let needs = FulfilmentNeeds(e)
        let p = FulfilmentProblem(needs)
        let bp = BasisPolish(needs, lp: p.lp, columns: p.columns)
        let basis = bp.structureBasis()
        let sys = LeontiefSystem(e, primary: basis.primary, output: basis.primaryOut)
        let n = e.productCount
        let capped = (0..<n).filter { basis.primary[$0] >= 0 && e.techniques.capacity[Int(basis.primary[$0])].isFinite }
        try #require(capped.count >= 3)
        var worst = 0.0
        for i in capped.prefix(3) {
            var b = basis
            b.state[Int(b.primary[i])] = .atCapacity
            let pt = try #require(bp.solveBasis(b, sys: sys, resourceRows: [], capacityRows: [i], extras: [], entering: nil))
            var oy = 0.0
            for k in 0..<n { oy += needs.other[k] * pt.dual[k] }
            worst = max(worst, abs(oy - 1))
        }
        let labour = try #require(bp.solveBasis(basis, sys: sys, resourceRows: [0], capacityRows: [], extras: [], entering: nil))
        var oy = 0.0
        for k in 0..<n { oy += needs.other[k] * labour.dual[k] }
        worst = max(worst, abs(oy - 1))
        #expect(worst < 1e-10, "|Σ o·y − 1| = \(worst)")
    }
}

/// The solver's start when the structure paths stop short with capacities present: the
/// decomposition over the resource prices with the capacities left out. It solves a relaxation,
/// so its λ may not fall below the optimum of the economy with its capacities (here with two or
/// three techniques for every product, each with a capacity, where policy iteration stalls with
/// a capacity binding first).
@Suite struct RelaxedStart {
    @Test func theDecompositionWithoutCapacitiesBoundsTheOptimum() throws {
        var g = SyntheticEconomy(products: 300, seed: 7)
        g.alternativeShare = 1.0
        let e = g.generate()
        let needs = FulfilmentNeeds(e)
        let p = FulfilmentProblem(needs)
        let bp = BasisPolish(needs, lp: p.lp, columns: p.columns)
        let m = e.techniqueCount
        let plan = Planner.solve(e)
        #expect(plan.status == .optimal, "\(plan.message)")
        let relaxed = try #require(bp.resourcePrices(bp.structureBasis(), prices: nil, tolerance: 1e-6, brokenCapacities: true))
        #expect(relaxed.x[m] >= plan.fulfilment * (1 - 2e-6), "relaxation λ \(relaxed.x[m]) below the optimum \(plan.fulfilment)")
        // The mixture breaks capacities (else it would be a plan, and the flag untested), and
        // without the flag it is refused.
        let broken = (0..<m).filter { relaxed.x[$0] > e.techniques.capacity[$0] * (1 + 1e-9) }
        #expect(!broken.isEmpty)
        #expect(bp.resourcePrices(bp.structureBasis(), prices: nil, tolerance: 1e-6) == nil)
        // Its activities meet the needs at its λ and keep the resource limits (only capacities
        // are left out).
        let (net, use) = Planner.flows(e, Array(relaxed.x[0..<m]))
        for i in 0..<e.productCount {
            let required = needs.guaranteed[i] + relaxed.x[m] * needs.other[i]
            #expect(net[i] >= required - 1e-6 * max(1, required))
        }
        for (k, r) in e.resources.enumerated() { if let limit = r.limit { #expect(use[k] <= limit * (1 + 1e-6)) } }
    }
}

/// Policy iteration's first-order prediction of the limits a round's switches break
/// (`BasisPolish.predictedBreaks`), on a two-product economy worked by hand: bread made with
/// much flour and little labour (t0a) or little flour and much labour (t0b), flour by one
/// technique with a capacity. Flour is not an input of flour, so the first order is exact here,
/// and it must agree with the basis solved again after the switch.
@Suite struct PredictedBreaks {
    func economy(labour: Double, flourCapacity: Double) -> Economy {
        var t = TechniqueTable()
        t.append(Technique(id: "t0a", outputs: [Entry(0, 1)], inputs: [Entry(1, 0.5)], resources: [Entry(0, 1)]))
        t.append(Technique(id: "t0b", outputs: [Entry(0, 1)], inputs: [Entry(1, 0.1)], resources: [Entry(0, 2)]))
        t.append(Technique(id: "t1", outputs: [Entry(1, 1)], inputs: [], resources: [Entry(0, 1)], capacity: flourCapacity))
        return Economy(name: "bread", products: [Product(id: "bread", category: "food"), Product(id: "flour", category: "food")],
                       resources: [Resource(id: "labour", kind: .labour, limit: labour)],
                       techniques: t, needs: [Need(product: 0, amount: 10)])
    }

    /// The prediction for switching bread from the basis' technique to `to`, and the limits the
    /// switched basis breaks at the same λ when solved exactly.
    func predictAndSolve(_ e: Economy, from activities: [Double], to: Int)
        throws -> (lambda: Double, predicted: [(limit: BasisPolish.Limit, over: Double)], exact: [BasisPolish.Limit]) {
        let needs = FulfilmentNeeds(e)
        let p = FulfilmentProblem(needs)
        let bp = BasisPolish(needs, lp: p.lp, columns: p.columns)
        let n = e.productCount, m = e.techniqueCount
        let b0 = bp.basis(from: activities)
        let sys0 = LeontiefSystem(e, primary: b0.primary, output: b0.primaryOut)
        let first = try #require(bp.tightestLimitAndScale(b0, sys: sys0))
        let u = (0..<n).map { first.solution[2 * $0] + first.lambda * first.solution[2 * $0 + 1] }
        let x = sys0.activities(gross: u, techniques: m) + [first.lambda]
        var b1 = b0
        let former = Int(b1.primary[0])
        b1.state[former] = .zero
        b1.primary[0] = Int32(to)
        b1.primaryOut[0] = 1
        b1.state[to] = .basic
        let predicted = try #require(bp.predictedBreaks(b0, next: b1, system: sys0, gross: u, activities: x,
                                                        switches: [(product: 0, technique: to)], fixed: nil))
        let sys1 = LeontiefSystem(e, primary: b1.primary, output: b1.primaryOut)
        let exact = try #require(bp.tightestLimitAndScale(b1, sys: sys1, brokenAt: first.lambda)).broken
        return (first.lambda, predicted, exact)
    }

    @Test func lessFlourMoreLabourBreaksTheLabourLimit() throws {
        // With t0a the flour capacity binds first: 5λ ≤ 3, λ = 0.6 (labour: 15λ ≤ 12 would allow
        // 0.8). At λ = 0.6 bread is 6, flour 3, labour 9. With t0b instead: flour 0.6, labour
        // 2·6 + 0.6 = 12.6, which passes the limit of 12 by 0.05 of it; the capacity holds.
        let r = try predictAndSolve(economy(labour: 12, flourCapacity: 3), from: [1, 0, 1], to: 1)
        #expect(abs(r.lambda - 0.6) < 1e-12)
        #expect(r.predicted.count == 1)
        let labour = try #require(r.predicted.first)
        #expect(labour.limit.resource && labour.limit.index == 0)
        #expect(abs(labour.over - 0.05) < 1e-9)
        #expect(r.exact.count == 1 && r.exact[0].resource && r.exact[0].index == 0)
    }

    @Test func moreFlourBreaksTheFlourCapacity() throws {
        // With t0b labour binds first: 21λ ≤ 12, λ = 4/7 (the capacity, λ ≤ 2.5, would allow
        // more). Bread is 40/7, flour 4/7. With t0a instead flour is 20/7, past the capacity of
        // 2.5 by (20/7 − 2.5)/2.5 = 1/7; labour 60/7 stays under 12.
        let r = try predictAndSolve(economy(labour: 12, flourCapacity: 2.5), from: [0, 1, 1], to: 0)
        #expect(abs(r.lambda - 4.0 / 7.0) < 1e-12)
        #expect(r.predicted.count == 1)
        let flour = try #require(r.predicted.first)
        #expect(!flour.limit.resource && flour.limit.index == 1)
        #expect(abs(flour.over - 1.0 / 7.0) < 1e-9)
        #expect(r.exact.count == 1 && !r.exact[0].resource && r.exact[0].index == 1)
    }
}

/// A polish from `renewedForCheck` keeps the earlier needs' λ column in K and Kᵀ; its residuals
/// (`BasisPolish.residuals`, what policy iteration on it checks) must be those of the program
/// patched for the new needs (`renewed`), computed there by plain `LPResiduals`, at any point.
@Suite struct StaleLambdaColumn {
    @Test func residualsMatchThePatchedProgram() throws {
        let e = SyntheticEconomy(products: 300, seed: 2).generate()
        let needs = FulfilmentNeeds(e)
        let p = FulfilmentProblem(needs)
        let bp = BasisPolish(needs, lp: p.lp, columns: p.columns)
        var rng = SeededGenerator(seed: 11)
        let changed = Economy(name: e.name, products: e.products, resources: e.resources, techniques: e.techniques,
                              needs: e.needs.map { rng.unit() < 0.3 ? Need(product: $0.product, amount: $0.amount * (0.5 + rng.unit()), guaranteed: $0.guaranteed) : $0 })
        let newNeeds = FulfilmentNeeds(changed)
        #expect(newNeeds.other != needs.other)
        let stale = try #require(bp.renewedForCheck(for: newNeeds))
        let full = try #require(bp.renewed(for: newNeeds))
        #expect(stale.lambdaStale && !full.lambdaStale)
        for _ in 0..<3 {
            let x = (0..<full.lp.columns).map { _ in rng.unit() * 10 }
            let y = (0..<full.lp.rows).map { _ in rng.unit() - 0.2 }
            let want = LPResiduals(full.lp, x: x, y: y)
            let got = stale.residuals(x, y, kty: stale.columns.multiply(y))
            for (a, b) in [(got.primalResidual, want.primalResidual), (got.dualResidual, want.dualResidual),
                           (got.primalObjective, want.primalObjective), (got.dualObjective, want.dualObjective)] {
                #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(a) against \(b)")
            }
            // Without the correction they differ (the λ column matters at this point).
            let plain = LPResiduals(stale.lp, x: x, y: y)
            #expect(abs(plain.primalResidual - want.primalResidual) > 1e-6 * max(1, want.primalResidual))
        }
    }
}
