import Foundation
import LatentCore

/// 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray 2016,
/// "Fast Algorithms for Convolutional Neural Networks").
///
/// The output is cut into 2×2 tiles, and tile t reads a 4×4 window d of the input. With the
/// transforms `V = Bᵀ d B` (per channel), `U = G g Gᵀ` (per channel and filter) and
/// `Y = Aᵀ M A`, each of the 16 places ξ of a transformed tile is one product over the
/// channels, `M_ξ = V_ξ · U_ξ` (tiles × channels times channels × filters): 16 GEMMs with
/// 16 multiply-adds per tile, channel and filter where im2col has 36, 2.25× fewer.
///
/// Backward, `Z = A ∂Y Aᵀ` is the gradient of M; `∂U_ξ = V_ξᵀ·Z_ξ` and `∂V_ξ = Z_ξ·U_ξᵀ` are
/// 32 more GEMMs, then `∂g = Gᵀ ∂U G` and `∂d = B ∂V Bᵀ`, added up over the overlapping
/// windows. The 16 GEMMs of a stage run concurrently, one single-threaded product each.
extension Conv2DLayer {
    /// Whether the layer qualifies: a 3×3 kernel, stride 1, and at least 16 channels in and out,
    /// both multiples of 4 (the transforms run over four channels at a time).
    var suitsWinograd: Bool {
        let c = inputShape.channels, f = filters
        return kernelHeight == 3 && kernelWidth == 3 && stride == 1 && min(c, f) >= 16 && c % 4 == 0 && f % 4 == 0
    }

    var tileRows: Int { (outputShape.height + 1) / 2 }
    var tileColumns: Int { (outputShape.width + 1) / 2 }
    var tilesPerImage: Int { tileRows * tileColumns }

    /// Images one worker takes through the whole pass at a time (transforms, 16 products,
    /// inverse transform): about `winogradChunkTiles` tiles, so that the chunk's V and M stay
    /// in the core's cache between the steps.
    var winogradImagesPerChunk: Int { max(1, winogradChunkTiles / tilesPerImage) }

    func winogradChunks(batch: Int) -> (chunks: Int, slots: Int) {
        imageChunks(batch: batch, imagesPerChunk: winogradImagesPerChunk)
    }

    /// Floats of one chunk's slot: V and M (or Z), its part of ∂U and of the bias gradient.
    var winogradSlotCount: Int {
        let c = inputShape.channels, f = filters, tiles = winogradImagesPerChunk * tilesPerImage
        return 16 * tiles * (c + f) + 16 * c * f + f
    }

    /// Where the slots start in the scratch: after U, Uᵀ and ∂U (16 matrices each) and ∂bias.
    var winogradSlotsOffset: Int { 48 * inputShape.channels * filters + filters }

    func winogradScratchCount(batch: Int) -> Int {
        winogradSlotsOffset + winogradChunks(batch: batch).slots * winogradSlotCount
    }

    func forEachWinogradChunk(batch: Int, scratch: UnsafeMutablePointer<Float>,
                              _ body: @Sendable (_ images: Range<Int>, _ buffer: UnsafeMutablePointer<Float>,
                                                 _ slot: UnsafeMutablePointer<Float>) -> Void,
                              afterPass: (Range<Int>) -> Void = { _ in }) {
        forEachImageChunk(batch: batch, imagesPerChunk: winogradImagesPerChunk, slots: scratch + winogradSlotsOffset,
                          slotCount: winogradSlotCount, body, afterPass: afterPass)
    }

    /// The products of one chunk: for its full size and for the batch's last, shorter chunk.
    func winogradProducts(batch: Int, _ make: (_ tiles: Int) -> SmallGEMM) -> (full: SmallGEMM, last: SmallGEMM) {
        let per = winogradImagesPerChunk, lastImages = batch - (winogradChunks(batch: batch).chunks - 1) * per
        let full = make(per * tilesPerImage)
        return (full, lastImages == per ? full : make(lastImages * tilesPerImage))
    }

