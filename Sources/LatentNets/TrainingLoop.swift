import Foundation
import LatentCore

/// What a training run minimises and how it feeds the network: the part of training that
/// differs between models (a reconstruction loss with an optional latent regulariser for the
/// autoencoder, softmax cross-entropy for the classifier). `TrainingLoop` does the rest.
protocol TrainingObjective {
    /// Copies the training samples `rows` (and their targets or labels) into the workspace,
    /// ready for `computeGradient`; `step` is the run's 1-based gradient step.
    func loadBatch(_ rows: UnsafeBufferPointer<Int>, into ws: Workspace, step: UInt64)

    /// Forward and backward pass over the `batch` samples in the workspace: returns the batch
    /// loss and leaves ∂loss/∂parameters in `ws.parameterGradient`, or in the first
    /// `ws.gradientParts` of `ws.chunkGradients` to be added in order (a data-parallel step);
    /// it may be left stale when the loss is not finite. An objective may instead apply
    /// `ws.inStepUpdate` itself (with the gradient of exactly the loss it returns) and set
    /// `ws.didUpdateInStep`; the loop then skips its own update.
    func computeGradient(_ parameters: UnsafePointer<Float>, _ ws: Workspace, batch: Int, step: UInt64) -> Double

    /// Called after each optimiser step with the updated parameters (batch normalisation's
    /// running statistics); the workspace still holds the step's forward pass.
    func didUpdate(_ parameters: UnsafeMutablePointer<Float>, _ ws: Workspace, batch: Int)

    /// How many of the batch's samples the last forward pass got right, for objectives that
    /// count (a classifier); `nil` otherwise.
    func correctCount(_ ws: Workspace, batch: Int) -> Int?

    /// The loss (and accuracy, where it means something) on the validation data under
    /// `parameters`; `nil` without validation data. May use the training workspace.
    func validationScores(_ parameters: [Float], _ ws: Workspace) -> (loss: Double, accuracy: Double?)?
}

extension TrainingObjective {
    func didUpdate(_ parameters: UnsafeMutablePointer<Float>, _ ws: Workspace, batch: Int) {}
    func correctCount(_ ws: Workspace, batch: Int) -> Int? { nil }
}

/// The rows a run trains on and the rows it holds out: without given validation data,
/// `options.validationFraction` of the `rows` samples, drawn with the seed (stream 11); the
/// training rows stay in their original order.
/// - Throws: `NetsError.invalidOption` when nothing is left to train on.
func trainingSplit(rows: Int, options: TrainingOptions, hasValidation: Bool) throws -> (train: [Int], held: [Int]) {
    var indices = Array(0..<rows)
    guard !hasValidation, options.validationFraction > 0 else { return (indices, []) }
    var rng = SeededGenerator.stream(seed: options.seed, 11)
    indices.shuffle(using: &rng)
    let nVal = Int((Double(rows) * options.validationFraction).rounded())
    guard nVal < rows else { throw NetsError.invalidOption("the validation split leaves no training samples") }
    return (Array(indices[nVal...]).sorted(), Array(indices[..<nVal]))
}

/// The one mini-batch training loop: seeded shuffling, optimiser steps, the divergence check,
/// validation after each epoch, early stopping, best-weight restore and checkpoints, for any
/// `TrainingObjective`.
///
/// Each epoch shuffles the previous epoch's order with one generator (seed stream 1). A batch
/// loss that is not finite or exceeds `divergenceFactor` times the first batch's stops the run
/// with `NetsError.diverged`, leaving the weights of the last good epoch. The same seed gives
/// the same weights on any number of threads, and a run resumed from a checkpoint gives the
/// uninterrupted run's weights and losses bit for bit.
struct TrainingLoop<Objective: TrainingObjective> {
    let stack: LayerStack
    let options: TrainingOptions
    let objective: Objective
    /// The training rows of the data the objective reads.
    let trainIndices: [Int]
    let ws: Workspace
    var parameters: [Float]
    var optimizer: OptimizerState
    /// Where the run continues: epochs done, gradient steps taken, early-stopping state.
    var epochsDone = 0
    var stepCounter: UInt64 = 0
    var history = TrainingHistory()
    var best: BestEpoch?
    var referenceLoss: Double?
    var waited = 0
    /// What a checkpoint of this run records about the model, the data and the options.
    var checkpointModel: TrainingCheckpoint.Model
    var dataDescription = ""
    var resumeKeys: [String: String] = [:]

