import Foundation
import LatentCore

/// When and where training saves checkpoints.
public struct CheckpointPolicy: Sendable, Equatable {
    /// The checkpoint file (`.safetensors`); each save replaces it atomically.
    public var path: String
    /// Save after every this many epochs (default 1), and after the last epoch.
    public var every: Int

    public init(path: String, every: Int = 1) {
        self.path = path
        self.every = every
    }
}

/// Everything needed to continue a training run (autoencoder or classifier) exactly where it
/// stopped: the model's layers (and a classifier's input standardisation), weights, optimiser
/// moments and step count, the epoch, the step counter from which the per-step random streams
/// (noise, prior samples) are derived, early-stopping state and the history so far. The
/// shuffling generator's state follows from the seed and the epoch (a resumed run replays the
/// shuffles of the epochs done).
///
/// A checkpoint is a safetensors file (`parameters`, `optimizer.first`, `optimizer.second`,
/// `best.parameters`, and a classifier's `input.mean` and `input.scale` tensors; the rest in
/// `__metadata__`, doubles as exact bit patterns, `model` = `classifier` for a classifier), written
/// atomically, so an interrupted run leaves the previous checkpoint or the new one, never half of
/// one. Resuming from it with the same data and options gives the same weights and losses, bit
/// for bit, as the uninterrupted run.
///
/// ```swift
/// var options = TrainingOptions()
/// options.epochs = 20
/// options.checkpoint = CheckpointPolicy(path: "run.ckpt.safetensors", every: 2)
/// try model.train(on: images, options: options)          // interrupted after epoch 6 …
/// let saved = try TrainingCheckpoint.read(from: "run.ckpt.safetensors")
/// try model.train(on: images, options: options, resumingFrom: saved)   // … epochs 7–20
/// ```
public struct TrainingCheckpoint: Sendable {
    /// The `format` value in a checkpoint's metadata.
    public static let fileFormat = "latentmap-checkpoint"

    /// What the weights belong to.
    public enum Model: Sendable, Equatable {
        /// An autoencoder with these layers.
        case autoencoder(Architecture)
        /// A classifier with these layers and (once fitted) this input standardisation.
        case classifier(ClassifierArchitecture, inputMean: [Float]?, inputScale: [Float]?)

        /// The layers, as a checkpoint must match them to be resumed (standardisation aside).
        var layers: String {
            switch self {
            case .autoencoder(let a): return a.denseSpec ?? a.description.split(separator: "\n").joined(separator: "; ")
            case .classifier(let a, _, _): return "classifier \(a.summary)"
            }
        }

        func hasSameLayers(as other: Model) -> Bool {
            switch (self, other) {
            case (.autoencoder(let a), .autoencoder(let b)): return a == b
            case (.classifier(let a, _, _), .classifier(let b, _, _)): return a == b
            default: return false
            }
        }

        /// Number of parameters of the model.
        func parameterCount() throws -> Int {
            switch self {
            case .autoencoder(let a): return try LayerStack(a).parameterCount
            case .classifier(let a, _, _): return try Classifier(architecture: a).parameterCount
            }
        }
    }

    /// The model the weights belong to.
    public var model: Model
    /// Epochs completed.
    public var epoch: Int
    /// The losses of the completed epochs.
    public var history: TrainingHistory
    /// The weights after `epoch`.
    public var parameters: [Float]
    var optimizerFirst: [Float]
    var optimizerSecond: [Float]
    var optimizerStep: Int
    /// Gradient steps taken so far (the random streams' counter).
    var step: UInt64
    var referenceLoss: Double?
    var best: BestEpoch?
    var waited: Int
    /// Describes the training data (size and checksum), to refuse other data on resume.
    var data: String
    /// The options that must not change on resume, by name.
    var options: [String: String]
    /// The file it was read from (names it in errors).
    public internal(set) var path = "checkpoint"

    /// The autoencoder holding the checkpoint's weights; it deskews its inputs when the run that
    /// wrote the checkpoint trained on deskewed images.
    /// - Throws: `NetsError.invalidModelFile` when the checkpoint is a classifier's.
    public func autoencoder() throws -> Autoencoder {
        guard case .autoencoder(let architecture) = model else {
            throw NetsError.invalidModelFile(path: path, reason: "it is a classifier's training checkpoint, not an autoencoder's")
        }
        var model = try Autoencoder(architecture: architecture, parameters: parameters)
        model.deskewsInputs = try Autoencoder.deskews(preprocessing: options[Autoencoder.preprocessingKey], path: path)
        return model
    }

