#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// How many worker threads the kernels use: the online cores, overridable with
/// `SYNCO_THREADS` (for benchmarks and for ranks under MPI that share a node).
public enum Parallelism {
    public static let threads: Int = {
        if let s = getenv("SYNCO_THREADS"), let n = Int(String(cString: s)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Work below this many nonzeros runs on the calling thread: dispatch costs more than it saves.
    public static let minimumParallelWork = 200_000

    /// Runs `body(part)` for `parts` parts, in parallel when `parallel` is true.
    @inlinable
    public static func run(parts: Int, parallel: Bool, _ body: @Sendable (Int) -> Void) {
        if parallel && parts > 1 {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        } else {
            for p in 0..<parts { body(p) }
        }
    }
}

/// A mutable buffer handed to worker threads that write disjoint index ranges.
///
/// `@unchecked Sendable` is safe because every parallel kernel partitions the indices so no two
/// threads write the same element, and the caller waits for all workers before reading.
public struct SharedMutableBuffer<Element>: @unchecked Sendable {
    public let base: UnsafeMutableBufferPointer<Element>
    @inlinable public init(_ base: UnsafeMutableBufferPointer<Element>) { self.base = base }
}

/// A read-only buffer shared with worker threads; safe because nobody writes it meanwhile.
public struct SharedBuffer<Element>: @unchecked Sendable {
    public let base: UnsafeBufferPointer<Element>
    @inlinable public init(_ base: UnsafeBufferPointer<Element>) { self.base = base }
}

/// An explicit partition of rows into contiguous blocks of roughly equal nonzeros: the unit of
/// work for threads now and for MPI ranks later.
public struct RowPartition: Sendable, Hashable {
    /// Block `b` is rows `bounds[b]..<bounds[b+1]`.
    public let bounds: [Int]

    public var blockCount: Int { bounds.count - 1 }

    public init(bounds: [Int]) { self.bounds = bounds }

    /// Splits rows so that each block holds about the same number of nonzeros.
    public init(rowStart: [Int], blocks: Int) {
        let rows = rowStart.count - 1
        let nnz = rowStart[rows]
        let k = max(1, min(blocks, max(rows, 1)))
        var b = [0]
        var row = 0
        for part in 1..<k {
            let target = nnz * part / k
            // binary search for first row whose start >= target
            var lo = row, hi = rows
            while lo < hi {
                let mid = (lo + hi) / 2
                if rowStart[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            row = max(row, lo)
            b.append(row)
        }
        b.append(rows)
        bounds = b
    }
}
