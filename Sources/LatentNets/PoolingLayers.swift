import LatentCore

/// Max pooling over `size × size` windows with stride `size` (NHWC). With `same` padding a
/// window at the border covers only the pixels that exist. The forward pass remembers which
/// input won each window, and the backward pass routes the gradient there.
struct MaxPool2DLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    let size: Int
    var parameterShapes: [(name: String, shape: [Int])] { [] }

    func indexCount(batch: Int) -> Int { batch * outputShape.count }

    func forward(_ b: ForwardBuffers) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels
        let oh = outputShape.height, ow = outputShape.width, s = size
        let inCount = inputShape.count, outCount = outputShape.count
        let src = UnsafeSendable(b.input), dst = UnsafeSendable(b.output), idx = UnsafeSendable(b.indices)
        Parallel.forEachChunk(count: b.batch, chunks: imageChunks(b.batch)) { _, range in
            for n in range {
                let image = src.value + n * inCount
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = n * outCount + (oy * ow + ox) * c
                        let out = dst.value + o, arg = idx.value + o
                        for ch in 0..<c { out[ch] = -.infinity; arg[ch] = 0 }
                        for iy in (oy * s)..<min(oy * s + s, h) {
                            for ix in (ox * s)..<min(ox * s + s, w) {
                                let p = (iy * w + ix) * c
                                let px = image + p
                                let base = Int32(n * inCount + p)
                                // Branch-free select, so the channel loop vectorises.
                                for ch in 0..<c {
                                    let v = px[ch], better = v > out[ch]
                                    out[ch] = better ? v : out[ch]
                                    arg[ch] = better ? base &+ Int32(truncatingIfNeeded: ch) : arg[ch]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func backward(_ b: BackwardBuffers) {
        guard let gx = b.inputGradient else { return }
        let inCount = inputShape.count, outCount = outputShape.count
        let g = UnsafeSendable(UnsafePointer(b.outputGradient)), dst = UnsafeSendable(gx)
        let idx = UnsafeSendable(UnsafePointer(b.indices))
        Parallel.forEachChunk(count: b.batch, chunks: imageChunks(b.batch)) { _, range in
            (dst.value + range.lowerBound * inCount).initialize(repeating: 0, count: range.count * inCount)
            for k in (range.lowerBound * outCount)..<(range.upperBound * outCount) {
                dst.value[Int(idx.value[k])] += g.value[k]
            }
        }
    }

    func imageChunks(_ batch: Int) -> Int {
        batch * inputShape.count < parallelElementThreshold ? 1 : min(16, batch)
    }
}

/// Nearest-neighbour upsampling by an integer factor (NHWC): each input pixel becomes a
/// `factor × factor` block. The backward pass sums each block's gradient.
struct UpSampling2DLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    let factor: Int
    var parameterShapes: [(name: String, shape: [Int])] { [] }

    func forward(_ b: ForwardBuffers) {
        let w = inputShape.width, c = inputShape.channels
        let oh = outputShape.height, ow = outputShape.width, f = factor
        let inCount = inputShape.count, outCount = outputShape.count
        let src = UnsafeSendable(b.input), dst = UnsafeSendable(b.output)
        Parallel.forEachChunk(count: b.batch, chunks: imageChunks(b.batch)) { _, range in
            for n in range {
                let image = src.value + n * inCount, out = dst.value + n * outCount
                for y in 0..<oh {
                    for x in 0..<ow {
                        (out + (y * ow + x) * c).update(from: image + ((y / f) * w + x / f) * c, count: c)
                    }
                }
            }
        }
    }

    func backward(_ b: BackwardBuffers) {
        guard let gx = b.inputGradient else { return }
        let w = inputShape.width, c = inputShape.channels
        let oh = outputShape.height, ow = outputShape.width, f = factor
        let inCount = inputShape.count, outCount = outputShape.count
        let g = UnsafeSendable(UnsafePointer(b.outputGradient)), dst = UnsafeSendable(gx)
        Parallel.forEachChunk(count: b.batch, chunks: imageChunks(b.batch)) { _, range in
            for n in range {
                let image = dst.value + n * inCount, grad = g.value + n * outCount
                image.initialize(repeating: 0, count: inCount)
                for y in 0..<oh {
                    for x in 0..<ow {
                        let p = image + ((y / f) * w + x / f) * c, q = grad + (y * ow + x) * c
                        for ch in 0..<c { p[ch] += q[ch] }
                    }
                }
            }
        }
    }

    func imageChunks(_ batch: Int) -> Int {
        batch * outputShape.count < parallelElementThreshold ? 1 : min(16, batch)
    }
}
