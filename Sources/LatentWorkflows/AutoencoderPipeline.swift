import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot
import LatentTSNE

/// Images → autoencoder → latent codes → t-SNE → scores: the run behind `latentmap pipeline`.
///
/// With no model given it trains `Recipes.latentAutoencoder` (64-D denoising or 20-D) on the
/// dataset; then it encodes the images, maps the codes with `tsne` (default
/// `Recipes.codeTSNE`: cosine, perplexity 15), scores the map (10-NN accuracy, k-means and
/// Gaussian-mixture clustering, trustworthiness), and when held-out images are given places
/// them into the finished map. It writes nothing: the result holds everything the command
/// writes, and the figures are built from it.
///
/// ```swift
/// let result = try AutoencoderPipeline(latent: 64, epochs: 50, seed: 1).run(on: try Dataset.mnist())
/// try result.scatter(title: "MNIST").write(to: "scatter.png")
/// ```
public struct AutoencoderPipeline: Sendable {
    /// Latent size of the trained autoencoder: 64 or 20 (default 64; see `Recipes.latentAutoencoder`).
    public var latent = 64
    /// Training epochs (at most, with the 64-D recipe's early stopping; default 50).
    public var epochs = 50
    /// The t-SNE of the codes (default `Recipes.codeTSNE(seed:)`).
    public var tsne: TSNE
    /// Neighbours of the k-NN accuracies and the trustworthiness (default 10).
    public var neighbours = 10
    /// Seeds training, t-SNE, clustering (default 1).
    public var seed: UInt64 = 1

    public init(latent: Int = 64, epochs: Int = 50, seed: UInt64 = 1) {
        self.latent = latent
        self.epochs = epochs
        self.seed = seed
        tsne = Recipes.codeTSNE(seed: seed)
    }

    /// Runs the pipeline on `dataset`.
    /// - Parameters:
    ///   - model: a trained autoencoder to use instead of training one (default nil).
    ///   - heldOut: images to encode and place into the finished map (default nil).
    ///   - context: threads and memory limit of every stage (default: the caller's).
    ///   - progress: called per epoch, t-SNE iteration and block of placed points; `.stop`
    ///     ends the run with `WorkflowStopped`.
    /// - Throws: `WorkflowError` when the dataset has no images or the data does not fit the
    ///   model; `WorkflowStopped`; errors of the underlying steps.
    public func run(on dataset: Dataset, model: Autoencoder? = nil, heldOut: Dataset? = nil,
                    context: ExecutionContext = .current,
                    progress: @escaping (StageProgress) -> ProgressDecision = { _ in .continue }) throws -> PipelineResult {
        try context.run {
            try ProgressRelay(progress).run { relay in try run(dataset, model: model, heldOut: heldOut, relay: relay) }
        }
    }

    private func run(_ dataset: Dataset, model: Autoencoder?, heldOut: Dataset?, relay: ProgressRelay) throws -> PipelineResult {
        var times = StageTimes()
        // 1. The autoencoder.
        var autoencoder: Autoencoder
        var history: TrainingHistory?
        if let model {
            autoencoder = model
        } else {
            let shape = try Recipes.imageShape(of: dataset)
            let options: TrainingOptions
            (autoencoder, options) = try Recipes.latentAutoencoder(codeSize: latent, imageShape: shape, epochs: epochs, seed: seed)
            autoencoder.deskewsInputs = dataset.isDeskewed
            history = try times.time("train") {
                try Recipes.train(&autoencoder, on: dataset.samples, options: options, stage: "train", progress: relay.report)
            }
            try relay.check()
        }
        let samples = try Recipes.modelInputs(dataset, for: autoencoder)
        let codes = try times.time("encode") { try autoencoder.encode(samples) }
        let reconstructed = try autoencoder.reconstruct(samples)
        let mse = reconstructed.meanSquaredDifference(to: samples)

        // 2. t-SNE of the codes, and the held-out images placed into the finished map.
        let result = try times.time("tsne") { try Recipes.embed(codes, with: tsne, stage: "t-SNE", progress: relay.report) }
        try relay.check()
        let placed = try times.time("place") { () -> PlacedImages? in
            guard let heldOut else { return nil }
            let map = try TSNEMap(reference: codes, result: result, tsne: tsne, labels: dataset.labels)
            let inputs = try Recipes.modelInputs(heldOut, for: autoencoder)
            let positions = try Recipes.place(try autoencoder.encode(inputs), into: map, stage: "place",
                                              progress: relay.report).positions
            try relay.check()
            let accuracy = try Recipes.placedAccuracy(positions, labels: heldOut.labels, in: map, k: neighbours)
            return PlacedImages(name: heldOut.name, map: map, positions: positions, labels: heldOut.labels,
                                classNames: heldOut.classNames ?? dataset.classNames, accuracy: accuracy)
        }

        // 3. Scores.
        try relay.begin("metrics")
        let scores = try times.time("metrics") { () -> PipelineResult.Scores in
            var s = PipelineResult.Scores(reconstructionError: mse, klDivergence: result.klDivergence)
            if let labels = dataset.labels {
                let knn = KNNClassifier(k: neighbours)
                s.knnLatent = try knn.crossValidatedAccuracy(codes, labels: labels, folds: 5)
                s.knnMap = try knn.crossValidatedAccuracy(result.positions, labels: labels, folds: 5)
                s.clustering = try ClusteringScores(result.positions, labels: labels, seed: seed,
                                                    graph: result.positions.columns == 2 ? try ClusteringScores.affinityGraph(of: codes, tsne: tsne) : nil)
            }
            s.trustworthiness = try EmbeddingQuality.trustworthiness(original: codes, embedding: result.positions, k: neighbours)
            return s
        }
        return PipelineResult(dataset: dataset, autoencoder: autoencoder, history: history, codes: codes,
                              reconstructed: reconstructed, tsne: result, scores: scores, heldOut: placed, times: times,
                              neighbours: neighbours, seed: seed)
    }
}

