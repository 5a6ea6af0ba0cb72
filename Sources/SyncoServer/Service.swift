import Foundation
import SyncoData
import SyncoDemocracy
import SyncoFeedback
import SyncoModel
import SyncoPlan
import SyncoStore

/// Who is calling: the administrator (holder of the admin token) or a member.
public enum Caller: Sendable {
    case admin
    case member(Member)
    case anonymous

    var name: String {
        switch self {
        case .admin: "admin"
        case .member(let m): m.id
        case .anonymous: "anonymous"
        }
    }
}

/// The federation's rules on top of a store: who may do what, domain checks, assembly, planning.
/// The HTTP layer only translates; the CLI uses the same service.
public final class FederationService: Sendable {
    public let store: any SyncoStore
    let adminTokenHash: String
    let now: @Sendable () -> Double
    public let cyber: Cyberstride
    /// The latest plan made by this process, with what a re-plan reuses in memory.
    let kept = KeptPlan()

    public init(store: any SyncoStore, adminToken: String, escalation: EscalationPolicy = EscalationPolicy(),
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.adminTokenHash = SHA256.hex(adminToken)
        self.now = now
        cyber = Cyberstride(store: store, policy: escalation, now: now())
    }

    /// Rebuilds Cyberstride's state from the store (after a restart).
    public func restore() async throws {
        let h = try await hierarchy()
        try await cyber.restore { unit in h.chain(from: unit).map(\.id) }
    }

    // MARK: execution reports and alerts

