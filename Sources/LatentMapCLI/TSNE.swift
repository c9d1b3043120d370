import ArgumentParser
import Foundation
import LatentMap

/// The gradient method as a command-line choice.
enum TSNEMethodChoice: String, ExpressibleByArgument, CaseIterable {
    case exact
    case barnesHut = "barnes-hut"
}

/// The initialisation as a command-line choice.
enum TSNEInitChoice: String, ExpressibleByArgument, CaseIterable {
    case pca, random
}

extension DistanceMetric: ExpressibleByArgument {}

extension LearningRate: ExpressibleByArgument {
    public init?(argument: String) {
        if argument == "auto" { self = .auto; return }
        guard let v = Double(argument), v > 0, v.isFinite else { return nil }
        self = .fixed(v)
    }
}

extension LatentMapCommand {
    struct TSNECommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tsne",
            abstract: "Embed a dataset in 2-D or 3-D with t-SNE (exact or Barnes-Hut).",
            discussion: """
                Prints the time spent on affinities and optimisation and the final KL divergence on \
                standard error; --json prints them (and --metrics) as one JSON line on standard output.
                Example: latentmap tsne mnist --out mnist-tsne.npy --metrics
                Long runs: add --checkpoint run.ckpt (saved every --checkpoint-every iterations); after an \
                interruption, the same command with --resume run.ckpt ends with the same bytes.
                """)

        @OptionGroup var input: DataOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Effective number of neighbours per point (at least 1, below N − 1).")
        var perplexity: Double = 30

        @Option(help: "Gradient method: exact (O(N²), up to a few thousand points) or barnes-hut.")
        var method: TSNEMethodChoice = .barnesHut

        @Option(help: "Barnes-Hut accuracy: 0 is exact, larger is faster.")
        var theta: Double = 0.5

        @Option(help: "Total iterations, early exaggeration included.")
        var iterations: Int = 750

        @Option(help: "Early exaggeration factor.")
        var exaggeration: Double = 12

        @Option(help: "Iterations with early exaggeration.")
        var exaggerationIterations: Int = 250

        @Option(help: "Learning rate: auto (max(N / exaggeration, 50)) or a positive number.")
        var learningRate: LearningRate = .auto

        @Option(help: "Seed for the subsample and the random initialisation.")
        var seed: UInt64 = 1

        @Option(name: .customLong("init"), help: "Initial positions: pca or random.")
        var initialization: TSNEInitChoice = .pca

        @Option(help: "Reduce the input to this many principal components first (0: never; default: 50 when the input has more).")
        var pca: Int?

        @Option(help: "Output dimensions: 2 or 3.")
        var dims: Int = 2

        @Option(help: "Clip each point's gradient to this norm (default: no clipping).")
        var maxGradNorm: Double?

        @Option(help: "Distance between input points: euclidean or cosine.")
        var metric: DistanceMetric = .euclidean

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
            if let pca, pca < 0 { throw ValidationError("--pca must be 0 (no reduction) or positive, got \(pca)") }
            guard dims == 2 || dims == 3 else { throw ValidationError("--dims must be 2 or 3, got \(dims)") }
            try OptionLimits.check(iterations, "iterations", atMost: OptionLimits.passes)
            guard theta >= 0 else { throw ValidationError("--theta must be at least 0, got \(theta)") }
            if let maxGradNorm, !(maxGradNorm > 0) { throw ValidationError("--max-grad-norm must be positive, got \(maxGradNorm)") }
            guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
            if let maxMemory, MemoryEstimate.parse(maxMemory) == nil {
                throw ValidationError("--max-memory \(maxMemory): not a size (use e.g. 2G, 500M or a number of bytes)")
            }
            if let checkpoint, let out, sameFile(checkpoint, out) { throw ValidationError("--checkpoint and --out must be different files") }
            if let out, !MatrixIO.writableExtensions.contains(where: { out.lowercased().hasSuffix($0) }) {
                throw ValidationError("--out \(out): unsupported extension (use .npy or .csv)")
            }
            if let saveMap, !saveMap.lowercased().hasSuffix(".safetensors") {
                throw ValidationError("--save-map \(saveMap): a map is a .safetensors file")
            }
        }

        func run() throws {
            // Read the checkpoint first: a bad one is reported before any long work.
            let saved = try resume.map { try TSNECheckpoint.read(from: $0) }
            let dataset = try input.load(seed: seed)
            var x = dataset.samples
            let t0 = Date()
            // At most N components: N points span at most N − 1 dimensions, so distances are kept.
            let components = min(pca ?? (x.columns > 50 ? 50 : 0), x.rows)
            var projection: TSNEMap.Projection?
            if components > 0 && components < x.columns {
                let fitted = try PCA(fitting: x, components: components)
                x = fitted.transform(x)
                projection = TSNEMap.Projection(fitted)
            }
            let pcaSeconds = Date().timeIntervalSince(t0)
            let tsne = TSNE(perplexity: perplexity,
                            method: method == .exact ? .exact : .barnesHut(theta: theta),
                            iterations: iterations, exaggeration: exaggeration,
                            exaggerationIterations: exaggerationIterations, learningRate: learningRate,
                            initialization: initialization == .pca ? .pca : .random,
                            dimensions: dims, seed: seed, metric: metric, maxGradientNorm: maxGradNorm)
            let checkpointing = checkpoint.map { path in
                TSNECheckpointing(every: checkpointEvery) { checkpoint in
                    try checkpoint.write(to: path)
                    Signals.keep("the t-SNE checkpoint of iteration \(checkpoint.iteration) in \(path) (continue with --resume \(path))")
                }
            }
            if let saved, !runtime.quiet {
                ProgressBar.note("t-SNE: resuming from \(resume ?? "") at iteration \(saved.iteration)")
            }
            if !runtime.quiet {
                ProgressBar.note("t-SNE: \(x.rows) points × \(x.columns) dimensions, computing affinities (perplexity \(perplexity))")
            }
            // The bar starts with the first iteration, so its ETA covers the optimisation only.
            var bar: ProgressBar?
            let result = try tsne.fit(x, resumingFrom: saved, checkpointing: checkpointing) { step in
                let b = bar ?? ProgressBar(title: "t-SNE", total: step.totalIterations, plainEvery: 50, quiet: runtime.quiet)
                bar = b
                b.update(step.iteration, detail: step.klDivergence.map { String(format: "KL %.4f", $0) } ?? "")
                return .continue
            }
            bar?.finish(String(format: "KL %.4f", result.klDivergence))
            let t = result.timings
            if !runtime.quiet {
                ProgressBar.note(String(format: "affinities %.2fs, initialisation %.2fs, optimisation %.2fs, KL %.4f",
                                        t.affinities, t.initialization, t.optimization, result.klDivergence))
            }

            var fields: [(String, String)] = [
                ("kind", "\"tsne\""), ("tool", "\"latentmap\""), ("data", JSONText.quoted(dataset.name)),
                ("method", method == .exact ? "\"exact\"" : "\"barnes-hut\""), ("n", "\(x.rows)"),
                ("input_dims", "\(x.columns)"), ("perplexity", "\(perplexity)"), ("seed", "\(seed)"),
                ("threads", "\(ExecutionContext.current.threads)"), ("pca_s", String(format: "%.3f", pcaSeconds)),
                ("tsne_s", String(format: "%.3f", t.total)), ("affinity_s", String(format: "%.3f", t.affinities)),
                ("init_s", String(format: "%.3f", t.initialization)), ("optimize_s", String(format: "%.3f", t.optimization)),
                ("kl", String(format: "%.5f", result.klDivergence)), ("iterations", "\(result.iterations)"),
                ("finite", result.positions.isFinite ? "true" : "false"),
            ]
            if metrics {
                let m0 = Date()
                let trust = try EmbeddingQuality.trustworthiness(original: x, embedding: result.positions, k: 10)
                var line = String(format: "trustworthiness (k = 10) %.4f", trust)
                fields.append(("trust10", String(format: "%.4f", trust)))
                if let labels = dataset.labels {
                    let accuracy = try KNNClassifier(k: 10).crossValidatedAccuracy(result.positions, labels: labels, folds: 5)
                    line = String(format: "10-NN accuracy (5-fold) %.4f, ", accuracy) + line
                    fields.append(("knn10_acc", String(format: "%.4f", accuracy)))
                } else {
                    line += " (no labels: no 10-NN accuracy)"
                }
                fields.append(("metrics_s", String(format: "%.2f", Date().timeIntervalSince(m0))))
                if !runtime.quiet { ProgressBar.note(line) }
            }
            if let out {
                try MatrixIO.write(result.positions, to: out, columnNames: Array(["x", "y", "z"].prefix(dims)))
                fields.append(("out", JSONText.quoted(out)))
            }
            if let saveMap {
                try TSNEMap(reference: x, result: result, tsne: tsne, labels: dataset.labels, projection: projection).write(to: saveMap)
                fields.append(("map", JSONText.quoted(saveMap)))
            }
            if json { print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}") }
        }
    }
}
