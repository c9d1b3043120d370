import LatentCore
import LatentNets
import Testing

@Suite struct ArchitectureTests {
    @Test func specBuildsAMirroredDecoderWithTheRightActivations() throws {
        let a = try Architecture(spec: "784-128-64-12-2")
        #expect(a.inputShape == .vector(784))
        #expect(a.encoder == [.dense(units: 128, activation: .relu), .dense(units: 64, activation: .relu),
                              .dense(units: 12, activation: .relu), .dense(units: 2, activation: .linear)])
        #expect(a.decoder == [.dense(units: 12, activation: .relu), .dense(units: 64, activation: .relu),
                              .dense(units: 128, activation: .relu), .dense(units: 784, activation: .sigmoid)])
        #expect(try a.codeShape() == .vector(2))
        #expect(a.denseSpec == "784-128-64-12-2")
    }

    @Test func perLayerActivationsInTheSpecAreMirrored() throws {
        let a = try Architecture(spec: "10-8:tanh-4-3:sigmoid", activation: .relu, output: .linear)
        #expect(a.encoder.map(\.activation) == [.tanh, .relu, .sigmoid])
        #expect(a.decoder.map(\.activation) == [.relu, .tanh, .linear])
    }

    @Test func aSymmetricSpecIsReadAsTheWholeNetwork() throws {
        let a = try Architecture(spec: "784-100-20-100-784", codeActivation: .relu)
        #expect(a.encoder.count == 2 && a.decoder.count == 2)
        #expect(try a.codeShape() == .vector(20))
        #expect(a == (try Architecture(spec: "784-100-20", codeActivation: .relu)))
    }

    @Test(arguments: ["", "784", "784-abc-2", "784-0-2", "784:relu-2", "784-128:swish-2"])
    func badSpecsAreRejectedWithTheSpecNamed(spec: String) {
        do {
            _ = try Architecture(spec: spec)
            Issue.record("'\(spec)' was accepted")
        } catch let error as NetsError {
            #expect(error.description.contains("'\(spec)'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func presetsHaveThePublishedShapesAndSizes() throws {
        let dense20 = try Autoencoder.preset(.dense20)
        // 784·100+100 + 100·20+20 + 20·100+100 + 100·784+784
        #expect(dense20.parameterCount == 161_804)
        #expect(dense20.codeSize == 20)
        #expect(try Autoencoder.preset(.dense2d).codeSize == 2)
        #expect(try Autoencoder.preset(.deep2d).architecture.denseSpec == "784-500-300-2")
        let stacked = try Preset.stacked.architecture(codeSize: 5)
        #expect(stacked.encoder.map(\.activation) == [.tanh, .tanh, .linear])
        #expect(stacked.decoder.map(\.activation) == [.relu, .relu, .sigmoid])
        #expect(Preset.stacked.training.batchSize == 1000 && Preset.stacked.training.patience != nil)
        #expect(try Preset.conv.architecture().codeShape() == TensorShape(height: 4, width: 4, channels: 4))
        #expect(try Preset.convDenoise.architecture().codeShape() == TensorShape(height: 7, width: 7, channels: 32))
        #expect(Preset.convDenoise.training.noise == .gaussian(factor: 0.5))
        #expect(Preset.dense20.training.optimizer == .rmsprop(learningRate: 1e-3))
        #expect(throws: NetsError.self) { try Preset.conv.architecture(codeSize: 10) }
    }

    @Test func layersThatDoNotFitAreRejected() {
        let tooSmall = Architecture(inputShape: TensorShape(height: 2, width: 2, channels: 1),
                                    encoder: [.conv2D(filters: 2, kernelSize: 3, padding: .valid, activation: .relu)],
                                    decoder: [.dense(units: 4, activation: .sigmoid)])
        #expect(throws: NetsError.self) { try tooSmall.validate() }
        let wrongOutput = Architecture(inputShape: .vector(10), encoder: [.dense(units: 3, activation: .relu)],
                                       decoder: [.dense(units: 9, activation: .sigmoid)])
        #expect(throws: NetsError.self) { try wrongOutput.validate() }
        let badReshape = Architecture(inputShape: .vector(10), encoder: [.reshape(TensorShape(height: 3, width: 3, channels: 1))],
                                      decoder: [.dense(units: 10, activation: .linear)])
        #expect(throws: NetsError.self) { try badReshape.validate() }
    }
}
