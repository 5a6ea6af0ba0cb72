import SyncoDemocracy

/// An execution report as stored: who reported what for which period, in which batch.
public struct StoredReport: Sendable, Hashable {
    public var id: String
    public var unit: String
    public var indicator: String
    public var period: Int
    public var value: Double
    public var time: Double
    public var member: String
    public var batch: String
    public init(id: String, unit: String, indicator: String, period: Int, value: Double, time: Double, member: String, batch: String) {
        self.id = id; self.unit = unit; self.indicator = indicator; self.period = period; self.value = value
        self.time = time; self.member = member; self.batch = batch
    }
    var line: String { "\(id)|\(unit)|\(indicator)|\(period)|\(value)|\(member)" }
}

/// A human action on an alert (acknowledge, resolve), replayed after a restart.
public struct AlertAction: Sendable, Hashable {
    public var alert: String
    public var action: String     // "acknowledge" | "resolve"
    public var by: String
    public var note: String
    public var time: Double
    public init(alert: String, action: String, by: String, note: String, time: Double) {
        self.alert = alert; self.action = action; self.by = by; self.note = note; self.time = time
    }
    var body: String { "\(action)|\(alert)|\(by)|\(note)" }
}

enum ReportBatch {
    /// The audit body of a batch: SHA-256 over its accepted reports' lines.
    static func hash(_ reports: [StoredReport]) -> String {
        SHA256.hex(reports.map(\.line).joined(separator: "\n"))
    }
}
