import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

/// `--loss`: mse, bce or l1, or the names Keras and PyTorch give them (`binary_crossentropy`,
/// `mean_squared_error`, `BCELoss`, `mae`, …).
extension Loss: ExpressibleByArgument {
    public init?(argument: String) {
        let key = argument.lowercased().replacingOccurrences(of: "-", with: "_")
        switch key {
        case "mse", "mean_squared_error", "mseloss": self = .meanSquaredError
        case "bce", "binary_crossentropy", "binary_cross_entropy", "bceloss": self = .binaryCrossEntropy
        case "l1", "mae", "mean_absolute_error", "l1loss": self = .meanAbsoluteError
        default: return nil
        }
    }
}

extension Activation: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public var defaultValueDescription: String { name }
}

/// The latent prior named on the command line (`--prior`).
enum PriorChoice: String, ExpressibleByArgument, CaseIterable {
    case gaussian, gmm, swissroll

    /// The prior for codes of `codeSize` values.
    /// - Throws: `CLIError` when the code size does not fit the prior.
    func prior(codeSize: Int) throws -> LatentPrior {
        switch self {
        case .gaussian: return .standardGaussian(dimension: codeSize)
        case .gmm:
            guard codeSize >= 2 else { throw CLIError("--prior gmm needs a code of at least 2 values, the model's code has \(codeSize)") }
            return .gaussianMixture(dimension: codeSize)
        case .swissroll:
            guard codeSize == 3 else {
                throw CLIError("--prior swissroll needs a 3-value code, the model's code has \(codeSize) (use --code 3 or --layers …-3)")
            }
            return .swissRoll()
        }
    }
}

