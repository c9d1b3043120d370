import ArgumentParser
import Foundation
import LatentMap

/// Where a gallery command writes its figure.
struct GalleryOutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output figure: .svg, .png or .pdf.", valueName: "file"))
    var out: String

    @Option(help: "Dots per inch of PNG output.")
    var dpi: Double = defaultDPI

    @Option(help: ArgumentHelp("Image height and width when neither the data nor the model says, e.g. 28x28.", valueName: "HxW"))
    var imageShape: String?

    @Flag(help: "Black on white instead of white on black.")
    var invert = false

    func validate() throws {
        do { _ = try OutputFormat(path: out) } catch let error as OutputError { throw ValidationError(error.description) }
        guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400, got \(dpi)") }
        if let imageShape { _ = try parseImageShape(imageShape) }
    }

    func write(_ gallery: ImageGallery, quiet: Bool) throws {
        try widenedForTitle(gallery).inverted(invert).write(to: out, dpi: dpi)
        if !quiet { ProgressBar.note("wrote \(out)") }
    }
}

/// `gallery` with cells wide enough that its title fits above the grid (12-point text, about
/// 0.6 em a character).
func widenedForTitle(_ gallery: ImageGallery) -> ImageGallery {
    guard let title = gallery.title else { return gallery }
    let needed = Double(title.count) * 12 * 0.6 + 30
    return gallery.size.width < needed ? gallery.cellWidth(gallery.cellWidth * needed / gallery.size.width) : gallery
}

/// Parses `a:b` (e.g. `-3:3`) into a closed range with a < b.
func parseRange(_ text: String, option: String) throws -> ClosedRange<Double> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a < b else {
        throw ValidationError("\(option) must be LOW:HIGH with LOW < HIGH (e.g. -3:3), got '\(text)'")
    }
    return a...b
}

