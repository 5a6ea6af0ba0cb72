import Synchronization
import SyncoModel
import SyncoSparse

/// The square input–output system of an economy with one technique chosen per product.
///
/// For every product j the *primary technique* is the first technique whose largest output is
/// j (else the first that outputs j at all). Coefficients are taken per unit of j's output:
/// a_ij = (input_i − by-product_i) / output_j, r_kj = resource_k / output_j. Joint by-products
/// thus enter as negative requirements; products without any technique keep an empty column.
public struct LeontiefSystem: Sendable {
    /// Direct requirements, products × products (per unit of column product).
    public let a: CSRMatrix
    /// Resource coefficients per unit of each product, resources × products.
    public let r: CSRMatrix
    /// Primary technique per product, or -1 where no technique produces the product.
    public let primaryTechnique: [Int32]
    /// Output of the product per unit of its primary technique's activity.
    public let primaryOutput: [Double]

    public init(_ e: Economy) {
        let n = e.productCount
        let t = e.techniques
        var primary = [Int32](repeating: -1, count: n)
        var mainOut = [Double](repeating: 0, count: n)
        var fallback = [Int32](repeating: -1, count: n)
        var fallbackOut = [Double](repeating: 0, count: n)
        for j in 0..<t.count {
            var best = -1
            var bestAmount = 0.0
            for p in t.outputs.range(j) {
                let i = Int(t.outputs.index[p]), v = t.outputs.amount[p]
                if v > bestAmount { best = i; bestAmount = v }
                if v > 0 && fallback[i] < 0 { fallback[i] = Int32(j); fallbackOut[i] = v }
            }
            if best >= 0 && primary[best] < 0 { primary[best] = Int32(j); mainOut[best] = bestAmount }
        }
        for i in 0..<n where primary[i] < 0 && fallback[i] >= 0 {
            primary[i] = fallback[i]
            mainOut[i] = fallbackOut[i]
        }
        self.init(e, primary: primary, output: mainOut)
    }

    /// The square system of a given choice: `primary[j]` is the technique that carries product j
    /// (−1 for none) and `output[j]` its output of j per unit of activity (> 0 where chosen).
    /// Used by the basis polish, whose choice comes from the solver's iterate.
    public init(_ e: Economy, primary: [Int32], output mainOut: [Double]) {
        let (at, rt) = LeontiefSystem.columns(e, primary: primary, output: mainOut)
        a = at.transposed()
        r = rt.transposed()
        primaryTechnique = primary
        primaryOutput = mainOut
        aTransposedStorage = at
        perronCache = PerronCache()
    }

