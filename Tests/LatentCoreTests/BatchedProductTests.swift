import Foundation
import LatentCore
import Testing
import TestSupport

/// `BLAS.gemms` (independent products run concurrently) and the inner-split `BLAS.gemm`
/// (partial sums added in piece order) against naive products, on one and two threads.
@Suite struct BatchedProductTests {
    @Test func batchedProductsMatchNaiveProductsAndTheThreadCount() throws {
        let count = 5, m = 70, k = 33, n = 40
        let a = TestData.random(rows: count * m, columns: k, seed: 61)
        let b = TestData.random(rows: count * n, columns: k, seed: 62)   // each Bᵢ stored n × k (used transposed)
        func run() -> [Float] {
            var c = [Float](repeating: .nan, count: count * m * n)   // β = 0 must ignore what C held
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.gemms(count: count, .none, .transposed, m: m, n: n, k: k, a: pa.baseAddress!, lda: k, strideA: m * k,
                                   b: pb.baseAddress!, ldb: k, strideB: n * k, c: pc.baseAddress!, ldc: n, strideC: m * n)
                    }
                }
            }
            return c
        }
        let one = ExecutionContext(threads: 1).run(run), two = ExecutionContext(threads: 2).run(run)
        #expect(one == two)
        for i in 0..<count {
            let ai = try Matrix(rows: m, columns: k, elements: Array(a.elements[(i * m * k)..<((i + 1) * m * k)]))
            let bi = try Matrix(rows: n, columns: k, elements: Array(b.elements[(i * n * k)..<((i + 1) * n * k)]))
            let expected = Numeric.naiveProduct(ai, bi.transposed())
            #expect(Numeric.relativeError(Array(one[(i * m * n)..<((i + 1) * m * n)]), expected.elements) < 1e-5)
        }
    }

    @Test(arguments: [Transpose.none, .transposed])
    func innerSplitProductMatchesTheNaiveProductAndTheThreadCount(transA: Transpose) {
        let m = 9, n = 32, k = 20_011                     // 16 uneven pieces
        #expect(BLAS.innerParts(m: m, n: n, k: k) > 1)
        let stored = transA == .none ? TestData.random(rows: m, columns: k, seed: 63) : TestData.random(rows: k, columns: m, seed: 63)
        let b = TestData.random(rows: k, columns: n, seed: 64)
        let c0 = TestData.random(rows: m, columns: n, seed: 65)
        func run(beta: Float) -> [Float] {
            var c = c0.elements
            var partials = [Float](repeating: 0, count: 16 * m * n)
            stored.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        partials.withUnsafeMutableBufferPointer { pp in
                            BLAS.gemm(transA, m: m, n: n, k: k, a: pa.baseAddress!, lda: stored.columns, b: pb.baseAddress!,
                                      ldb: n, beta: beta, c: pc.baseAddress!, partials: pp.baseAddress!)
                        }
                    }
                }
            }
            return c
        }
        let a = transA == .none ? stored : stored.transposed()
        let product = Numeric.naiveProduct(a, b).elements
        for beta: Float in [0, 1] {
            let one = ExecutionContext(threads: 1).run { run(beta: beta) }, two = ExecutionContext(threads: 2).run { run(beta: beta) }
            #expect(one == two)
            let expected = zip(product, c0.elements).map { $0 + beta * $1 }
            #expect(Numeric.relativeError(one, expected) < 1e-5, "β = \(beta)")
        }
    }
}
