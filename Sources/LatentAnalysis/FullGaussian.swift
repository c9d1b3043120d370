import Foundation
import LatentCore

/// A Gaussian with a full covariance: correlated coordinates, N(μ, Σ). Fitted to an
/// autoencoder's latent codes, its samples keep the correlations between code values that a
/// `DiagonalGaussian` drops, so decoded samples look more like the data when the code is
/// entangled.
///
/// ```swift
/// let gaussian = try FullGaussian(fitting: model.encode(train.images))
/// let codes = gaussian.sample(count: 64, seed: 7)      // 64 × codeSize
/// ```
public struct FullGaussian: Sendable, Equatable {
    /// The mean (length D).
    public let mean: [Float]
    /// The covariance, D × D (the unbiased estimate: divided by N − 1).
    public let covariance: Matrix
    /// A square root A of the covariance (A·Aᵀ = Σ), from its eigen-decomposition:
    /// A = V·√Λ, negative eigenvalues from rounding set to 0.
    let root: Matrix

    /// The number of coordinates.
    public var dimension: Int { mean.count }

    /// The maximum-likelihood mean and the unbiased covariance of the rows of `data`.
    /// - Throws: `AnalysisError.invalidArgument` for fewer than 2 rows or no columns,
    ///   `AnalysisError.nonFinite` for NaN or infinity in `data`; LAPACK errors.
    /// - Complexity: O(N·D² + D³).
    public init(fitting data: Matrix) throws {
        guard data.rows >= 2, data.columns >= 1 else {
            throw AnalysisError.invalidArgument("fitting a Gaussian needs at least 2 rows and 1 column, got \(data.rows) × \(data.columns)")
        }
        if let bad = data.firstNonFinite() { throw AnalysisError.nonFinite(row: bad.row, column: bad.column) }
        let (centred, means) = data.centered()
        mean = means
        covariance = centred.multiplied(by: centred, transposingSelf: .transposed, scale: 1 / Float(data.rows - 1))
        let (values, vectors) = try LinearAlgebra.symmetricEigen(covariance)
        var root = vectors
        root.scaleColumns(by: values.map { max($0, 0).squareRoot() })
        self.root = root
    }

    /// `count` independent samples, one per row (count × D): μ + A·ε with ε ~ N(0, I),
    /// reproducible for a given `seed`.
    public func sample(count: Int, seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        let standard = Matrix.gaussian(rows: max(0, count), columns: dimension, using: &rng)
        var out = standard.multiplied(by: root, transposingOther: .transposed)
        out.subtractFromColumns(mean.map { -$0 })
        return out
    }
}
