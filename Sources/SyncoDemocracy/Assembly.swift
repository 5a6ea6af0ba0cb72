import SyncoModel

/// Where an assembled economy (and a plan made from it) came from.
public struct Provenance: Sendable, Hashable {
    public struct Source: Sendable, Hashable {
        public var kind: String      // "base", "submission", "decision"
        public var id: String
        public var hash: String
    }
    public var sources: [Source]
    /// SHA-256 over the sources' kinds, ids and hashes, in order.
    public var hash: String {
        var c = CanonicalWriter()
        for s in sources { c.field(s.kind, "\(s.id)|\(s.hash)") }
        return SHA256.hex(c.text)
    }
}

/// A closed decision with its outcome, as assembly needs it.
public struct DecidedEffect: Sendable, Hashable {
    public var decision: Decision
    public var tally: Tally
    public init(decision: Decision, tally: Tally) { self.decision = decision; self.tally = tally }
}

/// Builds the economy document from a base catalogue, the councils' current submissions and the
/// closed decisions — deterministically: councils in id order, decisions in id order.
///
/// - Needs: per product, guaranteed amounts add up into one guaranteed need, the rest into one
///   ordinary need. Base needs come first.
/// - Techniques: a workplace's techniques are added under their own ids (an id that clashes with
///   another council's or the base's is an error naming both). Capacity changes replace the
///   capacity of a technique of the base.
/// - Decisions: a decided number sets a resource's limit; `guaranteeNeeds` makes the winners'
///   needs guaranteed; `needAmounts` sets each option product's need to its share of the total.
public enum EconomyAssembler {
    public struct Result: Sendable {
        public var document: EconomyDocument
        public var provenance: Provenance
        /// Things that were applied with a caveat (e.g. a decision without ballots).
        public var notes: [String]
    }

    public static func assemble(base: EconomyDocument, baseHash: String, submissions: [Submission],
                                decisions: [DecidedEffect]) throws(DemocracyError) -> Result {
        var doc = base
        var notes: [String] = []
        var sources = [Provenance.Source(kind: "base", id: base.name ?? "base", hash: baseHash)]
        let subs = submissions.sorted { ($0.council, $0.sequence) < ($1.council, $1.sequence) }
        let products = Set(base.products.map(\.id))
        let resources = Set(base.resources.map(\.id))

        var guaranteed: [String: Double] = [:], ordinary: [String: Double] = [:]
        var productOrder: [String] = []
        func addNeed(_ n: NeedSpec) {
            if guaranteed[n.product] == nil && ordinary[n.product] == nil { productOrder.append(n.product) }
            if n.guaranteed { guaranteed[n.product, default: 0] += n.amount; ordinary[n.product, default: 0] += 0 }
            else { ordinary[n.product, default: 0] += n.amount; guaranteed[n.product, default: 0] += 0 }
        }
        for n in base.needs { addNeed(n) }

        var techniqueOwner: [String: String] = [:]
        var techniqueIndex: [String: Int] = [:]
        for (i, t) in doc.techniques.enumerated() { techniqueOwner[t.id] = "the base"; techniqueIndex[t.id] = i }

        for s in subs {
            sources.append(.init(kind: "submission", id: s.id, hash: s.hash))
            for (i, n) in s.needs.enumerated() {
                guard products.contains(n.product) else {
                    throw DemocracyError(.notFound, field: "submissions[\(s.id)].needs[\(i)].product", "unknown product '\(n.product)'")
                }
                addNeed(n)
            }
            for (i, t) in s.techniques.enumerated() {
                if let owner = techniqueOwner[t.id] {
                    throw DemocracyError(.conflict, field: "submissions[\(s.id)].techniques[\(i)].id",
                                         "technique '\(t.id)' is also defined by \(owner)")
                }
                techniqueOwner[t.id] = "council \(s.council)"
                techniqueIndex[t.id] = doc.techniques.count
                doc.techniques.append(t)
            }
            for (i, c) in s.capacities.enumerated() {
                guard let k = techniqueIndex[c.key] else {
                    throw DemocracyError(.notFound, field: "submissions[\(s.id)].capacities[\(i)]", "unknown technique '\(c.key)'")
                }
                doc.techniques[k].capacity = c.amount
            }
        }

        for d in decisions.sorted(by: { $0.decision.id < $1.decision.id }) {
            sources.append(.init(kind: "decision", id: d.decision.id,
                                 hash: SHA256.hex(d.decision.canonicalText + "tally=" + d.tally.order.joined(separator: ",")
                                                  + "|" + (d.tally.number.map(Canonical.number) ?? "")
                                                  + "|" + d.tally.shares.sorted { $0.key < $1.key }.map { "\($0.key):\(Canonical.number($0.value))" }.joined(separator: ","))))
            switch d.decision.effect {
            case .none: break
            case .resourceLimit(let r):
                guard resources.contains(r), let k = doc.resources.firstIndex(where: { $0.id == r }) else {
                    throw DemocracyError(.notFound, field: "decisions[\(d.decision.id)].effect", "unknown resource '\(r)'")
                }
                if let x = d.tally.number { doc.resources[k].limit = x }
                else { notes.append("decision \(d.decision.id): no proposals, limit of \(r) left unchanged") }
            case .guaranteeNeeds(let count):
                let top = d.tally.winners.isEmpty ? [] : Array(d.tally.order.prefix(count))
                if top.isEmpty { notes.append("decision \(d.decision.id): no ballots, no need made guaranteed") }
                for p in top {
                    guard products.contains(p) else {
                        throw DemocracyError(.notFound, field: "decisions[\(d.decision.id)].options", "option '\(p)' is not a product")
                    }
                    let o = ordinary[p] ?? 0
                    if o > 0 { guaranteed[p, default: 0] += o; ordinary[p] = 0 }
                    else if guaranteed[p] == nil { notes.append("decision \(d.decision.id): '\(p)' has no need to guarantee") }
                }
            case .needAmounts(let total):
                if d.tally.shares.isEmpty { notes.append("decision \(d.decision.id): no proposals, needs left unchanged") }
                for (p, share) in d.tally.shares.sorted(by: { $0.key < $1.key }) {
                    guard products.contains(p) else {
                        throw DemocracyError(.notFound, field: "decisions[\(d.decision.id)].options", "option '\(p)' is not a product")
                    }
                    if guaranteed[p] == nil && ordinary[p] == nil { productOrder.append(p) }
                    let wasGuaranteed = (guaranteed[p] ?? 0) > 0
                    guaranteed[p] = wasGuaranteed ? share * total : 0
                    ordinary[p] = wasGuaranteed ? 0 : share * total
                }
            }
        }

        doc.needs = []
        for p in productOrder {
            if let g = guaranteed[p], g > 0 { doc.needs.append(NeedSpec(product: p, amount: g, guaranteed: true)) }
            if let o = ordinary[p], o > 0 { doc.needs.append(NeedSpec(product: p, amount: o, guaranteed: false)) }
        }
        return Result(document: doc, provenance: Provenance(sources: sources), notes: notes)
    }
}
