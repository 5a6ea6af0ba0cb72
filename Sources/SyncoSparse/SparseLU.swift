/// Sparse LU factorisation of a square matrix given by its columns, with product-form updates
/// for a simplex basis (one column replaced at a time).
///
/// Right-looking Gaussian elimination with Markowitz pivot choice: singleton columns first
/// (the unit columns of slacks cost nothing), else among the entries of the 8 sparsest rows and
/// the 8 sparsest columns the one with the smallest (row count − 1)·(column count − 1) whose size
/// is at least `threshold` of the largest in its row (a row's values are stored together; a
/// column's are spread over rows). Once the active submatrix is dense (a fifth of its entries),
/// it is eliminated as a dense block with partial pivoting (`eliminateDense`). The chosen
/// entry must still be at least `stability` times the largest in its column (else the column's
/// sparsest row that passes is taken), which bounds the multipliers by 1/stability; a caller
/// checks the factors' accuracy and refactorises with a larger `stability` when it is poor.
/// Markowitz, "The elimination form of the inverse and its application to linear programming",
/// Management Science 3 (1957); Suhl & Suhl, "Computing sparse LU factorizations for
/// large-scale linear programming bases", ORSA J. Computing 2 (1990).
///
/// Elimination k pivots on row `pivotRow[k]` and column (basis position) `pivotColumn[k]`;
/// it stores the multipliers of the rows below (L) and the pivot row's remaining entries (U).
/// A column with no acceptable pivot left is reported in `singularColumns` with the rows that
/// stayed unpivoted in `singularRows`: the simplex replaces those columns by the rows' slacks.
///
/// Updates: replacing the column at position p by a column whose solve is α gives
/// B' = B·E (E the identity with column p set to α); B'⁻¹ = E⁻¹·B⁻¹ is kept as a list of etas
/// (product form of the inverse), applied after the LU solve (forward) or before it
/// (transposed). The simplex refactors after a few dozen updates.
public struct SparseLU: Sendable {
    public let size: Int
    /// Pivot sequence.
    public private(set) var pivotRow: [Int32] = []
    public private(set) var pivotColumn: [Int32] = []
    private var pivotValue: [Double] = []
    /// L: per elimination, the rows it updated and their multipliers.
    private var lStart: [Int] = [0]
    private var lRow: [Int32] = []
    private var lValue: [Double] = []
    /// U: per elimination, the pivot row's entries in columns eliminated later.
    private var uStart: [Int] = [0]
    private var uColumn: [Int32] = []
    private var uValue: [Double] = []
    /// Etas: per update, its position and the nonzeros of α.
    private var etaPosition: [Int32] = []
    private var etaPivot: [Double] = []
    private var etaStart: [Int] = [0]
    private var etaIndex: [Int32] = []
    private var etaValue: [Double] = []
    /// Columns (positions) without a pivot and rows left unpivoted (a singular basis).
    public private(set) var singularColumns: [Int] = []
    public private(set) var singularRows: [Int] = []

    public var updates: Int { etaPosition.count }
    /// Columns of the trailing block eliminated densely (0: none).
    public private(set) var denseBlockSize = 0
    /// Nonzeros in L and U (fill-in included).
    public var factorNonzeros: Int { lRow.count + uColumn.count + pivotRow.count }

