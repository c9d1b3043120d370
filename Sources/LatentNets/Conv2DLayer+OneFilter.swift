import Foundation
import LatentCore

/// One filter, stride 1 (a grey image out), each chunk of images through its whole pass on one
/// worker: the shifted-sum formulation of `Conv2DLayer+Shifted.swift` with LIBXSMM products
/// per image, and the bias, activation and derivative applied on the rows in cache.
///
/// Forward, `P = X·Wr` (`inPixels × taps`) per image, then each output pixel sums its taps'
/// entries of P at the shifted pixels, adds the bias and applies the activation. Backward,
/// `∂Z = ∂Y·f'` and its sum (∂bias), the gathered `G`, the chunk's part of `∂Wr = Xᵀ·G` and
/// `∂X = G·Wrᵀ`; the chunks' parts are added in chunk order.
extension Conv2DLayer {
    /// Whether the layer takes this path: shifted sums with one filter (and no method forced
    /// by a test).
    var chunksOneFilter: Bool { forcedMethod == nil && method == .shifted && filters == 1 }

    var inputPixels: Int { inputShape.height * inputShape.width }

    /// Images per chunk: about `tapMajorChunkPixels` input pixels.
    var oneFilterImagesPerChunk: Int { max(1, tapMajorChunkPixels / inputPixels) }

    /// A chunk's slot: one image's P (or G), then its parts of ∂Wr and ∂bias.
    var oneFilterSlotCount: Int { inputPixels * taps + inputShape.channels * taps + 1 }

    /// Scratch: Wr, Wrᵀ, ∂Wr and ∂bias, then the slots.
    var oneFilterSlotsOffset: Int { 3 * inputShape.channels * taps + 1 }

    func oneFilterScratchCount(batch: Int) -> Int {
        oneFilterSlotsOffset + imageChunks(batch: batch, imagesPerChunk: oneFilterImagesPerChunk).slots * oneFilterSlotCount
    }

    func oneFilterForward(_ b: ForwardBuffers) {
        let c = inputShape.channels, q = taps, inPixels = inputPixels, outPixels = pixels
        let wr = b.scratch
        rearrangeKernel(b.parameters, into: wr)
        let product = SmallGEMM(m: inPixels, n: q, k: c, lda: c, ldb: q, ldc: q)
        let activation = b.linearOutput ? .linear : activation, bias = b.parameters[patchSize]
        let x = UnsafeSendable(b.input), y = UnsafeSendable(b.output), pwr = UnsafeSendable(UnsafePointer(wr))
        forEachImageChunk(batch: b.batch, imagesPerChunk: oneFilterImagesPerChunk, slots: b.scratch + oneFilterSlotsOffset,
                          slotCount: oneFilterSlotCount) { images, p, _ in
            for n in images {
                product(x.value + n * inPixels * c, pwr.value, p)
                let out = y.value + n * outPixels
                sumOneFilterTaps(UnsafePointer(p), into: out)
                activate(out, count: outPixels, bias: bias, activation: activation)
            }
        }
    }

    /// ∂kernel, ∂bias and (when wanted) ∂input from the output gradient.
    func oneFilterBackward(_ b: BackwardBuffers) {
        let c = inputShape.channels, q = taps, inPixels = inputPixels, outPixels = pixels
        let wr = b.scratch, wrT = wr + c * q, dwr = wrT + c * q
        rearrangeKernel(b.parameters, into: wr)
        for ch in 0..<c {
            for t in 0..<q { wrT[t * c + ch] = wr[ch * q + t] }
        }
        let first = SmallGEMM(m: c, n: q, k: inPixels, lda: c, ldb: q, ldc: q, transposeA: true)
        let more = SmallGEMM(m: c, n: q, k: inPixels, lda: c, ldb: q, ldc: q, transposeA: true, accumulate: true)
        let inputProduct = SmallGEMM(m: inPixels, n: c, k: q, lda: q, ldb: c, ldc: c)
        let activation = b.linearOutput ? .linear : activation, partsOffset = inPixels * q
        let x = UnsafeSendable(b.input), y = UnsafeSendable(b.output), gz = UnsafeSendable(b.outputGradient)
        let gx = UnsafeSendable(b.inputGradient), pwrT = UnsafeSendable(UnsafePointer(wrT))
        forEachImageChunk(batch: b.batch, imagesPerChunk: oneFilterImagesPerChunk, slots: b.scratch + oneFilterSlotsOffset,
                          slotCount: oneFilterSlotCount, { images, g, slot in
            let parts = slot + partsOffset
            var biasSum: Float = 0
            for n in images {
                let gn = gz.value + n * outPixels, yn = y.value + n * outPixels
                multiplyByDerivative(gn, output: yn, count: outPixels, activation: activation)
                for k in 0..<outPixels { biasSum += gn[k] }
                gatherOneFilterGradient(UnsafePointer(gn), into: g)
                (n == images.lowerBound ? first : more)(x.value + n * inPixels * c, g, parts)
                if let gx = gx.value { inputProduct(g, pwrT.value, gx + n * inPixels * c) }
            }
            parts[c * q] = biasSum
        }, afterPass: { pass in
            addChunkParts(b.scratch + oneFilterSlotsOffset + partsOffset, stride: oneFilterSlotCount, count: c * q + 1,
                          pass: pass, into: dwr)
        })
        for t in 0..<q {
            for ch in 0..<c { b.parameterGradient[t * c + ch] = dwr[ch * q + t] }
        }
        b.parameterGradient[patchSize] = dwr[c * q]
    }

