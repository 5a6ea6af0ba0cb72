import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import SyncoData
import SyncoModel
import SyncoPlan
import SyncoServer

/// `synco split`: one economy → a public part (catalogue, needs, limits; no techniques) and one
/// private part per council (its techniques; no needs).
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split", abstract: "Split an economy into a public part and council parts (by sector, else in blocks) for decentral planning.")
    @Argument(help: "Economy file.") var file: String
    @Option(help: "Number of councils.") var councils: Int = 4
    @Option(help: "Output folder (public.json, council-1.json, …).") var out: String

    func validate() throws { guard councils >= 1 else { throw ValidationError("--councils must be at least 1") } }

    func run() throws {
        let e = try loadEconomy(file)
        try CouncilFiles.write(e, councils: councils, to: out)
        print("wrote \(out)/public.json and council-1…\(councils).json")
    }
}

enum CouncilFiles {
    static func write(_ e: Economy, councils k: Int, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let doc = e.document()
        var pub = doc
        pub.techniques = []
        pub.name = (doc.name ?? "economy") + " (public part)"
        try FileIO.write(EconomyJSON.encode(pub), to: dir + "/public.json")
        for (n, part) in Decomposition.split(e, councils: k).enumerated() {
            var d = doc
            d.needs = []
            d.techniques = part.techniques.map { doc.techniques[$0] }
            d.name = "council-\(n + 1)"
            try FileIO.write(EconomyJSON.encode(d), to: dir + "/council-\(n + 1).json")
        }
    }
}

/// `synco coordinate`: the coordinator as a network service; prints the result (JSON) and exits when done.
struct CoordinateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinate",
        abstract: "Coordinate councils in other processes (ADMM) over HTTP; print the result as JSON when done.",
        discussion: "The coordinator receives each council's row maxima once and its net quantities every round — never techniques. A round closes when every council reported or --round-deadline seconds passed (the last quantities of a missing council are used). With --state the coordinator saves every round and resumes after a restart.")
    @Argument(help: "Public part (split's public.json).") var file: String
    @Option(help: "Number of councils (ids council-1 … council-K).") var councils: Int
    @Option(help: "Port.") var port: Int = 8700
    @Option(help: "Shared token councils present.") var token: String
    @Option(help: "Relative tolerance.") var tolerance: Double = 1e-4
    @Option(help: "Round limit.") var maxRounds: Int = 20_000
    @Option(help: "Seconds before a round closes without a council.") var roundDeadline: Double = 2
    @Option(help: "State file (saved every round; resumed on restart).") var state: String?
    @Option(help: "Log every request body here (to show what crosses the wire).") var wireLog: String?
    @Option(help: "The whole economy, only to print the central fulfilment for comparison.") var compare: String?

    func run() async throws {
        let bytes = try FileIO.readAll(file)
        let doc: EconomyDocument
        do { doc = try EconomyJSON.decode(bytes, source: file) } catch { throw InputError(error.description) }
        var central: Double? = nil
        if let compare { central = Planner.solve(try loadEconomy(compare)).fulfilment }
        var s = Coordination.Settings(councils: (1...max(1, councils)).map { "council-\($0)" })
        s.tolerance = tolerance; s.maxRounds = maxRounds; s.roundDeadline = roundDeadline; s.stateFile = state; s.wireLog = wireLog
        let coordination = try Coordination(document: doc, settings: s)
        let app = Application(router: Coordination.router(coordination, token: token),
                              configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "synco-coordinator"),
                              onServerRunning: { _ in writeStderr("coordinator on http://127.0.0.1:\(port)/coordination for \(councils) councils\n") })
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                await coordination.tick()
                if await coordination.done {
                    try? await Task.sleep(for: .seconds(1.5))     // let the councils see "done"
                    print(JSONWriter(pretty: true).string(await coordination.result(central: central)))
                    Glibc.exit(0)
                }
            }
        }
        defer { watcher.cancel() }
        try await app.runService()
    }
}

