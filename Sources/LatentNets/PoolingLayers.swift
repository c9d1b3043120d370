import LatentCore

/// Max pooling over `size × size` windows with stride `size` (NHWC). With `same` padding a
/// window at the border covers only the pixels that exist. The forward pass remembers which
/// input won each window, and the backward pass routes the gradient there.
struct MaxPool2DLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    let size: Int
    var parameterShapes: [(name: String, shape: [Int])] { [] }

    /// Winners kept for the backward pass (none for whole 2×2 blocks, whose backward finds
    /// them again from the input and the output).
    func indexCount(batch: Int) -> Int { pairsTile ? 0 : batch * outputShape.count }

    /// Whether every window is a whole 2×2 block (even sides) and the channels come in fours:
    /// the passes then run unrolled over the four pixels, the forward pass keeps no winners, and
    /// backward finds each window's winner again (the first pixel equal to the window's
    /// maximum, the one the forward comparisons pick) and writes every input pixel once instead
    /// of zeroing the gradient and scattering into it.
    var pairsTile: Bool {
        size == 2 && inputShape.channels % 4 == 0 && inputShape.height == 2 * outputShape.height
            && inputShape.width == 2 * outputShape.width
    }

    func forward(_ b: ForwardBuffers) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels
        let oh = outputShape.height, ow = outputShape.width, s = size
        let inCount = inputShape.count, outCount = outputShape.count, pairs = pairsTile
        let src = UnsafeSendable(b.input), dst = UnsafeSendable(b.output), idx = UnsafeSendable(b.indices)
        Parallel.forEachChunk(count: b.batch, chunks: imageChunks(b.batch)) { _, range in
            for n in range {
                let image = src.value + n * inCount, imageOffset = Int32(truncatingIfNeeded: n * inCount)
                if pairs {
                    MaxPool2DLayer.poolBlocks(image, windows: oh * ow, windowsPerRow: ow, width: w, channels: c,
                                              into: dst.value + n * outCount)
                    continue
                }
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = n * outCount + (oy * ow + ox) * c
                        let y0 = oy * s, y1 = min(oy * s + s, h), x0 = ox * s, x1 = min(ox * s + s, w)
                        MaxPool2DLayer.poolWindow(image, imageOffset: imageOffset,
                                                  rows: y0..<y1, columns: x0..<x1, width: w, channels: c,
                                                  into: dst.value + o, winners: idx.value + o)
                    }
                }
            }
        }
    }

    /// The maximum of each channel over every 2×2 block of one image (`pairsTile`), unrolled
    /// over the four pixels.
    @inline(__always)
    static func poolBlocks(_ image: UnsafePointer<Float>, windows: Int, windowsPerRow ow: Int, width w: Int,
                           channels c: Int, into out: UnsafeMutablePointer<Float>) {
        for k in 0..<windows {
            let p00 = image + (2 * (k / ow) * w + 2 * (k % ow)) * c, p10 = p00 + w * c
            var ch = 0
            while ch < c {
                var best = loadLanes(p00 + ch)
                @inline(__always) func compete(_ p: UnsafePointer<Float>) {
                    let v = loadLanes(p + ch)
                    best.replace(with: v, where: v .> best)
                }
                compete(p00 + c)
                compete(p10)
                compete(p10 + c)
                UnsafeMutableRawPointer(out + k * c + ch).storeBytes(of: best, as: SIMD4<Float>.self)
                ch += 4
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
        let inCount = inputShape.count, outCount = outputShape.count, pairs = pairsTile
        let w = inputShape.width, c = inputShape.channels, ow = outputShape.width
        let g = UnsafeSendable(UnsafePointer(b.outputGradient)), dst = UnsafeSendable(gx)
        let idx = UnsafeSendable(UnsafePointer(b.indices)), input = UnsafeSendable(b.input), y = UnsafeSendable(b.output)
        Parallel.forEachChunk(count: b.batch, chunks: imageChunks(b.batch)) { _, range in
            guard pairs else {
                (dst.value + range.lowerBound * inCount).initialize(repeating: 0, count: range.count * inCount)
                for k in (range.lowerBound * outCount)..<(range.upperBound * outCount) {
                    dst.value[Int(idx.value[k])] += g.value[k]
                }
                return
            }
            // Whole 2×2 blocks: each input pixel gets its window's gradient if it is the first
            // equal to the window's maximum, else 0.
            for n in range {
                let image = dst.value + n * inCount, x = input.value + n * inCount
                for k in 0..<(outputShape.height * ow) {
                    let p00 = (2 * (k / ow) * w + 2 * (k % ow)) * c, p10 = p00 + w * c, o = n * outCount + k * c
                    var ch = 0
                    while ch < c {
                        let grad = loadLanes(g.value + o + ch), best = loadLanes(y.value + o + ch)
                        var taken = SIMDMask<SIMD4<Int32>>(repeating: false)
                        @inline(__always) func route(_ p: Int) {
                            let won = (loadLanes(x + p + ch) .== best) .& .!taken
                            taken = taken .| won
                            UnsafeMutableRawPointer(image + p + ch)
                                .storeBytes(of: SIMD4<Float>().replacing(with: grad, where: won), as: SIMD4<Float>.self)
                        }
                        route(p00)
                        route(p00 + c)
                        route(p10)
                        route(p10 + c)
                        ch += 4
                    }
                }
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
                        // A plain loop: a call to memmove for each pixel's few channels costs more.
                        copyFloats(image + ((y / f) * w + x / f) * c, to: out + (y * ow + x) * c, count: c)
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

@inline(__always) private func loadLanes(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}
