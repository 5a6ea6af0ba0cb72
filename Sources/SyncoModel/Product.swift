/// A product of the economy in natura: a good, a service or care work.
///
/// Care services are ordinary planned products; `category` (e.g. `"care"`, `"food"`) only groups
/// products for reports and decisions.
public struct Product: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var unit: String?
    public var category: String?

    public init(id: String, name: String? = nil, unit: String? = nil, category: String? = nil) {
        self.id = id
        self.name = name
        self.unit = unit
        self.category = category
    }
}
