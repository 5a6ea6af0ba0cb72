#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SyncoModel
import SyncoPlan

/// The plan file (`synco-plan/1`, JSON): what `synco solve --format json` prints and `--out`
/// writes, keyed by ids so a later solve can warm-start from it even after the economy changed.
///
/// Fields: `format`, `economy` (name), `economy_file` (path, when known), `status`, `message`,
/// `fulfilment`, `activities` {technique: level}, `net_output` {product: amount},
/// `resource_use` {resource: {use, limit}}, `valuations` {`numeraire`, `products`, `resources`,
/// `products_in_numeraire`, `resources_in_numeraire`}, `certificate` {`primal_residual`,
/// `dual_residual`, `gap`, `max_bound_violation`, `dual_bound`, `max_row_violation`},
/// `iterations`, `restarts`,
/// `seconds`, and `diagnosis` (infeasible) or `harmony` (harmony mode) where present.
public enum PlanJSON {
    public static let format = "synco-plan/1"

    public static func encode(_ p: Plan, economy e: Economy, economyFile: String?, zeroActivities: Bool = true) -> String {
        var s = "{\n"
        func num(_ d: Double) -> String { JSONWriter.number(d) }
        func q(_ x: String) -> String { JSONWriter.quoted(x) }
        func map(_ ids: [String], _ v: [Double], skipZero: Bool = false) -> String {
            var out = "{"
            var first = true
            out.reserveCapacity(ids.count * 24)
            // Appended piece by piece (a plan of 10^6 products has five million entries).
            for k in ids.indices where !(skipZero && v[k] == 0) {
                if !first { out += ", " }
                JSONWriter.appendQuoted(ids[k], to: &out)
                out += ": "
                out += num(v[k])
                first = false
            }
            return out + "}"
        }
        let pids = e.products.map(\.id), rids = e.resources.map(\.id)
        s += "  \"format\": \(q(format)),\n  \"economy\": \(q(e.name)),\n"
        if let f = economyFile { s += "  \"economy_file\": \(q(f)),\n" }
        s += "  \"status\": \(q(p.status.rawValue)),\n  \"message\": \(q(p.message)),\n"
        s += "  \"fulfilment\": \(p.fulfilment.isFinite ? num(p.fulfilment) : "null"),\n"
        s += "  \"iterations\": \(p.iterations),\n  \"restarts\": \(p.restarts),\n  \"seconds\": \(p.seconds),\n"
        s += "  \"certificate\": {\"primal_residual\": \(num(p.certificate.primalResidual)), \"dual_residual\": \(num(p.certificate.dualResidual)), \"gap\": \(num(p.certificate.gap)), \"max_bound_violation\": \(num(p.certificate.maxBoundViolation)), \"dual_bound\": \(num(p.certificate.dualBound)), \"max_row_violation\": \(num(p.certificate.maxRowViolation))},\n"
        s += "  \"resource_use\": {" + e.resources.indices.map { k in
            "\(q(rids[k])): {\"use\": \(num(p.resourceUse[k])), \"limit\": \(e.resources[k].limit.map(num) ?? "null")}"
        }.joined(separator: ", ") + "},\n"
        s += "  \"valuations\": {\n    \"numeraire\": \(p.numeraire.map { q(rids[$0]) } ?? "null"),\n"
        s += "    \"resources\": \(map(rids, p.resourceValuation)),\n"
        if let r = p.resourceValuationInNumeraire { s += "    \"resources_in_numeraire\": \(map(rids, r)),\n" }
        if let v = p.productValuationInNumeraire { s += "    \"products_in_numeraire\": \(map(pids, v)),\n" }
        s += "    \"products\": \(map(pids, p.productValuation))\n  },\n"
        if let d = p.diagnosis {
            s += "  \"diagnosis\": {\"minimum_relative_shortfall\": \(num(d.minimumRelativeShortfall)), \"proof_bound\": \(num(d.proofBound)),\n"
            s += "    \"needs\": [" + d.needs.map { "{\"product\": \(q(pids[$0.product])), \"guaranteed\": \(num($0.guaranteed)), \"shortfall\": \(num($0.shortfall)), \"weight\": \(num($0.weight))}" }.joined(separator: ", ") + "],\n"
            s += "    \"limits\": [" + d.limits.map { "{\"resource\": \(q(rids[$0.resource])), \"limit\": \(num($0.limit)), \"use\": \(num($0.use)), \"weight\": \(num($0.weight))}" }.joined(separator: ", ") + "],\n"
            s += "    \"capacities\": [" + d.capacities.map { "{\"technique\": \(q(e.techniques.ids[$0.technique])), \"capacity\": \(num($0.capacity)), \"weight\": \(num($0.weight))}" }.joined(separator: ", ") + "]},\n"
        }
        if let h = p.harmony {
            s += "  \"harmony\": {\"value\": \(num(h.harmony)), \"targets\": \(h.targets), \"missed\": \(h.missed), \"targets_first\": \(h.targetsFirst != nil)},\n"
        }
        s += "  \"net_output\": \(map(pids, p.netOutput)),\n"
        s += "  \"activities\": \(map(e.techniques.ids, p.activities, skipZero: !zeroActivities))\n}\n"
        return s
    }

