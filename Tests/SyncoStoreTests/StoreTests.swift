import Foundation
import Testing
import SyncoDemocracy
import SyncoModel
@testable import SyncoStore

/// The same suite runs on SQLite and on PostgreSQL. PostgreSQL comes from $SYNCO_TEST_POSTGRES
/// (e.g. postgres://synco:synco@127.0.0.1:5432/synco_test), which `.ci/run` sets after starting a
/// server; in CI ($CI set) a missing URL fails the test instead of skipping it.
enum Backends {
    static var postgresURL: String? { ProcessInfo.processInfo.environment["SYNCO_TEST_POSTGRES"] }

    static func fresh(_ kind: String) async throws -> (any SyncoStore)? {
        switch kind {
        case "sqlite":
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("synco-test-\(UUID().uuidString).sqlite").path
            let s = try SQLiteStore(path: path)
            try await s.migrate()
            return s
        default:
            guard let url = postgresURL else {
                if ProcessInfo.processInfo.environment["CI"] != nil {
                    Issue.record("SYNCO_TEST_POSTGRES is not set in CI: the PostgreSQL suite must run there")
                }
                return nil
            }
            let s = try PostgresStore(url: url)
            // A clean schema per test: drop and recreate (tests in this suite run serialised).
            for t in ["reports", "alert_actions", "statement_votes", "statements", "audit", "documents", "ballots", "decisions", "submissions", "members", "councils"] {
                try await s.unsafeExecute("DROP TABLE IF EXISTS \(t)")
            }
            try await s.migrate()
            return s
        }
    }

    static func tamper(_ s: any SyncoStore, _ sql: String) async throws {
        if let q = s as? SQLiteStore { try await q.unsafeExecute(sql) } else if let p = s as? PostgresStore { try await p.unsafeExecute(sql) }
    }
}

@Suite(.serialized) struct StoreTests {
    static let kinds = ["sqlite", "postgres"]

    func populate(_ s: any SyncoStore) async throws {
        try await s.addCouncil(Council(id: "whole", name: "Whole", kind: .whole), actor: "admin", time: 1)
        try await s.addCouncil(Council(id: "street", name: "Street", kind: .consumer, parent: "whole"), actor: "admin", time: 2)
        try await s.addMember(Member(id: "ana", council: "street", name: "Ana", role: .facilitator), tokenHash: SHA256.hex("t-ana"), actor: "admin", time: 3)
        try await s.addMember(Member(id: "ben", council: "street", name: "Ben"), tokenHash: SHA256.hex("t-ben"), actor: "admin", time: 4)
    }