    /// The system of a choice that differs from `old`'s in few carriers (a policy-iteration
    /// round or a pivot switches a few products): the changed columns are built afresh, the
    /// other rows of Aᵀ copied in runs, and A and r patched in the rows where the changed
    /// columns had or now have entries, instead of transposing all of it (at 10^6 products a
    /// whole build takes 0.3–1 s, at 10^7 several seconds). The same matrices as
    /// `init(_:primary:output:)`. Nil when more than `maxChanged` products (an eighth of them by
    /// default) change carrier or output.
    public init?(_ e: Economy, primary: [Int32], output mainOut: [Double], patching old: LeontiefSystem, maxChanged: Int? = nil) {
        let n = e.productCount
        guard primary.count == n, mainOut.count == n, old.primaryTechnique.count == n, old.a.rows == n else { return nil }
        var changed: [Int] = []
        let limit = maxChanged ?? max(16, n / 8)
        for j in 0..<n where primary[j] != old.primaryTechnique[j] || (primary[j] >= 0 && mainOut[j] != old.primaryOutput[j]) {
            changed.append(j)
            if changed.count > limit { return nil }
        }
        // The changed products' columns, old and new, as rows of Aᵀ and rᵀ.
        var fresh = Columns(), former = Columns()
        for j in changed {
            fresh.append(e.techniques, product: j, technique: Int(primary[j]), output: mainOut[j])
            former.append(e.techniques, product: j, technique: Int(old.primaryTechnique[j]), output: old.primaryOutput[j])
        }
        // Aᵀ, A and r are three independent copies, run on both cores: at realistic 10^6 a
        // round of 9 217 switches patched them in 0.23, 0.27 and 0.14 s one after the other.
        let (oldAT, oldA, oldR) = (old.aTransposedStorage, old.a, old.r)
        let (fresh0, former0, changed0) = (fresh, former, changed)
        let patched = Mutex<(at: CSRMatrix?, a: CSRMatrix?, r: CSRMatrix?)>((nil, nil, nil))
        Parallelism.run(parts: 3, parallel: oldA.nonzeros >= Parallelism.minimumParallelWork) { part in
            switch part {
            case 0:
                let a = LeontiefSystem.patchedTranspose(oldA, columns: changed0, former: (former0.start, former0.index),
                                                        fresh: (fresh0.start, fresh0.index, fresh0.value))
                patched.withLock { $0.a = a }
            case 1:
                let at = LeontiefSystem.replacingRows(oldAT, rows: changed0, start: fresh0.start, index: fresh0.index, value: fresh0.value)
                patched.withLock { $0.at = at }
            default:
                let r = LeontiefSystem.patchedTranspose(oldR, columns: changed0, former: (former0.rStart, former0.rIndex),
                                                        fresh: (fresh0.rStart, fresh0.rIndex, fresh0.rValue))
                patched.withLock { $0.r = r }
            }
        }
        let at: CSRMatrix
        (at, a, r) = patched.withLock { ($0.at!, $0.a!, $0.r!) }
        primaryTechnique = primary
        primaryOutput = mainOut
        aTransposedStorage = at
        perronCache = PerronCache()
    }

    /// The system of a choice, from a system `near` it: `near` itself when its carriers are
    /// these, patched from it when few differ (`init(_:primary:output:patching:)`), else built.
    public init(_ e: Economy, primary: [Int32], output mainOut: [Double], near old: LeontiefSystem?) {
        if let old, old.primaryTechnique == primary, old.primaryOutput == mainOut {
            self = old
        } else if let old, let patched = LeontiefSystem(e, primary: primary, output: mainOut, patching: old) {
            self = patched
        } else {
            self.init(e, primary: primary, output: mainOut)
        }
    }

    /// Some products' columns of A and r, one after the other (CSR over those products).
    struct Columns {
        var start = [0], index: [Int32] = [], value: [Double] = []
        var rStart = [0], rIndex: [Int32] = [], rValue: [Double] = []
        mutating func append(_ t: TechniqueTable, product j: Int, technique tj: Int, output out: Double) {
            LeontiefSystem.appendColumn(t, product: j, technique: tj, output: out, &index, &value, &rIndex, &rValue)
            start.append(index.count)
            rStart.append(rIndex.count)
        }
    }

    /// `m` with the given rows replaced (`rows` ascending; row rows[k] becomes
    /// index/value[start[k]..<start[k+1]]); the other rows are copied in runs.
    static func replacingRows(_ m: CSRMatrix, rows: [Int], start: [Int], index: [Int32], value: [Double]) -> CSRMatrix {
        var delta = 0
        for (k, i) in rows.enumerated() { delta += (start[k + 1] - start[k]) - (m.rowStart[i + 1] - m.rowStart[i]) }
        let nnz = m.nonzeros + delta
        return patched(m, nonzeros: nnz, rows: rows, lengths: rows.indices.map { start[$0 + 1] - start[$0] }) { k, _, _, nc, nv, q in
            for p in start[k]..<start[k + 1] { nc[q] = index[p]; nv[q] = value[p]; q += 1 }
        }
    }

