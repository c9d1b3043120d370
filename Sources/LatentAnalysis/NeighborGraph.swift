import LatentCore

/// An undirected weighted graph on N points, stored as compressed rows: the graph a graph
/// clustering (`ModularityClustering`) partitions.
///
/// Built from a k-nearest-neighbour table, it joins i and j with weight ½ when one is among the
/// other's k nearest and 1 when each is (the mutual-or-single kNN graph of PhenoGraph and
/// scanpy, symmetrised by averaging). Rows list their neighbours by increasing index; there are
/// no self-loops.
///
/// ```swift
/// let graph = try NeighborGraph(NearestNeighbors(of: map, k: 15))
/// graph.degree(of: 0)         // the summed weight of point 0's edges
/// ```
public struct NeighborGraph: Sendable, Equatable {
    /// Number of points (vertices).
    public let count: Int
    /// Row i's edges are `columns[rowStarts[i] ..< rowStarts[i + 1]]`, by increasing column.
    let rowStarts: [Int]
    let columns: [Int32]
    let weights: [Double]

    /// The symmetrised kNN graph of `neighbors`: weight ½ for each direction in which j is one of
    /// i's neighbours.
    public init(_ neighbors: NearestNeighbors) {
        let n = neighbors.count, k = neighbors.k
        var edges = [(Int32, Int32, Double)]()
        edges.reserveCapacity(2 * n * k)
        for i in 0..<n {
            for j in neighbors.indices(of: i) where Int(j) != i {
                edges.append((Int32(i), j, 0.5))
                edges.append((j, Int32(i), 0.5))
            }
        }
        self.init(count: n, directedEdges: edges)
    }

    /// A graph from undirected edges (i, j, weight): each is stored both ways, repeated edges
    /// add up, self-loops are dropped.
    /// - Throws: `AnalysisError.invalidArgument` for an endpoint outside 0..<count or a weight
    ///   that is negative or not finite.
    public init(count: Int, edges: [(Int, Int, Double)]) throws {
        var directed = [(Int32, Int32, Double)]()
        directed.reserveCapacity(2 * edges.count)
        for (i, j, w) in edges {
            guard i >= 0, i < count, j >= 0, j < count else {
                throw AnalysisError.invalidArgument("graph edge (\(i), \(j)) is not between two of the \(count) points")
            }
            guard w >= 0, w.isFinite else { throw AnalysisError.invalidArgument("graph edge (\(i), \(j)) has weight \(w); weights must be finite and non-negative") }
            directed.append((Int32(i), Int32(j), w))
            directed.append((Int32(j), Int32(i), w))
        }
        self.init(count: count, directedEdges: directed)
    }

    /// Compressed rows from directed entries (i → j, w), merged by (i, j), self-loops dropped.
    init(count n: Int, directedEdges: [(Int32, Int32, Double)]) {
        var perRow = [Int](repeating: 0, count: n + 1)
        for (i, j, _) in directedEdges where i != j { perRow[Int(i) + 1] += 1 }
        for i in 0..<n { perRow[i + 1] += perRow[i] }
        var fill = perRow
        var cols = [Int32](repeating: 0, count: perRow[n]), ws = [Double](repeating: 0, count: perRow[n])
        for (i, j, w) in directedEdges where i != j {
            cols[fill[Int(i)]] = j; ws[fill[Int(i)]] = w; fill[Int(i)] += 1
        }
        // Sort each row by column and merge repeats.
        var starts = [0], outColumns = [Int32](), outWeights = [Double]()
        outColumns.reserveCapacity(cols.count); outWeights.reserveCapacity(cols.count)
        for i in 0..<n {
            let row = (perRow[i]..<perRow[i + 1]).sorted { cols[$0] < cols[$1] || (cols[$0] == cols[$1] && $0 < $1) }
            var last: Int32 = -1
            for e in row {
                if cols[e] == last { outWeights[outWeights.count - 1] += ws[e] } else {
                    outColumns.append(cols[e]); outWeights.append(ws[e]); last = cols[e]
                }
            }
            starts.append(outColumns.count)
        }
        self.count = n
        rowStarts = starts
        columns = outColumns
        weights = outWeights
    }

