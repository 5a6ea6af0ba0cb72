/// Iterative solvers for (I − A)·X = D, the Leontief system, where A is square and the
/// iteration matrix has spectral radius below one (a productive economy).
///
/// - Neumann (Jacobi on I − A): X ← D + A·X. Each step is one (block) SpMV over both cores;
///   the change between steps equals the residual of the previous iterate, so the stopping
///   rule is exact. Converges like ρ(A)^k.
/// - Gauss–Seidel: sweeps rows in order using the newest values; usually needs about half the
///   sweeps of Neumann but is sequential (one core).
public struct LeontiefSolver: Sendable {
    public enum Method: String, Sendable, CaseIterable { case neumann, gaussSeidel = "gauss-seidel" }

    public var method: Method
    /// Stop when ‖X_{k+1} − X_k‖∞ ≤ tolerance · ‖X_{k+1}‖∞ (per right-hand side).
    public var tolerance: Double
    public var maxIterations: Int

    public init(method: Method = .neumann, tolerance: Double = 1e-10, maxIterations: Int = 10_000) {
        self.method = method
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    public struct Result: Sendable {
        /// Solution, interleaved by right-hand side: x[i*width + k].
        public var x: [Double]
        public var width: Int
        public var iterations: Int
        /// Largest relative change in the last iteration (the stopping quantity).
        public var relativeChange: Double
        public var converged: Bool
        /// Nonzeros streamed in total (for bandwidth accounting).
        public var nonzerosStreamed: Int
    }

    /// Solves (I − A)·X = D for `width` right-hand sides stored interleaved in `d`.
    public func solve(_ a: CSRMatrix, _ d: [Double], width: Int = 1, initial: [Double]? = nil) -> Result {
        precondition(a.rows == a.columns, "Leontief matrix must be square")
        precondition(d.count == a.rows * width, "right-hand side has wrong length")
        switch method {
        case .neumann: return neumann(a, d, width: width, initial: initial)
        case .gaussSeidel: return gaussSeidel(a, d, width: width, initial: initial)
        }
    }

    private func neumann(_ a: CSRMatrix, _ d: [Double], width w: Int, initial: [Double]?) -> Result {
        let n = a.rows
        var x = initial ?? d
        var next = [Double](repeating: 0, count: n * w)
        let blocks = a.partition.blockCount
        var blockDiff = [Double](repeating: 0, count: blocks * w)
        var blockMax = [Double](repeating: 0, count: blocks * w)
        var it = 0
        var change = Double.infinity
        while it < maxIterations {
            it += 1
            a.rowStart.withUnsafeBufferPointer { rsp in
            a.colIndex.withUnsafeBufferPointer { cp in
            a.values.withUnsafeBufferPointer { vp in
            d.withUnsafeBufferPointer { dp in
            x.withUnsafeBufferPointer { xp in
            next.withUnsafeMutableBufferPointer { np in
            blockDiff.withUnsafeMutableBufferPointer { bdp in
            blockMax.withUnsafeMutableBufferPointer { bmp in
                let rs = SharedBuffer(rsp), c = SharedBuffer(cp), v = SharedBuffer(vp), ds = SharedBuffer(dp)
                let xs = SharedBuffer(xp), ns = SharedMutableBuffer(np)
                let bd = SharedMutableBuffer(bdp), bm = SharedMutableBuffer(bmp)
                let bounds = a.partition.bounds
                Parallelism.run(parts: blocks, parallel: a.nonzeros * w >= Parallelism.minimumParallelWork) { b in
                    let rsb = rs.base, cb = c.base, vb = v.base, db = ds.base, xb = xs.base, nb = ns.base
                    var p = rsb[bounds[b]]
                    var dmax = [Double](repeating: 0, count: w), xmax = [Double](repeating: 0, count: w)
                    for i in bounds[b]..<bounds[b + 1] {
                        let end = rsb[i + 1]
                        let o = i * w
                        if w == 1 {
                            var s = db[i]
                            while p < end { s += vb[p] * xb[Int(cb[p])]; p += 1 }
                            nb[i] = s
                            dmax[0] = max(dmax[0], abs(s - xb[i]))
                            xmax[0] = max(xmax[0], abs(s))
                        } else if w == 4 {
                            // Four (two) right-hand sides as one SIMD vector: one gather per nonzero.
                            simdRow(SIMD4<Double>.self, o, &p, end, vb, cb, db, xb, nb, &dmax, &xmax)
                        } else if w == 2 {
                            simdRow(SIMD2<Double>.self, o, &p, end, vb, cb, db, xb, nb, &dmax, &xmax)
                        } else {
                            // Wide blocks: eight right-hand sides at a time, their sums kept in
                            // one SIMD register over the row's entries, then the rest one by one.
                            let start = p
                            var c = 0
                            while c + 8 <= w {
                                var q = start
                                simdRow(SIMD8<Double>.self, o, &q, end, vb, cb, db, xb, nb, &dmax, &xmax, column: c, width: w)
                                c += 8
                            }
                            // The rest in four and two at a time: each pass reads the row's
                            // entries again, so fewer, wider passes.
                            if c + 4 <= w {
                                var q = start
                                simdRow(SIMD4<Double>.self, o, &q, end, vb, cb, db, xb, nb, &dmax, &xmax, column: c, width: w)
                                c += 4
                            }
                            if c + 2 <= w {
                                var q = start
                                simdRow(SIMD2<Double>.self, o, &q, end, vb, cb, db, xb, nb, &dmax, &xmax, column: c, width: w)
                                c += 2
                            }
                            while c < w {
                                var sum = db[o + c]
                                var q = start
                                while q < end { sum += vb[q] * xb[Int(cb[q]) * w + c]; q += 1 }
                                nb[o + c] = sum
                                dmax[c] = max(dmax[c], abs(sum - xb[o + c]))
                                xmax[c] = max(xmax[c], abs(sum))
                                c += 1
                            }
                            p = end
                        }
                    }
                    for k in 0..<w { bd.base[b * w + k] = dmax[k]; bm.base[b * w + k] = xmax[k] }
                }
            }}}}}}}}
            swap(&x, &next)
            change = 0
            for k in 0..<w {
                var dm = 0.0, xm = 0.0
                for b in 0..<blocks { dm = max(dm, blockDiff[b * w + k]); xm = max(xm, blockMax[b * w + k]) }
                change = max(change, relativeChange(dm, xm))
            }
            if !change.isFinite { break }
            if change <= tolerance { break }
            _ = n
        }
        return Result(x: x, width: w, iterations: it, relativeChange: change, converged: change <= tolerance,
                      nonzerosStreamed: a.nonzeros * it)
    }

    private func gaussSeidel(_ a: CSRMatrix, _ d: [Double], width w: Int, initial: [Double]?) -> Result {
        let n = a.rows
        var x = initial ?? d
        var it = 0
        var change = Double.infinity
        var diag = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for p in a.rowStart[i]..<a.rowStart[i + 1] where Int(a.colIndex[p]) == i { diag[i] += a.values[p] }
        }
        var s = [Double](repeating: 0, count: w)
        while it < maxIterations {
            it += 1
            var dmax = [Double](repeating: 0, count: w), xmax = [Double](repeating: 0, count: w)
            a.rowStart.withUnsafeBufferPointer { rs in
            a.colIndex.withUnsafeBufferPointer { c in
            a.values.withUnsafeBufferPointer { v in
            d.withUnsafeBufferPointer { db in
            diag.withUnsafeBufferPointer { dg in
            x.withUnsafeMutableBufferPointer { xb in
                for i in 0..<n {
                    let o = i * w
                    for k in 0..<w { s[k] = db[o + k] }
                    for p in rs[i]..<rs[i + 1] {
                        let j = Int(c[p])
                        if j == i { continue }
                        let av = v[p], xo = j * w
                        for k in 0..<w { s[k] += av * xb[xo + k] }
                    }
                    let inv = 1 / (1 - dg[i])
                    for k in 0..<w {
                        let nv = s[k] * inv
                        dmax[k] = max(dmax[k], abs(nv - xb[o + k]))
                        xmax[k] = max(xmax[k], abs(nv))
                        xb[o + k] = nv
                    }
                }
            }}}}}}
            change = 0
            for k in 0..<w { change = max(change, relativeChange(dmax[k], xmax[k])) }
            if !change.isFinite || change <= tolerance { break }
        }
        return Result(x: x, width: w, iterations: it, relativeChange: change, converged: change <= tolerance,
                      nonzerosStreamed: a.nonzeros * it)
    }
}

