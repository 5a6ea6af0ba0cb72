import Testing
import SyncoModel
import SyncoPlan
import SyncoData
import SyncoSparse

/// The two-sector economy of the architecture note with labour as its only resource:
/// A = [[0.1, 0.01], [0, 0]], labour 2 and 1.1, needs 100 grain and 300 care.
private func twoSectorLabourOnly() -> Economy {
    var t = TechniqueTable()
    t.append(Technique(id: "farm", outputs: [Entry(0, 1)], inputs: [Entry(0, 0.1)], resources: [Entry(0, 2)]))
    t.append(Technique(id: "care-home", outputs: [Entry(1, 1)], inputs: [Entry(0, 0.01)], resources: [Entry(0, 1.1)]))
    return Economy(name: "two", products: [Product(id: "grain"), Product(id: "care")],
                   resources: [Resource(id: "labour", kind: .labour, limit: 1000)], techniques: t,
                   needs: [Need(product: 0, amount: 100), Need(product: 1, amount: 300)])
}

@Suite struct LeontiefKnownAnswers {
    /// The architecture note's two-sector example, solved by hand:
    /// grain: q = 100 + 0.1 q + 0.01·300 ⇒ q = 103 / 0.9; care: q = 300.
    /// Labour values: v_grain = 2 + 0.1 v_grain = 20/9; v_care = 1.1 + 0.01 · 20/9.
    @Test func twoSectorByHand() throws {
        var t = TechniqueTable()
        t.append(Technique(id: "farm", outputs: [Entry(0, 1)], inputs: [Entry(0, 0.1)], resources: [Entry(0, 2), Entry(1, 0.3)], capacity: 400))
        t.append(Technique(id: "care-home", outputs: [Entry(1, 1)], inputs: [Entry(0, 0.01)], resources: [Entry(0, 1.1)]))
        let e = Economy(name: "two", products: [Product(id: "grain"), Product(id: "care")],
                        resources: [Resource(id: "labour", kind: .labour, limit: 1000), Resource(id: "co2", kind: .emission, limit: 50)],
                        techniques: t, needs: [Need(product: 0, amount: 100), Need(product: 1, amount: 300, guaranteed: true)])
        let a = try LeontiefAnalysis(e, solver: .init(tolerance: 1e-14))
        #expect(abs(a.grossOutput[0] - 103 / 0.9) < 1e-9)
        #expect(abs(a.grossOutput[1] - 300) < 1e-9)
        #expect(abs(a.content[0][0] - 20.0 / 9) < 1e-12)
        #expect(abs(a.content[0][1] - (1.1 + 0.01 * 20.0 / 9)) < 1e-12)
        #expect(abs(a.content[1][0] - 0.3 / 0.9) < 1e-12)
        #expect(abs(a.resourceUse[0] - (2 * 103 / 0.9 + 1.1 * 300)) < 1e-8)
        #expect(abs(a.multipliers[0] - 1 / 0.9) < 1e-12)
        #expect(abs(a.multipliers[1] - (1 + 0.01 / 0.9)) < 1e-12)
    }

    /// The same two-sector economy through the system's deflated solves: A = [[0.1, 0.01],
    /// [0, 0]] has ρ = 0.1 with right vector (1, 0) and left vector (1, 0.1) (by hand), and
    /// the solves give the gross outputs and labour values above.
    @Test func twoSectorThroughTheDeflatedSystem() throws {
        let sys = LeontiefSystem(twoSectorLabourOnly())
        let pair = try #require(sys.perron)
        #expect(abs(pair.forward.rho - 0.1) < 1e-9)
        #expect(abs(pair.forward.right[0] - 1) < 1e-6 && abs(pair.forward.right[1]) < 1e-6)
        #expect(abs(pair.forward.left[1] / pair.forward.left[0] - 0.1) < 1e-6)
        let gross = sys.solve([100, 300], tolerance: 1e-14)
        #expect(abs(gross.x[0] - 103 / 0.9) < 1e-9 && abs(gross.x[1] - 300) < 1e-9)
        let labour = try #require(sys.embodied(resource: 0, tolerance: 1e-14))
        #expect(abs(labour[0] - 20.0 / 9) < 1e-12 && abs(labour[1] - (1.1 + 0.01 * 20.0 / 9)) < 1e-12)
    }

