import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

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

        /// The workflow these options describe.
        func workflow() throws -> LatentSizeSweep {
            var sweep = LatentSizeSweep(sizes: try latentSizes())
            sweep.encoder = try encoderSizes()
            sweep.preset = preset
            sweep.epochs = epochs
            sweep.loss = loss
            sweep.classifier = try layers.architecture(inputSize: 1, classes: 2)
            sweep.classifierEpochs = classifierEpochs
            sweep.batchSize = batch
            sweep.neighbours = k
            sweep.testFraction = testFraction
            sweep.seed = seed
            return sweep
        }

        func run() throws {
            var dataset = try Dataset.load(data, labels: labels)
            if let subsample, subsample < dataset.count { dataset = dataset.subsampled(subsample, seed: seed) }
            guard dataset.labels != nil else {
                throw LatentCommandError("\(dataset.name) has no labels: give them with --labels")
            }
            let sweep = try workflow()
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            if !runtime.quiet {
                let train = dataset.count - Int((Double(dataset.count) * testFraction).rounded())
                ProgressBar.note("sweep: \(dataset.name), about \(train) training and \(dataset.count - train) test samples, latent sizes \(sweep.sizes.map(String.init).joined(separator: ", ")), autoencoder \(sweep.autoencoderName(dimension: dataset.dimension)), classifier \(layers.hidden)")
            }
            let bars = StageProgressBars(plainLines: 4, quiet: runtime.quiet)
            let report = try sweep.run(on: dataset, rowFinished: { report in
                bars.finish()
                if let r = report.results.last, !runtime.quiet {
                    ProgressBar.note(String(format: "[%d/%d] latent %d: test MSE %.5f, MLP accuracy %.4f, %d-NN accuracy %.4f",
                                            report.results.count, sweep.sizes.count, r.latent, r.testMSE, r.mlpAccuracy, k, r.knnAccuracy))
                }
                try write(report)
            }, progress: bars.report)
            print(report.markdown(), terminator: "")
        }

        private func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

        /// Writes every output file for the rows so far.
        private func write(_ report: LatentSizeSweep.Report) throws {
            try AtomicFile.write(report.csv(), to: path("sweep.csv"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: path("sweep.json"))
            try AtomicFile.write(report.markdown(), to: path("sweep.md"))
            let figure = report.figure()
            try figure.write(to: path("sweep.png"))
            try figure.write(to: path("sweep.svg"))
        }
    }
}
