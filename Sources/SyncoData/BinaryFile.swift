#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An I/O error naming the file and what went wrong.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Whole-file reads and writes with C stdio (no intermediate copies for large arrays).
public enum FileIO {
    public static func readAll(_ path: String) throws(FileError) -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw FileError(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(f) != 0 { throw FileError(path, "read failed: \(String(cString: strerror(errno)))") }
                break
            }
        }
        return out
    }

    public static func write(_ text: String, to path: String) throws(FileError) {
        var t = text
        let ok = t.withUTF8 { buf -> Bool in
            guard let f = fopen(path, "wb") else { return false }
            let n = fwrite(buf.baseAddress, 1, buf.count, f)
            return fclose(f) == 0 && n == buf.count
        }
        if !ok { throw FileError(path, "cannot write: \(String(cString: strerror(errno)))") }
    }
}

/// Sequential binary writer of little-endian scalars and raw arrays.
struct BinaryWriter {
    let f: UnsafeMutablePointer<FILE>
    let path: String
    var failed = false

    init(path: String) throws(FileError) {
        guard let f = fopen(path, "wb") else { throw FileError(path, "cannot create: \(String(cString: strerror(errno)))") }
        self.f = f
        self.path = path
    }

    mutating func raw(_ p: UnsafeRawBufferPointer) {
        if p.count > 0 && fwrite(p.baseAddress, 1, p.count, f) != p.count { failed = true }
    }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { raw($0) } }
    mutating func array<T: BitwiseCopyable>(_ a: [T]) {
        u64(UInt64(a.count))
        a.withUnsafeBytes { raw($0) }
    }
    mutating func strings(_ s: [String]) {
        var offsets = [Int64](repeating: 0, count: s.count + 1)
        var bytes: [UInt8] = []
        for (i, x) in s.enumerated() {
            bytes.append(contentsOf: x.utf8)
            offsets[i + 1] = Int64(bytes.count)
        }
        array(offsets)
        array(bytes)
    }
    func close() throws(FileError) {
        if fclose(f) != 0 || failed { throw FileError(path, "write failed: \(String(cString: strerror(errno)))") }
    }
}

/// Sequential binary reader over a whole file held in memory; every read is bounds-checked
/// and a short or corrupt file gives an error naming the section, never a crash.
struct BinaryReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    mutating func need(_ n: Int, _ what: String) throws(FileError) {
        guard n >= 0, offset <= bytes.count, n <= bytes.count - offset else {
            throw FileError(path, "truncated or corrupt at byte \(offset) reading \(what)")
        }
    }
    mutating func u64(_ what: String) throws(FileError) -> UInt64 {
        try need(8, what)
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { d in bytes.withUnsafeBytes { d.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 8])) } }
        offset += 8
        return UInt64(littleEndian: v)
    }
    mutating func count(_ what: String, max: Int) throws(FileError) -> Int {
        let c = try u64(what)
        guard c <= UInt64(max) else { throw FileError(path, "implausible length \(c) for \(what)") }
        return Int(c)
    }
    mutating func array<T: BitwiseCopyable>(_ what: String, of: T.Type = T.self) throws(FileError) -> [T] {
        let n = try count(what, max: (bytes.count - offset) / Swift.max(1, MemoryLayout<T>.stride))
        try need(n * MemoryLayout<T>.stride, what)
        let start = offset
        let out = [T](unsafeUninitializedCapacity: n) { buf, initialized in
            bytes.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + n * MemoryLayout<T>.stride]))
            }
            initialized = n
        }
        offset += n * MemoryLayout<T>.stride
        return out
    }
    mutating func strings(_ what: String) throws(FileError) -> [String] {
        let offsets: [Int64] = try array(what + " offsets")
        let data: [UInt8] = try array(what + " bytes")
        guard let first = offsets.first, first == 0, offsets.last.map({ Int($0) == data.count }) ?? false else {
            throw FileError(path, "corrupt string table \(what)")
        }
        var out: [String] = []
        out.reserveCapacity(offsets.count - 1)
        for i in 0..<(offsets.count - 1) {
            let a = Int(offsets[i]), b = Int(offsets[i + 1])
            guard a >= 0, a <= b, b <= data.count else { throw FileError(path, "corrupt string table \(what) at entry \(i)") }
            out.append(String(decoding: data[a..<b], as: UTF8.self))
        }
        return out
    }
}
