import Testing
import SyncoModel
@testable import SyncoDemocracy

@Suite struct AggregationTests {
    /// NIST FIPS 180-2 appendix B examples.
    @Test func sha256KnownVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var long = SHA256()
        for _ in 0..<1000 { long.update(String(repeating: "a", count: 1000)) }
        #expect(SHA256.hex(bytes: long.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The worked example of Schulze's paper / the Wikipedia article "Schulze method":
    /// 45 voters, 5 candidates, result E > A > C > B > D.
    @Test func schulzeWorkedExample() {
        let groups: [(Int, String)] = [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"),
                                       (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC")]
        let names = Array("ABCDE")
        var ranks: [Int32] = []
        for (count, order) in groups {
            for _ in 0..<count {
                var row = [Int32](repeating: 0, count: 5)
                for (pos, c) in order.enumerated() { row[names.firstIndex(of: c)!] = Int32(pos + 1) }
                ranks += row
            }
        }
        let r = Schulze.tally(ranks: ranks, options: 5)
        #expect(r.ballots == 45)
        // Pairwise preferences d[X,Y] as published.
        let d: [[Int]] = [[0, 20, 26, 30, 22], [25, 0, 16, 33, 18], [19, 29, 0, 17, 24], [15, 12, 28, 0, 14], [23, 27, 21, 31, 0]]
        for i in 0..<5 { for j in 0..<5 where i != j { #expect(r.pairwise[i * 5 + j] == d[i][j], "d[\(names[i]),\(names[j])]") } }
        // Strongest paths as published.
        let p: [[Int]] = [[0, 28, 28, 30, 24], [25, 0, 28, 33, 24], [25, 29, 0, 29, 24], [25, 28, 28, 0, 24], [25, 28, 28, 31, 0]]
        for i in 0..<5 { for j in 0..<5 where i != j { #expect(r.strongestPaths[i * 5 + j] == p[i][j], "p[\(names[i]),\(names[j])]") } }
        #expect(r.order.map { names[$0] } == Array("EACBD"))
        #expect(r.winners == [4])
    }

    @Test func schulzeTiesAndEmptyBallots() {
        // Two voters with opposite rankings: a perfect tie, reported as such.
        let r = Schulze.tally(ranks: [1, 2, 2, 1], options: 2)
        #expect(r.winners == [0, 1])
        #expect(r.rank == [0, 0])
        // An empty ballot (all unranked) changes no pairwise count.
        let withEmpty = Schulze.tally(ranks: [1, 2, 0, 0], options: 2)
        #expect(withEmpty.pairwise == [0, 1, 0, 0])
        #expect(withEmpty.winners == [0])
        // Truncated ballots: ranking only B puts B above the unranked A and C.
        let t = Schulze.tally(ranks: [0, 1, 0, 0, 1, 0, 1, 2, 3], options: 3)
        #expect(t.winners == [1])
    }

    @Test func schulzeLargeCountMatchesSerial() {
        // The parallel counter (≥ 20 000 ballots) gives the same counts as summing by hand.
        var rng = SplitMix64(seed: 7)
        let n = 4, b = 25_000
        var ranks = [Int32](repeating: 0, count: n * b)
        var d = [Int](repeating: 0, count: n * n)
        for k in 0..<b {
            var perm = Array(1...n).map(Int32.init)
            for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            for i in 0..<n { ranks[k * n + i] = perm[i] }
            for i in 0..<n { for j in 0..<n where i != j && perm[i] < perm[j] { d[i * n + j] += 1 } }
        }
        #expect(Schulze.tally(ranks: ranks, options: n).pairwise == d)
    }

    /// The tie-break example of the majority judgment literature: X = (Good, Good, Fair, Poor) and
    /// Y = (Excellent, Fair, Fair, Fair) both have majority grade Fair; removing one Fair each,
    /// X's median becomes Good and Y's stays Fair, so X wins.
    @Test func majorityJudgmentWorkedExample() {
        // Grades: 0 poor, 1 fair, 2 good, 3 excellent. Columns: X, Y.
        let rows: [Int32] = [2, 3, 2, 1, 1, 1, 0, 1]
        let r = MajorityJudgment.tally(grades: rows, options: 2, gradeCount: 4)
        #expect(r.majorityGrade == [1, 1])
        #expect(r.winners == [0])
        #expect(r.order == [0, 1])
        // Balinski–Laraki gauge: X has 2 above Fair and 1 below (+); Y has 1 above, 0 below (+).
        #expect(r.gaugeSign == [1, 1])
    }

    @Test func majorityJudgmentTiesAndMissingGrades() {
        // Identical grade profiles tie.
        let tie = MajorityJudgment.tally(grades: [2, 2, 0, 0, 1, 1], options: 2, gradeCount: 3)
        #expect(tie.winners == [0, 1])
        // An ungraded option (−1) counts as the lowest grade.
        let missing = MajorityJudgment.tally(grades: [2, -1, 2, -1, 0, 2], options: 2, gradeCount: 3)
        #expect(missing.majorityGrade == [2, 0])
        #expect(missing.winners == [0])
        // Majority grade is the lower median: grades (0, 3) → 0.
        #expect(MajorityJudgment.lowerMedian([1, 0, 0, 1]) == 0)
    }

    @Test func approval() {
        let r = Approval.tally([[0, 1], [1], [1, 2], [], [0, 0]], options: 3)
        #expect(r.approvals == [2, 3, 1])   // a repeated approval counts once
        #expect(r.winners == [1])
        #expect(r.ballots == 5)
        #expect(Approval.tally([[0], [1]], options: 2).winners == [0, 1])
    }

    @Test func medianOfNumbers() {
        #expect(NumberRule.median([5, 1, 3]) == 3)
        #expect(NumberRule.median([4, 1, 3, 2]) == 2)              // lower median
        #expect(NumberRule.median([100, -5, 7], lower: 0, upper: 50) == 7)
        #expect(NumberRule.median([]) == nil)
        #expect(NumberRule.median([.nan, 2]) == 2)
    }

    @Test func independentMarketsProportionalAndWithinTotal() {
        // Single-minded voters: 3 for A, 1 for B, 0 for C → 3/4, 1/4, 0 (proportionality).
        let s = IndependentMarkets.divide([[1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0]], categories: 3)!
        #expect(abs(s[0] - 0.75) < 1e-9 && abs(s[1] - 0.25) < 1e-9 && abs(s[2]) < 1e-9)
        // Unanimity: everybody proposes the same split → that split.
        let u = IndependentMarkets.divide([[0.2, 0.5, 0.3], [0.2, 0.5, 0.3]], categories: 3)!
        #expect(zip(u, [0.2, 0.5, 0.3]).allSatisfy { abs($0 - $1) < 1e-9 })
        // Unnormalised proposals are normalised; results always sum to 1.
        var rng = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let props = (0..<7).map { _ in (0..<4).map { _ in rng.unit() * 10 } }
            let r = IndependentMarkets.divide(props, categories: 4)!
            #expect(abs(r.reduce(0, +) - 1) < 1e-9)
            #expect(r.allSatisfy { $0 >= 0 })
        }
    }

    /// Strategy-proofness (Freeman et al. 2021, Theorem 1 for moving-phantom rules): no voter
    /// brings the outcome closer to their true proposal in ℓ1 distance by reporting something else.
    @Test func independentMarketsIsStrategyProof() {
        var rng = SplitMix64(seed: 11)
        func simplex(_ m: Int) -> [Double] { let v = (0..<m).map { _ in rng.unit() }; let s = v.reduce(0, +); return v.map { $0 / s } }
        func l1(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } }
        for _ in 0..<200 {
            let m = 3, n = 5
            var props = (0..<n).map { _ in simplex(m) }
            let truth = props[0]
            let honest = l1(IndependentMarkets.divide(props, categories: m)!, truth)
            props[0] = rng.unit() < 0.5 ? simplex(m) : [1, 0, 0].shuffled(using: &rng)
            let lie = l1(IndependentMarkets.divide(props, categories: m)!, truth)
            #expect(lie >= honest - 1e-7)
        }
    }
}

