import ArgumentParser
import Dispatch
import SyncoData
import SyncoModel
import SyncoPlan
import SyncoSparse
#if canImport(Glibc)
import Glibc
#endif

/// Benchmarks that print ratios against anchors measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks with anchors measured in the same run (scipy, HiGHS, memory bandwidth).",
        subcommands: [Analyze.self, Solve.self, Warm.self, Tally.self, Feedback.self])

    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leontief analysis vs the same Neumann solve in scipy.sparse, and vs the memory-bandwidth bound.")
        @Option(help: "Products.") var products: Int = 100_000
        @Option(help: "Seed.") var seed: UInt64 = 1
        @Flag(help: "Skip the scipy anchor.") var noScipy = false

        func run() throws {
            let bw = measureBandwidth()
            Log.progress("memory bandwidth (2-thread triad): \(fmt(bw / 1e9)) GB/s")
            var g = SyntheticEconomy(products: products, seed: seed)
            g.calibrate = false
            let e = g.generate()
            Log.progress("generated \(products) products")
            let t0 = now()
            let sys = LeontiefSystem(e)
            let t1 = now()
            let a = try LeontiefAnalysis(e, system: sys)
            let t2 = now()
            let bound = Double(a.bytesStreamed) / bw
            var out = "analyze \(products) products: \(sys.a.nonzeros) nonzeros, \(a.iterations.gross) + \(a.iterations.content) iterations (\(e.resourceCount) resources + multipliers in one block)\n"
            out += "  build \(fmt(t1 - t0)) s, solve \(fmt(t2 - t1)) s, peak memory \(fmt(Double(peakMemory()) / 1_073_741_824)) GiB\n"
            out += "  bandwidth bound of the SpMVs performed: \(fmt(bound)) s  → solve / bound = \(fmt((t2 - t1) / bound))\n"
            // Anchor: the gross-output Neumann iteration in scipy, same matrix, same iteration count.
            let gross = LeontiefSolver().solve(sys.a, LeontiefSystem.finalDemand(e))
            let tg0 = now()
            _ = LeontiefSolver(tolerance: 0, maxIterations: gross.iterations).solve(sys.a, LeontiefSystem.finalDemand(e))
            let ours = now() - tg0
            out += "  gross-output Neumann solve alone: \(gross.iterations) iterations in \(fmt(ours)) s\n"
            // The same solve with the Perron mode deflated (LeontiefSystem.perron), to the same
            // tolerance; the pair's power iteration is timed apart (a system keeps its pair).
            let tp0 = now()
            if let pair = sys.perron {
                let tp1 = now()
                let deflated = LeontiefSolver().solve(sys.a, LeontiefSystem.finalDemand(e), deflation: pair.forward)
                let tp2 = now()
                out += "  deflated (ρ \(fmt(pair.forward.rho)), pair by \(pair.forward.iterations) power steps in \(fmt(tp1 - tp0)) s): "
                out += "\(deflated.iterations) iterations in \(fmt(tp2 - tp1)) s  → plain / deflated = \(fmt(ours / (tp2 - tp1)))"
                out += ", with the pair \(fmt(ours / (tp2 - tp0)))\n"
            } else {
                out += "  deflated: the power iteration did not settle (no Perron pair)\n"
            }
            if !noScipy {
                let prefix = "/tmp/synco-bench-\(getpid())"
                try dump(sys.a, LeontiefSystem.finalDemand(e), prefix: prefix)
                if let r = python(["scripts/scipy_neumann.py", prefix, "\(products)", "\(gross.iterations)"]) {
                    let s = number(r, "seconds") ?? .nan
                    out += "  scipy.sparse same iteration: \(fmt(s)) s  → scipy / synco = \(fmt(s / ours))\n"
                }
                for ext in ["rowstart", "colindex", "values", "rhs"] { unlink(prefix + "." + ext) }
            }
            writeStdout(out)
        }
    }

    struct Solve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Our solve vs HiGHS's first-order solvers (PDLP, HiPDLP) on the exported MPS.")
        @Option(help: "Products.") var products: Int = 10_000
        @Option(help: "Seed.") var seed: UInt64 = 1
        @Option(help: "Shape: realistic or uniform.") var shape: SyntheticEconomy.Shape = .uniform
        @Option(help: "Economy file instead of a generated one.") var economy: String?
        @Option(help: "Uniform shape: labour limit as a share of what the full needs take.") var labourShare: Double = 0.9
        @OptionGroup var variant: BenchVariant
        @Option(help: "Mode.") var mode: PlannerOptions.Mode = .fulfilment
        @Flag(inversion: .prefixedNo, help: "Harmony mode: targets first where every target can be met (as synco solve).") var targetsFirst = true
        @Option(help: "Tolerance.") var tolerance: Double = 1e-6
        @Option(help: "Time limit for our solve, seconds.") var timeLimit: Double = 600
        @Option(help: "HiGHS methods (comma-separated: pdlp, hipdlp, ipm, simplex; empty to skip). Harmony mode: on the harmony LP.") var highs: String = "pdlp,hipdlp"
        @Option(help: "Time limit for each HiGHS method, seconds.") var highsTimeLimit: Double = 300
        @Flag(help: "Print the structure paths' rounds on stderr, as synco solve does.") var progress = false

        func run() throws {
            let e = try benchEconomy(file: economy, products: products, seed: seed, shape: shape, labourShare: labourShare, variant: variant)
            var o = PlannerOptions()
            if progress { o.note = { Log.progress($0) } }
            o.mode = mode
            o.harmonyTargetsFirst = targetsFirst
            o.solver.tolerance = tolerance
            o.solver.timeLimit = timeLimit
            let plan = Planner.solve(e, options: o)
            var out = "\(e.name) [\(mode.rawValue)]: \(plan.status.rawValue), λ = \(fmt(plan.fulfilment)), \(plan.iterations) iterations, \(fmt(plan.seconds)) s, peak memory \(fmt(Double(peakMemory()) / 1_073_741_824)) GiB\n"
            if let h = plan.harmony { out += "  harmony: \(h.missed) of \(h.targets) targets missed" + (h.targetsFirst.map { " (targets first: \($0))" } ?? "") + "\n" }
            out += "  \(plan.message)" + (plan.message.contains("worst single row") ? "\n" : "; worst single row off by \(fmt(plan.certificate.maxRowViolation)) of itself\n")
            if !highs.isEmpty {
                // Harmony mode: the harmony function's LP (HiGHS's objective is the optimal
                // harmony; with targets first ours is at most that, equal where no target is missed).
                let path = "/tmp/synco-bench-\(getpid()).mps"
                try writeMPS(Planner.program(e, mode: mode), name: e.name, to: path)
                if let h = plan.harmony { out += "  our harmony \(h.harmony)\n" }
                if let r = python(["../shared/tools/highs_reference.py", path, "--methods", highs, "--tolerance", "\(tolerance)",
                                   "--time-limit", "\(highsTimeLimit)"]) {
                    var fastest = Double.infinity
                    for line in r.split(separator: "\n") where line.hasPrefix("{") {
                        let s = String(line)
                        let sec = number(s, "seconds") ?? .nan
                        out += "  HiGHS \(s)\n"
                        fastest = min(fastest, sec)
                    }
                    out += "  HiGHS fastest / synco = \(fmt(fastest / plan.seconds))\n"
                }
                unlink(path)
            }
            writeStdout(out)
        }
    }

    struct Warm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replanning: change a share of the needs (1 % by default) by a factor (10 % more), warm start from the old plan vs a cold solve.")
        @Option(help: "Products.") var products: Int = 100_000
        @Option(help: "Share of the needs changed (0 < share ≤ 1).") var share: Double = 0.01
        @Option(help: "Factor each changed need is multiplied by (> 0; 1.1 is 10 % more).") var factor: Double = 1.1
        @Option(help: "Seed.") var seed: UInt64 = 1
        @Option(help: "Shape: realistic or uniform.") var shape: SyntheticEconomy.Shape = .uniform
        @Option(help: "Economy file instead of a generated one.") var economy: String?
        @OptionGroup var variant: BenchVariant
        @Flag(help: "Print the structure paths' rounds on stderr, as synco solve does.") var progress = false
        @Option(help: "Objective: fulfilment or harmony (as synco solve).") var mode: PlannerOptions.Mode = .fulfilment
        @Flag(inversion: .prefixedNo, help: "Harmony mode: targets first where every target can be met (as synco solve).") var targetsFirst = true
        @Flag(help: "Also re-plan from the first plan written as JSON and read back (as synco solve --warm-start PLAN, or the server after a restart: the basis is not in the file).")
        var fromFile = false

        func validate() throws {
            guard share > 0 && share <= 1 else { throw ValidationError("--share must be in (0, 1], the share of the needs changed; got \(share)") }
            guard factor > 0 && factor.isFinite else { throw ValidationError("--factor must be a positive number, what each changed need is multiplied by; got \(factor)") }
        }

        func run() throws {
            let e = try benchEconomy(file: economy, products: products, seed: seed, shape: shape, variant: variant)
            var o = PlannerOptions()
            o.mode = mode
            o.harmonyTargetsFirst = targetsFirst
            if progress { o.note = { Log.progress($0) } }
            let first = Planner.solve(e, options: o)
            var rng = SeededGenerator(seed: seed ^ 99)
            let changed = Economy(name: e.name + " (changed)", products: e.products, resources: e.resources, techniques: e.techniques,
                                  needs: e.needs.map { rng.unit() < share ? Need(product: $0.product, amount: $0.amount * factor, guaranteed: $0.guaranteed) : $0 })
            if progress { Log.progress("cold solve of the changed economy") }
            let cold = Planner.solve(changed, options: o)
            if progress { Log.progress("warm solve of the changed economy") }
            let warm = Planner.solve(changed, options: o, warmStart: first)
            var fromPlanFile: Plan? = nil
            if fromFile {
                let json = PlanJSON.encode(first, economy: e, economyFile: nil)
                let read = try PlanJSON.warmStart(Array(json.utf8), source: "the first plan as JSON", for: changed)
                if progress { Log.progress("warm solve from the first plan's JSON") }
                fromPlanFile = Planner.solve(changed, options: o, warmStart: read)
            }
            var out = "\(e.name): first solve \(first.status.rawValue) in \(fmt(first.seconds)) s\n"
            let change = factor >= 1 ? "by \(fmt((factor - 1) * 100)) %" : "by −\(fmt((1 - factor) * 100)) %"
            out += "  after changing \(fmt(share * 100)) % of needs \(change): cold \(cold.status.rawValue) \(cold.iterations) iterations \(fmt(cold.seconds)) s, warm \(warm.status.rawValue) \(warm.iterations) iterations \(fmt(warm.seconds)) s\n"
            if let hc = cold.harmony, let hw = warm.harmony {
                out += "  harmony cold \(hc.harmony), warm \(hw.harmony) (targets missed \(hc.missed), \(hw.missed)); warm / cold time = \(fmt(warm.seconds / cold.seconds))\n"
            } else {
                out += "  λ cold \(fmt(cold.fulfilment)), warm \(fmt(warm.fulfilment)); warm / cold time = \(fmt(warm.seconds / cold.seconds))\n"
            }
            out += "  worst violation of one need or limit relative to its size (certificate): cold \(fmt(cold.certificate.maxRowViolation)), warm \(fmt(warm.certificate.maxRowViolation)); of a capacity: \(fmt(cold.certificate.maxBoundViolation)), \(fmt(warm.certificate.maxBoundViolation))\n"
            if let f = fromPlanFile {
                out += "  warm from the plan's JSON: \(f.status.rawValue) \(fmt(f.seconds)) s, λ \(fmt(f.fulfilment)); its time / cold = \(fmt(f.seconds / cold.seconds))\n"
            }
            out += "  first: \(first.message)\n  cold: \(cold.message)\n  warm: \(warm.message)\n"
            if let f = fromPlanFile { out += "  warm from the plan's JSON: \(f.message)\n" }
            writeStdout(out)
        }
    }
}