/// A "nice" spacing (1, 2, 2.5 or 5 × 10^k) of at least `raw`.
func niceStep(atLeast raw: Double) -> Double {
    let magnitude = pow(10, log10(raw).rounded(.down))
    let fraction = raw / magnitude
    let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
    return nice * magnitude
}

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
            let inputs = try modelInputs(dataset, for: autoencoder, path: model)
            let pairs = try parsedPairs()
            if let bad = pairs.flatMap({ [$0.0, $0.1] }).first(where: { $0 >= dataset.count }) {
                throw LatentCommandError("index \(bad) is out of range: \(dataset.name) has \(dataset.count) samples (0…\(dataset.count - 1))")
            }
            let shape = try Anomalies.imageShape(of: dataset, model: autoencoder, given: output.imageShape)
            let used = Array(Set(pairs.flatMap { [$0.0, $0.1] })).sorted()
            let codes = try autoencoder.encode(inputs.rows(at: used))
            func code(_ i: Int) -> [Float] { codes.row(used.firstIndex(of: i)!) }
            let weights = LatentPath.weights(steps: steps)
            var strips: [Matrix] = []
            for (i, j) in pairs {
                let decoded = try autoencoder.decode(try LatentPath.interpolation(from: code(i), to: code(j), weights: weights))
                strips.append(originals ? try Matrix.vstack([inputs.rows(at: [i]), decoded, inputs.rows(at: [j])]) : decoded)
            }
            let images = try Matrix.vstack(strips)
            let omega = Ticks.distinctLabels(for: weights)
            var gallery: ImageGallery
            if originals {
                gallery = ImageGallery(images, height: shape.height, width: shape.width, columns: steps + 2)
                    .imageCaptions(pairs.flatMap { ["#\($0.0)"] + omega + ["#\($0.1)"] })
            } else {
                gallery = try ImageGallery.interpolation(images, weights: weights, height: shape.height, width: shape.width)
            }
            if pairs.count > 1 || !originals {
                gallery = gallery.rowCaptions(pairs.map { "#\($0.0) → #\($0.1)" })
            }
            try output.write(gallery.titled("Interpolation in the \(autoencoder.codeSize)-D latent space (ω from 0 to 1)"), quiet: runtime.quiet)
        }
    }

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
            var dataset: Dataset?
            var codes: Matrix?
            if let data {
                var d = try Dataset.load(data)
                if let subsample, subsample < d.count { d = d.subsampled(subsample, seed: seed) }
                codes = try autoencoder.encode(try modelInputs(d, for: autoencoder, path: model))
                dataset = d
            } else if codeSize > 2 {
                throw LatentCommandError("\(model) has a \(codeSize)-D code: give DATA (e.g. mnist) so the \(codeSize - 2) dimensions not walked are held at their mean")
            }
            let shape = try Anomalies.imageShape(of: dataset, model: autoencoder, given: output.imageShape)
            let base = codes?.columnMeans() ?? [Float](repeating: 0, count: codeSize)
            /// The grid values of latent dimension `k`: --range, else evenly spaced at a round step
            /// over the 2nd to 98th percentile of the codes, else −3…3.
            func axisValues(_ k: Int) throws -> [Double] {
                if let range { return LatentPath.evenlySpaced(try parseRange(range, option: "--range"), count: steps) }
                guard let codes else { return LatentPath.evenlySpaced(-3...3, count: steps) }
                let sorted = (0..<codes.rows).map { Double(codes[$0, k]) }.sorted()
                let lo = sorted[Int(0.02 * Double(sorted.count - 1))], hi = sorted[Int((0.98 * Double(sorted.count - 1)).rounded())]
                let step = niceStep(atLeast: max(hi - lo, 1e-6) / Double(steps - 1))
                let first = ((lo + hi) / 2 / step - Double(steps - 1) / 2).rounded() * step
                return (0..<steps).map { first + Double($0) * step }
            }
            let xs = try axisValues(i)
            // The top row is the largest value, as on a plot's y axis.
            let ys = Array(try axisValues(j).reversed())
            let grid = try LatentPath.grid(x: xs, y: ys, dimensions: (i, j), base: base)
            let images = try autoencoder.decode(grid)
            let held = codeSize > 2 ? ", other \(codeSize - 2) dimensions at their mean" : ""
            let gallery = try ImageGallery.latentWalk(images, xValues: xs, yValues: ys, height: shape.height, width: shape.width,
                                                      xLabel: "z\(subscripted(i + 1))", yLabel: "z\(subscripted(j + 1))")
                .cellWidth(32).titled("Latent walk over z\(subscripted(i + 1)) and z\(subscripted(j + 1))\(held)")
            try output.write(gallery, quiet: runtime.quiet)
        }

        /// `n` in subscript digits (z₁, z₁₂).
        func subscripted(_ n: Int) -> String {
            let digits = Array("₀₁₂₃₄₅₆₇₈₉")
            return String(String(n).map { digits[$0.wholeNumberValue!] })
        }
    }

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
            let sampled: Matrix, images: Matrix, title: String, shape: (height: Int, width: Int)
            if autoencoder.isVariational {
                (sampled, images) = try autoencoder.samplesFromPrior(count: count, seed: seed)
                shape = try Anomalies.imageShape(of: nil, model: autoencoder, given: output.imageShape)
                title = "\(count) samples from the prior N(0, I) (\(autoencoder.codeSize)-D)"
            } else {
                let dataset = try data.load(seed: seed)
                let codes = try autoencoder.encode(try modelInputs(dataset, for: autoencoder, path: model))
                shape = try Anomalies.imageShape(of: dataset, model: autoencoder, given: output.imageShape)
                sampled = try DiagonalGaussian(fitting: codes).sample(count: count, seed: seed)
                images = try autoencoder.decode(sampled)
                title = "\(count) samples from a diagonal Gaussian fitted to \(dataset.count) codes (\(codes.columns)-D)"
            }
            if let codesOut { try MatrixIO.write(sampled, to: codesOut) }
            let perRow = columns ?? max(1, Int(Double(count).squareRoot().rounded(.up)))
            let gallery = ImageGallery(images, height: shape.height, width: shape.width, columns: perRow).titled(title)
            try output.write(gallery, quiet: runtime.quiet)
        }
    }
}
