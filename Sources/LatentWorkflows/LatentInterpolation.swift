import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot

/// Decoded straight lines between the latent codes of pairs of images: the strips of
/// `latentmap interpolate`. Each strip decodes (1 − ω)·z_I + ω·z_J for `steps` weights ω
/// evenly spaced from 0 to 1.
///
/// ```swift
/// let strips = try LatentInterpolation(pairs: [(3, 7)], steps: 9).gallery(autoencoder: model, dataset: mnist)
/// ```
public struct LatentInterpolation: Sendable {
    /// The pairs of rows (I, J) of the dataset, one strip each.
    public var pairs: [(Int, Int)]
    /// Images per strip, at least 2 (default 11: steps of 0.1).
    public var steps = 11
    /// Adds the two original images at the ends of each strip (default false).
    public var originals = false

    public init(pairs: [(Int, Int)], steps: Int = 11, originals: Bool = false) {
        self.pairs = pairs
        self.steps = steps
        self.originals = originals
    }

    /// The strips as one gallery, one row per pair, captioned with the weights and the pairs.
    /// - Throws: `WorkflowError` for an index outside the dataset or data that does not fit the model.
    public func gallery(autoencoder: Autoencoder, dataset: Dataset, imageSize: (height: Int, width: Int)? = nil,
                        context: ExecutionContext = .current) throws -> ImageGallery {
        let inputs = try Recipes.modelInputs(dataset, for: autoencoder)
        if let bad = pairs.flatMap({ [$0.0, $0.1] }).first(where: { $0 < 0 || $0 >= dataset.count }) {
            throw WorkflowError("index \(bad) is out of range: \(dataset.name) has \(dataset.count) samples (0…\(dataset.count - 1))")
        }
        let shape = try imageSize ?? Recipes.imageSize(of: dataset, model: autoencoder)
        let used = Array(Set(pairs.flatMap { [$0.0, $0.1] })).sorted()
        let weights = LatentPath.weights(steps: steps)
        let images: Matrix = try context.run {
            let codes = try autoencoder.encode(inputs.rows(at: used))
            func code(_ i: Int) -> [Float] { codes.row(used.firstIndex(of: i)!) }
            var strips: [Matrix] = []
            for (i, j) in pairs {
                let decoded = try autoencoder.decode(try LatentPath.interpolation(from: code(i), to: code(j), weights: weights))
                strips.append(originals ? try Matrix.vstack([inputs.rows(at: [i]), decoded, inputs.rows(at: [j])]) : decoded)
            }
            return try Matrix.vstack(strips)
        }
        var gallery: ImageGallery
        if originals {
            let omega = Ticks.distinctLabels(for: weights)
            gallery = ImageGallery(images, height: shape.height, width: shape.width, columns: steps + 2)
                .imageCaptions(pairs.flatMap { ["#\($0.0)"] + omega + ["#\($0.1)"] })
        } else {
            gallery = try ImageGallery.interpolation(images, weights: weights, height: shape.height, width: shape.width)
        }
        if pairs.count > 1 || !originals {
            gallery = gallery.rowCaptions(pairs.map { "#\($0.0) → #\($0.1)" })
        }
        return gallery.titled("Interpolation in the \(autoencoder.codeSize)-D latent space (ω from 0 to 1)").widenedForTitle()
    }
}
