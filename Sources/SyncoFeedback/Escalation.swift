/// A source of the current time in seconds. The domain never reads a clock: the caller passes
/// `now` or a clock (a `ManualClock` in tests, a wall clock in the server).
public protocol FeedbackClock {
    var now: Double { get }
}

/// A clock that moves only when told to.
public struct ManualClock: FeedbackClock, Sendable {
    public var now: Double
    public init(_ now: Double = 0) { self.now = now }
    public mutating func advance(by seconds: Double) { now += seconds }
}

/// Timeouts of the algedonic escalation.
public struct EscalationPolicy: Sendable, Hashable {
    /// Seconds a council has to acknowledge an alert before it goes one level up.
    public var ackTimeout: Double
    /// Seconds a council has to resolve it (counted from its arrival at the level, like the
    /// acknowledgement) before it goes one level up.
    public var resolveTimeout: Double

    /// Defaults: acknowledge within 1 hour, resolve within 24 hours.
    public init(ackTimeout: Double = 3600, resolveTimeout: Double = 86_400) {
        precondition(ackTimeout > 0 && resolveTimeout > 0, "timeouts must be positive")
        self.ackTimeout = ackTimeout
        self.resolveTimeout = resolveTimeout
    }
}

/// One entry in the history of an escalated alert.
public struct EscalationEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case raised(council: String)
        case escalated(from: String, to: String, reason: EscalationReason)
        case acknowledged(by: String, council: String)
        case resolved(by: String, council: String, note: String)
        /// A timeout passed at the top council: the alert stays there, marked unresolved.
        case unresolvedAtTop(council: String, reason: EscalationReason)
        case closed
    }
    public let at: Double
    public let kind: Kind
}

public enum EscalationReason: String, Sendable, Hashable {
    case notAcknowledged = "not acknowledged"
    case notResolved = "not resolved"
}

public enum EscalationError: Error, Sendable, Hashable {
    case unknownAlert(String)
    case alreadyRaised(String)
    case closed(String)
    case emptyChain
}

/// An alert under escalation: where it is, its deadlines and its full history.
public struct EscalatedAlert: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable, Hashable { case open, acknowledged, closed }
    public let alert: Alert
    /// Council ids from the unit's own (level 0) up to the top, e.g. ["bakery", "north", "riverside"].
    public let chain: [String]
    public internal(set) var level: Int
    public internal(set) var status: Status
    /// True once a timeout has passed at the top council.
    public internal(set) var unresolvedAtTop: Bool
    /// When the alert arrived at its current level (the timers' origin).
    public internal(set) var since: Double
    public internal(set) var history: [EscalationEvent]

    public var id: String { alert.id }
    public var council: String { chain[level] }
    public var isTop: Bool { level == chain.count - 1 }
}

/// Beer's algedonic signal as a procedure: an alert goes first to the unit's own council; when
/// that council does not acknowledge it within `ackTimeout`, or does not resolve it within
/// `resolveTimeout` (both counted from the alert's arrival at the level), it goes one recursion
/// level up the chain (workplace → federation → whole) with fresh timers and must be
/// acknowledged again there. At the top it stays; the first timeout there marks it "unresolved
/// at top" (once; its timers stop). Resolving closes it at any level.
///
/// Time only moves through `tick(now:)`. An escalation takes effect at its deadline, not at the
/// tick that notices it, so a coarse tick produces the same history as a fine one (a tick long
/// after several deadlines escalates several levels, each stamped with its own deadline).
/// Acknowledging or resolving at time t first applies the escalations due before t.
public struct EscalationDesk: Sendable {
    public var policy: EscalationPolicy
    public private(set) var alerts: [String: EscalatedAlert] = [:]
    /// The latest time seen (ticks and operations). Time never goes back: an operation stamped
    /// earlier than `now` is recorded at `now`.
    public private(set) var now: Double

    public init(policy: EscalationPolicy = EscalationPolicy(), now: Double = 0) {
        self.policy = policy
        self.now = now
    }

