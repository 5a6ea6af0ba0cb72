import SyncoModel

/// Imports BEA make and use tables (2017 schema, before redefinitions, producer prices) under
/// the industry-technology assumption.
///
/// With U the commodity × industry use block, V the industry × commodity make block, g industry
/// output and q commodity output: B = U·diag(g)⁻¹, D = V·diag(q)⁻¹ and the commodity ×
/// commodity direct requirements are A = B·D. Every commodity becomes a product made by one
/// technique (its column of A as inputs); industries' compensation of employees becomes the
/// `labour` resource (coefficient Σᵢ comp_i/g_i · D_ic, limit = total compensation); total
/// final demand becomes the needs (negative where net imports exceed domestic final use: a net
/// supply from outside). Scrap, used goods and non-comparable imports are dropped.
public struct BEAImporter: Sendable {
    public enum Level: String, Sendable, CaseIterable { case detail, summary }

    public struct Result: Sendable {
        public var document: EconomyDocument
        /// Commodity output q from the make table, per product in document order (for checks).
        public var commodityOutput: [Double]
        /// Final demand per product in document order.
        public var finalDemand: [Double]
    }

    public var directory: String
    public var level: Level
    public var year = 2017

    public init(directory: String, level: Level) {
        self.directory = directory
        self.level = level
    }

    private struct Codes {
        let prefix: String, compensation: String, industryOutput: String, commodityOutput: String
        let finalDemand: String, excluded: Set<String>
    }

    private var codes: Codes {
        switch level {
        case .detail: Codes(prefix: "Detail", compensation: "V00100", industryOutput: "T008", commodityOutput: "T007",
                            finalDemand: "T004", excluded: ["S00300", "S00900", "S00401", "S00402"])
        case .summary: Codes(prefix: "Summary", compensation: "V001", industryOutput: "Total Industry Output",
                             commodityOutput: "Total Commodity Output", finalDemand: "Total Final Uses (GDP)", excluded: ["Used", "Other"])
        }
    }

    public enum ImportError: Error, Sendable, CustomStringConvertible {
        case file(FileError)
        case csv(CSVError)
        case missing(file: String, what: String)
        public var description: String {
            switch self {
            case .file(let e): e.description
            case .csv(let e): e.description
            case .missing(let f, let w): "\(f): missing \(w)"
            }
        }
    }

    private func load(_ name: String) throws(ImportError) -> (String, [UInt8]) {
        let path = directory + "/" + name
        do { return (path, try FileIO.readAll(path)) } catch { throw .file(error) }
    }

    private func names(_ kind: String) throws(ImportError) -> [(code: String, name: String)] {
        let (path, bytes) = try load("\(codes.prefix)_\(kind)CodeName_\(year).csv")
        let rows: [[String]]
        do { rows = try CSV.parse(bytes, file: path) } catch { throw .csv(error) }
        var out: [(String, String)] = []
        for (r, f) in rows.enumerated().dropFirst() {
            guard f.count >= 3 else { throw .csv(CSVError(file: path, row: r + 1, "expected index, code and name")) }
            out.append((f[1].trimmingSpaces, f[2].trimmingSpaces))
        }
        return out
    }