    /// A matrix of `m`'s shape with `nonzeros` entries: the rows `rows` (ascending) written by
    /// `write(k, i, oldRow, colIndex, values, &position)` (row i = rows[k], `lengths[k]`
    /// entries; the old row's entries given as a range of `m`'s), the other rows copied from
    /// `m` in runs. The arrays are allocated uninitialised and written once: at realistic 10^6
    /// products a patch of 9 217 carriers spent most of its 0.9 s zeroing fresh arrays (and
    /// the kernel their pages) before copying into them.
    static func patched(_ m: CSRMatrix, nonzeros nnz: Int, rows: [Int], lengths: [Int],
                        write: (Int, Int, Range<Int>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Double>, inout Int) -> Void) -> CSRMatrix {
        var rs: [Int] = [], ci: [Int32] = [], va: [Double] = []
        m.rowStart.withUnsafeBufferPointer { os in
        m.colIndex.withUnsafeBufferPointer { oc in
        m.values.withUnsafeBufferPointer { ov in
            rs = [Int](unsafeUninitializedCapacity: m.rows + 1) { nr, rsCount in
            ci = [Int32](unsafeUninitializedCapacity: nnz) { nc, ciCount in
            va = [Double](unsafeUninitializedCapacity: nnz) { nv, vaCount in
                nr[0] = 0
                var q = 0, from = 0
                // Copies rows from..<to unchanged (one block), their starts moved to q.
                func copyRun(_ to: Int) {
                    guard to > from else { return }
                    let lo = os[from], hi = os[to]
                    precondition(q + (hi - lo) <= nnz, "a patched matrix must have the entries counted for it")
                    if hi > lo {
                        (nc.baseAddress! + q).initialize(from: oc.baseAddress! + lo, count: hi - lo)
                        (nv.baseAddress! + q).initialize(from: ov.baseAddress! + lo, count: hi - lo)
                    }
                    let shift = q - lo
                    for i in from..<to { nr[i + 1] = os[i + 1] + shift }
                    q += hi - lo
                }
                for (k, i) in rows.enumerated() {
                    copyRun(i)
                    let rowEnd = q + lengths[k]
                    precondition(rowEnd <= nnz, "a patched matrix must have the entries counted for it")
                    write(k, i, os[i]..<os[i + 1], nc.baseAddress!, nv.baseAddress!, &q)
                    precondition(q == rowEnd, "a patched row must have the entries counted for it")
                    nr[i + 1] = q
                    from = i + 1
                }
                copyRun(m.rows)
                precondition(q == nnz, "a patched matrix must have the entries counted for it")
                rsCount = m.rows + 1
                ciCount = nnz
                vaCount = nnz
            }}}
        }}}
        return CSRMatrix(rows: m.rows, columns: m.columns, rowStart: rs, colIndex: ci, values: va)
    }

