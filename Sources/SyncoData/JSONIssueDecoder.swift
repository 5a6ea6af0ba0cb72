import SyncoModel

/// Field readers shared by the economy document readers (v1 and v2): each records a problem
/// with its JSON path and goes on, so a reader reports every problem at once.
protocol JSONIssueDecoder {
    var issues: [ValidationIssue] { get set }
}

extension JSONIssueDecoder {
    mutating func fail(_ path: String, _ message: String, code: String = "type") {
        issues.append(ValidationIssue(code, at: path, message))
    }

    mutating func object(_ v: JSONValue, _ path: String) -> [(key: String, value: JSONValue)]? {
        if case .object(let o) = v { return o }
        fail(path, "expected an object, found \(v.typeName)")
        return nil
    }

    mutating func array(_ v: JSONValue?, _ path: String, required: Bool) -> [JSONValue] {
        guard let v else {
            if required { fail(path, "missing; expected an array", code: "missing") }
            return []
        }
        if case .array(let a) = v { return a }
        fail(path, "expected an array, found \(v.typeName)")
        return []
    }

    mutating func string(_ v: JSONValue?, _ path: String, required: Bool) -> String? {
        guard let v, v != .null else {
            if required { fail(path, "missing; expected a string", code: "missing") }
            return nil
        }
        if case .string(let s) = v { return s }
        fail(path, "expected a string, found \(v.typeName)")
        return nil
    }

    mutating func number(_ v: JSONValue?, _ path: String, required: Bool) -> Double? {
        guard let v, v != .null else {
            if required { fail(path, "missing; expected a number", code: "missing") }
            return nil
        }
        if case .number(let d) = v { return d }
        fail(path, "expected a number, found \(v.typeName)")
        return nil
    }

    mutating func bool(_ v: JSONValue?, _ path: String) -> Bool? {
        guard let v, v != .null else { return nil }
        if case .bool(let b) = v { return b }
        fail(path, "expected true or false, found \(v.typeName)")
        return nil
    }

    /// `{id: amount}` as keyed amounts in document order.
    mutating func amounts(_ v: JSONValue?, _ path: String) -> [KeyedAmount] {
        guard let v, v != .null else { return [] }
        guard let o = object(v, path) else { return [] }
        var out: [KeyedAmount] = []
        out.reserveCapacity(o.count)
        for (k, x) in o {
            if let d = number(x, "\(path).\(k)", required: true) { out.append(KeyedAmount(k, d)) }
        }
        return out
    }
}
