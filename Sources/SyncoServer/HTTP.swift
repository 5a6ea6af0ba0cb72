import Foundation
import Hummingbird
import NIOCore
import SyncoData
import SyncoDemocracy
import SyncoModel
import SyncoPlan
import SyncoStore

/// Settings of the HTTP layer.
public struct ServerLimits: Sendable {
    /// Largest request body accepted (bytes); larger gets 413.
    public var maxBody = 1 << 20
    /// Largest base economy upload (bytes).
    public var maxEconomyBody = 64 << 20
    /// Requests per second per caller (token, or "anonymous"), with a burst of 2×.
    public var ratePerSecond: Double = 500
    public init() {}
}

/// Builds the Hummingbird application: routes under /api/v1, /health, /metrics, /openapi.json,
/// and the opsroom page at /.
public enum SyncoHTTP {
    public static func router(_ service: FederationService, limits: ServerLimits = ServerLimits(), metrics: Metrics = Metrics()) -> SyncoResponder {
        let router = Router(context: BasicRequestContext.self)
        let api = router.group("api/v1")

        router.get("health") { _, _ in
            let ok = (try? await service.store.councils()) != nil
            return json(ok ? .ok : .serviceUnavailable, .object([("status", .string(ok ? "ok" : "database unavailable")), ("store", .string(service.store.description))]))
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: await metrics.render())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPI.document)))
        }
        router.get("favicon.ico") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "max-age=86400"],
                     body: .init(byteBuffer: ByteBuffer(string: Opsroom.favicon)))
        }
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Opsroom.page)))
        }

        // Councils and members
        api.get("councils") { _, _ in
            json(.ok, .array(try await service.councils().map(DemocracyJSON.value)))
        }
        api.post("councils") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let council = try DemocracyJSON.council(try await body(req, limit: limits.maxBody))
            return json(.created, DemocracyJSON.value(try await service.addCouncil(council, by: c)))
        }
        api.get("councils/:council/members") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            return json(.ok, .array(try await service.members(council: try param(ctx, "council"), by: c).map(DemocracyJSON.value)))
        }
        api.post("councils/:council/members") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let m = try DemocracyJSON.member(try await body(req, limit: limits.maxBody), council: try param(ctx, "council"))
            let (member, token) = try await service.addMember(m, by: c)
            return json(.created, .object([("member", DemocracyJSON.value(member)), ("token", .string(token))]))
        }

        // Submissions
        api.get("councils/:council/submissions") { req, ctx in
            json(.ok, .array(try await service.submissions(council: try param(ctx, "council")).map(DemocracyJSON.value)))
        }
        api.post("councils/:council/submissions") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let council = try param(ctx, "council")
            let s = try DemocracyJSON.submission(try await body(req, limit: limits.maxBody), council: council, member: c.name, time: 0)
            let stored = try await service.submit(s, by: c)
            return json(.created, DemocracyJSON.value(stored))
        }

        // Decisions
        api.get("decisions") { _, _ in
            json(.ok, .array(try await service.store.decisions().map(DemocracyJSON.value)))
        }
        api.post("decisions") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let d = try DemocracyJSON.decision(try await body(req, limit: limits.maxBody))
            return json(.created, DemocracyJSON.value(try await service.addDecision(d, by: c)))
        }
        api.get("decisions/:decision") { req, ctx in
            let (d, t) = try await service.tally(decision: try param(ctx, "decision"))
            return json(.ok, .object([("decision", DemocracyJSON.value(d)), ("tally", t ?? .null)]))
        }
        api.put("decisions/:decision/ballot") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let b = try DemocracyJSON.ballot(try await body(req, limit: limits.maxBody))
            try await service.cast(b, decision: try param(ctx, "decision"), by: c)
            return json(.ok, .object([("status", .string("recorded")), ("ballot", DemocracyJSON.value(b))]))
        }
        api.get("decisions/:decision/ballot") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            guard let b = try await service.ballot(decision: try param(ctx, "decision"), by: c) else {
                throw APIError(.notFound, field: "ballot", "no ballot cast yet")
            }
            return json(.ok, DemocracyJSON.value(b))
        }
        api.post("decisions/:decision/close") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            return json(.ok, DemocracyJSON.value(try await service.close(decision: try param(ctx, "decision"), by: c)))
        }

        addFeedbackRoutes(api, service, limits)

        // Opinion map
        api.get("councils/:council/statements") { req, ctx in
            json(.ok, .array(try await service.store.statements(council: try param(ctx, "council")).map {
                .object([("id", .string($0.id)), ("council", .string($0.council)), ("text", .string($0.text)), ("author", .string($0.author))])
            }))
        }
        api.post("councils/:council/statements") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let f = try await body(req, limit: limits.maxBody)
            try f.only(["id", "text"])
            let st = try await service.addStatement(id: try f.id("id"), council: try param(ctx, "council"), text: try f.string("text"), by: c)
            return json(.created, .object([("id", .string(st.id)), ("council", .string(st.council)), ("text", .string(st.text)), ("author", .string(st.author))]))
        }
        api.put("statements/:statement/vote") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let f = try await body(req, limit: limits.maxBody)
            try f.only(["vote"])
            try await service.voteStatement(try param(ctx, "statement"), vote: try f.string("vote"), by: c)
            return json(.ok, .object([("status", .string("recorded"))]))
        }
        api.get("councils/:council/opinion-map") { req, ctx in
            let (statements, m) = try await service.opinionMap(council: try param(ctx, "council"))
            let byGroup: [JSONValue] = (0..<m.k).map { g in
                .object([("group", .number(Double(g))), ("members", .array(m.members.indices.filter { m.groups[$0] == g }.map { .string(m.members[$0]) })),
                         ("agreement", .object(statements.indices.map { (statements[$0].id, .number(m.groupAgreement[g][$0])) }))])
            }
            return json(.ok, .object([
                ("members", .array(m.members.indices.map { i in .object([("id", .string(m.members[i])), ("x", .number(m.projection[i].0)),
                                                                         ("y", .number(m.projection[i].1)), ("group", .number(Double(m.groups[i])))]) })),
                ("groups", .array(byGroup)), ("k", .number(Double(m.k))), ("silhouette", .number(m.silhouette)),
                ("explained_variance", .array([.number(m.explainedVariance.0), .number(m.explainedVariance.1)])),
                ("consensus", .array(m.consensusOrder.map { j in .object([("statement", .string(statements[j].id)), ("text", .string(statements[j].text)), ("score", .number(m.consensus[j]))]) })),
                ("low_engagement", .array(m.lowEngagement.map { .string(statements[$0].id) })),
                ("suspicious_blocks", .array(m.suspiciousBlocks.map { .array($0.map { .string(m.members[$0]) }) })),
            ]))
        }

        // Economy, assembly, plans, audit
        api.put("economy") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            try service.requireAdmin(c)
            let bytes = try await rawBody(req, limit: limits.maxEconomyBody)
            let doc: EconomyDocument
            do { doc = try EconomyJSON.decode(bytes, source: "request body") } catch let error as ValidationReport {
                throw APIError(.badRequest, field: "$", error.issues.first.map { "\($0.path): \($0.message)" } ?? "invalid economy document")
            }
            do { _ = try Economy(document: doc) } catch let error as ValidationReport {
                throw APIError(.unprocessable, field: error.issues.first?.path ?? "$", error.issues.first?.message ?? "invalid economy")
            }
            return json(.ok, .object([("hash", .string(try await service.setBase(doc, by: c)))]))
        }
        api.get("economy") { _, _ in
            let r = try await service.assemble()
            return json(.ok, .object([("provenance", ProvenanceJSON.value(r.provenance, notes: r.notes)),
                                      ("economy", EconomyJSON.value(r.document))]))
        }
        api.post("plans") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let (_, body) = try await service.plan(by: c)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        api.post("what-if") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            let f = try await body(req, limit: limits.maxBody)
            try f.only(["limits", "needs", "capacities"])
            return json(.ok, try await service.whatIf(limits: try f.amounts("limits"), needs: try f.amounts("needs"),
                                                      capacities: try f.amounts("capacities"), by: c))
        }
        // Decentral planning on the assembled economy, with the per-round feedback view.
        api.post("federation") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            if case .anonymous = c { throw APIError(.unauthorized, field: "Authorization", "a token is required") }
            let f = try await body(req, limit: limits.maxBody)
            try f.only(["councils", "mode", "max_rounds"])
            let k = f["councils"] == nil ? 4 : try f.integer("councils", in: 1...64)
            let modeName = try f.optionalString("mode") ?? "admm"
            guard let mode = Decomposition.Mode(rawValue: modeName) else { throw APIError(.badRequest, field: "mode", "expected admm, participatory or dantzig-wolfe") }
            let maxRounds = f["max_rounds"] == nil ? 2_000 : try f.integer("max_rounds", in: 1...2_000)
            return json(.ok, try await service.federate(councils: k, mode: mode, maxRounds: maxRounds))
        }
        api.get("plans") { _, _ in
            json(.ok, .array(try await service.plans().map { .object([("id", .string($0.id)), ("hash", .string($0.hash)), ("time", .number($0.time))]) }))
        }
        api.get("plans/:plan") { req, ctx in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: try await service.storedPlan(try param(ctx, "plan")))))
        }
        api.get("audit/verify") { req, ctx in
            let c = try await service.caller(token: bearer(req))
            try service.requireAdmin(c)
            let r = try await service.store.verifyAudit()
            return json(.ok, .object([("ok", .bool(r.ok)), ("entries", .number(Double(r.entries))), ("problems", .array(r.problems.map { .string($0) }))]))
        }
        return SyncoResponder(inner: router.buildResponder(), metrics: metrics, limiter: RateLimiter(perSecond: limits.ratePerSecond))
    }

    static func bearer(_ r: Request) -> String? {
        guard let h = r.headers[.authorization] else { return nil }
        let parts = h.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    static func param(_ ctx: BasicRequestContext, _ name: String) throws -> String {
        guard let v = ctx.parameters.get(name) else { throw APIError(.badRequest, field: name, "missing path parameter") }
        // Ids may contain '/' (alert ids do): clients percent-encode them.
        return v.removingPercentEncoding ?? v
    }

    static func rawBody(_ r: Request, limit: Int) async throws -> [UInt8] {
        if let len = r.headers[.contentLength].flatMap({ Int($0) }), len > limit {
            throw APIError(.contentTooLarge, field: "$", "the body has \(len) bytes; at most \(limit) are accepted")
        }
        var req = r
        do {
            let buf = try await req.collectBody(upTo: limit)
            return Array(buf.readableBytesView)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw APIError(.contentTooLarge, field: "$", "the body is larger than \(limit) bytes")
        }
    }

    static func body(_ r: Request, limit: Int) async throws -> JSONFields {
        let bytes = try await rawBody(r, limit: limit)
        guard !bytes.isEmpty else { throw APIError(.badRequest, field: "$", "expected a JSON object in the body") }
        return try JSONFields.parse(bytes)
    }

    static func json(_ status: HTTPResponse.Status, _ v: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: JSONWriter(pretty: false).string(v))))
    }
}

