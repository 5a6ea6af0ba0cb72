import SyncoSparse
import Dispatch

/// A bounded revised simplex on a `LinearProgram` with a sparse LU basis (`SparseLU`), for
/// programs small enough to pivot through (a receding-horizon window; later a decomposition
/// master): what it adds to the first-order solver is an exact vertex and, above all, a basis
/// that the next, slightly changed program starts from.
///
/// Standard form: every row i gets a logical variable s_i = (K·x)_i with bounds
/// [rowLower_i, rowUpper_i], so the constraints are K·x − s = 0 and every variable is boxed
/// (possibly by infinite bounds). A basis is m of the n + m variables; the others sit at a
/// bound (a free one at zero). A start that is not a basis is repaired: surplus basic columns
/// go to a bound (logicals first, columns with a cost last), missing ones are filled with
/// logicals, and dependent columns found by the LU give way to the slacks of the rows they
/// leave unpivoted.
///
/// 1. Dual phases. Columns whose reduced cost has the wrong sign at the start: boxed ones move
///    to their other bound. If more than max(1, m/100) others remain (free or one-sided: the
///    harmony LP's one column per target), dual phase 1 by the subproblem approach first — the dual
///    simplex with every variable boxed in [−1, 1], [0, 1], [−1, 0] or [0, 0] by its bound type,
///    whose optimal basis is dual feasible for the LP where the LP's dual is feasible. Fewer
///    (fulfilment's λ) get their cost shifted instead. Then the dual simplex until the basis
///    is primal feasible: the leaving row by dual steepest edge after phase 1 (Forrest &
///    Goldfarb's update, one more solve per pivot), else by the largest violation; the
///    entering column by a bound-flipping ratio test (boxed candidates, in order of ratio,
///    are passed and flipped while the leaving variable stays infeasible) with Harris's
///    tolerance among the rest; costs perturbed by (0.5–1)·1e-7 relative, in each nonbasic
///    column's dual feasible direction, from the start after phase 1 or after 100 degenerate
///    pivots. After a change of right-hand sides (the next window of a rollout) this takes
///    few pivots.
/// 2. Primal phase on the true costs: composite phase 1 while basic variables break their
///    bounds (the objective is the sum of the violations; a violated variable moves only until
///    it reaches the bound it breaks), then phase 2. Dantzig's rule on reduced costs divided by
///    the column's norm; Harris's two-pass ratio test with bound flips; Bland's rule after a
///    run of degenerate pivots.
/// 3. The basic values are solved afresh (with fresh factors when K·x = s no longer holds to
///    1e-7 of the rows' flows) before an optimum is believed.
/// The LU is refactored every `refactorEvery` updates. Callers check the result with
/// independent code (`LPResiduals`, the plan certificates).
///
/// Chvátal, "Linear Programming" (1983), ch. 7–8 (revised and bounded simplex); Maros,
/// "Computational Techniques of the Simplex Method" (2003), ch. 9 (composite phase 1);
/// Koberstein, "The dual simplex method, techniques for a fast and stable implementation"
/// (2005), ch. 3 (cost shifting and perturbation, bound flipping, dual steepest edge) and
/// ch. 4 (dual phase 1, the subproblem approach); Forrest & Goldfarb, "Steepest-edge simplex
/// algorithms for linear programming", Math. Programming 57 (1992); Harris, "Pivot selection
/// methods of the Devex LP code", Math. Programming 5 (1973).
public struct SparseSimplex: Sendable {
    public enum Status: String, Sendable { case optimal, infeasible, unbounded, iterationLimit, timeLimit, singular }

    /// A variable's place: basic, or nonbasic at its lower bound, its upper bound, or at zero
    /// (a free variable).
    public enum VariableStatus: UInt8, Sendable { case basic, lower, upper, zero }

    public struct Result: Sendable {
        public var status: Status
        /// Structural values (the LP's columns).
        public var x: [Double]
        /// Row duals (y_i > 0 where the row's lower bound binds, < 0 where its upper does).
        public var y: [Double]
        public var objective: Double
        public var iterations: Int
        /// Final statuses: the LP's columns, then its rows' logicals (a warm start for a
        /// program of the same shape).
        public var basis: [VariableStatus]
    }

    public var feasibilityTolerance = 1e-9
    public var optimalityTolerance = 1e-11
    public var refactorEvery = 256
    public var maxIterations = 1_000_000
    /// Uptime (nanoseconds) after which the solve stops with `.timeLimit`.
    public var deadline: UInt64 = .max

