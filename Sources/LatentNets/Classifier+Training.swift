import Foundation
import LatentCore

extension Classifier {
    /// Trains the classifier on the rows of `inputs` and their `labels` with seeded, shuffled
    /// minibatches and softmax cross-entropy, in the same training loop as the autoencoder.
    ///
    /// The first call fits the input standardisation (when the architecture asks for it) on
    /// the training rows; later calls keep it, so training can be continued. After each epoch
    /// the loss on the validation data (if any) decides early stopping, and at the end the
    /// weights of the best validation epoch are restored when `options.restoreBestWeights` is
    /// set. Batch normalisation's running statistics are updated after every batch. The same
    /// seed gives the same weights on any number of threads.
    ///
    /// With `options.checkpoint`, the full training state is saved every few epochs; passing
    /// that checkpoint as `resumingFrom` continues the run to the uninterrupted run's weights
    /// and losses, bit for bit.
    ///
    /// - Parameters:
    ///   - inputs: N × `inputSize` training samples.
    ///   - labels: N labels in `0..<classCount`.
    ///   - validation: validation samples and labels; when `nil`, `options.validationFraction`
    ///     of `inputs` is held out instead.
    ///   - options: optimiser, batch size, epochs, early stopping, seed, checkpoints (no noise or
    ///     latent regulariser; `loss` is ignored).
    ///   - checkpoint: a checkpoint of an earlier run with the same data and options; its weights
    ///     and input standardisation replace the model's.
    ///   - context: threads and memory limit for the run (default: the caller's context).
    ///   - progress: called after every batch; return `.stop` to end training early.
    /// - Returns: per-epoch losses and accuracies.
    /// - Throws: `NetsError.shapeMismatch` or `.invalidOption` for bad arguments (a label out
    ///   of range names its row) or a checkpoint of another run; `NetsError.diverged` when the
    ///   loss becomes NaN or explodes, in which case the model keeps the weights of the last
    ///   good epoch; `OutputError` when a checkpoint cannot be written.
    /// - Complexity: O(epochs · N · parameters).
    @discardableResult
    public mutating func train(on inputs: Matrix, labels: [Int], validation: (inputs: Matrix, labels: [Int])? = nil,
                               options: TrainingOptions = .classifierDefaults,
                               resumingFrom checkpoint: TrainingCheckpoint? = nil,
                               context: ExecutionContext = .current,
                               progress: ((TrainingProgress) -> ProgressDecision)? = nil) throws -> TrainingHistory {
        try options.validate()
        guard options.noise == .none, options.latentRegularizer == nil else {
            throw NetsError.invalidOption("a classifier takes no input noise or latent regulariser")
        }
        try check(inputs, labels: labels, what: "training")
        guard inputs.rows > 0 else { throw NetsError.invalidOption("no training samples") }
        if let validation { try check(validation.inputs, labels: validation.labels, what: "validation") }

        let (trainIndices, heldIndices) = try trainingSplit(rows: inputs.rows, options: options,
                                                            hasValidation: validation != nil)
        var held = validation
        if !heldIndices.isEmpty { held = (inputs.rows(at: heldIndices), heldIndices.map { labels[$0] }) }
        return try context.run {
            // The standardisation: the checkpoint's, the one fitted before, or fitted now on the
            // training rows. It is kept once training starts (a refused checkpoint changes nothing).
            var model = self
            if let checkpoint, case .classifier(_, let mean, let scale) = checkpoint.model, let mean, let scale {
                (model.inputMean, model.inputScale, model.isStandardizationFitted) = (mean, scale, true)
            } else if architecture.standardizesInputs && !isStandardizationFitted {
                let fitted = inputs.rows(at: trainIndices)
                model.inputMean = fitted.columnMeans()
                model.inputScale = fitted.columnStandardDeviations().map { $0 > 1e-6 ? 1 / $0 : 1 }
                model.isStandardizationFitted = true
            }
            let objective = CrossEntropyObjective(model: model, inputs: inputs, labels: labels.map { Int32($0) },
                                                  validation: held, seed: options.seed)
            var loop = TrainingLoop(stack: stack, parameters: parameters, options: options, objective: objective,
                                    trainIndices: trainIndices, model: model.checkpointModel)
            loop.resumeKeys = options.loopResumeKeys
            if options.checkpoint != nil || checkpoint != nil {
                loop.dataDescription = TrainingCheckpoint.describe(inputs, trainIndices: trainIndices, validation: held?.inputs,
                                                                   targets: nil, labels: labels + (held?.labels ?? []))
            }
            if let checkpoint { try loop.restore(checkpoint) }
            (inputMean, inputScale, isStandardizationFitted) = (model.inputMean, model.inputScale, model.isStandardizationFitted)
            defer { self.parameters = loop.parameters }
            return try loop.run(progress: progress)
        }
    }