    /// `t` (rows × products), patched where the products `columns` (ascending) change their
    /// column: `former` holds the row indices of each one's old entries, `fresh` its new entries
    /// (CSR over `columns`). In each row of `t` they touch, the entries of those columns are
    /// dropped and the new ones merged in by column; other rows are copied in runs. (One pass
    /// counts the touched rows' new lengths, a second writes the result once: merged into
    /// growing arrays and then copied, the resources' four rows of 10^6 entries took 0.27 s.)
    static func patchedTranspose(_ t: CSRMatrix, columns: [Int], former: (start: [Int], index: [Int32]),
                                 fresh: (start: [Int], index: [Int32], value: [Double])) -> CSRMatrix {
        var isChanged = [Bool](repeating: false, count: t.columns)
        for j in columns { isChanged[j] = true }
        // The new entries, sorted by row of t and within a row by column.
        var added: [(row: Int32, col: Int32, value: Double)] = []
        added.reserveCapacity(fresh.index.count)
        var touched: [Int] = []
        touched.reserveCapacity(fresh.index.count + former.index.count)
        for (k, j) in columns.enumerated() {
            for p in fresh.start[k]..<fresh.start[k + 1] {
                added.append((fresh.index[p], Int32(j), fresh.value[p]))
                touched.append(Int(fresh.index[p]))
            }
            for p in former.start[k]..<former.start[k + 1] { touched.append(Int(former.index[p])) }
        }
        added.sort { $0.row != $1.row ? $0.row < $1.row : $0.col < $1.col }
        touched.sort()
        var rows: [Int] = []
        for i in touched where rows.last != i { rows.append(i) }
        return isChanged.withUnsafeBufferPointer { changed in
        added.withUnsafeBufferPointer { ad in
        t.colIndex.withUnsafeBufferPointer { ci in
        t.values.withUnsafeBufferPointer { va in
            // The touched rows' new lengths: their kept entries and the new ones.
            var nnz = t.nonzeros
            var lengths = [Int](repeating: 0, count: rows.count)
            var a = 0
            for (k, i) in rows.enumerated() {
                var kept = 0
                for p in t.rowStart[i]..<t.rowStart[i + 1] where !changed[Int(ci[p])] { kept += 1 }
                var new = 0
                while a < ad.count && Int(ad[a].row) == i { new += 1; a += 1 }
                lengths[k] = kept + new
                nnz += kept + new - (t.rowStart[i + 1] - t.rowStart[i])
            }
            a = 0
            return patched(t, nonzeros: nnz, rows: rows, lengths: lengths) { _, i, old, nc, nv, q in
                // Merge the row's kept entries with its new ones, both by column.
                var p = old.lowerBound
                let end = old.upperBound
                while true {
                    while p < end && changed[Int(ci[p])] { p += 1 }
                    let hasOld = p < end, hasNew = a < ad.count && Int(ad[a].row) == i
                    if !hasOld && !hasNew { break }
                    if hasOld && (!hasNew || ci[p] <= ad[a].col) {
                        nc[q] = ci[p]; nv[q] = va[p]; p += 1
                    } else {
                        nc[q] = ad[a].col; nv[q] = ad[a].value; a += 1
                    }
                    q += 1
                }
            }
        }}}}
    }

    /// Appends product j's column (carried by technique tj with output `out` of j): its inputs
    /// less its by-products per unit of j to `index`/`value`, its resources to `rIndex`/`rValue`.
    static func appendColumn(_ t: TechniqueTable, product j: Int, technique tj: Int, output out: Double,
                             _ index: inout [Int32], _ value: inout [Double], _ rIndex: inout [Int32], _ rValue: inout [Double]) {
        guard tj >= 0 else { return }
        let scale = 1 / out
        for p in t.inputs.range(tj) {
            index.append(t.inputs.index[p])
            value.append(t.inputs.amount[p] * scale)
        }
        for p in t.outputs.range(tj) where Int(t.outputs.index[p]) != j {
            index.append(t.outputs.index[p])
            value.append(-t.outputs.amount[p] * scale)
        }
        for p in t.resources.range(tj) {
            rIndex.append(t.resources.index[p])
            rValue.append(t.resources.amount[p] * scale)
        }
    }

    /// The columns of a choice's system without transposing them: Aᵀ (row j: what one unit of
    /// product j takes, by-products negative) and rᵀ (row j: its resources), both products ×
    /// (products or resources) in CSR form. Enough for transposed solves (prices), which is
    /// all a pricing step needs; `init` transposes them for forward solves.
    static func columns(_ e: Economy, primary: [Int32], output mainOut: [Double]) -> (at: CSRMatrix, rt: CSRMatrix) {
        let n = e.productCount
        let t = e.techniques
        precondition(primary.count == n && mainOut.count == n)
        // Build A column by column, then transpose to CSR (rows = required product).
        var colStart = [0]
        colStart.reserveCapacity(n + 1)
        var rowIdx: [Int32] = []
        var vals: [Double] = []
        rowIdx.reserveCapacity(t.inputs.entryCount)
        vals.reserveCapacity(t.inputs.entryCount)
        var rStart = [0]
        rStart.reserveCapacity(n + 1)
        var rIdx: [Int32] = []
        var rVals: [Double] = []
        for j in 0..<n {
            appendColumn(t, product: j, technique: Int(primary[j]), output: mainOut[j], &rowIdx, &vals, &rIdx, &rVals)
            colStart.append(rowIdx.count)
            rStart.append(rIdx.count)
        }
        // The column-wise arrays are the CSR forms of Aᵀ and rᵀ.
        return (CSRMatrix(rows: n, columns: n, rowStart: colStart, colIndex: rowIdx, values: vals),
                CSRMatrix(rows: n, columns: e.resourceCount, rowStart: rStart, colIndex: rIdx, values: rVals))
    }