/// Wraps the router: rate limits, turns every error into a JSON body naming the field, counts metrics.
public struct SyncoResponder: HTTPResponder {
    public typealias Context = BasicRequestContext
    let inner: RouterResponder<BasicRequestContext>
    let metrics: Metrics
    let limiter: RateLimiter

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            let key = SyncoHTTP.bearer(request).map { String(SHA256.hex($0).prefix(16)) } ?? "anonymous"
            if request.uri.path.hasPrefix("/api/"), !(await limiter.allow(key)) {
                throw APIError(.tooManyRequests, field: "Authorization", "rate limit exceeded; slow down")
            }
            let r = try await inner.respond(to: request, context: context)
            // The router answers unknown paths itself, with an empty body: give it the JSON error shape.
            if r.status.code >= 400, r.headers[.contentType] != "application/json" {
                response = Self.errorResponse(APIError(r.status == .notFound ? .notFound : .badRequest, field: "path",
                                                       r.status == .notFound ? "no endpoint \(request.method.rawValue) \(request.uri.path)" : r.status.reasonPhrase))
            } else {
                response = r
            }
        } catch {
            response = Self.errorResponse(error)
        }
        let d = ContinuousClock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        await metrics.record(method: request.method.rawValue, route: Metrics.route(request.uri.path), status: response.status.code, seconds: seconds)
        return response
    }

    static func errorResponse(_ error: any Error) -> Response {
        let (status, field, message): (Int, String, String)
        if let e = error as? APIError { (status, field, message) = (e.status.rawValue, e.field, e.message) }
        else if let e = error as? DemocracyError { let a = APIError(e); (status, field, message) = (a.status.rawValue, a.field, a.message) }
        else if let e = error as? HTTPError {
            (status, field, message) = (e.status.code, "", e.status == .notFound ? "no such endpoint" : (e.body ?? e.status.reasonPhrase))
        } else { (status, field, message) = (500, "", "internal error: \(error)") }
        let body = JSONValue.object([("error", .object([("status", .number(Double(status))), ("field", .string(field)), ("message", .string(message))]))])
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: JSONWriter(pretty: false).string(body))))
    }
}

