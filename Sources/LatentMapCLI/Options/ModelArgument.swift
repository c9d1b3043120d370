import ArgumentParser
import Foundation
import LatentMap

/// The MODEL argument of commands that use a trained autoencoder.
struct ModelArgument: ParsableArguments {
    @Argument(help: "Model file written by `latentmap train` (.safetensors).")
    var model: String

    /// The autoencoder in the file.
    func load() throws -> Autoencoder { try Autoencoder.load(from: model) }
}
