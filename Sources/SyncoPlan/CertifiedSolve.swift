/// Solve, then certify with independent code: the solver's stopping rule is PDLP's (residuals in
/// the economy's own units), the certificate's gap is a proven bound. While they disagree,
/// tighten the tolerance and continue from where the solver stopped (at most six times, within
/// the time and iteration limits). Used by the one-period and the multi-period planner.
///
/// The residuals are norms over all rows, so a point can pass them with a single need far off
/// relative to its own size (a product used in small amounts: at 3 000 products with three
/// workplaces per technique, PDHG's point passed 1e-6 with one product's net output short by
/// 34 % of all it was made and used). While the worst row is not within `rowTolerance` (100 ×
/// the tolerance, relative to the row's own size: `PlanCertificate.maxRowViolation`) the
/// tolerance is tightened too, at most twice for that reason (there, twice took the row to 3e-14
/// and λ to HiGHS's). It does not decide the status: rows whose throughput is a hair of the
/// economy's stay off relative to themselves however far the solve goes (10^4 products with three
/// workplaces per technique: primal residual 1e-9 by the norms, and such a row still off, until
/// the time limit), and the message then names the worst row beside "optimal".
struct CertifiedSolve<P> {
    var result: PDHGResult
    var plan: P
    var iterations: Int
    var restarts: Int
    /// Solver optimal and certificate passing: the plan may be called optimal.
    var certified: Bool
    /// The status message for the plan.
    var message: String

    /// The largest violation of one row relative to its own size that a certified plan may have.
    static func rowTolerance(_ tolerance: Double) -> Double { 100 * tolerance }

    init(_ solver: PDHGSolver, warmStart: (x: [Double], y: [Double])?, options: PDHGOptions, priorIterations: Int = 0,
         elapsed: () -> Double, extract: ([Double], [Double]) -> P, certificate: (P) -> PlanCertificate) {
        let tol = options.tolerance
        let rowTolerance = CertifiedSolve.rowTolerance(tol)
        var result = solver.solve(warmStart: warmStart)
        var plan = extract(result.x, result.y)
        var iterations = result.iterations + priorIterations, restarts = result.restarts
        var tightened = options
        var forRows = 0
        func goOn(_ c: PlanCertificate) -> Bool {
            if !c.passes(tol * 1.01) { return true }
            guard c.maxRowViolation > rowTolerance, forRows < 2 else { return false }
            forRows += 1
            return true
        }
        for _ in 0..<6 where result.status == .optimal && elapsed() < options.timeLimit && goOn(certificate(plan)) {
            tightened.tolerance = max(tightened.tolerance / 10, 1e-13)
            tightened.timeLimit = options.timeLimit - elapsed()
            tightened.maxIterations = max(1, options.maxIterations - iterations)
            result = solver.solve(warmStart: (result.x, result.y), options: tightened)
            iterations += result.iterations
            restarts += result.restarts
            plan = extract(result.x, result.y)
        }
        let c = certificate(plan)
        self.result = result
        self.plan = plan
        self.iterations = iterations
        self.restarts = restarts
        certified = result.status == .optimal && c.passes(tol * 1.01)
        let worstRow = c.maxRowViolation > rowTolerance ? "; worst single row off by \(c.maxRowViolation) of its own size" : ""
        message = certified
            ? "optimal: relative residuals and gap within \(tol)\(worstRow)"
            : "stopped (\(result.reason)) with relative primal residual \(c.primalResidual), dual residual \(c.dualResidual), gap \(c.gap)\(worstRow)"
    }
}
