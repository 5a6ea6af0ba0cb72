import SyncoSparse

/// Dense kernels for the small dense programs (`PackingSimplex`): row-major matrices, SIMD
/// accumulators for the dot products (the compiler does not reorder a floating-point sum by
/// itself), and both cores once a kernel touches enough entries. No global state: every kernel
/// works on the buffers it is handed.
enum DenseKernels {
    /// Entries below which a kernel runs on the calling thread (dispatch costs more).
    static let minimumParallelWork = 1 << 17

    /// Σ a[k]·b[k] for k < n, in eight lanes.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD8<Double>(repeating: 0)
        var k = 0
        while k + 8 <= n {
            let x = UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Double>.self)
            let y = UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Double>.self)
            acc += x * y
            k += 8
        }
        var s = acc.sum()
        while k < n { s += a[k] * b[k]; k += 1 }
        return s
    }

    /// y = M·x for a row-major n × n matrix M.
    static func multiply(_ matrix: [Double], size n: Int, _ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: n)
        matrix.withUnsafeBufferPointer { mp in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    let m = SharedBuffer(mp), v = SharedBuffer(xp), out = SharedMutableBuffer(yp)
                    let parts = n * n >= minimumParallelWork ? Parallelism.threads : 1
                    Parallelism.run(parts: parts, parallel: parts > 1) { part in
                        for r in (n * part / parts)..<(n * (part + 1) / parts) {
                            out.base[r] = dot(m.base.baseAddress! + r * n, v.base.baseAddress!, n)
                        }
                    }
                }
            }
        }
        return y
    }

    /// Σ_r c[r]·G[r, ·] for a row-major rows × width matrix G (columns split between the cores).
    static func combineRows(_ g: [Double], rows m: Int, width: Int, _ c: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: width)
        combineRows(into: &out, g, rows: m, width: width, c, range: 0..<width)
        return out
    }

    /// The same into `out` (at least `width` long), on `range` only: the rest of `out` is left
    /// as it is (a pricing loop reuses one buffer instead of a fresh page-faulting array).
    static func combineRows(into out: inout [Double], _ g: [Double], rows m: Int, width: Int, _ c: [Double], range: Range<Int>) {
        let first = range.lowerBound, span = range.count
        for q in range { out[q] = 0 }
        let used = (0..<m).filter { c[$0] != 0 }
        g.withUnsafeBufferPointer { gp in
            c.withUnsafeBufferPointer { cp in
                out.withUnsafeMutableBufferPointer { op in
                    let gs = SharedBuffer(gp), cs = SharedBuffer(cp), os = SharedMutableBuffer(op)
                    let parts = used.count * span >= minimumParallelWork ? Parallelism.threads : 1
                    Parallelism.run(parts: parts, parallel: parts > 1) { part in
                        let lo = first + span * part / parts, hi = first + span * (part + 1) / parts
                        let o = os.base.baseAddress!, g = gs.base.baseAddress!
                        // Four rows per pass over `out`: a quarter of its reads and writes (one
                        // row at a time, `out` was read and written once per row of G).
                        var k = 0
                        while k + 4 <= used.count {
                            let r0 = used[k], r1 = used[k + 1], r2 = used[k + 2], r3 = used[k + 3]
                            let w0 = cs.base[r0], w1 = cs.base[r1], w2 = cs.base[r2], w3 = cs.base[r3]
                            let g0 = g + r0 * width, g1 = g + r1 * width, g2 = g + r2 * width, g3 = g + r3 * width
                            for q in lo..<hi { o[q] += (w0 * g0[q] + w1 * g1[q]) + (w2 * g2[q] + w3 * g3[q]) }
                            k += 4
                        }
                        while k < used.count {
                            let r = used[k], w = cs.base[r], gr = g + r * width
                            for q in lo..<hi { o[q] += w * gr[q] }
                            k += 1
                        }
                    }
                }
            }
        }
    }

    /// The product-form update of a row-major n × n inverse when the basic variable of row
    /// `leave` is replaced by a column whose image under the old inverse is `u`.
    static func pivot(_ inverse: inout [Double], size n: Int, row leave: Int, column u: [Double]) {
        let pivot = u[leave]
        inverse.withUnsafeMutableBufferPointer { inv in
            let pr = leave * n
            for k in 0..<n { inv[pr + k] /= pivot }
            let shared = SharedMutableBuffer(inv)
            u.withUnsafeBufferPointer { up in
                let us = SharedBuffer(up)
                let parts = n * n >= minimumParallelWork ? Parallelism.threads : 1
                Parallelism.run(parts: parts, parallel: parts > 1) { part in
                    let p = shared.base.baseAddress!
                    for i in (n * part / parts)..<(n * (part + 1) / parts) where i != leave && us.base[i] != 0 {
                        let f = us.base[i], row = i * n
                        for k in 0..<n { p[row + k] -= f * p[pr + k] }
                    }
                }
            }
        }
    }

    /// The inverse of the row-major n × n matrix `a` by Gauss–Jordan with partial pivoting, in
    /// panels of four columns: within a panel only the panel's columns are eliminated at once
    /// (the rest of every row waits, its multipliers kept), then each row takes the panel's four
    /// pivot rows in one pass. Column by column every pivot read and wrote both matrices whole
    /// (at 700 rows 7.8 MB, from the last-level cache, 700 times: a fresh basis inverse took
    /// 0.2–0.3 s); in panels they are passed over a quarter as often. Nil when a pivot is below
    /// 1e-13 of the largest entry (singular to working precision).
    static func invert(_ matrix: [Double], size n: Int) -> [Double]? {
        var a = matrix
        var inv = [Double](repeating: 0, count: n * n)
        for r in 0..<n { inv[r * n + r] = 1 }
        var scale = 1e-300
        for v in a { scale = max(scale, abs(v)) }
        let panel = 4
        // Per row, the multipliers of the current panel's pivots (row r of `a` waits for
        // a[r] −= Σ_j f[r][j]·(pivot row j as it was at its step), beyond the panel).
        var f = [Double](repeating: 0, count: n * panel)
        var ok = true
        a.withUnsafeMutableBufferPointer { ap in
            inv.withUnsafeMutableBufferPointer { ip in
                f.withUnsafeMutableBufferPointer { fp in
                    let A = ap.baseAddress!, I = ip.baseAddress!, F = fp.baseAddress!
                    var c = 0
                    while c < n {
                        let bs = min(panel, n - c), end = c + bs
                        for k in 0..<(n * panel) { F[k] = 0 }
                        // 1. The panel's columns, for every row, pivot by pivot.
                        for j in 0..<bs {
                            let cj = c + j
                            var p = cj, best = abs(A[cj * n + cj])
                            for r in (cj + 1)..<max(n, cj + 1) where abs(A[r * n + cj]) > best { best = abs(A[r * n + cj]); p = r }
                            guard best > 1e-13 * scale else { ok = false; return }
                            if p != cj {
                                for k in 0..<n { swap(&A[cj * n + k], &A[p * n + k]); swap(&I[cj * n + k], &I[p * n + k]) }
                                for k in 0..<panel { swap(&F[cj * panel + k], &F[p * panel + k]) }
                            }
                            let d = A[cj * n + cj]
                            for k in cj..<end { A[cj * n + k] /= d }
                            F[cj * panel + j] = d   // the pivot's divisor, until step 2 uses it
                            for r in 0..<n where r != cj {
                                let m = A[r * n + cj]
                                guard m != 0 else { continue }
                                for k in cj..<end { A[r * n + k] -= m * A[cj * n + k] }
                                F[r * panel + j] = m
                            }
                        }
                        // 2. The pivot rows beyond the panel, each as it was at its step:
                        //    (row − Σ earlier pivots' multipliers·their rows) / divisor.
                        let rest = n - end
                        func rowUpdate(_ r: Int, _ q: Int, _ m: Double) {
                            if rest > 0 { for k in end..<n { A[r * n + k] -= m * A[q * n + k] } }
                            for k in 0..<n { I[r * n + k] -= m * I[q * n + k] }
                        }
                        for j in 0..<bs {
                            let cj = c + j
                            for jj in 0..<j where F[cj * panel + jj] != 0 { rowUpdate(cj, c + jj, F[cj * panel + jj]) }
                            let d = F[cj * panel + j]
                            if rest > 0 { for k in end..<n { A[cj * n + k] /= d } }
                            for k in 0..<n { I[cj * n + k] /= d }
                        }
                        // 3. Every other row takes the panel's pivot rows in one pass; then the
                        //    pivot rows take the later pivots' eliminations, first to last, so
                        //    that each uses later pivot rows still as they were at their step.
                        let pivots = SharedMutableBuffer(UnsafeMutableBufferPointer(start: A, count: n * n))
                        let inverse = SharedMutableBuffer(UnsafeMutableBufferPointer(start: I, count: n * n))
                        let multipliers = SharedMutableBuffer(UnsafeMutableBufferPointer(start: F, count: n * panel))
                        let parts = n * n >= minimumParallelWork ? Parallelism.threads : 1
                        let c0 = c
                        Parallelism.run(parts: parts, parallel: parts > 1) { part in
                            let c = c0
                            let A = pivots.base.baseAddress!, I = inverse.base.baseAddress!, F = multipliers.base.baseAddress!
                            for r in (n * part / parts)..<(n * (part + 1) / parts) where r < c || r >= end {
                                let m0 = F[r * panel], m1 = bs > 1 ? F[r * panel + 1] : 0
                                let m2 = bs > 2 ? F[r * panel + 2] : 0, m3 = bs > 3 ? F[r * panel + 3] : 0
                                if m0 == 0 && m1 == 0 && m2 == 0 && m3 == 0 { continue }
                                let q0 = c * n, q1 = min(c + 1, n - 1) * n, q2 = min(c + 2, n - 1) * n, q3 = min(c + 3, n - 1) * n
                                for k in end..<n {
                                    A[r * n + k] -= (m0 * A[q0 + k] + m1 * A[q1 + k]) + (m2 * A[q2 + k] + m3 * A[q3 + k])
                                }
                                for k in 0..<n {
                                    I[r * n + k] -= (m0 * I[q0 + k] + m1 * I[q1 + k]) + (m2 * I[q2 + k] + m3 * I[q3 + k])
                                }
                            }
                        }
                        for j in 0..<bs {
                            let cj = c + j
                            for jj in (j + 1)..<max(bs, j + 1) where F[cj * panel + jj] != 0 { rowUpdate(cj, c + jj, F[cj * panel + jj]) }
                        }
                        c = end
                    }
                }
            }
        }
        return ok ? inv : nil
    }
}
