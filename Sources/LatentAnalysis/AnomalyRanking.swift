import LatentCore

/// Samples ranked by how badly a model reconstructs them: the autoencoder's anomaly score.
///
/// An autoencoder trained on typical data reconstructs typical samples well; a sample whose
/// per-sample reconstruction error is far above the rest is unlike the training data (a
/// mislabelled, corrupted or unusual image).
///
/// ```swift
/// let ranking = try AnomalyRanking(inputs: test.images, reconstructions: model.reconstruct(test.images))
/// for i in ranking.top(10) { print(i, ranking.errors[i]) }
/// ```
public struct AnomalyRanking: Sendable {
    /// The error of each sample, in the samples' order.
    public let errors: [Float]
    /// Sample indices from the largest error to the smallest (ties: lower index first).
    public let order: [Int]

    /// Ranks samples by `errors` (one per sample).
    /// - Throws: `AnalysisError.invalidArgument` when an error is NaN.
    public init(errors: [Float]) throws {
        if let k = errors.firstIndex(where: { $0.isNaN }) {
            throw AnalysisError.invalidArgument("the error of sample \(k) is NaN; cannot rank it")
        }
        self.errors = errors
        self.order = errors.indices.sorted { errors[$0] > errors[$1] || (errors[$0] == errors[$1] && $0 < $1) }
    }

    /// Ranks the rows of `inputs` by their mean squared reconstruction error
    /// (`AnomalyRanking.meanSquaredErrors`).
    public init(inputs: Matrix, reconstructions: Matrix) throws {
        try self.init(errors: AnomalyRanking.meanSquaredErrors(inputs, reconstructions))
    }

    /// The indices of the `count` samples with the largest errors, largest first.
    public func top(_ count: Int) -> [Int] { Array(order.prefix(max(0, count))) }

    /// The 0-based rank of each sample (0 = largest error).
    public var ranks: [Int] {
        var r = [Int](repeating: 0, count: order.count)
        for (rank, i) in order.enumerated() { r[i] = rank }
        return r
    }

    /// The mean squared difference between each row of `inputs` and the same row of
    /// `reconstructions`: (1/D) Σⱼ (xᵢⱼ − x̂ᵢⱼ)², one value per row, summed in `Double`.
    ///
    /// - Throws: `AnalysisError.sizeMismatch` when the shapes differ,
    ///   `AnalysisError.invalidArgument` when there are no columns.
    /// - Complexity: O(N·D), in parallel over rows; the result does not depend on the thread count.
    public static func meanSquaredErrors(_ inputs: Matrix, _ reconstructions: Matrix) throws -> [Float] {
        guard inputs.rows == reconstructions.rows, inputs.columns == reconstructions.columns else {
            throw AnalysisError.sizeMismatch("inputs are \(inputs.rows) × \(inputs.columns) but reconstructions are \(reconstructions.rows) × \(reconstructions.columns)")
        }
        let n = inputs.rows, d = inputs.columns
        guard d > 0 else { throw AnalysisError.invalidArgument("samples have no values; there is no error to measure") }
        var out = [Float](repeating: 0, count: n)
        inputs.withUnsafeBufferPointer { a in
            reconstructions.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    let sa = UnsafeSendable(a), sb = UnsafeSendable(b), so = UnsafeSendable(o)
                    Parallel.forEachChunk(count: n, chunks: Parallel.defaultChunks(for: n * d, minimumPerChunk: 65_536)) { _, rows in
                        rowMeanSquaredErrors(sa.value, sb.value, so.value, rows: rows, columns: d)
                    }
                }
            }
        }
        return out
    }

    /// Writes the mean squared difference of each row in `rows` to `out`.
    static func rowMeanSquaredErrors(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                                     _ out: UnsafeMutableBufferPointer<Float>, rows: Range<Int>, columns d: Int) {
        for i in rows {
            let base = i * d
            var s = 0.0
            for j in 0..<d {
                let e = Double(a[base + j] - b[base + j])
                s += e * e
            }
            out[i] = Float(s / Double(d))
        }
    }
}
