import SyncoSparse
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of the first-order LP solver; every field has a documented default.
public struct PDHGOptions: Sendable {
    /// Relative tolerance on primal residual, dual residual and gap (see `LPResiduals`).
    public var tolerance: Double = 1e-6
    public var maxIterations: Int = 2_000_000
    /// Wall-clock limit in seconds.
    public var timeLimit: Double = .infinity
    /// Iterations between restart checks (the "major" iterations that keep T(z)).
    public var restartCheckInterval: Int = 16
    /// Iterations between termination checks on the unscaled problem (a multiple of the above).
    public var terminationCheckInterval: Int = 64
    /// Reflection coefficient ρ of the Halpern step, which moves to ρ(2T(z) − z) + (1 − ρ)z before
    /// the anchor's pull (0.5: T(z) itself, plain Halpern PDHG; 1: full reflection). 0.7 took
    /// 11–66 % fewer iterations than 0.5 on 15 of 17 economies the structure paths do not
    /// certify, 8–9 % more on two (docs/planner.md); 0.9 stalled on the BEA economy.
    public var reflection: Double = 0.7
    public var restartSufficient: Double = 0.2
    public var restartNecessary: Double = 0.8
    public var restartArtificial: Double = 0.36
    /// Smoothing θ of the primal weight update: log ω ← θ log(Δy/Δx) + (1 − θ) log ω.
    public var primalWeightSmoothing: Double = 0.5
    public var ruizIterations: Int = 10
    /// Called at every termination check (iteration, residuals, elapsed seconds).
    public var progress: (@Sendable (PDHGProgress) -> Void)? = nil
    /// A basis polish (see `BasisPolish`): given the unscaled iterate it may return an exact
    /// vertex built from the iterate's guess of the optimal basis. Tried at termination checks
    /// once `polishStart` iterations are done, then each time the count has doubled; when its
    /// point meets the tolerance the solve ends there (reason "basis polish").
    public var polish: (@Sendable (_ x: [Double], _ y: [Double]) -> (x: [Double], y: [Double])?)? = nil
    public var polishStart: Int = 512

    public init() {}
}

public struct PDHGProgress: Sendable {
    public var iteration: Int
    public var restarts: Int
    public var residuals: LPResiduals
    public var seconds: Double
    public var primalWeight: Double
}

public struct PDHGResult: Sendable {
    public enum Status: String, Sendable { case optimal, stopped }
    public var status: Status
    /// Why the solver stopped: "tolerance reached", "iteration limit", "time limit".
    public var reason: String
    public var x: [Double]
    public var y: [Double]
    public var residuals: LPResiduals
    public var iterations: Int
    public var restarts: Int
    public var seconds: Double
    public var primalWeight: Double
}

/// Restarted reflected-Halpern PDHG for linear programs (the algorithm of r²HPDHG, Lu & Yang,
/// "Restarted Halpern PDHG for linear programming", 2024, as used by cuPDLPx and HiGHS's
/// HiPDLP), with PDLP's diagonal preconditioning (Ruiz + Pock–Chambolle), constant step size
/// η = 0.998/‖K̃‖₂ (power iteration), fixed-point-residual restarts (sufficient 0.2, necessary
/// 0.8, artificial 0.36) and primal weight updates at restarts.
///
/// One iteration costs one SpMV with K̃ (on the reflected primal point) and one with K̃ᵀ (on
/// the new dual point), both over all cores, plus fused vector updates.
///
/// - Complexity: O(nnz) per iteration; memory: K̃ and K̃ᵀ plus ~10 vectors.
public struct PDHGSolver: Sendable {
    public let lp: LinearProgram
    public let options: PDHGOptions
    public let preconditioner: Preconditioner
    let scaled: LinearProgram
    let kt: CSRMatrix
    /// η = 0.998/‖K̃‖₂, estimated once per problem (tightening rounds reuse it).
    let stepSize: Double

    public init(_ lp: LinearProgram, options: PDHGOptions = PDHGOptions()) {
        self.lp = lp
        self.options = options
        preconditioner = Preconditioner(lp, ruizIterations: options.ruizIterations)
        scaled = preconditioner.scale(lp)
        kt = scaled.matrix.transposed()
        stepSize = 0.998 / PDHGSolver.operatorNorm(scaled, kt)
    }

    /// Estimates ‖K̃‖₂ by power iteration on K̃ᵀK̃.
    static func operatorNorm(_ scaled: LinearProgram, _ kt: CSRMatrix, iterations: Int = 12) -> Double {
        let n = scaled.columns
        guard n > 0, scaled.rows > 0 else { return 1 }
        var v = (0..<n).map { 1 + 0.01 * Double($0 % 7) }
        var norm = 0.0
        for _ in 0..<iterations {
            let s = Vector.norm2(v)
            if s == 0 { return 1 }
            for j in 0..<n { v[j] /= s }
            let kv = scaled.matrix.multiply(v)
            v = kt.multiply(kv)
            norm = Vector.norm2(v).squareRoot()
        }
        return max(norm, 1e-12)
    }