    /// The restart of a solve after a change of needs, by hand: A = [[0.1, 0.01], [0, 0]] has
    /// eigenvalues 0.1 (v = (1, 0), u = (1, 0.1), uᵀv = 1) and 0. From x = M⁻¹(100, 300) =
    /// (103/0.9, 300) to d = (100, 330): Δ = (0, 30), AΔ = (0.3, 0), and the Perron term
    /// ρ²/(1 − ρ)·uᵀΔ·v = 0.01/0.9·3 = 1/30 along v. A's other eigenvalue is 0, so the start is
    /// the exact answer M⁻¹d = (103.3/0.9, 330).
    @Test func restartAfterAChangeOfNeedsByHand() throws {
        let sys = LeontiefSystem(twoSectorLabourOnly())
        _ = try #require(sys.perron)
        let start = try #require(sys.restart(from: [103 / 0.9, 300], demand: [100, 300], for: [100, 330]))
        #expect(abs(start[0] - 103.3 / 0.9) < 1e-9 && abs(start[1] - 330) < 1e-12)
        // Two right-hand sides, interleaved: the second moves from M⁻¹(0, 0) = 0 to d = (10, 0):
        // Δ + AΔ + 0.01/0.9·10·v = (10 + 1 + 1/9, 0) = M⁻¹(10, 0) = (10/0.9, 0).
        let two = try #require(sys.restart(from: [103 / 0.9, 0, 300, 0], demand: [100, 0, 300, 0], for: [100, 10, 330, 0], width: 2))
        #expect(abs(two[0] - 103.3 / 0.9) < 1e-9 && abs(two[2] - 330) < 1e-12)
        #expect(abs(two[1] - 10 / 0.9) < 1e-12 && abs(two[3]) < 1e-12)
        // Unchanged demand: the old solution itself; sizes that do not match: none.
        #expect(sys.restart(from: [1, 2], demand: [100, 300], for: [100, 300]) == [1, 2])
        #expect(sys.restart(from: [1, 2, 3], demand: [100, 300], for: [100, 330]) == nil)
    }

