/// An economy in natura, with ids resolved to indices: products, resources with limits,
/// techniques (columnar) and needs. Immutable once built; lookup by id is O(1).
///
/// Build it from an `EconomyDocument` (which checks ids) or directly from columns (generators,
/// binary files); `validate()` reports every numeric and structural problem at once.
public struct Economy: Sendable {
    public let name: String
    public let products: [Product]
    public let resources: [Resource]
    public let techniques: TechniqueTable
    public let needs: [Need]

    private let productIndex: [String: Int32]
    private let resourceIndex: [String: Int32]
    private let techniqueIndex: [String: Int32]
    /// (index, index of the first occurrence) of every repeated id, found while indexing so
    /// `validate()` need not hash every id a second time.
    let duplicateProducts: [(Int, Int)]
    let duplicateResources: [(Int, Int)]
    let duplicateTechniques: [(Int, Int)]

    /// Builds an economy from resolved parts. Duplicate ids keep their first occurrence for
    /// lookup; `validate()` reports them.
    public init(name: String, products: [Product], resources: [Resource], techniques: TechniqueTable, needs: [Need]) {
        self.name = name
        self.products = products
        self.resources = resources
        self.techniques = techniques
        self.needs = needs
        (productIndex, duplicateProducts) = Economy.firstIndex(products.lazy.map(\.id), count: products.count)
        (resourceIndex, duplicateResources) = Economy.firstIndex(resources.lazy.map(\.id), count: resources.count)
        (techniqueIndex, duplicateTechniques) = Economy.firstIndex(techniques.ids, count: techniques.count)
    }

    /// The same products, resources and techniques (their ids, coefficients and order) with new
    /// numbers: resource limits, technique capacities and needs. The id indexes are shared, not
    /// rebuilt (a rollout re-plans the same time-expanded economy every period with new state).
    public func renumbered(limits: [Double?], capacity: [Double], needs: [Need]) -> Economy {
        precondition(limits.count == resources.count && capacity.count == techniques.count)
        var r = resources
        for k in r.indices { r[k].limit = limits[k] }
        return Economy(copying: self, resources: r, techniques: techniques.withCapacity(capacity), needs: needs)
    }

    private init(copying e: Economy, resources: [Resource], techniques: TechniqueTable, needs: [Need]) {
        name = e.name
        products = e.products
        self.resources = resources
        self.techniques = techniques
        self.needs = needs
        productIndex = e.productIndex
        resourceIndex = e.resourceIndex
        techniqueIndex = e.techniqueIndex
        duplicateProducts = e.duplicateProducts
        duplicateResources = e.duplicateResources
        duplicateTechniques = e.duplicateTechniques
    }

    private static func firstIndex(_ ids: some Sequence<String>, count: Int) -> ([String: Int32], [(Int, Int)]) {
        var d = [String: Int32](minimumCapacity: count)
        var dups: [(Int, Int)] = []
        for (i, id) in ids.enumerated() {
            if let f = d[id] { dups.append((i, Int(f))) } else { d[id] = Int32(i) }
        }
        return (d, dups)
    }

    public func productIndex(of id: String) -> Int? { productIndex[id].map(Int.init) }
    public func resourceIndex(of id: String) -> Int? { resourceIndex[id].map(Int.init) }
    public func techniqueIndex(of id: String) -> Int? { techniqueIndex[id].map(Int.init) }

    public var productCount: Int { products.count }
    public var resourceCount: Int { resources.count }
    public var techniqueCount: Int { techniques.count }
}

