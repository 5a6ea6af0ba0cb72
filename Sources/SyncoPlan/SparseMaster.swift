import SyncoSparse

/// A column-generation master on the sparse simplex: minimise cᵀx subject to A x = b, x ≥ 0,
/// with columns appended between solves. The basis is held as a sparse LU (`SparseSimplex`), so
/// a master of many councils stays small: a Dantzig–Wolfe master has one convexity row per
/// council, and with 10^4 councils a dense basis inverse would hold 10^8 numbers and cost as
/// many operations per pivot. Measured against the dense inverse it replaced: 4–25× faster on
/// 100–1 000 councils (BENCHMARKS.md, "Decentral planning").
///
/// Each solve starts from the last optimal basis (new columns nonbasic at 0, so the basis stays
/// primal feasible and only the new columns need pricing in) and runs the primal simplex.
struct SparseMaster {
    let rows: Int
    let b: [Double]
    private var colStart: [Int] = [0]
    private var rowIndex: [Int32] = []
    private var values: [Double] = []
    private(set) var cost: [Double] = []
    /// Statuses of the columns and of the rows' logicals from the last solve.
    private var columnStatus: [SparseSimplex.VariableStatus] = []
    private var rowStatus: [SparseSimplex.VariableStatus]
    private(set) var solution: [Double] = []
    /// Duals y (reduced cost of column j: c_j − yᵀ a_j).
    private(set) var duals: [Double]
    var columnCount: Int { cost.count }

    /// `iterationLimit` also stands for a solve the simplex gave up on numerically (the master,
    /// with its slack columns, is never infeasible); the caller certifies what it gets anyway.
    enum Outcome: Equatable { case optimal, unbounded, iterationLimit }

    /// Starts from a basis of the given columns, which must be primal feasible (B x_B = b, x_B ≥ 0).
    init(b: [Double], entries cols: [[(row: Int, value: Double)]], costs: [Double], basis: [Int]) {
        rows = b.count
        self.b = b
        duals = [Double](repeating: 0, count: b.count)
        rowStatus = [SparseSimplex.VariableStatus](repeating: .lower, count: b.count)
        for (col, c) in zip(cols, costs) { append(entries: col, cost: c) }
        for j in basis { columnStatus[j] = .basic }
    }

    /// Appends a column given by its nonzeros (rows in any order, each row once).
    mutating func append(entries: [(row: Int, value: Double)], cost c: Double) {
        assert(Set(entries.map(\.row)).count == entries.count, "a row twice in one column")
        for (i, v) in entries where v != 0 {
            precondition(i >= 0 && i < rows)
            rowIndex.append(Int32(i)); values.append(v)
        }
        colStart.append(rowIndex.count)
        cost.append(c)
        columnStatus.append(.lower)
    }

    mutating func setCost(_ j: Int, _ c: Double) { cost[j] = c }

    /// Primal simplex from the last basis.
    mutating func solve() -> Outcome {
        let n = columnCount
        // The columns as stored are the rows of Aᵀ.
        let matrix = CSRMatrix(rows: n, columns: rows, rowStart: colStart, colIndex: rowIndex, values: values).transposed()
        let lp = LinearProgram(objective: cost, lower: [Double](repeating: 0, count: n), upper: [Double](repeating: .infinity, count: n),
                               matrix: matrix, rowLower: b, rowUpper: b)
        var simplex = SparseSimplex(lp)
        simplex.useDual = false
        let r = simplex.solve(start: columnStatus + rowStatus)
        columnStatus = Array(r.basis[0..<n])
        rowStatus = Array(r.basis[n...])
        solution = r.x.map { max(0, $0) }
        duals = r.y
        switch r.status {
        case .optimal: return .optimal
        case .unbounded: return .unbounded
        default: return .iterationLimit
        }
    }
}
