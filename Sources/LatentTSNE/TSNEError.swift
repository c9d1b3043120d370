import LatentCore

/// Everything that can go wrong when embedding with t-SNE. Each case says what was wrong and
/// what would be accepted.
public enum TSNEError: Error, CustomStringConvertible, Equatable {
    /// t-SNE needs at least 4 points.
    case tooFewPoints(Int)
    /// The perplexity is not a number ≥ 1.
    case invalidPerplexity(Double)
    /// The perplexity cannot be reached with this many points; `maximum` is the exclusive bound.
    case perplexityTooLarge(perplexity: Double, points: Int, maximum: Double)
    /// The input holds NaN or infinity at this row and column.
    case nonFinite(what: String, row: Int, column: Int)
    /// Every input point is the same, so there is no structure to embed.
    case identicalPoints(count: Int)
    /// Given initial positions do not have one row per point and one column per output dimension.
    case initializationShape(expectedRows: Int, expectedColumns: Int, rows: Int, columns: Int)
    /// Precomputed distances or affinities are not a square N × N matrix, or are negative.
    case invalidAffinities(String)
    /// A parameter is out of range; `allowed` says what is accepted.
    case invalidParameter(name: String, value: String, allowed: String)
    /// The optimisation produced a non-finite position (learning rate far too large).
    case diverged(iteration: Int)
    /// A checkpoint file cannot be read: missing, truncated, damaged or not a checkpoint.
    case invalidCheckpoint(path: String, reason: String)
    /// A checkpoint does not belong to this run (other data, affinities or settings).
    case checkpointMismatch(String)
    /// A progress closure returned `.stop` before the affinities were ready.
    case stopped
    /// The run would need more memory than is available; both in bytes.
    case insufficientMemory(what: String, estimate: Int, available: Int)
    /// A t-SNE map file cannot be read: missing, truncated, damaged or not a map.
    case invalidMap(path: String, reason: String)
    /// New points do not fit the map they are to be placed into (dimension, metric).
    case mapMismatch(String)

    public var description: String {
        switch self {
        case .tooFewPoints(let n):
            return "t-SNE needs at least 4 points, got \(n)"
        case .invalidPerplexity(let p):
            return "perplexity must be a number of at least 1, got \(p)"
        case .perplexityTooLarge(let p, let n, let maximum):
            return "perplexity \(fmt(p)) is too large for \(n) points: use a perplexity of at least 1 and below \(fmt(maximum)) (N − 1); about N / 3 or less is typical"
        case .nonFinite(let what, let r, let c):
            return "\(what) holds a NaN or infinite value at row \(r), column \(c)"
        case .identicalPoints(let n):
            return "all \(n) input points are identical: there is nothing to embed"
        case .initializationShape(let er, let ec, let r, let c):
            return "initial positions are \(r) × \(c), expected \(er) × \(ec) (one row per point, one column per output dimension)"
        case .invalidAffinities(let s):
            return "invalid affinities: \(s)"
        case .invalidParameter(let name, let value, let allowed):
            return "\(name) = \(value) is not allowed: use \(allowed)"
        case .diverged(let it):
            return "the optimisation diverged at iteration \(it) (non-finite positions): lower the learning rate"
        case .invalidCheckpoint(let path, let reason):
            return "\(path): not a usable t-SNE checkpoint: \(reason)"
        case .checkpointMismatch(let s):
            return "the checkpoint does not belong to this run: \(s)"
        case .stopped:
            return "stopped by the caller before the affinities were ready"
        case .insufficientMemory(let what, let estimate, let available):
            return "\(what) needs about \(MemoryEstimate.format(estimate)) but only \(MemoryEstimate.format(available)) is available: use fewer points, Barnes-Hut instead of exact, or raise the memory limit"
        case .invalidMap(let path, let reason):
            return "\(path): not a usable t-SNE map: \(reason)"
        case .mapMismatch(let s):
            return "the new points do not fit the map: \(s)"
        }
    }
}

private func fmt(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
}
