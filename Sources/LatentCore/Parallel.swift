import Dispatch
import Foundation
import Synchronization

/// Deterministic parallel loops over a fixed number of chunks.
///
/// Work is cut into chunks whose boundaries depend only on the problem size, never on the
/// number of threads; each chunk writes disjoint output (its own rows, its own partial slot),
/// and partial results are reduced in chunk order. So the result is the same for 1 thread or
/// many. `ExecutionContext.current.threads` caps the workers (the CLI's `--threads`).
public enum Parallel {

    /// The default number of chunks for a loop over `count` items.
    public static func defaultChunks(for count: Int, minimumPerChunk: Int = 64) -> Int {
        max(1, min(64, count / max(1, minimumPerChunk)))
    }

    /// The half-open range of items in chunk `chunk` of `chunks` over `count` items.
    @inlinable
    public static func range(ofChunk chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        let lo = count * chunk / chunks
        let hi = count * (chunk + 1) / chunks
        return lo..<hi
    }

    /// Runs `body(chunk, range)` for each of `chunks` contiguous ranges covering `0..<count`.
    ///
    /// Chunks run concurrently on up to `ExecutionContext.current.threads` threads, each worker
    /// claiming the next unclaimed chunk from a shared counter (so a worker that wakes late
    /// takes fewer); inside `serially` they run in order on the calling thread. `body` must
    /// only write state that belongs to its own chunk.
    public static func forEachChunk(count: Int, chunks: Int? = nil,
                                    _ body: @Sendable (_ chunk: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let nChunks = max(1, min(chunks ?? defaultChunks(for: count), count))
        let workers = nChunks == 1 || isSerial ? 1 : min(ExecutionContext.current.threads, nChunks)
        if workers == 1 {
            for c in 0..<nChunks { body(c, range(ofChunk: c, of: nChunks, count: count)) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard c < nChunks else { return }
                body(c, range(ofChunk: c, of: nChunks, count: count))
            }
        }
    }

    /// Whether the calling thread runs inside `serially` (a worker of a data-parallel step).
    @TaskLocal public static var isSerial = false

    /// Runs `body` with every `forEachChunk` inside it run in order on this thread, and every
    /// `BLAS.gemm` as one OpenBLAS call instead of row chunks: for a worker that already owns
    /// one chunk of a larger parallel loop. What runs inside must not depend on the thread
    /// count, so a caller enters it for a reason fixed by the problem (never by the threads).
    public static func serially<T>(_ body: () throws -> T) rethrows -> T {
        try $isSerial.withValue(true, operation: body)
    }

    /// Computes one `Double` partial per chunk and returns their sum in chunk order.
    public static func sum(count: Int, chunks: Int? = nil,
                           _ body: @Sendable (_ range: Range<Int>) -> Double) -> Double {
        guard count > 0 else { return 0 }
        let nChunks = max(1, min(chunks ?? defaultChunks(for: count), count))
        var partials = [Double](repeating: 0, count: nChunks)
        partials.withUnsafeMutableBufferPointer { p in
            let out = UnsafeSendable(p)
            forEachChunk(count: count, chunks: nChunks) { c, r in out.value[c] = body(r) }
        }
        var s = 0.0
        for v in partials { s += v }
        return s
    }
}

/// Carries a non-`Sendable` value (typically an unsafe buffer pointer) into a concurrent loop.
///
/// Disjoint writes only: every concurrent user must touch a region of the buffer no other
/// user touches, or only read. This is the one place LatentMap opts out of the compiler's
/// data-race checking.
public struct UnsafeSendable<Value>: @unchecked Sendable {
    public let value: Value
    @inlinable public init(_ value: Value) { self.value = value }
}
