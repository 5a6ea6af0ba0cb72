/// How a decision's ballots look and are aggregated.
public enum DecisionMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// Rank options; Schulze.
    case ranked
    /// Grade options on a named scale; majority judgment.
    case graded
    /// Approve any subset of options; approval.
    case approval
    /// Propose a number in [lower, upper]; median.
    case number
    /// Propose shares of a total among the options; Independent Markets.
    case shares
}

/// What a closed decision changes in the economy.
public enum DecisionEffect: Sendable, Hashable {
    /// none: advisory only.
    case none
    /// The decided number becomes the limit of this resource (e.g. CO2 in t).
    case resourceLimit(resource: String)
    /// Options are product ids; the winning options' needs become guaranteed (ranked: the top
    /// `count` by Schulze order; approval: the top `count`; graded: the top `count`).
    case guaranteeNeeds(count: Int)
    /// Options are product ids; option j's share of `total` becomes the need for product j.
    case needAmounts(total: Double)
}

public struct Decision: Sendable, Hashable {
    public var id: String
    /// The council whose members vote (members of councils below it vote too).
    public var council: String
    public var title: String
    public var method: DecisionMethod
    public var options: [String]
    /// Grade names worst → best (graded only), e.g. ["reject","poor","acceptable","good","very good","excellent"].
    public var grades: [String]
    /// Range for numbers.
    public var lower: Double
    public var upper: Double
    public var effect: DecisionEffect
    public var open: Bool

    public init(id: String, council: String, title: String, method: DecisionMethod, options: [String] = [],
                grades: [String] = [], lower: Double = -.infinity, upper: Double = .infinity,
                effect: DecisionEffect = .none, open: Bool = true) {
        self.id = id; self.council = council; self.title = title; self.method = method; self.options = options
        self.grades = grades; self.lower = lower; self.upper = upper; self.effect = effect; self.open = open
    }

    public static let defaultGrades = ["reject", "poor", "acceptable", "good", "very good", "excellent"]

    /// Checks the decision's own definition.
    public func check() -> [DemocracyError] {
        var e: [DemocracyError] = []
        if id.isEmpty { e.append(DemocracyError(.invalid, field: "id", "expected a decision id")) }
        if title.isEmpty { e.append(DemocracyError(.invalid, field: "title", "expected a title")) }
        switch method {
        case .ranked, .approval, .graded, .shares:
            if options.count < 2 { e.append(DemocracyError(.invalid, field: "options", "expected at least 2 options, got \(options.count)")) }
            if Set(options).count != options.count { e.append(DemocracyError(.conflict, field: "options", "options must be distinct")) }
            if options.count > 1000 { e.append(DemocracyError(.invalid, field: "options", "at most 1000 options")) }
        case .number:
            if !(lower <= upper) { e.append(DemocracyError(.invalid, field: "lower", "lower must not exceed upper")) }
        }
        if method == .graded && grades.count < 2 { e.append(DemocracyError(.invalid, field: "grades", "expected at least 2 grade names")) }
        switch effect {
        case .resourceLimit where method != .number:
            e.append(DemocracyError(.invalid, field: "effect", "a resource limit needs a number decision"))
        case .needAmounts(let total):
            if method != .shares { e.append(DemocracyError(.invalid, field: "effect", "need amounts need a shares decision")) }
            if !(total.isFinite && total >= 0) { e.append(DemocracyError(.invalid, field: "effect.total", "expected a finite total ≥ 0")) }
        case .guaranteeNeeds(let k):
            if method == .number || method == .shares { e.append(DemocracyError(.invalid, field: "effect", "guaranteed needs come from ranked, graded or approval decisions")) }
            if k < 1 { e.append(DemocracyError(.invalid, field: "effect.count", "expected a count ≥ 1")) }
        default: break
        }
        return e
    }

    /// Canonical text for provenance hashes.
    public var canonicalText: String {
        var c = CanonicalWriter()
        c.field("id", id); c.field("council", council); c.field("title", title); c.field("method", method.rawValue)
        for o in options { c.field("option", o) }
        for g in grades { c.field("grade", g) }
        c.field("lower", lower); c.field("upper", upper)
        switch effect {
        case .none: c.field("effect", "none")
        case .resourceLimit(let r): c.field("effect", "resource-limit|\(r)")
        case .guaranteeNeeds(let k): c.field("effect", "guarantee-needs|\(k)")
        case .needAmounts(let t): c.field("effect", "need-amounts|\(Canonical.number(t))")
        }
        return c.text
    }
}

