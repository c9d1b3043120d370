import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// The classifier's layers, shared by `classify` and `sweep`.
struct ClassifierLayerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Classifier hidden layer sizes, e.g. 256-128 or 1000-500-500; none for softmax regression.", valueName: "sizes"))
    var hidden = "256-128"

    @Option(help: "Classifier dropout rate after each hidden layer, in [0, 1).")
    var dropout: Float = 0

    @Flag(help: "Batch-normalise each classifier hidden layer before its activation.") var batchNorm = false

    func validate() throws {
        _ = try hiddenSizes()
        try OptionLimits.checkFraction(Double(dropout), "dropout")
    }

    func hiddenSizes() throws -> [Int] {
        if hidden.lowercased() == "none" { return [] }
        let parts = hidden.split(separator: "-", omittingEmptySubsequences: false)
        let valid = parts.compactMap { Int($0) }.filter { $0 > 0 }
        guard !parts.isEmpty, valid.count == parts.count else {
            throw CLIError("--hidden: '\(hidden)' is not a list of layer sizes (expected e.g. 256-128, or none)")
        }
        return valid
    }

    func architecture(inputSize: Int, classes: Int) throws -> ClassifierArchitecture {
        ClassifierArchitecture(inputSize: inputSize, hidden: try hiddenSizes(), classes: classes, dropout: dropout,
                               batchNormalization: batchNorm)
    }
}

/// Helpers for commands that train a classifier and report it.
enum ClassifierRun {
    /// Trains `model`, drawing one progress bar over the epochs.
    @discardableResult
    static func train(_ model: inout Classifier, inputs: Matrix, labels: [Int], options: TrainingOptions,
                      title: String, quiet: Bool) throws -> TrainingHistory {
        let bar = ProgressBar(title: title, total: options.epochs, plainEvery: max(1, options.epochs / 4), quiet: quiet)
        let history = try model.train(on: inputs, labels: labels, options: options) { p in
            if let record = p.completedEpoch {
                var detail = String(format: "loss %.4f, accuracy %.4f", record.trainLoss, record.trainAccuracy ?? 0)
                if let v = record.validationAccuracy { detail += String(format: ", val accuracy %.4f", v) }
                bar.update(p.epoch, detail: detail)
            }
            return .continue
        }
        bar.finish(history.stopReason == .earlyStopping ? "early stop (best epoch \(history.bestEpoch ?? 0))" : "")
        return history
    }
}

extension LatentMapCommand {
    struct Classify: ParsableCommand {
        /// Epochs when `--epochs` is not given.
        static let defaultEpochs = 20

        static let configuration = CommandConfiguration(
            abstract: "Train an MLP classifier on latent codes (or on a dataset through an autoencoder) and report its test accuracy.",
            discussion: """
            DATA is a matrix of codes (.npy, .csv) with --labels, or a dataset with labels; with \
            --model the samples are first encoded by that autoencoder. A seeded --test-fraction of \
            the samples is held out for testing, unless --test names a separate test set. Prints \
            the test accuracy on stdout (--json: one JSON line). --neighbors K also reports the \
            accuracy of a K-nearest-neighbour classifier, as a baseline.

              latentmap encode ae.safetensors mnist --out codes.npy
              latentmap classify codes.npy --labels labels.npy --confusion confusion.png
              latentmap classify mnist --model ae.safetensors --hidden 1000-500-500 \\
                --dropout 0.2 --batch-norm
            """)

        @OptionGroup var data: InputOptions
        @OptionGroup var layers: ClassifierLayerOptions
        @OptionGroup var training: TrainingLoopOptions
        @OptionGroup var neighbors: NeighborOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Encode the samples with this autoencoder (.safetensors) first.") var model: String?

        @Option(help: "Fraction of the samples held out for testing (seeded), unless --test is given.")
        var testFraction: Double = 0.2

        @Option(help: "A separate labelled test set (codes or dataset, like DATA; read with the same --label-column and --classes).") var test: String?

        @Option(help: ArgumentHelp("Labels for --test (.npy, .csv or .txt).", valueName: "file"))
        var testLabels: String?

        @Option(help: "Write the test confusion matrix as a heatmap (.png, .svg, .pdf) or as counts (.csv).")
        var confusion: String?

        @OptionGroup var figure: FigureOptions

        @Option(help: "Save the trained classifier here (.safetensors).") var out: String?
        @Option(help: "Write the per-epoch losses and accuracies here (.csv).") var history: String?

        @OptionGroup var report: ReportOptions

        func validate() throws {
            try OptionLimits.checkFraction(testFraction, "test-fraction", open: true)
            if testLabels != nil && test == nil { throw CLIError.needs("test-labels", "test") }
            if let out, !out.hasSuffix(".safetensors") { throw CLIError.option("out", "must end in .safetensors, got \(out)") }
            if let history, !history.hasSuffix(".csv") { throw CLIError.option("history", "must end in .csv, got \(history)") }
            if let confusion, !["png", "svg", "pdf", "csv"].contains(URL(fileURLWithPath: confusion).pathExtension.lowercased()) {
                throw CLIError.option("confusion", "must end in .png, .svg, .pdf or .csv, got \(confusion)")
            }
        }