/// Token buckets per caller.
public actor RateLimiter {
    let rate: Double
    var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    public init(perSecond: Double) { rate = perSecond }
    public func allow(_ key: String) -> Bool {
        let now = ContinuousClock.now
        var b = buckets[key] ?? (2 * rate, now)
        let d = now - b.at
        let dt = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        b.tokens = min(2 * rate, b.tokens + dt * rate)
        b.at = now
        let ok = b.tokens >= 1
        if ok { b.tokens -= 1 }
        buckets[key] = b
        if buckets.count > 100_000 { buckets.removeAll() }   // bounded memory under a token flood
        return ok
    }
}

/// Prometheus counters and latency histograms, rendered in the text exposition format.
public actor Metrics {
    var requests: [String: Int] = [:]
    var histogram: [String: [Int]] = [:]
    var sums: [String: Double] = [:]
    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    public init() {}

    /// Collapses ids in paths so label cardinality stays bounded.
    static func route(_ path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.first == "api", parts.count >= 3 else { return path.isEmpty ? "/" : path }
        if parts.count == 4 && parts[2] == "audit" { return "/" + parts.joined(separator: "/") }
        var out = Array(parts.prefix(3))
        if parts.count >= 4 { out.append(":id") }
        if parts.count >= 5 { out.append(parts[4]) }
        return "/" + out.joined(separator: "/")
    }

    func record(method: String, route: String, status: Int, seconds: Double) {
        requests["method=\"\(method)\",route=\"\(route)\",status=\"\(status)\"", default: 0] += 1
        let key = "route=\"\(route)\""
        var h = histogram[key] ?? [Int](repeating: 0, count: Self.bounds.count + 1)
        let i = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        h[i] += 1
        histogram[key] = h
        sums[key, default: 0] += seconds
    }

    public func render() -> String {
        var s = "# HELP synco_http_requests_total HTTP requests by method, route and status.\n# TYPE synco_http_requests_total counter\n"
        for (k, v) in requests.sorted(by: { $0.key < $1.key }) { s += "synco_http_requests_total{\(k)} \(v)\n" }
        s += "# HELP synco_http_request_duration_seconds Request latency.\n# TYPE synco_http_request_duration_seconds histogram\n"
        for (k, h) in histogram.sorted(by: { $0.key < $1.key }) {
            var acc = 0
            for (i, b) in Self.bounds.enumerated() { acc += h[i]; s += "synco_http_request_duration_seconds_bucket{\(k),le=\"\(b)\"} \(acc)\n" }
            acc += h[Self.bounds.count]
            s += "synco_http_request_duration_seconds_bucket{\(k),le=\"+Inf\"} \(acc)\n"
            s += "synco_http_request_duration_seconds_sum{\(k)} \(sums[k] ?? 0)\n"
            s += "synco_http_request_duration_seconds_count{\(k)} \(acc)\n"
        }
        return s
    }
}
