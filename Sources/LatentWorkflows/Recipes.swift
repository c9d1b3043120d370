import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentTSNE

/// Ready-made workflows shared by the command-line tool and the examples: each wires the
/// modules together the way the published experiments do.
public enum Recipes {
    /// The autoencoder of `latentmap pipeline --latent 20|64` and its training recipe:
    /// 20 → 784-100-20-100-784 with ReLU code, RMSprop 1e-3 (`Preset.dense20`);
    /// 64 → 784-512-256-64 with ReLU code and mirrored decoder, Adam 1e-3, batch 128, trained
    /// as a denoising autoencoder with masking noise (20% of the inputs set to zero; Vincent et
    /// al. 2008) and early stopping (patience 5): on 10,000 MNIST digits the plain model overfits
    /// within 50 epochs, and masking lifts the 10-NN accuracy of its t-SNE map from about 0.939
    /// to 0.943–0.948 (seeds 1–3); with `codeTSNE` (cosine, perplexity 15) it reaches
    /// 0.956–0.960, the default of `pipeline` and `compare`.
    /// Both hold out 10% of the data to report a validation loss.
    ///
    /// - Throws: `NetsError.invalidArchitecture` for a latent size other than 20 or 64.
    public static func latentAutoencoder(codeSize: Int, imageShape: TensorShape, epochs: Int,
                                         seed: UInt64) throws -> (Autoencoder, TrainingOptions) {
        var options: TrainingOptions
        let architecture: Architecture
        switch codeSize {
        case 20:
            options = Preset.dense20.training
            architecture = try Preset.dense20.architecture(imageShape: imageShape)
        case 64:
            options = Preset.stacked.training
            options.optimizer = .adam(learningRate: 1e-3)
            options.batchSize = 128
            options.noise = .masking(fraction: 0.2)
            architecture = try Architecture(spec: "\(imageShape.count)-512-256-64", activation: .relu,
                                            codeActivation: .relu, output: .sigmoid)
        default:
            throw NetsError.invalidArchitecture("latent size must be 20 or 64, got \(codeSize)")
        }
        options.epochs = epochs
        options.seed = seed
        options.validationFraction = 0.1
        return (try Autoencoder(architecture: architecture, seed: seed), options)
    }

    /// The variational autoencoder of `latentmap compare --methods vae+tsne` and `train
    /// --variational` without `--layers`: `D-512-256-z` with ReLU hidden layers and a
    /// mirrored decoder with sigmoid output, binary cross-entropy (so the loss is the negative
    /// ELBO per pixel), Adam 1e-3, batch 128, β = 1 with a 10-epoch KL warm-up (capped at half
    /// the epochs), 10% held out for the validation loss.
    public static func variationalAutoencoder(codeSize: Int, imageShape: TensorShape, epochs: Int,
                                              seed: UInt64) throws -> (Autoencoder, TrainingOptions) {
        let architecture = try Architecture(spec: "\(imageShape.count)-512-256-\(codeSize)", activation: .relu,
                                            output: .sigmoid).variational()
        var options = TrainingOptions()
        options.loss = .binaryCrossEntropy
        options.klWarmupEpochs = min(10, epochs / 2)
        options.epochs = epochs
        options.seed = seed
        options.validationFraction = 0.1
        return (try Autoencoder(architecture: architecture, seed: seed), options)
    }

    /// The t-SNE of `pipeline`'s and `compare`'s autoencoder codes: cosine distances between
    /// the codes and perplexity 15, otherwise `TSNE()`'s defaults. Measured on the bundled MNIST
    /// with the 64-D recipe (seeds 1–3, README "Latents worth mapping"): the 10-NN accuracy of the
    /// map rises from about 0.946 (Euclidean, perplexity 30) to about 0.96, above t-SNE of the
    /// pixels' 50 principal components (0.951).
    public static func codeTSNE(seed: UInt64) -> TSNE {
        var tsne = TSNE(perplexity: 15, seed: seed)
        tsne.metric = .cosine
        return tsne
    }

    /// The shape of `dataset`'s images as the autoencoders see them.
    /// - Throws: `DataError.invalidValue` when the dataset holds no images.
    public static func imageShape(of dataset: Dataset) throws -> TensorShape {
        guard let s = dataset.imageShape else {
            throw DataError.invalidValue(path: dataset.name, reason: "needs images (IDX, or .npy of N×H×W); this input has no image shape")
        }
        return s
    }