    public struct Decoded: Sendable {
        public var status: String
        public var economyFile: String?
        public var fulfilment: Double?
        public var activities: [String: Double]
        public var productValuation: [String: Double]
        public var resourceValuation: [String: Double]
    }

    public static func decode(_ bytes: [UInt8], source: String) throws(ValidationReport) -> Decoded {
        let v: JSONValue
        do { v = try JSONParser.parse(bytes) } catch {
            throw ValidationReport(issues: [ValidationIssue("json-syntax", at: "line \(error.line), column \(error.column)", error.message)], source: source)
        }
        var issues: [ValidationIssue] = []
        func numbers(_ x: JSONValue?, _ path: String) -> [String: Double] {
            guard let x else { return [:] }
            guard case .object(let o) = x else { issues.append(.init("type", at: path, "expected an object of numbers")); return [:] }
            var d = [String: Double](minimumCapacity: o.count)
            for (k, val) in o {
                if case .number(let n) = val { d[k] = n } else { issues.append(.init("type", at: "\(path).\(k)", "expected a number, found \(val.typeName)")) }
            }
            return d
        }
        guard case .string(let f)? = v["format"], f == format else {
            throw ValidationReport(issues: [.init("unsupported-format", at: "format", "expected '\(format)'")], source: source)
        }
        var status = ""
        if case .string(let s)? = v["status"] { status = s } else { issues.append(.init("missing", at: "status", "expected a string")) }
        var file: String? = nil
        if case .string(let s)? = v["economy_file"] { file = s }
        var lambda: Double? = nil
        if case .number(let d)? = v["fulfilment"] { lambda = d }
        let act = numbers(v["activities"], "activities")
        let pv = numbers(v["valuations"]?["products"], "valuations.products")
        let rv = numbers(v["valuations"]?["resources"], "valuations.resources")
        if !issues.isEmpty { throw ValidationReport(issues: issues, source: source) }
        return Decoded(status: status, economyFile: file, fulfilment: lambda, activities: act, productValuation: pv, resourceValuation: rv)
    }

