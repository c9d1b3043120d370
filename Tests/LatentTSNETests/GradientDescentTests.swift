import Foundation
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

/// The t-SNE optimiser step (gains, momentum, re-centring) against a hand-written reference.
@Suite struct GradientDescentTests {
    /// One step of the delta-bar-delta rule as the reference implementations describe it, in
    /// Double: where sign(gradient) ≠ sign(previous update) the gain grows by 0.2, elsewhere it
    /// becomes 0.8·gain + 0.01; update = momentum·update − rate·gain·gradient; positions +=
    /// update; then every coordinate has its mean subtracted.
    static func referenceStep(positions y: inout [Double], gains: inout [Double], update: inout [Double],
                              gradient g: [Double], rate: Double, momentum: Double, dimensions d: Int) {
        func sign(_ v: Double) -> Int { v > 0 ? 1 : (v < 0 ? -1 : 0) }
        for k in y.indices {
            gains[k] = sign(g[k]) != sign(update[k]) ? gains[k] + 0.2 : 0.8 * gains[k] + 0.01
            update[k] = momentum * update[k] - rate * gains[k] * g[k]
            y[k] += update[k]
        }
        let n = y.count / d
        for c in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += y[i * d + c] }
            mean /= Double(n)
            for i in 0..<n { y[i * d + c] -= mean }
        }
    }

    @Test func threeStepsMatchTheReferenceIncludingZeroGradientsAndSignFlips() throws {
        let n = 6, d = 2
        var rng = SeededGenerator(seed: 4)
        var positions = Matrix.gaussian(rows: n, columns: d, using: &rng)
        var state = GradientDescentState(count: n * d)
        var y = positions.elements.map(Double.init)
        var gains = [Double](repeating: 1, count: n * d), update = [Double](repeating: 0, count: n * d)
        for (step, momentum) in [(0, 0.5), (1, 0.5), (2, 0.8)] {
            // Gradients of both signs, with exact zeros (a zero gradient against a zero update
            // keeps its direction; against a non-zero one it counts as a flip).
            var gradient = (0..<(n * d)).map { k -> Float in
                k % 5 == step ? 0 : Float(rng.nextGaussian()) * (k.isMultiple(of: 2) ? 1 : -1)
            }
            let g = gradient.map(Double.init)
            state.step(positions: &positions, gradient: &gradient, learningRate: 7, momentum: Float(momentum),
                       maxGradientNorm: nil)
            Self.referenceStep(positions: &y, gains: &gains, update: &update, gradient: g, rate: 7, momentum: momentum,
                               dimensions: d)
            #expect(Numeric.relativeError(state.gains, gains.map(Float.init)) < 1e-6, "gains after step \(step + 1)")
            #expect(Numeric.relativeError(state.update, update.map(Float.init)) < 1e-5, "update after step \(step + 1)")
            #expect(Numeric.relativeError(positions.elements, y.map(Float.init)) < 1e-5, "positions after step \(step + 1)")
        }
        // Re-centred: every coordinate's mean is zero.
        for c in 0..<d {
            let mean = (0..<n).reduce(0.0) { $0 + Double(positions[$1, c]) } / Double(n)
            #expect(abs(mean) < 1e-6)
        }
        // Both branches ran: some gains only grew (1.6 = three flips), some decayed on the way
        // (a gain that is not 1 + 0.2·m).
        func onlyGrew(_ g: Float) -> Bool { let m = (g - 1) / 0.2; return abs(m - m.rounded()) < 1e-3 }
        #expect(state.gains.contains(where: onlyGrew) && state.gains.contains { !onlyGrew($0) }, "gains \(state.gains)")
    }

    @Test func aFirstStepFromRestIsRateTimesGainTimesGradient() {
        // From update 0 a positive gradient counts as a flip (gain 1.2), a negative one too,
        // a zero one decays (0.81) but moves nothing; the mean (here 0) is then removed.
        var positions = try! Matrix(rows: 2, columns: 1, elements: [0, 0])
        var gradient: [Float] = [0.5, -0.5]
        var state = GradientDescentState(count: 2)
        state.step(positions: &positions, gradient: &gradient, learningRate: 10, momentum: 0.5, maxGradientNorm: nil)
        #expect(state.gains == [1.2, 1.2])
        #expect(state.update == [-6, 6])
        #expect(positions.elements == [-6, 6])
        var zero: [Float] = [0, 0]
        var still = GradientDescentState(count: 2)
        still.step(positions: &positions, gradient: &zero, learningRate: 10, momentum: 0.5, maxGradientNorm: nil)
        #expect(still.gains.allSatisfy { abs($0 - 0.81) < 1e-7 } && positions.elements == [-6, 6])
    }
}
