import Foundation
import SyncoData
import SyncoDemocracy
import SyncoFeedback
import SyncoStore

/// Cyberstride in the server: execution reports go to the store first (durable, idempotent by
/// report id), then into the in-memory ledger and the compact multi-process bank; alerts are
/// raised to the unit's council and escalate up the council chain by the desk's timers. After a
/// restart the state is rebuilt by replaying stored reports and alert actions in time order.
public actor Cyberstride {
    public struct Summary: Sendable {
        public var accepted = 0, duplicates = 0, late = 0, corrections = 0, rejected = 0
        public var alerts: [Alert] = []
    }

    let store: any SyncoStore
    var ledger = ReportLedger()
    var bank = FeedbackBank()
    var desk: EscalationDesk
    /// Plan bands by series key, applied when a series first appears too.
    var bands: [SeriesKey: PlanBand] = [:]
    var raised: [Alert] = []

    public init(store: any SyncoStore, policy: EscalationPolicy = EscalationPolicy(), now: Double) {
        self.store = store
        desk = EscalationDesk(policy: policy, now: now)
    }

    /// Rebuilds ledger, models and the alert desk from the store.
    public func restore(chain: (String) -> [String]) async throws {
        let reports = try await store.reports()
        let actions = try await store.alertActions()
        var i = 0, j = 0
        while i < reports.count || j < actions.count {
            if j >= actions.count || (i < reports.count && reports[i].time <= actions[j].time) {
                let r = reports[i]; i += 1
                _ = apply(ExecutionReport(unit: r.unit, indicator: r.indicator, period: r.period, value: r.value, reportedAt: r.time, id: r.id),
                          chain: chain(r.unit), now: r.time)
            } else {
                let a = actions[j]; j += 1
                _ = desk.tick(now: a.time)
                if a.action == "acknowledge" { try? desk.acknowledge(a.alert, by: a.by, now: a.time) } else { try? desk.resolve(a.alert, by: a.by, note: a.note, now: a.time) }
            }
        }
    }

    /// Applies one report to ledger, model and desk (not to the store).
    func apply(_ r: ExecutionReport, chain: [String], now: Double) -> (IngestOutcome, [Alert]) {
        _ = desk.tick(now: now)
        let result = ledger.ingest(r)
        var alerts: [Alert] = []
        switch result.outcome {
        case .inOrder, .ahead:
            let key = ledger.keys[result.series]
            if let b = bands[key], result.series >= bank.count || bank.plan(series: result.series) != b {
                bank.setPlan(series: result.series, b)
            }
            _ = bank.observe(series: result.series, period: r.period, value: r.value, key: key, into: &alerts)
            for a in alerts {
                raised.append(a)
                if !chain.isEmpty { _ = try? desk.raise(a, chain: chain, now: now) }
            }
        default: break
        }
        return (result.outcome, alerts)
    }

    /// Stores then applies a batch; only what the store acknowledged is applied.
    public func ingest(_ reports: [ExecutionReport], member: String, chain: [String], now: Double) async throws -> Summary {
        let batch = "batch-" + FederationService.newToken().prefix(16)
        let stored = reports.map { StoredReport(id: $0.id, unit: $0.unit, indicator: $0.indicator, period: $0.period, value: $0.value,
                                                time: now, member: member, batch: batch) }
        let inserted = try await store.appendReports(stored, actor: member, time: now)
        var s = Summary()
        for (r, ok) in zip(reports, inserted) {
            guard ok else { s.duplicates += 1; continue }
            let (outcome, alerts) = apply(r, chain: chain, now: now)
            switch outcome {
            case .duplicate: s.duplicates += 1
            case .late: s.late += 1; s.accepted += 1
            case .correction: s.corrections += 1; s.accepted += 1
            case .rejected: s.rejected += 1
            default: s.accepted += 1
            }
            s.alerts += alerts
        }
        return s
    }

    public func tick(now: Double) -> Int { desk.tick(now: now).count }

    public func acknowledge(_ id: String, by: String, now: Double) async throws {
        _ = desk.tick(now: now)
        do { try desk.acknowledge(id, by: by, now: now) } catch { throw APIError(.conflict, field: "alert", "cannot acknowledge '\(id)': \(error)") }
        try await store.appendAlertAction(AlertAction(alert: id, action: "acknowledge", by: by, note: "", time: now))
    }

    public func resolve(_ id: String, by: String, note: String, now: Double) async throws {
        _ = desk.tick(now: now)
        do { try desk.resolve(id, by: by, note: note, now: now) } catch { throw APIError(.conflict, field: "alert", "cannot resolve '\(id)': \(error)") }
        try await store.appendAlertAction(AlertAction(alert: id, action: "resolve", by: by, note: note, time: now))
    }

    public func alert(_ id: String) -> EscalatedAlert? { desk.alerts[id] }
    public func alerts() -> [EscalatedAlert] { desk.alerts.values.sorted { ($0.since, $0.id) > ($1.since, $1.id) } }

    /// Sets the plan's tolerance band for a series (target ± tolerance).
    public func setBand(unit: String, indicator: String, _ band: PlanBand) {
        let key = SeriesKey(unit: unit, indicator: indicator)
        bands[key] = band
        if let s = ledger.existingIndex(unit: unit, indicator: indicator), s < bank.count { bank.setPlan(series: s, band) }
    }

    public func band(unit: String, indicator: String) -> PlanBand? { bands[SeriesKey(unit: unit, indicator: indicator)] }

    /// The indicators of a unit, with their values by period (nil = missing).
    public func series(unit: String) -> [(indicator: String, first: Int, values: [Double?])] {
        ledger.keys.enumerated().filter { $0.element.unit == unit }.compactMap { (i, k) in
            guard let range = ledger.periodRange(series: i) else { return nil }
            return (k.indicator, range.lowerBound, ledger.values(series: i))
        }.sorted { $0.indicator < $1.indicator }
    }

    public func values(unit: String, indicator: String) -> (first: Int, values: [Double?])? {
        guard let i = ledger.existingIndex(unit: unit, indicator: indicator), let range = ledger.periodRange(series: i) else { return nil }
        return (range.lowerBound, ledger.values(series: i))
    }

    public var counts: (series: Int, reports: Int, duplicates: Int, corrections: Int) {
        (ledger.seriesCount, ledger.reportCount, ledger.duplicateCount, ledger.correctionCount)
    }
}
