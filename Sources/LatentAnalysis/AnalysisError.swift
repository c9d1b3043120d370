/// Errors from LatentAnalysis: neighbour search, classification accuracy and embedding metrics.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    /// `k` is outside the values the data allows; `allowed` describes them.
    case invalidNeighborCount(k: Int, allowed: String)
    /// Two inputs that must describe the same points differ in size.
    case sizeMismatch(String)
    /// The input holds NaN or infinity at this row and column.
    case nonFinite(row: Int, column: Int)
    /// An argument is outside its range (e.g. fewer than 2 folds).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidNeighborCount(let k, let allowed): return "k = \(k) neighbours is not possible here: use \(allowed)"
        case .sizeMismatch(let s): return "size mismatch: \(s)"
        case .nonFinite(let r, let c): return "input holds a NaN or infinite value at row \(r), column \(c)"
        case .invalidArgument(let s): return s
        }
    }
}