    func winogradForward(_ b: ForwardBuffers) {
        let c = inputShape.channels, f = filters, tileStride = winogradImagesPerChunk * tilesPerImage
        let u = b.scratch
        transformKernel(b.parameters, into: u)
        let products = winogradProducts(batch: b.batch) { SmallGEMM(m: $0, n: f, k: c, lda: c, ldb: f, ldc: f) }
        let activation = b.linearOutput ? .linear : activation, per = winogradImagesPerChunk
        let x = UnsafeSendable(b.input), y = UnsafeSendable(b.output), pu = UnsafeSendable(UnsafePointer(u))
        let bias = UnsafeSendable(b.parameters + patchSize * f)
        forEachWinogradChunk(batch: b.batch, scratch: b.scratch) { images, buffer, _ in
            let tiles = images.count * tilesPerImage, product = images.count == per ? products.full : products.last
            let v = buffer, m = buffer + 16 * tileStride * c
            transformInput(x.value + images.lowerBound * inputShape.count, images: images.count, into: v)
            for xi in 0..<16 { product(v + xi * tiles * c, pu.value + xi * c * f, m + xi * tiles * f) }
            transformOutput(m, images: images.count, bias: bias.value, activation: activation,
                            into: y.value + images.lowerBound * outputShape.count)
        }
    }

    /// ∂kernel, ∂bias and (when wanted) ∂input from the output gradient; the activation's
    /// derivative is applied here too, inside the transform of the output gradient.
    func winogradBackward(_ b: BackwardBuffers) {
        let c = inputShape.channels, f = filters, tileStride = winogradImagesPerChunk * tilesPerImage
        let u = b.scratch, ut = u + 16 * c * f, du = ut + 16 * c * f
        if b.inputGradient != nil {
            transformKernel(b.parameters, into: u)
            for xi in 0..<16 {
                let from = u + xi * c * f, to = ut + xi * c * f
                for ch in 0..<c {
                    for j in 0..<f { to[j * c + ch] = from[ch * f + j] }
                }
            }
        }
        // ∂U_ξ = V_ξᵀ·Z_ξ per chunk (its slot's part); ∂V_ξ = Z_ξ·U_ξᵀ over V.
        let weightProducts = winogradProducts(batch: b.batch) {
            SmallGEMM(m: c, n: f, k: $0, lda: c, ldb: f, ldc: f, transposeA: true)
        }
        let inputProducts = winogradProducts(batch: b.batch) { SmallGEMM(m: $0, n: c, k: f, lda: f, ldb: c, ldc: c) }
        let activation = b.linearOutput ? .linear : activation, per = winogradImagesPerChunk
        let x = UnsafeSendable(b.input), y = UnsafeSendable(b.output), gz = UnsafeSendable(UnsafePointer(b.outputGradient))
        let gx = UnsafeSendable(b.inputGradient), put = UnsafeSendable(UnsafePointer(ut))
        let inCount = inputShape.count, outCount = outputShape.count
        let partsOffset = 16 * tileStride * (c + f)
        forEachWinogradChunk(batch: b.batch, scratch: b.scratch, { images, buffer, slot in
            let tiles = images.count * tilesPerImage, full = images.count == per
            let v = buffer, z = buffer + 16 * tileStride * c, dup = slot + partsOffset, biasPart = dup + 16 * c * f
            transformOutputGradient(gz.value + images.lowerBound * outCount, output: y.value + images.lowerBound * outCount,
                                    images: images.count, activation: activation, biasSums: biasPart, into: z)
            transformInput(x.value + images.lowerBound * inCount, images: images.count, into: v)
            let weightProduct = full ? weightProducts.full : weightProducts.last
            for xi in 0..<16 { weightProduct(v + xi * tiles * c, z + xi * tiles * f, dup + xi * c * f) }
            if let gx = gx.value {
                let inputProduct = full ? inputProducts.full : inputProducts.last
                for xi in 0..<16 { inputProduct(z + xi * tiles * f, put.value + xi * c * f, v + xi * tiles * c) }
                transformInputGradient(UnsafePointer(v), images: images.count, into: gx + images.lowerBound * inCount)
            }
        }, afterPass: { pass in
            // The chunks' parts of ∂U and ∂bias, added in chunk order.
            addChunkParts(b.scratch + winogradSlotsOffset + partsOffset, stride: winogradSlotCount, count: 16 * c * f + f,
                          pass: pass, into: du)
            (b.parameterGradient + patchSize * f).update(from: du + 16 * c * f, count: f)
        })
        kernelGradient(UnsafePointer(du), into: b.parameterGradient)
    }

    // MARK: - Transforms

