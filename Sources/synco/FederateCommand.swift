import ArgumentParser
import Foundation
import SyncoData
import SyncoModel
import SyncoPlan

extension Decomposition.Mode: ExpressibleByArgument {}

/// The one-command decentral planning experiment (in-process councils).
struct FederateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federate",
        abstract: "Split an economy into councils that plan locally and coordinate by feedback (ADMM, the participatory procedure, or Dantzig–Wolfe proposals and valuations); compare with the central plan.",
        discussion: "Councils keep their techniques and capacities; only net quantities per product and resource go to the coordinator. The fulfilment is certified from the councils' reported quantities. With --processes the coordinator (synco coordinate) and each council (synco council run) are separate processes on loopback.")
    @Argument(help: "Economy file (.json or .sebin).") var file: String
    @Option(help: "Number of councils.") var councils: Int = 4
    @Option(help: "admm, participatory or dantzig-wolfe.") var mode: Decomposition.Mode = .admm
    @Option(help: "Relative tolerance on linking residuals and on λ.") var tolerance: Double = 1e-4
    @Option(help: "Round limit.") var maxRounds: Int = 20_000
    @Option(help: "Local (inner) iterations per council and round (admm).") var inner: Int = 30
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table
    @Flag(help: "Run the coordinator and every council as separate processes talking HTTP on loopback (admm, dantzig-wolfe).") var processes = false
    @Flag(name: .customLong("private-needs"), help: "Every guaranteed need is held privately by the council that makes the product; the coordinator sees only the other needs.")
    var privateNeeds = false

    func validate() throws {
        guard councils >= 1 else { throw ValidationError("--councils must be at least 1") }
        guard tolerance > 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in (0, 1)") }
        guard maxRounds >= 1 else { throw ValidationError("--max-rounds must be positive") }
    }

    func run() throws {
        if processes { return try runProcesses() }
        let e = try loadEconomy(file)
        let central = Planner.solve(e)
        Log.progress("central plan: \(central.status.rawValue), λ = \(central.fulfilment)")
        let (publicEconomy, parts) = privateNeeds ? Decomposition.splitWithPrivateNeeds(e, councils: councils)
            : (e, Decomposition.split(e, councils: councils))
        var o = Decomposition.Options()
        o.mode = mode
        o.tolerance = tolerance
        o.maxRounds = maxRounds
        o.innerIterations = inner
        let r = Decomposition.solve(publicEconomy, councils: parts, options: o)
        let relative = abs(r.fulfilment - central.fulfilment) / max(1e-12, abs(central.fulfilment))
        if format == .json {
            let v = FederationJSON.value(r, central: central, councils: parts)
            print(JSONWriter(pretty: true).string(v))
        } else {
            let how = r.converged ? "converged" : r.rounds >= maxRounds ? "stopped at the round limit"
                : "stopped: no proposal improves the mix any more (the linking residual shows what cannot be met)"
            print("mode: \(mode.rawValue) — \(how) after \(r.rounds) rounds, \(fmt(r.seconds)) s")
            print("councils: " + parts.map { "\($0.id) (\($0.techniques.count) techniques)" }.joined(separator: ", "))
            print("fulfilment (from the councils' reported quantities): \(fmt(r.fulfilment))")
            print("central fulfilment: \(fmt(central.fulfilment)) (\(central.status.rawValue)); relative difference \(fmt(relative))")
            print("largest linking violation (relative): \(fmt(r.linkingResidual))")
            if r.gap.isFinite { print("gap to the dual bound from the councils' rents: \(fmt(r.gap))") }
            if let last = r.history.last, !last.largest.isEmpty {
                print("largest imbalances in the last round:")
                print(table(["row", "excess demand", "councils"], last.largest.map { [$0.row, fmt($0.excess), $0.councils.joined(separator: ", ")] }))
            }
        }
    }

    /// Splits into a temporary folder, starts `synco coordinate` and K × `synco council run`,
    /// and prints the coordinator's result.
    func runProcesses() throws {
        guard mode == .admm || mode == .dantzigWolfe else { throw ValidationError("--processes runs the admm and dantzig-wolfe modes") }
        let e = try loadEconomy(file)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synco-federate-\(ProcessInfo.processInfo.processIdentifier)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try CouncilFiles.write(e, councils: councils, to: dir, privateNeeds: privateNeeds)
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
        let exe = FileManager.default.isExecutableFile(atPath: me) ? me : "/proc/self/exe"
        let port = 20_000 + Int(ProcessInfo.processInfo.processIdentifier % 20_000)
        let token = FederationServiceToken.make()
        let out = Pipe()
        let coordinator = Process()
        coordinator.executableURL = URL(fileURLWithPath: exe)
        coordinator.arguments = ["coordinate", dir + "/public.json", "--councils", "\(councils)", "--port", "\(port)", "--token", token,
                                 "--tolerance", "\(tolerance)", "--max-rounds", "\(maxRounds)", "--compare", file, "--mode", mode.rawValue]
        coordinator.standardOutput = out
        try coordinator.run()
        var councilProcesses: [Process] = []
        for k in 1...councils {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["council", "run", "--economy", dir + "/council-\(k).json", "--coordinator", "http://127.0.0.1:\(port)", "--token", token]
            p.standardError = FileHandle.nullDevice
            try p.run()
            councilProcesses.append(p)
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        coordinator.waitUntilExit()
        for p in councilProcesses { if p.isRunning { p.terminate() } }
        guard coordinator.terminationStatus == 0 else { throw InputError("the coordinator failed (exit \(coordinator.terminationStatus))") }
        print(String(decoding: data, as: UTF8.self), terminator: "")
    }
}

/// A random token for the processes of one experiment.
enum FederationServiceToken {
    static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(UInt8.random(in: 0...255, using: &g), radix: 16) }.joined()
    }
}
