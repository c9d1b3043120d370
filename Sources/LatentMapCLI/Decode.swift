import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode latent codes to images with a trained autoencoder.",
            discussion: """
              latentmap decode ae.safetensors codes.npy --out images.npy
            """)

        @OptionGroup var model: ModelArgument

        @Argument(help: "Codes: .npy, .npz or .csv with one code per row.")
        var codes: String

        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the decoded samples here (.npy or .csv).")
        var out: String

        func run() throws {
            let autoencoder = try model.load()
            let latent = try MatrixIO.readMatrix(codes)
            guard latent.columns == autoencoder.codeSize else {
                throw CLIError("\(codes) has \(latent.columns) columns but \(model.model) has a \(autoencoder.codeSize)-value code")
            }
            let images = try autoencoder.decode(latent)
            try MatrixIO.write(images, to: out)
            runtime.note("decode: \(images.rows) × \(images.columns) → \(out)")
        }
    }
}
