import Testing
@testable import SyncoPlan

/// The harmony path's bounded simplex against answers worked by hand.
@Suite struct PackingSimplexTests {
    func value(_ s: PackingSimplex) -> Double { zip(s.values, s.cost).map { $0 * $1 }.reduce(0, +) }

    /// Chvátal chapter 2 again (max 5x₁ + 4x₂ + 3x₃, three ≤ rows, x ≥ 0): 13 at (2, 0, 1),
    /// shadow prices (1, 0, 1).
    @Test func chvatalChapterTwo() {
        var s = PackingSimplex(rows: 3, width: 3, g: [2, 3, 1, 4, 1, 2, 3, 4, 2], b: [5, 11, 8],
                               column: [0, 1, 2], cost: [5, 4, 3], upper: [.infinity, .infinity, .infinity])
        #expect(s.solve(maxPivots: 100) == .optimal)
        #expect(abs(value(s) - 13) < 1e-12)
        let x = s.values, mu = s.duals
        #expect(abs(x[0] - 2) < 1e-12 && abs(x[1]) < 1e-12 && abs(x[2] - 1) < 1e-12)
        #expect(abs(mu[0] - 1) < 1e-12 && abs(mu[1]) < 1e-12 && abs(mu[2] - 1) < 1e-12)
    }

    /// Bounds, shared columns and a row added to the optimal basis. max 3x + 2y with x + y ≤ 4,
    /// x + 3y ≤ 6, x ≤ 3: the optimum (3, 1) = 11 flips x to its bound. y comes as two pieces of
    /// one column (cost 2 up to 0.5, then 2 again): they share the column of G. Then the row
    /// 2x + y ≤ 6.5 cuts (3, 1) off; the vertices left are (2.7, 1.1) = 10.3 (rows two and three
    /// binding, prices μ = (0, 0.2, 1.4) from 3 = μ₂ + 2μ₃, 2 = 3μ₂ + μ₃) and (3, 0.5) = 10. The
    /// dual simplex must reach 10.3 from the old basis.
    @Test func boundsSharedColumnsAndAnAddedRow() {
        var s = PackingSimplex(rows: 2, width: 2, g: [1, 1, 1, 3], b: [4, 6],
                               column: [0, 1, 1], cost: [3, 2, 2], upper: [3, 0.5, .infinity])
        #expect(s.solve(maxPivots: 100) == .optimal)
        #expect(abs(value(s) - 11) < 1e-12)
        s.addRows([2, 1], b: [6.5])
        #expect(s.solveDual(maxPivots: 100) == .optimal)
        #expect(s.solve(maxPivots: 100) == .optimal)
        let x = s.values, mu = s.duals
        #expect(abs(value(s) - 10.3) < 1e-12)
        #expect(abs(x[0] - 2.7) < 1e-12 && abs(x[1] + x[2] - 1.1) < 1e-12)
        #expect(abs(mu[0]) < 1e-12 && abs(mu[1] - 0.2) < 1e-12 && abs(mu[2] - 1.4) < 1e-12)
    }

    /// A column no row bounds is reported with the ray that grows with it.
    @Test func unboundedColumnIsNamed() {
        var s = PackingSimplex(rows: 1, width: 2, g: [1, -1], b: [1], column: [0, 1], cost: [0, 1],
                               upper: [.infinity, .infinity])
        #expect(s.solve(maxPivots: 100) == .unbounded)
        #expect(s.unboundedRay.first == 1)
    }
}
