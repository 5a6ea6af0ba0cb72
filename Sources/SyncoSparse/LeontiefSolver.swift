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

    /// Where a deflated solve of a right-hand side D ≥ 0 ends. Plain Neumann from D ends below
    /// the solution, with residual D − (I − A)·X ≥ 0: as prices, values at which no technique
    /// pays. `above` ends on the other side, residual ≤ 0: as gross outputs, net outputs that
    /// meet D (a hair more, never short).
    public enum Side: Sendable { case below, above }

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
    /// `deflation`, the dominant eigenpair of `a` (`PerronPair`), takes the slowest mode out of
    /// the Neumann iteration; it is dropped, and the iteration starts again without it, when
    /// the residual grows instead of shrinking. `side` says where a deflated solve of a
    /// right-hand side without negative entries ends (`Side`).
    public func solve(_ a: CSRMatrix, _ d: [Double], width: Int = 1, initial: [Double]? = nil,
                      deflation: PerronPair? = nil, side: Side = .below) -> Result {
        precondition(a.rows == a.columns, "Leontief matrix must be square")
        precondition(d.count == a.rows * width, "right-hand side has wrong length")
        precondition(initial.map { $0.count == a.rows * width } ?? true, "start has wrong length")
        switch method {
        case .neumann:
            let pair = deflation.flatMap { $0.right.count == a.rows ? $0 : nil }
            let chunk = LeontiefSolver.chunkWidth(rows: a.rows, width: width)
            if chunk < width {
                return chunked(a, d, width: width, chunk: chunk, initial: initial, deflation: pair, side: side)
            }
            return neumann(a, d, width: width, initial: initial, deflation: pair, side: side)
        case .gaussSeidel: return gaussSeidel(a, d, width: width, initial: initial)
        }
    }

    /// Right-hand sides per chunk of a wide solve, or `width` when the block is solved whole.
    /// Two, four or eight right-hand sides take a step with one gather per nonzero into a SIMD
    /// register (`simdBlock`); other widths pass over each row of A once per eight columns, and
    /// a wide block gathers its whole row of X, which at 10^5 products and width 256 is 200 MB,
    /// read at random every step. Solved four columns at a time the chunk's X stays in cache:
    /// on the realistic 10^5 system, 30 steps of width 8 took 75–190 ms whole (56 ms since
    /// eight take the SIMD path) and 56–61 ms in chunks, width 16 199–297 against 97–136 ms,
    /// width 64 770–876 against 436–642 ms (a noisy machine; width 256 about the same either
    /// way; chunks of eight were no faster per column than chunks of four). Each chunk stops on
    /// its own columns' change: the same rule, per column, as the whole block's. Blocks of 5–15
    /// columns over more than 2^24 entries stay whole: a chunk's own iterates then cost more
    /// memory than the block's second iterate saves (at 10^7 products, where memory counts).
    static func chunkWidth(rows n: Int, width w: Int) -> Int {
        w > 4 && n >= 4096 && (w >= 16 || n * w <= 1 << 24) ? 4 : w
    }

    /// The wide solve in chunks of `chunk` right-hand sides (`chunkWidth`), each chunk's D and
    /// start copied out of the interleaved layout just before its solve (a strided pass that
    /// touches one cache line per product) and its solution copied back.
    private func chunked(_ a: CSRMatrix, _ d: [Double], width w: Int, chunk: Int, initial: [Double]?,
                         deflation: PerronPair?, side: Side) -> Result {
        let n = a.rows
        func part(_ src: [Double], _ c0: Int, _ k: Int) -> [Double] {
            [Double](unsafeUninitializedCapacity: n * k) { o, count in
                src.withUnsafeBufferPointer { s in
                    copyColumns(from: s.baseAddress! + c0, stride: w, to: o.baseAddress!, stride: k, width: k, rows: n)
                }
                count = n * k
            }
        }
        var x = [Double](repeating: 0, count: n * w)
        var iterations = 0, streamed = 0, change = 0.0, converged = true
        for (c0, k) in LeontiefSolver.parts(width: w, chunk: chunk) {
            let r = neumann(a, part(d, c0, k), width: k, initial: initial.map { part($0, c0, k) }, deflation: deflation, side: side)
            r.x.withUnsafeBufferPointer { s in
                x.withUnsafeMutableBufferPointer { o in
                    copyColumns(from: s.baseAddress!, stride: k, to: o.baseAddress! + c0, stride: w, width: k, rows: n)
                }
            }
            iterations = max(iterations, r.iterations)
            streamed += r.nonzerosStreamed
            change = max(change, r.relativeChange)
            converged = converged && r.converged
            if !r.converged { break }
        }
        return Result(x: x, width: w, iterations: iterations, relativeChange: change, converged: converged,
                      nonzerosStreamed: streamed)
    }

    /// Chunks of `chunk` columns of a block of width w; a remainder of three as two and one (both
    /// SIMD steps).
    static func parts(width w: Int, chunk: Int) -> [(c0: Int, k: Int)] {
        var parts: [(c0: Int, k: Int)] = []
        var c = 0
        while c < w {
            let k = w - c >= chunk ? chunk : w - c == 3 ? 2 : w - c
            parts.append((c, k))
            c += k
        }
        return parts
    }

    /// Solves (I − A)·x_c = d_c for right-hand sides given sparse, one per column, and returns
    /// each solution as its own vector: the solves of `chunked` (four columns at a time, a
    /// remainder of three as two and one), each chunk packed from the sparse columns and its
    /// solution unpacked straight into the columns' vectors. A caller that wants the columns
    /// apart (the rows of the harmony program's weights) then holds no products × width block
    /// at all: at 10^5 products and 256 columns the interleaved right-hand side, start and
    /// solution were three 200 MB arrays, and taking the columns out of the solution was a
    /// strided pass of 0.3 s. `initial[c]`, when given, starts column c.
    public func solveColumns(_ a: CSRMatrix, sparse d: [[(Int, Double)]], initial: [[Double]?]? = nil,
                             deflation: PerronPair? = nil, side: Side = .below) -> (x: [[Double]], iterations: Int, converged: Bool) {
        precondition(a.rows == a.columns, "Leontief matrix must be square")
        precondition(initial.map { $0.count == d.count } ?? true, "one start per column")
        let n = a.rows, w = d.count
        let pair = deflation.flatMap { $0.right.count == n ? $0 : nil }
        var out = [[Double]](repeating: [], count: w)
        var iterations = 0, converged = true
        for (c0, k) in LeontiefSolver.parts(width: w, chunk: 4) {
            var rhs = [Double](repeating: 0, count: n * k)
            for c in 0..<k { for (i, v) in d[c0 + c] { rhs[i * k + c] += v } }
            var start: [Double]? = nil
            if let initial, (c0..<(c0 + k)).contains(where: { initial[$0] != nil }) {
                var s = rhs
                for c in 0..<k {
                    guard let x = initial[c0 + c] else { continue }
                    precondition(x.count == n, "start has wrong length")
                    x.withUnsafeBufferPointer { xp in s.withUnsafeMutableBufferPointer { sp in for i in 0..<n { sp[i * k + c] = xp[i] } } }
                }
                start = s
            }
            let r = neumann(a, rhs, width: k, initial: start, deflation: pair, side: side)
            r.x.withUnsafeBufferPointer { xp in
                for c in 0..<k {
                    out[c0 + c] = [Double](unsafeUninitializedCapacity: n) { o, count in
                        for i in 0..<n { o[i] = xp[i * k + c] }
                        count = n
                    }
                }
            }
            iterations = max(iterations, r.iterations)
            converged = converged && r.converged
            if !r.converged { break }
        }
        return (out, iterations, converged)
    }

    private func neumann(_ a: CSRMatrix, _ d: [Double], width w: Int, initial: [Double]?, deflation: PerronPair?,
                         side: Side) -> Result {
        let n = a.rows
        var x = initial ?? d
        var next = [Double](repeating: 0, count: n * w)
        let blocks = a.partition.blockCount
        var blockDiff = [Double](repeating: 0, count: blocks * w)
        var blockMax = [Double](repeating: 0, count: blocks * w)
        // uᵀr per block and right-hand side, r = next − x the residual of x (deflation only).
        var blockDot = [Double](repeating: 0, count: deflation == nil ? 0 : blocks * w)
        var pair = deflation
        // Right-hand sides without a negative entry (see the last step below).
        var nonnegative = [Bool](repeating: true, count: deflation == nil ? 0 : w)
        if deflation != nil {
            for i in 0..<n { for k in 0..<w where d[i * w + k] < 0 { nonnegative[k] = false } }
        }
        var beta = [Double](repeating: 0, count: w)
        var residual = [Double](repeating: 0, count: w)
        var smallest = Double.infinity
        var it = 0, spent = 0
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
            blockDot.withUnsafeMutableBufferPointer { bdotp in
            (pair?.left ?? []).withUnsafeBufferPointer { up in
                let rs = SharedBuffer(rsp), c = SharedBuffer(cp), v = SharedBuffer(vp), ds = SharedBuffer(dp)
                let xs = SharedBuffer(xp), ns = SharedMutableBuffer(np)
                let bd = SharedMutableBuffer(bdp), bm = SharedMutableBuffer(bmp), bdot = SharedMutableBuffer(bdotp)
                let us = SharedBuffer(up)
                let deflating = pair != nil
                let bounds = a.partition.bounds
                Parallelism.run(parts: blocks, parallel: a.nonzeros * w >= Parallelism.minimumParallelWork) { b in
                    let rsb = rs.base, cb = c.base, vb = v.base, db = ds.base, xb = xs.base, nb = ns.base
                    let ub: UnsafePointer<Double>? = deflating ? us.base.baseAddress : nil
                    var p = rsb[bounds[b]]
                    if w == 1 {
                        // One right-hand side: the row's sum in two accumulators, the block's
                        // maxima and uᵀr in registers.
                        var dm = 0.0, xm = 0.0, ud = 0.0
                        for i in bounds[b]..<bounds[b + 1] {
                            let end = rsb[i + 1]
                            var s0 = db[i], s1 = 0.0
                            while p + 1 < end {
                                s0 += vb[p] * xb[Int(cb[p])]
                                s1 += vb[p + 1] * xb[Int(cb[p + 1])]
                                p += 2
                            }
                            if p < end { s0 += vb[p] * xb[Int(cb[p])]; p += 1 }
                            let s = s0 + s1
                            nb[i] = s
                            let dv = s - xb[i]
                            if let ub { ud += ub[i] * dv }
                            dm = max(dm, abs(dv))
                            xm = max(xm, abs(s))
                        }
                        bd.base[b] = dm
                        bm.base[b] = xm
                        if deflating { bdot.base[b] = ud }
                        return
                    }
                    if w == 2 || w == 4 || w == 8 {
                        // Two, four or eight right-hand sides as one SIMD vector (one gather per
                        // nonzero), the block's maxima and uᵀr in SIMD registers.
                        func put<V: SIMD>(_ r: (dmax: V, xmax: V, udot: V)) where V.Scalar == Double {
                            for k in 0..<w {
                                bd.base[b * w + k] = r.dmax[k]
                                bm.base[b * w + k] = r.xmax[k]
                                if deflating { bdot.base[b * w + k] = r.udot[k] }
                            }
                        }
                        if w == 2 {
                            put(simdBlock(SIMD2<Double>.self, bounds[b]..<bounds[b + 1], &p, rsb, vb, cb, db, xb, nb, ub))
                        } else if w == 8 {
                            put(simdBlock(SIMD8<Double>.self, bounds[b]..<bounds[b + 1], &p, rsb, vb, cb, db, xb, nb, ub))
                        } else {
                            put(simdBlock(SIMD4<Double>.self, bounds[b]..<bounds[b + 1], &p, rsb, vb, cb, db, xb, nb, ub))
                        }
                        return
                    }
                    var dmax = [Double](repeating: 0, count: w), xmax = [Double](repeating: 0, count: w)
                    var udot = [Double](repeating: 0, count: w)
                    for i in bounds[b]..<bounds[b + 1] {
                        let end = rsb[i + 1]
                        let o = i * w
                        // Wide blocks: eight right-hand sides at a time, their sums kept in
                        // one SIMD register over the row's entries, then the rest one by one.
                        let start = p
                        var c = 0
                        while c + 8 <= w {
                            var q = start
                            simdRow(SIMD8<Double>.self, o, &q, end, vb, cb, db, xb, nb, &dmax, &xmax, ub.map { $0[i] }, &udot,
                                    column: c, width: w)
                            c += 8
                        }
                        // The rest in four and two at a time: each pass reads the row's
                        // entries again, so fewer, wider passes.
                        if c + 4 <= w {
                            var q = start
                            simdRow(SIMD4<Double>.self, o, &q, end, vb, cb, db, xb, nb, &dmax, &xmax, ub.map { $0[i] }, &udot,
                                    column: c, width: w)
                            c += 4
                        }
                        if c + 2 <= w {
                            var q = start
                            simdRow(SIMD2<Double>.self, o, &q, end, vb, cb, db, xb, nb, &dmax, &xmax, ub.map { $0[i] }, &udot,
                                    column: c, width: w)
                            c += 2
                        }
                        while c < w {
                            var sum = db[o + c]
                            var q = start
                            while q < end { sum += vb[q] * xb[Int(cb[q]) * w + c]; q += 1 }
                            nb[o + c] = sum
                            let dv = sum - xb[o + c]
                            if let ub { udot[c] += ub[i] * dv }
                            dmax[c] = max(dmax[c], abs(dv))
                            xmax[c] = max(xmax[c], abs(sum))
                            c += 1
                        }
                        p = end
                    }
                    for k in 0..<w { bd.base[b * w + k] = dmax[k]; bm.base[b * w + k] = xmax[k] }
                    if deflating { for k in 0..<w { bdot.base[b * w + k] = udot[k] } }
                }
            }}}}}}}}}}
            change = 0
            for k in 0..<w {
                var dm = 0.0, xm = 0.0
                for b in 0..<blocks { dm = max(dm, blockDiff[b * w + k]); xm = max(xm, blockMax[b * w + k]) }
                change = max(change, relativeChange(dm, xm))
                residual[k] = dm
            }
            if let pr = pair {
                // The deflation must make the residual shrink; when it grows well past the
                // smallest seen (rough vectors, ρ near 1), start again without it.
                smallest = min(smallest, change)
                if !change.isFinite || change > 100 * smallest {
                    pair = nil
                    blockDot = []
                    spent += it
                    it = 0
                    x = initial ?? d
                    change = .infinity
                    continue
                }
                if change > tolerance {
                    // next += ρ/(1 − ρ)·(uᵀr)·v per right-hand side (uᵀv = 1).
                    let f = pr.rho / (1 - pr.rho)
                    for k in 0..<w {
                        var dot = 0.0
                        for b in 0..<blocks { dot += blockDot[b * w + k] }
                        beta[k] = f * dot
                    }
                    addDeflation(&next, pr.right, beta, width: w, partition: a.partition, parallel: a.nonzeros * w >= Parallelism.minimumParallelWork)
                } else if change.isFinite {
                    // The deflated iterate's residual has both signs. For right-hand sides
                    // ≥ 0, a step along v of four residuals' worth gives it one sign wherever
                    // v is not tiny: back (below) or on (above), see `Side`. v is measured in
                    // its largest entry: a transposed pair's v is the other side's u, scaled
                    // by 1/uᵀv, not to ‖v‖∞ = 1.
                    var vmax = 0.0
                    for vi in pr.right { vmax = max(vmax, abs(vi)) }
                    let f = vmax > 0 ? (side == .below ? -4 : 4) / ((1 - pr.rho) * vmax) : 0
                    for k in 0..<w { beta[k] = nonnegative[k] ? f * residual[k] : 0 }
                    if beta.contains(where: { $0 != 0 }) {
                        addDeflation(&next, pr.right, beta, width: w, partition: a.partition,
                                     parallel: a.nonzeros * w >= Parallelism.minimumParallelWork)
                    }
                }
            }
            swap(&x, &next)
            if !change.isFinite { break }
            if change <= tolerance { break }
            _ = n
        }
        return Result(x: x, width: w, iterations: it + spent, relativeChange: change, converged: change <= tolerance,
                      nonzerosStreamed: a.nonzeros * (it + spent))
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

