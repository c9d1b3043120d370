import ArgumentParser
import Foundation
import LatentMap

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

        @Option(help: "Write the codes here (.npy or .csv), one row per sample; the labels go beside them (codes.labels.npy, or a label column in CSV) for the commands that read the codes.")
        var out: String

        func run() throws {
            let autoencoder = try model.load()
            let dataset = try data.load(seed)
            let codes = try autoencoder.encode(try modelInputs(dataset, for: autoencoder, path: model.model))
            try MatrixIO.write(codes, labels: dataset.labelSet, to: out)
            runtime.note("encode: \(codes.rows) × \(codes.columns) codes → \(out)")
        }
    }
}
