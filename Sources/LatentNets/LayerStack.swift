import LatentCore

/// Layers with resolved shapes and offsets into one flat parameter vector (each layer's
/// parameters in the order of its `parameterShapes`): the one network engine under the
/// autoencoder and the classifier.
///
/// A value: the layers hold no parameters or buffers. Layers whose behaviour differs between
/// training and inference (dropout, batch normalisation) read the mode from the pass's buffers,
/// so one stack serves both.
struct LayerStack: Sendable {
    let layers: [any Layer]
    /// Where each layer's parameters start in the flat vector.
    let offsets: [Int]
    let parameterCount: Int
    let inputCount: Int
    /// Index of the layer whose output is the code (an autoencoder's last encoder layer, or a
    /// variational autoencoder's sampling layer), if any.
    let codeLayer: Int?
    /// A variational autoencoder's `GaussianSampleLayer` (then equal to `codeLayer`), if any.
    let sampleLayer: Int?

    init(inputCount: Int, layers: [any Layer], codeLayer: Int? = nil, sampleLayer: Int? = nil) {
        var offsets = [Int](), offset = 0
        for layer in layers {
            offsets.append(offset)
            offset += layer.parameterCount
        }
        self.layers = layers
        self.offsets = offsets
        self.parameterCount = offset
        self.inputCount = inputCount
        self.codeLayer = codeLayer
        self.sampleLayer = sampleLayer
    }

    /// The stack of an autoencoder architecture; the code is the encoder's last output. A
    /// variational architecture's code layer gets twice its units (mean and log-variance) and
    /// is followed by a `GaussianSampleLayer`, whose output is the code.
    /// - Throws: `NetsError.invalidArchitecture` when the layers do not fit together.
    init(_ architecture: Architecture) throws {
        try architecture.validate()
        let shapes = try architecture.outputShapes()
        var layers = [any Layer]()
        var input = architecture.inputShape
        let codeIndex = architecture.encoder.count - 1
        for (i, (spec, shape)) in zip(architecture.layers, shapes).enumerated() {
            if architecture.isVariational, i == codeIndex {
                let twice = TensorShape.vector(2 * shape.count)
                layers.append(makeLayer(spec, input: input, output: twice))
                layers.append(GaussianSampleLayer(inputShape: twice, outputShape: shape))
            } else {
                layers.append(makeLayer(spec, input: input, output: shape))
            }
            input = shape
        }
        let sample = architecture.isVariational ? codeIndex + 1 : nil
        self.init(inputCount: architecture.inputShape.count, layers: layers, codeLayer: sample ?? codeIndex, sampleLayer: sample)
    }

    var outputCount: Int { layers[layers.count - 1].outputShape.count }
    /// The layer whose output gradient `backward` hands to `addToCodeGradient`.
    var hookLayer: Int? { sampleLayer.map { $0 - 1 } ?? codeLayer }
    var codeCount: Int { codeLayer.map { layers[$0].outputShape.count } ?? outputCount }

    /// Fresh parameters: each layer's `initialize` in order, all drawn from one generator seeded
    /// with `seed`.
    func initialParameters(seed: UInt64) -> [Float] {
        var parameters = [Float](repeating: 0, count: parameterCount)
        var rng = SeededGenerator(seed: seed)
        parameters.withUnsafeMutableBufferPointer { p in
            for (layer, offset) in zip(layers, offsets) {
                layer.initialize(p.baseAddress! + offset, using: &rng)
            }
        }
        return parameters
    }

    /// Where the output layer's bias sits in the flat parameter vector, and how many output
    /// values share each bias entry (the pixels of a convolution's channel; 1 for a dense
    /// layer). `nil` when the last layer has no bias (pooling, upsampling, reshape).
    var outputBias: (range: Range<Int>, valuesPerEntry: Int)? {
        let last = layers.count - 1
        var offset = offsets[last]
        for (name, shape) in layers[last].parameterShapes {
            let count = shape.reduce(1, *)
            if name == "bias", count > 0 {
                return (offset..<(offset + count), outputCount / count)
            }
            offset += count
        }
        return nil
    }

