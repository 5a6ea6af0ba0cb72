import SyncoSparse

/// The fused vector kernels of one PDHG iteration, parallel over explicit index blocks.
/// Each returns the squared norm of its step (for the fixed-point residual) when asked to
/// keep T(z).
enum PDHGKernels {
    static func blocks(_ count: Int) -> Int { count >= 50_000 ? Parallelism.threads * 4 : 1 }

    static func multiply(_ a: CSRMatrix, _ x: UnsafeMutableBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        a.multiply(UnsafeBufferPointer(x), into: y)
    }

    static func transposeMultiply(_ at: CSRMatrix, _ y: UnsafeMutableBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        at.multiply(UnsafeBufferPointer(y), into: out)
    }

    /// x⁺ = proj[l,u](x − τ(c − Kᵀy)); x̂ = 2x⁺ − x; x ← w(ρx̂ + (1−ρ)x) + (1−w)x₀.
    static func primalStep(_ lp: LinearProgram, _ ws: Workspace, tau: Double, weight w: Double, reflection rho: Double, keep: Bool) -> Double {
        let n = lp.columns
        let parts = blocks(n)
        let partial = SharedMutableBuffer(UnsafeMutableBufferPointer<Double>.allocate(capacity: parts))
        defer { partial.base.deallocate() }
        let x = SharedMutableBuffer(ws.x), x0 = SharedMutableBuffer(ws.x0), xh = SharedMutableBuffer(ws.xhat),
            xp = SharedMutableBuffer(ws.xplus), kty = SharedMutableBuffer(ws.kty)
        lp.objective.withUnsafeBufferPointer { cp in lp.lower.withUnsafeBufferPointer { lop in lp.upper.withUnsafeBufferPointer { hip in
            let c = SharedBuffer(cp), lo = SharedBuffer(lop), hi = SharedBuffer(hip)
            Parallelism.run(parts: parts, parallel: parts > 1) { b in
                let start = n * b / parts, end = n * (b + 1) / parts
                let cb = c.base, lb = lo.base, ub = hi.base, xb = x.base, x0b = x0.base, xhb = xh.base, xpb = xp.base, kb = kty.base
                var s = 0.0
                for j in start..<end {
                    let xj = xb[j]
                    var v = xj - tau * (cb[j] - kb[j])
                    if v < lb[j] { v = lb[j] }
                    if v > ub[j] { v = ub[j] }
                    let r = 2 * v - xj
                    xhb[j] = r
                    if keep {
                        xpb[j] = v
                        let d = v - xj
                        s += d * d
                    }
                    xb[j] = w * (rho * r + (1 - rho) * xj) + (1 - w) * x0b[j]
                }
                partial.base[b] = s
            }
        } } }
        var s = 0.0
        for b in 0..<parts { s += partial.base[b] }
        return s
    }

    /// y⁺ = σ(t − proj[−ub,−lb](t)) with t = y/σ − K x̂; ŷ = 2y⁺ − y; y ← w(ρŷ + (1−ρ)y) + (1−w)y₀.
    static func dualStep(_ lp: LinearProgram, _ ws: Workspace, sigma: Double, weight w: Double, reflection rho: Double, keep: Bool) -> Double {
        let m = lp.rows
        let parts = blocks(m)
        let partial = SharedMutableBuffer(UnsafeMutableBufferPointer<Double>.allocate(capacity: parts))
        defer { partial.base.deallocate() }
        let y = SharedMutableBuffer(ws.y), y0 = SharedMutableBuffer(ws.y0), yp = SharedMutableBuffer(ws.yplus), kx = SharedMutableBuffer(ws.kxhat)
        lp.rowLower.withUnsafeBufferPointer { rlp in lp.rowUpper.withUnsafeBufferPointer { rup in
            let rl = SharedBuffer(rlp), ru = SharedBuffer(rup)
            Parallelism.run(parts: parts, parallel: parts > 1) { b in
                let start = m * b / parts, end = m * (b + 1) / parts
                let lb = rl.base, ub = ru.base, yb = y.base, y0b = y0.base, ypb = yp.base, kb = kx.base
                let inv = 1 / sigma
                var s = 0.0
                for i in start..<end {
                    let yi = yb[i]
                    let t = yi * inv - kb[i]
                    var pr = t
                    if pr < -ub[i] { pr = -ub[i] }
                    if pr > -lb[i] { pr = -lb[i] }
                    let v = sigma * (t - pr)
                    if keep {
                        ypb[i] = v
                        let d = v - yi
                        s += d * d
                    }
                    let r = 2 * v - yi
                    yb[i] = w * (rho * r + (1 - rho) * yi) + (1 - w) * y0b[i]
                }
                partial.base[b] = s
            }
        } }
        var s = 0.0
        for b in 0..<parts { s += partial.base[b] }
        return s
    }
}
