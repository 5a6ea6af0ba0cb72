import SyncoModel

/// A Polis-like opinion map (Small et al. 2021, "Polis: scaling deliberation by mapping high
/// dimensional opinion spaces", Recerca 26). Members vote agree (+1), disagree (−1) or pass (0)
/// on statements; missing votes are filled with the statement's mean so they do not pull members
/// towards the origin. Members are projected onto the first two principal components (power
/// iteration with deflation on the centred matrix), clustered with k-means (k = 2…maxK, k-means++
/// seeding from a fixed seed, best of several starts) and k is chosen by the mean silhouette.
/// Group-aware consensus (Polis): for each statement the product over groups of the smoothed
/// agreement probability (agree+1)/(voted+2); statements high in it are agreed across groups.
public struct OpinionMap: Sendable {
    public enum Vote: Int8, Sendable { case disagree = -1, pass = 0, agree = 1 }

    public struct Result: Sendable {
        /// Members and statements as given.
        public var members: [String]
        public var statements: [String]
        /// x, y per member.
        public var projection: [(Double, Double)]
        public var explainedVariance: (Double, Double)
        public var groups: [Int]
        public var k: Int
        public var silhouette: Double
        /// Per statement: group-aware consensus (higher = agreed across all groups).
        public var consensus: [Double]
        /// Statements in order of consensus, best first.
        public var consensusOrder: [Int]
        /// Per group and statement: share of that group's votes that agree.
        public var groupAgreement: [[Double]]
        /// Statements with fewer than `minVotes` votes.
        public var lowEngagement: [Int]
        /// Sets of ≥ `blockSize` members with identical votes on ≥ `blockOverlap` statements.
        public var suspiciousBlocks: [[Int]]
    }

    public var maxK = 5
    public var seed: UInt64 = 0x5EED
    public var minVotes = 3
    public var blockSize = 5
    public var blockOverlap = 8
    public init() {}

    /// votes: member → statement → vote.
    public func analyse(members: [String], statements: [String], votes: [[Vote?]]) -> Result {
        let n = members.count, m = statements.count
        var x = [Double](repeating: 0, count: n * m)
        var counts = [Int](repeating: 0, count: m)
        var mean = [Double](repeating: 0, count: m)
        for i in 0..<n { for j in 0..<m { if let v = votes[i][j] { mean[j] += Double(v.rawValue); counts[j] += 1 } } }
        for j in 0..<m where counts[j] > 0 { mean[j] /= Double(counts[j]) }
        for i in 0..<n { for j in 0..<m { x[i * m + j] = (votes[i][j].map { Double($0.rawValue) } ?? mean[j]) - mean[j] } }

        let (pcs, variances, total) = principalComponents(x, rows: n, cols: m, count: 2)
        var proj: [(Double, Double)] = []
        for i in 0..<n {
            var a = 0.0, b = 0.0
            for j in 0..<m { a += x[i * m + j] * pcs[0][j]; b += x[i * m + j] * pcs[1][j] }
            proj.append((a, b))
        }
        // Cluster in the projected plane (as Polis does), choosing k by silhouette.
        let pts = proj.flatMap { [$0.0, $0.1] }
        var best: (k: Int, s: Double, g: [Int]) = (1, -2, [Int](repeating: 0, count: n))
        if n >= 3 {
            for k in 2...max(2, min(maxK, n - 1)) {
                let g = kMeans(pts, dim: 2, k: k)
                let s = silhouette(pts, dim: 2, groups: g, k: k)
                if s > best.s + 1e-12 { best = (k, s, g) }
            }
        }
        // No structure (everyone votes alike, or too few members): one group, not an empty split.
        if best.s <= 1e-9 { best = (1, 0, [Int](repeating: 0, count: n)) }
        let k = best.k
        var agree = [[Double]](repeating: [Double](repeating: 0, count: m), count: k)
        var voted = [[Double]](repeating: [Double](repeating: 0, count: m), count: k)
        for i in 0..<n {
            for j in 0..<m { if let v = votes[i][j] { voted[best.g[i]][j] += 1; if v == .agree { agree[best.g[i]][j] += 1 } } }
        }
        var consensus = [Double](repeating: 1, count: m)
        var share = [[Double]](repeating: [Double](repeating: 0, count: m), count: k)
        for g in 0..<k {
            for j in 0..<m {
                consensus[j] *= (agree[g][j] + 1) / (voted[g][j] + 2)
                share[g][j] = voted[g][j] > 0 ? agree[g][j] / voted[g][j] : 0
            }
        }
        let order = (0..<m).sorted { (consensus[$0], -$0) > (consensus[$1], -$1) }
        let low = (0..<m).filter { counts[$0] < minVotes }
        return Result(members: members, statements: statements, projection: proj,
                      explainedVariance: (total > 0 ? variances[0] / total : 0, total > 0 ? variances[1] / total : 0),
                      groups: best.g, k: k, silhouette: max(best.s, 0), consensus: consensus, consensusOrder: order,
                      groupAgreement: share, lowEngagement: low, suspiciousBlocks: blocks(votes, statements: m))
    }

