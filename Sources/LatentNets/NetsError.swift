/// Everything that can go wrong while building, training, saving or loading an autoencoder.
/// Each case names what is at fault; `description` is the one line the CLI prints.
public enum NetsError: Error, CustomStringConvertible, Equatable {
    /// An architecture whose layers do not fit together (shapes, sizes, kernel larger than input).
    case invalidArchitecture(String)
    /// A layer spec string such as `784-128-64-2` that cannot be parsed.
    case invalidSpec(spec: String, reason: String)
    /// Data whose shape does not match the model (e.g. 784 columns for a 1,024-input model).
    case shapeMismatch(String)
    /// A training option out of range (batch size, epochs, validation fraction, …).
    case invalidOption(String)
    /// The loss became NaN, infinite or exploded; the model keeps the last good weights.
    case diverged(epoch: Int, batch: Int, loss: Double)
    /// A model or safetensors file that is damaged, truncated or does not match the model.
    case invalidModelFile(path: String, reason: String)
    /// A file that could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArchitecture(let s): return "invalid architecture: \(s)"
        case .invalidSpec(let spec, let reason): return "invalid layer spec '\(spec)': \(reason)"
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .invalidOption(let s): return s
        case .diverged(let epoch, let batch, let loss):
            return "training diverged at epoch \(epoch), batch \(batch) (loss \(loss)); kept the weights of the last good epoch — try a smaller learning rate"
        case .invalidModelFile(let path, let reason): return "\(path): not a valid model file: \(reason)"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        }
    }
}
