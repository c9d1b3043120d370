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
        for i in range ?? layers.indices {
            layers[i].forward(ForwardBuffers(
                input: ws.input(ofLayer: i), output: ws.activations[i], batch: batch, parameters: parameters + offsets[i],
                scratch: ws.scratch, indices: ws.indices[i],
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
        var g = ws.gradientA, other = ws.gradientB
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            layers[i].backward(BackwardBuffers(
                input: ws.input(ofLayer: i), output: ws.activations[i], outputGradient: g,
                inputGradient: i > 0 ? other : nil, batch: batch, parameters: parameters + offsets[i],
                parameterGradient: ws.parameterGradient + offsets[i], scratch: ws.scratch, indices: ws.indices[i],
                linearOutput: linearLastOutput && i == layers.count - 1, training: true))
            if i - 1 == hookLayer, let addToCodeGradient { addToCodeGradient(other) }
            swap(&g, &other)
        }
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
        activations = stack.layers.map { zeros($0.outputShape.count * capacity) }
        let widest = stack.layers.reduce(stack.inputCount) { max($0, $1.outputShape.count) }
        gradientA = .allocate(capacity: training ? widest * capacity : 1)
        gradientB = .allocate(capacity: training ? widest * capacity : 1)
        scratch = .allocate(capacity: max(1, stack.layers.map { $0.scratchCount(batch: capacity) }.max() ?? 0))
        indices = stack.layers.map { .allocate(capacity: max(1, $0.indexCount(batch: capacity, training: training))) }
        parameterGradient = .allocate(capacity: training ? max(1, stack.parameterCount) : 1)
    }

    deinit {
        input.deallocate(); target.deallocate(); labels.deallocate()
        for p in activations { p.deallocate() }
        gradientA.deallocate(); gradientB.deallocate(); scratch.deallocate()
        for p in indices { p.deallocate() }
        parameterGradient.deallocate()
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
