import Foundation
import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

/// Save/resume of t-SNE runs: a resumed run must give the bytes of an uninterrupted one.
@Suite struct TSNECheckpointTests {
    static let blobs = TestData.blobs(clusters: 4, perCluster: 30, dimension: 6, separation: 8, seed: 11)

    static func config(_ method: GradientMethod) -> TSNE {
        TSNE(perplexity: 10, method: method, iterations: 90, exaggerationIterations: 40, seed: 5)
    }

    /// Runs `tsne` once, collecting every checkpoint through its file encoding.
    static func runSaving(_ tsne: TSNE, every: Int) throws -> (TSNEResult, [TSNECheckpoint]) {
        let x = blobs.points
        var saved: [TSNECheckpoint] = []
        let result = try tsne.fit(x, resumingFrom: nil, checkpointing: TSNECheckpointing(every: every) { c in
            saved.append(try TSNECheckpoint.decode(try c.encoded(), path: "memory"))
        })
        return (result, saved)
    }

    @Test(arguments: [GradientMethod.exact, .barnesHut(theta: 0.5), .interpolation()])
    func resumedRunsEndWithTheBytesOfAnUninterruptedRun(method: GradientMethod) throws {
        let tsne = TSNECheckpointTests.config(method)
        let plain = try tsne.fit(TSNECheckpointTests.blobs.points)
        let (saving, checkpoints) = try TSNECheckpointTests.runSaving(tsne, every: 20)
        // Saving checkpoints does not change the run itself.
        #expect(saving.positions.elements == plain.positions.elements)
        // Iterations 20 and 40 are in (and at the end of) early exaggeration; 60 and 80 after.
        #expect(checkpoints.map(\.iteration) == [20, 40, 60, 80])
        for c in checkpoints {
            let resumed = try tsne.fit(TSNECheckpointTests.blobs.points, resumingFrom: c, checkpointing: nil)
            #expect(resumed.positions.elements.map(\.bitPattern) == plain.positions.elements.map(\.bitPattern),
                    "resumed from iteration \(c.iteration)")
            #expect(resumed.klHistory == plain.klHistory, "resumed from iteration \(c.iteration)")
            #expect(resumed.iterations == plain.iterations)
        }
    }

    @Test func barnesHutCheckpointKeepsTheTreeOrderAndItMatters() throws {
        let tsne = TSNECheckpointTests.config(.barnesHut(theta: 0.5))
        let (plain, checkpoints) = try TSNECheckpointTests.runSaving(tsne, every: 60)
        let c = try #require(checkpoints.first)
        #expect(c.treeOrder.count == TSNECheckpointTests.blobs.points.rows)
        #expect(c.treeOrder != Array(0..<Int32(c.treeOrder.count)), "the walk order is spatial, not the index order")
        // Resuming without the order (index order instead) rounds the tree sums differently.
        let noOrder = TSNECheckpoint(iteration: c.iteration, positions: c.positions, state: c.state, klHistory: c.klHistory,
                                     treeOrder: Array(0..<Int32(c.treeOrder.count)),
                                     affinityFingerprint: c.affinityFingerprint, settings: c.settings)
        let resumed = try tsne.fit(TSNECheckpointTests.blobs.points, resumingFrom: noOrder, checkpointing: nil)
        #expect(resumed.positions.elements != plain.positions.elements)
    }

    @Test func checkpointFileRoundTripsExactly() throws {
        let (_, checkpoints) = try TSNECheckpointTests.runSaving(TSNECheckpointTests.config(.barnesHut(theta: 0.5)), every: 30)
        let c = try #require(checkpoints.last)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try c.write(to: dir.file("run.ckpt"))
        #expect(try TSNECheckpoint.read(from: dir.file("run.ckpt")) == c)
        #expect(dir.contents() == ["run.ckpt"], "no temporary file is left behind")
    }

    @Test func damagedOrTruncatedCheckpointsAreRefusedNamingTheFile() throws {
        let (_, checkpoints) = try TSNECheckpointTests.runSaving(TSNECheckpointTests.config(.exact), every: 45)
        let bytes = try #require(checkpoints.first).encoded()
        var flipped = bytes
        flipped[flipped.count - 5] ^= 0x40
        for (bad, why) in [(flipped, "checksum"), (bytes.prefix(bytes.count - 3), "truncated"),
                           (Data("not a checkpoint at all".utf8), "not a LatentMap")] {
            #expect { try TSNECheckpoint.decode(Data(bad), path: "run.ckpt") } throws: { error in
                guard case .invalidCheckpoint(let path, let reason) = error as? TSNEError else { return false }
                return path == "run.ckpt" && reason.contains(why)
            }
        }
        #expect(throws: TSNEError.invalidCheckpoint(path: "/no/such.ckpt", reason: "no such file")) {
            try TSNECheckpoint.read(from: "/no/such.ckpt")
        }
    }

    @Test func checkpointOfOtherDataOrSettingsIsRefused() throws {
        let tsne = TSNECheckpointTests.config(.barnesHut(theta: 0.5))
        let (_, checkpoints) = try TSNECheckpointTests.runSaving(tsne, every: 30)
        let c = try #require(checkpoints.first)
        var other = TSNECheckpointTests.blobs.points
        other[0, 0] += 0.5
        #expect { try tsne.fit(other, resumingFrom: c, checkpointing: nil) } throws: { error in
            guard case .checkpointMismatch(let s) = error as? TSNEError else { return false }
            return s.contains("affinities differ")
        }
        var changed = tsne
        changed.exaggeration = 4
        #expect { try changed.fit(TSNECheckpointTests.blobs.points, resumingFrom: c, checkpointing: nil) } throws: { error in
            guard case .checkpointMismatch(let s) = error as? TSNEError else { return false }
            return s.contains("exaggeration 12.0") && s.contains("4.0")
        }
        var exact = tsne
        exact.method = .exact
        #expect(throws: TSNEError.self) { try exact.fit(TSNECheckpointTests.blobs.points, resumingFrom: c, checkpointing: nil) }
        // More iterations than the checkpoint's run is allowed: the run simply goes on.
        var longer = tsne
        longer.iterations = 120
        #expect(try longer.fit(TSNECheckpointTests.blobs.points, resumingFrom: c, checkpointing: nil).iterations == 120)
    }

    @Test func aCheckpointIntervalBelowOneIsRefused() throws {
        #expect(throws: TSNEError.self) {
            try TSNECheckpointTests.config(.exact).fit(TSNECheckpointTests.blobs.points, resumingFrom: nil,
                                                       checkpointing: TSNECheckpointing(every: 0) { _ in })
        }
    }
}