    /// Floating-point operations of one training step per sample, counted from the layers'
    /// products (2 per multiply-add): forward, ∂weights, and ∂input for every layer but the
    /// first. Element-wise passes (bias, activation, pooling, the optimiser) are not counted.
    var trainingFLOPsPerSample: Double {
        layers.enumerated().reduce(0) { total, item in
            total + 2 * Double(item.element.multiplyAdds) * (item.offset == 0 ? 2 : 3)
        }
    }

    /// Floats of activations, gradients and scratch one sample needs (to size inference batches).
    var floatsPerSample: Int {
        var total = inputCount
        var widest = inputCount
        for layer in layers {
            total += layer.outputShape.count
            widest = max(widest, layer.outputShape.count)
        }
        let scratch = layers.map { $0.scratchCount(batch: 1) }.max() ?? 0
        return total + scratch + 2 * widest
    }

    /// The batch size for forward-only passes over `rows` samples: large enough for efficient
    /// GEMMs, small enough to keep the workspace near 32 MB.
    func inferenceBatch(rows: Int) -> Int {
        max(1, min(rows, 4096, (1 << 23) / max(1, floatsPerSample)))
    }

    /// The named tensors (`<prefix>.weight`, `<prefix>.bias`, …) of `parameters`, in parameter
    /// order, with each layer's prefix from `prefix(layerIndex)`.
    func namedTensors(_ parameters: [Float], prefix: (Int) -> String) -> [(name: String, shape: [Int], values: ArraySlice<Float>)] {
        var out = [(name: String, shape: [Int], values: ArraySlice<Float>)]()
        for (i, layer) in layers.enumerated() {
            var offset = offsets[i]
            for (name, shape) in layer.parameterShapes {
                let n = shape.reduce(1, *)
                out.append(("\(prefix(i)).\(name)", shape, parameters[offset..<(offset + n)]))
                offset += n
            }
        }
        return out
    }

    /// Runs `layers[range]` on `batch` samples. The input of layer 0 is `workspace.input`; that
    /// of any other layer is the previous layer's activation buffer.
    func forward(_ parameters: UnsafePointer<Float>, _ ws: Workspace, batch: Int, layers range: Range<Int>? = nil,
                 training: Bool = false, linearLastOutput: Bool = false) {
        forward(parameters, ws, rows: 0..<batch, scratch: ws.scratch, layers: range, training: training,
                linearLastOutput: linearLastOutput)
    }

    /// Runs `layers[range]` on the samples `rows` of the workspace's batch (their rows of the
    /// input and activation buffers), with `scratch` as the layers' scratch space.
    func forward(_ parameters: UnsafePointer<Float>, _ ws: Workspace, rows: Range<Int>, scratch: UnsafeMutablePointer<Float>,
                 layers range: Range<Int>? = nil, training: Bool, linearLastOutput: Bool) {
        let lo = rows.lowerBound
        for i in range ?? layers.indices {
            let layer = layers[i]
            layer.forward(ForwardBuffers(
                input: ws.input(ofLayer: i) + lo * layer.inputShape.count, output: ws.activations[i] + lo * layer.outputShape.count,
                batch: rows.count, parameters: parameters + offsets[i], scratch: scratch,
                indices: ws.indices[i] + layer.indexCount(batch: lo, training: training),
                linearOutput: linearLastOutput && i == layers.count - 1, training: training))
        }
    }

