import LatentCore

/// An autoencoder: an encoder that compresses each sample to a latent code and a decoder that
/// reconstructs the sample from it, with all weights in one flat `Float` vector.
///
/// ```swift
/// var model = try Autoencoder.dense(inputSize: 784, hidden: [256, 64], codeSize: 20, seed: 1)
/// let history = try model.train(on: train, validation: test, epochs: 20, batchSize: 128,
///                               optimizer: .adam(learningRate: 1e-3), loss: .binaryCrossEntropy)
/// let codes = try model.encode(test.samples)           // 10000 × 20
/// try model.save(to: "model.safetensors")
/// ```
public struct Autoencoder: Sendable {
    /// The layers, from input to code to reconstruction.
    public let architecture: Architecture
    /// All weights and biases, layer by layer (each layer's weight, then its bias).
    public internal(set) var parameters: [Float]
    /// True for a model made by `init(architecture:seed:)` and not trained yet: its first
    /// training starts the output at the mean target (see `TrainingOptions.initializeOutputBias`).
    public internal(set) var isFreshlyInitialized = false
    /// True when the model was trained on deskewed images (`Dataset.deskewed()`), so its inputs
    /// should be deskewed the same way; saved in the file's metadata (`input_preprocessing`).
    public var deskewsInputs = false
    let stack: LayerStack

    /// A freshly initialised model: He-uniform weights before ReLU-family activations,
    /// Xavier-uniform otherwise, zero biases, all drawn from `seed`. (Its first training sets the
    /// output bias to the mean target first; see `TrainingOptions.initializeOutputBias`.)
    /// - Throws: `NetsError.invalidArchitecture` when the layers do not fit together.
    public init(architecture: Architecture, seed: UInt64 = 1) throws {
        self.architecture = architecture
        stack = try LayerStack(architecture)
        parameters = stack.initialParameters(seed: seed)
        isFreshlyInitialized = true
    }

    /// A model with the given parameters (e.g. read from a file).
    /// - Throws: `NetsError.shapeMismatch` when the count does not match the architecture.
    public init(architecture: Architecture, parameters: [Float]) throws {
        let stack = try LayerStack(architecture)
        guard parameters.count == stack.parameterCount else {
            throw NetsError.shapeMismatch("the architecture has \(stack.parameterCount) parameters, got \(parameters.count)")
        }
        self.architecture = architecture
        self.stack = stack
        self.parameters = parameters
    }

    /// A dense autoencoder `inputSize-hidden…-codeSize` with a mirrored decoder.
    ///
    /// - Parameters:
    ///   - activation: hidden layers' activation (default ReLU).
    ///   - codeActivation: the code layer's activation (default linear).
    ///   - outputActivation: the reconstruction's activation (default sigmoid, for data in [0, 1]).
    public static func dense(inputSize: Int, hidden: [Int], codeSize: Int, activation: Activation = .relu,
                             codeActivation: Activation = .linear, outputActivation: Activation = .sigmoid,
                             seed: UInt64 = 1) throws -> Autoencoder {
        let spec = ([inputSize] + hidden + [codeSize]).map(String.init).joined(separator: "-")
        let arch = try Architecture(spec: spec, activation: activation, codeActivation: codeActivation,
                                    output: outputActivation)
        return try Autoencoder(architecture: arch, seed: seed)
    }

    /// The model of a preset (see `Preset`) for images of `imageShape`.
    public static func preset(_ preset: Preset, imageShape: TensorShape = TensorShape(height: 28, width: 28, channels: 1),
                              codeSize: Int? = nil, seed: UInt64 = 1) throws -> Autoencoder {
        try Autoencoder(architecture: preset.architecture(imageShape: imageShape, codeSize: codeSize), seed: seed)
    }

    /// Values per input sample.
    public var inputSize: Int { stack.inputCount }
    /// Values per code (the code's shape flattened).
    public var codeSize: Int { stack.codeCount }
    /// Number of trainable parameters.
    public var parameterCount: Int { stack.parameterCount }
    /// Floating-point operations of one training step per sample (forward and backward
    /// products; element-wise passes not counted).
    public var trainingFLOPsPerSample: Double { stack.trainingFLOPsPerSample }
    /// The index of the layer whose output is the code in `stack` (the encoder's last layer,
    /// or a variational model's sampling layer).
    var codeLayer: Int { stack.codeLayer! }
    /// Whether this is a variational autoencoder (`Architecture.isVariational`): `encode`
    /// gives the mean of each sample's code distribution and the prior is N(0, I).
    public var isVariational: Bool { architecture.isVariational }

    /// The code of each row of `inputs`: `N × codeSize`.
    /// - Throws: `NetsError.shapeMismatch` when `inputs` does not have `inputSize` columns.
    public func encode(_ inputs: Matrix) throws -> Matrix {
        try check(inputs, columns: inputSize, what: "inputs")
        return stack.infer(parameters, inputs, layers: 0..<(codeLayer + 1))
    }

    /// The reconstruction decoded from each row of `codes`: `N × inputSize`.
    public func decode(_ codes: Matrix) throws -> Matrix {
        try check(codes, columns: codeSize, what: "codes")
        return stack.infer(parameters, codes, layers: (codeLayer + 1)..<stack.layers.count)
    }

    /// `decode(encode(inputs))`, in one pass.
    public func reconstruct(_ inputs: Matrix) throws -> Matrix {
        try check(inputs, columns: inputSize, what: "inputs")
        return stack.infer(parameters, inputs)
    }

    /// Mean over all elements of `(reconstruct(inputs) − targets)²`; `targets` defaults to
    /// `inputs` (pass the clean images for a denoiser fed noisy ones).
    public func meanSquaredError(_ inputs: Matrix, targets: Matrix? = nil) throws -> Double {
        let targets = targets ?? inputs
        guard targets.rows == inputs.rows, targets.columns == inputSize else {
            throw NetsError.shapeMismatch("targets are \(targets.rows) × \(targets.columns), expected \(inputs.rows) × \(inputSize)")
        }
        return try reconstruct(inputs).meanSquaredDifference(to: targets)
    }

    /// The named weight tensors (`encoder.0.weight`, `encoder.0.bias`, …) with their shapes.
    public var namedTensors: [(name: String, shape: [Int], values: ArraySlice<Float>)] {
        let code = codeLayer
        return stack.namedTensors(parameters) { i in i <= code ? "encoder.\(i)" : "decoder.\(i - code - 1)" }
    }

    private func check(_ m: Matrix, columns: Int, what: String) throws {
        guard m.columns == columns else {
            throw NetsError.shapeMismatch("\(what) have \(m.columns) columns, the model expects \(columns)")
        }
    }
}