    let n: Int, m: Int
    /// Columns of [K −I] in compressed form.
    let colStart: [Int]
    let colRow: [Int32]
    let colValue: [Double]
    let lo: [Double], up: [Double], cost: [Double]
    let columnScale: [Double]
    /// The scaling: the solve works on R·K·C (row i times `rowFactor[i]`, column j times
    /// `columnFactor[j]`, powers of two), with x = C·x' and y = R·y'.
    let rowFactor: [Double], columnFactor: [Double]

    /// `scaling`: geometric-mean scaling of rows and columns, as LP codes do (HiGHS pivots 2.7
    /// times as often without it on the harmony LP of 1 500 workplace products). The
    /// tolerances apply to the scaled program; callers check the unscaled result
    /// (`LPResiduals`, the plan certificates).
    public init(_ lp: LinearProgram, scaling: Bool = true) {
        n = lp.columns
        m = lp.rows
        let kt = lp.matrix.transposed()
        let (rf, cf) = scaling ? SparseSimplex.geometricScaling(lp.matrix, kt) : ([Double](repeating: 1, count: lp.rows), [Double](repeating: 1, count: lp.columns))
        rowFactor = rf
        columnFactor = cf
        var start = kt.rowStart, rows = kt.colIndex, vals = kt.values
        for j in 0..<n { for q in start[j]..<start[j + 1] { vals[q] *= rf[Int(rows[q])] * cf[j] } }
        start.reserveCapacity(n + m + 1)
        for i in 0..<m { rows.append(Int32(i)); vals.append(-1); start.append(rows.count) }
        colStart = start
        colRow = rows
        colValue = vals
        lo = (0..<n).map { lp.lower[$0] / cf[$0] } + (0..<m).map { lp.rowLower[$0] * rf[$0] }
        up = (0..<n).map { lp.upper[$0] / cf[$0] } + (0..<m).map { lp.rowUpper[$0] * rf[$0] }
        cost = (0..<n).map { lp.objective[$0] * cf[$0] } + [Double](repeating: 0, count: m)
        columnScale = (0..<(n + m)).map { j in
            var s = 0.0
            for q in start[j]..<start[j + 1] { s += vals[q] * vals[q] }
            return max(1, s.squareRoot())
        }
    }

    /// Row and column factors that bring each row's and column's entries towards 1: four
    /// passes of 1/√(smallest·largest) over rows, then columns, rounded to powers of two (so
    /// that scaling and unscaling are exact). Empty rows and columns keep 1.
    static func geometricScaling(_ k: CSRMatrix, _ kt: CSRMatrix) -> (rows: [Double], columns: [Double]) {
        var rf = [Double](repeating: 1, count: k.rows), cf = [Double](repeating: 1, count: k.columns)
        // One pass over the rows of `a` (K for the rows, Kᵀ for the columns), its columns
        // weighted by `other`.
        func pass(_ a: CSRMatrix, _ other: [Double]) -> [Double] {
            (0..<a.rows).map { i in
                var small = Double.infinity, large = 0.0
                for q in a.rowStart[i]..<a.rowStart[i + 1] where a.values[q] != 0 {
                    let v = abs(a.values[q]) * other[Int(a.colIndex[q])]
                    small = min(small, v); large = max(large, v)
                }
                return large > 0 ? 1 / (small * large).squareRoot() : 1
            }
        }
        for _ in 0..<4 {
            rf = pass(k, cf)
            cf = pass(kt, rf)
        }
        func powerOfTwo(_ s: Double) -> Double {
            guard s.isFinite, s > 0 else { return 1 }
            return Double(sign: .plus, exponent: (s * 2.0.squareRoot()).exponent, significand: 1)
        }
        return (rf.map(powerOfTwo), cf.map(powerOfTwo))
    }

    /// Solves from the slack basis, or from `start` (statuses of columns then rows, as returned
    /// in `Result.basis` for a program of the same shape; repaired where it is not a basis).
    public func solve(start: [VariableStatus]? = nil) -> Result {
        var state = State(self, start: start)
        if useDual { state.dualPhase() }
        var r = state.run()
        // Fresh factors and basic values before believing an optimum: drift in the updated
        // values can hide small infeasibilities; if there are any, pivot on.
        for attempt in 0..<3 where r.status == .optimal {
            // Basic values solved afresh with the current factors; if the rows K·x = s are then
            // not met (inaccurate factors), refactorise.
            state.recomputeBasic()
            if !state.rowsHold() || attempt > 0 { state.refactor() }
            guard state.basis.contains(where: { state.infeasibility($0) != 0 }) else { r = state.result(.optimal); break }
            r = state.run()
        }
        return r
    }

