import Foundation

/// Agreement between a clustering and class labels that needs no matching of clusters to
/// classes: normalised mutual information and the adjusted Rand index. Both are unchanged
/// when either side's labels are renamed, and both accept any integers as labels.
///
/// ```swift
/// let nmi = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: fit.assignments)
/// let ari = ClusteringAgreement.adjustedRandIndex(labels: labels, clusters: fit.assignments)
/// ```
public enum ClusteringAgreement {
    /// Mutual information of the two labellings divided by the mean of their entropies
    /// (scikit-learn's default, "arithmetic" normalisation; Strehl & Ghosh 2002 use the
    /// geometric mean). 1 for identical partitions, near 0 for independent ones; 1 when both
    /// sides put everything in one group, 0 when only one side does.
    public static func normalizedMutualInformation(labels: [Int], clusters: [Int]) -> Double {
        let (table, rowSums, columnSums) = contingency(labels, clusters)
        let n = Double(labels.count)
        guard n > 0 else { return 1 }
        func entropy(_ counts: [Int]) -> Double {
            counts.reduce(0.0) { h, c in c == 0 ? h : h - Double(c) / n * Foundation.log(Double(c) / n) }
        }
        let hu = entropy(rowSums), hv = entropy(columnSums)
        if hu == 0 && hv == 0 { return 1 }
        var mi = 0.0
        for (r, row) in table.enumerated() {
            for (c, count) in row.enumerated() where count > 0 {
                let p = Double(count) / n
                mi += p * Foundation.log(Double(count) * n / (Double(rowSums[r]) * Double(columnSums[c])))
            }
        }
        return max(0, mi) / ((hu + hv) / 2)
    }

    /// The Rand index corrected for chance (Hubert & Arabie 1985): 1 for identical partitions,
    /// about 0 for random ones (it can go below 0). 1 when both sides are a single group or
    /// both put every sample on its own.
    public static func adjustedRandIndex(labels: [Int], clusters: [Int]) -> Double {
        let (table, rowSums, columnSums) = contingency(labels, clusters)
        func pairs(_ m: Int) -> Double { Double(m) * Double(m - 1) / 2 }
        let index = table.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + pairs($1) } }
        let a = rowSums.reduce(0.0) { $0 + pairs($1) }, b = columnSums.reduce(0.0) { $0 + pairs($1) }
        let total = pairs(labels.count)
        guard total > 0 else { return 1 }
        let expected = a * b / total, maximum = (a + b) / 2
        if maximum == expected { return 1 }
        return (index - expected) / (maximum - expected)
    }

    /// The contingency table of two labellings (labels renumbered in order of first
    /// appearance) with its row and column sums.
    static func contingency(_ labels: [Int], _ clusters: [Int]) -> (table: [[Int]], rows: [Int], columns: [Int]) {
        precondition(labels.count == clusters.count, "\(labels.count) labels for \(clusters.count) cluster assignments")
        func renumbered(_ values: [Int]) -> (codes: [Int], count: Int) {
            var index = [Int: Int]()
            let codes = values.map { v in
                if let i = index[v] { return i }
                index[v] = index.count
                return index.count - 1
            }
            return (codes, index.count)
        }
        let (u, nu) = renumbered(labels), (v, nv) = renumbered(clusters)
        var table = [[Int]](repeating: [Int](repeating: 0, count: nv), count: nu)
        var rows = [Int](repeating: 0, count: nu), columns = [Int](repeating: 0, count: nv)
        for (a, b) in zip(u, v) { table[a][b] += 1; rows[a] += 1; columns[b] += 1 }
        return (table, rows, columns)
    }
}
