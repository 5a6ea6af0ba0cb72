import SyncoData
import SyncoDemocracy
import SyncoModel

/// One entry of the append-only audit log. `hash` = SHA-256 over the previous entry's hash and
/// this entry's fields, so changing, removing or reordering any entry breaks every later hash.
public struct AuditEntry: Sendable, Hashable {
    public var seq: Int64
    public var time: Double
    public var actor: String
    public var action: String
    public var subject: String
    public var body: String
    public var prev: String
    public var hash: String

    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(seq: Int64, time: Double, actor: String, action: String, subject: String, body: String, prev: String) -> String {
        var h = SHA256()
        for part in [prev, String(seq), time.description, actor, action, subject, body] {
            h.update(String(part.utf8.count)); h.update(":"); h.update(part); h.update("\n")
        }
        return SHA256.hex(bytes: h.finish())
    }
}

/// A stored document: the base economy, an assembled economy, or a plan with its provenance.
public struct StoredDocument: Sendable, Hashable {
    public var kind: String
    public var id: String
    public var body: String
    public var hash: String
    public var time: Double
    public init(kind: String, id: String, body: String, hash: String, time: Double) {
        self.kind = kind; self.id = id; self.body = body; self.hash = hash; self.time = time
    }
}

/// What the audit check found.
public struct AuditReport: Sendable, Hashable {
    public var entries: Int
    public var problems: [String]
    public var ok: Bool { problems.isEmpty }
}

/// Persistence for councils, members, submissions, decisions, ballots, documents and the audit
/// log. Every mutating call is one transaction that also appends its audit entry: either both
/// land or neither. The SQLite and PostgreSQL stores pass the same test suite.
public protocol SyncoStore: Sendable {
    var description: String { get }
    func migrate() async throws
    func close() async throws

    func addCouncil(_ c: Council, actor: String, time: Double) async throws
    func councils() async throws -> [Council]

    func addMember(_ m: Member, tokenHash: String, actor: String, time: Double) async throws
    func member(tokenHash: String) async throws -> Member?
    func members(council: String) async throws -> [Member]

    /// Stores the submission as the council's newest and returns it with its sequence number.
    func appendSubmission(_ s: Submission, actor: String) async throws -> Submission
    func submissions(council: String) async throws -> [Submission]

    func addDecision(_ d: Decision, actor: String, time: Double) async throws
    func decisions() async throws -> [Decision]
    /// Records or replaces the member's ballot; fails with `.closed` once the decision is closed.
    func castBallot(decision: String, member: String, ballot: Ballot, time: Double) async throws
    func ballots(decision: String) async throws -> [(member: String, ballot: Ballot)]
    /// Closes the decision and stores its tally (as JSON text).
    func closeDecision(_ id: String, tally: String, actor: String, time: Double) async throws
    func tally(decision: String) async throws -> String?

    func putDocument(_ d: StoredDocument, actor: String) async throws
    func document(kind: String, id: String) async throws -> StoredDocument?
    func documents(kind: String) async throws -> [StoredDocument]

    func auditLog() async throws -> [AuditEntry]

    /// Opinion statements (Polis-like) of a council, and members' agree/disagree/pass votes.
    func addStatement(_ st: Statement, actor: String) async throws
    func statements(council: String) async throws -> [Statement]
    /// Records or replaces the member's vote (−1, 0, +1) on a statement.
    func voteStatement(_ statement: String, member: String, vote: Int, time: Double) async throws
    /// Votes on the council's statements: (statement, member, vote).
    func statementVotes(council: String) async throws -> [(statement: String, member: String, vote: Int)]

    /// Stores a batch of execution reports in one transaction; a report whose id is stored
    /// already is skipped (idempotent). Returns, per report, whether it was inserted.
    func appendReports(_ reports: [StoredReport], actor: String, time: Double) async throws -> [Bool]
    /// All stored reports in the order they were accepted.
    func reports() async throws -> [StoredReport]
    func appendAlertAction(_ a: AlertAction) async throws
    func alertActions() async throws -> [AlertAction]
}

/// A statement members vote on in the opinion map.
public struct Statement: Sendable, Hashable {
    public var id: String
    public var council: String
    public var text: String
    public var author: String
    public var time: Double
    public init(id: String, council: String, text: String, author: String, time: Double) {
        self.id = id; self.council = council; self.text = text; self.author = author; self.time = time
    }
    var body: String {
        DemocracyJSON.string(.object([("id", .string(id)), ("council", .string(council)), ("text", .string(text)), ("author", .string(author))]))
    }
}

extension SyncoStore {
    public func decision(_ id: String) async throws -> Decision? { try await decisions().first { $0.id == id } }

    /// Current submission of every council, in council order.
    public func currentSubmissions() async throws -> [Submission] {
        var out: [Submission] = []
        for c in try await councils().sorted(by: { $0.id < $1.id }) {
            if let s = try await submissions(council: c.id).last { out.append(s) }
        }
        return out
    }