    public func run() throws(ImportError) -> Result {
        let c = codes
        let (usePath, useBytes) = try load("\(c.prefix)_Use_\(year)_PRO_BeforeRedef_17sch.csv")
        let (makePath, makeBytes) = try load("\(c.prefix)_Make_\(year)_BeforeRedef_17sch.csv")
        let use: LabelledTable, make: LabelledTable
        do {
            use = try LabelledTable(bytes: useBytes, file: usePath)
            make = try LabelledTable(bytes: makeBytes, file: makePath)
        } catch { throw .csv(error) }
        let commodityNames = try names("Commodity")
        let industryNames = try names("Industry")
        let useRow = Dictionary(uniqueKeysWithValues: use.rowCodes.enumerated().map { ($1, $0) })
        let useCol = Dictionary(uniqueKeysWithValues: use.columnCodes.enumerated().map { ($1, $0) })
        let makeRow = Dictionary(uniqueKeysWithValues: make.rowCodes.enumerated().map { ($1, $0) })
        let makeCol = Dictionary(uniqueKeysWithValues: make.columnCodes.enumerated().map { ($1, $0) })

        let commodities = commodityNames.filter { !c.excluded.contains($0.code) && useRow[$0.code] != nil && makeCol[$0.code] != nil }
        let industries = industryNames.filter { useCol[$0.code] != nil && makeRow[$0.code] != nil }
        guard !commodities.isEmpty else { throw .missing(file: usePath, what: "commodity rows matching the commodity code list") }
        guard !industries.isEmpty else { throw .missing(file: usePath, what: "industry columns matching the industry code list") }
        guard let gRow = useRow[c.industryOutput] else { throw .missing(file: usePath, what: "row \(c.industryOutput) (total industry output)") }
        guard let compRow = useRow[c.compensation] else { throw .missing(file: usePath, what: "row \(c.compensation) (compensation of employees)") }
        guard let fdCol = useCol[c.finalDemand] else { throw .missing(file: usePath, what: "column \(c.finalDemand) (total final demand)") }
        let qRow = makeRow[c.commodityOutput]

        let ni = industries.count
        let g = industries.map { use.value(row: gRow, column: useCol[$0.code]!) }
        let comp = industries.map { use.value(row: compRow, column: useCol[$0.code]!) }
        let q: [Double] = commodities.map { cm in
            let col = makeCol[cm.code]!
            if let qRow { return make.value(row: qRow, column: col) }
            return industries.reduce(0) { $0 + make.value(row: makeRow[$1.code]!, column: col) }
        }
        // B = U diag(g)^-1 (commodity × industry), dense: the tables are at most ~400 × 400.
        let nc = commodities.count
        var b = [Double](repeating: 0, count: nc * ni)
        for (r, cm) in commodities.enumerated() {
            let ur = useRow[cm.code]!
            for k in 0..<ni where g[k] > 0 { b[r * ni + k] = use.value(row: ur, column: useCol[industries[k].code]!) / g[k] }
        }
        // D = V diag(q)^-1 (industry × commodity).
        var d = [Double](repeating: 0, count: ni * nc)
        for (k, ind) in industries.enumerated() {
            let mr = makeRow[ind.code]!
            for (j, cm) in commodities.enumerated() where q[j] > 0 { d[k * nc + j] = make.value(row: mr, column: makeCol[cm.code]!) / q[j] }
        }
        var doc = EconomyDocument(name: "U.S. economy \(year), BEA \(level.rawValue) make/use tables (industry technology)")
        doc.products = commodities.map { Product(id: $0.code, name: $0.name, unit: "million USD (\(year) producer prices)", category: BEAImporter.category(of: $0.code)) }
        let totalComp = comp.reduce(0, +)
        doc.resources = [Resource(id: "labour", name: "Compensation of employees", unit: "million USD", kind: .labour, limit: totalComp)]
        var fd = [Double](repeating: 0, count: nc)
        for j in 0..<nc {
            guard q[j] > 0 else { continue }
            var inputs: [KeyedAmount] = []
            // Negative uses (e.g. agricultural credit adjustments) become joint outputs: a
            // technique that "uses" −a of a product supplies a of it. The matrix A is unchanged.
            var outputs = [KeyedAmount(commodities[j].code, 1)]
            for r in 0..<nc {
                var a = 0.0
                for k in 0..<ni { a += b[r * ni + k] * d[k * nc + j] }
                if a > 0 { inputs.append(KeyedAmount(commodities[r].code, a)) }
                if a < 0 && r != j { outputs.append(KeyedAmount(commodities[r].code, -a)) }
                if a < 0 && r == j { outputs[0].amount -= a }
            }
            var labour = 0.0
            for k in 0..<ni where g[k] > 0 { labour += comp[k] / g[k] * d[k * nc + j] }
            doc.techniques.append(TechniqueSpec(id: "make:" + commodities[j].code, outputs: outputs,
                                                inputs: inputs, resources: labour > 0 ? [KeyedAmount("labour", labour)] : []))
        }
        for (j, cm) in commodities.enumerated() {
            let f = use.value(row: useRow[cm.code]!, column: fdCol)
            fd[j] = f
            if f != 0 && q[j] > 0 { doc.needs.append(NeedSpec(product: cm.code, amount: f)) }
        }
        return Result(document: doc, commodityOutput: q, finalDemand: fd)
    }

    /// A coarse category from the NAICS-based commodity code; health care and social
    /// assistance (62) are `care`.
    public static func category(of code: String) -> String {
        let p2 = String(code.prefix(2))
        switch p2 {
        case "11": return "agriculture"
        case "21": return "mining"
        case "22": return "utilities"
        case "23": return "construction"
        case "31", "32", "33": return "manufacturing"
        case "42", "44", "45", "4A": return "trade"
        case "48", "49": return "transport"
        case "51": return "information"
        case "52", "53", "HS", "OR": return "finance-real-estate"
        case "54", "55", "56": return "business-services"
        case "61": return "education"
        case "62": return "care"
        case "71", "72": return "leisure-food"
        case "81": return "other-services"
        default: return code.hasPrefix("G") || code.hasPrefix("S0") ? "government" : "other"
        }
    }
}
