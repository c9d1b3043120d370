import COpenBLAS
import CXSMM

/// One small row-major product `C = op(A)·B` (or `C += op(A)·B`) of a fixed shape, run by a
/// kernel LIBXSMM generates for this machine at run time.
///
/// OpenBLAS packs both operands into its own layout before every product, which costs as
/// much as the multiplications when the inner dimension and the columns are small (a Winograd
/// convolution's 32 × 32 products over a few hundred tiles). LIBXSMM's kernels read the
/// operands where they are. A kernel sums each entry over the inner dimension in one fixed
/// order, so a product gives the same bits on every call and thread. Where LIBXSMM cannot
/// generate a kernel (a shape or CPU it does not cover), the product falls back to one
/// single-threaded `cblas_sgemm`.
///
/// Build the value outside a parallel loop (the look-up takes a lock the first time) and call
/// it from any thread.
public struct SmallGEMM: @unchecked Sendable {
    public let m: Int, n: Int, k: Int
    public let lda: Int, ldb: Int, ldc: Int
    public let transposeA: Bool
    public let accumulate: Bool
    private let kernel: UnsafeRawPointer?

    private static let initialized: Bool = {
        libxsmm_init()
        openblas_set_num_threads(1)
        return true
    }()

    /// - Parameters:
    ///   - m, n, k: `op(A)` is m × k, B is k × n, C is m × n (row-major, strides lda, ldb, ldc).
    ///   - transposeA: A is stored k × m and used transposed.
    ///   - accumulate: add the product to C (β = 1) instead of overwriting it (β = 0).
    public init(m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, transposeA: Bool = false, accumulate: Bool = false) {
        _ = SmallGEMM.initialized
        self.m = m; self.n = n; self.k = k
        self.lda = lda; self.ldb = ldb; self.ldc = ldc
        self.transposeA = transposeA; self.accumulate = accumulate
        // Row-major C = op(A)·B is column-major Cᵀ = Bᵀ·op(A)ᵀ: LIBXSMM's A is our B and its B
        // our A, transposed when ours is.
        kernel = m > 0 && n > 0 && k > 0
            ? latentmap_xsmm_dispatch(Int32(n), Int32(m), Int32(k), Int32(ldb), Int32(lda), Int32(ldc),
                                      transposeA ? 1 : 0, accumulate ? 1 : 0)
            : nil
    }

    /// Whether a generated kernel runs the product (false: `cblas_sgemm`).
    public var isGenerated: Bool { kernel != nil }

    /// Computes the product into `c`.
    @inline(__always)
    public func callAsFunction(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
        if let kernel {
            latentmap_xsmm_sgemm(kernel, b, a, c)
            return
        }
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda), b, Int32(ldb), accumulate ? 1 : 0, c, Int32(ldc))
    }
}
