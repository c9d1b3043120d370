import Foundation
import LatentCore

/// Exactly k clusters of a 2-D map from the basins of its density: a Gaussian kernel density on
/// a grid, each grid cell's steepest-ascent path to a peak (the watershed basins of the density),
/// and the basins merged pair by pair by modularity over a graph of the points until k remain,
/// then single points moved between the k clusters while modularity rises.
///
/// It is made for t-SNE maps, where a Gaussian mixture fails in two ways (README "Latents worth
/// mapping"): ten ellipses over touching, curved islands put their borders inside an island,
/// and a class torn into two islands takes two components. Basins end where the density dips,
/// so their borders follow the valleys between islands; and merging them over the graph the
/// map was made from (t-SNE's input affinities P of the codes, `NeighborGraph(affinities)`)
/// rejoins a class whose islands the map drew apart but whose codes are neighbours. Without a
/// graph, the map's own 10-nearest-neighbour graph is used.
///
/// The bandwidth is a fraction of the map's larger side (default 0.02, measured on the bundled
/// MNIST's maps: 0.015–0.025 give 45–95 basins and about the same clusters). Given several
/// `bandwidths`, it clusters with each and keeps the partition of highest modularity (label-free;
/// on Fashion-MNIST's 70,000-point maps `[0.02, 0.01]` picks the better of the two on each of
/// three seeds, README "Latents worth mapping"). Everything runs sequentially in index order, so
/// the result is the same for any thread count.
///
/// ```swift
/// let graph = NeighborGraph(try Affinities(perplexity: 15, of: codes, metric: .cosine))
/// let fit = try DensityBasinClustering(clusters: 10).fit(map, graph: graph)
/// fit.assignments      // cluster of each point, 0..<10
/// ```
public struct DensityBasinClustering: Sendable {
    /// The number of clusters k.
    public var clusters: Int
    /// Cells along each side of the density grid (default 256).
    public var gridSize: Int
    /// The kernel's standard deviation as a fraction of the map's larger side (default [0.02]);
    /// with several, the most modular clustering wins (ties: the first).
    public var bandwidths: [Double]
    /// Sweeps of single-point moves after the merge (default 20; 0 keeps the merged basins).
    public var refinementSweeps: Int
    /// Neighbours of the map's own graph when `fit` is given none (default 10).
    public var neighbours: Int

    public init(clusters: Int, gridSize: Int = 256, bandwidths: [Double] = [0.02], refinementSweeps: Int = 20, neighbours: Int = 10) {
        self.clusters = clusters; self.gridSize = gridSize; self.bandwidths = bandwidths
        self.refinementSweeps = refinementSweeps; self.neighbours = neighbours
    }

    /// A clustering of the map.
    public struct Result: Sendable, Equatable {
        /// The cluster of each point, in 0..<k, numbered by each cluster's first point.
        public var assignments: [Int]
        /// The density basin of each point (ids 0..<basins, by first point).
        public var basinOfPoint: [Int]
        /// The number of basins before merging.
        public var basins: Int
        /// The bandwidth used (a fraction of the larger side: the winner of `bandwidths`,
        /// halved while the map had fewer than k basins).
        public var bandwidth: Double
        /// The modularity of `assignments` in the graph.
        public var modularity: Double
    }

