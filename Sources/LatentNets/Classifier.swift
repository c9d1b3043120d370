import LatentCore

/// A multilayer perceptron that assigns each sample (typically a latent code) to one of
/// `classes` classes: dense ReLU layers, optional batch normalisation and dropout, and a
/// softmax output trained with cross-entropy, on the same layer stack and training loop as the
/// autoencoder.
///
/// ```swift
/// var mlp = try Classifier(architecture: ClassifierArchitecture(inputSize: 20, classes: 10), seed: 1)
/// try mlp.train(on: trainCodes, labels: trainLabels, options: .classifierDefaults)
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
    let stack: LayerStack

    /// A freshly initialised classifier: He-uniform weights before ReLU-family activations,
    /// Xavier-uniform otherwise, zero biases, γ = 1 and β = 0, all drawn from `seed`.
    /// - Throws: `NetsError.invalidArchitecture` for bad sizes or dropout rate.
    public init(architecture: ClassifierArchitecture, seed: UInt64 = 1) throws {
        try architecture.validate()
        let stack = LayerStack(inputCount: architecture.inputSize, layers: architecture.layers())
        self.architecture = architecture
        self.stack = stack
        parameters = stack.initialParameters(seed: seed)
        inputMean = [Float](repeating: 0, count: architecture.inputSize)
        inputScale = [Float](repeating: 1, count: architecture.inputSize)
    }

    /// Features per sample.
    public var inputSize: Int { architecture.inputSize }
    /// Number of classes.
    public var classCount: Int { architecture.classes }
    /// Number of parameters (including the batch-norm running statistics).
    public var parameterCount: Int { stack.parameterCount }

    /// The logits (unnormalised log-probabilities) of each row of `inputs`: `N × classes`.
    /// Inference mode: dropout is off and batch normalisation uses the running statistics.
    /// - Throws: `NetsError.shapeMismatch` when `inputs` does not have `inputSize` columns.
    public func logits(_ inputs: Matrix) throws -> Matrix {
        guard inputs.columns == inputSize else {
            throw NetsError.shapeMismatch("inputs have \(inputs.columns) columns, the classifier expects \(inputSize)")
        }
        return logits(inputs, parameters: parameters)
    }

    /// The logits of `inputs` (already checked) under `parameters`, in batches of 2,048.
    func logits(_ inputs: Matrix, parameters: [Float]) -> Matrix {
        stack.infer(parameters, inputs, batch: min(inputs.rows, 2048)) { x, rows in standardize(x, rows: rows) }
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
        stack.namedTensors(parameters) { "layers.\($0)" }
    }
}
