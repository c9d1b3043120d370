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
    /// What each pair's two ends are called in the captions (default nil: "#I" and "#J").
    public var names: [(String, String)]?

    public init(pairs: [(Int, Int)], steps: Int = 11, originals: Bool = false) {
        self.pairs = pairs
        self.steps = steps
        self.originals = originals
    }

    /// One pair from a sample of class `from` to a sample of class `to` (label values), named by
    /// the class names: the first sample of each class, or with `randomSeed` a seeded random one.
    /// - Throws: `WorkflowError` for unlabelled data or a class with no sample.
    public static func between(classes from: Int, and to: Int, in dataset: Dataset, randomSeed: UInt64? = nil,
                               steps: Int = 11, originals: Bool = false) throws -> LatentInterpolation {
        guard let labels = dataset.labels else { throw WorkflowError("\(dataset.name) has no labels to pick classes from") }
        var rng = SeededGenerator(seed: randomSeed ?? 0)
        // Within one class the two ends are two different samples (the first two, or two drawn).
        func pick(_ c: Int, other: Int?) throws -> Int {
            let members = labels.indices.filter { labels[$0] == c && $0 != other }
            guard let first = members.first else {
                if other != nil { throw WorkflowError("\(dataset.name) has only one sample of class \(c): an interpolation within it needs two") }
                throw WorkflowError("\(dataset.name) has no sample of class \(c) (its classes: \(LabelClasses(labels).values.map(String.init).joined(separator: ", ")))")
            }
            return randomSeed == nil ? first : members[Int(rng.next() % UInt64(members.count))]
        }
        let start = try pick(from, other: nil)
        var interpolation = LatentInterpolation(pairs: [(start, try pick(to, other: from == to ? start : nil))], steps: steps,
                                                originals: originals)
        interpolation.names = [(dataset.className(from), dataset.className(to))]
        return interpolation
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
        let ends = names ?? pairs.map { ("#\($0.0)", "#\($0.1)") }
        var gallery: ImageGallery
        if originals {
            let omega = Ticks.distinctLabels(for: weights)
            gallery = ImageGallery(images, height: shape.height, width: shape.width, columns: steps + 2)
                .imageCaptions(ends.flatMap { [$0.0] + omega + [$0.1] })
        } else {
            gallery = try ImageGallery.interpolation(images, weights: weights, height: shape.height, width: shape.width)
        }
        if pairs.count > 1 || !originals {
            gallery = gallery.rowCaptions(ends.map { "\($0.0) → \($0.1)" })
        }
        return gallery.titled("Interpolation in the \(autoencoder.codeSize)-D latent space (ω from 0 to 1)").widenedForTitle()
    }
}