/// One row of a block Neumann step, for the right-hand sides c..<c + V.scalarCount of a block of
/// width w (by default the whole block, when its width is the SIMD vector's): next = d + A·x on
/// the row's entries starting at `p`, with their change and size folded into `dmax` and `xmax`.
@inline(__always)
private func simdRow<V: SIMD>(_: V.Type, _ o: Int, _ p: inout Int, _ end: Int, _ vb: UnsafeBufferPointer<Double>,
                              _ cb: UnsafeBufferPointer<Int32>, _ db: UnsafeBufferPointer<Double>, _ xb: UnsafeBufferPointer<Double>,
                              _ nb: UnsafeMutableBufferPointer<Double>, _ dmax: inout [Double], _ xmax: inout [Double],
                              column c: Int = 0, width w: Int = V.scalarCount)
    where V.Scalar == Double {
    var s = UnsafeRawPointer(db.baseAddress! + o + c).loadUnaligned(as: V.self)
    while p < end {
        s += vb[p] * UnsafeRawPointer(xb.baseAddress! + Int(cb[p]) * w + c).loadUnaligned(as: V.self)
        p += 1
    }
    UnsafeMutableRawPointer(nb.baseAddress! + o + c).storeBytes(of: s, as: V.self)
    let dv = s - UnsafeRawPointer(xb.baseAddress! + o + c).loadUnaligned(as: V.self)
    for k in 0..<V.scalarCount { dmax[c + k] = max(dmax[c + k], abs(dv[k])); xmax[c + k] = max(xmax[c + k], abs(s[k])) }
}

