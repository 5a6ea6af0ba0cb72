import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import SyncoData
import SyncoDemocracy
import SyncoFeedback
import SyncoModel
import SyncoPlan
@testable import SyncoServer
@testable import SyncoStore

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t: Double
    init(_ t: Double) { self.t = t }
    var now: Double { lock.lock(); defer { lock.unlock() }; return t }
    func advance(_ s: Double) { lock.lock(); t += s; lock.unlock() }
}

/// The example federation on a SQLite file, with a controllable clock and short escalation timers.
struct FeedbackFixture {
    let path: String
    let service: FederationService
    let clock: TestClock
    let tokens: [String: String]
    let app: Application<SyncoResponder>
    static let admin = "admin-secret"
    static let policy = EscalationPolicy(ackTimeout: 600, resolveTimeout: 3600)

    init(path: String? = nil, clock: TestClock = TestClock(1_000_000), load: Bool = true, tokens: [String: String] = [:]) async throws {
        self.path = path ?? FileManager.default.temporaryDirectory.appendingPathComponent("synco-cyber-\(UUID().uuidString).sqlite").path
        self.clock = clock
        let store = try SQLiteStore(path: self.path)
        try await store.migrate()
        service = FederationService(store: store, adminToken: Self.admin, escalation: Self.policy, now: { clock.now })
        var t = tokens
        if load {
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("examples/federation.json").path
            var fed = try FederationFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))), source: file)
            fed.reports = []          // the tests send their own reports
            for (m, token) in try await fed.load(into: service) { t[m] = token }
        } else {
            try await service.restore()
        }
        self.tokens = t
        app = Application(responder: SyncoHTTP.router(service))
    }
}

private func reportsJSON(_ indicator: String, _ values: [(Int, Double)], prefix: String) -> ByteBuffer {
    let items = values.map { "{\"indicator\":\"\(indicator)\",\"period\":\($0.0),\"value\":\($0.1),\"id\":\"\(prefix)-\($0.0)\"}" }
    return ByteBuffer(string: "{\"reports\":[\(items.joined(separator: ","))]}")
}

@Suite struct CyberstrideAPITests {
    /// A level drop in a workplace's output raises an alert at the workplace; unacknowledged it
    /// escalates to the federation after ackTimeout, acknowledged but unresolved to the whole
    /// after resolveTimeout; the history is complete; resolving closes it.
    @Test func reportsRaiseAlertsThatEscalateOnTheClock() async throws {
        let f = try await FeedbackFixture()
        let emil = bearer(f.tokens["emil"]!)
        var g = SplitMix64(seed: 3)
        let values = (1...30).map { t in (t, (t < 22 ? 220.0 : 150.0) + 2 * g.normal()) }
        let resolvedID: String = try await f.app.test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/councils/bakery/reports", method: .post, headers: emil,
                                             body: reportsJSON("output:oven", values, prefix: "oven"))
            #expect(r.status == .ok)
            let v = try json(r)
            #expect(v["accepted"] == .number(30))
            guard case .array(let alerts)? = v["alerts"], let first = alerts.first, case .string(let id)? = first["id"] else {
                Issue.record("no alert for a 35 % drop"); return ""
            }
            #expect(first["period"].flatMap { if case .number(let p) = $0 { return Int(p) } else { return nil } }.map { (22...23).contains($0) } == true)
            let path = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
            // At the bakery first.
            var a = try await f.service.cyber.alert(id)!
            #expect(a.council == "bakery" && a.level == 0)
            // Not acknowledged for longer than ackTimeout → the north federation.
            f.clock.advance(601)
            _ = await f.service.cyber.tick(now: f.clock.now)
            a = await f.service.cyber.alert(id)!
            #expect(a.council == "north")
            // A bakery member can no longer act on it; the federation's facilitator can.
            let denied = try await client.execute(uri: "/api/v1/alerts/\(path)/acknowledge", method: .post, headers: emil)
            #expect(denied.status == .forbidden)
            let ack = try await client.execute(uri: "/api/v1/alerts/\(path)/acknowledge", method: .post, headers: bearer(f.tokens["gus"]!))
            #expect(ack.status == .ok)
            // Acknowledged but unresolved for longer than resolveTimeout → the whole.
            f.clock.advance(3601)
            _ = await f.service.cyber.tick(now: f.clock.now)
            a = await f.service.cyber.alert(id)!
            #expect(a.council == "riverside" && a.isTop)
            let resolved = try await client.execute(uri: "/api/v1/alerts/\(path)/resolve", method: .post, headers: bearer(f.tokens["hana"]!),
                                                    body: ByteBuffer(string: #"{"note":"oven repaired"}"#))
            #expect(resolved.status == .ok)
            a = await f.service.cyber.alert(id)!
            #expect(a.status == .closed)
            let events = a.history.map { ev -> String in
                switch ev.kind {
                case .raised: "raised"; case .escalated: "escalated"; case .acknowledged: "acknowledged"
                case .resolved: "resolved"; case .unresolvedAtTop: "top"; case .closed: "closed"
                }
            }
            #expect(events == ["raised", "escalated", "acknowledged", "escalated", "resolved", "closed"])
            // Board filtered by council.
            let board = try json(try await client.execute(uri: "/api/v1/alerts?council=riverside", method: .get))
            guard case .array(let list) = board else { Issue.record("board"); return id }
            #expect(list.contains { $0["alert"]?["id"] == .string(id) })
            return id
        }
        // After a restart the same state comes back from the store.
        let again = try await FeedbackFixture(path: f.path, clock: f.clock, load: false)
        let restored = try #require(await again.service.cyber.alert(resolvedID))
        #expect(restored.status == .closed)
        #expect(try await again.service.store.verifyAudit().ok)
    }

