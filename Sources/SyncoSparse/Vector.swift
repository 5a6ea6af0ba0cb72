/// Dense vector helpers on contiguous buffers, used by the iterative solvers.
public enum Vector {
    @inlinable
    public static func normInf(_ x: UnsafeBufferPointer<Double>) -> Double {
        var m = 0.0
        for v in x { m = max(m, abs(v)) }
        return m
    }

    @inlinable
    public static func norm2(_ x: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for v in x { s += v * v }
        return s.squareRoot()
    }

    public static func normInf(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { normInf($0) } }
    public static func norm2(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { norm2($0) } }

    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        return x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in
            var s = 0.0
            for i in 0..<a.count { s += a[i] * b[i] }
            return s
        } }
    }
}