    /// Clusters the rows of `map` (N × 2), merging basins over `graph` (N vertices; default
    /// the map's own `neighbours`-nearest-neighbour graph).
    /// - Throws: `AnalysisError.invalidArgument` for a map that is not N × 2, k outside 1...N,
    ///   a grid below 16 or above 4,096 cells a side, a bandwidth outside (0, 1], or a graph of
    ///   another size; `AnalysisError.nonFinite` for NaN or infinite coordinates.
    /// - Complexity: O(N + G² · σ/step) for the density on a G × G grid, O(E + B³) for merging
    ///   B basins over a graph of E edges (B is 20–200 at the default bandwidth; a much narrower
    ///   kernel makes thousands and the merge slow), O(E) per refinement sweep.
    public func fit(_ map: Matrix, graph: NeighborGraph? = nil) throws -> Result {
        let n = map.rows
        guard map.columns == 2 else {
            throw AnalysisError.invalidArgument("density basins: the map must have 2 columns, got \(map.columns)")
        }
        guard clusters >= 1, clusters <= n else {
            throw AnalysisError.invalidArgument("density basins: clusters must be in 1...\(n), got \(clusters)")
        }
        guard gridSize >= 16, gridSize <= 4096 else {
            throw AnalysisError.invalidArgument("density basins: grid size must be in 16...4096, got \(gridSize)")
        }
        guard !bandwidths.isEmpty, bandwidths.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
            throw AnalysisError.invalidArgument("density basins: bandwidths must be in (0, 1] (fractions of the map's side), got \(bandwidths)")
        }
        if let (r, c) = map.firstNonFinite() { throw AnalysisError.nonFinite(row: r, column: c) }
        if let graph, graph.count != n {
            throw AnalysisError.sizeMismatch("the graph has \(graph.count) points, the map \(n)")
        }
        let graph = try graph ?? NeighborGraph(NearestNeighbors(of: map, k: min(neighbours, n - 1)))
        var best: Result?
        for bandwidth in bandwidths {
            let result = fit(map, graph: graph, bandwidth: bandwidth)
            if best == nil || result.modularity > best!.modularity { best = result }
        }
        return best!
    }

    /// One bandwidth's clustering.
    func fit(_ map: Matrix, graph: NeighborGraph, bandwidth: Double) -> Result {
        let n = map.rows
        var h = bandwidth
        var (basinOfPoint, basins) = DensityBasinClustering.basins(of: map, grid: gridSize, bandwidth: h)
        while basins < clusters && h > 1e-4 {
            h /= 2
            (basinOfPoint, basins) = DensityBasinClustering.basins(of: map, grid: gridSize, bandwidth: h)
        }
        var assignments = basinOfPoint
        if basins < clusters {
            // Coincident points: even a tiny kernel leaves fewer peaks than k; split by index.
            assignments = (0..<n).map { $0 * clusters / n }
        } else if basins > clusters {
            assignments = ModularityClustering.merged(basinOfPoint, groups: basins, to: clusters, in: graph)
            assignments = ModularityClustering.renumbered(assignments)
        }
        if refinementSweeps > 0 {
            assignments = ModularityClustering.refined(assignments, groups: clusters, in: graph, sweeps: refinementSweeps)
            assignments = ModularityClustering.renumbered(assignments)
        }
        return Result(assignments: assignments, basinOfPoint: basinOfPoint, basins: basins, bandwidth: h,
                      modularity: ModularityClustering.modularity(of: assignments, in: graph))
    }

    /// The density basin of each point and the number of basins: points binned to the nearest
    /// node of a `grid` × `grid` lattice over the map (3 % margins), the counts blurred by a
    /// Gaussian of standard deviation `bandwidth` × the larger side (separable, cut at 4σ), and
    /// every node linked to its highest 8-neighbour when that is higher, until the links reach
    /// a peak. Basin ids follow the points' order.
    static func basins(of map: Matrix, grid g: Int, bandwidth: Double) -> (basinOfPoint: [Int], count: Int) {
        let n = map.rows
        var low = [Double](repeating: .infinity, count: 2), high = [Double](repeating: -.infinity, count: 2)
        for i in 0..<n {
            for a in 0..<2 { let v = Double(map[i, a]); low[a] = min(low[a], v); high[a] = max(high[a], v) }
        }
        let span = max(high[0] - low[0], high[1] - low[1], 1e-12)
        let pad = 0.03 * span, step = (span + 2 * pad) / Double(g - 1)
        var cellOfPoint = [Int](repeating: 0, count: n)
        var density = [Double](repeating: 0, count: g * g)
        for i in 0..<n {
            var cell = [0, 0]
            for a in 0..<2 {
                let t = ((Double(map[i, a]) - (low[a] - pad)) / step + 0.5).rounded(.down)
                cell[a] = min(max(Int(t), 0), g - 1)
            }
            cellOfPoint[i] = cell[0] * g + cell[1]
            density[cellOfPoint[i]] += 1
        }
        density = blurred(density, side: g, sigma: bandwidth * span / step)
        // Steepest ascent: each node's highest neighbour (first of the highest, in row order).
        var up = Array(0..<(g * g))
        for r in 0..<g {
            for c in 0..<g {
                var best = density[r * g + c], to = r * g + c
                for dr in -1...1 {
                    for dc in -1...1 where dr != 0 || dc != 0 {
                        let rr = r + dr, cc = c + dc
                        guard rr >= 0, rr < g, cc >= 0, cc < g else { continue }
                        if density[rr * g + cc] > best { best = density[rr * g + cc]; to = rr * g + cc }
                    }
                }
                up[r * g + c] = to
            }
        }
        // Follow the links to the peaks (pointer jumping; each step strictly climbs, so it ends).
        var changed = true
        while changed {
            changed = false
            for v in 0..<(g * g) where up[up[v]] != up[v] { up[v] = up[up[v]]; changed = true }
        }
        var basinOfPeak = [Int: Int]()
        let basinOfPoint = cellOfPoint.map { cell -> Int in
            let peak = up[cell]
            if let b = basinOfPeak[peak] { return b }
            basinOfPeak[peak] = basinOfPeak.count
            return basinOfPeak.count - 1
        }
        return (basinOfPoint, basinOfPeak.count)
    }

    /// `values` (side × side, row-major) convolved with a Gaussian of `sigma` cells along each
    /// axis, zero outside, the kernel cut at 4σ and normalised over its full width.
    static func blurred(_ values: [Double], side g: Int, sigma: Double) -> [Double] {
        let radius = max(1, Int(4 * sigma + 0.5))
        var kernel = (-radius...radius).map { Foundation.exp(-0.5 * Double($0 * $0) / max(sigma * sigma, 1e-12)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var rows = [Double](repeating: 0, count: g * g), out = [Double](repeating: 0, count: g * g)
        for r in 0..<g {
            for c in 0..<g {
                var s = 0.0
                for t in max(-radius, -c)...min(radius, g - 1 - c) { s += kernel[t + radius] * values[r * g + c + t] }
                rows[r * g + c] = s
            }
        }
        for r in 0..<g {
            for c in 0..<g {
                var s = 0.0
                for t in max(-radius, -r)...min(radius, g - 1 - r) { s += kernel[t + radius] * rows[(r + t) * g + c] }
                out[r * g + c] = s
            }
        }
        return out
    }
}
