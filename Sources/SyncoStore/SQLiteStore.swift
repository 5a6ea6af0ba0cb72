import GRDB
import SyncoData
import SyncoDemocracy
import SyncoModel

/// The embedded default: one SQLite file through GRDB, WAL journal (readers never block the
/// writer), synchronous=FULL so an acknowledged write survives a crash of the process or the
/// machine, one transaction per mutation.
public final class SQLiteStore: SyncoStore, @unchecked Sendable {
    // @unchecked: DatabaseWriter is itself thread-safe (GRDB serialises writes).
    private let db: any DatabaseWriter
    public let description: String

    public init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        config.busyMode = .timeout(10)
        if path == ":memory:" {
            db = try DatabaseQueue(configuration: config)
        } else {
            db = try DatabasePool(path: path, configuration: config)   // WAL mode
        }
        description = "sqlite:\(path)"
    }

    public func migrate() async throws {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            for s in Schema.statements where !s.contains("statement") && !s.contains("reports (") && !s.contains("alert_actions") { try db.execute(sql: s) }
        }
        m.registerMigration("v2-opinion") { db in
            for s in Schema.statements where s.contains("statement") { try db.execute(sql: s) }
        }
        m.registerMigration("v3-reports") { db in
            for s in Schema.statements where s.contains("reports (") || s.contains("alert_actions") { try db.execute(sql: s) }
        }
        try m.migrate(db)
    }

    public func close() async throws {
        if let pool = db as? DatabasePool { try pool.close() } else if let q = db as? DatabaseQueue { try q.close() }
    }

    /// Appends an audit entry inside the current transaction.
    private static func audit(_ db: Database, time: Double, actor: String, action: String, subject: String, body: String) throws {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let prev: String = last?["hash"] ?? AuditEntry.genesis
        let hash = AuditEntry.hash(seq: seq, time: time, actor: actor, action: action, subject: subject, body: body, prev: prev)
        try db.execute(sql: "INSERT INTO audit (seq, time, actor, action, subject, body, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [seq, time, actor, action, subject, body, prev, hash])
    }

    private static func mapConstraint<T>(_ what: String, _ f: () throws -> T) throws -> T {
        do { return try f() } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw DemocracyError(.conflict, field: "id", "\(what) exists already")
        }
    }

    public func addCouncil(_ c: Council, actor: String, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(c))
        try await db.write { db in
            try Self.mapConstraint("council '\(c.id)'") {
                try db.execute(sql: "INSERT INTO councils (id, body, time) VALUES (?, ?, ?)", arguments: [c.id, body, time])
            }
            try Self.audit(db, time: time, actor: actor, action: "council.add", subject: c.id, body: body)
        }
    }

    public func councils() async throws -> [Council] {
        try await db.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM councils ORDER BY time, id").map(Decode.council)
        }
    }

    public func addMember(_ m: Member, tokenHash: String, actor: String, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(m))
        try await db.write { db in
            try Self.mapConstraint("member '\(m.id)'") {
                try db.execute(sql: "INSERT INTO members (id, council, body, token_hash) VALUES (?, ?, ?, ?)", arguments: [m.id, m.council, body, tokenHash])
            }
            try Self.audit(db, time: time, actor: actor, action: "member.add", subject: m.id, body: body)
        }
    }

    public func member(tokenHash: String) async throws -> Member? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT council, body FROM members WHERE token_hash = ?", arguments: [tokenHash])
                .map { try Decode.member($0["body"], council: $0["council"]) }
        }
    }

    public func members(council: String) async throws -> [Member] {
        try await db.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM members WHERE council = ? ORDER BY id", arguments: [council])
                .map { try Decode.member($0, council: council) }
        }
    }

    public func appendSubmission(_ s: Submission, actor: String) async throws -> Submission {
        try await db.write { db in
            var s = s
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM submissions WHERE council = ?", arguments: [s.council]) ?? 0
            s.sequence = Int(last + 1)
            let body = DemocracyJSON.string(DemocracyJSON.value(s))
            try db.execute(sql: "INSERT INTO submissions (council, sequence, body, hash) VALUES (?, ?, ?, ?)",
                           arguments: [s.council, Int64(s.sequence), body, s.hash])
            try Self.audit(db, time: s.time, actor: actor, action: "submission.append", subject: s.id, body: body)
            return s
        }
    }

    public func submissions(council: String) async throws -> [Submission] {
        try await db.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM submissions WHERE council = ? ORDER BY sequence", arguments: [council])
                .map(Decode.submission)
        }
    }

    public func addDecision(_ d: Decision, actor: String, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(d))
        try await db.write { db in
            try Self.mapConstraint("decision '\(d.id)'") {
                try db.execute(sql: "INSERT INTO decisions (id, body, open, tally, time) VALUES (?, ?, 1, NULL, ?)", arguments: [d.id, body, time])
            }
            try Self.audit(db, time: time, actor: actor, action: "decision.add", subject: d.id, body: body)
        }
    }

    public func decisions() async throws -> [Decision] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT body, open FROM decisions ORDER BY time, id").map {
                try Decode.decision($0["body"], open: ($0["open"] as Int64) != 0)
            }
        }
    }

    public func castBallot(decision: String, member: String, ballot: Ballot, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(ballot))
        try await db.write { db in
            guard let open = try Int64.fetchOne(db, sql: "SELECT open FROM decisions WHERE id = ?", arguments: [decision]) else {
                throw DemocracyError(.notFound, field: "decision", "no decision '\(decision)'")
            }
            guard open != 0 else { throw DemocracyError(.closed, field: "decision", "decision '\(decision)' is closed") }
            try db.execute(sql: """
                INSERT INTO ballots (decision, member, body, time) VALUES (?, ?, ?, ?)
                ON CONFLICT (decision, member) DO UPDATE SET body = excluded.body, time = excluded.time
                """, arguments: [decision, member, body, time])
            try Self.audit(db, time: time, actor: member, action: "ballot.cast", subject: "\(decision)/\(member)", body: body)
        }
    }

    public func ballots(decision: String) async throws -> [(member: String, ballot: Ballot)] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT member, body FROM ballots WHERE decision = ? ORDER BY member", arguments: [decision]).map {
                MemberBallot(member: $0["member"], ballot: try Decode.ballot($0["body"]))
            }
        }.map { ($0.member, $0.ballot) }
    }

    public func closeDecision(_ id: String, tally: String, actor: String, time: Double) async throws {
        try await db.write { db in
            guard let open = try Int64.fetchOne(db, sql: "SELECT open FROM decisions WHERE id = ?", arguments: [id]) else {
                throw DemocracyError(.notFound, field: "decision", "no decision '\(id)'")
            }
            guard open != 0 else { throw DemocracyError(.closed, field: "decision", "decision '\(id)' is closed already") }
            try db.execute(sql: "UPDATE decisions SET open = 0, tally = ? WHERE id = ?", arguments: [tally, id])
            try Self.audit(db, time: time, actor: actor, action: "decision.close", subject: id, body: tally)
        }
    }

    public func tally(decision: String) async throws -> String? {
        try await db.read { db in try String.fetchOne(db, sql: "SELECT tally FROM decisions WHERE id = ?", arguments: [decision]) }
    }

    public func putDocument(_ d: StoredDocument, actor: String) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO documents (kind, id, body, hash, time) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, hash = excluded.hash, time = excluded.time
                """, arguments: [d.kind, d.id, d.body, d.hash, d.time])
            try Self.audit(db, time: d.time, actor: actor, action: "document.put", subject: "\(d.kind)/\(d.id)", body: d.hash)
        }
    }

    public func document(kind: String, id: String) async throws -> StoredDocument? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT kind, id, body, hash, time FROM documents WHERE kind = ? AND id = ?", arguments: [kind, id])
                .map { StoredDocument(kind: $0["kind"], id: $0["id"], body: $0["body"], hash: $0["hash"], time: $0["time"]) }
        }
    }

    public func documents(kind: String) async throws -> [StoredDocument] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, id, body, hash, time FROM documents WHERE kind = ? ORDER BY time, id", arguments: [kind])
                .map { StoredDocument(kind: $0["kind"], id: $0["id"], body: $0["body"], hash: $0["hash"], time: $0["time"]) }
        }
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, time, actor, action, subject, body, prev, hash FROM audit ORDER BY seq").map {
                AuditEntry(seq: $0["seq"], time: $0["time"], actor: $0["actor"], action: $0["action"], subject: $0["subject"],
                           body: $0["body"], prev: $0["prev"], hash: $0["hash"])
            }
        }
    }

    public func addStatement(_ st: Statement, actor: String) async throws {
        try await db.write { db in
            try Self.mapConstraint("statement '\(st.id)'") {
                try db.execute(sql: "INSERT INTO statements (id, council, text, author, time) VALUES (?, ?, ?, ?, ?)",
                               arguments: [st.id, st.council, st.text, st.author, st.time])
            }
            try Self.audit(db, time: st.time, actor: actor, action: "statement.add", subject: st.id, body: st.body)
        }
    }

    public func statements(council: String) async throws -> [Statement] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, council, text, author, time FROM statements WHERE council = ? ORDER BY time, id", arguments: [council]).map {
                Statement(id: $0["id"], council: $0["council"], text: $0["text"], author: $0["author"], time: $0["time"])
            }
        }
    }

    public func voteStatement(_ statement: String, member: String, vote: Int, time: Double) async throws {
        try await db.write { db in
            guard try Int64.fetchOne(db, sql: "SELECT 1 FROM statements WHERE id = ?", arguments: [statement]) != nil else {
                throw DemocracyError(.notFound, field: "statement", "no statement '\(statement)'")
            }
            try db.execute(sql: """
                INSERT INTO statement_votes (statement, member, vote, time) VALUES (?, ?, ?, ?)
                ON CONFLICT (statement, member) DO UPDATE SET vote = excluded.vote, time = excluded.time
                """, arguments: [statement, member, vote, time])
            try Self.audit(db, time: time, actor: member, action: "statement.vote", subject: "\(statement)/\(member)", body: String(vote))
        }
    }

    public func statementVotes(council: String) async throws -> [(statement: String, member: String, vote: Int)] {
        try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.statement, v.member, v.vote FROM statement_votes v JOIN statements s ON s.id = v.statement
                WHERE s.council = ? ORDER BY v.statement, v.member
                """, arguments: [council]).map { ($0["statement"], $0["member"], $0["vote"]) }
        }
    }

    public func appendReports(_ reports: [StoredReport], actor: String, time: Double) async throws -> [Bool] {
        guard let batch = reports.first?.batch else { return [] }
        return try await db.write { db in
            var seq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM reports") ?? 0)
            var inserted: [Bool] = []
            var accepted: [StoredReport] = []
            for r in reports {
                if try Int64.fetchOne(db, sql: "SELECT 1 FROM reports WHERE id = ?", arguments: [r.id]) != nil { inserted.append(false); continue }
                seq += 1
                try db.execute(sql: "INSERT INTO reports (seq, id, unit, indicator, period, value, time, member, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [seq, r.id, r.unit, r.indicator, Int64(r.period), r.value, r.time, r.member, r.batch])
                inserted.append(true); accepted.append(r)
            }
            // An all-duplicate batch still gets an audit entry (empty hash), as in the PostgreSQL store.
            try Self.audit(db, time: time, actor: actor, action: "reports.append", subject: batch, body: accepted.isEmpty ? "" : ReportBatch.hash(accepted))
            return inserted
        }
    }

    public func reports() async throws -> [StoredReport] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, unit, indicator, period, value, time, member, batch FROM reports ORDER BY seq").map {
                StoredReport(id: $0["id"], unit: $0["unit"], indicator: $0["indicator"], period: Int($0["period"] as Int64),
                             value: $0["value"], time: $0["time"], member: $0["member"], batch: $0["batch"])
            }
        }
    }

    public func appendAlertAction(_ a: AlertAction) async throws {
        try await db.write { db in
            let seq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM alert_actions") ?? 0) + 1
            try db.execute(sql: "INSERT INTO alert_actions (seq, alert, action, by_member, note, time) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [seq, a.alert, a.action, a.by, a.note, a.time])
            try Self.audit(db, time: a.time, actor: a.by, action: "alert.\(a.action)", subject: a.alert, body: a.body)
        }
    }

    public func alertActions() async throws -> [AlertAction] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT alert, action, by_member, note, time FROM alert_actions ORDER BY seq").map {
                AlertAction(alert: $0["alert"], action: $0["action"], by: $0["by_member"], note: $0["note"], time: $0["time"])
            }
        }
    }

    /// For tamper tests: run raw SQL outside the store's rules.
    public func unsafeExecute(_ sql: String) async throws {
        try await db.write { db in try db.execute(sql: sql) }
    }
}
