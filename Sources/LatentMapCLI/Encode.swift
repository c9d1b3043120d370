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

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the codes here (.npy or .csv), one row per sample.")
        var out: String

        @Option(help: "Seed for --subsample.")
        var seed: UInt64 = 1

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let dataset = try data.load(seed: seed)
            let codes = try autoencoder.encode(try modelInputs(dataset, for: autoencoder, path: model))
            try MatrixIO.write(codes, to: out)
            if !runtime.quiet { ProgressBar.note("encode: \(codes.rows) × \(codes.columns) codes → \(out)") }
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode latent codes to images with a trained autoencoder.",
            discussion: """
              latentmap decode ae.safetensors codes.npy --out images.npy
            """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @Argument(help: "Codes: .npy, .npz or .csv with one code per row.")
        var codes: String

        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the decoded samples here (.npy or .csv).")
        var out: String

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let latent = try MatrixIO.readMatrix(codes)
            guard latent.columns == autoencoder.codeSize else {
                throw ValidationError("\(codes) has \(latent.columns) columns but \(model) has a \(autoencoder.codeSize)-value code")
            }
            let images = try autoencoder.decode(latent)
            try MatrixIO.write(images, to: out)
            if !runtime.quiet { ProgressBar.note("decode: \(images.rows) × \(images.columns) → \(out)") }
        }
    }

    struct Reconstruct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconstruct a dataset through a trained autoencoder and report the MSE.",
            discussion: """
              latentmap reconstruct ae.safetensors fashion-mnist --part test --out recon.npy
            """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the reconstructions here (.npy or .csv).")
        var out: String?

        @Option(help: "Seed for --subsample.")
        var seed: UInt64 = 1

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let dataset = try data.load(seed: seed)
            let inputs = try modelInputs(dataset, for: autoencoder, path: model)
            let recon = try autoencoder.reconstruct(inputs)
            if let out { try MatrixIO.write(recon, to: out) }
            print(String(format: "reconstruction MSE %.6f over %d samples", recon.meanSquaredDifference(to: inputs), recon.rows))
        }
    }
}
