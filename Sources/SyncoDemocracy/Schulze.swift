import Dispatch

/// Schulze's method (Schulze 2011, "A new monotonic, clone-independent, reversal symmetric, and
/// Condorcet-consistent single-winner election method", Soc. Choice Welf. 36).
///
/// Ballots rank options; equal ranks are allowed, and options a ballot leaves unranked count as
/// ranked below all it ranked (and equal to each other). An empty ballot counts as turnout and
/// contributes to no pairwise count. d[a][b] = ballots preferring a to b; strongest path p[a][b]
/// by Floyd–Warshall over links with d[a][b] > d[b][a] (winning votes). a ranks above b iff
/// p[a][b] > p[b][a]; the relation is a strict weak order, so options with p[a][b] == p[b][a]
/// that neither beats share a rank. Ties are reported, never broken silently: `winners` holds
/// every option of the top rank.
public enum Schulze {
    public struct Result: Sendable, Hashable {
        public var options: Int
        public var ballots: Int
        /// d[a * options + b]: ballots that prefer a to b.
        public var pairwise: [Int]
        /// p[a * options + b]: strength of the strongest path from a to b (0 if none).
        public var strongestPaths: [Int]
        /// Ranks of options: 0 = top; tied options share a rank.
        public var rank: [Int]
        /// Option indices of rank 0.
        public var winners: [Int]
        /// Option indices best first (ties in index order).
        public var order: [Int]
    }

    /// `ranks` holds one row of `options` entries per ballot: 1 = first choice, larger = worse,
    /// 0 = unranked. Counting is parallel over ballot blocks.
    public static func tally(ranks: [Int32], options n: Int) -> Result {
        precondition(n > 0 && ranks.count % n == 0)
        let ballots = ranks.count / n
        let blocks = ballots >= 20_000 ? max(1, min(ProcessInfoLite.cores, 16)) : 1
        // Each block counts into its own n×n slice; the slices are summed afterwards.
        var partial = [Int](repeating: 0, count: blocks * n * n)
        ranks.withUnsafeBufferPointer { rb in
            partial.withUnsafeMutableBufferPointer { all in
                // Each block writes only its own slice; the pointers do not outlive these scopes.
                let shared = Pointers(r: rb, d: all.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: blocks) { blk in
                    let r = shared.r
                    let dp = shared.d + blk * n * n
                    let lo = ballots * blk / blocks, hi = ballots * (blk + 1) / blocks
                    for b in lo..<hi {
                        let row = b * n
                        for i in 0..<n {
                            let ri = r[row + i]
                            if ri == 0 { continue }          // unranked never beats anything
                            for j in 0..<n where j != i {
                                let rj = r[row + j]
                                if rj == 0 || ri < rj { dp[i * n + j] += 1 }
                            }
                        }
                    }
                }
            }
        }
        var d = [Int](repeating: 0, count: n * n)
        for blk in 0..<blocks { for k in 0..<(n * n) { d[k] += partial[blk * n * n + k] } }
        return fromPairwise(d, options: n, ballots: ballots)
    }

    public static func fromPairwise(_ d: [Int], options n: Int, ballots: Int) -> Result {
        var p = [Int](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where i != j && d[i * n + j] > d[j * n + i] { p[i * n + j] = d[i * n + j] } }
        for k in 0..<n {
            for i in 0..<n where i != k {
                for j in 0..<n where j != i && j != k {
                    p[i * n + j] = max(p[i * n + j], min(p[i * n + k], p[k * n + j]))
                }
            }
        }
        // Rank = number of options that beat it, compressed to consecutive ranks.
        var beatenBy = [Int](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n where i != j && p[j * n + i] > p[i * n + j] { beatenBy[i] += 1 } }
        let distinct = Array(Set(beatenBy)).sorted()
        let rank = beatenBy.map { distinct.firstIndex(of: $0)! }
        let order = (0..<n).sorted { (rank[$0], $0) < (rank[$1], $1) }
        return Result(options: n, ballots: ballots, pairwise: d, strongestPaths: p, rank: rank,
                      winners: order.filter { rank[$0] == 0 }, order: order)
    }
}

/// Cores to use for counting (SYNCO_THREADS overrides), without Foundation.
enum ProcessInfoLite {
    static var cores: Int {
        if let s = getenvString("SYNCO_THREADS"), let n = Int(s), n > 0 { return n }
        return max(1, sysconfCores())
    }
}

#if canImport(Glibc)
import Glibc
private func getenvString(_ k: String) -> String? { getenv(k).map { String(cString: $0) } }
private func sysconfCores() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
private func getenvString(_ k: String) -> String? { getenv(k).map { String(cString: $0) } }
private func sysconfCores() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif


/// Buffer pointers handed to the counting blocks, which write disjoint slices.
private struct Pointers: @unchecked Sendable {
    let r: UnsafeBufferPointer<Int32>
    let d: UnsafeMutablePointer<Int>
}
