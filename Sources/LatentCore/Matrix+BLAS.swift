import COpenBLAS

/// Whether an operand of a product is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Thin wrappers over OpenBLAS.
///
/// OpenBLAS's own threading gives results that change with its thread count, so LatentMap runs
/// OpenBLAS single-threaded and parallelises large products itself: the rows of C are cut into
/// chunks fixed by the shape alone, each computed by one single-threaded `cblas_sgemm` call on
/// `ExecutionContext.current.threads` workers. The result is then the same for every thread count.
/// Inside `Parallel.serially`, `gemm` is one call (a data-parallel worker owns its rows already).
public enum BLAS {
    private static let singleThreaded: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// The number of threads OpenBLAS itself uses (1: LatentMap parallelises around it).
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// `C = alpha * op(A) * op(B) + beta * C` on raw row-major buffers (`cblas_sgemm`).
    ///
    /// - Parameters:
    ///   - m, n, k: `op(A)` is m × k, `op(B)` is k × n, `C` is m × n.
    ///   - lda, ldb, ldc: row strides of the stored A, B and C.
    public static func gemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        _ = singleThreaded
        let work = Double(m) * Double(n) * Double(max(k, 1))
        // Chunks depend on the shape only (never on the thread count).
        // Inside `Parallel.serially` (a data-parallel worker) one call, whatever the size.
        let chunks = work < 2_000_000 || Parallel.isSerial ? 1 : max(1, min(16, m / 32))
        if chunks == 1 {
            sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let pa = UnsafeSendable(a), pb = UnsafeSendable(b), pc = UnsafeSendable(c)
        Parallel.forEachChunk(count: m, chunks: chunks) { _, rows in
            let aOffset = transA == .none ? rows.lowerBound * lda : rows.lowerBound
            sgemm(transA, transB, m: rows.count, n: n, k: k, alpha: alpha, a: pa.value + aOffset, lda: lda, b: pb.value,
                  ldb: ldb, beta: beta, c: pc.value + rows.lowerBound * ldc, ldc: ldc)
        }
    }

    /// The number of pieces `gemm(_:m:n:k:…partials:)` cuts an inner dimension of `k` into for
    /// an `m × n` result (1 for small products); its `partials` need `parts · m · n` floats.
    public static func innerParts(m: Int, n: Int, k: Int) -> Int {
        Double(m) * Double(n) * Double(k) < 2_000_000 ? 1 : max(1, min(16, k / 512))
    }

    /// `C = op(A)·B + beta·C` with the inner dimension cut into `innerParts(m:n:k:)` pieces,
    /// each piece's product one single-threaded `cblas_sgemm` into its own `m × n` block of
    /// `partials`, run concurrently; the blocks are then added to C in piece order.
    ///
    /// For products with a small C and a long inner dimension (a convolution's weight gradient
    /// summed over every pixel of a batch), which `gemm` would run on one thread. C must be
    /// contiguous (`ldc = n`).
    public static func gemm(
        _ transA: Transpose, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float = 0, c: UnsafeMutablePointer<Float>,
        partials: UnsafeMutablePointer<Float>
    ) {
        let parts = innerParts(m: m, n: n, k: k)
        guard parts > 1 else {
            gemm(transA, .none, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: n)
            return
        }
        _ = singleThreaded
        let pa = UnsafeSendable(a), pb = UnsafeSendable(b), pp = UnsafeSendable(partials)
        Parallel.forEachChunk(count: parts, chunks: parts) { _, pieces in
            for piece in pieces {
                let inner = Parallel.range(ofChunk: piece, of: parts, count: k)
                let aOffset = transA == .none ? inner.lowerBound : inner.lowerBound * lda
                sgemm(transA, .none, m: m, n: n, k: inner.count, alpha: 1, a: pa.value + aOffset, lda: lda,
                      b: pb.value + inner.lowerBound * ldb, ldb: ldb, beta: 0, c: pp.value + piece * m * n, ldc: n)
            }
        }
        let count = m * n
        if beta == 0 {
            c.update(from: partials, count: count)
        } else {
            for i in 0..<count { c[i] = beta * c[i] + partials[i] }
        }
        for piece in 1..<parts {
            let part = partials + piece * count
            for i in 0..<count { c[i] += part[i] }
        }
    }

