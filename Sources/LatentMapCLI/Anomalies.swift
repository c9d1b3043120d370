import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Anomalies: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank samples by reconstruction error and show the most anomalous ones.",
            discussion: """
                Writes into the --out folder: ranking.csv (rank, index, label, error; largest \
                error first; index is the row of the data as loaded, after --classes and \
                --subsample), errors.npy (one error per sample, in data order), gallery (the --top \
                most anomalous images above their reconstructions) and histogram (the error \
                distribution, with the cut-off of the top ones).
                  latentmap anomalies ae.safetensors mnist --top 20 --out anomalies
                """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var figures: FigureFormatOptions

        @Option(help: "Number of most anomalous images in the gallery.")
        var top: Int = 20

        @Option(help: "Output folder (created if missing).")
        var out: String

        @Option(help: ArgumentHelp("Image height and width when the data does not say, e.g. 28x28.", valueName: "HxW"))
        var imageShape: String?

        @Option(help: "Seed for --subsample.")
        var seed: UInt64 = 1

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
            if let imageShape { _ = try parseImageShape(imageShape) }
        }

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let dataset = try data.load(seed: seed)
            _ = try modelInputs(dataset, for: autoencoder, path: model)     // the error names the model file
            let report = try AnomalyReport(autoencoder: autoencoder, dataset: dataset, top: top,
                                           imageSize: try imageShape.map(parseImageShape))
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            try AtomicFile.write(report.csv(), to: (out as NSString).appendingPathComponent("ranking.csv"))
            try MatrixIO.write(try report.errors(), to: (out as NSString).appendingPathComponent("errors.npy"))
            try figures.write(try report.gallery(), named: "gallery", in: out)
            if let histogram = report.histogram() { try figures.write(histogram, named: "histogram", in: out) }
            if !runtime.quiet {
                let first = report.chosen[0]
                ProgressBar.note(String(format: "anomalies: %d samples, mean error %.5f, largest %.5f (sample %d) → %@/",
                                        report.ranking.errors.count, report.meanError, report.ranking.errors[first], first, out))
            }
        }
    }
}
