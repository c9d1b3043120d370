import LatentCore

/// k-means clustering with k-means++ seeding and several seeded restarts (Lloyd's algorithm;
/// squared distances through `cblas_sgemm`).
///
/// The restart with the lowest inertia (sum of squared distances to the nearest centre) wins.
///
/// ```swift
/// let km = try KMeans(clusters: 10, restarts: 4, seed: 1).fit(codes)
/// let acc = ClusteringAccuracy.score(labels: labels, clusters: km.assignments)
/// ```
public struct KMeans: Sendable {
    /// Number of clusters k.
    public var clusters: Int
    /// Independent k-means++ initialisations; the best is kept. Default 4.
    public var restarts: Int
    /// Lloyd iterations per restart at most. Default 100.
    public var maxIterations: Int
    /// Stop when no assignment changes, or the relative inertia change is below this. Default 1e-6.
    public var tolerance: Double
    /// Seed of the k-means++ draws.
    public var seed: UInt64

    public init(clusters: Int, restarts: Int = 4, maxIterations: Int = 100, tolerance: Double = 1e-6, seed: UInt64 = 1) {
        self.clusters = clusters; self.restarts = restarts; self.maxIterations = maxIterations
        self.tolerance = tolerance; self.seed = seed
    }

    /// The outcome of a fit.
    public struct Result: Sendable {
        /// k × D cluster centres.
        public var centres: Matrix
        /// The cluster of each row, in 0..<k.
        public var assignments: [Int]
        /// Sum of squared distances of each row to its centre.
        public var inertia: Double
        /// Lloyd iterations the winning restart took.
        public var iterations: Int
    }

    /// Clusters the rows of `data`.
    /// - Throws: `AnalysisError.invalidArgument` when k is not in 1...N or the data is not finite.
    public func fit(_ data: Matrix) throws -> Result {
        guard clusters >= 1, clusters <= data.rows else {
            throw AnalysisError.invalidArgument("k-means: clusters must be in 1...\(data.rows), got \(clusters)")
        }
        guard data.isFinite else { throw AnalysisError.invalidArgument("k-means: the data contains NaN or infinite values") }
        var best: Result?
        for r in 0..<max(1, restarts) {
            let result = fit(data, restart: r)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        return best!
    }

    /// Restart `restart` alone: k-means++ seeding from the `restart`-th stream of `seed`, then
    /// Lloyd's iterations. `fit` keeps the best of restarts 0..<`restarts`; `GaussianMixture`
    /// starts each of its restarts from one of these.
    func fit(_ data: Matrix, restart: Int) -> Result {
        var rng = SeededGenerator.stream(seed: seed, UInt64(restart))
        return lloyd(data, centres: plusPlus(data, using: &rng))
    }

    /// k-means++ seeding: each next centre drawn with probability proportional to D(x)².
    func plusPlus(_ data: Matrix, using rng: inout SeededGenerator) -> Matrix {
        let n = data.rows, d = data.columns
        var centres = Matrix(rows: clusters, columns: d)
        var first = Int(rng.next() % UInt64(n))
        centres.setRow(0, to: data.row(first))
        var dist = [Double](repeating: .infinity, count: n)
        for c in 1..<max(clusters, 1) {
            let centre = centres.row(c - 1)
            var total = 0.0
            data.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    var s: Float = 0
                    for j in 0..<d { let t = p[i * d + j] - centre[j]; s += t * t }
                    dist[i] = min(dist[i], Double(s))
                    total += dist[i]
                }
            }
            var target = rng.nextUniformDouble() * total
            first = n - 1
            for i in 0..<n {
                target -= dist[i]
                if target <= 0 { first = i; break }
            }
            centres.setRow(c, to: data.row(first))
        }
        return centres
    }

    func lloyd(_ data: Matrix, centres start: Matrix) -> Result {
        let n = data.rows, d = data.columns, k = clusters
        var centres = start
        var assignments = [Int](repeating: -1, count: n)
        let norms = data.rowSquaredNorms()
        var inertia = Double.infinity
        var iterations = 0
        for it in 1...max(1, maxIterations) {
            iterations = it
            // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²
            let cross = data.multiplied(by: centres, transposingOther: .transposed)
            let cNorms = centres.rowSquaredNorms()
            var changed = 0
            var newInertia = 0.0
            for i in 0..<n {
                var bestC = 0
                var bestD = Float.infinity
                for c in 0..<k {
                    let dd = norms[i] - 2 * cross[i, c] + cNorms[c]
                    if dd < bestD { bestD = dd; bestC = c }
                }
                if assignments[i] != bestC { changed += 1; assignments[i] = bestC }
                newInertia += Double(max(bestD, 0))
            }
            // New centres: means of the assigned rows; an empty cluster keeps its centre.
            var sums = [Double](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            data.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let c = assignments[i]
                    counts[c] += 1
                    for j in 0..<d { sums[c * d + j] += Double(p[i * d + j]) }
                }
            }
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d { centres[c, j] = Float(sums[c * d + j] / Double(counts[c])) }
            }
            let rel = abs(inertia - newInertia) / max(newInertia, 1e-30)
            inertia = newInertia
            if changed == 0 || rel < tolerance { break }
        }
        return Result(centres: centres, assignments: assignments, inertia: inertia, iterations: iterations)
    }
}
