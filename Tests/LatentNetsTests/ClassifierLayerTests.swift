import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// Gradient checks for the classifier's loss and layers (softmax cross-entropy, batch
/// normalisation, dropout) and for the whole network's backward pass.
@Suite struct ClassifierLayerTests {
    /// The loss and its gradient through the library function, from `Double` logits.
    static func softmaxLoss(_ logits: [Float], labels: [Int32], rows: Int, classes: Int,
                            gradient: inout [Float]) -> Double {
        logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { l in
                gradient.withUnsafeMutableBufferPointer { g in
                    SoftmaxCrossEntropy.evaluate(logits: z.baseAddress!, labels: l.baseAddress!, rows: rows,
                                                 classes: classes, gradient: g.baseAddress!)
                }
            }
        }
    }

    @Test func softmaxCrossEntropyEqualsTheDefinitionAndItsGradientMatchesFiniteDifferences() {
        let rows = 5, classes = 4
        var rng = SeededGenerator(seed: 3)
        let logits = (0..<(rows * classes)).map { _ in 6 * rng.nextUniform() - 3 }
        let labels: [Int32] = [0, 3, 1, 1, 2]
        var gradient = [Float](repeating: 0, count: rows * classes)
        let loss = Self.softmaxLoss(logits, labels: labels, rows: rows, classes: classes, gradient: &gradient)
        // −log(e^z_y / Σ e^z) in Double, averaged over rows.
        var expected = 0.0
        for r in 0..<rows {
            let z = (0..<classes).map { Double(logits[r * classes + $0]) }
            expected -= log(exp(z[Int(labels[r])]) / z.map(exp).reduce(0, +))
        }
        expected /= Double(rows)
        #expect(abs(loss - expected) < 1e-5 * expected, "loss \(loss), definition \(expected)")
        var scratch = gradient
        let numeric = Numeric.centralDifferenceGradient(at: logits.map(Double.init), step: 1e-3) { z in
            Self.softmaxLoss(z.map(Float.init), labels: labels, rows: rows, classes: classes, gradient: &scratch)
        }
        let error = Numeric.relativeError(gradient, numeric.map(Float.init))
        #expect(error < 2e-3, "softmax cross-entropy gradient error \(error)")
    }

    @Test func softmaxCrossEntropyIsFiniteForHugeLogits() {
        // Naive e^z overflows Float for z > 88; the stable form gives the margin itself.
        let logits: [Float] = [1000, -1000, 0, 2000]
        var gradient = [Float](repeating: 0, count: 4)
        let loss = Self.softmaxLoss(logits, labels: [0, 0], rows: 2, classes: 2, gradient: &gradient)
        #expect(abs(loss - 1000) < 1e-3, "loss \(loss): rows lose by 0 and 2000, mean 1000")
        #expect(gradient.allSatisfy { $0.isFinite })
        #expect(abs(gradient[2] + 0.5) < 1e-6 && abs(gradient[3] - 0.5) < 1e-6)
    }

    @Test(arguments: [Activation.linear, .tanh, .sigmoid])
    func batchNormalizationInTrainingMatchesFiniteDifferences(activation: Activation) {
        let layer = BatchNormalizationLayer(inputShape: .vector(4), activation: activation)
        let e = LayerHarness(layer: layer, batch: 6).gradientErrors(seed: 5)
        #expect(e.input < 5e-3, "input gradient error \(e.input) for \(activation)")
        // γ and β have real gradients, the running statistics none (the output does not use them).
        #expect(e.parameters < 5e-3, "parameter gradient error \(e.parameters) for \(activation)")
    }

    @Test func batchNormalizationAtInferenceMatchesFiniteDifferencesInItsInput() {
        let layer = BatchNormalizationLayer(inputShape: .vector(4), activation: .tanh)
        let e = LayerHarness(layer: layer, batch: 3, training: false).gradientErrors(seed: 8)
        #expect(e.input < 5e-3, "input gradient error \(e.input)")
    }

    @Test func batchNormalizationInTrainingGivesZeroMeanUnitVarianceFeatures() {
        let layer = BatchNormalizationLayer(inputShape: .vector(3), activation: .linear)
        var rng = SeededGenerator(seed: 2)
        var x = [Float]()
        for k in 0..<(50 * 3) {
            let feature = Float(k % 3)
            x.append((feature + 1) * 5 * rng.nextGaussian() + feature * 10)
        }
        let p: [Float] = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]
        let y = LayerHarness(layer: layer, batch: 50).forward(input: x, parameters: p)
        for c in 0..<3 {
            var mean = 0.0, squares = 0.0
            for r in 0..<50 { mean += Double(y[r * 3 + c]) / 50 }
            for r in 0..<50 { let e = Double(y[r * 3 + c]) - mean; squares += e * e }
            let variance = squares / 50
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-3, "feature \(c): mean \(mean), variance \(variance)")
        }
    }

    /// Forward and backward of a training-mode dropout layer with a given keep mask.
    static func dropout(rate: Float, input: [Float], mask: [Int32], upstream: [Float]) -> (output: [Float], gradient: [Float]) {
        let layer = DropoutLayer(inputShape: .vector(input.count), rate: rate)
        var output = [Float](repeating: .nan, count: input.count), gradient = output
        var mask = mask, upstream = upstream, scratch: [Float] = [0]
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { gx in
                    upstream.withUnsafeMutableBufferPointer { gy in
                        mask.withUnsafeMutableBufferPointer { m in
                            scratch.withUnsafeMutableBufferPointer { s in
                                let none = UnsafePointer(s.baseAddress!)
                                layer.forward(ForwardBuffers(input: x.baseAddress!, output: y.baseAddress!, batch: 1, parameters: none,
                                                             scratch: s.baseAddress!, indices: m.baseAddress!, linearOutput: false))
                                layer.backward(BackwardBuffers(input: x.baseAddress!, output: UnsafePointer(y.baseAddress!),
                                                               outputGradient: gy.baseAddress!, inputGradient: gx.baseAddress!,
                                                               batch: 1, parameters: none, parameterGradient: s.baseAddress!,
                                                               scratch: s.baseAddress!, indices: m.baseAddress!, linearOutput: false))
                            }
                        }
                    }
                }
            }
        }
        return (output, gradient)
    }

    @Test func dropoutWithAFixedMaskScalesSurvivorsAndItsGradientMatchesFiniteDifferences() {
        let input: [Float] = [0.5, -1, 2, 3, -0.25, 1.5]
        let mask: [Int32] = [1, 0, 1, 1, 0, 1]
        let upstream: [Float] = [0.3, -0.7, 1.1, 0.2, 0.9, -0.4]
        let (output, gradient) = Self.dropout(rate: 0.5, input: input, mask: mask, upstream: upstream)
        #expect(output == [1, 0, 4, 6, 0, 3])   // kept values doubled, dropped ones zero
        let numeric = Numeric.centralDifferenceGradient(at: input.map(Double.init), step: 1e-3) { x in
            let y = Self.dropout(rate: 0.5, input: x.map(Float.init), mask: mask, upstream: upstream).output
            return zip(y, upstream).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        #expect(Numeric.relativeError(gradient, numeric.map(Float.init)) < 1e-4)
    }

    @Test func dropoutMasksKeepTheRightFractionAndDoNotDependOnTheThreadCount() {
        let count = 200_000   // above the parallel threshold
        func mask(threads: Int) -> [Int32] {
            var m = [Int32](repeating: 7, count: count)
            ExecutionContext(threads: threads).run {
                m.withUnsafeMutableBufferPointer { DropoutLayer.fillMask($0.baseAddress!, count: count, rate: 0.3, seed: 4, stream: 9) }
            }
            return m
        }
        let serial = mask(threads: 1)
        #expect(serial == mask(threads: 2))
        let kept = Double(serial.reduce(0) { $0 + Int($1) }) / Double(count)
        #expect(abs(kept - 0.7) < 0.005, "kept fraction \(kept)")
        #expect(Set(serial) == [0, 1])
    }

    @Test func wholeNetworkGradientWithBatchNormAndFixedDropoutMatchesFiniteDifferences() throws {
        let arch = ClassifierArchitecture(inputSize: 3, hidden: [5, 4], classes: 3, activation: .tanh, dropout: 0.25,
                                          batchNormalization: true, standardizesInputs: false)
        var model = try Classifier(architecture: arch, seed: 6)
        var rng = SeededGenerator(seed: 10)
        // Non-trivial γ and β so that their gradients matter.
        for k in model.parameters.indices { model.parameters[k] += 0.2 * rng.nextUniform() - 0.1 }
        let batch = 7
        let network = model.stack
        let ws = Workspace(stack: network, capacity: batch, training: true)
        for k in 0..<(batch * 3) { ws.input[k] = 2 * rng.nextUniform() - 1 }
        for r in 0..<batch { ws.labels[r] = Int32(r % 3) }
        for (i, layer) in network.layers.enumerated() where layer is DropoutLayer {
            DropoutLayer.fillMask(ws.indices[i], count: batch * layer.inputShape.count, rate: 0.25, seed: 1, stream: UInt64(i))
        }
        let inputs = Array(UnsafeBufferPointer(start: ws.input, count: batch * 3))
        func loss(_ parameters: [Float], gradient: Bool) -> Double {
            ws.input.update(from: inputs, count: inputs.count)
            return parameters.withUnsafeBufferPointer { p in
                network.forward(p.baseAddress!, ws, batch: batch, training: true)
                let value = SoftmaxCrossEntropy.evaluate(logits: ws.output, labels: ws.labels, rows: batch, classes: 3,
                                                         gradient: ws.gradientA)
                if gradient { network.backward(p.baseAddress!, ws, batch: batch) }
                return value
            }
        }
        _ = loss(model.parameters, gradient: true)
        let analytic = Array(UnsafeBufferPointer(start: ws.parameterGradient, count: network.parameterCount))
        let numeric = Numeric.centralDifferenceGradient(at: model.parameters.map(Double.init), step: 1e-3) { p in
            loss(p.map(Float.init), gradient: false)
        }
        let error = Numeric.relativeError(analytic, numeric.map(Float.init))
        #expect(error < 5e-3, "whole-network gradient error \(error)")
        #expect(analytic.contains { $0 != 0 })
    }
}
