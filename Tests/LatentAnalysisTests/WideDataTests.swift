import LatentAnalysis
import LatentCore
import Testing
import TestSupport

/// PCA of wide data (N < D) goes through the thin SVD of the centred data and never forms the
/// D × D covariance; labels are class identifiers for k-NN and confusion tables.
@Suite struct WideDataTests {
    /// N = 40 samples of 3,072 (CIFAR-sized) and 10,000 features: the components are
    /// orthonormal, the variance along each equals the variance of its scores, and the
    /// variances add up to the data's total variance.
    @Test(arguments: [3_072, 10_000])
    func pcaOfWideDataMatchesItsOwnScores(features: Int) throws {
        let n = 40
        var x = TestData.random(rows: n, columns: features, seed: 7)
        // A dominant direction, so the first component is well defined.
        var rng = SeededGenerator(seed: 8)
        let direction = (0..<features).map { _ in rng.nextGaussian() }
        for i in 0..<n {
            let t = Float(i - n / 2) * 0.5
            for j in 0..<features { x[i, j] += t * direction[j] / Float(features).squareRoot() * 10 }
        }
        let pca = try PCA(fitting: x, components: 5)
        let scores = pca.transform(x)
        let scoreVariances = scores.columnVariances().map { $0 * Float(n) / Float(n - 1) }   // sample variances
        for c in 0..<5 {
            #expect(abs(scoreVariances[c] - pca.explainedVariance[c]) / pca.explainedVariance[c] < 1e-3)
            for c2 in 0..<5 {
                var dot: Float = 0
                for j in 0..<features { dot += pca.components[c, j] * pca.components[c2, j] }
                #expect(abs(dot - (c == c2 ? 1 : 0)) < 1e-3)
            }
        }
        let total = x.columnVariances().reduce(0, +) * Float(n) / Float(n - 1)
        #expect(abs(pca.explainedVariance[0] / total - pca.explainedVarianceRatio[0]) < 1e-3)
        // The dominant direction comes first.
        var alignment: Float = 0, norm: Float = 0
        for j in 0..<features { alignment += pca.components[0, j] * direction[j]; norm += direction[j] * direction[j] }
        #expect(abs(alignment) / norm.squareRoot() > 0.95)
    }

    /// For N < D the SVD path gives the covariance path's variances and axes (here D = 60, so
    /// the 60 × 60 covariance is cheap to decompose directly as a reference).
    @Test func svdPathAgreesWithTheCovarianceEigenvectors() throws {
        let x = TestData.random(rows: 25, columns: 60, seed: 11)
        let pca = try PCA(fitting: x, components: 4)
        let (centered, _) = x.centered()
        let cov = centered.multiplied(by: centered, transposingSelf: .transposed, scale: 1 / Float(24))
        let (values, vectors) = try LinearAlgebra.symmetricEigen(cov)
        for c in 0..<4 {
            #expect(abs(values[c] - pca.explainedVariance[c]) / values[c] < 1e-3)
            var dot: Float = 0
            for j in 0..<60 { dot += vectors[j, c] * pca.components[c, j] }
            #expect(abs(abs(dot) - 1) < 1e-3)
        }
        #expect(throws: MatrixError.self) { try PCA(fitting: x, components: 26) }
    }

    @Test func valuesTooLargeForSinglePrecisionAreNamed() {
        var x = TestData.random(rows: 10, columns: 3, seed: 2)
        x[4, 1] = 3e27
        let error = #expect(throws: AnalysisError.self) { try PCA(fitting: x, components: 2) }
        #expect(error?.description.contains("column 1 is too far from its column's mean") == true)
    }

    @Test func knnVotesWithAHugeLabelValue() throws {
        let training = try Matrix([[0, 0], [0.1, 0], [5, 5], [5.1, 5], [10, 10], [10.1, 10]])
        let labels = [3, 3, 100_000_000, 100_000_000, -7, -7]
        let predicted = try KNNClassifier(k: 2).predict(try Matrix([[0.05, 0], [5.05, 5], [10.05, 10]]), training: training, labels: labels)
        #expect(predicted == [3, 100_000_000, -7])
    }

    @Test func confusionTableIsSizedByClassesNotLabelValues() {
        let table = ConfusionMatrix(actual: [0, 1, 100_000_000, 1], predicted: [0, 1, 1, 1])
        #expect(table.rows == 3 && table.columns == 2)
        #expect(table.counts == [[1, 0], [0, 2], [0, 1]])
        #expect(ClusteringAccuracy.score(labels: [5, 5, 900_000, 900_000], clusters: [1, 1, 0, 0]) == 1)
    }
}
