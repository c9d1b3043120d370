import LatentAnalysis
import LatentCore

/// A finished t-SNE map that new points can be placed into without moving it (openTSNE's
/// `TSNEEmbedding.transform`, with the map kept as a value and a plain file).
///
/// It keeps what placing needs: the reference points in input space (to find each new point's
/// nearest reference points), their positions in the map, the metric, and the gradient method
/// (exact or Barnes-Hut with its θ) that decides how the repulsion from the reference is
/// computed. The perplexity of the fit is kept for the record; placing uses its own, smaller
/// one (`TSNEPlacement.perplexity`). When the map was made from projected inputs (the CLI's
/// PCA-50 of raw pixels), `projection` maps raw new rows the same way first.
///
/// ```swift
/// let tsne = TSNE(perplexity: 30, seed: 1)
/// let result = try tsne.fit(train)
/// let map = try TSNEMap(reference: train, result: result, tsne: tsne, labels: trainLabels)
/// try map.write(to: "map.safetensors")                        // numpy-readable, see TSNEMap+File
/// let placed = try map.transform(test).positions              // the map itself does not move
/// ```
public struct TSNEMap: Sendable {
    /// N × D reference points in input space (after `projection`, when there is one).
    public let reference: Matrix
    /// N × d positions of the reference points (d = 2 or 3); placing never changes them.
    public let positions: Matrix
    /// The perplexity the map was fitted with.
    public let perplexity: Double
    /// The distance between input points; new points are measured against the reference in it.
    public let metric: DistanceMetric
    /// How the repulsion from the reference is computed when placing: `.exact` sums over every
    /// reference point, `.barnesHut(theta:)` walks a tree built once over the fixed positions.
    public let method: GradientMethod
    /// One class label per reference point, when known (for judging placed points), else nil.
    public let labels: [Int]?
    /// The linear map from raw input rows to the reference's space, when the map was fitted on
    /// projected data (e.g. PCA-50 of pixels); nil when new rows are used as they are.
    public let projection: Projection?

    /// An affine projection x ↦ (x − mean) · componentsᵀ, as `PCA.transform` computes it.
    public struct Projection: Sendable, Equatable {
        /// Column means of the raw training rows (length D₀).
        public let mean: [Float]
        /// K × D₀ axes, one per row.
        public let components: Matrix

        /// The projection of a fitted PCA.
        public init(_ pca: PCA) {
            mean = pca.mean
            components = pca.components
        }

        /// A projection from its mean and axes.
        /// - Throws: `TSNEError.invalidParameter` when the sizes disagree or a value is not finite.
        public init(mean: [Float], components: Matrix) throws {
            guard mean.count == components.columns, components.rows >= 1 else {
                throw TSNEError.invalidParameter(name: "projection", value: "\(components.rows) × \(components.columns) axes, mean of \(mean.count)",
                                                 allowed: "K × D axes and a mean of D values")
            }
            guard mean.allSatisfy(\.isFinite), components.isFinite else {
                throw TSNEError.invalidParameter(name: "projection", value: "non-finite values", allowed: "finite means and axes")
            }
            self.mean = mean
            self.components = components
        }

        /// Projects rows of `data` (N × D₀) to N × K.
        public func apply(_ data: Matrix) -> Matrix {
            precondition(data.columns == mean.count, "the projection takes \(mean.count) columns, data has \(data.columns)")
            var c = data
            c.subtractFromColumns(mean)
            return c.multiplied(by: components, transposingOther: .transposed)
        }
    }

    /// A map from its parts.
    /// - Throws: `TSNEError` when the positions do not have one row per reference point and 2
    ///   or 3 columns, there are fewer than 4 points, a value is not finite, the labels do not
    ///   match the points, the projection's output does not match the reference's dimension,
    ///   or θ is negative.
    public init(reference: Matrix, positions: Matrix, perplexity: Double, metric: DistanceMetric = .euclidean,
                method: GradientMethod = .barnesHut(theta: 0.5), labels: [Int]? = nil, projection: Projection? = nil) throws {
        guard reference.rows >= 4 else { throw TSNEError.tooFewPoints(reference.rows) }
        guard positions.rows == reference.rows, positions.columns == 2 || positions.columns == 3 else {
            throw TSNEError.invalidParameter(name: "map positions", value: "\(positions.rows) × \(positions.columns)",
                                             allowed: "one row per reference point (\(reference.rows)) and 2 or 3 columns")
        }
        if let (r, c) = reference.firstNonFinite() { throw TSNEError.nonFinite(what: "the map's reference points", row: r, column: c) }
        if let (r, c) = positions.firstNonFinite() { throw TSNEError.nonFinite(what: "the map's positions", row: r, column: c) }
        guard perplexity.isFinite, perplexity >= 1 else { throw TSNEError.invalidPerplexity(perplexity) }
        if let labels, labels.count != reference.rows {
            throw TSNEError.invalidParameter(name: "labels", value: "\(labels.count) labels", allowed: "one per reference point (\(reference.rows))")
        }
        if let projection, projection.components.rows != reference.columns {
            throw TSNEError.invalidParameter(name: "projection", value: "\(projection.components.rows) components",
                                             allowed: "one per reference column (\(reference.columns))")
        }
        try Embedding.validate(method)
        self.reference = reference
        self.positions = positions
        self.perplexity = perplexity
        self.metric = metric
        self.method = method
        self.labels = labels
        self.projection = projection
    }

    /// The map a finished `fit` of `reference` made, with the configuration that made it.
    /// - Throws: as `init(reference:positions:...)`.
    public init(reference: Matrix, result: TSNEResult, tsne: TSNE, labels: [Int]? = nil,
                projection: Projection? = nil) throws {
        try self.init(reference: reference, positions: result.positions, perplexity: tsne.perplexity, metric: tsne.metric,
                      method: result.method, labels: labels, projection: projection)
    }

    /// Number of reference points.
    public var count: Int { reference.rows }
    /// Map dimensions (2 or 3).
    public var dimensions: Int { positions.columns }
    /// Columns a new row must have: the projection's input size, else the reference's.
    public var inputDimensions: Int { projection?.mean.count ?? reference.columns }

    /// The root-mean-square distance of the reference positions from their centre: the map's
    /// spread, the scale against which displacements are judged.
    public var spread: Double {
        let n = positions.rows, d = positions.columns
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for c in 0..<d { mean[c] += Double(positions[i, c]) } }
        for c in 0..<d { mean[c] /= Double(n) }
        var s = 0.0
        for i in 0..<n { for c in 0..<d { let t = Double(positions[i, c]) - mean[c]; s += t * t } }
        return (s / Double(n)).squareRoot()
    }

    /// Throws unless rows of `data` can be placed into this map: the number of columns must be
    /// `inputDimensions`, and `metric`, when given, must be the map's.
    /// - Throws: `TSNEError.mapMismatch` naming the difference.
    public func checkFits(columns: Int, metric: DistanceMetric? = nil) throws {
        guard columns == inputDimensions else {
            let what = projection == nil ? "" : " (before its \(reference.columns)-component projection)"
            throw TSNEError.mapMismatch("the map was made from \(inputDimensions)-dimensional points\(what), the new data has \(columns) columns")
        }
        if let metric, metric != self.metric {
            throw TSNEError.mapMismatch("the map measures distances with the \(self.metric.rawValue) metric, \(metric.rawValue) was asked for")
        }
    }
}
