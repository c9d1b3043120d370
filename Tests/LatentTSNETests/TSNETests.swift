import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

@Suite struct TSNETests {
    static let blobs = TestData.blobs(clusters: 5, perCluster: 40, dimension: 10, separation: 12, seed: 3)

    @Test(arguments: [GradientMethod.barnesHut(theta: 0.5), .exact])
    func separatedBlobsEmbedWithPerfectNeighbourAccuracy(method: GradientMethod) throws {
        let (x, labels) = TSNETests.blobs
        let knn = KNNClassifier(k: 10)
        // Before fitting (random start) the classes are mixed.
        let start = try Initialization.random.positions(data: x, count: x.rows, dimensions: 2, seed: 1)
        #expect(try knn.crossValidatedAccuracy(start, labels: labels) < 0.5)
        let result = try TSNE(perplexity: 15, method: method, iterations: 400, initialization: .random, seed: 1).fit(x)
        #expect(result.positions.isFinite)
        #expect(try knn.crossValidatedAccuracy(result.positions, labels: labels) == 1.0)
        // KL is recorded every 50 iterations and falls after early exaggeration.
        #expect(result.klHistory.map(\.iteration).prefix(4) == [50, 100, 150, 200])
        let afterEarly = result.klHistory.first { $0.iteration == 250 }!.klDivergence
        #expect(result.klDivergence < afterEarly)
    }

    @Test func progressCarriesTheKLAtEveryReportAndAtTheEndOfEachPhase() throws {
        let (x, _) = TSNETests.blobs
        final class Reports: @unchecked Sendable { var kl: [Int: Double] = [:] }
        let reports = Reports()
        let result = try TSNE(perplexity: 15, iterations: 330, seed: 1).fit(x) { p in
            if let kl = p.klDivergence { reports.kl[p.iteration] = kl }
            return .continue
        }
        // Every 50 iterations, the end of early exaggeration (250) and the last iteration (330).
        #expect(reports.kl.keys.sorted() == [50, 100, 150, 200, 250, 300, 330])
        // What progress reports is what the history records.
        #expect(result.klHistory.allSatisfy { reports.kl[$0.iteration] == $0.klDivergence })
        #expect(reports.kl[330] == result.klDivergence)
    }

    @Test(arguments: [GradientMethod.barnesHut(theta: 0.5), .exact])
    func oneAndTwoThreadsGiveIdenticalBytes(method: GradientMethod) throws {
        let (x, _) = TSNETests.blobs
        let tsne = TSNE(perplexity: 10, method: method, iterations: 60, seed: 4)
        let one = try tsne.fit(x, context: ExecutionContext(threads: 1))
        let two = try tsne.fit(x, context: ExecutionContext(threads: 2))
        #expect(one.positions.elements == two.positions.elements)
        #expect(one.klDivergence == two.klDivergence)
    }

    @Test func threeDimensionalOutputWorks() throws {
        let (x, labels) = TSNETests.blobs
        let result = try TSNE(perplexity: 15, iterations: 300, dimensions: 3, seed: 2).fit(x)
        #expect(result.positions.columns == 3)
        #expect(try KNNClassifier(k: 10).crossValidatedAccuracy(result.positions, labels: labels) == 1.0)
    }

    @Test func pcaInitialisationIsScaledLikeOpenTSNE() throws {
        let (x, _) = TSNETests.blobs
        let y = try Initialization.pca.positions(data: x, count: x.rows, dimensions: 2, seed: 1)
        let std = y.columnStandardDeviations()
        #expect(abs(std[0] - 1e-4) < 1e-7)
        #expect(std[1] <= std[0] * 1.0001)
    }

    @Test func embeddingOptimisationCarriesStateAcrossCalls() throws {
        let (x, _) = TSNETests.blobs
        let p = try Affinities(perplexity: 10, of: x)
        var e = try Embedding(initialization: .pca, of: x, affinities: p, seed: 1)
        try e.optimize(iterations: 30, exaggeration: 12, momentum: 0.5)
        let gains = e.state.gains
        #expect(gains != [Float](repeating: 1, count: gains.count))
        try e.optimize(iterations: 20)
        #expect(e.iteration == 50)
        #expect(e.klHistory.map(\.iteration) == [30, 50])
    }

