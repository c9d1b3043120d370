import Foundation
import LatentMap

/// Refuses data with a value so far from its column's mean that training in single precision
/// overflows (squares beyond Float's range), naming it, instead of a later "diverged" error
/// that blames the learning rate.
func checkTrainable(_ samples: Matrix, name: String) throws {
    if let (r, c, v) = samples.firstFarFromColumnMean() {
        throw CLIError("\(name): the value \(v) at row \(r), column \(c) is more than \(Matrix.largestCenteredMagnitude) from its column's mean, too large to train on in single precision; scale the data down")
    }
}

/// The dataset's samples, after checking that they fit the model (one error line if not).
func modelInputs(_ dataset: Dataset, for model: Autoencoder, path: String) throws -> Matrix {
    guard dataset.dimension == model.inputSize else {
        throw CLIError("\(dataset.name) has \(dataset.dimension) values per sample but \(path) expects \(model.inputSize)")
    }
    if model.deskewsInputs && !dataset.isDeskewed {
        do { return try dataset.deskewed().samples } catch {
            throw CLIError("\(dataset.name): \(path) was trained on deskewed images, but these have no image shape to deskew")
        }
    }
    return dataset.samples
}
