import Foundation
import Testing
@testable import SyncoFeedback

/// A random walk observed with noise, W/V = r. For this model the steady-state adaptive
/// coefficient is the root of A²/(1−A) = r, and a discount-δ local-level model has A = 1 − δ
/// (West & Harrison 1997, Theorem 2.3 and §2.4): the likelihood should pick δ = 1 − A.
private func randomWalkPlusNoise(r: Double, count: Int, seed: UInt64) -> [Double?] {
    var rng = SeededNormals(seed: seed)
    var level = 100.0
    return (0..<count).map { _ in level += r.squareRoot() * rng.next(); return level + rng.next() }
}

@Test(arguments: [(0.5, 0.5), (0.85, 0.15 * 0.15 / 0.85)])
func likelihoodPicksTheDiscountTheoryImplies(delta: Double, r: Double) {
    let y = randomWalkPlusNoise(r: r, count: 1500, seed: 7)
    var s = ModelSelection(candidates: ModelSelection.defaultGrid(period: 1, trends: [.level]), y: y)
    for v in y { s.observe(v) }
    #expect(s.candidates[s.best].dlm.trendDiscount == delta, "logEvidence \(s.logEvidence)")
    #expect(s.posterior[s.best] > 0.5)
}

@Test func persistentGrowthSelectsALinearTrend() {
    var rng = SeededNormals(seed: 3)
    var level = 0.0, slope = 1.0
    let y: [Double?] = (0..<300).map { _ in
        slope += 0.05 * rng.next(); level += slope + 0.3 * rng.next(); return level + rng.next()
    }
    var s = ModelSelection(candidates: ModelSelection.defaultGrid(period: 1), y: y)
    for v in y { s.observe(v) }
    #expect(s.candidates[s.best].dlm.trend == .linear)
    #expect(s.candidates[s.best].dlm.slopeDiscount != nil)
}

/// With all regime probability on "normal", the multi-process mixture is the plain DLM, so its
/// per-observation log likelihood must be the DLM's Student-t log density of the same value.
@Test func mixtureLikelihoodOfTheNormalRegimeIsTheDLMDensity() {
    var rng = SeededNormals(seed: 11)
    let y: [Double?] = (0..<120).map { i in i == 40 ? nil : 5 + 0.1 * Double(i) + rng.next() }
    let dlm = DLMSpec(trend: .linear, trendDiscount: 0.7, slopeDiscount: 0.97)
    let prior = DLMPrior.fromData(y, spec: dlm)
    var plain = DynamicLinearModel(spec: dlm, prior: prior)
    var mixture = MultiProcessModel(spec: MultiProcessSpec(dlm: dlm, priorProbabilities: [1, 0, 0, 0], collapseDepth: 1),
                                    prior: prior)
    for v in y {
        plain.observe(v)
        mixture.observe(v)
        guard let v, let f = plain.lastOneStep else { #expect(mixture.lastLogLikelihood == 0); continue }
        let expected = StudentT.logDensity(v, mean: f.mean, scale2: f.scale2, dof: f.dof)
        #expect(abs(mixture.lastLogLikelihood - expected) < 1e-9)
    }
}

/// Separate level and slope discounts: one evolution step adds P_μμ(1/δ_T − 1) to the level
/// variance and P_ββ(1/δ_β − 1) to the slope's, and leaves the covariance alone.
@Test func slopeDiscountInflatesOnlyTheSlopeVariance() {
    let spec = DLMSpec(trend: .linear, trendDiscount: 0.5, slopeDiscount: 0.8)
    var R: [Double] = [2, 0.5, 0.5, 1]
    DLMKernel.addEvolution(spec, DLMMatrices(spec), R: &R, ro: 0)
    #expect(R == [4, 0.5, 0.5, 1.25])
}

/// The selection never looks ahead: its forecast at an origin is the forecast of the candidate
/// that was best then, computed from the values before the origin only.
@Test func selectionForecastsAreCausal() {
    var rng = SeededNormals(seed: 19)
    let y: [Double?] = (0..<80).map { i in Double(i) + rng.next() }
    let grid = ModelSelection.defaultGrid(period: 1)
    var s = ModelSelection(candidates: grid, y: y)
    for v in y.prefix(60) { s.observe(v) }
    let before = s.forecast(horizon: 3)
    var t = ModelSelection(candidates: grid, y: y.prefix(60).map { $0 } + Array(repeating: 1e9, count: 20))
    for v in y.prefix(60) { t.observe(v) }
    #expect(t.forecast(horizon: 3) == before)
}

/// A damped trend (Gardner & McKenzie 1985): with the state known exactly (C = 0) and no
/// evolution noise, the k-step forecast is level + (φ + φ² + … + φ^k)·slope.
@Test func dampedTrendForecastsAddAGeometricSumOfSlopes() {
    let phi = 0.8
    let spec = DLMSpec(trend: .linear, trendDiscount: 1, damping: phi)
    let x = DLMMatrices(spec)
    let fc = DLMKernel.forecast(spec, x, m: [10, 2], C: [0, 0, 0, 0], S: 1, dof: .infinity, horizon: 4)
    var sum = 0.0, power = 1.0
    for k in 1...4 {
        power *= phi; sum += power
        #expect(abs(fc[k - 1].mean - (10 + 2 * sum)) < 1e-12)
        #expect(abs(fc[k - 1].scale2 - 1) < 1e-12)
    }
}

/// The default grid offers "no seasonal block": on a series without season but declared
/// quarterly, the likelihood should prefer dropping the three seasonal states.
@Test func gridDropsTheSeasonalBlockWhenThereIsNoSeason() {
    var rng = SeededNormals(seed: 5)
    var level = 0.0
    let y: [Double?] = (0..<400).map { _ in level += 0.5 * rng.next(); return level + rng.next() }
    var s = ModelSelection(candidates: ModelSelection.defaultGrid(period: 4, trends: [.level]), y: y)
    for v in y { s.observe(v) }
    #expect(s.candidates[s.best].dlm.seasonalDimension == 0)
}
