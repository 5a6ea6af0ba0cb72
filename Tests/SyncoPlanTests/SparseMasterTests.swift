import Testing
@testable import SyncoPlan
import SyncoModel

/// The master's simplex against textbook answers.
@Suite struct SparseMasterTests {
    func master(b: [Double], columns: [[Double]], costs: [Double], basis: [Int]) -> SparseMaster {
        SparseMaster(b: b, entries: columns.map { c in c.indices.filter { c[$0] != 0 }.map { ($0, c[$0]) } }, costs: costs, basis: basis)
    }

    /// Chvátal, *Linear Programming* (1983), chapter 2: max 5x₁ + 4x₂ + 3x₃ subject to
    /// 2x₁ + 3x₂ + x₃ ≤ 5, 4x₁ + x₂ + 2x₃ ≤ 11, 3x₁ + 4x₂ + 2x₃ ≤ 8, x ≥ 0:
    /// optimum 13 at x = (2, 0, 1), shadow prices (1, 0, 1).
    @Test func chvatalChapterTwo() {
        let a: [[Double]] = [[2, 4, 3], [3, 1, 4], [1, 2, 2]]          // columns x₁, x₂, x₃
        var cols = a, costs: [Double] = [-5, -4, -3]
        for i in 0..<3 { var s = [0.0, 0, 0]; s[i] = 1; cols.append(s); costs.append(0) }
        var lp = master(b: [5, 11, 8], columns: cols, costs: costs, basis: [3, 4, 5])
        #expect(lp.solve() == .optimal)
        let x = lp.solution
        #expect(abs(x[0] - 2) < 1e-12 && abs(x[1]) < 1e-12 && abs(x[2] - 1) < 1e-12)
        #expect(abs(-5 * x[0] - 4 * x[1] - 3 * x[2] + 13) < 1e-12)
        let y = lp.duals
        #expect(abs(y[0] + 1) < 1e-12 && abs(y[1]) < 1e-12 && abs(y[2] + 1) < 1e-12)
    }

    /// Column generation's use: a column appended after a solve is priced in from the old basis.
    /// Adding x₄ with cost −6 and column (1, 1, 1) to the problem above: the warm re-solve must
    /// reach the value of the LP solved from scratch and the value worked out by hand.
    @Test func appendedColumnIsPricedIn() {
        let a: [[Double]] = [[2, 4, 3], [3, 1, 4], [1, 2, 2]]
        var cols = a, costs: [Double] = [-5, -4, -3]
        for i in 0..<3 { var s = [0.0, 0, 0]; s[i] = 1; cols.append(s); costs.append(0) }
        var warm = master(b: [5, 11, 8], columns: cols, costs: costs, basis: [3, 4, 5])
        _ = warm.solve()
        warm.append(entries: [(0, 1), (1, 1), (2, 1)], cost: -6)
        #expect(warm.solve() == .optimal)
        var cold = master(b: [5, 11, 8], columns: cols + [[1, 1, 1]], costs: costs + [-6], basis: [3, 4, 5])
        #expect(cold.solve() == .optimal)
        func value(_ s: SparseMaster) -> Double { zip(s.solution, costs + [-6]).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(abs(value(warm) - value(cold)) < 1e-12)
        // By hand: x₄ alone is limited by row 1 (x₄ ≤ 5) and gives −30 < −13; x₄ = 5 with the
        // others 0 uses rows (5, 5, 5) ≤ (5, 11, 8); any x₁ would have to displace x₄ at
        // 2 units of row 1 each for 5 < 2·6. So −30.
        #expect(abs(value(cold) + 30) < 1e-12)
    }

    /// A master of Dantzig–Wolfe's shape with many convexity rows: a fractional knapsack of
    /// 3 000 items, each item a "council" choosing between leaving (0) and taking (weight w, value
    /// v) with its convexity row, one shared capacity row. The answer comes from the greedy rule
    /// (Dantzig 1957: take items by value per weight until the capacity is spent, the last one in
    /// part), not from a simplex. Half the "take" columns are appended after a first solve, as
    /// proposals are in column generation.
    @Test func fractionalKnapsackWithManyConvexityRows() {
        var rng = SplitMix64(seed: 7)
        let k = 3000
        let w = (0..<k).map { _ in 1 + Double(rng.next() % 1000) / 100 }
        let v = (0..<k).map { _ in 1 + Double(rng.next() % 1000) / 10 }
        let capacity = w.reduce(0, +) / 3
        // Rows: 0 capacity, 1 + i item i's convexity. Columns: slack, leave_i, then take_i.
        var cols: [[(row: Int, value: Double)]] = [[(0, 1)]], costs = [0.0]
        for i in 0..<k { cols.append([(1 + i, 1)]); costs.append(0) }
        var m = SparseMaster(b: [capacity] + [Double](repeating: 1, count: k), entries: cols, costs: costs, basis: Array(0...k))
        for i in 0..<(k / 2) { m.append(entries: [(0, w[i]), (1 + i, 1)], cost: -v[i]) }
        #expect(m.solve() == .optimal)
        for i in (k / 2)..<k { m.append(entries: [(0, w[i]), (1 + i, 1)], cost: -v[i]) }
        #expect(m.solve() == .optimal)
        var left = capacity, best = 0.0
        for i in (0..<k).sorted(by: { v[$0] / w[$0] > v[$1] / w[$1] }) {
            let take = min(1, left / w[i])
            best += take * v[i]
            left -= take * w[i]
            if left <= 0 { break }
        }
        let x = m.solution
        let value = (0..<k).reduce(0.0) { $0 + v[$1] * x[1 + k + $1] }
        #expect(abs(value - best) <= 1e-9 * best)
        // The capacity's dual is the value per weight of the item taken in part (the last
        // item's ratio), with the master's sign (minimising −value).
        let ratios = (0..<k).filter { x[1 + k + $0] > 1e-9 && x[1 + k + $0] < 1 - 1e-9 }.map { v[$0] / w[$0] }
        #expect(ratios.count == 1)
        if let r = ratios.first { #expect(abs(-m.duals[0] - r) <= 1e-9 * r) }
    }
}