    /// `U_ξ[ch, j] = (G g Gᵀ)_ξ` for each channel and filter's 3×3 kernel g (stored HWIO), four
    /// kernels (channel·filters + filter) at a time.
    func transformKernel(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let n = inputShape.channels * filters
        var k = 0
        while k < n {
            // G·g for each kernel column kx (four values over the tile's rows r)...
            @inline(__always) func column(_ kx: Int) -> (Lanes, Lanes, Lanes, Lanes) {
                let g0 = load(weights + kx * n + k), g1 = load(weights + (3 + kx) * n + k), g2 = load(weights + (6 + kx) * n + k)
                return (g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2)
            }
            let q0 = column(0), q1 = column(1), q2 = column(2)
            // ... then ·Gᵀ along each row.
            @inline(__always) func row(_ r: Int, _ a: Lanes, _ b: Lanes, _ c: Lanes) {
                store(a, u + (r * 4) * n + k)
                store(0.5 * (a + b + c), u + (r * 4 + 1) * n + k)
                store(0.5 * (a - b + c), u + (r * 4 + 2) * n + k)
                store(c, u + (r * 4 + 3) * n + k)
            }
            row(0, q0.0, q1.0, q2.0)
            row(1, q0.1, q1.1, q2.1)
            row(2, q0.2, q1.2, q2.2)
            row(3, q0.3, q1.3, q2.3)
            k += 4
        }
    }

    /// `∂g = Gᵀ ∂U G` into the HWIO kernel gradient: the adjoint of `transformKernel`, four
    /// kernels at a time.
    func kernelGradient(_ du: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        let n = inputShape.channels * filters
        var k = 0
        while k < n {
            // Each row r of ∂U combined over its columns s by Gᵀ...
            @inline(__always) func row(_ r: Int) -> (Lanes, Lanes, Lanes) {
                let d0 = load(du + (r * 4) * n + k), d1 = load(du + (r * 4 + 1) * n + k)
                let d2 = load(du + (r * 4 + 2) * n + k), d3 = load(du + (r * 4 + 3) * n + k)
                return (d0 + 0.5 * (d1 + d2), 0.5 * (d1 - d2), 0.5 * (d1 + d2) + d3)
            }
            let h0 = row(0), h1 = row(1), h2 = row(2), h3 = row(3)
            // ... then over the rows by Gᵀ again, for each kernel column kx.
            @inline(__always) func column(_ kx: Int, _ a: Lanes, _ b: Lanes, _ c: Lanes, _ d: Lanes) {
                store(a + 0.5 * (b + c), dw + kx * n + k)
                store(0.5 * (b - c), dw + (3 + kx) * n + k)
                store(0.5 * (b + c) + d, dw + (6 + kx) * n + k)
            }
            column(0, h0.0, h1.0, h2.0, h3.0)
            column(1, h0.1, h1.1, h2.1, h3.1)
            column(2, h0.2, h1.2, h2.2, h3.2)
            k += 4
        }
    }

    /// `V_ξ[t, ch] = (Bᵀ d B)_ξ` for every tile t of `images` images (the 4×4 window d of
    /// channel ch, zeros outside the image), on the calling thread.
    func transformInput(_ x: UnsafePointer<Float>, images: Int, into v: UnsafeMutablePointer<Float>) {
        let c = inputShape.channels, tiles = images * tilesPerImage
        forEachInputWindow(images: images, image: UnsafeMutablePointer(mutating: x)) { t, window in
            var ch = 0
            while ch < c {
                // One column s of `Bᵀ`-transformed rows at a time (over the rows r), then `Bᵀ`
                // down it: fewer values live at once than transforming every row first.
                @inline(__always) func d(_ r: Int, _ s: Int) -> Lanes { load(window[4 * r + s] + ch) }
                let out = v + t * c + ch
                @inline(__always) func column(_ s: Int, _ a: Lanes, _ b: Lanes, _ cc: Lanes, _ dd: Lanes) {
                    let o = inputTransform(a, b, cc, dd)
                    store(o.0, out + s * tiles * c)
                    store(o.1, out + (4 + s) * tiles * c)
                    store(o.2, out + (8 + s) * tiles * c)
                    store(o.3, out + (12 + s) * tiles * c)
                }
                column(0, d(0, 0) - d(0, 2), d(1, 0) - d(1, 2), d(2, 0) - d(2, 2), d(3, 0) - d(3, 2))
                let m1 = (d(0, 1), d(1, 1), d(2, 1), d(3, 1)), m2 = (d(0, 2), d(1, 2), d(2, 2), d(3, 2))
                column(1, m1.0 + m2.0, m1.1 + m2.1, m1.2 + m2.2, m1.3 + m2.3)
                column(2, m2.0 - m1.0, m2.1 - m1.1, m2.2 - m1.2, m2.3 - m1.3)
                column(3, d(0, 1) - d(0, 3), d(1, 1) - d(1, 3), d(2, 1) - d(2, 3), d(3, 1) - d(3, 3))
                ch += 4
            }
        }
    }