    @Test func reportsAreIdempotentAndCSVErrorsNameRowAndColumn() async throws {
        let f = try await FeedbackFixture()
        let fatou = bearer(f.tokens["fatou"]!)
        try await f.app.test(.router) { client in
            let body = reportsJSON("hours:care", [(1, 100), (2, 101), (3, 99)], prefix: "c")
            let a = try json(try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: fatou, body: body))
            #expect(a["accepted"] == .number(3))
            let b = try json(try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: fatou, body: body))
            #expect(b["accepted"] == .number(0) && b["duplicates"] == .number(3))
            // Late (period 5 before 4) and a correction (new id for period 2).
            let c = try json(try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: fatou,
                                                      body: reportsJSON("hours:care", [(5, 102)], prefix: "late")))
            #expect(c["accepted"] == .number(1))
            let d = try json(try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: fatou,
                                                      body: reportsJSON("hours:care", [(4, 100)], prefix: "late")))
            #expect(d["late"] == .number(1))
            let e = try json(try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: fatou,
                                                      body: reportsJSON("hours:care", [(2, 150)], prefix: "fix")))
            #expect(e["corrections"] == .number(1))
            let csvHeaders: HTTPFields = [.authorization: "Bearer \(f.tokens["fatou"]!)", .contentType: "text/csv"]
            let ok = try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: csvHeaders,
                                              body: ByteBuffer(string: "indicator,period,value,id\nbeds,1,30,b1\nbeds,2,31,b2\n"))
            #expect(try json(ok)["accepted"] == .number(2))
            let bad = try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: csvHeaders,
                                               body: ByteBuffer(string: "indicator,period,value,id\nbeds,3,lots,b3\n"))
            #expect(bad.status == .badRequest)
            #expect(errorField(bad) == "row 2, column value")
            let noColumn = try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: csvHeaders,
                                                    body: ByteBuffer(string: "indicator,period,value\nbeds,3,1\n"))
            #expect(errorField(noColumn) == "header")
            // Another council's member cannot report for the care cooperative.
            let other = try await client.execute(uri: "/api/v1/councils/care-coop/reports", method: .post, headers: bearer(f.tokens["emil"]!), body: body)
            #expect(other.status == .forbidden)
            // The series, its forecast and the chart.
            let s = try json(try await client.execute(uri: "/api/v1/councils/care-coop/series/hours:care", method: .get))
            guard case .array(let vals)? = s["values"] else { Issue.record("values"); return }
            #expect(vals.count == 5 && vals[1] == .number(150))
            let chart = try await client.execute(uri: "/api/v1/councils/care-coop/series/hours:care/chart.svg", method: .get)
            #expect(chart.headers[.contentType] == "image/svg+xml")
            #expect(String(buffer: chart.body).hasPrefix("<svg"))
            let missing = try await client.execute(uri: "/api/v1/councils/care-coop/series/nothing", method: .get)
            #expect(missing.status == .notFound)
        }
        #expect(try await f.service.store.verifyAudit().ok)
    }

    /// An alert on a technique's output proposes a replan with that capacity at what the unit
    /// delivers now; the council's facilitator accepts it; later plans keep the capacity.
    @Test func alertsProposeReplansThatCouncilsAccept() async throws {
        let f = try await FeedbackFixture()
        try await f.app.test(.router) { client in
            _ = try await client.execute(uri: "/api/v1/plans", method: .post, headers: bearer(FeedbackFixture.admin))
            var g = SplitMix64(seed: 5)
            let values = (1...30).map { t in (t, (t < 22 ? 220.0 : 150.0) + 2 * g.normal()) }
            let r = try await client.execute(uri: "/api/v1/councils/bakery/reports", method: .post, headers: bearer(f.tokens["emil"]!),
                                             body: reportsJSON("output:bakery-oven", values, prefix: "oven"))
            #expect(r.status == .ok)
            let list = try json(try await client.execute(uri: "/api/v1/proposals", method: .get))
            guard case .array(let proposals) = list, let p = proposals.first, case .string(let id)? = p["id"] else {
                Issue.record("no proposal after the alert: \(list)"); return
            }
            let full = try json(try await client.execute(uri: "/api/v1/proposals/\(id)", method: .get))
            guard case .number(let cap)? = full["capacities"]?["bakery-oven"] else { Issue.record("no capacity in \(full)"); return }
            #expect(abs(cap - 150) < 10)
            guard case .number(let before)? = full["before"]?["fulfilment"], case .number(let after)? = full["after"]?["fulfilment"] else {
                Issue.record("no before/after"); return
            }
            #expect(after < before)
            // A bakery member may not accept; the North federation's facilitator may.
            let denied = try await client.execute(uri: "/api/v1/proposals/\(id)/accept", method: .post, headers: bearer(f.tokens["emil"]!))
            #expect(denied.status == .forbidden)
            let ok = try await client.execute(uri: "/api/v1/proposals/\(id)/accept", method: .post, headers: bearer(f.tokens["gus"]!))
            #expect(ok.status == .ok)
            // The bakery delivers 150 t, the guaranteed bread (decided by the assembly) is 220 t: the
            // new plan is infeasible and its diagnosis names the oven's capacity and the bread need.
            let accepted = try json(ok)
            #expect(accepted["plan"]?["status"] == .string("infeasible"))
            let diagnosis = JSONWriter(pretty: false).string(accepted["plan"]?["diagnosis"] ?? .null)
            #expect(diagnosis.contains("bakery-oven") && diagnosis.contains("bread"), "\(diagnosis)")
            let again = try await client.execute(uri: "/api/v1/proposals/\(id)/accept", method: .post, headers: bearer(f.tokens["gus"]!))
            #expect(again.status == .conflict)
            // The bakery's submission now carries the capacity.
            let subs = try await f.service.store.submissions(council: "bakery")
            #expect(subs.last?.techniques.first { $0.id == "bakery-oven" }?.capacity.map { abs($0 - cap) < 1e-9 } == true)
        }
        #expect(try await f.service.store.verifyAudit().ok)
    }

    @Test func latestPlanIsKeptInMemoryForReplans() async throws {
        let f = try await FeedbackFixture()
        try await f.app.test(.router) { client in
            let p = try await client.execute(uri: "/api/v1/plans", method: .post, headers: bearer(FeedbackFixture.admin))
            #expect(p.status == .created)
        }
        let last = try #require(try await f.service.store.documents(kind: "plan").last)
        let ids = try Economy(document: try await f.service.assemble().document).techniques.ids
        #expect(ids.count > 1)
        // The plan just stored, under its id, for the same techniques in the same order.
        let kept = await f.service.kept.plan(id: last.id, techniques: ids)
        #expect(kept?.status == .optimal)
        #expect(await f.service.kept.plan(id: last.id + "-other", techniques: ids) == nil, "another stored plan is not this one")
        #expect(await f.service.kept.plan(id: last.id, techniques: Array(ids.reversed())) == nil, "activities are indexed by technique")
    }

    /// After a restart nothing is kept in memory: the stored plan, read in place from its
    /// document, is the warm start, and the re-plan from it (its basis rebuilt) finds the same plan.
    @Test func afterARestartTheStoredPlanIsTheWarmStart() async throws {
        let f = try await FeedbackFixture()
        try await f.app.test(.router) { client in
            let p = try await client.execute(uri: "/api/v1/plans", method: .post, headers: bearer(FeedbackFixture.admin))
            #expect(p.status == .created)
        }
        let again = try await FeedbackFixture(path: f.path, clock: f.clock, load: false)
        let last = try #require(try await again.service.store.documents(kind: "plan").last)
        let economy = try Economy(document: try await again.service.assemble().document)
        #expect(await again.service.kept.plan(id: last.id, techniques: economy.techniques.ids) == nil, "nothing is kept across a restart")
        let warm = try #require(await again.service.warmStart(from: last, for: economy))
        let stored = try #require(try JSONParser.parse(last.body)["plan"])
        #expect(warm.status == .optimal)
        guard case .number(let lambda)? = stored["fulfilment"] else { Issue.record("no fulfilment stored"); return }
        #expect(warm.fulfilment == lambda)
        for (t, id) in economy.techniques.ids.enumerated() {
            guard case .number(let a)? = stored["activities"]?[id] else { Issue.record("no activity for \(id)"); continue }
            #expect(warm.activities[t] == a, "\(id)")
        }
        let plan = Planner.solve(economy, warmStart: warm)
        #expect(plan.status == .optimal && plan.message.contains("warm plan's basis"), "\(plan.message)")
        #expect(abs(plan.fulfilment - lambda) <= 1e-9 * max(1, lambda))
    }

    @Test func whatIfComparesWithTheLatestPlan() async throws {
        let f = try await FeedbackFixture()
        try await f.app.test(.router) { client in
            let p = try await client.execute(uri: "/api/v1/plans", method: .post, headers: bearer(FeedbackFixture.admin))
            #expect(p.status == .created)
            // A much tighter CO2 limit: fulfilment cannot rise, and activities change.
            let w = try await client.execute(uri: "/api/v1/what-if", method: .post, headers: bearer(f.tokens["ben"]!),
                                             body: ByteBuffer(string: #"{"limits":{"co2":120}}"#))
            #expect(w.status == .ok)
            let v = try json(w)
            guard case .number(let before)? = v["before"]?["fulfilment"], case .number(let after)? = v["after"]?["fulfilment"] else {
                Issue.record("no fulfilment: \(v)"); return
            }
            #expect(after <= before + 1e-6)
            #expect(v["after"]?["status"] == .string("optimal"))
            guard case .array(let changes)? = v["changes"] else { Issue.record("no changes"); return }
            #expect(!changes.isEmpty)
            let unknown = try await client.execute(uri: "/api/v1/what-if", method: .post, headers: bearer(f.tokens["ben"]!),
                                                   body: ByteBuffer(string: #"{"limits":{"unobtainium":1}}"#))
            #expect(unknown.status == .unprocessableContent && errorField(unknown) == "limits.unobtainium")
        }
    }
}
