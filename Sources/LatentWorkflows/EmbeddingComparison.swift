import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot
import LatentTSNE

/// The same images mapped to 2-D four ways, scored on the same terms:
///
/// | method | what it is |
/// |---|---|
/// | `directAutoencoder` | `Preset.dense2d` (784-128-64-12-2): the code *is* the map |
/// | `autoencoderTSNE` | an autoencoder to 20 or 64 dimensions, then t-SNE |
/// | `pca` | the first two principal components of the pixels |
/// | `pcaTSNE` | t-SNE on the first 50 principal components of the pixels |
/// | `variationalTSNE` | a variational autoencoder (`Recipes.variationalAutoencoder`), then t-SNE of its means (not run by default) |
///
/// Each map is scored by k-NN accuracy (cross-validated), trustworthiness with respect to the
/// pixels, and three clusterings with k = the number of classes, k-means, a full-covariance
/// Gaussian mixture (N2D's choice) and the map's density basins merged over the affinities the
/// map was made from (`DensityBasinClustering`; the map's 10-NN graph for maps without t-SNE),
/// each by its accuracy after Hungarian matching of clusters to classes and its normalised
/// mutual information with the classes;
/// the wall time covers fitting the map (training, encoding, PCA, t-SNE), not scoring it.
///
/// ```swift
/// let outcomes = try EmbeddingComparison(epochs: 50).run(on: try Dataset.mnist())
/// print(EmbeddingComparison.markdownTable(outcomes))
/// ```
public struct EmbeddingComparison: Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case directAutoencoder = "ae-2d"
        case autoencoderTSNE = "ae+tsne"
        case pca = "pca"
        case pcaTSNE = "pca50+tsne"
        case variationalTSNE = "vae+tsne"

        /// The four methods a comparison runs by default.
        public static var defaults: [Method] { [.directAutoencoder, .autoencoderTSNE, .pca, .pcaTSNE] }
    }

    /// The methods to run, in this order (default `Method.defaults`).
    public var methods: [Method] = Method.defaults
    /// Training epochs of both autoencoders (default 50).
    public var epochs = 50
    /// Latent size of the autoencoder before t-SNE: 20 or 64 (default 64, which separates the digits better than 20).
    public var latent = 64
    /// Principal components t-SNE starts from in `pcaTSNE` (default 50).
    public var pcaComponents = 50
    /// t-SNE settings of t-SNE of the pixels' principal components (default `TSNE()`:
    /// Barnes-Hut, perplexity 30, Euclidean).
    public var tsne = TSNE()
    /// t-SNE settings of the autoencoder codes (default `Recipes.codeTSNE`: cosine, perplexity 15).
    public var codeTSNE: TSNE
    /// Neighbours for the k-NN accuracy and trustworthiness (default 10).
    public var neighbours = 10
    /// Seeds training, t-SNE, k-means and the cross-validation folds (default 1).
    public var seed: UInt64 = 1

    public init(epochs: Int = 50, latent: Int = 64, seed: UInt64 = 1) {
        self.epochs = epochs
        self.latent = latent
        self.seed = seed
        tsne.seed = seed
        codeTSNE = Recipes.codeTSNE(seed: seed)
    }

    /// One method's map and scores.
    public struct Outcome: Sendable {
        public var method: Method
        /// A human-readable name, e.g. "Autoencoder (20-D) + t-SNE".
        public var title: String
        /// The 2-D map, one row per sample.
        public var embedding: Matrix
        /// k-NN accuracy in the map, 5-fold cross-validated (nil without labels).
        public var knnAccuracy: Double?
        /// Trustworthiness of the map with respect to the input pixels.
        public var trustworthiness: Double
        /// k-means (k = number of classes) accuracy after matching clusters to classes (nil without labels).
        public var clusteringAccuracy: Double?
        /// Normalised mutual information of the k-means clusters and the classes (nil without labels).
        public var kmeansNMI: Double?
        /// Gaussian-mixture (k = number of classes, full covariance) accuracy after matching (nil without labels).
        public var mixtureAccuracy: Double?
        /// Normalised mutual information of the mixture's clusters and the classes (nil without labels).
        public var mixtureNMI: Double?
        /// Density basins (`DensityBasinClustering`, k = number of classes, merged over the map's
        /// t-SNE affinities or its 10-NN graph) accuracy after matching (nil without labels).
        public var basinsAccuracy: Double?
        /// Normalised mutual information of the basins' clusters and the classes (nil without labels).
        public var basinsNMI: Double?
        /// Seconds to compute the map.
        public var seconds: Double
        /// The autoencoder's reconstruction MSE, for the autoencoder methods.
        public var reconstructionError: Double?
    }

    /// Maps `dataset` with each method and scores the maps.
    /// - Parameters:
    ///   - context: threads and memory limit of every stage (default: the caller's).
    ///   - progress: per epoch and t-SNE iteration; `.stop` ends the run with `WorkflowStopped`.
    /// - Throws: `WorkflowError` when the dataset holds no images (autoencoder methods) or is too
    ///   small; `WorkflowStopped`; errors of the underlying steps.
    public func run(on dataset: Dataset, context: ExecutionContext = .current,
                    progress: @escaping (StageProgress) -> ProgressDecision = { _ in .continue }) throws -> [Outcome] {
        guard Double(dataset.count) > max(3 * max(tsne.perplexity, codeTSNE.perplexity).rounded(.up), Double(neighbours)) else {
            throw WorkflowError(
                "\(dataset.name): \(dataset.count) samples are too few to compare maps (need more than 3 × perplexity and k)")
        }
        return try context.run {
            try ProgressRelay(progress).run { relay in
                var outcomes: [Outcome] = []
                for method in methods {
                    let start = Date()
                    let (embedding, title, mse, source) = try map(dataset, with: method, progress: relay.report)
                    let seconds = Date().timeIntervalSince(start)
                    try relay.check()
                    try relay.begin("scoring \(method.rawValue)")
                    outcomes.append(try score(embedding, of: dataset, method: method, title: title, seconds: seconds, mse: mse,
                                              source: source))
                }
                return outcomes
            }
        }
    }

    /// The t-SNE input of a map and the settings it was embedded with (nil for maps made without t-SNE).
    private typealias MapSource = (input: Matrix, tsne: TSNE)?

    private func map(_ dataset: Dataset, with method: Method,
                     progress: (StageProgress) -> ProgressDecision) throws -> (Matrix, String, Double?, MapSource) {
        let x = dataset.samples
        switch method {
        case .directAutoencoder:
            let shape = try Recipes.imageShape(of: dataset)
            var options = Preset.dense2d.training
            options.epochs = epochs
            options.seed = seed
            var ae = try Autoencoder(architecture: Preset.dense2d.architecture(imageShape: shape), seed: seed)
            _ = try Recipes.train(&ae, on: x, options: options, stage: "dense2d autoencoder", progress: progress)
            let mse = try ae.reconstruct(x).meanSquaredDifference(to: x)
            return (try ae.encode(x), "Direct 2-D autoencoder", mse, nil)
        case .autoencoderTSNE, .variationalTSNE:
            let shape = try Recipes.imageShape(of: dataset)
            let variational = method == .variationalTSNE
            var (ae, options) = variational
                ? try Recipes.variationalAutoencoder(codeSize: latent, imageShape: shape, epochs: epochs, seed: seed)
                : try Recipes.latentAutoencoder(codeSize: latent, imageShape: shape, epochs: epochs, seed: seed)
            let kind = variational ? "variational autoencoder" : "autoencoder"
            _ = try Recipes.train(&ae, on: x, options: options, stage: "\(latent)-D \(kind)", progress: progress)
            let codes = try ae.encode(x)
            let mse = try ae.reconstruct(x).meanSquaredDifference(to: x)
            let result = try Recipes.embed(codes, with: codeTSNE, stage: "t-SNE of the codes", progress: progress)
            return (result.positions, "\(variational ? "VAE" : "Autoencoder") (\(latent)-D) + t-SNE", mse, (codes, codeTSNE))
        case .pca:
            return (try PCA(fitting: x, components: 2).transform(x), "PCA (2 components)", nil, nil)
        case .pcaTSNE:
            let (scores, pca) = try Recipes.pcaReduced(x, components: pcaComponents)
            let name = pca == nil ? "the pixels" : "PCA-\(scores.columns)"
            let result = try Recipes.embed(scores, with: tsne, stage: "t-SNE of \(name)", progress: progress)
            return (result.positions, "t-SNE of \(pca == nil ? "the" : "PCA-\(scores.columns)") pixels", nil, (scores, tsne))
        }
    }

    private func score(_ embedding: Matrix, of dataset: Dataset, method: Method, title: String,
                       seconds: Double, mse: Double?, source: MapSource) throws -> Outcome {
        let trust = try EmbeddingQuality.trustworthiness(original: dataset.samples, embedding: embedding,
                                                         k: neighbours, seed: seed)
        var outcome = Outcome(method: method, title: title, embedding: embedding, knnAccuracy: nil,
                              trustworthiness: trust, clusteringAccuracy: nil, seconds: seconds, reconstructionError: mse)
        if let labels = dataset.labels {
            outcome.knnAccuracy = try KNNClassifier(k: neighbours).crossValidatedAccuracy(embedding, labels: labels, folds: 5)
            // Basins merge over the affinities the map was made from, else the map's own 10-NN graph.
            let graph = try source.map { try ClusteringScores.affinityGraph(of: $0.input, tsne: $0.tsne) }
            if let c = try ClusteringScores(embedding, labels: labels, seed: seed, graph: graph) {
                outcome.clusteringAccuracy = c.kmeansAccuracy
                outcome.kmeansNMI = c.kmeansNMI
                outcome.mixtureAccuracy = c.mixtureAccuracy
                outcome.mixtureNMI = c.mixtureNMI
                outcome.basinsAccuracy = c.basinsAccuracy
                outcome.basinsNMI = c.basinsNMI
            }
        }
        return outcome
    }

    // MARK: - Reports

    /// The scores as a Markdown table, one row per method.
    public static func markdownTable(_ outcomes: [Outcome], neighbours: Int = 10) -> String {
        func f(_ v: Double?, _ digits: Int = 4) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "–" }
        var lines = ["| method | \(neighbours)-NN accuracy | trustworthiness (k = \(neighbours)) | k-means accuracy | k-means NMI | GMM accuracy | GMM NMI | basins accuracy | basins NMI | reconstruction MSE | time (s) |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for o in outcomes {
            lines.append("| \(o.title) | \(f(o.knnAccuracy)) | \(f(o.trustworthiness)) | \(f(o.clusteringAccuracy)) | \(f(o.kmeansNMI)) | \(f(o.mixtureAccuracy)) | \(f(o.mixtureNMI)) | \(f(o.basinsAccuracy)) | \(f(o.basinsNMI)) | \(f(o.reconstructionError, 5)) | \(f(o.seconds, 1)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The scores as compare.json holds them: `{"neighbours": k, "methods": [{"method": "ae+tsne", …}, …]}`.
    public struct Report: Encodable, Sendable {
        public struct Row: Encodable, Sendable {
            public var method: String
            public var title: String
            public var knnAccuracy: Double?
            public var trustworthiness: Double
            public var kmeansAccuracy: Double?
            public var kmeansNMI: Double?
            public var gmmAccuracy: Double?
            public var gmmNMI: Double?
            public var basinsAccuracy: Double?
            public var basinsNMI: Double?
            public var reconstructionMSE: Double?
            public var seconds: Double

            enum CodingKeys: String, CodingKey {
                case method, title, knnAccuracy = "knn_accuracy", trustworthiness, kmeansAccuracy = "kmeans_accuracy"
                case kmeansNMI = "kmeans_nmi", gmmAccuracy = "gmm_accuracy", gmmNMI = "gmm_nmi"
                case basinsAccuracy = "basins_accuracy", basinsNMI = "basins_nmi"
                case reconstructionMSE = "reconstruction_mse", seconds
            }

            public func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(method, forKey: .method)
                try c.encode(title, forKey: .title)
                try c.encode(knnAccuracy, forKey: .knnAccuracy)      // null without labels
                try c.encode(trustworthiness, forKey: .trustworthiness)
                try c.encode(kmeansAccuracy, forKey: .kmeansAccuracy)
                try c.encode(kmeansNMI, forKey: .kmeansNMI)
                try c.encode(gmmAccuracy, forKey: .gmmAccuracy)
                try c.encode(gmmNMI, forKey: .gmmNMI)
                try c.encode(basinsAccuracy, forKey: .basinsAccuracy)
                try c.encode(basinsNMI, forKey: .basinsNMI)
                try c.encode(reconstructionMSE, forKey: .reconstructionMSE)
                try c.encode(seconds, forKey: .seconds)
            }
        }
        public var neighbours: Int
        public var methods: [Row]

        /// The report of `outcomes`, scores rounded to 6 significant digits and seconds to milliseconds.
        public init(_ outcomes: [Outcome], neighbours: Int = 10) {
            func r(_ v: Double?) -> Double? { v.map { Double(String(format: "%.6g", $0)) ?? $0 } }
            self.neighbours = neighbours
            methods = outcomes.map { o in
                Row(method: o.method.rawValue, title: o.title, knnAccuracy: r(o.knnAccuracy), trustworthiness: r(o.trustworthiness)!,
                    kmeansAccuracy: r(o.clusteringAccuracy), kmeansNMI: r(o.kmeansNMI), gmmAccuracy: r(o.mixtureAccuracy),
                    gmmNMI: r(o.mixtureNMI), basinsAccuracy: r(o.basinsAccuracy), basinsNMI: r(o.basinsNMI), reconstructionMSE: r(o.reconstructionError), seconds: (o.seconds * 1000).rounded() / 1000)
            }
        }
    }

    /// The four maps side by side, each titled with its method and k-NN accuracy, with one
    /// legend for the panel.
    public static func panel(_ outcomes: [Outcome], labels: [Int]?, classNames: [String]?, neighbours: Int = 10,
                             seed: UInt64 = 1, title: String? = nil, legend: Bool = true) -> Panel {
        let plots: [any Figure] = outcomes.map { o in
            var s = ScatterPlot(o.embedding, labels: labels).shuffled(seed: seed)
                .titled(o.knnAccuracy.map { o.title + String(format: " · \(neighbours)-NN %.3f", $0) } ?? o.title)
                .size(width: 420, height: 400).legend(legend)
            if let classNames { s = s.classNames(classNames) }
            return s
        }
        var panel = Panel(plots, columns: outcomes.count > 2 ? 2 : outcomes.count).lettered().sharingLegend()
        if let title { panel = panel.titled(title) }
        return panel
    }
}
