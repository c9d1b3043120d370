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

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Output folder (created if missing).")
        var out: String = "out"

        @Option(help: "Latent size: 64 (784-512-256-64, Adam, masking noise 0.2, early stopping) or 20 (784-100-20-100-784, RMSprop).")
        var latent: Int = 64

        @Option(help: "Reuse a trained model (.safetensors) instead of training one.")
        var model: String?

        @Option(help: "Training epochs (at most, with the 64-D recipe's early stopping).")
        var epochs: Int = 50

        @Option(help: "t-SNE gradient: barnes-hut or exact.")
        var method: TSNEMethodChoice = .barnesHut

        @Option(help: "t-SNE perplexity.")
        var perplexity: Double = 15

        @Option(help: "Distance between the codes for t-SNE: cosine or euclidean.")
        var metric: DistanceMetric = .cosine

        @Option(help: "Seed for training, t-SNE and drawing.")
        var seed: UInt64 = 1

        @Option(help: ArgumentHelp("Held-out images (a dataset or file) to place into the training map; default with --part train: the dataset's test part.",
                                   valueName: "data"))
        var test: String?

        @Option(help: ArgumentHelp("Labels for the --test file.", valueName: "file"))
        var testLabels: String?

        func validate() throws {
            guard latent == 20 || latent == 64 else { throw ValidationError("--latent must be 20 or 64, got \(latent)") }
            try OptionLimits.check(epochs, "epochs", atMost: OptionLimits.passes)
        }

        /// The workflow these options describe.
        var workflow: AutoencoderPipeline {
            var pipeline = AutoencoderPipeline(latent: latent, epochs: epochs, seed: seed)
            pipeline.tsne.perplexity = perplexity
            pipeline.tsne.metric = metric
            pipeline.tsne.method = method == .exact ? .exact : .barnesHut(theta: 0.5)
            return pipeline
        }

        func run() throws {
            var times = StageTimes()
            let dataset = try times.time("load") { try data.load(seed: seed) }
            guard let shape = dataset.imageShape else {
                throw ValidationError("\(data.data): the pipeline needs images (IDX, or .npy of N×H×W); this input has no image shape")
            }
            let heldOut = try heldOutImages()
            let given = try model.map { try Autoencoder.load(from: $0) }
            if let given, let model {
                _ = try modelInputs(dataset, for: given, path: model)
                if let heldOut { _ = try modelInputs(heldOut, for: given, path: model) }
            }
            if !runtime.quiet {
                ProgressBar.note("pipeline: \(dataset.name), \(dataset.count) images \(shape), latent \(given?.codeSize ?? latent), output \(out)/")
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
            let json = reportJSON(metrics)
            try AtomicFile.write(json, to: path("metrics.json"))
            print(json, terminator: "")
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
            let scatter = result.scatter()
            for ext in ["svg", "png", "pdf"] { try scatter.write(to: path("scatter.\(ext)")) }
            try interactiveMap([("t-SNE of the latent codes", result.embedding)], of: result.dataset, title: scatter.title ?? "", seed: seed)
                .write(to: path("map.html"))
            try result.reconstructions().write(to: path("reconstructions.png"))
            if let history = result.history, let loss = result.lossPlot() {
                try AtomicFile.write(history.csv(), to: path("history.csv"))
                try loss.write(to: path("loss.png"))
                try loss.write(to: path("loss.svg"))
            }
            try result.klPlot().write(to: path("kl.png"))
            if let placed = result.heldOut { try write(placed) }
        }

        /// `n` with thousands separated by commas (70000 → "70,000").
        static func grouped(_ n: Int) -> String { Recipes.grouped(n) }

        static func displayName(_ name: String) -> String { Recipes.displayName(name) }
    }
}

/// metrics.json as before: one `"key": value` line per entry, in run order, values as the
/// metrics round them.
func reportJSON(_ metrics: PipelineMetrics) -> String {
    let lines = metrics.fields.map { field -> String in
        let value: String
        switch field.value {
        case .text(let s): value = JSONText.quoted(s)
        case .integer(let i): value = "\(i)"
        case .number(let v, let d): value = String(format: "%.\(d)f", v)
        }
        return "  \(JSONText.quoted(field.key)): \(value)"
    }
    return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
}
