import SyncoModel
import SyncoPlan
import SyncoSparse

/// A small, fast, seedable generator (xoshiro256**, seeded by SplitMix64): the same seed gives
/// the same economy on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    public init(seed: UInt64) {
        var z = seed
        func next() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (next(), next(), next(), next())
    }
    public mutating func next() -> UInt64 {
        let r = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return r
    }
    /// Uniform in [0, 1).
    @inline(__always) public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    @inline(__always) public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Synthetic economies with a realistic shape, for tests and benchmarks.
///
/// - Sector blocks: products come in contiguous sectors (energy, transport, food,
///   manufacturing, construction, services, care); most inputs come from the own sector.
/// - Heavy-tailed inputs per product: a Pareto(α = 2) count with minimum 3 (mean about 6 plus
///   hub inputs), capped at 400; a few hub products (energy, transport) feed almost everything:
///   electricity 90 % of products, freight 80 %.
/// - Productive by construction: each technique's inputs sum to 0.15–0.55 units per unit of
///   output, so every column sum of A is below one and ρ(A) < 1.
/// - A share of products (default 10 %) has one or two alternative techniques trading CO2
///   against labour and energy.
/// - Labour, CO2 (emission), land and water (natural) with limits calibrated from a Leontief
///   solve of the primary techniques so that they bind for that plan (labour 1.02×, CO2 0.9×,
///   land 0.97×, water 1.1× of the primary plan's use at full needs); 3 % of techniques carry a
///   capacity. Once the planner chooses techniques well, a capacity usually fixes the optimum
///   and the resources keep 11–27 % slack (seed 1, 10^4 products).
/// - Needs on about 40 % of products, a tenth of them guaranteed at a fraction of the amount.
public struct SyntheticEconomy: Sendable {
    public var products: Int
    public var seed: UInt64
    public var alternativeShare: Double = 0.1
    public var needShare: Double = 0.4
    public var meanExtraInputs: Double = 6
    public var calibrate: Bool = true
    /// `realistic` (default, described above) or `uniform`: the benchmark anchor's random sparse
    /// IO table — one technique per product, exactly `uniformInputs` inputs chosen uniformly,
    /// labour as the only (limited) resource, a need for every product.
    public var shape: Shape = .realistic
    public var uniformInputs = 8
    /// Uniform shape: the labour limit as a share of the labour the full needs take (0.9: every
    /// need can be met 0.9-fold; above 1 every target can be met).
    public var uniformLabourShare = 0.9
    /// Realistic shape: workplaces per technique (1: the technique is one unit). Above 1 every
    /// technique is run by that many workplaces — worker councils, as in Hahnel's Pequod
    /// simulations — with their own coefficients and capacities (`spreadOverWorkplaces`).
    public var workplaces = 1

    public enum Shape: String, Sendable, CaseIterable { case realistic, uniform }

    public static let sectorNames = ["energy", "transport", "food", "manufacturing", "construction", "services", "care"]

    public init(products: Int, seed: UInt64) {
        self.products = products
        self.seed = seed
    }

    public func generate() -> Economy {
        shape == .uniform ? generateUniform() : generateRealistic()
    }

    func generateUniform() -> Economy {
        let n = max(products, 2)
        var rng = SeededGenerator(seed: seed)
        let prods = (0..<n).map { Product(id: "p\($0)") }
        var table = TechniqueTable()
        table.reserve(techniques: n, entries: n * uniformInputs)
        var seen = Set<Int32>()
        var idx: [Int32] = [], amt: [Double] = []
        for j in 0..<n {
            seen.removeAll(keepingCapacity: true); idx.removeAll(keepingCapacity: true); amt.removeAll(keepingCapacity: true)
            while idx.count < min(uniformInputs, n - 1) {
                let i = Int32(rng.below(n))
                if Int(i) != j && seen.insert(i).inserted { idx.append(i); amt.append(rng.unit() + 0.01) }
            }
            let total = amt.reduce(0, +), target = 0.2 + 0.6 * rng.unit()
            table.append(Technique(id: "t\(j)", outputs: [Entry(Int32(j), 1)], inputs: zip(idx, amt).map { Entry($0, $1 * target / total) },
                                   resources: [Entry(0, 0.1 + rng.unit())]))
        }
        let needs = (0..<n).map { Need(product: Int32($0), amount: 1 + 9 * rng.unit()) }
        var e = Economy(name: "uniform n=\(n) seed=\(seed)", products: prods, resources: [Resource(id: "labour", unit: "h", kind: .labour)],
                        techniques: table, needs: needs)
        if calibrate, let a = try? LeontiefAnalysis(e, solver: LeontiefSolver(tolerance: 1e-8)) {
            e = Economy(name: e.name, products: prods, resources: [Resource(id: "labour", unit: "h", kind: .labour, limit: (a.resourceUse[0] * uniformLabourShare).rounded())],
                        techniques: table, needs: needs)
        }
        return e
    }

