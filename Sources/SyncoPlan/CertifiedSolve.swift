/// Solve, then certify with independent code: the solver's stopping rule is PDLP's (residuals in
/// the economy's own units), the certificate's gap is a proven bound. While they disagree,
/// tighten the tolerance and continue from where the solver stopped (at most six times, within
/// the time and iteration limits). Used by the one-period and the multi-period planner.
struct CertifiedSolve<P> {
    var result: PDHGResult
    var plan: P
    var iterations: Int
    var restarts: Int
    /// Solver optimal and certificate passing: the plan may be called optimal.
    var certified: Bool
    /// The status message for the plan.
    var message: String

    init(_ solver: PDHGSolver, warmStart: (x: [Double], y: [Double])?, options: PDHGOptions, priorIterations: Int = 0,
         elapsed: () -> Double, extract: ([Double], [Double]) -> P, certificate: (P) -> PlanCertificate) {
        let tol = options.tolerance
        var result = solver.solve(warmStart: warmStart)
        var plan = extract(result.x, result.y)
        var iterations = result.iterations + priorIterations, restarts = result.restarts
        var tightened = options
        for _ in 0..<6 where result.status == .optimal && !certificate(plan).passes(tol * 1.01) && elapsed() < options.timeLimit {
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
        message = certified
            ? "optimal: relative residuals and gap within \(tol)"
            : "stopped (\(result.reason)) with relative primal residual \(c.primalResidual), dual residual \(c.dualResidual), gap \(c.gap)"
    }
}