    init(stack: LayerStack, parameters: [Float], options: TrainingOptions, objective: Objective, trainIndices: [Int],
         model: TrainingCheckpoint.Model) {
        self.stack = stack
        self.options = options
        self.objective = objective
        self.trainIndices = trainIndices
        self.parameters = parameters
        ws = Workspace(stack: stack, capacity: max(1, min(options.batchSize, trainIndices.count)), training: true)
        optimizer = OptimizerState(options.optimizer, parameterCount: stack.parameterCount)
        checkpointModel = model
    }

    /// Continues from `checkpoint`, after checking it belongs to this model, data and options.
    /// - Throws: `NetsError.invalidOption` naming the first difference, or when the checkpoint
    ///   already has `options.epochs` epochs.
    mutating func restore(_ checkpoint: TrainingCheckpoint) throws {
        try checkpoint.checkCompatible(model: checkpointModel, data: dataDescription, options: resumeKeys)
        guard checkpoint.epoch < options.epochs else {
            throw NetsError.invalidOption("\(checkpoint.path): the checkpoint already has \(checkpoint.epoch) epochs; ask for more than \(checkpoint.epoch) to continue")
        }
        parameters = checkpoint.parameters
        optimizer.first = checkpoint.optimizerFirst
        if !checkpoint.optimizerSecond.isEmpty { optimizer.second = checkpoint.optimizerSecond }
        optimizer.step = checkpoint.optimizerStep
        epochsDone = checkpoint.epoch
        stepCounter = checkpoint.step
        history = checkpoint.history
        best = checkpoint.best
        referenceLoss = checkpoint.referenceLoss
        waited = checkpoint.waited
    }

    /// The state after `epochsDone` epochs, as a checkpoint.
    func checkpoint() -> TrainingCheckpoint {
        var history = self.history
        history.bestEpoch = best?.epoch
        return TrainingCheckpoint(model: checkpointModel, epoch: epochsDone, history: history, parameters: parameters,
                                  optimizerFirst: optimizer.first, optimizerSecond: optimizer.second,
                                  optimizerStep: optimizer.step, step: stepCounter, referenceLoss: referenceLoss, best: best,
                                  waited: waited, data: dataDescription, options: resumeKeys)
    }

