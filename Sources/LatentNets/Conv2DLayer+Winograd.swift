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

    /// Floats of one image's transformed input tiles and output (or output-gradient) tiles.
    var winogradFloatsPerImage: Int { 16 * tilesPerImage * (inputShape.channels + filters) }

    func winogradImagesPerGroup(batch: Int) -> Int {
        max(1, min(batch, columnBudget / max(1, winogradFloatsPerImage)))
    }

    /// Scratch: V and M (or Z) for one group of images, then U and ∂U.
    func winogradScratchCount(batch: Int) -> Int {
        winogradImagesPerGroup(batch: batch) * winogradFloatsPerImage + 32 * inputShape.channels * filters
    }

    /// Where V, M (or Z), U and ∂U start in the scratch.
    func winogradBuffers(_ scratch: UnsafeMutablePointer<Float>, batch: Int)
        -> (v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, du: UnsafeMutablePointer<Float>) {
        let tiles = winogradImagesPerGroup(batch: batch) * tilesPerImage, c = inputShape.channels, f = filters
        let m = scratch + 16 * tiles * c, u = m + 16 * tiles * f
        return (scratch, m, u, u + 16 * c * f)
    }

    func winogradForward(_ b: ForwardBuffers) {
        let c = inputShape.channels, f = filters
        let group = winogradImagesPerGroup(batch: b.batch)
        let (v, m, u, _) = winogradBuffers(b.scratch, batch: b.batch)
        transformKernel(b.parameters, into: u)
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first), tiles = count * tilesPerImage
            transformInput(b.input + first * inputShape.count, images: count, into: v)
            BLAS.gemms(count: 16, .none, .none, m: tiles, n: f, k: c, a: v, lda: c, strideA: tiles * c,
                       b: u, ldb: f, strideB: c * f, c: m, ldc: f, strideC: tiles * f)
            transformOutput(m, images: count, into: b.output + first * outputShape.count)
            first += count
        }
    }

    /// ∂kernel and (when wanted) ∂input from `gz` = ∂loss/∂pre-activation; the bias gradient
    /// is computed by the caller.
    func winogradBackward(_ b: BackwardBuffers, gz: UnsafePointer<Float>) {
        let c = inputShape.channels, f = filters
        let group = winogradImagesPerGroup(batch: b.batch)
        let (v, z, u, du) = winogradBuffers(b.scratch, batch: b.batch)
        if b.inputGradient != nil { transformKernel(b.parameters, into: u) }
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first), tiles = count * tilesPerImage
            transformOutputGradient(gz + first * outputShape.count, images: count, into: z)
            transformInput(b.input + first * inputShape.count, images: count, into: v)
            // ∂U_ξ += V_ξᵀ · Z_ξ, accumulated over the groups in order.
            BLAS.gemms(count: 16, .transposed, .none, m: c, n: f, k: tiles, a: v, lda: c, strideA: tiles * c,
                       b: z, ldb: f, strideB: tiles * f, beta: first == 0 ? 0 : 1, c: du, ldc: f, strideC: c * f)
            if let gx = b.inputGradient {
                // ∂V_ξ = Z_ξ · U_ξᵀ, over V (no longer needed).
                BLAS.gemms(count: 16, .none, .transposed, m: tiles, n: c, k: f, a: z, lda: f, strideA: tiles * f,
                           b: u, ldb: f, strideB: c * f, c: v, ldc: c, strideC: tiles * c)
                transformInputGradient(UnsafePointer(v), images: count, into: gx + first * inputShape.count)
            }
            first += count
        }
        kernelGradient(UnsafePointer(du), into: b.parameterGradient)
    }

    // MARK: - Transforms

    /// `U_ξ[ch, j] = (G g Gᵀ)_ξ` for each channel and filter's 3×3 kernel g (stored HWIO).
    func transformKernel(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let n = inputShape.channels * filters
        for k in 0..<n {
            // G·g for each kernel column (four values over the tile's rows), then ·Gᵀ.
            let q0 = kernelColumn(weights, n: n, k: k, column: 0), q1 = kernelColumn(weights, n: n, k: k, column: 1)
            let q2 = kernelColumn(weights, n: n, k: k, column: 2)
            let columns = (q0, 0.5 * (q0 + q1 + q2), 0.5 * (q0 - q1 + q2), q2)
            for r in 0..<4 {
                u[(r * 4) * n + k] = columns.0[r]
                u[(r * 4 + 1) * n + k] = columns.1[r]
                u[(r * 4 + 2) * n + k] = columns.2[r]
                u[(r * 4 + 3) * n + k] = columns.3[r]
            }
        }
    }

    /// `G·(g[0, kx], g[1, kx], g[2, kx])` for kernel entry `k` (channel·filters + filter).
    @inline(__always)
    func kernelColumn(_ weights: UnsafePointer<Float>, n: Int, k: Int, column kx: Int) -> SIMD4<Float> {
        let g0 = weights[kx * n + k], g1 = weights[(3 + kx) * n + k], g2 = weights[(6 + kx) * n + k]
        return SIMD4(g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2)
    }

    /// `∂g = Gᵀ ∂U G` into the HWIO kernel gradient: the adjoint of `transformKernel`.
    func kernelGradient(_ du: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        let n = inputShape.channels * filters
        for k in 0..<n {
            // Each column s of ∂U as four values over the rows r, combined over s by Gᵀ...
            let r0 = SIMD4(du[k], du[4 * n + k], du[8 * n + k], du[12 * n + k])
            let r1 = SIMD4(du[n + k], du[5 * n + k], du[9 * n + k], du[13 * n + k])
            let r2 = SIMD4(du[2 * n + k], du[6 * n + k], du[10 * n + k], du[14 * n + k])
            let r3 = SIMD4(du[3 * n + k], du[7 * n + k], du[11 * n + k], du[15 * n + k])
            let h = (r0 + 0.5 * (r1 + r2), 0.5 * (r1 - r2), 0.5 * (r1 + r2) + r3)
            // ... then over r by Gᵀ again, for each kernel column kx.
            for (kx, hk) in [h.0, h.1, h.2].enumerated() {
                dw[kx * n + k] = hk[0] + 0.5 * (hk[1] + hk[2])
                dw[(3 + kx) * n + k] = 0.5 * (hk[1] - hk[2])
                dw[(6 + kx) * n + k] = 0.5 * (hk[1] + hk[2]) + hk[3]
            }
        }
    }

    /// `V_ξ[t, ch] = (Bᵀ d B)_ξ` for every tile t of `images` images (the 4×4 window d of
    /// channel ch, zeros outside the image).
    func transformInput(_ x: UnsafePointer<Float>, images: Int, into v: UnsafeMutablePointer<Float>) {
        let c = inputShape.channels, tiles = images * tilesPerImage
        forEachTile(images: images, side: 4, image: UnsafeMutablePointer(mutating: x), shape: inputShape) { t, window in
            var ch = 0
            while ch < c {
                @inline(__always) func row(_ r: Int) -> (Lanes, Lanes, Lanes, Lanes) {
                    inputTransform(load(window[4 * r] + ch), load(window[4 * r + 1] + ch),
                                   load(window[4 * r + 2] + ch), load(window[4 * r + 3] + ch))
                }
                let t0 = row(0), t1 = row(1), t2 = row(2), t3 = row(3)
                let out = v + t * c + ch
                @inline(__always) func column(_ s: Int, _ a: Lanes, _ b: Lanes, _ cc: Lanes, _ d: Lanes) {
                    let o = inputTransform(a, b, cc, d)
                    store(o.0, out + s * tiles * c)
                    store(o.1, out + (4 + s) * tiles * c)
                    store(o.2, out + (8 + s) * tiles * c)
                    store(o.3, out + (12 + s) * tiles * c)
                }
                column(0, t0.0, t1.0, t2.0, t3.0)
                column(1, t0.1, t1.1, t2.1, t3.1)
                column(2, t0.2, t1.2, t2.2, t3.2)
                column(3, t0.3, t1.3, t2.3, t3.3)
                ch += 4
            }
        }
    }

    /// `y = Aᵀ M A` for every tile: the 2×2 output pixels (those inside the image).
    func transformOutput(_ m: UnsafePointer<Float>, images: Int, into y: UnsafeMutablePointer<Float>) {
        let f = filters, tiles = images * tilesPerImage
        forEachTile(images: images, side: 2, image: y, shape: outputShape) { t, window in
            var j = 0
            while j < f {
                let src = m + t * f + j
                @inline(__always) func row(_ r: Int) -> (Lanes, Lanes) {
                    outputTransform(load(src + (4 * r) * tiles * f), load(src + (4 * r + 1) * tiles * f),
                                    load(src + (4 * r + 2) * tiles * f), load(src + (4 * r + 3) * tiles * f))
                }
                let o0 = row(0), o1 = row(1), o2 = row(2), o3 = row(3)
                let left = outputTransform(o0.0, o1.0, o2.0, o3.0), right = outputTransform(o0.1, o1.1, o2.1, o3.1)
                store(left.0, window[0] + j)
                store(right.0, window[1] + j)
                store(left.1, window[2] + j)
                store(right.1, window[3] + j)
                j += 4
            }
        }
    }

    /// `Z_ξ[t, j] = (A ∂Y Aᵀ)_ξ` for every tile (the 2×2 output gradient, zeros outside the
    /// image): the adjoint of `transformOutput`.
    func transformOutputGradient(_ gz: UnsafePointer<Float>, images: Int, into z: UnsafeMutablePointer<Float>) {
        let f = filters, tiles = images * tilesPerImage
        forEachTile(images: images, side: 2, image: UnsafeMutablePointer(mutating: gz), shape: outputShape) { t, window in
            var j = 0
            while j < f {
                let top = outputTransformAdjoint(load(window[0] + j), load(window[1] + j))
                let bottom = outputTransformAdjoint(load(window[2] + j), load(window[3] + j))
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

    /// `∂x += B ∂V Bᵀ` over every tile's 4×4 window (those pixels inside the image): the
    /// adjoint of `transformInput`. The images' gradients are zeroed first; windows overlap,
    /// so each image's tiles are added in order by one worker.
    func transformInputGradient(_ dv: UnsafePointer<Float>, images: Int, into gx: UnsafeMutablePointer<Float>) {
        let c = inputShape.channels, tiles = images * tilesPerImage
        gx.initialize(repeating: 0, count: images * inputShape.count)
        forEachTile(images: images, side: 4, image: gx, shape: inputShape, wholeImages: true) { t, window in
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

    /// Calls `body(t, window)` for every tile t of `images` images, where `window` holds the
    /// pointers to the `side × side` pixels (row-major) of the tile's window in `image` (of
    /// `shape`): the input window (side 4, from `2·ty − padTop, 2·tx − padLeft`) or the output
    /// tile (side 2). Pixels outside the image point to a zeroed spare pixel. Rows of tiles are
    /// split into chunks fixed by the sizes; with `wholeImages`, chunks hold whole images.
    func forEachTile(images: Int, side: Int, image: UnsafeMutablePointer<Float>, shape: TensorShape, wholeImages: Bool = false,
                     _ body: (Int, UnsafePointer<UnsafeMutablePointer<Float>>) -> Void) {
        let h = shape.height, w = shape.width, c = shape.channels, tr = tileRows, tc = tileColumns
        let top = side == 4 ? padTop : 0, left = side == 4 ? padLeft : 0
        let rows = images * tr, small = rows * tc * 16 * c < parallelElementThreshold
        let units = wholeImages ? images : rows, rowsPerUnit = wholeImages ? tr : 1
        let base = UnsafeSendable(image)
        withoutActuallyEscaping(body) { body in
            let work = UnsafeSendable(body)
            Parallel.forEachChunk(count: units, chunks: small ? 1 : min(32, units)) { _, range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { spare in
                    withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>.self, capacity: side * side) { window in
                        let spare = spare.baseAddress!, window = window.baseAddress!
                        spare.initialize(repeating: 0, count: c)
                        for tileRow in (range.lowerBound * rowsPerUnit)..<(range.upperBound * rowsPerUnit) {
                            let n = tileRow / tr, y0 = 2 * (tileRow % tr) - top
                            let pixels = base.value + n * h * w * c
                            let rowsInside = y0 >= 0 && y0 + side <= h
                            for tx in 0..<tc {
                                let x0 = 2 * tx - left
                                if rowsInside && x0 >= 0 && x0 + side <= w {
                                    let corner = pixels + (y0 * w + x0) * c
                                    for r in 0..<side {
                                        for s in 0..<side { window[r * side + s] = corner + (r * w + s) * c }
                                    }
                                } else {
                                    for r in 0..<side {
                                        let y = y0 + r
                                        for s in 0..<side {
                                            let x = x0 + s
                                            window[r * side + s] = y >= 0 && y < h && x >= 0 && x < w ? pixels + (y * w + x) * c : spare
                                        }
                                    }
                                }
                                work.value(tileRow * tc + tx, UnsafePointer(window))
                            }
                        }
                    }
                }
            }
        }
    }
}

// MARK: - One-dimensional transforms (four channels at a time)

typealias Lanes = SIMD4<Float>

@inline(__always) private func load(_ p: UnsafeMutablePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) private func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) private func store(_ x: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: x, as: Lanes.self)
}

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
