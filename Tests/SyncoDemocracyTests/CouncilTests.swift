import Testing
import SyncoModel
@testable import SyncoDemocracy

@Suite struct CouncilTests {
    static func federation() throws -> CouncilHierarchy {
        try CouncilHierarchy([
            Council(id: "bakery", name: "Bakery workers", kind: .workplace, parent: "north"),
            Council(id: "whole", name: "Whole", kind: .whole),
            Council(id: "north", name: "North", kind: .federation, parent: "whole"),
            Council(id: "street", name: "Street", kind: .consumer, parent: "north"),
        ])
    }

    @Test func hierarchyChainsAndErrors() throws {
        let h = try Self.federation()
        #expect(h.chain(from: "bakery").map(\.id) == ["bakery", "north", "whole"])
        #expect(h.level(of: "street") == 2)
        #expect(Set(h.descendants(of: "whole").map(\.id)) == ["north", "bakery", "street"])
        #expect(throws: DemocracyError.self) { try CouncilHierarchy([Council(id: "x", name: "x", kind: .consumer, parent: "nowhere")]) }
        var g = h
        #expect(throws: DemocracyError.self) { try g.add(Council(id: "inside", name: "i", kind: .consumer, parent: "bakery")) }
        #expect(throws: DemocracyError.self) { try g.add(Council(id: "orphan", name: "o", kind: .consumer)) }
    }

    @Test func submissionsSupersedeAndKeepHistory() {
        var l = SubmissionLedger()
        let a = l.append(Submission(council: "street", member: "m1", needs: [NeedSpec(product: "bread", amount: 10)]))
        let b = l.append(Submission(council: "street", member: "m2", needs: [NeedSpec(product: "bread", amount: 12)]))
        #expect(a.sequence == 1 && b.sequence == 2)
        #expect(l.current("street")?.needs.first?.amount == 12)
        #expect(l.history["street"]?.count == 2)
        #expect(a.hash != b.hash)
    }

    @Test func submissionCheckNamesFields() {
        let s = Submission(council: "street", member: "m", needs: [NeedSpec(product: "bread", amount: -1)],
                           techniques: [TechniqueSpec(id: "t", outputs: [])])
        let errors = s.check(kind: .consumer)
        #expect(errors.contains { $0.field == "needs[0].amount" })
        #expect(errors.contains { $0.field == "techniques" && $0.kind == .forbidden })
    }

    @Test func ballotBoxOneBallotPerMemberUntilClose() throws {
        var box = BallotBox(Decision(id: "co2", council: "whole", title: "CO2 limit", method: .number, lower: 0, upper: 100))
        try box.cast(member: "a", Ballot(number: 40))
        try box.cast(member: "a", Ballot(number: 60))       // changes the ballot, does not add one
        try box.cast(member: "b", Ballot(number: 50))
        try box.cast(member: "c", Ballot(number: 20))
        #expect(throws: DemocracyError.self) { try box.cast(member: "d", Ballot(number: 500)) }
        let t = box.close()
        #expect(t.ballots == 3)
        #expect(t.number == 50)
        #expect(throws: DemocracyError.self) { try box.cast(member: "e", Ballot(number: 10)) }
    }

    @Test func ballotChecksNameFields() {
        let d = Decision(id: "prio", council: "whole", title: "Priorities", method: .ranked, options: ["care", "bread", "steel"])
        let e = Ballot(ranking: [["care"], ["care", "cars"]]).check(for: d)
        #expect(e.map(\.field).sorted() == ["ranking[1][0]", "ranking[1][1]"])
        let tally = Tally.of(d, ballots: [Ballot(ranking: [["care"], ["bread"]]), Ballot(ranking: [["care", "bread"]])])
        #expect(tally.winners == ["care"])
        #expect(tally.order.first == "care")
    }

    @Test func assemblyIsDeterministicAndAppliesDecisions() throws {
        let base = EconomyDocument(
            name: "town",
            products: [Product(id: "bread"), Product(id: "care"), Product(id: "flour")],
            resources: [Resource(id: "co2", kind: .emission, limit: 100), Resource(id: "labour", kind: .labour, limit: 1000)],
            techniques: [TechniqueSpec(id: "mill", outputs: [KeyedAmount("flour", 1)], resources: [KeyedAmount("labour", 1)], capacity: 50)])
        let subs = [
            Submission(council: "street", sequence: 1, member: "m", needs: [NeedSpec(product: "bread", amount: 10), NeedSpec(product: "care", amount: 5)]),
            Submission(council: "avenue", sequence: 3, member: "n", needs: [NeedSpec(product: "bread", amount: 4, guaranteed: true)]),
            Submission(council: "bakery", sequence: 2, member: "b",
                       techniques: [TechniqueSpec(id: "oven", outputs: [KeyedAmount("bread", 1)], inputs: [KeyedAmount("flour", 0.7)])],
                       capacities: [KeyedAmount("mill", 80)]),
        ]
        let co2 = Decision(id: "co2", council: "whole", title: "CO2", method: .number, lower: 0, upper: 500, effect: .resourceLimit(resource: "co2"))
        let prio = Decision(id: "prio", council: "whole", title: "Guarantee", method: .approval, options: ["care", "bread"], effect: .guaranteeNeeds(count: 1))
        let decided = [
            DecidedEffect(decision: co2, tally: Tally.of(co2, ballots: [Ballot(number: 80), Ballot(number: 60), Ballot(number: 200)])),
            DecidedEffect(decision: prio, tally: Tally.of(prio, ballots: [Ballot(approvals: ["care"]), Ballot(approvals: ["care", "bread"])])),
        ]
        let r1 = try EconomyAssembler.assemble(base: base, baseHash: "h", submissions: subs, decisions: decided)
        let r2 = try EconomyAssembler.assemble(base: base, baseHash: "h", submissions: subs.reversed(), decisions: decided.reversed())
        #expect(r1.provenance.hash == r2.provenance.hash)
        #expect(r1.document == r2.document)
        #expect(r1.document.resources[0].limit == 80)
        #expect(r1.document.techniques.map(\.id) == ["mill", "oven"])
        #expect(r1.document.techniques[0].capacity == 80)
        // bread: 4 guaranteed (avenue) + 10 ordinary (street); care: 5 made guaranteed by the decision.
        #expect(r1.document.needs.contains(NeedSpec(product: "bread", amount: 4, guaranteed: true)))
        #expect(r1.document.needs.contains(NeedSpec(product: "bread", amount: 10, guaranteed: false)))
        #expect(r1.document.needs.contains(NeedSpec(product: "care", amount: 5, guaranteed: true)))
        #expect(r1.provenance.sources.map(\.id) == ["town", "avenue#3", "bakery#2", "street#1", "co2", "prio"])
        // A clashing technique id names both owners.
        let clash = subs + [Submission(council: "mill2", sequence: 1, member: "x", techniques: [TechniqueSpec(id: "mill", outputs: [KeyedAmount("flour", 1)])])]
        #expect(throws: DemocracyError.self) { try EconomyAssembler.assemble(base: base, baseHash: "h", submissions: clash, decisions: []) }
    }
}
