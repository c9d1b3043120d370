import ArgumentParser
import Foundation
import LatentMap

/// The optimiser named on the command line (its hyper-parameters keep their defaults).
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case adam, rmsprop, sgd

    func optimizer(learningRate lr: Float) -> Optimizer {
        switch self {
        case .adam: return .adam(learningRate: lr)
        case .rmsprop: return .rmsprop(learningRate: lr)
        case .sgd: return .sgd(learningRate: lr)
        }
    }
}

/// The training loop of a network: `--epochs`, `--batch-size`, `--learning-rate`, `--optimizer`,
/// `--val-split` and `--patience`. Every value is optional: a command starts from its own
/// recipe (a preset, or its defaults) and `apply(to:)` changes only what was given. Hidden
/// aliases: `--lr`, `--batch`, `--validation-split` (Keras), `--early-stopping-patience`.
struct TrainingLoopOptions: ParsableArguments, DeclaresAliases {
    static let aliases = OptionAlias.renaming(["lr"], to: "learning-rate")
        + OptionAlias.renaming(["batch"], to: "batch-size")
        + OptionAlias.renaming(["validation-split"], to: "val-split")

    @Option(help: "Passes over the training data (default: see the command).")
    var epochs: Int?

    @Option(help: "Samples per gradient step (default: the recipe's, else 128).")
    var batchSize: Int?

    @Option(help: "Learning rate (default: the recipe's, else 1e-3).")
    var learningRate: Float?

    @Option(help: "Optimizer: adam, rmsprop or sgd (default: the recipe's, else adam).")
    var optimizer: OptimizerChoice?

    @Option(help: "Fraction of the training data held out for validation, in [0, 1).")
    var valSplit: Double?

    @Option(help: "Early stopping: epochs without validation improvement before stopping (needs --val-split).")
    var patience: Int?

    func validate() throws {
        if let epochs { try OptionLimits.check(epochs, "epochs", atMost: OptionLimits.passes) }
        if let batchSize { try OptionLimits.check(batchSize, "batch-size", atMost: Int.max) }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw CLIError.option("learning-rate", "must be positive, got \(learningRate)")
        }
        if let valSplit { try OptionLimits.checkFraction(valSplit, "val-split") }
        if let patience { try OptionLimits.check(patience, "patience", atMost: OptionLimits.passes) }
    }

    /// `--epochs`, or `fallback`.
    func epochs(default fallback: Int) -> Int { epochs ?? fallback }

    /// `options` with every value given on the command line in place of the recipe's.
    /// - Throws: `CLIError` for `--patience` without validation data.
    func apply(to options: inout TrainingOptions) throws {
        if let epochs { options.epochs = epochs }
        if let batchSize { options.batchSize = batchSize }
        if let optimizer { options.optimizer = optimizer.optimizer(learningRate: learningRate ?? options.optimizer.learningRate) }
        if let learningRate { options.optimizer = options.optimizer.withLearningRate(learningRate) }
        if let valSplit { options.validationFraction = valSplit }
        if let patience { options.patience = patience }
        if options.patience != nil && options.validationFraction == 0 {
            throw CLIError("--patience needs validation data: add --val-split (e.g. 0.1)")
        }
    }
}