    /// A member reports for their own council (the unit).
    public func report(_ reports: [ExecutionReport], council: String, by c: Caller) async throws -> Cyberstride.Summary {
        guard case .member(let m) = c else {
            throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "reports come from a unit's members")
        }
        guard m.council == council else {
            throw APIError(.forbidden, field: "council", "member '\(m.id)' belongs to '\(m.council)' and cannot report for '\(council)'")
        }
        guard m.role.maySubmit else { throw APIError(.forbidden, field: "Authorization", "observers do not report") }
        let h = try await hierarchy()
        let summary = try await cyber.ingest(reports, member: m.id, chain: h.chain(from: council).map(\.id), now: now())
        // Replanning: an alert on a technique's output proposes a plan with that technique's
        // capacity at what the unit actually delivers now, for its council to accept.
        for a in summary.alerts where a.indicator.hasPrefix("output:") {
            let technique = String(a.indicator.dropFirst("output:".count))
            guard let (_, values) = await cyber.values(unit: council, indicator: a.indicator),
                  let actual = values.last(where: { $0 != nil }) ?? nil else { continue }
            _ = try? await propose(council: council, reason: "alert \(a.id): \(a.message)", capacities: [KeyedAmount(technique, max(0, actual))])
        }
        return summary
    }

    // MARK: replanning proposals

    /// Plans with changed capacities, compares with the current plan and stores the result as a
    /// pending proposal (`kind` "proposal"). Returns its id.
    public func propose(council: String, reason: String, capacities: [KeyedAmount]) async throws -> String {
        guard try await store.documents(kind: "plan").last != nil else { throw APIError(.conflict, field: "plan", "no current plan to compare with") }
        let comparison = try await compare(limits: [], needs: [], capacities: capacities)
        let t = now()
        let id = "proposal-" + String(SHA256.hex(reason + "|\(t)").prefix(12))
        let body = JSONValue.object([
            ("id", .string(id)), ("council", .string(council)), ("reason", .string(reason)), ("status", .string("pending")),
            ("created", .number(t)), ("capacities", .object(capacities.map { ($0.key, .number($0.amount)) })),
            ("before", comparison["before"] ?? .null), ("after", comparison["after"] ?? .null), ("changes", comparison["changes"] ?? .array([])),
        ])
        let text = JSONWriter(pretty: false).string(body)
        try await store.putDocument(StoredDocument(kind: "proposal", id: id, body: text, hash: SHA256.hex(text), time: t), actor: "cyberstride")
        return id
    }

    public func proposals() async throws -> [JSONValue] {
        var out: [JSONValue] = []
        for d in try await store.documents(kind: "proposal") {
            guard let v = try? JSONParser.parse(d.body) else { continue }
            var o: [(key: String, value: JSONValue)] = []
            for k in ["id", "council", "reason", "status", "created"] { o.append((k, v[k] ?? JSONValue.null)) }
            let before: JSONValue = v["before"]?["fulfilment"] ?? .null
            let after: JSONValue = v["after"]?["fulfilment"] ?? .null
            o.append(("fulfilment_before", before))
            o.append(("fulfilment_after", after))
            out.append(.object(o))
        }
        return out
    }

    public func proposal(_ id: String) async throws -> JSONValue {
        guard let d = try await store.document(kind: "proposal", id: id), let v = try? JSONParser.parse(d.body) else {
            throw APIError(.notFound, field: "proposal", "no proposal '\(id)'")
        }
        return v
    }

    /// The council accepts: the capacities enter its submission (so later plans keep them) and
    /// a new plan is made and stored. A facilitator of the council (or above) or the admin.
    public func accept(proposal id: String, by c: Caller) async throws -> (planID: String, plan: String) {
        let v = try await proposal(id)
        guard case .string(let council)? = v["council"], v["status"] == .string("pending") else {
            throw APIError(.conflict, field: "proposal", "proposal '\(id)' is not pending")
        }
        try requireFacilitator(c, of: council, in: try await hierarchy())
        var caps: [KeyedAmount] = []
        if case .object(let o)? = v["capacities"] { for (k, x) in o { if case .number(let a) = x { caps.append(KeyedAmount(k, a)) } } }
        // The council's current submission with the capacities changed (techniques it defines
        // carry their capacity; base techniques go to `capacities`).
        var s = try await store.submissions(council: council).last ?? Submission(council: council, member: c.name)
        for cap in caps {
            if let k = s.techniques.firstIndex(where: { $0.id == cap.key }) { s.techniques[k].capacity = cap.amount }
            else { s.capacities.removeAll { $0.key == cap.key }; s.capacities.append(cap) }
        }
        s.note = "accepted \(id)"
        s.member = c.name
        s.time = now()
        _ = try await wrap { try await store.appendSubmission(s, actor: c.name) }
        let (planID, plan) = try await makePlan(actor: c.name)
        var accepted = v
        if case .object(var o) = accepted {
            o = o.map { $0.key == "status" ? ($0.key, .string("accepted")) : $0 }
            o.append(("accepted_by", .string(c.name))); o.append(("plan", .string(planID)))
            accepted = .object(o)
        }
        let text = JSONWriter(pretty: false).string(accepted)
        try await store.putDocument(StoredDocument(kind: "proposal", id: id, body: text, hash: SHA256.hex(text), time: now()), actor: c.name)
        return (planID, plan)
    }

    /// Acknowledge or resolve: a member of the council the alert is at now, a facilitator above it, or the admin.
    public func act(onAlert id: String, resolve: Bool, note: String, by c: Caller) async throws {
        guard let a = await cyber.alert(id) else { throw APIError(.notFound, field: "alert", "no alert '\(id)'") }
        let h = try await hierarchy()
        switch c {
        case .admin: break
        case .member(let m) where m.council == a.council || (m.role.mayFacilitate && h.contains(m.council, a.council)): break
        case .anonymous: throw APIError(.unauthorized, field: "Authorization", "a token is required")
        default: throw APIError(.forbidden, field: "Authorization", "the alert is with council '\(a.council)'")
        }
        if resolve { try await cyber.resolve(id, by: c.name, note: note, now: now()) } else { try await cyber.acknowledge(id, by: c.name, now: now()) }
    }

    /// After a plan: each workplace technique's activity becomes the target of the indicator
    /// `output:TECHNIQUE` of the council that submitted it (tolerance 10 %, at least 1).
    func setBands(plan: Plan, economy: Economy, owners: [String: String]) async {
        for t in 0..<economy.techniqueCount {
            let id = economy.techniques.ids[t]
            guard let council = owners[id], t < plan.activities.count else { continue }
            let x = plan.activities[t]
            await cyber.setBand(unit: council, indicator: "output:" + id, PlanBand(target: x, tolerance: max(1, 0.1 * abs(x))))
        }
    }

    /// A fresh random token (256 bits, hex). Only its SHA-256 is stored.
    public static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return SHA256.hex(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    public func caller(token: String?) async throws -> Caller {
        guard let token, !token.isEmpty else { return .anonymous }
        let h = SHA256.hex(token)
        if h == adminTokenHash { return .admin }
        if let m = try await store.member(tokenHash: h) { return .member(m) }
        throw APIError(.unauthorized, field: "Authorization", "unknown token")
    }

    func hierarchy() async throws -> CouncilHierarchy {
        do { return try CouncilHierarchy(try await store.councils()) } catch let e as DemocracyError { throw APIError(e) }
    }

    func requireAdmin(_ c: Caller) throws {
        guard case .admin = c else { throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "only the administrator may do this") }
    }

    /// The admin, or a facilitator of `council` or of a federation above it.
    func requireFacilitator(_ c: Caller, of council: String, in h: CouncilHierarchy) throws {
        switch c {
        case .admin: return
        case .member(let m) where m.role.mayFacilitate && h.contains(m.council, council): return
        case .anonymous: throw APIError(.unauthorized, field: "Authorization", "a token is required")
        default: throw APIError(.forbidden, field: "Authorization", "only a facilitator of '\(council)' (or of a federation above it) may do this")
        }
    }

    // MARK: councils and members

    public func addCouncil(_ council: Council, by c: Caller) async throws -> Council {
        try requireAdmin(c)
        var h = try await hierarchy()
        do { try h.add(council) } catch { throw APIError(error) }
        try await wrap { try await store.addCouncil(council, actor: c.name, time: now()) }
        return council
    }

    public func councils() async throws -> [Council] { try await store.councils() }

    /// Adds a member and returns the token, which is shown once and stored only as a hash.
    public func addMember(_ m: Member, by c: Caller) async throws -> (Member, token: String) {
        let h = try await hierarchy()
        guard h[m.council] != nil else { throw APIError(.notFound, field: "council", "no council '\(m.council)'") }
        try requireFacilitator(c, of: m.council, in: h)
        let token = Self.newToken()
        try await wrap { try await store.addMember(m, tokenHash: SHA256.hex(token), actor: c.name, time: now()) }
        return (m, token)
    }

    public func members(council: String, by c: Caller) async throws -> [Member] {
        let h = try await hierarchy()
        switch c {
        case .admin: break
        case .member(let m) where m.council == council || h.contains(m.council, council): break
        case .anonymous: throw APIError(.unauthorized, field: "Authorization", "a token is required")
        default: throw APIError(.forbidden, field: "Authorization", "only members of '\(council)' see its members")
        }
        return try await store.members(council: council)
    }

    // MARK: submissions

    public func submit(_ s: Submission, by c: Caller) async throws -> Submission {
        guard case .member(let m) = c else {
            throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "submissions come from a council's members")
        }
        guard m.council == s.council else {
            throw APIError(.forbidden, field: "council", "member '\(m.id)' belongs to '\(m.council)' and cannot submit for '\(s.council)'")
        }
        guard m.role.maySubmit else { throw APIError(.forbidden, field: "Authorization", "observers do not submit") }
        let h = try await hierarchy()
        guard let council = h[s.council] else { throw APIError(.notFound, field: "council", "no council '\(s.council)'") }
        if let e = s.check(kind: council.kind).first { throw APIError(e) }
        // Products named in needs and techniques must exist in the base economy.
        if let base = try await baseDocument() {
            let products = Set(base.products.map(\.id)), resources = Set(base.resources.map(\.id))
            for (i, n) in s.needs.enumerated() where !products.contains(n.product) {
                throw APIError(.unprocessable, field: "needs[\(i)].product", "unknown product '\(n.product)'")
            }
            for (i, t) in s.techniques.enumerated() {
                for k in t.outputs + t.inputs where !products.contains(k.key) {
                    throw APIError(.unprocessable, field: "techniques[\(i)]", "unknown product '\(k.key)'")
                }
                for k in t.resources where !resources.contains(k.key) {
                    throw APIError(.unprocessable, field: "techniques[\(i)].resources.\(k.key)", "unknown resource '\(k.key)'")
                }
            }
        }
        var s = s
        s.member = m.id
        s.time = now()
        let stored = try await wrap { try await store.appendSubmission(s, actor: m.id) }
        return stored
    }

    public func submissions(council: String) async throws -> [Submission] { try await store.submissions(council: council) }

    // MARK: decisions

    public func addDecision(_ d: Decision, by c: Caller) async throws -> Decision {
        let h = try await hierarchy()
        guard h[d.council] != nil else { throw APIError(.notFound, field: "council", "no council '\(d.council)'") }
        try requireFacilitator(c, of: d.council, in: h)
        if let e = d.check().first { throw APIError(e) }
        var d = d
        d.open = true
        try await wrap { try await store.addDecision(d, actor: c.name, time: now()) }
        return d
    }

    public func decision(_ id: String) async throws -> Decision {
        guard let d = try await store.decision(id) else { throw APIError(.notFound, field: "decision", "no decision '\(id)'") }
        return d
    }

    public func cast(_ b: Ballot, decision id: String, by c: Caller) async throws {
        guard case .member(let m) = c else {
            throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "ballots come from members")
        }
        let d = try await decision(id)
        guard m.role.mayVote else { throw APIError(.forbidden, field: "Authorization", "observers do not vote") }
        let h = try await hierarchy()
        guard h.contains(d.council, m.council) else {
            throw APIError(.forbidden, field: "decision", "member '\(m.id)' of '\(m.council)' is not within '\(d.council)', which decides '\(id)'")
        }
        if let e = b.check(for: d).first { throw APIError(e) }
        try await wrap { try await store.castBallot(decision: id, member: m.id, ballot: b, time: now()) }
    }

    public func ballot(decision id: String, by c: Caller) async throws -> Ballot? {
        guard case .member(let m) = c else {
            throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "only a member has a ballot")
        }
        _ = try await decision(id)     // 404 naming the decision when it does not exist
        return try await store.ballots(decision: id).first { $0.member == m.id }?.ballot
    }

    public func close(decision id: String, by c: Caller) async throws -> Tally {
        let d = try await decision(id)
        try requireFacilitator(c, of: d.council, in: try await hierarchy())
        let tally = Tally.of(d, ballots: try await store.ballots(decision: id).map(\.ballot))
        try await wrap { try await store.closeDecision(id, tally: DemocracyJSON.string(DemocracyJSON.value(tally)), actor: c.name, time: now()) }
        return tally
    }

    public func tally(decision id: String) async throws -> (Decision, JSONValue?) {
        let d = try await decision(id)
        guard let t = try await store.tally(decision: id) else { return (d, nil) }
        return (d, try JSONParser.parse(t))
    }

    // MARK: opinion map

    /// A member of the council (or of a council below it) adds a statement.
    public func addStatement(id: String, council: String, text: String, by c: Caller) async throws -> Statement {
        guard case .member(let m) = c else { throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "statements come from members") }
        let h = try await hierarchy()
        guard h[council] != nil else { throw APIError(.notFound, field: "council", "no council '\(council)'") }
        guard h.contains(council, m.council) else { throw APIError(.forbidden, field: "council", "member '\(m.id)' is not within '\(council)'") }
        guard !text.isEmpty, text.utf8.count <= 2000 else { throw APIError(.badRequest, field: "text", "expected 1 to 2000 bytes of text") }
        let st = Statement(id: id, council: council, text: text, author: m.id, time: now())
        try await wrap { try await store.addStatement(st, actor: m.id) }
        return st
    }

    public func voteStatement(_ id: String, vote: String, by c: Caller) async throws {
        guard case .member(let m) = c else { throw APIError(c.isAnonymous ? .unauthorized : .forbidden, field: "Authorization", "votes come from members") }
        let v: Int
        switch vote {
        case "agree": v = 1
        case "disagree": v = -1
        case "pass": v = 0
        default: throw APIError(.badRequest, field: "vote", "expected agree, disagree or pass, got '\(vote)'")
        }
        let h = try await hierarchy()
        var council: String?
        for c in h.councils.keys.sorted() where council == nil {
            if try await store.statements(council: c).contains(where: { $0.id == id }) { council = c }
        }
        guard let council else { throw APIError(.notFound, field: "statement", "no statement '\(id)'") }
        guard h.contains(council, m.council) else { throw APIError(.forbidden, field: "statement", "member '\(m.id)' is not within '\(council)'") }
        try await wrap { try await store.voteStatement(id, member: m.id, vote: v, time: now()) }
    }

    /// The council's opinion map from its members' votes.
    public func opinionMap(council: String) async throws -> (statements: [Statement], map: OpinionMap.Result) {
        let statements = try await store.statements(council: council)
        let votes = try await store.statementVotes(council: council)
        let members = Array(Set(votes.map(\.member))).sorted()
        let mi = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
        let si = Dictionary(uniqueKeysWithValues: statements.enumerated().map { ($1.id, $0) })
        var matrix = [[OpinionMap.Vote?]](repeating: [OpinionMap.Vote?](repeating: nil, count: statements.count), count: members.count)
        for v in votes { if let i = mi[v.member], let j = si[v.statement] { matrix[i][j] = OpinionMap.Vote(rawValue: Int8(v.vote)) } }
        return (statements, OpinionMap().analyse(members: members, statements: statements.map(\.id), votes: matrix))
    }

    // MARK: economy, assembly, plans

    public func setBase(_ doc: EconomyDocument, by c: Caller) async throws -> String {
        try requireAdmin(c)
        let text = EconomyJSON.encode(doc, pretty: false)
        let hash = SHA256.hex(text)
        try await store.putDocument(StoredDocument(kind: "base", id: "base", body: text, hash: hash, time: now()), actor: c.name)
        return hash
    }

    public func baseDocument() async throws -> EconomyDocument? {
        guard let d = try await store.document(kind: "base", id: "base") else { return nil }
        do { return try EconomyJSON.decode(Array(d.body.utf8), source: "stored base economy") } catch {
            throw APIError(.internalError, field: "", "the stored base economy does not parse: \(error)")
        }
    }

    /// Builds the economy from the base, the current submissions and the closed decisions.
    public func assemble() async throws -> EconomyAssembler.Result {
        guard let base = try await store.document(kind: "base", id: "base") else {
            throw APIError(.conflict, field: "base", "no base economy loaded; PUT /api/v1/economy first")
        }
        let doc = try EconomyJSON.decode(Array(base.body.utf8), source: "stored base economy")
        var decided: [DecidedEffect] = []
        for d in try await store.decisions() where !d.open {
            decided.append(DecidedEffect(decision: d, tally: Tally.of(d, ballots: try await store.ballots(decision: d.id).map(\.ballot))))
        }
        do {
            return try EconomyAssembler.assemble(base: doc, baseHash: base.hash, submissions: try await store.currentSubmissions(), decisions: decided)
        } catch let e as DemocracyError { throw APIError(e) }
    }

    /// Assembles and plans; the plan is stored with its provenance. Returns the plan document's JSON.
    public func plan(by c: Caller, options: PlannerOptions = PlannerOptions()) async throws -> (id: String, json: String) {
        try requireAdmin(c)
        return try await makePlan(actor: c.name, options: options)
    }

    func makePlan(actor: String, options: PlannerOptions = PlannerOptions()) async throws -> (id: String, json: String) {
        let assembled = try await assemble()
        let economy: Economy
        do { economy = try Economy(document: assembled.document) } catch {
            throw APIError(.unprocessable, field: "economy", "the assembled economy is not valid: \(error)")
        }
        // Warm start from the latest stored plan when there is one (replanning after small changes).
        var warm: Plan? = nil
        if let last = try await store.documents(kind: "plan").last {
            warm = await warmStart(from: last, for: economy)
        }
        let plan = Planner.solve(economy, options: options, warmStart: warm)
        var owners: [String: String] = [:]
        for s in try await store.currentSubmissions() { for t in s.techniques { owners[t.id] = s.council } }
        await setBands(plan: plan, economy: economy, owners: owners)
        let planText = PlanJSON.encode(plan, economy: economy, economyFile: nil)
        let provenance = ProvenanceJSON.value(assembled.provenance, notes: assembled.notes)
        let id = String(assembled.provenance.hash.prefix(16)) + "-" + String(Int(now()))
        let body = "{\"id\":\(JSONWriter.quoted(id)),\"provenance\":\(DemocracyJSON.string(provenance)),\"plan\":\(planText)}"
        try await store.putDocument(StoredDocument(kind: "plan", id: id, body: body, hash: SHA256.hex(body), time: now()), actor: actor)
        await kept.put(id: id, techniques: economy.techniques.ids, plan: plan)
        return (id, body)
    }

    /// What-if: the assembled economy with some limits, needs or capacities changed, planned
    /// (warm-started from the latest plan) and compared with the latest stored plan. Nothing is stored.
    public func whatIf(limits: [KeyedAmount], needs: [KeyedAmount], capacities: [KeyedAmount], by c: Caller) async throws -> JSONValue {
        if case .anonymous = c { throw APIError(.unauthorized, field: "Authorization", "a token is required") }
        return try await compare(limits: limits, needs: needs, capacities: capacities)
    }

    /// The assembled economy with changes, planned warm-started from the latest plan, compared with it.
    func compare(limits: [KeyedAmount], needs: [KeyedAmount], capacities: [KeyedAmount]) async throws -> JSONValue {
        var doc = try await assemble().document
        for (i, l) in limits.enumerated() {
            guard let k = doc.resources.firstIndex(where: { $0.id == l.key }) else { throw APIError(.unprocessable, field: "limits.\(l.key)", "unknown resource '\(l.key)'") }
            guard l.amount >= 0 else { throw APIError(.badRequest, field: "limits.\(l.key)", "expected a limit ≥ 0 (entry \(i))") }
            doc.resources[k].limit = l.amount
        }
        let products = Set(doc.products.map(\.id))
        for n in needs {
            guard products.contains(n.key) else { throw APIError(.unprocessable, field: "needs.\(n.key)", "unknown product '\(n.key)'") }
            guard n.amount >= 0 else { throw APIError(.badRequest, field: "needs.\(n.key)", "expected an amount ≥ 0") }
            // The new amount replaces the product's needs; guaranteed stays guaranteed.
            let guaranteed = doc.needs.contains { $0.product == n.key && $0.guaranteed }
            doc.needs.removeAll { $0.product == n.key }
            if n.amount > 0 { doc.needs.append(NeedSpec(product: n.key, amount: n.amount, guaranteed: guaranteed)) }
        }
        for cap in capacities {
            guard let k = doc.techniques.firstIndex(where: { $0.id == cap.key }) else { throw APIError(.unprocessable, field: "capacities.\(cap.key)", "unknown technique '\(cap.key)'") }
            guard cap.amount >= 0 else { throw APIError(.badRequest, field: "capacities.\(cap.key)", "expected a capacity ≥ 0") }
            doc.techniques[k].capacity = cap.amount
        }
        let economy: Economy
        do { economy = try Economy(document: doc) } catch { throw APIError(.unprocessable, field: "economy", "the changed economy is not valid: \(error)") }
        var before: JSONValue = .null
        var warm: Plan? = nil
        var oldActivities: [String: Double] = [:]
        if let last = try await store.documents(kind: "plan").last, let v = try? JSONParser.parse(last.body), let p = v["plan"] {
            before = Self.summary(p)
            if case .object(let acts)? = p["activities"] {
                for (k, x) in acts { if case .number(let a) = x { oldActivities[k] = a } }
            }
            warm = await warmStart(from: last, for: economy)
        }
        let plan = Planner.solve(economy, options: PlannerOptions(), warmStart: warm)
        let after = try JSONParser.parse(PlanJSON.encode(plan, economy: economy, economyFile: nil))
        // The largest activity changes against the latest plan.
        var changes: [(String, Double, Double)] = []
        if before != .null {
            for t in 0..<economy.techniqueCount {
                let id = economy.techniques.ids[t], a = oldActivities[id] ?? 0, b = plan.activities[t]
                if abs(b - a) > 1e-6 * max(1, abs(a)) { changes.append((id, a, b)) }
            }
        }
        changes.sort { abs($0.2 - $0.1) > abs($1.2 - $1.1) }
        return .object([
            ("before", before), ("after", Self.summary(after)),
            ("changes", .array(changes.prefix(20).map { .object([("technique", .string($0.0)), ("before", .number($0.1)), ("after", .number($0.2))]) })),
            ("plan", after),
        ])
    }

    /// Splits the assembled economy into councils, plans decentrally and compares with the central plan.
    public func federate(councils k: Int, mode: Decomposition.Mode, maxRounds: Int) async throws -> JSONValue {
        let doc = try await assemble().document
        let economy: Economy
        do { economy = try Economy(document: doc) } catch { throw APIError(.unprocessable, field: "economy", "the assembled economy is not valid: \(error)") }
        let central = Planner.solve(economy)
        var o = Decomposition.Options()
        o.mode = mode
        o.maxRounds = maxRounds
        let parts = Decomposition.split(economy, councils: k)
        let r = Decomposition.solve(economy, councils: parts, options: o)
        return FederationJSON.value(r, central: central, councils: parts, historyLimit: 50)
    }

    /// The warm start for planning `economy` after the stored plan `last`: the plan kept in
    /// memory when it is that one, else the stored JSON's activities and valuations (read in
    /// place; the re-plan rebuilds its basis from them).
    func warmStart(from last: StoredDocument, for economy: Economy) async -> Plan? {
        if let k = await kept.plan(id: last.id, techniques: economy.techniques.ids) { return k }
        return try? PlanJSON.warmStart(Array(last.body.utf8), source: "stored plan", for: economy, member: "plan")
    }

    static func summary(_ p: JSONValue) -> JSONValue {
        .object([("status", p["status"] ?? .null), ("fulfilment", p["fulfilment"] ?? .null),
                 ("resource_use", p["resource_use"] ?? .null), ("certificate", p["certificate"] ?? .null)])
    }

    public func storedPlan(_ id: String) async throws -> String {
        guard let d = try await store.document(kind: "plan", id: id) else { throw APIError(.notFound, field: "plan", "no plan '\(id)'") }
        return d.body
    }

    public func plans() async throws -> [StoredDocument] { try await store.documents(kind: "plan") }

    /// Maps store-level domain errors (conflicts, closed decisions) to API errors.
    func wrap<T>(_ f: () async throws -> T) async throws -> T {
        do { return try await f() } catch let e as DemocracyError { throw APIError(e) }
    }
}