    /// Factorises the matrix whose column p has the given row indices and values.
    public init(size m: Int, columns: [(rows: [Int32], values: [Double])], threshold: Double = 0.1, tiny: Double = 1e-9,
                stability: Double = 0.01) {
        let searchRows = 8
        precondition(columns.count == m, "a square matrix needs as many columns as rows")
        size = m
        // Active submatrix: rows hold (column, value); columns hold the pattern of rows.
        var rowCols = [[Int32]](repeating: [], count: m)
        var rowVals = [[Double]](repeating: [], count: m)
        var colRows = [[Int32]](repeating: [], count: m)
        for (c, col) in columns.enumerated() {
            for (q, r) in col.rows.enumerated() where col.values[q] != 0 {
                let i = Int(r)
                if let at = rowCols[i].firstIndex(of: Int32(c)) { rowVals[i][at] += col.values[q]; continue }
                rowCols[i].append(Int32(c))
                rowVals[i].append(col.values[q])
                colRows[c].append(r)
            }
        }
        var rowDone = [Bool](repeating: false, count: m)
        var rowDead = [Bool](repeating: false, count: m)
        // Dense scratch of the elimination, by row and by column (buffers: no copy-on-write
        // checks in the inner loops).
        let rowValue = UnsafeMutableBufferPointer<Double>.allocate(capacity: m)
        rowValue.initialize(repeating: 0)
        defer { rowValue.deallocate() }
        // A row is numerically empty once its entries fall below `tiny` times its original size
        // (a column, in the dense block, once its entries left do).
        let rowScale = rowVals.map { $0.reduce(0.0) { max($0, abs($1)) } }
        let columnScale = columns.map { $0.values.reduce(0.0) { max($0, abs($1)) } }
        var colDone = [Bool](repeating: false, count: m)
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: m)
        work.initialize(repeating: 0)
        defer { work.deallocate() }
        let mark = UnsafeMutableBufferPointer<Int32>.allocate(capacity: m)
        mark.initialize(repeating: -1)
        defer { mark.deallocate() }
        // Column patterns drop pivoted rows lazily (skipped where read); `colCount` is each
        // column's count of active rows. Removing the pivot row from every column it meets
        // searched each column (a dense block's factorisation spent most of its time there).
        var colCount = colRows.map(\.count)
        // Rows and columns listed by their count of active entries: the sparsest are found
        // without scanning all of them for every elimination.
        var rowLists = CountLists(size: m), colLists = CountLists(size: m)
        for i in 0..<m where !rowCols[i].isEmpty { rowLists.set(i, count: rowCols[i].count) }
        for c in 0..<m where colCount[c] > 0 { colLists.set(c, count: colCount[c]) }
        var singletons: [Int] = []
        for c in 0..<m where colCount[c] == 1 { singletons.append(c) }
        pivotRow.reserveCapacity(m)
        pivotColumn.reserveCapacity(m)

