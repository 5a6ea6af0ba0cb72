/// An error in a CSV file, naming the file, the row (1-based, header = 1) and the column.
public struct CSVError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let row: Int
    public let column: String?
    public let message: String
    public init(file: String, row: Int, column: String? = nil, _ message: String) {
        self.file = file
        self.row = row
        self.column = column
        self.message = message
    }
    public var description: String {
        "\(file): row \(row)" + (column.map { ", column \($0)" } ?? "") + ": \(message)"
    }
}

/// RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF line ends.
public enum CSV {
    /// Splits text into records of fields; a quote left open is an error naming the row.
    public static func parse(_ bytes: [UInt8], file: String) throws(CSVError) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var i = 0
        var line = 1
        var quoteStartLine = 1
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        i = start
        func endField() { row.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case 0x22:
                if field.isEmpty { inQuotes = true; quoteStartLine = line } else { field.append(c) }
            case 0x2C: endField()
            case 0x0D: break
            case 0x0A:
                endField()
                rows.append(row)
                row = []
                line += 1
            default: field.append(c)
            }
            i += 1
        }
        if inQuotes { throw CSVError(file: file, row: quoteStartLine, "unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
        // Drop blank trailing lines.
        while let last = rows.last, last.allSatisfy({ $0.isEmpty }) { rows.removeLast() }
        return rows
    }
}

/// A labelled numeric table: first column holds row codes, header row holds column codes.
/// Empty cells and `NA` read as zero.
public struct LabelledTable: Sendable {
    public let file: String
    public let rowCodes: [String]
    public let columnCodes: [String]
    /// Row-major values.
    public let values: [Double]

    public init(bytes: [UInt8], file: String) throws(CSVError) {
        let rows = try CSV.parse(bytes, file: file)
        guard let header = rows.first, header.count >= 2 else {
            throw CSVError(file: file, row: 1, "expected a header row with a corner cell and at least one column code")
        }
        let cols = header.dropFirst().map { $0.trimmingSpaces }
        var seen = [String: Int]()
        for (k, c) in cols.enumerated() {
            if c.isEmpty { throw CSVError(file: file, row: 1, column: "\(k + 2)", "empty column code") }
            if let f = seen[c] { throw CSVError(file: file, row: 1, column: c, "duplicate column code (also column \(f + 2))") }
            seen[c] = k
        }
        var codes: [String] = []
        var seenRows = [String: Int]()
        var vals: [Double] = []
        vals.reserveCapacity((rows.count - 1) * cols.count)
        for (r, fields) in rows.enumerated().dropFirst() {
            let rowNumber = r + 1
            if fields.count == 1 && fields[0].isEmpty { continue }
            guard fields.count == cols.count + 1 else {
                throw CSVError(file: file, row: rowNumber, "expected \(cols.count + 1) fields like the header, found \(fields.count)")
            }
            let code = fields[0].trimmingSpaces
            if code.isEmpty { throw CSVError(file: file, row: rowNumber, column: "1", "empty row code") }
            if let f = seenRows[code] { throw CSVError(file: file, row: rowNumber, column: "1", "duplicate row code '\(code)' (also row \(f))") }
            seenRows[code] = rowNumber
            codes.append(code)
            for (k, s) in fields.dropFirst().enumerated() {
                let t = s.trimmingSpaces
                if t.isEmpty || t == "NA" { vals.append(0); continue }
                guard let d = Double(t), d.isFinite else {
                    throw CSVError(file: file, row: rowNumber, column: cols[k], "expected a finite number, found '\(t.prefix(40))'")
                }
                vals.append(d)
            }
        }
        self.file = file
        rowCodes = codes
        columnCodes = cols
        values = vals
    }

    public func value(row r: Int, column c: Int) -> Double { values[r * columnCodes.count + c] }

    public func rowIndex(_ code: String) -> Int? { rowCodes.firstIndex(of: code) }
    public func columnIndex(_ code: String) -> Int? { columnCodes.firstIndex(of: code) }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
