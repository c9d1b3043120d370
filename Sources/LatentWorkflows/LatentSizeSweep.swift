import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot

/// One autoencoder per bottleneck size, each scored by its test reconstruction error and by
/// how well an MLP and a k-NN classifier recover the classes from its codes: the run behind
/// `latentmap sweep`.
///
/// The labelled dataset is split into training and test parts (`testFraction`, seeded). For
/// each size d a dense autoencoder D-`encoder`-d (mirrored decoder, ReLU, linear code, sigmoid
/// output for data in [0, 1]), or `preset`'s architecture with its code set to d, is trained on
/// the training part; both parts are encoded, and an MLP (`classifier`) and a k-NN classifier
/// learn from the training codes and are scored on the test codes.
///
/// ```swift
/// var sweep = LatentSizeSweep(sizes: [10, 20, 30])
/// sweep.epochs = 20
/// let report = try sweep.run(on: try Dataset.mnist())
/// print(report.markdown())
/// ```
public struct LatentSizeSweep: Sendable {
    /// The latent sizes, in this order.
    public var sizes: [Int]
    /// Encoder hidden layer sizes between input and code (default [256]; ignored with `preset`).
    public var encoder: [Int] = [256]
    /// A dense preset whose architecture and training recipe replace `encoder` (default nil).
    public var preset: Preset?
    /// Autoencoder training epochs (default 20).
    public var epochs = 20
    /// Autoencoder reconstruction loss (default MSE).
    public var loss: Loss = .meanSquaredError
    /// The classifier's hidden layers, dropout and batch normalisation; its input and class
    /// counts are set per size (default 256-128, no dropout).
    public var classifier = ClassifierArchitecture(inputSize: 1, hidden: [256, 128], classes: 2)
    /// Classifier training epochs (default 20).
    public var classifierEpochs = 20
    /// Batch size of both trainings; with `preset` the autoencoder keeps the preset's (default 128).
    public var batchSize = 128
    /// Neighbours of the k-NN classifier (default 10).
    public var neighbours = 10
    /// Fraction of the samples held out for testing (default 0.2).
    public var testFraction = 0.2
    /// Seeds the split, the initialisations and the shuffling (default 1).
    public var seed: UInt64 = 1

    public init(sizes: [Int]) { self.sizes = sizes }

    /// The classifier's hidden layers as "256-128" ("none" for softmax regression).
    public var classifierLayers: String {
        classifier.hidden.isEmpty ? "none" : classifier.hidden.map(String.init).joined(separator: "-")
    }

    /// One size's scores.
    public struct Row: Codable, Sendable, Equatable {
        public var latent: Int
        public var parameters: Int
        public var testMSE: Double
        public var trainMSE: Double
        public var mlpAccuracy: Double
        public var knnAccuracy: Double
        public var autoencoderSeconds: Double
        public var classifierSeconds: Double

        enum CodingKeys: String, CodingKey {
            case latent, parameters, testMSE = "test_mse", trainMSE = "train_mse", mlpAccuracy = "mlp_accuracy"
            case knnAccuracy = "knn_accuracy", autoencoderSeconds = "autoencoder_seconds", classifierSeconds = "classifier_seconds"
        }
    }

    /// The whole sweep as sweep.json holds it.
    public struct Report: Codable, Sendable, Equatable {
        public var dataset: String
        public var trainSamples: Int
        public var testSamples: Int
        public var autoencoder: String
        public var autoencoderEpochs: Int
        /// The loss and the classifier's hidden layers as the Markdown names them (not in the JSON).
        public var lossName = ""
        public var classifierLayers = ""
        public var classifier: String
        public var classifierEpochs: Int
        public var k: Int
        public var seed: UInt64
        public var results: [Row]

        enum CodingKeys: String, CodingKey {
            case dataset, trainSamples = "train_samples", testSamples = "test_samples", autoencoder
            case autoencoderEpochs = "autoencoder_epochs", classifier, classifierEpochs = "classifier_epochs", k, seed, results
        }
    }

