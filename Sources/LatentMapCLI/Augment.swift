import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Augment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "augment",
            abstract: "Make a larger image dataset from a smaller one by seeded shifts, rotations and noise (writes uint8 .npy).",
            discussion: """
                Image i copies source image i mod N (N source images; its label too). The first N \
                are the sources unchanged; each later one is rotated about the centre by an angle \
                uniform in ±--rotation degrees and shifted by whole pixels uniform in ±--shift in x \
                and y (bilinear interpolation, black outside), then given Gaussian noise of standard \
                deviation --noise (pixel range 0–1), clipped to 0–1 and rounded to 8 bits. The same \
                seed gives the same bytes for any --threads. The million-point t-SNE benchmark:
                  latentmap augment fashion-mnist --count 1000000 --out fashion1m.npy \\
                    --labels-out fashion1m-labels.npy
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Number of images to write (at least 1).")
        var count: Int = 1_000_000

        @Option(help: "Largest shift in whole pixels, each direction.")
        var shift: Int = ImageAugmentation().maximumShift

        @Option(help: "Largest rotation in degrees, either way.")
        var rotation: Double = ImageAugmentation().maximumRotation

        @Option(help: "Standard deviation of the Gaussian pixel noise (pixels in 0–1).")
        var noise: Double = ImageAugmentation().noise

        @Option(help: "Write the images here (.npy, uint8, count × height × width).")
        var out: String

        @Option(help: ArgumentHelp("Write the labels here (.npy, int64).", valueName: "path"))
        var labelsOut: String?

        func validate() throws {
            try OptionLimits.check(count, "count", atMost: Int.max)
            try OptionLimits.check(shift, "shift", atLeast: 0, atMost: Int.max)
            guard rotation >= 0, rotation <= 180 else { throw CLIError.option("rotation", "must be between 0 and 180 degrees, got \(rotation)") }
            guard noise >= 0, noise.isFinite else { throw CLIError.option("noise", "must be 0 or more, got \(noise)") }
            guard out.lowercased().hasSuffix(".npy") else { throw CLIError.option("out", "\(out): the images are written as .npy") }
            if let labelsOut, !labelsOut.lowercased().hasSuffix(".npy") {
                throw CLIError.option("labels-out", "\(labelsOut): the labels are written as .npy")
            }
        }

        func run() throws {
            let source = try input.load(seed)
            guard let shape = source.imageShape, shape.channels == 1 else {
                throw CLIError("\(input.data) holds no single-channel images to augment")
            }
            if labelsOut != nil && source.labels == nil {
                throw CLIError("--labels-out: \(input.data) has no labels to write")
            }
            let augmentation = ImageAugmentation(maximumShift: shift, maximumRotation: rotation, noise: noise)
            let bar = ProgressBar(title: "augment", total: count, plainEvery: max(1, count / 4), quiet: runtime.quiet)
            let (pixels, labels) = try augmentation.augmented(source, count: count, seed: seed.seed) { bar.update($0) }
            bar.finish()
            let payload = pixels.withUnsafeBytes { Data($0) }
            let array = NPYArray(shape: [count, shape.height, shape.width], elementType: .uint8, payload: payload)
            try AtomicFile.write(NPY.encode(array), to: out)
            if let labelsOut, let labels { try NPY.write(labels: labels, to: labelsOut) }
            runtime.note("wrote \(count) images of \(shape) to \(out)" + (labelsOut.map { " and their labels to \($0)" } ?? ""))
        }
    }
}

