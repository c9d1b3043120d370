import LatentCore

/// A 2-D convolution on NHWC images, computed as im2col followed by one GEMM.
///
/// The kernel is stored HWIO (`kernelHeight × kernelWidth × inputChannels × filters`, Keras's
/// layout), so the im2col row of an output pixel (its patch, ordered ky, kx, channel) times the
/// kernel read as a `patchSize × filters` matrix gives that pixel's `filters` outputs, already
/// channels-last. Images are processed in groups whose column matrix stays under
/// `columnBudget` floats (16 MB), which bounds memory and keeps the GEMMs large.
struct Conv2DLayer: Layer {
    let inputShape: TensorShape
    let outputShape: TensorShape
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padTop: Int
    let padLeft: Int
    let activation: Activation
    /// Largest im2col block (floats) one group of images may use.
    var columnBudget = 1 << 22
    /// Tiles one worker takes through a Winograd pass at a time (see `winogradImagesPerChunk`).
    var winogradChunkTiles = 196
    /// Output pixels one worker takes through a tap-major pass at a time (see `tapMajorImagesPerChunk`).
    var tapMajorChunkPixels = 3136
    /// The method to use instead of the automatic choice (for tests comparing them).
    var forcedMethod: ConvolutionMethod?

    init(inputShape: TensorShape, outputShape: TensorShape, kernelHeight: Int, kernelWidth: Int,
         stride: Int, padding: Padding, activation: Activation) {
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.activation = activation
        if padding == .same {
            // TensorFlow's convention: any odd padding goes to the bottom/right.
            let padH = max((outputShape.height - 1) * stride + kernelHeight - inputShape.height, 0)
            let padW = max((outputShape.width - 1) * stride + kernelWidth - inputShape.width, 0)
            padTop = padH / 2
            padLeft = padW / 2
        } else {
            padTop = 0
            padLeft = 0
        }
    }

    var filters: Int { outputShape.channels }
    var patchSize: Int { kernelHeight * kernelWidth * inputShape.channels }
    var pixels: Int { outputShape.height * outputShape.width }
    var multiplyAdds: Int { pixels * patchSize * filters }
    var parameterShapes: [(name: String, shape: [Int])] {
        [("weight", [kernelHeight, kernelWidth, inputShape.channels, filters]), ("bias", [filters])]
    }

    /// Floats of one image's im2col block: the forward patches, or (stride 1, when the input
    /// gradient is wanted) the patches of the output gradient it is computed from, whichever is larger.
    func columnsPerImage(inputGradient: Bool = true) -> Int {
        let forward = pixels * patchSize
        return gradientByConvolution && inputGradient
            ? max(forward, inputShape.height * inputShape.width * kernelHeight * kernelWidth * filters) : forward
    }

    /// Images per im2col block: the forward pass and a backward pass without input gradient
    /// (the first layer) need only the forward patches, so they take larger groups.
    func imagesPerGroup(batch: Int, inputGradient: Bool = true) -> Int {
        max(1, min(batch, columnBudget / max(1, columnsPerImage(inputGradient: inputGradient))))
    }

    /// Where the flipped kernel of the input-gradient convolution sits in the scratch (after
    /// the larger of the two im2col blocks), followed by the weight gradient's partial sums.
    func flippedKernelOffset(batch: Int) -> Int {
        max(imagesPerGroup(batch: batch) * columnsPerImage(), imagesPerGroup(batch: batch, inputGradient: false) * columnsPerImage(inputGradient: false))
    }

    /// Whether im2col writes one row per tap over all pixels (one input channel, stride 1: each
    /// row is the image shifted, copied a whole image row at a time) instead of one per pixel.
    var tapMajor: Bool { inputShape.channels == 1 && stride == 1 }

    /// Whether the weight gradient's product (`patchSize` rows) cuts its inner dimension into
    /// concurrent pieces rather than its rows (see `BLAS.gemm(_:m:n:k:…partials:)`).
    var splitsWeightGradient: Bool { patchSize < 64 }

