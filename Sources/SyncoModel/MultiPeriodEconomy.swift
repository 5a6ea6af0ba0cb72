/// A need for a product in every period (planning semantics v2).
public struct MultiPeriodNeed: Sendable, Hashable {
    /// Index of the product in `Economy.products`.
    public var product: Int32
    public var amount: PerPeriod
    public var guaranteed: Bool
    public init(product: Int32, amount: PerPeriod, guaranteed: Bool = false) {
        self.product = product
        self.amount = amount
        self.guaranteed = guaranteed
    }
}

/// An economy over several periods (economy document v2), ids resolved to indices.
///
/// `economy` holds products, resources and techniques as in v1 (its limits and capacities are
/// unused, its needs empty); what varies over time or links periods is held here: limits and
/// capacities per period, budgets over the horizon, storable and capital products, natural
/// stocks, the capital each technique needs and what it extracts from stocks.
public struct MultiPeriodEconomy: Sendable {
    public let periods: Int
    public let economy: Economy
    /// Per product: storage (inventory carried over), or nil.
    public let storage: [Storage?]
    /// Per product: capital (stock built by investment), or nil.
    public let capital: [CapitalSpec?]
    public let stocks: [NaturalStock]
    /// Per resource: limit in each period, or nil (unlimited).
    public let limits: [PerPeriod?]
    /// Per resource: total over the horizon, or nil.
    public let budgets: [Double?]
    /// Per technique: cap on activity in each period, or nil (uncapped).
    public let capacities: [PerPeriod?]
    /// Per technique: capital product index → capital needed per unit of activity.
    public let capitalUse: EntryBlock
    /// Per technique: natural stock index → amount extracted per unit of activity.
    public let extraction: EntryBlock
    public let needs: [MultiPeriodNeed]

    public var name: String { economy.name }
    public var productCount: Int { economy.productCount }
    public var resourceCount: Int { economy.resourceCount }
    public var techniqueCount: Int { economy.techniqueCount }

    public init(periods: Int, economy: Economy, storage: [Storage?]? = nil, capital: [CapitalSpec?]? = nil,
                stocks: [NaturalStock] = [], limits: [PerPeriod?]? = nil, budgets: [Double?]? = nil,
                capacities: [PerPeriod?]? = nil, capitalUse: EntryBlock? = nil, extraction: EntryBlock? = nil,
                needs: [MultiPeriodNeed] = []) {
        let n = economy.productCount, m = economy.techniqueCount
        func empty() -> EntryBlock {
            EntryBlock(start: [Int](repeating: 0, count: m + 1), index: [], amount: [])
        }
        self.periods = periods
        self.economy = economy
        self.storage = storage ?? [Storage?](repeating: nil, count: n)
        self.capital = capital ?? [CapitalSpec?](repeating: nil, count: n)
        self.stocks = stocks
        self.limits = limits ?? economy.resources.map { $0.limit.map { .constant($0) } }
        self.budgets = budgets ?? [Double?](repeating: nil, count: economy.resourceCount)
        self.capacities = capacities ?? economy.techniques.capacity.map { $0.isFinite ? .constant($0) : nil }
        self.capitalUse = capitalUse ?? empty()
        self.extraction = extraction ?? empty()
        self.needs = needs
    }

    /// A v1 economy as a plan over `periods` periods with the same limits, capacities and
    /// needs in every period and no stocks (one period: the v1 fulfilment plan itself).
    public init(oneShot e: Economy, periods: Int = 1) {
        self.init(periods: periods, economy: e,
                  needs: e.needs.map { MultiPeriodNeed(product: $0.product, amount: .constant($0.amount), guaranteed: $0.guaranteed) })
    }

    /// Guaranteed and other need amounts per period and product: `[t][i]`.
    public func needTotals() -> (guaranteed: [[Double]], other: [[Double]]) {
        let n = productCount
        var g = [[Double]](repeating: [Double](repeating: 0, count: n), count: periods)
        var o = g
        for need in needs {
            for t in 0..<periods {
                if need.guaranteed { g[t][Int(need.product)] += need.amount[t] } else { o[t][Int(need.product)] += need.amount[t] }
            }
        }
        return (g, o)
    }

    public func stockIndex(of id: String) -> Int? { stocks.firstIndex { $0.id == id } }
}

