import ArgumentParser
import SyncoData
import SyncoModel
#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// An error in the user's input (a file, a value): exit code 1, message names the place.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

/// Progress and timing on stderr so stdout stays clean for pipes.
enum Log {
    static let start = DispatchTime.now().uptimeNanoseconds
    static var elapsed: Double { (Double(DispatchTime.now().uptimeNanoseconds) - Double(start)) / 1e9 }
    static func progress(_ s: String) {
        writeStderr(String(format3(elapsed)) + "s  " + s + "\n")
    }
}

func format3(_ x: Double) -> String {
    let v = (x * 1000).rounded() / 1000
    return "\(v)"
}

/// A number for tables: up to 6 significant digits, no exponent for ordinary magnitudes.
func fmt(_ x: Double) -> String {
    if x == 0 { return "0" }
    if !x.isFinite { return "\(x)" }
    let a = abs(x)
    if a >= 1e9 || a < 1e-4 {
        let e = Int((log10(a)).rounded(.down))
        let m = x / pow(10, Double(e))
        return "\((m * 1000).rounded() / 1000)e\(e)"
    }
    let digits = max(0, 5 - Int(log10(a).rounded(.down)))
    let p = pow(10, Double(min(digits, 8)))
    let r = (x * p).rounded() / p
    if r == r.rounded() && abs(r) < 1e15 { return String(Int64(r)) }
    return "\(r)"
}

func loadEconomy(_ path: String) throws -> Economy {
    Log.progress("reading \(path)")
    do {
        let e = try EconomyFile.load(path)
        Log.progress("loaded \(e.productCount) products, \(e.techniqueCount) techniques, \(e.resourceCount) resources, \(e.needs.count) needs")
        return e
    } catch { throw InputError(error.description) }
}

/// Left-aligned first column, right-aligned others.
func table(_ header: [String], _ rows: [[String]]) -> String {
    var w = header.map(\.count)
    for r in rows { for (k, c) in r.enumerated() where k < w.count { w[k] = max(w[k], c.count) } }
    func line(_ r: [String]) -> String {
        r.enumerated().map { k, c in
            let pad = String(repeating: " ", count: max(0, w[k] - c.count))
            return k == 0 ? c + pad : pad + c
        }.joined(separator: "  ")
    }
    return ([line(header), w.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)).joined(separator: "\n")
}

func writeStdout(_ s: String) { writeAll(1, s) }
func writeStderr(_ s: String) { writeAll(2, s) }

private func writeAll(_ fd: Int32, _ s: String) {
    var t = s
    t.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}
