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
    /// Layers with at most this many input channels or filters use the direct loops.
    var directChannelLimit = 4

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
    var parameterShapes: [(name: String, shape: [Int])] {
        [("weight", [kernelHeight, kernelWidth, inputShape.channels, filters]), ("bias", [filters])]
    }

    func imagesPerGroup(batch: Int) -> Int {
        max(1, min(batch, columnBudget / max(1, pixels * patchSize)))
    }

    func scratchCount(batch: Int) -> Int {
        usesDirectKernels ? weightGradientChunks(batch: batch) * patchSize * filters
            : imagesPerGroup(batch: batch) * pixels * patchSize
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        let k = kernelHeight * kernelWidth
        initializeWeights(p, count: patchSize * filters, fanIn: k * inputShape.channels, fanOut: k * filters,
                          activation: activation, using: &generator)
        (p + patchSize * filters).initialize(repeating: 0, count: filters)
    }

    func forward(_ b: ForwardBuffers) {
        if usesDirectKernels {
            directForward(b)
            addBiasAndActivate(b.output, rows: b.batch * pixels, columns: filters,
                               bias: b.parameters + patchSize * filters, activation: b.linearOutput ? .linear : activation)
            return
        }
        let group = imagesPerGroup(batch: b.batch)
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first)
            im2col(b.input, firstImage: first, images: count, into: b.scratch)
            BLAS.gemm(.none, .none, m: count * pixels, n: filters, k: patchSize, a: b.scratch, lda: patchSize,
                      b: b.parameters, ldb: filters, beta: 0, c: b.output + first * pixels * filters, ldc: filters)
            first += count
        }
        addBiasAndActivate(b.output, rows: b.batch * pixels, columns: filters,
                           bias: b.parameters + patchSize * filters, activation: b.linearOutput ? .linear : activation)
    }

    func backward(_ b: BackwardBuffers) {
        let gz = b.outputGradient
        if !b.linearOutput {
            multiplyByDerivative(gz, output: b.output, count: b.batch * pixels * filters, activation: activation)
        }
        columnSums(gz, rows: b.batch * pixels, columns: filters, into: b.parameterGradient + patchSize * filters)
        if usesDirectKernels {
            directBackward(b, gz: gz)
            return
        }
        let group = imagesPerGroup(batch: b.batch)
        var first = 0
        while first < b.batch {
            let count = min(group, b.batch - first)
            let gzGroup = gz + first * pixels * filters
            im2col(b.input, firstImage: first, images: count, into: b.scratch)
            // ∂W += columnsᵀ · gz (patchSize × filters), accumulated over the groups in order.
            BLAS.gemm(.transposed, .none, m: patchSize, n: filters, k: count * pixels, a: b.scratch, lda: patchSize,
                      b: gzGroup, ldb: filters, beta: first == 0 ? 0 : 1, c: b.parameterGradient, ldc: filters)
            if let gx = b.inputGradient {
                // ∂columns = gz · Wᵀ, then scattered back onto the input pixels.
                BLAS.gemm(.none, .transposed, m: count * pixels, n: patchSize, k: filters, a: gzGroup, lda: filters,
                          b: b.parameters, ldb: filters, beta: 0, c: b.scratch, ldc: patchSize)
                col2im(b.scratch, firstImage: first, images: count, into: gx)
            }
            first += count
        }
    }

    /// Writes the patches of `images` images starting at `firstImage`: one row of `patchSize`
    /// values (ky, kx, channel) per output pixel, zeros outside the image.
    func im2col(_ input: UnsafePointer<Float>, firstImage: Int, images: Int, into columns: UnsafeMutablePointer<Float>) {
        let h = inputShape.height, w = inputShape.width, c = inputShape.channels
        let oh = outputShape.height, ow = outputShape.width
        let kh = kernelHeight, kw = kernelWidth, s = stride, pt = padTop, pl = padLeft, k = patchSize
        let src = UnsafeSendable(input + firstImage * h * w * c), dst = UnsafeSendable(columns)
        let rows = images * oh
        let chunks = rows * ow * k < parallelElementThreshold ? 1 : min(32, rows)
        Parallel.forEachChunk(count: rows, chunks: chunks) { _, range in
            for imageRow in range {
                let n = imageRow / oh, oy = imageRow % oh
                let image = src.value + n * h * w * c
                for ox in 0..<ow {
                    let out = dst.value + (imageRow * ow + ox) * k
                    for ky in 0..<kh {
                        let iy = oy * s - pt + ky
                        let seg = out + ky * kw * c
                        if iy < 0 || iy >= h {
                            seg.initialize(repeating: 0, count: kw * c)
                            continue
                        }
                        for kx in 0..<kw {
                            let ix = ox * s - pl + kx
                            if ix < 0 || ix >= w {
                                (seg + kx * c).initialize(repeating: 0, count: c)
                            } else {
                                let from = image + (iy * w + ix) * c, to = seg + kx * c
                                for ch in 0..<c { to[ch] = from[ch] }
                            }
                        }
                    }
                }
            }
        }
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
