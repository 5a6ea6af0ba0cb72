import Testing
import SyncoSparse

/// Dense reference product, written independently of the CSR kernels.
func denseMultiply(_ m: [[Double]], _ x: [Double]) -> [Double] {
    m.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
}

func randomDense(rows: Int, cols: Int, density: Double, seed: inout UInt64) -> [[Double]] {
    func next() -> Double {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Double(seed >> 11) * 0x1p-53
    }
    return (0..<rows).map { _ in (0..<cols).map { _ in next() < density ? next() - 0.3 : 0 } }
}

func csr(_ m: [[Double]]) -> CSRMatrix {
    var t: [(row: Int, column: Int, value: Double)] = []
    for (i, r) in m.enumerated() { for (j, v) in r.enumerated() where v != 0 { t.append((i, j, v)) } }
    return CSRMatrix(rows: m.count, columns: m.first?.count ?? 0, triplets: t)
}

@Suite struct CSRKernels {
    /// A transpose large enough to be split over threads: each column lists its rows in
    /// increasing order (as one thread's scatter does), and transposing twice gives the matrix
    /// back, every index and value in place (its rows were sorted).
    @Test func largeTransposeOnSeveralThreads() {
        let rows = 30_000, cols = 20_000, perRow = 40
        var seed: UInt64 = 7
        var start = [0], index: [Int32] = [], value: [Double] = []
        for _ in 0..<rows {
            var cs = Set<Int32>()
            while cs.count < perRow {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                cs.insert(Int32((seed >> 33) % UInt64(cols)))
            }
            for c in cs.sorted() {
                index.append(c)
                value.append(Double(index.count) * 0.5)
            }
            start.append(index.count)
        }
        let a = CSRMatrix(rows: rows, columns: cols, rowStart: start, colIndex: index, values: value)
        let t = a.transposed()
        #expect(t.rows == cols && t.columns == rows && t.nonzeros == a.nonzeros)
        var sorted = true
        for j in 0..<cols where t.rowStart[j + 1] - t.rowStart[j] > 1 {
            for p in t.rowStart[j] + 1..<t.rowStart[j + 1] where t.colIndex[p] <= t.colIndex[p - 1] { sorted = false }
        }
        #expect(sorted)
        let back = t.transposed()
        #expect(back.rowStart == a.rowStart && back.colIndex == a.colIndex && back.values == a.values)
    }

