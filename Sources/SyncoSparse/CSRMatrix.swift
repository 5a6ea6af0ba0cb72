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
        // Each thread counts and scatters a block of rows (thread t's rows come before thread
        // t + 1's in every column, so the result is the one-thread one). The scatter is random
        // writes over the whole result. At most four threads: each keeps an offset per column.
        let blocks = nonzeros >= 4 * Parallelism.minimumParallelWork ? min(Parallelism.threads, 4) : 1
        let bounds = blocks == 1 ? [0, rows] : RowPartition(rowStart: rowStart, blocks: blocks).bounds
        let parts = bounds.count - 1
        // offset[t·columns + j]: first block t's count in column j, then its next place there
        // relative to the column's start (below 2^31: a column holds at most `rows` entries).
        var offset = [Int32](repeating: 0, count: parts * columns)
        var start = [Int](repeating: 0, count: columns + 1)
        var tc = [Int32](repeating: 0, count: nonzeros)
        var tv = [Double](repeating: 0, count: nonzeros)
        rowStart.withUnsafeBufferPointer { rs in
        colIndex.withUnsafeBufferPointer { c in
        values.withUnsafeBufferPointer { v in
        tc.withUnsafeMutableBufferPointer { tcp in
        tv.withUnsafeMutableBufferPointer { tvp in
        offset.withUnsafeMutableBufferPointer { op in
        start.withUnsafeMutableBufferPointer { sp in
            let rss = SharedBuffer(rs), cs = SharedBuffer(c), vs = SharedBuffer(v)
            let tcs = SharedMutableBuffer(tcp), tvs = SharedMutableBuffer(tvp), offs = SharedMutableBuffer(op)
            Parallelism.run(parts: parts, parallel: parts > 1) { t in
                let count = offs.base.baseAddress! + t * columns
                for p in rss.base[bounds[t]]..<rss.base[bounds[t + 1]] { count[Int(cs.base[p])] += 1 }
            }
            var q = 0
            for j in 0..<columns {
                sp[j] = q
                var within: Int32 = 0
                for t in 0..<parts {
                    let k = op[t * columns + j]
                    op[t * columns + j] = within
                    within += k
                }
                q += Int(within)
            }
            sp[columns] = q
            let ss = SharedBuffer(UnsafeBufferPointer(sp))
            Parallelism.run(parts: parts, parallel: parts > 1) { t in
                let next = offs.base.baseAddress! + t * columns
                for i in bounds[t]..<bounds[t + 1] {
                    for p in rss.base[i]..<rss.base[i + 1] {
                        let j = Int(cs.base[p])
                        let q = ss.base[j] + Int(next[j])
                        tcs.base[q] = Int32(i)
                        tvs.base[q] = vs.base[p]
                        next[j] += 1
                    }
                }
            }
        }}}}}}}
        return CSRMatrix(rows: columns, columns: rows, rowStart: start, colIndex: tc, values: tv)
    }

    /// Bytes streamed by one SpMV: indices, values, row starts, x gathered (counted once per
    /// nonzero in the worst case is pessimistic; we count x and y once each), y written.
    public var bytesPerMultiply: Int {
        nonzeros * (MemoryLayout<Int32>.size + MemoryLayout<Double>.size)
            + (rows + 1) * MemoryLayout<Int>.size + (rows + columns) * MemoryLayout<Double>.size
    }
}
