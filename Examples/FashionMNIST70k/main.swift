// Example 5 — Fashion-MNIST at full size: all 70,000 images through an autoencoder to 20
// dimensions and Barnes-Hut t-SNE, in a few minutes on two cores.
//
// Needs Debian's dataset-fashion-mnist package (scripts/setup.sh installs it).
//
//   swift run -c release FashionMNIST70k [output folder, default Figures]
//
// Writes ex5-fashion70k-tsne.png (the SVG of 70,000 points would be too large for git).
import Foundation
import LatentMap
import LatentTerminal

let out = CommandLine.arguments.dropFirst().first ?? "Figures"
let seed: UInt64 = 5
let fashion = try Dataset.fashionMNIST(part: .all)

// 1. The 784-100-20-100-784 autoencoder, trained on all 70,000 images.
var (autoencoder, options) = try Recipes.latentAutoencoder(
    codeSize: 20, imageShape: TensorShape(height: 28, width: 28, channels: 1), epochs: 20, seed: seed)
let training = ProgressBar(title: "train 784-100-20-100-784", total: options.epochs, plainEvery: 2)
_ = try Recipes.train(&autoencoder, on: fashion.samples, options: options, stage: "train",
                      progress: { training.update($0.step, detail: $0.detail); return .continue })
training.finish()
let codes = try autoencoder.encode(fashion.samples)

// 2. Barnes-Hut t-SNE of the 70,000 codes.
let tsne = TSNE(perplexity: 30, seed: seed)
let embedding = ProgressBar(title: "t-SNE of 70,000 codes", total: tsne.iterations, plainEvery: tsne.iterations / 10)
let result = try Recipes.embed(codes, with: tsne, stage: "t-SNE",
                               progress: { embedding.update($0.step, detail: $0.detail); return .continue })
embedding.finish(String(format: "KL %.3f", result.klDivergence))

// 3. The map, with class names in the legend and at the cluster centres.
var scatter = ScatterPlot(result.positions, labels: fashion.labels)
    .titled("Fashion-MNIST, 70,000 images: 20-D autoencoder codes + Barnes-Hut t-SNE")
    .shuffled(seed: seed)
    .clusterLabels()
    .size(width: 720, height: 640)
if let names = fashion.classNames { scatter = scatter.classNames(names) }
try scatter.write(to: "\(out)/ex5-fashion70k-tsne.png")
print("wrote \(out)/ex5-fashion70k-tsne.png")
