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
                error first; index is the row of DATA as loaded, before --subset, --classes and \
                --subsample, so it can be given back to --indices), errors.npy (one error per sample, in data order), gallery (the --top \
                most anomalous images above their reconstructions) and histogram (the error \
                distribution, with the cut-off of the top ones).
                  latentmap anomalies ae.safetensors mnist --top 20 --out anomalies
                """)

        @OptionGroup var modelFile: ModelArgument
        @OptionGroup var data: InputOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var seeding: SeedOptions
        @OptionGroup var figures: FigureOptions
        @OptionGroup var shape: ImageShapeOptions

        @Option(help: "Number of most anomalous images in the gallery.")
        var top: Int = 20

        @Option(help: "Output folder (created if missing).")
        var out: String

        func validate() throws {
            try OptionLimits.check(top, "top", atMost: Int.max)
        }

        func run() throws {
            let autoencoder = try modelFile.load()
            let dataset = try data.load(seeding)
            _ = try modelInputs(dataset, for: autoencoder, path: modelFile.model)     // the error names the model file
            let report = try AnomalyReport(autoencoder: autoencoder, dataset: dataset, top: top,
                                           imageSize: try shape.imageShape.map(parseImageShape))
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            try AtomicFile.write(report.csv(), to: (out as NSString).appendingPathComponent("ranking.csv"))
            try MatrixIO.write(try report.errors(), to: (out as NSString).appendingPathComponent("errors.npy"))
            var gallery = try report.gallery()
            if let title = figures.title { gallery = gallery.titled(title).widenedForTitle() }
            try figures.write(gallery, named: "gallery", in: out)
            if let histogram = report.histogram() { try figures.write(histogram, named: "histogram", in: out) }
            if !runtime.quiet {
                let first = report.chosen[0]
                ProgressBar.note(String(format: "anomalies: %d samples, mean error %.5f, largest %.5f (sample %d) → %@/",
                                        report.ranking.errors.count, report.meanError, report.ranking.errors[first], report.dataset.loadedRows[first], out))
            }
        }
    }
}
