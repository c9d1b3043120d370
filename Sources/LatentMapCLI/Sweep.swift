import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    /// One autoencoder per bottleneck size: reconstruction error and classification accuracy of
    /// its codes, as a table and a figure.
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an autoencoder per latent size and report test reconstruction MSE, MLP and k-NN accuracy on the codes.",
            discussion: """
            DATA (default: the bundled MNIST) is split into training and test parts (--test-fraction, \
            seeded). For each --latent size d a dense autoencoder D-<encoder>-d (mirrored decoder, \
            ReLU, linear code, sigmoid output for data in [0, 1]) is trained on the training part; \
            its test MSE is measured, both parts are encoded, an MLP classifier is trained on the \
            training codes and scored on the test codes, and so is a k-NN classifier. Writes \
            sweep.md, sweep.csv, sweep.json and sweep.png/.svg into --out, updated after every size.

              latentmap sweep mnist --latent 10,20,30,40,50 --epochs 20 --out sweep/
            """)

        @Argument(help: "Dataset: mnist (bundled), fashion-mnist, or a labelled file (IDX, .npy with --labels, .npz, .csv).")
        var data: String = "mnist"

        @Option(help: ArgumentHelp("Labels for DATA (.npy, .csv or .txt).", valueName: "file"))
        var labels: String?

        @Option(help: "Use a seeded random subset of this many samples.")
        var subsample: Int?

        @Option(help: ArgumentHelp("Latent sizes, comma-separated.", valueName: "sizes"))
        var latent = "10,20,30,40,50"

        @Option(help: ArgumentHelp("Encoder hidden layer sizes between input and code, e.g. 256 or 512-128.", valueName: "sizes"))
        var encoder = "256"

        @Option(help: "Use a dense preset's architecture and training recipe (dense2d, dense20, deep2d, stacked) instead of --encoder, with its code set to each latent size.")
        var preset: Preset?

        @Option(help: "Autoencoder training epochs.")
        var epochs: Int = 20

        @Option(help: "Autoencoder reconstruction loss: mse, bce or l1.")
        var loss: Loss = .meanSquaredError

        @Option(help: "Classifier training epochs.")
        var classifierEpochs: Int = 20

        @OptionGroup var layers: ClassifierLayerOptions

        @Option(help: "Batch size of both trainings (with --preset the autoencoder keeps the preset's).")
        var batch: Int = 128

        @Option(help: "Neighbours of the k-NN classifier.")
        var k: Int = 10

        @Option(help: "Fraction of the samples held out for testing (seeded).")
        var testFraction: Double = 0.2

        @Option(help: "Random seed (split, initialisation, shuffling).")
        var seed: UInt64 = 1

        @Option(help: "Output folder (created if missing).")
        var out: String = "sweep"

        @OptionGroup var runtime: RuntimeOptions

        func validate() throws {
            _ = try latentSizes()
            _ = try encoderSizes()
            try OptionLimits.check(epochs, "epochs", atMost: OptionLimits.passes)
            try OptionLimits.check(classifierEpochs, "classifier-epochs", atMost: OptionLimits.passes)
            if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
            if k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
            if !(testFraction > 0 && testFraction < 1) { throw ValidationError("--test-fraction must be in (0, 1), got \(testFraction)") }
            if let subsample, subsample < 2 { throw ValidationError("--subsample must be at least 2, got \(subsample)") }
            if let preset, !preset.hasAdjustableCode {
                throw ValidationError("--preset \(preset.rawValue) has a fixed code size; use dense2d, dense20, deep2d or stacked")
            }
        }

        func latentSizes() throws -> [Int] {
            let parts = latent.split(separator: ",", omittingEmptySubsequences: false)
            let sizes = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
            guard !parts.isEmpty, sizes.count == parts.count else {
                throw ValidationError("--latent: '\(latent)' is not a list of sizes (expected e.g. 10,20,30)")
            }
            return sizes
        }

        func encoderSizes() throws -> [Int] {
            if encoder.lowercased() == "none" { return [] }
            let parts = encoder.split(separator: "-", omittingEmptySubsequences: false)
            let sizes = parts.compactMap { Int($0) }.filter { $0 > 0 }
            guard sizes.count == parts.count else {
                throw ValidationError("--encoder: '\(encoder)' is not a list of layer sizes (expected e.g. 256 or 512-128, or none)")
            }
            return sizes
        }

        /// One row of the results.
        struct Row: Codable {
            var latent: Int
            var parameters: Int
            var testMSE: Double
            var trainMSE: Double
            var mlpAccuracy: Double
            var knnAccuracy: Double
            var autoencoderSeconds: Double
            var classifierSeconds: Double
        }

        func run() throws {
            let note: (String) -> Void = { if !runtime.quiet { ProgressBar.note($0) } }
            var dataset = try Dataset.load(data, labels: labels)
            if let subsample, subsample < dataset.count { dataset = dataset.subsampled(subsample, seed: seed) }
            guard let allLabels = dataset.labels else {
                throw DataError.invalidArgument("\(dataset.name) has no labels: give them with --labels")
            }
            // Classes by distinct label: the classifier and k-NN see class indices.
            let labelClasses = try ClassifierRun.classes(allLabels, trainingCount: dataset.count, source: data)
            let classes = labelClasses.count
            dataset.labels = labelClasses.indices
            let (train, test) = try dataset.split(validationFraction: testFraction, seed: seed)
            guard train.count > k, test.count > 0 else {
                throw DataError.invalidArgument("\(data): \(dataset.count) samples are too few for a test split and \(k)-NN")
            }
            let range = dataset.samples.range()
            let unitRange = range.map { $0.min >= 0 && $0.max <= 1 } ?? false
            try loss.checkTargets(in: range, of: dataset.name)
            let sizes = try latentSizes(), hidden = try encoderSizes()
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            note("sweep: \(dataset.name), \(train.count) training and \(test.count) test samples, latent sizes \(sizes.map(String.init).joined(separator: ", ")), autoencoder \(aeName(dimension: dataset.dimension, hidden: hidden)), classifier \(layers.hidden)")

            var rows = [Row]()
            for (index, d) in sizes.enumerated() {
                let stage = "[\(index + 1)/\(sizes.count)] latent \(d)"
                let architecture: Architecture
                if let preset {
                    let shape = dataset.imageShape ?? .vector(dataset.dimension)
                    architecture = try preset.architecture(imageShape: shape, codeSize: d)
                } else {
                    let spec = ([dataset.dimension] + hidden + [d]).map(String.init).joined(separator: "-")
                    architecture = try Architecture(spec: spec, activation: .relu, codeActivation: .linear,
                                                    output: unitRange ? .sigmoid : .linear)
                }
                var autoencoder = try Autoencoder(architecture: architecture, seed: seed)
                var options = preset?.training ?? TrainingOptions()
                options.epochs = epochs; options.seed = seed; options.loss = loss
                if preset == nil { options.batchSize = batch }
                let aeStart = Date()
                let bars = StageProgressBars(plainLines: 4, quiet: runtime.quiet)
                _ = try Recipes.train(&autoencoder, on: train.samples, options: options, stage: "\(stage): autoencoder",
                                      progress: bars.report)
                bars.finish()
                let aeSeconds = Date().timeIntervalSince(aeStart)
                let testMSE = try autoencoder.meanSquaredError(test.samples)
                let trainMSE = try autoencoder.meanSquaredError(train.samples)
                let trainCodes = try autoencoder.encode(train.samples), testCodes = try autoencoder.encode(test.samples)

                var classifier = try Classifier(architecture: try layers.architecture(inputSize: d, classes: classes), seed: seed)
                var classifierOptions = TrainingOptions()
                classifierOptions.epochs = classifierEpochs; classifierOptions.batchSize = batch; classifierOptions.seed = seed
                let mlpStart = Date()
                try ClassifierRun.train(&classifier, inputs: trainCodes, labels: train.labels ?? [], options: classifierOptions,
                                        title: "\(stage): classifier", quiet: runtime.quiet)
                let mlpSeconds = Date().timeIntervalSince(mlpStart)
                let mlpAccuracy = try classifier.accuracy(testCodes, labels: test.labels ?? [])
                let knnAccuracy = try KNNClassifier(k: k).accuracy(training: trainCodes, labels: train.labels ?? [],
                                                                   test: testCodes, testLabels: test.labels ?? [])
                note(String(format: "%@: test MSE %.5f, MLP accuracy %.4f, %d-NN accuracy %.4f", stage, testMSE, mlpAccuracy, k, knnAccuracy))
                rows.append(Row(latent: d, parameters: autoencoder.parameterCount, testMSE: testMSE, trainMSE: trainMSE,
                                mlpAccuracy: mlpAccuracy, knnAccuracy: knnAccuracy, autoencoderSeconds: aeSeconds,
                                classifierSeconds: mlpSeconds))
                try write(rows, dataset: dataset.name, trainCount: train.count, testCount: test.count, spec: hidden)
            }
            print(markdown(rows, dataset: dataset.name, trainCount: train.count, testCount: test.count, spec: hidden),
                  terminator: "")
        }

        /// `784-256-d (mirrored)` or the preset's name.
        private func aeName(dimension: Int?, hidden: [Int]) -> String {
            if let preset { return "preset \(preset.rawValue) with code d" }
            return ([dimension.map(String.init) ?? "D"] + hidden.map(String.init) + ["d"]).joined(separator: "-") + " (mirrored)"
        }

        private func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

        /// Writes every output file for the rows so far.
        private func write(_ rows: [Row], dataset: String, trainCount: Int, testCount: Int, spec: [Int]) throws {
            var csv = ["latent,ae_parameters,test_mse,train_mse,mlp_accuracy,knn_accuracy,ae_seconds,classifier_seconds"]
            for r in rows {
                csv.append(String(format: "%d,%d,%.8g,%.8g,%.6f,%.6f,%.3f,%.3f", r.latent, r.parameters, r.testMSE, r.trainMSE,
                                  r.mlpAccuracy, r.knnAccuracy, r.autoencoderSeconds, r.classifierSeconds))
            }
            try AtomicFile.write(csv.joined(separator: "\n") + "\n", to: path("sweep.csv"))

            struct Report: Codable {
                var dataset: String, trainSamples: Int, testSamples: Int, autoencoder: String, autoencoderEpochs: Int
                var classifier: String, classifierEpochs: Int, k: Int, seed: UInt64, results: [Row]
            }
            let report = Report(dataset: dataset, trainSamples: trainCount, testSamples: testCount, autoencoder: aeName(dimension: nil, hidden: spec),
                                autoencoderEpochs: epochs, classifier: "\(layers.hidden)\(layers.batchNorm ? " batch-norm" : "")\(layers.dropout > 0 ? " dropout \(layers.dropout)" : "")",
                                classifierEpochs: classifierEpochs, k: k, seed: seed, results: rows)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            try AtomicFile.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: path("sweep.json"))
            try AtomicFile.write(markdown(rows, dataset: dataset, trainCount: trainCount, testCount: testCount, spec: spec),
                                 to: path("sweep.md"))

            let x = rows.map { Double($0.latent) }
            let mse = LinePlot().adding("test", x: x, y: rows.map(\.testMSE))
                .adding("train", x: x, y: rows.map(\.trainMSE), dash: [4, 3])
                .titled("Reconstruction error").axisLabels(x: "latent size", y: "MSE")
            let accuracy = LinePlot().adding("MLP", x: x, y: rows.map { 100 * $0.mlpAccuracy })
                .adding("\(k)-NN", x: x, y: rows.map { 100 * $0.knnAccuracy })
                .titled("Test accuracy on the codes").axisLabels(x: "latent size", y: "accuracy (%)")
            let figure = Panel([mse, accuracy], columns: 2).titled("\(Pipeline.displayName(dataset)): autoencoder latent size sweep")
            try figure.write(to: path("sweep.png"))
            try figure.write(to: path("sweep.svg"))
        }

        private func markdown(_ rows: [Row], dataset: String, trainCount: Int, testCount: Int, spec: [Int]) -> String {
            var lines = [
                "# Latent size sweep: \(Pipeline.displayName(dataset))", "",
                "\(trainCount) training and \(testCount) test samples (seed \(seed)). Autoencoder \(aeName(dimension: nil, hidden: spec)), \(epochs) epochs, \(loss.rawValue) loss; MLP classifier \(layers.hidden), \(classifierEpochs) epochs; \(k)-NN. Accuracies on the test codes.",
                "",
                "| latent | test MSE | train MSE | MLP accuracy | \(k)-NN accuracy | AE s | MLP s |",
                "|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for r in rows {
                lines.append(String(format: "| %d | %.5f | %.5f | %.2f%% | %.2f%% | %.1f | %.1f |", r.latent, r.testMSE, r.trainMSE,
                                    100 * r.mlpAccuracy, 100 * r.knnAccuracy, r.autoencoderSeconds, r.classifierSeconds))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