    /// Start with the dual phase (see above); off: the primal phases alone.
    public var useDual = true

    struct State {
        let s: SparseSimplex
        /// The bounds in force: the LP's, except in the dual phase 1, which boxes every variable.
        var lo: [Double], up: [Double]
        var status: [VariableStatus]
        var basis: [Int]
        var x: [Double]
        var lu: SparseLU
        var iterations = 0
        var scratch: [Double]
        /// Dual steepest-edge weights by basis position: ‖row p of B⁻¹‖², exact for a slack
        /// basis, updated at each dual pivot, 1 where unknown.
        var weights: [Double]

        init(_ s: SparseSimplex, start: [VariableStatus]?) {
            self.s = s
            lo = s.lo
            up = s.up
            let total = s.n + s.m
            var st = [VariableStatus](repeating: .lower, count: total)
            if let start, start.count == total { st = start }
            else { for j in 0..<s.n { st[j] = .lower }; for i in 0..<s.m { st[s.n + i] = .basic } }
            var basic = (0..<total).filter { st[$0] == .basic }
            if basic.count > s.m {
                // Too many: columns with a cost (what the program is about, λ) stay, then the
                // other structurals; logicals go first (their rows become binding), the last
                // ones first.
                let costly = basic.filter { $0 < s.n && s.cost[$0] != 0 }
                let others = basic.filter { $0 < s.n && s.cost[$0] == 0 }
                let logicals = basic.filter { $0 >= s.n }
                let keep = Array((costly + others + logicals).prefix(s.m))
                let kept = Set(keep)
                for j in basic where !kept.contains(j) { st[j] = .lower }
                basic = keep
            }
            if basic.count < s.m {
                for i in 0..<s.m where basic.count < s.m && st[s.n + i] != .basic { st[s.n + i] = .basic; basic.append(s.n + i) }
            }
            status = st
            basis = basic
            x = [Double](repeating: 0, count: total)
            scratch = [Double](repeating: 0, count: s.m)
            weights = [Double](repeating: 1, count: s.m)
            lu = SparseLU(size: 0, columns: [])
            for j in 0..<total where st[j] != .basic { status[j] = nonbasicStatus(j, preferred: st[j]) }
            refactor()
        }

        func nonbasicStatus(_ j: Int, preferred: VariableStatus) -> VariableStatus {
            let l = lo[j], u = up[j]
            switch preferred {
            case .upper where u.isFinite: return .upper
            case .lower where l.isFinite: return .lower
            default:
                if l.isFinite && u.isFinite { return abs(l) <= abs(u) ? .lower : .upper }
                if l.isFinite { return .lower }
                if u.isFinite { return .upper }
                return .zero
            }
        }

        func nonbasicValue(_ j: Int) -> Double {
            switch status[j] {
            case .lower: return lo[j]
            case .upper: return up[j]
            default: return 0
            }
        }

        /// Factorises the basis (replacing dependent columns by logicals) and recomputes the
        /// basic values from the nonbasic ones.
        mutating func refactor() {
            // The row search's default stability first; stricter when the factors are inaccurate.
            for stability in [0.01, 0.1] {
                let cols = basis.map { j in
                    (rows: Array(s.colRow[s.colStart[j]..<s.colStart[j + 1]]), values: Array(s.colValue[s.colStart[j]..<s.colStart[j + 1]]))
                }
                lu = SparseLU(size: s.m, columns: cols, stability: stability)
                if lu.isSingular {
                    // Dependent columns give way to the slacks of the rows left unpivoted.
                    for (p, i) in zip(lu.singularColumns, lu.singularRows) {
                        let out = basis[p]
                        status[out] = nonbasicStatus(out, preferred: .lower)
                        basis[p] = s.n + i
                        status[s.n + i] = .basic
                        weights[p] = 1
                    }
                    lu.completeWithUnitColumns(sign: -1)
                }
                if accurate() { break }
            }
            for j in 0..<(s.n + s.m) where status[j] != .basic { x[j] = nonbasicValue(j) }
            recomputeBasic()
        }

        /// Solves B·x = B·1 with the fresh factors and checks that x is 1 (to 1e-7).
        mutating func accurate() -> Bool {
            var b = [Double](repeating: 0, count: s.m)
            for j in basis { for q in s.colStart[j]..<s.colStart[j + 1] { b[Int(s.colRow[q])] += s.colValue[q] } }
            lu.solve(&b, scratch: &scratch)
            return b.allSatisfy { abs($0 - 1) <= 1e-7 }
        }

