import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Interpolate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode codes on the line between the latent codes of two images.",
            discussion: """
                Each strip decodes (1 − ω)·z_I + ω·z_J for ω evenly spaced from 0 to 1; I and J \
                are rows of the data as loaded (after --classes and --subsample), or with \
                --from-class A --to-class B the first sample of each class (--random: a seeded \
                random one), captioned by class.
                  latentmap interpolate ae.safetensors mnist --from 3 --to 2 --steps 10 \\
                    --out interp.png
                  latentmap interpolate ae.safetensors mnist --pairs 3:2,10:11 --out strips.pdf
                  latentmap interpolate ae.safetensors mnist --from-class 1 --to-class 4 \\
                    --out 1to4.png
                """)

        @OptionGroup var modelFile: ModelArgument
        @OptionGroup var data: InputOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var seeding: SeedOptions
        @OptionGroup var output: GalleryOutputOptions

        @Option(name: .customLong("from"), help: "Index of the first image.")
        var start: Int?

        @Option(name: .customLong("to"), help: "Index of the second image.")
        var end: Int?

        @Option(help: ArgumentHelp("Several strips, one per pair: I:J,I:J,…", valueName: "pairs"))
        var pairs: String?

        @Option(help: "Class (label) of the first image: its first sample, or with --random a seeded random one.")
        var fromClass: Int?

        @Option(help: "Class (label) of the second image.")
        var toClass: Int?

        @Flag(help: "With --from-class/--to-class: a seeded random sample of each class instead of the first.")
        var random = false

        @Option(help: "Images per strip (weights 0 … 1; 11 gives steps of 0.1).")
        var steps: Int = 11

        @Flag(help: "Add the two original images at the ends of each strip.")
        var originals = false

        func validate() throws {
            try OptionLimits.check(steps, "steps", atLeast: 2, atMost: OptionLimits.steps)
            _ = try parsedPairs()
        }

        func parsedPairs() throws -> [(Int, Int)] {
            if fromClass != nil || toClass != nil {
                guard let fromClass, let toClass else { throw CLIError("give both --from-class and --to-class") }
                guard start == nil, end == nil, pairs == nil else { throw CLIError.exclusive("from-class", "from", "pairs") }
                guard fromClass >= 0, toClass >= 0 else { throw CLIError("--from-class and --to-class must be classes ≥ 0, got \(fromClass) and \(toClass)") }
                return []
            }
            if random { throw CLIError.needs("random", "from-class") }
            if let pairs {
                guard start == nil, end == nil else { throw CLIError("give --pairs or --from/--to, not both") }
                return try pairs.split(separator: ",").map { pair in
                    let p = pair.split(separator: ":").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard p.count == 2, p[0] >= 0, p[1] >= 0 else {
                        throw CLIError("--pairs must be I:J pairs of indices like 3:7,10:12, got '\(pair)'")
                    }
                    return (p[0], p[1])
                }
            }
            guard let start, let end else { throw CLIError("give --from I and --to J (or --pairs I:J,…)") }
            guard start >= 0, end >= 0 else { throw CLIError("--from and --to must be indices ≥ 0, got \(start) and \(end)") }
            return [(start, end)]
        }

        func run() throws {
            let autoencoder = try modelFile.load()
            let dataset = try data.load(seeding)
            _ = try modelInputs(dataset, for: autoencoder, path: modelFile.model)     // the error names the model file
            var interpolation = LatentInterpolation(pairs: try parsedPairs(), steps: steps, originals: originals)
            if let fromClass, let toClass {
                interpolation = try LatentInterpolation.between(classes: fromClass, and: toClass, in: dataset,
                                                                randomSeed: random ? seeding.seed : nil,
                                                                steps: steps, originals: originals)
            }
            try output.write(try interpolation.gallery(autoencoder: autoencoder, dataset: dataset, imageSize: try output.imageSize()),
                             quiet: runtime.quiet)
        }
    }
}
