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
        // The CO2 limit binds in the central plan (wind runs at capacity) and in the decentral one.
        let co2 = e.resourceIndex(of: "co2")!
        #expect(central.resourceUse[co2] >= 0.99 * 100)
        #expect(use[co2] >= 0.98 * 100)
        let wind = e.techniqueIndex(of: "wind")!
        #expect(r.activities[wind] >= 0.99 * 250)
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

    /// The participatory procedure (valuations follow excess demand) approaches the same plan,
    /// much more slowly; its gap is certified from reported capacity rents once it is valid.
    @Test func participatoryApproachesTheOptimum() throws {
        let e = try Self.threeRegions()
        let central = Planner.solve(e)
        var o = Decomposition.Options()
        o.mode = .participatory
        o.maxRounds = 60_000
        let r = Decomposition.solve(e, councils: Decomposition.split(e, councils: 3), options: o)
        #expect(abs(r.fulfilment - central.fulfilment) <= 0.05 * central.fulfilment, "participatory \(r.fulfilment) vs central \(central.fulfilment)")
        #expect(r.linkingResidual <= 1e-3)
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
}
