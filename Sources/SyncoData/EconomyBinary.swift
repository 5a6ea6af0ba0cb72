import SyncoModel

/// The compact columnar economy file (`.sebin`): the resolved economy's arrays written as they
/// lie in memory, so a 10^6-product economy loads in a fraction of a second instead of
/// parsing JSON. Layout: magic `SYNCOEB1`, then length-prefixed little-endian sections
/// (strings as offset tables plus UTF-8 bytes). Empty optional strings read back as `nil`.
public enum EconomyBinary {
    public static let magic: [UInt8] = Array("SYNCOEB1".utf8)

    public static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.count >= 8 && Array(bytes[0..<8]) == magic }

    public static func write(_ e: Economy, to path: String) throws(FileError) {
        var w = try BinaryWriter(path: path)
        magic.withUnsafeBytes { w.raw($0) }
        w.strings([e.name])
        w.strings(e.products.map(\.id))
        w.strings(e.products.map { $0.name ?? "" })
        w.strings(e.products.map { $0.unit ?? "" })
        w.strings(e.products.map { $0.category ?? "" })
        w.strings(e.resources.map(\.id))
        w.strings(e.resources.map { $0.name ?? "" })
        w.strings(e.resources.map { $0.unit ?? "" })
        w.strings(e.resources.map(\.kind.rawValue))
        w.array(e.resources.map { $0.limit ?? .nan })
        let t = e.techniques
        w.strings(t.ids)
        w.array(t.capacity)
        for block in [t.outputs, t.inputs, t.resources] {
            w.array(block.start.map { Int64($0) })
            w.array(block.index)
            w.array(block.amount)
        }
        w.array(e.needs.map(\.product))
        w.array(e.needs.map(\.amount))
        w.array(e.needs.map { UInt8($0.guaranteed ? 1 : 0) })
        try w.close()
    }

    /// Reads a binary economy; structural corruption is reported as a `FileError`, and the
    /// economy is then checked with `validate()` by the caller like any other.
    public static func read(_ bytes: [UInt8], path: String) throws(FileError) -> Economy {
        guard isBinary(bytes) else { throw FileError(path, "not a Synco binary economy (missing SYNCOEB1 header)") }
        var r = BinaryReader(bytes: bytes, path: path, offset: 8)
        let name = try r.strings("name").first ?? ""
        let pid = try r.strings("product ids")
        let pname = try r.strings("product names"), punit = try r.strings("product units"), pcat = try r.strings("product categories")
        guard pname.count == pid.count, punit.count == pid.count, pcat.count == pid.count else {
            throw FileError(path, "product columns differ in length")
        }
        let rid = try r.strings("resource ids")
        let rname = try r.strings("resource names"), runit = try r.strings("resource units"), rkind = try r.strings("resource kinds")
        let rlimit: [Double] = try r.array("resource limits")
        guard rname.count == rid.count, runit.count == rid.count, rkind.count == rid.count, rlimit.count == rid.count else {
            throw FileError(path, "resource columns differ in length")
        }
        let tid = try r.strings("technique ids")
        let cap: [Double] = try r.array("capacities")
        var blocks: [EntryBlock] = []
        for what in ["outputs", "inputs", "resource uses"] {
            let start: [Int64] = try r.array(what + " starts")
            let idx: [Int32] = try r.array(what + " indices")
            let amt: [Double] = try r.array(what + " amounts")
            guard start.count == tid.count + 1, start.first == 0, start.last == Int64(idx.count), idx.count == amt.count,
                  zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw FileError(path, "corrupt \(what) block")
            }
            blocks.append(EntryBlock(start: start.map { Int($0) }, index: idx, amount: amt))
        }
        guard cap.count == tid.count else { throw FileError(path, "capacity column has wrong length") }
        let np: [Int32] = try r.array("need products"), na: [Double] = try r.array("need amounts"), ng: [UInt8] = try r.array("need flags")
        guard np.count == na.count, np.count == ng.count else { throw FileError(path, "need columns differ in length") }
        func opt(_ s: String) -> String? { s.isEmpty ? nil : s }
        var products: [Product] = []
        products.reserveCapacity(pid.count)
        for i in pid.indices { products.append(Product(id: pid[i], name: opt(pname[i]), unit: opt(punit[i]), category: opt(pcat[i]))) }
        var resources: [Resource] = []
        for i in rid.indices {
            guard let kind = ResourceKind(rawValue: rkind[i]) else { throw FileError(path, "unknown resource kind '\(rkind[i])' for resource \(rid[i])") }
            resources.append(Resource(id: rid[i], name: opt(rname[i]), unit: opt(runit[i]), kind: kind, limit: rlimit[i].isNaN ? nil : rlimit[i]))
        }
        let table = TechniqueTable(ids: tid, capacity: cap, outputs: blocks[0], inputs: blocks[1], resources: blocks[2])
        let needs = np.indices.map { Need(product: np[$0], amount: na[$0], guaranteed: ng[$0] != 0) }
        return Economy(name: name, products: products, resources: resources, techniques: table, needs: needs)
    }
}

/// Loads an economy from a JSON (`synco-economy/1`) or binary (`.sebin`) file, detected by
/// content; everything wrong is reported at once, naming the file.
public enum EconomyFile {
    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case file(FileError)
        case invalid(ValidationReport)
        public var description: String {
            switch self {
            case .file(let e): e.description
            case .invalid(let r): r.description
            }
        }
    }

    public static func load(_ path: String, validate: Bool = true) throws(LoadError) -> Economy {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(path) } catch { throw .file(error) }
        if EconomyBinary.isBinary(bytes) {
            let e: Economy
            do { e = try EconomyBinary.read(bytes, path: path) } catch { throw .file(error) }
            if validate {
                let issues = e.validate()
                if issues.contains(where: { $0.severity == .error }) { throw .invalid(ValidationReport(issues: issues, source: path)) }
            }
            return e
        }
        do { return try EconomyJSON.economy(bytes, source: path) } catch { throw .invalid(error) }
    }

    /// Writes JSON unless the path ends in `.sebin`.
    public static func save(_ e: Economy, to path: String) throws(FileError) {
        if path.hasSuffix(".sebin") { try EconomyBinary.write(e, to: path) } else {
            try FileIO.write(EconomyJSON.encode(e.document()), to: path)
        }
    }
}
