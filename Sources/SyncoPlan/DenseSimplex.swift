/// A small revised primal simplex for column generation: minimise cᵀx subject to A x = b, x ≥ 0,
/// with an explicit dense basis inverse and sparse columns. Columns can be appended between
/// solves; the last basis stays primal feasible, so a re-solve only prices the new columns in (the
/// reason column generation wants a simplex rather than a first-order method: exact duals, warm
/// by nature).
///
/// Meant for masters of a few hundred to a few thousand rows. Dantzig pricing over sparse
/// columns, duals updated with each pivot (y ← y + d_q · row r of the new B⁻¹), a ratio test with
/// a relative pivot tolerance, Bland's rule after a run of degenerate pivots (no cycling), and a
/// fresh Gauss–Jordan inverse every `refactorEvery` pivots.
struct DenseSimplex {
    let rows: Int
    var b: [Double]
    /// Columns in compressed sparse form.
    private var colStart: [Int] = [0]
    private var rowIndex: [Int32] = []
    private var values: [Double] = []
    private(set) var cost: [Double] = []
    var columnCount: Int { cost.count }
    /// Basic column of each row, the basis inverse (row-major) and the basic values.
    private(set) var basis: [Int]
    private var inverse: [Double]
    private(set) var xB: [Double]
    private var y: [Double]
    var refactorEvery = 100
    var pivots = 0

    enum Outcome: Equatable { case optimal, unbounded, iterationLimit }

    /// Starts from a basis of the given columns (which must form a feasible basis: B x_B = b, x_B ≥ 0).
    init(b: [Double], columns cols: [[Double]], costs: [Double], basis: [Int]) {
        self.init(b: b, entries: cols.map { col in col.indices.filter { col[$0] != 0 }.map { ($0, col[$0]) } }, costs: costs, basis: basis)
    }

    /// The same from sparse columns: (row, value) pairs, rows in any order, no zeros needed.
    init(b: [Double], entries cols: [[(row: Int, value: Double)]], costs: [Double], basis: [Int]) {
        rows = b.count
        self.b = b
        self.basis = basis
        inverse = []; xB = []; y = []
        for (col, c) in zip(cols, costs) { append(entries: col, cost: c) }
        refactor()
    }

    mutating func append(column: [Double], cost c: Double) {
        precondition(column.count == rows)
        append(entries: column.indices.filter { column[$0] != 0 }.map { ($0, column[$0]) }, cost: c)
    }

    mutating func append(entries: [(row: Int, value: Double)], cost c: Double) {
        for (i, v) in entries where v != 0 {
            precondition(i >= 0 && i < rows)
            rowIndex.append(Int32(i)); values.append(v)
        }
        colStart.append(rowIndex.count)
        cost.append(c)
    }

    mutating func setCost(_ j: Int, _ c: Double) { cost[j] = c; computeDuals() }

    /// Values of all columns (0 for nonbasic ones).
    var solution: [Double] {
        var x = [Double](repeating: 0, count: columnCount)
        for (i, j) in basis.enumerated() { x[j] = xB[i] }
        return x
    }

    /// Duals y = c_Bᵀ B⁻¹ (reduced cost of column j: c_j − yᵀ a_j).
    var duals: [Double] { y }

    private mutating func computeDuals() {
        var out = [Double](repeating: 0, count: rows)
        inverse.withUnsafeBufferPointer { inv in
            for i in 0..<rows {
                let c = cost[basis[i]]
                if c == 0 { continue }
                let base = i * rows
                for k in 0..<rows { out[k] += c * inv[base + k] }
            }
        }
        y = out
    }

