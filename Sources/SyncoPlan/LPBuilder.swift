import SyncoSparse

/// Builds a `LinearProgram` column by column (each column a list of (row, value) entries).
public struct LPBuilder: Sendable {
    public private(set) var start = [0]
    public private(set) var index: [Int32] = []
    public private(set) var value: [Double] = []
    public private(set) var objective: [Double] = []
    public private(set) var lower: [Double] = []
    public private(set) var upper: [Double] = []
    public private(set) var names: [String] = []
    public var rowLower: [Double]
    public var rowUpper: [Double]
    public var rowNames: [String]

    public init(rowLower: [Double], rowUpper: [Double], rowNames: [String]) {
        self.rowLower = rowLower
        self.rowUpper = rowUpper
        self.rowNames = rowNames
    }

    /// Adds a column; entries must name distinct rows.
    public mutating func addColumn(_ entries: [(Int32, Double)], cost: Double, lower l: Double = 0, upper u: Double = .infinity, name: String) {
        for (r, v) in entries.sorted(by: { $0.0 < $1.0 }) where v != 0 {
            index.append(r)
            value.append(v)
        }
        start.append(index.count)
        objective.append(cost)
        lower.append(l)
        upper.append(u)
        names.append(name)
    }

    public func build() -> LinearProgram {
        let kt = CSRMatrix(rows: objective.count, columns: rowLower.count, rowStart: start, colIndex: index, values: value)
        return LinearProgram(objective: objective, lower: lower, upper: upper, matrix: kt.transposed(),
                             rowLower: rowLower, rowUpper: rowUpper, columnNames: names, rowNames: rowNames)
    }
}