extension Caller {
    var isAnonymous: Bool { if case .anonymous = self { return true } else { return false } }
}

public enum ProvenanceJSON {
    public static func value(_ p: Provenance, notes: [String]) -> JSONValue {
        .object([
            ("hash", .string(p.hash)),
            ("sources", .array(p.sources.map { .object([("kind", .string($0.kind)), ("id", .string($0.id)), ("hash", .string($0.hash))]) })),
            ("notes", .array(notes.map { .string($0) })),
        ])
    }
}

/// An API error: HTTP status, the field it concerns, a message.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public enum Status: Int, Sendable {
        case badRequest = 400, unauthorized = 401, forbidden = 403, notFound = 404, conflict = 409
        case contentTooLarge = 413, unprocessable = 422, tooManyRequests = 429, internalError = 500
    }
    public var status: Status
    public var field: String
    public var message: String
    public init(_ s: Status, field: String, _ m: String) { status = s; self.field = field; message = m }
    public init(_ e: DemocracyError) {
        let s: Status = switch e.kind {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict, .closed: .conflict
        }
        self.init(s, field: e.field, e.message)
    }
    public init(_ e: any Error) {
        if let a = e as? APIError { self = a } else if let d = e as? DemocracyError { self.init(d) } else {
            self.init(.internalError, field: "", "\(e)")
        }
    }
    public var description: String { "\(status.rawValue) \(field): \(message)" }
}

/// The latest plan this process made, kept in memory under its stored id: a re-plan or what-if
/// of the same techniques warm-starts from it with its optimal basis and Leontief system (what
/// the stored JSON cannot carry). After a restart the stored JSON is the warm start.
actor KeptPlan {
    private var entry: (id: String, techniques: [String], plan: Plan)?

    func put(id: String, techniques: [String], plan: Plan) { entry = (id, techniques, plan) }

    /// The kept plan when it is the stored plan `id` and was made for the same techniques in the
    /// same order (plans index activities by technique).
    func plan(id: String, techniques: [String]) -> Plan? {
        guard let e = entry, e.id == id, e.techniques == techniques else { return nil }
        return e.plan
    }
}
