import Foundation
import LatentAnalysis
import LatentCore

/// How far the preparation of t-SNE's affinities has got: `completed` of `total` points.
public struct TSNEPreparationProgress: Sendable {
    public enum Stage: Sendable {
        /// Inserting the points into the approximate-neighbour index.
        case indexing
        /// Finding each point's nearest neighbours.
        case neighbors
        /// Calibrating each point's conditional probabilities to the perplexity.
        case affinities
    }
    public let stage: Stage
    public let completed: Int
    public let total: Int

    public init(stage: Stage, completed: Int, total: Int) {
        self.stage = stage
        self.completed = completed
        self.total = total
    }
}

/// The joint input affinities P of t-SNE: symmetric, non-negative, summing to 1, zero diagonal.
///
/// Stored sparse (compressed rows), which serves both methods: Barnes-Hut keeps each point's
/// k = min(N − 1, ⌊3·perplexity⌋) nearest neighbours (van der Maaten 2014), the exact method keeps
/// every pair. Built from data (perplexity calibration of P(j|i) on squared distances, then
/// P = (P(j|i) + P(i|j)) / 2N), or from the caller's neighbours, distances or affinities.
/// `Affinities` is immutable: exaggeration is applied inside the gradient, never to P.
///
/// ```swift
/// let p = try Affinities(perplexity: 30, of: codes)                  // 90 nearest neighbours
/// var e = try Embedding(initialization: .pca, of: codes, affinities: p, seed: 7)
/// ```
public struct Affinities: Sendable {
    /// Number of points.
    public let count: Int
    /// Row i's entries are `columnIndices[rowStarts[i] ..< rowStarts[i + 1]]`, by increasing column.
    let rowStarts: [Int]
    let columnIndices: [Int32]
    let values: [Float]
    /// Σ p log p over the non-zero entries (for the KL divergence).
    let negativeEntropy: Double

    /// Number of stored (non-zero) pairs, counting (i, j) and (j, i) separately.
    public var storedPairs: Int { values.count }

    /// Affinities of the rows of `data` at the given perplexity.
    ///
    /// - Parameters:
    ///   - perplexity: the effective number of neighbours of each point (default 30); must be at
    ///     least 1 and below N − 1.
    ///   - data: N × D points, one per row.
    ///   - metric: distance between points (default Euclidean; P uses squared distances).
    ///   - allPairs: calibrate over every other point (exact t-SNE) instead of the
    ///     min(N − 1, ⌊3·perplexity⌋) nearest neighbours (Barnes-Hut).
    ///   - neighborSearch: how the nearest neighbours are found (default `.auto`: exact below
    ///     `NeighborSearch.approximateFromPoints` points, an HNSW index above); ignored with
    ///     `allPairs`.
    ///   - progress: called as the neighbour search and the calibration advance; `.stop`
    ///     abandons the work with `TSNEError.stopped`.
    /// - Throws: `TSNEError` for fewer than 4 points, NaN or infinite values, all points
    ///   identical, or an impossible perplexity.
    /// - Complexity: O(N²·D) through GEMM for exact neighbours, about O(N log N · D) for
    ///   approximate ones; O(N·k) memory (O(N²) with `allPairs`).
    public init(perplexity: Double = 30, of data: Matrix, metric: DistanceMetric = .euclidean,
                allPairs: Bool = false, neighborSearch: NeighborSearch = .auto,
                progress: (TSNEPreparationProgress) -> ProgressDecision = { _ in .continue }) throws {
        let n = data.rows
        try Affinities.validate(points: n, perplexity: perplexity)
        if let (r, c) = data.firstNonFinite() { throw TSNEError.nonFinite(what: "the input", row: r, column: c) }
        if Affinities.allRowsEqual(data) { throw TSNEError.identicalPoints(count: n) }
        if allPairs {
            let d2 = PairwiseDistances.squared(from: data, to: data, metric: metric)
            self = try Affinities(perplexity: perplexity, squaredDistances: d2, progress: progress)
        } else {
            let k = min(n - 1, Int(3 * perplexity))
            let knn: NearestNeighbors
            do {
                knn = try neighborSearch.neighbors(of: data, k: k, metric: metric) { step in
                    progress(TSNEPreparationProgress(stage: step.phase == .indexing ? .indexing : .neighbors,
                                                     completed: step.completed, total: step.total))
                }
            } catch AnalysisError.stopped {
                throw TSNEError.stopped
            }
            self = try Affinities(perplexity: perplexity, neighbors: knn, progress: progress)
        }
    }

