import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot

/// Samples ranked by how badly an autoencoder reconstructs them: the run behind
/// `latentmap anomalies`.
///
/// ```swift
/// let report = try AnomalyReport(autoencoder: model, dataset: mnist, top: 20)
/// try report.gallery().write(to: "gallery.png")
/// ```
public struct AnomalyReport: Sendable {
    public var dataset: Dataset
    /// Every sample's reconstruction, in data order.
    public var reconstructed: Matrix
    /// Per-sample errors and their order, largest first.
    public var ranking: AnomalyRanking
    /// The `top` most anomalous samples, largest error first.
    public var chosen: [Int]
    /// The image height and width of the gallery.
    public var imageSize: (height: Int, width: Int)

    /// Reconstructs every sample of `dataset` and ranks them.
    /// - Parameters:
    ///   - top: how many of the most anomalous samples the gallery shows (at least 1).
    ///   - imageSize: image height and width (default: the dataset's, the model's, or square).
    /// - Throws: `WorkflowError` when the data does not fit the model or no image size is known.
    public init(autoencoder: Autoencoder, dataset: Dataset, top: Int, imageSize: (height: Int, width: Int)? = nil,
                context: ExecutionContext = .current) throws {
        let inputs = try Recipes.modelInputs(dataset, for: autoencoder)
        self.dataset = dataset
        self.imageSize = try imageSize ?? Recipes.imageSize(of: dataset, model: autoencoder)
        reconstructed = try context.run { try autoencoder.reconstruct(inputs) }
        ranking = try AnomalyRanking(inputs: inputs, reconstructions: reconstructed)
        chosen = ranking.top(max(1, top))
    }

    /// The ranking as CSV: rank, index, label, error, largest error first.
    public func csv() -> String {
        var csv = "rank,index,label,error\n"
        for (rank, i) in ranking.order.enumerated() {
            csv += "\(rank + 1),\(i),\(dataset.labels.map { String($0[i]) } ?? ""),\(ranking.errors[i])\n"
        }
        return csv
    }

    /// One error per sample, in data order, as an N × 1 matrix.
    public func errors() throws -> Matrix {
        try Matrix(rows: ranking.errors.count, columns: 1, elements: ranking.errors)
    }

    /// The mean error.
    public var meanError: Double {
        ranking.errors.reduce(0.0) { $0 + Double($1) } / Double(max(1, ranking.errors.count))
    }

    /// Pairs of rows, up to 10 images wide: the anomalous originals (captioned with their
    /// label and index) above their reconstructions (captioned with the error).
    public func gallery() throws -> ImageGallery {
        // Up to 10 wide, preferring a width that fills every row (24 → 8 × 3).
        let columns = chosen.count <= 10 ? chosen.count : (6...10).reversed().first { chosen.count % $0 == 0 } ?? 10
        var parts: [Matrix] = [], captions: [String] = [], rowNames: [String] = []
        for start in stride(from: 0, to: chosen.count, by: columns) {
            var block = Array(chosen[start..<min(chosen.count, start + columns)])
            let shown = block.count
            // Pad a short last block with blank (white, so invisible) cells so the rows stay aligned.
            while block.count < columns { block.append(-1) }
            parts.append(Self.rowsOrBlank(dataset.samples, block))
            parts.append(Self.rowsOrBlank(reconstructed, block))
            captions += block.enumerated().map { k, i in
                guard k < shown else { return "" }
                if let labels = dataset.labels { return "\(dataset.className(labels[i])) #\(i)" }
                return "#\(i)"
            }
            captions += block.enumerated().map { k, i in k < shown ? String(format: "%.3f", ranking.errors[i]) : "" }
            rowNames += ["input", "reconstructed"]
        }
        return ImageGallery(try Matrix.vstack(parts), height: imageSize.height, width: imageSize.width, columns: columns)
            .rowCaptions(rowNames).imageCaptions(captions).cellWidth(44, spacing: 3)
            .titled("\(chosen.count) largest reconstruction errors (MSE) of \(Recipes.grouped(ranking.errors.count)) in \(Recipes.displayName(dataset.name))")
            .widenedForTitle()
    }

    /// The rows at `indices`, with a row of ones (drawn white, like the background) for each index −1.
    static func rowsOrBlank(_ m: Matrix, _ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, columns: m.columns, repeating: 1)
        for (r, i) in indices.enumerated() where i >= 0 { out.setRow(r, to: m.row(i)) }
        return out
    }

    /// The errors' histogram: `bins` equal-width bins from the smallest to the largest error
    /// (about √N, 10 to 60), the largest error in the last bin.
    public func histogramCounts() -> (lower: Double, width: Double, counts: [Int]) {
        let errors = ranking.errors
        let lo = Double(errors.min() ?? 0), hi = Double(errors.max() ?? 0)
        let bins = max(10, min(60, Int(Double(errors.count).squareRoot())))
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        var counts = [Int](repeating: 0, count: bins)
        for e in errors { counts[min(bins - 1, Int((Double(e) - lo) / width))] += 1 }
        return (lo, width, counts)
    }

    /// A step-line histogram of the errors (a log scale on y shows the tail), with the
    /// cut-off of the gallery's images as a dashed line; nil for fewer than two samples.
    public func histogram() -> LinePlot? {
        guard ranking.errors.count >= 2 else { return nil }
        let (lo, width, counts) = histogramCounts()
        var xs: [Double] = [], ys: [Double] = []
        for (b, c) in counts.enumerated() {
            let y = max(Double(c), 0.8)      // empty bins sit just under 1 on the log axis
            xs += [lo + Double(b) * width, lo + Double(b + 1) * width]
            ys += [y, y]
        }
        let cutoff = Double(ranking.errors[chosen.last!])
        return LinePlot()
            .adding("samples", x: xs, y: ys)
            .adding("top \(chosen.count)", x: [cutoff, cutoff], y: [0.8, Double(counts.max()!)], color: Color(hex: 0xB22222), dash: [4, 3])
            .markers(false).logarithmicY()
            .titled("Reconstruction error of \(ranking.errors.count) samples").axisLabels(x: "mean squared error", y: "samples per bin")
    }
}