        mutating func recomputeBasic() {
            // B·x_B = −N·x_N.
            var rhs = [Double](repeating: 0, count: s.m)
            for j in 0..<(s.n + s.m) where status[j] != .basic {
                let v = x[j]
                if v == 0 { continue }
                for q in s.colStart[j]..<s.colStart[j + 1] { rhs[Int(s.colRow[q])] -= s.colValue[q] * v }
            }
            lu.solve(&rhs, scratch: &scratch)
            for (p, j) in basis.enumerated() { x[j] = rhs[p] }
        }

        func infeasibility(_ j: Int) -> Double {
            let v = x[j]
            if v < lo[j] - tol(j, lo[j]) { return v - lo[j] }
            if v > up[j] + tol(j, up[j]) { return v - up[j] }
            return 0
        }

        func tol(_ j: Int, _ bound: Double) -> Double { s.feasibilityTolerance * max(1, abs(bound)) }

        /// Reduced cost of nonbasic j at row duals y (costs `c`).
        @inline(__always)
        func reducedCost(_ j: Int, _ y: [Double], _ c: Double) -> Double {
            var dj = c
            for q in s.colStart[j]..<s.colStart[j + 1] { dj -= y[Int(s.colRow[q])] * s.colValue[q] }
            return dj
        }

        /// The dual phases. Phase 1 (Koberstein's subproblem approach) runs when the start has
        /// dual infeasibilities that no bound flip repairs (a free column, or a one-sided one
        /// whose reduced cost points away from its bound): the dual simplex on the same program
        /// with every variable boxed — free in [−1, 1], lower-bounded in [0, 1], upper-bounded
        /// in [−1, 0], boxed in [0, 0] — whose optimal basis minimises the dual infeasibilities,
        /// and is dual feasible for the LP itself where the LP has a feasible dual. Phase 2: the
        /// dual simplex on the LP's bounds from that basis; what is still dual infeasible gets its
        /// cost shifted (the primal phases remove the shifts).
        mutating func dualPhase() {
            let total = s.n + s.m
            let tolD = s.optimalityTolerance
            var y = [Double](repeating: 0, count: s.m)
            for (p, j) in basis.enumerated() { y[p] = s.cost[j] }
            lu.solveTransposed(&y, scratch: &scratch)
            var unrepaired = 0
            for j in 0..<total where status[j] != .basic && lo[j] < up[j] {
                let dj = reducedCost(j, y, s.cost[j])
                if (dj < -tolD && !up[j].isFinite) || (dj > tolD && !lo[j].isFinite) { unrepaired += 1 }
            }
            // A few such columns (λ of a fulfilment LP) are cheaper shifted: the primal phases
            // then move them from a feasible point, with cheaper pivots than the dual's.
            let needsPhase1 = unrepaired > max(1, s.m / 100)
            if needsPhase1 {
                let realLo = lo, realUp = up
                for j in 0..<total {
                    switch (realLo[j].isFinite, realUp[j].isFinite) {
                    case (true, true): (lo[j], up[j]) = (0, 0)
                    case (true, false): (lo[j], up[j]) = (0, 1)
                    case (false, true): (lo[j], up[j]) = (-1, 0)
                    case (false, false): (lo[j], up[j]) = (-1, 1)
                    }
                }
                for j in 0..<total where status[j] != .basic { status[j] = nonbasicStatus(j, preferred: status[j]); x[j] = nonbasicValue(j) }
                recomputeBasic()
                let ended = dualSimplex(perturbFirst: true, steepestEdge: true)
                lo = realLo
                up = realUp
                // Nonbasic columns at the bound their reduced cost asks for (with the LP's costs).
                for (p, j) in basis.enumerated() { y[p] = s.cost[j] }
                lu.solveTransposed(&y, scratch: &scratch)
                for j in 0..<total where status[j] != .basic {
                    let dj = reducedCost(j, y, s.cost[j])
                    status[j] = nonbasicStatus(j, preferred: dj < 0 ? .upper : .lower)
                    x[j] = nonbasicValue(j)
                }
                recomputeBasic()
                if !ended { return }
            }
            _ = dualSimplex(perturbFirst: needsPhase1, steepestEdge: needsPhase1)
        }