    /// Runs the remaining epochs.
    /// - Throws: `NetsError.diverged` (the parameters are then the last good epoch's);
    ///   `OutputError` when a checkpoint cannot be written.
    mutating func run(progress: ((TrainingProgress) -> ProgressDecision)?) throws -> TrainingHistory {
        let n = trainIndices.count, capacity = ws.capacity
        let batches = (n + capacity - 1) / capacity
        // A resumed run replays the shuffles of the epochs already done (O(epochs · N), no
        // training), which restores the generator's state exactly without storing it.
        var indices = trainIndices
        var shuffler = SeededGenerator.stream(seed: options.seed, 1)
        for _ in 0..<epochsDone { indices.shuffle(using: &shuffler) }
        var lastGood = parameters
        let alreadyStopped = options.patience.map { waited >= $0 } ?? false
        if alreadyStopped { history.stopReason = .earlyStopping }

        epochs: for epoch in (epochsDone + 1)..<(alreadyStopped ? epochsDone + 1 : options.epochs + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            indices.shuffle(using: &shuffler)
            var lossSum = 0.0, seen = 0, right: Int?
            var stopRequested = false
            for batch in 0..<batches {
                let lo = batch * capacity, b = min(capacity, n - lo)
                stepCounter += 1
                let step = stepCounter
                indices[lo..<(lo + b)].withUnsafeBufferPointer { objective.loadBatch($0, into: ws, step: step) }
                let loss = takeStep(batch: b, step: step)
                let limit = (referenceLoss ?? loss) * options.divergenceFactor
                if referenceLoss == nil, loss.isFinite { referenceLoss = max(loss, 1e-12) }
                guard loss.isFinite, loss <= max(limit, 1e-12) else {
                    parameters = lastGood
                    throw NetsError.diverged(epoch: epoch, batch: batch + 1, loss: loss)
                }
                if let c = objective.correctCount(ws, batch: b) { right = (right ?? 0) + c }
                lossSum += loss * Double(b); seen += b
                if batch < batches - 1, let progress {
                    let report = TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batch + 1,
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
            let scores = objective.validationScores(parameters, ws)
            let record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)),
                                     trainAccuracy: right.map { Double($0) / Double(max(seen, 1)) },
                                     validationLoss: scores?.loss, validationAccuracy: scores?.accuracy, seconds: seconds)
            history.epochs.append(record)
            history.finalWeightsEpoch = epoch
            if let valLoss = scores?.loss {
                if best == nil || valLoss < best!.loss {
                    best = BestEpoch(loss: valLoss, epoch: epoch, parameters: options.restoreBestWeights ? parameters : [])
                    waited = 0
                } else {
                    waited += 1
                }
            }
            if stopRequested { history.stopReason = .stoppedByCaller; break epochs }
            epochsDone = epoch
            let patienceRanOut = options.patience.map { waited >= $0 } ?? false
            var saved: String?
            if let policy = options.checkpoint, epoch % policy.every == 0 || epoch == options.epochs || patienceRanOut {
                try checkpoint().write(to: policy.path)
                saved = policy.path
            }
            if let progress {
                let report = TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batches,
                                              batchesPerEpoch: batches, trainLoss: record.trainLoss,
                                              completedEpoch: record, savedCheckpoint: saved)
                if progress(report) == .stop { history.stopReason = .stoppedByCaller; break epochs }
            }
            if patienceRanOut {
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

    /// One gradient step on the batch in the workspace; returns the batch loss (the update is
    /// skipped when the loss is not finite). The next update travels in `ws.inStepUpdate`, so
    /// a row-chunked step may run it in its own parallel section; otherwise it runs here.
    mutating func takeStep(batch b: Int, step: UInt64) -> Double {
        let objective = self.objective, ws = self.ws, count = stack.parameterCount
        // Move the parameters out of `self` while borrowing them, so the optimiser may mutate self.
        var local = [Float]()
        swap(&local, &parameters)
        defer { swap(&local, &parameters) }
        return local.withUnsafeMutableBufferPointer { p in
            let w = p.baseAddress!
            let loss = optimizer.withNextStep(w) { update in
                ws.inStepUpdate = update
                defer { ws.inStepUpdate = nil }
                return objective.computeGradient(UnsafePointer(w), ws, batch: b, step: step)
            }
            guard loss.isFinite else { return loss }
            if ws.didUpdateInStep {
                optimizer.step += 1
                ws.didUpdateInStep = false
            } else {
                ws.chunkGradients.withUnsafeBufferPointer { g in
                    optimizer.update(w, gradientParts: UnsafeBufferPointer(rebasing: g[..<ws.gradientParts]), count: count)
                }
            }
            objective.didUpdate(w, ws, batch: b)
            return loss
        }
    }
}

/// The epoch with the lowest validation loss so far (its weights kept when they will be restored).
struct BestEpoch: Sendable {
    var loss: Double
    var epoch: Int
    var parameters: [Float]
}