    func generateRealistic() -> Economy {
        let n = max(products, 2)
        var rng = SeededGenerator(seed: seed)
        let hubs = min(max(2, n / 2000), 16, n / 2)
        let sectorSize = max(20, min(20_000, n / 50))
        func sector(of i: Int) -> Int { i < hubs ? (i % 2) : 2 + ((i / sectorSize) % (SyntheticEconomy.sectorNames.count - 2)) }

        var prods: [Product] = []
        prods.reserveCapacity(n)
        for i in 0..<n { prods.append(Product(id: "p\(i)", category: SyntheticEconomy.sectorNames[sector(of: i)])) }
        let resources = [
            Resource(id: "labour", unit: "h", kind: .labour),
            Resource(id: "co2", unit: "t", kind: .emission),
            Resource(id: "land", unit: "ha", kind: .natural),
            Resource(id: "water", unit: "m3", kind: .natural),
        ]
        var table = TechniqueTable()
        let estimatedEntries = Int(Double(n) * (meanExtraInputs + 2.5) * (1 + alternativeShare * 1.5))
        table.reserve(techniques: Int(Double(n) * (1 + alternativeShare * 1.5)), entries: estimatedEntries)

        var idx: [Int32] = []
        var amt: [Double] = []
        var seen = Set<Int32>()
        for j in 0..<n {
            let sec = sector(of: j)
            // Heavy-tailed count of ordinary inputs (Pareto α = 2, minimum 3).
            let u = max(rng.unit(), 1e-12)
            let k = min(400, n - 1, Int(3 / u.squareRoot()))
            idx.removeAll(keepingCapacity: true)
            amt.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
            // Hub inputs: electricity (product 0) to 90 % of products, freight transport
            // (product 1) to 80 %, and now and then another energy or transport hub.
            if j >= hubs {
                func hub(_ h: Int, _ base: Double) {
                    if seen.insert(Int32(h)).inserted { idx.append(Int32(h)); amt.append(base + rng.unit()) }
                }
                if rng.unit() < 0.9 { hub(0, 0.5) }
                if rng.unit() < 0.8 { hub(1, 0.3) }
                if hubs > 2 && rng.unit() < 0.4 { hub(2 + rng.below(hubs - 2), 0.2) }
            }
            let blockStart = (j / sectorSize) * sectorSize
            let blockEnd = min(n, blockStart + sectorSize)
            var tries = 0
            while idx.count < k + 2 && tries < 4 * k {
                tries += 1
                let i: Int
                if rng.unit() < 0.8 { i = blockStart + rng.below(blockEnd - blockStart) } else { i = rng.below(n) }
                if i == j { continue }
                if seen.insert(Int32(i)).inserted { idx.append(Int32(i)); amt.append(rng.unit() * rng.unit() + 0.01) }
            }
            let total = amt.reduce(0, +)
            let target = 0.15 + 0.4 * rng.unit()
            if total > 0 { for q in amt.indices { amt[q] *= target / total } }
            // Resource coefficients by sector.
            let labour = 0.2 + 1.6 * rng.unit()
            let co2 = (sec == 0 ? 2.0 : sec == 1 ? 1.0 : sec == 3 ? 0.3 : 0.05) * (0.5 + rng.unit())
            let land = (sec == 2 ? 1.0 : 0.02) * (0.5 + rng.unit())
            let water = (sec == 2 || sec == 0 ? 0.6 : 0.05) * (0.5 + rng.unit())
            let res: [(Int32, Double)] = [(0, labour), (1, co2), (2, land), (3, water)]
            table.append(Technique(id: "t\(j)", outputs: [Entry(Int32(j), 1)],
                                   inputs: zip(idx, amt).map { Entry($0, $1) },
                                   resources: res.map { Entry($0.0, $0.1) }))
            if rng.unit() < alternativeShare {
                let alternatives = 1 + rng.below(2)
                for a in 1...alternatives {
                    // Cleaner but more labour- and energy-intensive, or the reverse.
                    let clean = a == 1
                    let cf = clean ? 0.2 + 0.3 * rng.unit() : 1.2 + 0.5 * rng.unit()
                    let lf = clean ? 1.1 + 0.4 * rng.unit() : 0.7 + 0.2 * rng.unit()
                    var inputs = zip(idx, amt).map { Entry($0, $1 * (0.8 + 0.4 * rng.unit())) }
                    let s = inputs.reduce(0) { $0 + $1.amount }
                    if s > 0.9 { inputs = inputs.map { Entry($0.index, $0.amount * 0.9 / s) } }
                    table.append(Technique(id: "t\(j)a\(a)", outputs: [Entry(Int32(j), 1)], inputs: inputs,
                                           resources: [Entry(0, labour * lf), Entry(1, co2 * cf), Entry(2, land * (0.8 + 0.4 * rng.unit())),
                                                       Entry(3, water * (0.8 + 0.4 * rng.unit()))]))
                }
            }
        }
        var needs: [Need] = []
        needs.reserveCapacity(Int(Double(n) * needShare) + 1)
        for i in hubs..<n where rng.unit() < needShare {
            let sec = sector(of: i)
            let amount = 10 * (0.2 + rng.unit()) * (1 + 4 * rng.unit() * rng.unit())
            let guaranteed = (sec == 2 || sec == 6) && rng.unit() < 0.25
            if guaranteed {
                needs.append(Need(product: Int32(i), amount: amount * 0.3, guaranteed: true))
                needs.append(Need(product: Int32(i), amount: amount * 0.7))
            } else {
                needs.append(Need(product: Int32(i), amount: amount))
            }
        }
        if needs.isEmpty { needs.append(Need(product: Int32(n - 1), amount: 10)) }
        var economy = Economy(name: "synthetic n=\(n) seed=\(seed)", products: prods, resources: resources, techniques: table, needs: needs)
        guard calibrate else { return economy }
        // Calibrate limits and capacities from the primary plan at full needs.
        guard let analysis = try? LeontiefAnalysis(economy, solver: LeontiefSolver(tolerance: 1e-8)) else { return economy }
        let factors = [1.02, 0.9, 0.97, 1.1]
        let calibrated = resources.enumerated().map { k, r in
            Resource(id: r.id, name: r.name, unit: r.unit, kind: r.kind, limit: (analysis.resourceUse[k] * factors[k] * 1e6).rounded() / 1e6)
        }
        var capacity = table.capacity
        var crng = SeededGenerator(seed: seed ^ 0xC0FFEE)
        for t in 0..<table.count where analysis.activity[t] > 0 && crng.unit() < 0.03 {
            capacity[t] = (analysis.activity[t] * (0.8 + 0.7 * crng.unit()) * 1e6).rounded(.up) / 1e6
        }
        let capped = TechniqueTable(ids: table.ids, capacity: capacity, outputs: table.outputs, inputs: table.inputs, resources: table.resources)
        economy = Economy(name: economy.name, products: prods, resources: calibrated, techniques: capped, needs: needs)
        if workplaces > 1 { economy = SyntheticEconomy.spreadOverWorkplaces(economy, count: workplaces, activity: analysis.activity, seed: seed) }
        return economy
    }