/// `synco council run`: one council as its own process, holding its private part.
struct CouncilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "council", abstract: "Run councils.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one council: join the coordinator, then each round compute the local step privately and report net quantities.")
        @Option(help: "The council's private part (split's council-N.json).") var economy: String
        @Option(help: "Coordinator base URL, e.g. http://127.0.0.1:8700.") var coordinator: String
        @Option(help: "Shared token.") var token: String
        @Option(help: "Council id (default: the file's name field, e.g. council-2).") var id: String?
        @Option(help: "Local iterations per round.") var inner: Int = 30
        @Option(help: "Give up after this many seconds without reaching the coordinator.") var patience: Double = 60

        func run() async throws {
            let e = try loadEconomy(economy)
            let me = id ?? e.name
            let all = Array(0..<e.techniqueCount)
            let names = LinkingRows(document: e.document(), scale: []).names
            let client = CoordinatorClient(base: coordinator, token: token, patience: patience)
            var status = try await client.post("join", .object([
                ("council", .string(me)), ("rows", .array(names.map { .string($0) })),
                ("row_max", .array(LinkingRows.rowMaxima(e, techniques: all).map { .number($0) }))]))
            while status["ready"] != .bool(true) {
                try await Task.sleep(for: .milliseconds(50))
                status = try await client.get("round?council=\(me)")
            }
            guard case .array(let sv)? = status["scale"] else { throw InputError("coordinator sent no scale") }
            let scale: [Double] = sv.map { v -> Double in if case .number(let x) = v { return x } else { return 1 } }
            let part = LinkingRows(document: e.document(), scale: scale).council(id: me, techniques: all, e)
            let lipschitz = part.normSquared()
            var x = [Double](repeating: 0, count: all.count)
            var rounds = 0
            while true {
                let s = try await client.get("round?council=\(me)")
                if s["done"] == .bool(true) { break }
                guard s["reported"] == .bool(false), case .number(let r)? = s["round"], case .array(let tv)? = s["target"] else {
                    try await Task.sleep(for: .milliseconds(2)); continue
                }
                let target: [Double] = tv.map { v -> Double in if case .number(let y) = v { return y } else { return 0 } }
                let step = part.boxLeastSquares(start: x, target: target, lipschitz: lipschitz, iterations: inner)
                x = step.x
                _ = try? await client.post("report", .object([("council", .string(me)), ("round", .number(r)),
                                                               ("z", .array(step.z.map { JSONValue.number($0) }))]))
                rounds += 1
            }
            writeStderr("\(me): done after \(rounds) reports\n")
        }
    }
}

/// A small JSON-over-HTTP client for the coordinator, retrying while it is unreachable.
struct CoordinatorClient: Sendable {
    let base: String
    let token: String
    let patience: Double

    func get(_ path: String) async throws -> JSONValue { try await send("GET", path, nil) }
    func post(_ path: String, _ body: JSONValue) async throws -> JSONValue { try await send("POST", path, body) }

    func send(_ method: String, _ path: String, _ body: JSONValue?) async throws -> JSONValue {
        guard let url = URL(string: base + "/coordination/" + path) else { throw InputError("bad coordinator URL \(base)") }
        var req = URLRequest(url: url)
        req.httpMethod = method
        req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body { req.httpBody = Data(JSONWriter(pretty: false).string(body).utf8); req.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let start = Date()
        while true {
            do {
                let (data, response) = try await URLSession.shared.data(for: req)
                let code = (response as? HTTPURLResponse)?.statusCode ?? 0
                guard (200..<300).contains(code) else {
                    throw InputError("coordinator answered \(code) to \(method) \(path): \(String(decoding: data, as: UTF8.self))")
                }
                return try JSONParser.parse(Array(data))
            } catch let e as InputError { throw e } catch {
                // Unreachable (not started yet, or restarting): retry until patience runs out.
                if Date().timeIntervalSince(start) > patience { throw InputError("coordinator \(base) unreachable for \(Int(patience)) s: \(error)") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
