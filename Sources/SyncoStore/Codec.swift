import SyncoData
import SyncoDemocracy
import SyncoModel

/// Reads a JSON object field by field; every problem names the field's path.
public struct JSONFields {
    public let object: [(key: String, value: JSONValue)]
    public let path: String

    public init(_ v: JSONValue, path: String = "") throws(DemocracyError) {
        guard case .object(let o) = v else {
            throw DemocracyError(.invalid, field: path.isEmpty ? "$" : path, "expected an object, found \(v.typeName)")
        }
        object = o; self.path = path
    }

    public static func parse(_ bytes: [UInt8]) throws(DemocracyError) -> JSONFields {
        do { return try JSONFields(try JSONParser.parse(bytes)) } catch let e as JSONSyntaxError {
            throw DemocracyError(.invalid, field: "$", "malformed JSON at \(e.description)")
        } catch let e as DemocracyError { throw e } catch {
            throw DemocracyError(.invalid, field: "$", "malformed JSON")
        }
    }

    func p(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }
    public subscript(_ k: String) -> JSONValue? { object.first { $0.key == k }?.value }

    /// Rejects keys the schema does not know, so typos do not pass silently.
    public func only(_ keys: Set<String>) throws(DemocracyError) {
        if let bad = object.first(where: { !keys.contains($0.key) }) {
            throw DemocracyError(.invalid, field: p(bad.key), "unknown field; expected one of \(keys.sorted().joined(separator: ", "))")
        }
    }

    public func string(_ k: String) throws(DemocracyError) -> String {
        guard let s = try optionalString(k) else { throw DemocracyError(.invalid, field: p(k), "missing; expected a string") }
        return s
    }
    public func optionalString(_ k: String) throws(DemocracyError) -> String? {
        guard let v = self[k], v != .null else { return nil }
        guard case .string(let s) = v else { throw DemocracyError(.invalid, field: p(k), "expected a string, found \(v.typeName)") }
        guard s.utf8.count <= 10_000 else { throw DemocracyError(.invalid, field: p(k), "longer than 10000 bytes") }
        return s
    }
    public func id(_ k: String) throws(DemocracyError) -> String {
        let s = try string(k)
        guard !s.isEmpty, s.utf8.count <= 128, s.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.value >= 32 }) else {
            throw DemocracyError(.invalid, field: p(k), "expected an id of 1 to 128 characters without spaces")
        }
        return s
    }
    public func number(_ k: String) throws(DemocracyError) -> Double {
        guard let x = try optionalNumber(k) else { throw DemocracyError(.invalid, field: p(k), "missing; expected a number") }
        return x
    }
    public func optionalNumber(_ k: String) throws(DemocracyError) -> Double? {
        guard let v = self[k], v != .null else { return nil }
        guard case .number(let x) = v, x.isFinite else { throw DemocracyError(.invalid, field: p(k), "expected a finite number, found \(v.typeName)") }
        return x
    }
    /// A whole number in `range` (a JSON number without fraction); anything else is refused by name.
    public func integer(_ k: String, in range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(DemocracyError) -> Int {
        let x = try number(k)
        guard x == x.rounded(), let i = Int(exactly: x), range.contains(i) else {
            throw DemocracyError(.invalid, field: p(k), "expected a whole number in \(range.lowerBound)...\(range.upperBound), got \(x)")
        }
        return i
    }

    public func bool(_ k: String) throws(DemocracyError) -> Bool? {
        guard let v = self[k], v != .null else { return nil }
        guard case .bool(let b) = v else { throw DemocracyError(.invalid, field: p(k), "expected true or false, found \(v.typeName)") }
        return b
    }
    public func array(_ k: String, max: Int = 100_000) throws(DemocracyError) -> [JSONValue] {
        guard let v = self[k], v != .null else { return [] }
        guard case .array(let a) = v else { throw DemocracyError(.invalid, field: p(k), "expected an array, found \(v.typeName)") }
        guard a.count <= max else { throw DemocracyError(.invalid, field: p(k), "at most \(max) entries, got \(a.count)") }
        return a
    }
    public func strings(_ k: String) throws(DemocracyError) -> [String] {
        var out: [String] = []
        for (i, v) in try array(k).enumerated() {
            guard case .string(let s) = v else { throw DemocracyError(.invalid, field: "\(p(k))[\(i)]", "expected a string, found \(v.typeName)") }
            out.append(s)
        }
        return out
    }
    public func amounts(_ k: String) throws(DemocracyError) -> [KeyedAmount] {
        guard let v = self[k], v != .null else { return [] }
        let o = try JSONFields(v, path: p(k))
        var out: [KeyedAmount] = []
        for (key, _) in o.object { out.append(KeyedAmount(key, try o.number(key))) }
        return out
    }
    public func object(_ k: String) throws(DemocracyError) -> JSONFields? {
        guard let v = self[k], v != .null else { return nil }
        return try JSONFields(v, path: p(k))
    }
}

