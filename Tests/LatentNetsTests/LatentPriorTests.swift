import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

@Suite struct LatentPriorTests {
    @Test func gaussianSamplesHaveZeroMeanAndUnitVariance() {
        var rng = SeededGenerator(seed: 1)
        let s = LatentPrior.standardGaussian(dimension: 4).samples(count: 20_000, using: &rng)
        #expect(s.rows == 20_000 && s.columns == 4)
        for m in s.columnMeans() { #expect(abs(m) < 0.03) }          // 4σ of the mean is 0.028
        for v in s.columnVariances() { #expect(abs(v - 1) < 0.05) }
    }

    @Test func mixtureSamplesLieNearTenMeansOnACircleInEqualShares() throws {
        let prior = LatentPrior.gaussianMixture(dimension: 3, components: 10, radius: 4, standardDeviation: 0.3)
        let means = prior.means
        #expect(means.rows == 10)
        for c in 0..<10 {
            #expect(abs((means[c, 0] * means[c, 0] + means[c, 1] * means[c, 1]).squareRoot() - 4) < 1e-5)
            #expect(means[c, 2] == 0)
        }
        var rng = SeededGenerator(seed: 2)
        let s = prior.samples(count: 10_000, using: &rng)
        var counts = [Int](repeating: 0, count: 10)
        var spread = 0.0
        for i in 0..<s.rows {
            let distances = (0..<10).map { c in (0..<3).reduce(Float(0)) { $0 + (s[i, $1] - means[c, $1]) * (s[i, $1] - means[c, $1]) } }
            let nearest = distances.indices.min { distances[$0] < distances[$1] }!
            counts[nearest] += 1
            spread += Double(distances[nearest])
        }
        for n in counts { #expect(abs(n - 1000) < 130, "\(counts)") }   // 4σ of a binomial(10000, 0.1) is 120
        #expect(abs(spread / Double(s.rows) / 3 - 0.09) < 0.01)          // per-coordinate variance 0.3²
    }

    @Test func swissRollSamplesLieOnTheRoll() throws {
        let scale: Float = 0.5
        var rng = SeededGenerator(seed: 3)
        let s = LatentPrior.swissRoll(scale: scale).samples(count: 5_000, using: &rng)
        #expect(s.columns == 3)
        var tValues = [Double]()
        for i in 0..<s.rows {
            let x = Double(s[i, 0] / scale), z = Double(s[i, 2] / scale), h = Double(s[i, 1] / scale)
            let t = (x * x + z * z).squareRoot()               // the radius is the roll parameter t
            #expect(t >= 1.5 * .pi - 1e-3 && t <= 4.5 * .pi + 1e-3)
            // …and the angle is t modulo 2π.
            let angleError = remainder(atan2(z, x) - t, 2 * .pi)
            #expect(abs(angleError) < 1e-3, "point \(i): angle off by \(angleError)")
            #expect(h >= -10.5 && h < 10.5)
            tValues.append(t)
        }
        // t is uniform on [1.5π, 4.5π]: mean 3π, variance (3π)²/12.
        let mean = tValues.reduce(0, +) / Double(tValues.count)
        #expect(abs(mean - 3 * .pi) < 0.15)
        let sampleMean = s.columnMeans(), expected = LatentPrior.swissRoll(scale: scale).means
        for j in 0..<3 { #expect(abs(sampleMean[j] - expected[0, j]) < 0.2, "column \(j)") }
    }

    @Test func samplesAreFixedByTheGeneratorSeed() {
        for prior in [LatentPrior.standardGaussian(dimension: 2), .gaussianMixture(dimension: 2), .swissRoll()] {
            var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
            let x = prior.samples(count: 100, using: &a)
            #expect(x == prior.samples(count: 100, using: &b))
            #expect(x != prior.samples(count: 100, using: &c))
        }
    }

    @Test func invalidPriorsAreRefusedWithAReason() {
        #expect(throws: NetsError.self) { try LatentPrior.gaussianMixture(dimension: 1).validate() }
        #expect(throws: NetsError.self) { try LatentPrior.gaussianMixture(dimension: 2, components: 0).validate() }
        #expect(throws: NetsError.self) { try LatentPrior.swissRoll(scale: 0).validate() }
        #expect(throws: NetsError.self) { try LatentPrior.standardGaussian(dimension: 0).validate() }
    }
}