    /// One single-threaded `cblas_sgemm`. With `beta = 0`, C is zeroed here first and the
    /// product added with `beta = 1`: the same values, but OpenBLAS would zero C with one
    /// `memset` call per row (costly for narrow C, e.g. 32 filters).
    private static func sgemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
                              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
                              c: UnsafeMutablePointer<Float>, ldc: Int) {
        var beta = beta
        if beta == 0 {
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            }
            beta = 1
        }
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `count` independent products `Cᵢ = op(Aᵢ)·op(Bᵢ) + beta·Cᵢ` of one shape, the i-th
    /// operands starting `i·strideA`, `i·strideB` and `i·strideC` floats after `a`, `b`, `c`.
    ///
    /// Each product is one single-threaded `cblas_sgemm`, and the products run concurrently
    /// (one chunk each), so the result does not depend on the thread count. For many small
    /// products: the 16 of a Winograd convolution, or a product split into partial sums.
    public static func gemms(
        count: Int, _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, strideA: Int, b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int
    ) {
        guard count > 0, m > 0, n > 0 else { return }
        _ = singleThreaded
        let pa = UnsafeSendable(a), pb = UnsafeSendable(b), pc = UnsafeSendable(c)
        let work = Double(count) * Double(m) * Double(n) * Double(max(k, 1))
        Parallel.forEachChunk(count: count, chunks: work < 2_000_000 ? 1 : count) { _, products in
            for i in products {
                sgemm(transA, transB, m: m, n: n, k: k, alpha: 1, a: pa.value + i * strideA, lda: lda,
                      b: pb.value + i * strideB, ldb: ldb, beta: beta, c: pc.value + i * strideC, ldc: ldc)
            }
        }
    }
}

extension Matrix {
    /// The product `op(self) * op(other)`, computed by `cblas_sgemm`.
    ///
    /// - Precondition: the inner dimensions agree; the message names both shapes otherwise.
    /// - Complexity: O(m·n·k).
    public func multiplied(by other: Matrix, transposingSelf ta: Transpose = .none,
                           transposingOther tb: Transpose = .none, scale alpha: Float = 1) -> Matrix {
        let m = ta == .none ? rows : columns
        let k = ta == .none ? columns : rows
        let k2 = tb == .none ? other.rows : other.columns
        let n = tb == .none ? other.columns : other.rows
        precondition(k == k2, "cannot multiply \(m) × \(k) by \(k2) × \(n): inner dimensions differ")
        var out = Matrix(rows: m, columns: n)
        if k == 0 { return out }
        withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(ta, tb, m: m, n: n, k: k, alpha: alpha, a: a.baseAddress!, lda: columns,
                              b: b.baseAddress!, ldb: other.columns, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    /// `self = alpha * op(a) * op(b) + beta * self`, in place.
    public mutating func addProduct(_ a: Matrix, _ b: Matrix, transposingA ta: Transpose = .none,
                                    transposingB tb: Transpose = .none, alpha: Float = 1, beta: Float = 1) {
        let m = ta == .none ? a.rows : a.columns
        let k = ta == .none ? a.columns : a.rows
        let k2 = tb == .none ? b.rows : b.columns
        let n = tb == .none ? b.columns : b.rows
        precondition(k == k2, "cannot multiply \(m) × \(k) by \(k2) × \(n): inner dimensions differ")
        precondition(rows == m && columns == n, "product is \(m) × \(n) but the target is \(rows) × \(columns)")
        let cols = columns
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(ta, tb, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: a.columns,
                              b: pb.baseAddress!, ldb: b.columns, beta: beta, c: pc.baseAddress!, ldc: cols)
                }
            }
        }
    }
}
