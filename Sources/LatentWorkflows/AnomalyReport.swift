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

    /// The ranking as CSV: rank, index (the row of the data as loaded, before any selection, so
    /// it can be given back to `--indices`), label, error, largest error first.
    public func csv() -> String {
        var csv = "rank,index,label,error\n"
        let rows = dataset.loadedRows
        for (rank, i) in ranking.order.enumerated() {
            csv += "\(rank + 1),\(rows[i]),\(dataset.labels.map { String($0[i]) } ?? ""),\(ranking.errors[i])\n"
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
        let rows = dataset.loadedRows
        for start in stride(from: 0, to: chosen.count, by: columns) {
            var block = Array(chosen[start..<min(chosen.count, start + columns)])
            let shown = block.count
            // Pad a short last block with blank (white, so invisible) cells so the rows stay aligned.
            while block.count < columns { block.append(-1) }
            parts.append(Self.rowsOrBlank(dataset.samples, block))
            parts.append(Self.rowsOrBlank(reconstructed, block))
            captions += block.enumerated().map { k, i in
                guard k < shown else { return "" }
                if let labels = dataset.labels { return "\(dataset.className(labels[i])) #\(rows[i])" }
                return "#\(rows[i])"
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

    /// A histogram of the errors (√N bins, 10 to 60) on a log scale (which shows the tail; empty
    /// bins lie on the baseline), with the cut-off of the gallery's images as a dashed line; nil for fewer than
    /// two samples.
    public func histogram() -> Histogram? {
        guard ranking.errors.count >= 2 else { return nil }
        let cutoff = Double(ranking.errors[chosen.last!])
        return Histogram(ranking.errors).logarithmicY()
            .marking(x: cutoff, "top \(chosen.count)")
            .titled("Reconstruction error of \(ranking.errors.count) samples").axisLabels(x: "mean squared error", y: "samples per bin")
    }
}
