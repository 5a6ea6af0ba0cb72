import SyncoModel

/// What a council reports: consumer, care and regional councils their needs; workplaces the
/// techniques they can run and their capacities. A new submission supersedes the council's
/// previous one; the history is kept.
public struct Submission: Sendable, Hashable {
    public var council: String
    /// 1, 2, … per council, in the order they were accepted.
    public var sequence: Int
    public var member: String
    /// Seconds since 1970, when it was accepted.
    public var time: Double
    public var needs: [NeedSpec]
    public var techniques: [TechniqueSpec]
    /// Capacity changes for techniques of the shared catalogue, by technique id.
    public var capacities: [KeyedAmount]
    public var note: String?

    public init(council: String, sequence: Int = 0, member: String, time: Double = 0,
                needs: [NeedSpec] = [], techniques: [TechniqueSpec] = [], capacities: [KeyedAmount] = [],
                note: String? = nil) {
        self.council = council; self.sequence = sequence; self.member = member; self.time = time
        self.needs = needs; self.techniques = techniques; self.capacities = capacities; self.note = note
    }

    /// A stable identifier: council and sequence.
    public var id: String { "\(council)#\(sequence)" }

    /// Canonical bytes for hashing: the same content always gives the same bytes.
    public var canonicalText: String {
        var c = CanonicalWriter()
        c.field("council", council); c.field("sequence", sequence); c.field("member", member); c.field("time", time)
        for n in needs { c.field("need", "\(n.product)|\(Canonical.number(n.amount))|\(n.guaranteed)") }
        for t in techniques { c.field("technique", Canonical.technique(t)) }
        for k in capacities { c.field("capacity", "\(k.key)|\(Canonical.number(k.amount))") }
        if let note { c.field("note", note) }
        return c.text
    }

    public var hash: String { SHA256.hex(canonicalText) }

    /// Checks the content against the council's kind; every problem names its field.
    public func check(kind: CouncilKind) -> [DemocracyError] {
        var errors: [DemocracyError] = []
        if !needs.isEmpty && !kind.submitsNeeds {
            errors.append(DemocracyError(.forbidden, field: "needs", "a \(kind.rawValue) council does not submit needs"))
        }
        if (!techniques.isEmpty || !capacities.isEmpty) && !kind.submitsProduction {
            errors.append(DemocracyError(.forbidden, field: "techniques", "a \(kind.rawValue) council does not submit techniques or capacities"))
        }
        for (i, n) in needs.enumerated() {
            if n.product.isEmpty { errors.append(DemocracyError(.invalid, field: "needs[\(i)].product", "expected a product id")) }
            if !(n.amount.isFinite && n.amount >= 0) {
                errors.append(DemocracyError(.invalid, field: "needs[\(i)].amount", "expected a finite amount ≥ 0, got \(n.amount)"))
            }
        }
        var seen = Set<String>()
        for (i, t) in techniques.enumerated() {
            if t.id.isEmpty { errors.append(DemocracyError(.invalid, field: "techniques[\(i)].id", "expected a technique id")) }
            if !seen.insert(t.id).inserted { errors.append(DemocracyError(.conflict, field: "techniques[\(i)].id", "technique '\(t.id)' appears twice")) }
            if t.outputs.isEmpty { errors.append(DemocracyError(.invalid, field: "techniques[\(i)].outputs", "a technique needs at least one output")) }
            for (part, list) in [("outputs", t.outputs), ("inputs", t.inputs), ("resources", t.resources)] {
                for k in list where !(k.amount.isFinite && k.amount >= 0) {
                    errors.append(DemocracyError(.invalid, field: "techniques[\(i)].\(part).\(k.key)", "expected a finite amount ≥ 0, got \(k.amount)"))
                }
            }
            if let cap = t.capacity, !(cap.isFinite && cap >= 0) {
                errors.append(DemocracyError(.invalid, field: "techniques[\(i)].capacity", "expected a finite capacity ≥ 0"))
            }
        }
        for (i, k) in capacities.enumerated() where !(k.amount.isFinite && k.amount >= 0) {
            errors.append(DemocracyError(.invalid, field: "capacities[\(i)].\(k.key)", "expected a finite capacity ≥ 0, got \(k.amount)"))
        }
        return errors
    }
}

/// All submissions, per council in order; the last one is current.
public struct SubmissionLedger: Sendable {
    public private(set) var history: [String: [Submission]] = [:]
    public init() {}

    /// Accepts a submission as the council's newest; returns it with its sequence number set.
    @discardableResult
    public mutating func append(_ s: Submission) -> Submission {
        var s = s
        s.sequence = (history[s.council]?.last?.sequence ?? 0) + 1
        history[s.council, default: []].append(s)
        return s
    }

    /// Restores a stored submission as it was (sequence kept).
    public mutating func restore(_ s: Submission) {
        history[s.council, default: []].append(s)
        history[s.council]!.sort { $0.sequence < $1.sequence }
    }

    public func current(_ council: String) -> Submission? { history[council]?.last }

    /// Current submissions of all councils, ordered by council id (deterministic).
    public var currentAll: [Submission] {
        history.keys.sorted().compactMap { history[$0]?.last }
    }
}