    /// `out[oy, ox] = Σ_taps P[oy − pt + ky, ox − pl + kx, t]` over the taps inside the image,
    /// for one image, a tap (a column of P) at a time over the output columns it reaches.
    func sumOneFilterTaps(_ p: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let (h, w, _, q, oh, ow, kh, kw, pt, pl) = shiftedSizes
        // Output columns whose every tap's input column lies inside the image.
        let inner = min(ow, max(0, pl))..<max(min(ow, max(0, pl)), min(ow, w + pl - kw + 1))
        for oy in 0..<oh {
            let row = out + oy * ow
            let rows = max(0, pt - oy)..<max(max(0, pt - oy), min(kh, h + pt - oy))
            // Inner columns: every tap summed in registers, one store.
            for ox in inner {
                var acc: Float = 0
                for ky in rows {
                    let src = p + ((oy - pt + ky) * w + ox - pl) * q + ky * kw
                    for kx in 0..<kw { acc += src[kx * (q + 1)] }
                }
                row[ox] = acc
            }
            // Border columns (left of and right of the inner ones): a tap at a time over the
            // columns it reaches.
            @inline(__always) func border(_ columns: Range<Int>) {
                for ox in columns { row[ox] = 0 }
                for ky in rows {
                    let iy = oy - pt + ky
                    for kx in 0..<kw {
                        // Output columns whose input column ox − pl + kx lies inside the image.
                        let lo = max(columns.lowerBound, pl - kx), hi = min(columns.upperBound, w + pl - kx)
                        let src = p + (iy * w - pl + kx) * q + ky * kw + kx
                        if lo < hi { for ox in lo..<hi { row[ox] += src[ox * q] } }
                    }
                }
            }
            border(0..<inner.lowerBound)
            border(inner.upperBound..<ow)
        }
    }

    /// `G[iy, ix, t] = g[iy + pt − ky, ix + pl − kx]`, zero where that output pixel does not
    /// exist, for one image: the adjoint of `sumOneFilterTaps`.
    func gatherOneFilterGradient(_ g: UnsafePointer<Float>, into gathered: UnsafeMutablePointer<Float>) {
        let (h, w, _, q, oh, ow, kh, kw, pt, pl) = shiftedSizes
        for iy in 0..<h {
            let row = gathered + iy * w * q
            for ky in 0..<kh {
                let oy = iy + pt - ky
                for kx in 0..<kw {
                    let t = ky * kw + kx
                    guard oy >= 0 && oy < oh else {
                        for ix in 0..<w { row[ix * q + t] = 0 }
                        continue
                    }
                    // Input columns whose output column ix + pl − kx exists.
                    let lo = min(w, max(0, kx - pl)), hi = max(lo, min(w, ow - pl + kx))
                    let src = g + oy * ow + pl - kx
                    for ix in 0..<lo { row[ix * q + t] = 0 }
                    for ix in lo..<hi { row[ix * q + t] = src[ix] }
                    for ix in hi..<w { row[ix * q + t] = 0 }
                }
            }
        }
    }
}

/// `x[k] = f(x[k] + bias)` for `count` values, on the calling thread (one loop per activation,
/// so each vectorises).
func activate(_ x: UnsafeMutablePointer<Float>, count: Int, bias: Float, activation: Activation) {
    switch activation {
    case .linear: for k in 0..<count { x[k] += bias }
    case .relu: for k in 0..<count { x[k] = max(x[k] + bias, 0) }
    case .leakyReLU(let slope): for k in 0..<count { let z = x[k] + bias; x[k] = z > 0 ? z : slope * z }
    case .tanh: for k in 0..<count { x[k] = Foundation.tanh(x[k] + bias) }
    case .sigmoid: for k in 0..<count { x[k] = sigmoid(x[k] + bias) }
    }
}
