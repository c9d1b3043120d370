// Example 1 — a 2-D dense autoencoder on MNIST (784-128-64-12-2), after the classic Keras
// "latent space of an autoencoder" experiment.
//
// Trains on 5,000 of the bundled MNIST test digits, then shows the other 5,000 (never seen in
// training) in the 2-D latent space, and decodes straight lines between the codes of two 1s,
// two 4s, two 2s, and a 1 and a 0, in 14 steps each.
//
//   swift run -c release DenseAutoencoder2D [output folder, default Figures]
//
// Writes ex1-dense2d-latent.png/.svg and ex1-dense2d-interpolation.png/.svg.
import Foundation
import LatentMap
import LatentTerminal

let out = CommandLine.arguments.dropFirst().first ?? "Figures"
let seed: UInt64 = 7

// 1. Data: 5,000 digits to train on, 5,000 held out to look at.
let mnist = try Dataset.mnist()
let (train, heldOut) = try mnist.split(validationFraction: 0.5, seed: seed)

// 2. The preset is the published model and its recipe (Adam 1e-3, batch 128).
var autoencoder = try Autoencoder.preset(.dense2d, seed: seed)
var options = Preset.dense2d.training
options.epochs = 60
options.seed = seed
let bar = ProgressBar(title: "train 784-128-64-12-2", total: options.epochs, plainEvery: 10)
let history = try Recipes.train(&autoencoder, on: train.samples, options: options, stage: "train",
                                progress: { bar.update($0.step, detail: $0.detail); return .continue })
bar.finish(String(format: "final loss %.4f", history.epochs.last?.trainLoss ?? .nan))

// 3. The latent scatter of the held-out digits: here the axes are the code itself.
let codes = try autoencoder.encode(heldOut.samples)
let scatter = ScatterPlot(codes, labels: heldOut.labels)
    .titled("MNIST: 2-D autoencoder latent space (5,000 held-out digits)")
    .axes(.ticks, x: "z₁", y: "z₂")
    .shuffled(seed: seed)
for ext in ["png", "svg"] { try scatter.write(to: "\(out)/ex1-dense2d-latent.\(ext)") }

// 4. Interpolation strips: decode (1 − ω)·z_a + ω·z_b for 14 weights ω from 0 to 1.
let labels = heldOut.labels ?? []
func indices(of digit: Int) -> [Int] { labels.indices.filter { labels[$0] == digit } }
let ones = indices(of: 1), fours = indices(of: 4), twos = indices(of: 2), zeros = indices(of: 0)
let pairs = [(ones[0], ones[1]), (fours[0], fours[1]), (twos[0], twos[1]), (ones[2], zeros[0])]
let weights = LatentPath.weights(steps: 14)
let mixed = try Matrix.vstack(pairs.map { a, b in
    try LatentPath.interpolation(from: codes.row(a), to: codes.row(b), weights: weights)
})
let strips = try ImageGallery.interpolation(try autoencoder.decode(mixed), weights: weights, height: 28, width: 28)
    .rowCaptions(["1 → 1", "4 → 4", "2 → 2", "1 → 0"])
    .titled("Decoded along straight lines in the 2-D latent space (weight ω)")
for ext in ["png", "svg"] { try strips.write(to: "\(out)/ex1-dense2d-interpolation.\(ext)") }
print("wrote \(out)/ex1-dense2d-latent.{png,svg} and \(out)/ex1-dense2d-interpolation.{png,svg}")
