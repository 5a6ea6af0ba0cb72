import SyncoModel
import SyncoSparse
import Dispatch
import Synchronization

/// Harmony over the economy's Leontief structure, for economies where several limits bind
/// (capacities, ecological caps) and products have alternative techniques — the case the
/// continuous knapsack of `leontiefHarmony` does not cover.
///
/// One technique carries each product (its primary one to start with); M = I − A of these
/// carriers turns net output into gross outputs, u = M⁻¹(n − Σ_j K_j·z_j), where z_j are the
/// activities of the other techniques taken into the program (K_j their net outputs). Every limit
/// is then linear in the targets' harmony pieces s (n = g + Σ pieces: slopes 4, 1 and 0.01 per
/// target from its guaranteed amount up) and in z: a limited resource uses r_k·u + Σ_j r_kj·z_j, a
/// carrier's capacity bounds u_l, and u_l stays non-negative. With w_r = (row r's selector)·M⁻¹,
/// one transposed Leontief solve per row, the harmony LP restricted to these techniques is
///
///     maximise Σ (a_k/t_i)·s_ik
///     subject to Σ w_r[i]·s_ik + Σ_j (ρ_rj − w_r·K_j)·z_j ≤ b_r,  0 ≤ s_ik ≤ length,  0 ≤ z_j ≤ cap_j
///
/// (ρ_rj: technique j's direct use on row r). Only the limited resources, the capacities that
/// bound in the last round and the signs of products an uncapped column makes start as rows;
/// other capacities and signs are added when the solution breaks them (row generation), so the
/// dense program keeps only the limits that come near to binding. `PackingSimplex` solves it
/// exactly. Its row prices μ value every product, P = Σ μ_r·w_r, and so every technique:
/// profit_j = P·K_j − Σ_k μ_k·r_kj (a column's reduced cost in the program is its profit).
///
/// Rounds, as in Howard's policy iteration (`BasisPolish.improve` for the fulfilment plan): if
/// some technique outside the program pays, first every product with one is carried by its best
/// one outright (one solve); if harmony rises, that is the new choice. If not (switching whole
/// products overshoots when several limits bind), the paying techniques enter as columns beside
/// the carriers and the simplex decides how much of each; an alternative that then makes more of
/// a product than its carrier swaps roles with it. Harmony never falls, and when no technique
/// outside the program pays, the point is optimal for the whole harmony LP. The caller still
/// checks it there (`LPResiduals`), so a wrong answer from this path is never reported as optimal.
extension Harmony {
    enum ReducedRow: Hashable, Sendable {
        /// A limited resource (index among the limited ones).
        case resource(Int)
        /// The capacity of the technique carrying this product.
        case capacity(Int)
        /// This product's gross output stays non-negative.
        case nonNegative(Int)
    }

    /// A basic variable of a program, named so that the next program (other carriers, other
    /// alternatives, other rows) can start from the same basis.
    enum ReducedVariable: Hashable, Sendable {
        case piece(Int)
        case technique(Int)
        case slack(ReducedRow)
    }

    /// A plan's point as the start of a program (a harmony plan read from a file keeps no
    /// program): its pieces' values, every technique's activity, and whether it leaves room in
    /// each row (a row not listed: room).
    struct SeedPoint {
        var pieceValue: [Double]
        /// Pieces the plan's valuations price at their slope (a basic piece's reduced cost is
        /// zero); nil when the plan has no valuations.
        var pieceAtSlope: [Bool]?
        var activity: [Double]
        var slack: [ReducedRow: Bool]
    }

    struct StructurePoint {
        var x: [Double]
        var y: [Double]
        var rounds: Int
        var bindingRows: Int
        var pivots: Int
        /// False when the rounds stopped (time, or a step that failed) before no technique
        /// outside the program paid: a feasible plan, not shown optimal.
        var finished = true
        /// The last program, for a re-plan (`WarmState`).
        var program: ReducedEvaluation? = nil
        /// True when the rounds started from a warm plan's program.
        var warm = false
    }

    /// What a harmony plan by the structure path keeps for a re-plan of the same techniques
    /// (in-process only, like `Plan.vertex`): its last program — carriers and their system, rows,
    /// the rows' weights w_r = s_r·M⁻¹ and the optimal basis. The weights depend on the carriers
    /// alone, not on needs, limits or capacities, so a re-plan whose targets and pieces are the
    /// same (needs moved, limits or capacities changed) starts its rounds from that program:
    /// no weights to solve (at realistic 10^5 products about 700 rows, 6 s) and the simplex
    /// from the kept basis (some hundred pivots fewer than a cold program). It holds rows ×
    /// products doubles (about 560 MB at realistic 10^5) for as long as the plan is kept.
    struct WarmState: Sendable {
        var program: ReducedEvaluation
        /// The targets and the pieces' (target, piece) in order: the program's columns.
        var targets: [Int]
        var pieces: [Int]
        /// The limited resources (rows name them by their place in this list).
        var limited: [Int]
        var fingerprint: UInt64
    }

    /// A program's result: the carriers, their system and gross outputs, the other techniques'
    /// activities, net outputs, the products' and limited resources' values (the fulfilment LP's
    /// row order), the program's objective, its rows and their prices.
    struct ReducedEvaluation: Sendable {
        var primary: [Int32]
        var primaryOut: [Double]
        var system: LeontiefSystem
        var gross: [Double]
        /// The guaranteed needs g and the carriers' gross outputs for them alone (M⁻¹·g).
        var guaranteed: [Double]
        var guaranteedGross: [Double]
        var activity: [Double]
        var net: [Double]
        var prices: [Double]
        var value: Double
        var rows: [ReducedRow]
        var mu: [Double]
        var pivots: Int
        var alternatives: [Int]
        /// Per row: w_r = (row r's selector)·M⁻¹ (the start of the next program's solves).
        var weights: [[Double]]
        /// The optimal basis (a variable per row) and the pieces' values.
        var basis: [ReducedVariable]
        var pieceValue: [Double]

        /// Every technique's activity: the carriers' from their gross outputs, the others' own.
        func activities(techniques m: Int) -> [Double] {
            var x = system.activities(gross: gross, techniques: m)
            for j in 0..<m { x[j] += activity[j] }
            return x
        }

        /// The capacity and sign rows that bind (kept as rows for the next program).
        var keptRows: [ReducedRow] {
            rows.indices.filter { mu[$0] > 0 }.map { rows[$0] }.filter {
                if case .resource = $0 { return false } else { return true }
            }
        }
    }