    /// Back-propagates `workspace.gradientA` (∂loss/∂output of the last layer, after a training
    /// forward pass) to every parameter, writing `workspace.parameterGradient`.
    /// `addToCodeGradient` is called with ∂loss/∂code when it reaches the code, so a latent
    /// regulariser can add its term; in a variational stack, with ∂loss/∂(mean, log-variance)
    /// below the sampling layer, so the KL term can add its own.
    func backward(_ parameters: UnsafePointer<Float>, _ ws: Workspace, batch: Int, linearLastOutput: Bool = false,
                  addToCodeGradient: ((UnsafeMutablePointer<Float>) -> Void)? = nil) {
        ws.gradientParts = 1
        backward(parameters, ws, rows: 0..<batch, scratch: ws.scratch, parameterGradient: ws.parameterGradient,
                 linearLastOutput: linearLastOutput, addToCodeGradient: addToCodeGradient)
    }

    /// `backward` over the samples `rows` of the batch: their ∂loss/∂output starts at row
    /// `rows.lowerBound` of `gradientA` seen as `widest`-float rows (each chunk of rows keeps to
    /// its own part of both gradient buffers), and their parameter gradient goes to `parameterGradient`.
    func backward(_ parameters: UnsafePointer<Float>, _ ws: Workspace, rows: Range<Int>, scratch: UnsafeMutablePointer<Float>,
                  parameterGradient: UnsafeMutablePointer<Float>, linearLastOutput: Bool, lastGradientIsPreActivation: Bool = false,
                  addToCodeGradient: ((UnsafeMutablePointer<Float>) -> Void)? = nil) {
        let lo = rows.lowerBound
        var g = ws.gradientA + lo * ws.widest, other = ws.gradientB + lo * ws.widest
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[i]
            layer.backward(BackwardBuffers(
                input: ws.input(ofLayer: i) + lo * layer.inputShape.count, output: ws.activations[i] + lo * layer.outputShape.count,
                outputGradient: g, inputGradient: i > 0 ? other : nil, batch: rows.count, parameters: parameters + offsets[i],
                parameterGradient: parameterGradient + offsets[i], scratch: scratch,
                indices: ws.indices[i] + layer.indexCount(batch: lo, training: true),
                linearOutput: linearLastOutput && i == layers.count - 1, training: true,
                outputGradientIsPreActivation: lastGradientIsPreActivation && i == layers.count - 1))
            if i - 1 == hookLayer, let addToCodeGradient { addToCodeGradient(other) }
            swap(&g, &other)
        }
    }

    // MARK: Data-parallel steps

    /// Whether a training step may cut its batch into row chunks, each run forward and backward
    /// by one worker: every layer treats samples independently and keeps no per-batch state
    /// (dense layers only; batch normalisation needs the whole batch, and convolutions
    /// parallelise inside their own kernels).
    var supportsRowChunks: Bool { !layers.isEmpty && layers.allSatisfy { $0 is DenseLayer } }

    /// Row chunks of a training step over `batch` samples: one per 64 samples (at most 8), and
    /// 1 (no split) for stacks that cannot be split or steps under 2¹⁸ forward multiply-adds.
    /// Fixed by the stack and the batch size, never by the thread count.
    func rowChunks(batch: Int) -> Int {
        guard supportsRowChunks, Double(batch) * Double(forwardMultiplyAdds) >= 262_144 else { return 1 }
        return min(8, max(1, (batch + 63) / 64))
    }

    /// Multiply-adds of one sample's forward pass.
    var forwardMultiplyAdds: Int { layers.reduce(0) { $0 + $1.multiplyAdds } }

    /// One training pass over `batch` samples cut into `rowChunks(batch:)` chunks of rows: each
    /// chunk runs `prepare` (e.g. copies its input rows in), forward, `loss` (its rows, their outputs, and where ∂loss/∂output goes; the
    /// loss summed over those rows), and backward on one worker with one-call GEMMs
    /// (`Parallel.serially`), its parameter gradient into `ws.chunkGradients[chunk]`. Returns
    /// the chunks' losses added in chunk order; `ws.gradientParts` tells how many parts the
    /// parameter gradient has (added in chunk order by the optimiser or `sumGradientParts`).
    /// Two wake-ups of the workers per step instead of one per product and element-wise pass.
    ///
    /// With `squaredErrorTarget` (the batch's targets, when `loss` is the mean squared error
    /// over `batch × outputCount` values), a chunk whose output layer allows it
    /// (`DenseLayer.fusesSquaredError`) computes bias, activation, loss, ∂loss/∂output, the
    /// derivative and the bias gradient row by row in one pass instead of `loss` and three
    /// passes: the same values. With `update`, the optimiser's step runs in the same parallel
    /// section once every chunk is done and the loss is finite (`ws.didUpdateInStep` then
    /// tells the caller), one wake-up per step; the same arithmetic as a separate update.
    func rowChunkedPass(_ parameters: UnsafePointer<Float>, _ ws: Workspace, batch: Int, linearLastOutput: Bool,
                        squaredErrorTarget: UnsafePointer<Float>? = nil, update: OptimizerStep? = nil,
                        prepare: (_ rows: Range<Int>) -> Void = { _ in },
                        loss: (_ rows: Range<Int>, _ output: UnsafePointer<Float>, _ gradient: UnsafeMutablePointer<Float>) -> Double)
        -> Double {
        let chunks = rowChunks(batch: batch)
        precondition(chunks <= ws.chunkGradients.count, "the workspace was made for fewer row chunks")
        let pw = UnsafeSendable(ws), pp = UnsafeSendable(parameters), target = UnsafeSendable(squaredErrorTarget)
        let outputs = outputCount, last = layers.count - 1
        let fusedLayer = linearLastOutput || squaredErrorTarget == nil ? nil : layers[last] as? DenseLayer
        ws.didUpdateInStep = false
        withoutActuallyEscaping(loss) { loss in
          withoutActuallyEscaping(prepare) { prepare in
            let lossBody = UnsafeSendable(loss), prepareBody = UnsafeSendable(prepare)
            let body: @Sendable (Int, Range<Int>) -> Void = { c, rows in
                let ws = pw.value
                Parallel.serially {
                    prepareBody.value(rows)
                    let lo = rows.lowerBound, scratch = ws.chunkScratch[c]
                    if let dense = fusedLayer, let t = target.value, dense.fusesSquaredError(rows: rows.count) {
                        forward(pp.value, ws, rows: rows, scratch: scratch, layers: 0..<last, training: true, linearLastOutput: false)
                        let weights = pp.value + offsets[last], z = ws.activations[last] + lo * outputs
                        dense.forwardProduct(ws.input(ofLayer: last) + lo * dense.inputs, weights: weights, output: z, rows: rows.count)
                        ws.chunkLosses[c] = dense.squaredErrorPass(
                            z, rows: rows.count, bias: weights + dense.inputs * dense.units, target: t + lo * outputs,
                            meanOver: batch * outputs, gradient: ws.gradientA + lo * ws.widest,
                            biasGradient: ws.chunkGradients[c] + offsets[last] + dense.inputs * dense.units)
                        backward(pp.value, ws, rows: rows, scratch: scratch, parameterGradient: ws.chunkGradients[c],
                                 linearLastOutput: false, lastGradientIsPreActivation: true)
                    } else {
                        forward(pp.value, ws, rows: rows, scratch: scratch, training: true, linearLastOutput: linearLastOutput)
                        ws.chunkLosses[c] = lossBody.value(rows, ws.output + lo * outputs, ws.gradientA + lo * ws.widest)
                        backward(pp.value, ws, rows: rows, scratch: scratch, parameterGradient: ws.chunkGradients[c],
                                 linearLastOutput: linearLastOutput)
                    }
                }
            }
            guard let update else {
                Parallel.forEachChunk(count: batch, chunks: chunks, body)
                return
            }
            let parts = UnsafeSendable(UnsafeBufferPointer(start: ws.chunkGradientList, count: chunks))
            ws.didUpdateInStep = Parallel.forEachChunk(count: batch, chunks: chunks, body, then: {
                var total = 0.0
                for c in 0..<chunks { total += pw.value.chunkLosses[c] }
                return total.isFinite
            }, secondCount: parameterCount, secondChunks: OptimizerStep.chunks(parameterCount)) { _, range in
                update.apply(range, gradientParts: parts.value)
            }
          }
        }
        ws.gradientParts = chunks
        var total = 0.0
        for c in 0..<chunks { total += ws.chunkLosses[c] }
        return total
    }

    /// Forward passes of `layers` (default all) over every row of `data`, batch by batch in a
    /// fresh inference workspace of `batch` samples (default `inferenceBatch`); `prepare` may
    /// transform each batch's input in place first (e.g. standardise it).
    func infer(_ parameters: [Float], _ data: Matrix, layers range: Range<Int>? = nil, batch: Int? = nil,
               prepare: ((UnsafeMutablePointer<Float>, Int) -> Void)? = nil) -> Matrix {
        let range = range ?? layers.indices
        let n = data.rows, inColumns = data.columns
        let outColumns = layers[range.upperBound - 1].outputShape.count
        var out = Matrix(rows: n, columns: outColumns)
        guard n > 0 else { return out }
        let batch = batch ?? inferenceBatch(rows: n)
        let ws = Workspace(stack: self, capacity: batch, training: false)
        let inputBuffer = range.lowerBound == 0 ? ws.input : ws.activations[range.lowerBound - 1]
        let outputBuffer = ws.activations[range.upperBound - 1]
        parameters.withUnsafeBufferPointer { p in
            data.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    var start = 0
                    while start < n {
                        let b = min(batch, n - start)
                        inputBuffer.update(from: src.baseAddress! + start * inColumns, count: b * inColumns)
                        prepare?(inputBuffer, b)
                        forward(p.baseAddress!, ws, batch: b, layers: range)
                        (dst.baseAddress! + start * outColumns).update(from: outputBuffer, count: b * outColumns)
                        start += b
                    }
                }
            }
        }
        return out
    }
}

