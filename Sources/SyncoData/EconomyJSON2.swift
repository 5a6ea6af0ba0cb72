import SyncoModel

/// Reads and writes the economy document v2 (`synco-economy/2`, several periods) as JSON; reads
/// v1 documents too, as one-period v2 documents (v2-only fields in a v1 document are ignored,
/// as v1 ignores fields beyond its format).
///
/// Per-period fields (`limit`, `capacity`, need `amount`) are a number or an array of length
/// `periods`. Every problem is reported with its JSON path (`resources[1].limit[3]`).
public enum EconomyJSON2 {
    /// Parses a v1 or v2 document; throws a report naming the JSON path of every problem.
    public static func decode(_ bytes: [UInt8], source: String? = nil) throws(ValidationReport) -> MultiPeriodDocument {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw ValidationReport(issues: [ValidationIssue("json-syntax", at: "line \(error.line), column \(error.column)", error.message)], source: source)
        }
        let (doc, issues) = document(root)
        if issues.contains(where: { $0.severity == .error }) { throw ValidationReport(issues: issues, source: source) }
        return doc
    }

    /// Parses, resolves and validates: the multi-period economy, or every problem at once.
    public static func economy(_ bytes: [UInt8], source: String? = nil) throws(ValidationReport) -> MultiPeriodEconomy {
        let doc = try decode(bytes, source: source)
        do { return try MultiPeriodEconomy(document: doc) } catch {
            throw ValidationReport(issues: error.issues, source: source)
        }
    }

    /// The declared format of a JSON document (nil when absent or not JSON): lets callers
    /// dispatch between the v1 and v2 readers without parsing twice in the common case.
    public static func declaredFormat(_ bytes: [UInt8]) -> String? {
        JSONParser.topLevelString(bytes, key: "format")
    }

    /// Decodes a parsed document (v1 or v2) and the problems found.
    static func document(_ root: JSONValue) -> (MultiPeriodDocument, [ValidationIssue]) {
        var d = Decoder()
        let doc = d.document(root)
        return (doc, d.issues)
    }

    private struct Decoder: JSONIssueDecoder {
        var issues: [ValidationIssue] = []
        var v2 = true







        /// A number, or (v2) an array of numbers: one per period.
        mutating func perPeriod(_ v: JSONValue?, _ path: String, required: Bool) -> PerPeriod? {
            guard let v, v != .null else {
                if required { fail(path, "missing; expected a number or an array of numbers (one per period)", code: "missing") }
                return nil
            }
            switch v {
            case .number(let d): return .constant(d)
            case .array(let a) where v2:
                var out: [Double] = []
                out.reserveCapacity(a.count)
                var ok = true
                for (k, x) in a.enumerated() {
                    if case .number(let d) = x { out.append(d) } else {
                        fail("\(path)[\(k)]", "expected a number, found \(x.typeName)")
                        ok = false
                    }
                }
                return ok ? .series(out) : nil
            case .array:
                fail(path, "a value per period needs format 'synco-economy/2'; expected a number", code: "unsupported-format")
                return nil
            default:
                fail(path, "expected a number or an array of numbers (one per period), found \(v.typeName)")
                return nil
            }
        }


        mutating func document(_ root: JSONValue) -> MultiPeriodDocument {
            guard let top = object(root, "$") else { return MultiPeriodDocument() }
            let get = { (k: String) in top.first { $0.key == k }?.value }
            let f = string(get("format"), "format", required: false)
            switch f {
            case nil, EconomyDocument.format?: v2 = false
            case MultiPeriodDocument.format?: v2 = true
            case let other?:
                fail("format", "unknown format '\(other)'; expected '\(EconomyDocument.format)' or '\(MultiPeriodDocument.format)'", code: "unsupported-format")
            }
            var doc = MultiPeriodDocument(name: string(get("name"), "name", required: false))
            if v2 {
                if let p = number(get("periods"), "periods", required: true) {
                    if p >= 1 && p <= 100_000 && p == p.rounded() { doc.periods = Int(p) } else {
                        fail("periods", "expected a whole number of periods between 1 and 100000, found \(p)", code: "bad-periods")
                    }
                }
            }
            for (i, p) in array(get("products"), "products", required: true).enumerated() {
                let path = "products[\(i)]"
                guard let o = object(p, path) else { continue }
                let g = { (k: String) in o.first { $0.key == k }?.value }
                guard let id = string(g("id"), path + ".id", required: true) else { continue }
                var spec = ProductSpec2(Product(id: id, name: string(g("name"), path + ".name", required: false),
                                                unit: string(g("unit"), path + ".unit", required: false),
                                                category: string(g("category"), path + ".category", required: false)))
                if v2, let s = g("storable"), s != .null {
                    if case .bool(let b) = s { spec.storable = b ? Storage() : nil }
                    else if let so = object(s, path + ".storable") {
                        let h = { (k: String) in so.first { $0.key == k }?.value }
                        spec.storable = Storage(carryover: number(h("carryover"), path + ".storable.carryover", required: false) ?? 1,
                                                initial: number(h("initial"), path + ".storable.initial", required: false) ?? 0)
                    }
                }
                if v2, let c = g("capital"), c != .null, let co = object(c, path + ".capital") {
                    let h = { (k: String) in co.first { $0.key == k }?.value }
                    spec.capital = CapitalSpec(depreciation: number(h("depreciation"), path + ".capital.depreciation", required: false) ?? 0,
                                               initial: number(h("initial"), path + ".capital.initial", required: false) ?? 0)
                }
                doc.products.append(spec)
            }
            if v2 {
                for (i, s) in array(get("stocks"), "stocks", required: false).enumerated() {
                    let path = "stocks[\(i)]"
                    guard let o = object(s, path) else { continue }
                    let g = { (k: String) in o.first { $0.key == k }?.value }
                    guard let id = string(g("id"), path + ".id", required: true) else { continue }
                    doc.stocks.append(NaturalStock(
                        id: id, name: string(g("name"), path + ".name", required: false), unit: string(g("unit"), path + ".unit", required: false),
                        initial: number(g("initial"), path + ".initial", required: true) ?? 0,
                        regeneration: number(g("regeneration"), path + ".regeneration", required: false) ?? 0,
                        carryingCapacity: number(g("carrying_capacity"), path + ".carrying_capacity", required: false),
                        minimumFinal: number(g("minimum_final"), path + ".minimum_final", required: false)))
                }
            }
            for (i, r) in array(get("resources"), "resources", required: false).enumerated() {
                let path = "resources[\(i)]"
                guard let o = object(r, path) else { continue }
                let g = { (k: String) in o.first { $0.key == k }?.value }
                guard let id = string(g("id"), path + ".id", required: true) else { continue }
                var kind = ResourceKind.other
                if let k = string(g("kind"), path + ".kind", required: false) {
                    if let rk = ResourceKind(rawValue: k) { kind = rk } else {
                        fail(path + ".kind", "unknown kind '\(k)'; expected one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))", code: "bad-kind")
                    }
                }
                doc.resources.append(ResourceSpec2(
                    Resource(id: id, name: string(g("name"), path + ".name", required: false), unit: string(g("unit"), path + ".unit", required: false), kind: kind),
                    limit: perPeriod(g("limit"), path + ".limit", required: false),
                    budget: v2 ? number(g("budget"), path + ".budget", required: false) : nil))
            }
            for (i, t) in array(get("techniques"), "techniques", required: true).enumerated() {
                let path = "techniques[\(i)]"
                guard let o = object(t, path) else { continue }
                let g = { (k: String) in o.first { $0.key == k }?.value }
                guard let id = string(g("id"), path + ".id", required: true) else { continue }
                if g("outputs") == nil { fail(path + ".outputs", "missing; expected an object of product amounts", code: "no-output") }
                let base = TechniqueSpec(id: id, name: string(g("name"), path + ".name", required: false),
                                         outputs: amounts(g("outputs"), path + ".outputs"),
                                         inputs: amounts(g("inputs"), path + ".inputs"),
                                         resources: amounts(g("resources"), path + ".resources"))
                doc.techniques.append(TechniqueSpec2(base, capacity: perPeriod(g("capacity"), path + ".capacity", required: false),
                                                     capital: v2 ? amounts(g("capital"), path + ".capital") : [],
                                                     extracts: v2 ? amounts(g("extracts"), path + ".extracts") : []))
            }
            for (i, n) in array(get("needs"), "needs", required: false).enumerated() {
                let path = "needs[\(i)]"
                guard let o = object(n, path) else { continue }
                let g = { (k: String) in o.first { $0.key == k }?.value }
                let p = string(g("product"), path + ".product", required: true)
                let a = perPeriod(g("amount"), path + ".amount", required: true)
                let gu = bool(g("guaranteed"), path + ".guaranteed") ?? false
                if let p, let a { doc.needs.append(NeedSpec2(product: p, amount: a, guaranteed: gu)) }
            }
            return doc
        }
    }

    // MARK: - Writing

    /// The document as a JSON value in the v2 layout.
    public static func value(_ doc: MultiPeriodDocument) -> JSONValue {
        typealias Members = [(key: String, value: JSONValue)]
        func amounts(_ a: [KeyedAmount]) -> JSONValue { .object(a.map { ($0.key, .number($0.amount)) }) }
        func opt(_ k: String, _ s: String?) -> Members { s.map { [(k, .string($0))] } ?? [] }
        func optNum(_ k: String, _ d: Double?) -> Members { d.map { [(k, .number($0))] } ?? [] }
        func per(_ p: PerPeriod) -> JSONValue {
            switch p {
            case .constant(let v): .number(v)
            case .series(let a): .array(a.map { .number($0) })
            }
        }
        var top: Members = [("format", .string(MultiPeriodDocument.format))]
        top += opt("name", doc.name)
        top.append(("periods", .number(Double(doc.periods))))
        top.append(("products", .array(doc.products.map { s in
            let p = s.product
            var o: Members = [("id", .string(p.id))] + opt("name", p.name) + opt("unit", p.unit) + opt("category", p.category)
            if let st = s.storable { o.append(("storable", .object([("carryover", .number(st.carryover)), ("initial", .number(st.initial))]))) }
            if let c = s.capital { o.append(("capital", .object([("depreciation", .number(c.depreciation)), ("initial", .number(c.initial))]))) }
            return .object(o)
        })))
        if !doc.stocks.isEmpty {
            top.append(("stocks", .array(doc.stocks.map { s in
                .object([("id", .string(s.id))] + opt("name", s.name) + opt("unit", s.unit)
                        + [("initial", .number(s.initial)), ("regeneration", .number(s.regeneration))]
                        + optNum("carrying_capacity", s.carryingCapacity) + optNum("minimum_final", s.minimumFinal))
            })))
        }
        top.append(("resources", .array(doc.resources.map { r in
            let b = r.resource
            return .object([("id", .string(b.id))] + opt("name", b.name) + opt("unit", b.unit) + [("kind", .string(b.kind.rawValue))]
                           + (r.limit.map { [("limit", per($0))] } ?? []) + optNum("budget", r.budget))
        })))
        top.append(("techniques", .array(doc.techniques.map { s in
            let t = s.technique
            var o: Members = [("id", .string(t.id))] + opt("name", t.name)
            o.append(("outputs", amounts(t.outputs)))
            if !t.inputs.isEmpty { o.append(("inputs", amounts(t.inputs))) }
            if !t.resources.isEmpty { o.append(("resources", amounts(t.resources))) }
            if let c = s.capacity { o.append(("capacity", per(c))) }
            if !s.capital.isEmpty { o.append(("capital", amounts(s.capital))) }
            if !s.extracts.isEmpty { o.append(("extracts", amounts(s.extracts))) }
            return .object(o)
        })))
        top.append(("needs", .array(doc.needs.map { n in
            .object([("product", .string(n.product)), ("amount", per(n.amount))] + (n.guaranteed ? [("guaranteed", .bool(true))] : []))
        })))
        return .object(top)
    }

    public static func encode(_ doc: MultiPeriodDocument, pretty: Bool = true) -> String {
        JSONWriter(pretty: pretty).string(value(doc))
    }
}