extension MultiPeriodEconomy {
    /// Resolves a v2 document's ids and validates the result; throws every problem at once,
    /// each naming its place (`resources[1].limit[3]`, `products[2].capital.depreciation`).
    public init(document doc: MultiPeriodDocument) throws(ValidationReport) {
        var issues: [ValidationIssue] = []
        let T = doc.periods
        if T < 1 { issues.append(.init("bad-periods", at: "periods", "expected a whole number of periods >= 1, found \(T)")) }

        func checkPerPeriod(_ p: PerPeriod?, _ path: String, what: String) {
            guard let p else { return }
            if case .series(let a) = p, T >= 1, a.count != T {
                issues.append(.init("wrong-length", at: path, "expected \(T) values (one per period) or one number, found an array of \(a.count)"))
            }
            for (q, v) in p.entries(path) {
                if !v.isFinite {
                    issues.append(.init("non-finite", at: q, "expected a finite \(what), found \(v)"))
                } else if v < 0 {
                    issues.append(.init("negative", at: q, "expected a \(what) >= 0, found \(v)"))
                }
            }
        }
        func nonNegative(_ v: Double?, _ path: String, what: String) {
            guard let v else { return }
            if !v.isFinite { issues.append(.init("non-finite", at: path, "expected a finite \(what), found \(v)")) }
            else if v < 0 { issues.append(.init("negative", at: path, "expected a \(what) >= 0, found \(v)")) }
        }
        func share(_ v: Double, _ path: String, what: String) {
            if !(v >= 0 && v <= 1) { issues.append(.init("out-of-range", at: path, "expected a \(what) between 0 and 1, found \(v)")) }
        }

        // Products: storable xor capital.
        var pIndex = [String: Int]()
        for (i, p) in doc.products.enumerated() {
            if pIndex[p.product.id] == nil { pIndex[p.product.id] = i }
            let path = "products[\(i)]"
            if p.storable != nil && p.capital != nil {
                issues.append(.init("storable-and-capital", at: path, "product '\(p.product.id)' is both storable and capital; a product is at most one of them"))
            }
            if let s = p.storable {
                share(s.carryover, path + ".storable.carryover", what: "carryover share")
                nonNegative(s.initial, path + ".storable.initial", what: "initial inventory")
            }
            if let c = p.capital {
                share(c.depreciation, path + ".capital.depreciation", what: "depreciation rate")
                nonNegative(c.initial, path + ".capital.initial", what: "initial capital stock")
            }
        }
        // Natural stocks.
        var sIndex = [String: Int]()
        for (s, st) in doc.stocks.enumerated() {
            let path = "stocks[\(s)]"
            if st.id.isEmpty { issues.append(.init("empty-id", at: path + ".id", "expected a non-empty stock id")) }
            if let f = sIndex[st.id] {
                issues.append(.init("duplicate-id", at: path + ".id", "stock id '\(st.id)' already used by stocks[\(f)]"))
            } else { sIndex[st.id] = s }
            nonNegative(st.initial, path + ".initial", what: "initial stock")
            nonNegative(st.regeneration, path + ".regeneration", what: "regeneration rate")
            nonNegative(st.carryingCapacity, path + ".carrying_capacity", what: "carrying capacity")
            nonNegative(st.minimumFinal, path + ".minimum_final", what: "minimum final stock")
            if let c = st.carryingCapacity, let f = st.minimumFinal, f > c {
                issues.append(.init("target-above-capacity", at: path + ".minimum_final",
                                    "minimum final stock \(f) exceeds the carrying capacity \(c); no plan can meet it"))
            }
        }
        for (r, res) in doc.resources.enumerated() {
            checkPerPeriod(res.limit, "resources[\(r)].limit", what: "limit")
            nonNegative(res.budget, "resources[\(r)].budget", what: "budget")
        }
        // Techniques: capacity per period, capital and extraction entries.
        var capitalEntries: [[Entry]] = [], extractEntries: [[Entry]] = []
        for (j, t) in doc.techniques.enumerated() {
            let path = "techniques[\(j)]"
            checkPerPeriod(t.capacity, path + ".capacity", what: "capacity")
            var row: [Entry] = []
            var seen = Set<String>()
            for a in t.capital {
                let q = path + ".capital.\(a.key)"
                guard seen.insert(a.key).inserted else { issues.append(.init("duplicate-key", at: q, "capital product '\(a.key)' listed twice")); continue }
                guard let i = pIndex[a.key] else {
                    issues.append(.init("unknown-product", at: q, "unknown product id '\(a.key)'; expected a product with a \"capital\" entry"))
                    continue
                }
                if doc.products[i].capital == nil {
                    issues.append(.init("not-capital", at: q, "product '\(a.key)' is not a capital product; give products[\(i)] a \"capital\" entry"))
                }
                nonNegative(a.amount, q, what: "capital coefficient")
                row.append(Entry(Int32(i), a.amount))
            }
            capitalEntries.append(row)
            row = []
            seen = []
            for a in t.extracts {
                let q = path + ".extracts.\(a.key)"
                guard seen.insert(a.key).inserted else { issues.append(.init("duplicate-key", at: q, "stock '\(a.key)' listed twice")); continue }
                guard let s = sIndex[a.key] else {
                    issues.append(.init("unknown-stock", at: q, "unknown stock id '\(a.key)'; expected one of the ids under stocks"))
                    continue
                }
                nonNegative(a.amount, q, what: "extraction coefficient")
                row.append(Entry(Int32(s), a.amount))
            }
            extractEntries.append(row)
        }
        // Needs.
        var needs: [MultiPeriodNeed] = []
        for (k, n) in doc.needs.enumerated() {
            let path = "needs[\(k)]"
            if case .series(let a) = n.amount, T >= 1, a.count != T {
                issues.append(.init("wrong-length", at: path + ".amount", "expected \(T) values (one per period) or one number, found an array of \(a.count)"))
            }
            for (q, v) in n.amount.entries(path + ".amount") {
                if !v.isFinite { issues.append(.init("non-finite", at: q, "expected a finite amount, found \(v)")) }
                else if n.guaranteed && v < 0 { issues.append(.init("negative-guaranteed-need", at: q, "a guaranteed need must be >= 0, found \(v)")) }
            }
            guard let p = pIndex[n.product] else {
                issues.append(.init("unknown-product", at: path + ".product", "unknown product id '\(n.product)'"))
                continue
            }
            needs.append(MultiPeriodNeed(product: Int32(p), amount: n.amount, guaranteed: n.guaranteed))
        }

        // Products, resources and techniques as in v1 (ids, outputs, inputs, coefficients).
        let base = EconomyDocument(
            name: doc.name, products: doc.products.map(\.product),
            resources: doc.resources.map { var r = $0.resource; r.limit = nil; return r },
            techniques: doc.techniques.map { var t = $0.technique; t.capacity = nil; return t })
        let e: Economy
        do { e = try Economy(document: base) } catch {
            throw ValidationReport(issues: error.issues + issues)
        }
        issues += e.validate(checkIds: false).filter { $0.severity == .warning }
        // A need no technique produces can only be met from initial inventory.
        var produced = [Bool](repeating: false, count: e.productCount)
        for q in 0..<e.techniques.outputs.entryCount where e.techniques.outputs.amount[q] > 0 {
            produced[Int(e.techniques.outputs.index[q])] = true
        }
        for (k, need) in needs.enumerated() {
            let i = Int(need.product)
            let positive = (0..<max(T, 1)).contains { t in
                if case .series(let a) = need.amount, t >= a.count { return false }
                return need.amount[t] > 0
            }
            if positive && !produced[i] && (doc.products[i].storable?.initial ?? 0) <= 0 {
                issues.append(.init("unproducible-need", at: "needs[\(k)].product",
                                    "no technique produces '\(e.products[i].id)' and it has no initial inventory; expected a technique with it among its outputs"))
            }
        }
        if issues.contains(where: { $0.severity == .error }) { throw ValidationReport(issues: issues) }

        var cu = EntryBlock(), ex = EntryBlock()
        for row in capitalEntries { cu.appendRow(row) }
        for row in extractEntries { ex.appendRow(row) }
        self.init(periods: T, economy: e, storage: doc.products.map(\.storable), capital: doc.products.map(\.capital),
                  stocks: doc.stocks, limits: doc.resources.map(\.limit), budgets: doc.resources.map(\.budget),
                  capacities: doc.techniques.map(\.capacity), capitalUse: cu, extraction: ex, needs: needs)
    }
}
