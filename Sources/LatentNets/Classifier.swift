import LatentCore

/// A multilayer perceptron that assigns each sample (typically a latent code) to one of
/// `classes` classes: dense ReLU layers, optional batch normalisation and dropout, and a
/// softmax output trained with cross-entropy, using the autoencoder engine's dense layers and
/// optimisers.
///
/// ```swift
/// var mlp = try Classifier(architecture: ClassifierArchitecture(inputSize: 20, classes: 10), seed: 1)
/// try mlp.train(on: trainCodes, labels: trainLabels, options: ClassifierTrainingOptions())
/// let accuracy = try mlp.accuracy(testCodes, labels: testLabels)      // e.g. 0.95
/// let p = try mlp.predictProbabilities(testCodes)                     // N × 10, rows sum to 1
/// ```
public struct Classifier: Sendable {
    /// The layer sizes and options.
    public let architecture: ClassifierArchitecture
    /// All weights, biases and batch-norm parameters, layer by layer.
    public internal(set) var parameters: [Float]
    /// Per-feature mean subtracted from inputs (zeros until standardisation is fitted).
    public internal(set) var inputMean: [Float]
    /// Per-feature factor applied to centred inputs (ones until standardisation is fitted).
    public internal(set) var inputScale: [Float]
    /// Whether `inputMean` and `inputScale` have been fitted (by the first `train`).
    public internal(set) var isStandardizationFitted = false
    let network: ClassifierNetwork

    /// A freshly initialised classifier: He-uniform weights before ReLU-family activations,
    /// Xavier-uniform otherwise, zero biases, γ = 1 and β = 0, all drawn from `seed`.
    /// - Throws: `NetsError.invalidArchitecture` for bad sizes or dropout rate.
    public init(architecture: ClassifierArchitecture, seed: UInt64 = 1) throws {
        try architecture.validate()
        let network = ClassifierNetwork(architecture)
        var parameters = [Float](repeating: 0, count: network.parameterCount)
        var rng = SeededGenerator(seed: seed)
        parameters.withUnsafeMutableBufferPointer { p in
            for (layer, offset) in zip(network.inferenceLayers, network.offsets) {
                layer.initialize(p.baseAddress! + offset, using: &rng)
            }
        }
        self.architecture = architecture
        self.network = network
        self.parameters = parameters
        inputMean = [Float](repeating: 0, count: architecture.inputSize)
        inputScale = [Float](repeating: 1, count: architecture.inputSize)
    }

    /// Features per sample.
    public var inputSize: Int { architecture.inputSize }
    /// Number of classes.
    public var classCount: Int { architecture.classes }
    /// Number of parameters (including the batch-norm running statistics).
    public var parameterCount: Int { network.parameterCount }

    /// The logits (unnormalised log-probabilities) of each row of `inputs`: `N × classes`.
    /// Inference mode: dropout is off and batch normalisation uses the running statistics.
    /// - Throws: `NetsError.shapeMismatch` when `inputs` does not have `inputSize` columns.
    public func logits(_ inputs: Matrix) throws -> Matrix {
        guard inputs.columns == inputSize else {
            throw NetsError.shapeMismatch("inputs have \(inputs.columns) columns, the classifier expects \(inputSize)")
        }
        let n = inputs.rows, d = inputSize, k = classCount
        var out = Matrix(rows: n, columns: k)
        guard n > 0 else { return out }
        let batch = min(n, 2048)
        let ws = ClassifierWorkspace(network: network, capacity: batch, training: false)
        parameters.withUnsafeBufferPointer { p in
            inputs.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    var start = 0
                    while start < n {
                        let b = min(batch, n - start)
                        ws.input.update(from: src.baseAddress! + start * d, count: b * d)
                        standardize(ws.input, rows: b)
                        network.forward(p.baseAddress!, ws, batch: b, training: false)
                        (dst.baseAddress! + start * k).update(from: ws.output, count: b * k)
                        start += b
                    }
                }
            }
        }
        return out
    }

    /// The class probabilities of each row of `inputs`: `N × classes`, rows summing to 1.
    public func predictProbabilities(_ inputs: Matrix) throws -> Matrix {
        var p = try logits(inputs)
        let (rows, classes) = (p.rows, p.columns)
        p.withUnsafeMutableBufferPointer { SoftmaxCrossEntropy.softmax($0.baseAddress!, rows: rows, classes: classes) }
        return p
    }

    /// The most probable class of each row of `inputs` (ties go to the smaller class).
    public func predict(_ inputs: Matrix) throws -> [Int] {
        try logits(inputs).rowArgmax()
    }

    /// The fraction of rows of `inputs` whose predicted class equals `labels`.
    /// - Throws: `NetsError.shapeMismatch` when the counts differ or there are no rows.
    public func accuracy(_ inputs: Matrix, labels: [Int]) throws -> Double {
        guard labels.count == inputs.rows else {
            throw NetsError.shapeMismatch("\(labels.count) labels for \(inputs.rows) samples")
        }
        guard inputs.rows > 0 else { throw NetsError.invalidOption("accuracy needs at least one sample") }
        let predicted = try predict(inputs)
        var right = 0
        for i in predicted.indices where predicted[i] == labels[i] { right += 1 }
        return Double(right) / Double(inputs.rows)
    }

    /// `(x − mean) · scale` per feature, in place, for `rows` rows in a workspace buffer.
    func standardize(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        guard isStandardizationFitted else { return }
        let d = inputSize
        inputMean.withUnsafeBufferPointer { mean in
            inputScale.withUnsafeBufferPointer { scale in
                for r in 0..<rows {
                    let row = x + r * d
                    for c in 0..<d { row[c] = (row[c] - mean[c]) * scale[c] }
                }
            }
        }
    }

    /// The named tensors (`layers.0.weight`, `layers.1.gamma`, …) with their shapes, in
    /// parameter order.
    public var namedTensors: [(name: String, shape: [Int], values: ArraySlice<Float>)] {
        var out = [(name: String, shape: [Int], values: ArraySlice<Float>)]()
        for (i, layer) in network.inferenceLayers.enumerated() {
            var offset = network.offsets[i]
            for (name, shape) in layer.parameterShapes {
                let n = shape.reduce(1, *)
                out.append(("layers.\(i).\(name)", shape, parameters[offset..<(offset + n)]))
                offset += n
            }
        }
        return out
    }
}

