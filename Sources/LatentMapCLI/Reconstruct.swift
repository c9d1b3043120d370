import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Reconstruct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconstruct a dataset through a trained autoencoder and report the MSE.",
            discussion: """
                --noise F corrupts the inputs first, as the Keras denoising tutorial does \
                (clip(x + F·N(0, 1), 0, 1), seeded by --seed); the MSE is then that of the \
                reconstructions against the clean images. --gallery draws the first \
                --gallery-count originals, the noisy inputs (with --noise) and the \
                reconstructions in captioned rows. Examples:
                  latentmap reconstruct ae.safetensors fashion-mnist --part test \\
                    --out recon.npy
                  latentmap reconstruct dae.safetensors mnist --noise 0.5 \\
                    --gallery denoised.png
                  latentmap reconstruct ae.safetensors mnist --gallery rows.pdf \\
                    --width 3.5in --font-size 8
                """)

        @OptionGroup var input: ModelInputOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Write the reconstructions here (.npy or .csv); the labels go beside them (recon.labels.npy, or a label column in CSV).")
        var out: String?

        @Option(help: "Gaussian noise factor added to the inputs first (0.5 in the Keras tutorial); the MSE is against the clean images.")
        var noise: Double?

        @Option(help: ArgumentHelp("Draw originals (, noisy inputs) and reconstructions in rows into this figure (.svg, .png, .pdf).",
                                   valueName: "file"))
        var gallery: String?

        @Option(help: "Images per row of the gallery (the first ones of the data).")
        var galleryCount: Int = 10

        @OptionGroup var image: ImageShapeOptions
        @OptionGroup var figure: FigureOptions

        func validate() throws {
            if let noise, !(noise >= 0 && noise.isFinite) { throw CLIError.option("noise", "must be 0 or more, got \(noise)") }
            if let gallery { try FigureOptions.checkPath(gallery, option: "gallery") }
            guard galleryCount >= 1, galleryCount <= 100 else {
                throw CLIError.option("gallery-count", "must be between 1 and 100, got \(galleryCount)")
            }
        }

        func run() throws {
            let (autoencoder, dataset, clean) = try input.load()
            let shape = gallery == nil ? nil : try image.shape(of: dataset)
            var inputs = clean
            if let noise, noise > 0 { inputs = Noise.gaussian(factor: Float(noise)).applied(to: clean, seed: input.seed.seed) }
            let recon = try autoencoder.reconstruct(inputs)
            let mse = recon.meanSquaredDifference(to: clean)
            if let out { try MatrixIO.write(recon, labels: dataset.labelSet, to: out) }
            if let gallery, let shape {
                let noisy = noise.map { $0 > 0 } == true ? inputs : nil
                let n = min(galleryCount, clean.rows)
                let rows = noisy == nil ? "originals above their reconstructions" : "originals, noisy inputs and reconstructions"
                let deskewed = autoencoder.deskewsInputs || dataset.isDeskewed
                let g = try ImageGallery.reconstructions(original: clean, noisy: noisy, reconstructed: recon,
                                                         height: shape.height, width: shape.width, count: n,
                                                         originalCaption: deskewed ? "deskewed" : "original")
                    .titled(figure.title(default: String(format: "Reconstructions, MSE %.4f", mse)))
                let paths = try figure.write(g, to: gallery)
                if !runtime.quiet { ProgressBar.note("wrote \(paths.joined(separator: ", ")): \(rows) of \(n) images") }
            }
            let against = noise.map { $0 > 0 } == true
                ? String(format: " (inputs with Gaussian noise %g; against the clean images)", noise!) : ""
            print(String(format: "reconstruction MSE %.6f over %d samples", mse, recon.rows) + against)
        }
    }
}
