import Testing
import SyncoModel
@testable import SyncoPlan

/// The certificate's fractional knapsack (by weighted selection, linear on average) against the
/// textbook greedy (sort by value per unit, fill), and the technique fingerprint a re-plan takes
/// over when its techniques are the very arrays fingerprinted.
@Suite struct CertificateKnapsackTests {
    /// The textbook greedy: best value per unit first until the capacity is used.
    func greedy(_ items: [(rate: Double, room: Double)], capacity: Double) -> Double {
        var left = capacity, value = 0.0
        for item in items.sorted(by: { $0.rate > $1.rate }) where left > 0 {
            let take = min(left, item.room)
            value += item.rate * take
            left -= take
        }
        return value
    }

    @Test func byHand() {
        // Capacity 4: two units at 3, one at 2, one of the ten at 1: 6 + 2 + 1 = 9.
        var items: [(rate: Double, room: Double)] = [(3, 2), (1, 10), (2, 1)]
        #expect(PlanCertificate.fractionalKnapsack(&items, capacity: 4) == 9)
        // Room for everything: all of it, 6 + 10 + 2.
        items = [(3, 2), (1, 10), (2, 1)]
        #expect(PlanCertificate.fractionalKnapsack(&items, capacity: 100) == 18)
        items = [(3, 2), (1, 10), (2, 1)]
        #expect(PlanCertificate.fractionalKnapsack(&items, capacity: 0) == 0)
        var none: [(rate: Double, room: Double)] = []
        #expect(PlanCertificate.fractionalKnapsack(&none, capacity: 5) == 0)
        // Ties at the margin: 1.5 units split among three items of the same rate.
        items = [(2, 1), (2, 1), (2, 1), (5, 0.5)]
        #expect(PlanCertificate.fractionalKnapsack(&items, capacity: 2) == 2.5 + 3)
    }

    @Test func agreesWithTheGreedyOnRandomItems() {
        var rng = SplitMix64(seed: 11)
        for trial in 0..<200 {
            let count = 1 + Int(rng.next() % 400)
            // Few distinct rates in some trials, so that ties are common.
            let distinct = trial % 3 == 0 ? 4 : 1_000_000
            let items: [(rate: Double, room: Double)] = (0..<count).map { _ in
                (Double(rng.next() % UInt64(distinct)) / Double(distinct), Double(rng.next() % 1000) / 100)
            }
            let total = items.reduce(0) { $0 + $1.room }
            let capacity = total * Double(rng.next() % 1200) / 1000
            var work = items
            let fast = PlanCertificate.fractionalKnapsack(&work, capacity: capacity)
            let reference = greedy(items, capacity: capacity)
            #expect(abs(fast - reference) <= 1e-9 * max(1, reference), "trial \(trial): \(fast) vs \(reference)")
        }
    }

    func table(_ amount: Double) -> TechniqueTable {
        var t = TechniqueTable()
        t.append(Technique(id: "a", outputs: [Entry(0, 1)], inputs: [Entry(1, amount)], resources: [Entry(0, 1)]))
        t.append(Technique(id: "b", outputs: [Entry(1, 1)], resources: [Entry(0, 2)]))
        return t
    }

    @Test func fingerprintTakenOverOnlyForTheSameArrays() {
        let t = table(0.5)
        let key = LeontiefStructure.fingerprint(t, kept: nil)
        #expect(key.fingerprint == LeontiefStructure.fingerprint(t))
        // A copy of the table (as in an economy whose needs changed) shares the arrays.
        let copy = t
        #expect(key.sharesStorage(with: copy))
        // The same values built again: not the same arrays, but the same fingerprint.
        let rebuilt = table(0.5)
        #expect(!key.sharesStorage(with: rebuilt))
        #expect(LeontiefStructure.fingerprint(rebuilt, kept: key).fingerprint == key.fingerprint)
        // One coefficient changed: a new fingerprint, never the kept one.
        let changed = table(0.6)
        #expect(!key.sharesStorage(with: changed))
        #expect(LeontiefStructure.fingerprint(changed, kept: key).fingerprint != key.fingerprint)
    }
}
