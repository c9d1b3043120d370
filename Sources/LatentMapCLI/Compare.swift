import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension EmbeddingComparison.Method: ExpressibleByArgument {}

extension LatentMapCommand {
    /// A direct 2-D autoencoder, autoencoder + t-SNE, PCA and PCA + t-SNE on the same data.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a direct 2-D autoencoder, autoencoder + t-SNE, PCA and t-SNE of PCA-50 on the same data.",
            discussion: """
                Writes into --out: compare.png/.svg/.pdf (the four maps side by side), compare.html (one interactive map, a layout per method), compare.md and
                compare.json (10-NN accuracy, trustworthiness with k = 10 against the pixels, the
                accuracy after matching clusters to classes and the NMI of k-means and of a Gaussian
                mixture, reconstruction MSE, seconds of each method), and each map as <method>.npy.
                --methods ... vae+tsne adds a variational autoencoder's means mapped by t-SNE.
                Example: latentmap compare --out compare/       (bundled MNIST, about 2-3 minutes)
                """)

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Output folder (created if missing).")
        var out: String = "compare"

        @Option(help: "Training epochs of the autoencoders.")
        var epochs: Int = 50

        @Option(help: "Latent size of the autoencoder before t-SNE: 20 or 64.")
        var latent: Int = 64

        @Option(parsing: .upToNextOption,
                help: "Methods to run: \(EmbeddingComparison.Method.allCases.map(\.rawValue).joined(separator: ", ")) (default all but vae+tsne).")
        var methods: [EmbeddingComparison.Method] = EmbeddingComparison.Method.defaults

        @Option(help: "t-SNE gradient: barnes-hut or exact.")
        var method: TSNEMethodChoice = .barnesHut

        @Option(help: "t-SNE perplexity of every map (default: 15 for autoencoder codes, 30 for PCA-50).")
        var perplexity: Double?

        @Option(help: "Distance between autoencoder codes for t-SNE: cosine or euclidean.")
        var codeMetric: DistanceMetric = .cosine

        @Option(help: "Neighbours for the k-NN accuracy and trustworthiness.")
        var neighbours: Int = 10

        @Option(help: "Seed for training, t-SNE, k-means and drawing.")
        var seed: UInt64 = 1

        func validate() throws {
            guard latent == 20 || latent == 64 else { throw ValidationError("--latent must be 20 or 64, got \(latent)") }
            try OptionLimits.check(epochs, "epochs", atMost: OptionLimits.passes)
            guard neighbours >= 1 else { throw ValidationError("--neighbours must be at least 1, got \(neighbours)") }
            if let perplexity, !(perplexity > 0) { throw ValidationError("--perplexity must be positive, got \(perplexity)") }
            guard !methods.isEmpty else { throw ValidationError("--methods: give at least one method") }
        }

        func run() throws {
            let dataset = try data.load(seed: seed)
            var comparison = EmbeddingComparison(epochs: epochs, latent: latent, seed: seed)
            comparison.methods = methods
            comparison.neighbours = neighbours
            comparison.tsne.method = method == .exact ? .exact : .barnesHut(theta: 0.5)
            comparison.codeTSNE.method = comparison.tsne.method
            comparison.codeTSNE.metric = codeMetric
            if let perplexity { comparison.tsne.perplexity = perplexity; comparison.codeTSNE.perplexity = perplexity }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
            if !runtime.quiet {
                ProgressBar.note("compare: \(dataset.name), \(dataset.count) samples, \(methods.map(\.rawValue).joined(separator: ", ")) → \(out)/")
            }

            let bars = StageProgressBars(quiet: runtime.quiet)
            let outcomes = try comparison.run(on: dataset, progress: bars.report)
            bars.finish()

            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            for o in outcomes {
                try MatrixIO.write(o.embedding, to: path("\(o.method.rawValue).npy"))
            }
            let title = "\(Recipes.displayName(dataset.name)), \(Recipes.grouped(dataset.count)) samples"
            let panel = EmbeddingComparison.panel(outcomes, labels: dataset.labels, classNames: dataset.classNames,
                                                  neighbours: neighbours, seed: seed, title: title)
            for ext in ["png", "svg", "pdf"] { try panel.write(to: path("compare.\(ext)")) }
            try interactiveMap(outcomes.map { ($0.title, $0.embedding) }, of: dataset, title: title, seed: seed)
                .write(to: path("compare.html"))
            let table = EmbeddingComparison.markdownTable(outcomes, neighbours: neighbours)
            try AtomicFile.write("# \(title)\n\n" + table, to: path("compare.md"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let json = String(decoding: try encoder.encode(EmbeddingComparison.Report(outcomes, neighbours: neighbours)), as: UTF8.self)
            try AtomicFile.write(json + "\n", to: path("compare.json"))
            print(table, terminator: "")
        }
    }
}
