import COpenBLAS

/// Dense linear algebra through LAPACKE.
public enum LinearAlgebra {
    /// Eigen-decomposition of a symmetric matrix (`LAPACKE_ssyevd`).
    ///
    /// - Returns: the eigenvalues in descending order and the matching unit eigenvectors as the
    ///   columns of an n × n matrix.
    /// - Throws: `MatrixError` when the matrix is not square or LAPACK does not converge.
    public static func symmetricEigen(_ a: Matrix) throws -> (values: [Float], vectors: Matrix) {
        guard a.rows == a.columns else {
            throw MatrixError.shapeMismatch("eigen-decomposition needs a square matrix, got \(a.rows) × \(a.columns)")
        }
        let n = a.rows
        if n == 0 { return ([], a) }
        // ssyevd's documented workspace (JOBZ = V): 1 + 6n + 2n² floats and 3 + 5n integers.
        // LAPACKE_ssyevd would ask LAPACK and read the answer back through a Float, which rounds
        // it down for n ≳ 2,900 (2n² > 2²⁴) and fails with info −9; these sizes are exact.
        let lwork = MemoryEstimate.sum(1, MemoryEstimate.product(6, n), MemoryEstimate.product(2, MemoryEstimate.product(n, n)))
        let liwork = 3 + 5 * n
        guard lwork <= Int(Int32.max), n <= Int(Int32.max) / 5 else {
            throw MatrixError.lapack("a \(n) × \(n) eigen-decomposition needs a workspace of \(lwork) floats, more than LAPACK's 32-bit sizes allow")
        }
        try MemoryEstimate.check(MemoryEstimate.bytes(floats: MemoryEstimate.sum(lwork, MemoryEstimate.product(2, MemoryEstimate.product(n, n))))) { need, limit in
            MatrixError.lapack("a \(n) × \(n) eigen-decomposition needs about \(MemoryEstimate.format(need)), more than the \(MemoryEstimate.format(limit)) available")
        }
        var work = a
        var w = [Float](repeating: 0, count: n)
        var workspace = [Float](repeating: 0, count: lwork)
        var iworkspace = [Int32](repeating: 0, count: liwork)
        let info = work.withUnsafeMutableBufferPointer { p in
            w.withUnsafeMutableBufferPointer { wp in
                workspace.withUnsafeMutableBufferPointer { wk in
                    iworkspace.withUnsafeMutableBufferPointer { iw in
                        LAPACKE_ssyevd_work(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")),
                                            Int32(n), p.baseAddress, Int32(n), wp.baseAddress,
                                            wk.baseAddress, Int32(lwork), iw.baseAddress, Int32(liwork))
                    }
                }
            }
        }
        guard info == 0 else { throw MatrixError.lapack(LinearAlgebra.explain("ssyevd", info: info)) }
        // LAPACK returns ascending order; reverse to descending.
        let order = Array((0..<n).reversed())
        var vectors = Matrix(rows: n, columns: n)
        for i in 0..<n { for (jj, j) in order.enumerated() { vectors[i, jj] = work[i, j] } }
        return (order.map { w[$0] }, vectors)
    }

    /// Thin singular value decomposition `A = U diag(s) Vᵀ` (`LAPACKE_sgesdd`).
    ///
    /// - Returns: `u` (m × r), `s` (r, descending), `vt` (r × n) with r = min(m, n).
    public static func svd(_ a: Matrix) throws -> (u: Matrix, s: [Float], vt: Matrix) {
        let m = a.rows, n = a.columns, r = min(m, n)
        guard r > 0 else { return (Matrix(rows: m, columns: 0), [], Matrix(rows: 0, columns: n)) }
        var work = a
        var s = [Float](repeating: 0, count: r)
        var u = Matrix(rows: m, columns: r)
        var vt = Matrix(rows: r, columns: n)
        var iworkspace = [Int32](repeating: 0, count: 8 * r)
        // Ask LAPACK for the workspace, then round its Float answer up (with a margin for the
        // Float's rounding), instead of LAPACKE_sgesdd's truncation.
        var query: Float = 0
        func run(_ workspace: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
            work.withUnsafeMutableBufferPointer { p in
                s.withUnsafeMutableBufferPointer { sp in
                    u.withUnsafeMutableBufferPointer { up in
                        vt.withUnsafeMutableBufferPointer { vp in
                            iworkspace.withUnsafeMutableBufferPointer { iw in
                                LAPACKE_sgesdd_work(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "S")), Int32(m), Int32(n),
                                                    p.baseAddress, Int32(n), sp.baseAddress, up.baseAddress, Int32(r),
                                                    vp.baseAddress, Int32(n), workspace, lwork, iw.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        var info = run(&query, -1)
        guard info == 0 else { throw MatrixError.lapack(explain("sgesdd", info: info)) }
        let lwork = Double(query) * (1 + 1e-6) + 64
        guard lwork < Double(Int32.max) else {
            throw MatrixError.lapack("a \(m) × \(n) SVD needs a workspace of \(Int(lwork)) floats, more than LAPACK's 32-bit sizes allow")
        }
        var workspace = [Float](repeating: 0, count: Int(lwork))
        info = workspace.withUnsafeMutableBufferPointer { run($0.baseAddress!, Int32($0.count)) }
        guard info == 0 else { throw MatrixError.lapack(explain("sgesdd", info: info)) }
        return (u, s, vt)
    }

    /// What a LAPACK `info` code means: a negative one is an argument LAPACK rejected (a bug
    /// here), a positive one an iteration that did not converge, which in single precision
    /// usually means values too large or too small to square (beyond about 1e18 or below 1e-18).
    static func explain(_ routine: String, info: Int32) -> String {
        info < 0
            ? "\(routine) rejected argument \(-info) (an internal error)"
            : "\(routine) did not converge (info \(info)); the data's values may be too large or too small for single precision — scale them to a moderate range"
    }
}
