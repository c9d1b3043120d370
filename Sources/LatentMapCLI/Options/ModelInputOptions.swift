import ArgumentParser
import Foundation
import LatentMap

/// MODEL and the DATA it reads (with `--seed` for `--subsample`): what `encode` and
/// `reconstruct` take.
struct ModelInputOptions: ParsableArguments {
    @OptionGroup var model: ModelArgument
    @OptionGroup var data: InputOptions
    @OptionGroup var seed: SeedOptions

    /// The autoencoder, the dataset, and its samples after checking that they fit the model.
    func load() throws -> (autoencoder: Autoencoder, dataset: Dataset, inputs: Matrix) {
        let autoencoder = try model.load()
        let dataset = try data.load(seed)
        return (autoencoder, dataset, try modelInputs(dataset, for: autoencoder, path: model.model))
    }
}
