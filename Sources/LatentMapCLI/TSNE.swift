import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// The gradient method as a command-line choice.
enum TSNEMethodChoice: String, ExpressibleByArgument, CaseIterable {
    case exact
    case barnesHut = "barnes-hut"
}

/// The `tsne` command's gradient method, `auto` included (`pipeline` and `compare` keep
/// `TSNEMethodChoice`).
enum TSNEGradientChoice: String, ExpressibleByArgument, CaseIterable {
    case exact
    case barnesHut = "barnes-hut"
    case interpolation
    case auto
}

/// The initialisation as a command-line choice.
enum TSNEInitChoice: String, ExpressibleByArgument, CaseIterable {
    case pca, random
}

extension LearningRate: ExpressibleByArgument {
    public init?(argument: String) {
        if argument == "auto" { self = .auto; return }
        guard let v = Double(argument), v > 0, v.isFinite else { return nil }
        self = .fixed(v)
    }
}

extension LatentMapCommand {
    struct TSNECommand: ParsableCommand, DeclaresAliases {
        static let configuration = CommandConfiguration(
            commandName: "tsne",
            abstract: "Embed a dataset in 1-D, 2-D or 3-D with t-SNE (exact, Barnes-Hut or FFT interpolation).",
            discussion: """
                Prints the time spent on affinities and optimisation and the final KL divergence on \
                standard error; --json prints them (and --metrics) as one JSON line on standard output.
                The default method, auto, runs exact t-SNE below 1,000 points, Barnes-Hut up to 10,000 and \
                FFT-accelerated interpolation (FIt-SNE) from 10,000 (Barnes-Hut in 3-D); the summary and --json \
                name the method that ran and, for interpolation, the grid.
                Long runs: add --checkpoint run.ckpt (saved every --checkpoint-every iterations); after an \
                interruption, the same command with --resume run.ckpt ends with the same bytes.
                scikit-learn's names work too: --n-components, --n-iter, --early-exaggeration, --angle.
                Example:
                  latentmap tsne mnist --out mnist-tsne.npy --metrics
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var search: NeighborSearchOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        static let aliases = OptionAlias.renaming(["dims", "n-components"], to: "dimensions")
            + OptionAlias.renaming(["n-iter", "max-iter"], to: "iterations")
            + OptionAlias.renaming(["lr"], to: "learning-rate")
            + OptionAlias.renaming(["early-exaggeration"], to: "exaggeration")
            + OptionAlias.renaming(["angle"], to: "theta")

        @Option(help: "Effective number of neighbours per point (at least 1, below N − 1).")
        var perplexity: Double = 30

        @Option(help: "Gradient method: exact (O(N²)), barnes-hut, interpolation (FFT, 1-D/2-D output) or auto (by N).")
        var method: TSNEGradientChoice = .auto

        @Option(help: "Barnes-Hut accuracy: 0 is exact, larger is faster.")
        var theta: Double = 0.5

        @Option(help: "Interpolation: boxes per unit of the embedding's span (larger is more accurate, slower).")
        var boxesPerUnit: Double = 1

        @Option(help: "Interpolation: the fewest boxes per dimension.")
        var minBoxes: Int = 50

        @Option(help: "Interpolation: Lagrange nodes per box and dimension (2 to 8).")
        var nodesPerBox: Int = 3

        @Option(help: "Interpolation: a fixed number of boxes per dimension instead of --min-boxes and --boxes-per-unit.")
        var boxes: Int?

        @Option(help: "Total iterations, early exaggeration included.")
        var iterations: Int = 750

        @Option(help: "Early exaggeration factor.")
        var exaggeration: Double = 12

        @Option(help: "Iterations with early exaggeration.")
        var exaggerationIterations: Int = 250

        @Option(help: "Learning rate: auto (max(N / exaggeration, 50)) or a positive number.")
        var learningRate: LearningRate = .auto

        @Option(name: .customLong("init"), help: "Initial positions: pca or random.")
        var initialization: TSNEInitChoice = .pca

        @Option(help: "Output dimensions: 1, 2 or 3 (1-D runs exact or interpolation).")
        var dimensions: Int = 2

        @Option(help: "Clip each point's gradient to this norm (default: no clipping).")
        var maxGradNorm: Double?

        @Option(help: "Write the embedding here (.npy or .csv).")
        var out: String?

        @Option(help: ArgumentHelp("Also save the map (reference points, positions, settings) as safetensors, to place new points with `latentmap place`.",
                                   valueName: "map.safetensors"))
        var saveMap: String?

        @Option(help: ArgumentHelp("Save the optimiser's state here every --checkpoint-every iterations (resume with --resume).",
                                   valueName: "path"))
        var checkpoint: String?

        @Option(help: "Iterations between checkpoints.")
        var checkpointEvery: Int = 50

        @Option(help: ArgumentHelp("Continue from this checkpoint (same data and options); the result is identical to an uninterrupted run.",
                                   valueName: "path"))
        var resume: String?

        @Option(help: ArgumentHelp("Refuse to start when the estimated peak memory exceeds this (e.g. 2G, 500M; default: the available memory).",
                                   valueName: "size"))
        var maxMemory: String?

        @Flag(help: "Also report trustworthiness (k = 10, against the t-SNE input) and, with labels, 10-NN accuracy (5-fold).")
        var metrics = false

        @Flag(help: "Print one JSON line with timings, KL and metrics on standard output.")
        var json = false

        func validate() throws {
            guard (1...3).contains(dimensions) else { throw CLIError.option("dimensions", "must be 1, 2 or 3, got \(dimensions)") }
            try OptionLimits.check(iterations, "iterations", atMost: OptionLimits.passes)
            guard theta >= 0 else { throw CLIError("--theta must be at least 0, got \(theta)") }
            guard boxesPerUnit > 0, boxesPerUnit.isFinite else {
                throw CLIError("--boxes-per-unit must be a positive number, got \(boxesPerUnit)")
            }
            guard minBoxes >= 1 else { throw CLIError("--min-boxes must be at least 1, got \(minBoxes)") }
            guard (2...8).contains(nodesPerBox) else { throw CLIError("--nodes-per-box must be 2 to 8, got \(nodesPerBox)") }
            if let boxes, boxes < 1 { throw CLIError("--boxes must be at least 1, got \(boxes)") }
            if let maxGradNorm, !(maxGradNorm > 0) { throw CLIError("--max-grad-norm must be positive, got \(maxGradNorm)") }
            guard checkpointEvery >= 1 else { throw CLIError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
            if let maxMemory, MemoryEstimate.parse(maxMemory) == nil {
                throw CLIError("--max-memory \(maxMemory): not a size (use e.g. 2G, 500M or a number of bytes)")
            }
            if let checkpoint, let out, sameFile(checkpoint, out) { throw CLIError("--checkpoint and --out must be different files") }
            if let out, !MatrixIO.writableExtensions.contains(where: { out.lowercased().hasSuffix($0) }) {
                throw CLIError("--out \(out): unsupported extension (use .npy or .csv)")
            }
            if let saveMap, !saveMap.lowercased().hasSuffix(".safetensors") {
                throw CLIError("--save-map \(saveMap): a map is a .safetensors file")
            }
        }

        func run() throws {
            // Read the checkpoint first: a bad one is reported before any long work.
            let saved = try resume.map { try TSNECheckpoint.read(from: $0) }
            // Only the reduced matrix outlives this: the full-size samples are freed before t-SNE.
            let (x, dataset, projection, pcaSeconds) = try reducedInput()
            let requested = gradientMethod(points: x.rows)
            let tsne = TSNE(perplexity: perplexity, method: requested,
                            iterations: iterations, exaggeration: exaggeration,
                            exaggerationIterations: exaggerationIterations, learningRate: learningRate,
                            initialization: initialization == .pca ? .pca : .random,
                            dimensions: dimensions, seed: seed.seed, metric: search.metric, maxGradientNorm: maxGradNorm,
                            neighborSearch: search.neighborSearch.search)
            let checkpointing = checkpoint.map { path in
                TSNECheckpointing(every: checkpointEvery) { checkpoint in
                    try checkpoint.write(to: path)
                    Signals.keep("the t-SNE checkpoint of iteration \(checkpoint.iteration) in \(path) (continue with --resume \(path))")
                }
            }
            if let saved { runtime.note("t-SNE: resuming from \(resume ?? "") at iteration \(saved.iteration)") }
            let chosen = requested.resolved(points: x.rows, dimensions: dimensions)
            if !runtime.quiet {
                if method == .interpolation && chosen != requested {
                    ProgressBar.note("t-SNE: interpolation supports 1-D and 2-D output only: using Barnes-Hut (θ = 0.5) for --dimensions \(dimensions)")
                }
                if method == .barnesHut && chosen != requested {
                    ProgressBar.note("t-SNE: Barnes-Hut has no 1-D tree: using interpolation for --dimensions 1")
                }
                ProgressBar.note("t-SNE: \(x.rows) points × \(x.columns) dimensions, \(chosen.name) gradient, computing affinities (perplexity \(perplexity))")
            }
            // The bar starts with the first iteration, so its ETA covers the optimisation only.
            var bar: ProgressBar?
            let stages = PreparationBars(quiet: runtime.quiet)
            let result = try tsne.fit(x, resumingFrom: saved, checkpointing: checkpointing, preparation: stages.report) { step in
                stages.finish()
                let b = bar ?? ProgressBar(title: "t-SNE", total: step.totalIterations, plainEvery: 50, quiet: runtime.quiet)
                bar = b
                b.update(step.iteration, detail: step.klDivergence.map { String(format: "KL %.4f", $0) } ?? "")
                return .continue
            }
            bar?.finish(String(format: "KL %.4f", result.klDivergence))
            let t = result.timings
            if !runtime.quiet {
                ProgressBar.note(String(format: "%@: affinities %.2fs (%@ neighbours), initialisation %.2fs, optimisation %.2fs, KL %.4f",
                                        methodSummary(result), t.affinities, result.neighborSearch?.name ?? "all-pairs",
                                        t.initialization, t.optimization, result.klDivergence))
            }

            var fields = ReportFields([
                "kind": "tsne", "tool": "latentmap", "data": dataset.name,
                "method": result.method.name, "method_requested": method.rawValue, "n": x.rows,
                "neighbor_search": result.neighborSearch?.name ?? "all-pairs",
                "input_dims": x.columns, "perplexity": perplexity, "seed": seed.seed,
                "threads": ExecutionContext.current.threads, "pca_s": Report.seconds(pcaSeconds),
                "tsne_s": Report.seconds(t.total), "affinity_s": Report.seconds(t.affinities),
                "init_s": Report.seconds(t.initialization), "optimize_s": Report.seconds(t.optimization),
                "kl": Report.rounded(result.klDivergence, 5), "iterations": result.iterations,
                "finite": result.positions.isFinite,
            ])
            if let boxes = result.interpolationBoxes {
                fields["grid_boxes"] = boxes
                fields["grid_fft_side"] = 2 * boxes * nodesPerBox
            }
            if metrics {
                let m0 = Date()
                let trust = try EmbeddingQuality.trustworthiness(original: x, embedding: result.positions, k: 10)
                var line = String(format: "trustworthiness (k = 10) %.4f", trust)
                fields["trust10"] = Report.rounded(trust)
                if let labels = dataset.labels {
                    let accuracy = try KNNClassifier(k: 10).crossValidatedAccuracy(result.positions, labels: labels, folds: 5)
                    line = String(format: "10-NN accuracy (5-fold) %.4f, ", accuracy) + line
                    fields["knn10_acc"] = Report.rounded(accuracy)
                } else {
                    line += " (no labels: no 10-NN accuracy)"
                }
                fields["metrics_s"] = Report.rounded(Date().timeIntervalSince(m0), 2)
                runtime.note(line)
            }
            if let out {
                try MatrixIO.write(result.positions, to: out, columnNames: Array(["x", "y", "z"].prefix(dimensions)))
                fields["out"] = out
            }
            if let saveMap {
                try TSNEMap(reference: x, result: result, tsne: tsne, labels: dataset.labels, projection: projection).write(to: saveMap)
                fields["map"] = saveMap
            }
            if json { try Report.print(fields) }
        }
    }
}

extension LatentMapCommand.TSNECommand {
    /// The library's method for the command-line choice and `points` points: `auto` is resolved
    /// here, so that the method it picks takes --theta or the interpolation options.
    func gradientMethod(points: Int) -> GradientMethod {
        let interpolation = GradientMethod.interpolation(InterpolationOptions(nodesPerBox: nodesPerBox, minimumBoxes: minBoxes,
                                                                              boxesPerUnit: boxesPerUnit, boxes: boxes))
        switch method {
        case .exact: return .exact
        case .barnesHut: return .barnesHut(theta: theta)
        case .interpolation: return interpolation
        case .auto:
            switch GradientMethod.auto.resolved(points: points, dimensions: dimensions) {
            case .exact: return .exact
            case .interpolation: return interpolation
            default: return .barnesHut(theta: theta)
            }
        }
    }

    /// "barnes-hut", or "interpolation (135 × 135 boxes, FFT 810²)".
    func methodSummary(_ result: TSNEResult) -> String {
        guard let boxes = result.interpolationBoxes else { return result.method.name }
        let side = 2 * boxes * nodesPerBox
        return dimensions == 1 ? "interpolation (\(boxes) boxes, FFT \(side))" : "interpolation (\(boxes) × \(boxes) boxes, FFT \(side)²)"
    }

    /// The t-SNE input (the samples reduced by PCA unless `--pca 0`), the loaded dataset
    /// without its full-size samples when they were reduced, the PCA as a map projection, and
    /// the PCA's seconds.
    func reducedInput() throws -> (Matrix, Dataset, TSNEMap.Projection?, Double) {
        var dataset = try input.load(seed)
        let (x, pca, seconds) = try search.reduce(&dataset)
        return (x, dataset, pca.map(TSNEMap.Projection.init), seconds)
    }
}

/// One progress bar per preparation stage of t-SNE (indexing, neighbours, affinities). Off a
/// terminal each stage prints about four plain lines, whatever its reporting block.
final class PreparationBars {
    private var bar: ProgressBar?
    private var stage: TSNEPreparationProgress.Stage?
    private var nextLine = 0
    private let quiet: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(quiet: Bool) { self.quiet = quiet }

    func report(_ step: TSNEPreparationProgress) -> ProgressDecision {
        if step.stage != stage {
            finish()
            stage = step.stage
            nextLine = 0
            let title: String
            switch step.stage {
            case .indexing: title = "neighbours: indexing"
            case .neighbors: title = "neighbours"
            case .affinities: title = "affinities"
            }
            bar = ProgressBar(title: title, total: step.total, quiet: quiet)
        }
        if isTerminal || step.completed >= nextLine {
            bar?.update(step.completed)
            nextLine = step.completed + max(1, step.total / 4)
        }
        return .continue
    }

    func finish() {
        bar?.finish()
        bar = nil
    }
}