    /// "784-256-d (mirrored)", or the preset's name.
    public func autoencoderName(dimension: Int?) -> String {
        if let preset { return "preset \(preset.rawValue) with code d" }
        return ([dimension.map(String.init) ?? "D"] + encoder.map(String.init) + ["d"]).joined(separator: "-") + " (mirrored)"
    }

    /// The classifier as the reports name it: "256-128", with " batch-norm" and " dropout p".
    public var classifierName: String {
        classifierLayers + (classifier.batchNormalization ? " batch-norm" : "") + (classifier.dropout > 0 ? " dropout \(classifier.dropout)" : "")
    }

    /// Runs the sweep on `dataset` (which needs labels).
    /// - Parameters:
    ///   - rowFinished: called with the report so far after each size (the command rewrites
    ///     its files there, so a long sweep shows its results as they come).
    ///   - progress: per epoch of each training; `.stop` ends the run with `WorkflowStopped`.
    /// - Throws: `WorkflowError` for unlabelled data or too few samples; `WorkflowStopped`.
    public func run(on dataset: Dataset, context: ExecutionContext = .current,
                    rowFinished: (Report) throws -> Void = { _ in },
                    progress: @escaping (StageProgress) -> ProgressDecision = { _ in .continue }) throws -> Report {
        try context.run {
            try ProgressRelay(progress).run { relay in try run(dataset, rowFinished: rowFinished, relay: relay) }
        }
    }

    private func run(_ input: Dataset, rowFinished: (Report) throws -> Void, relay: ProgressRelay) throws -> Report {
        var dataset = input
        guard let allLabels = dataset.labels else { throw WorkflowError("\(dataset.name) has no labels") }
        // Classes by distinct label: the classifier and k-NN see class indices.
        let labelClasses = try Recipes.classes(allLabels, trainingCount: dataset.count, source: dataset.name)
        dataset.labels = labelClasses.indices
        let (train, test) = try dataset.split(validationFraction: testFraction, seed: seed)
        guard train.count > neighbours, test.count > 0 else {
            throw WorkflowError("\(dataset.name): \(dataset.count) samples are too few for a test split and \(neighbours)-NN")
        }
        let range = dataset.samples.range()
        try loss.checkTargets(in: range, of: dataset.name)
        let unitRange = range.map { $0.min >= 0 && $0.max <= 1 } ?? false
        var report = Report(dataset: dataset.name, trainSamples: train.count, testSamples: test.count,
                            autoencoder: autoencoderName(dimension: nil), autoencoderEpochs: epochs, lossName: loss.rawValue,
                            classifierLayers: classifierLayers, classifier: classifierName, classifierEpochs: classifierEpochs,
                            k: neighbours, seed: seed, results: [])
        for (index, d) in sizes.enumerated() {
            let stage = "[\(index + 1)/\(sizes.count)] latent \(d)"
            let architecture: Architecture
            if let preset {
                architecture = try preset.architecture(imageShape: dataset.imageShape ?? .vector(dataset.dimension), codeSize: d)
            } else {
                let spec = ([dataset.dimension] + encoder + [d]).map(String.init).joined(separator: "-")
                architecture = try Architecture(spec: spec, activation: .relu, codeActivation: .linear,
                                                output: unitRange ? .sigmoid : .linear)
            }
            var autoencoder = try Autoencoder(architecture: architecture, seed: seed)
            var options = preset?.training ?? TrainingOptions()
            options.epochs = epochs; options.seed = seed; options.loss = loss
            if preset == nil { options.batchSize = batchSize }
            var times = StageTimes()
            try times.time("autoencoder") {
                _ = try Recipes.train(&autoencoder, on: train.samples, options: options, stage: "\(stage): autoencoder",
                                      progress: relay.report)
            }
            try relay.check()
            let testMSE = try autoencoder.meanSquaredError(test.samples)
            let trainMSE = try autoencoder.meanSquaredError(train.samples)
            let trainCodes = try autoencoder.encode(train.samples), testCodes = try autoencoder.encode(test.samples)

            var layers = classifier
            layers.inputSize = d
            layers.classes = labelClasses.count
            var mlp = try Classifier(architecture: layers, seed: seed)
            var mlpOptions = TrainingOptions()
            mlpOptions.epochs = classifierEpochs; mlpOptions.batchSize = batchSize; mlpOptions.seed = seed
            try times.time("classifier") {
                _ = try Recipes.train(&mlp, on: trainCodes, labels: train.labels ?? [], options: mlpOptions,
                                      stage: "\(stage): classifier", progress: relay.report)
            }
            try relay.check()
            let mlpAccuracy = try mlp.accuracy(testCodes, labels: test.labels ?? [])
            let knnAccuracy = try KNNClassifier(k: neighbours).accuracy(training: trainCodes, labels: train.labels ?? [],
                                                                        test: testCodes, testLabels: test.labels ?? [])
            report.results.append(Row(latent: d, parameters: autoencoder.parameterCount, testMSE: testMSE, trainMSE: trainMSE,
                                      mlpAccuracy: mlpAccuracy, knnAccuracy: knnAccuracy,
                                      autoencoderSeconds: times["autoencoder"] ?? 0, classifierSeconds: times["classifier"] ?? 0))
            try rowFinished(report)
        }
        return report
    }
}

