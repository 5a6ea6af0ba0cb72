/// Writes a `LinearProgram` in free MPS so any solver (HiGHS, GLPK, Clp) can check us.
///
/// The objective is written in the problem's own sense: pass `maximise: true` with the
/// objective negated back (the fulfilment LP minimises −λ; its MPS maximises λ), so a reference
/// solver reports λ itself. Rows: G/L/E by which bounds are finite, RANGES for two-sided rows.
/// Output is produced in chunks through `write` so 10^7-column programs stream to disk.
public enum MPSWriter {
    public static func write(_ lp: LinearProgram, name: String, maximise: Bool, to write: (String) -> Void) {
        var buf = "NAME \(MPSWriter.clean(name))\n"
        if maximise { buf += "OBJSENSE\n    MAX\n" }
        buf += "ROWS\n N obj\n"
        let rowNames = MPSWriter.names(lp.rowNames), columnNames = MPSWriter.names(lp.columnNames)
        for i in 0..<lp.rows {
            let lo = lp.rowLower[i], hi = lp.rowUpper[i]
            let kind = lo == hi ? "E" : lo.isFinite ? "G" : hi.isFinite ? "L" : "N"
            buf += " \(kind) \(rowNames[i])\n"
            if buf.utf8.count > 1 << 20 { write(buf); buf = "" }
        }
        buf += "COLUMNS\n"
        let kt = lp.matrix.transposed()
        let sign = maximise ? -1.0 : 1.0
        for j in 0..<lp.columns {
            let col = columnNames[j]
            let c = lp.objective[j] * sign
            if c != 0 { buf += " \(col) obj \(num(c))\n" }
            for p in kt.rowStart[j]..<kt.rowStart[j + 1] {
                buf += " \(col) \(rowNames[Int(kt.colIndex[p])]) \(num(kt.values[p]))\n"
            }
            if buf.utf8.count > 1 << 20 { write(buf); buf = "" }
        }
        buf += "RHS\n"
        var ranges = ""
        for i in 0..<lp.rows {
            let lo = lp.rowLower[i], hi = lp.rowUpper[i]
            let rhs = lo.isFinite ? lo : (hi.isFinite ? hi : 0)
            if rhs != 0 { buf += " rhs \(rowNames[i]) \(num(rhs))\n" }
            if lo.isFinite && hi.isFinite && lo != hi { ranges += " rng \(rowNames[i]) \(num(hi - lo))\n" }
            if buf.utf8.count > 1 << 20 { write(buf); buf = "" }
        }
        if !ranges.isEmpty { buf += "RANGES\n" + ranges }
        buf += "BOUNDS\n"
        for j in 0..<lp.columns {
            let col = columnNames[j]
            let l = lp.lower[j], u = lp.upper[j]
            if l == -.infinity && u == .infinity { buf += " FR bnd \(col)\n"; continue }
            if l == u { buf += " FX bnd \(col) \(num(l))\n"; continue }
            if l == -.infinity { buf += " MI bnd \(col)\n" } else if l != 0 { buf += " LO bnd \(col) \(num(l))\n" }
            if u.isFinite { buf += " UP bnd \(col) \(num(u))\n" }
            if buf.utf8.count > 1 << 20 { write(buf); buf = "" }
        }
        buf += "ENDATA\n"
        write(buf)
    }

    /// A name as one MPS field: whitespace and control characters (a space, a tab, a newline in
    /// a product's id) become "_", and an empty name "_".
    static func clean(_ s: String) -> String {
        let out = String(s.map { c in c.isWhitespace || c.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "_" : c })
        return out.isEmpty ? "_" : out
    }

    /// `names` cleaned (`clean`) and made distinct: a name that is kept as it is stays, and a
    /// cleaned one, or a repeat, that meets a name already taken gets "~2", "~3", … appended.
    /// Ids that differ only in whitespace ("a b" and "a_b") used to become the same row, and a
    /// technique named "lambda" the same column as λ.
    static func names(_ names: [String]) -> [String] {
        var out = names
        var changed: [Int] = []
        for (i, name) in names.enumerated() {
            let c = clean(name)
            if c != name { out[i] = c; changed.append(i) }
        }
        // The names kept as they are first (the first of a repeat), then the others.
        var taken = Set<String>()
        taken.reserveCapacity(names.count)
        var isChanged = [Bool](repeating: false, count: names.count)
        for i in changed { isChanged[i] = true }
        var renamed: [Int] = changed
        for i in names.indices where !isChanged[i] && !taken.insert(out[i]).inserted { renamed.append(i) }
        for i in renamed.sorted() where !taken.insert(out[i]).inserted {
            var k = 2
            while !taken.insert(out[i] + "~\(k)").inserted { k += 1 }
            out[i] += "~\(k)"
        }
        return out
    }

    static func num(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