    private let aTransposedStorage: CSRMatrix
    /// Aᵀ in CSR form (the columns of A), kept from construction for transposed solves.
    public var aTransposed: CSRMatrix { aTransposedStorage }

    private let perronCache: PerronCache

    /// A's dominant eigenpair for the solves' deflation (`PerronPair`), found by power
    /// iteration on first use and kept (with this system, by every plan that keeps it); for
    /// transposed solves its `transposed` form. Nil when the power iteration does not settle.
    public var perron: (forward: PerronPair, transposed: PerronPair)? { deflation(force: true) }

    /// The pair for a solve, when it pays: its power iteration (about six steps of two
    /// products, from scratch at ρ ≈ 0.4) costs about what deflation saves one single-column
    /// solve, so a system's first solve goes without it unless the pair is known or seeded (a
    /// seeded pair settles in a step or two) or `force` (the caller's, or a solve of four or
    /// more right-hand sides).
    private func deflation(force: Bool) -> (forward: PerronPair, transposed: PerronPair)? {
        perronCache.value(force: force) { PerronPair.estimate(a, transposed: aTransposedStorage, seed: $0) }
    }

    /// Starts this system's power iteration from `other`'s pair (a system that differs in a
    /// few carriers) when `other` has one and this system has none yet.
    public func seedPerron(from other: LeontiefSystem) {
        seedPerron(other.knownPerron)
    }

    /// Starts this system's power iteration from `pair` (see above). Keeping only the pair of
    /// a system that is done with, not the system, saves its matrices (1.8 GB at 10^7).
    public func seedPerron(_ pair: PerronPair?) {
        guard let p = pair, p.right.count == a.rows else { return }
        perronCache.seed(p)
    }

    /// The pair if this system has found it (no power iteration started here).
    public var knownPerron: PerronPair? { perronCache.known?.forward }

    /// Solves (I − A)·X = D (`width` right-hand sides, interleaved) by the deflated Neumann
    /// iteration; for D ≥ 0 the net outputs of X meet D (`LeontiefSolver.Side.above`).
    public func solve(_ d: [Double], width: Int = 1, initial: [Double]? = nil, tolerance: Double,
                      maxIterations: Int = 20_000) -> LeontiefSolver.Result {
        LeontiefSolver(tolerance: tolerance, maxIterations: maxIterations)
            .solve(a, d, width: width, initial: initial, deflation: deflation(force: width >= 4)?.forward, side: .above)
    }

    /// Solves (I − A)ᵀ·Y = D (prices: rows of D are products) by the deflated Neumann iteration;
    /// for D ≥ 0 no technique of the system pays at Y (`LeontiefSolver.Side.below`).
    public func solveTransposed(_ d: [Double], width: Int = 1, initial: [Double]? = nil, tolerance: Double,
                                maxIterations: Int = 20_000) -> LeontiefSolver.Result {
        LeontiefSolver(tolerance: tolerance, maxIterations: maxIterations)
            .solve(aTransposedStorage, d, width: width, initial: initial, deflation: deflation(force: width >= 4)?.transposed)
    }

