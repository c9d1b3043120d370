import LatentCore

/// Codes along lines and grids in a latent space, to be decoded into interpolation strips and
/// latent walks.
///
/// ```swift
/// let codes = model.encode(test.images)
/// let weights = LatentPath.weights(steps: 9)                          // 0, 0.125, …, 1
/// let line = try LatentPath.interpolation(from: codes.row(3), to: codes.row(7), weights: weights)
/// let strip = try model.decode(line)                                  // 9 images
/// let grid = try LatentPath.grid(x: LatentPath.evenlySpaced(-3...3, count: 15),
///                                y: LatentPath.evenlySpaced(-3...3, count: 15).reversed(),
///                                dimensions: (0, 1), base: [0, 0])
/// ```
public enum LatentPath {
    /// `count` evenly spaced values from `range.lowerBound` to `range.upperBound`, both included
    /// (one value, the midpoint, when `count` is 1).
    public static func evenlySpaced(_ range: ClosedRange<Double>, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [(range.lowerBound + range.upperBound) / 2] : [] }
        let step = (range.upperBound - range.lowerBound) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? range.upperBound : range.lowerBound + Double($0) * step }
    }

    /// The mixing weights ω of an interpolation with `steps` images: 0, 1/(steps − 1), …, 1.
    public static func weights(steps: Int) -> [Double] { evenlySpaced(0...1, count: steps) }

    /// The codes (1 − ω)·`start` + ω·`end` for each ω in `weights`, one per row.
    /// - Throws: `AnalysisError.sizeMismatch` when the codes differ in length or are empty,
    ///   `AnalysisError.invalidArgument` when there are no weights or one is not finite.
    public static func interpolation(from start: [Float], to end: [Float], weights: [Double]) throws -> Matrix {
        guard !start.isEmpty, start.count == end.count else {
            throw AnalysisError.sizeMismatch("interpolation needs two codes of one length (≥ 1), got \(start.count) and \(end.count)")
        }
        guard !weights.isEmpty, weights.allSatisfy(\.isFinite) else {
            throw AnalysisError.invalidArgument("interpolation needs at least one finite weight")
        }
        let d = start.count
        return Matrix(rows: weights.count, columns: d) { out in
            for (r, w) in weights.enumerated() {
                let omega = Float(w)
                for j in 0..<d { out[r * d + j] = (1 - omega) * start[j] + omega * end[j] }
            }
        }
    }

    /// The codes on a grid over two latent coordinates: `y.count` rows of `x.count` codes (row
    /// by row, so the code for (x[c], y[r]) is row r·x.count + c). Coordinate `dimensions.0`
    /// takes the x value, `dimensions.1` the y value, and every other coordinate its value in
    /// `base` (e.g. the mean code).
    /// - Throws: `AnalysisError.invalidArgument` for dimensions outside `base` or equal to each
    ///   other, empty or non-finite value lists.
    public static func grid<X: Collection, Y: Collection>(x: X, y: Y, dimensions: (Int, Int), base: [Float]) throws -> Matrix
    where X.Element == Double, Y.Element == Double {
        let (i, j) = dimensions
        guard i >= 0, j >= 0, i < base.count, j < base.count, i != j else {
            throw AnalysisError.invalidArgument("walk dimensions must be two different coordinates in 0..<\(base.count), got \(i) and \(j)")
        }
        let xs = Array(x), ys = Array(y)
        guard !xs.isEmpty, !ys.isEmpty, xs.allSatisfy(\.isFinite), ys.allSatisfy(\.isFinite) else {
            throw AnalysisError.invalidArgument("a latent grid needs at least one finite value on each axis")
        }
        let d = base.count
        return Matrix(rows: xs.count * ys.count, columns: d) { out in
            for (r, yv) in ys.enumerated() {
                for (c, xv) in xs.enumerated() {
                    let row = (r * xs.count + c) * d
                    for k in 0..<d { out[row + k] = base[k] }
                    out[row + i] = Float(xv)
                    out[row + j] = Float(yv)
                }
            }
        }
    }
}
