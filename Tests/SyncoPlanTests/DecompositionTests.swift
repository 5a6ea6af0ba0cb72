import Foundation
import Testing
import SyncoData
import SyncoModel
@testable import SyncoPlan

/// Decentral planning against the central optimum (the central planner is itself checked against
/// HiGHS in PlannerTests).
@Suite struct DecompositionTests {
    /// Three regions: alternative techniques (coal vs wind power), a binding CO2 limit, a care
    /// service, joint production; each region's techniques stay in its council.
    static func threeRegions() throws -> Economy {
        let doc = """
        {"format":"synco-economy/1","products":[
          {"id":"grain","category":"north"},{"id":"bread","category":"north"},
          {"id":"power","category":"south"},{"id":"care","category":"east"},{"id":"straw","category":"north"}],
         "resources":[{"id":"labour","kind":"labour","limit":5000},{"id":"co2","kind":"emission","limit":100},
                      {"id":"land","kind":"natural","limit":800}],
         "techniques":[
          {"id":"farm","outputs":{"grain":1,"straw":0.5},"inputs":{"power":0.1},"resources":{"labour":3,"land":1,"co2":0.2}},
          {"id":"bakery","outputs":{"bread":1},"inputs":{"grain":0.8,"power":0.3},"resources":{"labour":2},"capacity":400},
          {"id":"coal","outputs":{"power":1},"resources":{"labour":0.5,"co2":1.0}},
          {"id":"wind","outputs":{"power":1},"inputs":{"straw":0.05},"resources":{"labour":1.5,"land":0.1},"capacity":250},
          {"id":"care-home","outputs":{"care":1},"inputs":{"power":0.01,"bread":0.001},"resources":{"labour":1}}],
         "needs":[{"product":"bread","amount":200},{"product":"care","amount":1500,"guaranteed":true},
                  {"product":"power","amount":50},{"product":"straw","amount":10}]}
        """
        return try EconomyJSON.economy(Array(doc.utf8))
    }

