import SyncoModel
import SyncoSparse

/// The square input–output system of an economy with one technique chosen per product.
///
/// For every product j the *primary technique* is the first technique whose largest output is
/// j (else the first that outputs j at all). Coefficients are taken per unit of j's output:
/// a_ij = (input_i − by-product_i) / output_j, r_kj = resource_k / output_j. Joint by-products
/// thus enter as negative requirements; products without any technique keep an empty column.
public struct LeontiefSystem: Sendable {
    /// Direct requirements, products × products (per unit of column product).
    public let a: CSRMatrix
    /// Resource coefficients per unit of each product, resources × products.
    public let r: CSRMatrix
    /// Primary technique per product, or -1 where no technique produces the product.
    public let primaryTechnique: [Int32]
    /// Output of the product per unit of its primary technique's activity.
    public let primaryOutput: [Double]

    public init(_ e: Economy) {
        let n = e.productCount
        let t = e.techniques
        var primary = [Int32](repeating: -1, count: n)
        var mainOut = [Double](repeating: 0, count: n)
        var fallback = [Int32](repeating: -1, count: n)
        var fallbackOut = [Double](repeating: 0, count: n)
        for j in 0..<t.count {
            var best = -1
            var bestAmount = 0.0
            for p in t.outputs.range(j) {
                let i = Int(t.outputs.index[p]), v = t.outputs.amount[p]
                if v > bestAmount { best = i; bestAmount = v }
                if v > 0 && fallback[i] < 0 { fallback[i] = Int32(j); fallbackOut[i] = v }
            }
            if best >= 0 && primary[best] < 0 { primary[best] = Int32(j); mainOut[best] = bestAmount }
        }
        for i in 0..<n where primary[i] < 0 && fallback[i] >= 0 {
            primary[i] = fallback[i]
            mainOut[i] = fallbackOut[i]
        }
        self.init(e, primary: primary, output: mainOut)
    }

    /// The square system of a given choice: `primary[j]` is the technique that carries product j
    /// (−1 for none) and `output[j]` its output of j per unit of activity (> 0 where chosen).
    /// Used by the basis polish, whose choice comes from the solver's iterate.
    public init(_ e: Economy, primary: [Int32], output mainOut: [Double]) {
        let (at, rt) = LeontiefSystem.columns(e, primary: primary, output: mainOut)
        a = at.transposed()
        r = rt.transposed()
        primaryTechnique = primary
        primaryOutput = mainOut
        aTransposedStorage = at
    }

    /// The columns of a choice's system without transposing them: Aᵀ (row j: what one unit of
    /// product j takes, by-products negative) and rᵀ (row j: its resources), both products ×
    /// (products or resources) in CSR form. Enough for transposed solves (prices), which is
    /// all a pricing step needs; `init` transposes them for forward solves.
    static func columns(_ e: Economy, primary: [Int32], output mainOut: [Double]) -> (at: CSRMatrix, rt: CSRMatrix) {
        let n = e.productCount
        let t = e.techniques
        precondition(primary.count == n && mainOut.count == n)
        // Build A column by column, then transpose to CSR (rows = required product).
        var colStart = [0]
        colStart.reserveCapacity(n + 1)
        var rowIdx: [Int32] = []
        var vals: [Double] = []
        rowIdx.reserveCapacity(t.inputs.entryCount)
        vals.reserveCapacity(t.inputs.entryCount)
        var rStart = [0]
        rStart.reserveCapacity(n + 1)
        var rIdx: [Int32] = []
        var rVals: [Double] = []
        for j in 0..<n {
            let tj = Int(primary[j])
            if tj >= 0 {
                let scale = 1 / mainOut[j]
                for p in t.inputs.range(tj) {
                    rowIdx.append(t.inputs.index[p])
                    vals.append(t.inputs.amount[p] * scale)
                }
                for p in t.outputs.range(tj) where Int(t.outputs.index[p]) != j {
                    rowIdx.append(t.outputs.index[p])
                    vals.append(-t.outputs.amount[p] * scale)
                }
                for p in t.resources.range(tj) {
                    rIdx.append(t.resources.index[p])
                    rVals.append(t.resources.amount[p] * scale)
                }
            }
            colStart.append(rowIdx.count)
            rStart.append(rIdx.count)
        }
        // The column-wise arrays are the CSR forms of Aᵀ and rᵀ.
        return (CSRMatrix(rows: n, columns: n, rowStart: colStart, colIndex: rowIdx, values: vals),
                CSRMatrix(rows: n, columns: e.resourceCount, rowStart: rStart, colIndex: rIdx, values: rVals))
    }

    private let aTransposedStorage: CSRMatrix
    /// Aᵀ in CSR form (the columns of A), kept from construction for transposed solves.
    public var aTransposed: CSRMatrix { aTransposedStorage }

    /// The amount of resource `k` embodied in one unit of each product, v = ℓ_k(I − A)⁻¹ (a solve
    /// with Aᵀ; ℓ_k is row k of `r`), or nil when the solve does not converge. `initial` is an
    /// earlier answer to start from.
    public func embodied(resource k: Int, tolerance: Double, initial: [Double]? = nil) -> [Double]? {
        let n = a.rows
        var ell = [Double](repeating: 0, count: n)
        for q in r.rowStart[k]..<r.rowStart[k + 1] { ell[Int(r.colIndex[q])] = r.values[q] }
        let sol = LeontiefSolver(tolerance: tolerance, maxIterations: 2000).solve(aTransposed, ell, initial: initial)
        return sol.converged ? sol.x : nil
    }

    /// Activities of the primary techniques (out of `techniques`) that give these gross outputs
    /// (negative ones read as zero).
    public func activities(gross: [Double], techniques m: Int) -> [Double] {
        var x = [Double](repeating: 0, count: m)
        for j in 0..<a.rows where primaryTechnique[j] >= 0 {
            x[Int(primaryTechnique[j])] += max(0, gross[j]) / primaryOutput[j]
        }
        return x
    }

    /// Final demand per product: all needs at full fulfilment (guaranteed and other).
    public static func finalDemand(_ e: Economy) -> [Double] {
        var d = [Double](repeating: 0, count: e.productCount)
        for need in e.needs { d[Int(need.product)] += need.amount }
        return d
    }
}