    /// Writes the checkpoint atomically.
    /// - Throws: `OutputError` when the file cannot be written.
    public func write(to path: String) throws {
        var tensors = [(name: String, tensor: SafetensorsTensor)]()
        var standardization: [(String, [Float])] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let architecture: Data
        switch model {
        case .autoencoder(let a): architecture = try encoder.encode(a)
        case .classifier(let a, let mean, let scale):
            architecture = try encoder.encode(a)
            standardization = [("input.mean", mean ?? []), ("input.scale", scale ?? [])]
        }
        for (name, values) in [("parameters", parameters), ("optimizer.first", optimizerFirst),
                               ("optimizer.second", optimizerSecond), ("best.parameters", best?.parameters ?? [])]
                               + standardization where !values.isEmpty {
            tensors.append((name, SafetensorsTensor(shape: [values.count], values: values)))
        }
        var metadata = [
            "format": TrainingCheckpoint.fileFormat, "version": "1",
            "architecture": String(decoding: architecture, as: UTF8.self),
            "epoch": String(epoch), "step": String(step), "optimizer_step": String(optimizerStep),
            "waited": String(waited), "data": data, "history": TrainingCheckpoint.encode(history),
        ]
        if let referenceLoss { metadata["reference_loss"] = TrainingCheckpoint.exact(referenceLoss) }
        if let best { metadata["best"] = "\(best.epoch) \(TrainingCheckpoint.exact(best.loss))" }
        if case .classifier = model { metadata["model"] = "classifier" }
        for (key, value) in options { metadata["option." + key] = value }
        try Safetensors(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads a checkpoint written by training.
    /// - Throws: `SafetensorsError` for an unreadable or malformed file, `NetsError.invalidModelFile`
    ///   for one that is not a checkpoint; each names the file and the problem.
    public static func read(from path: String) throws -> TrainingCheckpoint {
        let file = try Safetensors.readModel(from: path)
        func bad(_ reason: String) -> NetsError { .invalidModelFile(path: path, reason: reason) }
        let meta = file.metadata
        guard meta["format"] == fileFormat else {
            throw bad(meta["format"] == Autoencoder.fileFormat
                      ? "it is a model, not a training checkpoint"
                      : "not a LatentMap training checkpoint")
        }
        guard meta["version"] == "1" else { throw bad("checkpoint version \(meta["version"] ?? "?") is not supported") }
        let model: Model
        let archJSON = Data((meta["architecture"] ?? "").utf8)
        switch meta["model"] {
        case nil:
            guard let a = try? JSONDecoder().decode(Architecture.self, from: archJSON) else {
                throw bad("the architecture in its metadata cannot be read")
            }
            model = .autoencoder(a)
        case "classifier":
            guard let a = try? JSONDecoder().decode(ClassifierArchitecture.self, from: archJSON) else {
                throw bad("the classifier architecture in its metadata cannot be read")
            }
            let mean = file["input.mean"]?.values, scale = file["input.scale"]?.values
            guard (mean == nil) == (scale == nil), mean.map({ $0.count == a.inputSize && scale?.count == a.inputSize }) ?? true else {
                throw bad("its input standardisation does not have \(a.inputSize) means and scales")
            }
            model = .classifier(a, inputMean: mean, inputScale: scale)
        case let other?:
            throw bad("its model kind '\(other)' is not supported")
        }
        guard let epoch = meta["epoch"].flatMap({ Int($0) }), epoch >= 1,
              let step = meta["step"].flatMap({ UInt64($0) }),
              let optimizerStep = meta["optimizer_step"].flatMap({ Int($0) }),
              let waited = meta["waited"].flatMap({ Int($0) }),
              let data = meta["data"],
              let history = meta["history"].flatMap(decodeHistory), history.epochs.count == epoch else {
            throw bad("its training state (epoch, step, history) is missing or damaged")
        }
        var referenceLoss: Double?
        if let text = meta["reference_loss"] {
            guard let v = exactValue(text) else { throw bad("reference loss '\(text)' is damaged") }
            referenceLoss = v
        }
        guard let parameters = file["parameters"]?.values else { throw bad("tensor 'parameters' is missing") }
        let count: Int
        do { count = try model.parameterCount() } catch {
            throw bad("its architecture is inconsistent")
        }
        guard parameters.count == count else {
            throw bad("it holds \(parameters.count) parameters, its architecture has \(count)")
        }
        var best: BestEpoch?
        if let text = meta["best"] {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let e = Int(parts[0]), let loss = exactValue(String(parts[1])) else {
                throw bad("best-epoch record '\(text)' is damaged")
            }
            best = BestEpoch(loss: loss, epoch: e, parameters: file["best.parameters"]?.values ?? [])
        }
        var options = [String: String]()
        for (key, value) in meta where key.hasPrefix("option.") { options[String(key.dropFirst(7))] = value }
        _ = try Autoencoder.deskews(preprocessing: options[Autoencoder.preprocessingKey], path: path)   // refuses an unknown one now
        let first = file["optimizer.first"]?.values ?? [], second = file["optimizer.second"]?.values ?? []
        guard first.count == count, second.isEmpty || second.count == count,
              best.map({ $0.parameters.isEmpty || $0.parameters.count == count }) ?? true else {
            throw bad("its optimizer or best-epoch tensors do not match its \(count) parameters")
        }
        return TrainingCheckpoint(model: model, epoch: epoch, history: history, parameters: parameters,
                                  optimizerFirst: first, optimizerSecond: second, optimizerStep: optimizerStep,
                                  step: step, referenceLoss: referenceLoss, best: best, waited: waited,
                                  data: data, options: options, path: path)
    }

    /// Throws unless the checkpoint can continue this run: same layers, data and options.
    func checkCompatible(model: Model, data: String, options: [String: String]) throws {
        func mismatch(_ what: String) -> NetsError { .invalidOption("\(self.path): the checkpoint does not match this run: \(what)") }
        guard model.hasSameLayers(as: self.model) else {
            throw mismatch("it was written for the architecture \(self.model.layers), this model is \(model.layers)")
        }
        for key in Set(options.keys).union(self.options.keys).sorted() where options[key] != self.options[key] {
            throw mismatch("\(key) was \(self.options[key] ?? "unset"), now \(options[key] ?? "unset")")
        }
        guard data == self.data else { throw mismatch("it was trained on other data (\(self.data); now \(data))") }
    }

    // MARK: Exact text forms

    static func exact(_ v: Double) -> String { String(v.bitPattern, radix: 16) }

    static func exactValue(_ text: String) -> Double? { UInt64(text, radix: 16).map(Double.init(bitPattern:)) }

    /// One line per epoch (`epoch train val seconds`, bit patterns; `-` for no validation;
    /// a classifier's lines add `trainAccuracy valAccuracy`), then `final best stopReason`.
    static func encode(_ h: TrainingHistory) -> String {
        var lines = h.epochs.map { r in
            var line = "\(r.epoch) \(exact(r.trainLoss)) \(r.validationLoss.map(exact) ?? "-") \(exact(r.seconds))"
            if let a = r.trainAccuracy { line += " \(exact(a)) \(r.validationAccuracy.map(exact) ?? "-")" }
            return line
        }
        lines.append("\(h.finalWeightsEpoch) \(h.bestEpoch.map(String.init) ?? "-") \(h.stopReason.rawValue)")
        return lines.joined(separator: "\n")
    }

    static func decodeHistory(_ text: String) -> TrainingHistory? {
        var lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard let last = lines.popLast(), last.count == 3, let final = Int(last[0]),
              let stop = StopReason(rawValue: last[2]) else { return nil }
        var h = TrainingHistory()
        h.finalWeightsEpoch = final
        h.bestEpoch = Int(last[1])
        h.stopReason = stop
        /// A value or `-`; `.some(nil)` for `-`, `nil` for damage.
        func optional(_ text: String) -> Double?? { text == "-" ? .some(nil) : exactValue(text).map { .some($0) } }
        for f in lines {
            guard f.count == 4 || f.count == 6, let e = Int(f[0]), let train = exactValue(f[1]), let val = optional(f[2]),
                  let seconds = exactValue(f[3]) else { return nil }
            var record = EpochRecord(epoch: e, trainLoss: train, validationLoss: val, seconds: seconds)
            if f.count == 6 {
                guard let accuracy = exactValue(f[4]), let valAccuracy = optional(f[5]) else { return nil }
                record.trainAccuracy = accuracy
                record.validationAccuracy = valAccuracy
            }
            h.epochs.append(record)
        }
        return h
    }

    /// `rows × columns, checksum …` of the training and validation data (and labels): a 64-bit
    /// FNV-1a hash of the values' bit patterns, enough to tell a different file or subset from
    /// the same one.
    static func describe(_ inputs: Matrix, trainIndices: [Int], validation: Matrix?, targets: Matrix?,
                         labels: [Int] = []) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ m: Matrix) {
            m.withUnsafeBufferPointer { p in
                for v in p { hash = (hash ^ UInt64(v.bitPattern)) &* 0x0000_0100_0000_01B3 }
            }
        }
        mix(inputs)
        if let validation { mix(validation) }
        if let targets { mix(targets) }
        for i in trainIndices { hash = (hash ^ UInt64(i)) &* 0x0000_0100_0000_01B3 }
        for l in labels { hash = (hash ^ UInt64(bitPattern: Int64(l))) &* 0x0000_0100_0000_01B3 }
        let val = validation.map { ", validation \($0.rows)" } ?? ""
        return "\(trainIndices.count) training samples of \(inputs.columns) values\(val), checksum \(String(hash, radix: 16))"
    }
}
