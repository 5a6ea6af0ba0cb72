import Testing
@testable import SyncoFeedback

private func report(_ period: Int, _ value: Double, id: String, at: Double = 0,
                    unit: String = "bakery", indicator: String = "loaves") -> ExecutionReport {
    ExecutionReport(unit: unit, indicator: indicator, period: period, value: value, reportedAt: at, id: id)
}

@Test func ledgerInOrderAppendsAndDuplicatesAreIdempotent() {
    var l = ReportLedger()
    #expect(l.ingest(report(0, 10, id: "a")).outcome == .inOrder)
    #expect(l.ingest(report(1, 11, id: "b")).outcome == .inOrder)
    let again = l.ingest(report(1, 11, id: "b"))
    #expect(again.outcome == .duplicate)
    // A re-sent report with the same id is a duplicate even if its payload was garbled.
    #expect(l.ingest(report(1, 99, id: "b")).outcome == .duplicate)
    #expect(l.values(series: again.series) == [10, 11])
    #expect(l.duplicateCount == 2)
    #expect(l.reportCount == 2)
    #expect(l.correctionCount == 0)
}

@Test func ledgerPlacesLateAndOutOfOrderReportsByPeriod() {
    var l = ReportLedger()
    #expect(l.ingest(report(5, 50, id: "p5")).outcome == .inOrder)
    #expect(l.ingest(report(8, 80, id: "p8")).outcome == .ahead(skipped: 2))
    #expect(l.ingest(report(7, 70, id: "p7")).outcome == .late)
    #expect(l.ingest(report(6, 60, id: "p6")).outcome == .late)
    // Before the first period: the series grows at the front.
    #expect(l.ingest(report(3, 30, id: "p3")).outcome == .late)
    let s = l.existingIndex(unit: "bakery", indicator: "loaves")!
    #expect(l.periodRange(series: s) == 3...8)
    #expect(l.values(series: s) == [30, nil, 50, 60, 70, 80])
    #expect(l.value(series: s, period: 4) == nil)
    #expect(l.lateCount == 3)
    // A duplicate of a late report is still a duplicate.
    #expect(l.ingest(report(7, 70, id: "p7")).outcome == .duplicate)
}

@Test func ledgerCorrectionsKeepHistoryAndLatestWins() {
    var l = ReportLedger()
    l.ingest(report(0, 10, id: "a", at: 100))
    l.ingest(report(1, 12, id: "b", at: 200))
    #expect(l.ingest(report(1, 13, id: "b2", at: 300)).outcome == .correction(previous: 12))
    #expect(l.ingest(report(1, 14, id: "b3", at: 400)).outcome == .correction(previous: 13))
    // The replaced reports stay known: re-sending them changes nothing.
    #expect(l.ingest(report(1, 12, id: "b", at: 500)).outcome == .duplicate)
    #expect(l.ingest(report(1, 13, id: "b2", at: 500)).outcome == .duplicate)
    // Same value, new id: recorded, not a correction.
    #expect(l.ingest(report(1, 14, id: "b4", at: 600)).outcome == .confirmation)
    #expect(l.value(series: 0, period: 1) == 14)
    #expect(l.correctionCount == 2)
    let h = l.corrections(series: 0)
    #expect(h.map(\.previousValue) == [12, 13])
    #expect(h.map(\.newValue) == [13, 14])
    #expect(h.map(\.newReportID) == ["b2", "b3"])
    #expect(h[1].previousReportID == "b2")
    #expect(h.map(\.newReportedAt) == [300, 400])
    #expect(l.ingest(report(2, .nan, id: "c")).outcome == .rejected)
}

@Test func ledgerKeepsSeriesApart() {
    var l = ReportLedger()
    let a = l.ingest(report(0, 1, id: "x", unit: "bakery", indicator: "loaves")).series
    let b = l.ingest(report(0, 2, id: "x", unit: "bakery", indicator: "flour")).series
    let c = l.ingest(report(0, 3, id: "x", unit: "mill", indicator: "loaves")).series
    #expect(Set([a, b, c]).count == 3)
    #expect(l.seriesCount == 3)
    #expect(l.keys[b] == SeriesKey(unit: "bakery", indicator: "flour"))
}

@Test func ledgerAppendsManyInOrder() {
    var l = ReportLedger()
    for t in 0..<10_000 { #expect(l.ingest(series: l.seriesIndex(unit: "u", indicator: "i"), period: t, value: Double(t), reportedAt: 0, id: "\(t)") == .inOrder) }
    #expect(l.values(series: 0).count == 10_000)
}

@Test func beerIndicesOnKnownNumbers() {
    let b = BeerIndices(actuality: 60, capability: 80, potentiality: 100)
    #expect(abs(b.productivity! - 0.75) < 1e-15)
    #expect(abs(b.latency! - 0.8) < 1e-15)
    #expect(abs(b.performance! - 0.6) < 1e-15)
    #expect(abs(b.productivity! * b.latency! - b.performance!) < 1e-15)
    #expect(b.isOrdered)
}

@Test func beerIndicesHandleZerosAndOverachievement() {
    let noCapability = BeerIndices(actuality: 0, capability: 0, potentiality: 50)
    #expect(noCapability.productivity == nil)
    #expect(noCapability.latency == 0)
    #expect(noCapability.performance == 0)
    let nothing = BeerIndices(actuality: 0, capability: 0, potentiality: 0)
    #expect(nothing.productivity == nil && nothing.latency == nil && nothing.performance == nil)
    let idle = BeerIndices(actuality: 0, capability: 40, potentiality: 50)
    #expect(idle.productivity == 0 && idle.performance == 0)
    let over = BeerIndices(actuality: 90, capability: 80, potentiality: 100)
    #expect(abs(over.productivity! - 1.125) < 1e-15)
    #expect(!over.isOrdered)
    #expect(BeerIndices(actuality: -1, capability: 80, potentiality: 100).productivity == nil)
}