/// Held-out images placed into a finished map.
public struct PlacedImages: Sendable {
    /// The held-out dataset's name.
    public var name: String
    /// The map of the training codes they were placed into.
    public var map: TSNEMap
    /// Their positions in the map, one row per image.
    public var positions: Matrix
    public var labels: [Int]?
    public var classNames: [String]?
    /// Their k-NN accuracy against the training labels in the map (nil without labels).
    public var accuracy: Double?

    /// The placed points coloured by class over the faded training map.
    public func figure(title: String, seed: UInt64) -> ScatterPlot {
        Recipes.placementFigures(map: map, placed: positions, labels: labels, classNames: classNames,
                                 title: title, seed: seed).placed
    }
}

/// What `AutoencoderPipeline.run` computed.
public struct PipelineResult: Sendable {
    /// The scores of the map.
    public struct Scores: Sendable, Equatable {
        /// Mean squared reconstruction error of the (clean) inputs.
        public var reconstructionError: Double
        /// The t-SNE's final KL divergence.
        public var klDivergence: Double
        /// Cross-validated k-NN accuracy of the codes and of the map (nil without labels).
        public var knnLatent: Double?
        public var knnMap: Double?
        /// Clustering of the map (nil without labels or with one class).
        public var clustering: ClusteringScores?
        /// Trustworthiness of the map with respect to the codes.
        public var trustworthiness = 0.0

        init(reconstructionError: Double, klDivergence: Double) {
            self.reconstructionError = reconstructionError
            self.klDivergence = klDivergence
        }
    }

    public var dataset: Dataset
    public var autoencoder: Autoencoder
    /// The training history (nil when a model was given).
    public var history: TrainingHistory?
    public var codes: Matrix
    public var reconstructed: Matrix
    public var tsne: TSNEResult
    public var scores: Scores
    public var heldOut: PlacedImages?
    /// Seconds of train, encode, tsne, place and metrics.
    public var times: StageTimes
    public var neighbours: Int
    public var seed: UInt64

    /// The 2-D map, one row per sample.
    public var embedding: Matrix { tsne.positions }

    /// The labelled scatter of the map, titled "`title`: autoencoder (D-D) + t-SNE".
    public func scatter() -> ScatterPlot {
        var scatter = ScatterPlot(embedding, labels: dataset.labels)
            .titled("\(Recipes.displayName(dataset.name)): autoencoder (\(codes.columns)-D) + t-SNE")
            .shuffled(seed: seed)
        if let names = dataset.classNames { scatter = scatter.classNames(names) }
        return scatter
    }

    /// Up to 12 originals (the model's inputs: "deskewed" when they were) above their
    /// reconstructions.
    public func reconstructions() throws -> ImageGallery {
        let shape = try Recipes.imageSize(of: dataset, model: autoencoder)
        let n = min(12, dataset.count)
        let inputs = try Recipes.modelInputs(dataset.prefix(n), for: autoencoder)
        let deskewed = dataset.isDeskewed || autoencoder.deskewsInputs
        return try ImageGallery.reconstructions(original: inputs, reconstructed: reconstructed.rows(0..<n),
                                                height: shape.height, width: shape.width, count: n,
                                                originalCaption: deskewed ? "deskewed" : "original")
            .titled("Reconstructions (MSE \(String(format: "%.4f", scores.reconstructionError)))")
    }

    /// Training and validation loss per epoch (nil when a model was given).
    public func lossPlot() -> LinePlot? {
        guard let history else { return nil }
        let epochsX = history.epochs.map { Double($0.epoch) }
        var loss = LinePlot().adding("train", x: epochsX, y: history.epochs.map { $0.trainLoss })
        let validation = history.epochs.compactMap(\.validationLoss)
        if validation.count == epochsX.count { loss = loss.adding("validation", x: epochsX, y: validation) }
        return loss.titled("Autoencoder training loss").axisLabels(x: "epoch", y: "loss")
    }

