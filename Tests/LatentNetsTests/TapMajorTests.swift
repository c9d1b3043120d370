import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// The chunked tap-major path of one-channel layers (the first layer: forward, and backward
/// without an input gradient) against im2col, finite differences and a second thread.
@Suite struct TapMajorTests {
    func layer(height: Int, width: Int, filters: Int, padding: Padding, chunkPixels: Int) throws -> Conv2DLayer {
        let input = TensorShape(height: height, width: width, channels: 1)
        let spec = LayerSpec.conv2D(filters: filters, kernelSize: 3, padding: padding, activation: .tanh)
        var conv = makeLayer(spec, input: input, output: try Architecture.outputShape(of: spec, input: input, index: 0))
            as! Conv2DLayer
        conv.tapMajorChunkPixels = chunkPixels
        return conv
    }

    /// Output and (∂weights, ∂bias) of a training pass whose backward has no input gradient.
    func run(_ layer: Conv2DLayer, batch: Int, x: [Float], parameters: [Float], upstream: [Float]) -> (y: [Float], gp: [Float]) {
        var y = [Float](repeating: 0, count: batch * layer.outputShape.count)
        var scratch = [Float](repeating: 0, count: max(1, layer.scratchCount(batch: batch)))
        var indices = [Int32](repeating: 0, count: 1)
        var g = upstream, gp = [Float](repeating: .nan, count: parameters.count)
        x.withUnsafeBufferPointer { x in
            parameters.withUnsafeBufferPointer { p in
                y.withUnsafeMutableBufferPointer { y in
                    scratch.withUnsafeMutableBufferPointer { s in
                        indices.withUnsafeMutableBufferPointer { i in
                            g.withUnsafeMutableBufferPointer { g in
                                gp.withUnsafeMutableBufferPointer { gp in
                                    layer.forward(ForwardBuffers(input: x.baseAddress!, output: y.baseAddress!, batch: batch,
                                                                 parameters: p.baseAddress!, scratch: s.baseAddress!,
                                                                 indices: i.baseAddress!, linearOutput: false))
                                    layer.backward(BackwardBuffers(
                                        input: x.baseAddress!, output: y.baseAddress!, outputGradient: g.baseAddress!,
                                        inputGradient: nil, batch: batch, parameters: p.baseAddress!,
                                        parameterGradient: gp.baseAddress!, scratch: s.baseAddress!,
                                        indices: i.baseAddress!, linearOutput: false))
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, gp)
    }

    /// Odd and even sides, both paddings; one chunk, and several with a shorter last one.
    @Test(arguments: [(5, 6, Padding.same, 1000), (6, 7, .valid, 60), (7, 7, .same, 49), (8, 6, .same, 100)])
    func chunksGiveIm2colsOutputAndWeightGradients(height: Int, width: Int, padding: Padding, chunkPixels: Int) throws {
        let conv = try layer(height: height, width: width, filters: 8, padding: padding, chunkPixels: chunkPixels)
        #expect(conv.chunksTapMajor)
        let batch = 5
        var rng = SeededGenerator(seed: 61)
        let x = (0..<(batch * conv.inputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let p = (0..<conv.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * conv.outputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        var patches = conv
        patches.forcedMethod = .patches
        #expect(!patches.chunksTapMajor)
        let a = run(conv, batch: batch, x: x, parameters: p, upstream: up)
        let b = run(patches, batch: batch, x: x, parameters: p, upstream: up)
        #expect(Numeric.relativeError(a.y, b.y) < 1e-5)
        #expect(Numeric.relativeError(a.gp, b.gp) < 1e-5)
    }

    @Test(arguments: [Padding.same, .valid])
    func weightGradientsMatchFiniteDifferences(padding: Padding) throws {
        let conv = try layer(height: 5, width: 6, filters: 4, padding: padding, chunkPixels: 30)
        let batch = 3
        var rng = SeededGenerator(seed: 62)
        let x = (0..<(batch * conv.inputShape.count)).map { _ in rng.nextUniform() * 2 - 1 }
        let p = (0..<conv.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * conv.outputShape.count)).map { _ in rng.nextUniform() * 2 - 1 }
        let analytic = run(conv, batch: batch, x: x, parameters: p, upstream: up).gp
        let numeric = Numeric.centralDifferenceGradient(at: p.map(Double.init), step: 1e-3) { q in
            let y = run(conv, batch: batch, x: x, parameters: q.map(Float.init), upstream: up).y
            return zip(y, up).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        #expect(Numeric.relativeError(analytic, numeric.map(Float.init)) < 5e-3)
    }

    @Test func chunksDoNotDependOnTheThreadCount() throws {
        let conv = try layer(height: 28, width: 28, filters: 32, padding: .same, chunkPixels: 3136)
        let batch = 11
        var rng = SeededGenerator(seed: 63)
        let x = (0..<(batch * conv.inputShape.count)).map { _ in rng.nextUniform() }
        let p = (0..<conv.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * conv.outputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let one = try ExecutionContext(threads: 1).run { run(conv, batch: batch, x: x, parameters: p, upstream: up) }
        let two = try ExecutionContext(threads: 2).run { run(conv, batch: batch, x: x, parameters: p, upstream: up) }
        #expect(one.y == two.y && one.gp == two.gp)
    }
}
