import LatentCore
import RealModule

/// Direct convolution loops for strided layers with few input channels or few filters (stride
/// 1 layers use GEMMs: see `Conv2DLayer.method`). The loops read the image in place and
/// vectorise over the longer of the channel and filter axes.
extension Conv2DLayer {
    /// Chunks of images for the weight gradient (each with its own partial sums).
    func weightGradientChunks(batch: Int) -> Int {
        batch * pixels * patchSize * filters < 1 << 16 ? 1 : min(16, batch)
    }

    func directForward(_ b: ForwardBuffers) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels, f = filters
        let oh = outputShape.height, ow = outputShape.width
        let kh = kernelHeight, kw = kernelWidth, s = stride, pt = padTop, pl = padLeft
        let src = UnsafeSendable(b.input), dst = UnsafeSendable(b.output), weights = UnsafeSendable(b.parameters)
        let chunks = b.batch * pixels * patchSize * f < 1 << 16 ? 1 : min(16, b.batch)
        Parallel.forEachChunk(count: b.batch, chunks: chunks) { _, range in
            let wt = weights.value
            for n in range {
                let image = src.value + n * h * w * c
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let out = dst.value + ((n * oh + oy) * ow + ox) * f
                        for j in 0..<f { out[j] = 0 }
                        for ky in 0..<kh {
                            let iy = oy * s - pt + ky
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = ox * s - pl + kx
                                if ix < 0 || ix >= w { continue }
                                let x = image + (iy * w + ix) * c
                                let wtap = wt + (ky * kw + kx) * c * f
                                if f == 1 {
                                    // Four lanes kept across channels; reduced once per tap.
                                    var acc = SIMD4<Float>()
                                    var ch = 0
                                    while ch + 4 <= c {
                                        acc += UnsafeRawPointer(x + ch).loadUnaligned(as: SIMD4<Float>.self)
                                            * UnsafeRawPointer(wtap + ch).loadUnaligned(as: SIMD4<Float>.self)
                                        ch += 4
                                    }
                                    var tail: Float = 0
                                    while ch < c { tail += x[ch] * wtap[ch]; ch += 1 }
                                    out[0] += acc.sum() + tail
                                } else {
                                    for ch in 0..<c {
                                        let v = x[ch], row = wtap + ch * f
                                        for j in 0..<f { out[j] = Relaxed.multiplyAdd(v, row[j], out[j]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// ∂input (when wanted) and ∂kernel from `gz` = ∂loss/∂pre-activation; the bias gradient
    /// is computed by the caller.
    func directBackward(_ b: BackwardBuffers, gz: UnsafePointer<Float>) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels, f = filters
        let oh = outputShape.height, ow = outputShape.width
        let kh = kernelHeight, kw = kernelWidth, s = stride, pt = padTop, pl = padLeft
        let kernelCount = patchSize * f
        let src = UnsafeSendable(b.input), grad = UnsafeSendable(gz), weights = UnsafeSendable(b.parameters)
        let chunks = weightGradientChunks(batch: b.batch)
        let partials = UnsafeSendable(b.scratch), gx = UnsafeSendable(b.inputGradient)
        Parallel.forEachChunk(count: b.batch, chunks: chunks) { chunk, range in
            let dw = partials.value + chunk * kernelCount
            dw.initialize(repeating: 0, count: kernelCount)
            let wt = weights.value
            for n in range {
                let image = src.value + n * h * w * c
                let dImage = gx.value.map { $0 + n * h * w * c }
                dImage?.initialize(repeating: 0, count: h * w * c)
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let g = grad.value + ((n * oh + oy) * ow + ox) * f
                        for ky in 0..<kh {
                            let iy = oy * s - pt + ky
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = ox * s - pl + kx
                                if ix < 0 || ix >= w { continue }
                                let p = (iy * w + ix) * c
                                let x = image + p
                                let tap = (ky * kw + kx) * c * f
                                let dwtap = dw + tap, wtap = wt + tap
                                if f == 1 {
                                    let g0 = g[0]
                                    for ch in 0..<c { dwtap[ch] = Relaxed.multiplyAdd(g0, x[ch], dwtap[ch]) }
                                    if let dImage {
                                        let dx = dImage + p
                                        for ch in 0..<c { dx[ch] = Relaxed.multiplyAdd(g0, wtap[ch], dx[ch]) }
                                    }
                                } else {
                                    for ch in 0..<c {
                                        let v = x[ch], row = dwtap + ch * f
                                        for j in 0..<f { row[j] = Relaxed.multiplyAdd(v, g[j], row[j]) }
                                    }
                                    if let dImage {
                                        let dx = dImage + p
                                        for ch in 0..<c {
                                            let row = wtap + ch * f
                                            var acc: Float = 0
                                            for j in 0..<f { acc = Relaxed.multiplyAdd(g[j], row[j], acc) }
                                            dx[ch] += acc
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Reduce the per-chunk partial kernels in chunk order.
        let dW = b.parameterGradient
        dW.update(from: b.scratch, count: kernelCount)
        for k in 1..<max(chunks, 1) {
            let part = b.scratch + k * kernelCount
            for i in 0..<kernelCount { dW[i] += part[i] }
        }
    }
}
