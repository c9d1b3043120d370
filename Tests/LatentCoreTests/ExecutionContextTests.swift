import LatentCore
import Testing

@Suite struct ExecutionContextTests {
    @Test func aBoundContextIsSeenInsideAndRestoredAfter() {
        let outside = ExecutionContext.current
        let inner = ExecutionContext(threads: 3, memoryLimit: 4096)
        inner.run {
            #expect(ExecutionContext.current == inner)
            #expect(MemoryEstimate.limit() == 4096)
            ExecutionContext(threads: 1).run { #expect(ExecutionContext.current.threads == 1) }
            #expect(ExecutionContext.current == inner)
        }
        #expect(ExecutionContext.current == outside)
        #expect(ExecutionContext(threads: 0).threads == 1)
    }

    /// The reason the context is task-local rather than a process-wide setting: two runs on two
    /// tasks at once each see their own thread count, however they interleave.
    @Test func concurrentTasksEachSeeTheirOwnContext() async {
        let seen = await withTaskGroup(of: (Int, [Int]).self) { group in
            for threads in 1...4 {
                group.addTask {
                    ExecutionContext(threads: threads).run {
                        var observed = [Int]()
                        for _ in 0..<200 {
                            Parallel.forEachChunk(count: 64, chunks: 8) { _, _ in }
                            observed.append(ExecutionContext.current.threads)
                        }
                        return (threads, observed)
                    }
                }
            }
            var all = [(Int, [Int])]()
            for await result in group { all.append(result) }
            return all
        }
        #expect(seen.count == 4)
        for (threads, observed) in seen { #expect(observed.allSatisfy { $0 == threads }, "task with \(threads) threads") }
    }
}