/// One member's ballot. Which fields count depends on the method.
public struct Ballot: Sendable, Hashable {
    /// ranked: option ids best first; an inner array holds options ranked equal.
    public var ranking: [[String]]
    /// graded: option id → grade name.
    public var grades: [String: String]
    /// approval: approved option ids.
    public var approvals: [String]
    /// number
    public var number: Double?
    /// shares: option id → share (normalised to sum 1).
    public var shares: [String: Double]

    public init(ranking: [[String]] = [], grades: [String: String] = [:], approvals: [String] = [],
                number: Double? = nil, shares: [String: Double] = [:]) {
        self.ranking = ranking; self.grades = grades; self.approvals = approvals; self.number = number; self.shares = shares
    }

    /// Checks the ballot against the decision; every problem names its field.
    public func check(for d: Decision) -> [DemocracyError] {
        var e: [DemocracyError] = []
        let known = Set(d.options)
        switch d.method {
        case .ranked:
            var seen = Set<String>()
            for (i, level) in ranking.enumerated() {
                for (k, o) in level.enumerated() {
                    if !known.contains(o) { e.append(DemocracyError(.invalid, field: "ranking[\(i)][\(k)]", "'\(o)' is not an option of \(d.id)")) }
                    if !seen.insert(o).inserted { e.append(DemocracyError(.conflict, field: "ranking[\(i)][\(k)]", "'\(o)' is ranked twice")) }
                }
            }
        case .graded:
            for (o, g) in grades.sorted(by: { $0.key < $1.key }) {
                if !known.contains(o) { e.append(DemocracyError(.invalid, field: "grades.\(o)", "'\(o)' is not an option of \(d.id)")) }
                if !d.grades.contains(g) { e.append(DemocracyError(.invalid, field: "grades.\(o)", "expected one of \(d.grades.joined(separator: ", ")), got '\(g)'")) }
            }
        case .approval:
            for (i, o) in approvals.enumerated() where !known.contains(o) {
                e.append(DemocracyError(.invalid, field: "approvals[\(i)]", "'\(o)' is not an option of \(d.id)"))
            }
        case .number:
            if let x = number {
                if !x.isFinite || x < d.lower || x > d.upper {
                    e.append(DemocracyError(.invalid, field: "number", "expected a number in [\(Canonical.number(d.lower)), \(Canonical.number(d.upper))], got \(x)"))
                }
            }
        case .shares:
            for (o, x) in shares.sorted(by: { $0.key < $1.key }) {
                if !known.contains(o) { e.append(DemocracyError(.invalid, field: "shares.\(o)", "'\(o)' is not an option of \(d.id)")) }
                if !(x.isFinite && x >= 0) { e.append(DemocracyError(.invalid, field: "shares.\(o)", "expected a share ≥ 0, got \(x)")) }
            }
        }
        return e
    }

    public var canonicalText: String {
        var c = CanonicalWriter()
        for level in ranking { c.field("rank", level.joined(separator: ",")) }
        for (o, g) in grades.sorted(by: { $0.key < $1.key }) { c.field("grade", "\(o)|\(g)") }
        for o in approvals.sorted() { c.field("approve", o) }
        if let number { c.field("number", number) }
        for (o, x) in shares.sorted(by: { $0.key < $1.key }) { c.field("share", "\(o)|\(Canonical.number(x))") }
        return c.text
    }
}

/// The outcome of a tally, in option ids.
public struct Tally: Sendable, Hashable {
    public var decision: String
    public var method: DecisionMethod
    public var ballots: Int
    /// Options best first (ranked, graded, approval).
    public var order: [String]
    /// Rank per option in `order` (ties share a rank).
    public var ranks: [Int]
    /// Every option of the top rank; more than one means a tie.
    public var winners: [String]
    /// approval counts, or majority grade names, per option in `order`.
    public var scores: [String]
    /// number: the median (nil without ballots).
    public var number: Double?
    /// shares: option → share of the total.
    public var shares: [String: Double]
    /// ranked: pairwise counts d[a][b] in option order.
    public var pairwise: [Int]

