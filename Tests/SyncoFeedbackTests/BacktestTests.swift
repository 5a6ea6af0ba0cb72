import Testing
@testable import SyncoFeedback

/// The random walk forecast: last value, unit scale.
struct NaiveForecaster: SequentialForecaster {
    var last = 0.0
    mutating func observe(_ y: Double?) { if let y { last = y } }
    func forecast(horizon: Int) -> [Forecast] {
        (1...horizon).map { Forecast(step: $0, mean: last, scale2: 1, dof: .infinity) }
    }
}

/// With minTrain 1 and horizon 1 the naive forecast's errors are exactly the in-sample
/// one-step naive errors, so its MASE is 1 by construction, as is the benchmark's (s = 1).
@Test func naiveForecastHasMASEOne() {
    var rng = SeededNormals(seed: 77)
    var level = 0.0
    let y: [Double?] = (0..<300).map { _ in level += rng.next(); return level }
    let r = Backtest.run(y, model: NaiveForecaster(), horizon: 1, minTrain: 1, period: 1)
    #expect(r.origins == 299)
    #expect(abs(r.overall.mase - 1) < 1e-12)
    #expect(abs(r.overall.maseNaiveSeasonal - 1) < 1e-12)
    // Longer horizons: identical to the benchmark at every step.
    let r5 = Backtest.run(y, model: NaiveForecaster(), horizon: 5, minTrain: 10, period: 1)
    #expect(r5.origins == 300 - 5 - 10 + 1)
    for h in r5.perHorizon { #expect(abs(h.mase - h.maseNaiveSeasonal) < 1e-12) }
}

/// A DLM with a tiny level discount follows the data (gain → 1): naive-equivalent.
@Test func nearlyNaiveDLMHasMASENearOne() {
    var rng = SeededNormals(seed: 8)
    var level = 0.0
    let y: [Double?] = (0..<200).map { _ in level += rng.next(); return level }
    let spec = DLMSpec(trend: .level, trendDiscount: 1e-6)
    let r = Backtest.run(y, model: DynamicLinearModel(spec: spec, prior: DLMPrior.fromData(y, spec: spec)),
                         horizon: 1, minTrain: 20, period: 1)
    #expect(abs(r.overall.mase - r.overall.maseNaiveSeasonal) < 1e-4)
}

/// Seasonal naive on an exactly periodic series is perfect; the model nearly so; coverage sane.
@Test func seasonalBenchmarkAndCoverage() {
    var rng = SeededNormals(seed: 99)
    var y: [Double?] = []
    for t in 0..<240 {
        let season: Double = 2 * sine(2 * Double.pi * Double(t % 12) / 12)
        let v: Double = 5 + season + 0.3 * rng.next() + 0.01 * Double(t)
        y.append(v)
    }
    let spec = DLMSpec(trend: .linear, period: 12, trendDiscount: 0.98, seasonalDiscount: 0.99)
    let r = Backtest.run(y, model: DynamicLinearModel(spec: spec, prior: DLMPrior.fromData(y, spec: spec)),
                         horizon: 12, minTrain: 48, period: 12)
    #expect(r.origins == 240 - 12 - 48 + 1)
    #expect(r.overall.mase < r.overall.maseNaiveSeasonal)
    #expect(r.overall.coverage90 > 0.8 && r.overall.coverage90 < 0.98)
}