/// Every buffer a layer stack needs for batches of up to `capacity` samples, allocated once.
///
/// Not thread-safe: one workspace serves one training loop or one inference call.
final class Workspace {
    let capacity: Int
    /// Network input (`capacity × inputCount`).
    let input: UnsafeMutablePointer<Float>
    /// Reconstruction targets in training (`capacity × inputCount`).
    let target: UnsafeMutablePointer<Float>
    /// Class labels of the batch in training.
    let labels: UnsafeMutablePointer<Int32>
    /// The data rows of the batch when their copy into `input` is left to the workers of a
    /// row-chunked step (`pendingGather` of them; 0 when `input` already holds the batch).
    let batchRows: UnsafeMutablePointer<Int>
    var pendingGather = 0
    /// Output of each layer; the last holds the network's output.
    let activations: [UnsafeMutablePointer<Float>]
    /// Two gradient buffers, used alternately layer by layer.
    let gradientA: UnsafeMutablePointer<Float>
    let gradientB: UnsafeMutablePointer<Float>
    /// Scratch shared by all layers (im2col columns, batch statistics).
    let scratch: UnsafeMutablePointer<Float>
    /// Per-layer index buffers (max-pool winners, dropout masks).
    let indices: [UnsafeMutablePointer<Int32>]
    /// ∂loss/∂parameters, flat like the parameters.
    let parameterGradient: UnsafeMutablePointer<Float>
    /// Floats per row of the gradient buffers (the widest layer input or output).
    let widest: Int
    /// Per row chunk of a data-parallel step (`LayerStack.rowChunkedPass`): its parameter
    /// gradient (the first is `parameterGradient`), its scratch (the first is `scratch`) and its
    /// loss. One entry when training steps are not split.
    let chunkGradients: [UnsafeMutablePointer<Float>]
    let chunkScratch: [UnsafeMutablePointer<Float>]
    let chunkLosses: UnsafeMutablePointer<Double>
    /// `chunkGradients` as one buffer of pointers (for the optimiser inside a row-chunked step).
    let chunkGradientList: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    /// How many of `chunkGradients` hold parts of the last step's gradient, to be added in order.
    var gradientParts = 1
    /// The optimiser step a row-chunked step may run in its own parallel section (set by the
    /// training loop around `computeGradient`), and whether the last step did.
    var inStepUpdate: OptimizerStep?
    var didUpdateInStep = false