    /// Tallies ballots (one per member, already the member's latest).
    public static func of(_ d: Decision, ballots: [Ballot]) -> Tally {
        let n = d.options.count
        let index = Dictionary(uniqueKeysWithValues: d.options.enumerated().map { ($1, $0) })
        var t = Tally(decision: d.id, method: d.method, ballots: ballots.count, order: [], ranks: [], winners: [],
                      scores: [], number: nil, shares: [:], pairwise: [])
        switch d.method {
        case .ranked:
            var ranks = [Int32](repeating: 0, count: ballots.count * n)
            for (b, ballot) in ballots.enumerated() {
                for (level, group) in ballot.ranking.enumerated() {
                    for o in group { if let i = index[o] { ranks[b * n + i] = Int32(level + 1) } }
                }
            }
            let r = Schulze.tally(ranks: ranks, options: n)
            t.order = r.order.map { d.options[$0] }
            t.ranks = r.order.map { r.rank[$0] }
            t.winners = r.winners.map { d.options[$0] }
            t.pairwise = r.pairwise
            t.scores = r.order.map { i in String((0..<n).filter { $0 != i && r.strongestPaths[i * n + $0] > r.strongestPaths[$0 * n + i] }.count) }
        case .graded:
            let gi = Dictionary(uniqueKeysWithValues: d.grades.enumerated().map { ($1, $0) })
            var rows = [Int32](repeating: -1, count: ballots.count * n)
            for (b, ballot) in ballots.enumerated() {
                for (o, g) in ballot.grades { if let i = index[o], let v = gi[g] { rows[b * n + i] = Int32(v) } }
            }
            let r = MajorityJudgment.tally(grades: rows, options: n, gradeCount: d.grades.count)
            t.order = r.order.map { d.options[$0] }
            t.ranks = r.order.map { r.rank[$0] }
            t.winners = r.winners.map { d.options[$0] }
            t.scores = r.order.map { i in
                guard let m = r.majorityGrade[i] else { return "" }
                return d.grades[m] + (r.gaugeSign[i] > 0 ? "+" : r.gaugeSign[i] < 0 ? "-" : "")
            }
        case .approval:
            let r = Approval.tally(ballots.map { $0.approvals.compactMap { index[$0] } }, options: n)
            t.order = r.order.map { d.options[$0] }
            t.ranks = r.order.map { r.rank[$0] }
            t.winners = r.winners.map { d.options[$0] }
            t.scores = r.order.map { String(r.approvals[$0]) }
        case .number:
            t.number = NumberRule.median(ballots.compactMap(\.number), lower: d.lower, upper: d.upper)
        case .shares:
            let props = ballots.map { b in d.options.map { b.shares[$0] ?? 0 } }
            if let s = IndependentMarkets.divide(props, categories: n) {
                t.shares = Dictionary(uniqueKeysWithValues: zip(d.options, s))
            }
            t.order = d.options.sorted { (t.shares[$0] ?? 0) > (t.shares[$1] ?? 0) }
        }
        if ballots.isEmpty && d.method != .number && d.method != .shares { t.winners = [] }
        return t
    }
}

/// An open decision's ballot box: one ballot per member, replaceable until the decision closes.
public struct BallotBox: Sendable {
    public private(set) var decision: Decision
    public private(set) var ballots: [String: Ballot] = [:]
    public private(set) var closedTally: Tally?

    public init(_ d: Decision) { decision = d }

    /// Records (or replaces) the member's ballot.
    public mutating func cast(member: String, _ b: Ballot) throws(DemocracyError) {
        guard decision.open else { throw DemocracyError(.closed, field: "decision", "decision '\(decision.id)' is closed") }
        if let e = b.check(for: decision).first { throw e }
        ballots[member] = b
    }

    public mutating func close() -> Tally {
        decision.open = false
        let t = tally()
        closedTally = t
        return t
    }

    /// The current tally; ballots in member-id order, so it is deterministic.
    public func tally() -> Tally { Tally.of(decision, ballots: ballots.keys.sorted().map { ballots[$0]! }) }
}
