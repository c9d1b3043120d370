import LatentCore

/// An architecture compiled into layers with resolved shapes and offsets into one flat
/// parameter vector (each layer's weights, then its bias).
struct Network: Sendable {
    let architecture: Architecture
    let layers: [any Layer]
    /// Where each layer's parameters start in the flat vector.
    let offsets: [Int]
    let parameterCount: Int
    /// Index of the layer whose output is the code (the encoder's last layer).
    let codeLayer: Int

    init(_ architecture: Architecture) throws {
        try architecture.validate()
        let shapes = try architecture.outputShapes()
        var layers = [any Layer]()
        var offsets = [Int]()
        var input = architecture.inputShape
        var offset = 0
        for (spec, shape) in zip(architecture.layers, shapes) {
            let layer = makeLayer(spec, input: input, output: shape)
            layers.append(layer)
            offsets.append(offset)
            offset += layer.parameterCount
            input = shape
        }
        self.architecture = architecture
        self.layers = layers
        self.offsets = offsets
        self.parameterCount = offset
        self.codeLayer = architecture.encoder.count - 1
    }

    var inputCount: Int { architecture.inputShape.count }
    var outputCount: Int { layers[layers.count - 1].outputShape.count }
    var codeCount: Int { layers[codeLayer].outputShape.count }

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

    /// Runs `layers[range]` on `batch` samples. The input of layer 0 is `workspace.input`; that
    /// of any other layer is the previous layer's activation buffer.
    func forward(_ parameters: UnsafePointer<Float>, _ ws: Workspace, batch: Int, layers range: Range<Int>,
                 linearLastOutput: Bool = false) {
        for i in range {
            let input = i == 0 ? UnsafePointer(ws.input) : UnsafePointer(ws.activations[i - 1])
            layers[i].forward(ForwardBuffers(
                input: input, output: ws.activations[i], batch: batch, parameters: parameters + offsets[i],
                scratch: ws.scratch, indices: ws.indices[i],
                linearOutput: linearLastOutput && i == layers.count - 1))
        }
    }

    /// Back-propagates `workspace.gradient` (∂loss/∂output of the last layer) to every
    /// parameter, writing `workspace.parameterGradient`. `addToCodeGradient` is called with
    /// ∂loss/∂code when it reaches the code, so a latent regulariser can add its term.
    func backward(_ parameters: UnsafePointer<Float>, _ ws: Workspace, batch: Int, linearLastOutput: Bool,
                  addToCodeGradient: ((UnsafeMutablePointer<Float>) -> Void)? = nil) {
        var g = ws.gradientA, other = ws.gradientB
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let input = i == 0 ? UnsafePointer(ws.input) : UnsafePointer(ws.activations[i - 1])
            layers[i].backward(BackwardBuffers(
                input: input, output: ws.activations[i], outputGradient: g,
                inputGradient: i > 0 ? other : nil, batch: batch, parameters: parameters + offsets[i],
                parameterGradient: ws.parameterGradient + offsets[i], scratch: ws.scratch, indices: ws.indices[i],
                linearOutput: linearLastOutput && i == layers.count - 1))
            if i - 1 == codeLayer, let addToCodeGradient { addToCodeGradient(other) }
            swap(&g, &other)
        }
    }
}

/// Every buffer a network needs for batches of up to `capacity` samples, allocated once.
///
/// Not thread-safe: one workspace serves one training loop or one inference call.
final class Workspace {
    let capacity: Int
    /// Network input (`capacity × inputCount`).
    let input: UnsafeMutablePointer<Float>
    /// Clean targets for denoising (`capacity × inputCount`).
    let target: UnsafeMutablePointer<Float>
    /// Output of each layer.
    let activations: [UnsafeMutablePointer<Float>]
    /// Two gradient buffers, used alternately layer by layer.
    let gradientA: UnsafeMutablePointer<Float>
    let gradientB: UnsafeMutablePointer<Float>
    /// Scratch shared by all layers (im2col columns).
    let scratch: UnsafeMutablePointer<Float>
    /// Per-layer index buffers (max-pool winners).
    let indices: [UnsafeMutablePointer<Int32>]
    /// ∂loss/∂parameters, flat like the parameters.
    let parameterGradient: UnsafeMutablePointer<Float>

    init(network: Network, capacity: Int, training: Bool) {
        self.capacity = capacity
        let n = network.inputCount * capacity
        input = .allocate(capacity: n)
        input.initialize(repeating: 0, count: n)
        target = .allocate(capacity: training ? n : 1)
        activations = network.layers.map { layer in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: layer.outputShape.count * capacity)
            p.initialize(repeating: 0, count: layer.outputShape.count * capacity)
            return p
        }
        let widest = network.layers.reduce(network.inputCount) { max($0, $1.outputShape.count) }
        gradientA = .allocate(capacity: training ? widest * capacity : 1)
        gradientB = .allocate(capacity: training ? widest * capacity : 1)
        let scratchCount = network.layers.map { $0.scratchCount(batch: capacity) }.max() ?? 0
        scratch = .allocate(capacity: max(1, scratchCount))
        indices = network.layers.map { .allocate(capacity: max(1, $0.indexCount(batch: capacity))) }
        parameterGradient = .allocate(capacity: training ? max(1, network.parameterCount) : 1)
    }

    deinit {
        input.deallocate(); target.deallocate()
        for p in activations { p.deallocate() }
        gradientA.deallocate(); gradientB.deallocate(); scratch.deallocate()
        for p in indices { p.deallocate() }
        parameterGradient.deallocate()
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
