import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct KNNClassifierTests {
    @Test func majorityVoteOnAHandMadeLine() throws {
        // Training points on a line; a query at 2.1 has nearest 2 (label 1), 3 (label 1), 1 (label 0).
        let train = try Matrix([[0], [1], [2], [3], [10], [11]])
        let labels = [0, 0, 1, 1, 2, 2]
        let queries = try Matrix([[2.1], [0.2], [10.6], [6.4]])
        let predicted = try KNNClassifier(k: 3).predict(queries, training: train, labels: labels)
        // 6.4: nearest 3 (1), 2 (1), 10 (2) → 1.
        #expect(predicted == [1, 0, 2, 1])
        // With k = 1 the query at 6.4 takes the label of 3.
        #expect(try KNNClassifier(k: 1).predict(queries, training: train, labels: labels) == [1, 0, 2, 1])
    }

    @Test func tiesGoToTheSmallestLabel() throws {
        let train = try Matrix([[0], [2]])
        let predicted = try KNNClassifier(k: 2).predict(try Matrix([[1]]), training: train, labels: [5, 3])
        #expect(predicted == [3])
    }

    @Test func accuracyCountsCorrectPredictions() throws {
        let train = try Matrix([[0], [1], [10], [11]])
        let test = try Matrix([[0.5], [10.5], [0.4], [9]])
        let acc = try KNNClassifier(k: 1).accuracy(training: train, labels: [0, 0, 1, 1], test: test, testLabels: [0, 1, 1, 1])
        #expect(acc == 0.75)
    }

    @Test func separatedBlobsAreClassifiedPerfectlyAndShuffledLabelsAreNot() throws {
        let (x, labels) = TestData.blobs(clusters: 4, perCluster: 30, dimension: 5, seed: 2)
        let knn = KNNClassifier(k: 10)
        #expect(try knn.crossValidatedAccuracy(x, labels: labels, folds: 5) == 1.0)
        var rng = SeededGenerator(seed: 4)
        let shuffled = labels.shuffled(using: &rng)
        #expect(try knn.crossValidatedAccuracy(x, labels: shuffled, folds: 5) < 0.6)
    }

    @Test func badArgumentsAreErrors() {
        let x = TestData.random(rows: 10, columns: 2, seed: 1)
        #expect(throws: AnalysisError.self) { try KNNClassifier(k: 3).crossValidatedAccuracy(x, labels: [0, 1], folds: 5) }
        #expect(throws: AnalysisError.self) { try KNNClassifier(k: 3).crossValidatedAccuracy(x, labels: Array(repeating: 0, count: 10), folds: 1) }
    }
}
