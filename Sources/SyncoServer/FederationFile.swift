import SyncoData
import SyncoDemocracy
import SyncoFeedback
import SyncoModel
import SyncoStore

/// A federation document (`synco-federation/1`): a base economy, councils, members, submissions
/// and decisions with ballots. Loading one into an empty database replays it through the
/// service, so the audit log records every step as if people had done it through the API.
public struct FederationFile: Sendable {
    public struct Seed: Sendable {
        var decision: Decision
        var ballots: [(String, Ballot)]
        var close: Bool
    }
    public var name: String
    public var economy: EconomyDocument
    public var councils: [Council]
    public var members: [Member]
    public var submissions: [(member: String, submission: Submission)]
    public var decisions: [Seed]
    /// Execution reports: (council, member, report).
    public var reports: [(council: String, member: String, report: ExecutionReport)] = []

    public static let format = "synco-federation/1"

    public init(bytes: [UInt8], source: String) throws {
        func at(_ e: DemocracyError, _ prefix: String) -> StoreError { StoreError("\(source): \(prefix)\(e.field.isEmpty ? "" : "." + e.field): \(e.message)") }
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch { throw StoreError("\(source): \(error)") }
        let f: JSONFields
        do { f = try JSONFields(root) } catch { throw at(error, "$") }
        if let fmt = try? f.optionalString("format"), fmt != Self.format {
            throw StoreError("\(source): format: expected '\(Self.format)', got '\(fmt)'")
        }
        name = (try? f.optionalString("name")) ?? "federation"
        guard let eco = f["economy"] else { throw StoreError("\(source): economy: missing; expected an economy document") }
        do { economy = try EconomyJSON.decode(Array(JSONWriter(pretty: false).string(eco).utf8), source: "\(source) economy") } catch {
            throw StoreError("\(error)")
        }
        councils = []; members = []; submissions = []; decisions = []
        do {
            for (i, v) in try f.array("councils").enumerated() {
                do { councils.append(try DemocracyJSON.council(try JSONFields(v))) } catch { throw at(error, "councils[\(i)]") }
            }
            for (i, v) in try f.array("members").enumerated() {
                do {
                    let m = try JSONFields(v)
                    let council = try m.id("council")
                    let rest = try JSONFields(.object(m.object.filter { $0.key != "council" }))
                    members.append(try DemocracyJSON.member(rest, council: council))
                } catch { throw at(error, "members[\(i)]") }
            }
            for (i, v) in try f.array("submissions").enumerated() {
                do {
                    let s = try JSONFields(v)
                    let council = try s.id("council"), member = try s.id("member")
                    let rest = try JSONFields(.object(s.object.filter { $0.key != "council" && $0.key != "member" }))
                    submissions.append((member, try DemocracyJSON.submission(rest, council: council, member: member, time: 0)))
                } catch { throw at(error, "submissions[\(i)]") }
            }
            for (i, v) in try f.array("decisions").enumerated() {
                do {
                    let d = try JSONFields(v)
                    let rest = try JSONFields(.object(d.object.filter { $0.key != "ballots" && $0.key != "close" }))
                    var seed = Seed(decision: try DemocracyJSON.decision(rest), ballots: [], close: try d.bool("close") ?? false)
                    if let b = try d.object("ballots") {
                        for (member, bv) in b.object { seed.ballots.append((member, try DemocracyJSON.ballot(try JSONFields(bv, path: "ballots.\(member)")))) }
                    }
                    decisions.append(seed)
                } catch { throw at(error, "decisions[\(i)]") }
            }
            for (i, v) in try f.array("reports").enumerated() {
                do {
                    let r = try JSONFields(v, path: "")
                    try r.only(["council", "member", "indicator", "period", "value", "id"])
                    let council = try r.id("council")
                    reports.append((council, try r.id("member"),
                                    ExecutionReport(unit: council, indicator: try r.id("indicator"), period: try r.integer("period"),
                                                    value: try r.number("value"), reportedAt: 0, id: try r.id("id"))))
                } catch { throw at(error, "reports[\(i)]") }
            }
        } catch let e as DemocracyError { throw at(e, "$") }
    }

    /// Replays the federation into the service's (empty) store. Returns member id → token.
    public func load(into service: FederationService) async throws -> [(member: String, token: String)] {
        _ = try await service.setBase(economy, by: .admin)
        for c in councils { _ = try await service.addCouncil(c, by: .admin) }
        var tokens: [(String, String)] = []
        var byId: [String: Member] = [:]
        for m in members {
            let (member, token) = try await service.addMember(m, by: .admin)
            tokens.append((member.id, token)); byId[member.id] = member
        }
        for (member, s) in submissions {
            guard let m = byId[member] else { throw StoreError("submission for \(s.council): unknown member '\(member)'") }
            _ = try await service.submit(s, by: .member(m))
        }
        for seed in decisions {
            _ = try await service.addDecision(seed.decision, by: .admin)
            for (member, b) in seed.ballots {
                guard let m = byId[member] else { throw StoreError("decision \(seed.decision.id): unknown member '\(member)'") }
                try await service.cast(b, decision: seed.decision.id, by: .member(m))
            }
            if seed.close { _ = try await service.close(decision: seed.decision.id, by: .admin) }
        }
        // Reports in batches per council, in file order.
        var k = 0
        while k < reports.count {
            var j = k
            while j < reports.count && reports[j].council == reports[k].council && reports[j].member == reports[k].member { j += 1 }
            guard let m = byId[reports[k].member] else { throw StoreError("reports: unknown member '\(reports[k].member)'") }
            _ = try await service.report(reports[k..<j].map(\.report), council: reports[k].council, by: .member(m))
            k = j
        }
        return tokens
    }
}
