import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

@Suite struct AffinitiesTests {
    private func checkJoint(_ p: Matrix) {
        var total = 0.0
        for i in 0..<p.rows {
            #expect(p[i, i] == 0)
            for j in 0..<p.columns {
                #expect(p[i, j] >= 0)
                #expect(abs(p[i, j] - p[j, i]) <= 1e-7 * max(1, abs(p[i, j])))
                total += Double(p[i, j])
            }
        }
        #expect(abs(total - 1) < 1e-5)
    }

    @Test func sparseJointProbabilitiesAreSymmetricAndSumToOne() throws {
        let x = TestData.random(rows: 120, columns: 5, seed: 1)
        let a = try Affinities(perplexity: 10, of: x)
        checkJoint(a.denseMatrix())
        // Each point keeps its 30 neighbours, plus those that chose it.
        #expect(a.storedPairs >= 120 * 30)
        #expect(a.storedPairs <= 2 * 120 * 30)
    }

    @Test func allPairsEqualsPrecomputedDistances() throws {
        let x = TestData.random(rows: 60, columns: 4, seed: 2)
        let fromData = try Affinities(perplexity: 8, of: x, allPairs: true)
        var dist = PairwiseDistances.squared(from: x, to: x)
        dist = dist.map { $0.squareRoot() }
        let fromDistances = try Affinities(perplexity: 8, distances: dist)
        checkJoint(fromData.denseMatrix())
        #expect(Numeric.relativeError(fromDistances.denseMatrix().elements, fromData.denseMatrix().elements) < 1e-3)
    }

    @Test func precomputedNeighboursGiveTheSameAffinitiesAsTheData() throws {
        let x = TestData.random(rows: 100, columns: 3, seed: 12)
        let knn = try NearestNeighbors(of: x, k: 24)
        let given = try Affinities(perplexity: 8, neighbors: knn)
        let computed = try Affinities(perplexity: 8, of: x)
        #expect(given.denseMatrix() == computed.denseMatrix())
        // The perplexity must be reachable with the neighbours given.
        #expect(throws: TSNEError.self) { try Affinities(perplexity: 30, neighbors: knn) }
    }

    @Test func cosineAffinitiesIgnoreVectorLength() throws {
        let x = TestData.random(rows: 60, columns: 5, seed: 13)
        var scaled = x
        for i in 0..<x.rows { for j in 0..<x.columns { scaled[i, j] *= Float(1 + i % 7) } }
        let a = try Affinities(perplexity: 6, of: x, metric: .cosine).denseMatrix()
        let b = try Affinities(perplexity: 6, of: scaled, metric: .cosine).denseMatrix()
        #expect(Numeric.relativeError(b.elements, a.elements) < 1e-3)
    }

    @Test func conditionalRowsSumToOneBeforeSymmetrisation() throws {
        // With symmetric weights, P = W / ΣW.
        var w = Matrix(rows: 5, columns: 5)
        for i in 0..<5 { for j in 0..<5 where i != j { w[i, j] = Float(1 + abs(i - j)) } }
        let p = try Affinities(weights: w).denseMatrix()
        let total = w.sum()
        #expect(abs(Double(p[0, 3]) - 4 / total) < 1e-6)
        checkJoint(p)
    }

    @Test func badAffinityInputsAreErrors() throws {
        #expect(throws: TSNEError.self) { try Affinities(weights: Matrix(rows: 4, columns: 3)) }
        #expect(throws: TSNEError.self) { try Affinities(weights: Matrix(rows: 5, columns: 5)) }
        var neg = Matrix(rows: 5, columns: 5, repeating: 1)
        neg[1, 2] = -1
        #expect(throws: TSNEError.self) { try Affinities(distances: neg) }
    }
}
