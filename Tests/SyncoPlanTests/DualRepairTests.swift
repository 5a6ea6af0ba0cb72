import Testing
@testable import SyncoPlan
import SyncoModel

/// `DualRepair` against cost-of-production valuations worked out by hand.
@Suite struct DualRepairTests {
    /// Products A and B, labour valued at 1 (limited). `a` makes 1 A from 0.2 B and 1 hour, `b`
    /// makes 1 B from 0.1 A and 2 hours, `a2` makes 1 A from 0.3 B and 0.5 hour with capacity 10;
    /// the only need is 0.2 A (not guaranteed). Starting from valuations (5, 5) — too high, every
    /// technique pays — the largest valuations below them that no uncapped technique beats are:
    /// - with `a2` at its capacity (its profit is the capacity's rent): p_A = 1 + 0.2·p_B and
    ///   p_B = 2 + 0.1·p_A, so p_A = 1.4/0.98 = 10/7 and p_B = 2 + 1/7 = 15/7;
    /// - with `a2` below it: p_A = 0.5 + 0.3·p_B (cheaper than `a`) and p_B = 2 + 0.1·p_A, so
    ///   p_A = 1.1/0.97 = 110/97 and p_B = 2 + 11/97 = 205/97.
    /// The need's valuation 0.2·p_A was 1 (the λ column's normalisation); it falls to 2/7
    /// (resp. 22/97), and every valuation, labour's too, is scaled back up so that it is 1 again.
    static func economy() -> Economy {
        var t = TechniqueTable()
        t.append(Technique(id: "a", outputs: [Entry(0, 1)], inputs: [Entry(1, 0.2)], resources: [Entry(0, 1)]))
        t.append(Technique(id: "b", outputs: [Entry(1, 1)], inputs: [Entry(0, 0.1)], resources: [Entry(0, 2)]))
        t.append(Technique(id: "a2", outputs: [Entry(0, 1)], inputs: [Entry(1, 0.3)], resources: [Entry(0, 0.5)], capacity: 10))
        return Economy(name: "repair", products: [Product(id: "A", category: "goods"), Product(id: "B", category: "goods")],
                       resources: [Resource(id: "labour", kind: .labour, limit: 100)],
                       techniques: t, needs: [Need(product: 0, amount: 0.2)])
    }

    /// The same with the LP's matrix handed in (the techniques using each product read off its
    /// rows instead of being listed here).
    @Test(arguments: [(10.0, 10.0 / 7, 15.0 / 7), (4.0, 110.0 / 97, 205.0 / 97)], [false, true])
    func valuationsFallToCostOfProduction(case c: (a2Activity: Double, pA: Double, pB: Double), withProgram: Bool) throws {
        let (a2Activity, pA, pB) = c
        let needs = FulfilmentNeeds(Self.economy())
        let k = withProgram ? FulfilmentProblem(needs).lp.matrix : nil
        let r = try #require(DualRepair.lowered(needs, activities: [3, 1, a2Activity], valuations: [5, 5, 1], program: k))
        let scale = 1 / (0.2 * pA)
        #expect(abs(r.valuations[0] - pA * scale) <= 1e-12 * pA * scale)
        #expect(abs(r.valuations[1] - pB * scale) <= 1e-12 * pB * scale)
        #expect(abs(r.valuations[2] - scale) <= 1e-12 * scale)
    }

    /// Valuations that no uncapped technique beats come back as they are.
    @Test func feasibleValuationsStay() throws {
        let needs = FulfilmentNeeds(Self.economy())
        // Labour at 4, p_A = 4.2, p_B = 1 (then scaled so that the need's 0.2·p_A is 1): `a`
        // costs 4 + 0.2·1 = 4.2 = p_A and breaks even, `b` costs 8 + 0.1·4.2 > 1, and `a2` earns
        // at its capacity.
        let y = [4.2, 1, 4].map { $0 / 0.84 }
        let r = try #require(DualRepair.lowered(needs, activities: [3, 1, 10], valuations: y))
        for k in 0..<3 { #expect(abs(r.valuations[k] - y[k]) <= 1e-12 * y[k]) }
    }
}
