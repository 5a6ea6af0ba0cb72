import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan
#if canImport(Glibc)
import Glibc
#endif

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the fulfilment LP in free MPS (maximise λ) for any LP solver.")
    @Option(name: .customLong("mps"), help: "Economy file to export.") var economyFile: String
    @Argument(help: "Output MPS file.") var output: String

    func run() throws {
        // A plan over time (synco-economy/2 with periods, stocks, capital or budgets): its time-expanded LP.
        if let me = try loadMultiPeriodEconomy(economyFile) {
            try writeMPS(MultiPeriodProblem(me).lp, name: me.name, to: output)
            Log.progress("wrote \(output)")
            return
        }
        let e = try loadEconomy(economyFile)
        try writeMPS(FulfilmentProblem(e).lp, name: e.name, to: output)
        Log.progress("wrote \(output)")
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
