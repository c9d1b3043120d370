import LatentCore

/// The layers of a multilayer-perceptron classifier: dense hidden layers, each optionally
/// batch-normalised and followed by dropout, then a linear layer of one logit per class whose
/// softmax gives the class probabilities.
///
/// A hidden block is `dense → f` without batch normalisation and `dense (linear) → batch
/// norm → f` with it; dropout, when enabled, follows each hidden block.
public struct ClassifierArchitecture: Sendable, Equatable, Hashable, Codable {
    /// Features per input sample (e.g. the latent code size).
    public var inputSize: Int
    /// Units of each hidden layer (default `[256, 128]`; see `wideHidden` for 1000-500-500).
    public var hidden: [Int]
    /// Number of classes; labels are `0..<classes`.
    public var classes: Int
    /// The hidden layers' activation (default ReLU).
    public var activation: Activation
    /// Dropout rate after each hidden block, in [0, 1) (default 0: no dropout).
    public var dropout: Float
    /// Whether each hidden layer is batch-normalised before its activation (default false).
    public var batchNormalization: Bool
    /// Whether inputs are standardised (per feature: minus the training mean, divided by the
    /// training standard deviation) before the first layer (default true). Latent codes come
    /// in arbitrary scales; this makes the optimiser's defaults work for all of them.
    public var standardizesInputs: Bool

    /// The hidden sizes of the classifier in the issue that asked for this one (1000-500-500):
    /// about 0.8 M parameters on a 50-D code, several times slower to train than the default.
    public static let wideHidden = [1000, 500, 500]

    public init(inputSize: Int, hidden: [Int] = [256, 128], classes: Int, activation: Activation = .relu,
                dropout: Float = 0, batchNormalization: Bool = false, standardizesInputs: Bool = true) {
        self.inputSize = inputSize
        self.hidden = hidden
        self.classes = classes
        self.activation = activation
        self.dropout = dropout
        self.batchNormalization = batchNormalization
        self.standardizesInputs = standardizesInputs
    }

    /// Checks sizes and the dropout rate.
    /// - Throws: `NetsError.invalidArchitecture` naming the value at fault.
    public func validate() throws {
        guard inputSize > 0 else { throw NetsError.invalidArchitecture("a classifier needs at least one input feature, got \(inputSize)") }
        guard classes >= 2 else { throw NetsError.invalidArchitecture("a classifier needs at least 2 classes, got \(classes)") }
        if let bad = hidden.first(where: { $0 < 1 }) {
            throw NetsError.invalidArchitecture("hidden layer sizes must be positive, got \(bad)")
        }
        guard dropout >= 0, dropout < 1 else {
            throw NetsError.invalidArchitecture("dropout rate must be in [0, 1), got \(dropout)")
        }
        if let wide = ([inputSize] + hidden + [classes]).first(where: { $0 > Architecture.maximumValuesPerLayer }) {
            throw NetsError.invalidArchitecture("a layer of \(wide) values is more than the limit of \(Architecture.maximumValuesPerLayer)")
        }
        let sizes = [inputSize] + hidden + [classes]
        var parameters = 0
        for (a, b) in zip(sizes, sizes.dropFirst()) {
            parameters = MemoryEstimate.sum(parameters, MemoryEstimate.product(a, b), b, batchNormalization ? 4 * b : 0)
        }
        try Architecture.checkTrainingMemory(parameters: parameters)
    }

    /// `20-256-128-10 relu`, plus ` batch-norm` and ` dropout 0.2` when enabled.
    public var summary: String {
        var s = ([inputSize] + hidden + [classes]).map(String.init).joined(separator: "-")
        if !hidden.isEmpty { s += " \(activation.name)" }
        if batchNormalization { s += " batch-norm" }
        if dropout > 0 { s += " dropout \(dropout)" }
        return s
    }

    /// The layers, from the input to the logits.
    func layers() -> [any Layer] {
        var layers = [any Layer]()
        var input = TensorShape.vector(inputSize)
        for units in hidden {
            let output = TensorShape.vector(units)
            layers.append(DenseLayer(inputShape: input, outputShape: output, activation: batchNormalization ? .linear : activation))
            if batchNormalization {
                layers.append(BatchNormalizationLayer(inputShape: output, activation: activation))
            }
            if dropout > 0 { layers.append(DropoutLayer(inputShape: output, rate: dropout)) }
            input = output
        }
        layers.append(DenseLayer(inputShape: input, outputShape: .vector(classes), activation: .linear))
        return layers
    }
}
