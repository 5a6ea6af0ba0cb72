/// An amount keyed by a product or resource id, in document order.
public struct KeyedAmount: Sendable, Hashable {
    public var key: String
    public var amount: Double
    public init(_ key: String, _ amount: Double) {
        self.key = key
        self.amount = amount
    }
}

/// A technique as written in a document, referring to products and resources by id.
public struct TechniqueSpec: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var outputs: [KeyedAmount]
    public var inputs: [KeyedAmount]
    public var resources: [KeyedAmount]
    public var capacity: Double?

    public init(id: String, name: String? = nil, outputs: [KeyedAmount], inputs: [KeyedAmount] = [],
                resources: [KeyedAmount] = [], capacity: Double? = nil) {
        self.id = id
        self.name = name
        self.outputs = outputs
        self.inputs = inputs
        self.resources = resources
        self.capacity = capacity
    }
}

/// A need as written in a document.
public struct NeedSpec: Sendable, Hashable {
    public var product: String
    public var amount: Double
    public var guaranteed: Bool
    public init(product: String, amount: Double, guaranteed: Bool = false) {
        self.product = product
        self.amount = amount
        self.guaranteed = guaranteed
    }
}

/// The economy document (format `synco-economy/1`) with ids unresolved: what readers produce
/// and writers consume. `Economy(document:)` resolves and validates it.
public struct EconomyDocument: Sendable, Hashable {
    public static let format = "synco-economy/1"

    public var name: String?
    public var products: [Product]
    public var resources: [Resource]
    public var techniques: [TechniqueSpec]
    public var needs: [NeedSpec]

    public init(name: String? = nil, products: [Product] = [], resources: [Resource] = [],
                techniques: [TechniqueSpec] = [], needs: [NeedSpec] = []) {
        self.name = name
        self.products = products
        self.resources = resources
        self.techniques = techniques
        self.needs = needs
    }
}
