import ArgumentParser
import Foundation
import LatentMap

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

        func run() throws {
            let note: (String) -> Void = { if !runtime.quiet { ProgressBar.note($0) } }
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
            var times: [(String, Double)] = []
            func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
                let t0 = Date()
                defer { times.append((stage, Date().timeIntervalSince(t0))) }
                return try body()
            }

            let dataset = try timed("load") { try data.load(seed: seed) }
            guard let shape = dataset.imageShape else {
                throw ValidationError("\(data.data): the pipeline needs images (IDX, or .npy of N×H×W); this input has no image shape")
            }
            note("pipeline: \(dataset.name), \(dataset.count) images \(shape), latent \(latent), output \(out)/")

            // 1. The autoencoder.
            var autoencoder: Autoencoder
            var history: TrainingHistory?
            if let model {
                autoencoder = try Autoencoder.load(from: model)
            } else {
                let options: TrainingOptions
                (autoencoder, options) = try Recipes.latentAutoencoder(
                    codeSize: latent, imageShape: shape,
                    epochs: epochs, seed: seed)
                let bar = ProgressBar(title: "train", total: epochs, plainEvery: 1, quiet: runtime.quiet)
                history = try timed("train") {
                    try autoencoder.train(on: dataset.samples, options: options) { p in
                        if p.batch == p.batchesPerEpoch { bar.update(p.epoch, detail: String(format: "loss %.5f", p.trainLoss)) }
                        return .continue
                    }
                }
                bar.finish()
                try autoencoder.save(to: path("model.safetensors"))
            }
            let codes = try timed("encode") { try autoencoder.encode(dataset.samples) }
            let reconstructed = try autoencoder.reconstruct(dataset.samples)
            let mse = reconstructed.meanSquaredDifference(to: dataset.samples)
            note(String(format: "reconstruction MSE %.5f", mse))

            // 2. t-SNE of the latent codes.
            var tsne = Recipes.codeTSNE(seed: seed)
            tsne.perplexity = perplexity
            tsne.metric = metric
            tsne.method = method == .exact ? .exact : .barnesHut(theta: 0.5)
            var bar: ProgressBar?
            let result = try timed("tsne") {
                try tsne.fit(codes) { step in
                    let b = bar ?? ProgressBar(title: "t-SNE", total: step.totalIterations, plainEvery: 250, quiet: runtime.quiet)
                    bar = b
                    b.update(step.iteration, detail: step.klDivergence.map { String(format: "KL %.4f", $0) } ?? "")
                    return .continue
                }
            }
            bar?.finish(String(format: "KL %.4f", result.klDivergence))
            let embedding = result.positions
            let heldOut = try timed("place") {
                try placeHeldOut(codes: codes, result: result, tsne: tsne, dataset: dataset, autoencoder: autoencoder)
            }

            // 3. Metrics.
            var metrics: [(String, String)] = [
                ("dataset", JSONText.quoted(dataset.name)), ("samples", "\(dataset.count)"), ("latent", "\(codes.columns)"),
                ("reconstruction_mse", String(format: "%.6f", mse)), ("kl", String(format: "%.5f", result.klDivergence)),
            ]
            try timed("metrics") {
                if let labels = dataset.labels {
                    let knn = KNNClassifier(k: 10)
                    metrics.append(("knn10_latent", String(format: "%.4f", try knn.crossValidatedAccuracy(codes, labels: labels, folds: 5))))
                    metrics.append(("knn10_2d", String(format: "%.4f", try knn.crossValidatedAccuracy(embedding, labels: labels, folds: 5))))
                    if let c = try ClusteringScores(embedding, labels: labels, seed: seed) {
                        metrics += [("kmeans_accuracy_2d", String(format: "%.4f", c.kmeansAccuracy)),
                                    ("kmeans_nmi_2d", String(format: "%.4f", c.kmeansNMI)),
                                    ("gmm_accuracy_2d", String(format: "%.4f", c.mixtureAccuracy)),
                                    ("gmm_nmi_2d", String(format: "%.4f", c.mixtureNMI))]
                    }
                }
                metrics.append(("trustworthiness10", String(format: "%.4f",
                    try EmbeddingQuality.trustworthiness(original: codes, embedding: embedding, k: 10))))
            }

            // 4. Data and figures.
            try timed("write") {
                try MatrixIO.write(codes, to: path("latent.npy"))
                try MatrixIO.write(codes, to: path("latent.csv"))
                try MatrixIO.write(embedding, to: path("embedding.npy"))
                try MatrixIO.write(embedding, to: path("embedding.csv"), columnNames: ["x", "y"])
                if let labels = dataset.labels { try MatrixIO.write(labels: labels, to: path("labels.npy")) }
                var scatter = ScatterPlot(embedding, labels: dataset.labels)
                    .titled("\(Pipeline.displayName(dataset.name)): autoencoder (\(codes.columns)-D) + t-SNE")
                    .shuffled(seed: seed)
                if let names = dataset.classNames { scatter = scatter.classNames(names) }
                for ext in ["svg", "png", "pdf"] { try scatter.write(to: path("scatter.\(ext)")) }
                try interactiveMap([("t-SNE of the latent codes", embedding)], of: dataset, title: scatter.title ?? "", seed: seed)
                    .write(to: path("map.html"))
                let n = min(12, dataset.count)
                try ImageGallery.reconstructions(original: dataset.samples.rows(0..<n), reconstructed: reconstructed.rows(0..<n),
                                                 height: shape.height, width: shape.width, count: n)
                    .titled("Reconstructions (MSE \(String(format: "%.4f", mse)))")
                    .write(to: path("reconstructions.png"))
                if let history {
                    try AtomicFile.write(history.csv(), to: path("history.csv"))
                    let epochsX = history.epochs.map { Double($0.epoch) }
                    var loss = LinePlot().adding("train", x: epochsX, y: history.epochs.map { $0.trainLoss })
                    let validation = history.epochs.compactMap(\.validationLoss)
                    if validation.count == epochsX.count { loss = loss.adding("validation", x: epochsX, y: validation) }
                    loss = loss.titled("Autoencoder training loss").axisLabels(x: "epoch", y: "loss")
                    try loss.write(to: path("loss.png"))
                    try loss.write(to: path("loss.svg"))
                }
                let kl = LinePlot().adding("KL(P‖Q)", x: result.klHistory.map { Double($0.iteration) },
                                           y: result.klHistory.map { $0.klDivergence })
                    .titled("t-SNE KL divergence").axisLabels(x: "iteration", y: "KL")
                try kl.write(to: path("kl.png"))
            }
            metrics += heldOut?.metrics ?? []
            try heldOut?.write(into: out, seed: seed)
            metrics += times.map { ("\($0.0)_s", String(format: "%.3f", $0.1)) }
            let json = "{\n" + metrics.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
            try AtomicFile.write(json, to: path("metrics.json"))
            print(json, terminator: "")
        }

        /// `n` with thousands separated by commas (70000 → "70,000").
        static func grouped(_ n: Int) -> String {
            var digits = String(n.magnitude), out = ""
            while digits.count > 3 { out = "," + digits.suffix(3) + out; digits.removeLast(3) }
            return (n < 0 ? "-" : "") + digits + out
        }

        static func displayName(_ name: String) -> String {
            switch name {
            case "mnist": return "MNIST"
            case "fashion-mnist": return "Fashion-MNIST"
            default: return name
            }
        }
    }
}
