import SyncoModel
import SyncoSparse
import Dispatch

/// Basis polish: from an approximate solution, or from the planning structure itself, to an
/// exact vertex of the fulfilment LP.
///
/// An optimal vertex of the fulfilment LP (see `FulfilmentProblem`) has, for every product, one
/// technique that carries it (the Leontief structure), plus a few more basic columns — λ and
/// some alternative techniques — one for each limit that binds (a limited resource at its limit,
/// or a carrying technique at its capacity). With k binding limits, k − 1 products are made by
/// two techniques: the non-substitution theorem generalised to several scarce factors.
///
/// A basis guess is solved exactly with the Schur complement of the square Leontief system
/// M = I − A of the carrying techniques:
///
///     [M  E] [u]   [h]        u = M⁻¹h − M⁻¹E·z,
///     [R  F] [z] = [b]        (F − R M⁻¹E)·z = b − R M⁻¹h,
///
/// where u are gross outputs, z the extra columns (λ, extra techniques), R the binding limits'
/// rows. M⁻¹ is applied by the Leontief iteration to q + 1 right-hand sides at once; the q×q
/// Schur complement is dense. The duals follow from Sᵀw = c_z and Mᵀy = −Rᵀw (one transposed
/// Leontief solve). Every point is checked on the LP before it is returned.
///
/// Two ways to a guess:
/// - **Policy iteration** (`improve`), for the common case that one limit fixes λ: carry each
///   product by one technique, scale the Leontief plan up until the first limit binds, price
///   everything by that limit (the duals above), and let every product switch to a technique
///   that is profitable at those prices (a technique left at a binding capacity stays there,
///   fixed). Each round is one two-column Leontief solve and one transposed solve; it stops when
///   no technique is profitable, which is the LP's optimality condition (Howard's policy
///   iteration on the Leontief substitution system; Dantzig 1955 on its optimal choices).
/// - **From an iterate** (`polish`), for the first-order solver: each technique is basic, at
///   zero or at its capacity by comparing its distance from its bounds (relative to its product's
///   output) with its reduced cost (relative to the value of its output); each limit binds when
///   its relative slack is below its share of the dual objective. The iterate's techniques go
///   through policy iteration first, then the guessed multi-limit bases.
struct BasisPolish: Sendable {
    let needs: FulfilmentNeeds
    let lp: LinearProgram
    /// Kᵀ: the LP's columns as rows (techniques, then λ).
    let columns: CSRMatrix
    /// The product each technique carries (its largest output) and that output per unit.
    let carried: [Int32]
    let carriedOutput: [Double]
    /// Techniques grouped by the product they carry.
    let groupStart: [Int]
    let group: [Int32]
    /// Give up on guesses with more binding limits than this (the Schur complement is dense).
    var maxExtra = 96
    /// True for a re-plan's check of its kept basis (`renewedForCheck`): the bounds are the new
    /// needs', λ's column in `lp.matrix` and `columns` still the earlier ones' (λ's column is read
    /// from `needs` by `solveBasis`). Such a polish runs the check and policy iteration
    /// (`improve`, whose residuals correct λ's column, `residuals`); its pivots and the
    /// decomposition run on the program patched for the needs (`renewed`).
    private(set) var lambdaStale = false

    /// The program's residuals at (x, y), given Kᵀy (`kty`, m + 1 entries). Where λ's column is
    /// stale, K·x and Kᵀy are corrected to these needs' column (−o on the same products).
    func residuals(_ x: [Double], _ y: [Double], kty: [Double]) -> LPResiduals {
        guard lambdaStale else { return LPResiduals(lp, x: x, y: y, kty: kty) }
        let n = needs.economy.productCount, m = needs.economy.techniqueCount
        let other = needs.other
        var kx = lp.matrix.multiply(x)
        for p in columns.rowStart[m]..<columns.rowStart[m + 1] {
            let i = Int(columns.colIndex[p])
            kx[i] += (-other[i] - columns.values[p]) * x[m]
        }
        var aty = kty
        var lambdaColumn = 0.0
        for i in 0..<n where other[i] != 0 { lambdaColumn -= other[i] * y[i] }
        aty[m] = lambdaColumn
        return LPResiduals(lp, x: x, y: y, kx: kx, kty: aty)
    }

    enum State: Sendable { case zero, basic, atCapacity }
    /// A limit: a limited resource (`index` among the limited ones) or the capacity of the
    /// technique carrying product `index`.
    typealias Limit = (resource: Bool, index: Int)

    /// The technique carrying each product (−1 for none), its output of that product, and the
    /// state of every technique (non-carrying ones: fixed at zero or capacity, or basic extras).
    struct Basis: Sendable {
        var primary: [Int32]
        var primaryOut: [Double]
        var state: [State]
    }

    /// A point from `improve`: certified (meets the tolerance on the LP), or the last accepted
    /// one (primal feasible, the largest λ met) to start the solver from.
    struct Outcome: Sendable {
        var x: [Double]; var y: [Double]; var rounds: Int; var certified: Bool
        /// Simplex pivots taken (after policy iteration, or from a kept basis).
        var pivots = 0
        /// Rounds of the decomposition over resource prices (`resourcePrices`), when it certified.
        var priceRounds = 0
        /// What that decomposition leaves for a re-plan.
        var prices: PriceState? = nil
        /// The basis of a certified point, kept for a re-plan.
        var vertex: Vertex? = nil
        /// The program patched for the needs by policy iteration on a polish whose λ column was
        /// stale (`improve`'s hand-over to the pivots or the decomposition): the caller's to keep
        /// instead of patching it again.
        var renewed: BasisPolish? = nil
    }

    /// An optimal basis as it was found, kept in the plan so that a re-plan of the same
    /// techniques (needs, limits or capacities changed) starts from it: if it is still optimal,
    /// one forward solve (from the kept gross outputs) and one transposed solve (from the kept
    /// duals, unchanged when only needs move) certify the new plan; if not, pivots go on from it.
    struct Vertex: Sendable {
        var basis: Basis
        var resourceRows: [Int]
        var capacityRows: [Int]
        var extras: [Int]
        /// The carrying techniques' Leontief system (depends on the techniques and the basis only).
        var system: LeontiefSystem
        /// M⁻¹ of the basis' right-hand sides [h, E] (interleaved, width 1 + extras) and the
        /// product duals, as last solved: starting points of the next solves.
        var forward: [Double]
        var dual: [Double]
        /// The polish (program, grouping of techniques) it was found with; `renewed(for:)` fits
        /// it to new needs without rebuilding the matrix.
        var polish: BasisPolish
        /// The technique table's fingerprint (set by the planner; nil: not checked, never reused).
        var fingerprint: UInt64? = nil
    }

    init(_ needs: FulfilmentNeeds, lp: LinearProgram, columns: CSRMatrix? = nil) {
        self.needs = needs
        self.lp = lp
        self.columns = columns ?? lp.matrix.transposed()
        let e = needs.economy, t = e.techniques
        let n = e.productCount, m = e.techniqueCount
        var carried = [Int32](repeating: -1, count: m)
        var out = [Double](repeating: 0, count: m)
        var count = [Int](repeating: 0, count: n + 1)
        for j in 0..<m {
            for p in t.outputs.range(j) where t.outputs.amount[p] > out[j] {
                out[j] = t.outputs.amount[p]
                carried[j] = t.outputs.index[p]
            }
            if carried[j] >= 0 { count[Int(carried[j]) + 1] += 1 }
        }
        for i in 0..<n { count[i + 1] += count[i] }
        var fill = count
        var group = [Int32](repeating: 0, count: count[n])
        for j in 0..<m where carried[j] >= 0 {
            let i = Int(carried[j])
            group[fill[i]] = Int32(j)
            fill[i] += 1
        }
        self.carried = carried
        carriedOutput = out
        groupStart = count
        self.group = group
    }

    private init(renewing old: BasisPolish, needs: FulfilmentNeeds, lp: LinearProgram, columns: CSRMatrix, lambdaStale: Bool = false) {
        self.needs = needs
        self.lp = lp
        self.columns = columns
        carried = old.carried
        carriedOutput = old.carriedOutput
        groupStart = old.groupStart
        group = old.group
        maxExtra = old.maxExtra
        self.lambdaStale = lambdaStale
    }

    /// The same polish for changed needs, limits or capacities of the same techniques (the
    /// caller has checked the technique table's fingerprint): the program is patched, not
    /// rebuilt. Nil when its shape changed (see `FulfilmentProblem.renewed`).
    func renewed(for needs: FulfilmentNeeds) -> BasisPolish? {
        guard needs.limitedResources == self.needs.limitedResources,
              needs.economy.productCount == self.needs.economy.productCount,
              needs.economy.techniqueCount == self.needs.economy.techniqueCount,
              let (lp, columns) = FulfilmentProblem.renewed(lp, columns: columns, for: needs) else { return nil }
        return BasisPolish(renewing: self, needs: needs, lp: lp, columns: columns)
    }

    /// `renewed` without patching λ's column (`FulfilmentProblem.renewedBounds`): the program a
    /// re-plan checks its kept basis on (`keptCheck`), sharing the matrix with this polish.
    func renewedForCheck(for needs: FulfilmentNeeds) -> BasisPolish? {
        guard needs.limitedResources == self.needs.limitedResources,
              needs.economy.productCount == self.needs.economy.productCount,
              needs.economy.techniqueCount == self.needs.economy.techniqueCount,
              let lp = FulfilmentProblem.renewedBounds(lp, columns: columns, for: needs) else { return nil }
        return BasisPolish(renewing: self, needs: needs, lp: lp, columns: columns, lambdaStale: true)
    }

    /// What re-solving a kept vertex for new needs found (`keptCheck`).
    enum KeptCheck {
        /// Still optimal: the caller's certificate accepted it.
        case certified(Outcome)
        /// No longer primal feasible (another limit binds first): no pivots from it.
        case infeasible
        /// Feasible but not accepted: pivots go on from it, with its solves.
        case feasible(forward: [Double], dual: [Double])
    }

    /// A re-plan's first step: the kept vertex re-solved for these needs (its solves started
    /// from the kept solutions) and offered to `accept`, the caller's certificate. This is the
    /// first step of `pivots` from the vertex, without the LP's residuals (they read the whole
    /// program, which a polish from `renewedForCheck` has not patched): when the basis still
    /// fits, the re-plan is one forward and one transposed solve and the certificate.
    /// `firstSolve` gets the system and the forward solutions, as in `pivots`. `valuations`,
    /// when given, is tried first on the basis' primal point, before its duals are solved: it
    /// returns the valuations that passed the caller's certificate, or nil.
    func keptCheck(_ v: Vertex, valuations: (([Double]) -> [Double]?)? = nil, accept: ([Double], [Double]) -> Bool,
                   note: (@Sendable (String) -> Void)? = nil, firstSolve: ((LeontiefSystem, [Double]) -> Void)? = nil) -> KeptCheck {
        let n = needs.economy.productCount
        var basis = v.basis
        let capRows = Set(v.capacityRows)
        for i in 0..<n where basis.primary[i] >= 0 { basis.state[Int(basis.primary[i])] = capRows.contains(i) ? .atCapacity : .basic }
        for j in v.extras { basis.state[j] = .basic }
        func vertex(_ forward: [Double], _ dual: [Double]) -> Vertex {
            Vertex(basis: basis, resourceRows: v.resourceRows, capacityRows: v.capacityRows, extras: v.extras,
                   system: v.system, forward: forward, dual: dual, polish: self)
        }
        // The right-hand sides the kept solutions solved: the warm plan's needs and capacities.
        // (A vertex rebuilt from a plan's activities has none: its first solve starts from zero.)
        let before = v.forward.isEmpty ? nil
            : v.polish.basisSides(basis, resourceRows: v.resourceRows, capacityRows: v.capacityRows, extras: v.extras, entering: nil).rhs
        guard var pt = solveBasis(basis, sys: v.system, resourceRows: v.resourceRows, capacityRows: v.capacityRows, extras: v.extras,
                                  entering: nil, initialForward: v.forward, initialDual: v.dual, initialRHS: before,
                                  dualIfInfeasible: false, withDual: valuations == nil)
        else {
            note?("the kept basis could not be solved for the new needs")
            return .infeasible
        }
        firstSolve?(v.system, pt.forward)
        if pt.infeasibility > 1e-9 {
            note?("the kept basis is not primal feasible for the new needs (a basic variable off its bounds by \(pt.infeasibility) of itself)")
            return .infeasible
        }
        if let valuations {
            // The kept duals stay the next re-plan's starting point.
            if let y = valuations(pt.x) {
                return .certified(Outcome(x: pt.x, y: y, rounds: 1, certified: true, pivots: 0, vertex: vertex(pt.forward, v.dual)))
            }
            // Its forward solutions are this check's: only the duals are solved.
            guard let solved = solveBasis(basis, sys: v.system, resourceRows: v.resourceRows, capacityRows: v.capacityRows, extras: v.extras,
                                          entering: nil, forward: pt.forward, initialDual: v.dual)
            else { return .infeasible }
            pt = solved
        }
        if accept(pt.x, pt.y) {
            return .certified(Outcome(x: pt.x, y: pt.y, rounds: 1, certified: true, pivots: 0, vertex: vertex(pt.forward, pt.dual)))
        }
        return .feasible(forward: pt.forward, dual: pt.dual)
    }

