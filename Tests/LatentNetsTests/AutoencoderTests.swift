import Foundation
import LatentAnalysis
import LatentCore
import LatentData
@testable import LatentNets
import Testing
import TestSupport

/// A regulariser ½·mean‖z‖², whose gradient w.r.t. z is z / batch.
struct ShrinkCodes: LatentRegularizer {
    func evaluate(codes: Matrix) -> (value: Double, gradient: Matrix) {
        var g = codes
        g.scale(by: 1 / Float(codes.rows))
        let v = codes.rowSquaredNorms().reduce(0.0) { $0 + Double($1) } / Double(2 * codes.rows)
        return (v, g)
    }
}

@Suite struct AutoencoderTests {
    static let mnist: Matrix = { (try? Dataset.mnist().samples) ?? Matrix(rows: 0, columns: 784) }()

    /// The first `n` bundled MNIST digits.
    func digits(_ range: Range<Int>) throws -> Matrix {
        try #require(AutoencoderTests.mnist.rows >= range.upperBound)
        return AutoencoderTests.mnist.rows(range)
    }

    @Test func encodeDecodeAndReconstructAgree() throws {
        let model = try Autoencoder.dense(inputSize: 12, hidden: [8], codeSize: 3, seed: 4)
        let x = TestData.random(rows: 30, columns: 12, seed: 1)
        let codes = try model.encode(x)
        #expect(codes.rows == 30 && codes.columns == 3)
        let viaCodes = try model.decode(codes), direct = try model.reconstruct(x)
        #expect(viaCodes == direct)
        #expect(throws: NetsError.self) { try model.encode(TestData.random(rows: 2, columns: 11, seed: 1)) }
    }

    @Test func wholeNetworkGradientWithALatentTermMatchesFiniteDifferences() throws {
        let arch = Architecture(inputShape: .vector(6),
                                encoder: [.dense(units: 5, activation: .tanh), .dense(units: 2, activation: .linear)],
                                decoder: [.dense(units: 5, activation: .sigmoid), .dense(units: 6, activation: .sigmoid)])
        let model = try Autoencoder(architecture: arch, seed: 3)
        var rng = SeededGenerator(seed: 8)
        let x = Matrix.uniform(rows: 4, columns: 6, low: 0, high: 1, using: &rng)
        for loss in [Loss.meanSquaredError, .binaryCrossEntropy] {
            var options = TrainingOptions()
            options.loss = loss
            options.latentRegularizer = ShrinkCodes()
            options.regularizerWeight = 0.7
            let objective = ReconstructionObjective(stack: model.stack, options: options, inputs: x, targets: nil,
                                                    validation: nil, validationTargets: nil,
                                                    fused: loss.fusesSigmoid(outputActivation: .sigmoid))
            let err = objectiveGradientError(model.stack, parameters: model.parameters, rows: 4, objective: objective)
            #expect(err < 1e-2, "\(loss): gradient error \(err)")
        }
    }

    @Test func linearAutoencoderReachesPCAReconstructionError() throws {
        // 300 points in 8-D with three strong directions plus small noise.
        var rng = SeededGenerator(seed: 21)
        let scores = Matrix.gaussian(rows: 300, columns: 3, using: &rng)
        let axes = Matrix.gaussian(rows: 3, columns: 8, using: &rng)
        var x = scores.multiplied(by: axes) + Matrix.gaussian(rows: 300, columns: 8, standardDeviation: 0.3, using: &rng)
        x.subtractFromColumns([Float](repeating: -2, count: 8))
        let k = 3
        let pca = try PCA(fitting: x, components: k)
        let pcaError = pca.inverseTransform(pca.transform(x)).meanSquaredDifference(to: x)

        let arch = try Architecture(spec: "8-\(k)", activation: .linear, codeActivation: .linear, output: .linear)
        var model = try Autoencoder(architecture: arch, seed: 2)
        var options = TrainingOptions()
        options.batchSize = 300
        for (epochs, lr) in [(1500, Float(1e-2)), (1500, Float(1e-3))] {
            options.epochs = epochs
            options.optimizer = .adam(learningRate: lr)
            try model.train(on: x, options: options)
        }
        let aeError = try model.meanSquaredError(x)
        #expect(aeError <= pcaError * 1.02, "linear AE \(aeError) vs PCA \(pcaError)")
        #expect(aeError >= pcaError * 0.999, "a rank-\(k) linear map cannot beat PCA: \(aeError) < \(pcaError)")
    }

