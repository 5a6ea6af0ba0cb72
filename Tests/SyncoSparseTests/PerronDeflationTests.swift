import Testing
import SyncoSparse

/// A random productive matrix: `perColumn` entries of `value` in each column (column sums
/// perColumn·value), from a fixed seed.
private func randomProductive(_ n: Int, perColumn: Int, value: Double, seed: UInt64) -> CSRMatrix {
    var state = seed
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    var triplets: [(Int, Int, Double)] = []
    for j in 0..<n { for _ in 0..<perColumn { triplets.append((Int(next() % UInt64(n)), j, value)) } }
    return CSRMatrix(rows: n, columns: n, triplets: triplets)
}

/// The random productive matrix of 5 000 products the block-solve tests use, and its Perron pair.
private func testSystem(seed: UInt64) throws -> (CSRMatrix, PerronPair) {
    let m = randomProductive(5000, perColumn: 6, value: 0.1, seed: seed)
    return (m, try #require(PerronPair.estimate(m, transposed: m.transposed())))
}

/// The tests' linear congruential generator (the same as `randomProductive`'s).
private struct LCG {
    var state: UInt64
    mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
}

private func residual(_ m: CSRMatrix, _ x: [Double], _ d: [Double]) -> [Double] {
    let ax = m.multiply(x)
    return (0..<x.count).map { d[$0] - x[$0] + ax[$0] }
}

@Suite struct PerronDeflation {
    /// Miller & Blair's two-sector A = [[0.15, 0.25], [0.20, 0.05]]: eigenvalues
    /// 0.1 ± √0.0525; for ρ = 0.1 + √0.0525 the right vector is (0.25, ρ − 0.15) and the left
    /// vector (0.20, ρ − 0.15), from (A − ρI)v = 0 and (Aᵀ − ρI)u = 0 by hand.
    @Test func textbookPair() throws {
        let a = CSRMatrix(rows: 2, columns: 2, triplets: [(0, 0, 0.15), (0, 1, 0.25), (1, 0, 0.20), (1, 1, 0.05)])
        let pair = try #require(PerronPair.estimate(a, transposed: a.transposed(), maxIterations: 200, tolerance: 1e-12))
        let rho = 0.1 + 0.0525.squareRoot()
        #expect(abs(pair.rho - rho) < 1e-10)
        // Right vector scaled to max 1; left vector so that uᵀv = 1.
        let v = [0.25, rho - 0.15], u = [0.20, rho - 0.15]
        let vs = max(v[0], v[1])
        #expect(abs(pair.right[0] - v[0] / vs) < 1e-9 && abs(pair.right[1] - v[1] / vs) < 1e-9)
        let us = (u[0] * v[0] + u[1] * v[1]) / vs
        #expect(abs(pair.left[0] - u[0] / us) < 1e-9 && abs(pair.left[1] - u[1] / us) < 1e-9)
        // The transposed pair swaps the roles and keeps uᵀv = 1.
        let t = pair.transposed
        #expect(abs(t.rho - rho) < 1e-12)
        #expect(t.right == pair.left && t.left == pair.right)
        #expect(abs(t.left[0] * t.right[0] + t.left[1] * t.right[1] - 1) < 1e-12)

        // The deflated solve gives the textbook gross outputs (1247.52, 1841.58 for final
        // demand 600, 1500).
        let r = LeontiefSolver(tolerance: 1e-12).solve(a, [600, 1500], deflation: pair)
        #expect(r.converged)
        #expect(abs(r.x[0] - 1247.52) < 0.01 && abs(r.x[1] - 1841.58) < 0.01)
    }

    /// On a random productive matrix, deflated block solves of several widths agree with plain
    /// Neumann and take fewer iterations; the residual of a non-negative right-hand side keeps
    /// the plain iteration's sign (no row made more than asked), or with `side: .above` the
    /// other sign (no row short); and for Aᵀ with the transposed pair as well.
    @Test(arguments: [1, 2, 4, 5, 13])
    func deflatedAgreesWithPlainAndIsFaster(width: Int) throws {
        let n = 400
        let m = randomProductive(n, perColumn: 6, value: 0.1, seed: 11)
        let pair = try #require(PerronPair.estimate(m, transposed: m.transposed()))
        #expect(abs(pair.rho - 0.6) < 1e-3, "column sums are all 0.6, so ρ = 0.6; got \(pair.rho)")
        var state: UInt64 = 5
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let rhs = (0..<n * width).map { _ in Double(next() % 1000) / 1000 }
        let solver = LeontiefSolver(tolerance: 1e-12)
        let plain = solver.solve(m, rhs, width: width)
        let deflated = solver.solve(m, rhs, width: width, deflation: pair)
        let above = solver.solve(m, rhs, width: width, deflation: pair, side: .above)
        #expect(plain.converged && deflated.converged && above.converged)
        #expect(deflated.iterations < plain.iterations * 3 / 4, "deflated \(deflated.iterations), plain \(plain.iterations)")
        for k in 0..<width {
            let xp = (0..<n).map { plain.x[$0 * width + k] }, xd = (0..<n).map { deflated.x[$0 * width + k] }
            let top = xp.map(abs).max()!
            let worst = (0..<n).map { abs(xp[$0] - xd[$0]) }.max()!
            #expect(worst < 1e-10 * top, "column \(k): off by \(worst)")
            let r = residual(m, xd, (0..<n).map { rhs[$0 * width + k] })
            #expect(r.min()! >= -1e-14 * top, "column \(k): a row made \(-r.min()!) more than asked")
            let xa = (0..<n).map { above.x[$0 * width + k] }
            #expect((0..<n).map { abs(xp[$0] - xa[$0]) }.max()! < 1e-10 * top)
            let ra = residual(m, xa, (0..<n).map { rhs[$0 * width + k] })
            #expect(ra.max()! <= 1e-14 * top, "column \(k): a row \(ra.max()!) short of what was asked")
        }
        // The same with Aᵀ and the transposed pair (a price solve): its v is u/uᵀv, far from
        // ‖v‖∞ = 1, and the last step must still leave every row at or below what was asked.
        let mt = m.transposed()
        let prices = solver.solve(mt, rhs, width: width, deflation: pair.transposed)
        let pricesPlain = solver.solve(mt, rhs, width: width)
        #expect(prices.converged && pricesPlain.converged)
        for k in 0..<width {
            let xp = (0..<n).map { pricesPlain.x[$0 * width + k] }, xd = (0..<n).map { prices.x[$0 * width + k] }
            let top = xp.map(abs).max()!
            #expect((0..<n).map { abs(xp[$0] - xd[$0]) }.max()! < 1e-10 * top)
            let r = residual(mt, xd, (0..<n).map { rhs[$0 * width + k] })
            #expect(r.min()! >= -1e-14 * top, "transposed, column \(k): a row made \(-r.min()!) more than asked")
        }
    }

    /// A cyclic matrix has −ρ as an eigenvalue too: [[0, 0.9], [0.4, 0]] has ±0.6, and power
    /// iteration from (1, 1) flips between (1, 4/9) and (1, 1) without settling, so there is no
    /// pair (and no deflation); the plain solve is unaffected.
    @Test func cyclicMatrixHasNoPair() {
        let m = CSRMatrix(rows: 2, columns: 2, triplets: [(0, 1, 0.9), (1, 0, 0.4)])
        #expect(PerronPair.estimate(m, transposed: m.transposed()) == nil)
    }

    /// Rough vectors (one power step, accepted at any change) cost iterations, never accuracy:
    /// at ρ = 0.95 the answer is the plain solve's, deflation either helping or dropped.
    @Test func roughPairStillGivesTheSolution() throws {
        let n = 300
        let m = randomProductive(n, perColumn: 5, value: 0.19, seed: 7)
        let rough = try #require(PerronPair.estimate(m, transposed: m.transposed(), maxIterations: 1, tolerance: 1e9))
        let d = (0..<n).map { Double($0 % 7) }
        let solver = LeontiefSolver(tolerance: 1e-11, maxIterations: 5_000)
        let plain = solver.solve(m, d)
        let deflated = solver.solve(m, d, deflation: rough)
        #expect(plain.converged && deflated.converged)
        let top = plain.x.map(abs).max()!
        let worst = (0..<n).map { abs(plain.x[$0] - deflated.x[$0]) }.max()!
        #expect(worst < 1e-8 * top, "off by \(worst) of \(top)")
    }

    /// A pair of another size is ignored, not applied.
    @Test func pairOfAnotherSizeIsIgnored() throws {
        let m = randomProductive(50, perColumn: 4, value: 0.1, seed: 3)
        let other = randomProductive(60, perColumn: 4, value: 0.1, seed: 3)
        let pair = try #require(PerronPair.estimate(other, transposed: other.transposed()))
        let d = [Double](repeating: 1, count: 50)
        let plain = LeontiefSolver(tolerance: 1e-12).solve(m, d)
        let r = LeontiefSolver(tolerance: 1e-12).solve(m, d, deflation: pair)
        #expect(r.converged && r.x == plain.x)
    }

    /// Wide blocks on a system of more than 4 096 products are solved four columns at a time
    /// (`LeontiefSolver.chunkWidth`): every column comes out as its single solve gives it, with
    /// a start and with the Perron mode deflated too, and the block's iteration count is its
    /// slowest chunk's.
    @Test(arguments: [5, 7, 16, 21])
    func chunkedBlockSolveMatchesSingleSolves(width: Int) throws {
        let n = 5000
        let (m, pair) = try testSystem(seed: 17)
        var random = LCG(state: 9)
        func next() -> UInt64 { random.next() }
        let rhs = (0..<n * width).map { _ in Double(next() % 1000) / 1000 }
        let start = rhs.map { 1.5 * $0 }
        let solver = LeontiefSolver(tolerance: 1e-13)
        for (deflation, initial) in [(nil, nil), (pair, start)] as [(PerronPair?, [Double]?)] {
            let block = solver.solve(m, rhs, width: width, initial: initial, deflation: deflation)
            #expect(block.converged && block.width == width && block.x.count == n * width)
            var slowest = 0
            for k in 0..<width {
                let column = (0..<n).map { rhs[$0 * width + k] }
                let single = solver.solve(m, column, initial: initial.map { s in (0..<n).map { s[$0 * width + k] } }, deflation: deflation)
                slowest = max(slowest, single.iterations)
                let top = single.x.map(abs).max()!
                let worst = (0..<n).map { abs(single.x[$0] - block.x[$0 * width + k]) }.max()!
                #expect(worst <= 1e-10 * top, "column \(k) of width \(width) off by \(worst) (deflated: \(deflation != nil))")
            }
            #expect(block.iterations >= slowest - 2 && block.iterations <= slowest + 2, "block \(block.iterations), slowest single \(slowest)")
        }
    }

    /// Sparse right-hand sides given one per column, solutions returned apart (the harmony
    /// program's weights): each column is the solution of its own system — the residual
    /// d − (I − A)·x is below the tolerance's reach, and the column agrees with its single solve —
    /// with and without the deflation, with starts for some columns only, and for widths whose
    /// last chunk is three (two and one), two or one column.
    @Test(arguments: [1, 2, 3, 6, 7, 9])
    func columnsSolvedApartMatchSingleSolves(width: Int) throws {
        let n = 5000
        let (m, pair) = try testSystem(seed: 23)
        var random = LCG(state: 11)
        func next() -> UInt64 { random.next() }
        // A unit vector, a negative unit vector (a sign row) and short random rows, in turn.
        let sparse: [[(Int, Double)]] = (0..<width).map { c in
            switch c % 3 {
            case 0: return [(Int(next() % UInt64(n)), 1)]
            case 1: return [(Int(next() % UInt64(n)), -1)]
            default: return (0..<5).map { _ in (Int(next() % UInt64(n)), Double(next() % 1000) / 100) }
            }
        }
        let solver = LeontiefSolver(tolerance: 1e-13)
        for deflation in [nil, pair] as [PerronPair?] {
            let starts: [[Double]?] = (0..<width).map { c in c % 2 == 0 ? nil : (0..<n).map { _ in Double(next() % 1000) / 500 } }
            let apart = solver.solveColumns(m, sparse: sparse, initial: starts, deflation: deflation)
            #expect(apart.converged && apart.x.count == width)
            for c in 0..<width {
                var d = [Double](repeating: 0, count: n)
                for (i, v) in sparse[c] { d[i] += v }
                let single = solver.solve(m, d, initial: starts[c], deflation: deflation)
                let x = apart.x[c]
                #expect(x.count == n)
                let top = single.x.map(abs).max()!
                let worst = (0..<n).map { abs(single.x[$0] - x[$0]) }.max()!
                #expect(worst <= 1e-10 * top, "column \(c) of \(width) off by \(worst) (deflated: \(deflation != nil))")
                let r = residual(m, x, d).map(abs).max()!
                #expect(r <= 1e-11 * max(1, top), "column \(c): residual \(r)")
            }
        }
    }
}