        /// The dual simplex on the bounds in force and costs shifted to make the start dual
        /// feasible (boxed columns with the wrong sign move to their other bound instead): the
        /// leaving row by the largest violation² (per steepest-edge weight with `steepestEdge`),
        /// the entering column by the bound-flipping ratio test with Harris's tolerance. True
        /// when the basis is primal feasible; false when it gives up (no entering column: the
        /// dual is unbounded; a pivot rejected twice; the time or the iterations ran out),
        /// leaving the rest to the primal phases.
        mutating func dualSimplex(perturbFirst: Bool, steepestEdge: Bool) -> Bool {
            let total = s.n + s.m
            var cost = s.cost
            // Costs perturbed away from ties (a planning LP's many columns without cost are all
            // dual degenerate, and the dual simplex stalls among them): each nonbasic column at a
            // bound by (0.5–1)·1e-7·(1 + |c_j|) (scaled costs), in the direction
            // that keeps it dual feasible; the primal phases end on the true costs. From the
            // start when the basis came from phase 1 (a cold start), else after a run of
            // degenerate pivots (a warm start's few pivots are left on the true costs).
            var perturbed = false
            func perturb() {
                perturbed = true
                var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
                for j in 0..<total where lo[j] < up[j] && (status[j] == .lower || status[j] == .upper) {
                    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let u = 0.5 + 0.5 * Double(seed >> 11) / Double(UInt64(1) << 53)
                    let psi = u * 1e-7 * (1 + abs(s.cost[j]))
                    cost[j] += status[j] == .upper ? -psi : psi
                }
            }
            var degenerateRun = 0
            var y = [Double](repeating: 0, count: s.m)
            var rho = [Double](repeating: 0, count: s.m)
            var alpha = [Double](repeating: 0, count: s.m)
            var lanes = [SIMD4<Double>](repeating: SIMD4(), count: s.m), laneScratch = lanes
            var d = [Double](repeating: 0, count: total)
            var row = [Double](repeating: 0, count: total)
            var candidates: [(j: Int, ratio: Double)] = []
            let tolD = s.optimalityTolerance
            func duals(_ y: inout [Double]) {
                for (p, j) in basis.enumerated() { y[p] = cost[j] }
                lu.solveTransposed(&y, scratch: &scratch)
            }
            // Make the start dual feasible.
            duals(&y)
            var flipped = false
            for j in 0..<total where status[j] != .basic && lo[j] < up[j] {
                let dj = reducedCost(j, y, cost[j])
                let boxed = lo[j].isFinite && up[j].isFinite
                switch status[j] {
                case .lower where dj < -tolD:
                    if boxed { status[j] = .upper; x[j] = up[j]; flipped = true } else { cost[j] -= dj }
                case .upper where dj > tolD:
                    if boxed { status[j] = .lower; x[j] = lo[j]; flipped = true } else { cost[j] -= dj }
                case .zero where abs(dj) > tolD:
                    cost[j] -= dj
                default: break
                }
            }
            if flipped { recomputeBasic() }
            if perturbFirst { perturb() }
            // y and the reduced costs d are updated after each pivot (y += θ·ρ, d −= θ·α_row)
            // and recomputed after each refactorisation.
            var fresh = true
            var loops = 0, rejected = 0
            while iterations < s.maxIterations {
                loops += 1
                if loops % 32 == 0 && DispatchTime.now().uptimeNanoseconds > s.deadline { return false }
                if fresh {
                    duals(&y)
                    for j in 0..<total where status[j] != .basic { d[j] = reducedCost(j, y, cost[j]) }
                    fresh = false
                }
                // Leaving row: the largest violation² per weight (dual steepest edge).
                var leave = -1, worst = 0.0
                for (p, j) in basis.enumerated() {
                    let v = infeasibility(j)
                    if v == 0 { continue }
                    let score = steepestEdge ? v * v / weights[p] : v * v
                    if score > worst { worst = score; leave = p }
                }
                if leave < 0 { return true }
                let out = basis[leave]
                let toLower = x[out] < lo[out]
                let bound = toLower ? lo[out] : up[out]
                // Pivot row ρᵀ·a_j; ρ's norm refreshes the leaving row's weight.
                for p in 0..<s.m { rho[p] = 0 }
                rho[leave] = 1
                lu.solveTransposed(&rho, scratch: &scratch)
                var rhoNorm = 0.0
                for p in 0..<s.m { rhoNorm += rho[p] * rho[p] }
                weights[leave] = rhoNorm
                // x_out moves by −α_j·Δ_j: up (toLower) needs α_j·Δ_j < 0. The candidates: columns
                // that can move that way, with their ratio |d_j|/|α_j|.
                candidates.removeAll(keepingCapacity: true)
                for j in 0..<total where status[j] != .basic {
                    var a = 0.0
                    for q in s.colStart[j]..<s.colStart[j + 1] { a += rho[Int(s.colRow[q])] * s.colValue[q] }
                    row[j] = a
                    if abs(a) < 1e-9 { continue }
                    let sign = toLower ? -a : a   // > 0: x_j should increase
                    let movable = status[j] == .zero || (up[j] > lo[j] && (sign > 0 ? status[j] != .upper : status[j] != .lower))
                    guard movable else { continue }
                    candidates.append((j, abs(d[j]) / abs(a)))
                }
                // Bound flipping (long steps): in order of ratio, a boxed candidate is passed — it
                // moves to its other bound — while the leaving variable stays infeasible after
                // it (the dual objective still rises); the first one that cannot be passed ends
                // the pass, and Harris's test among the rest picks the entering column.
                // (Only candidates up to the first one that cannot be passed — an unboxed one —
                // need an order.)
                var wall = Double.infinity
                for (j, ratio) in candidates where !(lo[j].isFinite && up[j].isFinite) { wall = min(wall, ratio) }
                if wall.isFinite {
                    var kept = 0
                    for c in candidates.indices where candidates[c].ratio <= wall { candidates.swapAt(kept, c); kept += 1 }
                    candidates.removeLast(candidates.count - kept)
                }
                candidates.sort { $0.ratio < $1.ratio }
                var slope = abs(x[out] - bound)
                var passed = 0
                for (j, _) in candidates {
                    guard lo[j].isFinite && up[j].isFinite else { break }
                    let after = slope - abs(row[j]) * (up[j] - lo[j])
                    if after <= 0 { break }
                    slope = after
                    passed += 1
                }
                var thetaMax = Double.infinity
                for (j, _) in candidates[passed...] { thetaMax = min(thetaMax, (abs(d[j]) + tolD) / abs(row[j])) }
                var enter = -1, best = 0.0
                for (j, ratio) in candidates[passed...] where ratio <= thetaMax && abs(row[j]) > best { best = abs(row[j]); enter = j }
                // Every candidate passed and the leaving variable still infeasible: that row
                // shows the LP infeasible (the primal phases say so).
                guard enter >= 0 else { return false }
                if passed == 0 && !steepestEdge {
                    // The entering column alone.
                    for p in 0..<s.m { alpha[p] = 0 }
                    for q in s.colStart[enter]..<s.colStart[enter + 1] { alpha[Int(s.colRow[q])] = s.colValue[q] }
                    lu.solve(&alpha, scratch: &scratch)
                } else {
                    // One pass over the factors solves for the entering column (lane 0), ρ for the
                    // steepest-edge weights (τ = B⁻¹·ρ, lane 1) and the passed columns' flips
                    // (lane 2: B⁻¹·Σ a_j·Δx_j, applied below once the pivot is accepted).
                    for p in 0..<s.m { lanes[p] = SIMD4() }
                    for (j, _) in candidates[..<passed] {
                        let delta = (status[j] == .upper ? lo[j] : up[j]) - x[j]
                        for q in s.colStart[j]..<s.colStart[j + 1] { lanes[Int(s.colRow[q])][2] += s.colValue[q] * delta }
                    }
                    for q in s.colStart[enter]..<s.colStart[enter + 1] { lanes[Int(s.colRow[q])][0] = s.colValue[q] }
                    if steepestEdge { for p in 0..<s.m { lanes[p][1] = rho[p] } }
                    lu.solveLanes(&lanes, scratch: &laneScratch)
                    for p in 0..<s.m { alpha[p] = lanes[p][0] }
                }
                let ap = alpha[leave]
                guard abs(ap) > 1e-11 else {
                    // A pivot too small to trust: fresh factors and duals, then choose again; the
                    // same again, give up (the primal phases go on).
                    rejected += 1
                    if rejected > 2 { return false }
                    refactor(); fresh = true; continue
                }
                rejected = 0
                if passed > 0 {
                    // The passed columns flip: x_B −= B⁻¹·Σ a_j·Δx_j.
                    for (j, _) in candidates[..<passed] {
                        x[j] = status[j] == .upper ? lo[j] : up[j]
                        status[j] = status[j] == .upper ? .lower : .upper
                    }
                    for p in 0..<s.m where lanes[p][2] != 0 { x[basis[p]] -= lanes[p][2] }
                }
                // Duals and reduced costs move by θ = d_q / α_pq along the pivot row.
                let theta = d[enter] / row[enter]
                degenerateRun = abs(theta) <= 1e-12 ? degenerateRun + 1 : 0
                for p in 0..<s.m where rho[p] != 0 { y[p] += theta * rho[p] }
                for j in 0..<total where status[j] != .basic && row[j] != 0 { d[j] -= theta * row[j] }
                d[enter] = 0
                d[out] = -theta
                // Weights (Forrest & Goldfarb): τ = B⁻¹·ρ (lane 1); β_p −= 2(α_p/α_r)·τ_p − (α_p/α_r)²·β_r.
                if steepestEdge {
                    for p in 0..<s.m where alpha[p] != 0 && p != leave {
                        let ratio = alpha[p] / ap
                        weights[p] = max(weights[p] + ratio * (ratio * rhoNorm - 2 * lanes[p][1]), 1e-12)
                    }
                    weights[leave] = max(rhoNorm / (ap * ap), 1e-12)
                }
                let step = (x[out] - bound) / ap
                for p in 0..<s.m where alpha[p] != 0 { x[basis[p]] -= step * alpha[p] }
                x[enter] += step
                x[out] = bound
                status[out] = toLower ? .lower : .upper
                if lo[out] == up[out] { status[out] = .lower }
                status[enter] = .basic
                basis[leave] = enter
                iterations += 1
                if lu.updates >= s.refactorEvery || abs(ap) < 1e-9 { refactor(); fresh = true } else { lu.update(position: leave, alpha: alpha) }
                if !perturbed && degenerateRun >= 100 { perturb(); fresh = true }
            }
            return false
        }

