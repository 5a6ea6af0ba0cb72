import Testing
import SyncoModel
@testable import SyncoDemocracy

@Suite struct OpinionMapTests {
    /// Silhouette by its definition (Rousseeuw 1987) on 1-D points {0, 1, 10, 11} in groups
    /// {0, 0, 1, 1}: s = (10.5−1)/10.5 twice and (9.5−1)/9.5 twice; mean 0.8997494.
    @Test func silhouetteKnownValue() {
        let s = OpinionMap().silhouette([0, 1, 10, 11], dim: 1, groups: [0, 0, 1, 1], k: 2)
        #expect(abs(s - (2 * 9.5 / 10.5 + 2 * 8.5 / 9.5) / 4) < 1e-12)
    }

    @Test func plantedGroupsAndConsensus() {
        // 20 members agree on statements 0–4 and disagree on 5–8; 20 others the opposite;
        // everybody agrees with statement 9; statement 10 has only two votes. A few random flips.
        var rng = SplitMix64(seed: 5)
        var votes: [[OpinionMap.Vote?]] = []
        for i in 0..<40 {
            var row: [OpinionMap.Vote?] = []
            for j in 0..<9 {
                let agree = (i < 20) == (j < 5)
                var v: OpinionMap.Vote = agree ? .agree : .disagree
                if rng.unit() < 0.05 { v = .pass }
                row.append(rng.unit() < 0.1 ? nil : v)
            }
            row.append(.agree)
            row.append(i < 2 ? .agree : nil)
            votes.append(row)
        }
        let r = OpinionMap().analyse(members: (0..<40).map { "m\($0)" }, statements: (0..<11).map { "s\($0)" }, votes: votes)
        #expect(r.k == 2)
        let g0 = r.groups[0]
        #expect((0..<20).allSatisfy { r.groups[$0] == g0 })
        #expect((20..<40).allSatisfy { r.groups[$0] != g0 })
        #expect(r.consensusOrder.first == 9)
        #expect(r.lowEngagement == [10])
        #expect(r.explainedVariance.0 > 0.5)
        #expect(r.silhouette > 0.5)
    }

    @Test func flagsIdenticalVotingBlocks() {
        var rng = SplitMix64(seed: 9)
        var votes: [[OpinionMap.Vote?]] = (0..<30).map { _ in
            (0..<12).map { _ in [OpinionMap.Vote.agree, .disagree, .pass][Int(rng.next() % 3)] }
        }
        let script: [OpinionMap.Vote?] = (0..<12).map { $0 % 2 == 0 ? .agree : .disagree }
        for i in 30..<36 { _ = i; votes.append(script) }
        let r = OpinionMap().analyse(members: (0..<36).map { "m\($0)" }, statements: (0..<12).map { "s\($0)" }, votes: votes)
        #expect(r.suspiciousBlocks == [Array(30..<36)])
    }
}

@Suite struct OpinionMapEdgeTests {
    /// Everyone votes alike: there is no split to report, so one group (not two with one empty).
    @Test func unanimousVotesGiveOneGroup() {
        let votes: [[OpinionMap.Vote?]] = (0..<6).map { _ in [.agree, .agree, .disagree] }
        let r = OpinionMap().analyse(members: (0..<6).map { "m\($0)" }, statements: ["a", "b", "c"], votes: votes)
        #expect(r.k == 1)
        #expect(Set(r.groups) == [0])
        #expect(r.groupAgreement.count == 1)
    }
}
