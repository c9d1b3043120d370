import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Interpolate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode codes on the line between the latent codes of two images.",
            discussion: """
                Each strip decodes (1 − ω)·z_I + ω·z_J for ω evenly spaced from 0 to 1; I and J \
                are rows of the data as loaded (after --classes and --subsample).
                  latentmap interpolate ae.safetensors mnist --from 3 --to 2 --steps 10 --out interp.png
                  latentmap interpolate ae.safetensors mnist --pairs 3:2,10:11,0:1 --out strips.pdf
                """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @OptionGroup var data: DataOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var output: GalleryOutputOptions

        @Option(name: .customLong("from"), help: "Index of the first image.")
        var start: Int?

        @Option(name: .customLong("to"), help: "Index of the second image.")
        var end: Int?

        @Option(help: ArgumentHelp("Several strips, one per pair: I:J,I:J,…", valueName: "pairs"))
        var pairs: String?

        @Option(help: "Images per strip (weights 0 … 1; 11 gives steps of 0.1).")
        var steps: Int = 11

        @Flag(help: "Add the two original images at the ends of each strip.")
        var originals = false

        @Option(help: "Seed for --subsample.")
        var seed: UInt64 = 1

        func validate() throws {
            try OptionLimits.check(steps, "steps", atLeast: 2, atMost: OptionLimits.steps)
            _ = try parsedPairs()
        }

        func parsedPairs() throws -> [(Int, Int)] {
            if let pairs {
                guard start == nil, end == nil else { throw ValidationError("give --pairs or --from/--to, not both") }
                return try pairs.split(separator: ",").map { pair in
                    let p = pair.split(separator: ":").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard p.count == 2, p[0] >= 0, p[1] >= 0 else {
                        throw ValidationError("--pairs must be I:J pairs of indices like 3:7,10:12, got '\(pair)'")
                    }
                    return (p[0], p[1])
                }
            }
            guard let start, let end else { throw ValidationError("give --from I and --to J (or --pairs I:J,…)") }
            guard start >= 0, end >= 0 else { throw ValidationError("--from and --to must be indices ≥ 0, got \(start) and \(end)") }
            return [(start, end)]
        }

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let dataset = try data.load(seed: seed)
            _ = try modelInputs(dataset, for: autoencoder, path: model)     // the error names the model file
            let interpolation = LatentInterpolation(pairs: try parsedPairs(), steps: steps, originals: originals)
            try output.write(try interpolation.gallery(autoencoder: autoencoder, dataset: dataset, imageSize: try output.imageSize()),
                             quiet: runtime.quiet)
        }
    }
}