    /// Solves from zero, or from a warm start (unscaled x and y, e.g. a previous plan).
    public func solve(warmStart: (x: [Double], y: [Double])? = nil) -> PDHGResult {
        solve(warmStart: warmStart, options: options)
    }

    /// Solves with other options (tolerance, limits) on the same preconditioned problem, so a
    /// caller that tightens the tolerance does not scale and transpose the matrix again.
    public func solve(warmStart: (x: [Double], y: [Double])?, options: PDHGOptions) -> PDHGResult {
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        let n = scaled.columns, m = scaled.rows
        let ws = Workspace(n: n, m: m)
        let p = preconditioner

        // Start point, projected onto the bounds.
        if let w = warmStart, w.x.count == n, w.y.count == m {
            let xs = p.scalePrimal(w.x), ys = p.scaleDual(w.y)
            for j in 0..<n { ws.x[j] = min(max(xs[j], scaled.lower[j]), scaled.upper[j]) }
            for i in 0..<m { ws.y[i] = ys[i] }
        } else {
            for j in 0..<n { ws.x[j] = min(max(0, scaled.lower[j]), scaled.upper[j]) }
        }
        for j in 0..<n { ws.x0[j] = ws.x[j] }
        for i in 0..<m { ws.y0[i] = ws.y[i] }

        let eta = stepSize
        var omega = 1.0
        do {
            let cn = Vector.norm2(scaled.objective)
            var bn = 0.0
            for i in 0..<m {
                let b = scaled.rowLower[i].isFinite ? scaled.rowLower[i] : (scaled.rowUpper[i].isFinite ? scaled.rowUpper[i] : 0)
                bn += b * b
            }
            bn = bn.squareRoot()
            if cn > 1e-10 && bn > 1e-10 { omega = cn / bn }
        }
        PDHGKernels.transposeMultiply(kt, ws.y, into: ws.kty)

        var total = 0
        var inner = 0
        var restarts = 0
        var r0 = Double.nan
        var rPrev = Double.infinity
        var best: (x: [Double], y: [Double], res: LPResiduals)? = nil
        var status = PDHGResult.Status.stopped
        var reason = "iteration limit"
        var nextPolish = options.polishStart
        var polished: (x: [Double], y: [Double], res: LPResiduals)? = nil

        while total < options.maxIterations {
            let major = (total + 1) % options.restartCheckInterval == 0
            let w = Double(inner + 1) / Double(inner + 2)
            let tau = eta / omega, sigma = eta * omega
            let dx2 = PDHGKernels.primalStep(scaled, ws, tau: tau, weight: w, reflection: options.reflection, keep: major)
            PDHGKernels.multiply(scaled.matrix, ws.xhat, into: ws.kxhat)
            let dy2 = PDHGKernels.dualStep(scaled, ws, sigma: sigma, weight: w, reflection: options.reflection, keep: major)
            PDHGKernels.transposeMultiply(kt, ws.y, into: ws.kty)
            total += 1
            inner += 1
            // The time limit between termination checks too: at 10^7 products an iteration
            // takes about 0.8 s, and 64 of them overran a 600 s limit by 41 s. (The best point
            // of the checks so far is returned.)
            let check = major && (total % options.terminationCheckInterval == 0 || total >= options.maxIterations)
            if !check, elapsed() > options.timeLimit { reason = "time limit"; break }
            guard major else { continue }

            // Termination check on the unscaled problem at T(z) = (x⁺, y⁺).
            if check {
                let res = residuals(ws)
                if best == nil || score(res) < score(best!.res) {
                    best = (Array(ws.xplus), Array(ws.yplus), res)
                }
                options.progress?(PDHGProgress(iteration: total, restarts: restarts, residuals: res, seconds: elapsed(), primalWeight: omega))
                if res.satisfies(options.tolerance) {
                    status = .optimal
                    reason = "tolerance reached"
                    best = (Array(ws.xplus), Array(ws.yplus), res)
                    break
                }
                if let polish = options.polish, total >= nextPolish {
                    nextPolish = 2 * total
                    if let z = polish(p.unscalePrimal(Array(ws.xplus)), p.unscaleDual(Array(ws.yplus))) {
                        let res = LPResiduals(lp, x: z.x, y: z.y)
                        if res.satisfies(options.tolerance) {
                            polished = (z.x, z.y, res)
                            status = .optimal
                            reason = "basis polish"
                            break
                        }
                    }
                }
                if elapsed() > options.timeLimit { reason = "time limit"; break }
            }

            // Restart check on the fixed-point residual ‖z − T(z)‖ in the ω-weighted norm.
            let r = (omega * dx2 + dy2 / omega).squareRoot()
            if r0.isNaN { r0 = r }
            let doRestart = r <= options.restartSufficient * r0
                || (r <= options.restartNecessary * r0 && r > rPrev)
                || Double(inner) >= options.restartArtificial * Double(total)
            rPrev = r
            if doRestart {
                // New anchor: T(z); primal weight from the distance moved since the last anchor.
                var ddx = 0.0, ddy = 0.0
                for j in 0..<n { let d = ws.xplus[j] - ws.x0[j]; ddx += d * d; ws.x0[j] = ws.xplus[j]; ws.x[j] = ws.xplus[j] }
                for i in 0..<m { let d = ws.yplus[i] - ws.y0[i]; ddy += d * d; ws.y0[i] = ws.yplus[i]; ws.y[i] = ws.yplus[i] }
                ddx = ddx.squareRoot(); ddy = ddy.squareRoot()
                if ddx > 1e-10 && ddy > 1e-10 {
                    let th = options.primalWeightSmoothing
                    omega = exp(th * log(ddy / ddx) + (1 - th) * log(omega))
                }
                PDHGKernels.transposeMultiply(kt, ws.y, into: ws.kty)
                restarts += 1
                inner = 0
                r0 = .nan
                rPrev = .infinity
            }
        }
        if let z = polished {
            return PDHGResult(status: status, reason: reason, x: z.x, y: z.y, residuals: z.res, iterations: total,
                              restarts: restarts, seconds: elapsed(), primalWeight: omega)
        }
        let final = best ?? {
            for j in 0..<n { ws.xplus[j] = ws.x[j] }
            for i in 0..<m { ws.yplus[i] = ws.y[i] }
            return (Array(ws.x), Array(ws.y), residuals(ws))
        }()
        return PDHGResult(status: status, reason: reason, x: p.unscalePrimal(final.x), y: p.unscaleDual(final.y),
                          residuals: final.res, iterations: total, restarts: restarts, seconds: elapsed(), primalWeight: omega)
    }

