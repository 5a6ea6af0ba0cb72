import SyncoModel
import SyncoSparse

/// Leontief analysis of an economy: gross output required for the needs, total (direct +
/// indirect) resource content per unit of each product — labour values, embodied CO2, land,
/// water — and output multipliers, with one technique per product (`LeontiefSystem`).
///
/// Gross output q solves (I − A)·q = d; content c_k solves (I − Aᵀ)·c_k = r_k for every
/// resource k; multipliers m (column sums of (I − A)⁻¹) solve (I − Aᵀ)·m = 1. The transposed
/// systems share one block iteration, so A is streamed once per step for all of them.
public struct LeontiefAnalysis: Sendable {
    public let grossOutput: [Double]
    /// Activity of each product's primary technique (gross output / its output coefficient).
    public let activity: [Double]
    /// `content[k][j]`: resource k embodied in one unit of product j.
    public let content: [[Double]]
    /// Total use of each resource to meet the needs.
    public let resourceUse: [Double]
    public let multipliers: [Double]
    public let primaryTechnique: [Int32]
    public let iterations: (gross: Int, content: Int)
    public let converged: Bool
    public let relativeChange: Double
    /// Nonzeros streamed by all SpMVs (for bandwidth accounting in benchmarks).
    public let nonzerosStreamed: Int
    public let bytesStreamed: Int

    public struct NotProductive: Error, Sendable, CustomStringConvertible {
        public let issue: ValidationIssue
        public var description: String { issue.description }
    }

    /// `deflate`: take the Perron mode out of the Neumann iterations (`PerronPair`, found by
    /// power iteration first); a third (realistic shape) to a half (uniform) fewer iterations on the generated economies.
    public init(_ e: Economy, system: LeontiefSystem? = nil, solver: LeontiefSolver = LeontiefSolver(),
                deflate: Bool = false) throws(NotProductive) {
        let sys = system ?? LeontiefSystem(e)
        let n = e.productCount
        let k = e.resourceCount
        let d = LeontiefSystem.finalDemand(e)
        let pair = deflate && solver.method == .neumann ? sys.perron : nil
        let g = solver.solve(sys.a, d, deflation: pair?.forward, side: .above)
        // Block right-hand side: resources' coefficient rows, then ones for the multipliers.
        let w = k + 1
        var rhs = [Double](repeating: 0, count: n * w)
        let rt = sys.r.transposed() // products × resources
        for j in 0..<n {
            for p in rt.rowStart[j]..<rt.rowStart[j + 1] { rhs[j * w + Int(rt.colIndex[p])] += rt.values[p] }
            rhs[j * w + k] = 1
        }
        let c = solver.solve(sys.aTransposed, rhs, width: w, deflation: pair?.transposed)
        guard g.converged && c.converged else {
            throw NotProductive(issue: LeontiefAnalysis.productivityIssue(e, sys) ?? ValidationIssue(
                "not-converged", at: "techniques",
                "the Leontief iteration did not reach tolerance \(solver.tolerance) in \(solver.maxIterations) iterations (last relative change \(max(g.relativeChange, c.relativeChange)))"))
        }
        grossOutput = g.x
        var act = [Double](repeating: 0, count: e.techniqueCount)
        var actPerProduct = [Double](repeating: 0, count: n)
        for j in 0..<n where sys.primaryTechnique[j] >= 0 {
            actPerProduct[j] = g.x[j] / sys.primaryOutput[j]
            act[Int(sys.primaryTechnique[j])] += actPerProduct[j]
        }
        activity = act
        var cont = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var mult = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for r in 0..<k { cont[r][j] = c.x[j * w + r] }
            mult[j] = c.x[j * w + k]
        }
        content = cont
        multipliers = mult
        resourceUse = sys.r.multiply(g.x)
        primaryTechnique = sys.primaryTechnique
        iterations = (g.iterations, c.iterations)
        converged = true
        relativeChange = max(g.relativeChange, c.relativeChange)
        nonzerosStreamed = g.nonzerosStreamed + c.nonzerosStreamed
        bytesStreamed = g.iterations * sys.a.bytesPerMultiply
            + c.iterations * (sys.aTransposed.nonzeros * 12 + (n + 1) * 8 + 2 * n * w * 8)
    }

    /// The Hawkins–Simon check: with one technique per product, a nonnegative gross output
    /// meets every nonnegative need iff ρ(A) < 1. Returns an issue naming the products in the
    /// non-productive cycle (largest entries of the Perron vector) when ρ ≥ 1.
    public static func productivityIssue(_ e: Economy, _ sys: LeontiefSystem? = nil) -> ValidationIssue? {
        let s = sys ?? LeontiefSystem(e)
        let est = SpectralRadiusEstimate(s.a)
        guard est.radius >= 1 - 1e-9 else { return nil }
        let top = est.vector.indices.sorted { est.vector[$0] > est.vector[$1] }.prefix(10)
            .filter { est.vector[$0] > 1e-3 * (est.vector.max() ?? 1) }
        let names = top.map { e.products[$0].id }.joined(separator: ", ")
        let rho = (est.radius * 1e6).rounded() / 1e6
        return ValidationIssue("not-productive", at: "techniques",
            "the economy is not productive (Hawkins–Simon fails): spectral radius of the direct-requirements matrix ≈ \(rho) ≥ 1, so no nonnegative gross output meets the needs; products involved: \(names)")
    }
}