    /// The t-SNE's KL divergence every 50 iterations, with a line where early exaggeration
    /// ended (`exaggerationIterations`, default 250 as in `TSNE()`; nil for none).
    public func klPlot(exaggerationIterations: Int? = TSNE().exaggerationIterations) -> LinePlot {
        var plot = LinePlot().adding("KL(P‖Q)", x: tsne.klHistory.map { Double($0.iteration) }, y: tsne.klHistory.map { $0.klDivergence })
            .titled("t-SNE KL divergence").axisLabels(x: "iteration", y: "KL")
        if let end = exaggerationIterations, end > 0, end < tsne.iterations { plot = plot.marking(x: Double(end), "end of early exaggeration") }
        return plot
    }

    /// The metrics as one Codable record (keys as in metrics.json).
    public var metrics: PipelineMetrics {
        let n = neighbours
        var m = PipelineMetrics(dataset: dataset.name, samples: dataset.count, latent: codes.columns,
                                reconstructionMSE: scores.reconstructionError, kl: scores.klDivergence,
                                trustworthiness: scores.trustworthiness)
        m.knnLatent = scores.knnLatent
        m.knnMap = scores.knnMap
        m.clustering = scores.clustering
        m.neighbours = n
        if let heldOut {
            m.testSamples = heldOut.positions.rows
            m.knnTest = heldOut.accuracy
        }
        m.seconds = times.entries.map { ($0.stage, $0.seconds) }
        return m
    }
}

/// The pipeline's metrics.json: `dataset`, `samples`, `latent`, `reconstruction_mse`, `kl`,
/// `knn10_latent`, `knn10_2d`, `kmeans_accuracy_2d`, `kmeans_nmi_2d`, `gmm_accuracy_2d`,
/// `gmm_nmi_2d`, `basins_accuracy_2d`, `basins_nmi_2d`, `trustworthiness10`, `test_samples`, `knn10_test_2d` and `<stage>_s` per stage
/// (10 is `neighbours`). Absent values are left out.
public struct PipelineMetrics: Sendable, Encodable {
    public var dataset: String
    public var samples: Int
    public var latent: Int
    public var reconstructionMSE: Double
    public var kl: Double
    public var trustworthiness: Double
    public var knnLatent: Double?
    public var knnMap: Double?
    public var clustering: ClusteringScores?
    public var testSamples: Int?
    public var knnTest: Double?
    public var neighbours = 10
    /// Seconds per stage, in run order (the command adds load and write).
    public var seconds: [(String, Double)] = []

    init(dataset: String, samples: Int, latent: Int, reconstructionMSE: Double, kl: Double, trustworthiness: Double) {
        self.dataset = dataset
        self.samples = samples
        self.latent = latent
        self.reconstructionMSE = reconstructionMSE
        self.kl = kl
        self.trustworthiness = trustworthiness
    }

    /// The entries as (key, value) pairs in metrics.json's order, values rounded for reading:
    /// scores to 4 decimals (the MSE to 6, KL to 5), seconds to 3.
    public var fields: [(key: String, value: FieldValue)] {
        let k = neighbours
        var f: [(String, FieldValue)] = [("dataset", .text(dataset)), ("samples", .integer(samples)), ("latent", .integer(latent)),
                                         ("reconstruction_mse", .number(reconstructionMSE, 6)), ("kl", .number(kl, 5))]
        if let knnLatent { f.append(("knn\(k)_latent", .number(knnLatent, 4))) }
        if let knnMap { f.append(("knn\(k)_2d", .number(knnMap, 4))) }
        if let c = clustering {
            f += [("kmeans_accuracy_2d", .number(c.kmeansAccuracy, 4)), ("kmeans_nmi_2d", .number(c.kmeansNMI, 4)),
                  ("gmm_accuracy_2d", .number(c.mixtureAccuracy, 4)), ("gmm_nmi_2d", .number(c.mixtureNMI, 4))]
            if let a = c.basinsAccuracy, let nmi = c.basinsNMI {
                f += [("basins_accuracy_2d", .number(a, 4)), ("basins_nmi_2d", .number(nmi, 4))]
            }
        }
        f.append(("trustworthiness\(k)", .number(trustworthiness, 4)))
        if let testSamples { f.append(("test_samples", .integer(testSamples))) }
        if let knnTest { f.append(("knn\(k)_test_2d", .number(knnTest, 4))) }
        f += seconds.map { ("\($0.0)_s", .number($0.1, 3)) }
        return f
    }

    /// One value of `fields`.
    public enum FieldValue: Sendable, Equatable {
        case text(String)
        case integer(Int)
        /// A number and the decimals it is shown with.
        case number(Double, Int)

        /// The number rounded to its decimals (the value itself for text and integers).
        public var rounded: Double? {
            guard case .number(let v, let d) = self, v.isFinite else { return nil }
            let scale = pow(10, Double(d))
            return (v * scale).rounded() / scale
        }
    }

    public func encode(to encoder: Encoder) throws {
        struct Key: CodingKey {
            var stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        var c = encoder.container(keyedBy: Key.self)
        for (key, value) in fields {
            switch value {
            case .text(let s): try c.encode(s, forKey: Key(stringValue: key))
            case .integer(let i): try c.encode(i, forKey: Key(stringValue: key))
            case .number(let v, _): try c.encode(value.rounded ?? v, forKey: Key(stringValue: key))
            }
        }
    }
}
