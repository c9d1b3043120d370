import LatentCore

extension Autoencoder {
    /// Sets the output layer's bias so that the freshly initialised model starts out predicting
    /// the mean target (per output channel of a convolution, per unit of a dense layer) instead
    /// of `f(0)`, e.g. 0.5 for a sigmoid.
    ///
    /// Why: a sigmoid autoencoder trained with mean squared error on sparse images (MNIST's
    /// mean pixel is 0.13) starts at outputs near 0.5 while most targets are 0, so the first
    /// gradients push every output down together. RMSprop and Adam take a step of about the
    /// learning rate in *every* weight of the output layer, all in the same direction, and the
    /// logits overshoot into the sigmoid's flat tail (mean −13 after 48 steps of the
    /// `conv-denoise` preset). There σ′ ≈ 0 hides the digits' signal, the output stays black
    /// and the loss sits at the mean squared pixel; PyTorch, given the same weights and data,
    /// collapses the same way. Starting at the mean target removes the common push, which is
    /// the standard "initialise the final bias to the mean target" advice, and costs nothing.
    ///
    /// Call it once on a new model, before its first training run (it overwrites the output
    /// bias of a trained model too, so do not call it between runs or when resuming).
    ///
    /// - Parameters:
    ///   - targets: N × `inputSize` training targets (the clean images for a denoiser).
    ///   - rows: the rows to average (e.g. the training split); default all.
    /// - Throws: `NetsError.shapeMismatch` when `targets` does not have `inputSize` columns,
    ///   `NetsError.invalidOption` when there are no rows or they are out of range.
    public mutating func initializeOutputBias(toMeanOf targets: Matrix, rows: [Int]? = nil) throws {
        let d = inputSize
        guard targets.columns == d else {
            throw NetsError.shapeMismatch("targets have \(targets.columns) columns, the model reconstructs \(d)")
        }
        let count = rows?.count ?? targets.rows
        guard count > 0 else { throw NetsError.invalidOption("no targets to initialise the output bias from") }
        if let rows, let bad = rows.first(where: { $0 < 0 || $0 >= targets.rows }) {
            throw NetsError.invalidOption("row \(bad) is outside the \(targets.rows) targets")
        }
        guard let (range, perEntry) = stack.outputBias,
              let activation = architecture.layers.last?.activation else { return }
        // The output is channels-last, so value k belongs to bias entry k % entries.
        let entries = range.count
        var sums = [Double](repeating: 0, count: entries)
        targets.withUnsafeBufferPointer { t in
            sums.withUnsafeMutableBufferPointer { acc in
                for i in 0..<count {
                    let row = t.baseAddress! + (rows?[i] ?? i) * d
                    for pixel in stride(from: 0, to: d, by: entries) {
                        for e in 0..<entries { acc[e] += Double(row[pixel + e]) }
                    }
                }
            }
        }
        let n = Double(count * perEntry)
        for e in 0..<entries {
            parameters[range.lowerBound + e] = activation.preimage(of: Float(sums[e] / n))
        }
    }
}
