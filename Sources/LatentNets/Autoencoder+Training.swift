import Foundation
import LatentCore
import LatentData

extension Autoencoder {
    /// Trains the model on the rows of `inputs` with seeded, shuffled minibatches.
    ///
    /// Each epoch visits every training sample once in a fresh random order. After the epoch
    /// the loss on the validation data (if any) decides early stopping; at the end the weights
    /// of the best validation epoch are restored when `options.restoreBestWeights` is set.
    /// The same seed gives the same weights on any number of threads.
    ///
    /// With `options.checkpoint`, the full training state is saved every few epochs; passing
    /// that checkpoint as `resumingFrom` continues the run, and the result (weights, losses) is
    /// bit for bit that of the uninterrupted run.
    ///
    /// - Parameters:
    ///   - inputs: N × `inputSize` training samples (images scaled to [0, 1] for a sigmoid output).
    ///   - targets: what to reconstruct (default: `inputs`); e.g. clean images for noisy inputs.
    ///   - validation: validation samples; when `nil`, `options.validationFraction` of `inputs`
    ///     is held out instead.
    ///   - validationTargets: targets for `validation` (default: `validation`).
    ///   - options: optimiser, loss, batch size, noise, early stopping, seed, checkpoints.
    ///   - checkpoint: a checkpoint of an earlier run with the same data and options (default
    ///     `nil`: start afresh); its weights replace the model's. `options.epochs` is the run's
    ///     total and must exceed the checkpoint's epoch.
    ///   - progress: called after every batch; return `.stop` to end training early.
    /// - Returns: per-epoch train and validation losses (for a resumed run, of all epochs).
    /// - Throws: `NetsError.shapeMismatch` or `.invalidOption` for bad arguments or a checkpoint
    ///   from another architecture, data set or set of options; `NetsError.diverged` when the
    ///   loss becomes NaN or explodes, in which case the model keeps the weights it had after
    ///   the last good epoch; `OutputError` when a checkpoint cannot be written.
    /// - Complexity: O(epochs · N · cost of one forward and backward pass).
    @discardableResult
    public mutating func train(on inputs: Matrix, targets: Matrix? = nil, validation: Matrix? = nil,
                               validationTargets: Matrix? = nil, options: TrainingOptions = TrainingOptions(),
                               resumingFrom checkpoint: TrainingCheckpoint? = nil,
                               progress: ((TrainingProgress) -> ProgressDecision)? = nil) throws -> TrainingHistory {
        try options.validate()
        try options.latentRegularizer?.validate(codeSize: codeSize)
        let d = inputSize
        guard inputs.columns == d else {
            throw NetsError.shapeMismatch("training inputs have \(inputs.columns) columns, the model expects \(d)")
        }
        guard inputs.rows > 0 else { throw NetsError.invalidOption("no training samples") }
        for (name, m, rows) in [("targets", targets, inputs.rows), ("validation targets", validationTargets, validation?.rows ?? 0)] {
            if let m, m.rows != rows || m.columns != d {
                throw NetsError.shapeMismatch("\(name) are \(m.rows) × \(m.columns), expected \(rows) × \(d)")
            }
        }
        if let validation, validation.columns != d {
            throw NetsError.shapeMismatch("validation data has \(validation.columns) columns, the model expects \(d)")
        }
        if validationTargets != nil && validation == nil {
            throw NetsError.invalidOption("validation targets given without validation inputs")
        }

        // Training indices and the validation set (given, or split off with the seed).
        var trainIndices = Array(0..<inputs.rows)
        var valInputs = validation, valTargets = validationTargets
        if validation == nil, options.validationFraction > 0 {
            var rng = SeededGenerator.stream(seed: options.seed, 11)
            trainIndices.shuffle(using: &rng)
            let nVal = Int((Double(inputs.rows) * options.validationFraction).rounded())
            guard nVal < inputs.rows else { throw NetsError.invalidOption("the validation split leaves no training samples") }
            let held = Array(trainIndices[..<nVal])
            trainIndices = Array(trainIndices[nVal...]).sorted()
            if nVal > 0 {
                valInputs = inputs.rows(at: held)
                valTargets = targets?.rows(at: held)
            }
        }

        if options.initializeOutputBias, checkpoint == nil, isFreshlyInitialized {
            try initializeOutputBias(toMeanOf: targets ?? inputs, rows: trainIndices)
        }
        isFreshlyInitialized = false
        var session = TrainingSession(model: self, options: options, capacity: min(options.batchSize, trainIndices.count))
        if options.checkpoint != nil || checkpoint != nil {
            session.dataDescription = TrainingCheckpoint.describe(inputs, trainIndices: trainIndices, validation: valInputs,
                                                                  targets: targets)
        }
        if let checkpoint {
            try checkpoint.checkCompatible(architecture: architecture, data: session.dataDescription,
                                           options: options.resumeKeys)
            guard checkpoint.epoch < options.epochs else {
                throw NetsError.invalidOption("\(checkpoint.path): the checkpoint already has \(checkpoint.epoch) epochs; ask for more than \(checkpoint.epoch) to continue")
            }
            session.restore(checkpoint)
        }
        defer { self.parameters = session.parameters }
        return try session.run(inputs: inputs, targets: targets, trainIndices: trainIndices,
                               validation: valInputs, validationTargets: valTargets, progress: progress)
    }

