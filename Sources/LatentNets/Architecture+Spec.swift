import LatentCore

extension Architecture {
    /// A dense autoencoder from a spec string such as `784-128-64-12-2`: the input size, the
    /// encoder's hidden sizes and the code size. The decoder mirrors the encoder.
    ///
    /// A size may carry its layer's activation after a colon (`784-128:tanh-64-2:linear`); sizes
    /// without one use `activation` (hidden layers) or `codeActivation` (the code). Mirrored
    /// decoder layers take the activation of the encoder layer of the same size, and the last
    /// decoder layer uses `output`. A spec that is already symmetric (`784-100-20-100-784`) is read
    /// as the whole network, its middle size being the code.
    ///
    /// - Throws: `NetsError.invalidSpec` naming the spec and the token at fault.
    public init(spec: String, activation: Activation = .relu, codeActivation: Activation = .linear,
                output: Activation = .sigmoid) throws {
        let tokens = spec.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        var sizes = [Int](), acts = [Activation?]()
        for token in tokens {
            let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
            guard let first = parts.first, let n = Int(first.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw NetsError.invalidSpec(spec: spec, reason: "'\(token)' is not a positive layer size")
            }
            sizes.append(n)
            if parts.count == 2 {
                guard let a = Activation(name: parts[1]) else {
                    throw NetsError.invalidSpec(spec: spec, reason: "unknown activation '\(parts[1])' (use relu, leaky-relu, tanh, sigmoid or linear)")
                }
                acts.append(a)
            } else {
                acts.append(nil)
            }
        }
        guard sizes.count >= 2 else {
            throw NetsError.invalidSpec(spec: spec, reason: "give the input size and at least a code size, e.g. 784-32")
        }
        if acts[0] != nil {
            throw NetsError.invalidSpec(spec: spec, reason: "the input size takes no activation")
        }
        let symmetric = sizes.count >= 3 && sizes.count % 2 == 1 && sizes == Array(sizes.reversed())
        if symmetric {
            let mid = sizes.count / 2
            let layers: [LayerSpec] = (1..<sizes.count).map { i in
                let a = acts[i] ?? (i == sizes.count - 1 ? output : i == mid ? codeActivation : activation)
                return .dense(units: sizes[i], activation: a)
            }
            self.init(inputShape: .vector(sizes[0]), encoder: Array(layers[..<mid]), decoder: Array(layers[mid...]))
            return
        }
        var encoder = [LayerSpec]()
        for i in 1..<sizes.count {
            let a = acts[i] ?? (i == sizes.count - 1 ? codeActivation : activation)
            encoder.append(.dense(units: sizes[i], activation: a))
        }
        var decoder = [LayerSpec]()
        for i in stride(from: sizes.count - 2, through: 0, by: -1) {
            let a = i == 0 ? output : (acts[i] ?? activation)
            decoder.append(.dense(units: sizes[i], activation: a))
        }
        self.init(inputShape: .vector(sizes[0]), encoder: encoder, decoder: decoder)
    }

    /// The spec string of a purely dense architecture (`784-128-64-2`), or `nil` for others.
    public var denseSpec: String? {
        var sizes = [inputShape.count]
        for layer in encoder {
            guard case .dense(let u, _) = layer else { return nil }
            sizes.append(u)
        }
        return sizes.map(String.init).joined(separator: "-")
    }
}

/// The published autoencoder designs LatentMap reproduces, each with its training recipe.
public enum Preset: String, Sendable, CaseIterable {
    /// 784-128-64-12-2, ReLU, linear 2-D code, sigmoid output; Adam 1e-3, batch 128.
    case dense2d
    /// 784-100-20-100-784, ReLU (including the code), sigmoid output; RMSprop 1e-3, batch 128, MSE.
    case dense20
    /// 784-500-300-2, ReLU, linear code, mirrored decoder, sigmoid output; Adam 1e-3, batch 128.
    case deep2d
    /// Encoder 800-400-L with tanh and a linear code, decoder 400-800 ReLU, sigmoid output;
    /// Adam 1e-3, batch 1000, early stopping on a 10% validation split.
    case stacked
    /// Conv 3×3 (8) → pool → conv (4) → pool → conv (4) → pool to a 4×4×4 code, mirrored with
    /// upsampling (Keras blog layout, one valid convolution to get back from 8 to 14 pixels).
    case conv
    /// Conv 3×3 (32) → pool → conv (32) → pool, mirrored with upsampling, trained on inputs with
    /// Gaussian noise (factor 0.5, clipped to [0, 1]); RMSprop 1e-3, MSE.
    case convDenoise = "conv-denoise"