extension LatentSizeSweep.Report {
    /// The rows as CSV: latent, parameters, test and train MSE, accuracies, seconds.
    public func csv() -> String {
        var lines = ["latent,ae_parameters,test_mse,train_mse,mlp_accuracy,knn_accuracy,ae_seconds,classifier_seconds"]
        for r in results {
            lines.append(String(format: "%d,%d,%.8g,%.8g,%.6f,%.6f,%.3f,%.3f", r.latent, r.parameters, r.testMSE, r.trainMSE,
                                r.mlpAccuracy, r.knnAccuracy, r.autoencoderSeconds, r.classifierSeconds))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A titled Markdown table of the rows.
    public func markdown() -> String {
        var lines = [
            "# Latent size sweep: \(Recipes.displayName(dataset))", "",
            "\(trainSamples) training and \(testSamples) test samples (seed \(seed)). Autoencoder \(autoencoder), \(autoencoderEpochs) epochs, \(lossName) loss; MLP classifier \(classifierLayers), \(classifierEpochs) epochs; \(k)-NN. Accuracies on the test codes.",
            "",
            "| latent | test MSE | train MSE | MLP accuracy | \(k)-NN accuracy | AE s | MLP s |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results {
            lines.append(String(format: "| %d | %.5f | %.5f | %.2f%% | %.2f%% | %.1f | %.1f |", r.latent, r.testMSE, r.trainMSE,
                                100 * r.mlpAccuracy, 100 * r.knnAccuracy, r.autoencoderSeconds, r.classifierSeconds))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reconstruction error and test accuracies against the latent size, side by side.
    public func figure() -> Panel {
        let x = results.map { Double($0.latent) }
        let mse = LinePlot().adding("test", x: x, y: results.map(\.testMSE))
            .adding("train", x: x, y: results.map(\.trainMSE), dash: [4, 3])
            .titled("Reconstruction error").axisLabels(x: "latent size", y: "MSE")
        let accuracy = LinePlot().adding("MLP", x: x, y: results.map { 100 * $0.mlpAccuracy })
            .adding("\(k)-NN", x: x, y: results.map { 100 * $0.knnAccuracy })
            .titled("Test accuracy on the codes").axisLabels(x: "latent size", y: "accuracy (%)")
        return Panel([mse, accuracy], columns: 2).titled("\(Recipes.displayName(dataset)): autoencoder latent size sweep")
    }
}