    @Test func multiplyMatchesDense() {
        var seed: UInt64 = 7
        let m = randomDense(rows: 37, cols: 23, density: 0.2, seed: &seed)
        let a = csr(m)
        let x = (0..<23).map { Double($0) * 0.1 - 1 }
        let y = a.multiply(x)
        for (u, v) in zip(y, denseMultiply(m, x)) { #expect(abs(u - v) < 1e-12) }
        let mt = (0..<23).map { j in m.map { $0[j] } }
        let xt = (0..<37).map { Double($0 % 5) }
        for (u, v) in zip(a.transposed().multiply(xt), denseMultiply(mt, xt)) { #expect(abs(u - v) < 1e-12) }
    }

    @Test func duplicatesAreSummed() {
        let a = CSRMatrix(rows: 2, columns: 2, triplets: [(0, 1, 1), (0, 1, 2), (1, 0, 5)])
        #expect(a.nonzeros == 2)
        #expect(a.multiply([1, 1]) == [3, 5])
    }

    @Test func parallelPathMatchesSerialReference() {
        // Large enough for the multi-threaded path (> 200k nonzeros).
        let n = 60_000
        var t: [(row: Int, column: Int, value: Double)] = []
        var s: UInt64 = 3
        for i in 0..<n {
            for _ in 0..<5 {
                s = s &* 6364136223846793005 &+ 1442695040888963407
                t.append((i, Int(s >> 33) % n, Double((s >> 20) & 0xFF) / 256))
            }
        }
        let a = CSRMatrix(rows: n, columns: n, triplets: t)
        #expect(a.nonzeros > 200_000 || a.nonzeros > 250_000 - 1000)
        let x = (0..<n).map { Double($0 % 17) - 8 }
        let y = a.multiply(x)
        var ref = [Double](repeating: 0, count: n)
        for i in 0..<n { for p in a.rowStart[i]..<a.rowStart[i + 1] { ref[i] += a.values[p] * x[Int(a.colIndex[p])] } }
        #expect(zip(y, ref).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        // Block multiply with 3 right-hand sides equals three single multiplies.
        let xs = (0..<(n * 3)).map { Double($0 % 11) }
        var yb = [Double](repeating: 0, count: n * 3)
        xs.withUnsafeBufferPointer { xp in yb.withUnsafeMutableBufferPointer { a.multiply(block: xp, width: 3, into: $0) } }
        for k in 0..<3 {
            let single = a.multiply((0..<n).map { xs[$0 * 3 + k] })
            #expect((0..<n).allSatisfy { abs(yb[$0 * 3 + k] - single[$0]) <= 1e-12 * max(1, abs(single[$0])) })
        }
        #expect(a.partition.blockCount >= 1 && a.partition.bounds.last == n)
    }

    @Test func partitionBalancesNonzeros() {
        let p = RowPartition(rowStart: [0, 10, 10, 10, 20, 30, 40], blocks: 2)
        #expect(p.bounds == [0, 3, 6] || p.bounds == [0, 4, 6])
    }
}

@Suite struct LeontiefSolvers {
    // Miller & Blair, Input–Output Analysis (2nd ed.), §2.3: A = [[.15,.25],[.2,.05]],
    // f = (600, 1500) gives x = (1247.52, 1841.58).
    let a = CSRMatrix(rows: 2, columns: 2, triplets: [(0, 0, 0.15), (0, 1, 0.25), (1, 0, 0.2), (1, 1, 0.05)])

    @Test(arguments: LeontiefSolver.Method.allCases)
    func textbookGrossOutput(method: LeontiefSolver.Method) {
        let r = LeontiefSolver(method: method, tolerance: 1e-12).solve(a, [600, 1500])
        #expect(r.converged)
        #expect(abs(r.x[0] - 1247.52) < 0.01 && abs(r.x[1] - 1841.58) < 0.01)
    }

    @Test func blockSolveOfTransposedSystems() {
        // Columns sums of L = (I − A)⁻¹ are 1.5181 and 1.4521 (Miller & Blair output multipliers).
        let r = LeontiefSolver(tolerance: 1e-12).solve(a.transposed(), [1, 0, 1, 0], width: 2)
        #expect(abs(r.x[0] - 1.5181) < 1e-4 && abs(r.x[2] - 1.4521) < 1e-4)
        #expect(r.x[1] == 0 && r.x[3] == 0)
    }

    /// A block solve of width w (the SIMD paths at 2 and 4; other widths eight at a time, then
    /// four and two, the rest one by one) gives what w single solves give, on a random
    /// productive matrix (column sums 0.6).
    @Test(arguments: [2, 3, 4, 5, 6, 7, 8, 13, 14, 16])
    func blockSolveMatchesSingleSolves(width: Int) {
        let n = 300
        var state: UInt64 = 3
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var triplets: [(Int, Int, Double)] = []
        for j in 0..<n {
            for _ in 0..<6 { triplets.append((Int(next() % UInt64(n)), j, 0.1)) }
        }
        let m = CSRMatrix(rows: n, columns: n, triplets: triplets)
        let rhs = (0..<n * width).map { _ in Double(next() % 1000) / 1000 }
        let solver = LeontiefSolver(tolerance: 1e-13)
        let block = solver.solve(m, rhs, width: width)
        #expect(block.converged)
        for k in 0..<width {
            let single = solver.solve(m, (0..<n).map { rhs[$0 * width + k] })
            let worst = (0..<n).map { abs(single.x[$0] - block.x[$0 * width + k]) }.max()!
            #expect(worst < 1e-10, "column \(k) of width \(width) off by \(worst)")
        }
    }

    @Test func iterationCapStopsDivergence() {
        let bad = CSRMatrix(rows: 2, columns: 2, triplets: [(0, 1, 2), (1, 0, 0.6)])
        let r = LeontiefSolver(tolerance: 1e-10, maxIterations: 50).solve(bad, [1, 1])
        #expect(!r.converged && r.iterations == 50)
    }

    @Test func spectralRadius() {
        // [[0, 2], [0.5, 0]] has eigenvalues ±1 (a cycle): ρ = 1.
        let m = CSRMatrix(rows: 2, columns: 2, triplets: [(0, 1, 2), (1, 0, 0.5)])
        #expect(abs(SpectralRadiusEstimate(m).radius - 1) < 1e-6)
        // Eigenvalues of A: 0.1 ± √0.0525 (trace 0.2, determinant −0.0425).
        #expect(abs(SpectralRadiusEstimate(a).radius - (0.1 + 0.0525.squareRoot())) < 1e-6)
    }
}
