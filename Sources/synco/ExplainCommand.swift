import ArgumentParser
import SyncoData
import SyncoModel
import SyncoPlan

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Explain a product's valuation in a plan: which resources and upstream products limit it.")
    @Argument(help: "A plan written by 'synco solve --out'.") var plan: String
    @Argument(help: "Product id.") var product: String
    @Option(help: "Economy file (default: the one the plan names).") var economy: String?

    func run() throws {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(plan) } catch { throw InputError(error.description) }
        guard let file = economy ?? JSONParser.topLevelString(bytes, key: "economy_file") else {
            // A plan that cannot be read says so first.
            do { _ = try PlanJSON.decode(bytes, source: plan) } catch { throw InputError(error.description) }
            throw InputError("\(plan): the plan names no economy_file; pass --economy FILE")
        }
        let e = try loadEconomy(file)
        // A plan read against another economy matches techniques by id and explains nothing
        // (a 1 000-product plan against a 20-product economy printed a net output of −104): a
        // warning, since an economy may be renamed.
        if let made = JSONParser.topLevelString(bytes, key: "economy"), made != e.name {
            Log.progress("warning: \(plan) was made for economy '\(made)', but \(file) is '\(e.name)': the numbers below are only right for the economy the plan was solved on")
        }
        guard let i = e.productIndex(of: product) else { throw InputError("\(file): unknown product id '\(product)'") }
        var p: Plan
        do { p = try PlanJSON.warmStart(bytes, source: plan, for: e) } catch { throw InputError(error.description) }
        (p.netOutput, p.resourceUse) = Planner.flows(e, p.activities)
        let x = PlanExplanation(plan: p, economy: e, product: i)
        let lab = e.resources.indices.first { e.resources[$0].kind == .labour && p.resourceValuation[$0] > 0 }
            ?? e.resources.indices.max { p.resourceValuation[$0] < p.resourceValuation[$1] }
        let unitName = lab.map { e.resources[$0].id } ?? "λ"
        let inUnit: (Double) -> String = { v in lab.map { p.resourceValuation[$0] > 0 ? fmt(v / p.resourceValuation[$0]) : "-" } ?? "-" }
        var s = "\(product) (\(e.products[i].category ?? "no category")) in plan \(plan) [status \(JSONParser.topLevelString(bytes, key: "status") ?? p.status.rawValue), λ = \(fmt(p.fulfilment))]\n"
        s += "need \(fmt(x.need)), net output \(fmt(x.netOutput)); valuation \(fmt(x.valuation)) λ per unit = \(inUnit(x.valuation)) \(unitName)\n"
        if x.valuation <= 1e-12 {
            s += "Not scarce: one more unit of need would not lower fulfilment (it is produced in surplus or as a by-product).\n"
        }
        if let j = x.technique {
            s += "made at the margin by \(e.techniques.ids[j]) at activity \(fmt(x.activity))" + (x.atCapacity ? " — AT CAPACITY \(fmt(e.techniques.capacity[j]))" : "") + "\n"
            if x.alternatives.count > 1 {
                s += "alternatives: " + x.alternatives.map { "\(e.techniques.ids[$0.technique]) (\(fmt($0.activity)))" }.joined(separator: ", ") + "\n"
            }
        } else {
            s += "no technique makes this product\n"
        }
        s += "\nWhat one unit costs, by part (share of its valuation, in \(unitName)):\n"
        func lines(_ parts: [PlanExplanation.Part], indent: String) {
            for part in parts {
                s += "\(indent)\(part.kind.rawValue) \(part.id): \(fmt(part.amount)) per unit, \(fmt(100 * part.share))%, \(inUnit(part.value)) \(unitName)\n"
                lines(part.upstream, indent: indent + "    ")
            }
        }
        lines(x.parts, indent: "  ")
        let limiting = e.resources.indices.filter { p.resourceValuation[$0] > 0 }.map { e.resources[$0].id }
        s += "\nBinding limits in this plan: " + (limiting.isEmpty ? "none" : limiting.joined(separator: ", ")) + "\n"
        writeStdout(s)
    }
}