    @Test(arguments: kinds) func councilsMembersSubmissions(kind: String) async throws {
        guard let s = try await Backends.fresh(kind) else { return }
        try await populate(s)
        #expect(try await s.councils().map(\.id) == ["whole", "street"])
        #expect(try await s.member(tokenHash: SHA256.hex("t-ben"))?.id == "ben")
        #expect(try await s.member(tokenHash: SHA256.hex("nope")) == nil)
        #expect(try await s.members(council: "street").map(\.id) == ["ana", "ben"])
        await #expect(throws: DemocracyError.self) {
            try await s.addCouncil(Council(id: "street", name: "again", kind: .consumer, parent: "whole"), actor: "admin", time: 5)
        }
        let a = try await s.appendSubmission(Submission(council: "street", member: "ana", time: 6, needs: [NeedSpec(product: "bread", amount: 3)]), actor: "ana")
        let b = try await s.appendSubmission(Submission(council: "street", member: "ben", time: 7, needs: [NeedSpec(product: "bread", amount: 4.5, guaranteed: true)]), actor: "ben")
        #expect(a.sequence == 1 && b.sequence == 2)
        let stored = try await s.submissions(council: "street")
        #expect(stored == [a, b])
        #expect(try await s.currentSubmissions() == [b])
        try await s.close()
    }

    @Test(arguments: kinds) func ballotsReplaceAndCloseIsFinal(kind: String) async throws {
        guard let s = try await Backends.fresh(kind) else { return }
        try await populate(s)
        let d = Decision(id: "co2", council: "whole", title: "CO2", method: .number, lower: 0, upper: 100, effect: .resourceLimit(resource: "co2"))
        try await s.addDecision(d, actor: "admin", time: 10)
        try await s.castBallot(decision: "co2", member: "ana", ballot: Ballot(number: 30), time: 11)
        try await s.castBallot(decision: "co2", member: "ana", ballot: Ballot(number: 40), time: 12)
        try await s.castBallot(decision: "co2", member: "ben", ballot: Ballot(number: 60), time: 13)
        let ballots = try await s.ballots(decision: "co2")
        #expect(ballots.map(\.member) == ["ana", "ben"])
        #expect(ballots.map(\.ballot.number) == [40, 60])
        try await s.closeDecision("co2", tally: "{\"number\":40}", actor: "admin", time: 14)
        #expect(try await s.decision("co2")?.open == false)
        #expect(try await s.tally(decision: "co2") == "{\"number\":40}")
        await #expect(throws: DemocracyError.self) { try await s.castBallot(decision: "co2", member: "ben", ballot: Ballot(number: 1), time: 15) }
        await #expect(throws: DemocracyError.self) { try await s.closeDecision("co2", tally: "{}", actor: "admin", time: 16) }
        await #expect(throws: DemocracyError.self) { try await s.castBallot(decision: "nope", member: "ben", ballot: Ballot(number: 1), time: 15) }
        try await s.close()
    }

    @Test(arguments: kinds) func auditChainDetectsTampering(kind: String) async throws {
        guard let s = try await Backends.fresh(kind) else { return }
        try await populate(s)
        _ = try await s.appendSubmission(Submission(council: "street", member: "ana", time: 6, needs: [NeedSpec(product: "bread", amount: 3)]), actor: "ana")
        try await s.putDocument(StoredDocument(kind: "base", id: "base", body: "{}", hash: "h", time: 7), actor: "admin")
        var r = try await s.verifyAudit()
        #expect(r.ok, "\(r.problems)")
        #expect(r.entries == 6)
        let log = try await s.auditLog()
        #expect(log.first?.prev == AuditEntry.genesis)
        #expect(zip(log, log.dropFirst()).allSatisfy { $0.hash == $1.prev })

        // Changing a stored submission behind the store's back is detected…
        try await Backends.tamper(s, "UPDATE submissions SET body = replace(body, '\"amount\":3', '\"amount\":300')")
        r = try await s.verifyAudit()
        #expect(!r.ok)
        #expect(r.problems.contains { $0.contains("submission street#1") })
        // …and so is rewriting the log entry to match.
        try await Backends.tamper(s, "UPDATE audit SET body = replace(body, '\"amount\":3', '\"amount\":300') WHERE action = 'submission.append'")
        r = try await s.verifyAudit()
        #expect(r.problems.contains { $0.contains("does not match its hash") })
        // Deleting an entry breaks the sequence and the chain.
        try await Backends.tamper(s, "DELETE FROM audit WHERE seq = 2")
        r = try await s.verifyAudit()
        #expect(r.problems.contains { $0.contains("removed or inserted") })
        try await s.close()
    }

    @Test(arguments: kinds) func concurrentSubmissionsGetDistinctSequences(kind: String) async throws {
        guard let s = try await Backends.fresh(kind) else { return }
        try await populate(s)
        try await withThrowingTaskGroup(of: Void.self) { g in
            for i in 0..<40 {
                g.addTask {
                    _ = try await s.appendSubmission(Submission(council: "street", member: "ana", time: Double(i), needs: [NeedSpec(product: "bread", amount: Double(i))]), actor: "ana")
                }
            }
            try await g.waitForAll()
        }
        let subs = try await s.submissions(council: "street")
        #expect(subs.map(\.sequence) == Array(1...40))
        #expect(try await s.verifyAudit().ok)
        try await s.close()
    }
}