    init(stack: LayerStack, capacity: Int, training: Bool) {
        self.capacity = capacity
        func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            return p
        }
        let n = stack.inputCount * capacity
        input = zeros(n)
        target = zeros(training ? n : 1)
        labels = .allocate(capacity: training ? capacity : 1)
        batchRows = .allocate(capacity: training ? capacity : 1)
        activations = stack.layers.map { zeros($0.outputShape.count * capacity) }
        let widest = stack.layers.reduce(stack.inputCount) { max($0, $1.outputShape.count) }
        gradientA = .allocate(capacity: training ? widest * capacity : 1)
        gradientB = .allocate(capacity: training ? widest * capacity : 1)
        scratch = .allocate(capacity: max(1, stack.layers.map { $0.scratchCount(batch: capacity) }.max() ?? 0))
        indices = stack.layers.map { .allocate(capacity: max(1, $0.indexCount(batch: capacity, training: training))) }
        parameterGradient = .allocate(capacity: training ? max(1, stack.parameterCount) : 1)
        self.widest = widest
        let chunks = training ? stack.rowChunks(batch: capacity) : 1
        let chunkRows = (capacity + chunks - 1) / chunks
        let chunkScratchCount = max(1, stack.layers.map { $0.scratchCount(batch: chunkRows) }.max() ?? 0)
        chunkGradients = [parameterGradient] + (1..<chunks).map { _ in .allocate(capacity: max(1, stack.parameterCount)) }
        chunkScratch = [scratch] + (1..<chunks).map { _ in .allocate(capacity: chunkScratchCount) }
        chunkLosses = .allocate(capacity: chunks)
        chunkGradientList = .allocate(capacity: chunks)
        chunkGradientList.initialize(from: chunkGradients, count: chunks)
    }

    deinit {
        input.deallocate(); target.deallocate(); labels.deallocate(); batchRows.deallocate()
        for p in activations { p.deallocate() }
        gradientA.deallocate(); gradientB.deallocate(); scratch.deallocate()
        for p in indices { p.deallocate() }
        parameterGradient.deallocate()
        for p in chunkGradients.dropFirst() { p.deallocate() }
        for p in chunkScratch.dropFirst() { p.deallocate() }
        chunkLosses.deallocate()
        chunkGradientList.deallocate()
    }

    /// Adds the parts of the last step's parameter gradient into `parameterGradient`, in chunk
    /// order (as the optimiser adds them), leaving one part.
    func sumGradientParts(count: Int) {
        for part in chunkGradients[1..<gradientParts] {
            for k in 0..<count { parameterGradient[k] += part[k] }
        }
        gradientParts = 1
    }

    /// The output of the last forward pass over all layers.
    var output: UnsafeMutablePointer<Float> { activations[activations.count - 1] }

    /// What layer `i` reads: the input, or the previous layer's output.
    func input(ofLayer i: Int) -> UnsafePointer<Float> {
        UnsafePointer(i == 0 ? input : activations[i - 1])
    }

    /// Copies rows `indices` of `source` (row-major, `columns` wide) into `destination`.
    static func gather(_ source: UnsafePointer<Float>, columns: Int, rows indices: UnsafeBufferPointer<Int>,
                       into destination: UnsafeMutablePointer<Float>) {
        let src = UnsafeSendable(source), dst = UnsafeSendable(destination), idx = UnsafeSendable(indices)
        let chunks = indices.count * columns < parallelElementThreshold ? 1 : min(8, indices.count)
        Parallel.forEachChunk(count: indices.count, chunks: chunks) { _, range in
            for r in range {
                (dst.value + r * columns).update(from: src.value + idx.value[r] * columns, count: columns)
            }
        }
    }
}