    /// Solving only the change of the needs, by hand as above: from x = M⁻¹(100, 300) =
    /// (103/0.9, 300), grain's need to 110 and care's to 330: M⁻¹(10, 30) = ((10 + 0.3)/0.9, 30),
    /// so M⁻¹(110, 330) = (113.3/0.9, 330). With two right-hand sides the unchanged one keeps
    /// its old solution, bit for bit (here a deliberately rounded one).
    @Test func solvingTheChangeOfNeedsByHand() throws {
        let sys = LeontiefSystem(twoSectorLabourOnly())
        let one = try #require(sys.solveChange(from: [103 / 0.9, 300], demand: [100, 300], for: [110, 330], width: 1, tolerance: 1e-14))
        #expect(one.converged)
        #expect(abs(one.x[0] - 113.3 / 0.9) < 1e-9 && abs(one.x[1] - 330) < 1e-9)
        let two = try #require(sys.solveChange(from: [114.4, 103 / 0.9, 7, 300], demand: [1, 100, 2, 300], for: [1, 110, 2, 330],
                                               width: 2, tolerance: 1e-14))
        #expect(two.x[0] == 114.4 && two.x[2] == 7)
        #expect(abs(two.x[1] - 113.3 / 0.9) < 1e-9 && abs(two.x[3] - 330) < 1e-9)
        #expect(sys.solveChange(from: [1, 2, 3], demand: [100, 300], for: [100, 330], width: 1, tolerance: 1e-14) == nil)
    }

    /// On a generated economy, a re-solve after 1 % of the needs grew by 10 % from the restart
    /// point agrees with a cold solve and takes fewer iterations than one from the old solution.
    @Test func restartSavesIterationsOnAGeneratedEconomy() throws {
        let e = SyntheticEconomy(products: 3000, seed: 3).generate()
        let sys = LeontiefSystem(e)
        _ = try #require(sys.perron)
        let d0 = LeontiefSystem.finalDemand(e)
        let old = sys.solve(d0, tolerance: 1e-11)
        let d = d0.enumerated().map { $0.offset % 100 == 7 ? $0.element * 1.1 : $0.element }
        let cold = sys.solve(d, tolerance: 1e-11)
        let fromOld = sys.solve(d, initial: old.x, tolerance: 1e-11)
        let start = try #require(sys.restart(from: old.x, demand: d0, for: d))
        let restarted = sys.solve(d, initial: start, tolerance: 1e-11)
        let top = cold.x.map(abs).max()!
        #expect(restarted.converged && fromOld.converged)
        #expect(zip(cold.x, restarted.x).map { abs($0 - $1) }.max()! < 1e-9 * top)
        #expect(restarted.iterations < fromOld.iterations, "restarted \(restarted.iterations), from the old solution \(fromOld.iterations)")
    }

    /// On a generated economy the system's (deflated) solves agree with plain Neumann, and a
    /// system with one carrier changed, seeded with the first system's pair, settles in fewer
    /// power steps than from scratch.
    @Test func deflatedSystemSolvesOnAGeneratedEconomy() throws {
        let e = SyntheticEconomy(products: 3000, seed: 2).generate()
        let sys = LeontiefSystem(e)
        let d = LeontiefSystem.finalDemand(e)
        let plain = LeontiefSolver(tolerance: 1e-12).solve(sys.a, d)
        let deflated = sys.solve(d, width: 1, tolerance: 1e-12)
        _ = sys.perron
        let again = sys.solve(d, tolerance: 1e-12)
        let top = plain.x.map(abs).max()!
        for r in [deflated, again] {
            #expect(r.converged)
            #expect(zip(plain.x, r.x).map { abs($0 - $1) }.max()! < 1e-10 * top)
        }
        #expect(again.iterations < plain.iterations, "deflated \(again.iterations), plain \(plain.iterations)")
        let pair = try #require(sys.perron)
        let ell = (0..<e.productCount).map { _ in 1.0 }
        let pricesPlain = LeontiefSolver(tolerance: 1e-12).solve(sys.aTransposed, ell)
        let prices = sys.solveTransposed(ell, tolerance: 1e-12)
        #expect(zip(pricesPlain.x, prices.x).map { abs($0 - $1) }.max()! < 1e-10 * pricesPlain.x.max()!)

        // Another carrier for the first product that has an alternative.
        var primary = sys.primaryTechnique, output = sys.primaryOutput
        let t = e.techniques
        let j = try #require((0..<t.count).first { j in
            t.outputs.range(j).contains { Int(t.outputs.index[$0]) != -1 && primary[Int(t.outputs.index[$0])] != Int32(j) }
        })
        let p = t.outputs.range(j).first!
        primary[Int(t.outputs.index[p])] = Int32(j)
        output[Int(t.outputs.index[p])] = t.outputs.amount[p]
        let scratch = LeontiefSystem(e, primary: primary, output: output)
        let seeded = LeontiefSystem(e, primary: primary, output: output)
        seeded.seedPerron(from: sys)
        let fromScratch = try #require(scratch.perron), fromSeed = try #require(seeded.perron)
        #expect(fromSeed.forward.iterations < fromScratch.forward.iterations)
        #expect(abs(fromSeed.forward.rho - fromScratch.forward.rho) < 1e-2 * pair.forward.rho)
    }

    /// A system patched for a few changed carriers (`init(_:primary:output:patching:)`) has
    /// the very matrices of one built from scratch for them: A, Aᵀ and r, entry for entry. The
    /// changes: every product with an alternative technique switches to it (about a tenth of a
    /// generated economy), and one product loses its carrier. At 30 000 products A has over
    /// 200 000 entries, and its three matrices are patched on both cores.
    @Test(arguments: [2000, 30000])
    func patchedSystemEqualsAFreshOne(products: Int) throws {
        let e = SyntheticEconomy(products: products, seed: 5).generate()
        let sys = LeontiefSystem(e)
        if products > 2000 { #expect(sys.a.nonzeros >= Parallelism.minimumParallelWork) }
        var primary = sys.primaryTechnique, output = sys.primaryOutput
        let t = e.techniques
        var switched = 0
        for j in 0..<t.count {
            for p in t.outputs.range(j) where primary[Int(t.outputs.index[p])] != Int32(j) && primary[Int(t.outputs.index[p])] >= 0 {
                primary[Int(t.outputs.index[p])] = Int32(j)
                output[Int(t.outputs.index[p])] = t.outputs.amount[p]
                switched += 1
            }
        }
        #expect(switched > 20)
        let dropped = try #require((0..<e.productCount).first { primary[$0] >= 0 && primary[$0] == sys.primaryTechnique[$0] })
        primary[dropped] = -1
        output[dropped] = 0
        let fresh = LeontiefSystem(e, primary: primary, output: output)
        let patched = try #require(LeontiefSystem(e, primary: primary, output: output, patching: sys, maxChanged: e.productCount))
        for (x, y) in [(fresh.a, patched.a), (fresh.aTransposed, patched.aTransposed), (fresh.r, patched.r)] {
            #expect(x.rowStart == y.rowStart)
            #expect(x.colIndex == y.colIndex)
            #expect(x.values == y.values)
        }
        // And back: the fresh system patched to the first choice is the first system.
        let back = try #require(LeontiefSystem(e, primary: sys.primaryTechnique, output: sys.primaryOutput, patching: fresh, maxChanged: e.productCount))
        #expect(back.a.colIndex == sys.a.colIndex && back.a.values == sys.a.values && back.r.values == sys.r.values)
        // More changes than allowed: no patch.
        #expect(LeontiefSystem(e, primary: primary, output: output, patching: sys, maxChanged: 3) == nil)
    }

    /// Joint production: a refinery makes 1 fuel and 0.5 heat; heat has its own boiler.
    /// Needs 10 fuel, 20 heat: refinery runs 10, supplying 5 heat, so the boiler makes 15.
    @Test func jointProductionCountsByProducts() throws {
        var t = TechniqueTable()
        t.append(Technique(id: "refinery", outputs: [Entry(0, 1), Entry(1, 0.5)], resources: [Entry(0, 1)]))
        t.append(Technique(id: "boiler", outputs: [Entry(1, 1)], resources: [Entry(0, 2)]))
        let e = Economy(name: "joint", products: [Product(id: "fuel"), Product(id: "heat")],
                        resources: [Resource(id: "labour", kind: .labour)], techniques: t,
                        needs: [Need(product: 0, amount: 10), Need(product: 1, amount: 20)])
        let a = try LeontiefAnalysis(e)
        #expect(abs(a.activity[0] - 10) < 1e-9 && abs(a.activity[1] - 15) < 1e-9)
        #expect(abs(a.resourceUse[0] - 40) < 1e-9)
    }

    /// Hawkins–Simon fails when making a unit of steel needs 0.8 coal and a unit of coal
    /// needs 1.5 steel: ρ(A) = √1.2 > 1.
    @Test func notProductiveIsReportedWithProducts() {
        var t = TechniqueTable()
        t.append(Technique(id: "mill", outputs: [Entry(0, 1)], inputs: [Entry(1, 0.8)]))
        t.append(Technique(id: "mine", outputs: [Entry(1, 1)], inputs: [Entry(0, 1.5)]))
        t.append(Technique(id: "bakery", outputs: [Entry(2, 1)]))
        let e = Economy(name: "bad", products: [Product(id: "steel"), Product(id: "coal"), Product(id: "bread")],
                        resources: [], techniques: t, needs: [Need(product: 0, amount: 1)])
        let issue = LeontiefAnalysis.productivityIssue(e)
        #expect(issue?.code == "not-productive")
        #expect(issue?.message.contains("1.095445") == true)
        #expect(issue?.message.contains("steel") == true && issue?.message.contains("coal") == true)
        #expect(issue?.message.contains("bread") == false)
        #expect(throws: LeontiefAnalysis.NotProductive.self) { try LeontiefAnalysis(e) }
    }
}