    /// Trains `autoencoder` with `options`, reporting each finished epoch as a `StageProgress`.
    public static func train(_ autoencoder: inout Autoencoder, on samples: Matrix, options: TrainingOptions,
                             stage: String, progress: (StageProgress) -> ProgressDecision) throws -> TrainingHistory {
        try withoutActuallyEscaping(progress) { progress in
            try autoencoder.train(on: samples, options: options) { p in
                guard p.batch == p.batchesPerEpoch else { return .continue }
                return progress(StageProgress(stage: stage, step: p.epoch, total: p.epochs,
                                              detail: String(format: "loss %.5f", p.trainLoss)))
            }
        }
    }

    /// Trains `classifier` with `options`, reporting each finished epoch as a `StageProgress`
    /// (detail: loss and accuracy, and the validation accuracy when there is one).
    public static func train(_ classifier: inout Classifier, on inputs: Matrix, labels: [Int], options: TrainingOptions,
                             stage: String, progress: (StageProgress) -> ProgressDecision) throws -> TrainingHistory {
        try withoutActuallyEscaping(progress) { progress in
            try classifier.train(on: inputs, labels: labels, options: options) { p in
                guard let record = p.completedEpoch else { return .continue }
                var detail = String(format: "loss %.4f, accuracy %.4f", record.trainLoss, record.trainAccuracy ?? 0)
                if let v = record.validationAccuracy { detail += String(format: ", val accuracy %.4f", v) }
                return progress(StageProgress(stage: stage, step: p.epoch, total: p.epochs, detail: detail))
            }
        }
    }

    /// Runs `tsne` on `data`, reporting its iterations as a `StageProgress`.
    public static func embed(_ data: Matrix, with tsne: TSNE, stage: String,
                             progress: (StageProgress) -> ProgressDecision) throws -> TSNEResult {
        try tsne.fit(data) { step in
            progress(StageProgress(stage: stage, step: step.iteration, total: step.totalIterations,
                                   detail: step.klDivergence.map { String(format: "KL %.4f", $0) } ?? ""))
        }
    }
}

/// How well clusterings of a map (or of codes) recover the classes, as N2D scores them: k-means
/// and a full-covariance Gaussian mixture with k = the number of classes, each by its accuracy
/// after Hungarian matching of clusters to classes and by normalised mutual information; for a
/// 2-D map also its density basins merged over a graph (`DensityBasinClustering`).
public struct ClusteringScores: Sendable, Equatable {
    public var kmeansAccuracy: Double
    public var kmeansNMI: Double
    public var mixtureAccuracy: Double
    public var mixtureNMI: Double
    /// The density basins' accuracy and NMI (nil unless the points are 2-D).
    public var basinsAccuracy: Double?
    public var basinsNMI: Double?

    /// Clusters the rows of `points` both ways (k-means with 4 restarts, the mixture with 10
    /// k-means-started EM runs, the most likely kept), seeded with `seed`, and a 2-D map also by
    /// its density basins merged over `graph` (the affinities the map was made from; nil: the
    /// map's own 10-NN graph); `nil` for fewer than two classes.
    /// - Throws: `AnalysisError` when the points are fewer than the classes or not finite.
    public init?(_ points: Matrix, labels: [Int], seed: UInt64, graph: NeighborGraph? = nil) throws {
        let classes = Set(labels).count
        guard classes >= 2 else { return nil }
        let kmeans = try KMeans(clusters: classes, restarts: 4, seed: seed).fit(points).assignments
        let mixture = try GaussianMixture(components: classes, restarts: 10, seed: seed).fit(points).assignments
        kmeansAccuracy = ClusteringAccuracy.score(labels: labels, clusters: kmeans)
        kmeansNMI = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: kmeans)
        mixtureAccuracy = ClusteringAccuracy.score(labels: labels, clusters: mixture)
        mixtureNMI = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: mixture)
        if points.columns == 2 && points.rows > classes {
            let basins = try DensityBasinClustering(clusters: classes).fit(points, graph: graph).assignments
            basinsAccuracy = ClusteringAccuracy.score(labels: labels, clusters: basins)
            basinsNMI = ClusteringAgreement.normalizedMutualInformation(labels: labels, clusters: basins)
        }
    }

    /// The graph a t-SNE map was made from: the affinities P of its input under `tsne`'s
    /// perplexity and metric, recomputed (an O(N log N) neighbour search, or O(N²) below
    /// 20,000 points).
    public static func affinityGraph(of input: Matrix, tsne: TSNE) throws -> NeighborGraph {
        NeighborGraph(try Affinities(perplexity: tsne.perplexity, of: input, metric: tsne.metric))
    }
}
