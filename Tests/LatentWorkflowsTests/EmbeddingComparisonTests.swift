import Foundation
import LatentCore
import LatentData
import LatentWorkflows
import Testing
import TestSupport

@Suite struct EmbeddingComparisonTests {
    static func comparison() -> EmbeddingComparison {
        var c = EmbeddingComparison(epochs: 2, latent: 20, seed: 2)
        c.methods = [.pca, .pcaTSNE]
        c.tsne.iterations = 250
        return c
    }

    @Test func scoresEachMethodAndTheReportNamesThem() throws {
        let outcomes = try Self.comparison().run(on: WorkflowTestData.images())
        #expect(outcomes.map(\.method) == [.pca, .pcaTSNE])
        let tsne = try #require(outcomes.last?.knnAccuracy)
        #expect(tsne > 0.9, "10-NN accuracy of t-SNE of three templates: \(tsne)")
        let report = EmbeddingComparison.Report(outcomes, neighbours: 10)
        #expect(report.methods.map(\.method) == ["pca", "pca50+tsne"])
        #expect(EmbeddingComparison.markdownTable(outcomes).contains("t-SNE of"))
    }

    @Test func aStopDuringTSNEThrowsAndReturnsNoOutcome() {
        #expect(throws: WorkflowStopped.self) {
            _ = try Self.comparison().run(on: WorkflowTestData.images()) { p in p.stage.hasPrefix("t-SNE") ? .stop : .continue }
        }
    }

    @Test func oneAndTwoThreadsGiveTheSameMaps() throws {
        let data = WorkflowTestData.images()
        let one = try Self.comparison().run(on: data, context: ExecutionContext(threads: 1))
        let two = try Self.comparison().run(on: data, context: ExecutionContext(threads: 2))
        #expect(one.map(\.embedding.elements) == two.map(\.embedding.elements))
    }
}
