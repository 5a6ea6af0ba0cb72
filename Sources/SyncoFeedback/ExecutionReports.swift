/// One report from the shop floor: the value of an indicator of a unit for one period.
///
/// `period` is the index of the reporting period (day, week, …) the value belongs to; `reportedAt`
/// is when it was sent (seconds on the caller's clock — the domain never reads a clock). `id`
/// identifies the report for idempotency: sending the same report twice changes nothing.
public struct ExecutionReport: Sendable, Hashable {
    public var unit: String
    public var indicator: String
    public var period: Int
    public var value: Double
    public var reportedAt: Double
    public var id: String

    public init(unit: String, indicator: String, period: Int, value: Double, reportedAt: Double, id: String) {
        self.unit = unit
        self.indicator = indicator
        self.period = period
        self.value = value
        self.reportedAt = reportedAt
        self.id = id
    }
}

/// The key of a series: one indicator of one unit.
public struct SeriesKey: Sendable, Hashable, Comparable {
    public var unit: String
    public var indicator: String

    public init(unit: String, indicator: String) {
        self.unit = unit
        self.indicator = indicator
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.unit, a.indicator) < (b.unit, b.indicator)
    }
}

/// What the ledger did with a report.
public enum IngestOutcome: Sendable, Hashable {
    /// The next period after the latest one (or the first report of the series): the normal case.
    case inOrder
    /// A period beyond the next one; the periods in between stay empty (`skipped` of them).
    case ahead(skipped: Int)
    /// A period before the latest one whose slot was empty: a late or out-of-order report,
    /// placed at its period.
    case late
    /// A report id already recorded for this slot: nothing changed.
    case duplicate
    /// A new report for a filled period with a different value: the new value replaces the old
    /// one, which is kept in the correction history.
    case correction(previous: Double)
    /// A new report for a filled period with the same value: recorded, value unchanged.
    case confirmation
    /// The value is not finite (NaN, ±∞): rejected, nothing stored.
    case rejected

    /// True when the stored value of the slot changed (a new value or a correction).
    public var changedValue: Bool {
        switch self {
        case .inOrder, .ahead, .late, .correction: return true
        case .duplicate, .confirmation, .rejected: return false
        }
    }
}

/// The result of `ReportLedger.ingest`: the dense index of the series (stable for the life of the
/// ledger; use it to address per-series state such as `FeedbackBank`) and what happened.
public struct IngestResult: Sendable, Hashable {
    public let series: Int
    public let outcome: IngestOutcome
}

/// A replaced value, kept when a correction arrives.
public struct CorrectionRecord: Sendable, Hashable {
    public let series: Int
    public let period: Int
    public let previousValue: Double
    public let previousReportID: String
    public let previousReportedAt: Double
    public let newValue: Double
    public let newReportID: String
    public let newReportedAt: Double
}

/// Time series of execution reports per (unit, indicator).
///
/// Storage: one contiguous array of 24-byte slots per series (value, reported-at, 64-bit
/// fingerprint of the report id), covering periods `firstPeriod …`; an empty slot has a NaN value.
/// An in-order report is an amortised O(1) append; a late report for a period inside the range
/// fills its slot in O(1); a report for a period before `firstPeriod` shifts the array (O(length),
/// rare). The series index is found through one dictionary lookup on (unit, indicator).
///
/// Idempotency: a report is a duplicate when its id matches the id of the report that filled the
/// slot, or of any report that was replaced or confirmed there (the key is (unit, indicator,
/// period, id); ids are compared by 64-bit FNV-1a fingerprint, exact string only in the sparse
/// history). Corrections keep the old value in `corrections`; the latest report wins.
public struct ReportLedger: Sendable {
    struct Slot: Sendable {
        var value: Double
        var reportedAt: Double
        var idHash: UInt64
    }

    struct Series: Sendable {
        var firstPeriod: Int
        var slots: [Slot]
        var latestPeriod: Int { firstPeriod + slots.count - 1 }
    }

    private var index: [SeriesKey: Int] = [:]
    public private(set) var keys: [SeriesKey] = []
    private var series: [Series] = []
    /// Every correction, in arrival order.
    public private(set) var corrections: [CorrectionRecord] = []
    /// Extra id fingerprints recorded per slot (replaced or confirming reports), keyed by
    /// (series, period): sparse.
    private var extraIDs: [SlotKey: [UInt64]] = [:]
    public private(set) var duplicateCount = 0
    public private(set) var correctionCount = 0
    public private(set) var lateCount = 0
    public private(set) var reportCount = 0

    struct SlotKey: Hashable, Sendable { var series: Int; var period: Int }

    public init() {}

    /// Reserves room for `n` series (avoids rehashing when the population is known).
    public mutating func reserveSeries(_ n: Int) {
        index.reserveCapacity(n)
        keys.reserveCapacity(n)
        series.reserveCapacity(n)
    }

    public var seriesCount: Int { series.count }

