import ArgumentParser
import Foundation
import LatentMap

/// The neighbour search as a command-line choice.
enum NeighborSearchChoice: String, ExpressibleByArgument, CaseIterable {
    case exact, approximate, auto

    var search: NeighborSearch {
        switch self {
        case .exact: return .exact
        case .approximate: return .approximate()
        case .auto: return .auto
        }
    }
}

/// What `tsne` and `neighbors` search their neighbours in, and how: `--pca` (the reduction
/// first), `--metric` and `--neighbor-search`. Hidden alias: `--search`.
struct NeighborSearchOptions: ParsableArguments, DeclaresAliases {
    static let aliases = OptionAlias.renaming(["search"], to: "neighbor-search")

    @Option(help: "Reduce the input to this many principal components first (0: never; default: 50 when the input has more).")
    var pca: Int?

    @Option(help: "Distance between input points: euclidean or cosine.") var metric: DistanceMetric = .euclidean

    @Option(help: "Nearest neighbours: exact, approximate (HNSW) or auto (exact below \(NeighborSearch.approximateFromPoints) points).")
    var neighborSearch: NeighborSearchChoice = .auto

    func validate() throws {
        if let pca { try OptionLimits.check(pca, "pca", atLeast: 0, atMost: Int.max) }
    }

    /// `dataset`'s samples reduced by PCA as `--pca` asks (by default to 50 components when
    /// they have more; at most N components, since N points span at most N − 1 dimensions).
    /// The full-size samples are dropped from `dataset` (and its image shape) when reduced.
    /// Returns the input, the PCA (nil without a reduction) and its seconds.
    func reduce(_ dataset: inout Dataset) throws -> (input: Matrix, pca: PCA?, seconds: Double) {
        let t0 = Date()
        let (x, fitted) = try Recipes.pcaReduced(dataset.samples, components: pca)
        if fitted != nil {
            dataset.samples = Matrix(rows: 0, columns: 0)
            dataset.imageShape = nil
        }
        return (x, fitted, Date().timeIntervalSince(t0))
    }
}
