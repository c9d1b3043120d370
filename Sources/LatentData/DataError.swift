import LatentCore

/// Everything that can be wrong with input data. Each case names the file (or dataset, or
/// option) at fault; `description` is the one line the CLI prints.
public enum DataError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case invalidValue(path: String, reason: String)
    case countMismatch(images: String, labels: String, imageCount: Int, labelCount: Int)
    case unknownDataset(name: String, known: [String])
    case invalidArgument(String)
    /// Loading would need more memory than is available (bytes).
    case tooLarge(path: String, estimate: Int, available: Int)

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "\(path): no such file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .malformed(let path, let reason): return "\(path): \(reason)"
        case .invalidValue(let path, let reason): return "\(path): \(reason)"
        case .countMismatch(let images, let labels, let ni, let nl):
            return "\(labels): \(nl) labels but \(images) has \(ni) images"
        case .unknownDataset(let name, let known):
            return "unknown dataset '\(name)': not a file, and not one of \(known.joined(separator: ", "))"
        case .invalidArgument(let s): return s
        case .tooLarge(let path, let estimate, let available):
            return "\(path): loading it needs about \(MemoryEstimate.format(estimate)) but only \(MemoryEstimate.format(available)) is available: use a smaller part or raise the memory limit"
        }
    }
}
