import LatentCore

/// Convolutions with few filters (a grey image out) as GEMMs over the image itself.
///
/// With stride 1, output pixel (oy, ox) reads input pixel (oy − padTop + ky, ox − padLeft + kx)
/// through tap (ky, kx). So the products of every input pixel with every tap's weights,
/// `P = X · Wr` (`pixels × channels` times `channels × (taps·filters)`), hold all the terms,
/// and each output is the sum of its taps' entries of P at the shifted pixels. Backward, the
/// output gradient gathered to the same shifted places, `G`, gives `∂Wr = Xᵀ·G` and
/// `∂X = G·Wrᵀ`. All three products are OpenBLAS GEMMs whose inner dimension is the channel
/// count, where im2col would give a GEMM with `filters` (1) columns.
extension Conv2DLayer {
    /// Columns of P and G: one per tap and filter.
    var shiftedColumns: Int { kernelHeight * kernelWidth * filters }

    /// The sizes the shifted sums and their adjoint read: input side, filters, columns of P,
    /// output side, kernel side, padding.
    var shiftedSizes: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) {
        (inputShape.height, inputShape.width, filters, shiftedColumns, outputShape.height, outputShape.width,
         kernelHeight, kernelWidth, padTop, padLeft)
    }

    /// Floats of one image's P (or G).
    var shiftedFloatsPerImage: Int { inputShape.height * inputShape.width * shiftedColumns }

    func shiftedImagesPerGroup(batch: Int) -> Int {
        max(1, min(batch, columnBudget / max(1, shiftedFloatsPerImage)))
    }

    /// Scratch: P or G for one group, then the rearranged kernel and its gradient.
    func shiftedScratchCount(batch: Int) -> Int {
        shiftedImagesPerGroup(batch: batch) * shiftedFloatsPerImage + 2 * inputShape.channels * shiftedColumns
    }

    /// `Wr[ch, t·f + j] = W[t, ch, j]`: the kernel as `channels × (taps·filters)`.
    func rearrangeKernel(_ weights: UnsafePointer<Float>, into wr: UnsafeMutablePointer<Float>) {
        let c = inputShape.channels, f = filters, q = shiftedColumns
        for t in 0..<(kernelHeight * kernelWidth) {
            for ch in 0..<c {
                for j in 0..<f { wr[ch * q + t * f + j] = weights[(t * c + ch) * f + j] }
            }
        }
    }

    func shiftedForward(_ b: ForwardBuffers) {
        let c = inputShape.channels, q = shiftedColumns, inPixels = inputShape.height * inputShape.width
        let group = shiftedImagesPerGroup(batch: b.batch)
        let products = b.scratch, wr = b.scratch + group * shiftedFloatsPerImage
        rearrangeKernel(b.parameters, into: wr)
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first)
            BLAS.gemm(.none, .none, m: count * inPixels, n: q, k: c, a: b.input + first * inPixels * c, lda: c,
                      b: wr, ldb: q, beta: 0, c: products, ldc: q)
            sumShiftedTaps(UnsafePointer(products), images: count, into: b.output + first * pixels * filters)
            first += count
        }
    }

    /// `out[n, oy, ox, j] = Σ_taps P[n, oy − pt + ky, ox − pl + kx, t·f + j]` over the taps that
    /// land inside the image.
    func sumShiftedTaps(_ products: UnsafePointer<Float>, images: Int, into output: UnsafeMutablePointer<Float>) {
        let (h, w, f, q, oh, ow, kh, kw, pt, pl) = shiftedSizes
        let src = UnsafeSendable(products), dst = UnsafeSendable(output)
        forEachImageRow(images: images, rows: oh, valuesPerRow: ow * q) { n, oy, imageRow in
            let image = src.value + n * h * w * q
            for ox in 0..<ow {
                let out = dst.value + (imageRow * ow + ox) * f
                if f == 1 {
                    // One filter (the grey output layer): one running sum, no inner loop.
                    var acc: Float = 0
                    for ky in 0..<kh {
                        let iy = oy - pt + ky
                        if iy < 0 || iy >= h { continue }
                        let row = image + iy * w * q + ky * kw
                        for kx in 0..<kw {
                            let ix = ox - pl + kx
                            if ix >= 0 && ix < w { acc += row[ix * q + kx] }
                        }
                    }
                    out[0] = acc
                    continue
                }
                zeroFloats(out, count: f)
                for ky in 0..<kh {
                    let iy = oy - pt + ky
                    if iy < 0 || iy >= h { continue }
                    for kx in 0..<kw {
                        let ix = ox - pl + kx
                        if ix < 0 || ix >= w { continue }
                        let p = image + (iy * w + ix) * q + (ky * kw + kx) * f
                        for j in 0..<f { out[j] += p[j] }
                    }
                }
            }
        }
    }

    /// `G[n, iy, ix, t·f + j] = gz[n, iy + pt − ky, ix + pl − kx, j]`, zero where that output
    /// pixel does not exist: the adjoint of `sumShiftedTaps`.
    func gatherShiftedGradient(_ gz: UnsafePointer<Float>, images: Int, into g: UnsafeMutablePointer<Float>) {
        let (h, w, f, q, oh, ow, kh, kw, pt, pl) = shiftedSizes
        let src = UnsafeSendable(gz), dst = UnsafeSendable(g)
        forEachImageRow(images: images, rows: h, valuesPerRow: w * q) { n, iy, imageRow in
            let grad = src.value + n * oh * ow * f
            for ix in 0..<w {
                let row = dst.value + (imageRow * w + ix) * q
                if f == 1 {
                    // One filter: one value per tap, written directly.
                    for ky in 0..<kh {
                        let oy = iy + pt - ky, inside = oy >= 0 && oy < oh
                        for kx in 0..<kw {
                            let ox = ix + pl - kx
                            row[ky * kw + kx] = inside && ox >= 0 && ox < ow ? grad[oy * ow + ox] : 0
                        }
                    }
                    continue
                }
                for ky in 0..<kh {
                    let oy = iy + pt - ky
                    for kx in 0..<kw {
                        let ox = ix + pl - kx, to = row + (ky * kw + kx) * f
                        if oy < 0 || oy >= oh || ox < 0 || ox >= ow {
                            zeroFloats(to, count: f)
                        } else {
                            copyFloats(grad + (oy * ow + ox) * f, to: to, count: f)
                        }
                    }
                }
            }
        }
    }

    /// ∂kernel and (when wanted) ∂input from `gz` = ∂loss/∂pre-activation; the bias gradient
    /// is computed by the caller.
    func shiftedBackward(_ b: BackwardBuffers, gz: UnsafePointer<Float>) {
        let c = inputShape.channels, f = filters, q = shiftedColumns, inPixels = inputShape.height * inputShape.width
        let group = shiftedImagesPerGroup(batch: b.batch)
        let g = b.scratch, wr = b.scratch + group * shiftedFloatsPerImage, dwr = wr + c * q
        rearrangeKernel(b.parameters, into: wr)
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first)
            gatherShiftedGradient(gz + first * pixels * f, images: count, into: g)
            let x = b.input + first * inPixels * c
            // ∂Wr += Xᵀ·G, accumulated over the groups in order.
            BLAS.gemm(.transposed, .none, m: c, n: q, k: count * inPixels, a: x, lda: c, b: g, ldb: q,
                      beta: first == 0 ? 0 : 1, c: dwr, ldc: q)
            if let gx = b.inputGradient {
                BLAS.gemm(.none, .transposed, m: count * inPixels, n: c, k: q, a: g, lda: q, b: wr, ldb: q,
                          beta: 0, c: gx + first * inPixels * c, ldc: c)
            }
            first += count
        }
        let dW = b.parameterGradient
        for t in 0..<(kernelHeight * kernelWidth) {
            for ch in 0..<c {
                for j in 0..<f { dW[(t * c + ch) * f + j] = dwr[ch * q + t * f + j] }
            }
        }
    }
}