/// A classifier's layers, twice (training and inference behaviour share one parameter layout),
/// with each layer's offset into the flat parameter vector.
struct ClassifierNetwork: Sendable {
    let trainingLayers: [any Layer]
    let inferenceLayers: [any Layer]
    let offsets: [Int]
    let parameterCount: Int
    let inputCount: Int
    let outputCount: Int

    init(_ architecture: ClassifierArchitecture) {
        trainingLayers = architecture.layers(training: true)
        inferenceLayers = architecture.layers(training: false)
        var offsets = [Int](), offset = 0
        for layer in inferenceLayers {
            offsets.append(offset)
            offset += layer.parameterCount
        }
        self.offsets = offsets
        parameterCount = offset
        inputCount = architecture.inputSize
        outputCount = architecture.classes
    }

    func layers(training: Bool) -> [any Layer] { training ? trainingLayers : inferenceLayers }

    /// Runs every layer on `batch` samples in `ws.input`; the logits end in `ws.output`.
    func forward(_ parameters: UnsafePointer<Float>, _ ws: ClassifierWorkspace, batch: Int, training: Bool) {
        let layers = self.layers(training: training)
        for i in layers.indices {
            layers[i].forward(ForwardBuffers(
                input: ws.input(ofLayer: i), output: ws.activations[i], batch: batch, parameters: parameters + offsets[i],
                scratch: ws.scratch, indices: ws.indices[i], linearOutput: false))
        }
    }

    /// Back-propagates `ws.gradientA` (∂loss/∂logits) through the training layers into
    /// `ws.parameterGradient`.
    func backward(_ parameters: UnsafePointer<Float>, _ ws: ClassifierWorkspace, batch: Int) {
        var g = ws.gradientA, other = ws.gradientB
        for i in stride(from: trainingLayers.count - 1, through: 0, by: -1) {
            trainingLayers[i].backward(BackwardBuffers(
                input: ws.input(ofLayer: i), output: ws.activations[i], outputGradient: g,
                inputGradient: i > 0 ? other : nil, batch: batch, parameters: parameters + offsets[i],
                parameterGradient: ws.parameterGradient + offsets[i], scratch: ws.scratch, indices: ws.indices[i],
                linearOutput: false))
            swap(&g, &other)
        }
    }
}

/// Every buffer a classifier needs for batches of up to `capacity` samples, allocated once.
/// Not thread-safe: one workspace serves one training loop or one inference call.
final class ClassifierWorkspace {
    let capacity: Int
    /// Standardised inputs (`capacity × inputCount`).
    let input: UnsafeMutablePointer<Float>
    /// The batch's labels.
    let labels: UnsafeMutablePointer<Int32>
    /// Output of each layer; the last holds the logits.
    let activations: [UnsafeMutablePointer<Float>]
    /// Two gradient buffers, used alternately layer by layer.
    let gradientA: UnsafeMutablePointer<Float>
    let gradientB: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    /// Per-layer index buffers (dropout masks).
    let indices: [UnsafeMutablePointer<Int32>]
    /// ∂loss/∂parameters, flat like the parameters.
    let parameterGradient: UnsafeMutablePointer<Float>

    init(network: ClassifierNetwork, capacity: Int, training: Bool) {
        self.capacity = capacity
        let layers = network.layers(training: training)
        input = .allocate(capacity: network.inputCount * capacity)
        labels = .allocate(capacity: capacity)
        activations = layers.map { .allocate(capacity: $0.outputShape.count * capacity) }
        let widest = layers.reduce(network.inputCount) { max($0, $1.outputShape.count) }
        gradientA = .allocate(capacity: training ? widest * capacity : 1)
        gradientB = .allocate(capacity: training ? widest * capacity : 1)
        scratch = .allocate(capacity: max(1, layers.map { $0.scratchCount(batch: capacity) }.max() ?? 0))
        indices = layers.map { .allocate(capacity: max(1, $0.indexCount(batch: capacity))) }
        parameterGradient = .allocate(capacity: training ? max(1, network.parameterCount) : 1)
    }

    deinit {
        input.deallocate(); labels.deallocate()
        for p in activations { p.deallocate() }
        gradientA.deallocate(); gradientB.deallocate(); scratch.deallocate()
        for p in indices { p.deallocate() }
        parameterGradient.deallocate()
    }

    /// The logits of the last forward pass.
    var output: UnsafeMutablePointer<Float> { activations[activations.count - 1] }

    /// What layer `i` reads: the standardised inputs, or the previous layer's output.
    func input(ofLayer i: Int) -> UnsafePointer<Float> {
        UnsafePointer(i == 0 ? input : activations[i - 1])
    }
}
