import Testing
@testable import SyncoFeedback

/// Local level with known V and W is the Kalman filter; its gain converges to the closed form
/// A = (−r + sqrt(r² + 4r))/2, r = W/V, and the filter is then an EWMA with that weight.
@Test func knownVarianceLocalLevelReachesSteadyStateGain() {
    let V = 4.0, W = 1.0, r = W / V
    let A = (-r + (r * r + 4 * r).squareRoot()) / 2
    let spec = DLMSpec(trend: .level, observationVariance: V, evolutionVariance: [W])
    var model = DynamicLinearModel(spec: spec, prior: DLMPrior(m: [0], C: [100], n: 1, S: V))
    var rng = SeededNormals(seed: 7)
    for _ in 0..<200 { model.observe(rng.next()) }
    // C_t → A·V at steady state.
    #expect(abs(model.C[0] - A * V) < 1e-10)
    // One more step: m_new = m + A (y − m).
    let m0 = model.level
    model.observe(10)
    #expect(abs(model.level - (m0 + A * (10 - m0))) < 1e-10)
    // One-step forecast variance: Q = C + W + V.
    let f = model.forecast(horizon: 3)
    #expect(abs(f[0].scale2 - (model.C[0] + W + V)) < 1e-10)
    #expect(abs(f[2].scale2 - (model.C[0] + 3 * W + V)) < 1e-10)
    #expect(f[0].dof.isInfinite)
}

/// W&H ch. 2 (limiting behaviour of the first-order discount model): the limiting adaptive coefficient is 1 − δ,
/// whatever V is, so one-step forecasts become an EWMA with weight 1 − δ — with V unknown too.
@Test func discountLocalLevelIsEWMA() {
    let delta = 0.8
    let spec = DLMSpec(trend: .level, trendDiscount: delta, varianceDiscount: 1)
    var model = DynamicLinearModel(spec: spec, prior: DLMPrior(m: [0], C: [10], n: 1, S: 1))
    var rng = SeededNormals(seed: 3)
    var ewma = 0.0
    var ys: [Double] = []
    for t in 0..<300 { ys.append(5 + 2 * rng.next() + (t > 150 ? 3 : 0)) }
    for (t, y) in ys.enumerated() {
        model.observe(y)
        ewma = t == 0 ? y : ewma + (1 - delta) * (y - ewma)
    }
    #expect(abs(model.level - ewma) < 1e-8)
    // Student-t forecasts with n = n0 + 300 degrees of freedom; S near the innovation variance.
    #expect(abs(model.n - 301) < 1e-9)
}

/// Trend + monthly sine recovered with small error.
@Test func seasonalModelRecoversSinePlusTrend() {
    var rng = SeededNormals(seed: 11)
    func truth(_ t: Int) -> Double { 10 + 0.5 * Double(t) + 3 * sine(2 * Double.pi * Double(t) / 12) }
    let y: [Double?] = (0..<144).map { truth($0) + 0.05 * rng.next() }
    let spec = DLMSpec(trend: .linear, period: 12, trendDiscount: 0.98, seasonalDiscount: 0.99)
    var model = DynamicLinearModel(spec: spec, prior: DLMPrior.fromData(Array(y.prefix(24)), spec: spec))
    var worst = 0.0
    for t in 0..<144 {
        if t >= 96, let f = model.forecast(horizon: 1).first { worst = max(worst, abs(f.mean - truth(t))) }
        model.observe(y[t])
    }
    #expect(worst < 0.3)
    let fc = model.forecast(horizon: 12)
    for f in fc { #expect(abs(f.mean - truth(143 + f.step)) < 0.3) }
    // Intervals widen with the horizon.
    #expect(fc[11].scale2 > fc[0].scale2)
}

@Test func missingValuesOnlyEvolve() {
    let spec = DLMSpec(trend: .level, trendDiscount: 0.9)
    var model = DynamicLinearModel(spec: spec, prior: DLMPrior(m: [1], C: [1], n: 2, S: 1))
    model.observe(nil)
    #expect(model.level == 1)
    #expect(abs(model.C[0] - 1 / 0.9) < 1e-12)
    #expect(model.n == 2)
}

@Test func fourierStructureHasSMinusOneSeasonalStates() {
    #expect(DLMSpec(trend: .linear, period: 12).stateDimension == 13)
    #expect(DLMSpec(trend: .level, period: 4).stateDimension == 4)
    #expect(DLMSpec(trend: .linear, period: 7).stateDimension == 8)
    #expect(DLMSpec(trend: .linear, period: 12, harmonics: 2).stateDimension == 6)
}
