import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

@Suite struct LossTests {
    func value(_ loss: Loss, _ y: [Float], _ t: [Float], logits: Bool) -> Double {
        y.withUnsafeBufferPointer { yp in
            t.withUnsafeBufferPointer { tp in
                loss.evaluate(yp.baseAddress!, target: tp.baseAddress!, count: y.count, fromLogits: logits, gradient: nil)
            }
        }
    }

    func gradient(_ loss: Loss, _ y: [Float], _ t: [Float], logits: Bool) -> [Float] {
        var g = [Float](repeating: .nan, count: y.count)
        y.withUnsafeBufferPointer { yp in
            t.withUnsafeBufferPointer { tp in
                g.withUnsafeMutableBufferPointer { gp in
                    _ = loss.evaluate(yp.baseAddress!, target: tp.baseAddress!, count: y.count, fromLogits: logits,
                                      gradient: gp.baseAddress!)
                }
            }
        }
        return g
    }

    static let cases: [(Loss, Bool)] = [(.meanSquaredError, false), (.meanAbsoluteError, false),
                                        (.binaryCrossEntropy, false), (.binaryCrossEntropy, true)]

    @Test(arguments: 0..<cases.count)
    func gradientMatchesFiniteDifferences(caseIndex: Int) {
        let (loss, logits) = LossTests.cases[caseIndex]
        var rng = SeededGenerator(seed: 5)
        // Outputs in (0.05, 0.95) for probabilities, wider for logits; targets in [0, 1].
        let y = (0..<40).map { _ in logits ? rng.nextUniform() * 8 - 4 : 0.05 + 0.9 * rng.nextUniform() }
        let t = (0..<40).map { _ in rng.nextUniform() }
        let analytic = gradient(loss, y, t, logits: logits)
        let numeric = Numeric.centralDifferenceGradient(at: y.map(Double.init), step: 1e-3) { v in
            value(loss, v.map(Float.init), t, logits: logits)
        }
        let err = Numeric.relativeError(analytic, numeric.map(Float.init))
        #expect(err < 5e-3, "\(loss) (logits: \(logits)) gradient error \(err)")
    }

    @Test func meanSquaredErrorIsTheMeanOverAllElements() {
        #expect(abs(value(.meanSquaredError, [1, 2, 3, 4], [1, 0, 3, 0], logits: false) - 5) < 1e-9)
        #expect(abs(value(.meanAbsoluteError, [1, 2, 3, 4], [1, 0, 3, 0], logits: false) - 1.5) < 1e-9)
    }

    @Test func crossEntropyFromLogitsEqualsCrossEntropyOfTheSigmoid() {
        let z: [Float] = [-3, -0.5, 0, 0.7, 2.5], t: [Float] = [0, 0.2, 1, 0.6, 1]
        let fromLogits = value(.binaryCrossEntropy, z, t, logits: true)
        let direct = value(.binaryCrossEntropy, z.map { 1 / (1 + exp(-$0)) }, t, logits: false)
        #expect(abs(fromLogits - direct) < 1e-5)
    }

    @Test func crossEntropyFromLogitsStaysFiniteForHugeLogits() {
        let z: [Float] = [-200, 200, -90, 90], t: [Float] = [1, 0, 0, 1]
        let v = value(.binaryCrossEntropy, z, t, logits: true)
        #expect(v.isFinite)
        #expect(abs(v - 100) < 1e-3)          // (200 + 200 + 0 + 0) / 4
        let g = gradient(.binaryCrossEntropy, z, t, logits: true)
        #expect(g.allSatisfy { $0.isFinite })
    }

    @Test func crossEntropyFusesOnlyWithASigmoidOutput() {
        #expect(Loss.binaryCrossEntropy.fusesSigmoid(outputActivation: .sigmoid))
        #expect(!Loss.binaryCrossEntropy.fusesSigmoid(outputActivation: .linear))
        #expect(!Loss.meanSquaredError.fusesSigmoid(outputActivation: .sigmoid))
    }
}
