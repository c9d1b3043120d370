import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct ClusterEvaluationTests {
    @Test func relabelledClassesScorePerfectlyWithTheMatchOnTheDiagonal() {
        let labels = [0, 0, 1, 1, 1, 2, 5, 5]
        let clusters = labels.map { [0: 7, 1: 3, 2: 0, 5: 4][$0]! }
        let e = ClusterEvaluation(labels: labels, clusters: clusters)
        #expect(e.accuracy == 1 && abs(e.normalizedMutualInformation - 1) < 1e-12 && abs(e.adjustedRandIndex - 1) < 1e-12)
        #expect(e.classes == [0, 1, 2, 5] && e.clusterOrder == [7, 3, 0, 4])
        #expect(e.counts == [[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 2]])
        #expect(e.matchedClass == [7: 0, 3: 1, 0: 2, 4: 5])
    }

    @Test(arguments: [(3, 3), (4, 2), (2, 5)])
    func accuracyAgreesWithClusteringAccuracyForAnyClusterCount(classes: Int, clusters: Int) {
        var rng = SeededGenerator(seed: UInt64(classes * 10 + clusters))
        let labels = (0..<300).map { _ in Int.random(in: 0..<classes, using: &rng) }
        // Clusters that mostly follow the labels, with noise.
        let assigned = labels.map { l in Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 0..<clusters, using: &rng) : l % clusters }
        let e = ClusterEvaluation(labels: labels, clusters: assigned)
        #expect(abs(e.accuracy - ClusteringAccuracy.score(labels: labels, clusters: assigned)) < 1e-12)
        #expect(e.counts.count == Set(labels).count && e.counts.allSatisfy { $0.count == Set(assigned).count })
        #expect(e.counts.joined().reduce(0, +) == labels.count)
        // The matched cells add up to the accuracy.
        let matched = e.matchedClass.map { cluster, label in
            e.counts[e.classes.firstIndex(of: label)!][e.clusterOrder.firstIndex(of: cluster)!]
        }.reduce(0, +)
        #expect(Double(matched) / Double(labels.count) == e.accuracy)
        #expect(Set(e.clusterOrder) == Set(assigned) && e.matchedClass.count == min(Set(labels).count, Set(assigned).count))
    }
}
