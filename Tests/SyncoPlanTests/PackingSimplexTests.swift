import Testing
@testable import SyncoPlan

/// The harmony path's bounded simplex against answers worked by hand.
@Suite struct PackingSimplexTests {
    func value(_ s: PackingSimplex) -> Double { zip(s.values, s.cost).map { $0 * $1 }.reduce(0, +) }

    /// The bounds example's program with the row 2x + y ≤ 6.5, from a dual feasible basis: the
    /// dual simplex and then the primal must end at 10.3, (2.7, 1.1), μ = (0, 0.2, 1.4).
    func expectTheCutOptimum(_ s: inout PackingSimplex) {
        #expect(s.solveDual(maxPivots: 100) == .optimal)
        #expect(s.solve(maxPivots: 100) == .optimal)
        let x = s.values, mu = s.duals
        #expect(abs(value(s) - 10.3) < 1e-12)
        #expect(abs(x[0] - 2.7) < 1e-12 && abs(x[1] + x[2] - 1.1) < 1e-12)
        #expect(abs(mu[0]) < 1e-12 && abs(mu[1] - 0.2) < 1e-12 && abs(mu[2] - 1.4) < 1e-12)
    }

    /// A primal simplex that does not raise its objective over its stall window ends with
    /// `.pivotLimit` (checked at each fresh inverse), instead of spending its pivot budget. The
    /// chain s₀ ≤ s₁ ≤ … ≤ s₁₁ (eleven rows sᵢ − sᵢ₊₁ ≤ 0, b = 0), every column worth 1 up to
    /// 1: from the slack basis each column enters on a pivot of step zero (its row's slack is at
    /// zero) until the last one lifts the whole chain to 1 (value 12). Eleven pivots at 0: with
    /// a window of four the solve stops at the fifth; with the default window it reaches 12.
    @Test func aStalledPrimalEndsAtItsWindow() {
        let k = 12
        var g = [Double](repeating: 0, count: (k - 1) * k)
        for i in 0..<(k - 1) { g[i * k + i] = 1; g[i * k + i + 1] = -1 }
        func chain() -> PackingSimplex {
            var s = PackingSimplex(rows: k - 1, width: k, g: g, b: [Double](repeating: 0, count: k - 1),
                                   column: Array(0..<k), cost: [Double](repeating: 1, count: k), upper: [Double](repeating: 1, count: k))
            s.refactorEvery = 1
            return s
        }
        var stalled = chain()
        stalled.stallWindow = 4
        #expect(stalled.solve(maxPivots: 1000) == .pivotLimit)
        #expect(stalled.pivots == 5 && value(stalled) == 0, "\(stalled.pivots) pivots, value \(value(stalled))")
        var free = chain()
        #expect(free.solve(maxPivots: 1000) == .optimal)
        #expect(free.pivots == k - 1 && abs(value(free) - Double(k)) < 1e-12, "\(free.pivots) pivots, value \(value(free))")
    }

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
        expectTheCutOptimum(&s)
    }

    /// The long-step dual ratio test. max Σ c_p·y_p + 0.5x with y in four pieces of one column
    /// (bounds 1, costs 4, 3, 2, 1: a concave target) and y + x ≤ 10: every piece at its bound,
    /// x = 6, μ = 0.5, value 13. The row y ≤ 0.5 then cuts by 3.5. The pieces' reduced costs are
    /// 3.5, 2.5, 1.5, 0.5 against α = 1 each: passing the three cheapest leaves 0.5 of the
    /// infeasibility, so one pivot flips them to zero and the first piece enters at 0.5 (one
    /// piece at a time took four pivots). Optimum: y = 0.5, x = 9.5, value 6.75, μ = (0.5, 3.5).
    @Test func longStepPassesSeveralPiecesInOnePivot() {
        var s = PackingSimplex(rows: 1, width: 2, g: [1, 1], b: [10], column: [0, 0, 0, 0, 1],
                               cost: [4, 3, 2, 1, 0.5], upper: [1, 1, 1, 1, .infinity])
        #expect(s.solve(maxPivots: 100) == .optimal)
        #expect(abs(value(s) - 13) < 1e-12)
        s.addRows([1, 0], b: [0.5])
        let pivots = s.pivots, flips = s.flips
        #expect(s.solveDual(maxPivots: 100) == .optimal)
        #expect(s.pivots - pivots == 1 && s.flips - flips == 3)
        #expect(s.solve(maxPivots: 100) == .optimal)
        let x = s.values, mu = s.duals
        #expect(abs(value(s) - 6.75) < 1e-12)
        #expect(abs(x[0] - 0.5) < 1e-12 && x[1] == 0 && x[2] == 0 && x[3] == 0 && abs(x[4] - 9.5) < 1e-12)
        #expect(abs(mu[0] - 0.5) < 1e-12 && abs(mu[1] - 3.5) < 1e-12)
    }

    /// A column no row bounds is reported with the ray that grows with it.
    @Test func unboundedColumnIsNamed() {
        var s = PackingSimplex(rows: 1, width: 2, g: [1, -1], b: [1], column: [0, 1], cost: [0, 1],
                               upper: [.infinity, .infinity])
        #expect(s.solve(maxPivots: 100) == .unbounded)
        #expect(s.unboundedRay.first == 1)
    }

    /// A warm start from the optimal basis of the bounds example above (x at its bound 3, y's
    /// second piece basic at 0.5 in row one, both other slacks basic), on the program with the
    /// row 2x + y ≤ 6.5 already in: the basis breaks that row by 0.5, and the dual simplex must
    /// reach the same 10.3 at (2.7, 1.1) as the row generation above. A start with more rows
    /// off than allowed is refused.
    @Test func warmStartFromAnOldBasis() {
        func program() -> PackingSimplex {
            PackingSimplex(rows: 3, width: 2, g: [1, 1, 1, 3, 2, 1], b: [4, 6, 6.5],
                           column: [0, 1, 1], cost: [3, 2, 2], upper: [3, 0.5, .infinity])
        }
        var refused = program()
        let refusedStart = refused.start(basis: [2, 4, 5], atUpper: [true, true, false], maxInfeasible: 0)
        #expect(!refusedStart)
        var s = program()
        let started = s.start(basis: [2, 4, 5], atUpper: [true, true, false], maxInfeasible: 1)
        #expect(started)
        expectTheCutOptimum(&s)
        #expect(s.pivots <= 2)
    }

    /// A start where a column without an upper bound would gain by leaving zero (a harmony
    /// piece above its target whose value crossed its slope): it cannot flip, so it is held at
    /// zero through the dual simplex, and the primal simplex takes it in. max 3x + 2y + w with
    /// x + y ≤ 4, x + 3y + 2w ≤ 6, 2x + y ≤ 6.5, x ≤ 3: from x at its bound and y basic in row
    /// one (y = 1, row three broken by 0.5; w prices at 1 > 0), the optimum is x = 3 (it gains
    /// 1.5 at its bound), y = 0.5 (row three), w = 0.75 (row two): 10.75, μ = (0, 0.5, 0.5) from
    /// 2μ₂ = 1 (w) and 3μ₂ + μ₃ = 2 (y).
    @Test func aColumnWithoutBoundWaitsForThePrimal() {
        var s = PackingSimplex(rows: 3, width: 3, g: [1, 1, 0, 1, 3, 2, 2, 1, 0], b: [4, 6, 6.5],
                               column: [0, 1, 2], cost: [3, 2, 1], upper: [3, .infinity, .infinity])
        let started = s.start(basis: [1, 4, 5], atUpper: [true, false, false], maxInfeasible: 1)
        #expect(started)
        #expect(s.solveDual(maxPivots: 100) == .optimal)
        #expect(s.solve(maxPivots: 100) == .optimal)
        let x = s.values, mu = s.duals
        #expect(abs(value(s) - 10.75) < 1e-12)
        #expect(abs(x[0] - 3) < 1e-12 && abs(x[1] - 0.5) < 1e-12 && abs(x[2] - 0.75) < 1e-12)
        #expect(abs(mu[0]) < 1e-12 && abs(mu[1] - 0.5) < 1e-12 && abs(mu[2] - 0.5) < 1e-12)
    }

    /// A pivot row whose entries differ by ten orders of magnitude (a capacity row beside a
    /// resource row in harmony's programs): max 10¹⁰·x₁ + 0.3·x₂ with 10¹⁰·x₁ + 0.5·x₂ ≤ 5·10⁹,
    /// 0 ≤ x ≤ 1. Per unit of the row x₁ gives 1 and x₂ 0.6, so x₁ takes it all: x = (0.5, 0),
    /// value 5·10⁹, μ = 1 (x₂'s reduced cost 0.3 − 0.5 = −0.2 at zero). From the slack basis with
    /// both columns at their bound, x₂'s entry in the pivot row is below the pivot tolerance: it
    /// is no candidate, x₁ enters, and x₂ must still go to zero, not stay at 1 with a reduced
    /// cost of the wrong sign (the dual simplex then ended "optimal" 0.2 short, with the primal
    /// simplex left to finish).
    @Test func aTinyPivotRowEntryStaysDualFeasible() {
        var s = PackingSimplex(rows: 1, width: 2, g: [1e10, 0.5], b: [5e9], column: [0, 1], cost: [1e10, 0.3], upper: [1, 1])
        let started = s.start(basis: [2], atUpper: [true, true], maxInfeasible: 1, dualFeasible: true)
        #expect(started)
        #expect(s.solveDual(maxPivots: 10) == .optimal)
        let x = s.values, mu = s.duals
        #expect(abs(x[0] - 0.5) < 1e-15 && x[1] == 0, "x = \(x)")
        #expect(abs(value(s) - 5e9) <= 1e-12 * 5e9, "value \(value(s))")
        #expect(abs(mu[0] - 1) < 1e-12)
    }

    /// Warm starts agree with cold solves on random packing programs whose limits moved by up to
    /// 20 %: the old optimal basis, carried over, ends at the same optimum (the cold simplex is
    /// the one checked by hand above).
    @Test func warmStartAgreesWithColdOnRandomPrograms() {
        var seed: UInt64 = 12345
        func unit() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        var started = 0
        for _ in 0..<40 {
            let m = 3 + Int(unit() * 6), width = 10 + Int(unit() * 30)
            let g = (0..<(m * width)).map { _ in unit() < 0.15 ? -0.3 * unit() : unit() }
            let b = (0..<m).map { _ in 1 + 4 * unit() }
            let column = (0..<width).flatMap { [$0, $0] }
            let cost = column.indices.map { $0 % 2 == 0 ? 1 + unit() : 0.2 * unit() }
            let upper = column.indices.map { $0 % 2 == 0 ? 0.5 + unit() : 2 * unit() }
            var first = PackingSimplex(rows: m, width: width, g: g, b: b, column: column, cost: cost, upper: upper)
            guard first.solve(maxPivots: 1000) == .optimal else { continue }
            let moved = b.map { $0 * (0.8 + 0.4 * unit()) }
            var cold = PackingSimplex(rows: m, width: width, g: g, b: moved, column: column, cost: cost, upper: upper)
            #expect(cold.solve(maxPivots: 1000) == .optimal)
            var warm = PackingSimplex(rows: m, width: width, g: g, b: moved, column: column, cost: cost, upper: upper)
            guard warm.start(basis: first.basic, atUpper: first.status.map { $0 == 1 }, maxInfeasible: m) else { continue }
            started += 1
            #expect(warm.solveDual(maxPivots: 1000) == .optimal)
            #expect(warm.solve(maxPivots: 1000) == .optimal)
            #expect(abs(value(warm) - value(cold)) <= 1e-9 * max(1, abs(value(cold))))
        }
        #expect(started >= 30)
    }

    /// The panelled Gauss–Jordan inverse: a textbook 3 × 3 inverse (Strang: [[2, −1, 0],
    /// [−1, 2, −1], [0, −1, 2]]⁻¹ = [[3, 2, 1], [2, 4, 2], [1, 2, 3]] / 4); random matrices of
    /// sizes around and across the panel width, with zero diagonals that force row exchanges,
    /// whose product with their inverse is I; and a singular matrix refused.
    @Test func panelledInverse() throws {
        let strang = try #require(DenseKernels.invert([2, -1, 0, -1, 2, -1, 0, -1, 2], size: 3))
        let expected: [Double] = [3, 2, 1, 2, 4, 2, 1, 2, 3].map { $0 / 4 }
        for k in 0..<9 { #expect(abs(strang[k] - expected[k]) < 1e-15) }
        var state: UInt64 = 21
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53 - 0.5
        }
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 130, 600] {
            var a = (0..<(n * n)).map { _ in next() }
            // Zero diagonal (no pivot in place) on every other row.
            for r in stride(from: 0, to: n, by: 2) where n > 1 { a[r * n + r] = 0 }
            let inv = try #require(DenseKernels.invert(a, size: n), "size \(n)")
            var worst = 0.0
            for r in 0..<n {
                for c in 0..<n {
                    var sum = 0.0
                    for k in 0..<n { sum += a[r * n + k] * inv[k * n + c] }
                    worst = max(worst, abs(sum - (r == c ? 1 : 0)))
                }
            }
            #expect(worst < 1e-9, "size \(n): A·A⁻¹ off I by \(worst)")
        }
        // Rows 0 and 2 equal: singular.
        #expect(DenseKernels.invert([1, 2, 3, 4, 5, 6, 1, 2, 3], size: 3) == nil)
        #expect(DenseKernels.invert([0], size: 1) == nil)
    }
}
