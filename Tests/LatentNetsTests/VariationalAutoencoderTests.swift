import Foundation
import LatentCore
import LatentData
@testable import LatentNets
import Testing
import TestSupport

@Suite struct VariationalAutoencoderTests {
    static func smallArchitecture() throws -> Architecture {
        try Architecture(inputShape: .vector(6),
                         encoder: [.dense(units: 5, activation: .tanh), .dense(units: 2, activation: .linear)],
                         decoder: [.dense(units: 5, activation: .sigmoid), .dense(units: 6, activation: .sigmoid)]).variational()
    }

    @Test func wholeNetworkGradientMatchesFiniteDifferencesWithTheNoiseFixed() throws {
        let model = try Autoencoder(architecture: Self.smallArchitecture(), seed: 3)
        var rng = SeededGenerator(seed: 8)
        let x = Matrix.uniform(rows: 4, columns: 6, low: 0, high: 1, using: &rng)
        for (loss, step) in [(Loss.meanSquaredError, UInt64(1)), (.binaryCrossEntropy, 7)] {
            var options = TrainingOptions()
            options.loss = loss
            options.klWeight = 2.5
            options.klWarmupEpochs = 3     // one batch per epoch: step 1 weighs the KL by β/3, step 7 by β
            let base = ReconstructionObjective(stack: model.stack, options: options, inputs: x, targets: nil, validation: nil,
                                               validationTargets: nil, fused: loss.fusesSigmoid(outputActivation: .sigmoid))
            let objective = VariationalObjective(base: base, trainingRows: 4, batchSize: 4)
            let err = objectiveGradientError(model.stack, parameters: model.parameters, rows: 4, step: step, objective: objective)
            #expect(err < 1e-2, "\(loss): gradient error \(err)")
        }
    }

    @Test func sampleLayerGradientMatchesFiniteDifferences() {
        // With ε fixed in the index buffer, z = μ + e^{v/2} ε is smooth in (μ, v).
        let layer = GaussianSampleLayer(inputShape: .vector(6), outputShape: .vector(3))
        var noise = [Int32](repeating: 0, count: 12)
        noise.withUnsafeMutableBufferPointer { GaussianSampleLayer.fillNoise($0.baseAddress!, count: 12, seed: 5, stream: 2) }
        let epsilon = noise.map { Float(bitPattern: UInt32(bitPattern: $0)) }
        #expect(epsilon.contains { $0 < 0 } && epsilon.contains { $0 > 0 })
        var rng = SeededGenerator(seed: 2)
        let input = (0..<24).map { _ in rng.nextUniform() * 2 - 1 }
        let upstream = (0..<12).map { _ in rng.nextUniform() * 2 - 1 }
        func run(_ x: [Float], backward: Bool, training: Bool = true) -> [Float] {
            var out = [Float](repeating: 0, count: 12), gIn = [Float](repeating: .nan, count: 24)
            var g = upstream, idx = noise, scratch: [Float] = [0], params: [Float] = [0]
            x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { yp in
                idx.withUnsafeMutableBufferPointer { ip in scratch.withUnsafeMutableBufferPointer { sp in
                    params.withUnsafeMutableBufferPointer { pp in g.withUnsafeMutableBufferPointer { gp in
                        gIn.withUnsafeMutableBufferPointer { gi in
                            layer.forward(ForwardBuffers(input: xp.baseAddress!, output: yp.baseAddress!, batch: 4,
                                                         parameters: pp.baseAddress!, scratch: sp.baseAddress!,
                                                         indices: ip.baseAddress!, linearOutput: false, training: training))
                            if backward {
                                layer.backward(BackwardBuffers(input: xp.baseAddress!, output: yp.baseAddress!,
                                                               outputGradient: gp.baseAddress!, inputGradient: gi.baseAddress!,
                                                               batch: 4, parameters: pp.baseAddress!, parameterGradient: pp.baseAddress!,
                                                               scratch: sp.baseAddress!, indices: ip.baseAddress!,
                                                               linearOutput: false, training: training))
                            }
                        }
                    } }
                } }
            } }
            return backward ? gIn : out
        }
        let z = run(input, backward: false)
        for r in 0..<4 { for j in 0..<3 {
            let expected = input[r * 6 + j] + Foundation.exp(0.5 * input[r * 6 + 3 + j]) * epsilon[r * 3 + j]
            #expect(abs(z[r * 3 + j] - expected) < 1e-6)
        } }
        let means = run(input, backward: false, training: false)
        let expectedMeans: [Float] = (0..<12).map { (k: Int) -> Float in input[(k / 3) * 6 + k % 3] }
        #expect(means == expectedMeans)
        let analytic = run(input, backward: true)
        let numeric = Numeric.centralDifferenceGradient(at: input.map(Double.init), step: 1e-3) { x in
            zip(run(x.map(Float.init), backward: false), upstream).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        #expect(Numeric.relativeError(analytic, numeric.map(Float.init)) < 1e-3)
    }

