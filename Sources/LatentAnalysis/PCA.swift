import LatentCore

/// Principal component analysis through the symmetric eigensolver (`LAPACKE_ssyevd`) on the
/// D × D covariance matrix, computed by `cblas_sgemm`; for wide data (fewer samples than
/// features, e.g. 500 CIFAR images of 3,072 values) through the thin SVD of the centred N × D
/// data (`LAPACKE_sgesdd`), which costs O(N²·D) and never forms the D × D matrix.
///
/// ```swift
/// let pca = try PCA(fitting: pixels, components: 50)
/// let reduced = pca.transform(pixels)          // N × 50
/// print(pca.explainedVarianceRatio.prefix(3))
/// ```
public struct PCA: Sendable {
    /// Column means of the training data (length D).
    public let mean: [Float]
    /// The principal axes as rows: K × D, unit length, by decreasing variance.
    public let components: Matrix
    /// Variance along each component (sample variance, divides by N − 1).
    public let explainedVariance: [Float]
    /// `explainedVariance` as a fraction of the total variance.
    public let explainedVarianceRatio: [Float]

    /// Fits `components` principal axes to the rows of `data`.
    /// - Throws: `MatrixError` when `components` is not in 1...min(N, D), when there are fewer
    ///   than 2 rows, or when LAPACK fails; `AnalysisError.nonFinite` for NaN or infinity in
    ///   `data`, `AnalysisError.invalidArgument` for values too large to square in Float.
    /// - Complexity: O(N·D² + D³), or O(N²·D) when N < D.
    public init(fitting data: Matrix, components k: Int) throws {
        let n = data.rows, d = data.columns
        guard n >= 2 else { throw MatrixError.shapeMismatch("PCA needs at least 2 rows, got \(n)") }
        guard k >= 1, k <= min(n, d) else {
            throw MatrixError.shapeMismatch("PCA components must be in 1...\(min(n, d)) (at most the \(n) samples and \(d) features), got \(k)")
        }
        if let (r, c) = data.firstNonFinite() { throw AnalysisError.nonFinite(row: r, column: c) }
        if let (r, c, v) = data.firstFarFromColumnMean() {
            throw AnalysisError.invalidArgument("PCA: the value \(v) at row \(r), column \(c) is too far from its column's mean for single precision (covariances overflow beyond about \(Matrix.largestCenteredMagnitude)); scale the data down")
        }
        let (centered, mean) = data.centered()
        // Axes as the columns of a D × r matrix, with the variance along each.
        let values: [Float], axes: (Int, Int) -> Float
        if n < d {
            let (_, s, vt) = try LinearAlgebra.svd(centered)
            values = s.map { $0 * $0 / Float(n - 1) }
            axes = { j, c in vt[c, j] }
        } else {
            let cov = centered.multiplied(by: centered, transposingSelf: .transposed, scale: 1 / Float(n - 1))
            let (eigenvalues, vectors) = try LinearAlgebra.symmetricEigen(cov)
            values = eigenvalues
            axes = { j, c in vectors[j, c] }
        }
        let total = values.reduce(0.0) { $0 + Double(max($1, 0)) }
        var comps = Matrix(rows: k, columns: d)
        for c in 0..<k {
            // Fix the sign so the largest-magnitude loading is positive: results are reproducible.
            var big: Float = 0
            for j in 0..<d where abs(axes(j, c)) > abs(big) { big = axes(j, c) }
            let s: Float = big < 0 ? -1 : 1
            for j in 0..<d { comps[c, j] = s * axes(j, c) }
        }
        self.mean = mean
        self.components = comps
        self.explainedVariance = values.prefix(k).map { max($0, 0) }
        self.explainedVarianceRatio = values.prefix(k).map { total > 0 ? Float(Double(max($0, 0)) / total) : 0 }
    }

    /// Projects rows of `data` onto the components: N × K.
    public func transform(_ data: Matrix) -> Matrix {
        precondition(data.columns == mean.count, "PCA was fitted on \(mean.count) columns, data has \(data.columns)")
        var c = data
        c.subtractFromColumns(mean)
        return c.multiplied(by: components, transposingOther: .transposed)
    }

    /// Maps scores (N × K) back to the input space (N × D).
    public func inverseTransform(_ scores: Matrix) -> Matrix {
        precondition(scores.columns == components.rows, "PCA has \(components.rows) components, scores have \(scores.columns)")
        var out = scores.multiplied(by: components)
        out.subtractFromColumns(mean.map { -$0 })
        return out
    }
}
