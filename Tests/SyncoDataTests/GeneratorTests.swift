import Testing
import SyncoData
import SyncoModel
import SyncoPlan

@Suite struct Generator {
    let e = SyntheticEconomy(products: 20_000, seed: 3).generate()

    @Test func reproducibleFromTheSeed() {
        let again = SyntheticEconomy(products: 20_000, seed: 3).generate()
        #expect(again.techniques.inputs.index == e.techniques.inputs.index)
        #expect(again.techniques.inputs.amount == e.techniques.inputs.amount)
        #expect(again.resources == e.resources && again.needs == e.needs)
        let other = SyntheticEconomy(products: 20_000, seed: 4).generate()
        #expect(other.techniques.inputs.index != e.techniques.inputs.index)
    }

    @Test func validAndProductive() throws {
        #expect(e.validate().filter { $0.severity == .error }.isEmpty)
        #expect(LeontiefAnalysis.productivityIssue(e) == nil)
        let a = try LeontiefAnalysis(e)
        #expect(a.converged && a.grossOutput.allSatisfy { $0 >= 0 })
    }

    @Test func realisticShape() throws {
        let t = e.techniques
        let counts = (0..<t.count).map { t.inputs.range($0).count }
        let mean = Double(counts.reduce(0, +)) / Double(counts.count)
        #expect(mean > 5 && mean < 14)
        #expect(Double(counts.max()!) > 6 * mean, "heavy tail")
        // Hubs feed almost everything.
        var feeds = [Int](repeating: 0, count: e.productCount)
        for i in t.inputs.index { feeds[Int(i)] += 1 }
        #expect(Double(feeds.max()!) > 0.4 * Double(e.productCount))
        // Alternative techniques for about a tenth of the products.
        let share = Double(t.count - e.productCount) / Double(e.productCount)
        #expect(share > 0.08 && share < 0.25)
        // Labour and three ecological resources, all limited; some bind at full needs.
        #expect(e.resources.map(\.kind) == [.labour, .emission, .natural, .natural])
        let a = try LeontiefAnalysis(e)
        #expect(e.resources.indices.contains { a.resourceUse[$0] > e.resources[$0].limit! })
        #expect(e.needs.contains { $0.guaranteed })
        #expect(Set(e.products.map { $0.category ?? "" }).isSuperset(of: ["energy", "transport", "care", "food"]))
    }

    /// Workplaces (Pequod's worker councils): each technique run by W workplaces whose
    /// coefficients stay within ±15 % of it and whose capacities add up to 1.2–1.8 times what
    /// the primary plan makes of the product; the economy stays valid and productive.
    @Test func workplacesSpreadEachTechnique() throws {
        var g = SyntheticEconomy(products: 200, seed: 5)
        g.workplaces = 6
        let w = g.generate()
        var plain = g
        plain.workplaces = 1
        let e = plain.generate()
        #expect(w.techniqueCount == 6 * e.techniqueCount)
        #expect(w.validate().filter { $0.severity == .error }.isEmpty)
        #expect(LeontiefAnalysis.productivityIssue(w) == nil)
        let a = try LeontiefAnalysis(e)
        for j in 0..<e.techniqueCount {
            let base = e.techniques[j]
            var total = 0.0
            for k in 0..<6 {
                let t = w.techniques[6 * j + k]
                #expect(t.id == "\(base.id)/w\(k)" && t.outputs == base.outputs)
                for (x, y) in zip(t.inputs + t.resources, base.inputs + base.resources) {
                    #expect(x.index == y.index && x.amount >= 0.85 * y.amount - 1e-12 && x.amount <= 1.15 * y.amount + 1e-12)
                }
                total += t.capacity ?? .infinity
            }
            // Capacity against the product's output in the primary plan.
            let product = Int(base.outputs[0].index)
            let made = a.grossOutput[product]
            if made > 1e-6 { #expect(total >= 1.2 * made - 1e-5 && total <= 1.8 * made + 1e-5) }
        }
    }
}
