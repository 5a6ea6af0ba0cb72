/// The filtering recurrences of W&H Theorem 4.3 / §10.8 on flat row-major arrays with offsets, so
/// that a model (or the 16 components of the multi-process model) updates in place without
/// allocating per observation.
enum DLMKernel {
    /// a = G m, P = G C G' (P written into `R`), using `tmp` (p²) as scratch.
    /// - Complexity: O(p³).
    static func propagate(_ x: DLMMatrices, m: [Double], mo: Int, C: [Double], co: Int,
                          a: inout [Double], ao: Int, R: inout [Double], ro: Int, tmp: inout [Double]) {
        let p = x.p
        let G = x.G
        for i in 0..<p {
            var s = 0.0
            for k in 0..<p { let g = G[i * p + k]; if g != 0 { s += g * m[mo + k] } }
            a[ao + i] = s
        }
        // tmp = G C
        for i in 0..<p {
            for j in 0..<p { tmp[i * p + j] = 0 }
            for k in 0..<p {
                let g = G[i * p + k]
                if g == 0 { continue }
                for j in 0..<p { tmp[i * p + j] += g * C[co + k * p + j] }
            }
        }
        // R = tmp G'
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<p { let g = G[j * p + k]; if g != 0 { s += tmp[i * p + k] * g } }
                R[ro + i * p + j] = s
            }
        }
    }

    /// Adds the evolution variance to P in place: component discounting (each diagonal block
    /// divided by its discount factor, W&H §6.3.2), or a fixed diagonal W.
    static func addEvolution(_ spec: DLMSpec, _ x: DLMMatrices, R: inout [Double], ro: Int) {
        let p = x.p
        if let w = spec.evolutionVariance {
            for i in 0..<p { R[ro + i * p + i] += w[i] }
            return
        }
        let td = x.trendDim
        let ft = 1 / spec.trendDiscount, fs = 1 / spec.seasonalDiscount
        if td == 2, let sd = spec.slopeDiscount {
            R[ro] *= ft
            R[ro + p + 1] /= sd
        } else {
            for i in 0..<td { for j in 0..<td { R[ro + i * p + j] *= ft } }
        }
        if p > td { for i in td..<p { for j in td..<p { R[ro + i * p + j] *= fs } } }
    }

    /// The one-step forecast f = F'a and Q = F'RF + k·S, with RF left in `rf`.
    static func oneStep(_ x: DLMMatrices, a: [Double], ao: Int, R: [Double], ro: Int, S: Double,
                        obsFactor: Double, rf: inout [Double]) -> (f: Double, q: Double) {
        let p = x.p, F = x.F
        var f = 0.0, q = 0.0
        for i in 0..<p {
            var s = 0.0
            for j in 0..<p where F[j] != 0 { s += R[ro + i * p + j] * F[j] }
            rf[i] = s
            f += F[i] * a[ao + i]
        }
        for i in 0..<p where F[i] != 0 { q += F[i] * rf[i] }
        return (f, q + obsFactor * S)
    }

    /// Conditions (a, R) on y (W&H §4.6 with unknown V, §10.8): writes m, C and returns the new
    /// variance estimate S_t and the log predictive density of y. `nPrior` is the discounted
    /// degrees of freedom δ·n_{t−1} (infinite when V is known, in which case S is unchanged).
    static func update(_ x: DLMMatrices, a: [Double], ao: Int, R: [Double], ro: Int,
                       S: Double, nPrior: Double, y: Double, obsFactor: Double,
                       m: inout [Double], mo: Int, C: inout [Double], co: Int,
                       rf: inout [Double]) -> (S: Double, logLik: Double) {
        let p = x.p
        let (f, q) = oneStep(x, a: a, ao: ao, R: R, ro: ro, S: S, obsFactor: obsFactor, rf: &rf)
        let e = y - f
        let logLik = StudentT.logDensity(y, mean: f, scale2: q, dof: nPrior)
        var S1 = S
        if nPrior.isFinite {
            let dPrior = nPrior * S
            S1 = (dPrior + S * e * e / q) / (nPrior + 1)
        }
        let r = S1 / S
        let eq = e / q
        for i in 0..<p { m[mo + i] = a[ao + i] + rf[i] * eq }
        for i in 0..<p {
            for j in i..<p {
                let v = r * (0.5 * (R[ro + i * p + j] + R[ro + j * p + i]) - rf[i] * rf[j] / q)
                C[co + i * p + j] = v
                C[co + j * p + i] = v
            }
        }
        return (S1, logLik)
    }

    /// Forecasts k = 1…h from a posterior (m, C, S, n): a_k = G a_{k−1},
    /// R_k = G R_{k−1} G' + W with W = W_{t+1} held constant beyond one step (W&H §10.8 / §6.3).
    static func forecast(_ spec: DLMSpec, _ x: DLMMatrices, m: [Double], C: [Double], S: Double,
                         dof: Double, horizon: Int, extraEvolution: [Double]? = nil) -> [Forecast] {
        let p = x.p
        var a = [Double](repeating: 0, count: p), a2 = a, rf = a
        var R = [Double](repeating: 0, count: p * p), P = R, tmp = R
        propagate(x, m: m, mo: 0, C: C, co: 0, a: &a, ao: 0, R: &P, ro: 0, tmp: &tmp)
        R = P
        addEvolution(spec, x, R: &R, ro: 0)
        var W = R
        for i in 0..<(p * p) { W[i] -= P[i] }
        if let extra = extraEvolution, extra.count == p * p {
            for i in 0..<(p * p) { W[i] += extra[i]; R[i] += extra[i] }
        }
        var out: [Forecast] = []
        out.reserveCapacity(horizon)
        for k in 1...max(horizon, 1) {
            if k > 1 {
                propagate(x, m: a, mo: 0, C: R, co: 0, a: &a2, ao: 0, R: &P, ro: 0, tmp: &tmp)
                swap(&a, &a2)
                for i in 0..<(p * p) { R[i] = P[i] + W[i] }
            }
            let (f, q) = oneStep(x, a: a, ao: 0, R: R, ro: 0, S: S, obsFactor: 1, rf: &rf)
            out.append(Forecast(step: k, mean: f, scale2: q, dof: dof))
        }
        return horizon >= 1 ? out : []
    }
}
