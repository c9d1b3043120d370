import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

@Suite struct LayerTests {
    static let activations: [Activation] = [.linear, .relu, .leakyReLU(slope: 0.1), .tanh, .sigmoid]

    @Test(arguments: activations)
    func denseBackwardMatchesFiniteDifferences(activation: Activation) {
        // Five units take the scalar derivative pass, eight the four-wide one.
        for units in [5, 8] {
            let layer = DenseLayer(inputShape: .vector(7), outputShape: .vector(units), activation: activation)
            // Seed 21 puts no ReLU pre-activation within the finite-difference step of its kink
            // (seed 11 does, and the check then fails by design of finite differences).
            let e = LayerHarness(layer: layer, batch: 4).gradientErrors(seed: 21)
            #expect(e.input < 5e-3, "input gradient error \(e.input) for \(activation), \(units) units")
            #expect(e.parameters < 5e-3, "parameter gradient error \(e.parameters) for \(activation), \(units) units")
        }
    }

    @Test func denseForwardIsInputTimesKernelPlusBias() {
        let layer = DenseLayer(inputShape: .vector(2), outputShape: .vector(3), activation: .linear)
        // W (2 × 3) then b (3).
        let p: [Float] = [1, 2, 3, 4, 5, 6, 0.5, -1, 2]
        let y = LayerHarness(layer: layer, batch: 1).forward(input: [1, -1], parameters: p)
        let expected: [Float] = [-2.5, -4, -1]    // x·W + b, worked by hand
        #expect(y == expected)
    }