    @Test func progressCanStopTheRun() throws {
        let (x, _) = TSNETests.blobs
        var seen = 0
        let result = try TSNE(perplexity: 10, iterations: 100).fit(x) { step in
            seen = step.iteration
            #expect(step.totalIterations == 100)
            return step.iteration == 10 ? .stop : .continue
        }
        #expect(result.stopped && result.iterations == 10 && seen == 10)
    }

    @Test func heavilyDuplicatedInputKeepsEachRowsCopiesTogether() throws {
        var x = TestData.random(rows: 120, columns: 4, seed: 2)
        for i in 0..<60 { x.setRow(i, to: x.row(i % 3)) }
        let result = try TSNE(perplexity: 10, seed: 1).fit(x)
        let y = result.positions
        #expect(y.isFinite && result.klDivergence.isFinite)
        // Correct, not just finite: the 20 copies of each of rows 0, 1 and 2 (rows g, g + 3, …,
        // g + 57) are at distance 0 in the input, so in the map each copy's 5 nearest neighbours
        // are copies of the same row. (They form a small cluster rather than one spot: P is
        // uniform over the copies, and the repulsion between coinciding points spreads them.)
        func distance(_ i: Int, _ j: Int) -> Float { ((y[i, 0] - y[j, 0]) * (y[i, 0] - y[j, 0]) + (y[i, 1] - y[j, 1]) * (y[i, 1] - y[j, 1])).squareRoot() }
        for i in 0..<60 {
            let nearest = (0..<120).filter { $0 != i }.sorted { distance(i, $0) < distance(i, $1) }.prefix(5)
            #expect(nearest.allSatisfy { $0 < 60 && $0 % 3 == i % 3 }, "copy \(i) of row \(i % 3): nearest \(Array(nearest))")
        }
    }

    @Test func badInputsAreClearErrors() throws {
        let x = TestData.random(rows: 20, columns: 3, seed: 1)
        #expect(throws: TSNEError.tooFewPoints(3)) { try TSNE(perplexity: 1).fit(x.rows(0..<3)) }
        #expect(throws: TSNEError.perplexityTooLarge(perplexity: 30, points: 20, maximum: 19)) { try TSNE().fit(x) }
        #expect(TSNEError.perplexityTooLarge(perplexity: 30, points: 20, maximum: 19).description.contains("below 19"))
        #expect(throws: TSNEError.invalidPerplexity(0.5)) { try TSNE(perplexity: 0.5).fit(x) }
        var nan = x
        nan[4, 2] = .infinity
        #expect(throws: TSNEError.nonFinite(what: "the input", row: 4, column: 2)) { try TSNE(perplexity: 5).fit(nan) }
        let same = Matrix(rows: 10, columns: 3, repeating: 2)
        #expect(throws: TSNEError.identicalPoints(count: 10)) { try TSNE(perplexity: 3).fit(same) }
        let wrong = Matrix(rows: 19, columns: 2)
        #expect(throws: TSNEError.initializationShape(expectedRows: 20, expectedColumns: 2, rows: 19, columns: 2)) {
            try TSNE(perplexity: 5, initialization: .given(wrong)).fit(x)
        }
        #expect(throws: TSNEError.self) { try TSNE(perplexity: 5, dimensions: 4).fit(x) }
        #expect(throws: TSNEError.self) { try TSNE(perplexity: 5, learningRate: .fixed(-1)).fit(x) }
        #expect(throws: TSNEError.self) { try TSNE(perplexity: 5, method: .barnesHut(theta: -1)).fit(x) }
    }

    @Test func autoLearningRateFollowsOpenTSNE() {
        #expect(LearningRate.auto.value(count: 10_000, exaggeration: 12) == 10_000.0 / 12)
        #expect(LearningRate.auto.value(count: 10_000, exaggeration: 1) == 10_000)
        #expect(LearningRate.auto.value(count: 100, exaggeration: 12) == 50)
    }
}
