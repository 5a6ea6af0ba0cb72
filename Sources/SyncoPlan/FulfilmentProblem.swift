import Synchronization
import SyncoModel
import SyncoSparse

/// The fulfilment plan of planning semantics v1 as a linear program:
///
///     maximise λ  subject to
///       Σ_t (out_it − in_it)·x_t − o_i·λ ≥ g_i     for every product i,
///       −Σ_t r_kt·x_t ≥ −L_k                        for every resource k with a limit,
///       0 ≤ x_t ≤ cap_t,  λ ≥ 0,
///
/// where g_i sums the guaranteed needs and o_i the other needs of product i (minimised as −λ).
/// Columns: techniques 0..<m, then λ. Rows: products 0..<n, then the limited resources.
/// When no need is non-guaranteed, λ is capped at 1 (fulfilment 1 means the guaranteed needs
/// are met) so the program stays bounded.
public struct FulfilmentProblem: Sendable {
    /// Everything but the matrix (what the planner's structure path needs).
    let needs: FulfilmentNeeds
    public let lp: LinearProgram
    /// Kᵀ: the LP's columns as rows (techniques, then λ), built first and kept for the basis
    /// polish (which would otherwise transpose the matrix back).
    let columns: CSRMatrix
    public var economy: Economy { needs.economy }
    /// Resource index of each resource row (rows n..<n+count).
    public var limitedResources: [Int] { needs.limitedResources }
    public var guaranteed: [Double] { needs.guaranteed }
    public var other: [Double] { needs.other }
    public var lambdaColumn: Int { economy.techniqueCount }
    public var resourceRowOffset: Int { economy.productCount }

    public init(_ e: Economy, lambdaCap: Double = .infinity) {
        self.init(FulfilmentNeeds(e, lambdaCap: lambdaCap))
    }

    init(_ needs: FulfilmentNeeds) {
        self.needs = needs
        let e = needs.economy
        var rowOfResource = [Int32](repeating: -1, count: e.resourceCount)
        for (k, r) in needs.limitedResources.enumerated() { rowOfResource[r] = Int32(e.productCount + k) }
        (lp, columns) = FulfilmentProblem.build(e, g: needs.guaranteed, o: needs.other, limited: needs.limitedResources,
                                                rowOfResource: rowOfResource, lambdaCap: needs.lambdaCap)
    }

    /// A program already built (or renewed) for these needs.
    init(needs: FulfilmentNeeds, lp: LinearProgram, columns: CSRMatrix) {
        self.needs = needs
        self.lp = lp
        self.columns = columns
    }

    static func build(_ e: Economy, g: [Double], o: [Double], limited: [Int], rowOfResource: [Int32], lambdaCap: Double)
        -> (lp: LinearProgram, columns: CSRMatrix) {
        let n = e.productCount, m = e.techniqueCount
        let t = e.techniques
        // Column-wise (CSR of Kᵀ): one row per column, entries sorted and merged per column.
        var start = [0]
        start.reserveCapacity(m + 2)
        var idx: [Int32] = []
        var val: [Double] = []
        idx.reserveCapacity(t.outputs.entryCount + t.inputs.entryCount + t.resources.entryCount + n)
        val.reserveCapacity(idx.capacity)
        var scratch: [(Int32, Double)] = []
        for j in 0..<m {
            scratch.removeAll(keepingCapacity: true)
            for p in t.outputs.range(j) { scratch.append((t.outputs.index[p], t.outputs.amount[p])) }
            for p in t.inputs.range(j) { scratch.append((t.inputs.index[p], -t.inputs.amount[p])) }
            for p in t.resources.range(j) {
                let r = rowOfResource[Int(t.resources.index[p])]
                if r >= 0 { scratch.append((r, -t.resources.amount[p])) }
            }
            scratch.sort { $0.0 < $1.0 }
            var k = 0
            while k < scratch.count {
                var v = scratch[k].1
                var l = k + 1
                while l < scratch.count && scratch[l].0 == scratch[k].0 { v += scratch[l].1; l += 1 }
                if v != 0 { idx.append(scratch[k].0); val.append(v) }
                k = l
            }
            start.append(idx.count)
        }
        // λ column: −o_i on product rows.
        let hasOther = o.contains { $0 != 0 }
        for i in 0..<n where o[i] != 0 { idx.append(Int32(i)); val.append(-o[i]) }
        start.append(idx.count)
        let rows = n + limited.count
        let kt = CSRMatrix(rows: m + 1, columns: rows, rowStart: start, colIndex: idx, values: val)
        let k = kt.transposed()
        var objective = [Double](repeating: 0, count: m + 1)
        objective[m] = -1
        var upper = t.capacity
        upper.append(hasOther ? lambdaCap : min(1, lambdaCap))
        let lower = [Double](repeating: 0, count: m + 1)
        var rowLower = g
        var rowUpper = [Double](repeating: .infinity, count: n)
        for r in limited {
            rowLower.append(-e.resources[r].limit!)
            rowUpper.append(.infinity)
        }
        let colNames = t.ids + ["lambda"]
        let rowNames = e.products.map { "p:" + $0.id } + limited.map { "r:" + e.resources[$0].id }
        return (LinearProgram(objective: objective, lower: lower, upper: upper, matrix: k, rowLower: rowLower,
                              rowUpper: rowUpper, columnNames: colNames, rowNames: rowNames), kt)
    }

