import LatentCore

/// Errors from building or drawing a figure.
///
/// Problems with the output file itself (an unknown extension, a directory that does not exist or
/// cannot be written) are LatentCore's `OutputError`, shared by every module that writes files.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// Two inputs that must have one entry per point (or per image) differ in length.
    case lengthMismatch(what: String, expected: Int, got: Int)
    /// A coordinate or value is NaN or infinite.
    case nonFinite(what: String, index: Int)
    /// The data has no points, images or series to draw.
    case empty(what: String)
    /// A parameter is outside its allowed range.
    case invalidArgument(String)
    /// Cairo reported an error while drawing or writing.
    case cairo(operation: String, status: String)
    /// A file the figure needs (a PNG, a class-names file) cannot be read.
    case cannotRead(path: String, reason: String)

    public var description: String {
        switch self {
        case .lengthMismatch(let what, let expected, let got):
            return "\(what): expected \(expected), got \(got)"
        case .nonFinite(let what, let index):
            return "\(what) \(index) is not finite (NaN or infinity)"
        case .empty(let what):
            return "nothing to draw: \(what) is empty"
        case .invalidArgument(let message):
            return message
        case .cairo(let operation, let status):
            return "cairo: \(operation) failed: \(status)"
        case .cannotRead(let path, let reason):
            return "\(path): cannot read: \(reason)"
        }
    }
}
