/// A quantity given per period (economy document v2): one number for every period, or one
/// value per period (an array of length `periods`).
public enum PerPeriod: Sendable, Hashable {
    case constant(Double)
    case series([Double])

    /// The value in period `t` (a constant is the same in every period).
    public subscript(_ t: Int) -> Double {
        switch self {
        case .constant(let v): v
        case .series(let a): a[t]
        }
    }

    /// The values with their document paths relative to `path` (`limit` or `limit[3]`).
    public func entries(_ path: String) -> [(path: String, value: Double)] {
        switch self {
        case .constant(let v): [(path, v)]
        case .series(let a): a.enumerated().map { ("\(path)[\($0.offset)]", $0.element) }
        }
    }
}

/// A storable product: what is not used in a period carries over to the next, of which the
/// share `carryover` survives (1: no loss). `initial` is the inventory before period 0.
public struct Storage: Sendable, Hashable {
    public var carryover: Double
    public var initial: Double
    public init(carryover: Double = 1, initial: Double = 0) {
        self.carryover = carryover
        self.initial = initial
    }
}

/// A capital product (tractors, looms, wind turbines): made like any product, but a unit put in
/// place in period t (investment) adds to the capital stock from period t + 1 on; the stock
/// shrinks by the share `depreciation` each period. `initial` is the stock in period 0.
public struct CapitalSpec: Sendable, Hashable {
    public var depreciation: Double
    public var initial: Double
    public init(depreciation: Double = 0, initial: Double = 0) {
        self.depreciation = depreciation
        self.initial = initial
    }
}

/// A natural stock (a forest, a fish population, an aquifer): it regenerates by the share
/// `regeneration` a period up to `carryingCapacity`, extraction by techniques draws it down,
/// and a decided `minimumFinal` is what must be left after the last period.
public struct NaturalStock: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var unit: String?
    public var initial: Double
    public var regeneration: Double
    /// `nil`: no ceiling.
    public var carryingCapacity: Double?
    /// `nil`: no target (0).
    public var minimumFinal: Double?

    public init(id: String, name: String? = nil, unit: String? = nil, initial: Double, regeneration: Double = 0,
                carryingCapacity: Double? = nil, minimumFinal: Double? = nil) {
        self.id = id
        self.name = name
        self.unit = unit
        self.initial = initial
        self.regeneration = regeneration
        self.carryingCapacity = carryingCapacity
        self.minimumFinal = minimumFinal
    }
}

/// A product as written in a v2 document.
public struct ProductSpec2: Sendable, Hashable {
    public var product: Product
    public var storable: Storage?
    public var capital: CapitalSpec?
    public init(_ product: Product, storable: Storage? = nil, capital: CapitalSpec? = nil) {
        self.product = product
        self.storable = storable
        self.capital = capital
    }
}

/// A resource as written in a v2 document: a limit per period and an optional budget over
/// the whole horizon (a carbon budget).
public struct ResourceSpec2: Sendable, Hashable {
    /// Id, name, unit and kind (its `limit` is not used; see `limit`).
    public var resource: Resource
    public var limit: PerPeriod?
    public var budget: Double?
    public init(_ resource: Resource, limit: PerPeriod? = nil, budget: Double? = nil) {
        self.resource = resource
        self.limit = limit
        self.budget = budget
    }
}

/// A technique as written in a v2 document: the v1 fields plus capacity per period, capital
/// needed per unit of activity (`capital`: capital product → amount) and extraction from
/// natural stocks per unit of activity (`extracts`: stock → amount).
public struct TechniqueSpec2: Sendable, Hashable {
    /// Id, name, outputs, inputs and resources (its `capacity` is not used; see `capacity`).
    public var technique: TechniqueSpec
    public var capacity: PerPeriod?
    public var capital: [KeyedAmount]
    public var extracts: [KeyedAmount]
    public init(_ technique: TechniqueSpec, capacity: PerPeriod? = nil, capital: [KeyedAmount] = [], extracts: [KeyedAmount] = []) {
        self.technique = technique
        self.capacity = capacity
        self.capital = capital
        self.extracts = extracts
    }
}

/// A need as written in a v2 document: an amount per period.
public struct NeedSpec2: Sendable, Hashable {
    public var product: String
    public var amount: PerPeriod
    public var guaranteed: Bool
    public init(product: String, amount: PerPeriod, guaranteed: Bool = false) {
        self.product = product
        self.amount = amount
        self.guaranteed = guaranteed
    }
}

/// The economy document v2 (`synco-economy/2`, several periods) with ids unresolved.
/// `MultiPeriodEconomy(document:)` resolves and validates it. A v1 document reads as a v2
/// document with one period.
public struct MultiPeriodDocument: Sendable, Hashable {
    public static let format = "synco-economy/2"

    public var name: String?
    public var periods: Int
    public var products: [ProductSpec2]
    public var stocks: [NaturalStock]
    public var resources: [ResourceSpec2]
    public var techniques: [TechniqueSpec2]
    public var needs: [NeedSpec2]

    public init(name: String? = nil, periods: Int = 1, products: [ProductSpec2] = [], stocks: [NaturalStock] = [],
                resources: [ResourceSpec2] = [], techniques: [TechniqueSpec2] = [], needs: [NeedSpec2] = []) {
        self.name = name
        self.periods = periods
        self.products = products
        self.stocks = stocks
        self.resources = resources
        self.techniques = techniques
        self.needs = needs
    }

    /// A v1 document as a one-period v2 document.
    public init(v1 doc: EconomyDocument) {
        self.init(name: doc.name, periods: 1,
                  products: doc.products.map { ProductSpec2($0) },
                  resources: doc.resources.map { r in
                      var base = r
                      base.limit = nil
                      return ResourceSpec2(base, limit: r.limit.map { .constant($0) })
                  },
                  techniques: doc.techniques.map { t in
                      var base = t
                      base.capacity = nil
                      return TechniqueSpec2(base, capacity: t.capacity.map { .constant($0) })
                  },
                  needs: doc.needs.map { NeedSpec2(product: $0.product, amount: .constant($0.amount), guaranteed: $0.guaranteed) })
    }

    /// Whether the document uses nothing beyond v1 (one period, no stocks, storage, capital,
    /// budgets, extraction or per-period arrays): then `v1Document` is the same economy.
    public var isSinglePeriodV1: Bool {
        func plain(_ p: PerPeriod?) -> Bool { if case .series(let a)? = p { return a.count == 1 } else { return true } }
        return periods == 1 && stocks.isEmpty
            && products.allSatisfy { $0.storable == nil && $0.capital == nil }
            && resources.allSatisfy { $0.budget == nil && plain($0.limit) }
            && techniques.allSatisfy { $0.capital.isEmpty && $0.extracts.isEmpty && plain($0.capacity) }
            && needs.allSatisfy { plain($0.amount) }
    }

    /// The v1 document of a one-period economy (period 0's values).
    public var v1Document: EconomyDocument {
        EconomyDocument(
            name: name, products: products.map(\.product),
            resources: resources.map { r in
                var base = r.resource
                base.limit = r.limit?[0]
                return base
            },
            techniques: techniques.map { t in
                var base = t.technique
                base.capacity = t.capacity?[0]
                return base
            },
            needs: needs.map { NeedSpec(product: $0.product, amount: $0.amount[0], guaranteed: $0.guaranteed) })
    }
}
