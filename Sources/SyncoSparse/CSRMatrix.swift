/// A sparse matrix in compressed sparse row form on contiguous buffers.
///
/// Row `i` holds columns `colIndex[rowStart[i]..<rowStart[i+1]]` with `values` alongside.
/// Column indices are `Int32` (up to 2^31 columns) to halve index traffic in SpMV.
public struct CSRMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public let rowStart: [Int]
    public let colIndex: [Int32]
    public let values: [Double]
    /// Row blocks of about equal nonzeros, one per worker thread.
    public let partition: RowPartition

    public var nonzeros: Int { colIndex.count }

    public init(rows: Int, columns: Int, rowStart: [Int], colIndex: [Int32], values: [Double],
                blocks: Int = Parallelism.threads * 4) {
        precondition(rowStart.count == rows + 1 && rowStart.first == 0 && rowStart.last == colIndex.count
                     && colIndex.count == values.count, "malformed CSR arrays")
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.colIndex = colIndex
        self.values = values
        self.partition = RowPartition(rowStart: rowStart, blocks: blocks)
    }

    /// The same sparsity pattern (and row partition) with other values at some positions:
    /// `change(values)` edits the copy in place.
    public func changingValues(_ change: (inout [Double]) -> Void) -> CSRMatrix {
        var v = values
        change(&v)
        precondition(v.count == values.count, "a value change must keep the pattern")
        return CSRMatrix(rows: rows, columns: columns, rowStart: rowStart, colIndex: colIndex, values: v, partition: partition)
    }

    private init(rows: Int, columns: Int, rowStart: [Int], colIndex: [Int32], values: [Double], partition: RowPartition) {
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.colIndex = colIndex
        self.values = values
        self.partition = partition
    }

    /// Builds a matrix from unordered (row, column, value) triplets; duplicates are summed.
    ///
    /// - Complexity: O(nnz + rows) with a counting sort by row, then a sort within each row.
    public init(rows: Int, columns: Int, triplets: [(row: Int, column: Int, value: Double)]) {
        var count = [Int](repeating: 0, count: rows + 1)
        for t in triplets { count[t.row + 1] += 1 }
        for i in 0..<rows { count[i + 1] += count[i] }
        var next = count
        var ci = [Int32](repeating: 0, count: triplets.count)
        var v = [Double](repeating: 0, count: triplets.count)
        for t in triplets {
            let p = next[t.row]
            ci[p] = Int32(t.column)
            v[p] = t.value
            next[t.row] += 1
        }
        // sort within rows and merge duplicates
        var rs = [0]
        rs.reserveCapacity(rows + 1)
        var outC: [Int32] = []
        var outV: [Double] = []
        outC.reserveCapacity(ci.count)
        outV.reserveCapacity(v.count)
        for i in 0..<rows {
            let r = count[i]..<count[i + 1]
            let order = r.sorted { ci[$0] < ci[$1] }
            for p in order {
                if outC.count > rs[i], outC[outC.count - 1] == ci[p] {
                    outV[outV.count - 1] += v[p]
                } else {
                    outC.append(ci[p])
                    outV.append(v[p])
                }
            }
            rs.append(outC.count)
        }
        self.init(rows: rows, columns: columns, rowStart: rs, colIndex: outC, values: outV)
    }

    /// The transpose, also in CSR form (equivalently: this matrix in CSC form).
    ///
    /// - Complexity: O(nnz + rows + columns), two passes.
    public func transposed() -> CSRMatrix {
        let parts = min(Parallelism.threads, 4)
        // Each thread counts and scatters a block of rows (thread t's rows come before thread
        // t + 1's in every column, so the result is the sequential one). The scatter is random
        // writes over the whole result. At most four threads: each holds a position per column.
        guard parts > 1, nonzeros >= 4 * Parallelism.minimumParallelWork, nonzeros < Int(Int32.max) else { return transposedSequentially() }
        let bounds = RowPartition(rowStart: rowStart, blocks: parts).bounds
        let blocks = bounds.count - 1
        // counts[t][j] becomes thread t's next position in column j.
        var counts = [Int32](repeating: 0, count: blocks * columns)
        colIndex.withUnsafeBufferPointer { c in
            counts.withUnsafeMutableBufferPointer { cp in
                let cs = SharedBuffer(c), out = SharedMutableBuffer(cp)
                let rsAt = rowStart
                Parallelism.run(parts: blocks, parallel: true) { t in
                    let base = out.base.baseAddress! + t * columns
                    for p in rsAt[bounds[t]]..<rsAt[bounds[t + 1]] { base[Int(cs.base[p])] += 1 }
                }
            }
        }
        var start = [Int](repeating: 0, count: columns + 1)
        counts.withUnsafeMutableBufferPointer { cp in
            var q = 0
            for j in 0..<columns {
                start[j] = q
                for t in 0..<blocks {
                    let k = Int(cp[t * columns + j])
                    cp[t * columns + j] = Int32(q)
                    q += k
                }
            }
            start[columns] = q
        }
        var tc = [Int32](repeating: 0, count: nonzeros)
        var tv = [Double](repeating: 0, count: nonzeros)
        rowStart.withUnsafeBufferPointer { rs in
            colIndex.withUnsafeBufferPointer { c in
                values.withUnsafeBufferPointer { v in
                    tc.withUnsafeMutableBufferPointer { tcp in
                        tv.withUnsafeMutableBufferPointer { tvp in
                            counts.withUnsafeMutableBufferPointer { cp in
                                let rss = SharedBuffer(rs), cs = SharedBuffer(c), vs = SharedBuffer(v)
                                let tcs = SharedMutableBuffer(tcp), tvs = SharedMutableBuffer(tvp), next = SharedMutableBuffer(cp)
                                Parallelism.run(parts: blocks, parallel: true) { t in
                                    let nx = next.base.baseAddress! + t * columns
                                    for i in bounds[t]..<bounds[t + 1] {
                                        for p in rss.base[i]..<rss.base[i + 1] {
                                            let j = Int(cs.base[p])
                                            let q = Int(nx[j])
                                            tcs.base[q] = Int32(i)
                                            tvs.base[q] = vs.base[p]
                                            nx[j] = Int32(q + 1)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return CSRMatrix(rows: columns, columns: rows, rowStart: start, colIndex: tc, values: tv)
    }

    func transposedSequentially() -> CSRMatrix {
        var start = [Int](repeating: 0, count: columns + 1)
        colIndex.withUnsafeBufferPointer { c in
            for j in c { start[Int(j) + 1] += 1 }
        }
        for j in 0..<columns { start[j + 1] += start[j] }
        var next = start
        var tc = [Int32](repeating: 0, count: nonzeros)
        var tv = [Double](repeating: 0, count: nonzeros)
        rowStart.withUnsafeBufferPointer { rs in
            colIndex.withUnsafeBufferPointer { c in
                values.withUnsafeBufferPointer { v in
                    tc.withUnsafeMutableBufferPointer { tcp in
                        tv.withUnsafeMutableBufferPointer { tvp in
                            next.withUnsafeMutableBufferPointer { nx in
                                for i in 0..<rows {
                                    for p in rs[i]..<rs[i + 1] {
                                        let j = Int(c[p])
                                        let q = nx[j]
                                        tcp[q] = Int32(i)
                                        tvp[q] = v[p]
                                        nx[j] = q + 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return CSRMatrix(rows: columns, columns: rows, rowStart: start, colIndex: tc, values: tv)
    }

    /// Bytes streamed by one SpMV: indices, values, row starts, x gathered (counted once per
    /// nonzero in the worst case is pessimistic; we count x and y once each), y written.
    public var bytesPerMultiply: Int {
        nonzeros * (MemoryLayout<Int32>.size + MemoryLayout<Double>.size)
            + (rows + 1) * MemoryLayout<Int>.size + (rows + columns) * MemoryLayout<Double>.size
    }
}
