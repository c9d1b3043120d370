import LatentCore

/// Inverted dropout (Srivastava et al. 2014): in training each value is zeroed with
/// probability `rate` and the survivors are scaled by `1 / (1 − rate)`, so the expected
/// activation is unchanged and inference is the identity.
///
/// The keep mask (1 = kept) lives in the layer's index buffer; the training loop fills it
/// with `fillMask` before each training forward pass, so the backward pass sees the same
/// mask. Inference passes (`ForwardBuffers.training` false) copy the values through.
struct DropoutLayer: Layer {
    let inputShape: TensorShape
    var outputShape: TensorShape { inputShape }
    /// Probability of dropping a value, in [0, 1).
    let rate: Float

    var parameterShapes: [(name: String, shape: [Int])] { [] }
    var scale: Float { 1 / (1 - rate) }

    func indexCount(batch: Int) -> Int { batch * inputShape.count }
    var needsIndicesOnlyInTraining: Bool { true }

    func forward(_ b: ForwardBuffers) {
        let count = b.batch * inputShape.count
        guard b.training else { b.output.update(from: b.input, count: count); return }
        let mask = b.indices, s = scale
        for k in 0..<count { b.output[k] = mask[k] != 0 ? b.input[k] * s : 0 }
    }

    func backward(_ b: BackwardBuffers) {
        guard let gx = b.inputGradient else { return }
        let count = b.batch * inputShape.count
        guard b.training else { gx.update(from: b.outputGradient, count: count); return }
        let mask = b.indices, s = scale
        for k in 0..<count { gx[k] = mask[k] != 0 ? b.outputGradient[k] * s : 0 }
    }

    /// Writes a keep mask of `count` values (1 with probability `1 − rate`, else 0). Chunks
    /// draw from their own streams derived from `(seed, stream, chunk)`, with a chunk count that
    /// depends on `count` only, so the mask is the same for any thread count.
    static func fillMask(_ mask: UnsafeMutablePointer<Int32>, count: Int, rate: Float, seed: UInt64, stream: UInt64) {
        let pm = UnsafeSendable(mask)
        Parallel.forEachChunk(count: count, chunks: elementChunks(count)) { chunk, range in
            var rng = SeededGenerator.stream(seed: seed ^ 0xD40F_0A7E, stream &* 64 &+ UInt64(chunk))
            let m = pm.value
            for k in range { m[k] = rng.nextUniform() < rate ? 0 : 1 }
        }
    }
}
