import LatentCore

/// Corruption applied to training inputs (the targets stay clean), for denoising autoencoders.
public enum Noise: Sendable, Equatable {
    case none
    /// `clip(x + factor · N(0, 1), 0, 1)`, fresh noise each time a sample is shown.
    case gaussian(factor: Float)
    /// Each value set to 0 with probability `fraction` (Vincent et al. 2008).
    case masking(fraction: Float)
}

/// How to train a model, autoencoder or classifier: the one options type of the training loop.
/// Every field has a documented default; `loss`, `initializeOutputBias`, `noise` and the latent
/// regulariser concern autoencoders only (a classifier refuses noise and a regulariser).
public struct TrainingOptions: Sendable {
    /// Passes over the training data (default 10; `classifierDefaults` has 20).
    public var epochs = 10
    /// Samples per gradient step (default 128); the last batch of an epoch may be smaller.
    public var batchSize = 128
    /// The optimiser and its learning rate (default Adam, 1e-3).
    public var optimizer: Optimizer = .adam(learningRate: 1e-3)
    /// The reconstruction loss (default mean squared error).
    public var loss: Loss = .meanSquaredError
    /// When no validation set is passed, the fraction of the training data held out for
    /// validation, chosen with `seed` (default 0: no validation).
    public var validationFraction: Double = 0
    /// Stop after this many epochs without a lower validation loss (default `nil`: never).
    public var patience: Int?
    /// At the end, go back to the weights of the epoch with the lowest validation loss
    /// (default true; needs validation data).
    public var restoreBestWeights = true
    /// Whether the first training of a freshly initialised model (not a loaded or already
    /// trained one, not a resumed checkpoint) first sets the output layer's bias so the model
    /// starts at the mean training target (`Autoencoder.initializeOutputBias`). This keeps
    /// sigmoid outputs trained on sparse images such as MNIST from collapsing to black
    /// (default true).
    public var initializeOutputBias = true
    /// Input corruption for denoising (default none).
    public var noise: Noise = .none
    /// Seeds the shuffling, the validation split, the noise and the dropout masks (default 1).
    public var seed: UInt64 = 1
    /// An extra loss term on the codes (default none).
    public var latentRegularizer: (any LatentRegularizer)?
    /// Weight of `latentRegularizer`'s term in the loss (default 1).
    public var regularizerWeight: Float = 1
    /// A variational autoencoder's KL weight β (Higgins et al. 2017; default 1, the ELBO);
    /// ignored by other models.
    public var klWeight: Float = 1
    /// Epochs over which a variational autoencoder's KL weight ramps from 0 to `klWeight`
    /// (default 0: none); ignored by other models.
    public var klWarmupEpochs = 0
    /// A batch loss above this multiple of the first batch's loss counts as divergence (default 1e4).
    public var divergenceFactor: Double = 1e4
    /// Save a `TrainingCheckpoint` every few epochs (default `nil`: never).
    public var checkpoint: CheckpointPolicy?

    public init() {}

    /// The defaults of classifier training: as `init()`, with 20 epochs.
    public static var classifierDefaults: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = 20
        return o
    }

    /// Checks that every option is in range.
    /// - Throws: `NetsError.invalidOption` naming the first option out of range.
    func validate() throws {
        guard epochs >= 1 else { throw NetsError.invalidOption("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw NetsError.invalidOption("batch size must be at least 1, got \(batchSize)") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw NetsError.invalidOption("validation fraction must be in [0, 1), got \(validationFraction)")
        }
        if let patience, patience < 1 { throw NetsError.invalidOption("patience must be at least 1, got \(patience)") }
        guard optimizer.learningRate > 0, optimizer.learningRate.isFinite else {
            throw NetsError.invalidOption("learning rate must be positive, got \(optimizer.learningRate)")
        }
        switch noise {
        case .none: break
        case .gaussian(let f):
            guard f >= 0, f.isFinite else { throw NetsError.invalidOption("noise factor must be non-negative, got \(f)") }
        case .masking(let p):
            guard p >= 0, p < 1 else { throw NetsError.invalidOption("masking fraction must be in [0, 1), got \(p)") }
        }
        guard klWeight >= 0, klWeight.isFinite else { throw NetsError.invalidOption("KL weight β must be ≥ 0, got \(klWeight)") }
        guard klWarmupEpochs >= 0 else { throw NetsError.invalidOption("KL warm-up must be ≥ 0 epochs, got \(klWarmupEpochs)") }
        guard divergenceFactor > 1 else { throw NetsError.invalidOption("divergence factor must exceed 1, got \(divergenceFactor)") }
        if let checkpoint, checkpoint.every < 1 {
            throw NetsError.invalidOption("checkpoints must be written every 1 or more epochs, got \(checkpoint.every)")
        }
    }

    /// The options of the loop itself a resumed run must share with the checkpoint's run to
    /// continue it exactly, by name.
    var loopResumeKeys: [String: String] {
        [
            "seed": String(seed), "batch size": String(batchSize), "optimizer": String(describing: optimizer),
            "validation fraction": String(validationFraction), "patience": patience.map(String.init) ?? "none",
            "restore best weights": String(restoreBestWeights), "divergence factor": String(divergenceFactor),
        ]
    }

    /// The options a resumed autoencoder run must share with the checkpoint's run to continue
    /// it exactly (everything but `epochs`, `checkpoint` and `initializeOutputBias`), by name.
    var resumeKeys: [String: String] {
        var keys = loopResumeKeys
        keys["loss"] = loss.rawValue
        keys["noise"] = String(describing: noise)
        if let latentRegularizer {
            keys["latent regularizer"] = String(describing: latentRegularizer)
            keys["regularizer weight"] = String(regularizerWeight)
        }
        if klWeight != 1 || klWarmupEpochs != 0 {
            keys["KL weight"] = String(klWeight)
            keys["KL warm-up"] = String(klWarmupEpochs)
        }
        return keys
    }
}

/// What the training loop reports after every batch (autoencoder and classifier alike).
public struct TrainingProgress: Sendable {
    /// 1-based epoch.
    public var epoch: Int
    public var epochs: Int
    /// 1-based batch within the epoch.
    public var batch: Int
    public var batchesPerEpoch: Int
    /// Mean training loss of the epoch so far.
    public var trainLoss: Double
    /// The finished epoch's record on its last batch, `nil` otherwise.
    public var completedEpoch: EpochRecord?
    /// The checkpoint file just written after the finished epoch, if one was.
    public var savedCheckpoint: String?

    /// Batches done over the whole run.
    public var completedBatches: Int { (epoch - 1) * batchesPerEpoch + batch }
    /// Batches in the whole run.
    public var totalBatches: Int { epochs * batchesPerEpoch }
}
