import ArgumentParser
import Foundation
import LatentMap

extension LatentMapCommand {
    struct Walk: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a grid of codes over two latent dimensions.",
            discussion: """
                For a 2-D code the grid covers the plane. For a larger code, two dimensions (--dims) \
                are walked and the others are held at their mean over DATA, which is then needed. \
                Without --range the grid spans the 2nd to 98th percentile of the DATA codes, else -3:3.
                  latentmap walk ae2d.safetensors --range -3:3 --steps 15 --out walk.png
                  latentmap walk ae20.safetensors mnist --dims 0,4 --steps 12 --out walk.pdf
                """)

        @Argument(help: "Model file written by `latentmap train` (.safetensors).")
        var model: String

        @Argument(help: "Dataset whose codes set the range and the other dimensions' means (mnist, fashion-mnist, a file).")
        var data: String?

        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var output: GalleryOutputOptions

        @Option(parsing: .unconditional, help: ArgumentHelp("Latent range of both axes, LOW:HIGH (e.g. -3:3).", valueName: "low:high"))
        var range: String?

        @Option(help: "Grid points per axis.")
        var steps: Int = 15

        @Option(help: ArgumentHelp("The two latent dimensions to walk, 0-based (for codes larger than 2).", valueName: "i,j"))
        var dims: String = "0,1"

        @Option(help: "Use a seeded random subset of this many samples of DATA.")
        var subsample: Int?

        @Option(help: "Seed for --subsample.")
        var seed: UInt64 = 1

        func validate() throws {
            guard steps >= 2, steps <= 40 else { throw ValidationError("--steps must be in 2…40, got \(steps)") }
            if let range { _ = try parseRange(range, option: "--range") }
            _ = try parsedDims()
            if let subsample, subsample < 2 { throw ValidationError("--subsample must be at least 2, got \(subsample)") }
        }

        func parsedDims() throws -> (Int, Int) {
            let p = dims.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard p.count == 2, p[0] >= 0, p[1] >= 0, p[0] != p[1] else {
                throw ValidationError("--dims must be two different 0-based dimensions like 0,1, got '\(dims)'")
            }
            return (p[0], p[1])
        }

        func run() throws {
            let autoencoder = try Autoencoder.load(from: model)
            let (i, j) = try parsedDims()
            let codeSize = autoencoder.codeSize
            guard i < codeSize, j < codeSize else {
                throw LatentCommandError("--dims \(i),\(j): \(model) has a \(codeSize)-D code (dimensions 0…\(codeSize - 1))")
            }
            guard data != nil || codeSize <= 2 else {
                throw LatentCommandError("\(model) has a \(codeSize)-D code: give DATA (e.g. mnist) so the \(codeSize - 2) dimensions not walked are held at their mean")
            }
            var dataset = try data.map { try Dataset.load($0) }
            if let subsample, let d = dataset, subsample < d.count { dataset = d.subsampled(subsample, seed: seed) }
            if let dataset { _ = try modelInputs(dataset, for: autoencoder, path: model) }     // the error names the model file
            let walk = LatentWalk(dimensions: (i, j), steps: steps, range: try range.map { try parseRange($0, option: "--range") })
            try output.write(try walk.gallery(autoencoder: autoencoder, dataset: dataset, imageSize: try output.imageSize()),
                             quiet: runtime.quiet)
        }
    }
}