/// max-norm change relative to the iterate; infinite (not NaN) once the iteration overflows,
/// so a diverging (non-productive) system never counts as converged.
@inline(__always)
func relativeChange(_ dm: Double, _ xm: Double) -> Double {
    guard dm.isFinite && xm.isFinite else { return .infinity }
    return xm > 0 ? dm / xm : dm
}

/// Largest eigenvalue in modulus of a square matrix's entrywise absolute value, by power
/// iteration: an upper bound on the spectral radius of A and equal to it for A ≥ 0
/// (Perron–Frobenius). Used for the Hawkins–Simon productivity check.
public struct SpectralRadiusEstimate: Sendable {
    public var radius: Double
    /// The (normalised, nonnegative) Perron vector estimate: large entries mark the products
    /// that take part in the non-productive cycle.
    public var vector: [Double]
    public var iterations: Int

    public init(_ a: CSRMatrix, maxIterations: Int = 300, tolerance: Double = 1e-8) {
        precondition(a.rows == a.columns)
        let n = a.rows
        let absA = CSRMatrix(rows: n, columns: n, rowStart: a.rowStart, colIndex: a.colIndex, values: a.values.map(abs))
        var v = [Double](repeating: 1 / Double(max(n, 1)).squareRoot(), count: n)
        var rho = 0.0
        var it = 0
        var w = v
        while it < maxIterations && n > 0 {
            it += 1
            // Shifted iteration (A + I) avoids oscillation on periodic (cyclic) matrices.
            w = absA.multiply(v)
            for i in 0..<n { w[i] += v[i] }
            let norm = Vector.norm2(w)
            if norm == 0 { rho = 0; break }
            let newRho = norm - 1
            for i in 0..<n { w[i] /= norm }
            swap(&v, &w)
            if abs(newRho - rho) <= tolerance * max(1, abs(newRho)) { rho = newRho; break }
            rho = newRho
        }
        radius = max(0, rho)
        vector = v
        iterations = it
    }
}
