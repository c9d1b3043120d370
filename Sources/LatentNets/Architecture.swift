import LatentCore

/// How a convolution or pooling window treats the border.
public enum Padding: String, Sendable, Equatable, Hashable, Codable {
    /// Zero padding so that (at stride 1) the output keeps the input's size; for pooling, a
    /// partial window at the border is kept (the output is ⌈size / stride⌉).
    case same
    /// No padding: only windows that fit entirely inside the input.
    case valid
}

/// One layer of an architecture, as the user describes it (shapes are inferred).
///
/// Weights are stored in Keras's layout: a dense kernel is `inputs × units` (so `y = x·W + b`),
/// a convolution kernel `kernelHeight × kernelWidth × inputChannels × filters` (HWIO). Images
/// are channels-last (NHWC), which is how a flattened image row is stored anyway.
public enum LayerSpec: Sendable, Equatable, Hashable, Codable {
    /// A fully connected layer; an image input is read as its flattened NHWC vector.
    case dense(units: Int, activation: Activation)
    /// A 2-D convolution with `filters` output channels.
    case conv2D(filters: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Padding, activation: Activation)
    /// Max pooling over `size × size` windows with stride `size`.
    case maxPool2D(size: Int, padding: Padding)
    /// Nearest-neighbour upsampling: each pixel repeated `factor × factor` times.
    case upSampling2D(factor: Int)
    /// Reinterprets the sample as `shape` (same number of values).
    case reshape(TensorShape)
    /// Reinterprets an image as the vector of its NHWC values.
    case flatten

    /// A square 3×3-style convolution with stride 1.
    public static func conv2D(filters: Int, kernelSize: Int = 3, padding: Padding = .same,
                              activation: Activation) -> LayerSpec {
        .conv2D(filters: filters, kernelHeight: kernelSize, kernelWidth: kernelSize, stride: 1,
                padding: padding, activation: activation)
    }

    /// The activation of a dense or convolutional layer (`nil` for layers without one).
    public var activation: Activation? {
        switch self {
        case .dense(_, let a), .conv2D(_, _, _, _, _, let a): return a
        default: return nil
        }
    }
}

/// A whole autoencoder: the input shape, the encoder's layers (the last one produces the code)
/// and the decoder's layers (the last one produces the reconstruction).
///
/// ```swift
/// let arch = try Architecture(spec: "784-128-64-12-2", activation: .relu, output: .sigmoid)
/// var model = try Autoencoder(architecture: arch, seed: 1)
/// ```
public struct Architecture: Sendable, Equatable, Hashable, Codable {
    /// The shape of one input sample.
    public var inputShape: TensorShape
    /// Layers from the input to the code.
    public var encoder: [LayerSpec]
    /// Layers from the code to the reconstruction.
    public var decoder: [LayerSpec]
    /// A variational autoencoder (Kingma & Welling 2014): the encoder's last layer, a linear
    /// dense layer of `z` units, then produces a mean and a log-variance per code value
    /// (`2z` outputs), and training decodes a sample `mean + exp(½ log-variance) · ε` drawn
    /// from N(0, I) noise; inference uses the mean. Default false.
    public var isVariational = false

    public init(inputShape: TensorShape, encoder: [LayerSpec], decoder: [LayerSpec], variational: Bool = false) {
        self.inputShape = inputShape
        self.encoder = encoder
        self.decoder = decoder
        self.isVariational = variational
    }

    private enum CodingKeys: String, CodingKey { case inputShape, encoder, decoder, variational }

