import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan
import SyncoSparse

extension LeontiefSolver.Method: ExpressibleByArgument {}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Leontief analysis: gross output for the needs, resource content per unit (labour values, embodied CO2, land, water), output multipliers.")
    @Argument(help: "Economy file (.json or .sebin).") var file: String
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table
    @Option(help: "Iterative method: neumann (both cores) or gauss-seidel (one core).") var method: LeontiefSolver.Method = .neumann
    @Option(help: "Relative tolerance of the iteration (max-norm change).") var tolerance: Double = 1e-10
    @Option(help: "Iteration cap.") var maxIterations: Int = 10_000
    @Option(help: "Rows in the table (largest gross output first).") var top: Int = 20
    @Flag(help: "JSON without the per-product rows (for very large economies).") var summary = false
    @Flag(inversion: .prefixedNo, help: "Take the dominant (Perron) mode out of the Neumann iteration: a third to a half fewer iterations; the pair's power iteration is counted in the time.")
    var deflation = true

    func validate() throws {
        guard tolerance > 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in (0, 1)") }
        guard maxIterations > 0 else { throw ValidationError("--max-iterations must be positive") }
    }

    func run() throws {
        let e = try loadEconomy(file)
        let t0 = Log.elapsed
        Log.progress("building the Leontief system")
        let sys = LeontiefSystem(e)
        Log.progress("solving (I − A)q = d and (I − Aᵀ)c = r with \(method.rawValue), \(sys.a.nonzeros) nonzeros")
        let a: LeontiefAnalysis
        do { a = try LeontiefAnalysis(e, system: sys, solver: LeontiefSolver(method: method, tolerance: tolerance, maxIterations: maxIterations),
                                   deflate: deflation) }
        catch { throw InputError("\(file): \(error.issue)") }
        let seconds = Log.elapsed - t0
        // The pair the solves used (kept by the system; nil when off or not found).
        let pair = deflation && method == .neumann ? sys.perron?.forward : nil
        Log.progress("done: \(a.iterations.gross) + \(a.iterations.content) iterations in \(format3(seconds)) s"
                     + (pair.map { ", Perron mode deflated (ρ \(format3($0.rho)), \($0.iterations) power steps)" } ?? ""))
        let res = e.resources
        switch format {
        case .json:
            var out = "{\n"
            out += "  \"economy\": \(JSONWriter.quoted(e.name)),\n  \"products\": \(e.productCount),\n  \"techniques\": \(e.techniqueCount),\n"
            out += "  \"method\": \"\(method.rawValue)\",\n  \"tolerance\": \(tolerance),\n"
            out += "  \"iterations\": {\"gross_output\": \(a.iterations.gross), \"content\": \(a.iterations.content)},\n"
            out += "  \"deflation\": " + (pair.map { "{\"rho\": \(JSONWriter.number($0.rho)), \"power_steps\": \($0.iterations)}" } ?? "null") + ",\n"
            out += "  \"converged\": \(a.converged),\n  \"seconds\": \(seconds),\n"
            out += "  \"resource_use\": {" + res.indices.map { "\(JSONWriter.quoted(res[$0].id)): \(JSONWriter.number(a.resourceUse[$0]))" }.joined(separator: ", ") + "},\n"
            out += "  \"resource_limits\": {" + res.map { "\(JSONWriter.quoted($0.id)): \($0.limit.map(JSONWriter.number) ?? "null")" }.joined(separator: ", ") + "}"
            if !summary {
                out += ",\n  \"rows\": [\n"
                writeStdout(out)
                out = ""
                var chunk = ""
                for j in 0..<e.productCount {
                    chunk += "    {\"product\": \(JSONWriter.quoted(e.products[j].id)), \"gross_output\": \(JSONWriter.number(a.grossOutput[j])), \"multiplier\": \(JSONWriter.number(a.multipliers[j])), \"content\": {"
                    chunk += res.indices.map { "\(JSONWriter.quoted(res[$0].id)): \(JSONWriter.number(a.content[$0][j]))" }.joined(separator: ", ")
                    chunk += j + 1 < e.productCount ? "}},\n" : "}}\n"
                    if chunk.utf8.count > 1 << 16 { writeStdout(chunk); chunk = "" }
                }
                writeStdout(chunk)
                out += "  ]"
            }
            writeStdout(out + "\n}\n")
        case .table:
            writeStdout("\(e.name.isEmpty ? file : e.name): \(e.productCount) products, \(e.techniqueCount) techniques\n")
            writeStdout("Leontief solve (\(method.rawValue)): \(a.iterations.gross) + \(a.iterations.content) iterations, \(format3(seconds)) s\n\n")
            writeStdout(table(["resource", "kind", "use for the needs", "limit", "use/limit"], res.indices.map { k in
                [res[k].id, res[k].kind.rawValue, fmt(a.resourceUse[k]), res[k].limit.map(fmt) ?? "-",
                 res[k].limit.map { $0 > 0 ? fmt(a.resourceUse[k] / $0) : "-" } ?? "-"]
            }) + "\n\n")
            let order = e.products.indices.sorted { a.grossOutput[$0] > a.grossOutput[$1] }.prefix(max(0, top))
            writeStdout("Largest \(order.count) gross outputs (content = direct + indirect per unit):\n")
            writeStdout(table(["product", "gross output", "multiplier"] + res.map { "\($0.id)/unit" }, order.map { j in
                [e.products[j].id, fmt(a.grossOutput[j]), fmt(a.multipliers[j])] + res.indices.map { fmt(a.content[$0][j]) }
            }) + "\n")
        }
    }
}
