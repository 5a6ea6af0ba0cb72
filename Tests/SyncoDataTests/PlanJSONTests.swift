import Testing
import SyncoData
import SyncoModel
import SyncoPlan

@Suite struct PlanFileWarmStart {
    func economy() throws -> Economy { try EconomyJSON.economy(Array(twoSectorJSON.utf8)) }

    func read(_ json: String, for e: Economy) -> (plan: Plan?, issues: [ValidationIssue]) {
        do { return (try PlanJSON.warmStart(Array(json.utf8), source: "plan.json", for: e), []) } catch { return (nil, error.issues) }
    }

    /// The streaming reader gives what the document reader gives: a written plan read back.
    @Test func readsWhatTheDocumentReaderReads() throws {
        let e = try economy()
        let plan = Planner.solve(e)
        #expect(plan.status == .optimal)
        let json = PlanJSON.encode(plan, economy: e, economyFile: "two.json")
        let fast = try PlanJSON.warmStart(Array(json.utf8), source: "plan.json", for: e)
        let slow = PlanJSON.warmStart(try PlanJSON.decode(Array(json.utf8), source: "plan.json"), for: e)
        #expect(fast.status == .optimal)
        #expect(fast.activities == plan.activities && fast.activities == slow.activities)
        #expect(fast.fulfilment == plan.fulfilment)
        #expect(fast.productValuation == plan.productValuation && fast.productValuation == slow.productValuation)
        #expect(fast.resourceValuation == plan.resourceValuation && fast.resourceValuation == slow.resourceValuation)
    }

    /// Ids out of the economy's order, escaped, unknown or missing: matched by id, unknown ones
    /// ignored, missing ones zero; members the warm start does not need are skipped.
    @Test func matchesIdsInAnyOrder() throws {
        let e = try economy()
        let json = #"""
        {"format": "synco-plan/1", "status": "optimal", "fulfilment": 2.5, "net_output": {"grain": [1, {"x": "}"}]},
         "activities": {"care-home": 300, "gone": 7, "f\u0061rm": 1e2},
         "valuations": {"numeraire": "labour", "resources": {"co2": 0.25}, "products": {"care": -0.5}}}
        """#
        let (plan, issues) = read(json, for: e)
        #expect(issues.isEmpty, "\(issues)")
        #expect(plan?.activities == [100, 300])
        #expect(plan?.fulfilment == 2.5 && plan?.status == .optimal)
        #expect(plan?.productValuation == [0, -0.5])
        #expect(plan?.resourceValuation == [0, 0.25])
    }

    @Test func reportsProblemsWithTheirPlace() throws {
        let e = try economy()
        let typed = read(#"{"format": "synco-plan/1", "status": 3, "activities": {"farm": "many", "care-home": null}}"#, for: e).issues
        #expect(typed.map(\.path) == ["status", "activities.farm", "activities.care-home"], "\(typed)")
        #expect(typed.dropFirst().allSatisfy { $0.message.contains("expected a number") })
        let syntax = read("{\"format\": \"synco-plan/1\",\n \"activities\": {\"farm\": 1 \"care-home\": 2}}", for: e).issues
        #expect(syntax.count == 1 && syntax[0].code == "json-syntax" && syntax[0].path.hasPrefix("line 2"), "\(syntax)")
        let truncated = read(#"{"format": "synco-plan/1", "status": "optimal", "activities": {"farm": 1"#, for: e).issues
        #expect(truncated.map(\.code) == ["json-syntax"], "\(truncated)")
        let skippedTruncated = read(#"{"format": "synco-plan/1", "status": "optimal", "net_output": [1, 2"#, for: e).issues
        #expect(skippedTruncated.map(\.code) == ["json-syntax"], "\(skippedTruncated)")
        let format = read(#"{"format": "synco-economy/1", "status": "optimal"}"#, for: e).issues
        #expect(format.map(\.code) == ["unsupported-format"])
        let badNumber = read(#"{"format": "synco-plan/1", "status": "optimal", "activities": {"farm": 1.}}"#, for: e).issues
        #expect(badNumber.map(\.code) == ["json-syntax"])
        // A number that does not end at a delimiter is an error, not a read past the input.
        for tail in [#"{"farm": 0123}}"#, #"{"farm": 0x1F}}"#, #"{"farm": 0"#, #"{"farm": 12"#, #"{"farm": 1e5"#] {
            let r = read(#"{"format": "synco-plan/1", "status": "optimal", "activities": "# + tail, for: e).issues
            #expect(r.map(\.code) == ["json-syntax"], "\(tail): \(r)")
        }
        // A top-level member named like a valuations member does not hide it.
        let named = read(#"{"format": "synco-plan/1", "status": "optimal", "valuations.products": 1, "valuations": {"products": {"care": 2}}}"#, for: e)
        #expect(named.plan?.productValuation == [0, 2], "\(named.issues)")
        let notAnObject = read(#"[1, 2]"#, for: e).issues
        #expect(notAnObject.map(\.code) == ["json-syntax"])
        let trailing = read(#"{"format": "synco-plan/1", "status": "optimal"} {}"#, for: e).issues
        #expect(trailing.map(\.code) == ["json-syntax"])
    }
}
