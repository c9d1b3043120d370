import LatentCore

/// How the distance between two points is measured.
public enum DistanceMetric: String, Sendable, CaseIterable {
    /// The straight-line distance ‖a − b‖.
    case euclidean
    /// One minus the cosine of the angle between the vectors, 1 − a·b / (‖a‖‖b‖), in [0, 2].
    /// A zero vector is treated as orthogonal to every other vector.
    case cosine
}

/// Squared distances between two sets of points, computed block by block through GEMM.
///
/// Squared Euclidean distances are ‖a‖² + ‖b‖² − 2 a·b; the products come from one
/// `BLAS.gemm` call per block of query rows, so the cost is that of a matrix product and memory
/// stays at one block (about 64 MB) whatever the number of points.
public enum PairwiseDistances {
    /// All squared distances from the rows of `queries` to the rows of `reference`.
    ///
    /// For `.euclidean` the entries are ‖a − b‖²; for `.cosine` they are (1 − cos)², so that both
    /// are the square of the metric's distance.
    /// - Returns: a `queries.rows × reference.rows` matrix.
    /// - Complexity: O(M·N·D) time, O(M·N) memory for the result.
    public static func squared(from queries: Matrix, to reference: Matrix, metric: DistanceMetric = .euclidean) -> Matrix {
        precondition(queries.columns == reference.columns,
                     "points have \(queries.columns) and \(reference.columns) dimensions")
        let n = reference.rows
        var out = Matrix(rows: queries.rows, columns: n)
        out.withUnsafeMutableBufferPointer { o in
            let dst = UnsafeSendable(o.baseAddress!)
            forEachBlock(queries: queries, reference: reference, metric: metric) { start, rows, block in
                let src = UnsafeSendable(block)
                Parallel.forEachChunk(count: rows, chunks: Parallel.defaultChunks(for: rows, minimumPerChunk: 4)) { _, range in
                    for local in range {
                        let row = src.value + local * n, target = dst.value + (start + local) * n
                        for j in 0..<n { target[j] = squaredMetricDistance(row[j], metric) }
                    }
                }
            }
        }
        return out
    }

    /// Converts a squared Euclidean distance between (for cosine: normalised) rows into the
    /// square of the metric's distance.
    @inline(__always)
    static func squaredMetricDistance(_ squaredEuclidean: Float, _ metric: DistanceMetric) -> Float {
        switch metric {
        case .euclidean: return squaredEuclidean
        case .cosine: let c = squaredEuclidean * 0.5; return c * c
        }
    }

    /// Rows scaled to unit length (zero rows stay zero), for the cosine metric.
    static func normalizedRows(_ m: Matrix) -> Matrix {
        var out = m
        let c = m.columns
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<m.rows {
                var s: Float = 0
                for j in 0..<c { s += p[i * c + j] * p[i * c + j] }
                if s > 0 {
                    let inv = 1 / s.squareRoot()
                    for j in 0..<c { p[i * c + j] *= inv }
                }
            }
        }
        return out
    }

    /// Number of query rows per block: about 16 M distances (64 MB), and at least 256 rows so
    /// that `BLAS.gemm` splits each block's product over the workers and the reference points are
    /// packed (once per call) as rarely as possible. Depends on the sizes only, so results never
    /// depend on the thread count.
    static func blockRows(queries: Int, reference: Int) -> Int {
        max(1, min(queries, max(256, 16_777_216 / max(reference, 1))))
    }

    /// Calls `body(start, rows, block)` for consecutive blocks of query rows, serially; `block`
    /// holds `rows × reference.rows` squared Euclidean distances (clamped at zero) of the rows
    /// (normalised first for `.cosine`). `body` may run its own parallel loop over the rows.
    static func forEachBlock(queries rawQueries: Matrix, reference rawReference: Matrix, metric: DistanceMetric,
                             _ body: (_ start: Int, _ rows: Int, _ block: UnsafeMutablePointer<Float>) -> Void) {
        let queries = metric == .cosine ? normalizedRows(rawQueries) : rawQueries
        let reference = metric == .cosine ? normalizedRows(rawReference) : rawReference
        let m = queries.rows, n = reference.rows, d = queries.columns
        guard m > 0, n > 0 else { return }
        let qNorms = queries.rowSquaredNorms(), rNorms = reference.rowSquaredNorms()
        let bRows = blockRows(queries: m, reference: n)
        var block = [Float](repeating: 0, count: bRows * n)
        queries.withUnsafeBufferPointer { q in
        reference.withUnsafeBufferPointer { r in
        qNorms.withUnsafeBufferPointer { qn in
        rNorms.withUnsafeBufferPointer { rn in
        block.withUnsafeMutableBufferPointer { b in
            let bp = UnsafeSendable(b.baseAddress!), qnp = UnsafeSendable(qn.baseAddress!)
            let rnp = UnsafeSendable(rn.baseAddress!)
            var start = 0
            while start < m {
                let rows = min(bRows, m - start)
                if d > 0 {
                    BLAS.gemm(.none, .transposed, m: rows, n: n, k: d, alpha: -2, a: q.baseAddress! + start * d, lda: d,
                              b: r.baseAddress!, ldb: d, beta: 0, c: bp.value, ldc: n)
                } else {
                    bp.value.update(repeating: 0, count: rows * n)
                }
                let first = start
                Parallel.forEachChunk(count: rows, chunks: Parallel.defaultChunks(for: rows, minimumPerChunk: 4)) { _, range in
                    for local in range {
                        let row = bp.value + local * n
                        let a = qnp.value[first + local]
                        let norms = rnp.value
                        for j in 0..<n { row[j] = max(0, row[j] + a + norms[j]) }
                    }
                }
                body(start, rows, bp.value)
                start += rows
            }
        }}}}}
    }
}
