import LatentAnalysis
import LatentCore
import Testing
import TestSupport

/// Degenerate inputs to the analysis functions: a clear error or a correct, finite result.
@Suite struct AnalysisBadInputTests {
    @Test(arguments: [Float.nan, .infinity])
    func pcaRefusesNonFiniteDataNamingThePosition(bad: Float) throws {
        var x = TestData.random(rows: 20, columns: 5, seed: 1)
        x[4, 2] = bad
        #expect(throws: AnalysisError.nonFinite(row: 4, column: 2)) { try PCA(fitting: x, components: 2) }
    }

    @Test func pcaOfConstantColumnsAndIdenticalRowsIsFinite() throws {
        var x = TestData.random(rows: 30, columns: 4, seed: 2)
        for i in 0..<x.rows { x[i, 1] = 7; x[i, 3] = -2 }
        let pca = try PCA(fitting: x, components: 3)
        #expect(pca.transform(x).isFinite)
        // Two varying columns: the third component explains nothing.
        #expect(pca.explainedVarianceRatio[2] < 1e-5)
        let same = try PCA(fitting: Matrix(rows: 10, columns: 3, repeating: 1.5), components: 2)
        #expect(same.transform(Matrix(rows: 10, columns: 3, repeating: 1.5)).elements.allSatisfy { $0 == 0 })
        #expect(same.explainedVarianceRatio.allSatisfy { $0 == 0 })
    }

    @Test func kMeansOnIdenticalPointsGivesZeroInertiaAndValidAssignments() throws {
        let x = Matrix(rows: 25, columns: 3, repeating: 0.5)
        let r = try KMeans(clusters: 4, restarts: 2).fit(x)
        #expect(r.inertia == 0)
        #expect(r.centres.isFinite)
        #expect(r.assignments.count == 25 && r.assignments.allSatisfy { (0..<4).contains($0) })
    }

    @Test func kMeansWithMoreClustersThanDistinctPointsStaysFinite() throws {
        // Three distinct points, each repeated: five clusters cannot all be non-empty.
        let base = try Matrix([[0, 0], [5, 5], [10, 0]])
        let x = base.rows(at: Array(repeating: [0, 1, 2], count: 6).flatMap { $0 })
        let r = try KMeans(clusters: 5).fit(x)
        #expect(r.centres.isFinite)
        #expect(r.inertia == 0)
        // Equal points share a cluster.
        for i in 0..<x.rows { #expect(r.assignments[i] == r.assignments[i % 3]) }
    }

    @Test func kMeansRefusesNonFiniteData() {
        var x = TestData.random(rows: 10, columns: 2, seed: 3)
        x[3, 1] = .nan
        #expect(throws: AnalysisError.self) { try KMeans(clusters: 2).fit(x) }
    }

    @Test func oneClassOnlyGivesPerfectNeighbourAccuracyAndClusteringScore() throws {
        let x = TestData.random(rows: 40, columns: 3, seed: 4)
        let labels = [Int](repeating: 3, count: 40)
        #expect(try KNNClassifier(k: 5).crossValidatedAccuracy(x, labels: labels) == 1)
        #expect(ClusteringAccuracy.score(labels: labels, clusters: [Int](repeating: 0, count: 40)) == 1)
    }

    @Test func duplicatePointsDoNotBreakTrustworthiness() throws {
        let x = TestData.random(rows: 30, columns: 4, seed: 5)
        let doubled = try Matrix.vstack([x, x])
        let embedding = doubled.columns(0..<2)
        let t = try EmbeddingQuality.trustworthiness(original: doubled, embedding: embedding, k: 5)
        #expect(t.isFinite && t >= 0 && t <= 1)
    }
}
