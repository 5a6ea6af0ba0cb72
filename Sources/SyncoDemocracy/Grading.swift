/// Majority judgment (Balinski & Laraki 2007, "A theory of measuring, electing, and ranking",
/// PNAS 104; book: MIT Press 2010).
///
/// Each ballot grades options on an ordinal scale 0 (worst) … g−1 (best). An option a ballot does
/// not grade gets the lowest grade (Balinski–Laraki: "to reject"). An option's majority grade is
/// its lower median; options are ordered by their majority values: the sequence of lower medians
/// obtained by removing the current median grade again and again. Two options with identical
/// grade multisets tie; a tie is reported (same rank), not broken. With no ballots at all every
/// option ties.
public enum MajorityJudgment {
    public struct Result: Sendable, Hashable {
        /// counts[option * grades + grade]
        public var counts: [Int]
        public var grades: Int
        /// The majority (lower median) grade of each option; nil when nobody voted.
        public var majorityGrade: [Int?]
        /// Balinski–Laraki's gauge sign: +1 if more voters grade above the majority grade than
        /// below, −1 if fewer, 0 if equal.
        public var gaugeSign: [Int]
        public var rank: [Int]
        public var order: [Int]
        public var winners: [Int]
    }

    /// `grades` rows: one per ballot, `options` entries each, value in 0..<gradeCount or −1 (ungraded).
    public static func tally(grades rows: [Int32], options n: Int, gradeCount g: Int) -> Result {
        precondition(n > 0 && g > 0 && rows.count % n == 0)
        var counts = [Int](repeating: 0, count: n * g)
        let ballots = rows.count / n
        for b in 0..<ballots {
            for i in 0..<n {
                let v = Int(rows[b * n + i])
                counts[i * g + (v >= 0 && v < g ? v : 0)] += 1
            }
        }
        return fromCounts(counts, options: n, gradeCount: g)
    }

    public static func fromCounts(_ counts: [Int], options n: Int, gradeCount g: Int) -> Result {
        let hist = (0..<n).map { Array(counts[($0 * g)..<($0 * g + g)]) }
        let order = (0..<n).sorted { a, b in
            let c = compare(hist[a], hist[b])
            return c != 0 ? c > 0 : a < b
        }
        var rank = [Int](repeating: 0, count: n)
        for k in 1..<max(1, order.count) {
            rank[order[k]] = compare(hist[order[k - 1]], hist[order[k]]) == 0 ? rank[order[k - 1]] : rank[order[k - 1]] + 1
        }
        var mg: [Int?] = []
        var sign: [Int] = []
        for h in hist {
            let m = lowerMedian(h)
            mg.append(m)
            if let m {
                let above = h[(m + 1)...].reduce(0, +), below = h[..<m].reduce(0, +)
                sign.append(above > below ? 1 : above < below ? -1 : 0)
            } else { sign.append(0) }
        }
        return Result(counts: counts, grades: g, majorityGrade: mg, gaugeSign: sign, rank: rank,
                      order: order, winners: order.filter { rank[$0] == 0 })
    }

    /// The lower median grade of a histogram.
    public static func lowerMedian(_ h: [Int]) -> Int? {
        let total = h.reduce(0, +)
        guard total > 0 else { return nil }
        let target = (total + 1) / 2          // 1-based position of the lower median
        var acc = 0
        for (grade, c) in h.enumerated() {
            acc += c
            if acc >= target { return grade }
        }
        return h.count - 1
    }

    /// +1 if the histogram `a` wins on majority values, −1 if `b` does, 0 on identical values.
    /// Removing the median repeatedly from both is the same as comparing their majority-value
    /// sequences lexicographically; with equal voter counts it runs in O(voters) worst case but
    /// stops at the first difference, usually after a few steps.
    public static func compare(_ a: [Int], _ b: [Int]) -> Int {
        var a = a, b = b
        var na = a.reduce(0, +), nb = b.reduce(0, +)
        while na > 0 && nb > 0 {
            let ma = lowerMedian(a)!, mb = lowerMedian(b)!
            if ma != mb { return ma > mb ? 1 : -1 }
            // Remove as many median grades as both can lose before their medians may move:
            // one at a time keeps the rule exact and simple.
            a[ma] -= 1; b[mb] -= 1; na -= 1; nb -= 1
        }
        if na == nb { return 0 }
        return na > nb ? 1 : -1   // unequal voter counts: the one with grades left ranks higher
    }
}

/// Approval voting: each ballot approves a set of options; most approvals wins; equal counts tie.
/// An empty ballot approves nothing and counts in turnout.
public enum Approval {
    public struct Result: Sendable, Hashable {
        public var approvals: [Int]
        public var ballots: Int
        public var rank: [Int]
        public var order: [Int]
        public var winners: [Int]
    }
    public static func tally(_ ballots: [[Int]], options n: Int) -> Result {
        var count = [Int](repeating: 0, count: n)
        for b in ballots { for i in Set(b) where i >= 0 && i < n { count[i] += 1 } }
        let order = (0..<n).sorted { (count[$0], -$0) > (count[$1], -$1) }
        var rank = [Int](repeating: 0, count: n)
        for k in 1..<max(1, n) {
            rank[order[k]] = count[order[k]] == count[order[k - 1]] ? rank[order[k - 1]] : rank[order[k - 1]] + 1
        }
        return Result(approvals: count, ballots: ballots.count, rank: rank, order: order,
                      winners: order.filter { rank[$0] == 0 })
    }
}
