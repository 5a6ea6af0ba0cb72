import ArgumentParser
import Dispatch
import Foundation
import SyncoData
import SyncoDemocracy
import SyncoModel

extension BenchCommand {
    /// Schulze over many ballots against a numpy count of the same ballots.
    struct Tally: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tally N ranked ballots over K options with Schulze; anchor: numpy pairwise count + Floyd–Warshall on the same ballots (same result required).")
        @Option(help: "Ballots.") var ballots: Int = 1_000_000
        @Option(help: "Options.") var options: Int = 10
        @Option(help: "Seed.") var seed: UInt64 = 1
        @Flag(help: "Skip the numpy anchor.") var noNumpy = false

        func validate() throws {
            guard ballots > 0, (2...1000).contains(options) else { throw ValidationError("--ballots must be positive and --options in 2...1000") }
        }

        func run() throws {
            // Ballots: a noisy common ranking (voters agree on a rough order, disagree in detail);
            // 10 % rank only their top three.
            var g = SplitMix64(seed: seed)
            let n = options
            var ranks = [Int32](repeating: 0, count: ballots * n)
            var keys = [Double](repeating: 0, count: n)
            var order = Array(0..<n)
            for b in 0..<ballots {
                for i in 0..<n { keys[i] = Double(i) + 3.0 * g.normal() }
                order.sort { keys[$0] < keys[$1] }
                let truncated = g.unit() < 0.1
                for (pos, i) in order.enumerated() where !truncated || pos < 3 { ranks[b * n + i] = Int32(pos + 1) }
            }
            Log.progress("\(ballots) ballots over \(n) options generated")
            let t0 = DispatchTime.now().uptimeNanoseconds
            let r = Schulze.tally(ranks: ranks, options: n)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            print("synco Schulze: \(fmt(seconds)) s  (\(fmt(Double(ballots) / seconds)) ballots/s)  winner option \(r.winners.map(String.init).joined(separator: ","))")
            guard !noNumpy else { return }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("synco-ballots-\(ProcessInfo.processInfo.processIdentifier).bin").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let data = ranks.withUnsafeBytes { Data($0) }
            guard FileManager.default.createFile(atPath: file, contents: data) else { throw InputError("\(file): cannot write ballots") }
            guard let out = python(["scripts/schulze_reference.py", file, "\(n)"]), let line = out.split(separator: "\n").last,
                  let v = try? JSONParser.parse(String(line)), case .number(let ref)? = v["seconds"],
                  case .array(let pw)? = v["pairwise"], case .array(let ord)? = v["order"] else {
                print("numpy anchor: not available"); return
            }
            let same = pw.count == r.pairwise.count && zip(pw, r.pairwise).allSatisfy { $0 == .number(Double($1)) }
                && ord.map { if case .number(let x) = $0 { return Int(x) } else { return -1 } } == r.order
            print("numpy anchor: \(fmt(ref)) s; numpy/synco = \(fmt(ref / seconds)); same pairwise counts and order: \(same)")
            if !same { throw InputError("Schulze result differs from the numpy reference") }
        }
    }
}
