import Testing
import SyncoModel

/// The two-sector example of the architecture note, built as a document.
func twoSector() -> EconomyDocument {
    EconomyDocument(
        name: "Two-sector example",
        products: [Product(id: "grain", name: "Grain", unit: "t", category: "food"),
                   Product(id: "care", name: "Elder care", unit: "h", category: "care")],
        resources: [Resource(id: "labour", unit: "h", kind: .labour, limit: 1000),
                    Resource(id: "co2", unit: "t", kind: .emission, limit: 50)],
        techniques: [TechniqueSpec(id: "farm", outputs: [KeyedAmount("grain", 1)], inputs: [KeyedAmount("grain", 0.1)],
                                   resources: [KeyedAmount("labour", 2), KeyedAmount("co2", 0.3)], capacity: 400),
                     TechniqueSpec(id: "care-home", outputs: [KeyedAmount("care", 1)], inputs: [KeyedAmount("grain", 0.01)],
                                   resources: [KeyedAmount("labour", 1.1)])],
        needs: [NeedSpec(product: "grain", amount: 100), NeedSpec(product: "care", amount: 300, guaranteed: true)])
}

@Suite struct EconomyResolution {
    @Test func resolvesIdsAndLooksUp() throws {
        let e = try Economy(document: twoSector())
        #expect(e.productCount == 2 && e.resourceCount == 2 && e.techniqueCount == 2)
        #expect(e.productIndex(of: "care") == 1)
        #expect(e.resourceIndex(of: "co2") == 1)
        #expect(e.techniqueIndex(of: "care-home") == 1)
        #expect(e.productIndex(of: "steel") == nil)
        let farm = e.techniques[0]
        #expect(farm.capacity == 400)
        #expect(farm.inputs == [Entry(0, 0.1)])
        #expect(e.techniques[1].capacity == nil)
        #expect(e.needs[1].guaranteed)
        #expect(e.validate().isEmpty)
    }

    @Test func documentRoundTrip() throws {
        let doc = twoSector()
        let back = try Economy(document: doc).document()
        #expect(back == doc)
    }

    @Test func jointProductionIsAllowed() throws {
        var doc = twoSector()
        doc.products.append(Product(id: "straw"))
        doc.techniques[0].outputs.append(KeyedAmount("straw", 0.5))
        let e = try Economy(document: doc)
        #expect(e.techniques[0].outputs.count == 2)
    }
}

@Suite struct ValidationReportsEveryProblem {
    func issues(_ doc: EconomyDocument) -> [ValidationIssue] {
        do { _ = try Economy(document: doc); return [] } catch { return error.issues }
    }

    @Test func unknownProductAndResource() {
        var doc = twoSector()
        doc.techniques[0].inputs.append(KeyedAmount("steel", 1))
        doc.techniques[1].resources.append(KeyedAmount("water", 1))
        let found = issues(doc)
        #expect(found.contains { $0.code == "unknown-product" && $0.path == "techniques[0].inputs.steel" })
        #expect(found.contains { $0.code == "unknown-resource" && $0.path == "techniques[1].resources.water" })
    }

    @Test func duplicateIds() {
        var doc = twoSector()
        doc.products.append(Product(id: "grain"))
        doc.resources.append(Resource(id: "co2", kind: .emission))
        doc.techniques.append(TechniqueSpec(id: "farm", outputs: [KeyedAmount("grain", 1)]))
        let found = issues(doc)
        #expect(found.contains { $0.code == "duplicate-id" && $0.path == "products[2].id" && $0.message.contains("products[0]") })
        #expect(found.contains { $0.code == "duplicate-id" && $0.path == "resources[2].id" })
        #expect(found.contains { $0.code == "duplicate-id" && $0.path == "techniques[2].id" })
    }

    @Test func negativeAndNonFiniteCoefficients() {
        var doc = twoSector()
        doc.techniques[0].inputs = [KeyedAmount("grain", -0.1)]
        doc.techniques[1].resources = [KeyedAmount("labour", .infinity)]
        doc.techniques[1].capacity = -3
        doc.resources[0].limit = .nan
        doc.needs[0].amount = .infinity
        let found = issues(doc)
        #expect(found.contains { $0.code == "negative-coefficient" && $0.path == "techniques[0].inputs.grain" })
        #expect(found.contains { $0.code == "non-finite" && $0.path == "techniques[1].resources.labour" })
        #expect(found.contains { $0.code == "bad-capacity" && $0.path == "techniques[1].capacity" })
        #expect(found.contains { $0.code == "bad-limit" && $0.path == "resources[0].limit" })
        #expect(found.contains { $0.code == "non-finite" && $0.path == "needs[0].amount" })
        #expect(found.count >= 5, "all problems at once")
    }

    @Test func techniqueWithoutOutputAndUnproducibleNeed() {
        var doc = twoSector()
        doc.products.append(Product(id: "steel"))
        doc.techniques.append(TechniqueSpec(id: "idle", outputs: [KeyedAmount("grain", 0)]))
        doc.needs.append(NeedSpec(product: "steel", amount: 5))
        doc.needs.append(NeedSpec(product: "care", amount: -1, guaranteed: true))
        let found = issues(doc)
        #expect(found.contains { $0.code == "no-output" && $0.path == "techniques[2].outputs" })
        #expect(found.contains { $0.code == "unproducible-need" && $0.path == "needs[2].product" && $0.message.contains("steel") })
        #expect(found.contains { $0.code == "negative-guaranteed-need" && $0.path == "needs[3].amount" })
    }

    @Test func unproducibleInputIsAWarning() throws {
        var doc = twoSector()
        doc.products.append(Product(id: "steel"))
        doc.techniques[0].inputs.append(KeyedAmount("steel", 0.2))
        let e = try Economy(document: doc)
        let w = e.validate()
        #expect(w.count == 1 && w[0].severity == .warning && w[0].code == "unproducible-input")
    }

    @Test func directlyBuiltEconomyWithBadIndices() {
        var t = TechniqueTable()
        t.append(Technique(id: "x", outputs: [Entry(5, 1)], inputs: [Entry(-1, 1)], resources: [Entry(3, 1)]))
        let e = Economy(name: "bad", products: [Product(id: "a")], resources: [], techniques: t, needs: [Need(product: 9, amount: 1)])
        let codes = Set(e.validate().map(\.code))
        #expect(codes.isSuperset(of: ["unknown-product", "unknown-resource", "no-output"]))
    }
}
