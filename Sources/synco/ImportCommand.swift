import ArgumentParser
import SyncoData
import SyncoModel

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import real input–output data as an economy document.",
        subcommands: [BEA.self, SymmetricCSV.self])

    struct BEA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bea", abstract: "Import BEA make/use tables (industry-technology assumption).")
        @Argument(help: "Folder with the BEA CSV tables (e.g. ../shared/data/bea-2017).") var directory: String
        @Option(help: "Table level: detail or summary.") var level: BEAImporter.Level = .detail
        @Option(help: "Output file (.json, or .sebin for the binary form).") var out: String

        func run() throws {
            Log.progress("importing BEA \(level.rawValue) tables from \(directory)")
            let result: BEAImporter.Result
            do { result = try BEAImporter(directory: directory, level: level).run() } catch { throw InputError(error.description) }
            try save(result.document, to: out)
        }
    }

    struct SymmetricCSV: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csv", abstract: "Import a symmetric products × products IO table from CSV.",
            discussion: "Codes in both the header and the first column are products; other rows are primary inputs (resources), other columns final demand (needs).")
        @Argument(help: "The CSV table.") var file: String
        @Option(help: "Output file (.json or .sebin).") var out: String
        @Option(name: .customLong("labour-row"), help: "Row code that is labour (repeatable).") var labourRows: [String] = []
        @Option(help: "Row or column code to skip, e.g. totals (repeatable).") var ignore: [String] = []
        @Option(help: "Column holding total output (default: row sums of flows and final demand).") var totalColumn: String?
        @Option(help: "Unit of the table's values.") var unit: String?

        func run() throws {
            let doc: EconomyDocument
            do {
                doc = try SymmetricIOImporter(path: file, labourRows: Set(labourRows), ignore: Set(ignore),
                                              totalColumn: totalColumn, unit: unit).run()
            } catch { throw InputError(error.description) }
            try save(doc, to: out)
        }
    }
}

func save(_ doc: EconomyDocument, to out: String) throws {
    let economy: Economy
    do { economy = try Economy(document: doc) } catch {
        throw InputError("the imported economy is invalid:\n" + error.description)
    }
    do { try EconomyFile.save(economy, to: out) } catch { throw InputError(error.description) }
    Log.progress("wrote \(out): \(economy.productCount) products, \(economy.techniqueCount) techniques, \(economy.needs.count) needs")
}

extension BEAImporter.Level: ExpressibleByArgument {}

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Convert an economy between JSON and the binary form (.sebin).")
    @Argument(help: "Input economy (.json or .sebin).") var input: String
    @Argument(help: "Output economy (.json or .sebin).") var output: String
    func run() throws {
        let e = try loadEconomy(input)
        do { try EconomyFile.save(e, to: output) } catch { throw InputError(error.description) }
        Log.progress("wrote \(output)")
    }
}