    /// Gauss–Jordan with partial pivoting on the basis columns; then x_B = B⁻¹ b and the duals.
    mutating func refactor() {
        let n = rows
        var a = [Double](repeating: 0, count: n * n)     // B, row-major
        for (k, j) in basis.enumerated() { for p in colStart[j]..<colStart[j + 1] { a[Int(rowIndex[p]) * n + k] = values[p] } }
        var inv = [Double](repeating: 0, count: n * n)
        for i in 0..<n { inv[i * n + i] = 1 }
        a.withUnsafeMutableBufferPointer { a in
            inv.withUnsafeMutableBufferPointer { inv in
                for col in 0..<n {
                    var p = col, best = abs(a[col * n + col])
                    for r in (col + 1)..<max(col + 1, n) where abs(a[r * n + col]) > best { best = abs(a[r * n + col]); p = r }
                    guard best > 1e-13 else { continue }   // singular: leave as is (callers keep bases regular)
                    if p != col {
                        for k in 0..<n { a.swapAt(p * n + k, col * n + k); inv.swapAt(p * n + k, col * n + k) }
                    }
                    let d = a[col * n + col]
                    for k in 0..<n { a[col * n + k] /= d; inv[col * n + k] /= d }
                    for r in 0..<n where r != col {
                        let f = a[r * n + col]
                        if f == 0 { continue }
                        for k in 0..<n { a[r * n + k] -= f * a[col * n + k]; inv[r * n + k] -= f * inv[col * n + k] }
                    }
                }
            }
        }
        inverse = inv
        xB = [Double](repeating: 0, count: n)
        for i in 0..<n { var s = 0.0; for k in 0..<n { s += inv[i * n + k] * b[k] }; xB[i] = max(0, s) }
        computeDuals()
    }

    /// Primal simplex from the current basis.
    mutating func solve(maxPivots: Int = 1_000_000, tolerance: Double = 1e-9) -> Outcome {
        let n = rows
        var isBasic = [Bool](repeating: false, count: columnCount)
        for j in basis { isBasic[j] = true }
        var degenerateRun = 0
        var u = [Double](repeating: 0, count: n)
        for _ in 0..<maxPivots {
            // Pricing: most negative reduced cost (Bland's rule — the first one — after many degenerate pivots).
            let bland = degenerateRun > 50
            var entering = -1, best = -tolerance
            y.withUnsafeBufferPointer { y in
                rowIndex.withUnsafeBufferPointer { ri in
                    values.withUnsafeBufferPointer { v in
                        for j in 0..<columnCount where !isBasic[j] {
                            var d = cost[j]
                            for p in colStart[j]..<colStart[j + 1] { d -= y[Int(ri[p])] * v[p] }
                            if d < best { entering = j; best = d; if bland { break } }
                        }
                    }
                }
            }
            if entering < 0 { return .optimal }
            // u = B⁻¹ a_q
            for i in 0..<n { u[i] = 0 }
            inverse.withUnsafeBufferPointer { inv in
                for p in colStart[entering]..<colStart[entering + 1] {
                    let k = Int(rowIndex[p]), a = values[p]
                    for i in 0..<n { u[i] += inv[i * n + k] * a }
                }
            }
            // Pivot tolerance relative to the column: tiny pivots make the inverse garbage.
            var umax = 0.0
            for i in 0..<n { umax = max(umax, abs(u[i])) }
            let pivotTolerance = 1e-9 * max(1, umax)
            var leave = -1, ratio = Double.infinity
            for i in 0..<n where u[i] > pivotTolerance {
                let r = xB[i] / u[i]
                if r < ratio - 1e-12 || (r <= ratio + 1e-12 && leave >= 0 && basis[i] < basis[leave] && bland) { ratio = r; leave = i }
            }
            if leave < 0 { return .unbounded }
            degenerateRun = ratio <= 1e-12 ? degenerateRun + 1 : 0
            // Update x_B, B⁻¹ and the duals.
            for i in 0..<n where i != leave { xB[i] = max(0, xB[i] - ratio * u[i]) }
            xB[leave] = ratio
            DenseSimplex.pivot(&inverse, size: n, row: leave, column: u)
            for k in 0..<n { y[k] += best * inverse[leave * n + k] }
            isBasic[basis[leave]] = false
            isBasic[entering] = true
            basis[leave] = entering
            pivots += 1
            if pivots % refactorEvery == 0 { refactor() }
        }
        return .iterationLimit
    }

    /// The product-form update of a dense basis inverse (row-major, size × size) when the basic
    /// variable of `row` is replaced by a column whose B⁻¹-image is `column`.
    static func pivot(_ inverse: inout [Double], size n: Int, row leave: Int, column u: [Double]) {
        let pivot = u[leave]
        inverse.withUnsafeMutableBufferPointer { inv in
            let pr = leave * n
            for k in 0..<n { inv[pr + k] /= pivot }
            for i in 0..<n where i != leave && u[i] != 0 {
                let f = u[i], row = i * n
                for k in 0..<n { inv[row + k] -= f * inv[pr + k] }
            }
        }
    }
}