    /// The same for right-hand sides given sparse and solutions returned apart, one vector
    /// each (`LeontiefSolver.solveColumns`): rows of M⁻¹ selected by sparse rows.
    public func solveTransposedColumns(sparse d: [[(Int, Double)]], initial: [[Double]?]? = nil, tolerance: Double,
                                       maxIterations: Int = 20_000) -> (x: [[Double]], iterations: Int, converged: Bool) {
        LeontiefSolver(tolerance: tolerance, maxIterations: maxIterations)
            .solveColumns(aTransposedStorage, sparse: d, initial: initial, deflation: deflation(force: d.count >= 4)?.transposed)
    }

    /// A start for the solve of demand `d` from the solution `x` of an earlier demand `d0` that
    /// differs in few products: with Δ = d − d0, M⁻¹Δ = Δ + AΔ + A²M⁻¹Δ, where AΔ takes the
    /// columns of A at Δ's support only, and the last term is, along the Perron vector,
    /// ρ²/(1 − ρ)·uᵀΔ·v (uᵀA = ρuᵀ). The start's error is the rest of A²M⁻¹Δ, which shrinks like
    /// |λ₂|²: two Neumann steps fewer than from `x` (uniform 10^5: 12 → 10). A second sparse
    /// product would save another, but its scattered reads (64 000 at 10^5 with 1 % of the needs
    /// changed) cost more than the step. Nil when Δ touches more than an eighth of the products
    /// (and more than 16) or the sizes do not match. With `width` right-hand sides, interleaved
    /// as in `solve`, each moves by its own change.
    public func restart(from x: [Double], demand d0: [Double], for d: [Double], width w: Int = 1) -> [Double]? {
        let n = a.rows
        guard w >= 1, x.count == n * w, d0.count == n * w, d.count == n * w else { return nil }
        var changed = 0
        for i in 0..<n * w where d[i] != d0[i] {
            changed += 1
            if changed > max(n * w / 8, 16) { return nil }
        }
        var start = x
        if changed == 0 { return start }
        let pair = knownPerron
        var dot = [Double](repeating: 0, count: w)
        let at = aTransposedStorage
        start.withUnsafeMutableBufferPointer { sp in
        at.rowStart.withUnsafeBufferPointer { rs in
        at.colIndex.withUnsafeBufferPointer { ci in
        at.values.withUnsafeBufferPointer { va in
            for j in 0..<n {
                for k in 0..<w where d[j * w + k] != d0[j * w + k] {
                    let delta = d[j * w + k] - d0[j * w + k]
                    sp[j * w + k] += delta
                    if let u = pair?.left { dot[k] += u[j] * delta }
                    // Column j of A is row j of Aᵀ.
                    for q in rs[j]..<rs[j + 1] { sp[Int(ci[q]) * w + k] += va[q] * delta }
                }
            }
        }}}}
        if let pr = pair {
            let c = dot.map { pr.rho * pr.rho / (1 - pr.rho) * $0 }
            pr.right.withUnsafeBufferPointer { v in
                start.withUnsafeMutableBufferPointer { sp in
                    for i in 0..<n { for k in 0..<w { sp[i * w + k] += c[k] * v[i] } }
                }
            }
        }
        return start
    }

