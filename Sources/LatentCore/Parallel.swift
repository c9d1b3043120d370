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

    /// `forEachChunk(count:chunks:first)`, then, in the same parallel section (one wake-up of
    /// the workers), `between()` once on the thread that finished the last chunk and, when it
    /// returns true, `second(chunk, range)` over `secondChunks` ranges of `0..<secondCount`.
    ///
    /// No chunk of `second` starts before every chunk of `first` is done, and all of `first`'s
    /// writes are visible to `between` and `second`. A worker that runs out of `first` chunks
    /// waits for the others' by spinning briefly, then yielding. Chunks are claimed from
    /// counters as in `forEachChunk`; inside `serially`, or on one thread, everything runs in
    /// order on the calling thread. Returns what `between` returned.
    @discardableResult
    public static func forEachChunk(count: Int, chunks: Int, _ first: @Sendable (_ chunk: Int, _ range: Range<Int>) -> Void,
                                    then between: @Sendable () -> Bool, secondCount: Int, secondChunks: Int,
                                    _ second: @Sendable (_ chunk: Int, _ range: Range<Int>) -> Void) -> Bool {
        let n1 = count > 0 ? max(1, min(chunks, count)) : 0
        let n2 = secondCount > 0 ? max(1, min(secondChunks, secondCount)) : 0
        let workers = isSerial ? 1 : min(ExecutionContext.current.threads, max(n1, n2, 1))
        if workers == 1 || n1 == 0 {
            for c in 0..<n1 { first(c, range(ofChunk: c, of: n1, count: count)) }
            guard between() else { return false }
            for c in 0..<n2 { second(c, range(ofChunk: c, of: n2, count: secondCount)) }
            return true
        }
        // gate: 0 while `first` runs, 1 when `second` may run, 2 when `between` said no.
        let next = Atomic<Int>(0), done = Atomic<Int>(0), gate = Atomic<Int>(0), nextSecond = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard c < n1 else { break }
                first(c, range(ofChunk: c, of: n1, count: count))
                if done.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue == n1 - 1 {
                    gate.store(between() ? 1 : 2, ordering: .releasing)
                }
            }
            var g = gate.load(ordering: .acquiring), spins = 0
            while g == 0 {
                spins += 1
                if spins >= 4096 { sched_yield() }
                g = gate.load(ordering: .acquiring)
            }
            guard g == 1 else { return }
            while true {
                let c = nextSecond.wrappingAdd(1, ordering: .relaxed).oldValue
                guard c < n2 else { return }
                second(c, range(ofChunk: c, of: n2, count: secondCount))
            }
        }
        return gate.load(ordering: .acquiring) == 1
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
