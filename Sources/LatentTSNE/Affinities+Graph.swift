import LatentAnalysis

extension NeighborGraph {
    /// t-SNE's input affinities as a graph: i and j joined with weight P_ij (symmetric, so each
    /// pair is stored both ways). Clustering a map over the graph it was made from joins points
    /// whose inputs are neighbours even where the map drew them apart (`DensityBasinClustering`).
    public init(_ affinities: Affinities) {
        // P's rows are sorted by column, merged and without the diagonal, as the graph needs.
        self.init(uncheckedCount: affinities.count, rowStarts: affinities.rowStarts, columns: affinities.columnIndices,
                  weights: affinities.values.map(Double.init))
    }
}
