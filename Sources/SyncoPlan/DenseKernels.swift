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

    /// Eliminates column `c` from every row but `c` of the row-major n × n matrices `a` and
    /// `b` (Gauss–Jordan, after row c of both was divided by its pivot).
    static func eliminate(_ a: inout [Double], _ b: inout [Double], size n: Int, column c: Int) {
        a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                let sa = SharedMutableBuffer(ap), sb = SharedMutableBuffer(bp)
                let parts = n * n >= minimumParallelWork ? Parallelism.threads : 1
                Parallelism.run(parts: parts, parallel: parts > 1) { part in
                    let pa = sa.base.baseAddress!, pb = sb.base.baseAddress!
                    for r in (n * part / parts)..<(n * (part + 1) / parts) where r != c && pa[r * n + c] != 0 {
                        let f = pa[r * n + c]
                        // Row c of `a` is zero left of c (eliminated already).
                        for k in c..<n { pa[r * n + k] -= f * pa[c * n + k] }
                        for k in 0..<n { pb[r * n + k] -= f * pb[c * n + k] }
                    }
                }
            }
        }
    }
}
