import SyncoSparse
import Dispatch

/// A bounded revised primal simplex on a `LinearProgram` with a sparse LU basis (`SparseLU`),
/// for programs small enough to pivot through (a receding-horizon window, a decomposition
/// master): what it adds to the first-order solver is an exact vertex and, above all, a basis
/// that the next, slightly changed program starts from.
///
/// Standard form: every row i gets a logical variable s_i = (K·x)_i with bounds
/// [rowLower_i, rowUpper_i], so the constraints are K·x − s = 0 and every variable is boxed
/// (possibly by infinite bounds). A basis is m of the n + m variables; the others sit at a
/// bound (a free one at zero).
///
/// Phase 1 is the composite method: while basic variables break their bounds the objective is
/// the sum of the violations, and the ratio test lets a violated variable move only until it
/// reaches the bound it breaks. Pricing is Dantzig's rule on reduced costs divided by the
/// column's norm; the ratio test is Harris's two-pass test with bound flips. Bland's rule takes
/// over after a run of degenerate pivots. The LU is refactored every `refactorEvery` updates and
/// the basic values recomputed from the nonbasic ones.
///
/// Chvátal, "Linear Programming" (1983), ch. 7–8 (revised and bounded simplex); Maros,
/// "Computational Techniques of the Simplex Method" (2003), ch. 9 (composite phase 1) and
/// Harris, "Pivot selection methods of the Devex LP code", Math. Programming 5 (1973).
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
    public var refactorEvery = 64
    public var maxIterations = 1_000_000
    /// Uptime (nanoseconds) after which the solve stops with `.timeLimit`.
    public var deadline: UInt64 = .max

    let lp: LinearProgram
    let n: Int, m: Int
    /// Columns of [K −I] in compressed form.
    let colStart: [Int]
    let colRow: [Int32]
    let colValue: [Double]
    let lo: [Double], up: [Double], cost: [Double]
    let columnScale: [Double]

    public init(_ lp: LinearProgram) {
        self.lp = lp
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
        return state.run()
    }

    /// The basis a first-order point suggests (a crossover's start): variables strictly inside
    /// their bounds and rows strictly inside theirs (with no dual) are basic, the rest sit at
    /// the bound they are nearest. When that makes more than m basic, the ones nearest a bound
    /// go to it; the simplex fills and repairs the rest.
    public static func basisGuess(_ lp: LinearProgram, x: [Double], y: [Double]) -> [VariableStatus] {
        let n = lp.columns, m = lp.rows
        let kx = lp.matrix.multiply(x)
        var status = [VariableStatus](repeating: .lower, count: n + m)
        var inside: [(distance: Double, j: Int)] = []
        func place(_ j: Int, _ v: Double, _ l: Double, _ u: Double, dual: Double) {
            let tl = 1e-7 * max(1, abs(l)), tu = 1e-7 * max(1, abs(u))
            let dl = l.isFinite ? (v - l) / max(1, abs(l)) : .infinity
            let du = u.isFinite ? (u - v) / max(1, abs(u)) : .infinity
            if (l.isFinite && v <= l + tl) || (dual > 1e-9 && l.isFinite && dl <= du) { status[j] = .lower; return }
            if (u.isFinite && v >= u - tu) || (dual < -1e-9 && u.isFinite) { status[j] = .upper; return }
            status[j] = .basic
            inside.append((min(dl, du), j))
        }
        for j in 0..<n { place(j, x[j], lp.lower[j], lp.upper[j], dual: 0) }
        for i in 0..<m { place(n + i, kx[i], lp.rowLower[i], lp.rowUpper[i], dual: y[i]) }
        if inside.count > m {
            inside.sort { $0.distance < $1.distance }
            for (_, j) in inside.prefix(inside.count - m) {
                let l = j < n ? lp.lower[j] : lp.rowLower[j - n]
                status[j] = l.isFinite ? .lower : .upper
            }
        }
        for j in 0..<(n + m) where status[j] == .lower && !(j < n ? lp.lower[j] : lp.rowLower[j - n]).isFinite {
            status[j] = (j < n ? lp.upper[j] : lp.rowUpper[j - n]).isFinite ? .upper : .zero
        }
        return status
    }

    struct State {
        let s: SparseSimplex
        var status: [VariableStatus]
        var basis: [Int]
        var positionOf: [Int]
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
                // Keep the logicals and the first structurals; the rest go to a bound.
                let keep = Set(basic.filter { $0 >= s.n } + basic.filter { $0 < s.n }.prefix(max(0, s.m - basic.filter { $0 >= s.n }.count)))
                for j in basic where !keep.contains(j) { st[j] = .lower }
                basic = basic.filter { keep.contains($0) }
            }
            if basic.count < s.m {
                for i in 0..<s.m where basic.count < s.m && st[s.n + i] != .basic { st[s.n + i] = .basic; basic.append(s.n + i) }
            }
            status = st
            basis = basic
            positionOf = [Int](repeating: -1, count: total)
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
            for attempt in 0..<4 {
                if attempt == 3 {
                    // Still singular: the slack basis always factorises.
                    for j in basis where j < s.n { status[j] = nonbasicStatus(j, preferred: .lower) }
                    basis = (0..<s.m).map { s.n + $0 }
                    for j in basis { status[j] = .basic }
                }
                let cols = basis.map { j in
                    (rows: Array(s.colRow[s.colStart[j]..<s.colStart[j + 1]]), values: Array(s.colValue[s.colStart[j]..<s.colStart[j + 1]]))
                }
                lu = SparseLU(size: s.m, columns: cols)
                if !lu.isSingular && !accurate(cols) { lu = SparseLU(size: s.m, columns: cols, rowSearch: false) }
                guard lu.isSingular else { break }
                for (p, i) in zip(lu.singularColumns, lu.singularRows) {
                    let out = basis[p]
                    status[out] = nonbasicStatus(out, preferred: .lower)
                    basis[p] = s.n + i
                    status[s.n + i] = .basic
                }
            }
            for (p, j) in basis.enumerated() { positionOf[j] = p }
            for j in 0..<(s.n + s.m) where status[j] != .basic { positionOf[j] = -1; x[j] = nonbasicValue(j) }
            recomputeBasic()
        }

        /// Solves B·x = B·1 with the fresh factors and checks that x is 1 (to 1e-7).
        mutating func accurate(_ cols: [(rows: [Int32], values: [Double])]) -> Bool {
            var b = [Double](repeating: 0, count: s.m)
            for col in cols { for (q, r) in col.rows.enumerated() { b[Int(r)] += col.values[q] } }
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
                positionOf[out] = -1
                x[q] += dir * theta
                status[q] = .basic
                basis[leave] = q
                positionOf[q] = leave
                if lu.updates >= s.refactorEvery || abs(alpha[leave]) < 1e-9 {
                    refactor()
                } else {
                    lu.update(position: leave, alpha: alpha)
                }

            }
            // Duals of the final basis with the true costs.
            for (p, j) in basis.enumerated() { cB[p] = s.cost[j] }
            for p in 0..<s.m { y[p] = cB[p] }
            lu.solveTransposed(&y, scratch: &scratch)
            let xs = Array(x[0..<s.n])
            var obj = 0.0
            for j in 0..<s.n { obj += s.cost[j] * xs[j] }
            return Result(status: outcome, x: xs, y: y, objective: obj, iterations: iterations, basis: status)
        }
    }
}
