import Foundation
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

extension GradientTests {
    /// With exaggeration α the gradient is ¼ ∇f for f(y) = α·Σ p_ij log(1 + ‖y_i − y_j‖²) +
    /// log Σ_{i≠j} (1 + ‖y_i − y_j‖²)⁻¹: the attraction scaled by α, the repulsion not (at
    /// α = 1, f is KL(P‖Q) up to a constant).
    static func exaggeratedObjective(p: Matrix, y: [Double], dimensions d: Int, exaggeration alpha: Double) -> Double {
        let n = p.rows
        var attraction = 0.0, z = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                var s = 0.0
                for c in 0..<d { let t = y[i * d + c] - y[j * d + c]; s += t * t }
                attraction += Double(p[i, j]) * log(1 + s)
                z += 1 / (1 + s)
            }
        }
        return alpha * attraction + log(z)
    }

    @Test(arguments: [(2, 12.0), (3, 4.0), (2, 1.0)])
    func exactGradientMatchesFiniteDifferencesAtAnyExaggeration(dimensions d: Int, exaggeration: Double) throws {
        let x = TestData.random(rows: 14, columns: 5, seed: 3)
        let affinities = try Affinities(perplexity: 4, of: x, allPairs: true)
        var rng = SeededGenerator(seed: 9)
        let y0 = Matrix.gaussian(rows: 14, columns: d, using: &rng)
        let embedding = try Embedding(positions: y0, affinities: affinities, method: .exact)
        let analytic = embedding.gradient(exaggeration: exaggeration).map { 4 * $0 }
        let p = affinities.denseMatrix()
        let numeric = Numeric.centralDifferenceGradient(at: y0.elements.map(Double.init)) {
            Self.exaggeratedObjective(p: p, y: $0, dimensions: d, exaggeration: exaggeration)
        }
        #expect(Numeric.relativeError(analytic, numeric.map { Float($0) }) < 1e-3, "exaggeration \(exaggeration)")
        if exaggeration == 1 {
            // The objective is KL(P‖Q) up to a constant: its differences are the reference KL's.
            let kl = Numeric.centralDifferenceGradient(at: y0.elements.map(Double.init)) {
                Reference.kl(p: p, y: $0, dimensions: d)
            }
            #expect(Numeric.relativeError(numeric.map { Float($0) }, kl.map { Float($0) }) < 1e-4)
        } else {
            // And the exaggeration matters: the plain KL gradient is far off.
            let plain = embedding.gradient().map { 4 * $0 }
            #expect(Numeric.relativeError(plain, numeric.map { Float($0) }) > 0.1)
        }
    }
}
