import LatentCore
import Synchronization
import Testing

/// `Parallel.forEachChunk(count:chunks:_:then:secondCount:secondChunks:_:)`: two loops in one
/// parallel section with a barrier between them.
@Suite struct TwoPhaseChunkTests {
    /// Phase two reads every phase-one result, so a chunk of it that started early would see a
    /// zero; the sums must be the same on 1, 2 and 3 threads, and `between` must run once.
    @Test(arguments: [1, 2, 3])
    func secondPhaseSeesEveryFirstPhaseWrite(threads: Int) {
        let n = 37, m = 11
        let first = UnsafeMutablePointer<Int>.allocate(capacity: n), second = UnsafeMutablePointer<Int>.allocate(capacity: m)
        defer { first.deallocate(); second.deallocate() }
        first.initialize(repeating: 0, count: n)
        second.initialize(repeating: 0, count: m)
        let a = UnsafeSendable(first), b = UnsafeSendable(second)
        let betweenCalls = Atomic<Int>(0)
        for round in 0..<50 {
            let ran = ExecutionContext(threads: threads).run {
                Parallel.forEachChunk(count: n, chunks: 5, { _, range in
                    for i in range { a.value[i] = i + round }
                }, then: {
                    betweenCalls.wrappingAdd(1, ordering: .relaxed)
                    return true
                }, secondCount: m, secondChunks: 4) { _, range in
                    for j in range { b.value[j] = (0..<n).reduce(0) { $0 + a.value[$1] } + j }
                }
            }
            #expect(ran)
            let expected = (0..<n).reduce(0) { $0 + $1 + round }
            #expect((0..<m).allSatisfy { second[$0] == expected + $0 }, "round \(round), \(threads) threads")
        }
        #expect(betweenCalls.load(ordering: .relaxed) == 50)
    }

    @Test(arguments: [1, 2])
    func secondPhaseIsSkippedWhenBetweenSaysNo(threads: Int) {
        let touched = Atomic<Int>(0)
        let ran = ExecutionContext(threads: threads).run {
            Parallel.forEachChunk(count: 8, chunks: 4, { _, _ in }, then: { false }, secondCount: 8, secondChunks: 4) { _, _ in
                touched.wrappingAdd(1, ordering: .relaxed)
            }
        }
        #expect(!ran)
        #expect(touched.load(ordering: .relaxed) == 0)
    }
}
