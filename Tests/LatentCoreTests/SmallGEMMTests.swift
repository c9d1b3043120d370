import LatentCore
import Testing
import TestSupport

/// LIBXSMM's small products (and their OpenBLAS fallback) against a naive product.
@Suite struct SmallGEMMTests {
    /// `op(A)·B` (+ C) by the definition, in Double.
    func naive(m: Int, n: Int, k: Int, a: [Float], lda: Int, b: [Float], ldb: Int, transposeA: Bool,
               c: [Float], ldc: Int, accumulate: Bool) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = accumulate ? Double(c[i * ldc + j]) : 0
                for p in 0..<k { s += Double(transposeA ? a[p * lda + i] : a[i * lda + p]) * Double(b[p * ldb + j]) }
                out[i * ldc + j] = Float(s)
            }
        }
        return out
    }

    @Test(arguments: [(7, 5, 3, false, false), (196, 32, 32, false, false), (32, 32, 196, true, false),
                      (9, 32, 50, false, true), (13, 9, 32, true, true)])
    func productsMatchTheDefinition(m: Int, n: Int, k: Int, transposeA: Bool, accumulate: Bool) {
        // Strides wider than the matrices, as inside the convolutions' buffers.
        let lda = (transposeA ? m : k) + 2, ldb = n + 1, ldc = n + 3
        var rng = SeededGenerator(seed: UInt64(m * 1000 + n * 10 + k))
        let a = (0..<((transposeA ? k : m) * lda)).map { _ in rng.nextUniform() - 0.5 }
        let b = (0..<(k * ldb)).map { _ in rng.nextUniform() - 0.5 }
        var c = (0..<(m * ldc)).map { _ in rng.nextUniform() - 0.5 }
        let expected = naive(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, transposeA: transposeA, c: c, ldc: ldc,
                             accumulate: accumulate)
        let product = SmallGEMM(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, transposeA: transposeA, accumulate: accumulate)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in product(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!) }
            }
        }
        #expect(Numeric.relativeError(c, expected) < 1e-5, "m \(m) n \(n) k \(k), generated: \(product.isGenerated)")
        // Padding columns of C are left alone.
        for i in 0..<m {
            for j in n..<ldc { #expect(c[i * ldc + j] == expected[i * ldc + j]) }
        }
    }
}