    func scratchCount(batch: Int) -> Int {
        let biasPartials = columnSumChunks(rows: batch * pixels, columns: filters) * filters
        switch method {
        case .shifted:
            let shifted = max(biasPartials, shiftedScratchCount(batch: batch))
            return chunksOneFilter ? max(shifted, oneFilterScratchCount(batch: batch)) : shifted
        case .winograd: return winogradScratchCount(batch: batch)
        case .patches:
            let patches = max(biasPartials, flippedKernelOffset(batch: batch) + 17 * patchSize * filters)
            return chunksTapMajor ? max(patches, tapMajorScratchCount(batch: batch)) : patches
        }
    }

    /// How the layer computes its products. 3×3, stride 1, 16 or more channels in and out:
    /// Winograd F(2×2, 3×3) (`winograd`); stride 1 with at most 4 filters (a grey image out):
    /// GEMMs over the image and shifted sums (`shifted`); otherwise, including one input channel
    /// and larger strides: im2col and GEMMs (`patches`).
    var method: ConvolutionMethod {
        if let forcedMethod { return forcedMethod }
        if suitsWinograd { return .winograd }
        return stride == 1 && filters <= 4 ? .shifted : .patches
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        let k = kernelHeight * kernelWidth
        initializeWeights(p, count: patchSize * filters, fanIn: k * inputShape.channels, fanOut: k * filters,
                          activation: activation, using: &generator)
        (p + patchSize * filters).initialize(repeating: 0, count: filters)
    }

