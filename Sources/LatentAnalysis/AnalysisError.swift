/// Errors from the analysis functions; each names the argument at fault.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidArgument(let s): return s
        }
    }
}
