import Foundation
import LatentCore
@testable import LatentNets
import Testing
import TestSupport

@Suite struct ClassifierTests {
    /// Four Gaussian blobs in 6-D, shifted and scaled like a latent code, split 2:1.
    static func blobs(seed: UInt64) -> (train: Matrix, trainLabels: [Int], test: Matrix, testLabels: [Int]) {
        let (points, labels) = TestData.blobs(clusters: 4, perCluster: 90, dimension: 6, separation: 5, seed: seed)
        let scaled = points.map { 8 * $0 + 30 }
        let test = labels.indices.filter { $0 % 3 == 0 }, train = labels.indices.filter { $0 % 3 != 0 }
        return (scaled.rows(at: train), train.map { labels[$0] }, scaled.rows(at: test), test.map { labels[$0] })
    }

    static func options(epochs: Int = 15) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs; o.batchSize = 32; o.seed = 3
        o.optimizer = .adam(learningRate: 3e-3)
        return o
    }

    @Test(arguments: [(0 as Float, false), (0.3, false), (0, true), (0.3, true)])
    func learnsSeparableBlobsToHighAccuracy(dropout: Float, batchNormalization: Bool) throws {
        let data = Self.blobs(seed: 1)
        let arch = ClassifierArchitecture(inputSize: 6, hidden: [32, 16], classes: 4, dropout: dropout,
                                          batchNormalization: batchNormalization)
        var model = try Classifier(architecture: arch, seed: 2)
        let before = try model.accuracy(data.test, labels: data.testLabels)
        let history = try model.train(on: data.train, labels: data.trainLabels, options: Self.options())
        let after = try model.accuracy(data.test, labels: data.testLabels)
        #expect(after >= 0.95, "test accuracy \(after) (before training \(before)) for \(arch.summary)")
        #expect(history.epochs.count == 15)
        #expect(history.epochs.last!.trainLoss < history.epochs.first!.trainLoss / 2)
    }

    @Test func probabilitiesAreASoftmaxWhoseArgmaxIsThePrediction() throws {
        let data = Self.blobs(seed: 4)
        var model = try Classifier(architecture: ClassifierArchitecture(inputSize: 6, hidden: [16], classes: 4), seed: 1)
        try model.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 3))
        let p = try model.predictProbabilities(data.test)
        #expect(p.rows == data.test.rows && p.columns == 4)
        for s in p.rowSums() { #expect(abs(s - 1) < 1e-5) }
        #expect(p.elements.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(p.rowArgmax() == (try model.predict(data.test)))
    }

    @Test func sameSeedGivesIdenticalWeightsOnOneOrTwoThreads() throws {
        let data = Self.blobs(seed: 5)
        let arch = ClassifierArchitecture(inputSize: 6, hidden: [24, 12], classes: 4, dropout: 0.2, batchNormalization: true)
        func trained(threads: Int, seed: UInt64) throws -> [Float] {
            var model = try Classifier(architecture: arch, seed: seed)
            var o = Self.options(epochs: 3)
            o.seed = seed
            try model.train(on: data.train, labels: data.trainLabels, options: o, context: ExecutionContext(threads: threads))
            return model.parameters
        }
        let a = try trained(threads: 1, seed: 7)
        #expect(a == (try trained(threads: 2, seed: 7)))
        #expect(a != (try trained(threads: 1, seed: 8)))
    }

    @Test func validationSplitStopsEarlyAndRestoresTheBestEpoch() throws {
        let data = Self.blobs(seed: 6)
        var model = try Classifier(architecture: ClassifierArchitecture(inputSize: 6, hidden: [64, 64], classes: 4), seed: 1)
        var o = Self.options(epochs: 200)
        o.validationFraction = 0.25
        o.patience = 3
        let history = try model.train(on: data.train, labels: data.trainLabels, options: o)
        #expect(history.stopReason == .earlyStopping)
        #expect(history.epochs.count < 200)
        let best = try #require(history.bestEpoch)
        #expect(history.finalWeightsEpoch == best)
        let losses = history.epochs.compactMap(\.validationLoss)
        #expect(losses.count == history.epochs.count && losses[best - 1] == losses.min())
        #expect(history.epochs.allSatisfy { $0.validationAccuracy != nil })
    }

    @Test func saveAndLoadGiveTheSameProbabilities() throws {
        let data = Self.blobs(seed: 7)
        let arch = ClassifierArchitecture(inputSize: 6, hidden: [12], classes: 4, dropout: 0.1, batchNormalization: true)
        var model = try Classifier(architecture: arch, seed: 1)
        try model.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 2))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try model.save(to: dir.file("c.safetensors"))
        let loaded = try Classifier.load(from: dir.file("c.safetensors"))
        #expect(loaded.architecture == arch)
        #expect(try loaded.predictProbabilities(data.test) == (try model.predictProbabilities(data.test)))
    }

    @Test func loadingAnAutoencoderFileAsAClassifierNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Autoencoder.dense(inputSize: 4, hidden: [], codeSize: 2).save(to: dir.file("ae.safetensors"))
        #expect {
            _ = try Classifier.load(from: dir.file("ae.safetensors"))
        } throws: { error in
            "\(error)".contains("ae.safetensors") && "\(error)".contains(Classifier.fileFormat)
        }
    }

    @Test func labelOutsideTheClassesIsAnErrorNamingTheRow() throws {
        var model = try Classifier(architecture: ClassifierArchitecture(inputSize: 2, hidden: [4], classes: 3), seed: 1)
        let x = try Matrix([[0, 1], [1, 0], [1, 1]])
        #expect(throws: NetsError.invalidOption("training label 3 at row 2 is outside 0..<3 (the classifier has 3 classes)")) {
            try model.train(on: x, labels: [0, 1, 3])
        }
        #expect(throws: NetsError.self) { try model.predict(try Matrix([[1, 2, 3]])) }
        #expect(throws: NetsError.self) { try Classifier(architecture: ClassifierArchitecture(inputSize: 2, classes: 3, dropout: 1)) }
    }

    @Test func batchNormRunningStatisticsTrackTheTrainingData() throws {
        let data = Self.blobs(seed: 8)
        let arch = ClassifierArchitecture(inputSize: 6, hidden: [8], classes: 4, batchNormalization: true, standardizesInputs: false)
        var model = try Classifier(architecture: arch, seed: 1)
        try model.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 5))
        // The running mean of the batch-norm layer should approach the mean pre-activation of
        // the first dense layer over the training data.
        let tensors = Dictionary(uniqueKeysWithValues: model.namedTensors.map { ($0.name, Array($0.values)) })
        let w = try Matrix(rows: 6, columns: 8, elements: try #require(tensors["layers.0.weight"]))
        let bias = try #require(tensors["layers.0.bias"])
        let pre = data.train.multiplied(by: w).columnMeans().enumerated().map { $0.element + bias[$0.offset] }
        let running = try #require(tensors["layers.1.running_mean"])
        #expect(Numeric.relativeError(running, pre) < 0.1, "running mean \(running) vs data mean \(pre)")
    }
}

