import Testing
import SyncoData
import SyncoModel

let architectureV2JSON = """
{
  "format": "synco-economy/2",
  "periods": 5,
  "products":   [{"id": "grain", "unit": "t", "storable": {"carryover": 0.9, "initial": 20}},
                 {"id": "timber", "unit": "m3"},
                 {"id": "tractor", "unit": "pcs", "capital": {"depreciation": 0.1, "initial": 8}}],
  "stocks":     [{"id": "forest", "unit": "m3", "initial": 1000, "regeneration": 0.05,
                  "carrying_capacity": 2000, "minimum_final": 1100}],
  "resources":  [{"id": "labour", "kind": "labour", "limit": [1000, 1010, 1020, 1030, 1040]},
                 {"id": "co2", "kind": "emission", "limit": 60, "budget": 250}],
  "techniques": [{"id": "farm", "outputs": {"grain": 1}, "inputs": {"grain": 0.1},
                  "resources": {"labour": 2, "co2": 0.3}, "capital": {"tractor": 0.02}},
                 {"id": "logging", "outputs": {"timber": 1}, "resources": {"labour": 0.5},
                  "extracts": {"forest": 1}}],
  "needs":      [{"product": "grain", "amount": [100, 100, 105, 110, 115]}]
}
"""

func issuesV2(_ json: String) -> [ValidationIssue] {
    do { _ = try EconomyJSON2.economy(Array(json.utf8)); return [] } catch { return error.issues }
}

@Suite struct MultiPeriodJSON {
    @Test func readsTheArchitectureExample() throws {
        let me = try EconomyJSON2.economy(Array(architectureV2JSON.utf8))
        #expect(me.periods == 5)
        #expect(me.storage[0] == Storage(carryover: 0.9, initial: 20))
        #expect(me.capital[2] == CapitalSpec(depreciation: 0.1, initial: 8))
        #expect(me.stocks.first?.minimumFinal == 1100)
        #expect(me.limits[0]?[3] == 1030 && me.limits[1]?[4] == 60 && me.budgets[1] == 250)
        #expect(me.capitalUse.row(0) == [Entry(2, 0.02)] && me.extraction.row(1) == [Entry(0, 1)])
        #expect(me.needs[0].amount[2] == 105)
    }

    @Test func roundTrips() throws {
        let doc = try EconomyJSON2.decode(Array(architectureV2JSON.utf8))
        let again = try EconomyJSON2.decode(Array(EconomyJSON2.encode(doc).utf8))
        #expect(again == doc)
        let me = try MultiPeriodEconomy(document: doc)
        #expect(me.document() == doc)
    }

    @Test func v1DocumentIsOnePeriod() throws {
        let me = try EconomyJSON2.economy(Array(twoSectorJSON.utf8))
        #expect(me.periods == 1 && me.limits[1]?[0] == 50 && me.capacities[0]?[0] == 400)
    }

    @Test func onePeriodV2DocumentReadsAsV1() throws {
        let json = architectureV2JSON.replacingFirst(#""periods": 5"#, with: #""periods": 1"#)
        // Stocks, storage and capital make it a plan over time even with one period.
        #expect(issues(json).contains { $0.path == "format" && $0.code == "unsupported-format" })
        let plain = #"{"format": "synco-economy/2", "periods": 1, "products": [{"id": "a"}], "resources": [{"id": "l", "kind": "labour", "limit": [5]}], "techniques": [{"id": "t", "outputs": {"a": 1}, "resources": {"l": 1}}], "needs": [{"product": "a", "amount": 2}]}"#
        let e = try EconomyJSON.economy(Array(plain.utf8))
        #expect(e.resources[0].limit == 5)
    }

    @Test func errorsNameThePlace() {
        let bad = architectureV2JSON
            .replacingFirst("[1000, 1010, 1020, 1030, 1040]", with: "[1000, 1010, 1020, -1, 1040]")
            .replacingFirst(#""depreciation": 0.1"#, with: #""depreciation": 1.5"#)
            .replacingFirst(#""carryover": 0.9"#, with: #""carryover": -0.1"#)
            .replacingFirst("[100, 100, 105, 110, 115]", with: "[100, 100, 105]")
            .replacingFirst(#""capital": {"tractor": 0.02}"#, with: #""capital": {"tractr": 0.02, "grain": 1}"#)
            .replacingFirst(#""extracts": {"forest": 1}"#, with: #""extracts": {"lake": 1}"#)
            .replacingFirst(#"{"id": "timber", "unit": "m3"}"#, with: #"{"id": "timber", "unit": "m3", "storable": {}, "capital": {}}"#)
            .replacingFirst(#""limit": 60"#, with: #""limit": [60, 60]"#)
        let found = issuesV2(bad)
        func has(_ path: String, _ code: String) -> Bool { found.contains { $0.path == path && $0.code == code } }
        #expect(has("resources[0].limit[3]", "negative"))
        #expect(has("resources[1].limit", "wrong-length"))
        #expect(has("products[2].capital.depreciation", "out-of-range"))
        #expect(has("products[0].storable.carryover", "out-of-range"))
        #expect(has("needs[0].amount", "wrong-length"))
        #expect(has("techniques[0].capital.tractr", "unknown-product"))
        #expect(has("techniques[0].capital.grain", "not-capital"))
        #expect(has("techniques[1].extracts.lake", "unknown-stock"))
        #expect(has("products[1]", "storable-and-capital"))
    }

    @Test func missingPeriodsAndBadStocks() {
        let found = issuesV2(architectureV2JSON.replacingFirst(#""periods": 5,"#, with: "")
            .replacingFirst(#""regeneration": 0.05"#, with: #""regeneration": -0.05"#))
        #expect(found.contains { $0.path == "periods" && $0.code == "missing" })
        let found2 = issuesV2(architectureV2JSON.replacingFirst(#""regeneration": 0.05"#, with: #""regeneration": -0.05"#)
            .replacingFirst(#""minimum_final": 1100"#, with: #""minimum_final": 2100"#))
        #expect(found2.contains { $0.path == "stocks[0].regeneration" && $0.code == "negative" })
        #expect(found2.contains { $0.path == "stocks[0].minimum_final" && $0.code == "target-above-capacity" })
    }
}