/// JSON forms of the democracy domain, shared by the API and the stores.
public enum DemocracyJSON {
    // MARK: councils and members

    public static func council(_ f: JSONFields) throws(DemocracyError) -> Council {
        try f.only(["id", "name", "kind", "parent"])
        let kindName = try f.string("kind")
        guard let kind = CouncilKind(rawValue: kindName) else {
            throw DemocracyError(.invalid, field: "kind", "unknown kind '\(kindName)'; expected one of \(CouncilKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let id = try f.id("id")
        return Council(id: id, name: try f.optionalString("name") ?? id, kind: kind, parent: try f.optionalString("parent"))
    }

    public static func value(_ c: Council) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [("id", .string(c.id)), ("name", .string(c.name)), ("kind", .string(c.kind.rawValue))]
        if let p = c.parent { o.append(("parent", .string(p))) }
        return .object(o)
    }

    public static func member(_ f: JSONFields, council: String) throws(DemocracyError) -> Member {
        try f.only(["id", "name", "role"])
        let roleName = try f.optionalString("role") ?? "member"
        guard let role = MemberRole(rawValue: roleName) else {
            throw DemocracyError(.invalid, field: "role", "unknown role '\(roleName)'; expected one of \(MemberRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let id = try f.id("id")
        return Member(id: id, council: council, name: try f.optionalString("name") ?? id, role: role)
    }

    public static func value(_ m: Member) -> JSONValue {
        .object([("id", .string(m.id)), ("council", .string(m.council)), ("name", .string(m.name)), ("role", .string(m.role.rawValue))])
    }

    // MARK: submissions

    public static func submission(_ f: JSONFields, council: String, member: String, time: Double) throws(DemocracyError) -> Submission {
        try f.only(["needs", "techniques", "capacities", "note"])
        var s = Submission(council: council, member: member, time: time, note: try f.optionalString("note"))
        for (i, v) in try f.array("needs").enumerated() {
            let n = try JSONFields(v, path: "needs[\(i)]")
            try n.only(["product", "amount", "guaranteed"])
            s.needs.append(NeedSpec(product: try n.id("product"), amount: try n.number("amount"), guaranteed: try n.bool("guaranteed") ?? false))
        }
        for (i, v) in try f.array("techniques").enumerated() {
            let t = try JSONFields(v, path: "techniques[\(i)]")
            try t.only(["id", "name", "outputs", "inputs", "resources", "capacity"])
            s.techniques.append(TechniqueSpec(id: try t.id("id"), name: try t.optionalString("name"),
                                              outputs: try t.amounts("outputs"), inputs: try t.amounts("inputs"),
                                              resources: try t.amounts("resources"), capacity: try t.optionalNumber("capacity")))
        }
        s.capacities = try f.amounts("capacities")
        return s
    }

    public static func value(_ s: Submission) -> JSONValue {
        func amounts(_ a: [KeyedAmount]) -> JSONValue { .object(a.map { ($0.key, .number($0.amount)) }) }
        var o: [(key: String, value: JSONValue)] = [
            ("council", .string(s.council)), ("sequence", .number(Double(s.sequence))), ("member", .string(s.member)),
            ("time", .number(s.time)),
            ("needs", .array(s.needs.map { .object([("product", .string($0.product)), ("amount", .number($0.amount)), ("guaranteed", .bool($0.guaranteed))]) })),
            ("techniques", .array(s.techniques.map { t in
                var to: [(key: String, value: JSONValue)] = [("id", .string(t.id))]
                if let n = t.name { to.append(("name", .string(n))) }
                to.append(("outputs", amounts(t.outputs)))
                to.append(("inputs", amounts(t.inputs)))
                to.append(("resources", amounts(t.resources)))
                if let c = t.capacity { to.append(("capacity", .number(c))) }
                return .object(to)
            })),
            ("capacities", amounts(s.capacities)),
        ]
        if let n = s.note { o.append(("note", .string(n))) }
        o.append(("hash", .string(s.hash)))
        return .object(o)
    }

    /// Reads a stored submission (the `value(_:)` form) back.
    public static func storedSubmission(_ v: JSONValue) throws(DemocracyError) -> Submission {
        let f = try JSONFields(v)
        var s = try submission(try JSONFields(.object(f.object.filter { ["needs", "techniques", "capacities", "note"].contains($0.key) })),
                               council: try f.string("council"), member: try f.string("member"), time: try f.number("time"))
        s.sequence = try f.integer("sequence", in: 0...Int(Int32.max))
        return s
    }

    // MARK: decisions, ballots, tallies

    public static func decision(_ f: JSONFields) throws(DemocracyError) -> Decision {
        try f.only(["id", "council", "title", "method", "options", "grades", "lower", "upper", "effect", "open"])
        let m = try f.string("method")
        guard let method = DecisionMethod(rawValue: m) else {
            throw DemocracyError(.invalid, field: "method", "unknown method '\(m)'; expected one of \(DecisionMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var effect = DecisionEffect.none
        if let e = try f.object("effect") {
            try e.only(["kind", "resource", "count", "total"])
            switch try e.string("kind") {
            case "none": effect = .none
            case "resource_limit": effect = .resourceLimit(resource: try e.id("resource"))
            case "guarantee_needs": effect = .guaranteeNeeds(count: try e.integer("count", in: 1...1000))
            case "need_amounts": effect = .needAmounts(total: try e.number("total"))
            case let k: throw DemocracyError(.invalid, field: "effect.kind", "unknown effect '\(k)'; expected none, resource_limit, guarantee_needs or need_amounts")
            }
        }
        let grades = try f.strings("grades")
        let d = Decision(id: try f.id("id"), council: try f.id("council"), title: try f.string("title"), method: method,
                         options: try f.strings("options"),
                         grades: method == .graded && grades.isEmpty ? Decision.defaultGrades : grades,
                         lower: try f.optionalNumber("lower") ?? -.infinity, upper: try f.optionalNumber("upper") ?? .infinity,
                         effect: effect, open: try f.bool("open") ?? true)
        if let e = d.check().first { throw e }
        return d
    }

    public static func value(_ d: Decision) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [
            ("id", .string(d.id)), ("council", .string(d.council)), ("title", .string(d.title)),
            ("method", .string(d.method.rawValue)), ("options", .array(d.options.map { .string($0) })),
        ]
        if d.method == .graded { o.append(("grades", .array(d.grades.map { .string($0) }))) }
        if d.lower.isFinite { o.append(("lower", .number(d.lower))) }
        if d.upper.isFinite { o.append(("upper", .number(d.upper))) }
        switch d.effect {
        case .none: o.append(("effect", .object([("kind", .string("none"))])))
        case .resourceLimit(let r): o.append(("effect", .object([("kind", .string("resource_limit")), ("resource", .string(r))])))
        case .guaranteeNeeds(let k): o.append(("effect", .object([("kind", .string("guarantee_needs")), ("count", .number(Double(k)))])))
        case .needAmounts(let t): o.append(("effect", .object([("kind", .string("need_amounts")), ("total", .number(t))])))
        }
        o.append(("open", .bool(d.open)))
        return .object(o)
    }

    public static func ballot(_ f: JSONFields) throws(DemocracyError) -> Ballot {
        try f.only(["ranking", "grades", "approvals", "number", "shares"])
        var b = Ballot()
        for (i, v) in try f.array("ranking", max: 1000).enumerated() {
            switch v {
            case .string(let s): b.ranking.append([s])
            case .array(let a):
                var level: [String] = []
                for (k, x) in a.enumerated() {
                    guard case .string(let s) = x else { throw DemocracyError(.invalid, field: "ranking[\(i)][\(k)]", "expected an option id") }
                    level.append(s)
                }
                b.ranking.append(level)
            default: throw DemocracyError(.invalid, field: "ranking[\(i)]", "expected an option id or an array of equally ranked ids")
            }
        }
        if let g = try f.object("grades") {
            for (k, _) in g.object { b.grades[k] = try g.string(k) }
        }
        b.approvals = try f.strings("approvals")
        b.number = try f.optionalNumber("number")
        if let s = try f.object("shares") {
            for (k, _) in s.object { b.shares[k] = try s.number(k) }
        }
        return b
    }

    public static func value(_ b: Ballot) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = []
        if !b.ranking.isEmpty { o.append(("ranking", .array(b.ranking.map { .array($0.map { .string($0) }) }))) }
        if !b.grades.isEmpty { o.append(("grades", .object(b.grades.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        if !b.approvals.isEmpty { o.append(("approvals", .array(b.approvals.map { .string($0) }))) }
        if let x = b.number { o.append(("number", .number(x))) }
        if !b.shares.isEmpty { o.append(("shares", .object(b.shares.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) }))) }
        return .object(o)
    }

    public static func value(_ t: Tally) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [
            ("decision", .string(t.decision)), ("method", .string(t.method.rawValue)), ("ballots", .number(Double(t.ballots))),
            ("winners", .array(t.winners.map { .string($0) })),
            ("order", .array(t.order.map { .string($0) })), ("ranks", .array(t.ranks.map { .number(Double($0)) })),
        ]
        if !t.scores.isEmpty { o.append(("scores", .array(t.scores.map { .string($0) }))) }
        if t.method == .number { o.append(("number", t.number.map { .number($0) } ?? .null)) }
        if t.method == .shares { o.append(("shares", .object(t.order.map { ($0, .number(t.shares[$0] ?? 0)) }))) }
        if !t.pairwise.isEmpty { o.append(("pairwise", .array(t.pairwise.map { .number(Double($0)) }))) }
        return .object(o)
    }

    public static func string(_ v: JSONValue) -> String { JSONWriter(pretty: false).string(v) }
}
