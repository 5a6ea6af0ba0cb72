#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Student-t and normal distribution functions for forecast intervals and mixture weights.
///
/// The t quantile inverts the CDF `F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½)` (t > 0), where `I` is the
/// regularized incomplete beta function evaluated by its continued fraction (modified Lentz;
/// Press et al., *Numerical Recipes*, 3rd ed., §6.4). The inversion starts from the
/// Cornish–Fisher expansion and polishes with safeguarded Newton steps, so non-integer degrees of
/// freedom (which the variance discount produces) are handled. `ν = .infinity` gives the normal.
public enum StudentT {
    /// Quantile `t_{p,ν}`: `P(T ≤ t) = p`.
    /// - Complexity: O(1); about ten incomplete-beta evaluations.
    public static func quantile(_ p: Double, dof nu: Double) -> Double {
        precondition(p > 0 && p < 1, "probability must lie in (0, 1)")
        precondition(nu > 0, "degrees of freedom must be positive")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, dof: nu) }
        let z = Normal.quantile(p)
        if nu.isInfinite || nu > 1e7 { return z }
        // Cornish–Fisher start (Abramowitz & Stegun 26.7.5).
        let z2 = z * z
        var t = z + (z2 + 1) * z / (4 * nu) + ((5 * z2 + 16) * z2 + 3) * z / (96 * nu * nu)
        if !t.isFinite || t <= 0 { t = z }
        let target = 1 - p  // upper tail
        var lo = 0.0, hi = Double.infinity
        for _ in 0..<100 {
            let tail = upperTail(t, dof: nu)
            let g = tail - target  // decreasing in t
            if g > 0 { lo = t } else { hi = t }
            if abs(g) <= 1e-15 * max(target, 1e-300) { break }
            let dens = exp(logDensity(t, dof: nu))
            var next = t + g / dens
            if !(next > lo && next < hi) || !next.isFinite {
                next = hi.isFinite ? 0.5 * (lo + hi) : max(2 * t, t + 1)
            }
            if abs(next - t) <= 1e-14 * t { t = next; break }
            t = next
        }
        return t
    }

    /// `P(T ≤ t)` for `T ~ t_ν`.
    public static func cdf(_ t: Double, dof nu: Double) -> Double {
        if nu.isInfinite { return Normal.cdf(t) }
        return t >= 0 ? 1 - upperTail(t, dof: nu) : upperTail(-t, dof: nu)
    }

    /// `P(T > t)` for t ≥ 0.
    static func upperTail(_ t: Double, dof nu: Double) -> Double {
        0.5 * Beta.regularizedIncomplete(nu / (nu + t * t), a: 0.5 * nu, b: 0.5)
    }

    /// log density of the standard t_ν at t.
    public static func logDensity(_ t: Double, dof nu: Double) -> Double {
        if nu.isInfinite { return -0.5 * t * t - 0.5 * log(2 * Double.pi) }
        return lgamma(0.5 * (nu + 1)) - lgamma(0.5 * nu) - 0.5 * log(nu * Double.pi)
            - 0.5 * (nu + 1) * log1p(t * t / nu)
    }

    /// log density of a t_ν with location `mean` and scale² `q` at `y`.
    public static func logDensity(_ y: Double, mean: Double, scale2 q: Double, dof nu: Double) -> Double {
        logDensity((y - mean) / q.squareRoot(), dof: nu) - 0.5 * log(q)
    }
}

/// The standard normal distribution.
public enum Normal {
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Quantile by Acklam's rational approximation (relative error 1.15e-9) refined by one Halley
    /// step on `erfc`, giving full double precision in the body of the distribution.
    public static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                 3.754408661907416e+00]
        let pl = 0.02425
        var x: Double
        if p < pl {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - pl {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
        return x
    }
}

/// The regularized incomplete beta function.
enum Beta {
    /// `I_x(a, b)` by the continued fraction, using the symmetry `I_x(a,b) = 1 − I_{1−x}(b,a)`
    /// where the fraction converges faster (Numerical Recipes §6.4).
    static func regularizedIncomplete(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(lbt) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(lbt) * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < eps { break }
        }
        return h
    }
}
