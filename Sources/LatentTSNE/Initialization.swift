import LatentAnalysis
import LatentCore

/// Where the embedding starts.
public enum Initialization: Sendable {
    /// The first principal components of the data, scaled so that the first has standard
    /// deviation 1e-4, as openTSNE does (Kobak & Berens 2019: PCA initialisation keeps global
    /// structure; the small scale keeps the first iterations stable). Needs the data.
    case pca
    /// Independent Gaussian coordinates with standard deviation 1e-4, from the seed.
    case random
    /// These N × d positions, used as they are (a standard deviation near 1e-4 works best).
    case given(Matrix)

    /// The standard deviation the PCA and random initialisations use.
    public static let scale: Float = 1e-4

    /// The starting positions for `count` points in `dimensions` dimensions.
    /// - Throws: `TSNEError.initializationShape` for given positions of the wrong shape,
    ///   `TSNEError.nonFinite` for non-finite ones, `TSNEError.invalidParameter` for `.pca`
    ///   without data.
    func positions(data: Matrix?, count n: Int, dimensions d: Int, seed: UInt64) throws -> Matrix {
        switch self {
        case .given(let m):
            guard m.rows == n, m.columns == d else {
                throw TSNEError.initializationShape(expectedRows: n, expectedColumns: d, rows: m.rows, columns: m.columns)
            }
            if let (r, c) = m.firstNonFinite() { throw TSNEError.nonFinite(what: "the initial positions", row: r, column: c) }
            return m
        case .random:
            var rng = SeededGenerator(seed: seed)
            return Matrix.gaussian(rows: n, columns: d, standardDeviation: Initialization.scale, using: &rng)
        case .pca:
            guard let data else {
                throw TSNEError.invalidParameter(name: "initialization", value: "pca",
                                                 allowed: ".random or .given(positions) when no data is supplied")
            }
            let k = min(d, data.columns, data.rows)
            var rng = SeededGenerator(seed: seed)
            var out = Matrix.gaussian(rows: n, columns: d, standardDeviation: Initialization.scale, using: &rng)
            let pca = try PCA(fitting: data, components: k)
            let scores = pca.transform(data)
            let std = scores.columns(0..<1).columnStandardDeviations()[0]
            guard std > 0, std.isFinite else { return out }
            let s = Initialization.scale / std
            for i in 0..<n { for c in 0..<k { out[i, c] = scores[i, c] * s } }
            return out
        }
    }
}
