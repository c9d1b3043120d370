import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// The row-chunked step's fused output pass and its in-step optimiser update give the bytes of
/// the separate passes they replace.
@Suite struct FusedStepTests {
    @Test(arguments: LayerTests.activations)
    func squaredErrorPassGivesTheSeparatePassesBytes(activation: Activation) throws {
        let rows = 6, inputs = 5, units = 16
        let layer = DenseLayer(inputShape: .vector(inputs), outputShape: .vector(units), activation: activation)
        try #require(layer.fusesSquaredError(rows: rows) && !layer.fusesSquaredError(rows: 4096))
        var rng = SeededGenerator(seed: 8)
        var z = (0..<(rows * units)).map { _ in rng.nextUniform() * 8 - 4 }
        z[1] = 0; z[2] = -0.0; z[3] = 120; z[4] = -120
        let bias = (0..<units).map { _ in rng.nextUniform() - 0.5 }
        let target = (0..<(rows * units)).map { _ in rng.nextUniform() }
        let total = 3 * rows * units   // the chunk is a third of its batch
        // Separate: bias + activation, the loss with its gradient, the derivative and column sums.
        var y = z, g = [Float](repeating: 0, count: rows * units), sums = [Float](repeating: 0, count: units)
        var partials = [Float](repeating: 0, count: units)
        y.withUnsafeMutableBufferPointer { yp in
            addBiasAndActivate(yp.baseAddress!, rows: rows, columns: units, bias: bias, activation: activation)
        }
        let loss = Loss.meanSquaredError.sum(y, target: target, count: rows * units, meanOver: total, fromLogits: false, gradient: &g)
        g.withUnsafeMutableBufferPointer { gp in
            derivativeAndColumnSums(gp.baseAddress!, output: y, rows: rows, columns: units, activation: activation,
                                    into: &sums, partials: &partials)
        }
        // Fused.
        var fz = z, fg = [Float](repeating: .nan, count: rows * units), fsums = [Float](repeating: .nan, count: units)
        let fusedLoss = fz.withUnsafeMutableBufferPointer { zp in
            fg.withUnsafeMutableBufferPointer { gp in
                fsums.withUnsafeMutableBufferPointer { sp in
                    layer.squaredErrorPass(zp.baseAddress!, rows: rows, bias: bias, target: target, meanOver: total,
                                           gradient: gp.baseAddress!, biasGradient: sp.baseAddress!)
                }
            }
        }
        #expect(fusedLoss.bitPattern == loss.bitPattern)
        #expect(fz.map(\.bitPattern) == y.map(\.bitPattern), "\(activation): outputs")
        #expect(fg.map(\.bitPattern) == g.map(\.bitPattern), "\(activation): gradients")
        #expect(fsums.map(\.bitPattern) == sums.map(\.bitPattern), "\(activation): bias gradient")
    }

    /// 32-64-8-64-32 (outputs in whole eight-lane blocks, so the fused pass runs): training
    /// through the fused step and the in-step update against the same steps with both turned
    /// off (the loss closure, the loop's own update).
    @Test(arguments: [Optimizer.rmsprop(learningRate: 1e-3), .adam(learningRate: 1e-3), .sgd(learningRate: 0.05)])
    func fusedStepGivesTheUnfusedStepsBytes(optimizer: Optimizer) throws {
        let arch = try Architecture(spec: "32-64-8-64-32", activation: .relu, output: .sigmoid)
        let model = try Autoencoder(architecture: arch, seed: 5)
        let stack = model.stack, rows = 150, d = 32
        try #require(stack.rowChunks(batch: rows) == 3)
        var rng = SeededGenerator(seed: 13)
        let x = Matrix.uniform(rows: rows, columns: d, low: 0, high: 1, using: &rng)
        let count = stack.parameterCount
        func run(fused: Bool, threads: Int) -> [Float] {
            var w = model.parameters
            var state = OptimizerState(optimizer, parameterCount: count)
            let ws = Workspace(stack: stack, capacity: rows, training: true)
            x.withUnsafeBufferPointer { ws.input.update(from: $0.baseAddress!, count: rows * d) }
            ExecutionContext(threads: threads).run {
                for _ in 0..<4 {
                    w.withUnsafeMutableBufferPointer { p in
                        let wp = p.baseAddress!
                        let updated = state.withNextStep(wp) { update in
                            _ = stack.rowChunkedPass(UnsafePointer(wp), ws, batch: rows, linearLastOutput: false,
                                                     squaredErrorTarget: fused ? UnsafePointer(ws.input) : nil,
                                                     update: fused ? update : nil) { r, out, g in
                                Loss.meanSquaredError.sum(out, target: ws.input + r.lowerBound * d, count: r.count * d,
                                                          meanOver: rows * d, fromLogits: false, gradient: g)
                            }
                            return ws.didUpdateInStep
                        }
                        #expect(updated == fused)
                        if updated {
                            state.step += 1
                        } else {
                            ws.chunkGradients.withUnsafeBufferPointer { g in
                                state.update(wp, gradientParts: UnsafeBufferPointer(rebasing: g[..<ws.gradientParts]), count: count)
                            }
                        }
                    }
                }
            }
            return w
        }
        let reference = run(fused: false, threads: 1)
        #expect(reference != model.parameters)
        for threads in [1, 2, 3] {
            let same = run(fused: true, threads: threads).map(\.bitPattern) == reference.map(\.bitPattern)
            #expect(same, "\(optimizer), \(threads) threads: the fused step gives other weights")
        }
    }
}
