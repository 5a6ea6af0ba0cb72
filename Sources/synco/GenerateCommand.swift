import ArgumentParser
import SyncoData
import SyncoModel

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a synthetic economy with a realistic shape, reproducible from the seed.")
    @Option(help: "Number of products.") var products: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Share of products with 2–3 alternative techniques.") var alternatives: Double = 0.1
    @Option(help: "Shape: realistic, or uniform (random sparse IO, --inputs inputs per product, labour only).") var shape: SyntheticEconomy.Shape = .realistic
    @Option(help: "Inputs per product for --shape uniform.") var inputs: Int = 8
    @Option(help: "Workplaces per technique (realistic shape): each runs it with its own coefficients (±15 %) and capacity, as many worker councils do in Hahnel's Pequod simulations.") var workplaces: Int = 1
    @Option(help: "Output file (.json or .sebin); JSON on stdout when omitted.") var out: String?
    @Option(help: "Stretch the economy over this many periods (a synco-economy/2 document: growing limits and needs, storage, capital, a natural stock, an emission budget).") var periods: Int?

    func validate() throws {
        guard products >= 2 else { throw ValidationError("--products must be at least 2") }
        guard products <= 100_000_000 else { throw ValidationError("--products must be at most 10^8") }
        try validateGeneratorVariant(alternatives: alternatives, workplaces: workplaces, shape: shape)
        if let p = periods {
            guard p >= 1 && p <= 100_000 else { throw ValidationError("--periods must be between 1 and 100000") }
            guard !(out?.hasSuffix(".sebin") ?? false) else { throw ValidationError("--periods writes JSON (synco-economy/2); .sebin holds one period") }
        }
    }

    func run() throws {
        Log.progress("generating \(products) products (seed \(seed))")
        var g = SyntheticEconomy(products: products, seed: seed)
        g.alternativeShare = alternatives
        g.shape = shape
        g.uniformInputs = inputs
        g.workplaces = workplaces
        let e = g.generate()
        Log.progress("generated \(e.techniqueCount) techniques, \(e.techniques.inputs.entryCount) input coefficients, \(e.needs.count) needs")
        if let p = periods {
            let me = SyntheticTimeline(periods: p, seed: seed).stretch(e)
            Log.progress("stretched over \(p) periods: \(me.storage.compactMap { $0 }.count) storable, \(me.capital.compactMap { $0 }.count) capital products, \(me.stocks.count) natural stocks")
            let json = EconomyJSON2.encode(me.document())
            if let out {
                do { try FileIO.write(json, to: out) } catch { throw InputError(error.description) }
                Log.progress("wrote \(out)")
            } else {
                writeStdout(json)
            }
            return
        }
        if let out {
            do { try EconomyFile.save(e, to: out) } catch { throw InputError(error.description) }
            Log.progress("wrote \(out)")
        } else {
            writeStdout(EconomyJSON.encode(e.document()))
        }
    }
}

extension SyntheticEconomy.Shape: ExpressibleByArgument {}

/// The generator's checks on its variants, shared by `synco generate` and the benchmarks that
/// generate their economy (`synco bench solve|warm --alternatives A --workplaces W`).
func validateGeneratorVariant(alternatives: Double?, workplaces: Int?, shape: SyntheticEconomy.Shape) throws {
    if let a = alternatives, !(0...1).contains(a) { throw ValidationError("--alternatives must be between 0 and 1") }
    if let w = workplaces {
        guard w >= 1 && w <= 10_000 else { throw ValidationError("--workplaces must be between 1 and 10000") }
        guard w == 1 || shape == .realistic else { throw ValidationError("--workplaces needs --shape realistic") }
    }
}