        var remaining = m
        var sinceCheck = 0
        while remaining > 0 {
            // Once the active submatrix is dense (a fifth of its entries or more, checked every
            // 32 eliminations), the rest is eliminated in a dense block: the input–output cycles
            // of a planning basis fill its trailing block nearly whole, and row by row in
            // growing arrays its elimination took most of a sparse simplex's time.
            sinceCheck += 1
            if remaining >= 64 && sinceCheck >= 32 {
                sinceCheck = 0
                var active = 0
                for i in 0..<m where !rowDone[i] { active += rowCols[i].count }
                if 5 * active >= remaining * remaining {
                    // (Numerically empty rows stay out, unpivoted, as in the sparse elimination.)
                    eliminateDense(rows: (0..<m).filter { !rowDone[$0] && !rowDead[$0] }, columns: (0..<m).filter { !colDone[$0] },
                                   rowCols: rowCols, rowVals: rowVals, tiny: tiny, columnScale: columnScale, rowDone: &rowDone, colDone: &colDone)
                    break
                }
            }
            // Choose the pivot: singletons, then Markowitz.
            var pr = -1, pc = -1
            while pc < 0, let c = singletons.popLast() {
                guard !colDone[c], colCount[c] == 1, let live = colRows[c].first(where: { !rowDone[Int($0)] }) else { continue }
                let i = Int(live)
                if abs(SparseLU.entry(rowCols[i], rowVals[i], c)) > tiny { pr = i; pc = c; break }
            }
            if pc < 0 {
                // Markowitz search over the sparsest rows, with the threshold taken along the
                // row. A row whose entries have all cancelled is numerically empty: it stays
                // unpivoted (a dependent column will give way to its slack).
                var bestCost = Int.max, bestSize = 0.0
                // The scoring both searches share: the lowest cost, the larger entry on ties.
                func better(_ cost: Int, _ v: Double) -> Bool { cost < bestCost || (cost == bestCost && v > bestSize) }
                func take(_ cost: Int, _ v: Double, _ i: Int, _ c: Int) { bestCost = cost; bestSize = v; pr = i; pc = c }
                func largest(_ i: Int) -> Double {
                    var rmax = 0.0
                    for w in rowVals[i] { rmax = max(rmax, abs(w)) }
                    return rmax
                }
                while pc < 0 {
                    let order = rowLists.sparsest(searchRows)
                    if order.isEmpty { break }
                    // The sparsest columns too (Suhl & Suhl): a column of few active rows
                    // may pivot on a longer row at a lower cost than any of the sparsest rows.
                    for (ccount, c) in colLists.sparsest(searchRows) {
                        for r in colRows[c] where !rowDone[Int(r)] && !rowDead[Int(r)] {
                            let i = Int(r)
                            let v = abs(SparseLU.entry(rowCols[i], rowVals[i], c))
                            let cost = (rowCols[i].count - 1) * (ccount - 1)
                            guard v > 0, better(cost, v) else { continue }
                            let rmax = largest(i)
                            guard rmax > tiny * max(1, rowScale[i]), v >= threshold * rmax else { continue }
                            take(cost, v, i, c)
                        }
                    }
                    for (count, i) in order {
                        let rmax = largest(i)
                        guard rmax > tiny * max(1, rowScale[i]) else { rowDead[i] = true; rowLists.remove(i); continue }
                        for (q, c32) in rowCols[i].enumerated() {
                            let v = abs(rowVals[i][q])
                            let c = Int(c32)
                            let cost = (count - 1) * (colCount[c] - 1)
                            if v >= threshold * rmax && better(cost, v) { take(cost, v, i, c) }
                        }
                    }
                }
                if pc < 0 { break }
            }
            // The column's values (needed for the multipliers anyway); a row-search pivot that
            // fails the threshold along its column gives way to the column's largest entry, so
            // that every multiplier stays below 1/threshold.
            let liveRows = colRows[pc].filter { !rowDone[Int($0)] }
            var colVals = [Double](repeating: 0, count: liveRows.count)
            var cmax = 0.0, cmaxRow = pr
            for (q, r) in liveRows.enumerated() {
                let v = SparseLU.entry(rowCols[Int(r)], rowVals[Int(r)], pc)
                colVals[q] = v
                if abs(v) > cmax { cmax = abs(v); cmaxRow = Int(r) }
            }
            if abs(SparseLU.entry(rowCols[pr], rowVals[pr], pc)) < stability * cmax {
                // Among the column's entries that pass, the sparsest row.
                var bestCount = Int.max
                pr = cmaxRow
                for (q, r) in liveRows.enumerated() where abs(colVals[q]) >= threshold * cmax {
                    let count = rowCols[Int(r)].count
                    if count < bestCount { bestCount = count; pr = Int(r) }
                }
            }
            // Eliminate.
            let piv = SparseLU.entry(rowCols[pr], rowVals[pr], pc)
            pivotRow.append(Int32(pr))
            pivotColumn.append(Int32(pc))
            pivotValue.append(piv)
            rowDone[pr] = true
            colDone[pc] = true
            rowLists.remove(pr)
            colLists.remove(pc)
            remaining -= 1
            // U row: the pivot row's other entries; take the row out of the column patterns.
            let prCols = rowCols[pr], prVals = rowVals[pr]
            for q in prCols.indices {
                let c = Int(prCols[q])
                colCount[c] -= 1
                if c == pc { continue }
                uColumn.append(prCols[q])
                uValue.append(prVals[q])
                if !colDone[c] && colCount[c] == 1 { singletons.append(c) }
            }
            uStart.append(uColumn.count)
            // Scatter the pivot row once; update every other row of the pivot column.
            for q in prCols.indices where Int(prCols[q]) != pc { work[Int(prCols[q])] = prVals[q] }
            for (q, r) in liveRows.enumerated() where Int(r) != pr { rowValue[Int(r)] = colVals[q] }
            let below = liveRows.filter { Int($0) != pr }
            for r in below {
                let i = Int(r)
                let l = rowValue[i] / piv
                rowValue[i] = 0
                lRow.append(r)
                lValue.append(l)
                // Row i −= l · pivot row; then drop its pivot-column entry (in place: no copy).
                var at = -1
                rowCols[i].withUnsafeBufferPointer { cols in
                    rowVals[i].withUnsafeMutableBufferPointer { vals in
                        for q in 0..<cols.count {
                            let c = Int(cols[q])
                            if c == pc { at = q; continue }
                            let w = work[c]
                            if w != 0 { vals[q] -= l * w; mark[c] = r }
                        }
                    }
                }
                if at >= 0 {
                    let last = rowCols[i].count - 1
                    rowCols[i].swapAt(at, last); rowVals[i].swapAt(at, last)
                    rowCols[i].removeLast(); rowVals[i].removeLast()
                }
                for q2 in prCols.indices {
                    let c = Int(prCols[q2])
                    if c == pc || mark[c] == r || work[c] == 0 { continue }
                    rowCols[i].append(Int32(c))
                    rowVals[i].append(-l * work[c])
                    colRows[c].append(r)
                    colCount[c] += 1
                }
                for q2 in prCols.indices { mark[Int(prCols[q2])] = -1 }
                if !rowDead[i] { rowLists.set(i, count: rowCols[i].count) }
            }
            for c32 in prCols where !colDone[Int(c32)] { colLists.set(Int(c32), count: colCount[Int(c32)]) }
            for q in prCols.indices { work[Int(prCols[q])] = 0 }
            colRows[pc] = []
            lStart.append(lRow.count)
            rowCols[pr] = []
            rowVals[pr] = []
            for c in prCols.map({ Int($0) }) where !colDone[c] && colCount[c] == 1 { singletons.append(c) }
        }
        for c in 0..<m where !colDone[c] { singularColumns.append(c) }
        for i in 0..<m where !rowDone[i] { singularRows.append(i) }
    }

    public var isSingular: Bool { !singularColumns.isEmpty }

    /// Items (rows or columns) in doubly linked lists by count, count 0 unlisted.
    private struct CountLists {
        var head: [Int32], next: [Int32], prev: [Int32], key: [Int32]

        init(size: Int) {
            head = [Int32](repeating: -1, count: size + 2)
            next = [Int32](repeating: -1, count: size)
            prev = [Int32](repeating: -1, count: size)
            key = [Int32](repeating: 0, count: size)
        }

        mutating func remove(_ i: Int) {
            let k = Int(key[i])
            guard k > 0 else { return }
            let p = prev[i], n = next[i]
            if p >= 0 { next[Int(p)] = n } else { head[k] = n }
            if n >= 0 { prev[Int(n)] = p }
            key[i] = 0
        }

        /// Lists i under `count` (a count of 0, or more than the lists hold, unlists it).
        mutating func set(_ i: Int, count: Int) {
            if Int(key[i]) == count { return }
            remove(i)
            guard count > 0 && count < head.count else { return }
            let h = head[count]
            next[i] = h
            prev[i] = -1
            if h >= 0 { prev[Int(h)] = Int32(i) }
            head[count] = Int32(i)
            key[i] = Int32(count)
        }

        /// Up to k items with the fewest entries, fewest first.
        func sparsest(_ k: Int) -> [(count: Int, i: Int)] {
            var out: [(count: Int, i: Int)] = []
            out.reserveCapacity(k)
            var count = 1
            while out.count < k && count < head.count {
                var i = head[count]
                while i >= 0 && out.count < k { out.append((count, Int(i))); i = next[Int(i)] }
                count += 1
            }
            return out
        }
    }

    /// Eliminates the active submatrix (these rows and columns, their entries in `rowCols`/
    /// `rowVals`) as a dense block with partial pivoting: column by column, the entry of largest
    /// size among the rows left pivots (multipliers at most 1), if it passes `tiny` times the
    /// column's largest original entry (`columnScale`, at least 1); a column without one stays
    /// unpivoted (singular), as do the rows left at the end. Appends to L and U as the sparse
    /// elimination does.
    private mutating func eliminateDense(rows: [Int], columns: [Int], rowCols: [[Int32]], rowVals: [[Double]], tiny: Double,
                                         columnScale: [Double], rowDone: inout [Bool], colDone: inout [Bool]) {
        let r = rows.count, c = columns.count
        denseBlockSize = max(denseBlockSize, c)
        var local = [Int](repeating: -1, count: size)
        for (b, col) in columns.enumerated() { local[col] = b }
        var d = [Double](repeating: 0, count: r * c)
        for (a, i) in rows.enumerated() {
            for (q, col) in rowCols[i].enumerated() where local[Int(col)] >= 0 { d[a * c + local[Int(col)]] += rowVals[i][q] }
        }
        var rowLeft = Array(0..<r)
        var colLeft = Array(0..<c)
        d.withUnsafeMutableBufferPointer { dp in
            for b in 0..<c {
                var best = -1, largest = 0.0
                for a in rowLeft {
                    let v = abs(dp[a * c + b])
                    if v > largest { largest = v; best = a }
                }
                guard best >= 0, largest > tiny * max(1, columnScale[columns[b]]) else { continue }
                let piv = dp[best * c + b]
                colLeft.removeAll { $0 == b }
                rowLeft.removeAll { $0 == best }
                pivotRow.append(Int32(rows[best]))
                pivotColumn.append(Int32(columns[b]))
                pivotValue.append(piv)
                rowDone[rows[best]] = true
                colDone[columns[b]] = true
                for b2 in colLeft where dp[best * c + b2] != 0 {
                    uColumn.append(Int32(columns[b2]))
                    uValue.append(dp[best * c + b2])
                }
                uStart.append(uColumn.count)
                let prow = UnsafeMutableBufferPointer(rebasing: dp[(best * c)..<(best * c + c)])
                for a in rowLeft {
                    let v = dp[a * c + b]
                    if v == 0 { continue }
                    let l = v / piv
                    lRow.append(Int32(rows[a]))
                    lValue.append(l)
                    dp[a * c + b] = 0
                    let row = UnsafeMutableBufferPointer(rebasing: dp[(a * c)..<(a * c + c)])
                    for b2 in colLeft { row[b2] -= l * prow[b2] }
                }
                lStart.append(lRow.count)
            }
        }
    }

    /// The entry of an active row (its columns and values) in column c, or 0.
    @inline(__always)
    static func entry(_ cols: [Int32], _ vals: [Double], _ c: Int) -> Double {
        let c32 = Int32(c)
        for q in cols.indices where cols[q] == c32 { return vals[q] }
        return 0
    }

    /// Completes a singular factorisation with unit columns: position `singularColumns[k]` gets
    /// the column `sign`·e_r for r = `singularRows[k]` (a slack). Such a column meets no pivoted
    /// row, so the eliminations done stay valid: its pivot is appended and the dependent
    /// column's entries are dropped from U — no refactorisation.
    public mutating func completeWithUnitColumns(sign: Double) {
        guard !singularColumns.isEmpty else { return }
        let dropped = Set(singularColumns.map { Int32($0) })
        var start = [0], cols: [Int32] = [], vals: [Double] = []
        cols.reserveCapacity(uColumn.count)
        vals.reserveCapacity(uValue.count)
        for k in 0..<pivotRow.count {
            for q in uStart[k]..<uStart[k + 1] where !dropped.contains(uColumn[q]) { cols.append(uColumn[q]); vals.append(uValue[q]) }
            start.append(cols.count)
        }
        uStart = start
        uColumn = cols
        uValue = vals
        for (p, r) in zip(singularColumns, singularRows) {
            pivotRow.append(Int32(r))
            pivotColumn.append(Int32(p))
            pivotValue.append(sign)
            lStart.append(lRow.count)
            uStart.append(uColumn.count)
        }
        singularColumns = []
        singularRows = []
    }

    /// The factors' arrays as buffers, opened once for a solve.
    private struct Factors {
        let pr: UnsafeBufferPointer<Int32>, pc: UnsafeBufferPointer<Int32>, pv: UnsafeBufferPointer<Double>
        let ls: UnsafeBufferPointer<Int>, lr: UnsafeBufferPointer<Int32>, lv: UnsafeBufferPointer<Double>
        let us: UnsafeBufferPointer<Int>, uc: UnsafeBufferPointer<Int32>, uv: UnsafeBufferPointer<Double>
        let ep: UnsafeBufferPointer<Int32>, epv: UnsafeBufferPointer<Double>, es: UnsafeBufferPointer<Int>
        let ei: UnsafeBufferPointer<Int32>, ev: UnsafeBufferPointer<Double>
    }

    private func withFactors(_ body: (Factors) -> Void) {
        pivotRow.withUnsafeBufferPointer { pr in pivotColumn.withUnsafeBufferPointer { pc in pivotValue.withUnsafeBufferPointer { pv in
        lStart.withUnsafeBufferPointer { ls in lRow.withUnsafeBufferPointer { lr in lValue.withUnsafeBufferPointer { lv in
        uStart.withUnsafeBufferPointer { us in uColumn.withUnsafeBufferPointer { uc in uValue.withUnsafeBufferPointer { uv in
        etaPosition.withUnsafeBufferPointer { ep in etaPivot.withUnsafeBufferPointer { epv in etaStart.withUnsafeBufferPointer { es in
        etaIndex.withUnsafeBufferPointer { ei in etaValue.withUnsafeBufferPointer { ev in
            body(Factors(pr: pr, pc: pc, pv: pv, ls: ls, lr: lr, lv: lv, us: us, uc: uc, uv: uv, ep: ep, epv: epv, es: es, ei: ei, ev: ev))
        }}}}}}}}}}}}}}
    }

    /// Solves B·x = b in place (b indexed by row on entry, x by position on exit; `scratch` has
    /// length `size`).
    public func solve(_ b: inout [Double], scratch: inout [Double]) {
        forwardSolve(&b, scratch: &scratch)
    }

    /// Solves B·x = b for up to four right-hand sides at once, one per lane (indexed by row on
    /// entry, by position on exit; `scratch` has length `size`): the factors are read once for
    /// all of them — a dual simplex pivot solves for the entering column, the leaving row's
    /// steepest-edge weights and the flipped columns together.
    public func solveLanes(_ b: inout [SIMD4<Double>], scratch: inout [SIMD4<Double>]) {
        forwardSolve(&b, scratch: &scratch)
    }

    /// The forward solve for one right-hand side (`Double`) or several in SIMD lanes.
    @inline(__always)
    private func forwardSolve<V: FactorLane>(_ b: inout [V], scratch: inout [V]) {
        precondition(!isSingular, "solve with a singular factorisation")
        let steps = pivotRow.count
        withFactors { f in
            b.withUnsafeMutableBufferPointer { bp in
                scratch.withUnsafeMutableBufferPointer { xp in
                    // L, in elimination order.
                    for k in 0..<steps {
                        let v = bp[Int(f.pr[k])]
                        if v == .zero { continue }
                        var q = f.ls[k]
                        let end = f.ls[k + 1]
                        while q < end { bp[Int(f.lr[q])] = bp[Int(f.lr[q])] - f.lv[q] * v; q += 1 }
                    }
                    // U, backwards, into x by position.
                    var k = steps - 1
                    while k >= 0 {
                        var sum = bp[Int(f.pr[k])]
                        var q = f.us[k]
                        let end = f.us[k + 1]
                        while q < end { sum = sum - f.uv[q] * xp[Int(f.uc[q])]; q += 1 }
                        xp[Int(f.pc[k])] = sum / f.pv[k]
                        k -= 1
                    }
                    // Etas in order.
                    for e in 0..<f.ep.count {
                        let p = Int(f.ep[e])
                        let v = xp[p] / f.epv[e]
                        xp[p] = v
                        if v == .zero { continue }
                        var q = f.es[e]
                        let end = f.es[e + 1]
                        while q < end { xp[Int(f.ei[q])] = xp[Int(f.ei[q])] - f.ev[q] * v; q += 1 }
                    }
                }
            }
        }
        swap(&b, &scratch)
    }

    /// Solves Bᵀ·y = c in place (c indexed by position on entry, y by row on exit).
    public func solveTransposed(_ c: inout [Double], scratch: inout [Double]) {
        precondition(!isSingular, "solve with a singular factorisation")
        let steps = pivotRow.count
        withFactors { f in
            c.withUnsafeMutableBufferPointer { wp in
                scratch.withUnsafeMutableBufferPointer { yp in
                    // Etas, latest first: c_p ← (c_p − Σ_{i≠p} α_i c_i) / α_p.
                    var e = f.ep.count - 1
                    while e >= 0 {
                        let p = Int(f.ep[e])
                        var sum = wp[p]
                        var q = f.es[e]
                        let end = f.es[e + 1]
                        while q < end { sum -= f.ev[q] * wp[Int(f.ei[q])]; q += 1 }
                        wp[p] = sum / f.epv[e]
                        e -= 1
                    }
                    // Uᵀ (ascending eliminations), writing y by row.
                    for k in 0..<steps {
                        let z = wp[Int(f.pc[k])] / f.pv[k]
                        yp[Int(f.pr[k])] = z
                        if z == 0 { continue }
                        var q = f.us[k]
                        let end = f.us[k + 1]
                        while q < end { wp[Int(f.uc[q])] -= f.uv[q] * z; q += 1 }
                    }
                    // Lᵀ (descending eliminations).
                    var k = steps - 1
                    while k >= 0 {
                        let r = Int(f.pr[k])
                        var sum = yp[r]
                        var q = f.ls[k]
                        let end = f.ls[k + 1]
                        while q < end { sum -= f.lv[q] * yp[Int(f.lr[q])]; q += 1 }
                        yp[r] = sum
                        k -= 1
                    }
                }
            }
        }
        swap(&c, &scratch)
    }

    /// Records the replacement of the column at `position` by a column whose solve is `alpha`
    /// (B⁻¹ times the new column, indexed by position).
    public mutating func update(position p: Int, alpha: [Double], drop: Double = 1e-14) {
        etaPosition.append(Int32(p))
        etaPivot.append(alpha[p])
        for i in alpha.indices where i != p && abs(alpha[i]) > drop {
            etaIndex.append(Int32(i))
            etaValue.append(alpha[i])
        }
        etaStart.append(etaIndex.count)
    }
}

/// What a forward solve runs on: one right-hand side, or several in SIMD lanes.
protocol FactorLane: Equatable {
    static var zero: Self { get }
    static func - (a: Self, b: Self) -> Self
    static func * (s: Double, v: Self) -> Self
    static func / (v: Self, s: Double) -> Self
}

extension Double: FactorLane {}
extension SIMD4: FactorLane where Scalar == Double {}