    /// The reduction described above, from the structure path's choice of carriers, for any
    /// objective that is a sum of bounded columns: column p moves net output along
    /// `directions[group[p]]` (product, amount per unit) and earns `cost[p]` per unit, up to
    /// `length[p]`. Harmony's columns are the targets' pieces (a fulfilment plan would have
    /// one, λ along the other needs; tried on the three-limit economies, it did not beat the
    /// pivots at 10^4 nor finish at 10^5). Nil when the first program fails (a solve does not
    /// converge, the guaranteed needs break a limit with these carriers, the program is unbounded
    /// or its simplex stalls, a product has no technique, or `seconds` run out): the caller falls
    /// back to PDHG. When a later round fails or the time runs out, the last round's point,
    /// marked not finished.
    static func reducedProgram(_ e: Economy, _ base: FulfilmentProblem, directions: [[(Int, Double)]], group pieceTarget: [Int],
                               cost pieceCost: [Double], length pieceLength: [Double],
                               rounds maxRounds: Int = 30, seconds: Double, mixLimit: Int? = nil, memory: Int = 1 << 31, maxRows: Int = .max, warm: ReducedEvaluation? = nil,
                               seedActivities: [Double]? = nil, seedValuations: [Double]? = nil, system firstSystem: LeontiefSystem? = nil,
                               note: (@Sendable (String) -> Void)? = nil) -> (ev: ReducedEvaluation, rounds: Int, pivots: Int, finished: Bool)? {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let deadline = seconds.isFinite ? t0 + UInt64(seconds * 1e9) : UInt64.max
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        let n = e.productCount, m = e.techniqueCount
        let limited = base.limitedResources
        let cap = e.techniques.capacity
        let columns = base.columns
        guard !directions.isEmpty else { return nil }
        let polish = BasisPolish(base.needs, lp: base.lp, columns: columns)
        let g = base.guaranteed
        let tcount = directions.count
        // Harmony's directions are single products: their entries flat, for building G's rows.
        let singleDirections: (index: [Int], amount: [Double])? = directions.allSatisfy { $0.count == 1 }
            ? (directions.map { $0[0].0 }, directions.map { $0[0].1 }) : nil
        // What the limits alone allow of each technique, and its capacity: a finite bound keeps
        // a column in the program bounded without its product's sign row, which then joins only
        // if a solution breaks it.
        let columnBound = Planner.mostActivity(e)
        // Doubles a program may hold in its rows' weights and G (`memory` bytes, 2 GiB unless given).
        let programBudget = max(1, memory / 8)
        func carriers(_ primary: [Int32]) -> [Bool] {
            var isPrimary = [Bool](repeating: false, count: m)
            for l in 0..<n where primary[l] >= 0 { isPrimary[Int(primary[l])] = true }
            return isPrimary
        }

        // The last program's G, kept for the next program's first rows: written into pages that
        // are already there instead of fresh ones (a program's G is 228 MB at 10^5; the kernel
        // zeroing fresh pages for it was most of the 0.1 s its rows took).
        var spareG: [Double] = []
        // Each column's bound where its product has no sign row (see `evaluate`).
        var lazyTop: [Int: Double] = [:]
        func evaluate(_ primary: [Int32], _ primaryOut: [Double], alternatives: [Int], rows initialRows: [ReducedRow],
                      previous: ReducedEvaluation?, relaxed: Bool = false, seed: SeedPoint? = nil,
                      carriedOnly: Bool = false) -> ReducedEvaluation? {
            let start = previous?.gross
            for l in 0..<n where primary[l] < 0 && g[l] > 0 { return nil }
            for dir in directions { for (i, _) in dir where primary[i] < 0 { return nil } }
            guard elapsed() < seconds else { return nil }
            let width = tcount + alternatives.count
            var column = pieceTarget, cost = pieceCost, upper = pieceLength
            // Sign rows are not brought by the columns. A column (an alternative technique beside
            // its product's carrier) must not make more of the product than the plan takes: the
            // carrier would run backwards and give back its inputs, and hundreds of products
            // upstream break their signs (405 rows broken at once at 10^5 products, 288 of them
            // signs, from 25 columns). So a column whose product has no sign row is bounded by
            // what it and the product's carrier made in the last program (it can take the
            // product over, not more); a product whose output then falls below what its columns make
            // breaks its sign, and that row is generated. A row per column cost a weight
            // vector and a row of G each: a mix of 1 091 columns at realistic 10^5 with every
            // need met took a program of 1 108 rows (14 s); with the bounds, 53 rows (0.5 s).
            // The bounds only grow from program to program (`lazyTop`), so each program holds
            // the last one's point and harmony does not fall. A column the last program held
            // at its bound (it pays to make more) gets its product's sign row instead, as does
            // every column of a program without a last one (a plan's seed).
            var signed = Set(initialRows.compactMap { row -> Int? in if case .nonNegative(let l) = row { return l } else { return nil } })
            var signRows: [ReducedRow] = []
            for j in alternatives {
                let l = Int(polish.carried[j])
                guard !signed.contains(l) else { continue }
                let atTop = lazyTop[j].map { top in top < columnBound[j] && (previous?.activity[j] ?? 0) >= top * (1 - 1e-9) } ?? false
                if start == nil || atTop {
                    signed.insert(l)
                    signRows.append(.nonNegative(l))
                }
            }
            for (c, j) in alternatives.enumerated() {
                column.append(tcount + c); cost.append(0)
                let l = Int(polish.carried[j])
                var top = columnBound[j]
                if !signed.contains(l), let start {
                    // (At least what it made there: a column whose sign row the last program had
                    // and dropped keeps its point.)
                    let grown = max(lazyTop[j] ?? 0, previous.map { $0.activity[j] } ?? 0, max(0, start[l]) / polish.carriedOutput[j])
                    lazyTop[j] = grown
                    top = min(top, grown)
                }
                upper.append(top)
            }
            // The last program's system, kept or patched where carriers changed (a round switches few).
            let sys = LeontiefSystem(e, primary: primary, output: primaryOut, near: previous?.system ?? firstSystem)
            if let p = previous?.system ?? firstSystem { sys.seedPerron(from: p) }
            // The guaranteed needs' gross outputs. A last program for the same needs gives them
            // outright (the same carriers) or a start (other carriers); one for other needs (a
            // kept program of a re-plan) gives nothing, and neither does `start`, which solved
            // other demands: for g = 0 the iteration from either would only decay towards zero,
            // step by step.
            let sameNeeds = previous.flatMap { $0.guaranteed == g ? $0 : nil }
            let guaranteedGross: [Double]
            if let sameNeeds, sameNeeds.primary == primary, sameNeeds.primaryOut == primaryOut {
                guaranteedGross = sameNeeds.guaranteedGross
            } else {
                let u0 = sys.solve(g, initial: sameNeeds?.guaranteedGross, tolerance: 1e-12)
                guard u0.converged else { return nil }
                guaranteedGross = u0.x
            }
            var rows: [ReducedRow] = limited.indices.map { .resource($0) }
            var inSet = Set(rows)
            // Capacities last: a fresh start solves without them and adds them to its optimal
            // basis by the dual simplex (cheaper than a primal start with every row).
            let ordered = initialRows.filter { if case .capacity = $0 { return false } else { return true } }
                + initialRows.filter { if case .capacity = $0 { return true } else { return false } }
            for row in ordered + signRows where inSet.insert(row).inserted { rows.append(row) }
            // (`maxRows` counts a program's starting rows too: the last program's, carried over,
            // and the sign rows its columns bring.)
            guard rows.count <= maxRows else {
                note?("structure: the program's \(rows.count) starting rows pass its \(maxRows)")
                return nil
            }
            var weights: [[Double]] = []
            func selector(_ row: ReducedRow) -> [(Int, Double)] {
                switch row {
                case .resource(let l):
                    let rk = limited[l]
                    return (sys.r.rowStart[rk]..<sys.r.rowStart[rk + 1]).map { (Int(sys.r.colIndex[$0]), sys.r.values[$0]) }
                case .capacity(let l): return [(l, 1)]
                case .nonNegative(let l): return [(l, -1)]
                }
            }
            func bound(_ row: ReducedRow) -> Double {
                switch row {
                case .resource(let l): return e.resources[limited[l]].limit!
                case .capacity(let l): return cap[Int(primary[l])] * primaryOut[l]
                case .nonNegative: return 0
                }
            }
            // w_r = selector·M⁻¹ for new rows, all in one transposed solve.
            // The previous program's weights: the same carriers give the same weights, other
            // carriers a start for the solve.
            let sameCarriers = previous.map { $0.primary == primary && $0.primaryOut == primaryOut } ?? false
            let previousRow = previous.map { Dictionary($0.rows.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }) } ?? [:]
            func addWeights(_ rowsToAdd: [ReducedRow]) -> Bool {
                guard !rowsToAdd.isEmpty else { return true }
                guard elapsed() < seconds else { return false }
                var found: [Int: [Double]] = [:]
                if sameCarriers, let previous {
                    for row in rowsToAdd { if let r = previousRow[row] { found[r] = previous.weights[r] } }
                } else if let previous {
                    let kept = rowsToAdd.compactMap { previousRow[$0] }
                    let resource = kept.map { r -> Int? in if case .resource(let l) = previous.rows[r] { return limited[l] } else { return nil } }
                    if !kept.isEmpty,
                       let updated = Harmony.updatedWeights(previous.system, sys, weights: kept.map { previous.weights[$0] }, resourceRow: resource) {
                        for (r, w) in zip(kept, updated) { found[r] = w }
                    }
                }
                let new = rowsToAdd.filter { previousRow[$0].map { found[$0] == nil } ?? true }
                let k = new.count
                var solved: [[Double]] = []
                if k > 0 {
                    // One solve per row, from its weights in the last program if it had the
                    // row, each solution its own vector (no products × rows block to take the
                    // rows out of: 0.3 s per 256 rows at 10^5 products).
                    let initial: [[Double]?]? = previous.map { previous in new.map { row in previousRow[row].map { previous.weights[$0] } } }
                    let sol = sys.solveTransposedColumns(sparse: new.map(selector), initial: initial, tolerance: 1e-13)
                    guard sol.converged else { return false }
                    solved = sol.x
                }
                var next = 0
                for row in rowsToAdd {
                    if let r = previousRow[row], let w = found[r] { weights.append(w) } else { weights.append(solved[next]); next += 1 }
                }
                return true
            }
            guard addWeights(rows) else { return nil }
            var gross = start.flatMap { $0.count == n ? $0 : nil } ?? guaranteedGross
            var pivots = 0
            // G and b of the rows built so far; the simplex is kept between row generations and
            // new rows are added to its optimal basis (dual simplex), unless its last solve
            // ended otherwise.
            // G's rows are kept once: in `gAll` until a simplex holding all of them is kept, then
            // in that simplex alone (`gHeld`). Kept in both, every row generation appended to
            // gAll while the simplex shared its storage, so each append copied all of G into
            // fresh pages (224 MB at 10^5 products; a tenth of the realistic 10^5 solve was the
            // kernel clearing those pages).
            var gAll: [Double] = [], bAll: [Double] = []
            var gHeld = false
            var simplex: PackingSimplex? = nil
            var warm = false
            for _ in 0..<400 {
                let mr = rows.count, built = bAll.count
                var gNew: [Double] = []
                if built == 0 {
                    swap(&gNew, &spareG)
                    if gNew.capacity < mr * width { gNew = [] }
                    gNew.removeAll(keepingCapacity: true)
                }
                gNew.append(contentsOf: repeatElement(0, count: (mr - built) * width))
                var bNew = [Double](repeating: 0, count: mr - built)
                // The new rows of G, on both cores (each row its own segment): a piece's entry is
                // w_r along its target's direction, an alternative j's frees w_r·K_j of the row
                // and uses its own ρ_rj directly. (One thread, row by row through the directions'
                // nested arrays, this took 0.3 s for 700 rows at 10^5 products, every program.)
                let newRows = Array(rows[built..<mr]), newWeights = Array(weights[built..<mr])
                let alternativesNow = alternatives
                gNew.withUnsafeMutableBufferPointer { gp in
                    let gs = SharedMutableBuffer(gp)
                    let parts = newRows.count * width >= Parallelism.minimumParallelWork ? min(Parallelism.threads, newRows.count) : 1
                    Parallelism.run(parts: parts, parallel: parts > 1) { part in
                        let out = gs.base
                        for t in stride(from: part, to: newRows.count, by: parts) {
                            let base = t * width
                            newWeights[t].withUnsafeBufferPointer { w in
                                if let single = singleDirections {
                                    for q in 0..<tcount { out[base + q] = w[single.index[q]] * single.amount[q] }
                                } else {
                                    for (q, dir) in directions.enumerated() {
                                        var v = 0.0
                                        for (i, a) in dir { v += w[i] * a }
                                        out[base + q] = v
                                    }
                                }
                                var own = -1
                                if case .resource(let l) = newRows[t] { own = n + l }
                                for (c, j) in alternativesNow.enumerated() {
                                    var v = 0.0
                                    for p in columns.rowStart[j]..<columns.rowStart[j + 1] {
                                        let i = Int(columns.colIndex[p])
                                        if i < n { v -= w[i] * columns.values[p] } else if i == own { v -= columns.values[p] }
                                    }
                                    out[base + tcount + c] = v
                                }
                            }
                        }
                    }
                }
                for r in built..<mr {
                    let row = rows[r]
                    var used = 0.0
                    for (i, v) in selector(row) { used += v * guaranteedGross[i] }
                    let lim = bound(row)
                    // The guaranteed needs alone break this limit with these carriers.
                    if lim - used < -1e-9 * max(1, abs(lim)) { return nil }
                    bNew[r - built] = max(0, lim - used)
                }
                bAll += bNew
                if !(warm && simplex != nil) {
                    if gHeld, let held = simplex?.g { gAll = held }
                    gHeld = false
                    // A program's first rows are taken as they are (appended to nothing they were
                    // copied into fresh pages: 228 MB, 0.09 s at 10^5, every program).
                    if gAll.isEmpty { gAll = gNew } else { gAll += gNew }
                }
                /// All of G's rows so far (the kept simplex's after the warm step below added gNew).
                func allRows() -> [Double] { gHeld ? simplex?.g ?? gAll : gAll }
                let limit = 20 * (mr + 50) + 2 * column.count
                var outcome = PackingSimplex.Outcome.singular
                if warm, var sx = simplex {
                    // Taken out of `simplex` first, so that its G (rows × width doubles: 224 MB
                    // at 10^5 products) is not shared and grows in place instead of being copied
                    // whole (0.5–0.9 s for three rows added at 10^5).
                    simplex = nil
                    gHeld = true
                    gAll = []
                    let before = sx.pivots
                    sx.addRows(gNew, b: bNew)
                    sx.deadline = deadline
                    outcome = sx.solveDual(maxPivots: limit)
                    if outcome == .optimal { outcome = sx.solve(maxPivots: limit) }
                    pivots += sx.pivots - before
                    simplex = sx
                }
                // A program of all these rows from a given basis, made dual feasible by bound
                // flips and finished by the dual simplex (kept as `simplex` when optimal). Up to a
                // third of the rows may start off their bounds: with the long-step ratio test the
                // dual simplex repairs them in few pivots (10^5 products: 98 switches, 44 pivots
                // and 2 505 flips, 1.4 s, where the cold start took 6 500 pivots, 10 s; with one
                // flip per pivot it took 2 400 pivots and a twentieth was the limit).
                // `newColumns`: the program has columns the last one did not (a mixing step's
                // alternatives). Then the start is made dual feasible even where the carried basis
                // is primal feasible, with no limit on the rows it breaks: the new columns start
                // at zero, and the primal simplex took them in one pivot each (1 024 paying
                // alternatives at realistic 10^5, every target met: 987 pivots; a re-plan's
                // 112-row program, refused at a third of its rows broken, started cold: 3 236
                // pivots, 1.1 s), where the dual simplex's long steps settle them in one pivot and
                // 492 flips. A program of the last one's columns keeps the primal start: made dual
                // feasible, a re-plan's 688-row program took as many pivots and 0.8 s longer.
                func solveFrom(_ basis: [Int], _ atUpper: [Bool], newColumns: Bool = false) {
                    func program() -> PackingSimplex {
                        var sx = PackingSimplex(rows: mr, width: width, g: allRows(), b: bAll, column: column, cost: cost, upper: upper)
                        sx.deadline = deadline
                        return sx
                    }
                    var sx = program()
                    if !(newColumns && sx.start(basis: basis, atUpper: atUpper, maxInfeasible: mr, dualFeasible: true)) {
                        // (A refused start has moved columns: the program afresh.)
                        if newColumns { sx = program() }
                        guard sx.start(basis: basis, atUpper: atUpper, maxInfeasible: max(20, mr / 3)) else { return }
                    }
                    outcome = sx.solveDual(maxPivots: limit)
                    if outcome == .optimal { outcome = sx.solve(maxPivots: limit) }
                    pivots += sx.pivots
                    if outcome == .optimal { simplex = sx }
                }
                if simplex == nil, previous == nil, let seed, built == 0 {
                    // A plan's point (read from a file): the variables strictly inside their
                    // bounds and the slacks of the rows it leaves room in are the basis; the
                    // dual simplex repairs what the new needs moved, as from a kept basis.
                    let pieces = pieceTarget.count, count = column.count
                    var atUpper = [Bool](repeating: false, count: count)
                    var inside: [Int] = []
                    for p in 0..<pieces {
                        let v = seed.pieceValue[p], top = upper[p]
                        if top.isFinite && v >= top * (1 - 1e-9) {
                            atUpper[p] = true
                        } else if v > 1e-9 * max(1, top.isFinite ? top : v) {
                            if seed.pieceAtSlope?[p] ?? true { inside.append(p) } else if top.isFinite && v >= 0.5 * top { atUpper[p] = true }
                        }
                    }
                    for c in alternatives.indices {
                        let z = seed.activity[alternatives[c]], top = upper[pieces + c]
                        if top.isFinite && z >= top * (1 - 1e-9) { atUpper[pieces + c] = true } else if z > 0 { inside.append(pieces + c) }
                    }
                    var basis = [Int](repeating: -1, count: mr)
                    for (r, row) in rows.enumerated() where seed.slack[row] ?? true { basis[r] = count + r }
                    // More variables inside their bounds than rows without room: needs that
                    // changed since the plan moved some targets into a piece. The most interior
                    // ones (relative to their length) stay basic; the others go to their nearer
                    // bound, and the dual simplex repairs the difference.
                    let holes = basis.filter { $0 < 0 }.count
                    if inside.count > holes {
                        func value(_ v: Int) -> Double { v < pieces ? seed.pieceValue[v] : seed.activity[alternatives[v - pieces]] }
                        func depth(_ v: Int) -> Double {
                            let top = upper[v]
                            return top.isFinite ? min(value(v), top - value(v)) / max(top, 1e-300) : 1
                        }
                        inside.sort { depth($0) > depth($1) || (depth($0) == depth($1) && $0 < $1) }
                        for v in inside[holes...] where upper[v].isFinite && value(v) >= 0.5 * upper[v] { atUpper[v] = true }
                        inside = Array(inside[..<holes])
                    }
                    var next = inside[...]
                    for r in 0..<mr where basis[r] < 0 {
                        // Fewer inside than rows without room (a degenerate point: a basic
                        // variable at its bound): the row's own slack, at zero.
                        basis[r] = next.popFirst() ?? count + r
                    }
                    solveFrom(basis, atUpper)
                    note?(simplex == nil ? "structure: the plan's point does not give a basis of its program; it starts cold"
                          : "structure: the program started from the plan's point, \(pivots) pivots")
                }
                if simplex == nil, let previous {
                    // The previous program's optimal basis, carried over to these rows and
                    // columns, made dual feasible by bound flips and finished by the dual simplex.
                    let (basis, atUpper) = carriedBasis(previous, rows: rows, alternatives: alternatives, primary: primary)
                    let before = Set(previous.alternatives)
                    solveFrom(basis, atUpper, newColumns: alternatives.contains { !before.contains($0) })
                }
                // (`carriedOnly`: a program that is worth having only as a carried start — a
                // swap — is not solved cold.)
                if outcome != .optimal, carriedOnly, previous != nil, built == 0 { return nil }
                if outcome != .optimal {
                    var first = mr
                    while first > 0, case .capacity = rows[first - 1] { first -= 1 }
                    if first == 0 || first < limited.count { first = mr }
                    let gFull = allRows()
                    var sx = PackingSimplex(rows: first, width: width, g: Array(gFull[0..<(first * width)]), b: Array(bAll[0..<first]),
                                            column: column, cost: cost, upper: upper)
                    sx.deadline = deadline
                    // A cold program of few rows (the limited resources' alone, before any
                    // capacity) starts dual: every paying column at its upper bound (an unbounded
                    // one at the bound the rows imply), and the dual simplex's long steps take
                    // back in bulk what does not fit. From the slack basis the primal simplex
                    // brought the pieces in one by one: at realistic 10^5 products 2 427 pivots,
                    // 0.64 s, against 2 pivots and 42 342 flips, 0.04 s.
                    outcome = .singular
                    if first <= 64 {
                        var dual = sx
                        if dual.start(basis: (0..<first).map { column.count + $0 }, atUpper: [Bool](repeating: false, count: column.count), maxInfeasible: first, dualFeasible: true) {
                            outcome = dual.solveDual(maxPivots: limit)
                            if outcome == .optimal { outcome = dual.solve(maxPivots: limit) }
                            if outcome == .optimal { sx = dual }
                        }
                    }
                    if outcome != .optimal { outcome = sx.solve(maxPivots: limit) }
                    if outcome == .optimal && first < mr {
                        sx.addRows(Array(gFull[(first * width)...]), b: Array(bAll[first...]))
                        outcome = sx.solveDual(maxPivots: limit)
                        if outcome == .optimal { outcome = sx.solve(maxPivots: limit) }
                    }
                    if outcome != .optimal && first < mr {
                        sx = PackingSimplex(rows: mr, width: width, g: gFull, b: bAll, column: column, cost: cost, upper: upper)
                        sx.deadline = deadline
                        outcome = sx.solve(maxPivots: limit)
                    }
                    pivots += sx.pivots
                    simplex = sx
                }
                warm = outcome == .optimal
                if let held = simplex, held.m == mr, !gHeld {
                    gHeld = true
                    gAll = []
                }
                guard elapsed() < seconds, let simplex else { return nil }
                if outcome == .unbounded {
                    // Alternatives that save on every row so far: the products they make need
                    // their carriers' outputs kept non-negative.
                    let new = simplex.unboundedRay.filter { $0 >= pieceTarget.count && $0 < column.count }
                        .map { ReducedRow.nonNegative(Int(polish.carried[alternatives[$0 - pieceTarget.count]])) }
                        .filter { inSet.insert($0).inserted }
                    // A column that no row bounds yet: the capacities of the carriers it needs.
                    var capacities: [ReducedRow] = []
                    if new.isEmpty, let v = simplex.unboundedRay.first, v < pieceTarget.count {
                        var d = [Double](repeating: 0, count: n)
                        for (i, a) in directions[pieceTarget[v]] { d[i] += a }
                        let need = sys.solve(d, tolerance: 1e-12)
                        var top = 0.0
                        for l in 0..<n { top = max(top, abs(need.x[l])) }
                        for l in 0..<n where primary[l] >= 0 && cap[Int(primary[l])].isFinite && need.x[l] > 1e-12 * top {
                            if inSet.insert(.capacity(l)).inserted { capacities.append(.capacity(l)) }
                        }
                    }
                    if !new.isEmpty || !capacities.isEmpty {
                        guard rows.count + new.count + capacities.count <= maxRows else {
                            note?("structure: the program's \(rows.count) rows and \(new.count + capacities.count) more for an unbounded column would pass its \(maxRows)")
                            return nil
                        }
                        rows += new + capacities
                        guard addWeights(new + capacities) else { return nil }
                        continue
                    }
                }
                guard outcome == .optimal else { return nil }
                let s = simplex.values
                var net = g
                for p in pieceTarget.indices where s[p] != 0 { for (i, a) in directions[pieceTarget[p]] { net[i] += a * s[p] } }
                // The carriers make the net output less what the other techniques make.
                var demand = net
                var activity = [Double](repeating: 0, count: m)
                for (c, j) in alternatives.enumerated() {
                    let z = s[pieceTarget.count + c]
                    guard z > 0 else { continue }
                    activity[j] = z
                    for p in columns.rowStart[j]..<columns.rowStart[j + 1] where Int(columns.colIndex[p]) < n {
                        demand[Int(columns.colIndex[p])] -= columns.values[p] * z
                    }
                }
                // A relaxed program checks no capacity or sign, and its point is never a result:
                // only its prices choose the next carriers. Its gross outputs are not solved (the
                // last ones stay, a start for the next program's solve: 15 ms a step at 10^5).
                if !relaxed {
                    let sol = sys.solve(demand, initial: gross, tolerance: 1e-12)
                    guard sol.converged else { return nil }
                    gross = sol.x
                }
                // Limits the solution breaks that are not rows yet.
                var scale = 0.0
                for l in 0..<n { scale = max(scale, abs(gross[l])) }
                var broken: [(row: ReducedRow, by: Double)] = []
                // `relaxed`: the limited resources' program alone (capacities and signs not
                // generated), whose prices choose the carriers before any capacity row exists.
                for l in 0..<n where primary[l] >= 0 && !relaxed {
                    let j = Int(primary[l])
                    if cap[j].isFinite {
                        let c = cap[j] * primaryOut[l]
                        let over = (gross[l] - c) / max(c, 1e-300)
                        if over > 1e-9, !inSet.contains(.capacity(l)) { broken.append((.capacity(l), over)) }
                    }
                    if gross[l] < -1e-9 * max(scale, 1e-300), !inSet.contains(.nonNegative(l)) {
                        broken.append((.nonNegative(l), -gross[l] / max(scale, 1e-300)))
                    }
                }
                if broken.isEmpty {
                    let mu = simplex.duals
                    var prices = [Double](repeating: 0, count: n + limited.count)
                    for (r, row) in rows.enumerated() where mu[r] != 0 {
                        let w = weights[r]
                        for i in 0..<n { prices[i] += mu[r] * w[i] }
                        if case .resource(let l) = row { prices[n + l] = mu[r] }
                    }
                    var value = 0.0
                    for p in pieceTarget.indices { value += pieceCost[p] * s[p] }
                    let count = column.count
                    let basis: [ReducedVariable] = simplex.basic.map { v in
                        v >= count ? .slack(rows[v - count]) : v < pieceTarget.count ? .piece(v) : .technique(alternatives[v - pieceTarget.count])
                    }
                    spareG = simplex.g
                    return ReducedEvaluation(primary: primary, primaryOut: primaryOut, system: sys, gross: gross, guaranteed: g, guaranteedGross: guaranteedGross, activity: activity,
                                             net: net, prices: prices, value: value, rows: rows, mu: mu, pivots: pivots,
                                             alternatives: alternatives, weights: weights, basis: basis,
                                             pieceValue: Array(s[0..<pieceTarget.count]))
                }
                broken.sort { $0.by > $1.by }
                // A column's own product broken: its sign row first; the products upstream that
                // went negative with it (its carrier ran backwards and gave back its inputs)
                // follow from it.
                let own = Set(alternatives.map { Int(polish.carried[$0]) })
                if broken.contains(where: { if case .nonNegative(let l) = $0.row { return own.contains(l) } else { return false } }) {
                    broken = broken.filter { if case .nonNegative(let l) = $0.row { return own.contains(l) } else { return true } }
                }
                let add = broken.prefix(256).map(\.row)
                // Rows past four times the budget (weights and G, 8 GiB by default) fail the
                // program instead of the memory. The capacities broken now foretell the rows the
                // program will end with (realistic 10^5: 688 broken at first, 688 rows at the
                // end), so a program whose broken capacities alone would pass that fails at once,
                // before their weights are solved (realistic 10^6: 7 047 capacities broken, where
                // the guard holds about 766 rows; the path spent its 120 s on them and gave no
                // plan). (Sign rows are not counted ahead: hundreds break at once behind a few
                // columns, and most of them follow from the few.)
                let capacities = broken.reduce(0) { if case .capacity = $1.row { return $0 + 1 } else { return $0 } }
                guard (rows.count + max(add.count, capacities)) * (n + width) <= 4 * programBudget else {
                    note?("structure: \(capacities) capacities broken besides the program's \(rows.count) rows, more than its room (about \(4 * programBudget / (n + width)) rows)")
                    return nil
                }
                // `maxRows`: a program that would outgrow it is given up the same way (the caller
                // has a better method for the LP: the sparse simplex for a small one).
                guard rows.count + max(add.count, capacities) <= maxRows else {
                    note?("structure: the program's \(rows.count) rows and \(max(add.count, capacities)) more broken would pass its \(maxRows)")
                    return nil
                }
                for r in add { inSet.insert(r); rows.append(r) }
                guard addWeights(add) else { return nil }
            }
            return nil
        }

