import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    /// Images → autoencoder → latent code → t-SNE → figures, data and metrics in one folder.
    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an autoencoder, embed its latent codes with t-SNE, and write figures, data and metrics.",
            discussion: """
                With no arguments it runs on the bundled MNIST (10,000 digits): a 64-D denoising
                autoencoder, then t-SNE of its codes with cosine distances and perplexity 15 (the
                recipe measured best in the README), and writes into out/:
                scatter.svg/.png/.pdf, map.html (interactive), reconstructions.png, loss.png/.svg, kl.png, latent.npy/.csv,
                embedding.npy/.csv, labels.npy, model.safetensors, history.csv and metrics.json.
                Example: latentmap pipeline fashion-mnist --part test --latent 64 --out fashion/
                With --part train on a dataset with a split (or --test FILE), the held-out images are encoded \
                and placed into the finished training map: placed.png/.svg (over the faded map), \
                test_embedding.npy, test_labels.npy, map.safetensors, and knn10_test_2d in metrics.json.
                """)

        @OptionGroup var data: InputOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var seeding: SeedOptions
        @OptionGroup var figures: FigureOptions
        @OptionGroup var map: CodeMapOptions

        @Option(help: "Output folder (created if missing).")
        var out: String = "out"

        @Option(help: "Reuse a trained model (.safetensors) instead of training one.")
        var model: String?

        @Option(help: ArgumentHelp("Held-out images (a dataset or file) to place into the training map; default with --part train: the dataset's test part.",
                                   valueName: "data"))
        var test: String?

        @Option(help: ArgumentHelp("Labels for the --test file.", valueName: "file"))
        var testLabels: String?

        var seed: UInt64 { seeding.seed }

        /// The workflow these options describe.
        var workflow: AutoencoderPipeline {
            var pipeline = AutoencoderPipeline(latent: map.latent, epochs: map.epochs, seed: seed)
            pipeline.tsne = map.applied(to: pipeline.tsne)
            return pipeline
        }

        func run() throws {
            var times = StageTimes()
            let given = try model.map { try Autoencoder.load(from: $0) }
            // The bundled digits are deskewed by default (the README's measurements); a given
            // model decides for itself.
            let dataset = try times.time("load") {
                try data.load(seed: seed, deskewByDefault: given?.deskewsInputs ?? data.isBundledMNIST)
            }
            guard let shape = dataset.imageShape else {
                throw CLIError("\(data.data): the pipeline needs images (IDX, or .npy of N×H×W); this input has no image shape")
            }
            let heldOut = try heldOutImages()
            if let given, let model {
                _ = try modelInputs(dataset, for: given, path: model)
                if let heldOut { _ = try modelInputs(heldOut, for: given, path: model) }
            }
            if !runtime.quiet {
                ProgressBar.note("pipeline: \(dataset.name), \(dataset.count) images \(shape)\(dataset.isDeskewed ? " (deskewed)" : ""), latent \(given?.codeSize ?? map.latent), output \(out)/")
                if let heldOut { ProgressBar.note("pipeline: placing \(heldOut.count) held-out images (\(heldOut.name)) into the training map") }
            }
            let bars = StageProgressBars(quiet: runtime.quiet)
            let result = try workflow.run(on: dataset, model: given, heldOut: heldOut, progress: bars.report)
            bars.finish()
            if !runtime.quiet {
                ProgressBar.note(String(format: "reconstruction MSE %.5f, t-SNE KL %.4f", result.scores.reconstructionError, result.scores.klDivergence))
                if let accuracy = result.heldOut?.accuracy {
                    ProgressBar.note(String(format: "held-out 10-NN accuracy against the training labels (2-D) %.4f", accuracy))
                }
            }

            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            try times.time("write") { try write(result) }
            var metrics = result.metrics
            metrics.seconds = [("load", times["load"] ?? 0)] + metrics.seconds + [("write", times["write"] ?? 0)]
            print(try Report.write(metrics, to: path("metrics.json")), terminator: "")
        }

        func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

        /// Writes the model, the data and the figures of `result`.
        private func write(_ result: PipelineResult) throws {
            if result.history != nil { try result.autoencoder.save(to: path("model.safetensors")) }
            try MatrixIO.write(result.codes, to: path("latent.npy"))
            try MatrixIO.write(result.codes, to: path("latent.csv"))
            try MatrixIO.write(result.embedding, to: path("embedding.npy"))
            try MatrixIO.write(result.embedding, to: path("embedding.csv"), columnNames: ["x", "y"])
            if let labels = result.dataset.labels { try MatrixIO.write(labels: labels, to: path("labels.npy")) }
            var scatter = result.scatter().legend(figures.showsLegend)
            if let title = figures.title { scatter = scatter.titled(title) }
            try figures.write(scatter, named: "scatter", in: out, formats: [.svg, .png, .pdf])
            try interactiveMap([("t-SNE of the latent codes", result.embedding)], of: result.dataset, title: scatter.title ?? "", seed: seed)
                .write(to: path("map.html"))
            try figures.write(try result.reconstructions(), named: "reconstructions", in: out, formats: [.png])
            if let history = result.history, let loss = result.lossPlot() {
                try AtomicFile.write(history.csv(), to: path("history.csv"))
                try figures.write(loss, named: "loss", in: out, formats: [.png, .svg])
            }
            try figures.write(result.klPlot(), named: "kl", in: out, formats: [.png])
            if let placed = result.heldOut { try write(placed) }
        }

        /// `n` with thousands separated by commas (70000 → "70,000").
        static func grouped(_ n: Int) -> String { Recipes.grouped(n) }

        static func displayName(_ name: String) -> String { Recipes.displayName(name) }
    }
}
