import Foundation
import LatentCore

/// One epoch of training.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean loss over the epoch's training batches (weighted by batch size).
    public var trainLoss: Double
    /// Loss on the validation data after the epoch, if there is any.
    public var validationLoss: Double?
    /// Wall time of the epoch's training loop (shuffling, forward, backward, updates), seconds.
    public var seconds: Double
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

/// Per-epoch losses of a run, for loss-curve figures and logs.
public struct TrainingHistory: Sendable, Equatable, Codable {
    public var epochs: [EpochRecord] = []
    /// The epoch whose weights the model holds at the end (the best one when restored).
    public var finalWeightsEpoch: Int = 0
    /// The epoch with the lowest validation loss, if there was validation data.
    public var bestEpoch: Int?
    public var stopReason: StopReason = .completed

    /// Median seconds per epoch over epochs 2…N (all of them when there is only one), as the
    /// PyTorch anchor reports it.
    public var medianEpochSeconds: Double {
        let times = (epochs.count > 1 ? epochs.dropFirst() : epochs[...]).map(\.seconds).sorted()
        guard !times.isEmpty else { return 0 }
        let m = times.count / 2
        return times.count % 2 == 1 ? times[m] : (times[m - 1] + times[m]) / 2
    }

    /// `epoch,train_loss,val_loss,seconds`, one line per epoch (empty `val_loss` without validation).
    public func csv() -> String {
        var lines = ["epoch,train_loss,val_loss,seconds"]
        for r in epochs {
            let val = r.validationLoss.map { String(format: "%.8g", $0) } ?? ""
            lines.append("\(r.epoch),\(String(format: "%.8g", r.trainLoss)),\(val),\(String(format: "%.4f", r.seconds))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The history as a JSON object with snake_case keys, like the CSV's columns: `epochs`
    /// (each with `epoch`, `train_loss`, `validation_loss`, `seconds`), `best_epoch`,
    /// `final_weights_epoch`, `stop_reason`.
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
