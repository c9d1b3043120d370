import LatentCore
@testable import LatentNets
import Testing
import TestSupport

/// The `conv-denoise` preset's widths (32 channels in and out): its layers' backward passes
/// against finite differences, since the other layer tests use a few channels only.
@Suite struct WideLayerTests {
    @Test(arguments: [ConvolutionMethod.winograd, .patches])
    func conv32To32SameBackwardMatchesFiniteDifferences(method: ConvolutionMethod) throws {
        let input = TensorShape(height: 4, width: 4, channels: 32)
        let spec = LayerSpec.conv2D(filters: 32, kernelSize: 3, padding: .same, activation: .tanh)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        var layer = makeLayer(spec, input: input, output: output) as! Conv2DLayer
        layer.forcedMethod = method
        let e = LayerHarness(layer: layer, batch: 1).gradientErrors(seed: 21)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e), \(method)")
    }

    @Test func conv32To1SigmoidOutputBackwardMatchesFiniteDifferences() throws {
        let input = TensorShape(height: 5, width: 5, channels: 32)
        let spec = LayerSpec.conv2D(filters: 1, kernelSize: 3, padding: .same, activation: .sigmoid)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        let e = LayerHarness(layer: makeLayer(spec, input: input, output: output), batch: 2).gradientErrors(seed: 22)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e)")
    }

    @Test func maxPoolAndUpSamplingAt32ChannelsMatchFiniteDifferences() throws {
        let input = TensorShape(height: 7, width: 7, channels: 32)
        let pool = LayerSpec.maxPool2D(size: 2, padding: .same)
        let pooled = try Architecture.outputShape(of: pool, input: input, index: 0)
        let p = LayerHarness(layer: makeLayer(pool, input: input, output: pooled), batch: 2).gradientErrors(seed: 23)
        #expect(p.input < 5e-3, "max-pool error \(p.input)")
        let up = LayerSpec.upSampling2D(factor: 2)
        let upOut = try Architecture.outputShape(of: up, input: pooled, index: 0)
        let u = LayerHarness(layer: makeLayer(up, input: pooled, output: upOut), batch: 2).gradientErrors(seed: 24)
        #expect(u.input < 5e-3, "upsampling error \(u.input)")
    }
}