    /// The dense index of a series, creating it if new.
    public mutating func seriesIndex(unit: String, indicator: String) -> Int {
        let key = SeriesKey(unit: unit, indicator: indicator)
        if let i = index[key] { return i }
        let i = series.count
        index[key] = i
        keys.append(key)
        series.append(Series(firstPeriod: 0, slots: []))
        return i
    }

    /// The index of an existing series, if any.
    public func existingIndex(unit: String, indicator: String) -> Int? {
        index[SeriesKey(unit: unit, indicator: indicator)]
    }

    /// Stores a report. See `IngestOutcome` for the cases.
    /// - Complexity: amortised O(1) for in-order, late-within-range, duplicate and correction
    ///   reports (plus one dictionary lookup); O(length) for a period before the first one.
    @discardableResult
    public mutating func ingest(_ r: ExecutionReport) -> IngestResult {
        let s = seriesIndex(unit: r.unit, indicator: r.indicator)
        return IngestResult(series: s, outcome: ingest(series: s, period: r.period, value: r.value,
                                                       reportedAt: r.reportedAt, id: r.id))
    }

    /// Stores a report addressed by series index (the fast path once the index is known).
    public mutating func ingest(series s: Int, period: Int, value: Double, reportedAt: Double, id: String) -> IngestOutcome {
        guard value.isFinite else { return .rejected }
        let h = Self.fingerprint(id)
        let slot = Slot(value: value, reportedAt: reportedAt, idHash: h)
        if series[s].slots.isEmpty {
            series[s].firstPeriod = period
            series[s].slots.append(slot)
            reportCount += 1
            return .inOrder
        }
        let first = series[s].firstPeriod, latest = series[s].latestPeriod
        if period == latest + 1 {
            series[s].slots.append(slot)
            reportCount += 1
            return .inOrder
        }
        if period > latest {
            let skipped = period - latest - 1
            series[s].slots.append(contentsOf: repeatElement(Slot(value: .nan, reportedAt: .nan, idHash: 0), count: skipped))
            series[s].slots.append(slot)
            reportCount += 1
            return .ahead(skipped: skipped)
        }
        if period < first {
            let gap = first - period
            var head = [Slot](repeating: Slot(value: .nan, reportedAt: .nan, idHash: 0), count: gap)
            head[0] = slot
            series[s].slots.insert(contentsOf: head, at: 0)
            series[s].firstPeriod = period
            reportCount += 1
            lateCount += 1
            return .late
        }
        let i = period - first
        let old = series[s].slots[i]
        if old.value.isNaN {
            series[s].slots[i] = slot
            reportCount += 1
            lateCount += 1
            return .late
        }
        let key = SlotKey(series: s, period: period)
        if old.idHash == h || (extraIDs[key]?.contains(h) ?? false) {
            duplicateCount += 1
            return .duplicate
        }
        reportCount += 1
        if old.value == value {
            extraIDs[key, default: []].append(h)
            return .confirmation
        }
        extraIDs[key, default: []].append(old.idHash)
        correctionCount += 1
        let previousID = Self.lastID(corrections, series: s, period: period) ?? "#\(old.idHash)"
        corrections.append(CorrectionRecord(series: s, period: period, previousValue: old.value,
                                            previousReportID: previousID, previousReportedAt: old.reportedAt,
                                            newValue: value, newReportID: id, newReportedAt: reportedAt))
        series[s].slots[i] = slot
        return .correction(previous: old.value)
    }

    /// The id of the report that last set the value of a slot, when a correction recorded it
    /// (the first report's id is stored only as a fingerprint; "#<fingerprint>" stands for it).
    private static func lastID(_ log: [CorrectionRecord], series: Int, period: Int) -> String? {
        log.last { $0.series == series && $0.period == period }?.newReportID
    }

    /// The stored value for a period (nil if empty or outside the series).
    public func value(series s: Int, period: Int) -> Double? {
        let x = series[s]
        let i = period - x.firstPeriod
        guard i >= 0 && i < x.slots.count else { return nil }
        let v = x.slots[i].value
        return v.isNaN ? nil : v
    }

    /// The periods covered by a series (nil when it has no report yet).
    public func periodRange(series s: Int) -> ClosedRange<Int>? {
        let x = series[s]
        return x.slots.isEmpty ? nil : x.firstPeriod...x.latestPeriod
    }

    /// The series from its first period to its latest, nil for empty periods.
    public func values(series s: Int) -> [Double?] {
        series[s].slots.map { $0.value.isNaN ? nil : $0.value }
    }

    /// Corrections of one series, in arrival order.
    public func corrections(series s: Int) -> [CorrectionRecord] {
        corrections.filter { $0.series == s }
    }

    /// Approximate heap bytes of the series storage (slots by capacity, plus the per-series
    /// header); dictionary and key strings excluded.
    public var approximateStorageBytes: Int {
        var b = series.capacity * MemoryLayout<Series>.stride
        for x in series { b += x.slots.capacity * MemoryLayout<Slot>.stride + 32 }
        return b
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across runs (unlike `Hasher`).
    static func fingerprint(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
