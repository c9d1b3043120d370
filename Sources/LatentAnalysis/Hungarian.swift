import LatentCore

/// Minimum-cost assignment of rows to columns (the Hungarian algorithm, O(n³), in the
/// shortest-augmenting-path form with row and column potentials).
public enum Hungarian {
    /// The column assigned to each row that minimises the total cost.
    ///
    /// - Parameter cost: an n × m cost table with n ≤ m (rows are all assigned, columns at most
    ///   once each). Pad with zeros for the other case.
    /// - Returns: `assignment[i]` = the column of row i.
    public static func minimumCostAssignment(_ cost: [[Double]]) -> [Int] {
        let n = cost.count
        guard n > 0 else { return [] }
        let m = cost[0].count
        precondition(m >= n, "Hungarian: needs at least as many columns (\(m)) as rows (\(n))")
        // 1-based arrays with a virtual column 0, as in the classical formulation.
        var u = [Double](repeating: 0, count: n + 1)
        var v = [Double](repeating: 0, count: m + 1)
        var p = [Int](repeating: 0, count: m + 1)      // p[j] = row matched to column j
        var way = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            var minv = [Double](repeating: .infinity, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity
                var j1 = 0
                for j in 1...m where !used[j] {
                    let cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j] { minv[j] = cur; way[j] = j0 }
                    if minv[j] < delta { delta = minv[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var assignment = [Int](repeating: -1, count: n)
        for j in 1...m where p[j] > 0 { assignment[p[j] - 1] = j - 1 }
        return assignment
    }
}

/// Accuracy of a clustering against class labels, after the best one-to-one matching of clusters
/// to classes (Hungarian algorithm on the contingency table).
public enum ClusteringAccuracy {
    /// The fraction of samples whose cluster, mapped to its matched class, equals their label.
    public static func score(labels: [Int], clusters: [Int]) -> Double {
        precondition(labels.count == clusters.count, "\(labels.count) labels for \(clusters.count) cluster assignments")
        guard !labels.isEmpty else { return 0 }
        let table = ConfusionMatrix(actual: labels, predicted: clusters)
        let k = max(table.rows, table.columns)
        // Maximise matches = minimise negative counts, on a square table.
        var cost = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for c in 0..<table.columns { for l in 0..<table.rows { cost[c][l] = -Double(table.counts[l][c]) } }
        let match = Hungarian.minimumCostAssignment(cost)
        var correct = 0
        for c in 0..<table.columns where match[c] < table.rows { correct += table.counts[match[c]][c] }
        return Double(correct) / Double(labels.count)
    }
}

/// Counts of (actual class, predicted class or cluster) pairs.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `counts[actual][predicted]`.
    public var counts: [[Int]]
    public var rows: Int { counts.count }
    public var columns: Int { counts.first?.count ?? 0 }

    /// Tallies pairs; row `r` is the r-th distinct actual label (ascending), column `c` the
    /// c-th distinct prediction, so the table is as large as the classes, not the label values.
    public init(actual: [Int], predicted: [Int]) {
        precondition(actual.count == predicted.count, "\(actual.count) labels for \(predicted.count) predictions")
        let rows = LabelClasses(actual), columns = LabelClasses(predicted)
        var t = [[Int]](repeating: [Int](repeating: 0, count: columns.count), count: rows.count)
        for (a, p) in zip(rows.indices, columns.indices) { t[a][p] += 1 }
        counts = t
    }
}