    /// The structure path's choice: the first technique carrying each product, nothing fixed.
    func structureBasis() -> Basis {
        let n = needs.economy.productCount, m = needs.economy.techniqueCount
        var b = Basis(primary: [Int32](repeating: -1, count: n), primaryOut: [Double](repeating: 0, count: n),
                      state: [State](repeating: .zero, count: m))
        for i in 0..<n where groupStart[i + 1] > groupStart[i] {
            let j = Int(group[groupStart[i]])
            b.primary[i] = Int32(j)
            b.primaryOut[i] = carriedOutput[j]
            b.state[j] = .basic
        }
        return b
    }

    /// The choice a plan made (a warm start): each product carried by its technique with the
    /// largest output, techniques at their capacity fixed there, the rest at zero.
    func basis(from activities: [Double]) -> Basis {
        var b = structureBasis()
        let cap = needs.economy.techniques.capacity
        for i in 0..<b.primary.count where groupStart[i + 1] - groupStart[i] > 1 {
            var best = Int(b.primary[i]), bestOut = 0.0
            for q in groupStart[i]..<groupStart[i + 1] {
                let j = Int(group[q])
                if activities[j] * carriedOutput[j] > bestOut { best = j; bestOut = activities[j] * carriedOutput[j] }
            }
            for q in groupStart[i]..<groupStart[i + 1] {
                let j = Int(group[q])
                b.state[j] = j == best ? .basic : (cap[j].isFinite && activities[j] >= cap[j] * (1 - 1e-9) ? .atCapacity : .zero)
            }
            b.primary[i] = Int32(best)
            b.primaryOut[i] = carriedOutput[best]
        }
        return b
    }

    /// The vertex a plan's activities lie on, rebuilt for a re-plan that has only the plan (read
    /// from a file, or a server's stored plan after a restart: the basis itself is in-process
    /// only). `x` holds the activities and λ (m + 1 entries). Each product is carried by its
    /// technique with the largest output (`basis(from:)`); a product made only as a by-product,
    /// beyond what the plan takes, has no carrier (free disposal); other techniques strictly
    /// between zero and their capacity are the extras; a limited resource at its limit, or a
    /// carrier at its capacity, binds (within `margin` of the bound, relative). The vertex must
    /// be square (one binding limit per extra column, λ included): a binding resource whose
    /// valuation in `resourceValuation` is zero is taken as slack when there are too many; any
    /// other mismatch (a degenerate vertex whose basic variables sit on bounds) gives nil, and
    /// the caller starts policy iteration from the plan's technique choice instead. The gross
    /// outputs are not split by right-hand side in a plan, so the first solve starts from zero;
    /// `dual` (the plan's product valuations) starts the transposed solve.
    func vertex(fromActivities x: [Double], resourceValuation: [Double]?, dual: [Double], margin: Double = 1e-9) -> Vertex? {
        let e = needs.economy, t = e.techniques
        let n = e.productCount, m = e.techniqueCount
        guard x.count == m + 1, x[m].isFinite, x[m] > 0, x.allSatisfy({ $0.isFinite }) else { return nil }
        var basis = basis(from: Array(x.prefix(m)))
        let cap = t.capacity
        // Net output, for the products made beyond what the plan takes.
        var net = [Double](repeating: 0, count: n), size = [Double](repeating: 0, count: n)
        for j in 0..<m where x[j] != 0 {
            for p in t.outputs.range(j) {
                let i = Int(t.outputs.index[p]), v = t.outputs.amount[p] * x[j]
                net[i] += v
                size[i] += abs(v)
            }
            for p in t.inputs.range(j) {
                let i = Int(t.inputs.index[p]), v = t.inputs.amount[p] * x[j]
                net[i] -= v
                size[i] += abs(v)
            }
        }
        for i in 0..<n where basis.primary[i] >= 0 && x[Int(basis.primary[i])] <= 0 {
            let takes = needs.guaranteed[i] + x[m] * needs.other[i]
            if net[i] - takes > margin * max(1, size[i], abs(takes)) {
                basis.state[Int(basis.primary[i])] = .zero
                basis.primary[i] = -1
                basis.primaryOut[i] = 0
            }
        }
        var isCarrier = [Bool](repeating: false, count: m)
        var capacityRows: [Int] = []
        for i in 0..<n where basis.primary[i] >= 0 {
            let j = Int(basis.primary[i])
            isCarrier[j] = true
            if cap[j].isFinite, cap[j] > 0, x[j] >= cap[j] * (1 - margin) { capacityRows.append(i) }
        }
        var extras: [Int] = []
        for j in 0..<m where !isCarrier[j] && x[j] > 0 {
            let top = cap[j].isFinite ? cap[j] : .infinity
            if x[j] < top * (1 - margin) {
                extras.append(j)
            } else {
                basis.state[j] = .atCapacity
            }
        }
        let use = limitedUse(x)
        var resourceRows: [Int] = []
        var slackCandidates: [Int] = []
        for (k, r) in needs.limitedResources.enumerated() {
            guard let limit = e.resources[r].limit, use[k] >= limit - margin * max(1, abs(limit)) else { continue }
            resourceRows.append(k)
            if let v = resourceValuation, r < v.count, v[r] == 0 { slackCandidates.append(k) }
        }
        while resourceRows.count + capacityRows.count > 1 + extras.count, let k = slackCandidates.popLast() {
            resourceRows.removeAll { $0 == k }
        }
        guard resourceRows.count + capacityRows.count == 1 + extras.count, extras.count <= maxExtra else { return nil }
        let system = LeontiefSystem(e, primary: basis.primary, output: basis.primaryOut)
        return Vertex(basis: basis, resourceRows: resourceRows, capacityRows: capacityRows, extras: extras, system: system,
                      forward: [], dual: dual.count == n ? dual : [], polish: self)
    }

    // MARK: - Policy iteration with one binding limit

