/// The coordinator's side of Dantzig–Wolfe decomposition as a step machine, so that the same
/// code runs with councils in this process (`Decomposition.dantzigWolfe`) and with councils in
/// other processes (`synco coordinate --mode dantzig-wolfe`). It holds only public data and what
/// councils report: per proposal its net quantities over the linking rows and an id the council
/// chose for it; per answer the rent the council's best plan earns. Techniques, capacities and
/// the activities of a proposal stay with the council.
///
/// Each round the coordinator publishes `priceSets` (the master's valuations, and from the
/// second round their mean with the valuations of the best bound so far — Wentges smoothing) and
/// for every council `weights`: how to mix its proposals into its current plan. Councils answer
/// every price set with their best plan; `advance` takes the answers (nil for a council that did
/// not answer in time: its proposals stay in the master, but no bound is computed that round),
/// updates the bound, stops when the certified gap and the linking residual are within the
/// tolerance, otherwise adds the proposals that price out and re-solves the master.
public struct DWCoordinator: Sendable {
    /// A council's answer to one price set.
    public struct Answer: Sendable {
        public var plan: Int
        public var z: [Double]
        public var rent: Double
        public init(plan: Int, z: [Double], rent: Double) { self.plan = plan; self.z = z; self.rent = rent }
    }

    /// A proposal in the master: the council's id for it, its quantities and its master column.
    struct Proposal: Sendable { var plan: Int; var z: [Double]; var column: Int }

    public let rows: LinkingRows
    public let councils: Int
    var master: SparseMaster
    var penalty: Double
    var proposals: [[Proposal]]
    public private(set) var bestBound = Double.infinity
    var center: [Double]?
    public private(set) var round = 0
    /// Valuations to send this round (one or two sets).
    public private(set) var priceSets: [[Double]] = []
    /// Per council: (plan id, weight) of its current mix.
    public private(set) var weights: [[(plan: Int, weight: Double)]] = []
    /// Per council: its mixed quantities over the linking rows.
    public private(set) var mixed: [[Double]] = []
    public private(set) var fulfilment = 0.0
    public private(set) var residual = Double.infinity
    public private(set) var lambda = 0.0
    public private(set) var done = false
    /// True when no proposal improves the master and no penalty increase can help.
    public private(set) var stalled = false
    var hasOther: Bool { rows.other.contains { $0 != 0 } }
    var lambdaColumn: Int { 2 * rows.count }

    /// Plan id of the stand-in a council with private needs starts from (see `init`).
    public static let standIn = -1

    /// Every council starts with its idle plan (id 0, all techniques at zero, so quantities 0).
    /// A council with private needs (`privateNeeds[k]`; it tells only that it has some) reports
    /// quantities net of them, so its idle plan's quantities are not 0 and the coordinator does
    /// not know them: it starts from a stand-in column (id −1, quantities 0) that costs the slack
    /// penalty, which the master drops as soon as the council's real proposals allow; a run is
    /// not done while a stand-in carries weight.
    public init(rows L: LinkingRows, councils K: Int, privateNeeds: [Bool] = []) {
        self.init(rows: L, councils: K,
                  proposals: (0..<K).map { k in [(plan: k < privateNeeds.count && privateNeeds[k] ? DWCoordinator.standIn : 0,
                                                   z: [Double](repeating: 0, count: L.count))] },
                  penalty: nil, bestBound: .infinity, center: nil, round: 0)
    }

    /// Rebuilds a coordinator from saved state (the master is re-solved from the start basis).
    public init(rows L: LinkingRows, councils K: Int, proposals saved: [[(plan: Int, z: [Double])]], penalty saved0: Double?,
                bestBound: Double, center: [Double]?, round: Int) {
        rows = L
        councils = K
        let m = L.count
        let otherTotal = L.other.reduce(0) { $0 + max(0, $1) }
        // P must beat the value of λ per unit of slack: P · Σ d > 1, with room to spare.
        penalty = saved0 ?? 1e4 * max(1, 1 / max(1e-300, otherTotal))
        // Master columns: slacks s_i (0..<m), surpluses (m..<2m), λ, then proposals.
        var cols: [[(row: Int, value: Double)]] = [], costs: [Double] = []
        for i in 0..<m { cols.append([(i, 1)]); costs.append(penalty) }
        for i in 0..<m { cols.append([(i, -1)]); costs.append(0) }
        let hasOther = L.other.contains { $0 != 0 }
        cols.append((0..<m).map { ($0, -L.other[$0]) }); costs.append(hasOther ? -1 : 0)
        var props: [[Proposal]] = []
        var firstColumn: [Int] = []
        for k in 0..<K {
            var list: [Proposal] = []
            for p in saved[k] {
                if list.isEmpty { firstColumn.append(cols.count) }
                list.append(Proposal(plan: p.plan, z: p.z, column: cols.count))
                cols.append((0..<m).filter { p.z[$0] != 0 }.map { ($0, p.z[$0]) } + [(m + k, 1)])
                costs.append(p.plan == DWCoordinator.standIn ? penalty : 0)
            }
            props.append(list)
        }
        let start = (0..<m).map { L.base[$0] >= 0 ? $0 : m + $0 } + firstColumn
        master = SparseMaster(b: L.base + [Double](repeating: 1, count: K), entries: cols, costs: costs, basis: start)
        proposals = props
        self.bestBound = bestBound
        self.center = center
        self.round = round
        solveMaster()
    }

