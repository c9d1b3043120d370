import Foundation
import LatentCore

/// A Gaussian with a diagonal covariance: independent coordinates, each with its own mean and
/// variance. Fitted to an autoencoder's latent codes, it is the simplest generative model of
/// the latent space: sample codes from it and decode them.
///
/// ```swift
/// let prior = try DiagonalGaussian(fitting: model.encode(train.images))
/// let codes = prior.sample(count: 64, seed: 7)       // 64 × codeSize
/// let images = try model.decode(codes)
/// ```
public struct DiagonalGaussian: Sendable, Equatable {
    /// Mean of each coordinate (length D).
    public let mean: [Float]
    /// Variance of each coordinate (length D, each ≥ 0).
    public let variance: [Float]

    /// The number of coordinates.
    public var dimension: Int { mean.count }
    /// Standard deviation of each coordinate.
    public var standardDeviation: [Float] { variance.map { $0.squareRoot() } }

    /// A Gaussian with the given means and variances.
    /// - Throws: `AnalysisError.sizeMismatch` when the lengths differ or are zero,
    ///   `AnalysisError.invalidArgument` for a negative or non-finite variance or mean.
    public init(mean: [Float], variance: [Float]) throws {
        guard !mean.isEmpty, mean.count == variance.count else {
            throw AnalysisError.sizeMismatch("a diagonal Gaussian needs as many variances as means (≥ 1), got \(mean.count) means and \(variance.count) variances")
        }
        if let k = variance.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
            throw AnalysisError.invalidArgument("variance \(k) is \(variance[k]); variances must be finite and ≥ 0")
        }
        if let k = mean.firstIndex(where: { !$0.isFinite }) {
            throw AnalysisError.invalidArgument("mean \(k) is \(mean[k]); means must be finite")
        }
        self.mean = mean
        self.variance = variance
    }

    /// The maximum-likelihood fit to the rows of `data`: column means and column variances
    /// (dividing by N − 1, the unbiased estimate, so that a fit to 2 rows is not degenerate).
    /// - Throws: `AnalysisError.invalidArgument` for fewer than 2 rows or no columns,
    ///   `AnalysisError.nonFinite` for NaN or infinity in `data`.
    /// - Complexity: O(N·D).
    public init(fitting data: Matrix) throws {
        guard data.rows >= 2, data.columns >= 1 else {
            throw AnalysisError.invalidArgument("fitting a Gaussian needs at least 2 rows and 1 column, got \(data.rows) × \(data.columns)")
        }
        if let bad = data.firstNonFinite() { throw AnalysisError.nonFinite(row: bad.row, column: bad.column) }
        let n = Float(data.rows)
        try self.init(mean: data.columnMeans(), variance: data.columnVariances().map { $0 * n / (n - 1) })
    }

    /// `count` independent samples, one per row (count × D), reproducible for a given `seed`.
    public func sample(count: Int, seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        var out = Matrix.gaussian(rows: max(0, count), columns: dimension, using: &rng)
        out.scaleColumns(by: standardDeviation)
        out.subtractFromColumns(mean.map { -$0 })
        return out
    }
}