    /// Reads files written before variational models existed (no `variational` key) as plain autoencoders.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputShape = try c.decode(TensorShape.self, forKey: .inputShape)
        encoder = try c.decode([LayerSpec].self, forKey: .encoder)
        self.decoder = try c.decode([LayerSpec].self, forKey: .decoder)
        isVariational = try c.decodeIfPresent(Bool.self, forKey: .variational) ?? false
    }

    /// Writes `variational` only for a variational model, so plain models' files are unchanged.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputShape, forKey: .inputShape)
        try c.encode(self.encoder, forKey: .encoder)
        try c.encode(decoder, forKey: .decoder)
        if isVariational { try c.encode(true, forKey: .variational) }
    }

    /// This architecture as a variational autoencoder (see `isVariational`); its code layer
    /// becomes linear.
    /// - Throws: `NetsError.invalidArchitecture` when the encoder does not end in a dense layer.
    public func variational() throws -> Architecture {
        guard case .dense(let units, _) = encoder.last else {
            throw NetsError.invalidArchitecture("a variational autoencoder needs a dense code layer, got \(encoder.last?.summary ?? "no encoder")")
        }
        var v = self
        v.encoder[v.encoder.count - 1] = .dense(units: units, activation: .linear)
        v.isVariational = true
        return v
    }

    /// All layers, encoder first.
    public var layers: [LayerSpec] { encoder + decoder }

    /// The shape of each layer's output, in order; throws when the layers do not fit together.
    public func outputShapes() throws -> [TensorShape] {
        var shape = inputShape
        var out = [TensorShape]()
        guard shape.count > 0 else { throw NetsError.invalidArchitecture("input shape \(shape) is empty") }
        for (i, layer) in layers.enumerated() {
            shape = try Architecture.outputShape(of: layer, input: shape, index: i)
            out.append(shape)
        }
        return out
    }

    /// The shape of the code (the encoder's output).
    public func codeShape() throws -> TensorShape {
        let shapes = try outputShapes()
        return encoder.isEmpty ? inputShape : shapes[encoder.count - 1]
    }

    /// Checks that the layers fit together and that the reconstruction has the input's size.
    public func validate() throws {
        guard !encoder.isEmpty, !decoder.isEmpty else {
            throw NetsError.invalidArchitecture("an autoencoder needs at least one encoder and one decoder layer")
        }
        let shapes = try outputShapes()
        guard let last = shapes.last, last.count == inputShape.count else {
            throw NetsError.invalidArchitecture("the decoder ends with \(shapes.last?.description ?? "nothing") values but the input has \(inputShape.count)")
        }
        if isVariational, encoder.last != nil {
            guard case .dense(_, .linear) = encoder.last! else {
                throw NetsError.invalidArchitecture("a variational autoencoder needs a linear dense code layer, got \(encoder.last!.summary)")
            }
        }
        var parameters = 0
        for (layer, input) in zip(layers, [inputShape] + shapes) {
            parameters = MemoryEstimate.sum(parameters, layer.parameterEstimate(input: input))
        }
        try Architecture.checkTrainingMemory(parameters: parameters)
    }

    /// The most values one layer may produce per sample (2³⁰): beyond it, sizes are typing errors.
    public static let maximumValuesPerLayer = 1 << 30

    /// Refuses a model whose training state (weights, gradients and two optimiser moments:
    /// four floats per parameter) cannot fit in memory, before anything is allocated.
    /// - Throws: `NetsError.invalidArchitecture` with the estimate and the limit.
    public static func checkTrainingMemory(parameters: Int) throws {
        let bytes = MemoryEstimate.bytes(floats: MemoryEstimate.product(parameters, 4))
        try MemoryEstimate.check(bytes) { need, limit in
            NetsError.invalidArchitecture("\(parameters == Int.max ? "more than 9·10¹⁸" : String(parameters)) parameters need about \(MemoryEstimate.format(need)) to train, more than the \(MemoryEstimate.format(limit)) available; use smaller layers")
        }
    }

    static func outputShape(of layer: LayerSpec, input s: TensorShape, index i: Int) throws -> TensorShape {
        func fail(_ why: String) -> NetsError { .invalidArchitecture("layer \(i) (\(layer.summary)): \(why)") }
        let shape = try unboundedOutputShape(of: layer, input: s, index: i)
        let count = MemoryEstimate.product(MemoryEstimate.product(shape.height, shape.width), shape.channels)
        guard count <= maximumValuesPerLayer else {
            throw fail("\(count == Int.max ? "more than 9·10¹⁸" : String(count)) values per sample, more than the limit of \(maximumValuesPerLayer)")
        }
        return shape
    }

    private static func unboundedOutputShape(of layer: LayerSpec, input s: TensorShape, index i: Int) throws -> TensorShape {
        func fail(_ why: String) -> NetsError { .invalidArchitecture("layer \(i) (\(layer.summary)): \(why)") }
        switch layer {
        case .dense(let units, _):
            guard units > 0 else { throw fail("needs at least one unit") }
            return .vector(units)
        case .conv2D(let filters, let kh, let kw, let stride, let padding, _):
            guard filters > 0, kh > 0, kw > 0, stride > 0 else { throw fail("filters, kernel and stride must be positive") }
            let (oh, ow) = padding == .same
                ? ((s.height + stride - 1) / stride, (s.width + stride - 1) / stride)
                : ((s.height - kh) / stride + 1, (s.width - kw) / stride + 1)
            guard s.height >= (padding == .valid ? kh : 1), s.width >= (padding == .valid ? kw : 1), oh > 0, ow > 0 else {
                throw fail("a \(kh)×\(kw) kernel does not fit a \(s) input")
            }
            return TensorShape(height: oh, width: ow, channels: filters)
        case .maxPool2D(let size, let padding):
            guard size > 0 else { throw fail("pool size must be positive") }
            let (oh, ow) = padding == .same
                ? ((s.height + size - 1) / size, (s.width + size - 1) / size)
                : (s.height / size, s.width / size)
            guard oh > 0, ow > 0 else { throw fail("a \(size)×\(size) window does not fit a \(s) input") }
            return TensorShape(height: oh, width: ow, channels: s.channels)
        case .upSampling2D(let factor):
            guard factor > 0 else { throw fail("factor must be positive") }
            return TensorShape(height: MemoryEstimate.product(s.height, factor), width: MemoryEstimate.product(s.width, factor),
                               channels: s.channels)
        case .reshape(let target):
            guard target.count == s.count, target.count > 0 else {
                throw fail("cannot reshape \(s) (\(s.count) values) to \(target) (\(target.count) values)")
            }
            return target
        case .flatten:
            return .vector(s.count)
        }
    }
}

