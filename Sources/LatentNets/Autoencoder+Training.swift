import Foundation
import LatentCore

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
    ///   - context: threads and memory limit for the run (default: the caller's context).
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
                               context: ExecutionContext = .current,
                               progress: ((TrainingProgress) -> ProgressDecision)? = nil) throws -> TrainingHistory {
        try options.validate()
        try options.latentRegularizer?.validate(codeSize: codeSize)
        if isVariational, options.latentRegularizer != nil {
            throw NetsError.invalidOption("a variational autoencoder has its own KL term; it takes no latent regulariser")
        }
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

        let (trainIndices, held) = try trainingSplit(rows: inputs.rows, options: options, hasValidation: validation != nil)
        var valInputs = validation, valTargets = validationTargets
        if !held.isEmpty {
            valInputs = inputs.rows(at: held)
            valTargets = targets?.rows(at: held)
        }
        return try context.run {
            if options.initializeOutputBias, checkpoint == nil, isFreshlyInitialized {
                try initializeOutputBias(toMeanOf: targets ?? inputs, rows: trainIndices)
            }
            isFreshlyInitialized = false
            let objective = ReconstructionObjective(stack: stack, options: options, inputs: inputs, targets: targets,
                                                    validation: valInputs, validationTargets: valTargets,
                                                    fused: options.loss.fusesSigmoid(outputActivation: architecture.layers.last?.activation))
            func run<O: TrainingObjective>(_ objective: O) throws -> TrainingHistory {
                var loop = TrainingLoop(stack: stack, parameters: parameters, options: options, objective: objective,
                                        trainIndices: trainIndices, model: .autoencoder(architecture))
                loop.resumeKeys = options.resumeKeys
                // A checkpoint records the inputs' preprocessing: the model it holds deskews as
                // this one does, and a run on other preprocessing is not resumed from it.
                if deskewsInputs { loop.resumeKeys[Autoencoder.preprocessingKey] = "deskew" }
                if options.checkpoint != nil || checkpoint != nil {
                    loop.dataDescription = TrainingCheckpoint.describe(inputs, trainIndices: trainIndices, validation: valInputs,
                                                                       targets: targets)
                }
                if let checkpoint { try loop.restore(checkpoint) }
                defer { self.parameters = loop.parameters }
                return try loop.run(progress: progress)
            }
            guard isVariational else { return try run(objective) }
            return try run(VariationalObjective(base: objective, trainingRows: trainIndices.count,
                                                batchSize: min(options.batchSize, trainIndices.count)))
        }
    }
}

/// The autoencoder's objective: the reconstruction loss of (noisy) inputs against their clean
/// targets, plus the weighted latent regulariser on the codes.
struct ReconstructionObjective: TrainingObjective {
    let stack: LayerStack
    let options: TrainingOptions
    let inputs: Matrix
    /// What to reconstruct (`nil`: the inputs themselves).
    let targets: Matrix?
    let validation: Matrix?
    let validationTargets: Matrix?
    /// Whether binary cross-entropy takes the sigmoid output layer's logits.
    let fused: Bool

    /// Gathers the batch's inputs (and clean targets) and applies the noise; the target buffer
    /// is `ws.target` unless the clean inputs are their own targets.
    func loadBatch(_ rows: UnsafeBufferPointer<Int>, into ws: Workspace, step: UInt64) {
        let d = stack.inputCount, b = rows.count
        if options.noise == .none, isRowChunked(batch: b) {
            // Each worker of the row-chunked step copies its own rows (`gatherPending`).
            ws.batchRows.update(from: rows.baseAddress!, count: b)
            ws.pendingGather = b
            return
        }
        ws.pendingGather = 0
        inputs.withUnsafeBufferPointer { src in Workspace.gather(src.baseAddress!, columns: d, rows: rows, into: ws.input) }
        if let targets {
            targets.withUnsafeBufferPointer { src in Workspace.gather(src.baseAddress!, columns: d, rows: rows, into: ws.target) }
        }
        if options.noise == .none { return }
        if targets == nil { ws.target.update(from: ws.input, count: b * d) }
        applyNoise(options.noise, to: ws.input, count: b * d, seed: options.seed, stream: step)
    }

    /// Whether a step over `batch` samples runs as row chunks (`LayerStack.rowChunkedPass`).
    func isRowChunked(batch: Int) -> Bool {
        options.latentRegularizer == nil && stack.rowChunks(batch: batch) > 1
    }

    /// Copies the batch's samples `range` (and their targets) into the workspace when
    /// `loadBatch` left that to the step.
    func gatherPending(_ ws: Workspace, rows range: Range<Int>) {
        guard ws.pendingGather > 0, !range.isEmpty else { return }
        let d = stack.inputCount, rows = UnsafeBufferPointer(start: ws.batchRows + range.lowerBound, count: range.count)
        let offset = range.lowerBound * d
        inputs.withUnsafeBufferPointer { Workspace.gather($0.baseAddress!, columns: d, rows: rows, into: ws.input + offset) }
        targets?.withUnsafeBufferPointer { Workspace.gather($0.baseAddress!, columns: d, rows: rows, into: ws.target + offset) }
    }