    private func score(_ r: LPResiduals) -> Double {
        max(r.relativePrimalResidual, r.relativeDualResidual, r.relativeGap)
    }

    /// Residuals of the unscaled problem at (x⁺, y⁺), from products with the scaled matrices:
    /// K x = D_r⁻¹ K̃ x̃ βb and Kᵀ y = D_c⁻¹ K̃ᵀ ỹ βc.
    private func residuals(_ ws: Workspace) -> LPResiduals {
        let p = preconditioner
        let n = scaled.columns, m = scaled.rows
        PDHGKernels.multiply(scaled.matrix, ws.xplus, into: ws.scratchRows)
        var kx = [Double](repeating: 0, count: m)
        for i in 0..<m { kx[i] = ws.scratchRows[i] / p.rowScale[i] * p.boundScale }
        PDHGKernels.transposeMultiply(kt, ws.yplus, into: ws.scratchColumns)
        var kty = [Double](repeating: 0, count: n)
        for j in 0..<n { kty[j] = ws.scratchColumns[j] / p.columnScale[j] * p.objectiveScale }
        return LPResiduals(lp, x: p.unscalePrimal(Array(ws.xplus)), y: p.unscaleDual(Array(ws.yplus)), kx: kx, kty: kty)
    }
}

/// The iteration's vectors, allocated once. `@unchecked Sendable`: worker threads only touch
/// disjoint index ranges of these buffers inside one kernel call, and the solve loop waits for
/// every kernel before the next.
final class Workspace: @unchecked Sendable {
    let x, x0, xhat, xplus, kty, scratchColumns: UnsafeMutableBufferPointer<Double>
    let y, y0, yplus, kxhat, scratchRows: UnsafeMutableBufferPointer<Double>

    init(n: Int, m: Int) {
        func buf(_ k: Int) -> UnsafeMutableBufferPointer<Double> {
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(k, 1))
            b.initialize(repeating: 0)
            return UnsafeMutableBufferPointer(rebasing: b[0..<k])
        }
        x = buf(n); x0 = buf(n); xhat = buf(n); xplus = buf(n); kty = buf(n); scratchColumns = buf(n)
        y = buf(m); y0 = buf(m); yplus = buf(m); kxhat = buf(m); scratchRows = buf(m)
    }

    deinit {
        for b in [x, x0, xhat, xplus, kty, scratchColumns, y, y0, yplus, kxhat, scratchRows] {
            b.baseAddress.map { UnsafeMutablePointer(mutating: $0).deallocate() }
        }
    }
}