extension LayerSpec {
    /// The weights and biases of this layer for a sample of shape `input`, saturating at
    /// `Int.max` (an estimate for absurd sizes must not trap).
    public func parameterEstimate(input: TensorShape) -> Int {
        let p = MemoryEstimate.product
        switch self {
        case .dense(let units, _):
            return MemoryEstimate.sum(p(p(p(input.height, input.width), input.channels), units), units)
        case .conv2D(let filters, let kh, let kw, _, _, _):
            return MemoryEstimate.sum(p(p(p(kh, kw), input.channels), filters), filters)
        case .maxPool2D, .upSampling2D, .reshape, .flatten:
            return 0
        }
    }

    /// A short human-readable description, e.g. `conv 3×3×32 same relu`.
    public var summary: String {
        switch self {
        case .dense(let u, let a): return "dense \(u) \(a.name)"
        case .conv2D(let f, let kh, let kw, let s, let p, let a):
            return "conv \(kh)×\(kw)×\(f)\(s == 1 ? "" : " stride \(s)") \(p.rawValue) \(a.name)"
        case .maxPool2D(let size, let p): return "maxpool \(size) \(p.rawValue)"
        case .upSampling2D(let f): return "upsample \(f)"
        case .reshape(let t): return "reshape \(t)"
        case .flatten: return "flatten"
        }
    }
}

extension Architecture: CustomStringConvertible {
    /// One line per layer with its output shape, e.g. for `--verbose` or a README.
    public var description: String {
        var lines = ["input \(inputShape)"]
        let shapes = (try? outputShapes()) ?? []
        for (i, layer) in layers.enumerated() {
            let role = i < encoder.count ? "encoder" : "decoder"
            let shape = i < shapes.count ? " → \(shapes[i])" : ""
            let code = isVariational ? "   (code: mean and log-variance, sampled in training)" : "   (code)"
            lines.append("\(role) \(layer.summary)\(shape)\(i == encoder.count - 1 ? code : "")")
        }
        return lines.joined(separator: "\n")
    }
}
