import Foundation
import Logging
import PostgresNIO
import SyncoData
import SyncoDemocracy
import SyncoModel

/// PostgreSQL through postgres-nio for many concurrent users; the same tables, rules and audit
/// chain as the SQLite store. Mutations take a table lock on `audit` first, so the hash chain is
/// extended by one transaction at a time, and ballots cannot race a close.
public final class PostgresStore: SyncoStore, @unchecked Sendable {
    // @unchecked: PostgresClient is thread-safe; `runner` is set once in init.
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "synco.postgres")
    public let description: String

    public init(url: String) throws {
        guard let u = URLComponents(string: url), let host = u.host, !host.isEmpty else {
            throw StoreError("database URL '\(url)': expected postgres://user:password@host:port/database")
        }
        let db = u.path.hasPrefix("/") ? String(u.path.dropFirst()) : u.path
        let config = PostgresClient.Configuration(host: host, port: u.port ?? 5432, username: u.user ?? "postgres",
                                                  password: u.password, database: db.isEmpty ? nil : db, tls: .disable)
        let client = PostgresClient(configuration: config, backgroundLogger: Logger(label: "synco.postgres.pool"))
        self.client = client
        runner = Task { await client.run() }
        description = "postgres://\(host):\(u.port ?? 5432)/\(db)"
    }

    public func close() async throws { runner.cancel() }

    enum Arg { case text(String), int(Int64), double(Double), null }

    /// `?` placeholders become `$1, $2, …` (no statement here has a literal question mark).
    static func query(_ sql: String, _ args: [Arg]) -> PostgresQuery {
        var text = ""
        var n = 0
        for ch in sql {
            if ch == "?" { n += 1; text += "$\(n)" } else { text.append(ch) }
        }
        var binds = PostgresBindings()
        for a in args {
            switch a {
            case .text(let s): binds.append(s)
            case .int(let i): binds.append(i)
            case .double(let d): binds.append(d)
            case .null: binds.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    private func rows(_ conn: PostgresConnection, _ sql: String, _ args: [Arg]) async throws -> [PostgresRandomAccessRow] {
        var out: [PostgresRandomAccessRow] = []
        for try await row in try await conn.query(Self.query(sql, args), logger: logger) { out.append(row.makeRandomAccess()) }
        return out
    }

    private func read(_ sql: String, _ args: [Arg]) async throws -> [PostgresRandomAccessRow] {
        try await client.withConnection { conn in try await self.rows(conn, sql, args) }
    }

    /// Reads rows and decodes them in a synchronous, never-inlined function: the Swift 6.3
    /// optimiser crashed splitting async functions that decoded rows inline.
    private func read<T: Sendable>(_ sql: String, _ args: [Arg], _ decode: @Sendable (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        let rows = try await read(sql, args)
        return try Self.decodeAll(rows, decode)
    }

    @inline(never)
    private static func decodeAll<T>(_ rows: [PostgresRandomAccessRow], _ decode: (PostgresRandomAccessRow) throws -> T) throws -> [T] {
        var out: [T] = []
        out.reserveCapacity(rows.count)
        for r in rows { out.append(try decode(r)) }
        return out
    }

    /// One transaction that locks the audit chain, runs `body`, and appends the audit entry it returns.
    private func mutate<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> (T, audit: (time: Double, actor: String, action: String, subject: String, body: String))) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { conn in
                try await conn.query("LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
                let (value, a) = try await body(conn)
                let last = try await self.rows(conn, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [])
                let seq = (try last.first?[0].decode(Int64.self) ?? 0) + 1
                let prev = try last.first?[1].decode(String.self) ?? AuditEntry.genesis
                let hash = AuditEntry.hash(seq: seq, time: a.time, actor: a.actor, action: a.action, subject: a.subject, body: a.body, prev: prev)
                _ = try await self.rows(conn, "INSERT INTO audit (seq, time, actor, action, subject, body, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                        [.int(seq), .double(a.time), .text(a.actor), .text(a.action), .text(a.subject), .text(a.body), .text(prev), .text(hash)])
                return value
            }
        } catch let e as PostgresTransactionError {
            throw Self.unwrap(e)
        }
    }

    private static func unwrap(_ e: PostgresTransactionError) -> any Error {
        if let inner = e.closureError {
            if let d = inner as? DemocracyError { return d }
            if let p = inner as? PSQLError, p.serverInfo?[.sqlState] == "23505" {
                return DemocracyError(.conflict, field: "id", "exists already")
            }
            return inner
        }
        return e
    }

    public func migrate() async throws {
        try await client.withConnection { conn in
            for s in Schema.statements { try await conn.query(PostgresQuery(unsafeSQL: s), logger: self.logger) }
        }
    }

    public func addCouncil(_ c: Council, actor: String, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(c))
        try await mutate { conn in
            if try await !self.rows(conn, "SELECT 1 FROM councils WHERE id = ?", [.text(c.id)]).isEmpty {
                throw DemocracyError(.conflict, field: "id", "council '\(c.id)' exists already")
            }
            _ = try await self.rows(conn, "INSERT INTO councils (id, body, time) VALUES (?, ?, ?)", [.text(c.id), .text(body), .double(time)])
            return ((), (time, actor, "council.add", c.id, body))
        }
    }

    public func councils() async throws -> [Council] {
        try await read("SELECT body FROM councils ORDER BY time, id", []) {
            try Decode.council(try $0[0].decode(String.self))
        }
    }

    public func addMember(_ m: Member, tokenHash: String, actor: String, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(m))
        try await mutate { conn in
            if try await !self.rows(conn, "SELECT 1 FROM members WHERE id = ?", [.text(m.id)]).isEmpty {
                throw DemocracyError(.conflict, field: "id", "member '\(m.id)' exists already")
            }
            _ = try await self.rows(conn, "INSERT INTO members (id, council, body, token_hash) VALUES (?, ?, ?, ?)",
                                    [.text(m.id), .text(m.council), .text(body), .text(tokenHash)])
            return ((), (time, actor, "member.add", m.id, body))
        }
    }

    public func member(tokenHash: String) async throws -> Member? {
        try await read("SELECT council, body FROM members WHERE token_hash = ?", [.text(tokenHash)]) {
            try Decode.member(try $0[1].decode(String.self), council: try $0[0].decode(String.self))
        }.first
    }

    public func members(council: String) async throws -> [Member] {
        try await read("SELECT body FROM members WHERE council = ? ORDER BY id", [.text(council)]) {
            try Decode.member(try $0[0].decode(String.self), council: council)
        }
    }

    public func appendSubmission(_ s: Submission, actor: String) async throws -> Submission {
        try await mutate { conn in
            var s = s
            let last = try await self.rows(conn, "SELECT COALESCE(MAX(sequence), 0) FROM submissions WHERE council = ?", [.text(s.council)])
            s.sequence = Int(try last.first?[0].decode(Int64.self) ?? 0) + 1
            let body = DemocracyJSON.string(DemocracyJSON.value(s))
            _ = try await self.rows(conn, "INSERT INTO submissions (council, sequence, body, hash) VALUES (?, ?, ?, ?)",
                                    [.text(s.council), .int(Int64(s.sequence)), .text(body), .text(s.hash)])
            return (s, (s.time, actor, "submission.append", s.id, body))
        }
    }

    public func submissions(council: String) async throws -> [Submission] {
        try await read("SELECT body FROM submissions WHERE council = ? ORDER BY sequence", [.text(council)]) {
            try Decode.submission(try $0[0].decode(String.self))
        }
    }

    public func addDecision(_ d: Decision, actor: String, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(d))
        try await mutate { conn in
            if try await !self.rows(conn, "SELECT 1 FROM decisions WHERE id = ?", [.text(d.id)]).isEmpty {
                throw DemocracyError(.conflict, field: "id", "decision '\(d.id)' exists already")
            }
            _ = try await self.rows(conn, "INSERT INTO decisions (id, body, open, tally, time) VALUES (?, ?, 1, NULL, ?)",
                                    [.text(d.id), .text(body), .double(time)])
            return ((), (time, actor, "decision.add", d.id, body))
        }
    }

    public func decisions() async throws -> [Decision] {
        try await read("SELECT body, open FROM decisions ORDER BY time, id", []) { r in
            try Decode.decision(try r[0].decode(String.self), open: try r[1].decode(Int32.self) != 0)
        }
    }

    public func castBallot(decision: String, member: String, ballot: Ballot, time: Double) async throws {
        let body = DemocracyJSON.string(DemocracyJSON.value(ballot))
        try await mutate { conn in
            guard let r = try await self.rows(conn, "SELECT open FROM decisions WHERE id = ?", [.text(decision)]).first else {
                throw DemocracyError(.notFound, field: "decision", "no decision '\(decision)'")
            }
            guard try r[0].decode(Int32.self) != 0 else { throw DemocracyError(.closed, field: "decision", "decision '\(decision)' is closed") }
            _ = try await self.rows(conn, """
                INSERT INTO ballots (decision, member, body, time) VALUES (?, ?, ?, ?)
                ON CONFLICT (decision, member) DO UPDATE SET body = excluded.body, time = excluded.time
                """, [.text(decision), .text(member), .text(body), .double(time)])
            return ((), (time, member, "ballot.cast", "\(decision)/\(member)", body))
        }
    }

    public func ballots(decision: String) async throws -> [(member: String, ballot: Ballot)] {
        try await read("SELECT member, body FROM ballots WHERE decision = ? ORDER BY member", [.text(decision)]) { r in
            (try r[0].decode(String.self), try Decode.ballot(try r[1].decode(String.self)))
        }
    }

    public func closeDecision(_ id: String, tally: String, actor: String, time: Double) async throws {
        try await mutate { conn in
            guard let r = try await self.rows(conn, "SELECT open FROM decisions WHERE id = ?", [.text(id)]).first else {
                throw DemocracyError(.notFound, field: "decision", "no decision '\(id)'")
            }
            guard try r[0].decode(Int32.self) != 0 else { throw DemocracyError(.closed, field: "decision", "decision '\(id)' is closed already") }
            _ = try await self.rows(conn, "UPDATE decisions SET open = 0, tally = ? WHERE id = ?", [.text(tally), .text(id)])
            return ((), (time, actor, "decision.close", id, tally))
        }
    }

    public func tally(decision: String) async throws -> String? {
        try await read("SELECT tally FROM decisions WHERE id = ?", [.text(decision)]) { try $0[0].decode(String?.self) }.first ?? nil
    }

    public func putDocument(_ d: StoredDocument, actor: String) async throws {
        try await mutate { conn in
            _ = try await self.rows(conn, """
                INSERT INTO documents (kind, id, body, hash, time) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, hash = excluded.hash, time = excluded.time
                """, [.text(d.kind), .text(d.id), .text(d.body), .text(d.hash), .double(d.time)])
            return ((), (d.time, actor, "document.put", "\(d.kind)/\(d.id)", d.hash))
        }
    }

    private static func document(_ r: PostgresRandomAccessRow) throws -> StoredDocument {
        StoredDocument(kind: try r[0].decode(String.self), id: try r[1].decode(String.self), body: try r[2].decode(String.self),
                       hash: try r[3].decode(String.self), time: try r[4].decode(Double.self))
    }

    public func document(kind: String, id: String) async throws -> StoredDocument? {
        try await read("SELECT kind, id, body, hash, time FROM documents WHERE kind = ? AND id = ?", [.text(kind), .text(id)], Self.document).first
    }

    public func documents(kind: String) async throws -> [StoredDocument] {
        try await read("SELECT kind, id, body, hash, time FROM documents WHERE kind = ? ORDER BY time, id", [.text(kind)], Self.document)
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await read("SELECT seq, time, actor, action, subject, body, prev, hash FROM audit ORDER BY seq", []) { r in
            AuditEntry(seq: try r[0].decode(Int64.self), time: try r[1].decode(Double.self), actor: try r[2].decode(String.self),
                       action: try r[3].decode(String.self), subject: try r[4].decode(String.self), body: try r[5].decode(String.self),
                       prev: try r[6].decode(String.self), hash: try r[7].decode(String.self))
        }
    }

    public func addStatement(_ st: Statement, actor: String) async throws {
        try await mutate { conn in
            if try await !self.rows(conn, "SELECT 1 FROM statements WHERE id = ?", [.text(st.id)]).isEmpty {
                throw DemocracyError(.conflict, field: "id", "statement '\(st.id)' exists already")
            }
            _ = try await self.rows(conn, "INSERT INTO statements (id, council, text, author, time) VALUES (?, ?, ?, ?, ?)",
                                    [.text(st.id), .text(st.council), .text(st.text), .text(st.author), .double(st.time)])
            return ((), (st.time, actor, "statement.add", st.id, st.body))
        }
    }

    public func statements(council: String) async throws -> [Statement] {
        try await read("SELECT id, council, text, author, time FROM statements WHERE council = ? ORDER BY time, id", [.text(council)]) { r in
            Statement(id: try r[0].decode(String.self), council: try r[1].decode(String.self), text: try r[2].decode(String.self),
                      author: try r[3].decode(String.self), time: try r[4].decode(Double.self))
        }
    }

    public func voteStatement(_ statement: String, member: String, vote: Int, time: Double) async throws {
        try await mutate { conn in
            if try await self.rows(conn, "SELECT 1 FROM statements WHERE id = ?", [.text(statement)]).isEmpty {
                throw DemocracyError(.notFound, field: "statement", "no statement '\(statement)'")
            }
            _ = try await self.rows(conn, """
                INSERT INTO statement_votes (statement, member, vote, time) VALUES (?, ?, ?, ?)
                ON CONFLICT (statement, member) DO UPDATE SET vote = excluded.vote, time = excluded.time
                """, [.text(statement), .text(member), .int(Int64(vote)), .double(time)])
            return ((), (time, member, "statement.vote", "\(statement)/\(member)", String(vote)))
        }
    }

    public func statementVotes(council: String) async throws -> [(statement: String, member: String, vote: Int)] {
        try await read("""
            SELECT v.statement, v.member, v.vote FROM statement_votes v JOIN statements s ON s.id = v.statement
            WHERE s.council = ? ORDER BY v.statement, v.member
            """, [.text(council)]) { r in (try r[0].decode(String.self), try r[1].decode(String.self), Int(try r[2].decode(Int32.self))) }
    }

    public func appendReports(_ reports: [StoredReport], actor: String, time: Double) async throws -> [Bool] {
        guard let batch = reports.first?.batch else { return [] }
        let result: [Bool] = try await mutate { conn in
            var seq = try Self.int(try await self.rows(conn, "SELECT COALESCE(MAX(seq), 0) FROM reports", []))
            var inserted: [Bool] = []
            var accepted: [StoredReport] = []
            for r in reports {
                if try await !self.rows(conn, "SELECT 1 FROM reports WHERE id = ?", [.text(r.id)]).isEmpty { inserted.append(false); continue }
                seq += 1
                _ = try await self.rows(conn, "INSERT INTO reports (seq, id, unit, indicator, period, value, time, member, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                        [.int(seq), .text(r.id), .text(r.unit), .text(r.indicator), .int(Int64(r.period)), .double(r.value),
                                         .double(r.time), .text(r.member), .text(r.batch)])
                inserted.append(true); accepted.append(r)
            }
            // An all-duplicate batch still gets an audit entry (empty hash) so the chain stays one per call.
            return (inserted, (time, actor, "reports.append", batch, accepted.isEmpty ? "" : ReportBatch.hash(accepted)))
        }
        return result
    }

    @inline(never)
    private static func int(_ rows: [PostgresRandomAccessRow]) throws -> Int64 { try rows.first?[0].decode(Int64.self) ?? 0 }

    public func reports() async throws -> [StoredReport] {
        try await read("SELECT id, unit, indicator, period, value, time, member, batch FROM reports ORDER BY seq", []) { r in
            StoredReport(id: try r[0].decode(String.self), unit: try r[1].decode(String.self), indicator: try r[2].decode(String.self),
                         period: Int(try r[3].decode(Int64.self)), value: try r[4].decode(Double.self), time: try r[5].decode(Double.self),
                         member: try r[6].decode(String.self), batch: try r[7].decode(String.self))
        }
    }

    public func appendAlertAction(_ a: AlertAction) async throws {
        try await mutate { conn in
            let seq = try Self.int(try await self.rows(conn, "SELECT COALESCE(MAX(seq), 0) FROM alert_actions", [])) + 1
            _ = try await self.rows(conn, "INSERT INTO alert_actions (seq, alert, action, by_member, note, time) VALUES (?, ?, ?, ?, ?, ?)",
                                    [.int(seq), .text(a.alert), .text(a.action), .text(a.by), .text(a.note), .double(a.time)])
            return ((), (a.time, a.by, "alert.\(a.action)", a.alert, a.body))
        }
    }

    public func alertActions() async throws -> [AlertAction] {
        try await read("SELECT alert, action, by_member, note, time FROM alert_actions ORDER BY seq", []) { r in
            AlertAction(alert: try r[0].decode(String.self), action: try r[1].decode(String.self), by: try r[2].decode(String.self),
                        note: try r[3].decode(String.self), time: try r[4].decode(Double.self))
        }
    }

    /// For tamper tests: run raw SQL outside the store's rules.
    public func unsafeExecute(_ sql: String) async throws {
        try await client.withConnection { conn in _ = try await conn.query(PostgresQuery(unsafeSQL: sql), logger: self.logger) }
    }
}
