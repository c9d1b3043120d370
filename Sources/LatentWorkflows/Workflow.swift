import Foundation
import LatentCore

/// Progress of one stage of a multi-stage workflow (training, then t-SNE, …).
///
/// Every workflow reports through one closure `(StageProgress) -> ProgressDecision`; returning
/// `.stop` ends the run, which then throws `WorkflowStopped` and returns no result.
public struct StageProgress: Sendable {
    /// What is running, e.g. "dense2d autoencoder".
    public var stage: String
    /// Steps done and in all (epochs, iterations, placed points).
    public var step: Int
    public var total: Int
    /// A short status such as the current loss.
    public var detail: String

    public init(stage: String, step: Int, total: Int, detail: String = "") {
        self.stage = stage
        self.step = step
        self.total = total
        self.detail = detail
    }
}

/// Thrown by a workflow whose progress closure returned `.stop`: the run ended early and
/// returned nothing, so nothing half-done can be written.
public struct WorkflowStopped: Error, CustomStringConvertible, Equatable {
    /// The stage that was running when the closure asked to stop.
    public var stage: String
    public init(stage: String) { self.stage = stage }
    public var description: String { "stopped during \(stage)" }
}

/// A problem with what a workflow was given (data that does not fit the model, too few samples
/// for the asked statistics), as one line naming the input.
public struct WorkflowError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The progress closure of one run: forwards every report, remembers a `.stop`, and turns it
/// into `WorkflowStopped` at the next `check()` (library calls such as `TSNE.fit` return their
/// partial result on `.stop` instead of throwing).
final class ProgressRelay {
    private let forward: (StageProgress) -> ProgressDecision
    private(set) var stoppedStage: String?

    init(_ forward: @escaping (StageProgress) -> ProgressDecision) { self.forward = forward }

    /// Reports `progress`; once a stop was asked, keeps answering `.stop`.
    func report(_ progress: StageProgress) -> ProgressDecision {
        if stoppedStage != nil { return .stop }
        if forward(progress) == .stop { stoppedStage = progress.stage; return .stop }
        return .continue
    }

    /// Reports the start of a stage with no steps of its own ("scoring", "metrics").
    func begin(_ stage: String) throws {
        _ = report(StageProgress(stage: stage, step: 0, total: 1))
        try check()
    }

    /// Throws `WorkflowStopped` when a report was answered with `.stop`.
    func check() throws {
        if let stoppedStage { throw WorkflowStopped(stage: stoppedStage) }
    }

    /// Runs `body` with the relay, turning `TSNEError.stopped`-style throws and stops into
    /// `WorkflowStopped`.
    func run<T>(_ body: (ProgressRelay) throws -> T) throws -> T {
        let value: T
        do { value = try body(self) } catch {
            try check()
            throw error
        }
        try check()
        return value
    }
}

/// Seconds per named stage, in the order the stages ran.
public struct StageTimes: Sendable, Equatable {
    public private(set) var entries: [(stage: String, seconds: Double)] = []
    public init() {}

    /// Seconds of `stage` (nil when it did not run).
    public subscript(stage: String) -> Double? { entries.first { $0.stage == stage }?.seconds }

    /// Runs `body`, recording its wall time as `stage`.
    public mutating func time<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        defer { entries.append((stage, Date().timeIntervalSince(start))) }
        return try body()
    }

    public static func == (a: StageTimes, b: StageTimes) -> Bool {
        a.entries.map(\.stage) == b.entries.map(\.stage) && a.entries.map(\.seconds) == b.entries.map(\.seconds)
    }
}
