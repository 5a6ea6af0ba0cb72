import ArgumentParser
import Foundation
import Hummingbird
import SyncoData
import SyncoDemocracy
import SyncoFeedback
import SyncoServer
import SyncoStore

/// Opens the store a URL names and migrates it; input errors name the URL.
func openStore(_ url: String) async throws -> any SyncoStore {
    do {
        let s = try await StoreURL.open(url)
        try await s.migrate()
        return s
    } catch let e as StoreError { throw InputError(e.description) } catch {
        throw InputError("database \(url): \(error)")
    }
}

/// The admin token: $SYNCO_ADMIN_TOKEN, else the token file, else a new one written there (mode 600).
func adminToken(file: String) throws -> String {
    if let t = ProcessInfo.processInfo.environment["SYNCO_ADMIN_TOKEN"], !t.isEmpty { return t }
    if let d = FileManager.default.contents(atPath: file), let s = String(data: d, encoding: .utf8) {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty { return t }
    }
    let t = FederationService.newToken()
    guard FileManager.default.createFile(atPath: file, contents: Data((t + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
        throw InputError("\(file): cannot write the admin token file")
    }
    writeStderr("admin token written to \(file) (shown nowhere else)\n")
    return t
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (/api/v1), /openapi.json, /health, /metrics and the opsroom page.",
        discussion: "On a new database the bundled example federation is loaded and planned once, so there is something to see at once.")
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Database URL: sqlite:PATH or postgres://user:password@host:port/database.") var database: String = "sqlite:synco.sqlite"
    @Option(help: "Federation file loaded into a new (empty) database.") var example: String = "examples/federation.json"
    @Flag(help: "Start with an empty database.") var noExample = false
    @Option(help: "File holding the admin token (created if missing; $SYNCO_ADMIN_TOKEN overrides).") var adminTokenFile: String = "synco-admin.token"
    @Option(help: "Requests per second per caller on /api.") var rateLimit: Double = 500
    @Option(help: "Largest request body in bytes.") var maxBody: Int = 1 << 20
    @Option(help: "Seconds an alert may stay unacknowledged before it escalates one level.") var ackTimeout: Double = 3600
    @Option(help: "Seconds an acknowledged alert may stay unresolved before it escalates.") var resolveTimeout: Double = 86_400

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be in 1...65535") }
        guard rateLimit > 0 else { throw ValidationError("--rate-limit must be positive") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024") }
        guard ackTimeout > 0, resolveTimeout > 0 else { throw ValidationError("--ack-timeout and --resolve-timeout must be positive") }
    }

    func run() async throws {
        let store = try await openStore(database)
        let token = try adminToken(file: adminTokenFile)
        let service = FederationService(store: store, adminToken: token,
                                        escalation: EscalationPolicy(ackTimeout: ackTimeout, resolveTimeout: resolveTimeout))
        if !noExample, try await store.councils().isEmpty, FileManager.default.fileExists(atPath: example) {
            try await seed(service)
        } else {
            try await service.restore()
            let c = await service.cyber.counts
            if c.reports > 0 { writeStderr("restored \(c.reports) execution reports in \(c.series) series\n") }
        }
        // Escalation timers run on the wall clock.
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                _ = await service.cyber.tick(now: Date().timeIntervalSince1970)
            }
        }
        defer { ticker.cancel() }
        var limits = ServerLimits()
        limits.ratePerSecond = rateLimit
        limits.maxBody = maxBody
        let app = Application(responder: SyncoHTTP.router(service, limits: limits),
                              configuration: .init(address: .hostname(host, port: port), serverName: "synco"),
                              onServerRunning: { _ in writeStderr("synco serving \(store.description) on http://\(host):\(port)/ (opsroom at /, API under /api/v1)\n") })
        try await app.runService()
    }

    func seed(_ service: FederationService) async throws {
        let bytes = try FileIO.readAll(example)
        let fed: FederationFile
        do { fed = try FederationFile(bytes: bytes, source: example) } catch { throw InputError("\(error)") }
        let tokens = try await fed.load(into: service)
        let tokenFile = "synco-example-tokens.txt"
        let text = "# member tokens of the example federation (\(fed.name)); keep private\n" + tokens.map { "\($0.member) \($0.token)" }.joined(separator: "\n") + "\n"
        FileManager.default.createFile(atPath: tokenFile, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        writeStderr("loaded the example federation '\(fed.name)' (\(fed.councils.count) councils, \(fed.members.count) members); member tokens in \(tokenFile)\n")
        let (id, _) = try await service.plan(by: .admin)
        writeStderr("planned once: /api/v1/plans/\(id)\n")
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the audit log.", subcommands: [Verify.self])
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the audit hash chain and that stored rows equal what the log recorded. Exit 1 on tampering.")
        @Option(help: "Database URL.") var database: String = "sqlite:synco.sqlite"
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        func run() async throws {
            let store = try await openStore(database)
            let r = try await store.verifyAudit()
            try await store.close()
            if format == .json {
                print(JSONWriter(pretty: true).string(.object([("ok", .bool(r.ok)), ("entries", .number(Double(r.entries))), ("problems", .array(r.problems.map { .string($0) }))])))
            } else {
                print(r.ok ? "audit log intact: \(r.entries) entries, chain and rows verified" : "audit log TAMPERED: \(r.problems.count) problem(s)")
                for p in r.problems { print("  " + p) }
            }
            if !r.ok { throw InputError("\(database): audit verification failed") }
        }
    }
}
