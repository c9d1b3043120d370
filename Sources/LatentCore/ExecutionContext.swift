import Foundation

/// How much of the machine a run may use: worker threads and a memory limit.
///
/// A value passed into `TSNE.fit` and the training methods (`Autoencoder.train`,
/// `Classifier.train`), which bind it as `ExecutionContext.current` for the duration of the
/// call; `Parallel.forEachChunk` and `MemoryEstimate.limit` read it there. It is a task-local
/// value, not a process-wide setting, so concurrent runs (tests under Swift Testing, two fits on
/// two tasks) each see their own context. Results never depend on `threads`: chunks are fixed
/// by the problem size and reduced in chunk order.
///
/// ```swift
/// let serial = ExecutionContext(threads: 1)
/// let a = try tsne.fit(codes, context: serial)
/// let b = try tsne.fit(codes, context: ExecutionContext(threads: 2))   // a == b, byte for byte
/// ```
public struct ExecutionContext: Sendable, Equatable {
    /// Worker threads for parallel loops and large GEMMs, at least 1 (default: the active
    /// processor count).
    public var threads: Int
    /// Refuse work whose estimated peak exceeds this many bytes (default nil: the memory the
    /// kernel reports as available when the work starts).
    public var memoryLimit: Int?

    /// - Parameters:
    ///   - threads: worker threads (default nil: the active processor count); values below 1 count as 1.
    ///   - memoryLimit: bytes, or nil to check against the available memory.
    public init(threads: Int? = nil, memoryLimit: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.memoryLimit = memoryLimit
    }

    /// The context of the running call: the one bound by the innermost `run(_:)` (or by a
    /// `fit`/`train` given a context) on this task, else the default.
    @TaskLocal public static var current = ExecutionContext()

    /// Runs `body` with this context as `current`.
    public func run<T>(_ body: () throws -> T) rethrows -> T {
        try ExecutionContext.$current.withValue(self, operation: body)
    }
}
