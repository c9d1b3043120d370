import LatentCore

/// One input channel, stride 1 (a grey image in): each chunk of images goes through its whole
/// pass on one worker, in the core's cache.
///
/// Forward, the tap-major columns of the chunk (one row per tap over the chunk's pixels, each
/// row the images shifted) times the kernel give each image's `pixels × filters` output,
/// `Y = Tᵀ·W`, one LIBXSMM product per image, and the bias and activation follow on the same
/// rows. Backward (for the first layer, which needs no input gradient), the derivative and the
/// bias gradient are taken on the chunk's rows, then its part of `∂W = T·∂Z`; the chunks'
/// parts are added in chunk order, so the sums do not depend on the thread count.
extension Conv2DLayer {
    /// Whether the layer takes this path: tap-major columns and filters in fours (and no
    /// method forced by a test).
    var chunksTapMajor: Bool { tapMajor && filters % 4 == 0 && forcedMethod == nil }

    var taps: Int { kernelHeight * kernelWidth }

    /// Images per chunk: about `tapMajorChunkPixels` output pixels.
    var tapMajorImagesPerChunk: Int { max(1, tapMajorChunkPixels / pixels) }

    /// Floats between the rows of a chunk's columns.
    var tapMajorRowLength: Int { tapMajorImagesPerChunk * pixels }

    /// A chunk's slot: its columns, then its parts of ∂W and ∂bias (in the parameters' layout).
    var tapMajorSlotCount: Int { taps * tapMajorRowLength + taps * filters + filters }

    func tapMajorScratchCount(batch: Int) -> Int {
        imageChunks(batch: batch, imagesPerChunk: tapMajorImagesPerChunk).slots * tapMajorSlotCount
    }

    func tapMajorForward(_ b: ForwardBuffers) {
        let f = filters, pixels = pixels, rowLength = tapMajorRowLength, geometry = geometry
        let product = SmallGEMM(m: pixels, n: f, k: taps, lda: rowLength, ldb: f, ldc: f, transposeA: true)
        let activation = b.linearOutput ? .linear : activation
        let x = UnsafeSendable(b.input), y = UnsafeSendable(b.output), w = UnsafeSendable(b.parameters)
        forEachImageChunk(batch: b.batch, imagesPerChunk: tapMajorImagesPerChunk, slots: b.scratch,
                          slotCount: tapMajorSlotCount) { images, columns, _ in
            geometry.shiftedImages(x.value, firstImage: images.lowerBound, images: images.count, rowLength: rowLength,
                                   into: columns)
            for k in 0..<images.count {
                let out = y.value + (images.lowerBound + k) * pixels * f
                product(columns + k * pixels, w.value, out)
                activateRows(out, rows: pixels, columns: f, bias: w.value + patchSize * f, activation: activation)
            }
        }
    }

    /// ∂kernel and ∂bias from the output gradient (no input gradient: the first layer).
    func tapMajorBackward(_ b: BackwardBuffers) {
        let f = filters, pixels = pixels, rowLength = tapMajorRowLength, geometry = geometry, per = tapMajorImagesPerChunk
        let chunks = imageChunks(batch: b.batch, imagesPerChunk: per).chunks
        func weightProduct(images: Int) -> SmallGEMM {
            SmallGEMM(m: taps, n: f, k: images * pixels, lda: rowLength, ldb: f, ldc: f)
        }
        let full = weightProduct(images: per), last = weightProduct(images: b.batch - (chunks - 1) * per)
        let activation = b.linearOutput ? .linear : activation, partsOffset = taps * rowLength
        let x = UnsafeSendable(b.input), y = UnsafeSendable(b.output), gz = UnsafeSendable(b.outputGradient)
        forEachImageChunk(batch: b.batch, imagesPerChunk: per, slots: b.scratch, slotCount: tapMajorSlotCount, { images, columns, slot in
            let g = gz.value + images.lowerBound * pixels * f, parts = slot + partsOffset
            applyDerivative(g, output: y.value + images.lowerBound * pixels * f, rows: images.count * pixels, columns: f,
                            activation: activation, columnSums: parts + taps * f)
            geometry.shiftedImages(x.value, firstImage: images.lowerBound, images: images.count, rowLength: rowLength,
                                   into: columns)
            (images.count == per ? full : last)(columns, g, parts)
        }, afterPass: { pass in
            addChunkParts(b.scratch + partsOffset, stride: tapMajorSlotCount, count: taps * f + f, pass: pass,
                          into: b.parameterGradient)
        })
    }
}