    /// Trains on a dataset's samples; see `train(on:targets:validation:validationTargets:options:resumingFrom:progress:)`.
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

/// The state of one training run: workspace, optimiser moments, snapshots.
struct TrainingSession {
    let network: Network
    let options: TrainingOptions
    var parameters: [Float]
    let ws: Workspace
    var optimizer: OptimizerState
    let fused: Bool
    /// What a checkpoint records about the data (set when checkpoints are written or read).
    var dataDescription = ""
    /// Where the run continues: epochs done, gradient steps taken, early-stopping state.
    var epochsDone = 0
    var stepCounter: UInt64 = 0
    var history = TrainingHistory()
    var best: BestEpoch?
    var referenceLoss: Double?
    var waited = 0

    init(model: Autoencoder, options: TrainingOptions, capacity: Int) {
        network = model.network
        self.options = options
        parameters = model.parameters
        ws = Workspace(network: network, capacity: max(1, capacity), training: true)
        optimizer = OptimizerState(options.optimizer, parameterCount: network.parameterCount)
        fused = options.loss.fusesSigmoid(outputActivation: network.architecture.layers.last?.activation)
    }

    /// Continues from `checkpoint` (already checked to match).
    mutating func restore(_ checkpoint: TrainingCheckpoint) {
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
        return TrainingCheckpoint(architecture: network.architecture, epoch: epochsDone, history: history, parameters: parameters,
                           optimizerFirst: optimizer.first, optimizerSecond: optimizer.second,
                           optimizerStep: optimizer.step, step: stepCounter, referenceLoss: referenceLoss, best: best,
                           waited: waited, data: dataDescription, options: options.resumeKeys)
    }

