// Example 2 — an autoencoder to 64 dimensions, then t-SNE of the codes to 2-D.
//
// The autoencoder (784-512-256-64, ReLU, Adam, trained with 20% masking noise) compresses each
// bundled MNIST digit to 64 numbers; Barnes-Hut t-SNE then lays the 10,000 codes out in the plane. Two figures: the
// labelled scatter, and the same map with digit thumbnails placed where they do not overlap.
//
//   swift run -c release Autoencoder64TSNE [output folder, default Figures]
//
// Writes ex2-ae64-tsne.png/.svg and ex2-ae64-thumbnails.png.
import Foundation
import LatentMap
import LatentTerminal

let out = CommandLine.arguments.dropFirst().first ?? "Figures"
let seed: UInt64 = 2
let mnist = try Dataset.mnist()

// 1. Train the 64-D autoencoder (the recipe of `latentmap pipeline --latent 64`).
var (autoencoder, options) = try Recipes.latentAutoencoder(
    codeSize: 64, imageShape: TensorShape(height: 28, width: 28, channels: 1), epochs: 30, seed: seed)
// Each stage reports a `StageProgress`; the example draws it with a `ProgressBar` on stderr.
let training = ProgressBar(title: "train 784-512-256-64", total: options.epochs, plainEvery: max(1, options.epochs / 5))
_ = try Recipes.train(&autoencoder, on: mnist.samples, options: options, stage: "train",
                      progress: { training.update($0.step, detail: $0.detail); return .continue })
training.finish()

// 2. Encode and embed with Barnes-Hut t-SNE.
let codes = try autoencoder.encode(mnist.samples)
let tsne = TSNE(perplexity: 30, seed: seed)
let embedding = ProgressBar(title: "t-SNE", total: tsne.iterations, plainEvery: tsne.iterations / 5)
let result = try Recipes.embed(codes, with: tsne, stage: "t-SNE",
                               progress: { embedding.update($0.step, detail: $0.detail); return .continue })
embedding.finish(String(format: "KL %.3f", result.klDivergence))
let accuracy = try KNNClassifier(k: 10).crossValidatedAccuracy(result.positions, labels: mnist.labels ?? [], folds: 5)

// 3. Figures.
let scatter = ScatterPlot(result.positions, labels: mnist.labels)
    .titled(String(format: "MNIST: 64-D autoencoder codes + t-SNE (10-NN accuracy %.3f)", accuracy))
    .shuffled(seed: seed)
for ext in ["png", "svg"] { try scatter.write(to: "\(out)/ex2-ae64-tsne.\(ext)") }
try ThumbnailScatter(result.positions, images: mnist.samples, height: 28, width: 28, labels: mnist.labels)
    .titled("The same map with digits drawn at their positions")
    .seed(seed)
    .write(to: "\(out)/ex2-ae64-thumbnails.png")
print("wrote \(out)/ex2-ae64-tsne.{png,svg} and \(out)/ex2-ae64-thumbnails.png")
