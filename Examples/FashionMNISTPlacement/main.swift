// Example 6 — a test set placed into its training map: Fashion-MNIST's 60,000 training images
// mapped with t-SNE (PCA-50 fitted on them), then its 10,000 test images placed into the
// finished map, which does not move (openTSNE's `transform`, in LatentMap's `TSNEMap`).
//
// Needs Debian's dataset-fashion-mnist package (scripts/setup.sh installs it).
//
//   swift run -c release FashionMNISTPlacement [output folder, default Figures]
//
// Writes ex6-fashion-placement.png: the training map beside the test points drawn over it.
import Foundation
import LatentMap
import LatentTerminal

let out = CommandLine.arguments.dropFirst().first ?? "Figures"
let seed: UInt64 = 1
let train = try Dataset.fashionMNIST(part: .train), test = try Dataset.fashionMNIST(part: .test)

// 1. PCA-50 of the training pixels, and the t-SNE map of the 60,000 training images.
let pca = try PCA(fitting: train.samples, components: 50)
let reference = pca.transform(train.samples)
let tsne = TSNE(perplexity: 30, seed: seed)
let embedding = ProgressBar(title: "t-SNE of 60,000 training images", total: tsne.iterations, plainEvery: tsne.iterations / 10)
let result = try Recipes.embed(reference, with: tsne, stage: "t-SNE",
                               progress: { embedding.update($0.step, detail: $0.detail); return .continue })
embedding.finish(String(format: "KL %.3f", result.klDivergence))
let map = try TSNEMap(reference: reference, result: result, tsne: tsne, labels: train.labels,
                      projection: TSNEMap.Projection(pca))

// 2. The 10,000 test images placed into it (raw pixels: the map projects them itself).
let t0 = Date()
let placing = ProgressBar(title: "placing 10,000 test images", total: test.count, plainEvery: 2048)
let placed = try Recipes.place(test.samples, into: map, stage: "place",
                               progress: { placing.update($0.step); return .continue })
placing.finish()
let seconds = Date().timeIntervalSince(t0)
let accuracy = try Recipes.placedAccuracy(placed.positions, labels: test.labels, in: map) ?? .nan
let drift = try Recipes.replacementDrift(of: map, every: 6)
print(String(format: "placed 10,000 test images in %.1f s; their 10-NN accuracy against the training labels %.4f", seconds, accuracy))
print(String(format: "training points placed again: median displacement %.4f of the map's spread (RMS radius %.2f)",
             drift, map.spread))

// 3. The training map beside the placed test points over the faded map.
let (trainingPlot, placedPlot) = Recipes.placementFigures(map: map, placed: placed.positions, labels: test.labels,
                                                          classNames: train.classNames, title: "Fashion-MNIST", seed: seed)
let side = (width: 560.0, height: 500.0)
try Panel([trainingPlot.legend(false).size(width: side.width - 100, height: side.height),
           placedPlot.size(width: side.width, height: side.height)], columns: 2)
    .titled(String(format: "60,000 training images mapped (t-SNE of PCA-50), 10,000 test images placed (10-NN accuracy %.3f)", accuracy))
    .write(to: "\(out)/ex6-fashion-placement.png")
print("wrote \(out)/ex6-fashion-placement.png")