        /// The previous program's basis in the positions of a program with these rows and
        /// alternatives: basic variables that still exist stay basic; the other positions take
        /// slacks (of rows new to the program first). Pieces keep their bounds; a basic piece or
        /// alternative that leaves the basis goes to the bound nearer its value.
        func carriedBasis(_ prev: ReducedEvaluation, rows: [ReducedRow], alternatives: [Int], primary primaryNow: [Int32]) -> (basis: [Int], atUpper: [Bool]) {
            let pieces = pieceTarget.count, count = pieces + alternatives.count
            let rowIndex = Dictionary(rows.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let altIndex = Dictionary(alternatives.enumerated().map { ($1, pieces + $0) }, uniquingKeysWith: { a, _ in a })
            var atUpper = pieceTarget.indices.map { prev.pieceValue[$0] >= 0.5 * pieceLength[$0] }
                + [Bool](repeating: false, count: alternatives.count)
            // Activities of the previous point, its carriers' too (a former carrier is a column now).
            let before = prev.activities(techniques: m)
            for (c, j) in alternatives.enumerated() where columnBound[j].isFinite && before[j] >= columnBound[j] * (1 - 1e-12) {
                atUpper[pieces + c] = true
            }
            var taken = Set<Int>()
            var basis = [Int](repeating: -1, count: rows.count)
            for (r, variable) in prev.basis.enumerated() {
                let v: Int?
                switch variable {
                case .piece(let p): v = p
                case .technique(let j):
                    // A column that now carries its product (a swap): its place goes to the
                    // product's former carrier, now a column — the same vertex in the new
                    // coordinates (a swap used to restart the program cold: 7 300 pivots at 10^5).
                    if let a = altIndex[j] { v = a }
                    else if case let l = Int(polish.carried[j]), l >= 0, Int(primaryNow[l]) == j { v = altIndex[Int(prev.primary[l])] }
                    else { v = nil }
                case .slack(let row): v = rowIndex[row].map { count + $0 }
                }
                // A variable that is not basic any more goes to the bound nearer its value.
                guard let v, let position = rowIndex[prev.rows[r]], !taken.contains(v) else { continue }
                basis[position] = v
                taken.insert(v)
            }
            let old = Set(prev.rows)
            let (newRows, keptRows) = (rows.indices.filter { !old.contains(rows[$0]) }, rows.indices.filter { old.contains(rows[$0]) })
            var free = (newRows + keptRows).map { count + $0 }.filter { !taken.contains($0) }[...]
            for position in basis.indices where basis[position] < 0 {
                guard let v = free.popFirst() else { break }
                basis[position] = v
            }
            return (basis, atUpper)
        }

        let start = polish.structureBasis()
        var primary = start.primary, primaryOut = start.primaryOut
        // Columns of a program: techniques in use besides the carriers (or held at a capacity
        // that bound), plus `extra`.
        func columnsInUse(_ ev: ReducedEvaluation, primary: [Int32], extra: [Int], keepingFormer: Bool = false) -> [Int] {
            let isPrimary = carriers(primary)
            // Columns stay once taken in (dropping them makes the rounds oscillate).
            var out = Set((extra + ev.alternatives).filter { !isPrimary[$0] })
            for j in 0..<m where !isPrimary[j] && polish.carried[j] >= 0 {
                let l = Int(polish.carried[j])
                if ev.activity[j] > 0 { out.insert(j); continue }
                if Int(ev.primary[l]) == j, ev.gross[l] > 0,
                   keepingFormer || (cap[j].isFinite && ev.gross[l] >= cap[j] * ev.primaryOut[l] * (1 - 1e-9)) {
                    // A former carrier at its capacity stays there as a column (bounded by it);
                    // after a swap, any former carrier still in use does (the mix is kept).
                    out.insert(j)
                }
            }
            return out.sorted()
        }
        func rowsFor(keep: [ReducedRow], primary: [Int32]) -> [ReducedRow] {
            // (The columns' sign rows: `evaluate`.)
            keep.filter { if case .capacity(let l) = $0 { return cap[Int(primary[l])].isFinite } else { return true } }
        }
        // Techniques that pay at an evaluation's values (profit per unit of what they carry),
        // the best one per product.
        func payingTechniques(_ ev: ReducedEvaluation, primary: [Int32]) -> (best: [Int], paying: [Int], rate: [Double]) {
            let profit = columns.multiply(ev.prices)
            var best = [Int](repeating: -1, count: n), bestRate = [Double](repeating: 0, count: n)
            let isPrimary = carriers(primary)
            for j in 0..<m where !isPrimary[j] && polish.carried[j] >= 0 && ev.activity[j] < cap[j] {
                let l = Int(polish.carried[j])
                let rate = profit[j] / polish.carriedOutput[j]
                if rate > 1e-9 * max(ev.prices[l], 1e-300) && rate > bestRate[l] { best[l] = j; bestRate[l] = rate }
            }
            return (best, (0..<n).filter { best[$0] >= 0 }, bestRate)
        }
        // Policy steps on the limited resources alone first: the carriers that their prices
        // choose. The first program with capacities is built on these carriers, so the rounds
        // after it switch few products (a few at once are a Woodbury update of the weights and a
        // warm start). Without it, the first round's prices switched 8 972 of 10^5 products at
        // once, which cost a solve of all the capacity rows' weights and a cold program (about
        // 20 s). Each step here is a program of four rows.
        // A warm plan's last program (same techniques, same columns) starts the rounds instead:
        // its carriers, columns and rows, its weights reused outright (the same carriers), its
        // basis carried over. If that program fails, the rounds start as from cold.
        var current: ReducedEvaluation? = nil
        if let warm, warm.primary.count == n, warm.pieceValue.count == pieceTarget.count {
            // (Its sign rows are among its rows already.)
            current = evaluate(warm.primary, warm.primaryOut, alternatives: warm.alternatives,
                               rows: rowsFor(keep: warm.rows, primary: warm.primary), previous: warm)
            if let c = current {
                primary = c.primary
                primaryOut = c.primaryOut
                note?("structure: the warm plan's program, \(c.pivots) pivots from its basis")
            } else {
                note?("structure: the warm plan's program failed for these needs; the rounds start afresh")
            }
        }
        // A plan's activities without its program (a file): its carriers, the techniques it runs
        // besides them, the limits it holds, and its point as the program's basis. The rows'
        // weights are solved (one block solve), but the relaxed steps and the rounds that found
        // these carriers are not repeated, and the program does not start cold.
        if current == nil, let acts = seedActivities, acts.count == m, let single = singleDirections {
            let b = polish.basis(from: acts)
            let isPrimary = carriers(b.primary)
            let alternatives = (0..<m).filter { !isPrimary[$0] && polish.carried[$0] >= 0 && acts[$0] > 0 }
            var gross = [Double](repeating: 0, count: n)
            var scale = 0.0
            for l in 0..<n where b.primary[l] >= 0 { gross[l] = acts[Int(b.primary[l])] * b.primaryOut[l]; scale = max(scale, abs(gross[l])) }
            var held: [ReducedRow] = limited.indices.map { .resource($0) }
            var slack: [ReducedRow: Bool] = [:]
            let use = polish.limitedUse(acts + [0])
            for l in limited.indices {
                let limit = e.resources[limited[l]].limit!
                slack[.resource(l)] = use[l] < limit - 1e-9 * max(1, abs(limit))
            }
            for l in 0..<n where b.primary[l] >= 0 {
                let j = Int(b.primary[l])
                if cap[j].isFinite, acts[j] >= cap[j] * (1 - 1e-9) { held.append(.capacity(l)); slack[.capacity(l)] = false }
            }
            let rows = rowsFor(keep: held, primary: b.primary)
            for j in alternatives {
                let l = Int(polish.carried[j])
                slack[.nonNegative(l)] = gross[l] > 1e-9 * max(scale, 1e-300)
            }
            // Pieces in order along each target from its guaranteed share: the net output above it.
            let (net, _) = Planner.flows(e, acts)
            var pieceValue = [Double](repeating: 0, count: pieceTarget.count)
            var rest = [Double](repeating: 0, count: tcount)
            for q in 0..<tcount { rest[q] = max(0, (net[single.index[q]] - g[single.index[q]]) / single.amount[q]) }
            // A piece without an upper bound (beyond the target) starts at zero: what a plan makes
            // beyond its targets is mostly by-products (free disposal), not that piece, which is
            // basic for the marginal target at most.
            for p in pieceTarget.indices {
                let q = pieceTarget[p]
                let v = pieceLength[p].isFinite ? min(rest[q], pieceLength[p]) : 0
                pieceValue[p] = v
                rest[q] -= v
            }
            // A piece can be basic only where the plan's valuation of its product is the piece's
            // slope per unit: a target whose need changed since the plan is not on its old piece's
            // slope any more (its value per unit moved with 1/t), and goes to a bound.
            let atSlope: [Bool]? = seedValuations.flatMap { y in
                y.count >= n ? pieceTarget.indices.map { p in
                    let i = single.index[pieceTarget[p]]
                    return abs(y[i] * single.amount[pieceTarget[p]] - pieceCost[p]) <= 1e-7 * pieceCost[p]
                } : nil
            }
            current = evaluate(b.primary, b.primaryOut, alternatives: alternatives, rows: rows, previous: nil,
                               seed: SeedPoint(pieceValue: pieceValue, pieceAtSlope: atSlope, activity: acts, slack: slack))
            if let c = current {
                primary = c.primary
                primaryOut = c.primaryOut
            }
        }
        var relaxedPoint = current == nil ? evaluate(primary, primaryOut, alternatives: [], rows: [], previous: nil, relaxed: true) : nil
        for _ in 0..<8 {
            guard let ev = relaxedPoint, elapsed() < seconds else { break }
            let (best, paying, _) = payingTechniques(ev, primary: primary)
            guard !paying.isEmpty else { break }
            var p2 = primary, o2 = primaryOut
            for l in paying { p2[l] = Int32(best[l]); o2[l] = polish.carriedOutput[best[l]] }
            guard let next = evaluate(p2, o2, alternatives: [], rows: [], previous: ev, relaxed: true),
                  next.value > ev.value + 1e-12 * max(1, abs(ev.value)) else { break }
            note?("structure: resources alone, \(paying.count) products switch, program objective \(next.value)")
            primary = p2; primaryOut = o2
            relaxedPoint = next
        }
        if current == nil { current = evaluate(primary, primaryOut, alternatives: [], rows: [], previous: relaxedPoint) }
        var pivots = current?.pivots ?? 0
        // Every program's point is feasible for the whole LP (row generation leaves no limit
        // broken) and harmony never falls: when time runs out or a step fails, the last one is
        // the best plan found, returned as not finished.
        var last: (ev: ReducedEvaluation, round: Int)? = nil
        func unfinished() -> (ev: ReducedEvaluation, rounds: Int, pivots: Int, finished: Bool)? {
            last.map { ($0.ev, $0.round, pivots, false) }
        }
        // Rounds that do not raise harmony (a paying technique the program's own prices do not
        // take in, a swap lost to rounding) would repeat the same steps: three in a row end them.
        var stalled = 0
        for round in 1...maxRounds {
            guard var ev = current else { return unfinished() }
            if let last, ev.value <= last.ev.value + 1e-12 * max(1, abs(last.ev.value)) {
                stalled += 1
                if stalled >= 3 { return unfinished() }
            } else {
                stalled = 0
            }
            last = (ev, round)
            let (best, paying, rate) = payingTechniques(ev, primary: primary)
            note?("structure round \(round): program objective \(ev.value), \(ev.mu.filter { $0 > 0 }.count) of \(ev.rows.count) rows binding, products with a paying technique: \(paying.count), pivots so far: \(pivots)")
            let keep = ev.keptRows
            if paying.isEmpty { return (ev, round, pivots, true) }
            guard elapsed() < seconds else { return unfinished() }
            // First the policy step: each such product carried by its best technique outright.
            var p2 = primary, o2 = primaryOut
            for l in paying { p2[l] = Int32(best[l]); o2[l] = polish.carriedOutput[best[l]] }
            let switchedColumns = columnsInUse(ev, primary: p2, extra: [])
            if let next = evaluate(p2, o2, alternatives: switchedColumns, rows: rowsFor(keep: keep, primary: p2), previous: ev),
               next.value > ev.value + 1e-12 * max(1, abs(ev.value)) {
                pivots += next.pivots
                primary = p2; primaryOut = o2
                current = next
                continue
            }
            // Harmony did not rise: the paying techniques enter as columns beside their carriers,
            // and the simplex decides how much of each. A program holds a weight vector over the
            // products and a row of G over its columns per row: the most paying ones enter, as
            // many as keep that within about 2 GiB with a row generation's worth of rows (256,
            // fewer at 10^6 products and more) to spare (`programBudget`); the others can enter
            // in a later round. A column brings no row of its own (its product's sign row joins
            // only when it breaks), so it costs a column of G. (Counted as a row each, as when every column brought its sign row,
            // the 10^5 economy with alternatives for 60 % of its products ran out of room in its
            // fifth round, with 441 products still paying, and its plan was left to PDHG.)
            // A step takes in at most `mixLimit` columns (1 024 unless given): each entering
            // column is a pivot or more, and a first mix of all 53 447 paying ones at that
            // economy did not finish in 200 s, where a thousand a round let the prices thin out
            // the paying ones from round to round (53 447, 29 777, 7 195, 1 125, 441).
            let reserve = min(256, max(16, programBudget / (n + tcount) / 4))
            let widest = programBudget / (ev.rows.count + reserve) - n
            let room = min(widest - tcount - ev.alternatives.count, mixLimit ?? 1024)
            guard room > 0 else { note?("structure round \(round): no room for more columns in the program"); return unfinished() }
            // Ranked by profit per unit relative to the product's value.
            func gain(_ l: Int) -> Double { rate[l] / max(ev.prices[l], 1e-300) }
            let entering = paying.count <= room ? paying
                : Array(paying.sorted { gain($0) > gain($1) || (gain($0) == gain($1) && $0 < $1) }.prefix(room))
            let mixed = columnsInUse(ev, primary: primary, extra: entering.map { best[$0] })
            guard let next = evaluate(primary, primaryOut, alternatives: mixed, rows: rowsFor(keep: keep, primary: primary), previous: ev),
                  next.value >= ev.value - 1e-9 * max(1, abs(ev.value)) else { return unfinished() }
            pivots += next.pivots
            ev = next
            // Alternatives that now make more of a product than its carrier take its place.
            let xm = ev.activities(techniques: m)
            var swapped = 0
            for l in 0..<n where primary[l] >= 0 && polish.groupStart[l + 1] - polish.groupStart[l] > 1 {
                var bj = Int(primary[l]), bo = xm[bj] * primaryOut[l]
                for q in polish.groupStart[l]..<polish.groupStart[l + 1] {
                    let j = Int(polish.group[q])
                    if xm[j] * polish.carriedOutput[j] > bo * (1 + 1e-9) { bj = j; bo = xm[j] * polish.carriedOutput[j] }
                }
                if bj != Int(primary[l]) { primary[l] = Int32(bj); primaryOut[l] = polish.carriedOutput[bj]; swapped += 1 }
            }
            if swapped > 0 {
                let cols = columnsInUse(ev, primary: primary, extra: [], keepingFormer: true)
                // The same LP in other coordinates: worth it only from the carried basis. Where
                // that start is refused the mixed program stays (a seeded re-plan at realistic
                // 10^5 solved such a swap's program cold: 7 400 pivots, 6 s).
                let next = evaluate(primary, primaryOut, alternatives: cols, rows: rowsFor(keep: ev.keptRows, primary: primary),
                                    previous: ev, carriedOnly: true)
                pivots += next?.pivots ?? 0
                // The swapped program is the same LP in other coordinates, but its optimum came
                // out lower at 10^5 products (by 4e-7), and the rounds then went round a cycle of
                // four (swap, three mixes): a swap that loses harmony is not taken.
                if let next, next.value >= ev.value - 1e-12 * max(1, abs(ev.value)) {
                    current = next
                } else {
                    primary = ev.primary; primaryOut = ev.primaryOut
                    current = ev
                }
            } else {
                current = ev
            }
        }
        return unfinished()
    }

