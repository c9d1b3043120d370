import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode random codes: from the prior N(0, I) for a variational autoencoder, else from a Gaussian fitted to a dataset's codes.",
            discussion: """
                  latentmap sample ae.safetensors mnist --count 64 --seed 3 --out s.png
                  latentmap sample vae.safetensors --count 64 --out prior.png
                A variational model samples its prior and needs no data.
                """)

        @OptionGroup var modelFile: ModelArgument
        @OptionGroup var data: InputOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var seeding: SeedOptions
        @OptionGroup var output: GalleryOutputOptions

        @Option(help: "Number of samples.")
        var count: Int = 64

        @Option(help: "Images per row (default: about the square root of --count).")
        var columns: Int?

        @Option(help: "Covariance of the Gaussian fitted to a plain autoencoder's codes: diagonal or full (keeps their correlations).")
        var covariance: LatentSampling.Covariance = .diagonal

        @Option(help: ArgumentHelp("Also write the sampled codes (.npy or .csv).", valueName: "file"))
        var codesOut: String?

        func validate() throws {
            guard count >= 1, count <= 10_000 else { throw CLIError("--count must be in 1…10000, got \(count)") }
            if let columns { try OptionLimits.check(columns, "columns", atMost: OptionLimits.columns) }
        }

        func run() throws {
            let autoencoder = try modelFile.load()
            let dataset = autoencoder.isVariational ? nil : try data.load(seeding)
            if let dataset { _ = try modelInputs(dataset, for: autoencoder, path: modelFile.model) }     // the error names the model file
            let result = try LatentSampling(count: count, columns: columns, seed: seeding.seed, covariance: covariance)
                .run(autoencoder: autoencoder, dataset: dataset, imageSize: try output.imageSize())
            if let codesOut { try MatrixIO.write(result.codes, to: codesOut) }
            try output.write(result.gallery(), quiet: runtime.quiet)
        }
    }
}