    /// Every technique run by `count` workplaces, each its own council's private data: the same
    /// outputs, each input and resource coefficient varied by ±15 % per workplace, and a capacity
    /// of (1.2–1.8)/count times the product's output in the primary plan (`activity`), so that
    /// together a product's workplaces can make about half as much again as that plan needs and
    /// which of them run is a real choice. Every workplace is capped (the economy's other
    /// capacities give way to these). Workplace k of technique t is named "t/wk" (t's id).
    public static func spreadOverWorkplaces(_ e: Economy, count w: Int, activity: [Double], seed: UInt64) -> Economy {
        let t = e.techniques
        var output = [Double](repeating: 0, count: e.productCount)
        for j in 0..<t.count where j < activity.count {
            for p in t.outputs.range(j) { output[Int(t.outputs.index[p])] += activity[j] * t.outputs.amount[p] }
        }
        var rng = SeededGenerator(seed: seed ^ 0x5EED_0F_C0DE)
        func vary(_ entries: [Entry]) -> [Entry] { entries.map { Entry($0.index, $0.amount * (0.85 + 0.3 * rng.unit())) } }
        var table = TechniqueTable()
        table.reserve(techniques: t.count * w, entries: t.inputs.entryCount * w)
        for j in 0..<t.count {
            let technique = t[j]
            let product = technique.outputs.first.map { Int($0.index) } ?? 0
            let made = output[product] > 0 ? output[product] : 1
            for k in 0..<w {
                table.append(Technique(id: "\(technique.id)/w\(k)", outputs: technique.outputs, inputs: vary(technique.inputs),
                                       resources: vary(technique.resources),
                                       capacity: (made * (1.2 + 0.6 * rng.unit()) / Double(w) * 1e6).rounded(.up) / 1e6))
            }
        }
        return Economy(name: e.name + " workplaces=\(w)", products: e.products, resources: e.resources, techniques: table, needs: e.needs)
    }
}
