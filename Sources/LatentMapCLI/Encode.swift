import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode a dataset to latent codes with a trained autoencoder.",
            discussion: """
              latentmap encode ae.safetensors fashion-mnist --part test --out codes.npy
            """)

        @OptionGroup var model: ModelArgument
        @OptionGroup var data: InputOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the codes here (.npy or .csv), one row per sample.")
        var out: String

        func run() throws {
            let autoencoder = try model.load()
            let dataset = try data.load(seed)
            let codes = try autoencoder.encode(try modelInputs(dataset, for: autoencoder, path: model.model))
            try MatrixIO.write(codes, to: out)
            runtime.note("encode: \(codes.rows) × \(codes.columns) codes → \(out)")
        }
    }
}
