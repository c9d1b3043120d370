import Foundation
import LatentAnalysis
import LatentCore
import LatentData
import LatentNets
import LatentPlot
import LatentTSNE

extension Recipes {
    /// The dataset's samples, after checking that they fit the model; deskewed when the model
    /// was trained on deskewed images and these are not yet.
    /// - Throws: `WorkflowError` naming the dataset when its samples have another length.
    public static func modelInputs(_ dataset: Dataset, for model: Autoencoder) throws -> Matrix {
        guard dataset.dimension == model.inputSize else {
            throw WorkflowError("\(dataset.name) has \(dataset.dimension) values per sample but the model expects \(model.inputSize)")
        }
        if model.deskewsInputs && !dataset.isDeskewed {
            do { return try dataset.deskewed().samples } catch {
                throw WorkflowError("\(dataset.name): the model was trained on deskewed images, but these have no image shape to deskew")
            }
        }
        return dataset.samples
    }

    /// The height and width of the images a model decodes: the dataset's (one channel), the
    /// model's input shape, or the square of its input size.
    /// - Throws: `WorkflowError` when none of these says.
    public static func imageSize(of dataset: Dataset?, model: Autoencoder) throws -> (height: Int, width: Int) {
        if let dataset, let s = dataset.imageShape, s.channels == 1 { return (s.height, s.width) }
        let input = model.architecture.inputShape
        if !input.isVector, input.channels == 1 { return (input.height, input.width) }
        let side = Int(Double(model.inputSize).squareRoot().rounded())
        guard side * side == model.inputSize else {
            throw WorkflowError("the model's \(model.inputSize) inputs are not a square image; give the image height and width")
        }
        return (side, side)
    }

    /// The classes of `labels` (distinct values; a classifier's outputs are their indices),
    /// after checking a classifier can be built for them: 2 to `maximumClasses` classes, and no
    /// more classes than the `trainingCount` samples it learns from.
    /// - Throws: `WorkflowError` naming `source`.
    public static func classes(_ labels: [Int], trainingCount: Int, source: String) throws -> LabelClasses {
        if let bad = labels.first(where: { $0 < 0 }) {
            throw WorkflowError("\(source): label \(bad) is negative; classes must be numbered 0, 1, 2, …")
        }
        let classes = LabelClasses(labels)
        guard classes.count >= 2 else { throw WorkflowError("\(source): the labels name only one class; a classifier needs at least 2") }
        guard classes.count <= maximumClasses, classes.count <= trainingCount else {
            throw WorkflowError("\(source): the labels name \(classes.count) classes for \(trainingCount) training samples (at most \(min(maximumClasses, trainingCount))): are they class numbers?")
        }
        return classes
    }

    /// The most classes a classifier is built for; more distinct labels are not class numbers.
    public static let maximumClasses = 10_000

    /// The input of a neighbour search or t-SNE: `data` reduced to its first principal
    /// components, `components` of them (default: 50 for data wider than 50 columns, else none),
    /// at most one per row, since N points span at most N − 1 dimensions and distances are kept.
    /// - Returns: the reduced data and the fitted PCA, or `data` itself and nil when no
    ///   reduction applies (0 components, or as many as the columns).
    public static func pcaReduced(_ data: Matrix, components: Int? = nil) throws -> (Matrix, PCA?) {
        let k = min(components ?? (data.columns > 50 ? 50 : 0), data.rows)
        guard k > 0, k < data.columns else { return (data, nil) }
        let pca = try PCA(fitting: data, components: k)
        return (pca.transform(data), pca)
    }

    /// "MNIST" and "Fashion-MNIST" for the bundled names, any other name as it is.
    public static func displayName(_ name: String) -> String {
        switch name {
        case "mnist": return "MNIST"
        case "fashion-mnist": return "Fashion-MNIST"
        default: return name
        }
    }

    /// `n` with thousands separated by commas (70000 → "70,000").
    public static func grouped(_ n: Int) -> String {
        var digits = String(n.magnitude), out = ""
        while digits.count > 3 { out = "," + digits.suffix(3) + out; digits.removeLast(3) }
        return (n < 0 ? "-" : "") + digits + out
    }
}

extension ImageGallery {
    /// The gallery with cells wide enough that its title fits above the grid (12-point text,
    /// about 0.6 em a character).
    public func widenedForTitle() -> ImageGallery {
        guard let title else { return self }
        let needed = Double(title.count) * 12 * 0.6 + 30
        return size.width < needed ? cellWidth(cellWidth * needed / size.width) : self
    }
}
