import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode random codes: from the prior N(0, I) for a variational autoencoder, else from a diagonal Gaussian fitted to a dataset's codes.",
            discussion: """
                  latentmap sample ae.safetensors mnist --count 64 --seed 3 --out samples.png
                  latentmap sample vae.safetensors --count 64 --out prior-samples.png      (no data needed)
                """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var output: GalleryOutputOptions

        @Option(help: "Number of samples.")
        var count: Int = 64

        @Option(help: "Images per row (default: about the square root of --count).")
        var columns: Int?

        @Option(help: "Seed of the samples (and of --subsample).")
        var seed: UInt64 = 1

        @Option(help: ArgumentHelp("Also write the sampled codes (.npy or .csv).", valueName: "file"))
        var codesOut: String?

        func validate() throws {
            guard count >= 1, count <= 10_000 else { throw ValidationError("--count must be in 1…10000, got \(count)") }
            if let columns { try OptionLimits.check(columns, "columns", atMost: OptionLimits.columns) }
        }

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let dataset = autoencoder.isVariational ? nil : try data.load(seed: seed)
            if let dataset { _ = try modelInputs(dataset, for: autoencoder, path: model) }     // the error names the model file
            let result = try LatentSampling(count: count, columns: columns, seed: seed)
                .run(autoencoder: autoencoder, dataset: dataset, imageSize: try output.imageSize())
            if let codesOut { try MatrixIO.write(result.codes, to: codesOut) }
            try output.write(result.gallery(), quiet: runtime.quiet)
        }
    }
}