extension LatentMapCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an autoencoder and save it as safetensors.",
            discussion: """
            Give a preset (dense2d, dense20, deep2d, stacked, conv, conv-denoise) or dense layers \
            as a spec (--layers 784-128-64-2: input, hidden sizes, code; the decoder mirrors it). \
            Options given explicitly override the preset's recipe. Prints seconds per epoch and the \
            final losses on stderr; --json prints one JSON line on stdout.

              latentmap train fashion-mnist --part train --preset dense20 --epochs 10 \\
                --out ae.safetensors

            A prior on the code adds λ times the Cauchy–Schwarz divergence between each batch of \
            codes and as many prior samples (Parzen windows of size σ):

              latentmap train mnist --layers 784-256-64-3 --prior swissroll \\
                --lambda 0.1 --sigma 1

            --checkpoint saves the whole training state every --checkpoint-every epochs; after an \
            interruption, the same command with --resume PATH continues to the same result as an \
            uninterrupted run (--epochs counts the epochs before the checkpoint too).
            """)

        @OptionGroup var data: InputOptions
        @OptionGroup var training: TrainingLoopOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Architecture and training recipe: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var preset: Preset?

        @Option(help: "Dense layers as a spec, e.g. 784-128-64-12-2 (sizes may carry :activation).") var layers: String?

        @Option(help: "Hidden-layer activation for --layers: relu, leaky-relu[:slope], tanh, sigmoid, linear.")
        var activation: Activation = .relu

        @Option(help: "Code-layer activation for --layers.") var codeActivation: Activation = .linear
        @Option(help: "Output-layer activation for --layers.") var output: Activation = .sigmoid
        @Option(help: "Code size for a dense preset.") var code: Int?
        @Option(help: "Loss: mse, bce or l1 (default mse).") var loss: Loss?
        @Option(help: "Gaussian noise factor for a denoising autoencoder (inputs clipped to [0, 1]).") var noise: Float?
        @Option(help: "Masking noise: fraction of inputs set to zero.") var masking: Float?

        @Option(help: "Dataset for the test MSE (its test part); default: DATA's test part when training on --part train.") var test: String?

        @Option(help: "Write the model here (.safetensors; a missing folder is created). Default: DATA-ARCHITECTURE.safetensors in the current folder, e.g. mnist-dense20.safetensors.") var out: String?

        @Option(help: ArgumentHelp("Write the rows --val-split held out (0-based rows of DATA as loaded) here (.txt, .csv or .npy), to select them later with --subset.",
                                   valueName: "file"))
        var splitOut: String?

        @Option(help: "Write the per-epoch losses here (.csv or .json).") var history: String?

        @OptionGroup var report: ReportOptions

        @Option(help: "Latent prior: gaussian, gmm (10 Gaussians on a circle) or swissroll (3-D code).")
        var prior: PriorChoice?

        @Option(name: .customLong("lambda"), help: "Weight λ of the prior's divergence in the loss (default 0.1).")
        var priorWeight: Float?

        @Option(help: "Parzen window size σ of the prior's divergence (default 1).") var sigma: Float?

        @Flag(help: "Train a variational autoencoder (Kingma & Welling 2014): the code layer gives a mean and a log-variance, training decodes samples and adds β·KL to N(0, I). Without --layers or --preset: 784-512-256-(--code, default 20), BCE.")
        var variational = false

        @Option(help: "KL weight β of a variational autoencoder (default 1: the ELBO).") var beta: Float?
        @Option(help: "Epochs over which β ramps up from 0 (KL warm-up; default 0).") var warmup: Int?

        @OptionGroup var checkpointing: CheckpointOptions

        /// Epochs when `--epochs` is not given.
        static let defaultEpochs = 10

        var epochs: Int { training.epochs(default: Train.defaultEpochs) }

        /// The model's path without `--out`: DATA-ARCHITECTURE.safetensors in the current
        /// folder (`mnist-dense20`, `codes-64-32-2`, `mnist-vae20`).
        var defaultOut: String {
            var url = URL(fileURLWithPath: data.data)
            if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
            let stem = url.deletingPathExtension().lastPathComponent
            let architecture = preset?.rawValue ?? layers ?? "vae\(code ?? 20)"
            return "\(stem)-\(architecture)\(variational && (preset != nil || layers != nil) ? "-vae" : "").safetensors"
        }

        func validate() throws {
            if preset != nil && layers != nil { throw CLIError.exclusive("preset", "layers") }
            if preset == nil && layers == nil && !variational { throw CLIError("give one of --preset and --layers (or --variational)") }
            if !variational && (beta != nil || warmup != nil) { throw CLIError("--beta and --warmup need --variational") }
            if let beta, !(beta >= 0 && beta.isFinite) { throw CLIError.option("beta", "must be non-negative, got \(beta)") }
            if let warmup { try OptionLimits.check(warmup, "warmup", atLeast: 0, atMost: OptionLimits.passes) }
            if variational && prior != nil { throw CLIError("--prior does not go with --variational (a VAE's prior is N(0, I))") }
            if let noise, !(noise >= 0) { throw CLIError.option("noise", "must be non-negative, got \(noise)") }
            if let masking, !(masking >= 0 && masking < 1) { throw CLIError.option("masking", "must be in [0, 1), got \(masking)") }
            if noise != nil && masking != nil { throw CLIError.exclusive("noise", "masking") }
            if let out, !out.hasSuffix(".safetensors") { throw CLIError.option("out", "must end in .safetensors, got \(out)") }
            if let splitOut, !["txt", "csv", "npy"].contains(URL(fileURLWithPath: splitOut).pathExtension.lowercased()) {
                throw CLIError.option("split-out", "must end in .txt, .csv or .npy, got \(splitOut)")
            }
            if let history, !(history.hasSuffix(".csv") || history.hasSuffix(".json")) {
                throw CLIError.option("history", "must end in .csv or .json, got \(history)")
            }
            if prior == nil && (priorWeight != nil || sigma != nil) { throw CLIError("--lambda and --sigma need --prior") }
            if let priorWeight, !(priorWeight > 0 && priorWeight.isFinite) { throw CLIError.option("lambda", "must be positive, got \(priorWeight)") }
            if let sigma, !(sigma > 0 && sigma.isFinite) { throw CLIError.option("sigma", "must be positive, got \(sigma)") }
            if let checkpoint = checkpointing.checkpoint, !checkpoint.hasSuffix(".safetensors") {
                throw CLIError.option("checkpoint", "must end in .safetensors, got \(checkpoint)")
            }
            try checkpointing.checkDistinct(from: out)
        }

        func run() throws {
            let seed = self.seed.seed
            // Every output is checked (and its folder made) before the data is read; folders
            // made for a run that fails are removed again.
            var outputs = [try OutputPath(self.out ?? defaultOut, option: "out")]
            defer { outputs.forEach { $0.folder.removeIfEmpty() } }
            let out = outputs[0].path
            for (path, option) in [(history, "history"), (splitOut, "split-out"), (checkpointing.checkpoint, "checkpoint")] {
                if let path { outputs.append(try OutputPath(path, option: option)) }
            }
            let dataset = try data.load(seed: seed)
            let imageShape = dataset.imageShape ?? .vector(dataset.dimension)
            var options = preset?.training ?? TrainingOptions()
            var architecture: Architecture
            if let preset {
                architecture = try preset.architecture(imageShape: imageShape, codeSize: code)
            } else if let layers {
                architecture = try Architecture(spec: layers, activation: activation, codeActivation: codeActivation,
                                                output: output)
            } else {
                let recipe = try Recipes.variationalAutoencoder(codeSize: code ?? 20, imageShape: imageShape, epochs: epochs, seed: seed)
                (architecture, options) = (recipe.0.architecture, recipe.1)
            }
            if variational {
                architecture = try architecture.variational()
                if let beta { options.klWeight = beta }
                if let warmup { options.klWarmupEpochs = warmup }
            }
            options.epochs = epochs
            options.seed = seed
            try training.apply(to: &options)
            if splitOut != nil && options.validationFraction == 0 { throw CLIError.needs("split-out", "val-split", "nothing is held out without it") }
            if let loss { options.loss = loss }
            do { try options.loss.checkTargets(in: dataset.samples.range(), of: dataset.name) } catch { throw CLIError.naming("loss", error) }
            try checkTrainable(dataset.samples, name: dataset.name)
            if let noise { options.noise = noise > 0 ? .gaussian(factor: noise) : .none }
            if let masking { options.noise = masking > 0 ? .masking(fraction: masking) : .none }

            var model = try Autoencoder(architecture: architecture, seed: seed)
            model.deskewsInputs = dataset.isDeskewed   // saved in checkpoints and in the model file
            guard dataset.dimension == model.inputSize else {
                throw CLIError("\(dataset.name) has \(dataset.dimension) values per sample, the architecture expects \(model.inputSize)")
            }
            if let prior {
                options.latentRegularizer = CauchySchwarzDivergence(prior: try prior.prior(codeSize: model.codeSize),
                                                                    sigma: sigma ?? 1, seed: seed)
                options.regularizerWeight = priorWeight ?? 0.1
            }
            if let checkpoint = checkpointing.checkpoint {
                options.checkpoint = CheckpointPolicy(path: checkpoint, every: checkpointing.every(default: 1))
            }
            let saved = try checkpointing.resume.map { path in
                do { return try TrainingCheckpoint.read(from: path) } catch {
                    throw CLIError(oneLine(error) + " (a checkpoint comes from train --checkpoint)")
                }
            }
            let name = (preset?.rawValue ?? layers ?? "784-512-256-\(model.codeSize)") + (variational ? " (variational)" : "")
            if !runtime.quiet {
                var line = "train: \(name), \(model.parameterCount) parameters, code \(model.codeSize), \(dataset.count) samples, \(options.optimizer.summary), batch \(options.batchSize), loss \(options.loss.rawValue)"
                if let prior { line += ", prior \(prior.rawValue) (λ \(options.regularizerWeight), σ \(sigma ?? 1))" }
                if variational { line += ", β \(options.klWeight), warm-up \(options.klWarmupEpochs) epochs" }
                ProgressBar.note(line)
                if let saved, let resume = checkpointing.resume { ProgressBar.note("train: resuming after epoch \(saved.epoch) from \(resume)") }
            }
            if self.out == nil { runtime.note("train: no --out given: the model will be saved to \(out)") }
            var epochBar: ProgressBar?
            let quiet = runtime.quiet
            let history = try model.train(on: dataset.samples, options: options, resumingFrom: saved) { p in
                if epochBar == nil { epochBar = ProgressBar(title: "epoch \(p.epoch)/\(p.epochs)", total: p.batchesPerEpoch, plainEvery: p.batchesPerEpoch, quiet: quiet || report.json) }
                if let record = p.completedEpoch {
                    var line = String(format: "%.2f s/epoch, train loss %.5f", record.seconds, record.trainLoss)
                    if let v = record.validationLoss { line += String(format: ", val loss %.5f", v) }
                    if let path = p.savedCheckpoint {
                        line += "; checkpoint of epoch \(p.epoch) saved to \(path)"
                        Signals.keep("the checkpoint of epoch \(p.epoch) in \(path) (continue with --resume \(path))")
                    }
                    epochBar?.finish(line)
                    epochBar = nil
                } else {
                    epochBar?.update(p.batch, detail: String(format: "loss %.5f", p.trainLoss))
                }
                return .continue
            }

            try model.save(to: out)
            if self.out == nil { runtime.note("train: saved the model to \(out)") }
            if let path = self.history { try history.write(to: path) }
            if let splitOut {
                let held = try options.heldOutRows(of: dataset.count)
                try RowSelection.write(held.map { dataset.loadedRows[$0] }, to: splitOut)
                runtime.note("train: the \(held.count) held-out rows are in \(splitOut) (select them with --subset \(splitOut))")
            }

            let trainMSE = try model.meanSquaredError(dataset.samples)
            var testMSE: Double?
            var encodeSeconds: Double?
            var testVariational: (reconstruction: Double, kl: Double)?
            if let test = test ?? (data.part == .train ? data.data : nil) {
                let testSet = try Dataset.load(test, part: .test)
                testMSE = try Train.testError(model, testSet.samples, noise: options.noise, seed: seed)
                if model.isVariational { testVariational = try model.variationalLosses(testSet.samples, loss: options.loss) }
                if report.json { encodeSeconds = try Train.medianEncodeSeconds(model, testSet.samples) }
            }
            let last = history.epochs.last
            var summary = String(format: "train: %.3f s/epoch (median of epochs 2..N), train loss %.5f, train MSE %.5f",
                                 history.medianEpochSeconds, last?.trainLoss ?? .nan, trainMSE)
            if let v = last?.validationLoss { summary += String(format: ", val loss %.5f", v) }
            if let testMSE { summary += String(format: ", test MSE %.5f", testMSE) }
            if let testVariational {
                summary += String(format: ", test reconstruction %.5f, test KL %.3f nats", testVariational.reconstruction, testVariational.kl)
            }
            if history.stopReason == .earlyStopping, let best = history.bestEpoch { summary += ", early stop (best epoch \(best))" }
            if !runtime.quiet { ProgressBar.note(summary) }
            if report.json {
                // Counted from the layers (forward and backward products over the training rows).
                let trainRows = dataset.count - Int((Double(dataset.count) * options.validationFraction).rounded())
                let flops = model.trainingFLOPsPerSample * Double(trainRows)
                var record = ReportFields([
                    "kind": "ae", "model": name, "params": model.parameterCount, "epochs": history.epochs.count,
                    "batch": options.batchSize, "seed": seed, "threads": ExecutionContext.current.threads,
                    "median_epoch_s_2toN": history.medianEpochSeconds,
                    "epoch_s": history.epochs.map(\.seconds), "train_loss": history.epochs.map(\.trainLoss),
                    "train_mse": trainMSE, "samples": dataset.count, "flops_per_epoch": flops,
                    "optimizer": options.optimizer.summary, "noise": String(describing: options.noise),
                ])
                record["val_loss"] = last?.validationLoss
                if history.medianEpochSeconds > 0 { record["gflops"] = flops / history.medianEpochSeconds / 1e9 }
                if model.isVariational {
                    let (reconstruction, kl) = try model.variationalLosses(dataset.samples, loss: options.loss)
                    var v = ReportFields(["beta": options.klWeight, "warmup_epochs": options.klWarmupEpochs,
                                          "train_reconstruction": reconstruction, "train_kl": kl])
                    v["test_reconstruction"] = testVariational?.reconstruction
                    v["test_kl"] = testVariational?.kl
                    record["variational"] = v
                }
                record["encode_test_s"] = encodeSeconds
                if let testMSE {
                    // Keyed by epoch, as the PyTorch anchor reports it.
                    record["test_mse"] = [String(history.epochs.count): testMSE]
                    record["test_mse_final"] = testMSE
                }
                try Report.print(record)
            }
        }

        /// Median wall time of encoding `samples` in five runs after a warm-up (as the anchor times it).
        static func medianEncodeSeconds(_ model: Autoencoder, _ samples: Matrix) throws -> Double {
            _ = try model.encode(samples)
            var times = [Double]()
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try model.encode(samples)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[2]
        }

        /// Test MSE; a denoiser sees the test images with seeded noise and is compared with the clean ones.
        static func testError(_ model: Autoencoder, _ clean: Matrix, noise: Noise, seed: UInt64) throws -> Double {
            guard noise != .none else { return try model.meanSquaredError(clean) }
            return try model.meanSquaredError(noise.applied(to: clean, seed: seed, stream: 99), targets: clean)
        }
    }
}