    /// The proposals each council has in the master (for saving state).
    public var savedProposals: [[(plan: Int, z: [Double])]] { proposals.map { $0.map { ($0.plan, $0.z) } } }
    public var savedPenalty: Double { penalty }
    public var savedCenter: [Double]? { center }

    /// Solves the master (raising the slack penalty while it is unbounded), mixes each council's
    /// proposals with the master's weights, certifies the mix and sets the next price sets.
    mutating func solveMaster() {
        let m = rows.count
        var outcome = master.solve()
        while outcome == .unbounded && penalty < 1e12 {
            raisePenalty()
            outcome = master.solve()
        }
        let x = master.solution, y = master.duals
        lambda = x[lambdaColumn]
        weights = []
        mixed = []
        for k in 0..<councils {
            var w = proposals[k].map { max(0, x[$0.column]) }
            let total = w.reduce(0, +)
            if total > 0 { w = w.map { $0 / total } } else { w[0] = 1 }
            var z = [Double](repeating: 0, count: m)
            var list: [(plan: Int, weight: Double)] = []
            for (t, wt) in w.enumerated() where wt > 0 {
                list.append((proposals[k][t].plan, wt))
                for i in 0..<m { z[i] += wt * proposals[k][t].z[i] }
            }
            weights.append(list)
            mixed.append(z)
        }
        let (achieved, res) = rows.certify(mixed)
        fulfilment = hasOther ? achieved : 1
        residual = res
        let prices = (0..<m).map { max(0, y[$0]) }
        priceSets = [prices]
        if let c = center { priceSets.append((0..<m).map { 0.5 * (c[$0] + prices[$0]) }) }
    }

    /// Raises the slack penalty tenfold (slacks and stand-ins alike).
    mutating func raisePenalty() {
        penalty *= 10
        for i in 0..<rows.count { master.setCost(i, penalty) }
        for list in proposals { for p in list where p.plan == DWCoordinator.standIn { master.setCost(p.column, penalty) } }
    }

    /// Weight still on stand-in columns (must be 0 before the run can be done).
    var standInWeight: Double {
        let x = master.solution
        var w = 0.0
        for list in proposals { for p in list where p.plan == DWCoordinator.standIn { w += max(0, x[p.column]) } }
        return w
    }

    /// The certified gap: best bound from the councils' rents minus the achieved fulfilment.
    public var gap: Double {
        let (achieved, _) = rows.certify(mixed)
        let g = bestBound - achieved
        return g.isFinite ? g : .nan
    }

    /// Takes the councils' answers to `priceSets` (answers[k][s] answers set s; nil: council k did
    /// not answer) and moves to the next round. Returns whether the run is over.
    public mutating func advance(answers: [[Answer]?], tolerance: Double) -> Bool {
        guard !done else { return true }
        let m = rows.count
        round += 1
        let sets = priceSets
        let complete = answers.count == councils && answers.allSatisfy { $0?.count == sets.count }
        if complete {
            for (s, p) in sets.enumerated() {
                var pd = 0.0, pb = 0.0
                for i in 0..<m { pd += p[i] * rows.other[i]; pb += p[i] * rows.base[i] }
                guard pd > 0 else { continue }
                let bound = (answers.reduce(0) { $0 + $1![s].rent } - pb) / pd
                if bound < bestBound { bestBound = bound; center = p.map { $0 / pd } }
            }
        }
        let (achieved, _) = rows.certify(mixed)
        let g = bestBound - achieved
        if residual <= tolerance && standInWeight <= 1e-9 && (!hasOther || g.isFinite && g <= tolerance * max(1, abs(achieved))) {
            done = true
            return true
        }
        // New proposals that price out: reduced cost −(yᵀz + σ_k) < 0.
        let y = master.duals
        var added = 0
        for k in 0..<min(councils, answers.count) {
            guard let list = answers[k] else { continue }
            for (s, a) in list.enumerated() where a.z.count == m {
                var value = y[m + k]
                for i in 0..<m where a.z[i] != 0 { value += y[i] * a.z[i] }
                // The master's own valuations must price the plan in; the smoothed ones need not.
                guard s > 0 || value > 1e-9 * (1 + abs(y[m + k])) else { continue }
                if proposals[k].contains(where: { $0.plan == a.plan || $0.z == a.z }) { continue }
                proposals[k].append(Proposal(plan: a.plan, z: a.z, column: master.columnCount))
                master.append(entries: (0..<m).filter { a.z[$0] != 0 }.map { ($0, a.z[$0]) } + [(m + k, 1)], cost: 0)
                added += 1
            }
        }
        if added == 0 && complete {
            let x = master.solution
            var slack = 0.0
            for i in 0..<m { slack += x[i] }
            for list in proposals { for p in list where p.plan == DWCoordinator.standIn { slack += x[p.column] } }
            guard slack > 0 && penalty < 1e12 else { stalled = true; done = true; return true }
            raisePenalty()
        }
        solveMaster()
        return false
    }
}
