import SyncoModel

/// Reads and writes the economy document v1 (`synco-economy/1`) as JSON.
///
/// Reading collects every problem with its JSON path (e.g. `techniques[2].outputs.grain`)
/// instead of stopping at the first; fields beyond the format are ignored.
public enum EconomyJSON {
    /// Parses a document; throws a report naming the JSON path of every problem.
    public static func decode(_ bytes: [UInt8], source: String? = nil) throws(ValidationReport) -> EconomyDocument {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw ValidationReport(issues: [ValidationIssue("json-syntax", at: "line \(error.line), column \(error.column)", error.message)], source: source)
        }
        var d = Decoder()
        let doc = d.document(root)
        if d.issues.contains(where: { $0.severity == .error }) { throw ValidationReport(issues: d.issues, source: source) }
        return doc
    }

    /// Parses, resolves and validates: the economy, or every problem at once.
    public static func economy(_ bytes: [UInt8], source: String? = nil) throws(ValidationReport) -> Economy {
        let doc = try decode(bytes, source: source)
        do { return try Economy(document: doc) } catch {
            throw ValidationReport(issues: error.issues, source: source)
        }
    }

    private struct Decoder: JSONIssueDecoder {
        var issues: [ValidationIssue] = []








        mutating func document(_ root: JSONValue) -> EconomyDocument {
            guard let top = object(root, "$") else { return EconomyDocument() }
            let get = { (k: String) in top.first { $0.key == k }?.value }
            if let f = string(get("format"), "format", required: false), f != EconomyDocument.format {
                if f == MultiPeriodDocument.format {
                    // A v2 document: read it with the v2 reader; one that uses nothing beyond v1
                    // (one period, no stocks, storage, capital or budgets) is that v1 economy.
                    let (v2, v2Issues) = EconomyJSON2.document(root)
                    let broken = v2Issues.contains { $0.severity == .error }
                    if !broken && v2.isSinglePeriodV1 { return v2.v1Document }
                    fail("format", broken
                         ? "'synco-economy/2' is read here only as a one-period economy without stocks, storage, capital or budgets, and this one has errors (below)"
                         : "a 'synco-economy/2' document with \(v2.periods) periods, stocks, storage, capital or budgets is a plan over time; read it with EconomyJSON2 (`synco solve` does) — this reader takes one-period economies",
                         code: "unsupported-format")
                    issues += v2Issues
                    return EconomyDocument()
                } else {
                    fail("format", "unknown format '\(f)'; expected '\(EconomyDocument.format)'", code: "unsupported-format")
                }
            }
            var doc = EconomyDocument(name: string(get("name"), "name", required: false))
            for (i, p) in array(get("products"), "products", required: true).enumerated() {
                let path = "products[\(i)]"
                guard let o = object(p, path) else { continue }
                let f = { (k: String) in o.first { $0.key == k }?.value }
                guard let id = string(f("id"), path + ".id", required: true) else { continue }
                doc.products.append(Product(id: id, name: string(f("name"), path + ".name", required: false),
                                            unit: string(f("unit"), path + ".unit", required: false),
                                            category: string(f("category"), path + ".category", required: false)))
            }
            for (i, r) in array(get("resources"), "resources", required: false).enumerated() {
                let path = "resources[\(i)]"
                guard let o = object(r, path) else { continue }
                let f = { (k: String) in o.first { $0.key == k }?.value }
                guard let id = string(f("id"), path + ".id", required: true) else { continue }
                var kind = ResourceKind.other
                if let k = string(f("kind"), path + ".kind", required: false) {
                    if let rk = ResourceKind(rawValue: k) { kind = rk } else {
                        fail(path + ".kind", "unknown kind '\(k)'; expected one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))", code: "bad-kind")
                    }
                }
                var limit: Double? = nil
                if let lv = f("limit"), case .array = lv {
                    fail(path + ".limit", "a limit per period needs format 'synco-economy/2'; expected a number", code: "unsupported-format")
                } else {
                    limit = number(f("limit"), path + ".limit", required: false)
                }
                doc.resources.append(Resource(id: id, name: string(f("name"), path + ".name", required: false),
                                              unit: string(f("unit"), path + ".unit", required: false), kind: kind, limit: limit))
            }
            for (i, t) in array(get("techniques"), "techniques", required: true).enumerated() {
                let path = "techniques[\(i)]"
                guard let o = object(t, path) else { continue }
                let f = { (k: String) in o.first { $0.key == k }?.value }
                guard let id = string(f("id"), path + ".id", required: true) else { continue }
                if f("outputs") == nil { fail(path + ".outputs", "missing; expected an object of product amounts", code: "no-output") }
                doc.techniques.append(TechniqueSpec(
                    id: id, name: string(f("name"), path + ".name", required: false),
                    outputs: amounts(f("outputs"), path + ".outputs"),
                    inputs: amounts(f("inputs"), path + ".inputs"),
                    resources: amounts(f("resources"), path + ".resources"),
                    capacity: number(f("capacity"), path + ".capacity", required: false)))
            }
            for (i, n) in array(get("needs"), "needs", required: false).enumerated() {
                let path = "needs[\(i)]"
                guard let o = object(n, path) else { continue }
                let f = { (k: String) in o.first { $0.key == k }?.value }
                let p = string(f("product"), path + ".product", required: true)
                let a = number(f("amount"), path + ".amount", required: true)
                let g = bool(f("guaranteed"), path + ".guaranteed") ?? false
                if let p, let a { doc.needs.append(NeedSpec(product: p, amount: a, guaranteed: g)) }
            }
            return doc
        }
    }

    /// The document as a JSON value in the v1 layout.
    public static func value(_ doc: EconomyDocument) -> JSONValue {
        func amounts(_ a: [KeyedAmount]) -> JSONValue { .object(a.map { ($0.key, .number($0.amount)) }) }
        func opt(_ k: String, _ s: String?) -> [(key: String, value: JSONValue)] { s.map { [(k, .string($0))] } ?? [] }
        var top: [(key: String, value: JSONValue)] = [("format", .string(EconomyDocument.format))]
        top += opt("name", doc.name)
        top.append(("products", .array(doc.products.map {
            .object([("id", .string($0.id))] + opt("name", $0.name) + opt("unit", $0.unit) + opt("category", $0.category))
        })))
        top.append(("resources", .array(doc.resources.map { r in
            .object([("id", .string(r.id))] + opt("name", r.name) + opt("unit", r.unit) + [("kind", .string(r.kind.rawValue))]
                    + (r.limit.map { [("limit", .number($0))] } ?? []))
        })))
        top.append(("techniques", .array(doc.techniques.map { t in
            var o: [(key: String, value: JSONValue)] = [("id", .string(t.id))] + opt("name", t.name)
            o.append(("outputs", amounts(t.outputs)))
            if !t.inputs.isEmpty { o.append(("inputs", amounts(t.inputs))) }
            if !t.resources.isEmpty { o.append(("resources", amounts(t.resources))) }
            if let c = t.capacity { o.append(("capacity", .number(c))) }
            return .object(o)
        })))
        top.append(("needs", .array(doc.needs.map { n in
            .object([("product", .string(n.product)), ("amount", .number(n.amount))] + (n.guaranteed ? [("guaranteed", .bool(true))] : []))
        })))
        return .object(top)
    }

    public static func encode(_ doc: EconomyDocument, pretty: Bool = true) -> String {
        JSONWriter(pretty: pretty).string(value(doc))
    }
}
