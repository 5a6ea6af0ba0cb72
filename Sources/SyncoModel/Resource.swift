/// What a resource is: the planner treats all kinds alike, reports group them.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable {
    /// Working time (hours, or compensation where hours are not known).
    case labour
    /// Land, water, minerals, forest: what nature provides.
    case natural
    /// Emissions and other burdens on nature with a decided ceiling (CO2).
    case emission
    /// Anything else an importer finds as a primary input (taxes, imports, surplus rows).
    case other
}

/// A primary resource used by techniques, with an optional limit decided democratically.
public struct Resource: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var unit: String?
    public var kind: ResourceKind
    /// Upper bound on total use; `nil` means unlimited.
    public var limit: Double?

    public init(id: String, name: String? = nil, unit: String? = nil, kind: ResourceKind, limit: Double? = nil) {
        self.id = id
        self.name = name
        self.unit = unit
        self.kind = kind
        self.limit = limit
    }
}
