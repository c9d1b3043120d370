import Foundation
import LatentCore

/// The reparameterisation of a variational autoencoder (Kingma & Welling 2014): reads a mean
/// μ and a log-variance v per code value (each sample's `2z` inputs: the z means, then the z
/// log-variances) and outputs `z = μ + exp(½v) · ε`.
///
/// The standard normal noise ε lives in the layer's index buffer as `Float` bit patterns; the
/// variational objective fills it with `fillNoise` before each training forward pass, so the
/// backward pass sees the same ε and a gradient check can hold it fixed. Inference passes
/// (`ForwardBuffers.training` false) output μ. The log-variance is clamped to [−30, 20] before
/// the exponential (its gradient is zero outside), so one bad step cannot overflow.
struct GaussianSampleLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    static let logVarianceRange: ClosedRange<Float> = -30...20

    var parameterShapes: [(name: String, shape: [Int])] { [] }
    func indexCount(batch: Int) -> Int { batch * outputShape.count }
    var needsIndicesOnlyInTraining: Bool { true }

    func forward(_ b: ForwardBuffers) {
        let z = outputShape.count, range = GaussianSampleLayer.logVarianceRange
        for r in 0..<b.batch {
            let mean = b.input + r * 2 * z, logVariance = mean + z, out = b.output + r * z
            guard b.training else { out.update(from: mean, count: z); continue }
            let eps = b.indices + r * z
            for j in 0..<z {
                let v = min(max(logVariance[j], range.lowerBound), range.upperBound)
                out[j] = mean[j] + Foundation.exp(0.5 * v) * Float(bitPattern: UInt32(bitPattern: eps[j]))
            }
        }
    }

    func backward(_ b: BackwardBuffers) {
        guard let gx = b.inputGradient else { return }
        let z = outputShape.count, range = GaussianSampleLayer.logVarianceRange
        for r in 0..<b.batch {
            let g = b.outputGradient + r * z, logVariance = b.input + r * 2 * z + z
            let gMean = gx + r * 2 * z, gLogVariance = gMean + z
            gMean.update(from: g, count: z)
            guard b.training else { gLogVariance.update(repeating: 0, count: z); continue }
            let eps = b.indices + r * z
            for j in 0..<z {
                let v = logVariance[j]
                gLogVariance[j] = range.contains(v)
                    ? g[j] * Float(bitPattern: UInt32(bitPattern: eps[j])) * 0.5 * Foundation.exp(0.5 * v) : 0
            }
        }
    }

    /// Writes `count` standard normal values (as bit patterns) into `noise`. Chunks draw from
    /// their own streams derived from `(seed, stream, chunk)`, with a chunk count that depends
    /// on `count` only, so the noise is the same for any thread count.
    static func fillNoise(_ noise: UnsafeMutablePointer<Int32>, count: Int, seed: UInt64, stream: UInt64) {
        let pn = UnsafeSendable(noise)
        Parallel.forEachChunk(count: count, chunks: elementChunks(count)) { chunk, range in
            var rng = SeededGenerator.stream(seed: seed ^ 0x0E75_11A7, stream &* 64 &+ UInt64(chunk))
            for k in range { pn.value[k] = Int32(bitPattern: rng.nextGaussian().bitPattern) }
        }
    }
}

/// A variational autoencoder's objective, the negative evidence lower bound per input value:
/// the reconstruction loss of the decoded sample (mean over values, as for a plain
/// autoencoder) plus `β_t · KL(q(z|x) ‖ N(0, I)) / D`, with the KL divergence
/// `−½ Σⱼ (1 + vⱼ − μⱼ² − e^{vⱼ})` per sample averaged over the batch and D values per input.
/// With binary cross-entropy and β = 1, D times the loss is the negative ELBO in nats per
/// sample. `β_t` ramps linearly from 0 to β over the first `warmupEpochs` epochs (KL
/// annealing, Bowman et al. 2016), by gradient step, so a resumed run follows the same ramp.
///
/// Input noise (denoising) is applied as for a plain autoencoder. The validation loss decodes
/// the means (no sampling) and uses the full β, so it is deterministic and comparable across
/// epochs.
struct VariationalObjective: TrainingObjective {
    let base: ReconstructionObjective
    let beta: Float
    /// Gradient steps of the warm-up (0: none).
    let warmupSteps: UInt64

    init(base: ReconstructionObjective, trainingRows: Int, batchSize: Int) {
        self.base = base
        beta = base.options.klWeight
        let batches = (trainingRows + batchSize - 1) / max(1, batchSize)
        warmupSteps = UInt64(max(0, base.options.klWarmupEpochs) * batches)
    }

    var stack: LayerStack { base.stack }

    func loadBatch(_ rows: UnsafeBufferPointer<Int>, into ws: Workspace, step: UInt64) {
        base.loadBatch(rows, into: ws, step: step)
        let sample = stack.sampleLayer!
        GaussianSampleLayer.fillNoise(ws.indices[sample], count: rows.count * stack.layers[sample].outputShape.count,
                                      seed: base.options.seed, stream: step)
    }

    /// The KL weight of gradient step `step` (1-based): β after the warm-up.
    func klWeight(step: UInt64) -> Float {
        guard warmupSteps > 0, step < warmupSteps else { return beta }
        return beta * Float(step) / Float(warmupSteps)
    }