/// The classifier runs in the same training loop as the autoencoder, so it gets its
/// checkpoints, its divergence check and the execution context.
@Suite struct ClassifierTrainingLoopTests {
    static let arch = ClassifierArchitecture(inputSize: 6, hidden: [24, 12], classes: 4, dropout: 0.2, batchNormalization: true)

    /// Dropout masks, batch-norm running statistics, Adam moments, the validation split and
    /// patience are all carried state a resumed run must restore.
    static func options(epochs: Int, checkpoint: String? = nil) -> TrainingOptions {
        var o = ClassifierTests.options(epochs: epochs)
        o.validationFraction = 0.2
        o.patience = 10
        o.checkpoint = checkpoint.map { CheckpointPolicy(path: $0, every: 2) }
        return o
    }

    @Test func resumingAClassifierFromACheckpointGivesTheUninterruptedRunBitForBit() throws {
        let data = ClassifierTests.blobs(seed: 6)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var whole = try Classifier(architecture: Self.arch, seed: 2)
        let reference = try whole.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 6))

        let path = dir.file("classifier.ckpt.safetensors")
        var first = try Classifier(architecture: Self.arch, seed: 2)
        try first.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 6, checkpoint: path)) { p in
            p.completedEpoch?.epoch == 3 ? .stop : .continue
        }
        let saved = try TrainingCheckpoint.read(from: path)
        #expect(saved.epoch == 2)
        guard case .classifier(let savedArch, let mean?, let scale?) = saved.model else {
            Issue.record("the checkpoint does not hold a classifier with its standardisation: \(saved.model)")
            return
        }
        #expect(savedArch == Self.arch && mean == first.inputMean && scale == first.inputScale)
        #expect(throws: NetsError.self) { try saved.autoencoder() }

        // A fresh classifier (standardisation not fitted yet) continues from the checkpoint.
        var resumed = try Classifier(architecture: Self.arch, seed: 99)
        let history = try resumed.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 6, checkpoint: path),
                                        resumingFrom: saved)
        func withoutTimes(_ h: TrainingHistory) -> TrainingHistory {
            var h = h
            for k in h.epochs.indices { h.epochs[k].seconds = 0 }
            return h
        }
        #expect(resumed.parameters == whole.parameters)
        #expect(resumed.inputMean == whole.inputMean && resumed.inputScale == whole.inputScale)
        #expect(withoutTimes(history) == withoutTimes(reference))
        #expect(history.epochs.allSatisfy { $0.trainAccuracy != nil && $0.validationAccuracy != nil })
        #expect(history.csv().hasPrefix("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n"))
    }

    @Test func aClassifierCheckpointIsRefusedByAnotherArchitectureOrAnAutoencoder() throws {
        let data = ClassifierTests.blobs(seed: 6)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("c.safetensors")
        var model = try Classifier(architecture: Self.arch, seed: 2)
        try model.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 2, checkpoint: path))
        let saved = try TrainingCheckpoint.read(from: path)
        var other = try Classifier(architecture: ClassifierArchitecture(inputSize: 6, hidden: [8], classes: 4), seed: 2)
        let untouched = other
        #expect { try other.train(on: data.train, labels: data.trainLabels, options: Self.options(epochs: 4), resumingFrom: saved) }
            throws: { "\($0)".contains("architecture classifier 6-24-12-4") }
        // A refused resume leaves the classifier as it was, standardisation included.
        #expect(other.parameters == untouched.parameters && !other.isStandardizationFitted)
        var autoencoder = try Autoencoder.dense(inputSize: 6, hidden: [4], codeSize: 2, seed: 1)
        var aeOptions = TrainingOptions()
        aeOptions.epochs = 4
        #expect { try autoencoder.train(on: data.train, options: aeOptions, resumingFrom: saved) }
            throws: { "\($0)".contains("architecture") }
    }

    @Test func anExplodingClassifierLossStopsWithTheLastGoodWeights() throws {
        let data = ClassifierTests.blobs(seed: 3)
        var model = try Classifier(architecture: ClassifierArchitecture(inputSize: 6, hidden: [16], classes: 4,
                                                                       standardizesInputs: false), seed: 1)
        var o = ClassifierTests.options(epochs: 5)
        o.optimizer = .sgd(learningRate: 50, momentum: 0.9)
        o.divergenceFactor = 2
        let start = model.parameters
        // Before, only a NaN or infinite loss stopped a classifier; now a loss above
        // `divergenceFactor` times the first batch's does too, within the first epoch here.
        #expect { try model.train(on: data.train, labels: data.trainLabels, options: o) } throws: { error in
            guard case NetsError.diverged(let epoch, let batch, let loss)? = error as? NetsError else { return false }
            return epoch == 1 && batch > 1 && !(loss <= 2 * 1.6)
        }
        #expect(model.parameters == start)   // the weights of the last good epoch: the initial ones
    }

    @Test func trainingRunsInTheContextItIsGiven() throws {
        let data = ClassifierTests.blobs(seed: 2)
        var model = try Classifier(architecture: ClassifierArchitecture(inputSize: 6, hidden: [8], classes: 4), seed: 1)
        var seen = Set<Int>()
        try model.train(on: data.train, labels: data.trainLabels, options: ClassifierTests.options(epochs: 1),
                        context: ExecutionContext(threads: 1, memoryLimit: 12345)) { _ in
            seen.insert(ExecutionContext.current.threads * 100_000 + (ExecutionContext.current.memoryLimit ?? 0))
            return .continue
        }
        #expect(seen == [112_345])
    }
}