/// A block's rows of a Neumann step for a block of width V.scalarCount (two or four right-hand
/// sides): next = d + A·x row by row, returning the block's largest change and size per
/// right-hand side and uᵀ(next − x) (when `u` is given), all kept in SIMD registers.
@inline(__always)
private func simdBlock<V: SIMD>(_: V.Type, _ rows: Range<Int>, _ p: inout Int, _ rsb: UnsafeBufferPointer<Int>,
                                _ vb: UnsafeBufferPointer<Double>, _ cb: UnsafeBufferPointer<Int32>,
                                _ db: UnsafeBufferPointer<Double>, _ xb: UnsafeBufferPointer<Double>,
                                _ nb: UnsafeMutableBufferPointer<Double>, _ u: UnsafePointer<Double>?)
    -> (dmax: V, xmax: V, udot: V) where V.Scalar == Double {
    let w = V.scalarCount
    var dm = V(), xm = V(), ud = V()
    let xbase = UnsafeRawPointer(xb.baseAddress!), dbase = UnsafeRawPointer(db.baseAddress!)
    let nbase = UnsafeMutableRawPointer(nb.baseAddress!)
    let stride = w * MemoryLayout<Double>.stride
    for i in rows {
        let end = rsb[i + 1]
        var s = dbase.loadUnaligned(fromByteOffset: i * stride, as: V.self)
        while p < end {
            s += vb[p] * xbase.loadUnaligned(fromByteOffset: Int(cb[p]) * stride, as: V.self)
            p += 1
        }
        nbase.storeBytes(of: s, toByteOffset: i * stride, as: V.self)
        let dv = s - xbase.loadUnaligned(fromByteOffset: i * stride, as: V.self)
        dm = maxOfMagnitudes(dm, dv)
        xm = maxOfMagnitudes(xm, s)
        if let u { ud += u[i] * dv }
    }
    return (dm, xm, ud)
}

