// Trains a dense autoencoder with a 3-D code on the bundled MNIST digits, pulling the codes
// towards a swiss roll with the Cauchy–Schwarz divergence prior, and draws the codes over
// faint samples of the prior, next to the prior alone, from the same viewpoint.
//
//   swift run -c release SwissRollPrior [output directory, default Figures] [--svg]
//
// Writes swissroll-prior.png (about 1.5 minutes on two shared cores; pass --svg for the
// 5 MB vector version too).
import Foundation
import LatentMap

let directory = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("--") } ?? "Figures"
let digits = try Dataset.mnist()
let labels = digits.labels ?? []

// λ, σ and the number of prior samples per batch: a σ well below the roll's turn spacing (π at
// scale 0.5) and a few hundred prior samples per batch let the codes follow the turns.
let prior = LatentPrior.swissRoll(scale: 0.5)
let lambda: Float = 4, sigma: Float = 0.5, priorSamples = 512
var options = TrainingOptions()
options.epochs = 50
options.batchSize = 128
options.loss = .binaryCrossEntropy
options.optimizer = .adam(learningRate: 3e-3)   // a larger step than the default 1e-3 spreads the codes further along the roll
options.latentRegularizer = CauchySchwarzDivergence(prior: prior, sigma: sigma, seed: 7, priorSampleCount: priorSamples)
options.regularizerWeight = lambda

var model = try Autoencoder.dense(inputSize: 784, hidden: [256, 64], codeSize: 3, seed: 1)
let start = Date()
let history = try model.train(on: digits.samples, options: options) { p in
    if let r = p.completedEpoch, r.epoch % 5 == 0 {
        FileHandle.standardError.write(Data(String(format: "epoch %d: loss %.4f\n", r.epoch, r.trainLoss).utf8))
    }
    return .continue
}
let codes = try model.encode(digits.samples)
var rng = SeededGenerator(seed: 3)
let samples = prior.samples(count: 4000, using: &rng)
let divergence = CauchySchwarzDivergence.divergence(between: codes.rows(0..<2000), and: samples.rows(0..<2000), sigma: sigma)
FileHandle.standardError.write(Data(String(format: "%d epochs in %.0f s, D_CS(codes, prior) %.3f, reconstruction MSE %.4f\n",
                                           history.epochs.count, Date().timeIntervalSince(start), divergence,
                                           try model.meanSquaredError(digits.samples)).utf8))

// One orthographic view for both panels, looking almost along the roll's axis.
let view = ScatterPlot.Projection.rotated(azimuth: 10, elevation: 12)
let priorPanel = ScatterPlot(samples).projection(view).color(Color(hex: 0x8C8C8C)).pointSize(1.6, opacity: 0.45)
    .axes(.frame).titled("Prior: swiss roll (4,000 samples)")
// The codes over the prior's samples (class 10, light grey), so both share the axes.
let overlay = try Matrix.vstack([samples, codes])
let overlayLabels = [Int](repeating: 10, count: samples.rows) + labels
let colors = Palette.tab10.baseColors + [Color(hex: 0xDADADA)]
let codePanel = ScatterPlot(overlay, labels: overlayLabels).projection(view).palette(.custom(colors))
    .classNames((0...9).map(String.init) + ["prior"]).pointSize(1.6, opacity: 0.75).axes(.frame)
    .titled(String(format: "MNIST codes, 784-256-64-3 (λ = %g, σ = %g)", lambda, sigma))
let figure = Panel([priorPanel, codePanel], columns: 2)
    .titled("Autoencoder with a Cauchy–Schwarz swiss-roll prior on its 3-D code")
for ext in CommandLine.arguments.contains("--svg") ? ["png", "svg"] : ["png"] {
    try figure.write(to: "\(directory)/swissroll-prior.\(ext)")
}
