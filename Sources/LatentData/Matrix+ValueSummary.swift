import LatentCore

/// What one pass over a matrix's values finds: their range, the first NaN or infinity, and
/// whether they are all whole numbers from 0 to 255 (8-bit pixels).
public struct ValueSummary: Sendable, Equatable {
    /// The smallest and largest finite values (`nil` for an empty matrix or no finite value).
    public var range: (min: Float, max: Float)?
    /// The (row, column) of the first NaN or infinity, if any.
    public var firstNonFinite: (row: Int, column: Int)?
    /// True when every value is a whole number in 0…255.
    public var allBytes: Bool

    public static func == (a: ValueSummary, b: ValueSummary) -> Bool {
        a.range?.min == b.range?.min && a.range?.max == b.range?.max && a.allBytes == b.allBytes
            && a.firstNonFinite?.row == b.firstNonFinite?.row && a.firstNonFinite?.column == b.firstNonFinite?.column
    }
}

extension Matrix {
    /// The range of the values, the first non-finite one and whether all are whole bytes, in
    /// one parallel pass (chunks reduced in order, so the result does not depend on threads).
    public func valueSummary() -> ValueSummary {
        let n = count
        guard n > 0 else { return ValueSummary(range: nil, firstNonFinite: nil, allBytes: true) }
        let chunks = Parallel.defaultChunks(for: n, minimumPerChunk: 1 << 16)
        // Per chunk: min, max, whether some value is not a whole number (for 0 ≤ v < 2^23,
        // (v + 2^23) − 2^23 rounds v to an integer), and whether some value is NaN or infinite.
        var partials = [(lo: Float, hi: Float, fractional: Bool, nonFinite: Bool)](repeating: (0, 0, false, false), count: chunks)
        withUnsafeBufferPointer { p in
            partials.withUnsafeMutableBufferPointer { out in
                let src = UnsafeSendable(p), dst = UnsafeSendable(out)
                Parallel.forEachChunk(count: n, chunks: chunks) { c, r in
                    dst.value[c] = Self.summarize(UnsafeBufferPointer(rebasing: src.value[r]))
                }
            }
        }
        var lo = Float.infinity, hi = -Float.infinity, fractional = false, nonFinite = false
        for p in partials {
            lo = Swift.min(lo, p.lo); hi = Swift.max(hi, p.hi)
            fractional = fractional || p.fractional; nonFinite = nonFinite || p.nonFinite
        }
        guard nonFinite else {
            return ValueSummary(range: (lo, hi), firstNonFinite: nil, allBytes: !fractional && lo >= 0 && hi <= 255)
        }
        // Rare: find the first non-finite value and the range of the finite ones.
        var position: (row: Int, column: Int)?
        var flo = Float.infinity, fhi = -Float.infinity
        withUnsafeBufferPointer { p in
            for k in p.indices {
                let v = p[k]
                if v.isFinite { flo = Swift.min(flo, v); fhi = Swift.max(fhi, v) } else if position == nil { position = (k / columns, k % columns) }
            }
        }
        return ValueSummary(range: flo <= fhi ? (flo, fhi) : nil, firstNonFinite: position, allBytes: false)
    }

    /// The kernel of `valueSummary` for one chunk, eight values at a time.
    private static func summarize(_ p: UnsafeBufferPointer<Float>) -> (lo: Float, hi: Float, fractional: Bool, nonFinite: Bool) {
        guard let start = p.baseAddress else { return (.infinity, -.infinity, false, false) }
        let base = UnsafeRawPointer(start), n = p.count
        var lo8 = SIMD8<Float>(repeating: .infinity), hi8 = SIMD8<Float>(repeating: -.infinity)
        var fractional8 = SIMDMask<SIMD8<Int32>>(repeating: false), nan8 = fractional8
        let shift = SIMD8<Float>(repeating: 0x1p23)
        var k = 0
        while k + 8 <= n {
            let v = base.loadUnaligned(fromByteOffset: k &* 4, as: SIMD8<Float>.self)
            lo8.replace(with: v, where: v .< lo8)
            hi8.replace(with: v, where: v .> hi8)
            fractional8 .|= (v + shift) - shift .!= v
            nan8 .|= v .!= v
            k &+= 8
        }
        var lo = lo8.min(), hi = hi8.max()
        var fractional = any(fractional8), nan = any(nan8)
        while k < n {
            let v = p[k]
            lo = Swift.min(lo, v); hi = Swift.max(hi, v)
            fractional = fractional || (v + 0x1p23) - 0x1p23 != v
            nan = nan || v.isNaN
            k += 1
        }
        return (lo, hi, fractional, nan || !lo.isFinite || !hi.isFinite)
    }
}