    /// The default code size (the conv presets' codes are fixed by their layers).
    public var defaultCodeSize: Int {
        switch self {
        case .dense2d, .deep2d: return 2
        case .dense20: return 20
        case .stacked: return 10
        case .conv: return 64
        case .convDenoise: return 32 * 7 * 7
        }
    }

    /// Whether `codeSize` can be changed (only for the dense presets).
    public var hasAdjustableCode: Bool { self != .conv && self != .convDenoise }

    /// The preset's architecture for images of `imageShape` (28×28×1 for MNIST).
    ///
    /// - Parameter codeSize: the latent size of the dense presets (default `defaultCodeSize`).
    /// - Throws: `NetsError.invalidArchitecture` when the conv presets get images whose sides
    ///   they cannot halve and restore, or when a code size is given to a conv preset.
    public func architecture(imageShape: TensorShape = TensorShape(height: 28, width: 28, channels: 1),
                             codeSize: Int? = nil) throws -> Architecture {
        if let codeSize, !hasAdjustableCode, codeSize != defaultCodeSize {
            throw NetsError.invalidArchitecture("preset \(rawValue) has a fixed code of \(defaultCodeSize) values")
        }
        let code = codeSize ?? defaultCodeSize
        guard code > 0 else { throw NetsError.invalidArchitecture("code size must be positive, got \(code)") }
        let d = imageShape.count
        let arch: Architecture
        switch self {
        case .dense2d:
            arch = try Architecture(spec: "\(d)-128-64-12-\(code)")
        case .dense20:
            arch = try Architecture(spec: "\(d)-100-\(code)", codeActivation: .relu)
        case .deep2d:
            arch = try Architecture(spec: "\(d)-500-300-\(code)")
        case .stacked:
            arch = Architecture(
                inputShape: .vector(d),
                encoder: [.dense(units: 800, activation: .tanh), .dense(units: 400, activation: .tanh),
                          .dense(units: code, activation: .linear)],
                decoder: [.dense(units: 400, activation: .relu), .dense(units: 800, activation: .relu),
                          .dense(units: d, activation: .sigmoid)])
        case .conv:
            arch = Architecture(
                inputShape: imageShape,
                encoder: [.conv2D(filters: 8, activation: .relu), .maxPool2D(size: 2, padding: .same),
                          .conv2D(filters: 4, activation: .relu), .maxPool2D(size: 2, padding: .same),
                          .conv2D(filters: 4, activation: .relu), .maxPool2D(size: 2, padding: .same)],
                decoder: [.conv2D(filters: 4, activation: .relu), .upSampling2D(factor: 2),
                          .conv2D(filters: 4, activation: .relu), .upSampling2D(factor: 2),
                          .conv2D(filters: 8, padding: .valid, activation: .relu), .upSampling2D(factor: 2),
                          .conv2D(filters: imageShape.channels, activation: .sigmoid)])
        case .convDenoise:
            arch = Architecture(
                inputShape: imageShape,
                encoder: [.conv2D(filters: 32, activation: .relu), .maxPool2D(size: 2, padding: .same),
                          .conv2D(filters: 32, activation: .relu), .maxPool2D(size: 2, padding: .same)],
                decoder: [.conv2D(filters: 32, activation: .relu), .upSampling2D(factor: 2),
                          .conv2D(filters: 32, activation: .relu), .upSampling2D(factor: 2),
                          .conv2D(filters: imageShape.channels, activation: .sigmoid)])
        }
        try arch.validate()
        return arch
    }

    /// The preset's training recipe (optimiser, batch size, loss, noise, early stopping).
    public var training: TrainingOptions {
        var o = TrainingOptions()
        switch self {
        case .dense2d, .deep2d:
            o.optimizer = .adam(learningRate: 1e-3); o.batchSize = 128
        case .dense20, .conv:
            o.optimizer = .rmsprop(learningRate: 1e-3); o.batchSize = 128
        case .stacked:
            o.optimizer = .adam(learningRate: 1e-3); o.batchSize = 1000
            o.validationFraction = 0.1; o.patience = 5
        case .convDenoise:
            o.optimizer = .rmsprop(learningRate: 1e-3); o.batchSize = 128
            o.noise = .gaussian(factor: 0.5)
        }
        o.loss = .meanSquaredError
        return o
    }
}