/// Copies `width` (1, 2 or 4) consecutive entries per row between two row-major layouts of
/// other strides (a wide block and one of its chunks), a SIMD load and store per row.
private func copyColumns(from s: UnsafePointer<Double>, stride ss: Int, to o: UnsafeMutablePointer<Double>, stride os: Int,
                         width k: Int, rows n: Int) {
    let src = UnsafeRawPointer(s), dst = UnsafeMutableRawPointer(o), size = MemoryLayout<Double>.stride
    switch k {
    case 4:
        for i in 0..<n { dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i * ss * size, as: SIMD4<Double>.self), toByteOffset: i * os * size, as: SIMD4<Double>.self) }
    case 2:
        for i in 0..<n { dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i * ss * size, as: SIMD2<Double>.self), toByteOffset: i * os * size, as: SIMD2<Double>.self) }
    default:
        for i in 0..<n { for c in 0..<k { o[i * os + c] = s[i * ss + c] } }
    }
}

/// max(m, |v|) lane by lane, inlined: the standard library's `pointwiseMax` was called once per
/// row and lane pair (not inlined: 4.8 % of a solve at realistic 10^6 with three limits, whose
/// width-4 solves take two thirds of it).
@inline(__always)
private func maxOfMagnitudes<V: SIMD>(_ m: V, _ v: V) -> V where V.Scalar == Double {
    var r = m
    for k in 0..<V.scalarCount { r[k] = Swift.max(m[k], Swift.abs(v[k])) }
    return r
}