    /// Compressed rows as they are: row i's neighbours `columns[rowStarts[i] ..< rowStarts[i + 1]]`
    /// by increasing index, with their `weights`. The caller keeps the graph symmetric (such as
    /// t-SNE's affinities P, `NeighborGraph(affinities)` in LatentTSNE).
    /// - Throws: `AnalysisError.invalidArgument` for rows that do not fit together, a column
    ///   out of range or out of order, a self-loop, or a weight that is negative or not finite.
    public init(count: Int, rowStarts: [Int], columns: [Int32], weights: [Double]) throws {
        guard count >= 0, rowStarts.count == count + 1, rowStarts.first == 0, rowStarts.last == columns.count,
              columns.count == weights.count, zip(rowStarts, rowStarts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw AnalysisError.invalidArgument("graph rows: \(rowStarts.count) row starts and \(columns.count) columns do not describe \(count) rows")
        }
        for i in 0..<count {
            var last: Int32 = -1
            for e in rowStarts[i]..<rowStarts[i + 1] {
                guard columns[e] > last, Int(columns[e]) < count, Int(columns[e]) != i else {
                    throw AnalysisError.invalidArgument("graph row \(i): neighbour \(columns[e]) is out of range, repeated, out of order or the point itself")
                }
                guard weights[e] >= 0, weights[e].isFinite else {
                    throw AnalysisError.invalidArgument("graph row \(i): weight \(weights[e]) is not finite and non-negative")
                }
                last = columns[e]
            }
        }
        self.init(uncheckedCount: count, rowStarts: rowStarts, columns: columns, weights: weights)
    }

    package init(uncheckedCount count: Int, rowStarts: [Int], columns: [Int32], weights: [Double]) {
        self.count = count; self.rowStarts = rowStarts; self.columns = columns; self.weights = weights
    }

    /// Number of stored entries (each undirected edge twice).
    public var storedEdges: Int { columns.count }

    /// The summed weight of the edges at `i`.
    public func degree(of i: Int) -> Double {
        var s = 0.0
        for e in rowStarts[i]..<rowStarts[i + 1] { s += weights[e] }
        return s
    }

    /// The neighbours of `i` with the weights of their edges, by increasing index.
    public func edges(of i: Int) -> [(neighbor: Int, weight: Double)] {
        (rowStarts[i]..<rowStarts[i + 1]).map { (Int(columns[$0]), weights[$0]) }
    }

    /// The graph of the groups of `membership` (group ids 0..<groups): the weight between two
    /// groups is the summed weight of the edges between their members, and each group's internal
    /// weight (twice the weight of the edges inside it, as a stored self-loop counts it) is
    /// returned apart.
    func aggregated(by membership: [Int], groups: Int) -> (graph: NeighborGraph, internalWeight: [Double]) {
        var internalWeight = [Double](repeating: 0, count: groups)
        var rows = [[Int: Double]](repeating: [:], count: groups)
        for i in 0..<count {
            let a = membership[i]
            for e in rowStarts[i]..<rowStarts[i + 1] {
                let b = membership[Int(columns[e])]
                if a == b { internalWeight[a] += weights[e] } else { rows[a][b, default: 0] += weights[e] }
            }
        }
        var starts = [0], cols = [Int32](), ws = [Double]()
        for a in 0..<groups {
            for b in rows[a].keys.sorted() { cols.append(Int32(b)); ws.append(rows[a][b]!) }
            starts.append(cols.count)
        }
        return (NeighborGraph(uncheckedCount: groups, rowStarts: starts, columns: cols, weights: ws), internalWeight)
    }
}