    /// Opens an alert at level 0 of `chain`.
    @discardableResult
    public mutating func raise(_ alert: Alert, chain: [String], now t: Double) throws -> EscalatedAlert {
        guard !chain.isEmpty else { throw EscalationError.emptyChain }
        guard alerts[alert.id] == nil else { throw EscalationError.alreadyRaised(alert.id) }
        tick(now: t)
        let t = now
        let e = EscalatedAlert(alert: alert, chain: chain, level: 0, status: .open, unresolvedAtTop: false,
                               since: t, history: [EscalationEvent(at: t, kind: .raised(council: chain[0]))])
        alerts[alert.id] = e
        return e
    }

    /// Records an acknowledgement by `who` at the alert's current council.
    public mutating func acknowledge(_ id: String, by who: String, now t: Double) throws {
        tick(now: t)
        let t = now
        guard var e = alerts[id] else { throw EscalationError.unknownAlert(id) }
        guard e.status != .closed else { throw EscalationError.closed(id) }
        e.status = .acknowledged
        e.history.append(EscalationEvent(at: t, kind: .acknowledged(by: who, council: e.council)))
        alerts[id] = e
    }

    /// Records a resolution by `who` and closes the alert.
    public mutating func resolve(_ id: String, by who: String, note: String = "", now t: Double) throws {
        tick(now: t)
        let t = now
        guard var e = alerts[id] else { throw EscalationError.unknownAlert(id) }
        guard e.status != .closed else { throw EscalationError.closed(id) }
        e.status = .closed
        e.history.append(EscalationEvent(at: t, kind: .resolved(by: who, council: e.council, note: note)))
        e.history.append(EscalationEvent(at: t, kind: .closed))
        alerts[id] = e
    }

    /// Applies every escalation due at or before `now`; returns the events it added, in time order.
    @discardableResult
    public mutating func tick(now t: Double) -> [(alert: String, event: EscalationEvent)] {
        let t = Swift.max(t, now)
        now = t
        var out: [(alert: String, event: EscalationEvent)] = []
        for id in alerts.keys.sorted() {
            guard var e = alerts[id], e.status != .closed, !e.unresolvedAtTop else { continue }
            while true {
                let reason: EscalationReason, deadline: Double
                if e.status == .open {
                    // Not acknowledged: the earlier of the two deadlines applies (ack ≤ resolve normally).
                    if policy.ackTimeout <= policy.resolveTimeout {
                        reason = .notAcknowledged; deadline = e.since + policy.ackTimeout
                    } else {
                        reason = .notResolved; deadline = e.since + policy.resolveTimeout
                    }
                } else {
                    reason = .notResolved; deadline = e.since + policy.resolveTimeout
                }
                guard deadline <= t else { break }
                let ev: EscalationEvent
                if e.isTop {
                    e.unresolvedAtTop = true
                    ev = EscalationEvent(at: deadline, kind: .unresolvedAtTop(council: e.council, reason: reason))
                } else {
                    let from = e.council
                    e.level += 1
                    e.status = .open
                    e.since = deadline
                    ev = EscalationEvent(at: deadline, kind: .escalated(from: from, to: e.council, reason: reason))
                }
                e.history.append(ev)
                out.append((id, ev))
                if e.unresolvedAtTop { break }
            }
            alerts[id] = e
        }
        out.sort { $0.event.at < $1.event.at }
        return out
    }

    /// Ticks to the clock's time.
    @discardableResult
    public mutating func tick(_ clock: some FeedbackClock) -> [(alert: String, event: EscalationEvent)] {
        tick(now: clock.now)
    }

    /// Alerts currently open or acknowledged at a council, oldest first.
    public func pending(council: String) -> [EscalatedAlert] {
        alerts.values.filter { $0.status != .closed && $0.council == council }
            .sorted { ($0.since, $0.id) < ($1.since, $1.id) }
    }
}
