import Foundation
import LatentCore

/// How to train a classifier. Every field has a documented default.
public struct ClassifierTrainingOptions: Sendable, Equatable {
    /// Passes over the training data (default 20).
    public var epochs = 20
    /// Samples per gradient step (default 128); the last batch of an epoch may be smaller.
    public var batchSize = 128
    /// The optimiser and its learning rate (default Adam, 1e-3).
    public var optimizer: Optimizer = .adam(learningRate: 1e-3)
    /// When no validation set is passed, the fraction of the training data held out for
    /// validation, chosen with `seed` (default 0: no validation).
    public var validationFraction: Double = 0
    /// Stop after this many epochs without a lower validation loss (default `nil`: never).
    public var patience: Int?
    /// At the end, go back to the weights of the epoch with the lowest validation loss
    /// (default true; needs validation data).
    public var restoreBestWeights = true
    /// Seeds the shuffling, the validation split and the dropout masks (default 1).
    public var seed: UInt64 = 1

    public init() {}

    /// Checks that every option is in range.
    func validate() throws {
        try validateTrainingLoop(epochs: epochs, batchSize: batchSize, validationFraction: validationFraction,
                                 patience: patience, optimizer: optimizer)
    }
}

/// One epoch of classifier training.
public struct ClassifierEpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean cross-entropy over the epoch's training batches (with dropout active).
    public var trainLoss: Double
    /// Fraction of training samples classified correctly during the epoch's batches.
    public var trainAccuracy: Double
    /// Cross-entropy on the validation data after the epoch (inference mode), if any.
    public var validationLoss: Double?
    /// Accuracy on the validation data after the epoch, if any.
    public var validationAccuracy: Double?
    /// Wall time of the epoch's training loop, seconds.
    public var seconds: Double
}

/// Per-epoch losses and accuracies of a classifier's training run.
public struct ClassifierHistory: Sendable, Equatable, Codable {
    public var epochs: [ClassifierEpochRecord] = []
    /// The epoch whose weights the model holds at the end (the best one when restored).
    public var finalWeightsEpoch = 0
    /// The epoch with the lowest validation loss, if there was validation data.
    public var bestEpoch: Int?
    public var stopReason: StopReason = .completed

