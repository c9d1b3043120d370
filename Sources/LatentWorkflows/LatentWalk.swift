import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot

/// A grid of decoded codes over two latent coordinates, the others held at their mean over a
/// dataset's codes (or 0 for a 2-D code without data): `latentmap walk`.
///
/// Without a range the grid is `steps` values at a round step (1, 2, 2.5 or 5 × 10^k, the
/// smallest that covers the range) centred on the 2nd to 98th percentile of the codes, or
/// −3…3 without data.
///
/// ```swift
/// let walk = try LatentWalk(dimensions: (0, 1), steps: 15).gallery(autoencoder: ae2d)
/// ```
public struct LatentWalk: Sendable {
    /// The two latent coordinates walked, 0-based (default 0 and 1).
    public var dimensions: (Int, Int) = (0, 1)
    /// Grid points per axis (default 15).
    public var steps = 15
    /// The range of both axes (default nil: from the codes, as above).
    public var range: ClosedRange<Double>?

    public init(dimensions: (Int, Int) = (0, 1), steps: Int = 15, range: ClosedRange<Double>? = nil) {
        self.dimensions = dimensions
        self.steps = steps
        self.range = range
    }

    /// The grid values of coordinate `k`: `range`, else a round step over the 2nd to 98th
    /// percentile of `codes`' column `k`, else −3…3.
    public func axisValues(_ k: Int, codes: Matrix?) -> [Double] {
        if let range { return LatentPath.evenlySpaced(range, count: steps) }
        guard let codes, codes.rows > 0 else { return LatentPath.evenlySpaced(-3...3, count: steps) }
        let column = (0..<codes.rows).map { codes[$0, k] }
        let lo = Double(column.percentile(0.02, rounding: .down)), hi = Double(column.percentile(0.98, rounding: .toNearestOrAwayFromZero))
        let step = Ticks.step(atLeast: max(hi - lo, 1e-6) / Double(steps - 1))
        let first = ((lo + hi) / 2 / step - Double(steps - 1) / 2).rounded() * step
        return (0..<steps).map { first + Double($0) * step }
    }

    /// The decoded grid, x across and y up, labelled with the coordinate values.
    /// - Parameters:
    ///   - dataset: its codes set the range and the other coordinates' means; needed for a
    ///     code larger than 2.
    /// - Throws: `WorkflowError` for coordinates outside the code, a code larger than 2
    ///   without data, or data that does not fit the model.
    public func gallery(autoencoder: Autoencoder, dataset: Dataset? = nil, imageSize: (height: Int, width: Int)? = nil,
                        context: ExecutionContext = .current) throws -> ImageGallery {
        let (i, j) = dimensions
        let codeSize = autoencoder.codeSize
        guard i >= 0, j >= 0, i < codeSize, j < codeSize, i != j else {
            throw WorkflowError("walk dimensions \(i),\(j): the model has a \(codeSize)-D code (dimensions 0…\(codeSize - 1))")
        }
        var codes: Matrix?
        if let dataset {
            let inputs = try Recipes.modelInputs(dataset, for: autoencoder)
            codes = try context.run { try autoencoder.encode(inputs) }
        } else if codeSize > 2 {
            throw WorkflowError("the model has a \(codeSize)-D code: give data so the \(codeSize - 2) dimensions not walked are held at their mean")
        }
        let shape = try imageSize ?? Recipes.imageSize(of: dataset, model: autoencoder)
        let base = codes?.columnMeans() ?? [Float](repeating: 0, count: codeSize)
        let xs = axisValues(i, codes: codes)
        // The top row is the largest value, as on a plot's y axis.
        let ys = Array(axisValues(j, codes: codes).reversed())
        let grid = try LatentPath.grid(x: xs, y: ys, dimensions: (i, j), base: base)
        let images = try context.run { try autoencoder.decode(grid) }
        let held = codeSize > 2 ? ", other \(codeSize - 2) dimensions at their mean" : ""
        let x = "z\(Self.subscripted(i + 1))", y = "z\(Self.subscripted(j + 1))"
        return try ImageGallery.latentWalk(images, xValues: xs, yValues: ys, height: shape.height, width: shape.width,
                                           xLabel: x, yLabel: y)
            .cellWidth(32).titled("Latent walk over \(x) and \(y)\(held)").widenedForTitle()
    }

    /// `n` in subscript digits (z₁, z₁₂).
    static func subscripted(_ n: Int) -> String {
        let digits = Array("₀₁₂₃₄₅₆₇₈₉")
        return String(String(n).map { digits[$0.wholeNumberValue!] })
    }
}

extension Array where Element == Float {
    /// The value at fraction `q` of the sorted values: the element at index q·(count − 1),
    /// rounded by `rounding`.
    func percentile(_ q: Double, rounding: FloatingPointRoundingRule) -> Float {
        let sorted = self.sorted()
        return sorted[Int((q * Double(sorted.count - 1)).rounded(rounding))]
    }
}