    /// The same program for other needs, limits or capacities of the same techniques, by
    /// patching bounds and λ's column in place (a re-plan need not rebuild the matrix). Nil when
    /// the shape differs: other products carry non-guaranteed needs, or other resources are
    /// limited.
    static func renewed(_ lp: LinearProgram, columns kt: CSRMatrix, for needs: FulfilmentNeeds) -> (lp: LinearProgram, columns: CSRMatrix)? {
        guard var lp = renewedBounds(lp, columns: kt, for: needs) else { return nil }
        let n = needs.economy.productCount, m = needs.economy.techniqueCount
        let o = needs.other
        let k = lp.matrix, old = kt
        // The two copies on two threads: each is a fresh array of every nonzero, and the time
        // goes to faulting its pages in (0.3 s each at realistic 10^6).
        let patched = Mutex<(k: CSRMatrix?, kt: CSRMatrix?)>((nil, nil))
        Parallelism.run(parts: 2, parallel: k.nonzeros >= Parallelism.minimumParallelWork) { part in
            if part == 0 {
                let t = old.changingValues { v in for p in old.rowStart[m]..<old.rowStart[m + 1] { v[p] = -o[Int(old.colIndex[p])] } }
                patched.withLock { $0.kt = t }
            } else {
                let t = k.changingValues { v in for i in 0..<n where o[i] != 0 { v[k.rowStart[i + 1] - 1] = -o[i] } }
                patched.withLock { $0.k = t }
            }
        }
        let (newK, newKT) = patched.withLock { ($0.k!, $0.kt!) }
        lp.matrix = newK
        return (lp, newKT)
    }

    /// `renewed` without λ's column: the bounds (guaranteed needs, limits, capacities, λ's cap)
    /// are these needs', the matrix and `kt` keep the earlier needs' values in λ's column. Patching
    /// that column copies K and Kᵀ whole (0.5–0.7 s at realistic 10^6, where re-solving a kept
    /// basis takes 0.6 s): a re-plan checks its kept basis on this program, reading λ's column
    /// from the needs (`BasisPolish.keptCheck`), and patches only when it goes on. Nil when
    /// the shape differs, as for `renewed`.
    static func renewedBounds(_ lp: LinearProgram, columns kt: CSRMatrix, for needs: FulfilmentNeeds) -> LinearProgram? {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        guard lp.columns == m + 1, lp.rows == n + needs.limitedResources.count, kt.rows == m + 1 else { return nil }
        // λ's column must have its entries on the same products.
        let o = needs.other
        let lambdaEntries = kt.rowStart[m]..<kt.rowStart[m + 1]
        var count = 0
        for i in 0..<n where o[i] != 0 { count += 1 }
        guard count == lambdaEntries.count else { return nil }
        for p in lambdaEntries {
            let i = Int(kt.colIndex[p])
            guard i < n, o[i] != 0 else { return nil }
        }
        // In K (rows sorted by column), λ is the last entry of each product row that has one.
        let k = lp.matrix
        for i in 0..<n where o[i] != 0 {
            let last = k.rowStart[i + 1] - 1
            guard last >= k.rowStart[i], Int(k.colIndex[last]) == m else { return nil }
        }
        var lp = lp
        for (k, r) in needs.limitedResources.enumerated() {
            guard lp.rowNames[n + k] == "r:" + e.resources[r].id else { return nil }
            lp.rowLower[n + k] = -e.resources[r].limit!
        }
        for i in 0..<n { lp.rowLower[i] = needs.guaranteed[i] }
        for j in 0..<m { lp.upper[j] = e.techniques.capacity[j] }
        lp.upper[m] = o.contains { $0 != 0 } ? needs.lambdaCap : min(1, needs.lambdaCap)
        return lp
    }
}

/// The fulfilment LP's data without its matrix: the needs split into guaranteed and other, the
/// limited resources (one row each after the products) and λ's upper bound. Building the matrix
/// costs a third of a structure solve at 10^5 products, so the planner builds it only when the
/// solver has to run.
struct FulfilmentNeeds: Sendable {
    let economy: Economy
    let guaranteed: [Double]
    let other: [Double]
    let limitedResources: [Int]
    /// The cap asked for (∞ by default).
    let lambdaCap: Double
    /// λ's upper bound in the LP: the cap, or 1 when no need is non-guaranteed.
    let lambdaUpper: Double
    var rows: Int { economy.productCount + limitedResources.count }

    init(_ e: Economy, lambdaCap: Double = .infinity) {
        economy = e
        let n = e.productCount
        var g = [Double](repeating: 0, count: n)
        var o = [Double](repeating: 0, count: n)
        for need in e.needs {
            if need.guaranteed { g[Int(need.product)] += need.amount } else { o[Int(need.product)] += need.amount }
        }
        guaranteed = g
        other = o
        limitedResources = e.resources.indices.filter { e.resources[$0].limit != nil }
        self.lambdaCap = lambdaCap
        lambdaUpper = o.contains { $0 != 0 } ? lambdaCap : min(1, lambdaCap)
    }
}