/// One row of a wide block Neumann step, for the right-hand sides c..<c + V.scalarCount of a block
/// of width w: next = d + A·x on the row's entries starting at `p`, with their change and size
/// folded into `dmax` and `xmax` (and uᵀ(next − x) into `udot` when `u` is given).
@inline(__always)
private func simdRow<V: SIMD>(_: V.Type, _ o: Int, _ p: inout Int, _ end: Int, _ vb: UnsafeBufferPointer<Double>,
                              _ cb: UnsafeBufferPointer<Int32>, _ db: UnsafeBufferPointer<Double>, _ xb: UnsafeBufferPointer<Double>,
                              _ nb: UnsafeMutableBufferPointer<Double>, _ dmax: inout [Double], _ xmax: inout [Double],
                              _ u: Double?, _ udot: inout [Double],
                              column c: Int, width w: Int)
    where V.Scalar == Double {
    var s = UnsafeRawPointer(db.baseAddress! + o + c).loadUnaligned(as: V.self)
    while p < end {
        s += vb[p] * UnsafeRawPointer(xb.baseAddress! + Int(cb[p]) * w + c).loadUnaligned(as: V.self)
        p += 1
    }
    UnsafeMutableRawPointer(nb.baseAddress! + o + c).storeBytes(of: s, as: V.self)
    let dv = s - UnsafeRawPointer(xb.baseAddress! + o + c).loadUnaligned(as: V.self)
    for k in 0..<V.scalarCount { dmax[c + k] = max(dmax[c + k], abs(dv[k])); xmax[c + k] = max(xmax[c + k], abs(s[k])) }
    if let u { for k in 0..<V.scalarCount { udot[c + k] += u * dv[k] } }
}

/// x[i·w + k] += β_k·v_i over the row blocks (the deflation's correction of a Neumann step).
private func addDeflation(_ x: inout [Double], _ v: [Double], _ beta: [Double], width w: Int,
                          partition: RowPartition, parallel: Bool) {
    x.withUnsafeMutableBufferPointer { xp in
    v.withUnsafeBufferPointer { vp in
    beta.withUnsafeBufferPointer { bp in
        let xs = SharedMutableBuffer(xp), vs = SharedBuffer(vp), bs = SharedBuffer(bp)
        let bounds = partition.bounds
        Parallelism.run(parts: partition.blockCount, parallel: parallel) { b in
            let xb = xs.base, vb = vs.base, bb = bs.base
            if w == 1 {
                let f = bb[0]
                for i in bounds[b]..<bounds[b + 1] { xb[i] += f * vb[i] }
            } else {
                for i in bounds[b]..<bounds[b + 1] {
                    let vi = vb[i], o = i * w
                    for k in 0..<w { xb[o + k] += bb[k] * vi }
                }
            }
        }
    }}}
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
