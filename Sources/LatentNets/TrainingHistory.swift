import Foundation
import LatentCore

/// One epoch of training.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean loss over the epoch's training batches (weighted by batch size; with dropout active).
    public var trainLoss: Double
    /// For a classifier, the fraction of training samples classified correctly during the
    /// epoch's batches; `nil` for an autoencoder.
    public var trainAccuracy: Double?
    /// Loss on the validation data after the epoch (inference mode), if there is any.
    public var validationLoss: Double?
    /// For a classifier, the accuracy on the validation data after the epoch, if any.
    public var validationAccuracy: Double?
    /// Wall time of the epoch's training loop (shuffling, forward, backward, updates), seconds.
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double? = nil, validationLoss: Double?,
                validationAccuracy: Double? = nil, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
    }
}

/// Why training ended.
public enum StopReason: String, Sendable, Equatable, Codable {
    /// All epochs ran.
    case completed
    /// The validation loss did not improve for `patience` epochs.
    case earlyStopping = "early-stopping"
    /// The progress closure returned `.stop`.
    case stoppedByCaller = "stopped"
}

/// Per-epoch losses (and, for a classifier, accuracies) of a run, for loss-curve figures and logs.
public struct TrainingHistory: Sendable, Equatable, Codable {
    public var epochs: [EpochRecord] = []
    /// The epoch whose weights the model holds at the end (the best one when restored).
    public var finalWeightsEpoch: Int = 0
    /// The epoch with the lowest validation loss, if there was validation data.
    public var bestEpoch: Int?
    public var stopReason: StopReason = .completed

    public init() {}

    /// Median seconds per epoch over epochs 2…N (all of them when there is only one), as the
    /// PyTorch anchor reports it.
    public var medianEpochSeconds: Double {
        let times = (epochs.count > 1 ? epochs.dropFirst() : epochs[...]).map(\.seconds).sorted()
        guard !times.isEmpty else { return 0 }
        let m = times.count / 2
        return times.count % 2 == 1 ? times[m] : (times[m - 1] + times[m]) / 2
    }

    /// Whether the records carry accuracies (a classifier's run).
    var hasAccuracies: Bool { epochs.contains { $0.trainAccuracy != nil } }

    /// `epoch,train_loss,val_loss,seconds`, one line per epoch (empty `val_loss` without
    /// validation); a classifier's run has `epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds`.
    public func csv() -> String {
        func format(_ v: Double?) -> String { v.map { String(format: "%.8g", $0) } ?? "" }
        let accuracies = hasAccuracies
        var lines = [accuracies ? "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds" : "epoch,train_loss,val_loss,seconds"]
        for r in epochs {
            let fields = accuracies
                ? [format(r.trainLoss), format(r.trainAccuracy), format(r.validationLoss), format(r.validationAccuracy)]
                : [format(r.trainLoss), format(r.validationLoss)]
            lines.append(([String(r.epoch)] + fields + [String(format: "%.4f", r.seconds)]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The history as a JSON object with snake_case keys, like the CSV's columns: `epochs`
    /// (each with `epoch`, `train_loss`, `validation_loss`, `seconds`, and a classifier's
    /// `train_accuracy`, `validation_accuracy`), `best_epoch`, `final_weights_epoch`, `stop_reason`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads what `json()` wrote.
    public static func decode(json: Data) throws -> TrainingHistory {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TrainingHistory.self, from: json)
    }

    /// Writes `csv()` or `json()` atomically, chosen by the extension (`.csv`, `.json`).
    /// - Throws: `OutputError` for another extension or a failed write.
    public func write(to path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": try AtomicFile.write(csv(), to: path)
        case "json": try AtomicFile.write(try json(), to: path)
        default: throw OutputError.unsupportedExtension(path: path, allowed: ["csv", "json"])
        }
    }
}