    /// Policy iteration from `basis` (at most `rounds` rounds): a point meeting `tolerance` on
    /// the LP, or — when the choice stops improving or cycles without getting there (then more
    /// than one limit binds) — the best point met, not certified; nil when no limit is found.
    /// `accept`, when given, is the caller's own certificate: a point that meets the tolerance
    /// and that it accepts ends the search at once, even if some technique is still profitable
    /// within the tolerance.
    func improve(_ start: Basis, rounds: Int, tolerance: Double, pivotLimit: Int = 40, pivotSeconds: Double = .infinity,
                 roundSeconds: Double = .infinity, knapsack: Bool = false, decompose: Bool = false, decomposeSeconds: Double = .infinity,
                 note: (@Sendable (String) -> Void)? = nil, accept: (([Double], [Double]) -> Bool)? = nil,
                 system known: LeontiefSystem? = nil, forward startForward: consuming [Double]? = nil) -> Outcome? {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let cap = e.techniques.capacity
        var basis = start
        var best: Outcome? = nil
        var bestBasis: (basis: Basis, tight: (resource: Bool, index: Int))? = nil
        var seen = Set<[Double]>()
        // When switching whole products stops helping, single simplex pivots from the best basis.
        func finish() -> Outcome? {
            guard let (b, t) = bestBasis, pivotLimit > 0 else { return best }
            // (The pivots and the decomposition read λ's column from the program: patched now
            // where it is stale, and handed back with the outcome.)
            guard let full = lambdaStale ? renewed(for: needs) : self else { return best }
            var out = handOver(full, b, t)
            if lambdaStale { out?.renewed = full }
            return out
        }
        func handOver(_ full: BasisPolish, _ b: Basis, _ t: Limit) -> Outcome? {
            // A resource bound first and switching stopped helping: more than one resource binds.
            // The decomposition over resource prices handles any number of them (no capacity rows).
            if decompose, t.resource {
                note?("policy iteration stops with \(needs.economy.resources[needs.limitedResources[t.index]].id) binding first: decomposition over the resource prices")
                if let y = best?.y, y.count == n + needs.limitedResources.count,
                   let d = full.resourcePrices(b, prices: Array(y[n...]), tolerance: tolerance, seconds: decomposeSeconds, note: note),
                   LPResiduals(full.lp, x: d.x, y: d.y).satisfies(tolerance), accept?(d.x, d.y) ?? true {
                    return Outcome(x: d.x, y: d.y, rounds: d.rounds, certified: true, priceRounds: d.rounds, prices: d.state)
                }
            }
            let p = full.pivots(b, resourceRows: t.resource ? [t.index] : [], capacityRows: t.resource ? [] : [t.index],
                                extras: [], maxPivots: pivotLimit, seconds: pivotSeconds, tolerance: tolerance, accept: accept, note: note)
            // Uncertified, the pivots' point (primal feasible: they stop where it is not) is
            // still the better one when its λ is higher (10 × 10^5: 0.66907 against policy
            // iteration's 0.66301).
            if let p, p.certified || best == nil || p.x[needs.economy.techniqueCount] > best!.x[needs.economy.techniqueCount] { return p }
            return best
        }
        // The last accepted basis, its λ and the switches it offered (most profitable first);
        // `take` of them are applied. A round whose λ falls below the accepted one is undone
        // and fewer switches are tried (by load on the limit that bound first with `knapsack`,
        // else half as many): λ never decreases, so switching cannot cycle.
        var accepted: (basis: Basis, lambda: Double, switches: [(product: Int, technique: Int)], released: [Int])? = nil
        var acceptedSystem: (LeontiefSystem, [Double])? = nil
        var acceptedGain: [Int: Double] = [:]
        var take = 0
        func apply(_ a: (basis: Basis, lambda: Double, switches: [(product: Int, technique: Int)], released: [Int]), _ k: Int,
                   fixed: Int?) -> Basis {
            var b = a.basis
            for (i, j) in a.switches.prefix(k) {
                let current = Int(b.primary[i])
                if current >= 0 { b.state[current] = current == fixed && cap[current].isFinite ? .atCapacity : .zero }
                b.primary[i] = Int32(j)
                b.primaryOut[i] = carriedOutput[j]
                b.state[j] = .basic
            }
            for j in a.released { b.state[j] = .zero }
            return b
        }
        var fixedCapacity: Int? = nil
        var blocked = Set<Int>()
        // Switches an undone round dropped: offered again only when nothing else pays (they
        // came back at the next prices and broke the same limit again: 10^7 products).
        var deferred = Set<Int>()
        // After an undone round: keeps the applied switches of `a` that `keeps` accepts, defers
        // the others and applies the kept ones to the accepted basis.
        func retry(_ a: (basis: Basis, lambda: Double, switches: [(product: Int, technique: Int)], released: [Int]),
                   keeping keeps: ((product: Int, technique: Int)) -> Bool) {
            let applied = a.switches.prefix(take)
            for sw in applied where !keeps(sw) { deferred.insert(sw.technique) }
            let keep = applied.filter(keeps)
            accepted = (a.basis, a.lambda, Array(keep) + Array(a.switches.dropFirst(take)), a.released)
            take = keep.count
            basis = apply(accepted!, take, fixed: fixedCapacity)
        }
        // The limits whose loads one block solve takes (products × width doubles within 256 MB).
        let loadWidth = min(32, max(8, (1 << 25) / max(n, 1)))
        // The switches of `a` (its first `take`) that the first-order loads on `tight` and the
        // other `broken` limits keep (the knapsack described where it is used); nil when the
        // loads' solve fails or there is no accepted system.
        func chooseByLoads(_ a: (basis: Basis, lambda: Double, switches: [(product: Int, technique: Int)], released: [Int]),
                           tight: Limit, broken: [Limit]) -> Set<Int>? {
            guard let (system, gross) = acceptedSystem else { return nil }
            let others = broken.filter { $0.resource != tight.resource || $0.index != tight.index }
            var touched = Set<Int>()
            for sw in a.switches.prefix(take) {
                for j in [sw.technique, Int(a.basis.primary[sw.product])] where j >= 0 {
                    for p in columns.rowStart[j]..<columns.rowStart[j + 1] where Int(columns.colIndex[p]) < n { touched.insert(Int(columns.colIndex[p])) }
                }
            }
            let unexplained = others.filter { $0.resource || !touched.contains($0.index) }
            let explained = others.filter { !$0.resource && touched.contains($0.index) }
            let solved = Array((unexplained + explained).prefix(loadWidth - 1))
            let limits = [tight] + solved
            // The explained capacities the solve did not take (it took them after the unexplained).
            let direct = Array(explained.dropFirst(max(0, solved.count - unexplained.count)))
            guard let loads = loadingSwitches(a.basis, system: system, gross: gross, limits: limits, direct: direct,
                                              switches: Array(a.switches.prefix(take))) else { return nil }
            var chosen = Set(a.switches.prefix(take).map(\.technique))
            let order = Dictionary(a.switches.prefix(take).enumerated().map { ($1.technique, $0) }, uniquingKeysWith: min)
            for (l, limit) in (limits + direct).enumerated() {
                var slack: Double
                if limit.resource {
                    let rk = needs.limitedResources[limit.index]
                    var use = 0.0
                    for p in system.r.rowStart[rk]..<system.r.rowStart[rk + 1] { use += system.r.values[p] * gross[Int(system.r.colIndex[p])] }
                    slack = e.resources[rk].limit! - use
                } else {
                    // A product without a carrier in the accepted basis (disposed
                    // of) has no room there: what loads its new carrier goes.
                    let i = limit.index, carrier = Int(a.basis.primary[i])
                    slack = carrier >= 0 ? cap[carrier] * a.basis.primaryOut[i] - gross[i] : 0
                }
                slack *= 0.9
                var loading: [(technique: Int, ratio: Double, load: Double)] = []
                for (technique, d) in loads[l] where d > 0 && chosen.contains(technique) {
                    loading.append((technique, (acceptedGain[technique] ?? 0) / d, d))
                }
                // Ties in the switches' own order (most profitable first).
                loading.sort { $0.ratio > $1.ratio || ($0.ratio == $1.ratio && order[$0.technique]! < order[$1.technique]!) }
                var spent = 0.0
                for x in loading {
                    if spent + x.load <= slack { spent += x.load } else { chosen.remove(x.technique) }
                }
            }
            return chosen
        }
        var repairs = 0
        // Set by an accepted round with switches: the next round first predicts what they break.
        // The predictions stop for good once one is not used (more broken limits than one loads'
        // solve takes, or a resource among them) or the trials they shaped were undone all the
        // same more often than not: over time-expanded economies they predicted hundreds of
        // broken capacities (the initial stocks' among them, which the first order misses), the
        // trials broke them anyway, and the rounds went elsewhere (10^5 products × 3 periods: 49
        // pivots after them instead of 14, 21 s instead of 11 s). At the first miss they stopped
        // at 10^6 products with alternatives for 60 % after five hits, and the 22 rounds after
        // it had 16 trials undone.
        var predictNext = false, predicting = true, predictedTrial = false
        var predictionHits = 0, predictionMisses = 0
        // Accepted rounds that raised λ by less than 1e-9 of itself in a row: policy iteration
        // is going round the same few switches (each cycle blocks one), and pivots take over.
        var staleRounds = 0
        // The caller's system's Perron pair seeds the first round's when that system is patched
        // (the structure path's system when the start's carriers differ from its own).
        var roundPair: PerronPair? = known?.knownPerron
        // Each round's forward solve starts from the last round's solution (a round switches a
        // few carriers); the first from the caller's, for the start's carriers.
        var lastForward = consume startForward
        let started = DispatchTime.now().uptimeNanoseconds
        for round in 1...max(rounds, 1) {
            // Rounds are timed too: at 10^5 products × 10 periods each takes over a second, and
            // undone rounds can repeat a hundred times.
            if round > 1 && Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 > roundSeconds {
                note?("policy iteration stops after \(round - 1) rounds: out of time")
                return finish()
            }
            // The capacities the last accepted round's switches would break, predicted to first
            // order: those the loads allow are kept and the trial runs with them, instead of a
            // trial with all of them that breaks a capacity, is undone and then chooses the same
            // way (at realistic 10^6 products such a round costs 1.2 s: the system patched for
            // 9 218 switches and solved; the prediction one forward solve through the accepted
            // system, done here, after that round's arrays are gone). A break it misses, or one
            // of a resource, is left to the trial and the undone round.
            if predictNext, predicting, var a = accepted, let (system, gross) = acceptedSystem, let x = best?.x {
                predictNext = false
                func predict() -> [Limit]? {
                    predictedBreaks(a.basis, next: basis, system: system, gross: gross, activities: x,
                                    switches: Array(a.switches.prefix(take)), released: a.released, fixed: fixedCapacity)?.map(\.limit)
                }
                var predicted = predict()
                // Techniques released from their capacity go first, as after an undone trial.
                if let p = predicted, !p.isEmpty, p.count < loadWidth, p.allSatisfy({ !$0.resource }), !a.released.isEmpty {
                    note?("policy iteration round \(round): to first order the switches and \(a.released.count) released techniques break \(p.count) \(p.count == 1 ? "limit" : "limits"): the released stay at their capacities")
                    accepted = (a.basis, a.lambda, a.switches, [])
                    a = accepted!
                    basis = apply(a, take, fixed: fixedCapacity)
                    predictedTrial = true
                    predicted = predict()
                }
                if let p = predicted, !p.isEmpty, p.count >= loadWidth || p.contains(where: { $0.resource }) {
                    note?("policy iteration round \(round): to first order the switches break \(p.count) limits, more than the loads take or a resource: no more predictions")
                    predicting = false
                } else if let predicted, !predicted.isEmpty, take > 1,
                   let chosen = chooseByLoads(a, tight: predicted[0], broken: predicted), chosen.count < take, !chosen.isEmpty {
                    predictedTrial = true
                    note?("policy iteration round \(round): to first order the switches break \(predicted.count) \(predicted.count == 1 ? "capacity" : "capacities") (\(limitNames(predicted, basis))): \(chosen.count) of \(take) switches kept")
                    retry(a) { chosen.contains($0.technique) }
                }
            }
            for i in 0..<n where basis.primary[i] >= 0 { basis.state[Int(basis.primary[i])] = .basic }
            // `known`, the caller's system (the structure path's), when its carriers are this
            // round's: at 10^7 products a system takes 15 s to build and 2 GB.
            // Else the accepted round's system (or the caller's) patched where the carriers
            // changed, when few did.
            let sys = known.flatMap { $0.primaryTechnique == basis.primary && $0.primaryOutput == basis.primaryOut ? $0 : nil }
                ?? LeontiefSystem(e, primary: basis.primary, output: basis.primaryOut, near: acceptedSystem?.0 ?? known)
            // A round changes a few carriers: the last round's Perron pair starts this one's
            // (the pair only is kept: the last round's system may go).
            sys.seedPerron(roundPair)
            defer { roundPair = sys.knownPerron ?? roundPair }
            guard let (tight, scale, forward, broken) = tightestLimitAndScale(basis, sys: sys, brokenAt: accepted?.lambda, initial: lastForward),
                  scale > 0 || accepted != nil
            else { return finish() }
            lastForward = forward
            // Joint production (what a technique makes besides its product: the capital a
            // holding passes on to the next period) can leave more of a product than the plan
            // takes. Its carrier then runs backwards — a negative gross output, which gives its
            // inputs back and overstates λ. Such a product is left to its by-products (free
            // disposal: no carrier, price 0) and the basis solved again; a product without a
            // carrier that the plan does take gets its first technique back.
            // A trial that already falls below the accepted λ is undone before any repair: the
            // carriers running backwards overstate λ, and removing them only lowers it (each
            // repair is a round: at 10 × 10^5 products every undone trial took three, 8 s).
            let falls = accepted.map { scale < $0.lambda * (1 - 1e-12) } ?? false
            if !falls, repairs < 3, scale > 0, repairDisposal(&basis, gross: { (forward[2 * $0] + scale * forward[2 * $0 + 1],
                                                             max(abs(forward[2 * $0]), abs(scale * forward[2 * $0 + 1]), 1)) }) {
                repairs += 1
                continue
            }
            repairs = 0
            if predictedTrial {
                if accepted.map({ scale < $0.lambda * (1 - 1e-12) }) == true {
                    predictionMisses += 1
                    if predictionMisses > predictionHits {
                        note?("policy iteration round \(round): the trials the predictions shaped were undone \(predictionMisses) times, kept \(predictionHits): no more predictions")
                        predicting = false
                    }
                } else {
                    predictionHits += 1
                }
            }
            predictedTrial = false
            if let a = accepted, scale < a.lambda * (1 - 1e-12) {
                note?("policy iteration round \(round): λ \(scale) < \(a.lambda) with \(take) of \(a.switches.count) switches: undone (\(broken.count) limits broken at the accepted λ\(broken.isEmpty ? "" : ": " + limitNames(broken, basis)))")
                // Techniques released from their capacity go first: their output, carried
                // elsewhere, can break a limit however few switches come with it (each single
                // switch fell to the same λ at 10 periods × 10^4 products, time-expanded).
                if !a.released.isEmpty {
                    accepted = (a.basis, a.lambda, a.switches, [])
                    basis = apply(accepted!, take, fixed: fixedCapacity)
                    continue
                }
                // A product switched onto a technique whose capacity cannot carry it at the
                // accepted λ is the plain cause: all such switches go at once, with no solve.
                let switched = Set(a.switches.prefix(take).map(\.product))
                let culprits = Set(broken.filter { !$0.resource && switched.contains($0.index) }.map(\.index))
                if !culprits.isEmpty && culprits.count < take {
                    retry(a) { !culprits.contains($0.product) }
                    continue
                }
                // A second resource binds before the one that priced the switches: several
                // resources bind, which the decomposition over resource prices handles at once
                // (switching fewer products at a time would only creep towards it).
                if decompose, tight.resource, let t = bestBasis?.tight, t.resource, t.index != tight.index { return finish() }
                // Which switches load the limits the trial broke? With v = e_T M⁻¹ (limit T's row
                // through the accepted basis' inverse), switching product i from technique a to
                // b changes T's use by u_i·(Δr_T − v·ΔM_i) to first order: one block transposed
                // solve for the tightest limit and up to seven more the trial broke at the
                // accepted λ (with the tightest alone, each broken limit cost a round: 8 rounds
                // at 3·10^6 products, now 3). Per limit, switches that do not load it all go and the
                // loading ones by gain per load (gain = profit per unit × output switched) until
                // 90 % of its slack at the accepted λ is spent (a first-order knapsack); a switch
                // stays if every limit keeps it. Halve only if that keeps none or all.
                // Many limits can break at once (212 capacities in one trial at 10 periods × 10^5
                // products, time-expanded), and eight a round dropped eight switches a round. The
                // solve is widened where memory allows (32 limits up to 10^6 products, 8 at 10^7:
                // the block is products × width doubles), and it goes to the limits that no
                // switched technique uses directly; every other broken capacity gets its direct
                // load (no solve), which removes the switches onto techniques that draw on it.
                if knapsack, take > 1, let chosen = chooseByLoads(a, tight: tight, broken: broken) {
                    guard chosen.count < take, !chosen.isEmpty else { take /= 2; basis = apply(accepted!, take, fixed: fixedCapacity); continue }
                    retry(a) { chosen.contains($0.technique) }
                    continue
                }
                if take == 1 {
                    // This one switch makes another limit bind first: it needs a basis with two
                    // binding limits, which only a pivot (`pivots`) builds. Leave it out here.
                    blocked.insert(a.switches[0].technique)
                    let rest = Array(a.switches.dropFirst())
                    accepted = (a.basis, a.lambda, rest, a.released)
                    take = rest.count
                    if take == 0 && a.released.isEmpty { return finish() }
                } else {
                    take /= 2
                }
                basis = apply(accepted!, take, fixed: fixedCapacity)
                continue
            }
            var solved = basis
            if !tight.resource { solved.state[Int(basis.primary[tight.index])] = .atCapacity }
            // The forward solve of this one-limit basis is the one just done (λ's column is −o).
            var u0 = forward
            for i in 0..<n { u0[2 * i + 1] = -u0[2 * i + 1] }
            guard let z = solveBasis(solved, sys: sys, resourceRows: tight.resource ? [tight.index] : [],
                                     capacityRows: tight.resource ? [] : [tight.index], extras: [], entering: nil,
                                     forward: u0) else { return finish() }
            // Every column's Kᵀy: the residuals' and, below, the switches' (one parallel pass over
            // Kᵀ's rows instead of the residuals' own scatter over K's).
            let profit = columns.multiply(z.y)
            let res = residuals(z.x, z.y, kty: profit)
            let meets = res.satisfies(tolerance)
            func vertex() -> Vertex {
                Vertex(basis: solved, resourceRows: tight.resource ? [tight.index] : [], capacityRows: tight.resource ? [] : [tight.index],
                       extras: [], system: sys, forward: z.forward, dual: z.dual, polish: self)
            }
            if meets, let accept, accept(z.x, z.y) { return Outcome(x: z.x, y: z.y, rounds: round, certified: true, vertex: vertex()) }
            best = Outcome(x: z.x, y: z.y, rounds: round, certified: false)
            bestBasis = (basis, tight)
            if !seen.insert([tight.resource ? 1 : 0, Double(tight.index), z.x[m]]).inserted { return finish() }
            // Every product's most profitable technique at these prices.
            func profitableSwitches() -> [(product: Int, technique: Int, rate: Double)] {
                var switches: [(product: Int, technique: Int, rate: Double)] = []
                for i in 0..<n where groupStart[i + 1] - groupStart[i] > 1 || (basis.primary[i] < 0 && groupStart[i + 1] > groupStart[i]) {
                    let current = Int(basis.primary[i])
                    let price = max(z.y[i], 0)
                    var bestJ = current, bestRate = 0.0
                    for q in groupStart[i]..<groupStart[i + 1] {
                        let j = Int(group[q])
                        let rate = profit[j] / carriedOutput[j]
                        if j != current && basis.state[j] != .atCapacity && !blocked.contains(j) && !deferred.contains(j)
                            && rate > 1e-9 * max(price, 1e-300) && rate > bestRate {
                            bestJ = j; bestRate = rate
                        }
                    }
                    if bestJ != current { switches.append((i, bestJ, bestRate / max(price, 1e-300))) }
                }
                return switches.sorted { $0.rate > $1.rate }
            }
            var switches = profitableSwitches()
            if switches.isEmpty && !meets && !deferred.isEmpty {
                deferred.removeAll()
                switches = profitableSwitches()
            }
            // Techniques fixed at capacity that no longer pay are released.
            var released: [Int] = []
            for j in 0..<m where basis.state[j] == .atCapacity && profit[j] < 0 && basis.primary[Int(carried[j])] != Int32(j) {
                released.append(j)
            }
            if switches.isEmpty && released.isEmpty {
                // Nothing pays: optimal if the residuals agree — and the caller's certificate,
                // when there is one (it has just turned this point down otherwise).
                return meets && accept == nil ? Outcome(x: z.x, y: z.y, rounds: round, certified: true, vertex: vertex()) : finish()
            }
            if let a = accepted, z.x[m] < a.lambda * (1 + 1e-9) {
                staleRounds += 1
                if staleRounds >= 2 {
                    note?("policy iteration round \(round): λ \(z.x[m]) gained less than 1e-9 twice in a row: pivots take over")
                    return finish()
                }
            } else {
                staleRounds = 0
            }
            note?("policy iteration round \(round): λ \(z.x[m]) with \(tight.resource ? "resource " + e.resources[needs.limitedResources[tight.index]].id : "capacity of " + e.techniques.ids[Int(basis.primary[tight.index])]) binding first, \(switches.count) switches, \(released.count) released")
            // A carrying technique at its binding capacity stays there, fixed, when it is switched.
            fixedCapacity = tight.resource ? nil : Int(basis.primary[tight.index])
            let a = (basis: basis, lambda: z.x[m], switches: switches.map { (product: $0.product, technique: $0.technique) }, released: released)
            accepted = a
            acceptedSystem = (sys, z.u)
            acceptedGain = [:]
            for sw in switches { acceptedGain[sw.technique] = sw.rate * max(z.y[sw.product], 0) * max(z.u[sw.product], 0) }
            take = switches.count
            basis = apply(a, take, fixed: fixedCapacity)
            predictNext = knapsack && (take > 1 || !released.isEmpty)
        }
        return finish()
    }