    /// A warm start for `e` read straight from a plan file's bytes: its status, λ, activities
    /// and valuations, matched by id (missing ids start at 0; ids `e` lacks are ignored), every
    /// other member skipped. A plan written for `e` lists the ids in `e`'s order, so each key is
    /// compared in place with the id expected next, and a table of ids is built only when one
    /// differs. Where both accept a document, the same result as `warmStart(decode(…), for:)`,
    /// without building the document (a plan of 10^6 products: 100 MB, five million members).
    /// It is stricter on types: a `fulfilment` that is neither a number nor null, `valuations`
    /// that is not an object, or an `activities` or valuations member that is not an object of
    /// numbers is an error with its place, where `decode` ignores the first two.
    /// With `member`, the plan is that member of the top-level object (the server stores a plan
    /// inside a document with its id and provenance).
    public static func warmStart(_ bytes: [UInt8], source: String, for e: Economy, member: String? = nil) throws(ValidationReport) -> Plan {
        var s = JSONStream(bytes)
        var issues: [ValidationIssue] = []
        var declared: String? = nil, status: String? = nil, lambda: Double? = nil
        var activities = [Double](repeating: 0, count: e.techniqueCount)
        var products = [Double](repeating: 0, count: e.productCount)
        var resources = [Double](repeating: 0, count: e.resourceCount)
        func read(_ target: inout [Double], ids: [String], path: String) throws(JSONSyntaxError) {
            var match = IdMatcher(ids: ids)
            try s.numberMembers { key, number, found in
                guard let number else {
                    issues.append(.init("type", at: "\(path).\(String(decoding: key, as: UTF8.self))", "expected a number, found \(found)"))
                    return
                }
                if let k = match.index(key) { target[k] = number }
            }
        }
        // A member given twice is read the first time only, as the document reader does.
        var seen = Set<String>(), seenValuations = Set<String>()
        func readPlan() throws(JSONSyntaxError) {
            guard s.openObject() else { throw s.error("expected a plan object") }
            while let key = try s.nextKey() {
                guard seen.insert(key).inserted else {
                    try s.skip()
                    continue
                }
                switch key {
                case "format":
                    if case .string(let f) = try s.value() { declared = f }
                case "status":
                    if case .string(let x) = try s.value() { status = x } else { issues.append(.init("type", at: "status", "expected a string")); status = "" }
                case "fulfilment":
                    switch try s.value() {
                    case .number(let d): lambda = d
                    case .null: break
                    case let v: issues.append(.init("type", at: "fulfilment", "expected a number or null, found \(v.typeName)"))
                    }
                case "activities":
                    try read(&activities, ids: e.techniques.ids, path: "activities")
                case "valuations":
                    guard s.openObject() else {
                        issues.append(.init("type", at: "valuations", "expected an object, found \(try s.value().typeName)"))
                        continue
                    }
                    while let k = try s.nextKey() {
                        guard seenValuations.insert(k).inserted else {
                            try s.skip()
                            continue
                        }
                        switch k {
                        case "products": try read(&products, ids: e.products.map(\.id), path: "valuations.products")
                        case "resources": try read(&resources, ids: e.resources.map(\.id), path: "valuations.resources")
                        default: try s.skip()
                        }
                    }
                default:
                    try s.skip()
                }
            }
        }
        var found = member == nil
        do throws(JSONSyntaxError) {
            if let member {
                guard s.openObject() else { throw s.error("expected an object with a member \"\(member)\"") }
                while let key = try s.nextKey() {
                    if key == member && !found {
                        found = true
                        try readPlan()
                    } else {
                        try s.skip()
                    }
                }
            } else {
                try readPlan()
            }
            try s.end()
        } catch {
            throw ValidationReport(issues: [ValidationIssue("json-syntax", at: "line \(error.line), column \(error.column)", error.message)], source: source)
        }
        guard found else { throw ValidationReport(issues: [.init("missing", at: member ?? "", "expected a plan")], source: source) }
        guard declared == format else {
            throw ValidationReport(issues: [.init("unsupported-format", at: "format", "expected '\(format)'")], source: source)
        }
        if status == nil { issues.append(.init("missing", at: "status", "expected a string")) }
        if !issues.isEmpty { throw ValidationReport(issues: issues, source: source) }
        return Plan.warmStart(activities: activities, fulfilment: lambda ?? 0, productValuation: products, resourceValuation: resources,
                              status: Plan.Status(rawValue: status ?? "") ?? .stopped)
    }

    /// Finds keys among ids, expecting them in the ids' order.
    struct IdMatcher {
        let ids: [String]
        var next = 0
        var table: [String: Int]? = nil

        mutating func index(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
            if next < ids.count, Self.same(ids[next], key) {
                next += 1
                return next - 1
            }
            if table == nil {
                var t = [String: Int](minimumCapacity: ids.count)
                for (k, id) in ids.enumerated() where t[id] == nil { t[id] = k }
                table = t
            }
            guard let k = table![String(decoding: key, as: UTF8.self)] else { return nil }
            next = k + 1
            return k
        }

        static func same(_ id: String, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
            if let r = id.utf8.withContiguousStorageIfAvailable({ u in
                u.count == key.count && (u.count == 0 || memcmp(u.baseAddress!, key.baseAddress!, u.count) == 0)
            }) { return r }
            return id.utf8.elementsEqual(key)
        }
    }

    /// A warm start for `economy` from a decoded plan, matched by ids (missing ids start at 0).
    public static func warmStart(_ d: Decoded, for e: Economy) -> Plan {
        Plan.warmStart(activities: e.techniques.ids.map { d.activities[$0] ?? 0 }, fulfilment: d.fulfilment ?? 0,
                       productValuation: e.products.map { d.productValuation[$0.id] ?? 0 },
                       resourceValuation: e.resources.map { d.resourceValuation[$0.id] ?? 0 },
                       status: Plan.Status(rawValue: d.status) ?? .stopped)
    }
}