    func computeGradient(_ params: UnsafePointer<Float>, _ ws: Workspace, batch b: Int, step: UInt64) -> Double {
        let d = stack.inputCount, fused = base.fused
        stack.forward(params, ws, batch: b, training: true, linearLastOutput: fused)
        let reconstruction = base.options.loss.evaluate(ws.output, target: base.targetBuffer(ws), count: b * d,
                                                        fromLogits: fused, gradient: ws.gradientA)
        let stats = UnsafePointer(ws.activations[stack.sampleLayer! - 1])
        let z = stack.codeCount
        let weight = klWeight(step: step) / Float(d)
        let kl = VariationalObjective.meanKL(stats, batch: b, codeSize: z)
        let scale = weight / Float(b)
        stack.backward(params, ws, batch: b, linearLastOutput: fused) { g in
            for r in 0..<b {
                let mean = stats + r * 2 * z, logVariance = mean + z
                let gMean = g + r * 2 * z, gLogVariance = gMean + z
                for j in 0..<z {
                    gMean[j] += scale * mean[j]
                    gLogVariance[j] += scale * 0.5 * (Foundation.exp(VariationalObjective.clamped(logVariance[j])) - 1)
                }
            }
        }
        return reconstruction + Double(weight) * kl
    }

    func validationScores(_ parameters: [Float], _ ws: Workspace) -> (loss: Double, accuracy: Double?)? {
        guard let validation = base.validation else { return nil }
        let (reconstruction, kl) = VariationalObjective.losses(stack: stack, parameters: parameters, inputs: validation,
                                                               targets: base.validationTargets, loss: base.options.loss)
        return (reconstruction + Double(beta) * kl / Double(stack.inputCount), nil)
    }

    static func clamped(_ v: Float) -> Float {
        min(max(v, GaussianSampleLayer.logVarianceRange.lowerBound), GaussianSampleLayer.logVarianceRange.upperBound)
    }

    /// Mean over `batch` samples of KL(N(μ, diag e^v) ‖ N(0, I)), from rows of z means then z log-variances.
    static func meanKL(_ stats: UnsafePointer<Float>, batch b: Int, codeSize z: Int) -> Double {
        var total = 0.0
        for r in 0..<b {
            let mean = stats + r * 2 * z, logVariance = mean + z
            var s = 0.0
            for j in 0..<z {
                let v = Double(clamped(logVariance[j])), m = Double(mean[j])
                s += 1 + v - m * m - Foundation.exp(v)
            }
            total += -0.5 * s
        }
        return total / Double(max(b, 1))
    }

    /// The reconstruction loss of the decoded means (mean over values) and the mean KL per
    /// sample over a whole data set, by inference passes.
    static func losses(stack: LayerStack, parameters: [Float], inputs: Matrix, targets: Matrix?,
                       loss: Loss) -> (reconstruction: Double, kl: Double) {
        let sample = stack.sampleLayer!, z = stack.codeCount, n = inputs.rows
        guard n > 0 else { return (0, 0) }
        let stats = stack.infer(parameters, inputs, layers: 0..<sample)
        let kl = stats.withUnsafeBufferPointer { meanKL($0.baseAddress!, batch: n, codeSize: z) }
        let decoded = stack.infer(parameters, stats.columns(0..<z), layers: (sample + 1)..<stack.layers.count)
        let target = targets ?? inputs
        // `infer` applies the output activation, so the loss reads probabilities, not logits.
        let reconstruction = decoded.withUnsafeBufferPointer { out in
            target.withUnsafeBufferPointer { t in
                loss.evaluate(out.baseAddress!, target: t.baseAddress!, count: out.count, fromLogits: false, gradient: nil)
            }
        }
        return (reconstruction, kl)
    }
}

extension Autoencoder {
    /// A variational model's fit on `inputs`: the reconstruction loss of the decoded means
    /// (mean over values, under `loss`) and the mean KL divergence per sample of each code
    /// distribution q(z|x) from the prior N(0, I), in nats.
    /// - Throws: `NetsError.invalidOption` for a plain autoencoder; `NetsError.shapeMismatch`
    ///   when `inputs` do not fit the model.
    public func variationalLosses(_ inputs: Matrix, loss: Loss = .binaryCrossEntropy) throws -> (reconstruction: Double, kl: Double) {
        guard isVariational else { throw NetsError.invalidOption("the model is not a variational autoencoder") }
        guard inputs.columns == inputSize else {
            throw NetsError.shapeMismatch("inputs have \(inputs.columns) columns, the model expects \(inputSize)")
        }
        return VariationalObjective.losses(stack: stack, parameters: parameters, inputs: inputs, targets: nil, loss: loss)
    }

    /// `count` images decoded from codes drawn from the prior N(0, I) with `seed` — what a
    /// variational autoencoder generates (`count × inputSize`; the codes are returned too).
    public func samplesFromPrior(count: Int, seed: UInt64) throws -> (codes: Matrix, images: Matrix) {
        var rng = SeededGenerator(seed: seed)
        let codes = Matrix.gaussian(rows: max(0, count), columns: codeSize, using: &rng)
        return (codes, try decode(codes))
    }
}
