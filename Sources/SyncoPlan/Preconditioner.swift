import SyncoSparse

/// Diagonal preconditioning of an LP as in PDLP (Applegate et al., "Practical large-scale
/// linear programming using primal-dual hybrid gradient", NeurIPS 2021, §3.4): a few Ruiz
/// equilibration passes (ℓ∞), then one Pock–Chambolle pass (α = 1, ℓ1), so that the scaled
/// K̃ = D_r·K·D_c has ‖K̃‖₂ ≤ 1; then the bounds and the objective are scaled to unit norm.
///
/// Scaled variables: x̃ = x / (D_c · βb), ỹ = y / (D_r · βc) — `unscale` maps back.
public struct Preconditioner: Sendable {
    public let rowScale: [Double]
    public let columnScale: [Double]
    /// Divisor applied to bounds (and thus primal values).
    public let boundScale: Double
    /// Divisor applied to the objective (and thus dual values).
    public let objectiveScale: Double

    public init(_ lp: LinearProgram, ruizIterations: Int = 10) {
        let m = lp.matrix
        var dr = [Double](repeating: 1, count: m.rows)
        var dc = [Double](repeating: 1, count: m.columns)
        var colMax = [Double](repeating: 0, count: m.columns)
        for _ in 0..<ruizIterations {
            for j in 0..<m.columns { colMax[j] = 0 }
            for i in 0..<m.rows {
                var rmax = 0.0
                for p in m.rowStart[i]..<m.rowStart[i + 1] {
                    let v = abs(m.values[p]) * dr[i] * dc[Int(m.colIndex[p])]
                    rmax = max(rmax, v)
                    colMax[Int(m.colIndex[p])] = max(colMax[Int(m.colIndex[p])], v)
                }
                if rmax > 0 { dr[i] /= rmax.squareRoot() }
            }
            for j in 0..<m.columns where colMax[j] > 0 { dc[j] /= colMax[j].squareRoot() }
        }
        // Pock–Chambolle with α = 1: rows by √(ℓ1 row norm), columns by √(ℓ1 column norm).
        var rowSum = [Double](repeating: 0, count: m.rows)
        var colSum = [Double](repeating: 0, count: m.columns)
        for i in 0..<m.rows {
            for p in m.rowStart[i]..<m.rowStart[i + 1] {
                let v = abs(m.values[p]) * dr[i] * dc[Int(m.colIndex[p])]
                rowSum[i] += v
                colSum[Int(m.colIndex[p])] += v
            }
        }
        for i in 0..<m.rows where rowSum[i] > 0 { dr[i] /= rowSum[i].squareRoot() }
        for j in 0..<m.columns where colSum[j] > 0 { dc[j] /= colSum[j].squareRoot() }
        rowScale = dr
        columnScale = dc
        var bn = 0.0
        for i in 0..<m.rows {
            let lo = lp.rowLower[i], hi = lp.rowUpper[i]
            let b = lo.isFinite ? lo : (hi.isFinite ? hi : 0)
            bn += (b * dr[i]) * (b * dr[i])
        }
        var cn = 0.0
        for j in 0..<m.columns { cn += (lp.objective[j] * dc[j]) * (lp.objective[j] * dc[j]) }
        boundScale = bn.squareRoot() + 1
        objectiveScale = cn.squareRoot() + 1
    }

    /// The scaled problem K̃ = D_r K D_c, c̃ = D_c c / βc, bounds / βb.
    public func scale(_ lp: LinearProgram) -> LinearProgram {
        let m = lp.matrix
        var v = m.values
        for i in 0..<m.rows {
            for p in m.rowStart[i]..<m.rowStart[i + 1] { v[p] *= rowScale[i] * columnScale[Int(m.colIndex[p])] }
        }
        let k = CSRMatrix(rows: m.rows, columns: m.columns, rowStart: m.rowStart, colIndex: m.colIndex, values: v)
        return LinearProgram(
            objective: (0..<m.columns).map { lp.objective[$0] * columnScale[$0] / objectiveScale },
            lower: (0..<m.columns).map { lp.lower[$0] / columnScale[$0] / boundScale },
            upper: (0..<m.columns).map { lp.upper[$0] / columnScale[$0] / boundScale },
            matrix: k,
            rowLower: (0..<m.rows).map { lp.rowLower[$0] * rowScale[$0] / boundScale },
            rowUpper: (0..<m.rows).map { lp.rowUpper[$0] * rowScale[$0] / boundScale },
            columnNames: lp.columnNames, rowNames: lp.rowNames)
    }

    public func unscalePrimal(_ x: [Double]) -> [Double] { (0..<x.count).map { x[$0] * columnScale[$0] * boundScale } }
    public func unscaleDual(_ y: [Double]) -> [Double] { (0..<y.count).map { y[$0] * rowScale[$0] * objectiveScale } }
    public func scalePrimal(_ x: [Double]) -> [Double] { (0..<x.count).map { x[$0] / columnScale[$0] / boundScale } }
    public func scaleDual(_ y: [Double]) -> [Double] { (0..<y.count).map { y[$0] / rowScale[$0] / objectiveScale } }
}
