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

        @OptionGroup var input: ModelInputOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the codes here (.npy or .csv), one row per sample.") var out: String

        func run() throws {
            let (autoencoder, _, inputs) = try input.load()
            let codes = try autoencoder.encode(inputs)
            try MatrixIO.write(codes, to: out)
            runtime.note("encode: \(codes.rows) × \(codes.columns) codes → \(out)")
        }
    }
}
