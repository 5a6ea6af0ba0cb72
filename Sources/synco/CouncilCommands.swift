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
    @Flag(name: .customLong("private-needs"), help: "Give every guaranteed need to the council that makes the product, in its own file only (public.json keeps the other needs).")
    var privateNeeds = false

    func validate() throws { guard councils >= 1 else { throw ValidationError("--councils must be at least 1") } }

    func run() throws {
        let e = try loadEconomy(file)
        try CouncilFiles.write(e, councils: councils, to: out, privateNeeds: privateNeeds)
        print("wrote \(out)/public.json and council-1…\(councils).json")
    }
}

enum CouncilFiles {
    /// public.json: the catalogue, limits and public needs, no techniques; council-N.json: that
    /// council's techniques and (with `privateNeeds`) its private guaranteed needs.
    static func write(_ e: Economy, councils k: Int, to dir: String, privateNeeds: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let doc = e.document()
        var pub = privateNeeds ? Decomposition.publicPart(e).document() : doc
        pub.techniques = []
        pub.name = (doc.name ?? "economy") + " (public part)"
        try FileIO.write(EconomyJSON.encode(pub), to: dir + "/public.json")
        let parts = privateNeeds ? Decomposition.splitWithPrivateNeeds(e, councils: k).councils : Decomposition.split(e, councils: k)
        let productIndex = Dictionary(doc.products.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (n, part) in parts.enumerated() {
            var d = doc
            d.needs = privateNeeds ? doc.needs.filter { need in
                need.guaranteed && productIndex[need.product].map { part.holdsNeed(forProduct: $0) } == true
            } : []
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
        abstract: "Coordinate councils in other processes (ADMM or Dantzig–Wolfe) over HTTP; print the result as JSON when done.",
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
    @Option(help: "admm (councils get targets, report quantities) or dantzig-wolfe (councils get valuations, report proposals and rents).")
    var mode: String = "admm"

    func validate() throws {
        guard Coordination.Settings.Mode(rawValue: mode) != nil else { throw ValidationError("--mode must be admm or dantzig-wolfe") }
    }

    func run() async throws {
        let bytes = try FileIO.readAll(file)
        let doc: EconomyDocument
        do { doc = try EconomyJSON.decode(bytes, source: file) } catch { throw InputError(error.description) }
        var central: Double? = nil
        if let compare { central = Planner.solve(try loadEconomy(compare)).fulfilment }
        var s = Coordination.Settings(councils: (1...max(1, councils)).map { "council-\($0)" })
        s.mode = Coordination.Settings.Mode(rawValue: mode) ?? .admm
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
        @Option(help: "Dantzig–Wolfe: keep this council's plans in this file (private, local) so a restarted council can still carry out the mix the coordinator asks for.")
        var state: String?

        func run() async throws {
            let e = try loadEconomy(economy)
            let me = id ?? e.name
            let all = Array(0..<e.techniqueCount)
            // Needs in a council's own file are its private needs: guaranteed, never sent.
            if let n = e.needs.first(where: { !$0.guaranteed }) {
                throw InputError("\(economy): need for \(e.products[Int(n.product)].id) is not guaranteed; a council's private needs must be guaranteed (needs met in proportion λ belong in the public part)")
            }
            let internalNeeds = e.needs.map { (product: Int($0.product), amount: $0.amount) }
            var publicDoc = e.document()
            publicDoc.needs = []
            let names = LinkingRows(document: publicDoc, scale: []).names
            let client = CoordinatorClient(base: coordinator, token: token, patience: patience)
            var status = try await client.post("join", .object([
                ("council", .string(me)), ("rows", .array(names.map { .string($0) })),
                ("row_max", .array(LinkingRows.rowMaxima(e, techniques: all).map { .number($0) })),
                ("internal_needs", .bool(!internalNeeds.isEmpty))]))
            while status["ready"] != .bool(true) {
                try await Task.sleep(for: .milliseconds(50))
                status = try await client.get("round?council=\(me)")
            }
            guard case .array(let sv)? = status["scale"] else { throw InputError("coordinator sent no scale") }
            let scale: [Double] = sv.map { v -> Double in if case .number(let x) = v { return x } else { return 1 } }
            var sigma: Double? = nil
            if case .number(let sg)? = status["sigma"] { sigma = sg }
            let rowsHere = LinkingRows(document: publicDoc, scale: scale, sigma: sigma)
            let part = rowsHere.council(id: me, techniques: all, e, internalNeeds: internalNeeds)
            if status["mode"] == .string("dantzig-wolfe") {
                return try await proposeRounds(part, rows: rowsHere, client: client, me: me)
            }
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

        /// Dantzig–Wolfe: each round answer every price set with the plan that earns most within
        /// the council's capacities — reporting only its id, its net quantities and its rent —
        /// and keep the plans; the current plan is the mix of them with the weights received.
        func proposeRounds(_ part: Decomposition.Council, rows: LinkingRows, client: CoordinatorClient, me: String) async throws {
            let caps = part.effectiveCapacity(rows)
            // Plans by id; the id is a hash of the plan, so it is the same after a restart.
            var plans: [Int: [Double]] = [0: [Double](repeating: 0, count: part.columnCount)]
            if let state, let data = FileManager.default.contents(atPath: state) {
                guard case .array(let saved)? = try? JSONParser.parse(Array(data))["plans"] else { throw InputError("\(state): not a council state file") }
                for item in saved {
                    guard case .number(let id)? = item["plan"], case .array(let xv)? = item["x"], xv.count == part.columnCount else {
                        throw InputError("\(state): a plan needs an id and \(part.columnCount) activities")
                    }
                    plans[Int(id)] = xv.map { v -> Double in if case .number(let y) = v { return y } else { return 0 } }
                }
                writeStderr("\(me): resumed with \(plans.count) plans from \(state)\n")
            }
            func planID(_ x: [Double]) -> Int {
                guard x.contains(where: { $0 != 0 }) else { return 0 }
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for v in x { h = (h ^ v.bitPattern) &* 0x0000_0100_0000_01b3 }
                return Int(h % 999_999_937) + 1
            }
            func save() {
                guard let state else { return }
                let v: JSONValue = .object([("council", .string(me)), ("plans", .array(plans.sorted { $0.key < $1.key }.map {
                    .object([("plan", .number(Double($0.key))), ("x", .array($0.value.map { JSONValue.number($0) }))]) }))])
                if FileManager.default.createFile(atPath: state + ".tmp", contents: Data(JSONWriter(pretty: false).string(v).utf8)) {
                    _ = rename(state + ".tmp", state)
                }
            }
            var rounds = 0
            var last = JSONValue.null
            while true {
                let s = try await client.get("round?council=\(me)")
                last = s
                if s["done"] == .bool(true) { break }
                guard s["reported"] == .bool(false), case .number(let r)? = s["round"], case .array(let sets)? = s["prices"] else {
                    try await Task.sleep(for: .milliseconds(2)); continue
                }
                var proposals: [JSONValue] = []
                for set in sets {
                    guard case .array(let pv) = set, pv.count == rows.count else { throw InputError("coordinator sent a price set of the wrong length") }
                    let prices: [Double] = pv.map { v -> Double in if case .number(let y) = v { return max(0, y) } else { return 0 } }
                    let best = part.bestPlan(prices: prices, capacity: caps)
                    let id = planID(best.x)
                    if plans[id] == nil { plans[id] = best.x; save() }
                    proposals.append(.object([("plan", .number(Double(id))), ("z", .array(best.z.map { JSONValue.number($0) })),
                                              ("rent", .number(best.rent))]))
                }
                _ = try? await client.post("report", .object([("council", .string(me)), ("round", .number(r)), ("proposals", .array(proposals))]))
                rounds += 1
            }
            // The plan this council carries out: its proposals mixed with the final weights.
            var activity = [Double](repeating: 0, count: part.columnCount)
            var used = 0
            if case .array(let ws)? = last["weights"] {
                for w in ws {
                    guard case .number(let p)? = w["plan"], case .number(let wt)? = w["weight"], let k = Int(exactly: p), k >= 0 else { continue }
                    guard let x = plans[k] else {
                        writeStderr("\(me): the coordinator mixes plan \(k), which this council no longer has (restarted without --state)\n")
                        continue
                    }
                    for j in activity.indices { activity[j] += wt * x[j] }
                    used += 1
                }
            }
            writeStderr("\(me): done after \(rounds) reports; its plan mixes \(used) of its \(plans.count) plans, total activity \(activity.reduce(0, +))\n")
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
