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
        var work = a
        var w = [Float](repeating: 0, count: n)
        let info = work.withUnsafeMutableBufferPointer { p in
            w.withUnsafeMutableBufferPointer { wp in
                LAPACKE_ssyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")),
                               Int32(n), p.baseAddress, Int32(n), wp.baseAddress)
            }
        }
        guard info == 0 else { throw MatrixError.lapack("ssyevd failed with info \(info)") }
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
        var work = a
        var s = [Float](repeating: 0, count: r)
        var u = Matrix(rows: m, columns: r)
        var vt = Matrix(rows: r, columns: n)
        let info = work.withUnsafeMutableBufferPointer { p in
            s.withUnsafeMutableBufferPointer { sp in
                u.withUnsafeMutableBufferPointer { up in
                    vt.withUnsafeMutableBufferPointer { vp in
                        LAPACKE_sgesdd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "S")), Int32(m), Int32(n),
                                       p.baseAddress, Int32(n), sp.baseAddress, up.baseAddress, Int32(r),
                                       vp.baseAddress, Int32(n))
                    }
                }
            }
        }
        guard info == 0 else { throw MatrixError.lapack("sgesdd failed with info \(info)") }
        return (u, s, vt)
    }
}
