import LatentCore

/// How well a clustering recovers class labels: the accuracy after the best one-to-one matching
/// of clusters to classes (Hungarian algorithm), normalised mutual information, the adjusted
/// Rand index, and the table of classes against clusters with each class's matched cluster on
/// the diagonal.
///
/// The number of clusters need not equal the number of classes: unmatched clusters (or
/// classes) count as errors for the accuracy and sit after the matched ones in the table.
///
/// ```swift
/// let clusters = try KMeans(clusters: 10, seed: 1).fit(codes).assignments
/// let score = ClusterEvaluation(labels: digits.labels!, clusters: clusters)
/// score.accuracy               // the same as ClusteringAccuracy.score(labels:clusters:)
/// ```
public struct ClusterEvaluation: Sendable, Equatable {
    /// Fraction of samples whose cluster is matched to their class.
    public var accuracy: Double
    /// NMI (arithmetic normalisation), in [0, 1].
    public var normalizedMutualInformation: Double
    /// ARI: 0 for chance agreement, 1 for identical partitions.
    public var adjustedRandIndex: Double
    /// The distinct labels, ascending: row `r` of `counts` is class `classes[r]`.
    public var classes: [Int]
    /// The cluster of each column of `counts`: first the clusters matched to the classes in
    /// row order, then the unmatched clusters, ascending.
    public var clusterOrder: [Int]
    /// `counts[r][c]`: the samples of class `classes[r]` in cluster `clusterOrder[c]`.
    public var counts: [[Int]]
    /// The class each cluster is matched to (clusters left unmatched are absent).
    public var matchedClass: [Int: Int]

    /// Scores `clusters` (one cluster id per sample) against `labels`.
    /// - Complexity: O(N + k³) for k = max(classes, clusters).
    public init(labels: [Int], clusters: [Int]) {
        precondition(labels.count == clusters.count, "\(labels.count) labels for \(clusters.count) cluster assignments")
        let table = ConfusionMatrix(actual: labels, predicted: clusters)
        let classValues = LabelClasses(labels).values, clusterValues = LabelClasses(clusters).values
        let k = max(table.rows, table.columns)
        // Maximise matches = minimise negative counts, on a square table (cost[cluster][class]).
        var cost = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for c in 0..<table.columns { for r in 0..<table.rows { cost[c][r] = -Double(table.counts[r][c]) } }
        let match = k == 0 ? [] : Hungarian.minimumCostAssignment(cost)
        var columnOfRow = [Int?](repeating: nil, count: table.rows)
        for c in 0..<table.columns where match[c] < table.rows { columnOfRow[match[c]] = c }
        let matchedColumns = columnOfRow.compactMap { $0 }
        let order = matchedColumns + (0..<table.columns).filter { !matchedColumns.contains($0) }
        var correct = 0
        for (r, c) in columnOfRow.enumerated() { if let c { correct += table.counts[r][c] } }
        accuracy = labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
        normalizedMutualInformation = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: clusters)
        adjustedRandIndex = ClusteringAgreement.adjustedRandIndex(labels: labels, clusters: clusters)
        classes = classValues
        clusterOrder = order.map { clusterValues[$0] }
        counts = table.counts.map { row in order.map { row[$0] } }
        matchedClass = Dictionary(uniqueKeysWithValues: columnOfRow.enumerated().compactMap { r, c in c.map { (clusterValues[$0], classValues[r]) } })
    }
}
