/// Errors from the analysis functions (clustering, neighbour search, accuracy and embedding
/// metrics); each names the argument at fault.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    /// An argument is outside its range.
    case invalidArgument(String)
    /// `k` is outside the values the data allows; `allowed` describes them.
    case invalidNeighborCount(k: Int, allowed: String)
    /// Two inputs that must describe the same points differ in size.
    case sizeMismatch(String)
    /// The input holds NaN or infinity at this row and column.
    case nonFinite(row: Int, column: Int)
    /// A progress closure returned `.stop`.
    case stopped
    /// The approximate-neighbour index (hnswlib) failed, for example for lack of memory.
    case indexFailed(String)

    public var description: String {
        switch self {
        case .invalidArgument(let s): return s
        case .invalidNeighborCount(let k, let allowed): return "k = \(k) neighbours is not possible here: use \(allowed)"
        case .sizeMismatch(let s): return "size mismatch: \(s)"
        case .nonFinite(let r, let c): return "input holds a NaN or infinite value at row \(r), column \(c)"
        case .stopped: return "stopped by the caller"
        case .indexFailed(let s): return "the approximate-neighbour index failed: \(s)"
        }
    }
}
