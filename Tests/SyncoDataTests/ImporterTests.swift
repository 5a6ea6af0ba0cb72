import Foundation
import Testing
import SyncoData
import SyncoModel
import SyncoPlan

@Suite struct SymmetricCSVImport {
    @Test func textbookTableKnownAnswer() throws {
        let t = try LabelledTable(bytes: Array(textbookCSV.utf8), file: "mb.csv")
        let doc = try SymmetricIOImporter(path: "mb.csv", labourRows: ["value_added"]).convert(t)
        let e = try Economy(document: doc)
        #expect(e.products.map(\.id) == ["agri", "manu"])
        #expect(e.resources.map(\.id) == ["value_added"] && e.resources[0].kind == .labour && e.resources[0].limit == 2050)
        // A = [[.15, .25], [.2, .05]]
        let agri = e.techniques[0], manu = e.techniques[1]
        #expect(agri.inputs.map(\.amount) == [0.15, 0.2])
        #expect(manu.inputs.map(\.amount) == [0.25, 0.05])
        let a = try LeontiefAnalysis(e, solver: .init(tolerance: 1e-13))
        // Gross output reproduces the table's total output.
        #expect(abs(a.grossOutput[0] - 1000) < 1e-6 && abs(a.grossOutput[1] - 2000) < 1e-6)
        // Value added embodied per unit is exactly one (the value identity of the table).
        #expect(a.content[0].allSatisfy { abs($0 - 1) < 1e-9 })
        // Output multipliers (Miller & Blair §2.6): 1.5181, 1.4521.
        #expect(abs(a.multipliers[0] - 1.5181) < 1e-4 && abs(a.multipliers[1] - 1.4521) < 1e-4)
    }

    @Test func errorsNameRowAndColumn() {
        let bad = textbookCSV.replacingFirst("200,100", with: "200,lots")
        do { _ = try LabelledTable(bytes: Array(bad.utf8), file: "mb.csv"); Issue.record("expected an error") } catch {
            #expect(error.row == 3 && error.column == "manu" && error.description.contains("expected a finite number"))
        }
        do { _ = try LabelledTable(bytes: Array((textbookCSV + "\nx,1").utf8), file: "mb.csv"); Issue.record("expected an error") } catch {
            #expect(error.row == 5 && error.message.contains("expected 4 fields"))
        }
        #expect(throws: CSVError.self) {
            try SymmetricIOImporter(path: "mb.csv", labourRows: ["wages"]).convert(LabelledTable(bytes: Array(textbookCSV.utf8), file: "mb.csv"))
        }
    }
}

@Suite struct BEAImport {
    struct Reference: Decodable {
        let codes: [String]
        let multipliers: [Double]
        let labour_content: [Double]
        let gross_output: [Double]
        let median_relative_error: Double
    }

    @Test(arguments: BEAImporter.Level.allCases)
    func matchesIndependentNumpyReference(level: BEAImporter.Level) throws {
        let dir = sharedData + "/bea-2017"
        let result = try BEAImporter(directory: dir, level: level).run()
        let e = try Economy(document: result.document)
        #expect(e.validate().filter { $0.severity == .error }.isEmpty)
        let a = try LeontiefAnalysis(e, solver: .init(tolerance: 1e-13))
        // Commodity output reproduced from final demand within 0.5 % for the median commodity.
        let rel = e.products.indices.filter { result.commodityOutput[$0] > 0 }
            .map { abs(a.grossOutput[$0] - result.commodityOutput[$0]) / result.commodityOutput[$0] }.sorted()
        let median = rel[rel.count / 2]
        #expect(median < 0.005, "median relative error \(median)")
        // Multipliers and labour content equal the column sums of (I − A)⁻¹ from numpy.
        let data = try run(["python3", repositoryRoot + "/scripts/bea_reference.py", dir, level.rawValue])
        let ref = try JSONDecoder().decode(Reference.self, from: data)
        #expect(ref.codes == e.products.map(\.id))
        let labour = e.resourceIndex(of: "labour")!
        for j in ref.codes.indices {
            #expect(abs(a.multipliers[j] - ref.multipliers[j]) <= 1e-6 * ref.multipliers[j], "multiplier of \(ref.codes[j])")
            #expect(abs(a.content[labour][j] - ref.labour_content[j]) <= 1e-6 * max(1e-9, ref.labour_content[j]), "labour content of \(ref.codes[j])")
            #expect(abs(a.grossOutput[j] - ref.gross_output[j]) <= 1e-6 * max(1, abs(ref.gross_output[j])), "gross output of \(ref.codes[j])")
        }
    }

    @Test func missingFolderIsAClearError() {
        do { _ = try BEAImporter(directory: "/nonexistent", level: .detail).run(); Issue.record("expected an error") } catch {
            #expect(error.description.contains("/nonexistent/Detail_Use_2017"))
        }
    }
}

@Suite struct BinaryFormat {
    @Test func roundTripKeepsEverything() throws {
        let e = SyntheticEconomy(products: 2_000, seed: 9).generate()
        let path = tempPath("e.sebin")
        try EconomyBinary.write(e, to: path)
        let back = try EconomyFile.load(path)
        #expect(back.document() == e.document())
        #expect(back.name == e.name)
        // JSON round trip too.
        let jpath = tempPath("e.json")
        try EconomyFile.save(e, to: jpath)
        #expect(try EconomyFile.load(jpath).document() == e.document())
    }
}
