import Testing
@testable import SyncoPlan

/// The master's simplex against textbook answers.
@Suite struct DenseSimplexTests {
    /// Chvátal, *Linear Programming* (1983), chapter 2: max 5x₁ + 4x₂ + 3x₃ subject to
    /// 2x₁ + 3x₂ + x₃ ≤ 5, 4x₁ + x₂ + 2x₃ ≤ 11, 3x₁ + 4x₂ + 2x₃ ≤ 8, x ≥ 0:
    /// optimum 13 at x = (2, 0, 1), shadow prices (1, 0, 1).
    @Test func chvatalChapterTwo() {
        let a: [[Double]] = [[2, 4, 3], [3, 1, 4], [1, 2, 2]]          // columns x₁, x₂, x₃
        var cols = a, costs: [Double] = [-5, -4, -3]
        for i in 0..<3 { var s = [0.0, 0, 0]; s[i] = 1; cols.append(s); costs.append(0) }
        var lp = DenseSimplex(b: [5, 11, 8], columns: cols, costs: costs, basis: [3, 4, 5])
        #expect(lp.solve() == .optimal)
        let x = lp.solution
        #expect(abs(x[0] - 2) < 1e-12 && abs(x[1]) < 1e-12 && abs(x[2] - 1) < 1e-12)
        #expect(abs(-5 * x[0] - 4 * x[1] - 3 * x[2] + 13) < 1e-12)
        let y = lp.duals
        #expect(abs(y[0] + 1) < 1e-12 && abs(y[1]) < 1e-12 && abs(y[2] + 1) < 1e-12)
    }

    /// Column generation's use: a column appended after a solve is priced in from the old basis.
    /// Adding x₄ with cost −6 and column (1, 1, 1) to the problem above: the warm re-solve must
    /// reach the value of the LP solved from scratch and the value worked out by hand.
    @Test func appendedColumnIsPricedIn() {
        let a: [[Double]] = [[2, 4, 3], [3, 1, 4], [1, 2, 2]]
        var cols = a, costs: [Double] = [-5, -4, -3]
        for i in 0..<3 { var s = [0.0, 0, 0]; s[i] = 1; cols.append(s); costs.append(0) }
        var warm = DenseSimplex(b: [5, 11, 8], columns: cols, costs: costs, basis: [3, 4, 5])
        _ = warm.solve()
        warm.append(column: [1, 1, 1], cost: -6)
        #expect(warm.solve() == .optimal)
        var cold = DenseSimplex(b: [5, 11, 8], columns: cols + [[1, 1, 1]], costs: costs + [-6], basis: [3, 4, 5])
        #expect(cold.solve() == .optimal)
        func value(_ s: DenseSimplex) -> Double { zip(s.solution, costs + [-6]).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(abs(value(warm) - value(cold)) < 1e-12)
        // By hand: x₄ alone is limited by row 1 (x₄ ≤ 5) and gives −30 < −13; x₄ = 5 with the
        // others 0 uses rows (5, 5, 5) ≤ (5, 11, 8); any x₁ would have to displace x₄ at
        // 2 units of row 1 each for 5 < 2·6. So −30.
        #expect(abs(value(cold) + 30) < 1e-12)
    }
}
