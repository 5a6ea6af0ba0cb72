import Dispatch

/// A bounded primal simplex for the small programs the harmony policy iteration solves:
///
///     maximise Σ_p c_p·s_p  subject to  Σ_p G[r, col(p)]·s_p ≤ b_r  (r < m),  0 ≤ s_p ≤ upper_p,
///
/// with few rows (the limits that may bind) and many bounded columns (the targets' harmony
/// pieces). Several columns may share one column of G (a target's pieces differ only in cost and
/// bound), so G is stored once per target, dense and row-major.
///
/// Revised simplex with an explicit dense basis inverse (rebuilt by Gauss–Jordan every
/// `refactorEvery` pivots), Dantzig pricing, and bound flips: after each pricing the candidates
/// are tried from the most profitable down, and each one that reaches its own bound before any
/// basic variable reaches one is flipped without changing the basis (the duals, so the prices of
/// the remaining candidates, stay valid). The first candidate that meets a basic variable's bound
/// pivots, and pricing starts again. Starts from the slack basis with every column at zero, which
/// is feasible when b ≥ 0.
struct PackingSimplex {
    private(set) var m: Int
    let width: Int
    /// G, row-major (m × width).
    private(set) var g: [Double]
    private(set) var b: [Double]
    let column: [Int]
    let cost: [Double]
    private(set) var upper: [Double]
    /// Per column: 0 at zero, 1 at its upper bound, 2 basic.
    private(set) var status: [UInt8]
    /// Columns held at zero by `start` (no upper bound, and a reduced cost that would take them
    /// off it): the dual simplex leaves them out, and the primal simplex, which is entitled to
    /// them, frees them when it starts.
    private var held: [Int] = []
    private var isHeld: [Bool] = []
    private var slackBasic: [Bool]
    /// Basic variable of each row: a column p < P, or P + r for row r's slack.
    private(set) var basic: [Int]
    private var xB: [Double]
    private var inverse: [Double]
    private(set) var pivots = 0
    private(set) var flips = 0
    /// After `.unbounded`: the entering variable (a column, or P + r for row r's slack), then the
    /// basic columns that grow with it without bound.
    private(set) var unboundedRay: [Int] = []
    /// Pivots between fresh inverses. A Gauss–Jordan inverse costs about 1.5·m³ (0.3 s at the
    /// 700 rows of 10^5 harmony); every 64 pivots it was a tenth of that solve's time, and every
    /// 256 the certificates' residuals are the same (10⁻¹⁴).
    var refactorEvery = 256
    /// Pivots over which the primal simplex must raise its objective (checked at each fresh
    /// inverse), else it ends with `.pivotLimit`; nil: 40·(rows + 50).
    var stallWindow: Int? = nil
    /// Uptime (nanoseconds) after which a solve gives up with `.pivotLimit`.
    var deadline: UInt64 = .max

    enum Outcome: Equatable { case optimal, unbounded, infeasible, pivotLimit, singular }

    init(rows m: Int, width: Int, g: [Double], b: [Double], column: [Int], cost: [Double], upper: [Double]) {
        precondition(g.count == m * width && b.count == m && column.count == cost.count && cost.count == upper.count)
        self.m = m
        self.width = width
        self.g = g
        self.b = b
        self.column = column
        self.cost = cost
        self.upper = upper
        status = [UInt8](repeating: 0, count: cost.count)
        slackBasic = [Bool](repeating: true, count: m)
        basic = (0..<m).map { cost.count + $0 }
        xB = b
        inverse = [Double](repeating: 0, count: m * m)
        for r in 0..<m { inverse[r * m + r] = 1 }
    }

    /// Σ c_p·s_p at the current basis.
    private func objective() -> Double {
        var o = 0.0
        for p in 0..<cost.count where status[p] == 1 { o += cost[p] * upper[p] }
        for r in 0..<m where basic[r] < cost.count { o += cost[basic[r]] * xB[r] }
        return o
    }