    /// Weights w = s·M⁻¹ (rows of a program, `weights`, solved with `old`'s carriers) for `new`,
    /// whose carriers differ in a few products only (a swap, a policy step of few switches):
    /// with M' = M + U·Vᵀ (U: the change of those products' columns, V: their unit vectors),
    /// Z = Vᵀ·M⁻¹ (those rows of the old inverse, one transposed block solve of width k) and
    /// C = I + Z·U, Woodbury gives s·M'⁻¹ = w − (w·U)·C⁻¹·Z and Vᵀ·M'⁻¹ = C⁻¹·Z. A row that
    /// selects a resource (`resourceRow[r]`, its row in the systems' r) also changes its
    /// selector at those products, by Δs (the new carriers' use per unit), so
    /// w' = w + (Δs − w·U)·C⁻¹·Z; other rows select fixed products. A rows × k × products update
    /// instead of a solve of width rows: at 10^5 products and 786 rows about a second (98 changes:
    /// about 2 s), against 7–9 s. Nil when nothing or more than `maxChanged` products changed, the
    /// solve does not converge or C is singular.
    static func updatedWeights(_ old: LeontiefSystem, _ new: LeontiefSystem, weights: [[Double]], resourceRow: [Int?],
                               maxChanged: Int = 160) -> [[Double]]? {
        let n = old.primaryTechnique.count
        guard new.primaryTechnique.count == n, weights.count == resourceRow.count else { return nil }
        let changed = (0..<n).filter { old.primaryTechnique[$0] != new.primaryTechnique[$0] || old.primaryOutput[$0] != new.primaryOutput[$0] }
        let k = changed.count
        // The update's block solve has width k: with fewer rows than that, solving the rows
        // afresh is the cheaper way (the resources-alone steps: 4 rows, 97 changes, 0.58 s).
        guard k > 0, k <= maxChanged, k < weights.count else { return nil }
        // U's columns: M's column l is e_l − (row l of Aᵀ).
        let oldAt = old.aTransposed, newAt = new.aTransposed
        var u: [[(Int, Double)]] = []
        for l in changed {
            var d: [Int: Double] = [:]
            for p in oldAt.rowStart[l]..<oldAt.rowStart[l + 1] { d[Int(oldAt.colIndex[p]), default: 0] += oldAt.values[p] }
            for p in newAt.rowStart[l]..<newAt.rowStart[l + 1] { d[Int(newAt.colIndex[p]), default: 0] -= newAt.values[p] }
            u.append(d.filter { $0.value != 0 }.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 })
        }
        var rhs = [Double](repeating: 0, count: n * k)
        for (c, l) in changed.enumerated() { rhs[l * k + c] = 1 }
        let zs = old.solveTransposed(rhs, width: k, tolerance: 1e-13)
        guard zs.converged else { return nil }
        let z = zs.x
        // C = I + Z·U, factored (LU with partial pivoting).
        var cm = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            cm[a * k + a] = 1
            for b in 0..<k { for (i, v) in u[b] { cm[a * k + b] += z[i * k + a] * v } }
        }
        guard let c = DenseLU(cm, size: k, relativePivot: 1e-12) else { return nil }
        let position = Dictionary(uniqueKeysWithValues: changed.enumerated().map { ($1, $0) })
        let uc = u
        // Rows on both cores, eight at a time: each block of rows reads Z (products × k) once,
        // the block's eight coefficients per column of Z in one SIMD register (row by row, Z was
        // read once per row: at 10^5 products, 98 changes and 688 rows 55 GB, about 4 s).
        let block = 8
        let blocks = (weights.count + block - 1) / block
        var out = [[Double]](repeating: [], count: weights.count)
        let threads = Parallelism.threads
        let results = Mutex([[(Int, [Double])]](repeating: [], count: threads))
        Parallelism.run(parts: threads, parallel: blocks > 1 && n * k * weights.count >= Parallelism.minimumParallelWork) { part in
            var mine: [(Int, [Double])] = []
            var xt = [Double](repeating: 0, count: k * block)
            var delta = [Double](repeating: 0, count: n * block)
            for bi in stride(from: part, to: blocks, by: threads) {
                let r0 = bi * block, r1 = min(r0 + block, weights.count)
                for q in 0..<(k * block) { xt[q] = 0 }
                for r in r0..<r1 {
                    let x = coefficients(r)
                    for q in 0..<k { xt[q * block + r - r0] = x[q] }
                }
                z.withUnsafeBufferPointer { zp in
                    xt.withUnsafeBufferPointer { xp in
                        delta.withUnsafeMutableBufferPointer { dp in
                            let xr = UnsafeRawPointer(xp.baseAddress!), dr = UnsafeMutableRawPointer(dp.baseAddress!)
                            let stride8 = block * MemoryLayout<Double>.stride
                            for i in 0..<n {
                                var acc = SIMD8<Double>()
                                let zi = i * k
                                for q in 0..<k { acc += xr.loadUnaligned(fromByteOffset: q * stride8, as: SIMD8<Double>.self) * zp[zi + q] }
                                dr.storeBytes(of: acc, toByteOffset: i * stride8, as: SIMD8<Double>.self)
                            }
                        }
                    }
                }
                for r in r0..<r1 {
                    var w = weights[r]
                    let c = r - r0
                    w.withUnsafeMutableBufferPointer { wp in
                        delta.withUnsafeBufferPointer { dp in for i in 0..<n { wp[i] += dp[i * block + c] } }
                    }
                    mine.append((r, w))
                }
            }
            results.withLock { $0[part] = mine }
        }
        for list in results.withLock({ $0 }) { for (r, w) in list { out[r] = w } }
        return out

        /// Row r's x = (Δs − w·U)·C⁻¹ (its update is x·Z).
        @Sendable func coefficients(_ r: Int) -> [Double] {
            let w = weights[r]
            var wu = [Double](repeating: 0, count: k)
            if let rk = resourceRow[r] {
                for (rm, sign) in [(new.r, 1.0), (old.r, -1.0)] {
                    for p in rm.rowStart[rk]..<rm.rowStart[rk + 1] {
                        if let b = position[Int(rm.colIndex[p])] { wu[b] += sign * rm.values[p] }
                    }
                }
            }
            for b in 0..<k { for (i, v) in uc[b] { wu[b] -= w[i] * v } }
            // x·C = wu: Cᵀ·xᵀ = wuᵀ.
            return c.solve(wu, transposed: true)
        }
    }

    /// Harmony by `reducedProgram`: the targets' pieces from their guaranteed share up, then the
    /// harmony LP's point (activities and harmony values; product values split between each
    /// target's balance row and its active pieces).
    /// With `warm` (a kept program of the same techniques, `WarmState`), its rounds start from
    /// that program when the targets and their pieces are the same.
    /// Without a kept program, `seedActivities` (a plan's, read from a file) give the first
    /// program its carriers, columns, rows and basis.
    static func reducedHarmony(_ e: Economy, _ base: FulfilmentProblem, _ lp: LinearProgram, targets: [Int], target: [Double], pieces: Pieces = pieces,
                               system: LeontiefSystem? = nil, seconds: Double, warm: WarmState? = nil, seedActivities: [Double]? = nil, seedValuations: [Double]? = nil,
                               memory: Int = 1 << 31, maxRows: Int = .max, note: (@Sendable (String) -> Void)? = nil) -> StructurePoint? {
        guard !targets.isEmpty else { return nil }
        let n = e.productCount, m = e.techniqueCount
        // The targets' pieces in units of net output.
        let spans = pieceSpans(targets: targets, target: target, guaranteed: base.guaranteed)
        // (The same limited resources too: a program's rows name them by their place among them.)
        let kept = warm.flatMap {
            $0.targets == targets && $0.limited == base.limitedResources && $0.pieces.elementsEqual(spans.lazy.map { 3 * $0.q + $0.k })
                ? $0.program : nil
        }
        guard let (ev, round, pivots, finished) = reducedProgram(e, base, directions: targets.map { [($0, 1.0)] }, group: spans.map(\.q),
                                                       cost: spans.map { pieces[$0.k].a / target[targets[$0.q]] },
                                                       length: spans.map { ($0.hi - $0.lo) * target[targets[$0.q]] },
                                                       seconds: seconds, memory: memory, maxRows: maxRows, warm: kept, seedActivities: kept == nil ? seedActivities : nil, seedValuations: seedValuations,
                                                       system: system, note: note) else { return nil }
        let u = targets.map { ev.net[$0] / target[$0] }
        let x = ev.activities(techniques: m) + u.map { h($0, pieces) }
        var y = [Double](repeating: 0, count: lp.rows)
        let limitedCount = base.limitedResources.count
        for i in 0..<(n + limitedCount) { y[i] = max(0, ev.prices[i]) }
        splitDuals(&y, targets: targets, target: target, u: u, pieceRow0: n + limitedCount, pieces: pieces)
        return StructurePoint(x: x, y: y, rounds: round, bindingRows: ev.mu.filter { $0 > 0 }.count, pivots: pivots, finished: finished,
                              program: ev, warm: kept != nil)
    }

    /// Splits each target's product value τ = y_i·t_i between its balance row and its active
    /// harmony pieces (complementary slackness for the piece rows: their duals sum to one, and
    /// each piece's slope times its dual adds to the value of a unit of the target). What is left
    /// over stays on the balance row, which must then be tight (the target at its guaranteed
    /// share); a value below the active slopes shows as a dual residual in the caller's check.
    static func splitDuals(_ y: inout [Double], targets: [Int], target: [Double], u: [Double], pieceRow0: Int, pieces: Pieces = pieces) {
        for (q, i) in targets.enumerated() {
            let tau = y[i] * target[i]
            let values = pieces.map { $0.a * u[q] + $0.b }
            let best = values.min()!
            let active = (0..<3).filter { values[$0] - best <= 1e-12 * max(1, abs(best)) }
            let r0 = pieceRow0 + 3 * q
            y[i] = 0
            if active.count >= 2 {
                let k = active[0], k1 = active[1]
                let a = pieces[k].a, a1 = pieces[k1].a
                if tau > a { y[r0 + k] = 1; y[i] = (tau - a) / target[i] }
                else if tau < a1 { y[r0 + k1] = 1 }
                else { let s = (tau - a1) / (a - a1); y[r0 + k] = s; y[r0 + k1] = 1 - s }
            } else {
                let k = active[0]
                y[r0 + k] = 1
                y[i] = max(0, tau - pieces[k].a) / target[i]
            }
        }
    }
}