    /// The limits that applying `switches` to `basis` (its system `sys`, gross outputs `gross`
    /// and activities `x` at the accepted λ; `next` is the basis with them applied) would break
    /// at that λ, to first order, most broken first, each with how far it is passed (relative to
    /// the limit): the gross outputs move by
    /// Δu = −M⁻¹·Σ_i u_i·ΔM_i (ΔM_i: the change of product i's column of I − A per unit of its
    /// output; one forward solve), and a resource's use by the switched columns' own change plus
    /// r·Δu; a `released` technique's output and inputs at its capacity go (the carriers make up
    /// for them). A switched carrier that is `fixed` at its capacity keeps making that much: only what
    /// its product needs beyond it moves (nothing, at the λ where that capacity binds). A limit
    /// counts as broken when it is passed by more than `margin` of itself (the solve's own error
    /// stays far below). Nil when the solve fails.
    func predictedBreaks(_ basis: Basis, next: Basis, system sys: LeontiefSystem, gross: [Double], activities x: [Double],
                         switches: [(product: Int, technique: Int)], released: [Int] = [], fixed: Int?,
                         margin: Double = 1e-6) -> [(limit: Limit, over: Double)]? {
        let e = needs.economy
        let n = e.productCount
        let limited = needs.limitedResources
        let cap = e.techniques.capacity
        var d = [Double](repeating: 0, count: n)
        var direct = [Double](repeating: 0, count: limited.count)
        for (i, b) in switches {
            let a = Int(basis.primary[i])
            guard a >= 0 else { continue }
            let ui = a == fixed && cap[a].isFinite ? max(gross[i] - cap[a] * basis.primaryOut[i], 0) : max(gross[i], 0)
            guard ui > 0 else { continue }
            for (j, sign) in [(b, 1.0), (a, -1.0)] {
                let f = sign * ui / carriedOutput[j]
                for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                    let r = Int(columns.colIndex[p])
                    if r < n { d[r] += f * columns.values[p] } else { direct[r - n] -= f * columns.values[p] }
                }
            }
        }
        // A released technique no longer makes (or takes) what it did at its capacity: the
        // carriers make up for it.
        for j in released where cap[j].isFinite {
            for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                let r = Int(columns.colIndex[p])
                if r < n { d[r] -= cap[j] * columns.values[p] } else { direct[r - n] += cap[j] * columns.values[p] }
            }
        }
        let sol = sys.solve(d, tolerance: 1e-9)
        guard sol.converged else { return nil }
        var out: [(limit: Limit, over: Double)] = []
        let use = limitedUse(x)
        for (l, rk) in limited.enumerated() {
            var change = direct[l]
            for p in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] { change -= sys.r.values[p] * sol.x[Int(sys.r.colIndex[p])] }
            let limit = e.resources[rk].limit!
            let over = (use[l] + change - limit) / max(abs(limit), 1e-300)
            if over > margin { out.append(((true, l), over)) }
        }
        for i in 0..<n where next.primary[i] >= 0 {
            let c = Int(next.primary[i])
            guard cap[c].isFinite else { continue }
            let room = cap[c] * next.primaryOut[i]
            let over = (gross[i] - sol.x[i] - room) / max(room, 1e-300)
            if over > margin { out.append(((false, i), over)) }
        }
        return out.sorted { $0.over > $1.over }
    }

    /// A limit as the progress lines name it: the resource, or the capacity of the technique
    /// carrying the product in `basis`.
    func limitName(_ limit: Limit, _ basis: Basis) -> String {
        let e = needs.economy
        if limit.resource { return "resource " + e.resources[needs.limitedResources[limit.index]].id }
        let j = Int(basis.primary[limit.index])
        return j >= 0 ? "capacity of " + e.techniques.ids[j] : "product " + e.products[limit.index].id
    }

    /// The first three of `limits` by name, then "…" if there are more.
    func limitNames(_ limits: [Limit], _ basis: Basis) -> String {
        limits.prefix(3).map { limitName($0, basis) }.joined(separator: ", ") + (limits.count > 3 ? ", …" : "")
    }

    /// Free disposal: a product whose gross output (`gross(i)`: the output and the size it is
    /// measured against) is negative loses its carrier — its by-products cover more than the plan
    /// takes; one without a carrier whose gross output is positive — the plan takes more than
    /// by-products give — gets the first technique of its group back. Products in `fixed` (rows
    /// of the basis) stay as they are. True when the basis changed.
    func repairDisposal(_ basis: inout Basis, gross: (Int) -> (u: Double, size: Double), fixed: Set<Int> = []) -> Bool {
        var changed = false
        for i in 0..<basis.primary.count where !fixed.contains(i) {
            let (u, size) = gross(i)
            if basis.primary[i] >= 0, u < -1e-9 * size {
                basis.state[Int(basis.primary[i])] = .zero
                basis.primary[i] = -1
                basis.primaryOut[i] = 0
                changed = true
            } else if basis.primary[i] < 0, groupStart[i + 1] > groupStart[i], u > 1e-9 * size, basis.state[Int(group[groupStart[i]])] != .basic {
                let j = Int(group[groupStart[i]])
                basis.primary[i] = Int32(j)
                basis.primaryOut[i] = carriedOutput[j]
                basis.state[j] = .basic
                changed = true
            }
        }
        return changed
    }

    /// The loads of `switches` (product i to technique b) on each of `limits` and then of
    /// `direct`, one dictionary per limit, by technique b: to first order a switch adds
    /// δ = u_i·(Δr_T − v·ΔM_i) to a limit's use, where ΔM_i is the change of product i's column
    /// of I − A per unit of its output and v = e_T·M⁻¹ for `limits` comes from one transposed
    /// block solve of width `limits.count` on `basis`' system. For each capacity in `direct`
    /// only the direct part of the load is taken (v = e_T, the first term of M⁻¹'s series: how
    /// much more of that product the switched technique takes as input per unit of output),
    /// which needs no solve. Nil when the solve fails.
    func loadingSwitches(_ basis: Basis, system sys: LeontiefSystem, gross: [Double], limits: [Limit], direct: [Limit] = [],
                         switches: [(product: Int, technique: Int)]) -> [[Int: Double]]? {
        let n = needs.economy.productCount
        let w = limits.count
        var rows = [Double](repeating: 0, count: n * w)
        var lpRow = [Int](repeating: -1, count: w)
        for (l, limit) in limits.enumerated() {
            if limit.resource {
                let rk = needs.limitedResources[limit.index]
                for p in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] { rows[Int(sys.r.colIndex[p]) * w + l] = sys.r.values[p] }
                lpRow[l] = n + limit.index
            } else {
                rows[limit.index * w + l] = 1
            }
        }
        // First-order loads that only rank switches: six digits are plenty (to 1e-10 this
        // solve took most of an undone round at 10 × 10^5 products, about 3 s).
        let v = sys.solveTransposed(rows, width: w, tolerance: 1e-6)
        guard v.converged else { return nil }
        // Column of I − A (and −r on the resource row) per unit of output: K's column / output.
        func effect(_ j: Int, _ l: Int) -> Double {
            var s = 0.0
            for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                let r = Int(columns.colIndex[p]), k = columns.values[p] / carriedOutput[j]
                if r < n { s -= v.x[r * w + l] * k } else if r == lpRow[l] { s -= k }
            }
            return s
        }
        var out = [[Int: Double]](repeating: [:], count: w + direct.count)
        for (l, limit) in limits.enumerated() {
            for (i, b) in switches {
                let a = Int(basis.primary[i])
                guard a >= 0 else { continue }
                if !limit.resource && i == limit.index { out[l][b] = .infinity; continue }
                out[l][b] = max(gross[i], 0) * (effect(b, l) - effect(a, l))
            }
        }
        // Direct loads: −K[T, j] per unit of j's carried output, for the capacities' products T.
        var position = [Int: Int]()
        for (l, limit) in direct.enumerated() where !limit.resource { position[limit.index] = w + l }
        guard !position.isEmpty else { return out }
        for (i, b) in switches {
            let a = Int(basis.primary[i])
            guard a >= 0 else { continue }
            if let l = position[i] { out[l][b] = .infinity }
            for (j, sign) in [(b, 1.0), (a, -1.0)] {
                for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                    let r = Int(columns.colIndex[p])
                    guard r < n, r != i, let l = position[r] else { continue }
                    out[l][b, default: 0] -= sign * max(gross[i], 0) * columns.values[p] / carriedOutput[j]
                }
            }
        }
        return out
    }

    /// Scales the Leontief plan of `basis` (guaranteed needs plus λ times the others) up to the
    /// first limit: a limited resource (`resource`, its index among the limited ones) or the
    /// capacity of a carrying technique (`index` = its product).
    /// Returns the limit, the scale λ at which it binds and the two Leontief solutions
    /// (guaranteed needs, other needs; interleaved).
    ///
    /// With `brokenAt`, also every limit the plan at that scale breaks. The scale may be zero or
    /// negative: the guaranteed needs alone already break that limit (a trial's switches can
    /// put a needed product on a carrier without capacity), which the caller undoes.
    func tightestLimitAndScale(_ basis: Basis, sys: LeontiefSystem, brokenAt: Double? = nil, initial: [Double]? = nil)
        -> (limit: Limit, lambda: Double, solution: [Double], broken: [Limit])? {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let limited = needs.limitedResources
        let cap = e.techniques.capacity
        var isPrimary = [Bool](repeating: false, count: m)
        for i in 0..<n where basis.primary[i] >= 0 { isPrimary[Int(basis.primary[i])] = true }
        var h = needs.guaranteed
        var fixedUse = [Double](repeating: 0, count: limited.count)
        for j in 0..<m where basis.state[j] == .atCapacity && !isPrimary[j] {
            for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                let r = Int(columns.colIndex[p]), v = columns.values[p] * cap[j]
                if r < n { h[r] -= v } else { fixedUse[r - n] -= v }
            }
        }
        var rhs = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n { rhs[2 * i] = h[i]; rhs[2 * i + 1] = needs.other[i] }
        let sol = sys.solve(rhs, width: 2, initial: initial.flatMap { $0.count == 2 * n ? $0 : nil }, tolerance: 1e-12)
        guard sol.converged else { return nil }
        var lambda = needs.lambdaUpper
        var tight: Limit? = nil
        var broken: [Limit] = []
        for (l, rk) in limited.enumerated() {
            var base = fixedUse[l], slope = 0.0
            for p in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] {
                let i = Int(sys.r.colIndex[p])
                base += sys.r.values[p] * sol.x[2 * i]
                slope += sys.r.values[p] * sol.x[2 * i + 1]
            }
            let limit = e.resources[rk].limit!
            if slope > 0, (limit - base) / slope < lambda { lambda = (limit - base) / slope; tight = (true, l) }
            if let at = brokenAt, base + slope * at > limit * (1 + 1e-12) { broken.append((true, l)) }
        }
        for i in 0..<n where basis.primary[i] >= 0 && cap[Int(basis.primary[i])].isFinite && sol.x[2 * i + 1] > 0 {
            let room = cap[Int(basis.primary[i])] * basis.primaryOut[i]
            let v = (room - sol.x[2 * i]) / sol.x[2 * i + 1]
            if v < lambda { lambda = v; tight = (false, i) }
            if let at = brokenAt, sol.x[2 * i] + at * sol.x[2 * i + 1] > room * (1 + 1e-12) { broken.append((false, i)) }
        }
        guard let t = tight else { return nil }
        return (t, lambda, sol.x, broken)
    }

    // MARK: - Simplex pivots

    /// Primal simplex on the Schur-complement representation: price every technique with the
    /// basis' duals, let the most profitable one (per unit of its product's value) enter, move
    /// along its direction until a basic variable or a limit blocks (ratio test), and exchange:
    /// a carrying technique that runs out is replaced (by the entering one or an extra of its
    /// product), one that reaches its capacity adds a capacity row, a resource that reaches its
    /// limit adds a resource row, an extra that reaches a bound leaves. One two-column Leontief
    /// solve prices and moves, one more solves the new basis.
    func pivots(_ start: Basis, resourceRows startRows: [Int], capacityRows startCaps: [Int], extras startExtras: [Int],
                maxPivots: Int, seconds: Double = .infinity, tolerance: Double, accept: (([Double], [Double]) -> Bool)? = nil,
                kept: Vertex? = nil, note: (@Sendable (String) -> Void)? = nil,
                firstSolve: ((LeontiefSystem, [Double]) -> Void)? = nil) -> Outcome? {
        precondition(!lambdaStale, "a polish from renewedForCheck checks a kept basis and runs policy iteration; pivot on `renewed`")
        let started = DispatchTime.now().uptimeNanoseconds
        var last: BasisPoint? = nil
        var lastSystem: LeontiefSystem? = nil
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let cap = e.techniques.capacity
        var basis = start
        var resourceRows = startRows, capacityRows = startCaps, extras = startExtras
        var best: Outcome? = nil
        func stop(_ step: Int, _ why: String) -> Outcome? {
            note?("pivots stop after \(step - 1) (λ \(best.map { "\($0.x[m])" } ?? "–")): \(why)")
            return best
        }
        var disposals = 0, chained = 0
        var lambdaFloor: Double? = nil
        // The next basis' solutions as predicted from this one's (nil: start from the last ones).
        var predicted: [Double]? = nil
        // The caller's certificate can turn down vertex after vertex that meets the tolerance on
        // the LP (a plan over time charges tiny reduced profits through loose a-priori bounds),
        // at a fifth of a pivot's time each: after a refusal the next few such vertices are not
        // offered (1, 2, then 4 of them), except one where no technique pays or the pivot limit
        // is reached. (A vertex passed over when the time runs out goes back to the caller as
        // the best point, and a plan over time checks it there.)
        var acceptSkip = 0, acceptWait = 0
        for step in 1...max(maxPivots, 1) {
            // A time budget as well as a count: a pivot costs two Leontief solves, which at 10^5
            // products and more is a large fraction of a second.
            if step > 1 && Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 > seconds { return stop(step, "out of time") }
            let capRows = Set(capacityRows)
            for i in 0..<n where basis.primary[i] >= 0 { basis.state[Int(basis.primary[i])] = capRows.contains(i) ? .atCapacity : .basic }
            for j in extras { basis.state[j] = .basic }
            // The first step of a kept vertex reuses its system and starts its solves from it;
            // later steps start from the last basis' solutions (one column of M changed).
            let first = step == 1 ? kept : nil
            // M depends on the carriers only: an exchange that adds or drops a binding row or an
            // extra keeps it, and the system (two transposes of every input at 10^7 products) is
            // not built again.
            let sys: LeontiefSystem
            if let s = first?.system { sys = s }
            else if let s = lastSystem, s.primaryTechnique == basis.primary, s.primaryOutput == basis.primaryOut { sys = s }
            else {
                let near = lastSystem ?? kept?.system
                sys = LeontiefSystem(e, primary: basis.primary, output: basis.primaryOut, near: near)
                if let p = near { sys.seedPerron(from: p) }
            }
            lastSystem = sys
            // An infeasible basis ends the pivots (its duals are not solved) unless a disposal
            // move is being repaired.
            guard let pt = solveBasis(basis, sys: sys, resourceRows: resourceRows, capacityRows: capacityRows, extras: extras, entering: nil,
                                      initialForward: first?.forward ?? predicted ?? last?.forward, initialDual: first?.dual ?? last?.dual,
                                      dualIfInfeasible: lambdaFloor != nil)
            else { return stop(step, "a basis solve failed") }
            predicted = nil
            last = pt
            // The start basis' system and forward solutions, for a caller that goes on from them
            // when the pivots stop here (a warm re-plan whose kept basis no longer fits).
            if step == 1 { firstSolve?(sys, pt.forward) }
            // Pivots keep the basis primal feasible; a kept basis re-solved for new needs may not
            // be (another limit now blocks), and then it is no start for them. A disposal move
            // must keep λ too.
            if pt.infeasibility > 1e-9 {
                // After a disposal move, the carrier fixed at capacity can leave more of its
                // by-products than the plan takes: their carriers run backwards and are
                // disposed of in turn (a chain along the periods: service, then capital); a
                // carrier moved to another output can leave a disposed product short.
                guard lambdaFloor != nil, chained < 8,
                      repairDisposal(&basis, gross: { (pt.u[$0], max(1, abs(pt.forward[$0 * (1 + extras.count)]))) }, fixed: capRows)
                else { return stop(step, "the basis is not primal feasible") }
                chained += 1
                continue
            }
            chained = 0
            if let floor = lambdaFloor, pt.x[m] < floor * (1 - 1e-9) { return stop(step, "a disposal lowered λ") }
            lambdaFloor = nil
            let res = LPResiduals(lp, x: pt.x, y: pt.y)
            let meets = res.satisfies(tolerance)
            let vertex = Vertex(basis: basis, resourceRows: resourceRows, capacityRows: capacityRows, extras: extras,
                                system: sys, forward: pt.forward, dual: pt.dual, polish: self)
            var offered = false
            func offer() -> Bool {
                offered = true
                guard let accept else { return false }
                if accept(pt.x, pt.y) { return true }
                acceptSkip = min(max(1, 2 * acceptSkip), 4)
                acceptWait = acceptSkip
                return false
            }
            if meets, accept != nil {
                if acceptWait > 0 { acceptWait -= 1 } else if offer() {
                    return Outcome(x: pt.x, y: pt.y, rounds: step, certified: true, pivots: step - 1, vertex: vertex)
                }
            }
            if res.relativePrimalResidual > tolerance { return stop(step, "primal residual \(res.relativePrimalResidual)") }
            best = Outcome(x: pt.x, y: pt.y, rounds: step, certified: meets, pivots: step - 1, vertex: meets ? vertex : nil)
            if meets && step == maxPivots {
                if !offered, offer() { return Outcome(x: pt.x, y: pt.y, rounds: step, certified: true, pivots: step - 1, vertex: vertex) }
                return stop(step, "pivot limit")
            }

            // A binding row whose dual has the wrong sign is released first: a carrier at its
            // capacity that earns less than its costs runs below it (or a resource is used below
            // its limit) while λ grows, until the ratio test finds what binds instead. Pricing
            // only techniques would never move it: the carrier is not a candidate.
            if releaseRow(pt, sys: sys, &basis, &resourceRows, &capacityRows, &extras) {
                predicted = nil
                continue
            }

            // Pricing.
            var isPrimary = [Bool](repeating: false, count: m)
            for i in 0..<n where basis.primary[i] >= 0 { isPrimary[Int(basis.primary[i])] = true }
            let profit = columns.multiply(pt.y)
            var candidates: [(technique: Int, rate: Double, sign: Double)] = []
            for j in 0..<m where carried[j] >= 0 && !isPrimary[j] && basis.state[j] != .basic {
                let rate = profit[j] / carriedOutput[j]
                let ref = 1e-9 * max(pt.y[Int(carried[j])], 1e-300)
                if basis.state[j] == .zero && rate > ref { candidates.append((j, rate, 1)) }
                if basis.state[j] == .atCapacity && -rate > ref { candidates.append((j, -rate, -1)) }
            }
            // Nothing profitable: optimal if the residuals agree (the limits' duals have the
            // right signs), else this basis is as far as pivots on techniques go.
            if candidates.isEmpty {
                if meets, !offered, offer() { return Outcome(x: pt.x, y: pt.y, rounds: step, certified: true, pivots: step - 1, vertex: vertex) }
                // No technique pays, yet the basis is not optimal: a product priced below zero
                // (joint production: its carrier runs for what else it makes, like a holding of
                // capital for next period's capital) is worth less than nothing made — it should
                // be disposed of. Its carrier goes to its capacity, or carries its largest other
                // output instead; the next step checks that the new basis is feasible and keeps λ.
                guard disposals < 2 * n, let moved = disposalMove(basis, dual: pt.dual, y: pt.y, capacityRows: capRows, extras: extras)
                else { return stop(step, "no technique pays, yet the point is not optimal (gap \(res.relativeGap), dual residual \(res.relativeDualResidual))") }
                disposals += 1
                basis = moved
                lambdaFloor = pt.x[m]
                continue
            }
            candidates.sort { $0.rate > $1.rate }
            // The most profitable entering technique whose exchange this representation can
            // make (one whose direction does not solve, is unbounded, or would drive λ down is
            // passed over for the next candidate).
            // The limits not yet binding and their use at this vertex, the same for every candidate.
            let binding = Set(resourceRows)
            let use = limitedUse(pt.x)
            var pivoted = false
            candidate: for (enter, _, sign) in candidates.prefix(8) {
                // The basis' own columns M⁻¹[h, E] were just solved: only the entering column is new.
                guard let d = solveBasis(basis, sys: sys, resourceRows: resourceRows, capacityRows: capacityRows, extras: extras, entering: enter,
                                         forward: pt.forward, initialDual: pt.dual)
                else { continue candidate }

                // Ratio test.
                if sign * d.dz[0] < 0 { continue candidate }
                let (tMax, found) = ratioTest(pt, basis: basis, sys: sys, held: capRows, extras: extras, binding: binding, use: use,
                                              du: sign > 0 ? d.du : d.du.map { -$0 }, dz: sign > 0 ? d.dz : d.dz.map { -$0 },
                                              entering: (enter, sign), start: cap[enter].isFinite ? cap[enter] : .infinity)
                let leave = found ?? .bound
                guard tMax.isFinite else { continue candidate }

                // Exchange.
                let before = (basis: basis, extras: extras)
                switch leave {
                case .bound:
                    basis.state[enter] = sign > 0 ? .atCapacity : .zero
                case .primaryZero(let i):
                    let old = Int(basis.primary[i])
                    if Int(carried[enter]) == i {
                        basis.primary[i] = Int32(enter); basis.primaryOut[i] = carriedOutput[enter]
                    } else if let k = extras.firstIndex(where: { Int(carried[$0]) == i }) {
                        basis.primary[i] = Int32(extras[k]); basis.primaryOut[i] = carriedOutput[extras[k]]
                        extras[k] = enter
                    } else {
                        // Nothing else makes it: its row stays tight with neither a carrier nor
                        // a surplus (a degenerate step; plans over time have many such products).
                        // Its surplus takes the slot, a disposal row holds it at zero and the
                        // entering technique is an extra.
                        basis.primary[i] = -1; basis.primaryOut[i] = 0
                        capacityRows.append(i); extras.append(enter)
                    }
                    basis.state[old] = .zero
                case .primaryCap(let i):
                    capacityRows.append(i); extras.append(enter)
                case .extraZero(let k):
                    basis.state[extras[k]] = .zero; extras[k] = enter
                case .extraCap(let k):
                    basis.state[extras[k]] = .atCapacity; extras[k] = enter
                case .resource(let l):
                    resourceRows.append(l); extras.append(enter)
                case .disposalEnds(let i):
                    // The surplus of a disposed product runs out: it needs a carrier again, the
                    // entering technique or an extra that makes it.
                    if let out = output(enter, of: i) {
                        basis.primary[i] = Int32(enter); basis.primaryOut[i] = out
                    } else if let k = extras.firstIndex(where: { output($0, of: i) != nil }) {
                        basis.primary[i] = Int32(extras[k]); basis.primaryOut[i] = output(extras[k], of: i)!
                        extras[k] = enter
                    } else {
                        capacityRows.append(i); extras.append(enter)
                    }
                }
                basis.state[enter] = extras.contains(enter) || basis.primary[Int(carried[enter])] == Int32(enter) ? .basic : basis.state[enter]
                predicted = predictedForward(pt.forward, before: before.basis, extras: before.extras, enter: enter, column: d.entering,
                                             after: basis, extras: extras)
                pivoted = true
                break candidate
            }
            guard pivoted else { return stop(step, "no exchange fits the basis for the \(min(candidates.count, 8)) best entering techniques") }
            if 1 + extras.count > maxExtra { return stop(step, "more than \(maxExtra) binding limits") }
        }
        return best
    }

    /// What leaves a basis when a pivot moves along a direction: the technique's own bound, a
    /// carrier reaching zero or its capacity, a disposed product's surplus running out, an extra
    /// reaching zero or its capacity, or a limit starting to bind.
    enum Leave { case bound, primaryZero(Int), primaryCap(Int), extraZero(Int), extraCap(Int), resource(Int), disposalEnds(Int) }

    /// The ratio test along a direction (per unit step): `du` the carriers' gross outputs, `dz`
    /// λ and the extras; `held` the products whose row holds them (capacity and disposal rows);
    /// `entering` a technique moving by `sign` per unit, whose own resource use counts, and
    /// `start` its own bound (∞ for none). The step to the first bound met and what meets it
    /// (nil when only `start` limits the step).
    func ratioTest(_ pt: BasisPoint, basis: Basis, sys: LeontiefSystem, held: Set<Int>, extras: [Int], binding: Set<Int>, use: [Double],
                   du: [Double], dz: [Double], entering: (technique: Int, sign: Double)?, start: Double) -> (Double, Leave?) {
        let e = needs.economy
        let n = e.productCount
        let cap = e.techniques.capacity
        var tMax = start
        var leave: Leave? = nil
        for i in 0..<n where basis.primary[i] >= 0 && !held.contains(i) {
            let du = du[i], u = pt.u[i]
            let eps = 1e-12 * max(abs(u), 1)
            if du < -eps, max(u, 0) / -du < tMax { tMax = max(u, 0) / -du; leave = .primaryZero(i) }
            let c = cap[Int(basis.primary[i])] * basis.primaryOut[i]
            if c.isFinite, du > eps, max(c - u, 0) / du < tMax { tMax = max(c - u, 0) / du; leave = .primaryCap(i) }
        }
        // A disposed product's surplus (−u) must stay ≥ 0.
        for i in 0..<n where basis.primary[i] < 0 && groupStart[i + 1] > groupStart[i] && !held.contains(i) {
            let du = du[i], u = pt.u[i]
            if du > 1e-12 * max(abs(u), 1), max(-u, 0) / du < tMax { tMax = max(-u, 0) / du; leave = .disposalEnds(i) }
        }
        for (k, j) in extras.enumerated() {
            let dz = dz[k + 1], z = pt.z[k + 1]
            let eps = 1e-12 * max(abs(z), 1)
            if dz < -eps, max(z, 0) / -dz < tMax { tMax = max(z, 0) / -dz; leave = .extraZero(k) }
            if cap[j].isFinite, dz > eps, max(cap[j] - z, 0) / dz < tMax { tMax = max(cap[j] - z, 0) / dz; leave = .extraCap(k) }
        }
        for (l, rk) in needs.limitedResources.enumerated() where !binding.contains(l) {
            // The use's change per unit: carrying techniques in gross units, extras and the
            // entering technique by their own coefficients (Kᵀ holds −r).
            var d = 0.0
            for p in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] { d += sys.r.values[p] * du[Int(sys.r.colIndex[p])] }
            for (k, j) in extras.enumerated() {
                for p in columns.rowStart[j]..<columns.rowStart[j + 1] where Int(columns.colIndex[p]) == n + l { d -= columns.values[p] * dz[k + 1] }
            }
            if let (enter, sign) = entering {
                for p in columns.rowStart[enter]..<columns.rowStart[enter + 1] where Int(columns.colIndex[p]) == n + l { d -= columns.values[p] * sign }
            }
            let limit = e.resources[rk].limit!
            if d > 1e-12 * max(limit, 1), max(limit - use[l], 0) / d < tMax { tMax = max(limit - use[l], 0) / d; leave = .resource(l) }
        }
        return (tMax, leave)
    }

    /// Releases the binding row whose release raises λ most per unit (see `BasisPoint.release`):
    /// a ratio test along the row's direction, then the exchange that keeps the basis square
    /// (what reaches its bound takes the row's place). False when no such row can be released.
    func releaseRow(_ pt: BasisPoint, sys: LeontiefSystem, _ basis: inout Basis, _ resourceRows: inout [Int], _ capacityRows: inout [Int],
                    _ extras: inout [Int]) -> Bool {
        let n = needs.economy.productCount
        let q = 1 + extras.count, w = q + 1
        guard pt.forward.count == n * w else { return false }
        let use = limitedUse(pt.x)
        for r in pt.release.sorted(by: { $0.gain > $1.gain }).prefix(4) {
            // λ must grow along the direction (by more than rounding).
            guard r.dz[0] > 1e-12 * max(1, abs(pt.z[0])) else { continue }
            let k = r.row
            var rowsAfter = Set(capacityRows)
            if k >= resourceRows.count { rowsAfter.remove(capacityRows[k - resourceRows.count]) }
            var du = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var d = 0.0
                for c in 0..<q { d -= pt.forward[i * w + 1 + c] * r.dz[c] }
                du[i] = d
            }
            let (tMax, found) = ratioTest(pt, basis: basis, sys: sys, held: rowsAfter, extras: extras, binding: Set(resourceRows), use: use,
                                          du: du, dz: r.dz, entering: nil, start: .infinity)
            // No start bound here, so nil means nothing limits the step (`ratioTest` never
            // returns .bound itself).
            guard tMax.isFinite, let leave = found else { continue }
            if k < resourceRows.count { resourceRows.remove(at: k) } else { capacityRows.remove(at: k - resourceRows.count) }
            switch leave {
            case .bound:
                break
            case .primaryZero(let i):
                let old = Int(basis.primary[i])
                if let x = extras.firstIndex(where: { Int(carried[$0]) == i }) {
                    basis.primary[i] = Int32(extras[x]); basis.primaryOut[i] = carriedOutput[extras[x]]
                    extras.remove(at: x)
                } else {
                    basis.primary[i] = -1; basis.primaryOut[i] = 0
                    capacityRows.append(i)
                }
                basis.state[old] = .zero
            case .primaryCap(let i):
                capacityRows.append(i)
            case .extraZero(let x):
                basis.state[extras[x]] = .zero; extras.remove(at: x)
            case .extraCap(let x):
                basis.state[extras[x]] = .atCapacity; extras.remove(at: x)
            case .resource(let l):
                resourceRows.append(l)
            case .disposalEnds(let i):
                if let x = extras.firstIndex(where: { output($0, of: i) != nil }) {
                    basis.primary[i] = Int32(extras[x]); basis.primaryOut[i] = output(extras[x], of: i)!
                    extras.remove(at: x)
                } else {
                    capacityRows.append(i)
                }
            }
            return true
        }
        return false
    }

    /// The solutions M'⁻¹[h', λ, E'] of the basis a pivot made, predicted from those of the basis
    /// before it (`old`, interleaved, width 2 + old extras) and the entering column's M⁻¹K:
    /// a pivot changes at most one column of M (the product whose carrier changed), so
    /// Sherman–Morrison gives M'⁻¹v = M⁻¹v − (g − eᵢ)(M⁻¹v)ᵢ/gᵢ with g = M⁻¹ of M's new column;
    /// h' differs from h by the columns of the techniques that reached or left their capacity;
    /// every column needed is the entering one, an old extra or an old one of [h, λ]. Exact up to
    /// rounding: the next basis solve starts from it and only checks it (one or two iterations
    /// instead of a solve from scratch, which at plans over time was most of a pivot's time).
    /// Nil when a column would need a solve of its own (a product left to disposal: M⁻¹eᵢ is not
    /// at hand).
    func predictedForward(_ old: [Double], before: Basis, extras oldExtras: [Int], enter: Int, column enterColumn: [Double],
                          after: Basis, extras newExtras: [Int]) -> [Double]? {
        let n = needs.economy.productCount, m = needs.economy.techniqueCount
        let cap = needs.economy.techniques.capacity
        let wo = 2 + oldExtras.count, w = 2 + newExtras.count
        guard old.count == n * wo, enterColumn.count == n else { return nil }
        // M⁻¹K_j under the old basis, for the techniques whose solve is at hand.
        func oldSolve(_ j: Int) -> [Double]? {
            if j == enter { return enterColumn }
            guard let k = oldExtras.firstIndex(of: j) else { return nil }
            var v = [Double](repeating: 0, count: n)
            for i in 0..<n { v[i] = old[i * wo + 2 + k] }
            return v
        }
        // The column of M that changed, and g = M⁻¹ of its new value.
        var changed: (i: Int, g: [Double])? = nil
        for i in 0..<n where before.primary[i] != after.primary[i] || before.primaryOut[i] != after.primaryOut[i] {
            guard changed == nil, after.primary[i] >= 0, var g = oldSolve(Int(after.primary[i])) else { return nil }
            let scale = 1 / after.primaryOut[i]
            for k in 0..<n { g[k] *= scale }
            var big = 0.0
            for v in g { big = max(big, abs(v)) }
            guard abs(g[i]) > 1e-9 * big else { return nil }
            changed = (i, g)
        }
        func update(_ v: inout [Double]) {
            guard let (i, g) = changed else { return }
            let t = v[i] / g[i]
            for k in 0..<n { v[k] -= g[k] * t }
            v[i] = t
        }
        // Techniques fixed at capacity (not carrying, not extras) enter h = g − Σ K_j·cap_j.
        func fixedAtCapacity(_ b: Basis, _ ex: [Int]) -> Set<Int> {
            var isPrimary = [Bool](repeating: false, count: m)
            for i in 0..<n where b.primary[i] >= 0 { isPrimary[Int(b.primary[i])] = true }
            for j in ex { isPrimary[j] = true }
            return Set((0..<m).filter { b.state[$0] == .atCapacity && !isPrimary[$0] })
        }
        let was = fixedAtCapacity(before, oldExtras), now = fixedAtCapacity(after, newExtras)
        var h = [Double](repeating: 0, count: n), lambda = h
        for i in 0..<n { h[i] = old[i * wo]; lambda[i] = old[i * wo + 1] }
        for (j, sign) in now.subtracting(was).map({ ($0, -1.0) }) + was.subtracting(now).map({ ($0, 1.0) }) {
            guard let v = oldSolve(j) else { return nil }
            for i in 0..<n { h[i] += sign * cap[j] * v[i] }
        }
        update(&h)
        update(&lambda)
        var out = [Double](repeating: 0, count: n * w)
        for i in 0..<n { out[i * w] = h[i]; out[i * w + 1] = lambda[i] }
        for (k, j) in newExtras.enumerated() {
            guard var v = oldSolve(j) else { return nil }
            update(&v)
            for i in 0..<n { out[i * w + 2 + k] = v[i] }
        }
        return out
    }

    /// Technique j's output of product i per unit of activity, or nil when it makes none.
    func output(_ j: Int, of i: Int) -> Double? {
        let t = needs.economy.techniques
        for p in t.outputs.range(j) where Int(t.outputs.index[p]) == i && t.outputs.amount[p] > 0 { return t.outputs.amount[p] }
        return nil
    }

    /// The most negatively priced carried product (raw dual `dual` below −1e-9 of the largest
    /// price in `y`), disposed of: its carrier is fixed at its capacity, or — without one —
    /// carries its largest other output in place of that product's carrier. Nil when there is
    /// none or the move does not fit the basis (a capacity row or an extra involved).
    func disposalMove(_ basis: Basis, dual: [Double], y: [Double], capacityRows: Set<Int>, extras: [Int]) -> Basis? {
        let n = needs.economy.productCount
        let t = needs.economy.techniques
        var top = 0.0
        for i in 0..<n { top = max(top, y[i]) }
        var worst = -1e-9 * max(top, 1e-300), who = -1
        for i in 0..<n where basis.primary[i] >= 0 && !capacityRows.contains(i) && dual[i] < worst { worst = dual[i]; who = i }
        guard who >= 0 else { return nil }
        var b = basis
        let c = Int(b.primary[who])
        b.primary[who] = -1
        b.primaryOut[who] = 0
        if t.capacity[c].isFinite {
            b.state[c] = .atCapacity
            return b
        }
        var k = -1, amount = 0.0
        for p in t.outputs.range(c) where Int(t.outputs.index[p]) != who && t.outputs.amount[p] > amount {
            k = Int(t.outputs.index[p]); amount = t.outputs.amount[p]
        }
        guard k >= 0, !capacityRows.contains(k) else { return nil }
        let old = Int(b.primary[k])
        if old >= 0 {
            guard !extras.contains(old) else { return nil }
            b.state[old] = .zero
        }
        b.primary[k] = Int32(c)
        b.primaryOut[k] = amount
        return b
    }

    /// Use of each limited resource by LP point x (Kᵀ holds −r on the resource rows).
    func limitedUse(_ x: [Double]) -> [Double] {
        let n = needs.economy.productCount
        var use = [Double](repeating: 0, count: needs.limitedResources.count)
        // A column's entries are sorted by row, so its resource rows (after the products) come
        // last: read from the end, not through every input (the pivots call this once each, and
        // at 10^5 products reading every entry was 5 % of a 25 s solve).
        columns.rowStart.withUnsafeBufferPointer { rs in
        columns.colIndex.withUnsafeBufferPointer { ci in
        columns.values.withUnsafeBufferPointer { va in
            for j in 0..<columns.rows where x[j] != 0 {
                var p = rs[j + 1] - 1
                while p >= rs[j], Int(ci[p]) >= n {
                    use[Int(ci[p]) - n] -= va[p] * x[j]
                    p -= 1
                }
            }
        }}}
        return use
    }

    // MARK: - From an iterate

    /// An exact basic point from the guess the iterate (x, y) suggests, meeting `tolerance` on
    /// the LP, or nil.
    func polish(x: [Double], y: [Double], tolerance: Double) -> (x: [Double], y: [Double])? {
        precondition(!lambdaStale, "a polish from renewedForCheck checks a kept basis and runs policy iteration; pivot on `renewed`")
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let limited = needs.limitedResources
        guard x.count == m + 1, y.count == n + limited.count, x[m] > 0 else { return nil }
        let cap = e.techniques.capacity
        let kty = columns.multiply(y)

        // 1. Techniques: basic, at zero or at capacity.
        var state = [State](repeating: .zero, count: m)
        var basicness = [Double](repeating: 0, count: m)
        var fromZero = [Bool](repeating: true, count: m)
        for i in 0..<n {
            let range = groupStart[i]..<groupStart[i + 1]
            if range.isEmpty { continue }
            var total = 0.0
            for q in range { let j = Int(group[q]); total += max(x[j], 0) * carriedOutput[j] }
            let ref = max(total, 1e-300)
            let price = max(y[i], 0)
            for q in range {
                let j = Int(group[q])
                let o = carriedOutput[j]
                let pz = max(x[j], 0) * o / ref
                let pc = cap[j].isFinite ? max(cap[j] - x[j], 0) * o / ref : .infinity
                let d = abs(lp.objective[j] - kty[j]) / max(price * o, 1e-300)
                let distance = min(pz, pc)
                basicness[j] = distance / max(d, 1e-300)
                fromZero[j] = pz <= pc
                if distance > d { state[j] = .basic } else { state[j] = pc < pz ? .atCapacity : .zero }
            }
        }

        // 2. The carrying technique of each product; the other basic techniques are extras.
        var basis = Basis(primary: [Int32](repeating: -1, count: n), primaryOut: [Double](repeating: 0, count: n), state: state)
        var capacityRows: [Int] = []
        var extras: [Int] = []
        for i in 0..<n {
            let range = groupStart[i]..<groupStart[i + 1]
            if range.isEmpty { continue }
            var best = -1, bestX = -Double.infinity
            for q in range where state[Int(group[q])] == .basic {
                let j = Int(group[q])
                if x[j] > bestX { best = j; bestX = x[j] }
            }
            var atCap = false
            if best < 0 {
                // Degenerate: a technique at zero carries the product if there is one (those at
                // capacity stay fixed), else the one at capacity, with a capacity row.
                var bestScore = -Double.infinity
                for q in range where state[Int(group[q])] == .zero {
                    let j = Int(group[q])
                    if basicness[j] > bestScore { best = j; bestScore = basicness[j] }
                }
                if best < 0 {
                    for q in range {
                        let j = Int(group[q])
                        if x[j] > bestX { best = j; bestX = x[j] }
                    }
                    atCap = true
                }
            }
            basis.primary[i] = Int32(best)
            basis.primaryOut[i] = carriedOutput[best]
            if atCap { capacityRows.append(i) }
            for q in range where state[Int(group[q])] == .basic && Int(group[q]) != best { extras.append(Int(group[q])) }
        }

        // 3. Policy iteration from the iterate's choice (extras dropped).
        var single = basis
        for j in extras { single.state[j] = fromZero[j] ? .zero : .atCapacity }
        if let z = improve(single, rounds: 5, tolerance: tolerance), z.certified { return (z.x, z.y) }

        // 4. Multi-limit guesses: binding resources (relative slack below their share of the
        //    dual objective) and capacity rows ordered by strength, extras by basicness; the
        //    first keeps every limit that looks binding, the next ones drop the weakest.
        var limits: [(resource: Bool, index: Int, strength: Double)] = []
        do {
            let use = limitedUse(x)
            var total = 0.0
            for l in limited.indices { total += max(y[n + l], 0) * e.resources[limited[l]].limit! }
            for l in limited.indices {
                let limit = e.resources[limited[l]].limit!
                let slack = max(limit - use[l], 0) / max(limit, 1e-300)
                let share = max(y[n + l], 0) * limit / max(total, 1e-300)
                if slack < share { limits.append((true, l, share / max(slack, 1e-300))) }
            }
        }
        for i in capacityRows { limits.append((false, i, 1 / max(basicness[Int(basis.primary[i])], 1e-300))) }
        limits.sort { $0.strength > $1.strength }
        extras.sort { basicness[$0] > basicness[$1] }
        var isPrimary = [Bool](repeating: false, count: m)
        for i in 0..<n where basis.primary[i] >= 0 { isPrimary[Int(basis.primary[i])] = true }
        let sys = LeontiefSystem(e, primary: basis.primary, output: basis.primaryOut)
        var tried = Set<Int>()
        for drop in 0..<3 {
            let count = min(max(limits.count - drop, 0), extras.count + 1)
            guard count >= 1, count <= maxExtra, tried.insert(count).inserted else { continue }
            let chosen = limits.prefix(count)
            let resourceRows = chosen.filter { $0.resource }.map { $0.index }
            let capacityRows = chosen.filter { !$0.resource }.map { $0.index }
            let kept = Array(extras.prefix(count - 1))
            var b = basis
            let keptSet = Set(kept)
            for j in 0..<m where state[j] == .basic && !isPrimary[j] { b.state[j] = keptSet.contains(j) ? .basic : (fromZero[j] ? .zero : .atCapacity) }
            for i in 0..<n where basis.primary[i] >= 0 { b.state[Int(basis.primary[i])] = .basic }
            for i in capacityRows { b.state[Int(basis.primary[i])] = .atCapacity }
            guard let z = exact(b, sys: sys, resourceRows: resourceRows, capacityRows: capacityRows, extras: kept) else { continue }
            if LPResiduals(lp, x: z.x, y: z.y).satisfies(tolerance) { return z }
        }
        return nil
    }

    // MARK: - The exact solve of one basis

    /// Solves the basis: carrying techniques of `basis` basic (those of `capacityRows` products
    /// at capacity, with a row each), `extras` and λ basic, `resourceRows` (indices among the
    /// limited resources) binding, non-carrying techniques fixed as `basis.state` says.
    func exact(_ basis: Basis, sys: LeontiefSystem, resourceRows: [Int], capacityRows: [Int], extras: [Int]) -> (x: [Double], y: [Double])? {
        guard let r = solveBasis(basis, sys: sys, resourceRows: resourceRows, capacityRows: capacityRows, extras: extras, entering: nil)
        else { return nil }
        return (r.x, r.y)
    }

    /// The exact point of a basis and, for an `entering` technique, how the basic variables
    /// move per unit of it: gross outputs `du` and extra columns `dz` (λ first).
    struct BasisPoint {
        var x: [Double]; var y: [Double]; var u: [Double]; var z: [Double]; var du: [Double]; var dz: [Double]
        /// The Leontief solves' solutions: M⁻¹[h, E] (width 1 + extras; empty for a solve with
        /// an entering column) and the product duals.
        var forward: [Double]; var dual: [Double]
        /// M⁻¹ of the entering technique's column (empty without one): with `forward`, what the
        /// next basis' solutions are predicted from (`predictedForward`).
        var entering: [Double] = []
        /// The largest violation of a basic variable's bounds (gross output below zero or above
        /// its technique's capacity, λ or an extra out of bounds), relative to the variable's
        /// size, before `x` was clamped into the bounds: zero for a primal feasible basis. A
        /// clamped infeasible basis can look nearly feasible on the LP's residual norm when a
        /// few products fall short among many.
        var infeasibility: Double
        /// The binding rows (resource rows, then capacity rows) whose dual has the wrong sign,
        /// with λ's gain and the change of (λ, extras) per unit the row moves into its interior.
        var release: [(row: Int, gain: Double, dz: [Double])] = []
    }

    /// Column j of K: λ's (−o on the product rows) from the needs, so that a polish whose
    /// program still holds earlier needs' λ column (`renewedForCheck`) reads these; a
    /// technique's from `columns`.
    func columnEntries(_ j: Int, _ body: (Int, Double) -> Void) {
        let n = needs.economy.productCount, m = needs.economy.techniqueCount
        if j == m {
            let other = needs.other
            for i in 0..<n where other[i] != 0 { body(i, -other[i]) }
        } else {
            for p in columns.rowStart[j]..<columns.rowStart[j + 1] { body(Int(columns.colIndex[p]), columns.values[p]) }
        }
    }

    /// A basis solve's right-hand sides for this polish's needs (`solveBasis`, steps 5–6):
    /// `rhs` interleaved, width `w` (h, λ's column, the extras', the entering one's), the
    /// binding rows' `b`, F and the entering column's F, and which techniques carry.
    struct BasisSides {
        var isPrimary: [Bool]
        var rowOfResource: [Int]
        var b: [Double]
        var w: Int
        var rhs: [Double]
        var f: [Double]
        var fEnter: [Double]
        var extraColumns: [Int]
    }

    func basisSides(_ basis: Basis, resourceRows: [Int], capacityRows: [Int], extras: [Int], entering: Int?) -> BasisSides {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let limited = needs.limitedResources
        let cap = e.techniques.capacity
        let q = 1 + extras.count
        var isPrimary = [Bool](repeating: false, count: m)
        for i in 0..<n where basis.primary[i] >= 0 { isPrimary[Int(basis.primary[i])] = true }
        // 5. Right-hand sides: guaranteed needs and limits less what techniques fixed at
        //    capacity (not carrying their product) already make and use.
        var h = needs.guaranteed
        var rowOfResource = [Int](repeating: -1, count: limited.count)
        for (k, l) in resourceRows.enumerated() { rowOfResource[l] = k }
        var b = [Double](repeating: 0, count: q)
        for (k, l) in resourceRows.enumerated() { b[k] = lp.rowLower[n + l] }
        // A capacity row of a product without a carrier holds its surplus at zero (a disposal row).
        for (k, i) in capacityRows.enumerated() { b[resourceRows.count + k] = basis.primary[i] >= 0 ? cap[Int(basis.primary[i])] : 0 }
        for j in 0..<m where basis.state[j] == .atCapacity && !isPrimary[j] {
            for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                let r = Int(columns.colIndex[p]), v = columns.values[p] * cap[j]
                if r < n { h[r] -= v } else if rowOfResource[r - n] >= 0 { b[rowOfResource[r - n]] -= v }
            }
        }

        // 6. Extra columns E (product rows) and F (limit rows): λ first, then the extras.
        let w = q + (entering == nil ? 1 : 2)
        var rhs = [Double](repeating: 0, count: n * w)
        for i in 0..<n { rhs[i * w] = h[i] }
        var f = [Double](repeating: 0, count: q * q)
        var fEnter = [Double](repeating: 0, count: q)
        let extraColumns = [m] + extras + (entering.map { [$0] } ?? [])
        for (c, j) in extraColumns.enumerated() {
            columnEntries(j) { r, value in
                if r < n { rhs[r * w + 1 + c] = value } else if rowOfResource[r - n] >= 0 {
                    if c < q { f[rowOfResource[r - n] * q + c] = value } else { fEnter[rowOfResource[r - n]] = value }
                }
            }
        }
        return BasisSides(isPrimary: isPrimary, rowOfResource: rowOfResource, b: b, w: w, rhs: rhs, f: f, fEnter: fEnter,
                          extraColumns: extraColumns)
    }

    /// `forward`: M⁻¹ of the right-hand sides, already solved — all of them, or, with an
    /// `entering` technique, the basis' own columns [h, E] (then only the entering column is
    /// solved here). `initialForward` and `initialDual`: a similar basis' solutions to start the
    /// iterations from. Without `dualIfInfeasible`, a basis found primal infeasible returns
    /// without its duals (`y` zero, `dual` empty): a caller that stops there saves the transposed
    /// solve (a warm re-plan at 10^6 products whose kept basis no longer fits: 0.2 s); without
    /// `withDual`, any basis does (a re-plan tries its kept valuations first).
    func solveBasis(_ basis: Basis, sys: LeontiefSystem, resourceRows: [Int], capacityRows: [Int], extras: [Int],
                    entering: Int?, forward: [Double]? = nil, initialForward: [Double]? = nil,
                    initialDual: [Double]? = nil, initialRHS: [Double]? = nil, dualIfInfeasible: Bool = true,
                    withDual: Bool = true) -> BasisPoint? {
        let e = needs.economy
        let n = e.productCount, m = e.techniqueCount
        let limited = needs.limitedResources
        let cap = e.techniques.capacity
        let q = 1 + extras.count
        guard resourceRows.count + capacityRows.count == q else { return nil }
        let sides = basisSides(basis, resourceRows: resourceRows, capacityRows: capacityRows, extras: extras, entering: entering)
        let (isPrimary, rowOfResource, b, w, rhs, f, fEnter, extraColumns) =
            (sides.isPrimary, sides.rowOfResource, sides.b, sides.w, sides.rhs, sides.f, sides.fEnter, sides.extraColumns)
        let u0: [Double]
        if let forward, forward.count == n * w {
            u0 = forward
        } else if let forward, entering != nil, forward.count == n * (q + 1) {
            // The basis' own columns are solved: only the entering one is new.
            var column = [Double](repeating: 0, count: n)
            for i in 0..<n { column[i] = rhs[i * w + q + 1] }
            let solved = sys.solve(column, tolerance: 1e-12)
            guard solved.converged else { return nil }
            var u = [Double](repeating: 0, count: n * w)
            for i in 0..<n {
                for c in 0...q { u[i * w + c] = forward[i * (q + 1) + c] }
                u[i * w + q + 1] = solved.x[i]
            }
            u0 = u
        } else if let x0 = initialForward, let d0 = initialRHS,
                  let solved = sys.solveChange(from: x0, demand: d0, for: rhs, width: w, tolerance: 1e-12) {
            // The same basis solved for other right-hand sides (a re-plan): only their change.
            guard solved.converged else { return nil }
            u0 = solved.x
        } else {
            // A solution of a similar basis (same width: h, λ, the extras) starts the iteration.
            let start = initialForward.flatMap { $0.count == n * w ? $0 : nil }
            let solved = sys.solve(rhs, width: w, initial: start, tolerance: 1e-12)
            guard solved.converged else { return nil }
            u0 = solved.x
        }

        // R in gross-output units: a resource row's coefficient on u_i is K's coefficient of the
        // carrying technique divided by its output; a capacity row picks u_i / output.
        func rowEntries(_ k: Int) -> [(Int, Double)] {
            if k < resourceRows.count {
                let rk = limited[resourceRows[k]]
                var out: [(Int, Double)] = []
                for p in sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1] {
                    out.append((Int(sys.r.colIndex[p]), -sys.r.values[p]))
                }
                return out
            }
            let i = capacityRows[k - resourceRows.count]
            return [(i, basis.primary[i] >= 0 ? 1 / basis.primaryOut[i] : 1)]
        }
        var s = f
        var t = b
        var tEnter = fEnter.map { -$0 }
        var rows: [[(Int, Double)]] = []
        for k in 0..<q {
            let entries = rowEntries(k)
            rows.append(entries)
            for (i, v) in entries {
                t[k] -= v * u0[i * w]
                for c in 0..<q { s[k * q + c] -= v * u0[i * w + 1 + c] }
                if entering != nil { tEnter[k] += v * u0[i * w + 1 + q] }
            }
        }
        guard let factors = DenseLU(s, size: q) else { return nil }
        let z = factors.solve(t)
        var cz = [Double](repeating: 0, count: q)
        cz[0] = lp.objective[m]
        var wDual = factors.solve(cz, transposed: true)
        var gross = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var u = u0[i * w]
            for c in 0..<q { u -= u0[i * w + 1 + c] * z[c] }
            gross[i] = u
        }
        // Direction for the entering column: S·dz = −F_j + R·M⁻¹K_j, du = −M⁻¹K_j − M⁻¹E·dz.
        var du: [Double] = [], dz: [Double] = []
        if entering != nil {
            dz = factors.solve(tEnter)
            du = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var d = -u0[i * w + 1 + q]
                for c in 0..<q { d -= u0[i * w + 1 + c] * dz[c] }
                du[i] = d
            }
        }

        // 7. Primal point, and how far the basis is from primal feasible before clamping.
        var infeasibility = 0.0
        let capacityRowSet = Set(capacityRows)
        for i in 0..<n where basis.primary[i] >= 0 && !capacityRowSet.contains(i) {
            let u = gross[i], c = cap[Int(basis.primary[i])] * basis.primaryOut[i]
            let scale = max(1, abs(u), c.isFinite ? c : 0)
            if u < 0 { infeasibility = max(infeasibility, -u / scale) }
            if c.isFinite && u > c { infeasibility = max(infeasibility, (u - c) / scale) }
        }
        // A product without a carrier is disposed of: its gross output is minus its surplus.
        for i in 0..<n where basis.primary[i] < 0 && gross[i] > 0 {
            infeasibility = max(infeasibility, gross[i] / max(1, abs(u0[i * w])))
        }
        for (c, j) in ([m] + extras).enumerated() {
            let v = z[c], scale = max(1, abs(v), lp.upper[j].isFinite ? lp.upper[j] : 0)
            if v < lp.lower[j] { infeasibility = max(infeasibility, (lp.lower[j] - v) / scale) }
            if v > lp.upper[j] { infeasibility = max(infeasibility, (v - lp.upper[j]) / scale) }
        }
        var xs = [Double](repeating: 0, count: m + 1)
        for j in 0..<m where basis.state[j] == .atCapacity && !isPrimary[j] { xs[j] = cap[j] }
        for i in 0..<n where basis.primary[i] >= 0 { xs[Int(basis.primary[i])] = gross[i] / basis.primaryOut[i] }
        xs[m] = z[0]
        for (c, j) in extras.enumerated() { xs[j] = z[c + 1] }
        for j in 0...m { xs[j] = min(max(xs[j], lp.lower[j]), lp.upper[j]) }
        if !withDual || (!dualIfInfeasible && infeasibility > 1e-9) {
            return BasisPoint(x: xs, y: [Double](repeating: 0, count: n + limited.count), u: gross, z: z, du: du, dz: dz,
                              forward: entering == nil ? u0 : [], dual: [], infeasibility: infeasibility)
        }

        // 8. Duals: Mᵀ y = −Rᵀ w on the product rows, w on the binding resource rows.
        // −Rᵀw: the binding rows' duals on the product rows.
        func productSide(_ w: [Double]) -> [Double] {
            var d = [Double](repeating: 0, count: n)
            for k in 0..<q where w[k] != 0 { for (i, v) in rows[k] { d[i] -= v * w[k] } }
            return d
        }
        let dr = productSide(wDual)
        var dual = sys.solveTransposed(dr, initial: initialDual.flatMap { $0.count == n ? $0 : nil }, tolerance: 1e-12)
        guard dual.converged else { return nil }
        var yDual = dual.x
        // 8b. The equations of λ and the extras (reduced cost zero) hold only as well as the
        //     transposed solve's stop test allows: it watches the largest valuation's change,
        //     often a binding capacity's product far above the rest, while λ's equation and the
        //     gap sum every product's valuation (realistic 10^5, one capacity binding: o·y off by
        //     5e-6, the certificate failed and the solver was called in for minutes). When they
        //     are off by more than 1e-10, the solve goes on to 1e-14 (at most as many steps
        //     again) and one step of refinement through S puts them right: with one binding row a
        //     rescaling of (y, w); with more, one transposed solve.
        func extrasResidual() -> [Double] {
            var r = [Double](repeating: 0, count: q)
            for (c, j) in extraColumns.prefix(q).enumerated() {
                var v = lp.objective[j]
                columnEntries(j) { row, value in
                    if row < n { v -= value * yDual[row] } else if rowOfResource[row - n] >= 0 { v -= value * wDual[rowOfResource[row - n]] }
                }
                r[c] = v
            }
            return r
        }
        if extrasResidual().contains(where: { abs($0) > 1e-10 }) {
            let tighter = sys.solveTransposed(dr, initial: dual.x, tolerance: 1e-14, maxIterations: max(4, dual.iterations))
            if tighter.converged || tighter.relativeChange < dual.relativeChange { dual = tighter; yDual = tighter.x }
            let residual = extrasResidual()
            if residual.contains(where: { abs($0) > 1e-11 }) {
                if q == 1 {
                    // (y, w) scaled by α: the products' equations are homogeneous and keep holding.
                    let alpha = cz[0] / (cz[0] - residual[0])
                    if alpha.isFinite, abs(alpha - 1) < 0.01 {
                        for i in 0..<n { yDual[i] *= alpha }
                        wDual[0] *= alpha
                    }
                } else {
                    let dw = factors.solve(residual, transposed: true)
                    let step = sys.solveTransposed(productSide(dw), tolerance: 1e-12)
                    if step.converged {
                        for i in 0..<n { yDual[i] += step.x[i] }
                        for k in 0..<q { wDual[k] += dw[k] }
                    }
                }
            }
        }
        var ys = [Double](repeating: 0, count: n + limited.count)
        for i in 0..<n { ys[i] = max(yDual[i], 0) }
        for (k, l) in resourceRows.enumerated() { ys[n + l] = max(wDual[k], 0) }
        var enteringColumn: [Double] = []
        if entering != nil {
            enteringColumn = [Double](repeating: 0, count: n)
            for i in 0..<n { enteringColumn[i] = u0[i * w + q + 1] }
        }
        // A binding row whose dual has the wrong sign (λ would grow with the row left: a carrier
        // at its capacity earning less than its costs, a resource worth less than nothing): the
        // change of (λ, extras) per unit the row moves into its interior. A capacity or disposal
        // row (u_i/out = b) moves in as b falls, S⁻¹(−e_k); a resource row (−use = −limit) as b
        // rises, S⁻¹e_k. λ changes by −wDual_k, resp. +wDual_k, per unit (λ's cost is −1).
        var release: [(row: Int, gain: Double, dz: [Double])] = []
        if entering == nil {
            for k in 0..<q {
                let inward = k < resourceRows.count ? 1.0 : -1.0
                guard -inward * wDual[k] > 0 else { continue }
                var unit = [Double](repeating: 0, count: q)
                unit[k] = inward
                let dz = factors.solve(unit)
                if dz[0] > 0 { release.append((k, dz[0], dz)) }
            }
        }
        return BasisPoint(x: xs, y: ys, u: gross, z: z, du: du, dz: dz, forward: entering == nil ? u0 : [], dual: yDual,
                          entering: enteringColumn, infeasibility: infeasibility, release: release)
    }
}

