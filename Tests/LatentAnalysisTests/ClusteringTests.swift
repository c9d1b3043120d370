import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct HungarianTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func recoversAKnownPermutation(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var perm = Array(0..<7)
        perm.shuffle(using: &rng)
        // Cost 0 on the permutation, 1...10 elsewhere: the permutation is the unique optimum.
        var cost = [[Double]](repeating: [Double](repeating: 0, count: 7), count: 7)
        for i in 0..<7 { for j in 0..<7 { cost[i][j] = j == perm[i] ? 0 : 1 + Double(rng.next() % 10) } }
        #expect(Hungarian.minimumCostAssignment(cost) == perm, "seed \(seed)")
    }

    @Test func matchesBruteForceOnRandomTables() {
        func permutations(_ a: [Int]) -> [[Int]] {
            guard a.count > 1 else { return [a] }
            return a.indices.flatMap { i -> [[Int]] in
                var rest = a; let x = rest.remove(at: i)
                return permutations(rest).map { [x] + $0 }
            }
        }
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<20 {
            let cost = (0..<5).map { _ in (0..<5).map { _ in Double(rng.nextUniform()) } }
            let best = permutations(Array(0..<5)).map { p in p.enumerated().reduce(0.0) { $0 + cost[$1.offset][$1.element] } }.min()!
            let got = Hungarian.minimumCostAssignment(cost)
            #expect(Set(got).count == 5)
            #expect(abs(got.enumerated().reduce(0.0) { $0 + cost[$1.offset][$1.element] } - best) < 1e-12)
        }
    }
}

@Suite struct ClusteringAccuracyTests {
    @Test func relabelledPerfectClusteringScoresOne() {
        let labels = [0, 0, 1, 1, 2, 2, 2]
        let clusters = [2, 2, 0, 0, 1, 1, 1]
        #expect(ClusteringAccuracy.score(labels: labels, clusters: clusters) == 1)
    }

    @Test func oneMistakeCostsOneSample() {
        let labels = [0, 0, 0, 1, 1, 1]
        let clusters = [1, 1, 0, 0, 0, 0]
        #expect(abs(ClusteringAccuracy.score(labels: labels, clusters: clusters) - 5.0 / 6) < 1e-12)
    }
}

@Suite struct KMeansTests {
    @Test func separatesWellSeparatedBlobs() throws {
        let (points, labels) = TestData.blobs(clusters: 5, perCluster: 40, dimension: 8, separation: 20, seed: 3)
        let result = try KMeans(clusters: 5, restarts: 3, seed: 1).fit(points)
        #expect(ClusteringAccuracy.score(labels: labels, clusters: result.assignments) == 1)
        #expect(Set(result.assignments).count == 5)
    }

    @Test func sameSeedSameResult() throws {
        let (points, _) = TestData.blobs(clusters: 4, perCluster: 30, dimension: 3, separation: 2, seed: 4)
        let a = try KMeans(clusters: 4, seed: 7).fit(points), b = try KMeans(clusters: 4, seed: 7).fit(points)
        #expect(a.assignments == b.assignments && a.centres == b.centres)
    }

    @Test func inertiaIsTheSumOfSquaredDistancesToTheCentres() throws {
        let (points, _) = TestData.blobs(clusters: 3, perCluster: 20, dimension: 2, separation: 5, seed: 5)
        let r = try KMeans(clusters: 3, seed: 2).fit(points)
        var s = 0.0
        for i in 0..<points.rows {
            for j in 0..<2 { let d = Double(points[i, j] - r.centres[r.assignments[i], j]); s += d * d }
        }
        // Inertia is measured before the last centre update, so it bounds the final sum from above.
        #expect(r.inertia >= s - 1e-3 * s)
        #expect(r.inertia <= s * 1.01 + 1e-6)
    }

    @Test func rejectsTooManyClusters() {
        #expect(throws: AnalysisError.self) { try KMeans(clusters: 5).fit(Matrix(rows: 3, columns: 2)) }
    }
}
