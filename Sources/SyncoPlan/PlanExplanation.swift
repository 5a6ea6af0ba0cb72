import SyncoModel

/// Why a product is valued as it is in a plan: the valuation of one unit, split along the
/// technique that makes it at the margin into its inputs' valuations, its resources'
/// valuations and any capacity rent — then the same split once more for the largest inputs.
/// At an optimum a technique in use earns zero reduced profit, so the parts add up to the
/// product's valuation (Kantorovich's objectively determined valuations).
public struct PlanExplanation: Sendable {
    public struct Part: Sendable {
        public enum Kind: String, Sendable { case input, resource, capacity, byproduct }
        public var kind: Kind
        public var id: String
        /// Amount per unit of the explained product.
        public var amount: Double
        /// Valuation of that amount (λ units).
        public var value: Double
        /// Share of the product's valuation.
        public var share: Double
        /// For inputs: the same split one level further up.
        public var upstream: [Part]
    }

    public var product: Int
    public var valuation: Double
    public var need: Double
    public var netOutput: Double
    /// The technique used at the margin (largest activity among those making the product).
    public var technique: Int?
    public var activity: Double
    public var atCapacity: Bool
    public var parts: [Part]
    /// Every technique that makes the product, with its activity in the plan.
    public var alternatives: [(technique: Int, activity: Double)]

    public init(plan: Plan, economy e: Economy, product i: Int, depth: Int = 2, width: Int = 6) {
        product = i
        valuation = plan.productValuation[i]
        need = e.needs.filter { Int($0.product) == i }.reduce(0) { $0 + $1.amount }
        netOutput = plan.netOutput.isEmpty ? 0 : plan.netOutput[i]
        let t = e.techniques
        var makers: [(Int, Double)] = []
        for j in 0..<t.count where t.outputs.range(j).contains(where: { Int(t.outputs.index[$0]) == i && t.outputs.amount[$0] > 0 }) {
            makers.append((j, plan.activities[j]))
        }
        alternatives = makers.map { (technique: $0.0, activity: $0.1) }
        let best = makers.max { $0.1 < $1.1 } ?? makers.first
        technique = best?.0
        activity = best?.1 ?? 0
        atCapacity = best.map { t.capacity[$0.0].isFinite && $0.1 >= t.capacity[$0.0] * (1 - 1e-6) } ?? false
        parts = best.map { PlanExplanation.split(plan: plan, economy: e, product: i, technique: $0.0, depth: depth, width: width) } ?? []
    }

    public static func split(plan: Plan, economy e: Economy, product i: Int, technique j: Int, depth: Int, width: Int) -> [Part] {
        let t = e.techniques
        guard let outIdx = t.outputs.range(j).first(where: { Int(t.outputs.index[$0]) == i }) else { return [] }
        let scale = 1 / t.outputs.amount[outIdx]
        let v = max(plan.productValuation[i], 1e-300)
        var parts: [Part] = []
        for p in t.inputs.range(j) {
            let k = Int(t.inputs.index[p]), a = t.inputs.amount[p] * scale
            parts.append(Part(kind: .input, id: e.products[k].id, amount: a, value: a * plan.productValuation[k],
                              share: a * plan.productValuation[k] / v, upstream: []))
        }
        for p in t.resources.range(j) {
            let k = Int(t.resources.index[p]), a = t.resources.amount[p] * scale
            parts.append(Part(kind: .resource, id: e.resources[k].id, amount: a, value: a * plan.resourceValuation[k],
                              share: a * plan.resourceValuation[k] / v, upstream: []))
        }
        for p in t.outputs.range(j) where p != outIdx {
            let k = Int(t.outputs.index[p]), a = t.outputs.amount[p] * scale
            parts.append(Part(kind: .byproduct, id: e.products[k].id, amount: -a, value: -a * plan.productValuation[k],
                              share: -a * plan.productValuation[k] / v, upstream: []))
        }
        let accounted = parts.reduce(0) { $0 + $1.value }
        if t.capacity[j].isFinite && plan.activities[j] >= t.capacity[j] * (1 - 1e-6) && plan.productValuation[i] - accounted > 1e-12 {
            let rent = plan.productValuation[i] - accounted
            parts.append(Part(kind: .capacity, id: t.ids[j], amount: t.capacity[j], value: rent, share: rent / v, upstream: []))
        }
        parts.sort { $0.value > $1.value }
        parts = Array(parts.prefix(width))
        if depth > 1 {
            for q in parts.indices where parts[q].kind == .input && parts[q].value > 0 {
                guard let k = e.productIndex(of: parts[q].id) else { continue }
                let maker = (0..<t.count).filter { jj in t.outputs.range(jj).contains { Int(t.outputs.index[$0]) == k } }
                    .max { plan.activities[$0] < plan.activities[$1] }
                if let mk = maker {
                    parts[q].upstream = split(plan: plan, economy: e, product: k, technique: mk, depth: depth - 1, width: 3)
                }
            }
        }
        return parts
    }
}
