import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    /// `latentmap place MAP NEW --out new.npy`: new points into a saved t-SNE map.
    struct Place: ParsableCommand, DeclaresAliases {
        static let configuration = CommandConfiguration(
            abstract: "Place new points into a t-SNE map saved by `tsne --save-map`; the map does not move.",
            discussion: """
                Each new point is placed by its nearest reference points only (openTSNE's transform: \
                perplexity 5, 250 steps from the median of its neighbours, repulsion from the fixed map), so \
                placing in one batch or several gives the same positions. Raw rows are projected as the map's \
                own input was (its PCA is in the file). With labels on both sides it reports the placed points' \
                10-NN accuracy against the map's labels.
                Example:
                  latentmap tsne fashion-mnist --part train --save-map map.safetensors \\
                    --out train.npy
                  latentmap place map.safetensors fashion-mnist --part test --out test.npy \\
                    --plot test.png
                """)

        @Argument(help: ArgumentHelp("The map file (from tsne --save-map).", valueName: "map.safetensors"))
        var map: String

        @OptionGroup var input: InputOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        static let aliases = OptionAlias.renaming(["n-iter", "max-iter"], to: "iterations")
            + OptionAlias.renaming(["lr"], to: "learning-rate")

        @Option(help: "Effective number of reference neighbours per new point.")
        var perplexity: Double = 5

        @Option(help: "Gradient steps per point.")
        var iterations: Int = 250

        @Option(help: "Learning rate (the map is fixed, so much smaller than a fit's).")
        var learningRate: Double = 0.1

        @Option(help: "Factor on the attraction to the reference neighbours.")
        var exaggeration: Double = 1.5

        @Option(help: "2-D Barnes-Hut maps: sample the map's repulsion on a grid of this spacing (0: walk the tree at every step).")
        var gridSpacing: Double = 0.5

        @Option(help: "Refuse unless the map measures distances with this metric (euclidean or cosine).")
        var metric: DistanceMetric?

        @Option(help: "Write the new points' positions here (.npy or .csv).")
        var out: String?

        @Option(help: ArgumentHelp("Draw the new points over the faded map (.png, .svg or .pdf).", valueName: "file"))
        var plot: String?

        @OptionGroup var figure: FigureOptions

        @Flag(help: "Print one JSON line with the placing time and, with labels, the 10-NN accuracy.")
        var json = false

        func validate() throws {
            try OptionLimits.check(iterations, "iterations", atLeast: 0, atMost: OptionLimits.passes)
            guard learningRate > 0, learningRate.isFinite else { throw CLIError.option("learning-rate", "must be positive, got \(learningRate)") }
            guard exaggeration > 0, exaggeration.isFinite else { throw CLIError.option("exaggeration", "must be positive, got \(exaggeration)") }
            guard gridSpacing >= 0, gridSpacing.isFinite else { throw CLIError.option("grid-spacing", "must be 0 or positive, got \(gridSpacing)") }
            if let out, !MatrixIO.writableExtensions.contains(where: { out.lowercased().hasSuffix($0) }) {
                throw CLIError("--out \(out): unsupported extension (use .npy or .csv)")
            }
            if let plot { try FigureOptions.checkPath(plot, option: "plot") }
        }

        func run() throws {
            // The map first: a bad one is reported before the data is loaded.
            let tsneMap = try TSNEMap.read(from: map)
            let dataset = try input.load(seed)
            do { try tsneMap.checkFits(columns: dataset.dimension, metric: metric) } catch TSNEError.mapMismatch(let difference) {
                throw CLIError("\(map) does not fit \(dataset.name): \(difference)")
            }
            runtime.note("place: \(dataset.count) points into \(map) (\(tsneMap.count) points, \(tsneMap.dimensions)-D)")
            let placement = TSNEPlacement(perplexity: perplexity, iterations: iterations, exaggeration: exaggeration,
                                          learningRate: learningRate, gridSpacing: gridSpacing > 0 ? gridSpacing : nil)
            let bar = ProgressBar(title: "place", total: max(dataset.count, 1), plainEvery: 2048, quiet: runtime.quiet)
            let t0 = Date()
            let result = try tsneMap.transform(dataset.samples, placement: placement) { p in
                bar.update(p.placed)
                return .continue
            }
            let seconds = Date().timeIntervalSince(t0)
            bar.finish(String(format: "%.2f s", seconds))
            var fields = ReportFields([
                "kind": "place", "tool": "latentmap", "map": map,
                "data": dataset.name, "n_map": tsneMap.count, "n_new": dataset.count,
                "threads": ExecutionContext.current.threads, "place_s": Report.seconds(seconds),
                "affinity_s": Report.seconds(result.affinitySeconds),
                "optimize_s": Report.seconds(result.optimizationSeconds),
            ])
            if let accuracy = try Recipes.placedAccuracy(result.positions, labels: dataset.labels, in: tsneMap) {
                fields["new_knn10_acc"] = Report.rounded(accuracy)
                runtime.note(String(format: "10-NN accuracy of the placed points against the map's labels %.4f", accuracy))
            }
            if let out {
                try MatrixIO.write(result.positions, to: out, columnNames: Array(["x", "y", "z"].prefix(tsneMap.dimensions)))
                fields["out"] = out
            }
            if let plot {
                let (_, over) = Recipes.placementFigures(map: tsneMap, placed: result.positions, labels: dataset.labels,
                                                         classNames: dataset.classNames, title: figure.title(default: dataset.name),
                                                         seed: seed.seed)
                try figure.write(over, to: plot)
            }
            if json { try Report.print(fields) }
        }
    }
}
