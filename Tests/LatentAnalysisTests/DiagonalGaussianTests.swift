import LatentAnalysis
import LatentCore
import Testing
import TestSupport

@Suite struct DiagonalGaussianTests {
    /// N × 3 samples with the given means and standard deviations.
    func synthetic(rows: Int, means: [Float], deviations: [Float], seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix.gaussian(rows: rows, columns: means.count, using: &rng)
        x.scaleColumns(by: deviations)
        x.subtractFromColumns(means.map { -$0 })
        return x
    }

    @Test func fitRecoversTheMeanAndVarianceOfSyntheticData() throws {
        let means: [Float] = [1, -2, 5], deviations: [Float] = [0.5, 2, 3]
        let fit = try DiagonalGaussian(fitting: synthetic(rows: 20_000, means: means, deviations: deviations, seed: 11))
        for k in 0..<3 {
            // Standard errors: σ/√N for the mean (≤ 0.02 here), √(2/N)·σ² for the variance (1%).
            #expect(abs(fit.mean[k] - means[k]) < 5 * deviations[k] / Float(20_000).squareRoot(), "mean \(k): \(fit.mean[k])")
            let v = deviations[k] * deviations[k]
            #expect(abs(fit.variance[k] - v) / v < 0.05, "variance \(k): \(fit.variance[k]) vs \(v)")
        }
    }

    @Test func samplesFollowTheGaussianTheyAreDrawnFrom() throws {
        let g = try DiagonalGaussian(mean: [3, 0, -1], variance: [4, 0.25, 1])
        let samples = g.sample(count: 20_000, seed: 5)
        #expect(samples.rows == 20_000 && samples.columns == 3)
        let refit = try DiagonalGaussian(fitting: samples)
        for k in 0..<3 {
            #expect(abs(refit.mean[k] - g.mean[k]) < 5 * g.standardDeviation[k] / Float(20_000).squareRoot())
            #expect(abs(refit.variance[k] - g.variance[k]) / g.variance[k] < 0.05)
        }
        // Independent coordinates: the sample correlation of two of them is near zero.
        let (c, _) = samples.centered()
        var s01 = 0.0
        for i in 0..<c.rows { s01 += Double(c[i, 0] * c[i, 1]) }
        let correlation = s01 / Double(c.rows) / Double(g.standardDeviation[0] * g.standardDeviation[1])
        #expect(abs(correlation) < 0.05)
    }

    @Test func sampleIsReproducibleForASeedAndDiffersAcrossSeeds() throws {
        let g = try DiagonalGaussian(mean: [0, 1], variance: [1, 2])
        #expect(g.sample(count: 10, seed: 3) == g.sample(count: 10, seed: 3))
        #expect(g.sample(count: 10, seed: 3) != g.sample(count: 10, seed: 4))
    }

    @Test func aZeroVarianceCoordinateStaysAtItsMean() throws {
        let g = try DiagonalGaussian(mean: [2, 7], variance: [1, 0])
        let s = g.sample(count: 50, seed: 1)
        #expect((0..<50).allSatisfy { s[$0, 1] == 7 })
    }

    @Test func invalidParametersAndDataAreErrors() {
        #expect(throws: AnalysisError.self) { try DiagonalGaussian(mean: [0, 0], variance: [1]) }
        #expect(throws: AnalysisError.self) { try DiagonalGaussian(mean: [0], variance: [-1]) }
        #expect(throws: AnalysisError.self) { try DiagonalGaussian(mean: [.nan], variance: [1]) }
        #expect(throws: AnalysisError.self) { try DiagonalGaussian(fitting: Matrix(rows: 1, columns: 3)) }
        #expect(throws: AnalysisError.nonFinite(row: 1, column: 0)) {
            try DiagonalGaussian(fitting: try Matrix([[0, 0], [.infinity, 1], [2, 2]]))
        }
    }
}
