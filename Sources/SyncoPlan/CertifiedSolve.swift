/// Solve, then certify with independent code: the solver's stopping rule is PDLP's (residuals in
/// the economy's own units), the certificate's gap is a proven bound. While they disagree,
/// tighten the tolerance and continue from where the solver stopped (at most six times, within
/// the time and iteration limits). Used by the one-period and the multi-period planner.
///
/// The residuals are norms over all rows, so a point can pass them with a single need far off
/// relative to its own size (a product used in small amounts: at 3 000 products with three
/// workplaces per technique, PDHG's point passed 1e-6 with one product's net output short by
/// 34 % of all it was made and used). A plan is only certified when its worst row is also
/// within `rowTolerance` (100 × the tolerance, relative to the row's own size:
/// `PlanCertificate.maxRowViolation`); until then the tolerance is tightened as above.
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
        func passes(_ c: PlanCertificate) -> Bool { c.passes(tol * 1.01) && c.maxRowViolation <= rowTolerance }
        var result = solver.solve(warmStart: warmStart)
        var plan = extract(result.x, result.y)
        var iterations = result.iterations + priorIterations, restarts = result.restarts
        var tightened = options
        for _ in 0..<6 where result.status == .optimal && !passes(certificate(plan)) && elapsed() < options.timeLimit {
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
        certified = result.status == .optimal && passes(c)
        let worstRow = c.maxRowViolation > rowTolerance ? ", worst single row off by \(c.maxRowViolation) of itself" : ""
        message = certified
            ? "optimal: relative residuals and gap within \(tol)"
            : "stopped (\(result.status == .optimal && c.passes(tol * 1.01) ? "a row off relative to its own size" : result.reason)) with relative primal residual \(c.primalResidual), dual residual \(c.dualResidual), gap \(c.gap)\(worstRow)"
    }
}