    /// `y = f(Aᵀ M A + bias)` for every tile: the 2×2 output pixels (those inside the image),
    /// with the bias and the activation applied before the one store.
    func transformOutput(_ m: UnsafePointer<Float>, images: Int, bias: UnsafePointer<Float>, activation: Activation,
                         into y: UnsafeMutablePointer<Float>) {
        let f = filters, tiles = images * tilesPerImage
        forEachOutputTile(images: images) { t, corner, right, down in
            let p = y + corner * f, rowStep = outputShape.width * f
            var j = 0
            while j < f {
                let src = m + t * f + j
                @inline(__always) func row(_ r: Int) -> (Lanes, Lanes) {
                    outputTransform(load(src + (4 * r) * tiles * f), load(src + (4 * r + 1) * tiles * f),
                                    load(src + (4 * r + 2) * tiles * f), load(src + (4 * r + 3) * tiles * f))
                }
                let o0 = row(0), o1 = row(1), o2 = row(2), o3 = row(3)
                let left = outputTransform(o0.0, o1.0, o2.0, o3.0), rightColumn = outputTransform(o0.1, o1.1, o2.1, o3.1)
                let bj = load(bias + j)
                store(activated(left.0 + bj, activation), p + j)
                if right { store(activated(rightColumn.0 + bj, activation), p + f + j) }
                if down {
                    store(activated(left.1 + bj, activation), p + rowStep + j)
                    if right { store(activated(rightColumn.1 + bj, activation), p + rowStep + f + j) }
                }
                j += 4
            }
        }
    }

    /// `Z_ξ[t, j] = (A ∂Z Aᵀ)_ξ` for every tile, where `∂Z = ∂Y·f'` is the gradient of the
    /// pre-activation (from the outputs `y`; zeros outside the image): the adjoint of
    /// `transformOutput`. `biasSums` gets ∂Z summed over the images' pixels (the bias gradient).
    func transformOutputGradient(_ gz: UnsafePointer<Float>, output y: UnsafePointer<Float>, images: Int,
                                 activation: Activation, biasSums: UnsafeMutablePointer<Float>,
                                 into z: UnsafeMutablePointer<Float>) {
        let f = filters, tiles = images * tilesPerImage, rowStep = outputShape.width * f
        biasSums.initialize(repeating: 0, count: f)
        forEachOutputTile(images: images) { t, corner, right, down in
            let g = gz + corner * f, yc = y + corner * f
            var j = 0
            while j < f {
                @inline(__always) func pixel(_ offset: Int, _ inside: Bool) -> Lanes {
                    inside ? derivative(load(g + offset + j), load(yc + offset + j), activation) : Lanes()
                }
                let g00 = pixel(0, true), g01 = pixel(f, right), g10 = pixel(rowStep, down), g11 = pixel(rowStep + f, right && down)
                store(load(biasSums + j) + ((g00 + g01) + (g10 + g11)), biasSums + j)
                let top = outputTransformAdjoint(g00, g01), bottom = outputTransformAdjoint(g10, g11)
                let out = z + t * f + j
                @inline(__always) func column(_ s: Int, _ a: Lanes, _ b: Lanes) {
                    let o = outputTransformAdjoint(a, b)
                    store(o.0, out + s * tiles * f)
                    store(o.1, out + (4 + s) * tiles * f)
                    store(o.2, out + (8 + s) * tiles * f)
                    store(o.3, out + (12 + s) * tiles * f)
                }
                column(0, top.0, bottom.0)
                column(1, top.1, bottom.1)
                column(2, top.2, bottom.2)
                column(3, top.3, bottom.3)
                j += 4
            }
        }
    }

