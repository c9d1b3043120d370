import LatentAnalysis
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

@Suite struct GradientTests {
    @Test(arguments: [2, 3])
    func exactGradientMatchesFiniteDifferencesOfKL(dimensions d: Int) throws {
        let x = TestData.random(rows: 14, columns: 5, seed: 3)
        let affinities = try Affinities(perplexity: 4, of: x, allPairs: true)
        var rng = SeededGenerator(seed: 9)
        let y0 = Matrix.gaussian(rows: 14, columns: d, using: &rng)
        let embedding = try Embedding(positions: y0, affinities: affinities, method: .exact)
        // The library's gradient is openTSNE's: a quarter of ∂KL/∂y.
        let analytic = embedding.gradient().map { 4 * $0 }
        let p = affinities.denseMatrix()
        let numeric = Numeric.centralDifferenceGradient(at: y0.elements.map(Double.init)) {
            Reference.kl(p: p, y: $0, dimensions: d)
        }
        #expect(Numeric.relativeError(analytic, numeric.map { Float($0) }) < 1e-3)
    }

    @Test(arguments: [2, 3])
    func barnesHutAtZeroThetaMatchesExact(dimensions d: Int) throws {
        let (x, _) = TestData.blobs(clusters: 3, perCluster: 50, dimension: 8, seed: 5)
        let affinities = try Affinities(perplexity: 10, of: x)
        var rng = SeededGenerator(seed: 2)
        let y = Matrix.gaussian(rows: x.rows, columns: d, standardDeviation: 5, using: &rng)
        let exact = try Embedding(positions: y, affinities: affinities, method: .exact).gradient(exaggeration: 12)
        let bh = try Embedding(positions: y, affinities: affinities, method: .barnesHut(theta: 0)).gradient(exaggeration: 12)
        #expect(Numeric.relativeError(bh, exact) < 1e-4)
        // At the usual θ the approximation is close but not exact.
        let approx = try Embedding(positions: y, affinities: affinities, method: .barnesHut(theta: 0.5)).gradient(exaggeration: 12)
        let err = Numeric.relativeError(approx, exact)
        #expect(err > 0 && err < 0.05)
    }

    @Test func reportedKLIsTheExactKLAndBarnesHutEstimatesIt() throws {
        let x = TestData.random(rows: 80, columns: 4, seed: 6)
        var rng = SeededGenerator(seed: 3)
        let y = Matrix.gaussian(rows: 80, columns: 2, standardDeviation: 3, using: &rng)
        let dense = try Affinities(perplexity: 10, of: x, allPairs: true)
        let exact = try Embedding(positions: y, affinities: dense, method: .exact)
        let reference = Reference.kl(p: dense.denseMatrix(), y: y.elements.map(Double.init), dimensions: 2)
        #expect(abs(exact.klDivergence() - reference) < 1e-4 * reference)
        let bh = try Embedding(positions: y, affinities: dense, method: .barnesHut(theta: 0.5))
        #expect(abs(bh.klDivergence() - reference) < 0.02 * reference)
    }
}