    /// What a checkpoint records about this classifier: its layers and input standardisation.
    var checkpointModel: TrainingCheckpoint.Model {
        .classifier(architecture, inputMean: isStandardizationFitted ? inputMean : nil,
                    inputScale: isStandardizationFitted ? inputScale : nil)
    }

    /// Cross-entropy and accuracy of the classifier on `inputs` (inference mode).
    public func evaluate(_ inputs: Matrix, labels: [Int]) throws -> (loss: Double, accuracy: Double) {
        try check(inputs, labels: labels, what: "evaluation")
        guard inputs.rows > 0 else { throw NetsError.invalidOption("evaluation needs at least one sample") }
        return scores(inputs, labels: labels, parameters: parameters)
    }

    /// Cross-entropy and accuracy on `inputs` (already checked) under `parameters`.
    func scores(_ inputs: Matrix, labels: [Int], parameters: [Float]) -> (loss: Double, accuracy: Double) {
        let z = logits(inputs, parameters: parameters)
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
}

/// The classifier's objective: softmax cross-entropy of the logits of standardised inputs,
/// with fresh dropout masks every step and batch-norm running statistics updated after it.
struct CrossEntropyObjective: TrainingObjective {
    /// The classifier with its input standardisation fitted (its parameters are not used).
    let model: Classifier
    let inputs: Matrix
    let labels: [Int32]
    let validation: (inputs: Matrix, labels: [Int])?
    /// The run's seed, which the dropout masks are drawn from.
    let seed: UInt64

    var stack: LayerStack { model.stack }

    func loadBatch(_ rows: UnsafeBufferPointer<Int>, into ws: Workspace, step: UInt64) {
        inputs.withUnsafeBufferPointer { Workspace.gather($0.baseAddress!, columns: model.inputSize, rows: rows, into: ws.input) }
        for r in rows.indices { ws.labels[r] = labels[rows[r]] }
        model.standardize(ws.input, rows: rows.count)
    }

    /// Fresh dropout masks (streams from the step and the layer), forward, loss, backward.
    func computeGradient(_ params: UnsafePointer<Float>, _ ws: Workspace, batch b: Int, step: UInt64) -> Double {
        let layers = stack.layers
        for (i, layer) in layers.enumerated() {
            if let dropout = layer as? DropoutLayer {
                DropoutLayer.fillMask(ws.indices[i], count: b * dropout.inputShape.count, rate: dropout.rate,
                                      seed: seed, stream: step &* UInt64(layers.count) &+ UInt64(i))
            }
        }
        stack.forward(params, ws, batch: b, training: true)
        let loss = SoftmaxCrossEntropy.evaluate(logits: ws.output, labels: ws.labels, rows: b, classes: model.classCount,
                                                gradient: ws.gradientA)
        guard loss.isFinite else { return loss }
        stack.backward(params, ws, batch: b)
        return loss
    }

    /// Moves batch normalisation's running statistics towards the batch's.
    func didUpdate(_ params: UnsafeMutablePointer<Float>, _ ws: Workspace, batch b: Int) {
        for (i, layer) in stack.layers.enumerated() {
            if let norm = layer as? BatchNormalizationLayer {
                norm.updateRunningStatistics(params + stack.offsets[i], input: ws.input(ofLayer: i), batch: b, scratch: ws.scratch)
            }
        }
    }

    /// How many rows of the logits have their largest value at the row's label.
    func correctCount(_ ws: Workspace, batch rows: Int) -> Int? {
        let classes = model.classCount
        var right = 0
        for r in 0..<rows {
            let z = ws.output + r * classes
            var best = 0
            for c in 1..<classes where z[c] > z[best] { best = c }
            if best == Int(ws.labels[r]) { right += 1 }
        }
        return right
    }

    func validationScores(_ parameters: [Float], _ ws: Workspace) -> (loss: Double, accuracy: Double?)? {
        validation.map { v in
            let s = model.scores(v.inputs, labels: v.labels, parameters: parameters)
            return (s.loss, s.accuracy)
        }
    }
}
