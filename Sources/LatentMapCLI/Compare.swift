import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    /// A direct 2-D autoencoder, autoencoder + t-SNE, PCA and PCA + t-SNE on the same data.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a direct 2-D autoencoder, autoencoder + t-SNE, PCA and t-SNE of PCA-50 on the same data.",
            discussion: """
                Writes into --out: compare.png/.svg/.pdf (the four maps side by side), compare.html (one interactive map, a layout per method), compare.md and
                compare.json (10-NN accuracy, trustworthiness with k = 10 against the pixels, the
                accuracy after matching clusters to classes and the NMI of k-means, of a Gaussian
                mixture and of the map's density basins merged over the affinities it was made
                from, reconstruction MSE, seconds of each method), and each map as <method>.npy.
                --methods ... vae+tsne adds a variational autoencoder's means mapped by t-SNE.
                Example: latentmap compare --out compare/       (bundled MNIST, about 2-3 minutes)
                """)

        @OptionGroup var data: InputOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var seeding: SeedOptions
        @OptionGroup var neighborOptions: NeighborOptions
        @OptionGroup var figures: FigureOptions
        @OptionGroup var map: CodeMapOptions

        @Option(help: "Output folder (created if missing).")
        var out: String = "compare"

        @Option(parsing: .upToNextOption,
                help: "Methods to run: \(EmbeddingComparison.Method.allCases.map(\.rawValue).joined(separator: ", ")) (default all but vae+tsne).")
        var methods: [EmbeddingComparison.Method] = EmbeddingComparison.Method.defaults

        var seed: UInt64 { seeding.seed }
        /// k of the k-NN accuracy and the trustworthiness: `--neighbors`, default 10.
        var neighbours: Int { neighborOptions.count(default: 10) }

        func validate() throws {
            guard !methods.isEmpty else { throw CLIError("--methods: give at least one method") }
        }

        func run() throws {
            let dataset = try data.load(seed: seed, deskewByDefault: data.isBundledMNIST)
            var comparison = EmbeddingComparison(epochs: map.epochs, latent: map.latent, seed: seed)
            comparison.methods = methods
            comparison.neighbours = neighbours
            comparison.codeTSNE = map.applied(to: comparison.codeTSNE)
            comparison.tsne.method = map.gradient
            if let perplexity = map.perplexity { comparison.tsne.perplexity = perplexity }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
            if !runtime.quiet {
                ProgressBar.note("compare: \(dataset.name), \(dataset.count) samples\(dataset.isDeskewed ? " (deskewed)" : ""), \(methods.map(\.rawValue).joined(separator: ", ")) → \(out)/")
            }

            let bars = StageProgressBars(quiet: runtime.quiet)
            let outcomes = try comparison.run(on: dataset, progress: bars.report)
            bars.finish()

            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            for o in outcomes {
                try MatrixIO.write(o.embedding, to: path("\(o.method.rawValue).npy"))
            }
            let title = figures.title(default: "\(Recipes.displayName(dataset.name)), \(Recipes.grouped(dataset.count)) samples")
            let panel = EmbeddingComparison.panel(outcomes, labels: dataset.labels, classNames: dataset.classNames,
                                                  neighbours: neighbours, seed: seed, title: title, legend: figures.showsLegend)
            try figures.write(panel, named: "compare", in: out, formats: [.png, .svg, .pdf])
            try interactiveMap(outcomes.map { ($0.title, $0.embedding) }, of: dataset, title: title, seed: seed)
                .write(to: path("compare.html"))
            let table = EmbeddingComparison.markdownTable(outcomes, neighbours: neighbours)
            try AtomicFile.write("# \(title)\n\n" + table, to: path("compare.md"))
            try Report.write(EmbeddingComparison.Report(outcomes, neighbours: neighbours), to: path("compare.json"))
            print(table, terminator: "")
        }
    }
}
