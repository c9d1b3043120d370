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
                        let y0 = oy * s, y1 = min(oy * s + s, h), x0 = ox * s, x1 = min(ox * s + s, w)
                        MaxPool2DLayer.poolWindow(image, imageOffset: Int32(truncatingIfNeeded: n * inCount),
                                                  rows: y0..<y1, columns: x0..<x1, width: w, channels: c,
                                                  into: dst.value + o, winners: idx.value + o)
                    }
                }
            }
        }
    }

    /// The maximum of each channel over one window and the batch index of its winner; four
    /// channels at a time with SIMD compares and selects (the first maximum wins ties).
    @inline(__always)
    static func poolWindow(_ image: UnsafePointer<Float>, imageOffset: Int32, rows: Range<Int>, columns: Range<Int>,
                           width w: Int, channels c: Int, into out: UnsafeMutablePointer<Float>,
                           winners arg: UnsafeMutablePointer<Int32>) {
        var ch = 0
        while ch + 4 <= c {
            var best = SIMD4<Float>(repeating: -.infinity)
            var winner = SIMD4<Int32>(repeating: 0)
            for iy in rows {
                for ix in columns {
                    let p = (iy * w + ix) * c + ch
                    let v = UnsafeRawPointer(image + p).loadUnaligned(as: SIMD4<Float>.self)
                    let better = v .> best
                    best.replace(with: v, where: better)
                    winner.replace(with: SIMD4<Int32>(0, 1, 2, 3) &+ (imageOffset &+ Int32(truncatingIfNeeded: p)), where: better)
                }
            }
            UnsafeMutableRawPointer(out + ch).storeBytes(of: best, as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(arg + ch).storeBytes(of: winner, as: SIMD4<Int32>.self)
            ch += 4
        }
        while ch < c {
            var best = -Float.infinity, winner: Int32 = 0
            for iy in rows {
                for ix in columns {
                    let p = (iy * w + ix) * c + ch
                    if image[p] > best { best = image[p]; winner = imageOffset &+ Int32(truncatingIfNeeded: p) }
                }
            }
            out[ch] = best
            arg[ch] = winner
            ch += 1
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
