extension CSRMatrix {
    /// y ← α·A·x + β·y over row blocks on all cores (serial when the matrix is small).
    ///
    /// - Complexity: O(nnz + rows); streams the matrix once.
    public func multiply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>,
                         alpha: Double = 1, beta: Double = 0) {
        precondition(x.count >= columns && y.count >= rows, "dimension mismatch in SpMV")
        let xs = SharedBuffer(x), ys = SharedMutableBuffer(y)
        rowStart.withUnsafeBufferPointer { rsp in
            colIndex.withUnsafeBufferPointer { cp in
                values.withUnsafeBufferPointer { vp in
                    let rs = SharedBuffer(rsp), c = SharedBuffer(cp), v = SharedBuffer(vp)
                    let bounds = partition.bounds
                    Parallelism.run(parts: partition.blockCount, parallel: nonzeros >= Parallelism.minimumParallelWork) { b in
                        CSRMatrix.rowKernel(rs.base, c.base, v.base, xs.base, ys.base,
                                            rows: bounds[b]..<bounds[b + 1], alpha: alpha, beta: beta)
                    }
                }
            }
        }
    }

    @inlinable
    static func rowKernel(_ rs: UnsafeBufferPointer<Int>, _ c: UnsafeBufferPointer<Int32>, _ v: UnsafeBufferPointer<Double>,
                          _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
                          rows: Range<Int>, alpha: Double, beta: Double) {
        var p = rs[rows.lowerBound]
        for i in rows {
            let end = rs[i + 1]
            var s = 0.0
            while p < end {
                s += v[p] * x[Int(c[p])]
                p += 1
            }
            y[i] = beta == 0 ? alpha * s : alpha * s + beta * y[i]
        }
    }

    /// Convenience: returns A·x.
    public func multiply(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { multiply(xp, into: $0) } }
        return y
    }

    /// Y ← A·X for `width` vectors stored interleaved (row-major: X[j*width + k]). Streams the
    /// matrix once for all vectors, so k right-hand sides cost far less than k SpMVs.
    public func multiply(block x: UnsafeBufferPointer<Double>, width: Int, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(width >= 1 && x.count >= columns * width && y.count >= rows * width, "dimension mismatch in block SpMV")
        if width == 1 { multiply(x, into: y); return }
        let xs = SharedBuffer(x), ys = SharedMutableBuffer(y)
        rowStart.withUnsafeBufferPointer { rsp in
            colIndex.withUnsafeBufferPointer { cp in
                values.withUnsafeBufferPointer { vp in
                    let rs = SharedBuffer(rsp), c = SharedBuffer(cp), v = SharedBuffer(vp)
                    let bounds = partition.bounds
                    Parallelism.run(parts: partition.blockCount, parallel: nonzeros * width >= Parallelism.minimumParallelWork) { b in
                        let rsb = rs.base, cb = c.base, vb = v.base, xb = xs.base, yb = ys.base
                        var p = rsb[bounds[b]]
                        for i in bounds[b]..<bounds[b + 1] {
                            let end = rsb[i + 1]
                            let yo = i * width
                            for k in 0..<width { yb[yo + k] = 0 }
                            while p < end {
                                let a = vb[p]
                                let xo = Int(cb[p]) * width
                                for k in 0..<width { yb[yo + k] += a * xb[xo + k] }
                                p += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