    mutating func run(inputs: Matrix, targets: Matrix?, trainIndices: [Int], validation: Matrix?,
                      validationTargets: Matrix?, progress: ((TrainingProgress) -> ProgressDecision)?) throws -> TrainingHistory {
        let n = trainIndices.count, capacity = ws.capacity
        let batches = (n + capacity - 1) / capacity
        // Each epoch shuffles the previous epoch's order with one generator. A resumed run
        // replays the shuffles of the epochs already done (O(epochs · N), no training), which
        // restores the generator's state exactly without storing it.
        var indices = trainIndices
        var shuffler = SeededGenerator.stream(seed: options.seed, 1)
        for _ in 0..<epochsDone { indices.shuffle(using: &shuffler) }
        var lastGood = parameters
        let alreadyStopped = options.patience.map { waited >= $0 } ?? false
        if alreadyStopped { history.stopReason = .earlyStopping }

        epochs: for epoch in (epochsDone + 1)..<(alreadyStopped ? epochsDone + 1 : options.epochs + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            indices.shuffle(using: &shuffler)
            var lossSum = 0.0, seen = 0
            var stopRequested = false
            for batch in 0..<batches {
                let lo = batch * capacity, b = min(capacity, n - lo)
                stepCounter += 1
                let target = prepareBatch(inputs: inputs, targets: targets, rows: indices[lo..<(lo + b)],
                                          noiseStream: stepCounter)
                let loss = step(batch: b, target: target)
                let limit = (referenceLoss ?? loss) * options.divergenceFactor
                if referenceLoss == nil, loss.isFinite { referenceLoss = max(loss, 1e-12) }
                guard loss.isFinite, loss <= max(limit, 1e-12) else {
                    parameters = lastGood
                    throw NetsError.diverged(epoch: epoch, batch: batch + 1, loss: loss)
                }
                lossSum += loss * Double(b); seen += b
                let isLast = batch == batches - 1
                if !isLast, let progress {
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
            let valLoss = validation.map { evaluate($0, targets: validationTargets) }
            let record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)), validationLoss: valLoss,
                                     seconds: seconds)
            history.epochs.append(record)
            history.finalWeightsEpoch = epoch
            if let valLoss {
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

    /// Gathers the batch's inputs (and clean targets), applies the noise; returns the target buffer.
    func prepareBatch(inputs: Matrix, targets: Matrix?, rows: ArraySlice<Int>, noiseStream: UInt64) -> UnsafePointer<Float> {
        let d = network.inputCount, b = rows.count
        rows.withUnsafeBufferPointer { idx in
            inputs.withUnsafeBufferPointer { src in
                Workspace.gather(src.baseAddress!, columns: d, rows: idx, into: ws.input)
            }
            if let targets {
                targets.withUnsafeBufferPointer { src in
                    Workspace.gather(src.baseAddress!, columns: d, rows: idx, into: ws.target)
                }
            }
        }
        if options.noise == .none { return UnsafePointer(targets == nil ? ws.input : ws.target) }
        if targets == nil { ws.target.update(from: ws.input, count: b * d) }
        applyNoise(options.noise, to: ws.input, count: b * d, seed: options.seed, stream: noiseStream)
        return UnsafePointer(ws.target)
    }

    /// One gradient step on the batch in the workspace; returns the batch loss (the step is
    /// skipped when the loss is not finite).
    mutating func step(batch b: Int, target: UnsafePointer<Float>) -> Double {
        let loss = computeGradient(batch: b, target: target, step: stepCounter)
        if loss.isFinite {
            let ws = self.ws, count = network.parameterCount
            // Move the parameters out of `self` while borrowing them, so the optimiser may mutate self.
            var local = [Float]()
            swap(&local, &parameters)
            defer { swap(&local, &parameters) }
            local.withUnsafeMutableBufferPointer { p in
                optimizer.update(p.baseAddress!, gradient: ws.parameterGradient, count: count)
            }
        }
        return loss
    }

    /// Forward and backward pass over the batch in the workspace: returns the loss (including
    /// the weighted latent term) and leaves ∂loss/∂parameters in `ws.parameterGradient`.
    func computeGradient(batch b: Int, target: UnsafePointer<Float>, step: UInt64 = 0) -> Double {
        let d = network.inputCount
        let network = self.network, ws = self.ws, fused = self.fused, options = self.options
        return parameters.withUnsafeBufferPointer { p in
            let params = p.baseAddress!
            network.forward(params, ws, batch: b, layers: 0..<network.layers.count, linearLastOutput: fused)
            var loss = options.loss.evaluate(ws.activations[network.layers.count - 1], target: target, count: b * d,
                                             fromLogits: fused, gradient: ws.gradientA)
            var codeGradient: Matrix?
            if let regularizer = options.latentRegularizer {
                let (value, gradient) = regularizer.evaluate(codes: codes(batch: b), step: step)
                precondition(gradient.rows == b && gradient.columns == network.codeCount,
                             "LatentRegularizer returned a \(gradient.rows) × \(gradient.columns) gradient for \(b) × \(network.codeCount) codes")
                loss += Double(options.regularizerWeight) * value
                codeGradient = gradient
            }
            let weight = options.regularizerWeight, count = b * network.codeCount
            network.backward(params, ws, batch: b, linearLastOutput: fused, addToCodeGradient: codeGradient.map { g in
                { (target: UnsafeMutablePointer<Float>) in
                    g.withUnsafeBufferPointer { src in for k in 0..<count { target[k] += weight * src[k] } }
                }
            })
            return loss
        }
    }

    /// The codes of the current batch as a matrix (for the latent regulariser).
    func codes(batch b: Int) -> Matrix {
        let c = network.codeCount, src = ws.activations[network.codeLayer]
        return Matrix(rows: b, columns: c) { dst in dst.baseAddress!.update(from: src, count: b * c) }
    }

    /// The loss over a whole data set (forward passes only), as training computes it; noisy
    /// inputs get the same noise every epoch so the numbers are comparable.
    func evaluate(_ inputs: Matrix, targets: Matrix?) -> Double {
        let d = network.inputCount, n = inputs.rows, capacity = ws.capacity
        var total = 0.0
        parameters.withUnsafeBufferPointer { p in
            inputs.withUnsafeBufferPointer { src in
                var start = 0, batch: UInt64 = 0
                while start < n {
                    let b = min(capacity, n - start)
                    ws.input.update(from: src.baseAddress! + start * d, count: b * d)
                    var target = UnsafePointer(ws.input)
                    if let targets {
                        targets.withUnsafeBufferPointer { t in ws.target.update(from: t.baseAddress! + start * d, count: b * d) }
                        target = UnsafePointer(ws.target)
                    } else if options.noise != .none {
                        ws.target.update(from: ws.input, count: b * d)
                        target = UnsafePointer(ws.target)
                    }
                    if options.noise != .none {
                        applyNoise(options.noise, to: ws.input, count: b * d, seed: options.seed ^ 0x7A11_DA7E, stream: batch)
                    }
                    network.forward(p.baseAddress!, ws, batch: b, layers: 0..<network.layers.count, linearLastOutput: fused)
                    var loss = options.loss.evaluate(ws.activations[network.layers.count - 1], target: target,
                                                     count: b * d, fromLogits: fused, gradient: nil)
                    if let regularizer = options.latentRegularizer {
                        loss += Double(options.regularizerWeight) * regularizer.evaluate(codes: codes(batch: b)).value
                    }
                    total += loss * Double(b)
                    start += b; batch += 1
                }
            }
        }
        return total / Double(max(n, 1))
    }
}

/// Corrupts `count` values in place. Chunks get their own generator streams derived from
/// `(seed, stream, chunk)`, so the noise is the same for any thread count.
func applyNoise(_ noise: Noise, to x: UnsafeMutablePointer<Float>, count: Int, seed: UInt64, stream: UInt64) {
    let px = UnsafeSendable(x)
    let chunks = elementChunks(count)
    Parallel.forEachChunk(count: count, chunks: chunks) { chunk, range in
        var rng = SeededGenerator.stream(seed: seed ^ 0x9015_E000, stream &* 64 &+ UInt64(chunk))
        let x = px.value
        switch noise {
        case .none: break
        case .gaussian(let factor):
            // Box–Muller, two normals per pair of uniforms.
            var k = range.lowerBound
            while k < range.upperBound {
                let u1 = 1 - rng.nextUniform(), u2 = rng.nextUniform()
                let r = factor * (-2 * Foundation.log(u1)).squareRoot(), theta = 2 * Float.pi * u2
                x[k] = min(max(x[k] + r * Foundation.cos(theta), 0), 1)
                if k + 1 < range.upperBound { x[k + 1] = min(max(x[k + 1] + r * Foundation.sin(theta), 0), 1) }
                k += 2
            }
        case .masking(let fraction):
            for k in range where rng.nextUniform() < fraction { x[k] = 0 }
        }
    }
}
