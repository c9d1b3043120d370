import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Walk: ParsableCommand, DeclaresAliases {
        static let aliases = OptionAlias.renaming(["dims"], to: "pair")

        static let configuration = CommandConfiguration(
            abstract: "Decode a grid of codes over two latent dimensions.",
            discussion: """
                For a 2-D code the grid covers the plane. For a larger code, two dimensions (--pair) \
                are walked and the others are held at their mean over DATA, which is then needed. \
                --range LOW:HIGH sets both axes, --range X0:X1,Y0:Y1 each. Without it the grid \
                takes round steps inside the 2nd to 98th percentile of the DATA codes, else -3:3.
                  latentmap walk ae2d.safetensors --range -3:3 --steps 15 --out walk.png
                  latentmap walk ae20.safetensors mnist --pair 0,4 --steps 12 --out walk.pdf
                """)

        @OptionGroup var modelFile: ModelArgument

        @Argument(help: "Dataset whose codes set the range and the other dimensions' means (mnist, fashion-mnist, a file).")
        var data: String?

        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var seeding: SeedOptions
        @OptionGroup var output: GalleryOutputOptions

        @Option(parsing: .unconditional, help: ArgumentHelp("Latent range of both axes, LOW:HIGH (e.g. -3:3), or of each, X0:X1,Y0:Y1.",
                                                            valueName: "range"))
        var range: String?

        @Option(help: "Grid points per axis.")
        var steps: Int = 15

        @Option(help: ArgumentHelp("The two latent dimensions to walk, 0-based (for codes larger than 2).", valueName: "i,j"))
        var pair: String = "0,1"

        @Option(help: "Keep only these classes of DATA, comma-separated numbers or names (e.g. 1,5,6), before --subsample.")
        var classes: String?

        @Option(help: "Use a seeded random subset of this many samples of DATA.")
        var subsample: Int?

        func validate() throws {
            guard steps >= 2, steps <= 40 else { throw CLIError("--steps must be in 2…40, got \(steps)") }
            _ = try ranges()
            _ = try parsedDims()
            if let subsample, subsample < 2 { throw CLIError("--subsample must be at least 2, got \(subsample)") }
            if classes != nil && data == nil { throw CLIError("--classes needs DATA (e.g. mnist) to select from") }
        }

        /// `--range` as the x and the y range (nil: from the codes).
        func ranges() throws -> (ClosedRange<Double>?, ClosedRange<Double>?) {
            guard let range else { return (nil, nil) }
            let parts = range.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw CLIError("--range must be LOW:HIGH or X0:X1,Y0:Y1, got '\(range)'") }
            let x = try parseRange(parts[0], option: "--range")
            return (x, parts.count == 2 ? try parseRange(parts[1], option: "--range") : x)
        }

        func parsedDims() throws -> (Int, Int) {
            let p = pair.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard p.count == 2, p[0] >= 0, p[1] >= 0, p[0] != p[1] else {
                throw CLIError("--pair must be two different 0-based dimensions like 0,1, got '\(pair)'")
            }
            return (p[0], p[1])
        }

        func run() throws {
            let autoencoder = try modelFile.load()
            let (i, j) = try parsedDims()
            let codeSize = autoencoder.codeSize
            guard i < codeSize, j < codeSize else {
                throw CLIError("--pair \(i),\(j): \(modelFile.model) has a \(codeSize)-D code (dimensions 0…\(codeSize - 1))")
            }
            guard data != nil || codeSize <= 2 else {
                throw CLIError("\(modelFile.model) has a \(codeSize)-D code: give DATA (e.g. mnist) so the \(codeSize - 2) dimensions not walked are held at their mean")
            }
            var dataset = try data.map { try Dataset.load($0) }
            if let classes, let d = dataset {
                let tokens = InputOptions.classTokens(classes)
                guard !tokens.isEmpty else { throw CLIError("--classes: no class given") }
                dataset = try d.selecting(classes: try d.classLabels(tokens))
            }
            if let subsample, let d = dataset, subsample < d.count { dataset = d.subsampled(subsample, seed: seeding.seed) }
            if let dataset { _ = try modelInputs(dataset, for: autoencoder, path: modelFile.model) }     // the error names the model file
            var walk = LatentWalk(dimensions: (i, j), steps: steps)
            (walk.xRange, walk.yRange) = try ranges()
            try output.write(try walk.gallery(autoencoder: autoencoder, dataset: dataset, imageSize: try output.imageSize()),
                             quiet: runtime.quiet)
        }
    }
}