    /// Column values at the last basis (basic ones from the basis solve).
    var values: [Double] {
        var v = (0..<cost.count).map { status[$0] == 1 ? upper[$0] : 0 }
        for r in 0..<m where basic[r] < cost.count { v[basic[r]] = xB[r] }
        return v
    }

    /// Row duals μ = c_B·B⁻¹ (non-negative at an optimum: what one more unit of b_r is worth).
    var duals: [Double] {
        var mu = [Double](repeating: 0, count: m)
        inverse.withUnsafeBufferPointer { inv in
            for r in 0..<m where basic[r] < cost.count {
                let c = cost[basic[r]]
                if c == 0 { continue }
                for k in 0..<m { mu[k] += c * inv[r * m + k] }
            }
        }
        return mu
    }

    /// Σ_r c_r·G[r, ·]: the rows of G weighted by c (pricing with duals, or a pivot row of B⁻¹·G).
    private func rowCombination(_ c: [Double]) -> [Double] {
        DenseKernels.combineRows(g, rows: m, width: width, c)
    }

    /// α = B⁻¹·a for variable v (a column of G, or a slack's unit column).
    private func direction(_ v: Int) -> [Double] {
        if v >= cost.count {
            let r = v - cost.count
            return (0..<m).map { inverse[$0 * m + r] }
        }
        let q = column[v]
        var a = [Double](repeating: 0, count: m)
        for k in 0..<m { a[k] = g[k * width + q] }
        return DenseKernels.multiply(inverse, size: m, a)
    }

