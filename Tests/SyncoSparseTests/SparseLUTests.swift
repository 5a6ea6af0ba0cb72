import Testing
import SyncoSparse

/// The sparse LU against dense Gaussian elimination written here, independently.
@Suite struct SparseLUTests {
    /// Dense solve with partial pivoting (the reference).
    func denseSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a, r = b
        let n = b.count
        for k in 0..<n {
            let p = (k..<n).max { abs(m[$0][k]) < abs(m[$1][k]) }!
            m.swapAt(k, p); r.swapAt(k, p)
            for i in (k + 1)..<n where m[i][k] != 0 {
                let l = m[i][k] / m[k][k]
                for j in k..<n { m[i][j] -= l * m[k][j] }
                r[i] -= l * r[k]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            var s = r[k]
            for j in (k + 1)..<n { s -= m[k][j] * x[j] }
            x[k] = s / m[k][k]
        }
        return x
    }

    func columns(_ a: [[Double]]) -> [(rows: [Int32], values: [Double])] {
        (0..<a.count).map { j in
            let rows = (0..<a.count).filter { a[$0][j] != 0 }
            return (rows.map(Int32.init), rows.map { a[$0][j] })
        }
    }

    /// A Leontief-like block (I − A, A sparse) with unit columns mixed in, as a simplex basis is.
    func basisLike(_ n: Int, seed: UInt64) -> [[Double]] {
        var s = seed
        var a = randomDense(rows: n, cols: n, density: 0.15, seed: &s)
        for i in 0..<n { for j in 0..<n { a[i][j] = i == j ? 1 : -abs(a[i][j]) * 0.3 } }
        for j in stride(from: 0, to: n, by: 4) { for i in 0..<n { a[i][j] = i == (j * 7 + 3) % n ? -1 : 0 } }
        return a
    }