    /// `∂x = Σ B ∂V Bᵀ` over every tile's 4×4 window (those pixels inside the image): the
    /// adjoint of `transformInput`. The images' gradients are zeroed first and the tiles
    /// added in order.
    func transformInputGradient(_ dv: UnsafePointer<Float>, images: Int, into gx: UnsafeMutablePointer<Float>) {
        let c = inputShape.channels, tiles = images * tilesPerImage
        gx.initialize(repeating: 0, count: images * inputShape.count)
        forEachInputWindow(images: images, image: gx) { t, window in
            var ch = 0
            while ch < c {
                let src = dv + t * c + ch
                @inline(__always) func row(_ r: Int) -> (Lanes, Lanes, Lanes, Lanes) {
                    inputTransformAdjoint(load(src + (4 * r) * tiles * c), load(src + (4 * r + 1) * tiles * c),
                                          load(src + (4 * r + 2) * tiles * c), load(src + (4 * r + 3) * tiles * c))
                }
                let q0 = row(0), q1 = row(1), q2 = row(2), q3 = row(3)
                @inline(__always) func column(_ s: Int, _ a: Lanes, _ b: Lanes, _ cc: Lanes, _ d: Lanes) {
                    let o = inputTransformAdjoint(a, b, cc, d)
                    add(o.0, window[s] + ch)
                    add(o.1, window[4 + s] + ch)
                    add(o.2, window[8 + s] + ch)
                    add(o.3, window[12 + s] + ch)
                }
                column(0, q0.0, q1.0, q2.0, q3.0)
                column(1, q0.1, q1.1, q2.1, q3.1)
                column(2, q0.2, q1.2, q2.2, q3.2)
                column(3, q0.3, q1.3, q2.3, q3.3)
                ch += 4
            }
        }
    }

    /// Calls `body(t, window)` for every tile t of `images` images in order, where `window`
    /// holds the pointers to the 4×4 pixels (row-major) of the tile's input window in `image`,
    /// from `2·ty − padTop, 2·tx − padLeft`. Pixels outside the image point to a zeroed spare
    /// pixel (which `body` may add to; it is never read back).
    @inline(__always)
    func forEachInputWindow(images: Int, image: UnsafeMutablePointer<Float>,
                            _ body: (Int, UnsafePointer<UnsafeMutablePointer<Float>>) -> Void) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels, tr = tileRows, tc = tileColumns
        withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { spare in
            withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>.self, capacity: 16) { window in
                let spare = spare.baseAddress!, window = window.baseAddress!
                for tileRow in 0..<(images * tr) {
                    let n = tileRow / tr, y0 = 2 * (tileRow % tr) - padTop
                    let pixels = image + n * h * w * c
                    let rowsInside = y0 >= 0 && y0 + 4 <= h
                    for tx in 0..<tc {
                        let x0 = 2 * tx - padLeft
                        if rowsInside && x0 >= 0 && x0 + 4 <= w {
                            let corner = pixels + (y0 * w + x0) * c
                            for r in 0..<4 {
                                for s in 0..<4 { window[r * 4 + s] = corner + (r * w + s) * c }
                            }
                        } else {
                            spare.initialize(repeating: 0, count: c)
                            for r in 0..<4 {
                                let y = y0 + r
                                for s in 0..<4 {
                                    let x = x0 + s
                                    window[r * 4 + s] = y >= 0 && y < h && x >= 0 && x < w ? pixels + (y * w + x) * c : spare
                                }
                            }
                        }
                        body(tileRow * tc + tx, UnsafePointer(window))
                    }
                }
            }
        }
    }

    /// Calls `body(t, corner, right, down)` for every output tile t of `images` images in
    /// order: `corner` is the pixel index (image·h·w + y·w + x) of its top-left pixel, and
    /// `right`/`down` say whether its second column/row lies inside the image.
    @inline(__always)
    func forEachOutputTile(images: Int, _ body: (Int, Int, Bool, Bool) -> Void) {
        let h = outputShape.height, w = outputShape.width, tr = tileRows, tc = tileColumns
        for tileRow in 0..<(images * tr) {
            let n = tileRow / tr, y = 2 * (tileRow % tr), down = y + 1 < h
            let rowStart = (n * h + y) * w
            for tx in 0..<tc {
                body(tileRow * tc + tx, rowStart + 2 * tx, 2 * tx + 1 < w, down)
            }
        }
    }
}

// MARK: - One-dimensional transforms (four channels at a time)


@inline(__always) private func add(_ x: Lanes, _ p: UnsafeMutablePointer<Float>) {
    store(load(p) + x, p)
}

/// `Bᵀ d` for four values of d.
@inline(__always) private func inputTransform(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes, _ d3: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
}

/// `B t`, the adjoint of `inputTransform`.
@inline(__always) private func inputTransformAdjoint(_ t0: Lanes, _ t1: Lanes, _ t2: Lanes, _ t3: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    (t0, t1 - t2 + t3, t1 + t2 - t0, -t3)
}

/// `Aᵀ m` for four values of m.
@inline(__always) private func outputTransform(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes) -> (Lanes, Lanes) {
    (m0 + m1 + m2, m1 - m2 - m3)
}

/// `A y`, the adjoint of `outputTransform`.
@inline(__always) private func outputTransformAdjoint(_ y0: Lanes, _ y1: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    (y0, y0 + y1, y0 - y1, -y1)
}