    mutating func solve(maxPivots: Int) -> Outcome {
        let count = cost.count
        for p in held { isHeld[p] = false }
        held = []
        let startPivots = pivots
        var degenerate = 0
        // The objective at the last fresh inverse; the stall window's start (objective, pivots).
        var lastObjective: Double? = nil
        var stallBase: (Double, Int)? = nil
        // Pricing divides a column's gain by how much of the rows' room one unit of it takes
        // (Σ_r |G[r,q]| / b_r): the greedy order of a multi-dimensional knapsack, so that the
        // pieces enter nearly in their final order and few pivots undo earlier choices.
        var bmax = 0.0
        for r in 0..<m { bmax = max(bmax, b[r]) }
        var load = [Double](repeating: 0, count: width)
        for r in 0..<m {
            let room = max(b[r], 1e-9 * max(bmax, 1e-300))
            for q in 0..<width { load[q] += abs(g[r * width + q]) / room }
        }
        for q in 0..<width where load[q] == 0 { load[q] = 1e-300 }
        // Partial pricing: each pricing reads one segment of G's columns (G is too large to read
        // whole for every pivot: hundreds of rows by tens of thousands of columns), and moves to
        // the next segment when the current one has no candidate; optimal when none has one.
        // With few rows a whole pricing is cheap, and pricing every column keeps the greedy
        // order global: the four-row program of the limited resources took 1 398 pivots at 10^5
        // products in segments of 4 096 columns (each segment's best filled the rows, then the
        // next segment's displaced them), and 0.16 s.
        let segments = max(1, min(16, width / 4096, m * width / (1 << 20)))
        // The variables of each column of G (several pieces share one), so that a pricing visits
        // only its segment's variables, and one buffer for the segment's priced columns.
        var columnStart = [Int](repeating: 0, count: width + 1)
        for p in 0..<count { columnStart[column[p] + 1] += 1 }
        for q in 0..<width { columnStart[q + 1] += columnStart[q] }
        var byColumn = [Int](repeating: 0, count: count)
        do {
            var fill = columnStart
            for p in 0..<count { byColumn[fill[column[p]]] = p; fill[column[p]] += 1 }
        }
        var z = [Double](repeating: 0, count: width)
        var segment = 0, emptySegments = 0
        while true {
            let mu = duals
            let range = (width * segment / segments)..<(width * (segment + 1) / segments)
            DenseKernels.combineRows(into: &z, g, rows: m, width: width, mu, range: range)
            // Once rows have prices, a column's gain is divided by its priced use of them (its
            // ratio to the marginal column), else by its load on the rows' room.
            let priced = mu.contains { $0 > 0 }
            // Candidates: columns that gain by moving off their bound, slacks with a negative dual.
            var candidates: [(v: Int, score: Double)] = []
            for q in range {
                let zq = z[q]
                for k in columnStart[q]..<columnStart[q + 1] {
                    let p = byColumn[k]
                    guard status[p] != 2 else { continue }
                    let d = cost[p] - zq
                    let tol = 1e-11 * max(abs(cost[p]), abs(zq))
                    if (status[p] == 0 && d > tol) || (status[p] == 1 && d < -tol) { candidates.append((p, abs(d) / (priced ? max(zq, 1e-12 * abs(cost[p])) : load[q]))) }
                }
            }
            for r in 0..<m where !slackBasic[r] && mu[r] < -1e-12 { candidates.append((count + r, -mu[r])) }
            if candidates.isEmpty {
                emptySegments += 1
                if emptySegments >= segments { return .optimal }
                segment = (segment + 1) % segments
                continue
            }
            emptySegments = 0
            // Bland's rule (lowest index first) after a run of degenerate pivots.
            // The best candidate first (one scan); the rest in order only when it flips.
            var first = 0
            if degenerate > 50 {
                for k in candidates.indices where candidates[k].v < candidates[first].v { first = k }
            } else {
                for k in candidates.indices where candidates[k].score > candidates[first].score { first = k }
            }
            candidates.swapAt(0, first)
            var pivoted = false
            var cache: [Int: [Double]] = [:]
            var sorted = false
            var index = 0
            while index < candidates.count {
                if index == 1 && !sorted {
                    if degenerate > 50 { candidates[1...].sort { $0.v < $1.v } } else { candidates[1...].sort { $0.score > $1.score } }
                    sorted = true
                }
                let v = candidates[index].v
                index += 1
                let alpha: [Double]
                if v < count, let a = cache[column[v]] { alpha = a } else {
                    alpha = direction(v)
                    if v < count { cache[column[v]] = alpha }
                }
                let dir: Double = v < count && status[v] == 1 ? -1 : 1
                var largest = 0.0
                for r in 0..<m { largest = max(largest, abs(alpha[r])) }
                let pivotTol = 1e-9 * max(largest, 1e-300)
                // Harris' ratio test: the largest step any basic variable allows when its bound
                // is relaxed by a small tolerance, then among the rows that reach their bound
                // within that step, the one with the largest pivot (no tiny pivots).
                let span = v < count ? upper[v] : Double.infinity
                var relaxed = span
                for r in 0..<m {
                    let a = dir * alpha[r]
                    if abs(a) <= pivotTol { continue }
                    let bv = basic[r]
                    let ub = bv < count ? upper[bv] : .infinity
                    let slackTol = 1e-9 * max(1, abs(xB[r]))
                    if a > 0 { relaxed = min(relaxed, (max(0, xB[r]) + slackTol) / a) }
                    else if ub.isFinite { relaxed = min(relaxed, (max(0, ub - xB[r]) + slackTol) / -a) }
                }
                var theta = span
                var leave = -1, toUpper = false, bestPivot = 0.0
                if relaxed < span {
                    for r in 0..<m {
                        let a = dir * alpha[r]
                        if abs(a) <= pivotTol { continue }
                        let bv = basic[r]
                        let ub = bv < count ? upper[bv] : .infinity
                        var t = Double.infinity, up = false
                        if a > 0 { t = max(0, xB[r]) / a } else if ub.isFinite { t = max(0, ub - xB[r]) / -a; up = true }
                        if t <= relaxed && abs(a) > bestPivot { bestPivot = abs(a); theta = t; leave = r; toUpper = up }
                    }
                }
                if !theta.isFinite {
                    unboundedRay = [v] + (0..<m).filter { dir * alpha[$0] < -pivotTol && basic[$0] < count }.map { basic[$0] }
                    return .unbounded
                }
                if theta > 0 { for r in 0..<m { xB[r] -= dir * theta * alpha[r] } }
                if leave < 0 {
                    // Bound flip: the basis and its duals stay.
                    status[v] = status[v] == 0 ? 1 : 0
                    flips += 1
                    continue
                }
                let entering = (v < count && status[v] == 1 ? upper[v] : 0) + dir * theta
                let out = basic[leave]
                if out < count { status[out] = toUpper ? 1 : 0 } else { slackBasic[out - count] = false }
                basic[leave] = v
                if v < count { status[v] = 2 } else { slackBasic[v - count] = true }
                xB[leave] = entering
                DenseKernels.pivot(&inverse, size: m, row: leave, column: alpha)
                pivots += 1
                degenerate = theta == 0 ? degenerate + 1 : 0
                if pivots % refactorEvery == 0 {
                    guard refactor() else { return .singular }
                    // A primal simplex never lowers its objective. One that fell between two
                    // fresh inverses has lost its footing (a basis too ill-conditioned for the
                    // explicit inverse: at 10^5 products with alternatives for 60 % of them, a
                    // 605-row program fell from 6.6·10^4 to −3.5·10^8 over 20 000 pivots), and
                    // one that has not risen over many of them stalls: the caller gets
                    // `.singular` or `.pivotLimit` at once instead of after its whole pivot budget.
                    // (The fall is measured from the last fresh inverse, with room for the
                    // rounding of a recomputed objective; the stall from a baseline that moves
                    // only when a window of pivots ends higher.)
                    let now = objective()
                    if let before = lastObjective, now < before - 1e-7 * max(1, abs(before)) { return .singular }
                    lastObjective = now
                    if let (base, at) = stallBase {
                        if pivots - at >= stallWindow ?? 40 * (m + 50) {
                            if now <= base + 1e-12 * max(1, abs(base)) { return .pivotLimit }
                            stallBase = (now, pivots)
                        }
                    } else {
                        stallBase = (now, pivots)
                    }
                }
                if pivots - startPivots >= maxPivots || DispatchTime.now().uptimeNanoseconds > deadline { return .pivotLimit }
                pivoted = true
                break
            }
            if !pivoted { continue }
        }
    }

