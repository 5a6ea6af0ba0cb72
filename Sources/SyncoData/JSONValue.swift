#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed JSON value that keeps object keys in document order (readers report problems in
/// the order a person reads the file, and writers round-trip the order).
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (l: JSONValue, r: JSONValue) -> Bool {
        switch (l, r) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let d): h.combine(d)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o): for (k, v) in o { h.combine(k); h.combine(v) }
        }
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o.first { $0.key == key }?.value }
        return nil
    }
}

/// A JSON syntax error with its line and column (1-based).
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes. Nesting is limited (no stack overflow on
/// hostile input); numbers are parsed as `Double`.
public struct JSONParser {
    public static let maxDepth = 256

    fileprivate let b: [UInt8]
    fileprivate var i = 0

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var p = JSONParser(b: bytes)
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { p.i = 3 }
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i < p.b.count { throw p.error("unexpected content after the JSON value") }
        return v
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try parse(Array(text.utf8)) }

    /// The string value of `key` in the top-level object, read without building the document:
    /// the other members' values are skipped, not parsed (a 10^6-product economy parsed whole
    /// only to read its "format" took 7 s). Nil when the document is not an object, has no such
    /// string member, or ends early; it does not validate what it skips (the full parse that
    /// follows reports any error).
    public static func topLevelString(_ bytes: [UInt8], key: String) -> String? {
        var s = JSONStream(bytes)
        guard s.openObject() else { return nil }
        while case let k?? = try? s.nextKey() {
            if k == key {
                guard case .string(let v)? = try? s.value() else { return nil }
                return v
            }
            guard (try? s.skip()) != nil else { return nil }
        }
        return nil
    }

    /// Moves past one value (brackets counted, strings' escapes honoured, nothing built).
    fileprivate mutating func skipValue() -> Bool {
        var depth = 0
        while true {
            skipSpace()
            guard i < b.count else { return false }
            switch b[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                i += 1
                if depth <= 0 { return depth == 0 }
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { return false }
                i += 1
            case UInt8(ascii: "\""):
                i += 1
                while i < b.count && b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < b.count else { return false }
                i += 1
                if depth == 0 { return true }
            default:
                scalar: while i < b.count {
                    switch b[i] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: break scalar
                    default: i += 1
                    }
                }
                if depth == 0 { return true }
            }
        }
    }

    fileprivate init(b: [UInt8]) { self.b = b }

    fileprivate func error(_ message: String) -> JSONSyntaxError {
        var line = 1, col = 1
        var k = 0
        while k < min(i, b.count) {
            if b[k] == 0x0A { line += 1; col = 1 } else if b[k] & 0xC0 != 0x80 { col += 1 }
            k += 1
        }
        return JSONSyntaxError(line: line, column: col, message: message)
    }

    fileprivate mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    fileprivate mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard i < b.count else { throw error("unexpected end of input; expected a value") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(key: String, value: JSONValue)] = []
            skipSpace()
            if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let k = try string()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(k)\"") }
                i += 1
                skipSpace()
                members.append((k, try value(depth: depth + 1)))
                skipSpace()
                guard i < b.count else { throw error("unexpected end of input in object; expected ',' or '}'") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw error("expected ',' or '}' in object")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < b.count else { throw error("unexpected end of input in array; expected ',' or ']'") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw error("expected ',' or ']' in array")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw error("unexpected character '\(printable(b[i]))'; expected a value")
        }
    }

    private func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : String(format16: c)
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        for c in word.utf8 {
            guard i < b.count, b[i] == c else { throw error("invalid literal; expected '\(word)'") }
            i += 1
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> Double {
        let start = try numberEnd()
        let text = String(decoding: b[start..<i], as: UTF8.self)
        guard let d = Double(text) else { throw error("invalid number '\(text)'") }
        return d
    }

    /// Moves past a number, checking its grammar; returns where it started.
    fileprivate mutating func numberEnd() throws(JSONSyntaxError) -> Int {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let s = i
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            return i - s
        }
        guard i < b.count else { throw error("incomplete number") }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { throw error("invalid number; expected a digit") }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { throw error("invalid number; expected a digit after '.'") }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            if digits() == 0 { throw error("invalid number; expected exponent digits") }
        }
        return start
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= b.count else { throw error("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    fileprivate mutating func string() throws(JSONSyntaxError) -> String {
        i += 1 // opening quote
        var out: [UInt8] = []
        let start = i
        // Fast path: no escapes.
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\"), b[i] >= 0x20 { i += 1 }
        out.append(contentsOf: b[start..<i])
        while true {
            guard i < b.count else { throw error("unterminated string") }
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw error("control character in string; expected it escaped") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { throw error("unterminated escape") }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid low surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid code point in \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw error("invalid escape '\\\(printable(e))'")
            }
        }
        // Invalid UTF-8 is repaired to U+FFFD rather than rejected.
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    init(format16 c: UInt8) {
        let digits = Array("0123456789ABCDEF")
        self = "0x" + String(digits[Int(c >> 4)]) + String(digits[Int(c & 15)])
    }
}