    /// The solve of demand `d` (width `w`, interleaved as in `solve`) from the solution `x` of an
    /// earlier demand `d0`: only the change is solved, M⁻¹(d − d0), for the right-hand sides that
    /// changed (the others keep `x`), started from `restart`'s estimate of it, to `tolerance`
    /// relative to the whole solution's size, not the change's. A re-plan whose needs moved in
    /// one right-hand side of two (λ's column of a kept basis) solves one column instead of two,
    /// and a change a thousandth of the solution stops three orders of magnitude earlier than a
    /// solve of the whole from `x`, with the same error in the sum. Nil when the sizes do not
    /// match.
    public func solveChange(from x: [Double], demand d0: [Double], for d: [Double], width w: Int, tolerance: Double,
                            maxIterations: Int = 20_000) -> (x: [Double], converged: Bool, iterations: Int)? {
        let n = a.rows
        guard w >= 1, x.count == n * w, d0.count == n * w, d.count == n * w else { return nil }
        var changed: [Int] = []
        for k in 0..<w where (0..<n).contains(where: { d[$0 * w + k] != d0[$0 * w + k] }) { changed.append(k) }
        if changed.isEmpty { return (x, true, 0) }
        let c = changed.count
        var delta = [Double](repeating: 0, count: n * c)
        for i in 0..<n { for (t, k) in changed.enumerated() { delta[i * c + t] = d[i * w + k] - d0[i * w + k] } }
        let zero = [Double](repeating: 0, count: n * c)
        let start = restart(from: zero, demand: zero, for: delta, width: c) ?? delta
        // The stop test is relative to the iterate, here the change: scaled by how much larger
        // the whole solution is (at most to 1e-3 of the change itself).
        var scale = Double.infinity
        for (t, k) in changed.enumerated() {
            var xm = 0.0, sm = 0.0
            for i in 0..<n { xm = max(xm, abs(x[i * w + k])); sm = max(sm, abs(start[i * c + t])) }
            if sm > 0 { scale = min(scale, xm / sm) }
        }
        let tol = scale.isFinite ? min(1e-3, tolerance * max(1, scale)) : tolerance
        let r = solve(delta, width: c, initial: start, tolerance: tol, maxIterations: maxIterations)
        var out = x
        for i in 0..<n { for (t, k) in changed.enumerated() { out[i * w + k] += r.x[i * c + t] } }
        return (out, r.converged, r.iterations)
    }

    /// The amount of resource `k` embodied in one unit of each product, v = ℓ_k(I − A)⁻¹ (a solve
    /// with Aᵀ; ℓ_k is row k of `r`), or nil when the solve does not converge. (They do not depend
    /// on the needs: a re-plan of the same system keeps them instead of solving again.)
    public func embodied(resource k: Int, tolerance: Double) -> [Double]? {
        let n = a.rows
        var ell = [Double](repeating: 0, count: n)
        for q in r.rowStart[k]..<r.rowStart[k + 1] { ell[Int(r.colIndex[q])] = r.values[q] }
        let sol = solveTransposed(ell, tolerance: tolerance, maxIterations: 2000)
        return sol.converged ? sol.x : nil
    }

    /// Activities of the primary techniques (out of `techniques`) that give these gross outputs
    /// (negative ones read as zero).
    public func activities(gross: [Double], techniques m: Int) -> [Double] {
        var x = [Double](repeating: 0, count: m)
        for j in 0..<a.rows where primaryTechnique[j] >= 0 {
            x[Int(primaryTechnique[j])] += max(0, gross[j]) / primaryOutput[j]
        }
        return x
    }

    /// Final demand per product: all needs at full fulfilment (guaranteed and other).
    public static func finalDemand(_ e: Economy) -> [Double] {
        var d = [Double](repeating: 0, count: e.productCount)
        for need in e.needs { d[Int(need.product)] += need.amount }
        return d
    }
}

/// The system's Perron pair, computed at most once; shared by the copies of a system.
private final class PerronCache: Sendable {
    private struct State {
        var computed = false
        var pair: (forward: PerronPair, transposed: PerronPair)? = nil
        var seed: PerronPair? = nil
        var asked = 0
    }
    private let state = Mutex(State())

    /// The pair, computed now if `force`, if seeded, or if the system was asked before.
    func value(force: Bool, _ compute: (PerronPair?) -> PerronPair?) -> (forward: PerronPair, transposed: PerronPair)? {
        state.withLock { s in
            defer { s.asked += 1 }
            if !s.computed && (force || s.seed != nil || s.asked > 0) {
                s.computed = true
                s.pair = compute(s.seed).map { ($0, $0.transposed) }
                s.seed = nil
            }
            return s.pair
        }
    }

    var known: (forward: PerronPair, transposed: PerronPair)? { state.withLock { $0.pair } }

    func seed(_ p: PerronPair) { state.withLock { s in if !s.computed { s.seed = p } } }
}