    /// Appends rows (row-major, k × width) to an optimal basis, their slacks basic: the basis
    /// stays dual feasible, and `solveDual` restores primal feasibility from it (row generation
    /// without starting again). The inverse grows by [[B⁻¹, 0], [−G_B·B⁻¹, I]].
    mutating func addRows(_ rows: [Double], b newB: [Double]) {
        let k = newB.count, count = cost.count
        precondition(rows.count == k * width)
        let old = m, size = m + k
        var inv = [Double](repeating: 0, count: size * size)
        for r in 0..<old { for c in 0..<old { inv[r * size + c] = inverse[r * old + c] } }
        let x = values
        for t in 0..<k {
            let row = old + t
            for r in 0..<old where basic[r] < count {
                let a = rows[t * width + column[basic[r]]]
                if a == 0 { continue }
                for c in 0..<old { inv[row * size + c] -= a * inverse[r * old + c] }
            }
            inv[row * size + row] = 1
            var used = 0.0
            for p in 0..<count where x[p] != 0 { used += rows[t * width + column[p]] * x[p] }
            xB.append(newB[t] - used)
            basic.append(count + row)
            slackBasic.append(true)
        }
        inverse = inv
        g += rows
        b += newB
        m = size
    }

    /// Dual simplex from a dual feasible basis: the most infeasible basic variable leaves for
    /// the bound it breaks; the entering column is the one whose reduced cost reaches zero first
    /// (ties to the largest pivot), so every reduced cost keeps its sign. Reduced costs are
    /// updated with the pivot row, which is computed anyway.
    mutating func solveDual(maxPivots: Int) -> Outcome {
        let count = cost.count
        let mu = duals
        var d = [Double](repeating: 0, count: count)
        let z = rowCombination(mu)
        for p in 0..<count { d[p] = cost[p] - z[column[p]] }
        var slackD = mu.map { -$0 }
        var done = 0
        while true {
            // Leaving row: the largest violation of a bound, relative to the variable's size.
            var leave = -1, worst = 0.0, toUpper = false
            for r in 0..<m {
                let v = basic[r]
                let ub = v < count ? upper[v] : .infinity
                let tol = 1e-9 * max(1, abs(xB[r]))
                if xB[r] < -tol, -xB[r] / max(1, abs(b[r])) > worst { worst = -xB[r] / max(1, abs(b[r])); leave = r; toUpper = false }
                if ub.isFinite, xB[r] > ub + tol, (xB[r] - ub) / max(1, ub) > worst { worst = (xB[r] - ub) / max(1, ub); leave = r; toUpper = true }
            }
            if leave < 0 { return .optimal }
            if done >= maxPivots || DispatchTime.now().uptimeNanoseconds > deadline { return .pivotLimit }
            // Pivot row ρ·[G | I] over the non-basic variables.
            var rho = [Double](repeating: 0, count: m)
            for k in 0..<m { rho[k] = inverse[leave * m + k] }
            let t = rowCombination(rho)
            // The leaving variable must rise (below zero) or fall (above its bound): an entering
            // variable x_j changes x_B[leave] by −α_j·Δx_j.
            let need: Double = toUpper ? -1 : 1
            var largest = 0.0
            for q in 0..<width { largest = max(largest, abs(t[q])) }
            for k in 0..<m { largest = max(largest, abs(rho[k])) }
            let pivotTol = 1e-9 * max(largest, 1e-300)
            // Candidates: variables whose move (up from zero, down from the upper bound) takes
            // the leaving variable towards its bound, with the ratio at which their reduced
            // cost reaches zero.
            var candidates: [(v: Int, alpha: Double, ratio: Double)] = []
            func consider(_ v: Int, alpha: Double, dj: Double, atUpper: Bool) {
                guard abs(alpha) > pivotTol else { return }
                let step: Double = atUpper ? -1 : 1
                guard -alpha * step * need > 0 else { return }
                candidates.append((v, alpha, abs(dj) / abs(alpha)))
            }
            for p in 0..<count where status[p] != 2 && (held.isEmpty || !isHeld[p]) { consider(p, alpha: t[column[p]], dj: d[p], atUpper: status[p] == 1) }
            for r in 0..<m where !slackBasic[r] { consider(count + r, alpha: rho[r], dj: slackD[r], atUpper: false) }
            if candidates.isEmpty { return .infeasible }
            // Bound-flipping ratio test (the long step): in order of ratio, a boxed candidate is
            // passed — flipped to its other bound, its reduced cost changing sign as the duals
            // move past it — while the leaving variable stays infeasible after its flip; the first
            // that cannot be passed enters (ties to the largest pivot). One pivot then does the
            // work of as many short steps as candidates were passed: a target's pieces are boxed,
            // and the row generation's dual simplex crossed them one pivot at a time.
            // Candidates in order of ratio (ties in their order of listing, as a stable sort
            // gives them), drawn from a binary heap as the walk needs them: a pivot passes few,
            // and a full sort of tens of thousands per pivot was 4 % of the realistic 10^5 solve.
            var heap = Array(candidates.indices)
            func before(_ a: Int, _ b: Int) -> Bool {
                candidates[a].ratio < candidates[b].ratio || (candidates[a].ratio == candidates[b].ratio && a < b)
            }
            func siftDown(_ start: Int) {
                var i = start
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var smallest = i
                    if l < heap.count && before(heap[l], heap[smallest]) { smallest = l }
                    if r < heap.count && before(heap[r], heap[smallest]) { smallest = r }
                    if smallest == i { return }
                    heap.swapAt(i, smallest)
                    i = smallest
                }
            }
            for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
            var order: [Int] = []
            /// The i-th candidate in order of ratio (nil past the last).
            func ranked(_ i: Int) -> Int? {
                while order.count <= i {
                    guard let top = heap.first else { return nil }
                    order.append(top)
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                    if !heap.isEmpty { siftDown(0) }
                }
                return order[i]
            }
            let target = toUpper ? upper[basic[leave]] : 0
            var slope = abs(xB[leave] - target)
            let slopeTol = 1e-9 * max(1, slope)
            var k = 0
            while k < candidates.count - 1 {
                let c = candidates[ranked(k)!]
                let range = c.v < count ? upper[c.v] : .infinity
                guard range.isFinite, slope - abs(c.alpha) * range > slopeTol else { break }
                slope -= abs(c.alpha) * range
                k += 1
            }
            let kth = candidates[ranked(k)!]
            var pick = k
            var q = k + 1
            while let next = ranked(q), candidates[next].ratio <= kth.ratio * (1 + 1e-12) {
                if abs(candidates[next].alpha) > abs(candidates[order[pick]].alpha) { pick = q }
                q += 1
            }
            order.swapAt(k, pick)
            if k > 0 {
                // The passed candidates move to their other bound.
                var shift = [Double](repeating: 0, count: m)
                for i in order[0..<k] { flip(candidates[i].v, &shift) }
                moveBasic(by: shift)
            }
            let chosen = candidates[order[k]]
            let enter = chosen.v
            let alphaRow = chosen.alpha
            let alpha = direction(enter)
            let delta = (xB[leave] - target) / alphaRow
            for r in 0..<m { xB[r] -= alpha[r] * delta }
            let enteringValue = (enter < count && status[enter] == 1 ? upper[enter] : 0) + delta
            // Reduced costs: d_j −= (d_enter/α_r,enter)·α_r,j.
            let dEnter = enter < count ? d[enter] : slackD[enter - count]
            let f = dEnter / alphaRow
            for p in 0..<count { d[p] -= f * t[column[p]] }
            for r in 0..<m { slackD[r] -= f * rho[r] }
            let out = basic[leave]
            if out < count { status[out] = toUpper ? 1 : 0; d[out] = -f } else { slackBasic[out - count] = false; slackD[out - count] = -f }
            if enter < count { status[enter] = 2; d[enter] = 0 } else { slackBasic[enter - count] = true; slackD[enter - count] = 0 }
            basic[leave] = enter
            xB[leave] = enteringValue
            DenseKernels.pivot(&inverse, size: m, row: leave, column: alpha)
            correctDualFeasibility(&d)
            pivots += 1
            done += 1
            if pivots % refactorEvery == 0, !refactor() { return .singular }
        }
    }

    /// Flips each boxed non-basic column whose reduced cost `d` has taken the wrong sign for its
    /// bound to its other bound, and moves the basic values with it (x_B −= B⁻¹·Σ a_j·Δx_j).
    /// The ratio test leaves out entries of the pivot row below its pivot tolerance (relative to
    /// the row's largest entry), and such a column's reduced cost still moves by f·α_j: where
    /// the program's rows differ in scale by orders of magnitude (a capacity beside a resource
    /// row), that moved tens of thousands of tiny reduced costs across zero in one pivot, and the
    /// dual simplex ended "optimal" on a basis that the primal simplex then took 400–2 200
    /// pivots to finish (realistic 10^5 harmony re-plans). Flipped here, they stay dual
    /// feasible, and the primal infeasibility they cause is the dual simplex's to repair.
    private mutating func correctDualFeasibility(_ d: inout [Double]) {
        var shift = [Double](repeating: 0, count: m)
        var flipped = false
        for p in 0..<cost.count where status[p] != 2 && upper[p].isFinite && (held.isEmpty || !isHeld[p]) {
            let dp = d[p]
            let tol = 1e-11 * max(abs(cost[p]), abs(cost[p] - dp))
            guard (status[p] == 0 && dp > tol) || (status[p] == 1 && dp < -tol) else { continue }
            flip(p, &shift)
            flipped = true
        }
        if flipped { moveBasic(by: shift) }
    }

    /// Moves non-basic column p to its other bound, adding a_p·Δx_p to `shift` (the basic values
    /// follow in `moveBasic`, once for a batch of flips).
    private mutating func flip(_ p: Int, _ shift: inout [Double]) {
        let dx = status[p] == 0 ? upper[p] : -upper[p]
        status[p] = status[p] == 0 ? 1 : 0
        flips += 1
        guard dx != 0 else { return }
        let col = column[p]
        for r in 0..<m { shift[r] += g[r * width + col] * dx }
    }

    /// x_B −= B⁻¹·shift: the basic values after non-basic columns moved by `shift` (Σ a_j·Δx_j).
    private mutating func moveBasic(by shift: [Double]) {
        let da = DenseKernels.multiply(inverse, size: m, shift)
        for r in 0..<m { xB[r] -= da[r] }
    }

    /// Starts from a given basis instead of the slack basis: `basis` names a variable per row (a
    /// column p < P, or P + r for row r's slack), `atUpper` the nonbasic columns at their upper
    /// bound. Nonbasic columns whose reduced cost has the wrong sign then move to their other
    /// bound, so the basis is dual feasible and `solveDual` restores primal feasibility from it
    /// (the warm start of a bounded program whose data changed a little). A nonbasic slack with
    /// a negative price is swapped into the basis first. False when the basis is singular or
    /// names a variable twice, when a column without an upper bound has the wrong sign, or when
    /// more than `maxInfeasible` basic variables break a bound (a start that far off takes the
    /// dual simplex longer than a cold start): the caller starts cold. `dualFeasible` makes the
    /// start dual feasible even where it is primal feasible already (a cold start from the slack
    /// basis with every paying column at its upper bound, for the dual simplex).
    mutating func start(basis: [Int], atUpper: [Bool], maxInfeasible: Int, dualFeasible: Bool = false) -> Bool {
        let count = cost.count
        guard basis.count == m, atUpper.count == count, Set(basis).count == m,
              basis.allSatisfy({ $0 >= 0 && $0 < count + m }) else { return false }
        for p in 0..<count { status[p] = atUpper[p] && upper[p].isFinite ? 1 : 0 }
        slackBasic = [Bool](repeating: false, count: m)
        for v in basis { if v < count { status[v] = 2 } else { slackBasic[v - count] = true } }
        basic = basis
        guard refactor() else { return false }
        // A primal feasible start needs no flips: the primal simplex goes on from it.
        if infeasibleCount() == 0 && !dualFeasible { return true }
        // A nonbasic slack with a negative price cannot flip (it has no upper bound): it enters
        // the basis in place of the column where it pivots largest, which goes to its nearer
        // bound; the dual simplex then repairs the values.
        var mu = duals
        var swaps = 0
        while let r = (0..<m).first(where: { !slackBasic[$0] && mu[$0] < -1e-12 }) {
            guard swaps < m else { return false }
            swaps += 1
            let alpha = direction(count + r)
            var leave = -1, best = 0.0
            for k in 0..<m where basic[k] < count && abs(alpha[k]) > best { best = abs(alpha[k]); leave = k }
            if leave < 0 { for k in 0..<m where abs(alpha[k]) > best { best = abs(alpha[k]); leave = k } }
            guard leave >= 0, best > 1e-9 else { return false }
            let out = basic[leave]
            if out < count { status[out] = upper[out].isFinite && xB[leave] >= 0.5 * upper[out] ? 1 : 0 } else { slackBasic[out - count] = false }
            basic[leave] = count + r
            slackBasic[r] = true
            DenseKernels.pivot(&inverse, size: m, row: leave, column: alpha)
            mu = duals
        }
        let z = rowCombination(mu)
        var flipped = false
        var implied = 0
        var room: [Double]? = nil
        for p in 0..<count where status[p] != 2 {
            let d = cost[p] - z[column[p]]
            let tol = 1e-11 * max(abs(cost[p]), abs(z[column[p]]))
            if status[p] == 0 && d > tol {
                // A column without an upper bound whose reduced cost would take it off zero (a
                // harmony piece above its target) gets the bound the rows imply for it — the LP
                // stays the same — and flips to it like a bounded one; the dual simplex's long
                // steps then bring such columns back in bulk. Held at zero for the primal simplex
                // instead, they entered one pivot each: a targets-first re-plan at realistic 10^5
                // held 23 586 and 37 806 of them, 592 and 1 233 primal pivots, and a start with
                // 114 rows was refused (a cold start); with the implied bounds, 1.9 s instead
                // of 2.8 s.
                if !upper[p].isFinite {
                    if room == nil { room = impliedRoom() }
                    let u = impliedUpper(p, room: room!)
                    if u.isFinite && u > 0 {
                        upper[p] = u
                        status[p] = 1
                        flipped = true
                        implied += 1
                        continue
                    }
                }
                guard upper[p].isFinite else {
                    // It cannot flip: held at zero until the primal simplex (a harmony piece
                    // above its target, whose value crossed its slope: it used to force a cold
                    // start, 7 300 pivots at 10^5 products).
                    if isHeld.isEmpty { isHeld = [Bool](repeating: false, count: count) }
                    isHeld[p] = true
                    held.append(p)
                    continue
                }
                status[p] = 1
                flipped = true
            } else if status[p] == 1 && d < -tol {
                status[p] = 0
                flipped = true
            }
        }
        if flipped || swaps > 0 { updateBasicValues() }
        // (Columns flipped to implied bounds leave many rows off their bounds, which the long
        // steps repair cheaply: such a start is not refused.)
        return implied > 0 || infeasibleCount() <= maxInfeasible
    }

    /// Per row, the most its other columns can give back: b_r plus what the columns with a
    /// negative entry free at their upper bounds (∞ when one of them has none).
    private func impliedRoom() -> [Double] {
        (0..<m).map { r in
            var room = b[r]
            for p in 0..<cost.count {
                let a = g[r * width + column[p]]
                if a < 0 { if upper[p].isFinite { room -= a * upper[p] } else { return .infinity } }
            }
            return room
        }
    }

    /// The bound the rows imply for column p: min over rows with a positive entry of room/entry
    /// (entries of rounding size, below 1e-12 of the column's largest, are left out: their bound
    /// would be huge and spoil the basic values).
    private func impliedUpper(_ p: Int, room: [Double]) -> Double {
        var largest = 0.0
        for r in 0..<m { largest = max(largest, abs(g[r * width + column[p]])) }
        var u = Double.infinity
        for r in 0..<m {
            let a = g[r * width + column[p]]
            if a > 1e-12 * largest && room[r].isFinite { u = min(u, max(0, room[r]) / a) }
        }
        return u
    }

    /// How many basic variables break a bound.
    private func infeasibleCount() -> Int {
        var infeasible = 0
        for r in 0..<m {
            let v = basic[r], tol = 1e-9 * max(1, abs(xB[r]))
            if xB[r] < -tol || (v < cost.count && xB[r] > upper[v] + tol) { infeasible += 1 }
        }
        return infeasible
    }

    /// A fresh inverse of the basis (Gauss–Jordan, partial pivoting) and basic values from it.
    mutating func refactor() -> Bool {
        let count = cost.count
        var bm = [Double](repeating: 0, count: m * m)
        for (r, v) in basic.enumerated() {
            if v < count { for k in 0..<m { bm[k * m + r] = g[k * width + column[v]] } } else { bm[(v - count) * m + r] = 1 }
        }
        guard let inv = DenseKernels.invert(bm, size: m) else { return false }
        inverse = inv
        updateBasicValues()
        return true
    }

    /// x_B = B⁻¹ (b − Σ columns at their upper bound).
    private mutating func updateBasicValues() {
        let count = cost.count
        // Columns sharing a column of G add up first; then one pass over each row of G.
        var atUpper = [Double](repeating: 0, count: width)
        for p in 0..<count where status[p] == 1 { atUpper[column[p]] += upper[p] }
        var rhs = b
        g.withUnsafeBufferPointer { gp in
            atUpper.withUnsafeBufferPointer { up in
                for k in 0..<m { rhs[k] -= DenseKernels.dot(gp.baseAddress! + k * width, up.baseAddress!, width) }
            }
        }
        xB = DenseKernels.multiply(inverse, size: m, rhs)
    }
}