    /// The leading principal directions of the centred n×m matrix by power iteration with deflation.
    func principalComponents(_ x: [Double], rows n: Int, cols m: Int, count: Int) -> ([[Double]], [Double], Double) {
        var total = 0.0
        for v in x { total += v * v }
        var pcs: [[Double]] = []
        var variances: [Double] = []
        var rng = SplitMix64(seed: seed)
        for _ in 0..<count {
            var v = (0..<m).map { _ in rng.unit() - 0.5 }
            var lambda = 0.0
            for _ in 0..<500 {
                // w = Xᵀ X v, then remove earlier components.
                var xv = [Double](repeating: 0, count: n)
                for i in 0..<n { var s = 0.0; for j in 0..<m { s += x[i * m + j] * v[j] }; xv[i] = s }
                var w = [Double](repeating: 0, count: m)
                for i in 0..<n { let s = xv[i]; if s != 0 { for j in 0..<m { w[j] += x[i * m + j] * s } } }
                for p in pcs { let d = zip(w, p).reduce(0) { $0 + $1.0 * $1.1 }; for j in 0..<m { w[j] -= d * p[j] } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-300 else { w = [Double](repeating: 0, count: m); lambda = 0; v = w; break }
                let next = w.map { $0 / norm }
                let change = zip(next, v).reduce(0) { $0 + abs($1.0 - $1.1) }
                v = next; lambda = norm
                if change < 1e-12 { break }
            }
            // Fix the sign so the largest entry is positive: stable output.
            if let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
            pcs.append(v); variances.append(lambda)
        }
        return (pcs, variances, total)
    }

    func kMeans(_ p: [Double], dim: Int, k: Int) -> [Int] {
        let n = p.count / dim
        var rng = SplitMix64(seed: seed &+ UInt64(k))
        var bestGroups = [Int](repeating: 0, count: n)
        var bestCost = Double.infinity
        for _ in 0..<8 {
            // k-means++ seeding.
            var centres: [Double] = []
            let first = Int(rng.unit() * Double(n)) % n
            centres.append(contentsOf: p[(first * dim)..<(first * dim + dim)])
            while centres.count < k * dim {
                var d2 = [Double](repeating: 0, count: n)
                for i in 0..<n { d2[i] = nearest(p, i, dim, centres).1 }
                let sum = d2.reduce(0, +)
                var r = rng.unit() * sum, pick = n - 1
                if sum > 0 { for i in 0..<n { r -= d2[i]; if r <= 0 { pick = i; break } } } else { pick = Int(rng.unit() * Double(n)) % n }
                centres.append(contentsOf: p[(pick * dim)..<(pick * dim + dim)])
            }
            var groups = [Int](repeating: -1, count: n)
            for _ in 0..<100 {
                var changed = false
                for i in 0..<n { let g = nearest(p, i, dim, centres).0; if g != groups[i] { groups[i] = g; changed = true } }
                var sums = [Double](repeating: 0, count: k * dim), cnt = [Int](repeating: 0, count: k)
                for i in 0..<n { cnt[groups[i]] += 1; for d in 0..<dim { sums[groups[i] * dim + d] += p[i * dim + d] } }
                for g in 0..<k where cnt[g] > 0 { for d in 0..<dim { centres[g * dim + d] = sums[g * dim + d] / Double(cnt[g]) } }
                if !changed { break }
            }
            var cost = 0.0
            for i in 0..<n { cost += nearest(p, i, dim, centres).1 }
            if cost < bestCost - 1e-12 { bestCost = cost; bestGroups = groups }
        }
        // Relabel groups by first appearance, so labels are stable.
        var map: [Int: Int] = [:]
        return bestGroups.map { g in if let v = map[g] { return v }; let v = map.count; map[g] = v; return v }
    }

    private func nearest(_ p: [Double], _ i: Int, _ dim: Int, _ c: [Double]) -> (Int, Double) {
        var best = (0, Double.infinity)
        for g in 0..<(c.count / dim) {
            var d = 0.0
            for k in 0..<dim { let t = p[i * dim + k] - c[g * dim + k]; d += t * t }
            if d < best.1 { best = (g, d) }
        }
        return best
    }

    /// Mean silhouette (Rousseeuw 1987): s(i) = (b − a) / max(a, b); singletons score 0.
    public func silhouette(_ p: [Double], dim: Int, groups: [Int], k: Int) -> Double {
        let n = groups.count
        guard n > 1 else { return 0 }
        var size = [Int](repeating: 0, count: k)
        for g in groups { size[g] += 1 }
        var total = 0.0
        for i in 0..<n {
            var dist = [Double](repeating: 0, count: k)
            for j in 0..<n where j != i {
                var d = 0.0
                for t in 0..<dim { let u = p[i * dim + t] - p[j * dim + t]; d += u * u }
                dist[groups[j]] += d.squareRoot()
            }
            let own = groups[i]
            guard size[own] > 1 else { continue }
            let a = dist[own] / Double(size[own] - 1)
            var b = Double.infinity
            for g in 0..<k where g != own && size[g] > 0 { b = min(b, dist[g] / Double(size[g])) }
            if b.isFinite && max(a, b) > 0 { total += (b - a) / max(a, b) }
        }
        return total / Double(n)
    }

    /// Groups of members whose votes agree exactly on at least `blockOverlap` statements they all
    /// voted on — the signature of a coordinated or scripted voting block.
    func blocks(_ votes: [[Vote?]], statements m: Int) -> [[Int]] {
        var byPattern: [[Int8]: [Int]] = [:]
        for (i, row) in votes.enumerated() {
            let voted = row.compactMap { $0 }
            guard voted.count >= blockOverlap else { continue }
            byPattern[row.map { $0?.rawValue ?? 9 }, default: []].append(i)
        }
        return byPattern.values.filter { $0.count >= blockSize }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }
}
