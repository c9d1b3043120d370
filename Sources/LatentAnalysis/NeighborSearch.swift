import LatentCore

/// How to find each point's k nearest neighbours: exactly (blocked GEMM), approximately (an
/// HNSW index), or chosen by the number of points.
///
/// Exact search costs O(N²·D) and is the faster choice below some tens of thousands of points;
/// the HNSW index costs about O(N log N) and finds, with the default settings, 99.6% of the exact
/// neighbours on Fashion-MNIST (see the README). `.auto` is exact below
/// `approximateFromPoints` points and approximate from there on.
///
/// ```swift
/// let knn = try NeighborSearch.auto.neighbors(of: points, k: 90)
/// let used = NeighborSearch.auto.resolved(points: points.rows)       // .exact or .approximate
/// ```
public enum NeighborSearch: Sendable, Equatable {
    /// Every distance, through blocked GEMM; deterministic and exact.
    case exact
    /// An HNSW graph (hnswlib) with these settings; deterministic for a given seed.
    case approximate(ApproximateNeighborSettings = .init())
    /// `.exact` below `approximateFromPoints` points, else `.approximate()`.
    case auto

    /// The size from which `.auto` searches approximately (default 20,000). Measured
    /// (`scripts/bench.sh neighbors`, Fashion-MNIST PCA-50, k = 90, 2 threads, 2026-12-01):
    /// exact 0.69 s against HNSW 0.55 s at 20,000 points, 3.2 against 1.6 s at 50,000 and 5.8
    /// against 2.5 s at 70,000 (recall 0.995 there). Below 20,000 the exact search costs well
    /// under a second, so it stays exact.
    public static let approximateFromPoints = 20_000

    /// `.exact` or `.approximate(…)`: what `self` means for `points` points.
    public func resolved(points: Int) -> NeighborSearch {
        switch self {
        case .auto: return points < NeighborSearch.approximateFromPoints ? .exact : .approximate()
        default: return self
        }
    }

    /// "exact", "approximate" or "auto".
    public var name: String {
        switch self {
        case .exact: return "exact"
        case .approximate: return "approximate"
        case .auto: return "auto"
        }
    }

    /// Peak bytes of the search itself for `points` × `dimensions` input and `k` neighbours,
    /// besides the input and the `points × k` result (exact: a 2 MB tile and its heaps;
    /// approximate: the index, freed when the search returns).
    public func estimatedBytes(points: Int, dimensions: Int, k: Int) -> Int {
        switch resolved(points: points) {
        case .approximate(let settings):
            let cosineCopy = MemoryEstimate.bytes(floats: MemoryEstimate.product(points, dimensions))
            return MemoryEstimate.sum(settings.estimatedBytes(points: points, dimensions: dimensions), cosineCopy)
        default:
            return MemoryEstimate.sum(4 << 20, MemoryEstimate.product(256 * 8, k))
        }
    }

    /// Each row's `k` nearest other rows of `data` (never itself; a duplicate at distance 0).
    ///
    /// - Parameters:
    ///   - progress: called as the search advances (`.indexing`, then `.querying` for the
    ///     approximate search; `.querying` only for the exact one); `.stop` abandons it.
    /// - Throws: `AnalysisError.invalidNeighborCount` unless 1 ≤ k ≤ N − 1; `.nonFinite`;
    ///   `.stopped`; `.indexFailed`.
    public func neighbors(of data: Matrix, k: Int, metric: DistanceMetric = .euclidean,
                          progress: (NeighborSearchProgress) -> ProgressDecision = { _ in .continue }) throws -> NearestNeighbors {
        switch resolved(points: data.rows) {
        case .approximate(let settings):
            guard k >= 1, k <= data.rows - 1 else {
                throw AnalysisError.invalidNeighborCount(k: k, allowed: data.rows >= 2 ? "1...\(data.rows - 1) for \(data.rows) points" : "at least 2 points")
            }
            let index = try ApproximateNeighborIndex(of: data, metric: metric, settings: settings, progress: progress)
            return try index.neighborsOfIndexedPoints(k: k, progress: progress)
        default:
            return try NearestNeighbors(of: data, k: k, metric: metric, progress: progress)
        }
    }
}

/// Recall of approximate neighbours: the fraction of the exact neighbours they contain.
extension NearestNeighbors {
    /// The fraction of `exact`'s neighbours that `self` also found. Without `rows`, row i of
    /// `exact` belongs to row i of `self`; with `rows`, row r of `exact` belongs to row
    /// `rows[r]` of `self` (an exact table computed for a sample only).
    ///
    /// - Throws: `AnalysisError.sizeMismatch` when the tables do not correspond or `self.k` <
    ///   `exact.k`.
    public func recall(against exact: NearestNeighbors, rows: [Int]? = nil) throws -> Double {
        let which = rows ?? Array(0..<count)
        guard exact.count == which.count, k >= exact.k, which.allSatisfy({ $0 >= 0 && $0 < count }) else {
            throw AnalysisError.sizeMismatch("recall of \(count) × \(k) neighbours against \(exact.count) × \(exact.k) exact ones")
        }
        var found = 0
        for (r, i) in which.enumerated() {
            let mine = Set(indices(of: i))
            for j in exact.indices(of: r) where mine.contains(j) { found += 1 }
        }
        return which.isEmpty ? 1 : Double(found) / Double(which.count * exact.k)
    }

    /// The exact `k` nearest other rows of `data` for the rows `rows` only (row r of the result
    /// belongs to point `rows[r]`): the reference a sampled recall is measured against.
    ///
    /// - Throws: as `init(of:k:metric:)`; `AnalysisError.invalidArgument` for a row outside `data`.
    public static func exact(ofRows rows: [Int], in data: Matrix, k: Int, metric: DistanceMetric = .euclidean) throws -> NearestNeighbors {
        guard k >= 1, k <= data.rows - 1 else {
            throw AnalysisError.invalidNeighborCount(k: k, allowed: data.rows >= 2 ? "1...\(data.rows - 1) for \(data.rows) points" : "at least 2 points")
        }
        if let bad = rows.first(where: { $0 < 0 || $0 >= data.rows }) {
            throw AnalysisError.invalidArgument("row \(bad) is not one of the \(data.rows) points")
        }
        let queries = data.rows(at: rows)
        let withSelf = try NearestNeighbors(of: queries, in: data, k: k + 1, metric: metric)
        var indices = [Int32](), distances = [Float]()
        indices.reserveCapacity(rows.count * k); distances.reserveCapacity(rows.count * k)
        for (r, i) in rows.enumerated() {
            // Drop the point itself, or the farthest when duplicates crowded it out.
            let ids = withSelf.indices(of: r), ds = withSelf.distances(of: r)
            let skip = ids.firstIndex(of: Int32(i)) ?? ids.endIndex - 1
            for t in ids.indices where t != skip { indices.append(ids[t]); distances.append(ds[ds.startIndex + (t - ids.startIndex)]) }
        }
        return try NearestNeighbors(k: k, indices: indices, distances: distances, metric: metric)
    }
}
