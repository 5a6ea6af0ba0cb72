/// A k-step-ahead predictive distribution: Student t with `dof` degrees of freedom, location
/// `mean` and scale² `scale2` (W&H's f_t(k) and Q_t(k)); `dof = .infinity` is normal.
public struct Forecast: Sendable, Hashable {
    public let step: Int
    public let mean: Double
    public let scale2: Double
    public let dof: Double

    public init(step: Int, mean: Double, scale2: Double, dof: Double) {
        self.step = step
        self.mean = mean
        self.scale2 = scale2
        self.dof = dof
    }

    /// Predictive variance `Q·ν/(ν−2)` (infinite for ν ≤ 2).
    public var variance: Double {
        if dof.isInfinite { return scale2 }
        return dof > 2 ? scale2 * dof / (dof - 2) : .infinity
    }

    /// The central interval holding `coverage` of the predictive mass.
    public func interval(_ coverage: Double = 0.9) -> (lower: Double, upper: Double) {
        let t = StudentT.quantile(0.5 + 0.5 * coverage, dof: dof)
        let h = t * scale2.squareRoot()
        return (mean - h, mean + h)
    }
}

/// Anything that consumes a series one value at a time and forecasts from where it stands.
public protocol SequentialForecaster {
    /// Takes the next observation; nil is a missing value (the model only evolves).
    mutating func observe(_ y: Double?)
    /// Forecasts steps 1…horizon after the last observation.
    func forecast(horizon: Int) -> [Forecast]
}
