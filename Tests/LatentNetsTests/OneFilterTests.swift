import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// The chunked one-filter path (the grey output layer) against im2col, finite differences and
/// a second thread.
@Suite struct OneFilterTests {
    func layer(height: Int, width: Int, channels: Int, padding: Padding, chunkPixels: Int) throws -> Conv2DLayer {
        let input = TensorShape(height: height, width: width, channels: channels)
        let spec = LayerSpec.conv2D(filters: 1, kernelSize: 3, padding: padding, activation: .sigmoid)
        var conv = makeLayer(spec, input: input, output: try Architecture.outputShape(of: spec, input: input, index: 0))
            as! Conv2DLayer
        conv.tapMajorChunkPixels = chunkPixels
        return conv
    }

    /// Odd and even sides, both paddings; one chunk, and several with a shorter last one.
    @Test(arguments: [(5, 6, Padding.same, 1000), (6, 7, .valid, 84), (7, 7, .same, 49), (8, 6, .same, 100)])
    func chunksGiveIm2colsConvolutionAndGradients(height: Int, width: Int, padding: Padding, chunkPixels: Int) throws {
        let conv = try layer(height: height, width: width, channels: 8, padding: padding, chunkPixels: chunkPixels)
        #expect(conv.chunksOneFilter)
        let batch = 5
        var rng = SeededGenerator(seed: 71)
        let x = (0..<(batch * conv.inputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let p = (0..<conv.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * conv.outputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        var patches = conv
        patches.forcedMethod = .patches
        let a = LayerHarness(layer: conv, batch: batch), b = LayerHarness(layer: patches, batch: batch)
        #expect(Numeric.relativeError(a.forward(input: x, parameters: p), b.forward(input: x, parameters: p)) < 1e-5)
        let ga = a.backward(input: x, parameters: p, upstream: up), gb = b.backward(input: x, parameters: p, upstream: up)
        #expect(Numeric.relativeError(ga.input, gb.input) < 1e-5)
        #expect(Numeric.relativeError(ga.parameters, gb.parameters) < 1e-5)
    }

    @Test(arguments: [(5, 6, Padding.same), (6, 5, .valid)])
    func gradientsMatchFiniteDifferences(height: Int, width: Int, padding: Padding) throws {
        let conv = try layer(height: height, width: width, channels: 4, padding: padding, chunkPixels: 30)
        let e = LayerHarness(layer: conv, batch: 3).gradientErrors(seed: 72)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e) with \(padding) padding")
    }

    @Test func chunksDoNotDependOnTheThreadCount() throws {
        let conv = try layer(height: 28, width: 28, channels: 32, padding: .same, chunkPixels: 3136)
        let batch = 11
        var rng = SeededGenerator(seed: 73)
        let x = (0..<(batch * conv.inputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let p = (0..<conv.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * conv.outputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let harness = LayerHarness(layer: conv, batch: batch)
        func run(threads: Int) throws -> (y: [Float], gx: [Float], gp: [Float]) {
            try ExecutionContext(threads: threads).run {
                let g = harness.backward(input: x, parameters: p, upstream: up)
                return (harness.forward(input: x, parameters: p), g.input, g.parameters)
            }
        }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one.y == two.y && one.gx == two.gx && one.gp == two.gp)
    }
}