    func forward(_ b: ForwardBuffers) {
        if method == .winograd { winogradForward(b); return }
        if chunksTapMajor { tapMajorForward(b); return }
        if chunksOneFilter { oneFilterForward(b); return }
        if method == .shifted {
            shiftedForward(b)
            addBiasAndActivate(b.output, rows: b.batch * pixels, columns: filters,
                               bias: b.parameters + patchSize * filters, activation: b.linearOutput ? .linear : activation)
            return
        }
        let group = imagesPerGroup(batch: b.batch, inputGradient: false)
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first)
            im2col(b.input, firstImage: first, images: count, into: b.scratch)
            BLAS.gemm(tapMajor ? .transposed : .none, .none, m: count * pixels, n: filters, k: patchSize, a: b.scratch,
                      lda: tapMajor ? count * pixels : patchSize, b: b.parameters, ldb: filters, beta: 0,
                      c: b.output + first * pixels * filters, ldc: filters)
            first += count
        }
        addBiasAndActivate(b.output, rows: b.batch * pixels, columns: filters,
                           bias: b.parameters + patchSize * filters, activation: b.linearOutput ? .linear : activation)
    }

    func backward(_ b: BackwardBuffers) {
        if method == .winograd { winogradBackward(b); return }
        if chunksTapMajor && b.inputGradient == nil { tapMajorBackward(b); return }
        if chunksOneFilter { oneFilterBackward(b); return }
        let gz = b.outputGradient
        // gz ← gz·f'(z) and the bias gradient (its column sums) in one pass.
        derivativeAndColumnSums(gz, output: b.output, rows: b.batch * pixels, columns: filters,
                                activation: b.linearOutput ? .linear : activation,
                                into: b.parameterGradient + patchSize * filters, partials: b.scratch)
        switch method {
        case .shifted: shiftedBackward(b, gz: UnsafePointer(gz)); return
        case .winograd, .patches: break
        }
        let group = imagesPerGroup(batch: b.batch, inputGradient: b.inputGradient != nil)
        let flipped = b.scratch + flippedKernelOffset(batch: b.batch), partials = flipped + patchSize * filters
        if b.inputGradient != nil, gradientByConvolution { flipKernel(b.parameters, into: flipped) }
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first)
            let gzGroup = gz + first * pixels * filters
            im2col(b.input, firstImage: first, images: count, into: b.scratch)
            // ∂W += columnsᵀ · gz (patchSize × filters), accumulated over the groups in order.
            let transA: Transpose = tapMajor ? .none : .transposed, lda = tapMajor ? count * pixels : patchSize
            if splitsWeightGradient {
                BLAS.gemm(transA, m: patchSize, n: filters, k: count * pixels, a: b.scratch, lda: lda, b: gzGroup,
                          ldb: filters, beta: first == 0 ? 0 : 1, c: b.parameterGradient, partials: partials)
            } else {
                BLAS.gemm(transA, .none, m: patchSize, n: filters, k: count * pixels, a: b.scratch, lda: lda,
                          b: gzGroup, ldb: filters, beta: first == 0 ? 0 : 1, c: b.parameterGradient, ldc: filters)
            }
            if let gx = b.inputGradient {
                let inPixels = inputShape.height * inputShape.width, c = inputShape.channels
                if gradientByConvolution {
                    // ∂input is the "full" correlation of gz with the flipped kernel: the patches of
                    // gz around each input pixel times the kernel read as (ky, kx, filter) × channel,
                    // one GEMM with the forward's shape and no scatter.
                    gradientPatches(UnsafePointer(gz), firstImage: first, images: count, into: b.scratch)
                    BLAS.gemm(.none, .none, m: count * inPixels, n: c, k: kernelHeight * kernelWidth * filters,
                              a: b.scratch, lda: kernelHeight * kernelWidth * filters, b: flipped, ldb: c,
                              beta: 0, c: gx + first * inPixels * c, ldc: c)
                } else {
                    // ∂columns = gz · Wᵀ, then scattered back onto the input pixels.
                    BLAS.gemm(.none, .transposed, m: count * pixels, n: patchSize, k: filters, a: gzGroup, lda: filters,
                              b: b.parameters, ldb: filters, beta: 0, c: b.scratch, ldc: patchSize)
                    col2im(b.scratch, firstImage: first, images: count, into: gx)
                }
            }
            first += count
        }
    }

    /// Whether the input gradient is computed as a convolution of the output gradient (stride
    /// 1, where every input pixel's patch of the output gradient is a plain window) instead of
    /// a GEMM into columns followed by the col2im scatter.
    var gradientByConvolution: Bool { stride == 1 }

    /// The kernel rotated by 180° with input and output channels swapped:
    /// `flipped[ky', kx', f, c] = W[kh−1−ky', kw−1−kx', c, f]`, a `(kh·kw·filters) × channels` matrix.
    func flipKernel(_ weights: UnsafePointer<Float>, into flipped: UnsafeMutablePointer<Float>) {
        let kh = kernelHeight, kw = kernelWidth, c = inputShape.channels, f = filters
        for ky in 0..<kh {
            for kx in 0..<kw {
                let src = weights + ((kh - 1 - ky) * kw + (kw - 1 - kx)) * c * f
                let dst = flipped + (ky * kw + kx) * f * c
                for ch in 0..<c {
                    for j in 0..<f { dst[j * c + ch] = src[ch * f + j] }
                }
            }
        }
    }

    /// Writes the patches of `images` images starting at `firstImage`: one row of `patchSize`
    /// values (ky, kx, channel) per output pixel, zeros outside the image, or with `tapMajor`
    /// the transpose, one row per tap over all the pixels.
    func im2col(_ input: UnsafePointer<Float>, firstImage: Int, images: Int, into columns: UnsafeMutablePointer<Float>) {
        if tapMajor {
            geometry.shiftedImages(input, firstImage: firstImage, images: images, into: columns)
        } else {
            geometry.patches(input, firstImage: firstImage, images: images, into: columns)
        }
    }

    /// The sizes of this layer's im2col.
    var geometry: PatchGeometry {
        PatchGeometry(height: inputShape.height, width: inputShape.width, channels: inputShape.channels,
                      outHeight: outputShape.height, outWidth: outputShape.width, kernelHeight: kernelHeight,
                      kernelWidth: kernelWidth, stride: stride, padTop: padTop, padLeft: padLeft)
    }

    /// The patches of the output gradient around each input pixel (stride 1): the im2col of
    /// `gz` with the complementary padding `kernel − 1 − pad`, one row of `kh·kw·filters`
    /// values per input pixel.
    func gradientPatches(_ gz: UnsafePointer<Float>, firstImage: Int, images: Int, into columns: UnsafeMutablePointer<Float>) {
        let geometry = PatchGeometry(height: outputShape.height, width: outputShape.width, channels: filters,
                                     outHeight: inputShape.height, outWidth: inputShape.width,
                                     kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: 1,
                                     padTop: kernelHeight - 1 - padTop, padLeft: kernelWidth - 1 - padLeft)
        geometry.patches(gz, firstImage: firstImage, images: images, into: columns)
    }
    /// Adds each patch gradient back onto the input pixels it came from (the adjoint of
    /// `im2col`); one image per task, so overlapping patches never race.
    func col2im(_ columns: UnsafePointer<Float>, firstImage: Int, images: Int, into gradient: UnsafeMutablePointer<Float>) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels
        let oh = outputShape.height, ow = outputShape.width
        let kh = kernelHeight, kw = kernelWidth, s = stride, pt = padTop, pl = padLeft, k = patchSize
        let src = UnsafeSendable(columns), dst = UnsafeSendable(gradient + firstImage * h * w * c)
        let chunks = images * oh * ow * k < parallelElementThreshold ? 1 : min(16, images)
        Parallel.forEachChunk(count: images, chunks: chunks) { _, range in
            for n in range {
                let image = dst.value + n * h * w * c
                image.initialize(repeating: 0, count: h * w * c)
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let patch = src.value + ((n * oh + oy) * ow + ox) * k
                        for ky in 0..<kh {
                            let iy = oy * s - pt + ky
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = ox * s - pl + kx
                                if ix < 0 || ix >= w { continue }
                                let g = patch + (ky * kw + kx) * c
                                let p = image + (iy * w + ix) * c
                                for ch in 0..<c { p[ch] += g[ch] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The sizes of one im2col: source images `height × width × channels`, `outHeight × outWidth`
/// patches of `kernelHeight × kernelWidth` taken every `stride` pixels from `padTop`/`padLeft`
/// pixels before the image.
struct PatchGeometry {
    let height, width, channels, outHeight, outWidth, kernelHeight, kernelWidth, stride, padTop, padLeft: Int

    /// One row of `kernelHeight·kernelWidth·channels` values (ky, kx, channel) per patch,
    /// zeros outside the image. Rows of images are split into chunks fixed by the sizes.
    func patches(_ input: UnsafePointer<Float>, firstImage: Int, images: Int, into columns: UnsafeMutablePointer<Float>) {
        let h = height, w = width, c = channels, oh = outHeight, ow = outWidth
        let kh = kernelHeight, kw = kernelWidth, s = stride, pt = padTop, pl = padLeft, k = kh * kw * c
        let src = UnsafeSendable(input + firstImage * h * w * c), dst = UnsafeSendable(columns)
        forEachImageRow(images: images, rows: oh, valuesPerRow: ow * k) { n, oy, imageRow in
            let image = src.value + n * h * w * c
            for ox in 0..<ow {
                let out = dst.value + (imageRow * ow + ox) * k
                for ky in 0..<kh {
                    let iy = oy * s - pt + ky
                    let seg = out + ky * kw * c
                    if iy < 0 || iy >= h {
                        zeroFloats(seg, count: kw * c)
                        continue
                    }
                    let x0 = ox * s - pl
                    if x0 >= 0 && x0 + kw <= w {
                        // The whole kernel row lies inside: one contiguous copy.
                        copyFloats(image + (iy * w + x0) * c, to: seg, count: kw * c)
                        continue
                    }
                    for kx in 0..<kw {
                        let ix = x0 + kx
                        if ix < 0 || ix >= w {
                            zeroFloats(seg + kx * c, count: c)
                        } else {
                            copyFloats(image + (iy * w + ix) * c, to: seg + kx * c, count: c)
                        }
                    }
                }
            }
        }
    }
}

extension PatchGeometry {
    /// The transpose of `patches` for one channel and stride 1: row `ky·kernelWidth + kx` holds
    /// pixel (oy − padTop + ky, ox − padLeft + kx) for every output pixel of the images (zero
    /// outside), so each output row of each tap is one contiguous copy.
    func shiftedImages(_ input: UnsafePointer<Float>, firstImage: Int, images: Int, into columns: UnsafeMutablePointer<Float>) {
        assert(channels == 1 && stride == 1)
        let src = UnsafeSendable(input + firstImage * height * width), dst = UnsafeSendable(columns)
        forEachImageRow(images: images, rows: outHeight, valuesPerRow: outWidth * kernelHeight * kernelWidth) { n, oy, imageRow in
            shiftImageRow(src.value, image: n, row: oy, imageRow: imageRow, rowLength: images * outHeight * outWidth,
                          into: dst.value)
        }
    }

    /// `shiftedImages` on the calling thread, with rows `rowLength` (at least
    /// `images · outHeight · outWidth`) floats apart.
    func shiftedImages(_ input: UnsafePointer<Float>, firstImage: Int, images: Int, rowLength: Int,
                       into columns: UnsafeMutablePointer<Float>) {
        let source = input + firstImage * height * width
        for imageRow in 0..<(images * outHeight) {
            shiftImageRow(source, image: imageRow / outHeight, row: imageRow % outHeight, imageRow: imageRow,
                          rowLength: rowLength, into: columns)
        }
    }

    /// Output row `oy` of image `n` (row `imageRow` of the images) in every tap's row.
    @inline(__always)
    func shiftImageRow(_ source: UnsafePointer<Float>, image n: Int, row oy: Int, imageRow: Int, rowLength: Int,
                       into columns: UnsafeMutablePointer<Float>) {
        let h = height, w = width, ow = outWidth, kh = kernelHeight, kw = kernelWidth, pt = padTop, pl = padLeft
        for ky in 0..<kh {
            let iy = oy - pt + ky
            for kx in 0..<kw {
                let out = columns + (ky * kw + kx) * rowLength + imageRow * ow
                guard iy >= 0 && iy < h else {
                    out.update(repeating: 0, count: ow)
                    continue
                }
                // Output columns whose input column ox − pl + kx lies inside the image.
                let lo = min(ow, max(0, pl - kx)), hi = max(lo, min(ow, w + pl - kx))
                out.update(repeating: 0, count: lo)
                (out + lo).update(from: source + (n * h + iy) * w + lo - pl + kx, count: hi - lo)
                (out + hi).update(repeating: 0, count: ow - hi)
            }
        }
    }
}

/// Runs `body(image, row, image · rows + row)` for every row of `images` images of `rows`
/// rows each, in chunks fixed by the sizes (one chunk when the pass writes fewer than
/// `parallelElementThreshold` values, `valuesPerRow` a row).
func forEachImageRow(images: Int, rows: Int, valuesPerRow: Int, _ body: @Sendable (_ image: Int, _ row: Int, _ imageRow: Int) -> Void) {
    let total = images * rows
    let chunks = total * valuesPerRow < parallelElementThreshold ? 1 : min(32, total)
    Parallel.forEachChunk(count: total, chunks: chunks) { _, range in
        for imageRow in range { body(imageRow / rows, imageRow % rows, imageRow) }
    }
}

/// Copies `count` floats; short runs (a few channels) in a plain loop, which is much cheaper
/// than a call to `memmove` for each.
@inline(__always)
func copyFloats(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    if count <= 16 {
        for i in 0..<count { destination[i] = source[i] }
    } else {
        destination.update(from: source, count: count)
    }
}

/// Sets `count` floats to zero; short runs in a plain loop (see `copyFloats`).
@inline(__always)
func zeroFloats(_ destination: UnsafeMutablePointer<Float>, count: Int) {
    if count <= 16 {
        for i in 0..<count { destination[i] = 0 }
    } else {
        destination.initialize(repeating: 0, count: count)
    }
}

/// The ways a convolution layer computes its products (see `Conv2DLayer.method`).
enum ConvolutionMethod: Sendable {
    /// im2col and one GEMM per group of images.
    case patches
    /// GEMMs over the image with every tap's weights, then shifted sums (stride 1, few filters).
    case shifted
    /// Winograd F(2×2, 3×3): transformed tiles and 16 GEMMs (3×3, stride 1, many channels).
    case winograd
}