extension Economy {
    /// Resolves a document's ids and validates the result; throws every problem at once.
    ///
    /// - Parameter checkProductivity: not used here (productivity needs the sparse kernels and
    ///   is checked by `SyncoPlan.Leontief`), kept out of the model so it stays I/O- and
    ///   kernel-free.
    public init(document doc: EconomyDocument) throws(ValidationReport) {
        var issues: [ValidationIssue] = []
        var pIndex = [String: Int32](minimumCapacity: doc.products.count)
        for (i, p) in doc.products.enumerated() {
            if p.id.isEmpty { issues.append(.init("empty-id", at: "products[\(i)].id", "expected a non-empty product id")) }
            if let first = pIndex[p.id] {
                issues.append(.init("duplicate-id", at: "products[\(i)].id", "product id '\(p.id)' already used by products[\(first)]"))
            } else { pIndex[p.id] = Int32(i) }
        }
        var rIndex = [String: Int32](minimumCapacity: doc.resources.count)
        for (i, r) in doc.resources.enumerated() {
            if r.id.isEmpty { issues.append(.init("empty-id", at: "resources[\(i)].id", "expected a non-empty resource id")) }
            if let first = rIndex[r.id] {
                issues.append(.init("duplicate-id", at: "resources[\(i)].id", "resource id '\(r.id)' already used by resources[\(first)]"))
            } else { rIndex[r.id] = Int32(i) }
        }
        var table = TechniqueTable()
        table.reserve(techniques: doc.techniques.count, entries: doc.techniques.reduce(0) { $0 + $1.inputs.count })
        func resolve(_ list: [KeyedAmount], _ index: [String: Int32], kind: String, path: String) -> [Entry] {
            var out: [Entry] = []
            out.reserveCapacity(list.count)
            var seen = Set<String>()
            for a in list {
                if !seen.insert(a.key).inserted {
                    issues.append(.init("duplicate-key", at: "\(path).\(a.key)", "\(kind) '\(a.key)' listed twice"))
                    continue
                }
                guard let i = index[a.key] else {
                    issues.append(.init("unknown-\(kind)", at: "\(path).\(a.key)", "unknown \(kind) id '\(a.key)'; expected one of the ids under \(kind == "product" ? "products" : "resources")"))
                    continue
                }
                out.append(Entry(i, a.amount))
            }
            return out
        }
        for (j, t) in doc.techniques.enumerated() {
            let base = "techniques[\(j)]"
            table.append(Technique(
                id: t.id,
                outputs: resolve(t.outputs, pIndex, kind: "product", path: base + ".outputs"),
                inputs: resolve(t.inputs, pIndex, kind: "product", path: base + ".inputs"),
                resources: resolve(t.resources, rIndex, kind: "resource", path: base + ".resources"),
                capacity: t.capacity))
        }
        var needs: [Need] = []
        needs.reserveCapacity(doc.needs.count)
        for (k, n) in doc.needs.enumerated() {
            guard let p = pIndex[n.product] else {
                issues.append(.init("unknown-product", at: "needs[\(k)].product", "unknown product id '\(n.product)'"))
                continue
            }
            needs.append(Need(product: p, amount: n.amount, guaranteed: n.guaranteed))
        }
        self.init(name: doc.name ?? "", products: doc.products, resources: doc.resources, techniques: table, needs: needs)
        // Needs that failed to resolve shift indices; report validation on the resolved part
        // with paths taken from the document where they line up.
        issues += validate(checkIds: false)
        if issues.contains(where: { $0.severity == .error }) { throw ValidationReport(issues: issues) }
    }

    /// The economy as a document with ids (for writers).
    public func document() -> EconomyDocument {
        func keyed(_ block: EntryBlock, _ j: Int, _ ids: (Int) -> String) -> [KeyedAmount] {
            block.range(j).map { KeyedAmount(ids(Int(block.index[$0])), block.amount[$0]) }
        }
        var specs: [TechniqueSpec] = []
        specs.reserveCapacity(techniques.count)
        for j in 0..<techniques.count {
            specs.append(TechniqueSpec(
                id: techniques.ids[j],
                outputs: keyed(techniques.outputs, j) { products[$0].id },
                inputs: keyed(techniques.inputs, j) { products[$0].id },
                resources: keyed(techniques.resources, j) { resources[$0].id },
                capacity: techniques.capacity[j].isFinite ? techniques.capacity[j] : nil))
        }
        return EconomyDocument(
            name: name, products: products, resources: resources, techniques: specs,
            needs: needs.map { NeedSpec(product: products[Int($0.product)].id, amount: $0.amount, guaranteed: $0.guaranteed) })
    }
}
