// Example 4 — three classic autoencoders on the bundled MNIST:
//   a. the 784-100-20-100-784 dense autoencoder, and t-SNE of the 20-D codes of all 10,000 digits;
//   b. the convolutional autoencoder (3×3 convolutions and pooling down to a 4×4×4 code):
//      originals above their reconstructions;
//   c. a convolutional denoising autoencoder trained on inputs with Gaussian noise (factor 0.5,
//      clipped to [0, 1]): original / noisy / reconstructed rows.
// The convolutional models train on 9,000 digits and are shown the other 1,000.
//
//   swift run -c release DeepAndConvolutional [output folder, default Figures]
//
// Writes ex4-ae20-tsne.png/.svg, ex4-conv-reconstructions.png/.svg, ex4-denoising.png/.svg.
import Foundation
import LatentMap
import LatentTerminal

let out = CommandLine.arguments.dropFirst().first ?? "Figures"
let seed: UInt64 = 4
let mnist = try Dataset.mnist()
let shape = TensorShape(height: 28, width: 28, channels: 1)

/// Trains `preset` for `epochs` on `samples` with a progress bar.
func trained(_ preset: Preset, epochs: Int, on samples: Matrix) throws -> Autoencoder {
    var autoencoder = try Autoencoder.preset(preset, imageShape: shape, seed: seed)
    var options = preset.training
    options.epochs = epochs
    options.seed = seed
    let bar = ProgressBar(title: "train \(preset.rawValue)", total: epochs, plainEvery: max(1, epochs / 5))
    _ = try Recipes.train(&autoencoder, on: samples, options: options, stage: "train",
                          progress: { bar.update($0.step, detail: $0.detail); return .continue })
    bar.finish()
    return autoencoder
}

// a. 784-100-20-100-784 (RMSprop, MSE) and t-SNE of its 20-D codes.
let dense = try trained(.dense20, epochs: 50, on: mnist.samples)
let codes = try dense.encode(mnist.samples)
let result = try TSNE(perplexity: 30, seed: seed).fit(codes)
let scatter = ScatterPlot(result.positions, labels: mnist.labels)
    .titled("MNIST: t-SNE of the 20-D codes of 784-100-20-100-784 (10,000 digits)")
    .shuffled(seed: seed)
for ext in ["png", "svg"] { try scatter.write(to: "\(out)/ex4-ae20-tsne.\(ext)") }

// b. and c. Convolutional models: train on 9,000 digits, show 12 of the other 1,000.
let (train, test) = try mnist.split(validationFraction: 0.1, seed: seed)
let shown = test.samples.rows(0..<12)
let conv = try trained(.conv, epochs: 20, on: train.samples)
let convMSE = try conv.reconstruct(test.samples).meanSquaredDifference(to: test.samples)
let convGallery = try ImageGallery.reconstructions(original: shown, reconstructed: try conv.reconstruct(shown),
                                                   height: 28, width: 28, count: 12)
    .titled(String(format: "Convolutional autoencoder (4×4×4 code): held-out digits, MSE %.4f", convMSE))
for ext in ["png", "svg"] { try convGallery.write(to: "\(out)/ex4-conv-reconstructions.\(ext)") }

let denoiser = try trained(.convDenoise, epochs: 10, on: train.samples)
var rng = SeededGenerator(seed: seed)
let noisy = Matrix(rows: shown.rows, columns: shown.columns) { buffer in
    for i in 0..<buffer.count {
        buffer[i] = min(1, max(0, shown.elements[i] + 0.5 * Float(rng.nextGaussian())))
    }
}
let denoising = try ImageGallery.reconstructions(original: shown, noisy: noisy, reconstructed: try denoiser.reconstruct(noisy),
                                                 height: 28, width: 28, count: 12)
    .titled("Convolutional denoising autoencoder (noise factor 0.5), held-out digits")
for ext in ["png", "svg"] { try denoising.write(to: "\(out)/ex4-denoising.\(ext)") }
print("wrote \(out)/ex4-ae20-tsne.{png,svg}, ex4-conv-reconstructions.{png,svg}, ex4-denoising.{png,svg}")
