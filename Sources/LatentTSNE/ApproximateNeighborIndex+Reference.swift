import LatentAnalysis
import LatentCore

/// The approximate index answers placing's neighbour queries: build it once over a map's
/// reference points and pass it as `TSNEMap.transform(_:search:)`'s search.
///
/// ```swift
/// let index = try ApproximateNeighborIndex(of: map.reference, metric: map.metric)
/// let placed = try map.transform(newPoints, search: index)
/// ```
extension ApproximateNeighborIndex: ReferenceNeighborSearch {
    /// `query(queries, k: k)` with the index's own search breadth.
    public func neighbors(of queries: Matrix, k: Int) throws -> NearestNeighbors {
        try query(queries, k: k)
    }
}
