/// Aggregating numbers and divisions of a total.
public enum NumberRule {
    /// The median of the proposals, for one number such as a CO2 limit. With an odd count the
    /// middle proposal; with an even count the lower middle one (so the result is always a
    /// proposal and the rule stays strategy-proof for single-peaked preferences: Moulin 1980,
    /// "On strategy-proofness and single peakedness", Public Choice 35). Proposals outside
    /// [lower, upper] are clamped first. No proposals → nil.
    public static func median(_ proposals: [Double], lower: Double = -.infinity, upper: Double = .infinity) -> Double? {
        let v = proposals.filter(\.isFinite).map { min(max($0, lower), upper) }.sorted()
        guard !v.isEmpty else { return nil }
        return v[(v.count - 1) / 2]
    }
}

/// Dividing a total among categories: the Independent Markets mechanism, a moving-phantom rule of
/// Freeman, Pennock, Peters & Wortman Vaughan (2021), "Truthful aggregation of budget proposals",
/// J. Econ. Theory 193.
///
/// Each voter proposes shares p_i (non-negative, summing to 1). Phantoms f_k(t) = min(1, t(n−k)),
/// k = 0…n, move up with t ∈ [0, 1]; category j gets med(f_0(t), …, f_n(t), p_1j, …, p_nj) and t* is
/// chosen so that the shares sum to 1. The rule is strategy-proof (no voter can bring the result
/// closer to their proposal in ℓ1 by lying), stays within the total, and is proportional: if
/// every voter puts everything on one category, each category gets the fraction of voters who
/// chose it. Proposals that do not sum to 1 are normalised; empty (all-zero) proposals are dropped.
public enum IndependentMarkets {
    public static func divide(_ proposals: [[Double]], categories m: Int) -> [Double]? {
        let ps: [[Double]] = proposals.compactMap { p in
            guard p.count == m, p.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
            let s = p.reduce(0, +)
            return s > 0 ? p.map { $0 / s } : nil
        }
        let n = ps.count
        guard n > 0, m > 0 else { return nil }
        // Column-wise sorted proposals: the median of 2n+1 values is found by merging n+1 phantoms.
        let columns: [[Double]] = (0..<m).map { j in ps.map { $0[j] }.sorted() }
        func phantoms(_ t: Double) -> [Double] { (0...n).map { min(1, t * Double(n - $0)) }.sorted() }
        func shares(_ t: Double) -> [Double] {
            let f = phantoms(t)
            return columns.map { col in kth(col, f, n) }   // 0-based index n = median of 2n+1
        }
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if shares(mid).reduce(0, +) < 1 { lo = mid } else { hi = mid }
            if hi - lo < 1e-15 { break }
        }
        var s = shares(hi)
        let total = s.reduce(0, +)
        if total > 0 { s = s.map { $0 / total } }   // removes the bisection's last 1e-15
        return s
    }

    /// The k-th smallest (0-based) of the union of two sorted arrays.
    static func kth(_ a: [Double], _ b: [Double], _ k: Int) -> Double {
        var i = 0, j = 0, c = 0
        while true {
            let takeA = j >= b.count || (i < a.count && a[i] <= b[j])
            let v = takeA ? a[i] : b[j]
            if c == k { return v }
            if takeA { i += 1 } else { j += 1 }
            c += 1
        }
    }
}
