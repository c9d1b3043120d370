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
