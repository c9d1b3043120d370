import Foundation
import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

/// Hostile or degenerate inputs: each gives a clear error or a correct, finite result.
@Suite struct TSNEBadInputTests {
    static let blobs = TestData.blobs(clusters: 3, perCluster: 20, dimension: 5, separation: 8, seed: 21)

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteInputIsRefusedNamingRowAndColumn(bad: Float) throws {
        var x = TSNEBadInputTests.blobs.points
        x[7, 3] = bad
        #expect(throws: TSNEError.nonFinite(what: "the input", row: 7, column: 3)) {
            try TSNE(perplexity: 5, iterations: 10).fit(x)
        }
    }

    @Test(arguments: [GradientMethod.exact, .barnesHut(theta: 0.5)])
    func allIdenticalPointsAreRefused(method: GradientMethod) throws {
        let x = Matrix(rows: 30, columns: 4, repeating: 0.25)
        #expect(throws: TSNEError.identicalPoints(count: 30)) {
            try TSNE(perplexity: 5, method: method, iterations: 10).fit(x)
        }
    }

    @Test(arguments: [GradientMethod.exact, .barnesHut(theta: 0.5)])
    func duplicatesAndConstantColumnsGiveACorrectEmbedding(method: GradientMethod) throws {
        var x = TSNEBadInputTests.blobs.points
        // Every point twice, and a constant column.
        x = try Matrix.vstack([x, x])
        for i in 0..<x.rows { x[i, 2] = 3 }
        let result = try TSNE(perplexity: 5, method: method, iterations: 250).fit(x)
        let y = result.positions
        #expect(y.isFinite && result.klDivergence.isFinite && y.rows == x.rows)
        // Correct, not just finite: each point's copy (at distance 0 in the input) is its
        // nearest neighbour in the map, and the three blobs stay apart.
        let n = x.rows / 2
        func distance(_ i: Int, _ j: Int) -> Float { ((y[i, 0] - y[j, 0]) * (y[i, 0] - y[j, 0]) + (y[i, 1] - y[j, 1]) * (y[i, 1] - y[j, 1])).squareRoot() }
        for i in 0..<x.rows {
            let copy = (i + n) % x.rows
            let nearestOther = (0..<x.rows).filter { $0 != i && $0 != copy }.map { distance(i, $0) }.min()!
            #expect(distance(i, copy) <= nearestOther, "point \(i): copy at \(distance(i, copy)), nearest other point at \(nearestOther)")
        }
        let labels = TSNEBadInputTests.blobs.labels + TSNEBadInputTests.blobs.labels
        #expect(try KNNClassifier(k: 5).crossValidatedAccuracy(y, labels: labels) == 1)
    }

    @Test func fewerPointsThanThreeTimesThePerplexityUseEveryOtherPoint() throws {
        // N = 20 < 3 · 10: Barnes-Hut takes all N − 1 = 19 neighbours; no refusal, a correct P.
        let x = TestData.random(rows: 20, columns: 4, seed: 2)
        let p = try Affinities(perplexity: 10, of: x)
        #expect(p.storedPairs == 20 * 19)
        let exact = try Affinities(perplexity: 10, of: x, allPairs: true)
        #expect(Numeric.relativeError(p.denseMatrix().elements, exact.denseMatrix().elements) < 1e-5)
        #expect(try TSNE(perplexity: 10, iterations: 30).fit(x).positions.isFinite)
    }

    @Test func perplexityAtOrAboveNMinusOneIsRefusedWithTheBound() throws {
        let x = TestData.random(rows: 12, columns: 3, seed: 4)
        #expect { try TSNE(perplexity: 30, iterations: 10).fit(x) } throws: { error in
            guard let e = error as? TSNEError, case .perplexityTooLarge(_, 12, 11) = e else { return false }
            return e.description.contains("below 11")
        }
    }

    @Test func aTinyMemoryLimitRefusesTheRunWithTheEstimate() throws {
        let tsne = TSNE(perplexity: 5, method: .exact, iterations: 10)
        #expect { try tsne.fit(TSNEBadInputTests.blobs.points, context: ExecutionContext(memoryLimit: 1000)) } throws: { error in
            guard let e = error as? TSNEError, case .insufficientMemory(_, let estimate, 1000) = e else { return false }
            return estimate == tsne.estimatedPeakBytes(points: 60, inputDimensions: 5)
                && e.description.contains("1.0 kB") && e.description.contains("60 points")
        }
        #expect(try tsne.fit(TSNEBadInputTests.blobs.points, context: ExecutionContext(memoryLimit: 1 << 40)).positions.isFinite)
    }

    @Test func exactTSNEOnSeventyThousandPointsIsEstimatedFarAboveBarnesHut() {
        let exact = TSNE(method: .exact).estimatedPeakBytes(points: 70_000, inputDimensions: 50)
        let bh = TSNE(method: .barnesHut(theta: 0.5)).estimatedPeakBytes(points: 70_000, inputDimensions: 50)
        // 24 bytes per pair for exact: over 100 GB; Barnes-Hut with 90 neighbours: under 1 GB.
        #expect(exact > 100_000_000_000)
        #expect(bh < 1_000_000_000 && bh > 70_000 * 90 * 8)
        // Absurd sizes saturate instead of trapping.
        #expect(TSNE(method: .exact).estimatedPeakBytes(points: Int.max / 2, inputDimensions: 10) == Int.max)
    }
}