    @Test func trainingOnMNISTLowersTheValidationLoss() throws {
        let train = try digits(0..<1000), validation = try digits(1000..<1200)
        var model = try Autoencoder.dense(inputSize: 784, hidden: [64], codeSize: 16, seed: 1)
        let before = try model.meanSquaredError(validation)
        var options = TrainingOptions()
        options.epochs = 4
        options.batchSize = 64
        var reports = 0
        let history = try model.train(on: train, validation: validation, options: options) { _ in reports += 1; return .continue }
        let after = try model.meanSquaredError(validation)
        #expect(history.epochs.count == 4)
        #expect(reports == 4 * 16)
        #expect(after < 0.6 * before, "validation MSE \(before) → \(after)")
        let losses = history.epochs.compactMap(\.validationLoss)
        #expect(losses.count == 4 && losses.last! < losses.first!)
        #expect(abs(losses.last! - after) < 1e-5 * max(1, after))
    }

    @Test func sameSeedGivesIdenticalWeightsOnOneAndTwoThreads() throws {
        let train = try digits(0..<512)
        func trained(threads: Int, preset: Preset?) throws -> [Float] {
            var model = try preset.map { try Autoencoder.preset($0, seed: 5) }
                ?? Autoencoder.dense(inputSize: 784, hidden: [128], codeSize: 8, seed: 5)
            var options = TrainingOptions()
            options.epochs = 2
            options.batchSize = 256
            options.noise = .gaussian(factor: 0.3)
            try model.train(on: preset == nil ? train : train.rows(0..<64), options: options,
                            context: ExecutionContext(threads: threads))
            return model.parameters
        }
        let a = try trained(threads: 1, preset: nil), b = try trained(threads: 2, preset: nil)
        #expect(a == b)
        #expect(a == (try trained(threads: 2, preset: nil)))
        let c = try trained(threads: 1, preset: .conv), d = try trained(threads: 2, preset: .conv)
        #expect(c == d)
    }

    @Test func differentSeedsGiveDifferentWeights() throws {
        let a = try Autoencoder.dense(inputSize: 10, hidden: [], codeSize: 2, seed: 1)
        let b = try Autoencoder.dense(inputSize: 10, hidden: [], codeSize: 2, seed: 2)
        #expect(a.parameters != b.parameters)
    }