    /// `epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds`, one line per epoch.
    public func csv() -> String {
        func format(_ v: Double?) -> String { v.map { String(format: "%.8g", $0) } ?? "" }
        var lines = ["epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds"]
        for r in epochs {
            lines.append([String(r.epoch), format(r.trainLoss), format(r.trainAccuracy), format(r.validationLoss),
                          format(r.validationAccuracy), String(format: "%.4f", r.seconds)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// What classifier training reports after every batch.
public struct ClassifierProgress: Sendable {
    /// 1-based epoch.
    public var epoch: Int
    public var epochs: Int
    /// 1-based batch within the epoch.
    public var batch: Int
    public var batchesPerEpoch: Int
    /// Mean training loss of the epoch so far.
    public var trainLoss: Double
    /// The finished epoch's record on its last batch, `nil` otherwise.
    public var completedEpoch: ClassifierEpochRecord?
}

extension Classifier {
    /// Trains the classifier on the rows of `inputs` and their `labels` with seeded, shuffled
    /// minibatches and softmax cross-entropy.
    ///
    /// The first call fits the input standardisation (when the architecture asks for it) on
    /// `inputs`; later calls keep it, so training can be resumed. After each epoch the loss on
    /// the validation data (if any) decides early stopping, and at the end the weights of the
    /// best validation epoch are restored when `options.restoreBestWeights` is set. Batch
    /// normalisation's running statistics are updated after every batch. The same seed gives
    /// the same weights on any number of threads.
    ///
    /// - Parameters:
    ///   - inputs: N × `inputSize` training samples.
    ///   - labels: N labels in `0..<classCount`.
    ///   - validation: validation samples and labels; when `nil`, `options.validationFraction`
    ///     of `inputs` is held out instead.
    ///   - options: optimiser, batch size, epochs, early stopping, seed.
    ///   - progress: called after every batch; return `.stop` to end training early.
    /// - Returns: per-epoch losses and accuracies.
    /// - Throws: `NetsError.shapeMismatch` or `.invalidOption` for bad arguments (a label out
    ///   of range names its row); `NetsError.diverged` when the loss becomes NaN or infinite,
    ///   in which case the model keeps the weights of the last good epoch.
    /// - Complexity: O(epochs · N · parameters).
    @discardableResult
    public mutating func train(on inputs: Matrix, labels: [Int], validation: (inputs: Matrix, labels: [Int])? = nil,
                               options: ClassifierTrainingOptions = ClassifierTrainingOptions(),
                               progress: ((ClassifierProgress) -> ProgressDecision)? = nil) throws -> ClassifierHistory {
        try options.validate()
        try check(inputs, labels: labels, what: "training")
        guard inputs.rows > 0 else { throw NetsError.invalidOption("no training samples") }
        if let validation { try check(validation.inputs, labels: validation.labels, what: "validation") }

        var trainIndices = Array(0..<inputs.rows)
        var held = validation
        if validation == nil, options.validationFraction > 0 {
            var rng = SeededGenerator.stream(seed: options.seed, 11)
            trainIndices.shuffle(using: &rng)
            let nVal = Int((Double(inputs.rows) * options.validationFraction).rounded())
            guard nVal < inputs.rows else { throw NetsError.invalidOption("the validation split leaves no training samples") }
            if nVal > 0 {
                let heldIndices = Array(trainIndices[..<nVal])
                held = (inputs.rows(at: heldIndices), heldIndices.map { labels[$0] })
            }
            trainIndices = Array(trainIndices[nVal...]).sorted()
        }
        if architecture.standardizesInputs && !isStandardizationFitted {
            let fitted = inputs.rows(at: trainIndices)
            inputMean = fitted.columnMeans()
            inputScale = fitted.columnStandardDeviations().map { $0 > 1e-6 ? 1 / $0 : 1 }
            isStandardizationFitted = true
        }
        return try runTraining(inputs: inputs, labels: labels.map { Int32($0) }, trainIndices: trainIndices,
                               validation: held, options: options, progress: progress)
    }

    /// Cross-entropy and accuracy of the classifier on `inputs` (inference mode).
    public func evaluate(_ inputs: Matrix, labels: [Int]) throws -> (loss: Double, accuracy: Double) {
        try check(inputs, labels: labels, what: "evaluation")
        guard inputs.rows > 0 else { throw NetsError.invalidOption("evaluation needs at least one sample") }
        let z = try logits(inputs)
        let labels32 = labels.map { Int32($0) }
        let loss = z.withUnsafeBufferPointer { p in
            labels32.withUnsafeBufferPointer { l in
                SoftmaxCrossEntropy.evaluate(logits: p.baseAddress!, labels: l.baseAddress!, rows: z.rows,
                                             classes: z.columns, gradient: nil)
            }
        }
        let predicted = z.rowArgmax()
        let right = zip(predicted, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return (loss, Double(right) / Double(inputs.rows))
    }

    private func check(_ inputs: Matrix, labels: [Int], what: String) throws {
        guard inputs.columns == inputSize else {
            throw NetsError.shapeMismatch("\(what) inputs have \(inputs.columns) columns, the classifier expects \(inputSize)")
        }
        guard labels.count == inputs.rows else {
            throw NetsError.shapeMismatch("\(labels.count) \(what) labels for \(inputs.rows) samples")
        }
        if let row = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw NetsError.invalidOption("\(what) label \(labels[row]) at row \(row) is outside 0..<\(classCount) (the classifier has \(classCount) classes)")
        }
    }

    private mutating func runTraining(inputs: Matrix, labels: [Int32], trainIndices: [Int],
                                      validation: (inputs: Matrix, labels: [Int])?, options: ClassifierTrainingOptions,
                                      progress: ((ClassifierProgress) -> ProgressDecision)?) throws -> ClassifierHistory {
        var indices = trainIndices
        let n = indices.count, d = inputSize, k = classCount
        let capacity = min(options.batchSize, n)
        let batches = (n + capacity - 1) / capacity
        let network = self.network
        let ws = ClassifierWorkspace(network: network, capacity: capacity, training: true)
        var optimizer = OptimizerState(options.optimizer, parameterCount: network.parameterCount)
        var shuffler = SeededGenerator.stream(seed: options.seed, 1)
        var history = ClassifierHistory()
        var lastGood = parameters
        var best: (loss: Double, epoch: Int, parameters: [Float])?
        var waited = 0
        var step: UInt64 = 0

        epochs: for epoch in 1...options.epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            indices.shuffle(using: &shuffler)
            var lossSum = 0.0, seen = 0, right = 0
            var stopRequested = false
            for batch in 0..<batches {
                let lo = batch * capacity, b = min(capacity, n - lo)
                step += 1
                indices[lo..<(lo + b)].withUnsafeBufferPointer { rows in
                    inputs.withUnsafeBufferPointer { Workspace.gather($0.baseAddress!, columns: d, rows: rows, into: ws.input) }
                    for r in 0..<b { ws.labels[r] = labels[rows[r]] }
                }
                standardize(ws.input, rows: b)
                let loss = trainStep(ws, batch: b, step: step, seed: options.seed, optimizer: &optimizer)
                guard loss.isFinite else {
                    parameters = lastGood
                    throw NetsError.diverged(epoch: epoch, batch: batch + 1, loss: loss)
                }
                right += correctCount(ws.output, labels: ws.labels, rows: b, classes: k)
                lossSum += loss * Double(b); seen += b
                if batch < batches - 1, let progress {
                    let report = ClassifierProgress(epoch: epoch, epochs: options.epochs, batch: batch + 1,
                                                    batchesPerEpoch: batches, trainLoss: lossSum / Double(seen))
                    if progress(report) == .stop { stopRequested = true; break }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard parameters.allSatisfy(\.isFinite) else {
                parameters = lastGood
                throw NetsError.diverged(epoch: epoch, batch: batches, loss: .nan)
            }
            lastGood = parameters
            let scores = try validation.map { try evaluate($0.inputs, labels: $0.labels) }
            let record = ClassifierEpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)),
                                               trainAccuracy: Double(right) / Double(max(seen, 1)),
                                               validationLoss: scores?.loss, validationAccuracy: scores?.accuracy,
                                               seconds: seconds)
            history.epochs.append(record)
            history.finalWeightsEpoch = epoch
            if let loss = scores?.loss {
                if best == nil || loss < best!.loss {
                    best = (loss, epoch, options.restoreBestWeights ? parameters : [])
                    waited = 0
                } else {
                    waited += 1
                }
            }
            if stopRequested { history.stopReason = .stoppedByCaller; break epochs }
            if let progress {
                let report = ClassifierProgress(epoch: epoch, epochs: options.epochs, batch: batches, batchesPerEpoch: batches,
                                                trainLoss: record.trainLoss, completedEpoch: record)
                if progress(report) == .stop { history.stopReason = .stoppedByCaller; break epochs }
            }
            if let patience = options.patience, waited >= patience {
                history.stopReason = .earlyStopping
                break epochs
            }
        }
        history.bestEpoch = best?.epoch
        if let best, options.restoreBestWeights, best.epoch != history.finalWeightsEpoch {
            parameters = best.parameters
            history.finalWeightsEpoch = best.epoch
        }
        return history
    }

    /// One gradient step on the batch in the workspace (inputs and labels already there):
    /// fresh dropout masks, forward, loss, backward, optimiser update, batch-norm running
    /// statistics. Returns the batch loss; the update is skipped when it is not finite.
    private mutating func trainStep(_ ws: ClassifierWorkspace, batch b: Int, step: UInt64, seed: UInt64,
                                    optimizer: inout OptimizerState) -> Double {
        let network = self.network, layers = network.trainingLayers
        for (i, layer) in layers.enumerated() {
            if let dropout = layer as? DropoutLayer {
                DropoutLayer.fillMask(ws.indices[i], count: b * dropout.inputShape.count, rate: dropout.rate, seed: seed,
                                      stream: step &* UInt64(layers.count) &+ UInt64(i))
            }
        }
        let k = classCount, count = network.parameterCount
        return parameters.withUnsafeMutableBufferPointer { p in
            let params = p.baseAddress!
            network.forward(params, ws, batch: b, training: true)
            let loss = SoftmaxCrossEntropy.evaluate(logits: ws.output, labels: ws.labels, rows: b, classes: k,
                                                    gradient: ws.gradientA)
            guard loss.isFinite else { return loss }
            network.backward(params, ws, batch: b)
            optimizer.update(params, gradient: ws.parameterGradient, count: count)
            for (i, layer) in layers.enumerated() {
                if let norm = layer as? BatchNormalizationLayer {
                    norm.updateRunningStatistics(params + network.offsets[i], input: ws.input(ofLayer: i), batch: b,
                                                 scratch: ws.scratch)
                }
            }
            return loss
        }
    }

    /// How many rows of `logits` have their largest value at the row's label.
    private func correctCount(_ logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int) -> Int {
        var right = 0
        for r in 0..<rows {
            let z = logits + r * classes
            var best = 0
            for c in 1..<classes where z[c] > z[best] { best = c }
            if best == Int(labels[r]) { right += 1 }
        }
        return right
    }
}
