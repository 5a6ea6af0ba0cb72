/// Kinds of council. Consumer, workplace, regional and care councils report; federations and the
/// whole group them (council → federation → whole).
public enum CouncilKind: String, Sendable, Hashable, CaseIterable, Codable {
    case consumer, workplace, regional, care, federation, whole

    /// Whether councils of this kind may submit needs (consumption, care) or production data.
    public var submitsNeeds: Bool { self == .consumer || self == .care || self == .regional }
    public var submitsProduction: Bool { self == .workplace || self == .regional || self == .care }
}

/// A member's role in a council. Members, delegates and facilitators vote and submit; observers read.
public enum MemberRole: String, Sendable, Hashable, CaseIterable, Codable {
    case member, delegate, facilitator, observer
    public var mayVote: Bool { self != .observer }
    public var maySubmit: Bool { self != .observer }
    /// Facilitators open and close the council's decisions.
    public var mayFacilitate: Bool { self == .facilitator }
}

public struct Council: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var kind: CouncilKind
    /// The federation (or the whole) this council belongs to; nil only for the whole.
    public var parent: String?
    public init(id: String, name: String, kind: CouncilKind, parent: String? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.parent = parent
    }
}

public struct Member: Sendable, Hashable, Codable {
    public var id: String
    public var council: String
    public var name: String
    public var role: MemberRole
    public init(id: String, council: String, name: String, role: MemberRole = .member) {
        self.id = id; self.council = council; self.name = name; self.role = role
    }
}

/// A rule of the democracy domain was broken; `field` names the place (e.g. `parent`, `ballot.ranking[2]`).
public struct DemocracyError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case invalid, notFound, forbidden, conflict, closed
    }
    public var kind: Kind
    public var field: String
    public var message: String
    public init(_ kind: Kind, field: String, _ message: String) {
        self.kind = kind; self.field = field; self.message = message
    }
    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// Councils nested in a tree: every council but the whole has a parent, parents are federations
/// or the whole, and there are no cycles.
public struct CouncilHierarchy: Sendable {
    public private(set) var councils: [String: Council] = [:]
    public private(set) var children: [String: [String]] = [:]

    public init() {}

    public init(_ list: [Council]) throws(DemocracyError) {
        // Insert parents before children regardless of list order.
        var pending = list
        var progress = true
        while !pending.isEmpty && progress {
            progress = false
            var rest: [Council] = []
            for c in pending {
                if c.parent == nil || councils[c.parent!] != nil {
                    try add(c); progress = true
                } else { rest.append(c) }
            }
            pending = rest
        }
        if let c = pending.first {
            throw DemocracyError(.notFound, field: "parent", "council '\(c.id)' names parent '\(c.parent ?? "")', which does not exist (or the parents form a cycle)")
        }
    }

    public mutating func add(_ c: Council) throws(DemocracyError) {
        guard !c.id.isEmpty, c.id.utf8.count <= 128 else {
            throw DemocracyError(.invalid, field: "id", "a council id must have 1 to 128 characters")
        }
        guard councils[c.id] == nil else { throw DemocracyError(.conflict, field: "id", "council '\(c.id)' exists already") }
        if let p = c.parent {
            guard let parent = councils[p] else { throw DemocracyError(.notFound, field: "parent", "no council '\(p)'") }
            guard parent.kind == .federation || parent.kind == .whole else {
                throw DemocracyError(.invalid, field: "parent", "'\(p)' is a \(parent.kind.rawValue) council; only federations and the whole have member councils")
            }
            guard c.kind != .whole else { throw DemocracyError(.invalid, field: "kind", "the whole has no parent") }
        } else {
            guard c.kind == .whole else {
                throw DemocracyError(.invalid, field: "parent", "a \(c.kind.rawValue) council needs a parent federation or the whole")
            }
            guard !councils.values.contains(where: { $0.kind == .whole }) else {
                throw DemocracyError(.conflict, field: "kind", "there is already a whole")
            }
        }
        councils[c.id] = c
        if let p = c.parent { children[p, default: []].append(c.id) }
    }

    public subscript(id: String) -> Council? { councils[id] }

    /// The council itself, then its parent, up to the whole: the path an alert escalates along.
    public func chain(from id: String) -> [Council] {
        var out: [Council] = []
        var cur = councils[id]
        while let c = cur, out.count <= councils.count {
            out.append(c)
            cur = c.parent.flatMap { councils[$0] }
        }
        return out
    }

    /// Depth below the whole (whole = 0).
    public func level(of id: String) -> Int { max(0, chain(from: id).count - 1) }

    /// All councils under `id` (not including it), depth first, children in insertion order.
    public func descendants(of id: String) -> [Council] {
        var out: [Council] = []
        var stack = (children[id] ?? []).reversed().map { $0 }
        while let c = stack.popLast() {
            if let council = councils[c] { out.append(council) }
            stack.append(contentsOf: (children[c] ?? []).reversed())
        }
        return out
    }

    /// Whether `ancestor` is `id` or above it.
    public func contains(_ ancestor: String, _ id: String) -> Bool {
        chain(from: id).contains { $0.id == ancestor }
    }
}