    @Test func earlyStoppingRestoresTheBestWeights() throws {
        let data = try digits(0..<600)
        var model = try Autoencoder.dense(inputSize: 784, hidden: [32], codeSize: 4, seed: 3)
        var options = TrainingOptions()
        options.epochs = 12
        options.batchSize = 32
        options.optimizer = .sgd(learningRate: 2, momentum: 0.9)   // large steps: the validation loss wanders
        options.validationFraction = 0.2
        options.patience = 2
        options.divergenceFactor = 1e12
        let history = try model.train(on: data, options: options)
        let best = try #require(history.bestEpoch)
        let bestLoss = try #require(history.epochs[best - 1].validationLoss)
        #expect(history.epochs.compactMap(\.validationLoss).allSatisfy { $0 >= bestLoss })
        #expect(history.finalWeightsEpoch == best)
        if history.stopReason == .earlyStopping { #expect(history.epochs.count == best + 2) }
        // The model holds the best epoch's weights: its validation loss is the recorded best.
        var rng = SeededGenerator.stream(seed: options.seed, 11)
        var idx = Array(0..<600)
        idx.shuffle(using: &rng)
        let validation = data.rows(at: Array(idx[..<120]))
        #expect(abs(try model.meanSquaredError(validation) - bestLoss) < 1e-5)
    }

    @Test func aDivergingRunStopsWithAClearErrorAndKeepsFiniteWeights() throws {
        let data = try digits(0..<256)
        var model = try Autoencoder.dense(inputSize: 784, hidden: [32], codeSize: 4, outputActivation: .linear, seed: 3)
        var options = TrainingOptions()
        options.epochs = 5
        options.optimizer = .sgd(learningRate: 50, momentum: 0.9)
        do {
            try model.train(on: data, options: options)
            Issue.record("training with learning rate 50 did not diverge")
        } catch let NetsError.diverged(epoch, batch, loss) {
            #expect(epoch >= 1 && batch >= 1)
            #expect(!loss.isFinite || loss > 1)
            #expect(NetsError.diverged(epoch: epoch, batch: batch, loss: loss).description.contains("diverged"))
        }
        #expect(model.parameters.allSatisfy { $0.isFinite })
    }

    @Test func theLatentRegularizerShrinksTheCodes() throws {
        let data = try digits(0..<300)
        func meanCodeNorm(weight: Float?) throws -> Double {
            var model = try Autoencoder.dense(inputSize: 784, hidden: [32], codeSize: 4, seed: 9)
            var options = TrainingOptions()
            options.epochs = 3
            options.batchSize = 50
            if let weight { options.latentRegularizer = ShrinkCodes(); options.regularizerWeight = weight }
            try model.train(on: data, options: options)
            return try model.encode(data).rowSquaredNorms().reduce(0.0) { $0 + Double($1) } / 300
        }
        let free = try meanCodeNorm(weight: nil), shrunk = try meanCodeNorm(weight: 1)
        #expect(shrunk < 0.5 * free, "mean ‖z‖²: \(free) free, \(shrunk) regularised")
    }

    @Test func gaussianNoiseIsClippedSeededAndIndependentOfThreads() {
        func noisy(threads: Int, stream: UInt64) -> [Float] {
            var x = [Float](repeating: 0.5, count: 100_000)
            ExecutionContext(threads: threads).run {
                x.withUnsafeMutableBufferPointer { applyNoise(.gaussian(factor: 0.2), to: $0.baseAddress!, count: $0.count, seed: 1, stream: stream) }
            }
            return x
        }
        let a = noisy(threads: 1, stream: 3)
        #expect(a == noisy(threads: 2, stream: 3))
        #expect(a != noisy(threads: 2, stream: 4))
        #expect(a.allSatisfy { $0 >= 0 && $0 <= 1 })
        let mean = a.reduce(0.0) { $0 + Double($1) } / Double(a.count)
        let sd = (a.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(a.count)).squareRoot()
        #expect(abs(mean - 0.5) < 0.005 && abs(sd - 0.2) < 0.01, "mean \(mean), sd \(sd)")
    }

    @Test func maskingNoiseZeroesTheRequestedFraction() {
        var x = [Float](repeating: 1, count: 50_000)
        x.withUnsafeMutableBufferPointer { applyNoise(.masking(fraction: 0.3), to: $0.baseAddress!, count: $0.count, seed: 2, stream: 0) }
        let zeroed = Double(x.filter { $0 == 0 }.count) / Double(x.count)
        #expect(abs(zeroed - 0.3) < 0.01)
    }

    @Test func badTrainingOptionsAreRejected() throws {
        var model = try Autoencoder.dense(inputSize: 4, hidden: [], codeSize: 2, seed: 1)
        let x = TestData.random(rows: 10, columns: 4, seed: 1)
        var o = TrainingOptions()
        o.batchSize = 0
        #expect(throws: NetsError.self) { try model.train(on: x, options: o) }
        o = TrainingOptions(); o.validationFraction = 1
        #expect(throws: NetsError.self) { try model.train(on: x, options: o) }
        #expect(throws: NetsError.self) { try model.train(on: TestData.random(rows: 10, columns: 5, seed: 1)) }
    }

    @Test func historyIsWrittenAsCSVAndJSON() throws {
        var h = TrainingHistory()
        h.epochs = [EpochRecord(epoch: 1, trainLoss: 0.5, validationLoss: 0.6, seconds: 1.5),
                    EpochRecord(epoch: 2, trainLoss: 0.25, validationLoss: nil, seconds: 2.5)]
        #expect(h.csv() == "epoch,train_loss,val_loss,seconds\n1,0.5,0.6,1.5000\n2,0.25,,2.5000\n")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try h.write(to: dir.file("h.json"))
        let json = try Data(contentsOf: URL(fileURLWithPath: dir.file("h.json")))
        #expect(String(decoding: json, as: UTF8.self).contains("\"train_loss\" : 0.25"))
        #expect(try TrainingHistory.decode(json: json) == h)
        #expect(h.medianEpochSeconds == 2.5)
        #expect(throws: OutputError.self) { try h.write(to: dir.file("h.txt")) }
    }
}