    /// Checks the hash chain, and that the stored rows still equal what the log recorded.
    public func verifyAudit() async throws -> AuditReport {
        let log = try await auditLog()
        var problems: [String] = []
        var prev = AuditEntry.genesis
        for (i, e) in log.enumerated() {
            if e.seq != Int64(i + 1) { problems.append("entry \(i + 1): sequence is \(e.seq), expected \(i + 1) (an entry was removed or inserted)") }
            if e.prev != prev { problems.append("entry \(e.seq): previous hash does not match entry \(e.seq - 1)") }
            let h = AuditEntry.hash(seq: e.seq, time: e.time, actor: e.actor, action: e.action, subject: e.subject, body: e.body, prev: e.prev)
            if h != e.hash { problems.append("entry \(e.seq) (\(e.action) \(e.subject)): content does not match its hash") }
            prev = e.hash
        }
        // The latest logged body of each subject must equal the row as stored now.
        var latest: [String: String] = [:]
        for e in log { latest["\(e.action)|\(e.subject)"] = e.body }
        for c in try await councils() {
            let body = DemocracyJSON.string(DemocracyJSON.value(c))
            if latest["council.add|\(c.id)"] != body { problems.append("council \(c.id): row differs from the audit log") }
        }
        for c in try await councils() {
            for s in try await submissions(council: c.id) {
                let body = DemocracyJSON.string(DemocracyJSON.value(s))
                if latest["submission.append|\(s.id)"] != body { problems.append("submission \(s.id): row differs from the audit log") }
            }
        }
        for d in try await decisions() {
            for (m, b) in try await ballots(decision: d.id) {
                let body = DemocracyJSON.string(DemocracyJSON.value(b))
                if latest["ballot.cast|\(d.id)/\(m)"] != body { problems.append("ballot \(d.id)/\(m): row differs from the audit log") }
            }
            if let t = try await tally(decision: d.id), latest["decision.close|\(d.id)"] != t {
                problems.append("decision \(d.id): stored tally differs from the audit log")
            }
        }
        var batches: [String: [StoredReport]] = [:]
        for r in try await reports() { batches[r.batch, default: []].append(r) }
        for (b, rs) in batches where latest["reports.append|\(b)"] != ReportBatch.hash(rs) {
            problems.append("report batch \(b): rows differ from the audit log")
        }
        return AuditReport(entries: log.count, problems: problems)
    }
}

/// Errors a store reports.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

/// The schema, the same for both databases (types both understand).
enum Schema {
    static let statements = [
        "CREATE TABLE IF NOT EXISTS councils (id TEXT PRIMARY KEY, body TEXT NOT NULL, time DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS members (id TEXT PRIMARY KEY, council TEXT NOT NULL, body TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE)",
        "CREATE INDEX IF NOT EXISTS members_council ON members (council)",
        "CREATE TABLE IF NOT EXISTS submissions (council TEXT NOT NULL, sequence BIGINT NOT NULL, body TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (council, sequence))",
        "CREATE TABLE IF NOT EXISTS decisions (id TEXT PRIMARY KEY, body TEXT NOT NULL, open INTEGER NOT NULL, tally TEXT, time DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ballots (decision TEXT NOT NULL, member TEXT NOT NULL, body TEXT NOT NULL, time DOUBLE PRECISION NOT NULL, PRIMARY KEY (decision, member))",
        "CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, hash TEXT NOT NULL, time DOUBLE PRECISION NOT NULL, PRIMARY KEY (kind, id))",
        "CREATE TABLE IF NOT EXISTS statements (id TEXT PRIMARY KEY, council TEXT NOT NULL, text TEXT NOT NULL, author TEXT NOT NULL, time DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS statement_votes (statement TEXT NOT NULL, member TEXT NOT NULL, vote INTEGER NOT NULL, time DOUBLE PRECISION NOT NULL, PRIMARY KEY (statement, member))",
        "CREATE TABLE IF NOT EXISTS reports (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL, indicator TEXT NOT NULL, period BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, time DOUBLE PRECISION NOT NULL, member TEXT NOT NULL, batch TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS alert_actions (seq BIGINT PRIMARY KEY, alert TEXT NOT NULL, action TEXT NOT NULL, by_member TEXT NOT NULL, note TEXT NOT NULL, time DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS audit (seq BIGINT PRIMARY KEY, time DOUBLE PRECISION NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)",
    ]
}

/// Opens the store a URL names: `sqlite:PATH` (or a plain path), `sqlite::memory:`, or `postgres://user:pass@host:port/db`.
public enum StoreURL {
    public static func open(_ url: String) async throws -> any SyncoStore {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try PostgresStore(url: url)
        }
        var path = url
        if path.hasPrefix("sqlite://") { path.removeFirst("sqlite://".count) } else if path.hasPrefix("sqlite:") { path.removeFirst("sqlite:".count) }
        guard !path.isEmpty else { throw StoreError("database URL '\(url)': expected sqlite:PATH or postgres://user:password@host:port/database") }
        return try SQLiteStore(path: path)
    }
}

/// Decoding of stored rows, kept in synchronous functions: the stores call them inside their
/// read closures (the Swift 6.3 optimiser crashed splitting async functions that decoded inline
/// with typed throws).
enum Decode {
    static func json(_ text: String) throws -> JSONValue {
        do { return try JSONParser.parse(text) } catch { throw StoreError("stored JSON does not parse: \(error)") }
    }
    static func council(_ body: String) throws -> Council { try DemocracyJSON.council(try JSONFields(try json(body))) }
    static func member(_ body: String, council: String) throws -> Member {
        let f = try JSONFields(try json(body))
        return try DemocracyJSON.member(try JSONFields(.object(f.object.filter { $0.key != "council" })), council: council)
    }
    static func submission(_ body: String) throws -> Submission { try DemocracyJSON.storedSubmission(try json(body)) }
    static func decision(_ body: String, open: Bool) throws -> Decision {
        var d = try DemocracyJSON.decision(try JSONFields(try json(body)))
        d.open = open
        return d
    }
    static func ballot(_ body: String) throws -> Ballot { try DemocracyJSON.ballot(try JSONFields(try json(body))) }
}

/// A member's ballot as a Sendable pair.
struct MemberBallot: Sendable {
    var member: String
    var ballot: Ballot
}
