import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan
#if canImport(Glibc)
import Glibc
#endif

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the plan's LP in free MPS for any LP solver: the fulfilment LP (maximise λ) or the harmony LP (maximise Σ h).",
        discussion: """
            --mode harmony writes the harmony function's LP (columns: the techniques' activities, \
            then one harmony h:PRODUCT per target; rows: the products, the limited resources, \
            then three piece rows h0/h1/h2:PRODUCT per target). Its optimum is the harmony that \
            `synco solve --mode harmony --no-targets-first` reports; with targets first the plan's \
            harmony is at most that optimum, and equal to it when the harmony function's own \
            plan misses no target.
            """)
    @Option(name: .customLong("mps"), help: "Economy file to export.") var economyFile: String
    @Argument(help: "Output MPS file.") var output: String
    @Option(help: "Which LP: fulfilment or harmony (economies of one period).") var mode: PlannerOptions.Mode = .fulfilment

    func run() throws {
        // A plan over time (synco-economy/2 with periods, stocks, capital or budgets): its time-expanded LP.
        if let me = try loadMultiPeriodEconomy(economyFile) {
            guard mode == .fulfilment else {
                throw InputError("\(economyFile): --mode \(mode.rawValue) is not available for plans over several periods; use fulfilment")
            }
            try writeMPS(MultiPeriodProblem(me).lp, name: me.name, to: output)
            Log.progress("wrote \(output)")
            return
        }
        let e = try loadEconomy(economyFile)
        let lp = Planner.program(e, mode: mode)
        try writeMPS(lp, name: e.name, to: output)
        Log.progress("wrote \(output) (\(mode.rawValue) LP: \(lp.rows) rows, \(lp.columns) columns)")
    }
}

func writeMPS(_ lp: LinearProgram, name: String, to path: String) throws {
    guard let f = fopen(path, "wb") else { throw InputError("\(path): cannot create the file") }
    var ok = true
    MPSWriter.write(lp, name: name.isEmpty ? "synco" : name, maximise: true) { chunk in
        var c = chunk
        c.withUTF8 { b in if fwrite(b.baseAddress, 1, b.count, f) != b.count { ok = false } }
    }
    if fclose(f) != 0 || !ok { throw InputError("\(path): write failed") }
}
