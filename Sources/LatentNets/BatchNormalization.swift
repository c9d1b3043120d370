import LatentCore

/// Batch normalisation (Ioffe & Szegedy 2015) of each feature, then an activation:
/// `y = f(γ · (x − μ) / √(σ² + ε) + β)`.
///
/// In training μ and σ² are the batch's mean and (biased) variance of the feature, and the
/// gradient flows through them; at inference they are the running averages kept in the
/// parameter vector (`running_mean`, `running_var`), which the training loop updates after
/// each batch with `updateRunningStatistics` (momentum 0.1 and the unbiased batch variance,
/// as PyTorch does). The running statistics get a zero gradient, so optimisers leave them be.
struct BatchNormalizationLayer: Layer {
    let inputShape: TensorShape
    var outputShape: TensorShape { inputShape }
    /// Applied after the affine transform (e.g. ReLU after normalising a linear dense layer).
    /// Passes use the batch statistics in training and the running ones at inference
    /// (`ForwardBuffers.training`).
    let activation: Activation
    /// Added to the variance before the square root (PyTorch's default).
    static let epsilon: Float = 1e-5
    /// Weight of the new batch in the running averages.
    static let momentum: Float = 0.1

    var features: Int { inputShape.count }
    var parameterShapes: [(name: String, shape: [Int])] {
        [("gamma", [features]), ("beta", [features]), ("running_mean", [features]), ("running_var", [features])]
    }

    /// The batch mean and inverse standard deviation of every feature.
    func scratchCount(batch: Int) -> Int { 2 * features }

    /// γ = 1, β = 0, running mean 0, running variance 1.
    func initialize(_ p: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        let d = features
        p.initialize(repeating: 1, count: d)
        (p + d).initialize(repeating: 0, count: 2 * d)
        (p + 3 * d).initialize(repeating: 1, count: d)
    }

    func forward(_ b: ForwardBuffers) {
        let d = features, n = b.batch
        let gamma = b.parameters, beta = b.parameters + d
        let mean = b.scratch, inverseDeviation = b.scratch + d
        normalization(b.input, batch: n, parameters: b.parameters, training: b.training, mean: mean,
                      inverseDeviation: inverseDeviation)
        for r in 0..<n {
            let x = b.input + r * d, y = b.output + r * d
            for c in 0..<d { y[c] = gamma[c] * (x[c] - mean[c]) * inverseDeviation[c] }
        }
        addBiasAndActivate(b.output, rows: n, columns: d, bias: beta, activation: b.linearOutput ? .linear : activation)
    }

    func backward(_ b: BackwardBuffers) {
        let d = features, n = b.batch
        let g = b.outputGradient
        if !b.linearOutput { multiplyByDerivative(g, output: b.output, count: n * d, activation: activation) }
        let gamma = b.parameters
        let mean = b.scratch, inverseDeviation = b.scratch + d
        normalization(b.input, batch: n, parameters: b.parameters, training: b.training, mean: mean,
                      inverseDeviation: inverseDeviation)
        // ∂γ = Σ g·x̂, ∂β = Σ g (per feature); the running statistics get zero.
        let gGamma = b.parameterGradient, gBeta = b.parameterGradient + d
        gGamma.update(repeating: 0, count: d)
        gBeta.update(repeating: 0, count: d)
        (b.parameterGradient + 2 * d).update(repeating: 0, count: 2 * d)
        for r in 0..<n {
            let x = b.input + r * d, gr = g + r * d
            for c in 0..<d {
                gGamma[c] += gr[c] * (x[c] - mean[c]) * inverseDeviation[c]
                gBeta[c] += gr[c]
            }
        }
        guard let gx = b.inputGradient else { return }
        if b.training {
            // ∂x = γ·s/N · (N·g − Σg − x̂·Σ(g·x̂)), with s = 1/√(σ² + ε).
            let inverseN = 1 / Float(n)
            for r in 0..<n {
                let x = b.input + r * d, gr = g + r * d, out = gx + r * d
                for c in 0..<d {
                    let xHat = (x[c] - mean[c]) * inverseDeviation[c]
                    out[c] = gamma[c] * inverseDeviation[c] * (gr[c] - inverseN * (gBeta[c] + xHat * gGamma[c]))
                }
            }
        } else {
            for r in 0..<n {
                let gr = g + r * d, out = gx + r * d
                for c in 0..<d { out[c] = gamma[c] * inverseDeviation[c] * gr[c] }
            }
        }
    }

    /// The μ and 1/√(σ² + ε) the pass uses: the batch's (training) or the running ones.
    func normalization(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>, training: Bool,
                       mean: UnsafeMutablePointer<Float>, inverseDeviation: UnsafeMutablePointer<Float>) {
        let d = features
        if training {
            BatchNormalizationLayer.statistics(x, rows: batch, columns: d, mean: mean, variance: inverseDeviation)
        } else {
            mean.update(from: parameters + 2 * d, count: d)
            inverseDeviation.update(from: parameters + 3 * d, count: d)
        }
        for c in 0..<d { inverseDeviation[c] = 1 / (inverseDeviation[c] + BatchNormalizationLayer.epsilon).squareRoot() }
    }

    /// Column means and biased variances of a `rows × columns` block (two passes, serial, so
    /// the result does not depend on the thread count).
    static func statistics(_ x: UnsafePointer<Float>, rows: Int, columns: Int,
                           mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>) {
        mean.update(repeating: 0, count: columns)
        variance.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = x + r * columns
            for c in 0..<columns { mean[c] += row[c] }
        }
        let inverse = 1 / Float(max(rows, 1))
        for c in 0..<columns { mean[c] *= inverse }
        for r in 0..<rows {
            let row = x + r * columns
            for c in 0..<columns { let e = row[c] - mean[c]; variance[c] += e * e }
        }
        for c in 0..<columns { variance[c] *= inverse }
    }

    /// Moves the running mean and variance in `parameters` (this layer's slice) towards the
    /// statistics of the batch `input`; `scratch` holds `2 × features` floats. A batch of one
    /// sample has no variance to speak of and leaves them as they are.
    func updateRunningStatistics(_ parameters: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, batch: Int,
                                 scratch: UnsafeMutablePointer<Float>) {
        guard batch > 1 else { return }
        let d = features, m = BatchNormalizationLayer.momentum
        BatchNormalizationLayer.statistics(input, rows: batch, columns: d, mean: scratch, variance: scratch + d)
        let unbiased = Float(batch) / Float(batch - 1)
        let runningMean = parameters + 2 * d, runningVariance = parameters + 3 * d
        for c in 0..<d {
            runningMean[c] += m * (scratch[c] - runningMean[c])
            runningVariance[c] += m * (scratch[d + c] * unbiased - runningVariance[c])
        }
    }
}