        func run() throws {
            let autoencoder = try model.map { try Autoencoder.load(from: $0) }
            func features(_ dataset: Dataset) throws -> Dataset {
                guard dataset.labels != nil else {
                    throw CLIError("\(dataset.name) has no labels: give them with --labels (or --test-labels)")
                }
                guard let autoencoder, let model else { return dataset }
                var encoded = dataset
                encoded.samples = try autoencoder.encode(try modelInputs(dataset, for: autoencoder, path: model))
                encoded.imageShape = nil
                return encoded
            }
            let seed = self.seed.seed
            let all = try features(try data.load(seed: seed))
            try checkTrainable(all.samples, name: all.name)
            let (train, testSet): (Dataset, Dataset)
            if let test {
                var testData = try Dataset.load(test, labels: testLabels, labelColumn: data.labelColumn)
                // --classes keeps the same classes of the test set as of DATA.
                if let tokens = data.classTokens() { testData = try testData.selecting(classes: try testData.classLabels(tokens)) }
                (train, testSet) = (all, try features(testData))
                guard testSet.dimension == train.dimension else {
                    throw CLIError("\(test) has \(testSet.dimension) values per sample but \(data.data) has \(train.dimension)")
                }
            } else {
                (train, testSet) = try all.split(validationFraction: testFraction, seed: seed)
                guard train.count > 0, testSet.count > 0 else {
                    throw CLIError("\(data.data): \(all.count) samples cannot be split into training and test parts")
                }
            }
            // The classifier's outputs are class indices: label values are identifiers, however large.
            let labelClasses = try Recipes.classes((train.labels ?? []) + (testSet.labels ?? []), trainingCount: train.count,
                                                         source: data.data)
            let trainLabels = Array(labelClasses.indices.prefix(train.count)), testLabels = Array(labelClasses.indices.dropFirst(train.count))
            let classes = labelClasses.count

            var classifier = try Classifier(architecture: try layers.architecture(inputSize: train.dimension, classes: classes),
                                            seed: seed)
            var options = TrainingOptions()
            options.epochs = Classify.defaultEpochs; options.batchSize = 128; options.seed = seed
            options.optimizer = .adam(learningRate: 1e-3)
            options.validationFraction = 0; options.patience = nil
            try training.apply(to: &options)
            if !runtime.quiet {
                ProgressBar.note("classify: \(classifier.architecture.summary), \(classifier.parameterCount) parameters, \(train.count) training and \(testSet.count) test samples, \(options.optimizer.summary), batch \(options.batchSize)")
            }
            let start = Date()
            let history = try ClassifierRun.train(&classifier, inputs: train.samples, labels: trainLabels, options: options,
                                                  title: "classifier", quiet: runtime.quiet || report.json)
            let seconds = Date().timeIntervalSince(start)
            let predicted = try classifier.predict(testSet.samples)
            let right = zip(predicted, testLabels).filter { $0.0 == $0.1 }.count
            let accuracy = Double(right) / Double(testSet.count)

            let knn = neighbors.neighbors
            let knnAccuracy = try knn.map {
                try KNNClassifier(k: $0).accuracy(training: train.samples, labels: trainLabels, test: testSet.samples,
                                                  testLabels: testLabels)
            }
            if let out { try classifier.save(to: out) }
            if let path = self.history { try AtomicFile.write(history.csv(), to: path) }
            if let confusion {
                let report = ConfusionReport(actual: testLabels, predicted: predicted, classes: classes)
                if confusion.lowercased().hasSuffix(".csv") {
                    try AtomicFile.write(report.csv(), to: confusion)
                } else {
                    let names = labelClasses.values.map { testSet.className($0) }
                    let title = figure.title(default: String(format: "MLP on %@: test accuracy %.2f%%", Pipeline.displayName(data.data),
                                                             100 * accuracy))
                    try figure.write(try report.heatmap(classNames: names, title: title), to: confusion)
                }
            }
            if report.json {
                var record = ReportFields([
                    "kind": "classifier", "architecture": classifier.architecture.summary,
                    "params": classifier.parameterCount, "epochs": history.epochs.count, "train_samples": train.count,
                    "test_samples": testSet.count, "test_accuracy": accuracy, "train_seconds": seconds,
                    "train_loss": history.epochs.map(\.trainLoss), "seed": seed,
                ])
                if let knn, let knnAccuracy { record["knn\(knn)_accuracy"] = knnAccuracy }
                try Report.print(record)
            } else {
                print(String(format: "test accuracy %.4f (%d/%d), %d classes, %d training samples", accuracy, right, testSet.count,
                             classes, train.count))
                if let knn, let knnAccuracy { print(String(format: "%d-NN test accuracy %.4f", knn, knnAccuracy)) }
            }
        }
    }
}