/// The generator's realistic-shape variants for a benchmark, as `synco generate` takes them:
/// more alternative techniques, or several workplaces per technique (the classes where the
/// structure paths struggle; BENCHMARKS.md).
struct BenchVariant: ParsableArguments {
    @Option(help: "Generated economy: share of products with 2–3 alternative techniques (as synco generate).") var alternatives: Double?
    @Option(help: "Generated economy, realistic shape: workplaces per technique (as synco generate).") var workplaces: Int?
}

/// The economy a planner benchmark runs on: the file when one is given, else a generated one.
func benchEconomy(file: String?, products: Int, seed: UInt64, shape: SyntheticEconomy.Shape, labourShare: Double? = nil,
                  variant: BenchVariant? = nil) throws -> Economy {
    if let file {
        guard variant?.alternatives == nil && variant?.workplaces == nil else {
            throw ValidationError("--alternatives and --workplaces shape a generated economy; they do not apply to --economy \(file)")
        }
        return try loadEconomy(file)
    }
    var g = SyntheticEconomy(products: products, seed: seed)
    g.shape = shape
    if let labourShare { g.uniformLabourShare = labourShare }
    try validateGeneratorVariant(alternatives: variant?.alternatives, workplaces: variant?.workplaces, shape: shape)
    if let a = variant?.alternatives { g.alternativeShare = a }
    if let w = variant?.workplaces { g.workplaces = w }
    return g.generate()
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Peak resident memory (VmHWM) in bytes.
func peakMemory() -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, f) != nil {
        let s = String(cString: line)
        // "VmHWM:\t  123456 kB"; from 10^7 kB on there are no spaces after the tab.
        if s.hasPrefix("VmHWM:") { return (Int(s.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "0") ?? 0) * 1024 }
    }
    return 0
}

