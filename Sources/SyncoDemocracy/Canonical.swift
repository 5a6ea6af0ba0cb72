import SyncoModel

/// Canonical text for hashing: `key=value` lines with escaped values and shortest round-trip
/// numbers, so equal content gives equal bytes on every machine.
struct CanonicalWriter {
    var text = ""
    mutating func field(_ key: String, _ value: String) {
        text += key; text += "="; text += Canonical.escape(value); text += "\n"
    }
    mutating func field(_ key: String, _ value: Int) { field(key, String(value)) }
    mutating func field(_ key: String, _ value: Double) { field(key, Canonical.number(value)) }
}

enum Canonical {
    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
    static func amounts(_ a: [KeyedAmount]) -> String {
        a.map { "\($0.key):\(number($0.amount))" }.joined(separator: ",")
    }
    static func technique(_ t: TechniqueSpec) -> String {
        "\(t.id)|out[\(amounts(t.outputs))]|in[\(amounts(t.inputs))]|res[\(amounts(t.resources))]|cap[\(t.capacity.map(number) ?? "")]"
    }
}