    @Test func klTermIsTheClosedFormAndWarmsUpLinearly() throws {
        // μ = (1, 0), v = (0, log 2): KL = −½[(1 + 0 − 1 − 1) + (1 + log 2 − 0 − 2)] = 1 − ½ log 2.
        let stats: [Float] = [1, 0, 0, Float(Foundation.log(2.0))]
        let kl = stats.withUnsafeBufferPointer { VariationalObjective.meanKL($0.baseAddress!, batch: 1, codeSize: 2) }
        #expect(abs(kl - (1 - 0.5 * Foundation.log(2.0))) < 1e-6)
        let zero: [Float] = [0, 0, 0, 0]
        #expect(zero.withUnsafeBufferPointer { VariationalObjective.meanKL($0.baseAddress!, batch: 1, codeSize: 2) } == 0)
        let model = try Autoencoder(architecture: Self.smallArchitecture(), seed: 1)
        var options = TrainingOptions()
        options.klWeight = 4
        options.klWarmupEpochs = 2
        let base = ReconstructionObjective(stack: model.stack, options: options, inputs: Matrix(rows: 10, columns: 6),
                                           targets: nil, validation: nil, validationTargets: nil, fused: false)
        let objective = VariationalObjective(base: base, trainingRows: 10, batchSize: 4)   // 3 batches per epoch
        #expect(objective.warmupSteps == 6)
        #expect(objective.klWeight(step: 3) == 2)
        #expect(objective.klWeight(step: 6) == 4 && objective.klWeight(step: 60) == 4)
    }

    @Test func noiseIsStandardNormalAndTheSameForAnyThreadCount() {
        let count = 200_000
        func draw(threads: Int) -> [Int32] {
            var noise = [Int32](repeating: 0, count: count)
            ExecutionContext(threads: threads).run {
                noise.withUnsafeMutableBufferPointer { GaussianSampleLayer.fillNoise($0.baseAddress!, count: count, seed: 3, stream: 9) }
            }
            return noise
        }
        let one = draw(threads: 1)
        #expect(one == draw(threads: 3))
        let values = one.map { Double(Float(bitPattern: UInt32(bitPattern: $0))) }
        let mean = values.reduce(0, +) / Double(count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.02)
    }

    @Test func trainsOnMNISTSavesLoadsAndSamplesFromThePrior() throws {
        let digits = try Dataset.mnist().samples.rows(0..<600)
        let arch = try Architecture(spec: "784-64-4", activation: .relu, output: .sigmoid).variational()
        var model = try Autoencoder(architecture: arch, seed: 2)
        #expect(model.isVariational && model.codeSize == 4)
        var options = TrainingOptions()
        options.epochs = 4
        options.loss = .binaryCrossEntropy
        options.validationFraction = 0.2
        options.klWarmupEpochs = 2
        let history = try model.train(on: digits, options: options)
        let validation = history.epochs.compactMap(\.validationLoss)
        #expect(validation.count == 4 && validation.last! < validation.first!)
        let (reconstruction, kl) = try model.variationalLosses(digits)
        #expect(reconstruction > 0 && reconstruction < 0.3)
        #expect(kl > 0.5 && kl.isFinite, "the codes carry information: KL \(kl)")
        // Encoding gives the deterministic means: the same twice, and decoding them is `reconstruct`.
        let codes = try model.encode(digits.rows(0..<20))
        #expect(try model.encode(digits.rows(0..<20)) == codes)
        #expect(try model.decode(codes) == model.reconstruct(digits.rows(0..<20)))
        let (priorCodes, images) = try model.samplesFromPrior(count: 9, seed: 4)
        #expect(priorCodes.rows == 9 && priorCodes.columns == 4 && images.rows == 9 && images.columns == 784)
        #expect(try model.samplesFromPrior(count: 9, seed: 4).images == images)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vae-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let loaded = try Autoencoder.load(from: path)
        #expect(loaded.isVariational && loaded.architecture == model.architecture)
        #expect(try loaded.encode(digits.rows(0..<20)) == codes)
        #expect(try Safetensors.read(from: path)["encoder.1.weight"]?.shape == [64, 8])
    }

    @Test func refusesWhatAVariationalModelCannotBe() throws {
        let conv = Architecture(inputShape: TensorShape(height: 4, width: 4, channels: 1),
                                encoder: [.conv2D(filters: 2, activation: .relu)],
                                decoder: [.conv2D(filters: 1, activation: .sigmoid)])
        #expect(throws: NetsError.self) { try conv.variational() }
        var relu = try Self.smallArchitecture()
        relu.encoder[1] = .dense(units: 2, activation: .relu)
        #expect(throws: NetsError.self) { try Autoencoder(architecture: relu) }
        var model = try Autoencoder(architecture: Self.smallArchitecture())
        var options = TrainingOptions()
        options.latentRegularizer = ShrinkCodes()
        #expect(throws: NetsError.self) { try model.train(on: Matrix(rows: 8, columns: 6), options: options) }
        options.latentRegularizer = nil
        options.klWeight = -1
        #expect(throws: NetsError.self) { try model.train(on: Matrix(rows: 8, columns: 6), options: options) }
        let plain = try Autoencoder.dense(inputSize: 6, hidden: [4], codeSize: 2)
        #expect(throws: NetsError.self) { try plain.variationalLosses(Matrix(rows: 2, columns: 6)) }
    }

    @Test func filesWithoutTheVariationalKeyReadAsPlainAutoencoders() throws {
        let plain = try Architecture(spec: "10-4-2", activation: .relu, output: .sigmoid)
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("variational"))
        let vae = try plain.variational()
        let decoded = try JSONDecoder().decode(Architecture.self, from: JSONEncoder().encode(vae))
        #expect(decoded.isVariational && decoded == vae)
        #expect(try JSONDecoder().decode(Architecture.self, from: Data(json.utf8)) == plain)
    }
}
