/// Errors from matrix construction and shape checks.
public enum MatrixError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case lapack(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .lapack(let s): return "LAPACK: \(s)"
        }
    }
}

/// Errors from writing files.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(path: String, reason: String)
    case unsupportedExtension(path: String, allowed: [String])

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .unsupportedExtension(let path, let allowed):
            return "\(path): unsupported file extension (use one of: \(allowed.joined(separator: ", ")))"
        }
    }
}