    @Test func solvesAndTransposedSolvesMatchDenseElimination() {
        let n = 40
        let a = basisLike(n, seed: 11)
        let lu = SparseLU(size: n, columns: columns(a))
        #expect(!lu.isSingular)
        let b = (0..<n).map { Double($0 % 7) - 2.5 }
        var x = b, scratch = [Double](repeating: 0, count: n)
        lu.solve(&x, scratch: &scratch)
        let ref = denseSolve(a, b)
        for i in 0..<n { #expect(abs(x[i] - ref[i]) < 1e-10) }
        let at = (0..<n).map { i in (0..<n).map { a[$0][i] } }
        var y = b
        lu.solveTransposed(&y, scratch: &scratch)
        let refT = denseSolve(at, b)
        for i in 0..<n { #expect(abs(y[i] - refT[i]) < 1e-10) }
    }

    /// Three columns replaced through the product form agree with factorising the new matrix.
    @Test func updatesAgreeWithTheReplacedMatrix() {
        let n = 30
        var a = basisLike(n, seed: 5)
        var lu = SparseLU(size: n, columns: columns(a))
        var scratch = [Double](repeating: 0, count: n)
        for (step, p) in [3, 17, 3].enumerated() {
            let newColumn = (0..<n).map { i in i == p ? 2.0 : (i % (step + 3) == 0 ? 0.25 : 0) }
            var alpha = newColumn
            lu.solve(&alpha, scratch: &scratch)
            lu.update(position: p, alpha: alpha)
            for i in 0..<n { a[i][p] = newColumn[i] }
        }
        let b = (0..<n).map { 1 + Double($0) / 10 }
        var x = b
        lu.solve(&x, scratch: &scratch)
        let ref = denseSolve(a, b)
        for i in 0..<n { #expect(abs(x[i] - ref[i]) < 1e-10) }
        var y = b
        lu.solveTransposed(&y, scratch: &scratch)
        let refT = denseSolve((0..<n).map { i in (0..<n).map { a[$0][i] } }, b)
        for i in 0..<n { #expect(abs(y[i] - refT[i]) < 1e-10) }
        // Three right-hand sides in the lanes of one solve, the fourth lane zero: each lane is
        // its own dense solution, through the etas too.
        let second: [Double] = (0..<n).map { $0 == 4 ? 0 : Double($0 % 5) - 2 }
        let third: [Double] = (0..<n).map { $0 % 3 == 0 ? 1.5 : 0 }
        let rhs: [[Double]] = [b, second, third]
        var lanes: [SIMD4<Double>] = (0..<n).map { i in SIMD4(b[i], second[i], third[i], 0) }
        var laneScratch = lanes
        lu.solveLanes(&lanes, scratch: &laneScratch)
        for (l, r) in rhs.enumerated() {
            let ref = denseSolve(a, r)
            for i in 0..<n { #expect(abs(lanes[i][l] - ref[i]) < 1e-10, "lane \(l), position \(i)") }
        }
        #expect(lanes.allSatisfy { $0[3] == 0 })
    }

    /// A basis large and dense enough (160 columns, 15 % of I − A's entries) that its trailing
    /// block fills and is eliminated densely: solves agree with dense elimination, and two
    /// equal columns there are reported as in the sparse elimination.
    @Test func aFilledTrailingBlockIsEliminatedDensely() {
        let n = 160
        var a = basisLike(n, seed: 23)
        var lu = SparseLU(size: n, columns: columns(a))
        #expect(!lu.isSingular)
        #expect(lu.denseBlockSize >= 64, "a dense trailing block: \(lu.denseBlockSize) columns")
        let b = (0..<n).map { Double($0 % 5) - 1.5 }
        var x = b, scratch = [Double](repeating: 0, count: n)
        lu.solve(&x, scratch: &scratch)
        let ref = denseSolve(a, b)
        for i in 0..<n { #expect(abs(x[i] - ref[i]) < 1e-9 * max(1, abs(ref[i]))) }
        var y = b
        lu.solveTransposed(&y, scratch: &scratch)
        let refT = denseSolve((0..<n).map { i in (0..<n).map { a[$0][i] } }, b)
        for i in 0..<n { #expect(abs(y[i] - refT[i]) < 1e-9 * max(1, abs(refT[i]))) }
        // Column 9 a billion times column 5 (neither a unit column): one of them stays
        // unpivoted, though the rounding left of it is far above 1e-9; completed by the slack
        // of the row left, the factors solve the completed matrix.
        for i in 0..<n { a[i][9] = 1e9 * a[i][5] }
        lu = SparseLU(size: n, columns: columns(a))
        #expect(lu.denseBlockSize >= 64)
        #expect(lu.singularColumns.count == 1 && lu.singularRows.count == 1, "\(lu.singularColumns)")
        #expect([5, 9].contains(lu.singularColumns.first ?? -1), "\(lu.singularColumns)")
        guard let p = lu.singularColumns.first, let row = lu.singularRows.first else { return }
        lu.completeWithUnitColumns(sign: -1)
        for i in 0..<n { a[i][p] = i == row ? -1 : 0 }
        var z = b
        lu.solve(&z, scratch: &scratch)
        let refC = denseSolve(a, b)
        for i in 0..<n { #expect(abs(z[i] - refC[i]) < 1e-7 * max(1, abs(refC[i]))) }
    }

    /// A dense matrix of entries about 10^8 whose last column is a combination of the two before: the dense block
    /// leaves one unpivoted, though the rounding left of it (about 10^-8) is above `tiny`
    /// (the test is relative to the column's size).
    @Test func aDependentColumnOfLargeEntriesInTheDenseBlockIsReported() {
        let n = 100
        var s: UInt64 = 31
        var a = randomDense(rows: n, cols: n, density: 1, seed: &s)
        for i in 0..<n { a[i][i] += 4; a[i][n - 1] = 3 * a[i][n - 2] + 0.7 * a[i][n - 3] }
        for i in 0..<n { for j in 0..<n { a[i][j] *= 1e8 } }
        let lu = SparseLU(size: n, columns: columns(a))
        #expect(lu.denseBlockSize > 0)
        #expect(lu.singularColumns.count == 1 && lu.singularRows.count == 1, "\(lu.singularColumns)")
    }

    /// Two equal columns: one is reported with the row left unpivoted.
    @Test func dependentColumnsAreReported() {
        let a: [[Double]] = [[1, 2, 2], [0, 1, 1], [3, 0, 0]]
        let lu = SparseLU(size: 3, columns: columns(a))
        #expect(lu.singularColumns.count == 1 && lu.singularRows.count == 1)
        #expect([1, 2].contains(lu.singularColumns[0]))
    }
}