    /// Where the batch's targets are after `loadBatch`.
    func targetBuffer(_ ws: Workspace) -> UnsafePointer<Float> {
        UnsafePointer(targets == nil && options.noise == .none ? ws.input : ws.target)
    }

    /// Forward and backward pass over the batch in the workspace: returns the loss (including
    /// the weighted latent term) and leaves ∂loss/∂parameters in `ws.parameterGradient`.
    func computeGradient(_ params: UnsafePointer<Float>, _ ws: Workspace, batch b: Int, step: UInt64) -> Double {
        let d = stack.inputCount, codeCount = stack.codeCount
        if isRowChunked(batch: b) {
            // Row chunks, each on one worker (the loss of a row needs only that row).
            let target = targetBuffer(ws), loss = options.loss, fused = self.fused
            let sum = stack.rowChunkedPass(params, ws, batch: b, linearLastOutput: fused,
                                           squaredErrorTarget: loss == .meanSquaredError ? target : nil,
                                           update: ws.inStepUpdate,
                                           prepare: { rows in gatherPending(ws, rows: rows) }) { rows, output, gradient in
                loss.sum(output, target: target + rows.lowerBound * d, count: rows.count * d, meanOver: b * d,
                         fromLogits: fused, gradient: gradient)
            }
            ws.pendingGather = 0
            return sum / Double(b * d)
        }
        gatherPending(ws, rows: 0..<ws.pendingGather)
        ws.pendingGather = 0
        stack.forward(params, ws, batch: b, training: true, linearLastOutput: fused)
        var loss = options.loss.evaluate(ws.output, target: targetBuffer(ws), count: b * d, fromLogits: fused,
                                         gradient: ws.gradientA)
        var codeGradient: Matrix?
        if let regularizer = options.latentRegularizer {
            let (value, gradient) = regularizer.evaluate(codes: codes(ws, batch: b), step: step)
            precondition(gradient.rows == b && gradient.columns == codeCount,
                         "LatentRegularizer returned a \(gradient.rows) × \(gradient.columns) gradient for \(b) × \(codeCount) codes")
            loss += Double(options.regularizerWeight) * value
            codeGradient = gradient
        }
        let weight = options.regularizerWeight, count = b * codeCount
        stack.backward(params, ws, batch: b, linearLastOutput: fused, addToCodeGradient: codeGradient.map { g in
            { (target: UnsafeMutablePointer<Float>) in
                g.withUnsafeBufferPointer { src in for k in 0..<count { target[k] += weight * src[k] } }
            }
        })
        return loss
    }

    /// The codes of the current batch as a matrix (for the latent regulariser).
    func codes(_ ws: Workspace, batch b: Int) -> Matrix {
        let c = stack.codeCount, src = ws.activations[stack.codeLayer ?? stack.layers.count - 1]
        return Matrix(rows: b, columns: c) { dst in dst.baseAddress!.update(from: src, count: b * c) }
    }

    func validationScores(_ parameters: [Float], _ ws: Workspace) -> (loss: Double, accuracy: Double?)? {
        validation.map { (evaluate($0, targets: validationTargets, parameters: parameters, ws: ws), nil) }
    }

    /// The loss over a whole data set (forward passes only), as training computes it; noisy
    /// inputs get the same noise every epoch so the numbers are comparable.
    func evaluate(_ inputs: Matrix, targets: Matrix?, parameters: [Float], ws: Workspace) -> Double {
        let d = stack.inputCount, n = inputs.rows, capacity = ws.capacity
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
                    stack.forward(p.baseAddress!, ws, batch: b, linearLastOutput: fused)
                    var loss = options.loss.evaluate(ws.output, target: target, count: b * d, fromLogits: fused, gradient: nil)
                    if let regularizer = options.latentRegularizer {
                        loss += Double(options.regularizerWeight) * regularizer.evaluate(codes: codes(ws, batch: b)).value
                    }
                    total += loss * Double(b)
                    start += b; batch += 1
                }
            }
        }
        return total / Double(max(n, 1))
    }
}

extension Noise {
    /// `samples` corrupted the way training corrupts a batch (clipped Gaussian noise or
    /// masking), seeded by `seed` and `stream`, the same for any thread count: e.g. the test
    /// images a denoising autoencoder is scored on.
    public func applied(to samples: Matrix, seed: UInt64, stream: UInt64 = 0) -> Matrix {
        guard self != .none, samples.count > 0 else { return samples }
        var out = samples
        let count = out.count
        out.withUnsafeMutableBufferPointer { applyNoise(self, to: $0.baseAddress!, count: count, seed: seed, stream: stream) }
        return out
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