        mutating func run() -> Result {
            let total = s.n + s.m
            var degenerate = 0
            var cB = [Double](repeating: 0, count: s.m)
            var y = [Double](repeating: 0, count: s.m)
            var d = [Double](repeating: 0, count: total)
            var alpha = [Double](repeating: 0, count: s.m)
            var phase = 1
            var outcome: Status = .iterationLimit
            while iterations < s.maxIterations {
                if iterations % 32 == 0 && DispatchTime.now().uptimeNanoseconds > s.deadline { outcome = .timeLimit; break }
                // Phase and basic costs.
                var infeasible = false
                for (p, j) in basis.enumerated() {
                    let v = infeasibility(j)
                    cB[p] = v < 0 ? -1 : (v > 0 ? 1 : 0)
                    if v != 0 { infeasible = true }
                }
                phase = infeasible ? 1 : 2
                if phase == 2 { for (p, j) in basis.enumerated() { cB[p] = s.cost[j] } }
                for p in 0..<s.m { y[p] = cB[p] }
                lu.solveTransposed(&y, scratch: &scratch)
                // Reduced costs and pricing.
                var best = -1, bestScore = 0.0
                let bland = degenerate > 50
                for j in 0..<total where status[j] != .basic {
                    var dj = phase == 2 ? s.cost[j] : 0
                    for q in s.colStart[j]..<s.colStart[j + 1] { dj -= y[Int(s.colRow[q])] * s.colValue[q] }
                    d[j] = dj
                    let canUp = status[j] != .upper && up[j] > lo[j] || status[j] == .zero
                    let canDown = status[j] != .lower && up[j] > lo[j] || status[j] == .zero
                    let tolD = s.optimalityTolerance
                    var score = 0.0
                    if dj < -tolD && canUp { score = -dj / s.columnScale[j] } else if dj > tolD && canDown { score = dj / s.columnScale[j] }
                    if score > 0 {
                        if bland { if best < 0 { best = j; bestScore = score } }
                        else if score > bestScore { best = j; bestScore = score }
                    }
                }
                if best < 0 {
                    outcome = phase == 1 ? .infeasible : .optimal
                    break
                }
                let q = best
                let dir: Double = d[q] < 0 ? 1 : -1
                // α = B⁻¹·a_q.
                for p in 0..<s.m { alpha[p] = 0 }
                for k in s.colStart[q]..<s.colStart[q + 1] { alpha[Int(s.colRow[k])] = s.colValue[k] }
                lu.solve(&alpha, scratch: &scratch)
                // Ratio test (Harris): basic p changes by −dir·α_p per unit step.
                var thetaMax = up[q] - lo[q]
                if status[q] == .zero { thetaMax = .infinity }
                for p in 0..<s.m {
                    let rate = -dir * alpha[p]
                    if abs(rate) < 1e-11 { continue }
                    let j = basis[p], v = x[j]
                    let lj = lo[j], uj = up[j]
                    if rate < 0 {
                        // Falling: stops at its lower bound (or, above its upper, at the upper bound).
                        let bound = v > uj + tol(j, uj) ? uj : lj
                        guard bound.isFinite, v >= lj - tol(j, lj) else { continue }
                        thetaMax = min(thetaMax, (v - bound + tol(j, bound)) / -rate)
                    } else {
                        let bound = v < lj - tol(j, lj) ? lj : uj
                        guard bound.isFinite, v <= uj + tol(j, uj) else { continue }
                        thetaMax = min(thetaMax, (bound - v + tol(j, bound)) / rate)
                    }
                }
                if !thetaMax.isFinite {
                    if phase == 2 { outcome = .unbounded; break }
                    outcome = .singular
                    break
                }
                var leave = -1, leaveSize = 0.0, theta = up[q] - lo[q]
                if status[q] == .zero { theta = .infinity }
                var leaveBound = 0.0
                for p in 0..<s.m {
                    let rate = -dir * alpha[p]
                    if abs(rate) < 1e-11 { continue }
                    let j = basis[p], v = x[j]
                    let lj = lo[j], uj = up[j]
                    let bound: Double
                    if rate < 0 {
                        bound = v > uj + tol(j, uj) ? uj : lj
                        guard bound.isFinite, v >= lj - tol(j, lj) else { continue }
                    } else {
                        bound = v < lj - tol(j, lj) ? lj : uj
                        guard bound.isFinite, v <= uj + tol(j, uj) else { continue }
                    }
                    let ratio = max(0, (bound - v) / rate)
                    if ratio <= thetaMax && abs(rate) > leaveSize {
                        leave = p; leaveSize = abs(rate); theta = ratio; leaveBound = bound
                    }
                }
                iterations += 1
                if leave < 0 || theta >= up[q] - lo[q] {
                    // Bound flip.
                    let step = up[q] - lo[q]
                    guard step.isFinite else { outcome = phase == 2 ? .unbounded : .singular; break }
                    for p in 0..<s.m where alpha[p] != 0 { x[basis[p]] -= dir * step * alpha[p] }
                    status[q] = dir > 0 ? .upper : .lower
                    x[q] = nonbasicValue(q)
                    degenerate = 0
                    continue
                }
                degenerate = theta <= 1e-12 ? degenerate + 1 : 0
                for p in 0..<s.m where alpha[p] != 0 { x[basis[p]] -= dir * theta * alpha[p] }
                let out = basis[leave]
                x[out] = leaveBound
                status[out] = leaveBound == up[out] && up[out] != lo[out] ? .upper : .lower
                if !lo[out].isFinite && !up[out].isFinite { status[out] = .zero }
                x[q] += dir * theta
                status[q] = .basic
                basis[leave] = q
                if lu.updates >= s.refactorEvery || abs(alpha[leave]) < 1e-9 {
                    refactor()
                } else {
                    lu.update(position: leave, alpha: alpha)
                }

            }
            return result(outcome)
        }

        /// K·x − s = 0 to 1e-7 relative to the row's flows.
        func rowsHold() -> Bool {
            var act = [Double](repeating: 0, count: s.m), flow = [Double](repeating: 0, count: s.m)
            for j in 0..<s.n where x[j] != 0 {
                for q in s.colStart[j]..<s.colStart[j + 1] {
                    let r = Int(s.colRow[q]), v = s.colValue[q] * x[j]
                    act[r] += v
                    flow[r] += abs(v)
                }
            }
            for i in 0..<s.m where abs(act[i] - x[s.n + i]) > 1e-7 * max(1, flow[i], abs(x[s.n + i])) { return false }
            return true
        }

        /// The structural values and the duals of the current basis with the true costs.
        mutating func result(_ outcome: Status) -> Result {
            var y = basis.map { s.cost[$0] }
            lu.solveTransposed(&y, scratch: &scratch)
            for i in 0..<s.m { y[i] *= s.rowFactor[i] }
            let xs = (0..<s.n).map { x[$0] * s.columnFactor[$0] }
            var obj = 0.0
            for j in 0..<s.n { obj += s.cost[j] * x[j] }
            return Result(status: outcome, x: xs, y: y, objective: obj, iterations: iterations, basis: status)
        }
    }
}
