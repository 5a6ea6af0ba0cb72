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
/// 1. Dual phase: boxed columns whose reduced cost has the wrong sign move to their other
///    bound, the others get their cost shifted to make the start dual feasible; then the dual
///    simplex (the largest relative bound violation leaves, Harris's ratio test on the pivot
///    row picks the entering column, duals and reduced costs updated along the pivot row)
///    until the basis is primal feasible. After a change of right-hand sides (the next window
///    of a rollout) this takes few pivots.
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
/// (2005), ch. 3 (cost shifting, bound flipping); Harris, "Pivot selection methods of the
/// Devex LP code", Math. Programming 5 (1973).
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

    public init(_ lp: LinearProgram) {
        n = lp.columns
        m = lp.rows
        let kt = lp.matrix.transposed()
        var start = kt.rowStart, rows = kt.colIndex, vals = kt.values
        start.reserveCapacity(n + m + 1)
        for i in 0..<m { rows.append(Int32(i)); vals.append(-1); start.append(rows.count) }
        colStart = start
        colRow = rows
        colValue = vals
        lo = lp.lower + lp.rowLower
        up = lp.upper + lp.rowUpper
        cost = lp.objective + [Double](repeating: 0, count: m)
        columnScale = (0..<(n + m)).map { j in
            var s = 0.0
            for q in start[j]..<start[j + 1] { s += vals[q] * vals[q] }
            return max(1, s.squareRoot())
        }
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
        var status: [VariableStatus]
        var basis: [Int]
        var x: [Double]
        var lu: SparseLU
        var iterations = 0
        var scratch: [Double]

        init(_ s: SparseSimplex, start: [VariableStatus]?) {
            self.s = s
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
            lu = SparseLU(size: 0, columns: [])
            for j in 0..<total where st[j] != .basic { status[j] = nonbasicStatus(j, preferred: st[j]) }
            refactor()
        }

        func nonbasicStatus(_ j: Int, preferred: VariableStatus) -> VariableStatus {
            let l = s.lo[j], u = s.up[j]
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
            case .lower: return s.lo[j]
            case .upper: return s.up[j]
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
            if v < s.lo[j] - tol(j, s.lo[j]) { return v - s.lo[j] }
            if v > s.up[j] + tol(j, s.up[j]) { return v - s.up[j] }
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

        /// The dual simplex (Dantzig's rule for the leaving row, Harris's ratio test for the
        /// entering column) on costs shifted to make the start dual feasible; boxed columns with
        /// the wrong sign are moved to their other bound instead. Stops when the basis is primal
        /// feasible, or gives up (unbounded dual ray: leave it to the primal phases).
        mutating func dualPhase() {
            let total = s.n + s.m
            var cost = s.cost
            var y = [Double](repeating: 0, count: s.m)
            var rho = [Double](repeating: 0, count: s.m)
            var alpha = [Double](repeating: 0, count: s.m)
            var d = [Double](repeating: 0, count: total)
            var row = [Double](repeating: 0, count: total)
            let tolD = s.optimalityTolerance
            func duals(_ y: inout [Double]) {
                for (p, j) in basis.enumerated() { y[p] = cost[j] }
                lu.solveTransposed(&y, scratch: &scratch)
            }
            // Make the start dual feasible.
            duals(&y)
            var flipped = false
            for j in 0..<total where status[j] != .basic {
                let dj = reducedCost(j, y, cost[j])
                let boxed = s.lo[j].isFinite && s.up[j].isFinite
                switch status[j] {
                case .lower where dj < -tolD:
                    if boxed && s.up[j] > s.lo[j] { status[j] = .upper; x[j] = s.up[j]; flipped = true } else { cost[j] -= dj }
                case .upper where dj > tolD:
                    if boxed && s.up[j] > s.lo[j] { status[j] = .lower; x[j] = s.lo[j]; flipped = true } else { cost[j] -= dj }
                case .zero where abs(dj) > tolD:
                    cost[j] -= dj
                default: break
                }
            }
            if flipped { recomputeBasic() }
            // y and the reduced costs d are updated after each pivot (y += θ·ρ, d −= θ·α_row)
            // and recomputed after each refactorisation.
            var fresh = true
            while iterations < s.maxIterations {
                if iterations % 32 == 0 && DispatchTime.now().uptimeNanoseconds > s.deadline { return }
                if fresh {
                    duals(&y)
                    for j in 0..<total where status[j] != .basic { d[j] = reducedCost(j, y, cost[j]) }
                    fresh = false
                }
                // Leaving row: the largest bound violation relative to the bound's size.
                var leave = -1, worst = 0.0
                for (p, j) in basis.enumerated() {
                    let v = infeasibility(j)
                    if v == 0 { continue }
                    let b = v < 0 ? s.lo[j] : s.up[j]
                    let score = abs(v) / max(1, abs(b))
                    if score > worst { worst = score; leave = p }
                }
                if leave < 0 { return }
                let out = basis[leave]
                let toLower = x[out] < s.lo[out]
                let bound = toLower ? s.lo[out] : s.up[out]
                // Pivot row ρᵀ·a_j.
                for p in 0..<s.m { rho[p] = 0 }
                rho[leave] = 1
                lu.solveTransposed(&rho, scratch: &scratch)
                // x_out moves by −α_j·Δ_j: up (toLower) needs α_j·Δ_j < 0.
                var thetaMax = Double.infinity
                for j in 0..<total where status[j] != .basic {
                    var a = 0.0
                    for q in s.colStart[j]..<s.colStart[j + 1] { a += rho[Int(s.colRow[q])] * s.colValue[q] }
                    row[j] = a
                    if abs(a) < 1e-9 { continue }
                    let sign = toLower ? -a : a   // > 0: x_j should increase
                    let movable = status[j] == .zero || (s.up[j] > s.lo[j] && (sign > 0 ? status[j] != .upper : status[j] != .lower))
                    guard movable else { continue }
                    thetaMax = min(thetaMax, (abs(d[j]) + tolD) / abs(a))
                }
                var enter = -1, best = 0.0
                if thetaMax.isFinite {
                    for j in 0..<total where status[j] != .basic {
                        let a = row[j]
                        if abs(a) < 1e-9 { continue }
                        let sign = toLower ? -a : a
                        let movable = status[j] == .zero || (s.up[j] > s.lo[j] && (sign > 0 ? status[j] != .upper : status[j] != .lower))
                        guard movable else { continue }
                        if abs(d[j]) / abs(a) <= thetaMax && abs(a) > best { best = abs(a); enter = j }
                    }
                }
                if enter < 0 { return }
                for p in 0..<s.m { alpha[p] = 0 }
                for q in s.colStart[enter]..<s.colStart[enter + 1] { alpha[Int(s.colRow[q])] = s.colValue[q] }
                lu.solve(&alpha, scratch: &scratch)
                let ap = alpha[leave]
                guard abs(ap) > 1e-11 else { refactor(); fresh = true; continue }
                // Duals and reduced costs move by θ = d_q / α_pq along the pivot row.
                let theta = d[enter] / row[enter]
                for p in 0..<s.m where rho[p] != 0 { y[p] += theta * rho[p] }
                for j in 0..<total where status[j] != .basic && row[j] != 0 { d[j] -= theta * row[j] }
                d[enter] = 0
                d[out] = -theta
                let step = (x[out] - bound) / ap
                for p in 0..<s.m where alpha[p] != 0 { x[basis[p]] -= step * alpha[p] }
                x[enter] += step
                x[out] = bound
                status[out] = toLower ? .lower : .upper
                if s.lo[out] == s.up[out] { status[out] = .lower }
                status[enter] = .basic
                basis[leave] = enter
                iterations += 1
                if lu.updates >= s.refactorEvery || abs(ap) < 1e-9 { refactor(); fresh = true } else { lu.update(position: leave, alpha: alpha) }
            }
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
                    let canUp = status[j] != .upper && s.up[j] > s.lo[j] || status[j] == .zero
                    let canDown = status[j] != .lower && s.up[j] > s.lo[j] || status[j] == .zero
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
                var thetaMax = s.up[q] - s.lo[q]
                if status[q] == .zero { thetaMax = .infinity }
                for p in 0..<s.m {
                    let rate = -dir * alpha[p]
                    if abs(rate) < 1e-11 { continue }
                    let j = basis[p], v = x[j]
                    let lj = s.lo[j], uj = s.up[j]
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
                var leave = -1, leaveSize = 0.0, theta = s.up[q] - s.lo[q]
                if status[q] == .zero { theta = .infinity }
                var leaveBound = 0.0
                for p in 0..<s.m {
                    let rate = -dir * alpha[p]
                    if abs(rate) < 1e-11 { continue }
                    let j = basis[p], v = x[j]
                    let lj = s.lo[j], uj = s.up[j]
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
                if leave < 0 || theta >= s.up[q] - s.lo[q] {
                    // Bound flip.
                    let step = s.up[q] - s.lo[q]
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
                status[out] = leaveBound == s.up[out] && s.up[out] != s.lo[out] ? .upper : .lower
                if !s.lo[out].isFinite && !s.up[out].isFinite { status[out] = .zero }
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
            let xs = Array(x[0..<s.n])
            var obj = 0.0
            for j in 0..<s.n { obj += s.cost[j] * xs[j] }
            return Result(status: outcome, x: xs, y: y, objective: obj, iterations: iterations, basis: status)
        }
    }
}
