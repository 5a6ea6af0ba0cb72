import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check an economy and report every problem at once (exit 1 if any error).")
    @Argument(help: "Economy file (.json or .sebin).") var file: String
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table

    func run() throws {
        var issues: [ValidationIssue] = []
        var economy: Economy? = nil
        do { economy = try EconomyFile.load(file, validate: false) } catch {
            switch error {
            case .file(let e): throw InputError(e.description)
            case .invalid(let r): issues = r.issues
            }
        }
        if let e = economy {
            issues = e.validate()
            if !issues.contains(where: { $0.severity == .error }), let p = LeontiefAnalysis.productivityIssue(e) { issues.append(p) }
        }
        let errors = issues.filter { $0.severity == .error }.count
        switch format {
        case .json:
            let v: JSONValue = .object([
                ("file", .string(file)), ("valid", .bool(errors == 0)),
                ("issues", .array(issues.map { .object([("severity", .string($0.severity.rawValue)), ("code", .string($0.code)),
                                                        ("path", .string($0.path)), ("message", .string($0.message))]) }))])
            writeStdout(JSONWriter().string(v))
        case .table:
            for i in issues { writeStdout("\(file): \(i)\n") }
            if errors == 0 {
                writeStdout("\(file): valid (\(economy?.productCount ?? 0) products, \(economy?.techniqueCount ?? 0) techniques, \(issues.count) warnings)\n")
            }
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
