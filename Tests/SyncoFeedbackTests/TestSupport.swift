import Foundation
@testable import SyncoFeedback

/// SplitMix64 with Box–Muller normals: a fixed-seed stream for synthetic series.
struct SeededNormals {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992.0
    }
    mutating func next() -> Double {
        let u = uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// Reads one numeric column of a small CSV (first row = header): labels from column 0.
func readSeries(_ path: String, column: String) throws -> (labels: [String], values: [Double]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard let ci = rows.first?.firstIndex(of: column) else { throw CocoaError(.fileReadCorruptFile) }
    var labels: [String] = [], values: [Double] = []
    for r in rows.dropFirst() { labels.append(r[0]); values.append(Double(r[ci]) ?? .nan) }
    return (labels, values)
}

let seriesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("../shared/data/series").standardizedFileURL