/// STREAM-like triad a = b + s·c on 2 × 10^7 doubles over all cores: bytes moved per second.
func measureBandwidth() -> Double {
    let n = 20_000_000
    let b = [Double](repeating: 1, count: n), c = [Double](repeating: 2, count: n)
    var a = [Double](repeating: 0, count: n)
    var best = 0.0
    let parts = Parallelism.threads
    for _ in 0..<5 {
        let t = now()
        b.withUnsafeBufferPointer { bp in c.withUnsafeBufferPointer { cp in a.withUnsafeMutableBufferPointer { ap in
            let bs = SharedBuffer(bp), cs = SharedBuffer(cp), as_ = SharedMutableBuffer(ap)
            Parallelism.run(parts: parts, parallel: true) { k in
                let lo = n * k / parts, hi = n * (k + 1) / parts
                for i in lo..<hi { as_.base[i] = bs.base[i] + 3 * cs.base[i] }
            }
        } } }
        best = max(best, Double(3 * 8 * n) / (now() - t))
    }
    return best
}

func dump(_ a: CSRMatrix, _ d: [Double], prefix: String) throws {
    func w<T>(_ arr: [T], _ ext: String) throws {
        guard let f = fopen(prefix + "." + ext, "wb") else { throw InputError("cannot write \(prefix).\(ext)") }
        arr.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }
    try w(a.rowStart.map { Int64($0) }, "rowstart")
    try w(a.colIndex, "colindex")
    try w(a.values, "values")
    try w(d, "rhs")
}

/// Runs python3 with arguments; returns stdout, or nil (with a note) when it fails.
func python(_ args: [String]) -> String? {
    let cmd = (["python3"] + args).map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null"
    guard let p = popen(cmd, "r") else { return nil }
    var out = ""
    var buf = [CChar](repeating: 0, count: 4096)
    while fgets(&buf, 4096, p) != nil { out += String(cString: buf) }
    if pclose(p) != 0 { Log.progress("python3 \(args.first ?? "") failed (numpy/scipy/highspy installed?)"); return nil }
    return out
}

func number(_ json: String, _ key: String) -> Double? {
    guard let v = try? JSONParser.parse(json), case .number(let d)? = v[key] else { return nil }
    return d
}
