import Testing
import SyncoData
import SyncoModel
import SyncoPlan

/// Random mutations of valid inputs must give a result or an error, never a crash.
struct Mutator {
    var rng: SeededGenerator
    let alphabet = Array("{}[]\",:0123456789.-eE+ truefalsnul\\u\n\tabcxyz".utf8) + [0x00, 0xFF, 0xC3]

    mutating func mutate(_ base: [UInt8]) -> [UInt8] {
        var b = base
        for _ in 0..<(1 + rng.below(4)) {
            guard !b.isEmpty else { b = [alphabet[rng.below(alphabet.count)]]; continue }
            let i = rng.below(b.count)
            switch rng.below(6) {
            case 0: b[i] = alphabet[rng.below(alphabet.count)]
            case 1: b.remove(at: i)
            case 2: b.insert(alphabet[rng.below(alphabet.count)], at: i)
            case 3: b = Array(b[0..<i])
            case 4: let j = rng.below(b.count); b.insert(contentsOf: b[min(i, j)..<max(i, j)].prefix(64), at: i)
            default: b[i] = UInt8(truncatingIfNeeded: rng.next())
            }
        }
        return b
    }
}

@Suite struct Fuzzing {
    @Test func economyJSONReaderNeverCrashes() {
        var m = Mutator(rng: SeededGenerator(seed: 42))
        let base = Array(twoSectorJSON.utf8)
        var accepted = 0, rejected = 0
        for _ in 0..<4000 {
            let input = m.mutate(base)
            do {
                let e = try EconomyJSON.economy(input)
                _ = e.validate()
                _ = try? LeontiefAnalysis(e, solver: .init(maxIterations: 200))
                accepted += 1
            } catch {
                #expect(!error.issues.isEmpty)
                rejected += 1
            }
        }
        #expect(accepted + rejected == 4000)
        #expect(rejected > 1000, "mutations should mostly break the file")
    }

    /// The plan reader that streams (a warm start) never crashes, and where the document
    /// reader accepts the same bytes the two agree.
    @Test func planWarmStartReaderNeverCrashes() throws {
        let e = try EconomyJSON.economy(Array(twoSectorJSON.utf8))
        let base = Array(PlanJSON.encode(Planner.solve(e), economy: e, economyFile: "two.json").utf8)
        var m = Mutator(rng: SeededGenerator(seed: 11))
        var rejected = 0, agreed = 0
        for _ in 0..<4000 {
            let input = m.mutate(base)
            do {
                let fast = try PlanJSON.warmStart(input, source: "fuzz.json", for: e)
                if let d = try? PlanJSON.decode(input, source: "fuzz.json") {
                    let slow = PlanJSON.warmStart(d, for: e)
                    #expect(fast.activities.elementsEqual(slow.activities) { $0 == $1 || ($0.isNaN && $1.isNaN) })
                    #expect(fast.productValuation.elementsEqual(slow.productValuation) { $0 == $1 || ($0.isNaN && $1.isNaN) })
                    agreed += 1
                }
            } catch {
                #expect(!error.issues.isEmpty)
                rejected += 1
            }
        }
        #expect(rejected > 1000 && agreed > 100, "rejected \(rejected), agreed \(agreed)")
    }

    @Test func csvReaderNeverCrashes() {
        var m = Mutator(rng: SeededGenerator(seed: 7))
        let base = Array(textbookCSV.utf8)
        var accepted = 0
        for _ in 0..<4000 {
            let input = m.mutate(base)
            do {
                let t = try LabelledTable(bytes: input, file: "fuzz.csv")
                let doc = try SymmetricIOImporter(path: "fuzz.csv", labourRows: []).convert(t)
                if let e = try? Economy(document: doc) { _ = try? LeontiefAnalysis(e, solver: .init(maxIterations: 200)) }
                accepted += 1
            } catch {
                #expect(!error.description.isEmpty && error.file == "fuzz.csv")
            }
        }
        #expect(accepted < 4000)
    }

    @Test func binaryReaderRejectsTruncatedAndCorruptFiles() throws {
        let e = SyntheticEconomy(products: 300, seed: 5).generate()
        let path = tempPath("fuzz.sebin")
        try EconomyBinary.write(e, to: path)
        let good = try FileIO.readAll(path)
        var rng = SeededGenerator(seed: 11)
        for k in 0..<600 {
            var b = good
            if k % 2 == 0 { b = Array(b[0..<rng.below(b.count)]) } else {
                for _ in 0..<4 { b[8 + rng.below(b.count - 8)] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            if let x = try? EconomyBinary.read(b, path: path) { _ = x.validate() }
        }
    }
}
