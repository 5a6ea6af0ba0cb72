import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import NIOCore
import SyncoData
import SyncoDemocracy
import SyncoModel
import SyncoPlan
import SyncoStore

/// The coordinator of decentral planning as a network service (`synco coordinate`): councils in
/// other processes join with their row maxima, then each round fetch their target and report
/// their net quantities. The coordinator sees nothing else — every request body can be logged
/// (`wireLog`) to show it. A round closes when all councils reported or the deadline passed
/// (a slow or gone council's last quantities are used); the state is saved after every round so
/// a restarted coordinator resumes.
public actor Coordination {
    static func body(_ r: Request) async throws -> (JSONFields, [UInt8]) {
        var r = r
        let bytes = Array(try await r.collectBody(upTo: 16 << 20).readableBytesView)
        do { return (try JSONFields.parse(bytes), bytes) } catch { throw HTTPError(.badRequest, message: "\(error)") }
    }

    static func numbers(_ f: JSONFields, _ k: String) throws -> [Double] {
        try f.array(k, max: 10_000_000).enumerated().map { i, v in
            guard case .number(let x) = v else { throw HTTPError(.badRequest, message: "\(k)[\(i)]: expected a number") }
            return x
        }
    }

    static func reply(_ v: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: JSONWriter(pretty: false).string(v))))
    }

    public struct Settings: Sendable {
        public enum Mode: String, Sendable { case admm, dantzigWolfe = "dantzig-wolfe" }
        public var councils: [String]
        /// admm: councils get targets and report quantities; dantzig-wolfe: councils get
        /// valuations and report proposals (quantities and rent) and mix them as told.
        public var mode: Mode = .admm
        public var tolerance = 1e-4
        public var maxRounds = 20_000
        public var roundDeadline = 2.0
        public var stateFile: String?
        public var wireLog: String?
        public init(councils: [String]) { self.councils = councils }
    }

    let document: EconomyDocument
    let settings: Settings
    var rowMax: [String: [Double]] = [:]
    /// Councils that said they hold private needs (nothing else about them travels).
    var privateNeeds: Set<String> = []
    var coordinator: ADMMCoordinator?
    var dw: DWCoordinator?
    var reports: [String: [Double]] = [:]
    var answers: [String: [DWCoordinator.Answer]] = [:]
    var roundStarted = Date()
    public private(set) var done = false
    public private(set) var fulfilment = 0.0
    public private(set) var residual = Double.infinity
    public private(set) var flagged: [(council: String, reason: String)] = []
    public private(set) var missed: [String: Int] = [:]
    var history: [Decomposition.Round] = []
    let started0 = Date()
    public private(set) var seconds = 0.0
    let rowNames: [String]

    public init(document: EconomyDocument, settings: Settings) throws {
        self.document = document
        self.settings = settings
        rowNames = LinkingRows(document: document, scale: []).names
        if let f = settings.stateFile, let data = FileManager.default.contents(atPath: f) {
            if settings.mode == .dantzigWolfe {
                let (c, d) = try Self.restoreDW(data, document: document, councils: settings.councils.count, file: f)
                dw = c
                if case .array(let names)? = try? JSONParser.parse(Array(data))["private_needs"] {
                    for n in names { if case .string(let id) = n { privateNeeds.insert(id) } }
                }
                done = d
                fulfilment = c.fulfilment
                residual = c.residual
            } else {
                let (c, d) = try Self.restore(data, document: document, file: f)
                coordinator = c
                done = d
            }
            for name in settings.councils { rowMax[name] = [] }
        }
    }

    /// Whether all councils have joined and the rounds have begun.
    var started: Bool { coordinator != nil || dw != nil }

    private static func restoreDW(_ data: Data, document: EconomyDocument, councils K: Int, file: String) throws -> (DWCoordinator, Bool) {
        func nums(_ a: [JSONValue]) -> [Double] { a.map { if case .number(let x) = $0 { x } else { 0 } } }
        guard let v = try? JSONParser.parse(Array(data)), v["mode"] == .string("dantzig-wolfe"), case .array(let scale)? = v["scale"],
              case .array(let props)? = v["proposals"], props.count == K, case .number(let penalty)? = v["penalty"],
              case .number(let round)? = v["round"] else {
            throw CoordinationError("state file \(file): not a dantzig-wolfe coordinator state for \(K) councils")
        }
        let rows = LinkingRows(document: document, scale: nums(scale))
        var saved: [[(plan: Int, z: [Double])]] = []
        for list in props {
            guard case .array(let items) = list else { throw CoordinationError("state file \(file): proposals must be arrays") }
            saved.append(try items.map { item in
                guard case .number(let plan)? = item["plan"], case .array(let z)? = item["z"], z.count == rows.count else {
                    throw CoordinationError("state file \(file): a proposal needs plan and \(rows.count) quantities")
                }
                return (Int(plan), nums(z))
            })
        }
        var bound = Double.infinity
        if case .number(let b)? = v["best_bound"] { bound = b }
        var center: [Double]? = nil
        if case .array(let c)? = v["center"] { center = nums(c) }
        let c = DWCoordinator(rows: rows, councils: K, proposals: saved, penalty: penalty, bestBound: bound, center: center,
                              round: Int(exactly: round) ?? 0)
        var d = false
        if case .bool(let x)? = v["done"] { d = x }
        return (c, d)
    }

    // MARK: state file

    private static func restore(_ data: Data, document: EconomyDocument, file: String) throws -> (ADMMCoordinator, Bool) {
        guard let v = try? JSONParser.parse(Array(data)), case .array(let scale)? = v["scale"], case .array(let zs)? = v["z"],
              case .array(let w)? = v["w"], case .array(let u)? = v["u"], case .number(let rho)? = v["rho"],
              case .number(let lambda)? = v["lambda"], case .number(let round)? = v["round"] else {
            throw CoordinationError("state file \(file): not a coordinator state")
        }
        func nums(_ a: [JSONValue]) -> [Double] { a.map { if case .number(let x) = $0 { x } else { 0 } } }
        let rows = LinkingRows(document: document, scale: nums(scale))
        var balancing: ADMMCoordinator.RhoBalancing?
        if case .object? = v["rho_balancing"], case .number(let every)? = v["rho_balancing"]?["every"],
           case .number(let next)? = v["rho_balancing"]?["next_check"], case .number(let dir)? = v["rho_balancing"]?["last_direction"],
           case .number(let changes)? = v["rho_balancing"]?["changes"] {
            balancing = .init(every: Int(exactly: every) ?? 10, nextCheck: Int(exactly: next) ?? 0,
                              lastDirection: Int(exactly: dir) ?? 0, changes: Int(exactly: changes) ?? 0)
        }
        let c = ADMMCoordinator(rows: rows, z: zs.map { if case .array(let a) = $0 { nums(a) } else { [] } },
                                w: nums(w), u: nums(u), rho: rho, lambda: lambda, round: Int(exactly: round) ?? 0, balancing: balancing)
        var d = false
        if case .bool(let x)? = v["done"] { d = x }
        return (c, d)
    }

    private func save() {
        guard let f = settings.stateFile else { return }
        func arr(_ a: [Double]) -> JSONValue { .array(a.map { .number($0) }) }
        if let c = dw {
            let v: JSONValue = .object([
                ("mode", .string("dantzig-wolfe")), ("scale", arr(c.rows.scale)),
                ("proposals", .array(c.savedProposals.map { list in .array(list.map { .object([("plan", .number(Double($0.plan))), ("z", arr($0.z))]) }) })),
                ("penalty", .number(c.savedPenalty)), ("best_bound", c.bestBound.isFinite ? .number(c.bestBound) : .null),
                ("center", c.savedCenter.map(arr) ?? .null), ("round", .number(Double(c.round))), ("done", .bool(done)),
                ("private_needs", .array(privateNeeds.sorted().map { .string($0) }))])
            write(v, to: f)
            return
        }
        guard let c = coordinator else { return }
        let v: JSONValue = .object([("scale", arr(c.rows.scale)), ("z", .array(c.z.map(arr))), ("w", arr(c.w)), ("u", arr(c.u)),
                                    ("rho", .number(c.rho)), ("lambda", .number(c.lambda)), ("round", .number(Double(c.round))),
                                    ("rho_balancing", .object([("every", .number(Double(c.balancing.every))),
                                                               ("next_check", .number(Double(c.balancing.nextCheck))),
                                                               ("last_direction", .number(Double(c.balancing.lastDirection))),
                                                               ("changes", .number(Double(c.balancing.changes)))])),
                                    ("done", .bool(done))])
        write(v, to: f)
    }

    private func write(_ v: JSONValue, to f: String) {
        let tmp = f + ".tmp"
        // Write aside, then rename over the old state: a crash leaves the old or the new state, never half.
        if FileManager.default.createFile(atPath: tmp, contents: Data(JSONWriter(pretty: false).string(v).utf8)) {
            _ = rename(tmp, f)
        }
    }

    func log(_ what: String, _ body: [UInt8]) {
        guard let f = settings.wireLog else { return }
        let line = Data((what + " " + String(decoding: body, as: UTF8.self) + "\n").utf8)
        if let h = FileHandle(forWritingAtPath: f) { h.seekToEndOfFile(); h.write(line); try? h.close() }
        else { FileManager.default.createFile(atPath: f, contents: line) }
    }

    // MARK: protocol

    func index(of council: String) throws -> Int {
        guard let k = settings.councils.firstIndex(of: council) else {
            throw CoordinationError("unknown council '\(council)'; expected one of \(settings.councils.joined(separator: ", "))")
        }
        return k
    }

    /// A council joins with the row names it knows and its largest coefficient per row.
    public func join(council: String, rows: [String], rowMaxima: [Double], internalNeeds: Bool = false, body: [UInt8]) throws -> JSONValue {
        log("join", body)
        _ = try index(of: council)
        guard rows == rowNames else { throw CoordinationError("council '\(council)': its rows differ from the public catalogue") }
        guard rowMaxima.count == rowNames.count, rowMaxima.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            flag(council, "row maxima: expected \(rowNames.count) finite numbers ≥ 0")
            throw CoordinationError("row_max: expected \(rowNames.count) finite numbers ≥ 0")
        }
        if !started {
            rowMax[council] = rowMaxima
            if internalNeeds { privateNeeds.insert(council) } else { privateNeeds.remove(council) }
            if rowMax.count == settings.councils.count {
                var scale = [Double](repeating: 0, count: rowNames.count)
                for r in rowMax.values { for i in scale.indices { scale[i] = max(scale[i], r[i]) } }
                let rows = LinkingRows(document: document, scale: scale)
                switch settings.mode {
                case .admm: coordinator = ADMMCoordinator(rows: rows, councils: settings.councils.count)
                case .dantzigWolfe: dw = DWCoordinator(rows: rows, councils: settings.councils.count,
                                                       privateNeeds: settings.councils.map { privateNeeds.contains($0) })
                }
                roundStarted = Date()
                save()
            }
        }
        return status(for: council)
    }

    /// What a council needs for its next step.
    public func status(for council: String) -> JSONValue {
        if let c = dw, let k = settings.councils.firstIndex(of: council) {
            func arr(_ a: [Double]) -> JSONValue { .array(a.map { .number($0) }) }
            return .object([("ready", .bool(true)), ("done", .bool(done)), ("mode", .string("dantzig-wolfe")),
                            ("round", .number(Double(c.round + 1))), ("reported", .bool(answers[council] != nil)),
                            ("scale", arr(c.rows.scale)), ("sigma", .number(c.rows.sigma)), ("prices", .array(c.priceSets.map(arr))),
                            ("weights", .array(c.weights[k].map { .object([("plan", .number(Double($0.plan))), ("weight", .number($0.weight))]) }))])
        }
        guard let c = coordinator, let k = settings.councils.firstIndex(of: council) else {
            return .object([("ready", .bool(false)), ("done", .bool(done))])
        }
        return .object([("ready", .bool(true)), ("done", .bool(done)), ("mode", .string("admm")), ("round", .number(Double(c.round + 1))),
                        ("reported", .bool(reports[council] != nil)),
                        ("scale", .array(c.rows.scale.map { .number($0) })), ("sigma", .number(c.rows.sigma)),
                        ("target", .array(c.target(for: k).map { .number($0) }))])
    }

    /// A council's quantities for a round; malformed or out-of-range reports are refused and flagged.
    public func report(council: String, round: Int, z: [Double], body: [UInt8]) throws {
        log("report", body)
        _ = try index(of: council)
        guard dw == nil else { throw CoordinationError("this coordinator runs dantzig-wolfe: report proposals, not z") }
        guard let c = coordinator else { throw CoordinationError("not all councils have joined yet") }
        guard !done else { return }
        guard z.count == c.rows.count else {
            flag(council, "expected \(c.rows.count) quantities, got \(z.count)")
            throw CoordinationError("z: expected \(c.rows.count) numbers, got \(z.count)")
        }
        guard z.allSatisfy({ $0.isFinite && abs($0) <= 1e12 }) else {
            flag(council, "quantities not finite or beyond ±1e12")
            throw CoordinationError("z: expected finite numbers within ±1e12")
        }
        // A malformed report is refused and flagged whatever its round; a well-formed one for
        // another round is only stale.
        guard round == c.round + 1 else { throw CoordinationError("round \(round) is not the open round \(c.round + 1)") }
        reports[council] = z
        if reports.count == settings.councils.count { close() }
    }

    /// A council's answers to the round's valuations (Dantzig–Wolfe): per price set, the id of its
    /// best plan, that plan's quantities and its rent. Malformed or out-of-range answers are
    /// refused and flagged.
    public func propose(council: String, round: Int, proposals: [DWCoordinator.Answer], body: [UInt8]) throws {
        log("report", body)
        _ = try index(of: council)
        guard let c = dw else {
            throw CoordinationError(started ? "this coordinator runs admm: report z, not proposals" : "not all councils have joined yet")
        }
        guard !done else { return }
        guard proposals.count == c.priceSets.count else {
            flag(council, "expected \(c.priceSets.count) proposals (one per price set), got \(proposals.count)")
            throw CoordinationError("proposals: expected \(c.priceSets.count), one per price set, got \(proposals.count)")
        }
        for (i, p) in proposals.enumerated() {
            guard p.z.count == c.rows.count else {
                flag(council, "proposal \(i): expected \(c.rows.count) quantities, got \(p.z.count)")
                throw CoordinationError("proposals[\(i)].z: expected \(c.rows.count) numbers, got \(p.z.count)")
            }
            // A rent is ≥ 0 unless the council pays for private needs out of it.
            guard p.z.allSatisfy({ $0.isFinite && abs($0) <= 1e12 }), p.rent.isFinite, abs(p.rent) <= 1e15,
                  p.rent >= 0 || privateNeeds.contains(council) else {
                flag(council, "proposal \(i): quantities or rent not finite, beyond ±1e12, or a negative rent")
                throw CoordinationError("proposals[\(i)]: expected finite quantities within ±1e12 and a rent ≥ 0")
            }
        }
        guard round == c.round + 1 else { throw CoordinationError("round \(round) is not the open round \(c.round + 1)") }
        answers[council] = proposals
        if answers.count == settings.councils.count { close() }
    }

    func flag(_ council: String, _ reason: String) { flagged.append((council, reason)) }

    /// Closes the open round when the deadline passed (called periodically).
    public func tick() {
        guard started, !done else { return }
        if Date().timeIntervalSince(roundStarted) >= settings.roundDeadline && !(reports.isEmpty && answers.isEmpty) { close() }
    }

    func close() {
        let isDW = dw != nil
        for name in settings.councils where isDW ? answers[name] == nil : reports[name] == nil { missed[name, default: 0] += 1 }
        if var c = dw {
            let mixedBefore = c.mixed, fulfilmentBefore = c.fulfilment
            let over = c.advance(answers: settings.councils.map { answers[$0] }, tolerance: settings.tolerance)
            dw = c
            answers = [:]
            finish(round: c.round, fulfilment: c.fulfilment, lambda: c.lambda, residual: c.residual, over: over) {
                c.rows.imbalances(mixedBefore, lambda: fulfilmentBefore, councils: self.settings.councils)
            }
        } else if var c = coordinator {
            let step = c.advance(reports: settings.councils.map { reports[$0] }, tolerance: settings.tolerance)
            coordinator = c
            reports = [:]
            finish(round: c.round, fulfilment: step.fulfilment, lambda: c.lambda, residual: step.residual, over: step.done) {
                c.rows.imbalances(c.z, lambda: c.lambda, councils: self.settings.councils)
            }
        }
    }

    /// After a round: the new figures, the feedback view every 10 rounds and at the end, the stop
    /// and the state file.
    private func finish(round: Int, fulfilment f: Double, lambda: Double, residual r: Double, over: Bool,
                        largest: () -> [Decomposition.Imbalance]) {
        roundStarted = Date()
        fulfilment = f
        residual = r
        if round % 10 == 0 || over {
            history.append(Decomposition.Round(round: round, lambda: lambda, linkingResidual: r, largest: largest()))
            if history.count > 200 { history.removeFirst(history.count - 200) }
        }
        if over || round >= settings.maxRounds { done = true; seconds = Date().timeIntervalSince(started0) }
        save()
    }

    public func result(central: Double?) -> JSONValue {
        let c = coordinator
        let converged: Bool
        if let d = dw {
            let g = d.gap
            converged = done && !d.stalled && d.residual <= settings.tolerance && (g.isNaN || g <= settings.tolerance * max(1, abs(d.fulfilment)))
        } else {
            converged = done && residual <= settings.tolerance
        }
        var o: [(key: String, value: JSONValue)] = [
            ("mode", .string(settings.mode.rawValue)), ("status", .string(done ? (converged ? "converged" : "stopped") : "running")),
            ("fulfilment", .number(fulfilment)), ("coordinator_lambda", .number(dw?.lambda ?? c?.lambda ?? 0)),
            ("rounds", .number(Double(dw?.round ?? c?.round ?? 0))), ("linking_residual", .number(residual.isFinite ? residual : -1)),
            ("gap", dw.map { $0.gap.isFinite ? JSONValue.number($0.gap) : .null } ?? .null),
            ("seconds", .number(done ? seconds : Date().timeIntervalSince(started0))),
            ("missed_reports", .object(missed.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })),
            ("flagged", .array(flagged.map { .object([("council", .string($0.council)), ("reason", .string($0.reason))]) })),
            ("history", .array(history.suffix(20).map { h in
                .object([("round", .number(Double(h.round))), ("lambda", .number(h.lambda)), ("linking_residual", .number(h.linkingResidual)),
                         ("largest_imbalances", .array(h.largest.map { .object([("row", .string($0.row)), ("excess", .number($0.excess)),
                                                                                ("councils", .array($0.councils.map { .string($0) }))]) }))])
            })),
        ]
        if let central { o.insert(("central_fulfilment", .number(central)), at: 3) }
        return .object(o)
    }

    /// The HTTP routes (under /coordination), guarded by a shared token.
    public static func router(_ c: Coordination, token: String) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let check: @Sendable (Request) throws -> Void = { r in
            guard r.headers[.authorization] == "Bearer \(token)" else { throw HTTPError(.unauthorized, message: "bad or missing token") }
        }
        router.post("coordination/join") { req, _ in
            try check(req)
            let (f, bytes) = try await Self.body(req)
            do {
                return Self.reply(try await c.join(council: try f.id("council"), rows: try f.strings("rows"), rowMaxima: try Self.numbers(f, "row_max"),
                                                   internalNeeds: try f.bool("internal_needs") ?? false, body: bytes))
            } catch let e as CoordinationError { throw HTTPError(.badRequest, message: e.message) }
            catch let e as DemocracyError { throw HTTPError(.badRequest, message: "\(e.field): \(e.message)") }
        }
        router.get("coordination/round") { req, _ in
            try check(req)
            guard let council = req.uri.queryParameters.get("council") else { throw HTTPError(.badRequest, message: "council: missing") }
            return Self.reply(await c.status(for: council))
        }
        router.post("coordination/report") { req, _ in
            try check(req)
            let (f, bytes) = try await Self.body(req)
            do {
                let council = try f.id("council"), round = try f.integer("round", in: 1...100_000_000)
                if f["proposals"] != nil {
                    let items = try f.array("proposals", max: 16)
                    let proposals = try items.enumerated().map { i, item in
                        let pf = try JSONFields(item, path: "proposals[\(i)]")
                        return DWCoordinator.Answer(plan: try pf.integer("plan", in: 0...1_000_000_000), z: try Self.numbers(pf, "z"),
                                                    rent: try pf.number("rent"))
                    }
                    try await c.propose(council: council, round: round, proposals: proposals, body: bytes)
                } else {
                    try await c.report(council: council, round: round, z: try Self.numbers(f, "z"), body: bytes)
                }
            } catch let e as CoordinationError { throw HTTPError(.badRequest, message: e.message) }
            catch let e as DemocracyError { throw HTTPError(.badRequest, message: "\(e.field): \(e.message)") }
            return Self.reply(.object([("status", .string("accepted"))]))
        }
        router.get("coordination/status") { _, _ in Self.reply(await c.result(central: nil)) }
        return router
    }
}

public struct CoordinationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}