/// Serialises JSON values; numbers print in the shortest form that round-trips.
public struct JSONWriter {
    public var pretty: Bool
    public init(pretty: Bool = true) { self.pretty = pretty }

    public func string(_ v: JSONValue) -> String {
        var out = ""
        write(v, into: &out, indent: 0)
        if pretty { out += "\n" }
        return out
    }

    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    public static func quoted(_ s: String) -> String {
        if !needsEscape(s) { return "\"" + s + "\"" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// True when `s` has a quote, a backslash or a control character (a string JSON must escape).
    static func needsEscape(_ s: String) -> Bool {
        s.utf8.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
    }

    /// Appends `s` quoted to `out`, without the temporary strings of `quoted` when it needs no
    /// escape (a plan's 10^6 ids).
    public static func appendQuoted(_ s: String, to out: inout String) {
        if needsEscape(s) {
            out += quoted(s)
        } else {
            out += "\""
            out += s
            out += "\""
        }
    }

    public func write(_ v: JSONValue, into out: inout String, indent: Int) {
        let nl = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        let close = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += JSONWriter.number(d)
        case .string(let s): out += JSONWriter.quoted(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            // Arrays of scalars stay on one line.
            let flat = a.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            out += "["
            for (k, x) in a.enumerated() {
                if k > 0 { out += flat && pretty ? ", " : "," }
                if !flat { out += nl }
                write(x, into: &out, indent: indent + 1)
            }
            out += flat ? "]" : close + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            for (k, m) in o.enumerated() {
                if k > 0 { out += "," }
                out += nl + JSONWriter.quoted(m.key) + (pretty ? ": " : ":")
                write(m.value, into: &out, indent: indent + 1)
            }
            out += close + "}"
        }
    }
}

/// Reads a JSON document member by member, for documents too large to build as a `JSONValue`
/// when only some members are wanted (a plan of 10^6 products is 100 MB with five million
/// members; a warm start reads its activities and valuations): the caller opens objects, takes
/// each key, and parses, skips or streams the value. The members it reads are checked as
/// strictly as `JSONParser.parse` checks them; skipped values are only matched for brackets and
/// strings.
struct JSONStream {
    private var p: JSONParser
    /// Per open object: whether a member has been read (the next one needs a comma).
    private var started: [Bool] = []

    init(_ bytes: [UInt8]) {
        p = JSONParser(b: bytes)
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { p.i = 3 }
    }

    func error(_ message: String) -> JSONSyntaxError { p.error(message) }

    /// The next value is an object: true and it is opened, or false (nothing read) when it is not.
    mutating func openObject() -> Bool {
        p.skipSpace()
        guard p.i < p.b.count, p.b[p.i] == UInt8(ascii: "{") else { return false }
        p.i += 1
        started.append(false)
        return true
    }

    /// The next member's key in the innermost open object, or nil at its end (then closed).
    mutating func nextKey() throws(JSONSyntaxError) -> String? {
        p.skipSpace()
        guard p.i < p.b.count else { throw p.error("unexpected end of input in object; expected ',' or '}'") }
        if p.b[p.i] == UInt8(ascii: "}") {
            p.i += 1
            started.removeLast()
            return nil
        }
        if started[started.count - 1] {
            guard p.b[p.i] == UInt8(ascii: ",") else { throw p.error("expected ',' or '}' in object") }
            p.i += 1
            p.skipSpace()
        }
        started[started.count - 1] = true
        guard p.i < p.b.count, p.b[p.i] == UInt8(ascii: "\"") else { throw p.error("expected a string key") }
        let k = try p.string()
        p.skipSpace()
        guard p.i < p.b.count, p.b[p.i] == UInt8(ascii: ":") else { throw p.error("expected ':' after key \"\(k)\"") }
        p.i += 1
        p.skipSpace()
        return k
    }

    /// The next value, parsed.
    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        p.skipSpace()
        return try p.value(depth: started.count)
    }

    /// Moves past the next value without building it.
    mutating func skip() throws(JSONSyntaxError) {
        p.skipSpace()
        guard p.skipValue() else { throw p.error("unexpected end of input or misplaced bracket in a value") }
    }

    /// Only whitespace may follow the document.
    mutating func end() throws(JSONSyntaxError) {
        p.skipSpace()
        if p.i < p.b.count { throw p.error("unexpected content after the JSON value") }
    }

    /// The next value is an object whose values should be numbers: `visit` gets each key's
    /// bytes (escapes decoded) and its number, or nil and the value's type name when it is not
    /// a number (the value is parsed, so the reading goes on). Keys are not turned into
    /// strings and numbers not into text on the way (`strtod` reads them in place): at 10^6
    /// members that was most of the time.
    mutating func numberMembers(_ visit: (UnsafeBufferPointer<UInt8>, Double?, String) -> Void) throws(JSONSyntaxError) {
        guard openObject() else {
            let v = try value()
            throw p.error("expected an object of numbers, found \(v.typeName)")
        }
        let bytes = p.b
        var failure: JSONSyntaxError? = nil
        bytes.withUnsafeBufferPointer { buf in
            let b = buf.baseAddress!, count = buf.count
            while true {
                // The key: a plain one is passed in place; one with escapes goes through `string`.
                p.skipSpace()
                if p.i < count, b[p.i] == UInt8(ascii: "}") {
                    p.i += 1
                    started.removeLast()
                    return
                }
                if started[started.count - 1] {
                    guard p.i < count, b[p.i] == UInt8(ascii: ",") else { failure = p.error("expected ',' or '}' in object"); return }
                    p.i += 1
                    p.skipSpace()
                }
                started[started.count - 1] = true
                guard p.i < count, b[p.i] == UInt8(ascii: "\"") else { failure = p.error("expected a string key"); return }
                var k = p.i + 1
                while k < count, b[k] != UInt8(ascii: "\""), b[k] != UInt8(ascii: "\\"), b[k] >= 0x20 { k += 1 }
                var decoded: [UInt8]? = nil
                var keyStart = p.i + 1, keyEnd = k
                if k < count, b[k] == UInt8(ascii: "\"") {
                    p.i = k + 1
                } else {
                    do throws(JSONSyntaxError) { decoded = Array(try p.string().utf8) } catch { failure = error; return }
                    keyStart = 0
                    keyEnd = decoded!.count
                }
                p.skipSpace()
                guard p.i < count, b[p.i] == UInt8(ascii: ":") else { failure = p.error("expected ':' after a key"); return }
                p.i += 1
                p.skipSpace()
                guard p.i < count else { failure = p.error("unexpected end of input; expected a value"); return }
                var number: Double? = nil
                var typeName = "number"
                let c = b[p.i]
                if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
                    let start = p.i
                    do throws(JSONSyntaxError) { _ = try p.numberEnd() } catch { failure = error; return }
                    // The number must end before a delimiter inside the buffer (`0123` or `0x1`
                    // would let strtod read on, past the end of a truncated document); then
                    // strtod, which stops at the first byte that cannot continue a number, stays
                    // inside it.
                    guard p.i < count else { failure = p.error("unexpected end of input in object; expected ',' or '}'"); return }
                    let next = b[p.i]
                    guard next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09 else {
                        failure = p.error("expected ',' or '}' after a number")
                        return
                    }
                    var stop: UnsafeMutablePointer<CChar>? = nil
                    let d = b.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: p.i - start + 1) { strtod($0, &stop) }
                    if let stop, UnsafeRawPointer(stop) == UnsafeRawPointer(b.advanced(by: p.i)) {
                        number = d
                    } else if let d = Double(String(decoding: UnsafeBufferPointer(start: b.advanced(by: start), count: p.i - start), as: UTF8.self)) {
                        // (strtod follows the C locale's decimal point; a process that set
                        // another locale still reads JSON's.)
                        number = d
                    } else {
                        failure = p.error("invalid number")
                        return
                    }
                } else {
                    do throws(JSONSyntaxError) { typeName = try p.value(depth: started.count).typeName } catch { failure = error; return }
                }
                if let decoded {
                    decoded.withUnsafeBufferPointer { visit(UnsafeBufferPointer(rebasing: $0[keyStart..<keyEnd]), number, typeName) }
                } else {
                    visit(UnsafeBufferPointer(start: b.advanced(by: keyStart), count: keyEnd - keyStart), number, typeName)
                }
            }
        }
        if let failure { throw failure }
    }
}
