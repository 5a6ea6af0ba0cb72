import SyncoModel
import SyncoPlan
import SyncoSparse

/// Stretches a one-period economy over several periods with the features of planning
/// semantics v2, reproducibly from the seed:
///
/// - limits grow 2 % and non-guaranteed needs 1 % a period (arrays per period);
/// - an emission resource gets a budget of 95 % of its limits over the horizon;
/// - one product in twenty (not a hub) is storable (carry-over 0.95);
/// - one produced product becomes capital (depreciation 0.1): one technique in seven needs
///   0.02 of it per unit of activity; the initial stock is what the Leontief plan at full
///   needs would use, so later periods need investment;
/// - a natural stock drawn by one technique in eleven (the first natural resource's users),
///   regenerating 5 % a period, with a final target at 95 % of the initial stock.
public struct SyntheticTimeline: Sendable {
    public var periods: Int
    public var seed: UInt64
    public init(periods: Int, seed: UInt64 = 1) {
        self.periods = periods
        self.seed = seed
    }

    public func stretch(_ e: Economy) -> MultiPeriodEconomy {
        let T = max(1, periods), n = e.productCount, m = e.techniqueCount
        var rng = SeededGenerator(seed: seed ^ 0x7157)
        func grow(_ v: Double, _ rate: Double) -> PerPeriod { .series((0..<T).map { v * pow1(1 + rate, $0) }) }
        let limits: [PerPeriod?] = e.resources.map { $0.limit.map { grow($0, 0.02) } }
        let budgets: [Double?] = e.resources.map { r in
            guard r.kind == .emission, let l = r.limit else { return nil }
            return 0.95 * (0..<T).reduce(0) { $0 + l * pow1(1.02, $1) }
        }
        let needs = e.needs.map { MultiPeriodNeed(product: $0.product, amount: $0.guaranteed ? .constant($0.amount) : grow($0.amount, 0.01), guaranteed: $0.guaranteed) }
        var produced = [Bool](repeating: false, count: n)
        for q in 0..<e.techniques.outputs.entryCount { produced[Int(e.techniques.outputs.index[q])] = true }
        var storage = [Storage?](repeating: nil, count: n)
        var capital = [CapitalSpec?](repeating: nil, count: n)
        for i in 0..<n where produced[i] && rng.unit() < 0.05 { storage[i] = Storage(carryover: 0.95, initial: 0) }
        let activity = (try? LeontiefAnalysis(e, solver: LeontiefSolver(tolerance: 1e-8)))?.activity
        var capitalUse = EntryBlock(), extraction = EntryBlock()
        var stocks: [NaturalStock] = []
        if let k = (0..<n).last(where: { produced[$0] && storage[$0] == nil }), let activity {
            var used = 0.0
            for j in 0..<m {
                if j % 7 == 3 && !e.techniques.outputs.row(j).contains(where: { Int($0.index) == k }) {
                    capitalUse.appendRow([Entry(Int32(k), 0.02)])
                    used += 0.02 * activity[j]
                } else {
                    capitalUse.appendRow([])
                }
            }
            capital[k] = CapitalSpec(depreciation: 0.1, initial: (used * 1e6).rounded(.up) / 1e6)
        } else {
            capitalUse = EntryBlock(start: [Int](repeating: 0, count: m + 1), index: [], amount: [])
        }
        if let activity, let nat = e.resources.firstIndex(where: { $0.kind == .natural }) {
            var drawn = 0.0
            for j in 0..<m {
                if j % 11 == 5 && e.techniques.resources.row(j).contains(where: { Int($0.index) == nat }) {
                    extraction.appendRow([Entry(0, 1)])
                    drawn += activity[j]
                } else {
                    extraction.appendRow([])
                }
            }
            let initial = max(1, (drawn * Double(T) * 4).rounded(.up))
            stocks.append(NaturalStock(id: "forest", unit: "m3", initial: initial, regeneration: 0.05, carryingCapacity: 2 * initial,
                                       minimumFinal: (0.95 * initial).rounded()))
        } else {
            extraction = EntryBlock(start: [Int](repeating: 0, count: m + 1), index: [], amount: [])
        }
        let base = Economy(name: e.name + " over \(T) periods", products: e.products, resources: e.resources.map { var r = $0; r.limit = nil; return r },
                           techniques: TechniqueTable(ids: e.techniques.ids, capacity: [Double](repeating: .infinity, count: m),
                                                      outputs: e.techniques.outputs, inputs: e.techniques.inputs, resources: e.techniques.resources),
                           needs: [])
        return MultiPeriodEconomy(periods: T, economy: base, storage: storage, capital: capital, stocks: stocks, limits: limits,
                                  budgets: budgets, capacities: e.techniques.capacity.map { $0.isFinite ? .constant($0) : nil },
                                  capitalUse: capitalUse, extraction: extraction, needs: needs)
    }
}

private func pow1(_ b: Double, _ k: Int) -> Double {
    var r = 1.0
    for _ in 0..<k { r *= b }
    return r
}

extension MultiPeriodEconomy {
    /// The economy as a v2 document with ids (for writers).
    public func document() -> MultiPeriodDocument {
        let e = economy, t = e.techniques
        func keyed(_ block: EntryBlock, _ j: Int, _ ids: (Int) -> String) -> [KeyedAmount] {
            block.range(j).map { KeyedAmount(ids(Int(block.index[$0])), block.amount[$0]) }
        }
        return MultiPeriodDocument(
            name: e.name.isEmpty ? nil : e.name, periods: periods,
            products: e.products.indices.map { ProductSpec2(e.products[$0], storable: storage[$0], capital: capital[$0]) },
            stocks: stocks,
            resources: e.resources.indices.map { r in
                var base = e.resources[r]
                base.limit = nil
                return ResourceSpec2(base, limit: limits[r], budget: budgets[r])
            },
            techniques: (0..<t.count).map { j in
                TechniqueSpec2(TechniqueSpec(id: t.ids[j], outputs: keyed(t.outputs, j) { e.products[$0].id },
                                             inputs: keyed(t.inputs, j) { e.products[$0].id },
                                             resources: keyed(t.resources, j) { e.resources[$0].id }),
                               capacity: capacities[j], capital: keyed(capitalUse, j) { e.products[$0].id },
                               extracts: keyed(extraction, j) { stocks[$0].id })
            },
            needs: needs.map { NeedSpec2(product: e.products[Int($0.product)].id, amount: $0.amount, guaranteed: $0.guaranteed) })
    }
}