    @Test(arguments: [Decomposition.Mode.admm])
    func reachesTheCentralOptimumWithAlternativesAndBindingLimits(mode: Decomposition.Mode) throws {
        let e = try Self.threeRegions()
        let central = Planner.solve(e)
        #expect(central.status == .optimal)
        let parts = Decomposition.split(e, councils: 3)
        #expect(parts.count == 3)
        var o = Decomposition.Options()
        o.mode = mode
        o.tolerance = 1e-5
        let r = Decomposition.solve(e, councils: parts, options: o)
        #expect(r.converged)
        #expect(abs(r.fulfilment - central.fulfilment) <= 1e-3 * central.fulfilment, "decentral \(r.fulfilment) vs central \(central.fulfilment)")
        #expect(r.linkingResidual <= 1e-3)
        // The councils' activities, checked by independent code against the whole economy.
        let (net, use) = Planner.flows(e, r.activities)
        for need in e.needs where need.guaranteed {
            #expect(net[Int(need.product)] >= need.amount * (1 - 1e-3))
        }
        for (k, res) in e.resources.enumerated() { if let l = res.limit { #expect(use[k] <= l * (1 + 1e-3)) } }
        // Known answer by hand: bread is capped by the bakery (400); care homes take 0.001 bread
        // per unit of care and care is guaranteed at 1500, so λ = (400 − 1.5) / 200 = 1.9925.
        // (The optimum is not a unique plan: CO2 may or may not bind, so only λ is compared.)
        #expect(abs(central.fulfilment - 1.9925) <= 1e-6)
        #expect(abs(r.fulfilment - 1.9925) <= 1e-3 * 1.9925)
        #expect(use[e.resourceIndex(of: "co2")!] <= 100 * (1 + 1e-3))
    }

    @Test func generatedEconomyWithFourCouncils() throws {
        let e = SyntheticEconomy(products: 40, seed: 5).generate()
        let central = Planner.solve(e)
        var o = Decomposition.Options()
        o.tolerance = 1e-4
        let r = Decomposition.solve(e, councils: Decomposition.split(e, councils: 4), options: o)
        #expect(r.converged)
        #expect(abs(r.fulfilment - central.fulfilment) <= 1e-3 * central.fulfilment, "decentral \(r.fulfilment) vs central \(central.fulfilment)")
        #expect(r.linkingResidual <= 1e-3)
        #expect(!r.history.isEmpty)
    }

    /// The participatory procedure (valuations follow excess demand, rounds blended with the last
    /// reset point) approaches the same plan, more slowly; its gap is certified from reported
    /// capacity rents. On the two-sector economy it converges; on the three regions it is still
    /// creeping after 60 000 rounds (within 5 %).
    @Test func participatoryApproachesTheOptimum() throws {
        let e = try Self.threeRegions()
        let central = Planner.solve(e)
        var o = Decomposition.Options()
        o.mode = .participatory
        o.maxRounds = 60_000
        let r = Decomposition.solve(e, councils: Decomposition.split(e, councils: 3), options: o)
        #expect(abs(r.fulfilment - central.fulfilment) <= 0.05 * central.fulfilment, "participatory \(r.fulfilment) vs central \(central.fulfilment)")
        #expect(r.linkingResidual <= 1e-3)
        let two = twoSector()
        o.tolerance = 1e-3
        let t = Decomposition.solve(two, councils: Decomposition.split(two, councils: 2), options: o)
        let c = Planner.solve(two).fulfilment
        #expect(t.converged, "two-sector: stopped after \(t.rounds) rounds at \(t.fulfilment)")
        #expect(abs(t.fulfilment - c) <= 1e-3 * c && t.linkingResidual <= 1e-3)
    }

    /// Private needs: the council that provides care holds the guaranteed 1 500 h of care; the
    /// coordinator's economy has no guaranteed need at all, the council reports net of its
    /// private need, and Dantzig–Wolfe still reaches the central optimum of the whole economy
    /// (ADMM too, within its tolerance).
    @Test func privateNeedsStayWithTheCouncilsAndThePlanIsTheSame() throws {
        let e = try Self.threeRegions()
        let central = Planner.solve(e)
        let (pub, parts) = Decomposition.splitWithPrivateNeeds(e, councils: 3)
        #expect(!pub.needs.contains { $0.guaranteed })
        #expect(pub.needs.count == e.needs.filter { !$0.guaranteed }.count)
        #expect(parts.filter(\.hasInternalNeeds).count == 1)
        let care = e.products.firstIndex { $0.id == "care" }!
        #expect(parts.contains { $0.holdsNeed(forProduct: care) })
        for mode in [Decomposition.Mode.dantzigWolfe, .admm] {
            var o = Decomposition.Options()
            o.mode = mode
            let r = Decomposition.solve(pub, councils: parts, options: o)
            #expect(r.converged, "\(mode.rawValue) stopped after \(r.rounds) rounds")
            #expect(abs(r.fulfilment - central.fulfilment) <= 1e-3 * central.fulfilment, "\(mode.rawValue): \(r.fulfilment) vs \(central.fulfilment)")
            #expect(r.linkingResidual <= 1e-3)
            // The activities the councils carry out meet the private need in the whole economy.
            let net = Planner.flows(e, r.activities).net
            #expect(net[care] >= 1500 * (1 - 1e-3), "\(mode.rawValue): care \(net[care])")
        }
    }

    /// What crosses to the coordinator: per council only a vector over the public linking rows
    /// (products and limited resources) — never technique ids or coefficients.
    @Test func onlyNetQuantitiesAreShared() throws {
        let e = try Self.threeRegions()
        let parts = Decomposition.split(e, councils: 3)
        let rows = LinkingRows(e)
        #expect(rows.names == ["grain", "bread", "power", "care", "straw", "labour", "co2", "land"])
        for c in parts {
            let z = c.apply([Double](repeating: 1, count: c.techniques.count), rows: rows.count)
            #expect(z.count == rows.count)
        }
        // Every technique is in exactly one council.
        #expect(parts.flatMap(\.techniques).sorted() == Array(0..<e.techniqueCount))
    }

    /// The BEA 2017 summary tables: needs in millions of dollars next to coefficients below 1.
    /// Without a common scale the first rounds moved nothing and the stop rule took the standing
    /// start for convergence (fulfilment 0 against a central 1.0008).
    @Test func beaTablesWithNeedsInDollars() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/examples/bea-2017-summary.json"))
        let e = try EconomyJSON.economy(Array(data))
        let central = Planner.solve(e)
        #expect(central.status == .optimal)
        let r = Decomposition.solve(e, councils: Decomposition.split(e, councils: 4))
        #expect(r.converged)
        #expect(abs(r.fulfilment - central.fulfilment) <= 1e-3 * central.fulfilment, "decentral \(r.fulfilment) vs central \(central.fulfilment)")
        #expect(r.linkingResidual <= 1e-3)
    }

    /// ρ is rebalanced while the residuals are far apart, the checks thin out each time ρ turns
    /// back, and after `maxChanges` changes ρ stays fixed (the convergence proof needs that).
    @Test func rhoBalancingIsDampedAndFreezes() throws {
        let e = try Self.threeRegions()
        let cs = Decomposition.split(e, councils: 3)
        var coord = ADMMCoordinator(rows: LinkingRows(e), councils: cs.count)
        // Reports that swing between two points keep both residuals alive for a long time.
        let m = coord.rows.count
        var lastChanges = 0, lastEvery = coord.balancing.every
        for round in 1...20_000 {
            let scale = round % 7 < 3 ? 1.0 : 0.2
            let reports: [[Double]?] = cs.indices.map { k in (0..<m).map { i in scale * Double((i + k) % 3) } }
            _ = coord.advance(reports: reports, tolerance: 1e-12)
            #expect(coord.balancing.changes >= lastChanges)
            #expect(coord.balancing.every >= lastEvery)
            lastChanges = coord.balancing.changes; lastEvery = coord.balancing.every
        }
        #expect(coord.balancing.changes <= ADMMCoordinator.RhoBalancing.maxChanges)
        let frozenRho = coord.rho
        for _ in 0..<1000 { _ = coord.advance(reports: cs.map { _ in nil }, tolerance: 1e-12) }
        if coord.balancing.changes == ADMMCoordinator.RhoBalancing.maxChanges { #expect(coord.rho == frozenRho) }
    }

    /// A coordinator restored from its saved state (z, w, u, ρ, λ, round, balancing schedule)
    /// continues exactly as the one that was not interrupted.
    @Test func restoredCoordinatorContinuesTheSameTrajectory() throws {
        let e = try Self.threeRegions()
        let cs = Decomposition.split(e, councils: 3)
        let rows = LinkingRows(e)
        var a = ADMMCoordinator(rows: rows, councils: cs.count)
        var x = cs.map { [Double](repeating: 0, count: $0.techniques.count) }
        let lip = cs.map { $0.normSquared() }
        func round(_ c: inout ADMMCoordinator) -> (Bool, Double, Double) {
            var reports: [[Double]?] = []
            for k in cs.indices {
                let r = cs[k].boxLeastSquares(start: x[k], target: c.target(for: k), lipschitz: lip[k], iterations: 30)
                x[k] = r.x; reports.append(r.z)
            }
            return c.advance(reports: reports, tolerance: 1e-4)
        }
        for _ in 0..<137 { _ = round(&a) }
        var b = ADMMCoordinator(rows: rows, z: a.z, w: a.w, u: a.u, rho: a.rho, lambda: a.lambda, round: a.round, balancing: a.balancing)
        let xSaved = x
        var outA: [Double] = []
        for _ in 0..<300 { outA.append(round(&a).1) }
        x = xSaved
        var outB: [Double] = []
        for _ in 0..<300 { outB.append(round(&b).1) }
        #expect(outA == outB)
        #expect(a.rho == b.rho && a.lambda == b.lambda && a.balancing == b.balancing)
    }

    /// Dantzig–Wolfe (Kornai–Lipták): proposals against valuations, mixed in a master LP; it
    /// stops on a gap certified from the councils' rents, so reaching the optimum is checked
    /// both against the central solve and by its own bound.
    @Test func dantzigWolfeReachesTheOptimumWithACertifiedGap() throws {
        var o = Decomposition.Options()
        o.mode = .dantzigWolfe
        o.maxRounds = 2000
        let three = try Self.threeRegions()
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/examples/bea-2017-summary.json"))
        for (e, k) in [(three, 3), (SyntheticEconomy(products: 40, seed: 5).generate(), 4), (try EconomyJSON.economy(Array(data)), 4)] {
            let central = Planner.solve(e)
            let r = Decomposition.solve(e, councils: Decomposition.split(e, councils: k), options: o)
            #expect(r.converged)
            #expect(abs(r.fulfilment - central.fulfilment) <= 1e-3 * central.fulfilment, "decentral \(r.fulfilment) vs central \(central.fulfilment)")
            #expect(r.linkingResidual <= 1e-3)
            #expect(r.gap.isFinite && r.gap <= 1e-3 * max(1, r.fulfilment))
            // The bound is a bound: never below the central optimum (beyond rounding).
            #expect(r.fulfilment + r.gap >= central.fulfilment * (1 - 1e-6))
            let (net, use) = Planner.flows(e, r.activities)
            for need in e.needs where need.guaranteed { #expect(net[Int(need.product)] >= need.amount * (1 - 1e-3)) }
            for (j, res) in e.resources.enumerated() { if let l = res.limit { #expect(use[j] <= l * (1 + 1e-3)) } }
        }
    }

    /// Pequod's shape: few goods, many worker councils (`--workplaces`: every technique run by
    /// 10 workplaces with their own coefficients and capacities), one council per workplace or
    /// two — hundreds of convexity rows in the master. The decentral plan must reach the central
    /// optimum with a certified gap, as with few councils.
    @Test func dantzigWolfeWithHundredsOfWorkerCouncils() throws {
        var g = SyntheticEconomy(products: 40, seed: 2)
        g.workplaces = 10
        let e = g.generate()
        var o = Decomposition.Options()
        o.mode = .dantzigWolfe
        o.tolerance = 1e-4
        o.maxRounds = 500
        let central = Planner.solve(e)
        #expect(central.status == .optimal)
        let parts = Decomposition.split(e, councils: 300)
        #expect(parts.count == 300)
        let r = Decomposition.solve(e, councils: parts, options: o)
        #expect(r.converged)
        #expect(abs(r.fulfilment - central.fulfilment) <= 1e-3 * central.fulfilment, "decentral \(r.fulfilment) vs central \(central.fulfilment)")
        #expect(r.linkingResidual <= 1e-4)
        #expect(r.fulfilment + r.gap >= central.fulfilment * (1 - 1e-6))
        let (_, use) = Planner.flows(e, r.activities)
        for (j, res) in e.resources.enumerated() { if let l = res.limit { #expect(use[j] <= l * (1 + 1e-4)) } }
        for j in 0..<e.techniqueCount { #expect(r.activities[j] <= (e.techniques.capacity[j]) * (1 + 1e-9)) }
    }

    /// Guaranteed needs that the limits cannot carry: the central planner says infeasible, and
    /// Dantzig–Wolfe must not call anything converged (its slack stays in use however high the
    /// penalty); the residual shows the shortfall. By hand: b needs 10 units of labour and 5 of a
    /// (5 more hours) for a guaranteed 10 units of b, with 10 hours in all.
    @Test func dantzigWolfeDoesNotConvergeOnAnInfeasibleEconomy() throws {
        let doc = """
        {"format":"synco-economy/1","products":[{"id":"a"},{"id":"b"}],"resources":[{"id":"labour","kind":"labour","limit":10}],
         "techniques":[{"id":"ta","outputs":{"a":1},"resources":{"labour":1}},
                       {"id":"tb","outputs":{"b":1},"inputs":{"a":0.5},"resources":{"labour":1}}],
         "needs":[{"product":"b","amount":10,"guaranteed":true},{"product":"a","amount":5}]}
        """
        let e = try EconomyJSON.economy(Array(doc.utf8))
        #expect(Planner.solve(e).status == .infeasible)
        var o = Decomposition.Options()
        o.mode = .dantzigWolfe
        o.maxRounds = 200
        let r = Decomposition.solve(e, councils: Decomposition.split(e, councils: 2), options: o)
        #expect(!r.converged)
        #expect(r.linkingResidual > 0.1)
        #expect(r.fulfilment >= 0)
    }
}
