import LatentCore
import LatentData
import LatentNets

extension Autoencoder {
    /// Trains on a dataset's samples with the most common options; see
    /// `train(on:targets:validation:validationTargets:options:resumingFrom:context:progress:)`.
    @discardableResult
    public mutating func train(on train: Dataset, validation: Dataset? = nil, epochs: Int = 10, batchSize: Int = 128,
                               optimizer: Optimizer = .adam(learningRate: 1e-3), loss: Loss = .meanSquaredError,
                               seed: UInt64 = 1,
                               progress: ((TrainingProgress) -> ProgressDecision)? = nil) throws -> TrainingHistory {
        var o = TrainingOptions()
        o.epochs = epochs; o.batchSize = batchSize; o.optimizer = optimizer; o.loss = loss; o.seed = seed
        return try self.train(on: train.samples, validation: validation?.samples, options: o, progress: progress)
    }
}
