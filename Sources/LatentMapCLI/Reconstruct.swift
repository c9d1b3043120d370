import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Reconstruct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconstruct a dataset through a trained autoencoder and report the MSE.",
            discussion: """
              latentmap reconstruct ae.safetensors fashion-mnist --part test --out recon.npy
            """)

        @OptionGroup var model: ModelArgument
        @OptionGroup var data: InputOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the reconstructions here (.npy or .csv).")
        var out: String?

        func run() throws {
            let autoencoder = try model.load()
            let dataset = try data.load(seed)
            let inputs = try modelInputs(dataset, for: autoencoder, path: model.model)
            let recon = try autoencoder.reconstruct(inputs)
            if let out { try MatrixIO.write(recon, to: out) }
            print(String(format: "reconstruction MSE %.6f over %d samples", recon.meanSquaredDifference(to: inputs), recon.rows))
        }
    }
}