    /// Affinities from precomputed nearest neighbours (for example from another index, such as
    /// `ApproximateNeighborIndex.neighborsOfIndexedPoints(k:)`): each row is calibrated to
    /// `perplexity` over its k neighbours, using squared distances.
    ///
    /// - Parameter progress: called as the calibration advances (`.affinities`).
    /// - Throws: `TSNEError` when the perplexity is not below k (a point's neighbours cannot
    ///   reach it), there are fewer than 4 points, or an index is out of range.
    public init(perplexity: Double = 30, neighbors: NearestNeighbors,
                progress: (TSNEPreparationProgress) -> ProgressDecision = { _ in .continue }) throws {
        let n = neighbors.count, k = neighbors.k
        try Affinities.validate(points: n, perplexity: perplexity)
        guard perplexity < Double(k) || k >= n - 1 else {
            throw TSNEError.invalidParameter(name: "perplexity", value: String(perplexity),
                                             allowed: "a perplexity below the \(k) neighbours given")
        }
        for (h, j) in neighbors.indices.enumerated() where j < 0 || Int(j) >= n || Int(j) == h / k {
            throw TSNEError.invalidAffinities("neighbour \(j) of point \(h / k) is not another point of 0..<\(n)")
        }
        if let bad = neighbors.distances.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw TSNEError.invalidAffinities("distance \(neighbors.distances[bad]) from point \(bad / k) to its neighbour \(neighbors.indices[bad]) is not a finite non-negative number")
        }
        var d2 = neighbors.distances.map { $0 * $0 }
        if d2.allSatisfy({ $0 == 0 }) { throw TSNEError.identicalPoints(count: n) }
        var p = [Float](repeating: 0, count: n * k)
        try d2.withUnsafeMutableBufferPointer { dp in
            try p.withUnsafeMutableBufferPointer { pp in
                try Affinities.calibrate(squaredDistances: dp.baseAddress!, rows: n, width: k, perplexity: perplexity,
                                         probabilities: pp.baseAddress!, progress: progress)
            }
        }
        d2 = []
        self = Affinities.symmetrized(count: n, width: k, neighbors: neighbors.indices, conditional: p)
    }

    /// Affinities from a precomputed N × N matrix of distances (not squared; the diagonal is
    /// ignored), calibrated over all pairs as exact t-SNE does.
    /// - Throws: `TSNEError` for a non-square or negative matrix, or an impossible perplexity.
    public init(perplexity: Double = 30, distances: Matrix) throws {
        try Affinities.checkSquare(distances, what: "distances")
        try self.init(perplexity: perplexity, squaredDistances: distances.map { $0 * $0 })
    }

    /// Affinities from a precomputed non-negative N × N weight matrix W (any scale, diagonal
    /// ignored): P = (W + Wᵀ) / Σ(W + Wᵀ).
    /// - Throws: `TSNEError` for a non-square, negative, non-finite or all-zero matrix.
    public init(weights: Matrix) throws {
        try Affinities.checkSquare(weights, what: "weights")
        let n = weights.rows
        guard n >= 4 else { throw TSNEError.tooFewPoints(n) }
        var w = weights.elements
        for i in 0..<n { w[i * n + i] = 0 }
        guard w.contains(where: { $0 > 0 }) else { throw TSNEError.invalidAffinities("all weights are zero") }
        self = Affinities.symmetrizedDense(count: n, conditional: w)
    }

    /// The joint probabilities as a dense N × N matrix (for inspection and small N).
    public func denseMatrix() -> Matrix {
        var m = Matrix(rows: count, columns: count)
        for i in 0..<count {
            for e in rowStarts[i]..<rowStarts[i + 1] { m[i, Int(columnIndices[e])] = values[e] }
        }
        return m
    }

    // MARK: - Construction helpers

    /// Rows calibrated per progress report. Fixed: results never depend on it.
    static let calibrationBlock = 16_384

    /// `PerplexitySearch.conditionalProbabilities` in blocks of rows, reporting after each.
    static func calibrate(squaredDistances: UnsafePointer<Float>, rows n: Int, width: Int, perplexity: Double,
                          probabilities: UnsafeMutablePointer<Float>,
                          progress: (TSNEPreparationProgress) -> ProgressDecision) throws {
        var start = 0
        while start < n {
            let rows = min(calibrationBlock, n - start)
            PerplexitySearch.conditionalProbabilities(squaredDistances: squaredDistances + start * width, rows: rows,
                                                      width: width, perplexity: perplexity,
                                                      probabilities: probabilities + start * width)
            start += rows
            if progress(TSNEPreparationProgress(stage: .affinities, completed: start, total: n)) == .stop {
                throw TSNEError.stopped
            }
        }
    }

    /// Calibration over all pairs from an N × N squared-distance matrix.
    init(perplexity: Double, squaredDistances d2: Matrix,
         progress: (TSNEPreparationProgress) -> ProgressDecision = { _ in .continue }) throws {
        let n = d2.rows
        try Affinities.validate(points: n, perplexity: perplexity)
        let w = n - 1
        // Drop the diagonal: row i holds the N − 1 other points in order.
        var off = [Float](repeating: 0, count: n * w)
        var allZero = true
        d2.withUnsafeBufferPointer { src in
            for i in 0..<n {
                var t = i * w
                for j in 0..<n where j != i {
                    off[t] = src[i * n + j]
                    if off[t] != 0 { allZero = false }
                    t += 1
                }
            }
        }
        if allZero { throw TSNEError.identicalPoints(count: n) }
        var p = [Float](repeating: 0, count: n * w)
        try off.withUnsafeBufferPointer { dp in
            try p.withUnsafeMutableBufferPointer { pp in
                try Affinities.calibrate(squaredDistances: dp.baseAddress!, rows: n, width: w, perplexity: perplexity,
                                         probabilities: pp.baseAddress!, progress: progress)
            }
        }
        var dense = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            var t = i * w
            for j in 0..<n where j != i { dense[i * n + j] = p[t]; t += 1 }
        }
        self = Affinities.symmetrizedDense(count: n, conditional: dense)
    }

    static func validate(points n: Int, perplexity: Double) throws {
        guard n >= 4 else { throw TSNEError.tooFewPoints(n) }
        guard perplexity.isFinite, perplexity >= 1 else { throw TSNEError.invalidPerplexity(perplexity) }
        guard perplexity < Double(n - 1) else {
            throw TSNEError.perplexityTooLarge(perplexity: perplexity, points: n, maximum: Double(n - 1))
        }
    }

    static func checkSquare(_ m: Matrix, what: String) throws {
        guard m.rows == m.columns else {
            throw TSNEError.invalidAffinities("\(what) must be a square N × N matrix, got \(m.rows) × \(m.columns)")
        }
        if let (r, c) = m.firstNonFinite() { throw TSNEError.nonFinite(what: "the \(what)", row: r, column: c) }
        if let k = m.elements.firstIndex(where: { $0 < 0 }) {
            throw TSNEError.invalidAffinities("\(what) must be non-negative, found \(m.elements[k]) at row \(k / m.columns), column \(k % m.columns)")
        }
    }

    static func allRowsEqual(_ m: Matrix) -> Bool {
        let c = m.columns
        return m.withUnsafeBufferPointer { p in
            for i in 1..<m.rows { for j in 0..<c where p[i * c + j] != p[j] { return false } }
            return true
        }
    }

    /// P = (C + Cᵀ) / Σ from a sparse conditional C with `width` entries per row.
    static func symmetrized(count n: Int, width k: Int, neighbors: [Int32], conditional: [Float]) -> Affinities {
        // Own rows sorted by column.
        var ownCols = neighbors, ownVals = conditional
        for i in 0..<n {
            let lo = i * k
            let order = (0..<k).sorted { neighbors[lo + $0] < neighbors[lo + $1] }
            for (t, o) in order.enumerated() { ownCols[lo + t] = neighbors[lo + o]; ownVals[lo + t] = conditional[lo + o] }
        }
        // The transpose, by counting; sources arrive in increasing order, so rows come out sorted.
        var tStarts = [Int](repeating: 0, count: n + 1)
        for j in neighbors { tStarts[Int(j) + 1] += 1 }
        for i in 0..<n { tStarts[i + 1] += tStarts[i] }
        var fill = tStarts
        var tCols = [Int32](repeating: 0, count: n * k), tVals = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            for e in i * k ..< (i + 1) * k {
                let j = Int(ownCols[e])
                tCols[fill[j]] = Int32(i); tVals[fill[j]] = ownVals[e]; fill[j] += 1
            }
        }
        // Merge each row with its transposed row.
        var starts = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            var a = i * k, b = tStarts[i], m = 0
            let aEnd = (i + 1) * k, bEnd = tStarts[i + 1]
            while a < aEnd || b < bEnd {
                if b >= bEnd || (a < aEnd && ownCols[a] < tCols[b]) { a += 1 }
                else if a >= aEnd || tCols[b] < ownCols[a] { b += 1 }
                else { a += 1; b += 1 }
                m += 1
            }
            starts[i + 1] = starts[i] + m
        }
        var cols = [Int32](repeating: 0, count: starts[n]), vals = [Float](repeating: 0, count: starts[n])
        var total = 0.0
        for i in 0..<n {
            var a = i * k, b = tStarts[i], t = starts[i]
            let aEnd = (i + 1) * k, bEnd = tStarts[i + 1]
            while a < aEnd || b < bEnd {
                if b >= bEnd || (a < aEnd && ownCols[a] < tCols[b]) {
                    cols[t] = ownCols[a]; vals[t] = ownVals[a]; a += 1
                } else if a >= aEnd || tCols[b] < ownCols[a] {
                    cols[t] = tCols[b]; vals[t] = tVals[b]; b += 1
                } else {
                    cols[t] = ownCols[a]; vals[t] = ownVals[a] + tVals[b]; a += 1; b += 1
                }
                total += Double(vals[t])
                t += 1
            }
        }
        return Affinities(count: n, rowStarts: starts, columnIndices: cols, values: vals, total: total)
    }

    /// P = (C + Cᵀ) / Σ from a dense N × N conditional (or weight) matrix; zeros are dropped.
    static func symmetrizedDense(count n: Int, conditional c: [Float]) -> Affinities {
        var starts = [Int](repeating: 0, count: n + 1)
        var cols = [Int32](), vals = [Float]()
        cols.reserveCapacity(n * (n - 1)); vals.reserveCapacity(n * (n - 1))
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let v = c[i * n + j] + c[j * n + i]
                if v > 0 { cols.append(Int32(j)); vals.append(v); total += Double(v) }
            }
            starts[i + 1] = cols.count
        }
        return Affinities(count: n, rowStarts: starts, columnIndices: cols, values: vals, total: total)
    }

    /// Normalises `values` by `total` and precomputes Σ p log p.
    init(count: Int, rowStarts: [Int], columnIndices: [Int32], values raw: [Float], total: Double) {
        self.count = count
        self.rowStarts = rowStarts
        self.columnIndices = columnIndices
        let inv = 1 / total
        var vals = raw
        var h = 0.0
        for e in vals.indices {
            let p = Double(raw[e]) * inv
            vals[e] = Float(p)
            if p > 0 { h += p * log(p) }
        }
        self.values = vals
        self.negativeEntropy = h
    }
}