    @Test(arguments: [Padding.same, .valid])
    func conv3x3BackwardMatchesFiniteDifferences(padding: Padding) throws {
        let input = TensorShape(height: 5, width: 6, channels: 2)
        let spec = LayerSpec.conv2D(filters: 3, kernelSize: 3, padding: padding, activation: .tanh)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        let layer = conv(spec, input: input, output: output)
        let e = LayerHarness(layer: layer, batch: 2).gradientErrors(seed: 12)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e)")
    }

    /// Strided layers with few channels (im2col and the col2im scatter).
    @Test func generalConvWithStrideAndRectangularKernelMatchesFiniteDifferences() throws {
        for (channels, filters) in [(3, 2), (1, 6)] {
            let input = TensorShape(height: 7, width: 6, channels: channels)
            for padding in [Padding.same, .valid] {
                let spec = LayerSpec.conv2D(filters: filters, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: padding,
                                            activation: .sigmoid)
                let output = try Architecture.outputShape(of: spec, input: input, index: 0)
                let layer = conv(spec, input: input, output: output)
                #expect(layer.method == .patches)
                let e = LayerHarness(layer: layer, batch: 2).gradientErrors(seed: 13)
                #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e) with \(padding) padding, \(channels) → \(filters)")
            }
        }
    }

    /// Stride 1 with an even kernel side: `same` pads one pixel at the bottom/right only, so the
    /// input gradient's convolution of the output gradient needs the complementary padding.
    @Test(arguments: [Padding.same, .valid])
    func stride1RectangularKernelInputGradientByConvolutionMatchesFiniteDifferences(padding: Padding) throws {
        let input = TensorShape(height: 6, width: 5, channels: 5)
        let spec = LayerSpec.conv2D(filters: 6, kernelHeight: 2, kernelWidth: 3, stride: 1, padding: padding, activation: .tanh)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        let layer = conv(spec, input: input, output: output)
        #expect(layer.gradientByConvolution)
        let e = LayerHarness(layer: layer, batch: 2).gradientErrors(seed: 15)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e) with \(padding) padding")
    }

    /// The shifted-sum GEMMs (stride 1, few filters) against finite differences and against
    /// im2col, with an even kernel side for `same`'s one-sided padding.
    @Test(arguments: [(5, 1, Padding.same), (4, 3, .valid), (1, 2, .same)])
    func shiftedProductsMatchFiniteDifferencesAndIm2col(channels: Int, filters: Int, padding: Padding) throws {
        let input = TensorShape(height: 6, width: 5, channels: channels)
        let spec = LayerSpec.conv2D(filters: filters, kernelHeight: 3, kernelWidth: 2, stride: 1, padding: padding,
                                    activation: .sigmoid)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        var layer = makeLayer(spec, input: input, output: output) as! Conv2DLayer
        #expect(layer.method == .shifted)
        let e = LayerHarness(layer: layer, batch: 3).gradientErrors(seed: 16)
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "errors \(e)")
        var rng = SeededGenerator(seed: 32)
        let x = (0..<(3 * input.count)).map { _ in rng.nextUniform() - 0.5 }
        let p = (0..<layer.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(3 * output.count)).map { _ in rng.nextUniform() - 0.5 }
        let shifted = LayerHarness(layer: layer, batch: 3)
        layer.forcedMethod = .patches
        let patches = LayerHarness(layer: layer, batch: 3)
        #expect(Numeric.relativeError(shifted.forward(input: x, parameters: p), patches.forward(input: x, parameters: p)) < 1e-5)
        let gs = shifted.backward(input: x, parameters: p, upstream: up), gp = patches.backward(input: x, parameters: p, upstream: up)
        #expect(Numeric.relativeError(gs.input, gp.input) < 1e-5)
        #expect(Numeric.relativeError(gs.parameters, gp.parameters) < 1e-5)
    }

    @Test func shiftedProductsAreTheSameInSmallGroups() {
        let input = TensorShape(height: 5, width: 5, channels: 3)
        var layer = Conv2DLayer(inputShape: input, outputShape: TensorShape(height: 5, width: 5, channels: 1),
                                kernelHeight: 3, kernelWidth: 3, stride: 1, padding: .same, activation: .tanh)
        let whole = LayerHarness(layer: layer, batch: 5)
        layer.columnBudget = 2 * layer.shiftedFloatsPerImage
        #expect(layer.shiftedImagesPerGroup(batch: 5) == 2)
        let grouped = LayerHarness(layer: layer, batch: 5)
        var rng = SeededGenerator(seed: 33)
        let x = (0..<(5 * input.count)).map { _ in rng.nextUniform() - 0.5 }
        let p = (0..<layer.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(5 * 25)).map { _ in rng.nextUniform() - 0.5 }
        #expect(whole.forward(input: x, parameters: p) == grouped.forward(input: x, parameters: p))
        let gw = whole.backward(input: x, parameters: p, upstream: up), gg = grouped.backward(input: x, parameters: p, upstream: up)
        #expect(gw.input == gg.input)
        #expect(Numeric.relativeError(gw.parameters, gg.parameters) < 1e-5)
    }

    func conv(_ spec: LayerSpec, input: TensorShape, output: TensorShape) -> Conv2DLayer {
        var layer = makeLayer(spec, input: input, output: output) as! Conv2DLayer
        layer.forcedMethod = .patches
        return layer
    }

    @Test func convGradientIsTheSameWhenImagesAreProcessedInSmallGroups() {
        let input = TensorShape(height: 6, width: 6, channels: 2)
        var layer = Conv2DLayer(inputShape: input, outputShape: TensorShape(height: 6, width: 6, channels: 4),
                                kernelHeight: 3, kernelWidth: 3, stride: 1, padding: .same, activation: .relu)
        layer.forcedMethod = .patches
        let whole = LayerHarness(layer: layer, batch: 5).gradientErrors(seed: 14)
        layer.columnBudget = 2 * layer.columnsPerImage()        // two images per group, the last group has one
        #expect(layer.imagesPerGroup(batch: 5) == 2)
        let grouped = LayerHarness(layer: layer, batch: 5).gradientErrors(seed: 14)
        #expect(whole.input < 5e-3 && whole.parameters < 5e-3)
        #expect(grouped.input < 5e-3 && grouped.parameters < 5e-3, "grouped errors \(grouped)")
    }

    /// The one-channel input layer (tap-major im2col, the weight gradient's inner dimension cut
    /// into concurrent pieces) against the shifted-sum GEMMs, in one group and in several.
    @Test(arguments: [false, true])
    func oneChannelTapMajorLayerGivesTheShiftedSumsConvolution(smallGroups: Bool) throws {
        let input = TensorShape(height: 28, width: 28, channels: 1), batch = 10
        var layer = Conv2DLayer(inputShape: input, outputShape: TensorShape(height: 28, width: 28, channels: 32),
                                kernelHeight: 3, kernelWidth: 3, stride: 1, padding: .same, activation: .relu)
        #expect(layer.method == .patches && layer.tapMajor && layer.splitsWeightGradient)
        if smallGroups { layer.columnBudget = 3 * layer.columnsPerImage() }
        let group = layer.imagesPerGroup(batch: batch, inputGradient: false)
        #expect(BLAS.innerParts(m: 9, n: 32, k: group * 784) > 1, "\(group) images a group, \(layer.columnsPerImage(inputGradient: false)) columns")
        var rng = SeededGenerator(seed: 34)
        let x = (0..<(batch * input.count)).map { _ in rng.nextUniform() }
        let p = (0..<layer.parameterCount).map { _ in rng.nextUniform() - 0.5 }
        let up = (0..<(batch * 784 * 32)).map { _ in rng.nextUniform() - 0.5 }
        let patches = LayerHarness(layer: layer, batch: batch)
        layer.forcedMethod = .shifted
        let shifted = LayerHarness(layer: layer, batch: batch)
        #expect(Numeric.relativeError(patches.forward(input: x, parameters: p), shifted.forward(input: x, parameters: p)) < 1e-5)
        let gp = patches.backward(input: x, parameters: p, upstream: up), gs = shifted.backward(input: x, parameters: p, upstream: up)
        #expect(Numeric.relativeError(gp.input, gs.input) < 1e-5)
        #expect(Numeric.relativeError(gp.parameters, gs.parameters) < 1e-5)
    }

    @Test func convWithASingleCentreTapCopiesTheInput() {
        let shape = TensorShape(height: 3, width: 3, channels: 1)
        let layer = Conv2DLayer(inputShape: shape, outputShape: shape, kernelHeight: 3, kernelWidth: 3, stride: 1,
                                padding: .same, activation: .linear)
        var p = [Float](repeating: 0, count: 10)
        p[4] = 1                                   // the centre tap; bias 0
        let x: [Float] = (1...9).map(Float.init)
        #expect(LayerHarness(layer: layer, batch: 1).forward(input: x, parameters: p) == x)
        p[4] = 0; p[0] = 1                         // top-left tap: output(y, x) = input(y−1, x−1)
        #expect(LayerHarness(layer: layer, batch: 1).forward(input: x, parameters: p) == [0, 0, 0, 0, 1, 2, 0, 4, 5])
    }

    @Test(arguments: [Padding.same, .valid])
    func maxPoolBackwardMatchesFiniteDifferences(padding: Padding) throws {
        // Five channels: four through the SIMD path, one through the scalar tail.
        let input = TensorShape(height: 5, width: 5, channels: 5)
        let spec = LayerSpec.maxPool2D(size: 2, padding: padding)
        let output = try Architecture.outputShape(of: spec, input: input, index: 0)
        #expect(output.height == (padding == .same ? 3 : 2))
        let e = LayerHarness(layer: makeLayer(spec, input: input, output: output), batch: 2).gradientErrors(seed: 15)
        #expect(e.input < 5e-3, "input gradient error \(e.input)")
    }

    @Test func maxPoolPicksTheSameWinnersInTheSIMDAndScalarPaths() {
        // Channel k of pixel p holds the same value in both layouts, so the winners agree.
        let wide = MaxPool2DLayer(inputShape: TensorShape(height: 3, width: 3, channels: 4),
                                  outputShape: TensorShape(height: 2, width: 2, channels: 4), size: 2)
        var rng = SeededGenerator(seed: 4)
        let x = (0..<36).map { _ in rng.nextUniform() }
        let y = LayerHarness(layer: wide, batch: 1).forward(input: x, parameters: [])
        for ch in 0..<4 {
            let single = MaxPool2DLayer(inputShape: TensorShape(height: 3, width: 3, channels: 1),
                                        outputShape: TensorShape(height: 2, width: 2, channels: 1), size: 2)
            let plane = stride(from: ch, to: 36, by: 4).map { x[$0] }
            let expected = LayerHarness(layer: single, batch: 1).forward(input: plane, parameters: [])
            #expect(stride(from: ch, to: 16, by: 4).map { y[$0] } == expected)
        }
    }

    @Test func maxPoolTakesTheLargestValueOfEachWindow() {
        let layer = MaxPool2DLayer(inputShape: TensorShape(height: 2, width: 4, channels: 1),
                                   outputShape: TensorShape(height: 1, width: 2, channels: 1), size: 2)
        let y = LayerHarness(layer: layer, batch: 1).forward(input: [1, 5, -2, -3, 4, 0, -1, -4], parameters: [])
        #expect(y == [5, -1])
    }

    @Test func upSamplingRepeatsPixelsAndItsBackwardMatchesFiniteDifferences() {
        let layer = UpSampling2DLayer(inputShape: TensorShape(height: 2, width: 3, channels: 2),
                                      outputShape: TensorShape(height: 4, width: 6, channels: 2), factor: 2)
        let e = LayerHarness(layer: layer, batch: 2).gradientErrors(seed: 16)
        #expect(e.input < 5e-3)
        let one = UpSampling2DLayer(inputShape: TensorShape(height: 1, width: 2, channels: 1),
                                    outputShape: TensorShape(height: 2, width: 4, channels: 1), factor: 2)
        #expect(LayerHarness(layer: one, batch: 1).forward(input: [1, 2], parameters: []) == [1, 1, 2, 2, 1, 1, 2, 2])
    }

    @Test func reshapeKeepsValuesAndPassesGradientsThrough() {
        let layer = ReshapeLayer(inputShape: TensorShape(height: 2, width: 2, channels: 3), outputShape: .vector(12))
        let e = LayerHarness(layer: layer, batch: 3).gradientErrors(seed: 17)
        #expect(e.input < 1e-3)
    }

    @Test func sigmoidIsFiniteAndSymmetricForLargeInputs() {
        #expect(sigmoid(100) == 1 && sigmoid(-100) >= 0 && sigmoid(-100) < 1e-30)
        #expect(abs(sigmoid(2) + sigmoid(-2) - 1) < 1e-6)
    }
}

@Suite struct ActivationTests {
    @Test func fastExpMatchesTheLibraryExponential() {
        var worst: Double = 0
        for k in -870...880 {
            let x = Float(k) / 10
            let ref = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(fastExp(x)) - ref) / ref)
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
    }

    @Test func activationNamesRoundTrip() {
        for a in [Activation.linear, .relu, .leakyReLU(slope: 0.01), .leakyReLU(slope: 0.2), .tanh, .sigmoid] {
            #expect(Activation(name: a.name) == a)
        }
        #expect(Activation(name: "swish") == nil)
        #expect(Activation(name: "leaky-relu:1.5") == nil)
    }
}