/// LU factors with partial pivoting of a small dense square matrix (row-major).
struct DenseLU {
    private var lu: [Double]
    private var pivot: [Int]
    let size: Int

    /// Nil when a pivot falls below `relativePivot` times the largest entry of `a`.
    init?(_ a: [Double], size n: Int, relativePivot: Double = 1e-14) {
        precondition(a.count == n * n)
        lu = a
        pivot = Array(0..<n)
        size = n
        var scale = 0.0
        for v in a { scale = max(scale, abs(v)) }
        for k in 0..<n {
            var p = k, big = abs(lu[k * n + k])
            for i in (k + 1)..<max(n, k + 1) where abs(lu[i * n + k]) > big { p = i; big = abs(lu[i * n + k]) }
            guard big > relativePivot * max(scale, 1e-300) else { return nil }
            if p != k {
                for c in 0..<n { lu.swapAt(k * n + c, p * n + c) }
                pivot.swapAt(k, p)
            }
            let d = lu[k * n + k]
            for i in (k + 1)..<max(n, k + 1) {
                let l = lu[i * n + k] / d
                lu[i * n + k] = l
                if l != 0 { for c in (k + 1)..<n { lu[i * n + c] -= l * lu[k * n + c] } }
            }
        }
    }

    /// Solves A·x = b, or Aᵀ·x = b.
    func solve(_ b: [Double], transposed: Bool = false) -> [Double] {
        let n = size
        if !transposed {
            // P A = L U: x = U⁻¹ L⁻¹ P b.
            var x = pivot.map { b[$0] }
            for i in 0..<n { for k in 0..<i { x[i] -= lu[i * n + k] * x[k] } }
            for i in stride(from: n - 1, through: 0, by: -1) {
                for k in (i + 1)..<max(n, i + 1) { x[i] -= lu[i * n + k] * x[k] }
                x[i] /= lu[i * n + i]
            }
            return x
        }
        // Aᵀ = Uᵀ Lᵀ P: solve Uᵀ v = b, Lᵀ w = v, x = Pᵀ w.
        var v = b
        for i in 0..<n {
            for k in 0..<i { v[i] -= lu[k * n + i] * v[k] }
            v[i] /= lu[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<max(n, i + 1) { v[i] -= lu[k * n + i] * v[k] }
        }
        var x = [Double](repeating: 0, count: n)
        for i in 0..<n { x[pivot[i]] = v[i] }
        return x
    }
}


