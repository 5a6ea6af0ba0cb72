import SyncoSparse

/// A linear program in the form the first-order solver works on:
///
///     minimise cᵀx  subject to  rowLower ≤ K·x ≤ rowUpper,  lower ≤ x ≤ upper,
///
/// with infinite bounds where a side is absent. Equality rows have rowLower == rowUpper.
/// Row and column names are kept for MPS export and diagnostics.
public struct LinearProgram: Sendable {
    public var objective: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var matrix: CSRMatrix
    public var rowLower: [Double]
    public var rowUpper: [Double]
    public var columnNames: [String]
    public var rowNames: [String]
    /// A constant added to the objective (reported, not optimised).
    public var objectiveOffset: Double = 0

    public init(objective: [Double], lower: [Double], upper: [Double], matrix: CSRMatrix,
                rowLower: [Double], rowUpper: [Double], columnNames: [String] = [], rowNames: [String] = []) {
        precondition(objective.count == matrix.columns && lower.count == matrix.columns && upper.count == matrix.columns,
                     "column data must match the matrix")
        precondition(rowLower.count == matrix.rows && rowUpper.count == matrix.rows, "row bounds must match the matrix")
        self.objective = objective
        self.lower = lower
        self.upper = upper
        self.matrix = matrix
        self.rowLower = rowLower
        self.rowUpper = rowUpper
        self.columnNames = columnNames.isEmpty ? (0..<matrix.columns).map { "x\($0)" } : columnNames
        self.rowNames = rowNames.isEmpty ? (0..<matrix.rows).map { "r\($0)" } : rowNames
    }

    public var rows: Int { matrix.rows }
    public var columns: Int { matrix.columns }
}

/// Primal–dual residuals of a candidate solution of a `LinearProgram`, computed on the
/// original (unscaled) data: the quantities every status is judged by.
///
/// - primal residual: ‖violation of row bounds‖₂ (variable bounds hold by construction and are
///   checked separately), relative to 1 + ‖finite row bounds‖₂;
/// - dual residual: ‖reduced cost not absorbable by a finite variable bound‖₂ plus wrong-signed
///   row duals, relative to 1 + ‖c‖₂;
/// - gap: |primal objective − dual objective| / (1 + |primal| + |dual|).
public struct LPResiduals: Sendable, Hashable {
    public var primalObjective: Double
    public var dualObjective: Double
    public var primalResidual: Double
    public var dualResidual: Double
    public var relativePrimalResidual: Double
    public var relativeDualResidual: Double
    public var relativeGap: Double
    public var maxBoundViolation: Double

    public func satisfies(_ tolerance: Double) -> Bool {
        relativePrimalResidual <= tolerance && relativeDualResidual <= tolerance && relativeGap <= tolerance
            && maxBoundViolation <= tolerance
    }

    public init(_ lp: LinearProgram, x: [Double], y: [Double], kx: [Double]? = nil, kty: [Double]? = nil) {
        let ax = kx ?? lp.matrix.multiply(x)
        let aty = kty ?? LPResiduals.transposeMultiply(lp, y)
        var pr = 0.0, bnorm = 0.0, dualObj = 0.0, dr = 0.0, cnorm = 0.0, pobj = lp.objectiveOffset, bv = 0.0
        for i in 0..<lp.rows {
            let lo = lp.rowLower[i], hi = lp.rowUpper[i]
            var v = 0.0
            if lo.isFinite && ax[i] < lo { v = lo - ax[i] }
            if hi.isFinite && ax[i] > hi { v = ax[i] - hi }
            pr += v * v
            let b = lo.isFinite ? lo : (hi.isFinite ? hi : 0)
            bnorm += b * b
            let yi = y[i]
            if yi > 0 {
                if lo.isFinite { dualObj += lo * yi } else { dr += yi * yi }
            } else if yi < 0 {
                if hi.isFinite { dualObj += hi * yi } else { dr += yi * yi }
            }
        }
        for j in 0..<lp.columns {
            let c = lp.objective[j]
            cnorm += c * c
            pobj += c * x[j]
            let r = c - aty[j]
            let l = lp.lower[j], u = lp.upper[j]
            if x[j] < l { bv = max(bv, (l - x[j]) / (1 + abs(l))) }
            if x[j] > u { bv = max(bv, (x[j] - u) / (1 + abs(u))) }
            if r > 0 {
                if l.isFinite { dualObj += l * r } else { dr += r * r }
            } else if r < 0 {
                if u.isFinite { dualObj += u * r } else { dr += r * r }
            }
        }
        dualObj += lp.objectiveOffset
        primalObjective = pobj
        dualObjective = dualObj
        primalResidual = pr.squareRoot()
        dualResidual = dr.squareRoot()
        relativePrimalResidual = primalResidual / (1 + bnorm.squareRoot())
        relativeDualResidual = dualResidual / (1 + cnorm.squareRoot())
        relativeGap = abs(pobj - dualObj) / (1 + abs(pobj) + abs(dualObj))
        maxBoundViolation = bv
    }

    static func transposeMultiply(_ lp: LinearProgram, _ y: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: lp.columns)
        let m = lp.matrix
        for i in 0..<m.rows where y[i] != 0 {
            for p in m.rowStart[i]..<m.rowStart[i + 1] { out[Int(m.colIndex[p])] += m.values[p] * y[i] }
        }
        return out
    }
}
