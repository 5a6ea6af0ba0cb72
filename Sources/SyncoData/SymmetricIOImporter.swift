import SyncoModel

/// Imports a symmetric input–output table from CSV: products × products flows, primary-input
/// rows and final-demand columns, in one labelled table.
///
/// Layout: the header row holds column codes, the first column row codes. Codes that appear
/// both as a row and as a column are products (in column order). Other rows are primary inputs
/// (become resources, limited to their row total); other columns are final demand (summed
/// into needs). Codes named in `ignore` (e.g. total rows and columns) are skipped. Total
/// output of product j is its row sum over flows and final demand (x_j = Σ_k z_jk + f_j), or
/// the `totalColumn` when given; coefficients are a_ij = z_ij / x_j, r_kj = v_kj / x_j.
public struct SymmetricIOImporter: Sendable {
    public var path: String
    public var labourRows: Set<String>
    public var ignore: Set<String>
    public var totalColumn: String?
    public var unit: String?

    public init(path: String, labourRows: Set<String> = [], ignore: Set<String> = [], totalColumn: String? = nil, unit: String? = nil) {
        self.path = path
        self.labourRows = labourRows
        self.ignore = ignore
        self.totalColumn = totalColumn
        self.unit = unit
    }

    public enum ImportError: Error, Sendable, CustomStringConvertible {
        case file(FileError)
        case csv(CSVError)
        public var description: String {
            switch self {
            case .file(let e): e.description
            case .csv(let e): e.description
            }
        }
    }

    public func run() throws(ImportError) -> EconomyDocument {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(path) } catch { throw .file(error) }
        do { return try convert(LabelledTable(bytes: bytes, file: path)) } catch { throw .csv(error) }
    }

    public func convert(_ t: LabelledTable) throws(CSVError) -> EconomyDocument {
        let rowIndex = Dictionary(uniqueKeysWithValues: t.rowCodes.enumerated().map { ($1, $0) })
        var skip = ignore
        if let tc = totalColumn {
            guard t.columnCodes.contains(tc) else { throw CSVError(file: path, row: 1, column: tc, "total column '\(tc)' not found in the header") }
            skip.insert(tc)
        }
        for l in labourRows where rowIndex[l] == nil {
            throw CSVError(file: path, row: 1, column: "1", "labour row '\(l)' not found among the row codes")
        }
        let productCols = t.columnCodes.enumerated().filter { rowIndex[$0.element] != nil && !skip.contains($0.element) }
        guard !productCols.isEmpty else {
            throw CSVError(file: path, row: 1, "no product codes: expected codes that appear both as a column and as a row")
        }
        let productSet = Set(productCols.map(\.element))
        let fdCols = t.columnCodes.indices.filter { !productSet.contains(t.columnCodes[$0]) && !skip.contains(t.columnCodes[$0]) }
        let primaryRows = t.rowCodes.indices.filter { !productSet.contains(t.rowCodes[$0]) && !skip.contains(t.rowCodes[$0]) }
        let totalIdx = totalColumn.flatMap { t.columnIndex($0) }
        var doc = EconomyDocument(name: "Symmetric IO table \(path)")
        doc.products = productCols.map { Product(id: $0.element, unit: unit) }
        doc.resources = primaryRows.map { r in
            let total = productCols.reduce(0) { $0 + t.value(row: r, column: $1.offset) }
            let code = t.rowCodes[r]
            return Resource(id: code, unit: unit, kind: labourRows.contains(code) ? .labour : .other, limit: total)
        }
        for pc in productCols {
            let row = rowIndex[pc.element]!
            let fd = fdCols.reduce(0) { $0 + t.value(row: row, column: $1) }
            let x: Double
            if let ti = totalIdx { x = t.value(row: row, column: ti) } else {
                x = productCols.reduce(0) { $0 + t.value(row: row, column: $1.offset) } + fd
            }
            if fd != 0 { doc.needs.append(NeedSpec(product: pc.element, amount: fd)) }
            guard x > 0 else {
                if fd > 0 { throw CSVError(file: path, row: row + 2, column: pc.element, "product has final demand \(fd) but total output \(x); expected a positive output") }
                continue
            }
            var inputs: [KeyedAmount] = []
            for pi in productCols {
                let z = t.value(row: rowIndex[pi.element]!, column: pc.offset)
                if z < 0 { throw CSVError(file: path, row: rowIndex[pi.element]! + 2, column: pc.element, "negative intermediate flow \(z); expected >= 0") }
                if z != 0 { inputs.append(KeyedAmount(pi.element, z / x)) }
            }
            var res: [KeyedAmount] = []
            for r in primaryRows {
                let v = t.value(row: r, column: pc.offset)
                if v < 0 { throw CSVError(file: path, row: r + 2, column: pc.element, "negative primary input \(v); expected >= 0") }
                if v != 0 { res.append(KeyedAmount(t.rowCodes[r], v / x)) }
            }
            doc.techniques.append(TechniqueSpec(id: "make:" + pc.element, outputs: [KeyedAmount(pc.element, 1)], inputs: inputs, resources: res))
        }
        return doc
    }
}
