import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// Winograd F(2×2, 3×3) convolutions (3×3, stride 1, 16+ channels): finite differences, and
/// the same convolution and gradients as im2col, on even and odd sides, `same` and `valid`.
@Suite struct WinogradTests {
    func layer(height: Int, width: Int, channels: Int, filters: Int, padding: Padding,
               activation: Activation = .tanh) throws -> Conv2DLayer {
        let input = TensorShape(height: height, width: width, channels: channels)
        let spec = LayerSpec.conv2D(filters: filters, kernelSize: 3, padding: padding, activation: activation)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        return makeLayer(spec, input: input, output: output) as! Conv2DLayer
    }

    @Test(arguments: [(5, 6, Padding.same), (6, 7, .valid)])
    func winogradGradientsMatchFiniteDifferences(height: Int, width: Int, padding: Padding) throws {
        let conv = try layer(height: height, width: width, channels: 16, filters: 20, padding: padding)
        #expect(conv.method == .winograd)
        let e = LayerHarness(layer: conv, batch: 2).gradientErrors(seed: 41)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e) with \(padding) padding")
    }

    /// Odd and even sides (a partly outside last tile), both paddings, one chunk of images and
    /// several (with a shorter last one).
    @Test(arguments: [(7, 7, Padding.same, false), (8, 6, .same, true), (9, 8, .valid, false), (5, 5, .valid, true)])
    func winogradGivesIm2colsConvolutionAndGradients(height: Int, width: Int, padding: Padding, smallGroups: Bool) throws {
        var conv = try layer(height: height, width: width, channels: 16, filters: 24, padding: padding, activation: .relu)
        if smallGroups {
            conv.winogradChunkTiles = 2 * conv.tilesPerImage
            #expect(conv.winogradImagesPerChunk == 2 && conv.winogradChunks(batch: 5).chunks == 3)
        }
        let batch = 5
        var rng = SeededGenerator(seed: 42)
        let x = (0..<(batch * conv.inputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let p = (0..<conv.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * conv.outputShape.count)).map { _ in rng.nextUniform() - 0.5 }
        let winograd = LayerHarness(layer: conv, batch: batch)
        conv.forcedMethod = .patches
        let patches = LayerHarness(layer: conv, batch: batch)
        let yw = winograd.forward(input: x, parameters: p), yp = patches.forward(input: x, parameters: p)
        #expect(Numeric.relativeError(yw, yp) < 1e-5)
        let gw = winograd.backward(input: x, parameters: p, upstream: up), gp = patches.backward(input: x, parameters: p, upstream: up)
        #expect(Numeric.relativeError(gw.input, gp.input) < 1e-5)
        #expect(Numeric.relativeError(gw.parameters, gp.parameters) < 1e-5)
    }

    @Test func winogradResultsDoNotDependOnTheThreadCount() throws {
        let conv = try layer(height: 14, width: 14, channels: 32, filters: 32, padding: .same, activation: .relu)
        let batch = 9
        var rng = SeededGenerator(seed: 43)
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

    @Test func onlyWideThreeByThreeStrideOneLayersUseWinograd() throws {
        #expect(try layer(height: 8, width: 8, channels: 32, filters: 32, padding: .same).method == .winograd)
        #expect(try layer(height: 8, width: 8, channels: 8, filters: 32, padding: .same).method != .winograd)
        #expect(try layer(height: 8, width: 8, channels: 18, filters: 32, padding: .same).method != .winograd)
        #expect(try layer(height: 28, width: 28, channels: 1, filters: 32, padding: .same).method != .winograd)
    }
}
