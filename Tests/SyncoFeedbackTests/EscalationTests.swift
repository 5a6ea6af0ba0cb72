import Testing
@testable import SyncoFeedback

private let chain = ["bakery", "north", "riverside"]
private let policy = EscalationPolicy(ackTimeout: 60, resolveTimeout: 600)

private func alert(_ period: Int = 40) -> Alert {
    Alert(unit: "bakery", indicator: "loaves", period: period, kind: .change, changeKind: .level,
          probability: 0.9, detectedAt: period + 1, message: "level change")
}

@Test func notAcknowledgedEscalatesAfterAckTimeout() throws {
    var clock = ManualClock(1000)
    var desk = EscalationDesk(policy: policy, now: clock.now)
    let a = try desk.raise(alert(), chain: chain, now: clock.now)
    #expect(a.council == "bakery")
    clock.advance(by: 59)
    #expect(desk.tick(clock).isEmpty)
    #expect(desk.alerts[a.id]!.council == "bakery")
    clock.advance(by: 1)
    let ev = desk.tick(clock)
    #expect(ev.count == 1)
    #expect(ev[0].event == EscalationEvent(at: 1060, kind: .escalated(from: "bakery", to: "north", reason: .notAcknowledged)))
    #expect(desk.alerts[a.id]!.council == "north")
    #expect(desk.alerts[a.id]!.since == 1060)
    #expect(desk.pending(council: "north").map(\.id) == [a.id])
    #expect(desk.pending(council: "bakery").isEmpty)
}

@Test func acknowledgedButNotResolvedEscalatesAfterResolveTimeout() throws {
    var clock = ManualClock(0)
    var desk = EscalationDesk(policy: policy)
    let id = try desk.raise(alert(), chain: chain, now: clock.now).id
    clock.advance(by: 30)
    try desk.acknowledge(id, by: "ana", now: clock.now)
    clock.advance(by: 100)  // t = 130: past the ack timeout, but acknowledged
    #expect(desk.tick(clock).isEmpty)
    clock.now = 599
    #expect(desk.tick(clock).isEmpty)
    clock.now = 600
    let ev = desk.tick(clock)
    #expect(ev.map(\.event) == [EscalationEvent(at: 600, kind: .escalated(from: "bakery", to: "north", reason: .notResolved))])
    // At the new level the timers are reset and a fresh acknowledgement is needed.
    let e = desk.alerts[id]!
    #expect(e.status == .open && e.level == 1 && e.since == 600)
    clock.now = 659
    #expect(desk.tick(clock).isEmpty)
    clock.now = 660
    #expect(desk.tick(clock).map(\.event.kind) == [.escalated(from: "north", to: "riverside", reason: .notAcknowledged)])
}

@Test func resolvedAlertDoesNotEscalate() throws {
    var desk = EscalationDesk(policy: policy)
    let id = try desk.raise(alert(), chain: chain, now: 0).id
    try desk.acknowledge(id, by: "ana", now: 10)
    try desk.resolve(id, by: "ana", note: "oven repaired", now: 20)
    #expect(desk.tick(now: 1_000_000).isEmpty)
    let e = desk.alerts[id]!
    #expect(e.status == .closed && e.level == 0 && !e.unresolvedAtTop)
    #expect(throws: EscalationError.closed(id)) { try desk.acknowledge(id, by: "bo", now: 1_000_001) }
    #expect(desk.pending(council: "bakery").isEmpty)
}

@Test func escalationStopsAtTopAndHistoryIsComplete() throws {
    var desk = EscalationDesk(policy: policy)
    let id = try desk.raise(alert(), chain: chain, now: 0).id
    // One coarse tick far in the future: each step is stamped at its own deadline.
    let ev = desk.tick(now: 10_000)
    #expect(ev.map(\.event.at) == [60, 120, 180])
    let e = desk.alerts[id]!
    #expect(e.council == "riverside" && e.isTop && e.unresolvedAtTop)
    #expect(desk.tick(now: 20_000).isEmpty)
    // Still actionable at the top.
    try desk.acknowledge(id, by: "council-chair", now: 20_001)
    try desk.resolve(id, by: "council-chair", note: "capacity moved", now: 20_002)
    let h = desk.alerts[id]!.history
    #expect(h == [
        EscalationEvent(at: 0, kind: .raised(council: "bakery")),
        EscalationEvent(at: 60, kind: .escalated(from: "bakery", to: "north", reason: .notAcknowledged)),
        EscalationEvent(at: 120, kind: .escalated(from: "north", to: "riverside", reason: .notAcknowledged)),
        EscalationEvent(at: 180, kind: .unresolvedAtTop(council: "riverside", reason: .notAcknowledged)),
        EscalationEvent(at: 20_001, kind: .acknowledged(by: "council-chair", council: "riverside")),
        EscalationEvent(at: 20_002, kind: .resolved(by: "council-chair", council: "riverside", note: "capacity moved")),
        EscalationEvent(at: 20_002, kind: .closed),
    ])
}

@Test func fineAndCoarseTicksGiveTheSameHistory() throws {
    var fine = EscalationDesk(policy: policy), coarse = EscalationDesk(policy: policy)
    let id = try fine.raise(alert(), chain: chain, now: 0).id
    try coarse.raise(alert(), chain: chain, now: 0)
    for t in stride(from: 0.0, through: 1000, by: 7) { fine.tick(now: t) }
    coarse.tick(now: 1000)
    #expect(fine.alerts[id]!.history == coarse.alerts[id]!.history)
}

@Test func deskRejectsUnknownDuplicateAndEmptyChain() throws {
    var desk = EscalationDesk(policy: policy)
    #expect(throws: EscalationError.emptyChain) { try desk.raise(alert(), chain: [], now: 0) }
    try desk.raise(alert(), chain: ["solo"], now: 0)
    #expect(throws: EscalationError.alreadyRaised(alert().id)) { try desk.raise(alert(), chain: ["solo"], now: 1) }
    #expect(throws: EscalationError.unknownAlert("nope")) { try desk.acknowledge("nope", by: "x", now: 2) }
    // A one-council chain is its own top.
    desk.tick(now: 60)
    #expect(desk.alerts[alert().id]!.unresolvedAtTop)
}

@Test func alertFromSeriesIsEscalatedEndToEnd() throws {
    var rng = SeededNormals(seed: 42)
    var monitor = SeriesMonitor(unit: "bakery", indicator: "loaves", spec: FeedbackBank.defaultSpec())
    var desk = EscalationDesk(policy: policy)
    var clock = ManualClock(0)
    for t in 0..<60 {
        clock.advance(by: 10)
        for a in monitor.observe(period: t, value: 10 + (t >= 30 ? 5 : 0) + rng.next()) {
            try desk.raise(a, chain: chain, now: clock.now)
        }
        desk.tick(clock)
    }
    let changes = desk.alerts.values.filter { $0.alert.kind == .change }
    #expect(changes.contains { abs($0.alert.period - 30) <= 1 })
}
