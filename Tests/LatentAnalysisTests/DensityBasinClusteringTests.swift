import Foundation
@testable import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct DensityBasinClusteringTests {
    /// Two interleaved half-moons (scikit-learn's `make_moons`, the lower one raised to `lift`),
    /// with Gaussian noise of `noise`.
    static func moons(_ n: Int, noise: Float, lift: Float, seed: UInt64) throws -> (Matrix, [Int]) {
        var rng = SeededGenerator(seed: seed)
        var rows = [[Float]](), labels = [Int]()
        for i in 0..<n {
            let t = Float.pi * rng.nextUniform(), upper = i < n / 2
            let (x, y) = upper ? (cos(t), sin(t)) : (1 - cos(t), lift - sin(t))
            rows.append([x + noise * rng.nextGaussian(), y + noise * rng.nextGaussian()])
            labels.append(upper ? 0 : 1)
        }
        return (try Matrix(rows), labels)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func followsTwoCurvedIslandsThatEllipsesCut(seed: UInt64) throws {
        // Two crescents, each wrapped around the other's tip: two ellipses (or two k-means
        // centres) cut both, the density's basins merged over the 10-NN graph follow them.
        let (points, labels) = try Self.moons(400, noise: 0.08, lift: 0.3, seed: seed)
        let basins = try DensityBasinClustering(clusters: 2).fit(points)
        let mixture = try GaussianMixture(components: 2, seed: seed).fit(points)
        let basinsAccuracy = ClusteringAccuracy.score(labels: labels, clusters: basins.assignments)
        let mixtureAccuracy = ClusteringAccuracy.score(labels: labels, clusters: mixture.assignments)
        #expect(basins.basins > 2, "seed \(seed): the noisy density has many peaks, \(basins.basins)")
        #expect(basinsAccuracy >= 0.98, "seed \(seed): basins \(basinsAccuracy)")
        #expect(mixtureAccuracy < 0.95, "seed \(seed): the mixture \(mixtureAccuracy) should cut the moons")
        #expect(Set(basins.assignments) == [0, 1])
    }

    @Test func aGraphRejoinsAClassTheMapTore() throws {
        // The map: blobs at x = 0 (class 0), 10 (class 1) and 20 (class 0 again). The codes:
        // class 0 is one blob and class 1 another. With the codes' graph the two class-0
        // islands form one cluster; with the map's own graph (no edges between islands) the
        // merge cannot know and joins the two smallest.
        var rng = SeededGenerator(seed: 4)
        var map = [[Float]](), codes = [[Float]](), labels = [Int]()
        for (centre, label, count) in [(Float(0), 0, 150), (10, 1, 100), (20, 0, 150)] {
            for _ in 0..<count {
                map.append([centre + rng.nextGaussian(), rng.nextGaussian()])
                codes.append((0..<5).map { d in rng.nextGaussian() + (label == 1 && d == 0 ? 12 : 0) })
                labels.append(label)
            }
        }
        let graph = NeighborGraph(try NearestNeighbors(of: try Matrix(codes), k: 10))
        let joined = try DensityBasinClustering(clusters: 2).fit(try Matrix(map), graph: graph)
        let alone = try DensityBasinClustering(clusters: 2).fit(try Matrix(map))
        #expect(ClusteringAccuracy.score(labels: labels, clusters: joined.assignments) == 1)
        #expect(ClusteringAccuracy.score(labels: labels, clusters: alone.assignments) < 0.9)
    }

    @Test func severalBandwidthsKeepTheMostModular() throws {
        let (points, _) = try Self.moons(300, noise: 0.1, lift: 0.4, seed: 9)
        let fits = try [0.05, 0.01, 0.03].map { try DensityBasinClustering(clusters: 2, bandwidths: [$0]).fit(points) }
        let chosen = try DensityBasinClustering(clusters: 2, bandwidths: [0.05, 0.01, 0.03]).fit(points)
        let best = fits.max { $0.modularity < $1.modularity }!
        #expect(chosen == best)
        #expect(fits.allSatisfy { $0.modularity <= chosen.modularity })
    }

    @Test func sameResultForOneAndTwoThreads() throws {
        let (points, _) = try Self.moons(300, noise: 0.1, lift: 0.4, seed: 7)
        let one = try ExecutionContext(threads: 1).run { try DensityBasinClustering(clusters: 3).fit(points) }
        let two = try ExecutionContext(threads: 2).run { try DensityBasinClustering(clusters: 3).fit(points) }
        #expect(one == two)
        #expect(Set(one.assignments).count == 3)
    }

    @Test func blurKeepsMassAndIsSymmetric() {
        var spike = [Double](repeating: 0, count: 41 * 41)
        spike[20 * 41 + 20] = 1
        let b = DensityBasinClustering.blurred(spike, side: 41, sigma: 2)
        #expect(abs(b.reduce(0, +) - 1) < 1e-9)
        #expect(abs(b[20 * 41 + 23] - b[20 * 41 + 17]) < 1e-15 && abs(b[23 * 41 + 20] - b[20 * 41 + 23]) < 1e-15)
        // Separable Gaussian: the value one σ off the centre along an axis is e^{-1/2} of the peak.
        #expect(abs(b[20 * 41 + 22] / b[20 * 41 + 20] - exp(-0.5)) < 1e-9)
    }

    @Test func refusesBadInput() throws {
        let flat = TestData.random(rows: 50, columns: 3, seed: 1)
        #expect(throws: AnalysisError.self) { try DensityBasinClustering(clusters: 2).fit(flat) }
        let map = TestData.random(rows: 50, columns: 2, seed: 1)
        #expect(throws: AnalysisError.self) { try DensityBasinClustering(clusters: 51).fit(map) }
        #expect(throws: AnalysisError.self) { try DensityBasinClustering(clusters: 2, bandwidths: [0.02, 0]).fit(map) }
        #expect(throws: AnalysisError.self) { try DensityBasinClustering(clusters: 2, bandwidths: []).fit(map) }
        let other = NeighborGraph(try NearestNeighbors(of: TestData.random(rows: 40, columns: 2, seed: 2), k: 5))
        #expect(throws: AnalysisError.self) { try DensityBasinClustering(clusters: 2).fit(map, graph: other) }
        var bad = map
        bad[3, 1] = .nan
        #expect(throws: AnalysisError.self) { try DensityBasinClustering(clusters: 2).fit(bad) }
    }
}

@Suite struct ModularityClusteringTests {
    /// `cliques` cliques of `size` points, clique c joined to clique c + 1 (in a ring) by one edge.
    static func ringOfCliques(_ cliques: Int, size: Int) throws -> NeighborGraph {
        var edges = [(Int, Int, Double)]()
        for c in 0..<cliques {
            for i in 0..<size { for j in (i + 1)..<size { edges.append((c * size + i, c * size + j, 1)) } }
            edges.append((c * size, ((c + 1) % cliques) * size + 1, 1))
        }
        return try NeighborGraph(count: cliques * size, edges: edges)
    }

    @Test func findsTheCliquesOfARing() throws {
        let graph = try Self.ringOfCliques(6, size: 5)
        let fit = try ModularityClustering(communities: 6).fit(graph)
        let truth = (0..<30).map { $0 / 5 }
        #expect(ClusteringAccuracy.score(labels: truth, clusters: fit.assignments) == 1)
        // Q of the clique partition by hand: each clique holds 10 of the 66 edges (2m = 132) and
        // has degree 2 · 10 + 2, so Q = 6 (20/132 − (22/132)²).
        let expected = 6 * (20.0 / 132 - (22.0 / 132) * (22.0 / 132))
        #expect(abs(fit.modularity - expected) < 1e-12)
        #expect(abs(ModularityClustering.modularity(of: truth, in: graph) - expected) < 1e-12)
    }

    @Test func mergesNeighbouringCliquesDownToK() throws {
        // Three communities of a six-clique ring: pairs of neighbouring cliques.
        let fit = try ModularityClustering(communities: 3).fit(try Self.ringOfCliques(6, size: 5))
        #expect(Set(fit.assignments).count == 3)
        for c in 0..<6 {
            // Every clique stays whole.
            #expect(Set(fit.assignments[(c * 5)..<(c * 5 + 5)]).count == 1)
        }
        for a in 0..<3 {
            let members = Set(fit.assignments.indices.filter { fit.assignments[$0] == a }.map { $0 / 5 })
            #expect(members.count == 2)
            let (x, y) = (members.min()!, members.max()!)
            #expect(y - x == 1 || (x == 0 && y == 5), "communities of two neighbouring cliques, got \(members)")
        }
    }

    @Test func graphFromNeighboursIsSymmetric() throws {
        let points = TestData.random(rows: 60, columns: 3, seed: 5)
        let graph = NeighborGraph(try NearestNeighbors(of: points, k: 4))
        var weight = [[Double]](repeating: [Double](repeating: 0, count: 60), count: 60)
        for i in 0..<60 { for (j, w) in graph.edges(of: i) { weight[i][j] = w } }
        for i in 0..<60 {
            #expect(weight[i][i] == 0)
            for j in 0..<60 { #expect(weight[i][j] == weight[j][i]) }
            // Four neighbours each way, ½ per direction: the degree is at least 4 × ½.
            #expect(graph.degree(of: i) >= 2)
        }
        #expect(throws: AnalysisError.self) { try NeighborGraph(count: 3, edges: [(0, 3, 1)]) }
        #expect(throws: AnalysisError.self) { try NeighborGraph(count: 3, rowStarts: [0, 1, 1, 1], columns: [0], weights: [1]) }
    }
}
